-- The audit trail is read by who acted and by what was done (an administrator's
-- search, newest first): each found from its index, not by reading the trail back
-- from its newest entry (millions of entries after a year).
CREATE INDEX audit_log_actor ON audit_log (actor_id, id);
CREATE INDEX audit_log_action ON audit_log (action, id);
