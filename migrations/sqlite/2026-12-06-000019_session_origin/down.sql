ALTER TABLE refresh_tokens DROP COLUMN client_addr;
ALTER TABLE refresh_tokens DROP COLUMN user_agent;
