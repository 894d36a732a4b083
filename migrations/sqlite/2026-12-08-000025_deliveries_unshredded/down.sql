DROP INDEX deliveries_unshredded;
