-- tidings schema, version 4: counts kept with each feed, so the status line and the feed
-- list cost the same with a thousand entries or a million (no index scans to count).
-- Triggers keep them true on every insert, delete (a removed feed's entries too) and mark.

ALTER TABLE feeds ADD COLUMN entry_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE feeds ADD COLUMN unread_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE feeds ADD COLUMN starred_count INTEGER NOT NULL DEFAULT 0;

UPDATE feeds SET
    entry_count = (SELECT count(*) FROM entries e WHERE e.feed_id = feeds.id),
    unread_count = (SELECT count(*) FROM entries e WHERE e.feed_id = feeds.id AND e.read = 0),
    starred_count = (SELECT count(*) FROM entries e WHERE e.feed_id = feeds.id AND e.starred = 1);

CREATE TRIGGER entries_count_insert AFTER INSERT ON entries BEGIN
    UPDATE feeds SET entry_count = entry_count + 1,
                     unread_count = unread_count + (new.read = 0),
                     starred_count = starred_count + (new.starred = 1)
    WHERE id = new.feed_id;
END;

CREATE TRIGGER entries_count_delete AFTER DELETE ON entries BEGIN
    UPDATE feeds SET entry_count = entry_count - 1,
                     unread_count = unread_count - (old.read = 0),
                     starred_count = starred_count - (old.starred = 1)
    WHERE id = old.feed_id;
END;

CREATE TRIGGER entries_count_update AFTER UPDATE OF read, starred, feed_id ON entries
WHEN old.read IS NOT new.read OR old.starred IS NOT new.starred OR old.feed_id IS NOT new.feed_id
BEGIN
    UPDATE feeds SET entry_count = entry_count - 1,
                     unread_count = unread_count - (old.read = 0),
                     starred_count = starred_count - (old.starred = 1)
    WHERE id = old.feed_id;
    UPDATE feeds SET entry_count = entry_count + 1,
                     unread_count = unread_count + (new.read = 0),
                     starred_count = starred_count + (new.starred = 1)
    WHERE id = new.feed_id;
END;
