-- An agency's accounts, found by their agency: whom to tell of a request (its office,
-- its supervising agencies' reviewers, on every reminder and question), and an
-- administrator's list of one agency's accounts, without reading every account of
-- every agency (tens of thousands of personnel officers).
CREATE INDEX users_agency ON users (agency_code, id);
