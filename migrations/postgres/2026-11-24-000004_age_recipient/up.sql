-- An X25519 age recipient a system (e.g. WebHR) registered for its downloads.
ALTER TABLE users ADD COLUMN age_recipient TEXT;
