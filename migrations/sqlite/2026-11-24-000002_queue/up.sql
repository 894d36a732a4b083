-- Queue ordering (rule 5.3): the wait clock of each request, and DGPA's settings.
ALTER TABLE requests ADD COLUMN wait_accumulated_seconds BIGINT NOT NULL DEFAULT 0;
ALTER TABLE requests ADD COLUMN wait_since TIMESTAMP;
UPDATE requests SET wait_since = dgpa_received_at WHERE state IN ('pending_dgpa', 'queued');
CREATE INDEX request_events_kind_at ON request_events (kind, at);

CREATE TABLE queue_settings (
    id         INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    settings   TEXT NOT NULL,
    version    BIGINT NOT NULL,
    updated_by BIGINT REFERENCES users (id),
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE queue_settings_history (
    id         INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    settings   TEXT NOT NULL,
    changed_by BIGINT NOT NULL REFERENCES users (id),
    changed_at TIMESTAMP NOT NULL
);
