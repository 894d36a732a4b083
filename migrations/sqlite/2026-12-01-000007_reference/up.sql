-- Reference data DGPA administers (rules 4, 7): the field dictionary and the
-- catalog of existing sources. Each item is a JSON document with a version;
-- every change is kept in its history (who, when, what changed).
CREATE TABLE reference_items (
    kind        TEXT NOT NULL,
    item_key    TEXT NOT NULL,
    body        TEXT NOT NULL,
    version     BIGINT NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    updated_by  BIGINT REFERENCES users (id),
    deleted_at  TIMESTAMP,
    PRIMARY KEY (kind, item_key)
);

CREATE TABLE reference_history (
    id          INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    kind        TEXT NOT NULL,
    item_key    TEXT NOT NULL,
    version     BIGINT NOT NULL,
    action      TEXT NOT NULL,
    changes     TEXT NOT NULL,
    changed_by  BIGINT REFERENCES users (id),
    changed_at  TIMESTAMP NOT NULL
);
CREATE INDEX reference_history_item ON reference_history (kind, item_key, id);

-- Bumped by every change of a kind (and written when it is first seeded), so
-- that every instance's cache knows when to reload.
CREATE TABLE reference_revisions (
    kind        TEXT PRIMARY KEY NOT NULL,
    revision    BIGINT NOT NULL
);

-- Field questions (rule 7), their threads and the FAQ answers publish to.
CREATE TABLE inquiries (
    id          INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    agency_code TEXT NOT NULL REFERENCES agencies (code),
    created_by  BIGINT NOT NULL REFERENCES users (id),
    request_id  BIGINT REFERENCES requests (id),
    fields      TEXT NOT NULL,
    subject     TEXT NOT NULL,
    state       TEXT NOT NULL,
    version     BIGINT NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);
CREATE INDEX inquiries_agency ON inquiries (agency_code, id);
CREATE INDEX inquiries_request ON inquiries (request_id, state);

CREATE TABLE inquiry_messages (
    id          INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    inquiry_id  BIGINT NOT NULL REFERENCES inquiries (id),
    author_id   BIGINT NOT NULL REFERENCES users (id),
    body        TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX inquiry_messages_inquiry ON inquiry_messages (inquiry_id, id);

CREATE TABLE field_faq (
    id           INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    field_code   TEXT NOT NULL,
    question     TEXT NOT NULL,
    answer       TEXT NOT NULL,
    inquiry_id   BIGINT REFERENCES inquiries (id),
    published_by BIGINT NOT NULL REFERENCES users (id),
    published_at TIMESTAMP NOT NULL
);
CREATE INDEX field_faq_field ON field_faq (field_code, id);

-- In-app notifications, per user.
CREATE TABLE inbox (
    id          INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    user_id     BIGINT NOT NULL REFERENCES users (id),
    kind        TEXT NOT NULL,
    link        TEXT NOT NULL,
    text_zh     TEXT NOT NULL,
    text_en     TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    read_at     TIMESTAMP
);
CREATE INDEX inbox_user ON inbox (user_id, id);
