ALTER TABLE agencies DROP COLUMN version;
ALTER TABLE users DROP COLUMN version;
