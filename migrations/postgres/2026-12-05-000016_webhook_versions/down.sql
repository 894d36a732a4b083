ALTER TABLE webhooks DROP COLUMN version;
