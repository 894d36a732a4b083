-- Files the applicant attaches to an application (a sample of the output format, rule 5.1).
CREATE TABLE attachments (
    id           INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    request_id   BIGINT NOT NULL REFERENCES requests (id),
    filename     TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes   BIGINT NOT NULL,
    sha256       TEXT NOT NULL,
    storage_key  TEXT NOT NULL UNIQUE,
    wrapped_key  TEXT NOT NULL,
    uploaded_by  BIGINT NOT NULL REFERENCES users (id),
    uploaded_at  TIMESTAMP NOT NULL
);
CREATE INDEX attachments_request ON attachments (request_id);
