DROP TABLE request_messages;
DROP TABLE request_revisions;
DROP TABLE request_events;
DROP TABLE requests;
DROP TABLE refresh_tokens;
DROP TABLE users;
DROP TABLE agencies;
