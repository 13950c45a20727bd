-- tidings schema, version 7: what rules and the reader put on entries beside read and starred
-- (issue #20): labels, hidden, and a highlight style.

-- Hidden by a rule: stored, but out of every view whose filter has no `hidden` term. Counts
-- count what can be seen: a hidden entry is in no feed's unread or starred count.
ALTER TABLE entries ADD COLUMN hidden INTEGER NOT NULL DEFAULT 0;
-- The style a highlight rule drew the row in (a theme role or a style, as the config says it).
ALTER TABLE entries ADD COLUMN highlight TEXT;

-- Labels by name; `folded` (lower-cased) keeps one label per name whatever its case.
CREATE TABLE labels (
    id     INTEGER PRIMARY KEY,
    name   TEXT NOT NULL,
    folded TEXT NOT NULL UNIQUE
);

CREATE TABLE entry_labels (
    entry_id INTEGER NOT NULL,
    label_id INTEGER NOT NULL REFERENCES labels(id) ON DELETE CASCADE,
    PRIMARY KEY (entry_id, label_id)
) WITHOUT ROWID;
CREATE INDEX entry_labels_label ON entry_labels (label_id, entry_id);

CREATE TRIGGER entry_labels_delete AFTER DELETE ON entries BEGIN
    DELETE FROM entry_labels WHERE entry_id = old.id;
END;

DROP TRIGGER entries_count_delete;
CREATE TRIGGER entries_count_delete AFTER DELETE ON entries BEGIN
    UPDATE feeds SET entry_count = entry_count - 1,
                     unread_count = unread_count - (old.read = 0 AND old.hidden = 0),
                     starred_count = starred_count - (old.starred = 1 AND old.hidden = 0)
    WHERE id = old.feed_id;
END;

DROP TRIGGER entries_count_update;
CREATE TRIGGER entries_count_update AFTER UPDATE OF read, starred, hidden, feed_id ON entries
WHEN old.read IS NOT new.read OR old.starred IS NOT new.starred OR old.hidden IS NOT new.hidden
     OR old.feed_id IS NOT new.feed_id
BEGIN
    UPDATE feeds SET entry_count = entry_count - 1,
                     unread_count = unread_count - (old.read = 0 AND old.hidden = 0),
                     starred_count = starred_count - (old.starred = 1 AND old.hidden = 0)
    WHERE id = old.feed_id;
    UPDATE feeds SET entry_count = entry_count + 1,
                     unread_count = unread_count + (new.read = 0 AND new.hidden = 0),
                     starred_count = starred_count + (new.starred = 1 AND new.hidden = 0)
    WHERE id = new.feed_id;
END;

-- Changes made outside the reader that the reader's undo takes back (`tidings rules apply`):
-- one row per mark and the entries it changed. The reader takes them when it starts or sees
-- the database change, and deletes them as it takes them.
CREATE TABLE undo_journal (
    id      INTEGER PRIMARY KEY,
    made_at INTEGER NOT NULL,
    what    TEXT NOT NULL,
    mark    TEXT NOT NULL,
    ids     TEXT NOT NULL
);
