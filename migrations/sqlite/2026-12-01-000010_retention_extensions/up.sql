-- Rule 6: an office may ask DGPA to keep delivered personal data longer, within the
-- 365-day maximum. Each request and DGPA's decision is kept; the days approved move
-- the destroy-by date.
CREATE TABLE retention_extensions (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    request_id BIGINT NOT NULL REFERENCES requests (id),
    days INTEGER NOT NULL,
    reason TEXT NOT NULL,
    requested_by BIGINT NOT NULL REFERENCES users (id),
    requested_at TIMESTAMP NOT NULL,
    decision TEXT,
    decided_by BIGINT REFERENCES users (id),
    decided_at TIMESTAMP,
    comment TEXT
);
CREATE INDEX retention_extensions_request ON retention_extensions (request_id);
ALTER TABLE requests ADD COLUMN retention_extra_days INTEGER NOT NULL DEFAULT 0;
