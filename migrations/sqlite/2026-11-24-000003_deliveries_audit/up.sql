-- Result files (rule 5.3) and the tamper-evident audit trail.
CREATE TABLE deliveries (
    id           INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    request_id   BIGINT NOT NULL REFERENCES requests (id),
    filename     TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes   BIGINT NOT NULL,
    sha256       TEXT NOT NULL,
    storage_key  TEXT NOT NULL UNIQUE,
    -- The file's data key wrapped by a KEK; NULL once crypto-shredded.
    wrapped_key  TEXT,
    -- The download passphrase, sealed; NULL for files without personal data.
    passphrase   TEXT,
    personal     BOOLEAN NOT NULL,
    uploaded_by  BIGINT NOT NULL REFERENCES users (id),
    uploaded_at  TIMESTAMP NOT NULL,
    approved_by  BIGINT REFERENCES users (id),
    approved_at  TIMESTAMP,
    published_at TIMESTAMP,
    shredded_at  TIMESTAMP
);
CREATE INDEX deliveries_request ON deliveries (request_id);

CREATE TABLE audit_log (
    id           BIGINT PRIMARY KEY NOT NULL,
    at           TIMESTAMP NOT NULL,
    actor_id     BIGINT,
    actor_agency TEXT,
    action       TEXT NOT NULL,
    request_id   BIGINT,
    detail       TEXT NOT NULL,
    client_addr  TEXT,
    prev_hash    TEXT NOT NULL,
    hash         TEXT NOT NULL
);
CREATE INDEX audit_log_request ON audit_log (request_id);

-- One row: the chain's head. Updating it first serialises writers of the chain.
CREATE TABLE audit_head (
    id        INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    last_id   BIGINT NOT NULL,
    last_hash TEXT NOT NULL
);
INSERT INTO audit_head (id, last_id, last_hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
