DROP TABLE inbox;
DROP TABLE field_faq;
DROP TABLE inquiry_messages;
DROP TABLE inquiries;
DROP TABLE reference_revisions;
DROP TABLE reference_history;
DROP TABLE reference_items;
