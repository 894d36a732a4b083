DROP INDEX refresh_tokens_expires;
DROP INDEX refresh_tokens_user;
