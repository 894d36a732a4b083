ALTER TABLE refresh_tokens DROP COLUMN used_by_addr;
ALTER TABLE refresh_tokens DROP COLUMN used_by_agent;
