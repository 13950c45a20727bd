-- tidings schema, version 5: a cheaper write path for a refresh (issue #16).

-- New entries are counted by the store, once for each feed written, no longer by a trigger for
-- each row: an insert into a table with a trigger needs a statement journal, which copies every
-- page the insert changes to a temporary file first, and makes FTS5 write its pending terms out
-- as a segment of their own. Deletes and marks keep their triggers (they are not the hot path).
DROP TRIGGER entries_count_insert;

-- The search index keeps the terms of up to 8 MiB of text in memory before it writes them out
-- as a segment (the default is 1 MiB): a refresh writes feeds in transactions of up to a few
-- MiB of text, and each segment written is one more to merge later.
INSERT INTO entries_fts (entries_fts, rank) VALUES ('hashsize', 8388608);
