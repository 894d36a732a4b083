ALTER TABLE request_events DROP COLUMN actor_agency;
