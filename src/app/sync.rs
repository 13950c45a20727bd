//! Keeping up with other writers: a second reader on the same database (another SSH session)
//! or `tidings refresh` from cron. When the runtime sees the database changed, the rows on
//! screen get their stored flags again, the counts reload, and new entries come in at the top.

use std::collections::HashMap;

use super::{AppState, Effect, View};
use crate::model::EntryId;

/// Another connection committed: ask for what may have changed.
pub fn database_changed(state: &mut AppState) -> Vec<Effect> {
    let mut effects = vec![
        Effect::LoadCounts,
        Effect::LoadJournal,
        Effect::LoadMarks {
            ids: state.stream.rows.iter().map(|r| r.id).collect(),
        },
    ];
    // During our own refresh the stream reloads as feeds come in already.
    if state.refresh.is_none() {
        effects.extend(state.stream.refresh_in_place());
    }
    if state.view == View::Feeds {
        effects.push(Effect::LoadFeeds);
    }
    effects
}

/// The stored flags of rows on screen.
pub fn marks_refreshed(state: &mut AppState, marks: Vec<(EntryId, bool, bool)>) {
    let flags: HashMap<EntryId, (bool, bool)> =
        marks.into_iter().map(|(id, r, s)| (id, (r, s))).collect();
    for row in &mut state.stream.rows {
        if let Some(&(read, starred)) = flags.get(&row.id) {
            row.read = read;
            row.starred = starred;
        }
    }
    if let Some(r) = &mut state.reader
        && let Some(&(read, starred)) = flags.get(&r.entry.summary.id)
    {
        r.entry.summary.read = read;
        r.entry.summary.starred = starred;
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{FakeDb, row};
    use super::super::*;

    /// Found by the concurrent-writers run (`tests/concurrent.rs`): with more rows loaded than
    /// a page and the cursor near the bottom, news arriving at the top pushed the entry under
    /// the cursor past the end of the reload (as many rows as were loaded), and the cursor
    /// stayed at its index: on another entry, which the next `r` or `s` then marked.
    #[test]
    fn news_above_never_move_the_cursor_off_its_entry_near_the_bottom() {
        let mut db = FakeDb::new(300);
        let mut s = db.started(80, 24);
        // Down to the bottom: older pages come in, and the window still starts at the top.
        for _ in 0..298 {
            db.send(&mut s, Msg::Action(Action::Down));
        }
        assert!(s.stream.at_top && s.stream.at_bottom);
        let id = s.stream.selected().unwrap().id;
        assert_eq!(id, EntryId(2));
        for news in [5, 250] {
            let newest = db.rows[0].id.0;
            for new in 1..=news {
                db.rows.insert(0, row(newest + new, 1));
            }
            db.send(&mut s, Msg::DatabaseChanged);
            assert_eq!(
                s.stream.selected().map(|r| r.id),
                Some(id),
                "after {news} news"
            );
            assert_eq!(s.stream.rows.first().map(|r| r.id), Some(db.rows[0].id));
            assert!(s.stream.at_top);
        }
        // The next key goes on from there.
        db.send(&mut s, Msg::Action(Action::Down));
        assert_eq!(s.stream.selected().unwrap().id, EntryId(1));
    }

    #[test]
    fn marks_made_elsewhere_show_on_the_rows() {
        let mut db = FakeDb::new(5);
        let mut s = db.started(80, 24);
        let effects = update(&mut s, Msg::DatabaseChanged);
        assert!(effects.contains(&Effect::LoadCounts));
        let Some(Effect::LoadMarks { ids }) = effects
            .iter()
            .find(|e| matches!(e, Effect::LoadMarks { .. }))
        else {
            panic!("{effects:?}")
        };
        assert_eq!(ids.len(), 5);
        update(
            &mut s,
            Msg::MarksRefreshed(vec![(EntryId(4), true, true), (EntryId(5), false, false)]),
        );
        assert!(s.stream.rows[1].read && s.stream.rows[1].starred);
        assert!(!s.stream.rows[0].read);
    }

    #[test]
    fn during_our_own_refresh_the_stream_is_not_reloaded_twice() {
        let mut db = FakeDb::new(5);
        let mut s = db.started(80, 24);
        update(
            &mut s,
            Msg::Refresh(crate::model::RefreshEvent::Started { total: 3 }),
        );
        let effects = update(&mut s, Msg::DatabaseChanged);
        assert!(!effects.iter().any(|e| matches!(e, Effect::LoadPage { .. })));
        update(
            &mut s,
            Msg::Refresh(crate::model::RefreshEvent::Finished(
                crate::model::RefreshSummary::default(),
            )),
        );
        let effects = update(&mut s, Msg::DatabaseChanged);
        assert!(effects.iter().any(|e| matches!(e, Effect::LoadPage { .. })));
    }
}
