-- The integration surface (WebHR): idempotent writes, external references,
-- webhooks and e-mail sent from an outbox by a background worker.

-- A system's own reference for a request, unique per system (the issuer of its
-- tokens, or the account).
ALTER TABLE requests ADD COLUMN external_system TEXT;
ALTER TABLE requests ADD COLUMN external_ref TEXT;
CREATE UNIQUE INDEX requests_external_ref ON requests (external_system, external_ref);

-- Events already turned into notifications (the worker marks them in the
-- transaction that writes the notifications). History before this migration
-- counts as notified.
ALTER TABLE request_events ADD COLUMN notified_at TIMESTAMP;
UPDATE request_events SET notified_at = at;
CREATE INDEX request_events_unnotified ON request_events (notified_at);

-- Responses of creating POSTs by Idempotency-Key, per caller. status is NULL
-- while the first attempt is in progress.
CREATE TABLE idempotency_keys (
    caller       BIGINT NOT NULL REFERENCES users (id),
    idem_key     TEXT NOT NULL,
    fingerprint  TEXT NOT NULL,
    status       INTEGER,
    headers      TEXT,
    body         TEXT,
    created_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (caller, idem_key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

-- Subscriptions of a service account or a DGPA administrator to request events.
CREATE TABLE webhooks (
    id           INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    owner_id     BIGINT NOT NULL REFERENCES users (id),
    url          TEXT NOT NULL,
    events       TEXT NOT NULL,
    description  TEXT NOT NULL,
    secret       TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    deleted_at   TIMESTAMP
);
CREATE INDEX webhooks_owner ON webhooks (owner_id);

-- One message to send: a webhook delivery or an e-mail. The worker leases due
-- rows (row locks on PostgreSQL), sends, and records the outcome; failures are
-- retried with exponential backoff until max attempts.
CREATE TABLE notifications (
    id              INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    channel         TEXT NOT NULL,
    webhook_id      BIGINT REFERENCES webhooks (id),
    event_id        TEXT NOT NULL,
    event_type      TEXT NOT NULL,
    request_id      BIGINT REFERENCES requests (id),
    recipient       TEXT NOT NULL,
    payload         TEXT NOT NULL,
    dedupe_key      TEXT UNIQUE,
    status          TEXT NOT NULL,
    attempts        INTEGER NOT NULL,
    next_attempt_at TIMESTAMP NOT NULL,
    lease_until     TIMESTAMP,
    last_status     INTEGER,
    last_error      TEXT,
    created_at      TIMESTAMP NOT NULL,
    delivered_at    TIMESTAMP,
    replay_of       BIGINT
);
CREATE INDEX notifications_due ON notifications (status, next_attempt_at);
CREATE INDEX notifications_webhook ON notifications (webhook_id, id);
