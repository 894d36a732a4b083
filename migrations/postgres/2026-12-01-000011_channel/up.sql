-- How an application reached statreq: web, or paper / email registered by DGPA (rule 5.2).
ALTER TABLE requests ADD COLUMN channel TEXT NOT NULL DEFAULT 'web';
