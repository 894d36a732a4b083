DROP INDEX inbox_unread;
