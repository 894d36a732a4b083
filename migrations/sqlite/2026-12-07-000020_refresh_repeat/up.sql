-- Who spent a refresh token (the client's User-Agent and address, as kept for the
-- session), so that the same client presenting it again within seconds (two tabs
-- refreshing at once, a response lost and the call retried) is told apart from a
-- token replayed from elsewhere, which ends the sign-in. Empty for tokens spent before.
ALTER TABLE refresh_tokens ADD COLUMN used_by_agent TEXT;
ALTER TABLE refresh_tokens ADD COLUMN used_by_addr TEXT;
