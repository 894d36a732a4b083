-- PostgreSQL only (change notices for the read cache of several instances); SQLite's
-- store keeps no rows in memory. Kept so that both backends list the same migrations.
SELECT 1;
