-- What an officer searches by (issue: search): the applicant's own words, lower-cased
-- (reason, description, conditions), and whether the application declares personal data.
ALTER TABLE requests ADD COLUMN search_text TEXT NOT NULL DEFAULT '';
ALTER TABLE requests ADD COLUMN personal BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE requests SET
    search_text = lower(coalesce(application::jsonb ->> 'reason', '') || chr(10) ||
                        coalesce(application::jsonb -> 'requirement' ->> 'description', '') || chr(10) ||
                        coalesce(application::jsonb -> 'requirement' ->> 'conditions', '')),
    personal = coalesce((application::jsonb -> 'personal_data' ->> 'contains') = 'true', FALSE);
CREATE INDEX requests_submitted_at ON requests (submitted_at);
