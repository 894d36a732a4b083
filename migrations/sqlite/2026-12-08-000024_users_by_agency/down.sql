DROP INDEX users_agency;
