-- tidings schema, version 3: search, tags, renames and what the reader remembers.

-- Full-text index of every entry's title, author and body as plain text (bodies stripped of
-- HTML by the store). Contentless: the text lives only in the index (the entries and their
-- HTML bodies are the source; nothing needs the text back, the reader highlights matches
-- itself). Measured on 2668 entries of real feeds (5.4 MB of HTML): 2.2 MB of index, against
-- 5.7 MB for a table keeping a copy of the text; on 3670 synthetic entries (21 MB of HTML):
-- 12.8 MB against 33.6 MB. contentless_delete lets a row be dropped by its rowid alone.
-- Rows are keyed by entries.id, written by the store on ingest (and backfilled by this
-- migration's Rust step), and dropped by the trigger below whichever way an entry goes.
CREATE VIRTUAL TABLE entries_fts USING fts5 (
    title, author, body,
    content = '',
    contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER entries_fts_delete AFTER DELETE ON entries BEGIN
    DELETE FROM entries_fts WHERE rowid = old.id;
END;

-- The user's tags per feed. `tag` as given (sanitised), `folded` lower-cased for matching and
-- to keep one tag per feed whatever its case.
CREATE TABLE feed_tags (
    feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
    tag     TEXT NOT NULL,
    folded  TEXT NOT NULL,
    PRIMARY KEY (feed_id, folded)
) WITHOUT ROWID;
CREATE INDEX feed_tags_folded ON feed_tags (folded);

-- A title the user gave the feed; shown instead of the feed's own title while set.
ALTER TABLE feeds ADD COLUMN user_title TEXT;

-- Small things the reader remembers between runs ('last_visit': Unix seconds).
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value NOT NULL
) WITHOUT ROWID;

-- The stream indexes carry the feed, so that a walk in stream order filtered by feeds or tags
-- decides each row from the index without reading it. (Not read or starred: a bulk mark would
-- then move every row within the big index too, and the planner would prefer it to the
-- partial indexes, which are what make `unread` and `starred` fast.)
DROP INDEX entries_stream;
CREATE INDEX entries_stream ON entries (published DESC, id DESC, feed_id);
DROP INDEX entries_unread_stream;
CREATE INDEX entries_unread_stream ON entries (published DESC, id DESC, feed_id) WHERE read = 0;
