-- Disclosure checks of statistical result files: small cells found, and their acceptance.
ALTER TABLE deliveries ADD COLUMN disclosure TEXT;
