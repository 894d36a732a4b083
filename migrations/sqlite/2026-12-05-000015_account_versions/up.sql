-- Accounts and agencies are edited by several administrators: each row carries a
-- version, sent as the ETag and checked against If-Match, so that one administrator's
-- change is never silently overwritten by another's made on an older reading.
ALTER TABLE users ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE agencies ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
