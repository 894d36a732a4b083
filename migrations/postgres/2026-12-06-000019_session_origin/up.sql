-- Where a session's token was issued from, so that a person can tell their sessions
-- apart ("my account"): the browser's User-Agent (cut to 300 characters) and the
-- client address as the audit trail records it. Empty for tokens issued before.
ALTER TABLE refresh_tokens ADD COLUMN user_agent TEXT;
ALTER TABLE refresh_tokens ADD COLUMN client_addr TEXT;
