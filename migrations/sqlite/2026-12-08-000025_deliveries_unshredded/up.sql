-- The sweep that crypto-shreds result files whose download window has passed runs
-- every few minutes on every instance, in a write transaction: it finds the files
-- still holding their keys from an index of those alone, not by reading every file
-- ever delivered (years of them, nearly all shredded long ago).
CREATE INDEX deliveries_unshredded ON deliveries (published_at) WHERE shredded_at IS NULL;
