DROP INDEX inbox_dedupe_key;
ALTER TABLE inbox DROP COLUMN dedupe_key;
ALTER TABLE users DROP COLUMN notification_settings;
