-- tidings schema, version 8: sync with a feed server through the Google Reader API (issue #21).

-- The server's stream id of a synced feed ("feed/12"): how it is matched at every sync, whatever
-- its URL becomes (a server may rewrite it).
ALTER TABLE feeds ADD COLUMN remote_id TEXT;
CREATE UNIQUE INDEX feeds_remote ON feeds (remote_id) WHERE remote_id IS NOT NULL;

-- The server's item id of a synced entry: a 64-bit integer (FreshRSS's exceed 2^53), kept as
-- the signed integer with the same bits.
ALTER TABLE entries ADD COLUMN remote_id INTEGER;
CREATE UNIQUE INDEX entries_remote ON entries (remote_id) WHERE remote_id IS NOT NULL;

-- Marks made here on synced entries that the server has not acknowledged yet: the journal a
-- sync pushes first. One row per item and flag with the latest value, keyed by the server's id
-- so that a mark still reaches the server after its entry is pruned here. A push deletes a row
-- only if it still holds the value the server acknowledged.
CREATE TABLE sync_pending (
    item  INTEGER NOT NULL,
    flag  TEXT NOT NULL CHECK (flag IN ('read', 'starred')),
    value INTEGER NOT NULL,
    PRIMARY KEY (item, flag)
) WITHOUT ROWID;

-- 1 only inside a sync's own transaction while it writes what the server said: those changes
-- are not the user's and go in no journal. Other connections never see it set (a transaction
-- commits it back to 0), and a killed sync rolls it back.
CREATE TABLE sync_guard (applying INTEGER NOT NULL);
INSERT INTO sync_guard (applying) VALUES (0);

-- Every way a mark is made (a key, a bulk mark, undo, `tidings mark`, `rules apply`) goes
-- through these, in the transaction that makes it.
CREATE TRIGGER entries_sync_read AFTER UPDATE OF read ON entries
WHEN old.read IS NOT new.read AND new.remote_id IS NOT NULL
     AND (SELECT applying FROM sync_guard) = 0
BEGIN
    INSERT OR REPLACE INTO sync_pending (item, flag, value) VALUES (new.remote_id, 'read', new.read);
END;

CREATE TRIGGER entries_sync_starred AFTER UPDATE OF starred ON entries
WHEN old.starred IS NOT new.starred AND new.remote_id IS NOT NULL
     AND (SELECT applying FROM sync_guard) = 0
BEGIN
    INSERT OR REPLACE INTO sync_pending (item, flag, value)
        VALUES (new.remote_id, 'starred', new.starred);
END;
