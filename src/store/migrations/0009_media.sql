-- tidings schema, version 9: enclosures and the download queue (issue #22).

-- An entry's attached files in the feed's order (chapters last). Rewritten with the entry
-- whenever its content changes; existing entries gain theirs at their next refresh (the
-- content hash counts them).
CREATE TABLE enclosures (
    entry_id INTEGER NOT NULL,
    position INTEGER NOT NULL,
    url      TEXT NOT NULL,
    mime     TEXT,
    length   INTEGER,
    duration INTEGER,
    PRIMARY KEY (entry_id, position)
) WITHOUT ROWID;

CREATE TRIGGER enclosures_delete AFTER DELETE ON entries BEGIN
    DELETE FROM enclosures WHERE entry_id = old.id;
END;

-- The download queue: one row per file asked for, kept when its entry is gone (retention).
-- `file` is the name chosen under [media] dir when the download first starts (the partial
-- data is `file` + ".part" until it is whole); `state` is queued, done or failed.
CREATE TABLE downloads (
    id         INTEGER PRIMARY KEY,
    url        TEXT NOT NULL UNIQUE,
    entry_id   INTEGER,
    feed_title TEXT NOT NULL,
    title      TEXT NOT NULL,
    mime       TEXT,
    file       TEXT,
    state      TEXT NOT NULL DEFAULT 'queued',
    received   INTEGER NOT NULL DEFAULT 0,
    total      INTEGER,
    error      TEXT,
    queued_at  INTEGER NOT NULL,
    done_at    INTEGER
);
CREATE INDEX downloads_state ON downloads (state, id);
