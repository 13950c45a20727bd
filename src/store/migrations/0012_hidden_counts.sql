-- tidings schema, version 12: an entry hidden by a rule is in no count at all. Schema 7 left it
-- out of the unread and starred counts but not out of a feed's total, so `tidings count --json`
-- and the feed list's "unread/total" said 10 where the stream showed 7.

DROP TRIGGER entries_count_delete;
CREATE TRIGGER entries_count_delete AFTER DELETE ON entries BEGIN
    UPDATE feeds SET entry_count = entry_count - (old.hidden = 0),
                     unread_count = unread_count - (old.read = 0 AND old.hidden = 0),
                     starred_count = starred_count - (old.starred = 1 AND old.hidden = 0)
    WHERE id = old.feed_id;
END;

DROP TRIGGER entries_count_update;
CREATE TRIGGER entries_count_update AFTER UPDATE OF read, starred, hidden, feed_id ON entries
WHEN old.read IS NOT new.read OR old.starred IS NOT new.starred OR old.hidden IS NOT new.hidden
     OR old.feed_id IS NOT new.feed_id
BEGIN
    UPDATE feeds SET entry_count = entry_count - (old.hidden = 0),
                     unread_count = unread_count - (old.read = 0 AND old.hidden = 0),
                     starred_count = starred_count - (old.starred = 1 AND old.hidden = 0)
    WHERE id = old.feed_id;
    UPDATE feeds SET entry_count = entry_count + (new.hidden = 0),
                     unread_count = unread_count + (new.read = 0 AND new.hidden = 0),
                     starred_count = starred_count + (new.starred = 1 AND new.hidden = 0)
    WHERE id = new.feed_id;
END;

DROP TRIGGER entries_copy_update;
CREATE TRIGGER entries_copy_update AFTER UPDATE OF read, starred, hidden, feed_id, story ON entries
WHEN old.story IS NOT NULL OR new.story IS NOT NULL
BEGIN
    UPDATE feeds SET copy_count = copy_count - (old.hidden = 0),
        copy_unread = copy_unread - (old.read = 0 AND old.hidden = 0),
        copy_starred = copy_starred - (old.starred = 1 AND old.hidden = 0)
    WHERE id = old.feed_id AND (old.story <> old.id) IS 1;
    UPDATE feeds SET copy_count = copy_count + (new.hidden = 0),
        copy_unread = copy_unread + (new.read = 0 AND new.hidden = 0),
        copy_starred = copy_starred + (new.starred = 1 AND new.hidden = 0)
    WHERE id = new.feed_id AND (new.story <> new.id) IS 1;
END;

DROP TRIGGER entries_copy_delete;
CREATE TRIGGER entries_copy_delete AFTER DELETE ON entries WHEN (old.story <> old.id) IS 1
BEGIN
    UPDATE feeds SET copy_count = copy_count - (old.hidden = 0),
        copy_unread = copy_unread - (old.read = 0 AND old.hidden = 0),
        copy_starred = copy_starred - (old.starred = 1 AND old.hidden = 0)
    WHERE id = old.feed_id;
END;

-- The totals counted again without the hidden entries (only feeds that have some change).
UPDATE feeds SET
    entry_count = entry_count
        - (SELECT count(*) FROM entries e WHERE e.feed_id = feeds.id AND e.hidden = 1),
    copy_count = copy_count
        - (SELECT count(*) FROM entries e
           WHERE e.feed_id = feeds.id AND e.hidden = 1 AND (e.story <> e.id) IS 1)
WHERE id IN (SELECT DISTINCT feed_id FROM entries WHERE hidden = 1);
