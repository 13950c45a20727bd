-- tidings schema, version 2: what polite refreshing needs to remember per feed.

-- Consecutive failed fetches (0 after a success): drives the exponential backoff.
ALTER TABLE feeds ADD COLUMN failures INTEGER NOT NULL DEFAULT 0;
-- Not to be fetched before this time (Unix seconds), and why: 'ttl' (the feed or server asked
-- for it), 'backoff' (it keeps failing) or 'retry-after' (its host said to wait). Automatic
-- refreshes honour every hold; one the user asks for honours only 'retry-after'.
ALTER TABLE feeds ADD COLUMN hold_until INTEGER;
ALTER TABLE feeds ADD COLUMN hold_reason TEXT;
-- When the server answered 410 Gone: the feed is no longer polled.
ALTER TABLE feeds ADD COLUMN gone_at INTEGER;
-- A permanent redirect and how many refreshes in a row have seen it; the stored URL moves
-- only once it has been seen consistently.
ALTER TABLE feeds ADD COLUMN redirect_to TEXT;
ALTER TABLE feeds ADD COLUMN redirect_seen INTEGER NOT NULL DEFAULT 0;

-- URLs a feed was known by before a permanent redirect moved it, so that subscribing to an old
-- URL again finds the feed instead of adding a second copy.
CREATE TABLE feed_old_urls (
    url        TEXT PRIMARY KEY,
    feed_id    INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
    replaced_at INTEGER NOT NULL
);
