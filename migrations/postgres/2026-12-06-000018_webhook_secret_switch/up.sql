-- A new signing secret may be given ahead of its use: the receiver learns it, takes
-- both, and deliveries switch to it at `next_secret_from` (sealed like `secret`).
ALTER TABLE webhooks ADD COLUMN next_secret TEXT;
ALTER TABLE webhooks ADD COLUMN next_secret_from TIMESTAMP;
