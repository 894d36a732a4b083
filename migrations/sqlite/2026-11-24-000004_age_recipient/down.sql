ALTER TABLE users DROP COLUMN age_recipient;
