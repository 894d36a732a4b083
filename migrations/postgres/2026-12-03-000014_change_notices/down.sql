DROP TRIGGER users_announce_change ON users;
DROP TRIGGER requests_announce_change ON requests;
DROP FUNCTION statreq_announce_change();
