-- statreq initial schema (SQLite dialect; keep in step with ../../postgres).
CREATE TABLE agencies (
    code            TEXT PRIMARY KEY NOT NULL,
    name            TEXT NOT NULL,
    parent_code     TEXT REFERENCES agencies (code),
    personnel_staff INTEGER NOT NULL DEFAULT 0 CHECK (personnel_staff >= 0),
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL
);
CREATE INDEX agencies_parent ON agencies (parent_code);
-- DGPA, the root of the agency tree (rule 1).
INSERT INTO agencies (code, name, parent_code, personnel_staff, created_at, updated_at)
VALUES ('DGPA', '行政院人事行政總處', NULL, 0, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    username      TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    email         TEXT NOT NULL,
    agency_code   TEXT NOT NULL REFERENCES agencies (code),
    roles         TEXT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('local', 'service', 'external')),
    password_hash TEXT,
    issuer        TEXT,
    subject       TEXT,
    active        BOOLEAN NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL,
    UNIQUE (issuer, subject)
);

CREATE TABLE refresh_tokens (
    token_hash TEXT PRIMARY KEY NOT NULL,
    family     TEXT NOT NULL,
    user_id    BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at    TIMESTAMP,
    revoked_at TIMESTAMP
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family);

CREATE TABLE requests (
    id               INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    agency_code      TEXT NOT NULL REFERENCES agencies (code),
    created_by       BIGINT NOT NULL REFERENCES users (id),
    state            TEXT NOT NULL,
    version          BIGINT NOT NULL,
    application      TEXT NOT NULL,
    revision         INTEGER NOT NULL,
    difficulty       INTEGER CHECK (difficulty BETWEEN 1 AND 5),
    assignee         BIGINT REFERENCES users (id),
    reply            TEXT,
    destruction      TEXT,
    created_at       TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL,
    submitted_at     TIMESTAMP,
    dgpa_received_at TIMESTAMP,
    delivered_at     TIMESTAMP
);
CREATE INDEX requests_agency_state ON requests (agency_code, state);
CREATE INDEX requests_state ON requests (state);

CREATE TABLE request_events (
    request_id BIGINT NOT NULL REFERENCES requests (id),
    seq        INTEGER NOT NULL,
    kind       TEXT NOT NULL,
    from_state TEXT,
    to_state   TEXT NOT NULL,
    actor_id   BIGINT NOT NULL REFERENCES users (id),
    comment    TEXT,
    data       TEXT NOT NULL,
    at         TIMESTAMP NOT NULL,
    PRIMARY KEY (request_id, seq)
);

CREATE TABLE request_revisions (
    request_id   BIGINT NOT NULL REFERENCES requests (id),
    number       INTEGER NOT NULL,
    application  TEXT NOT NULL,
    submitted_by BIGINT NOT NULL REFERENCES users (id),
    submitted_at TIMESTAMP NOT NULL,
    PRIMARY KEY (request_id, number)
);

CREATE TABLE request_messages (
    id         INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    request_id BIGINT NOT NULL REFERENCES requests (id),
    author_id  BIGINT NOT NULL REFERENCES users (id),
    body       TEXT NOT NULL,
    at         TIMESTAMP NOT NULL
);
CREATE INDEX request_messages_request ON request_messages (request_id, id);
