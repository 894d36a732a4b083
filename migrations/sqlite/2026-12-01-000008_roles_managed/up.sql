-- An administrator's change to the roles of an account provisioned by a trusted
-- issuer sticks: later tokens no longer overwrite them.
ALTER TABLE users ADD COLUMN roles_managed BOOLEAN NOT NULL DEFAULT 0;
