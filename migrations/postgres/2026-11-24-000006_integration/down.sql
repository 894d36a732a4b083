DROP TABLE notifications;
DROP TABLE webhooks;
DROP TABLE idempotency_keys;
DROP INDEX request_events_unnotified;
ALTER TABLE request_events DROP COLUMN notified_at;
DROP INDEX requests_external_ref;
ALTER TABLE requests DROP COLUMN external_ref;
ALTER TABLE requests DROP COLUMN external_system;
