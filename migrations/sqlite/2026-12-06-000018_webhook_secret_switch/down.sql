ALTER TABLE webhooks DROP COLUMN next_secret_from;
ALTER TABLE webhooks DROP COLUMN next_secret;
