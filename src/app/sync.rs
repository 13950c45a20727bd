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
    use super::super::test_support::FakeDb;
    use super::super::*;

    #[test]
    fn marks_made_elsewhere_show_on_the_rows() {
        let mut db = FakeDb::new(5);
        let mut s = db.started(80, 24);
        let effects = update(&mut s, Msg::DatabaseChanged);
        assert!(effects.contains(&Effect::LoadCounts));
        let Some(Effect::LoadMarks { ids }) = effects.get(1) else {
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
