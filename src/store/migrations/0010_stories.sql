-- tidings schema, version 10: one story, once (issue #23). Entries of different feeds that are the
-- same story (`model::story`: the same link once normalised, the same guid where it is a web
-- address, the same title and text) are folded together at ingest.

-- NULL for an entry that is a story of its own; else the id of the story's lead (the copy the
-- stream shows: the first one stored), the lead's own id included. A copy is an entry whose
-- story is not its own id.
ALTER TABLE entries ADD COLUMN story INTEGER;
CREATE INDEX entries_story ON entries (story) WHERE story IS NOT NULL;

-- Each story key of a lead (hashes, `model::story`), so that a new entry finds its story by one
-- lookup. Keys follow the lead when it is removed and another copy takes its place.
CREATE TABLE story_keys (
    key      INTEGER PRIMARY KEY,
    entry_id INTEGER
);
CREATE INDEX story_keys_entry ON story_keys (entry_id);

-- Counts count stories: the stream's totals are the feeds' counts less their copies'. A feed's
-- own counts stay per feed (its copies included). Feeds with copies are few: the totals read
-- theirs through an index of them alone.
ALTER TABLE feeds ADD COLUMN copy_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE feeds ADD COLUMN copy_unread INTEGER NOT NULL DEFAULT 0;
ALTER TABLE feeds ADD COLUMN copy_starred INTEGER NOT NULL DEFAULT 0;
CREATE INDEX feeds_copies ON feeds (copy_count, copy_unread, copy_starred) WHERE copy_count > 0;

-- (`(x.story <> x.id) IS 1`: x is a copy. Triggers stay short: every open parses them.)
CREATE TRIGGER entries_copy_update AFTER UPDATE OF read, starred, hidden, feed_id, story ON entries
WHEN old.story IS NOT NULL OR new.story IS NOT NULL
BEGIN
    UPDATE feeds SET copy_count = copy_count - 1,
        copy_unread = copy_unread - (old.read = 0 AND old.hidden = 0),
        copy_starred = copy_starred - (old.starred = 1 AND old.hidden = 0)
    WHERE id = old.feed_id AND (old.story <> old.id) IS 1;
    UPDATE feeds SET copy_count = copy_count + 1,
        copy_unread = copy_unread + (new.read = 0 AND new.hidden = 0),
        copy_starred = copy_starred + (new.starred = 1 AND new.hidden = 0)
    WHERE id = new.feed_id AND (new.story <> new.id) IS 1;
END;

-- A lead removed (retention, a feed unsubscribed): the oldest copy left leads the story and
-- takes its keys; a story of one leaves no keys behind. A copy removed leaves its feed's counts.
CREATE TRIGGER entries_story_delete AFTER DELETE ON entries
WHEN old.story IS NULL OR old.story = old.id
BEGIN
    UPDATE story_keys SET entry_id = (SELECT min(id) FROM entries WHERE story = old.id)
    WHERE entry_id = old.id;
    DELETE FROM story_keys WHERE entry_id IS NULL;
    UPDATE entries SET story = (SELECT min(id) FROM entries WHERE story = old.id)
    WHERE story = old.id;
END;

CREATE TRIGGER entries_copy_delete AFTER DELETE ON entries WHEN (old.story <> old.id) IS 1
BEGIN
    UPDATE feeds SET copy_count = copy_count - 1,
        copy_unread = copy_unread - (old.read = 0 AND old.hidden = 0),
        copy_starred = copy_starred - (old.starred = 1 AND old.hidden = 0)
    WHERE id = old.feed_id;
END;

-- Marks on a story are every copy's, whoever makes them (a key, a bulk mark, undo, `tidings
-- mark`, rules): each copy's change is journaled for the server like any mark. What a sync
-- writes from the server is that item's own state, and stays on that item. (A trigger does not
-- fire itself again: SQLite's recursive triggers are off.)
CREATE TRIGGER entries_story_marks AFTER UPDATE OF read, starred ON entries
WHEN new.story IS NOT NULL AND (old.read IS NOT new.read OR old.starred IS NOT new.starred)
     AND (SELECT applying FROM sync_guard) = 0
BEGIN
    UPDATE entries SET read = new.read, starred = new.starred
    WHERE story = new.story AND id <> new.id
      AND (read IS NOT new.read OR starred IS NOT new.starred);
END;
