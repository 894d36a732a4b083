-- Every change of a request or a user row is announced on channel `statreq_changed`
-- (payload `requests:ID` or `users:ID`), delivered when its transaction commits, so
-- that instances keeping such rows in memory drop them (the store's read cache).
-- Whoever changes the row (an instance, a command, SQL by hand) is covered.
CREATE FUNCTION statreq_announce_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('statreq_changed', TG_TABLE_NAME || ':' || (CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END));
    RETURN NULL;
END
$$;
CREATE TRIGGER requests_announce_change AFTER UPDATE OR DELETE ON requests
    FOR EACH ROW EXECUTE FUNCTION statreq_announce_change();
CREATE TRIGGER users_announce_change AFTER UPDATE OR DELETE ON users
    FOR EACH ROW EXECUTE FUNCTION statreq_announce_change();
