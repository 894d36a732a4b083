-- A subscription is changed in place (its address, its events) without a new secret:
-- each row carries a version, sent as the ETag and checked against If-Match.
ALTER TABLE webhooks ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
