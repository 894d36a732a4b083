ALTER TABLE deliveries DROP COLUMN disclosure;
