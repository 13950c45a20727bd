-- tidings schema, version 11: the whole article (issue #23).

-- An entry's web page, fetched and its article extracted, kept beside the feed's body: the
-- address it came from (after redirects), when, and either the article's HTML (packed like
-- bodies, and indexed for search with the entry) or the one line saying why there is none.
-- A row means "fetched": nothing fetches the entry again unless the user asks. A failure that
-- may pass (the network, a timeout, a 5xx, a host asking to wait) leaves no row, so the next
-- run tries again.
CREATE TABLE articles (
    entry_id   INTEGER PRIMARY KEY REFERENCES entries(id) ON DELETE CASCADE,
    url        TEXT NOT NULL,
    fetched_at INTEGER NOT NULL,
    html       BLOB,
    error      TEXT,
    CHECK ((html IS NULL) <> (error IS NULL))
);

-- Fetch the whole article of this feed's new entries after each refresh (the feed list's key).
ALTER TABLE feeds ADD COLUMN full_article INTEGER NOT NULL DEFAULT 0;
