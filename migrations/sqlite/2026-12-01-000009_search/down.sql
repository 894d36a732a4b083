DROP INDEX requests_submitted_at;
ALTER TABLE requests DROP COLUMN personal;
ALTER TABLE requests DROP COLUMN search_text;
