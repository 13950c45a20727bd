-- tidings schema, version 1.
-- Times are Unix seconds (UTC). Feed text is sanitised before it is stored.

CREATE TABLE feeds (
    id            INTEGER PRIMARY KEY,
    url           TEXT NOT NULL UNIQUE,
    title         TEXT,              -- the feed's own title, once fetched
    site_url      TEXT,
    added_at      INTEGER NOT NULL,
    last_fetch_at INTEGER,
    last_ok_at    INTEGER,
    last_error    TEXT,              -- cleared by the next success
    etag          TEXT,
    last_modified TEXT
);

CREATE TABLE entries (
    id           INTEGER PRIMARY KEY,
    feed_id      INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
    key          TEXT NOT NULL,      -- stable identity within the feed
    guid         TEXT,
    title        TEXT NOT NULL,
    link         TEXT,
    author       TEXT,
    published    INTEGER NOT NULL,   -- the feed's date, or first_seen; never in the future
    updated      INTEGER,
    first_seen   INTEGER NOT NULL,
    content_hash INTEGER NOT NULL,   -- lets an unchanged entry be skipped without reading its body
    read         INTEGER NOT NULL DEFAULT 0,
    starred      INTEGER NOT NULL DEFAULT 0,
    UNIQUE (feed_id, key)
);

-- Bodies live apart so that paging through the stream never reads them.
CREATE TABLE entry_bodies (
    entry_id INTEGER PRIMARY KEY REFERENCES entries(id) ON DELETE CASCADE,
    html     TEXT NOT NULL
);

-- Keyset pagination: the stream, one feed's stream, unread only, starred only.
CREATE INDEX entries_stream ON entries (published DESC, id DESC);
CREATE INDEX entries_feed_stream ON entries (feed_id, published DESC, id DESC);
CREATE INDEX entries_unread_stream ON entries (published DESC, id DESC) WHERE read = 0;
CREATE INDEX entries_starred_stream ON entries (published DESC, id DESC) WHERE starred = 1;
-- Unread counts per feed without touching read rows.
CREATE INDEX entries_feed_unread ON entries (feed_id) WHERE read = 0;
