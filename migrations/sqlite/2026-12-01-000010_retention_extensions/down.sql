ALTER TABLE requests DROP COLUMN retention_extra_days;
DROP TABLE retention_extensions;
