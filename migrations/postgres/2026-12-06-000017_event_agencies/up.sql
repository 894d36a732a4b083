-- The agency an event's actor acted for, as it was then: who approved for which
-- supervising agency stays true when the actor or the agency tree moves (rule 5.1).
-- Events recorded before have none.
ALTER TABLE request_events ADD COLUMN actor_agency TEXT;
