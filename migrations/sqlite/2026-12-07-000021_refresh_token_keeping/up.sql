-- A user's sessions are found by the user (the list of one's sign-ins, signing out
-- everywhere, an account disabled), and the sign-ins that can no longer refresh by
-- when their tokens expire (the worker forgets them): each without reading every
-- token ever issued.
CREATE INDEX refresh_tokens_user ON refresh_tokens (user_id);
CREATE INDEX refresh_tokens_expires ON refresh_tokens (expires_at);
