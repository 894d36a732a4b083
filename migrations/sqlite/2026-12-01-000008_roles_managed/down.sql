ALTER TABLE users DROP COLUMN roles_managed;
