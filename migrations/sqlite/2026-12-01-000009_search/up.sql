-- What an officer searches by (issue: search): the applicant's own words, lower-cased
-- (reason, description, conditions), and whether the application declares personal data.
ALTER TABLE requests ADD COLUMN search_text TEXT NOT NULL DEFAULT '';
ALTER TABLE requests ADD COLUMN personal BOOLEAN NOT NULL DEFAULT 0;
UPDATE requests SET
    search_text = lower(coalesce(json_extract(application, '$.reason'), '') || char(10) ||
                        coalesce(json_extract(application, '$.requirement.description'), '') || char(10) ||
                        coalesce(json_extract(application, '$.requirement.conditions'), '')),
    personal = coalesce(json_extract(application, '$.personal_data.contains'), 0) = 1;
CREATE INDEX requests_submitted_at ON requests (submitted_at);
