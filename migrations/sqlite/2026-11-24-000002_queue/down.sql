DROP TABLE queue_settings_history;
DROP TABLE queue_settings;
DROP INDEX request_events_kind_at;
ALTER TABLE requests DROP COLUMN wait_since;
ALTER TABLE requests DROP COLUMN wait_accumulated_seconds;
