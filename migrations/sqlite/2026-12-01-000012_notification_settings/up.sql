-- Which notices a person also wants by e-mail ({"kind": false} turns one off; in-app
-- notices always arrive), and reminders that must reach each person once.
ALTER TABLE users ADD COLUMN notification_settings TEXT NOT NULL DEFAULT '{}';
ALTER TABLE inbox ADD COLUMN dedupe_key TEXT;
CREATE UNIQUE INDEX inbox_dedupe_key ON inbox (dedupe_key);
