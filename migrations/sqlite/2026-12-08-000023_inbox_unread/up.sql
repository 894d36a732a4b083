-- A person's unread notices, counted on every screen they open (the header's badge)
-- and listed by the inbox's "unread" view: found from an index of the unread alone,
-- not by reading back through every notice they were ever sent (a DGPA officer is
-- told of every request that reaches DGPA: tens of thousands over the years).
CREATE INDEX inbox_unread ON inbox (user_id, id) WHERE read_at IS NULL;
