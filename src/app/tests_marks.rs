//! `update` tests for selection, bulk marks, undo, the filter line, what is new since the last visit and
//! moving between entries in the reader.

use super::test_support::{FakeDb, entry};
use super::*;
use crate::model::query::{Term, TermKind};

fn act(a: Action) -> Msg {
    Msg::Action(a)
}

fn text(db: &mut FakeDb, s: &mut AppState, typed: &str) {
    for c in typed.chars() {
        db.send(s, Msg::Text(TextKey::Char(c)));
    }
}

fn read_ids(db: &FakeDb) -> Vec<i64> {
    db.rows.iter().filter(|r| r.read).map(|r| r.id.0).collect()
}

#[test]
fn space_selects_and_moves_on_and_marks_apply_to_the_selection() {
    let mut db = FakeDb::new(10);
    let mut s = db.started(80, 24);
    db.send(&mut s, act(Action::ToggleSelect));
    db.send(&mut s, act(Action::Down));
    db.send(&mut s, act(Action::ToggleSelect));
    assert_eq!(s.stream.selection_label().as_deref(), Some("2 selected"));
    assert_eq!(s.stream.list.cursor, 3);
    db.send(&mut s, act(Action::ToggleRead));
    assert_eq!(read_ids(&db), vec![10, 8]);
    assert!(s.stream.rows[0].read && s.stream.rows[2].read && !s.stream.rows[1].read);
    // Space again takes an entry out of the selection.
    db.send(&mut s, act(Action::Top));
    db.send(&mut s, act(Action::ToggleSelect));
    assert_eq!(s.stream.selection_label().as_deref(), Some("1 selected"));
    // Esc clears the selection; r is back to the row under the cursor.
    db.send(&mut s, act(Action::Cancel));
    assert!(s.stream.selection.is_empty());
}

#[test]
fn a_range_selects_every_row_between_its_ends_even_across_a_scroll() {
    let mut db = FakeDb::new(100);
    let mut s = db.started(80, 12);
    db.send(&mut s, act(Action::Down));
    db.send(&mut s, act(Action::SelectRange));
    for _ in 0..14 {
        db.send(&mut s, act(Action::Down));
    }
    assert_eq!(s.stream.selection_label().as_deref(), Some("15 selected"));
    assert!(
        s.stream.list.offset > 0,
        "the range went past the first screen"
    );
    db.send(&mut s, act(Action::SelectRange));
    assert_eq!(s.stream.selection.ids.len(), 15);
    db.send(&mut s, act(Action::ToggleStar));
    let starred: Vec<i64> = db
        .rows
        .iter()
        .filter(|r| r.starred)
        .map(|r| r.id.0)
        .collect();
    assert_eq!(starred, (85..=99).rev().collect::<Vec<_>>());
}

#[test]
fn select_all_marks_the_whole_view_through_its_filter() {
    let mut db = FakeDb::new(700);
    let mut s = db.started(80, 24);
    db.send(&mut s, act(Action::SelectAll));
    assert_eq!(s.stream.selection_label().as_deref(), Some("all selected"));
    let effects = update(&mut s, act(Action::ToggleRead));
    assert!(matches!(
        effects.as_slice(),
        [Effect::MarkMatching {
            mark: Mark::Read,
            above: None,
            ..
        }]
    ));
    db.run(&mut s, effects);
    // Every entry, not only the rows loaded.
    assert_eq!(read_ids(&db).len(), 700);
    db.send(&mut s, act(Action::SelectAll));
    assert!(s.stream.selection.is_empty());
}

#[test]
fn mark_all_read_asks_first_and_undo_puts_back_only_what_it_changed() {
    let mut db = FakeDb::new(20);
    let mut s = db.started(80, 24);
    // Two entries were read already.
    db.send(&mut s, act(Action::Down));
    db.send(&mut s, act(Action::ToggleRead));
    db.send(&mut s, act(Action::Down));
    db.send(&mut s, act(Action::ToggleRead));
    assert_eq!(read_ids(&db), vec![19, 18]);

    let effects = db.send(&mut s, act(Action::MarkAllRead));
    assert!(effects.is_empty(), "nothing happens before the answer");
    assert!(s.confirm().is_some() && s.takes_text());
    db.send(&mut s, Msg::Text(TextKey::Char('n')));
    assert!(s.confirm().is_none());
    assert_eq!(read_ids(&db).len(), 2);

    db.send(&mut s, act(Action::MarkAllRead));
    db.send(&mut s, Msg::Text(TextKey::Char('y')));
    assert_eq!(read_ids(&db).len(), 20);
    assert!(s.stream.rows.iter().all(|r| r.read));
    assert_eq!(
        s.status.as_deref(),
        Some("Marked 18 entries read (u undoes)")
    );

    let effects = db.send(&mut s, act(Action::Undo));
    assert!(
        matches!(&effects[..], [Effect::UndoMark { ids, mark: Mark::Unread }] if ids.len() == 18)
    );
    assert_eq!(read_ids(&db), vec![19, 18], "the two read before stay read");
    assert!(!s.stream.rows[0].read && s.stream.rows[1].read);
    // Then the two single marks, one level each.
    db.send(&mut s, act(Action::Undo));
    db.send(&mut s, act(Action::Undo));
    assert!(read_ids(&db).is_empty());
    db.send(&mut s, act(Action::Undo));
    assert_eq!(s.status.as_deref(), Some("Nothing to undo"));
}

#[test]
fn an_undo_is_not_itself_undone_and_the_stack_is_bounded() {
    let mut db = FakeDb::new(3);
    let mut s = db.started(80, 24);
    for _ in 0..(UNDO_DEPTH + 5) {
        db.send(&mut s, act(Action::ToggleStar));
    }
    assert_eq!(s.undo.len(), UNDO_DEPTH);
    db.send(&mut s, act(Action::Undo));
    assert_eq!(s.undo.len(), UNDO_DEPTH - 1);
}

#[test]
fn mark_above_reads_everything_above_the_cursor_but_not_it() {
    let mut db = FakeDb::new(10);
    let mut s = db.started(80, 24);
    for _ in 0..3 {
        db.send(&mut s, act(Action::Down));
    }
    db.send(&mut s, act(Action::MarkAboveRead));
    assert_eq!(read_ids(&db), vec![10, 9, 8]);
    db.send(&mut s, act(Action::Top));
    db.send(&mut s, act(Action::MarkAboveRead));
    assert_eq!(s.status.as_deref(), Some("Nothing above the cursor"));
}

#[test]
fn the_filter_line_edits_applies_and_clears() {
    let mut db = FakeDb::new(10);
    let mut s = db.started(80, 24);
    db.send(&mut s, act(Action::Filter));
    assert!(s.takes_text());
    text(&mut db, &mut s, "unread rust");
    db.send(&mut s, Msg::Text(TextKey::DeleteWord));
    text(&mut db, &mut s, "feeds");
    assert_eq!(s.prompt().unwrap().line.text, "unread feeds");
    let effects = db.send(&mut s, Msg::Text(TextKey::Enter));
    assert!(s.prompt().is_none());
    let Some(Effect::LoadPage { filter, .. }) = effects.first() else {
        panic!("{effects:?}")
    };
    assert_eq!(
        filter.query.terms,
        vec![
            Term {
                negated: false,
                kind: TermKind::Unread
            },
            Term {
                negated: false,
                kind: TermKind::Word("feeds".into())
            }
        ]
    );
    // `/` again starts from the filter in force, ready for one more term.
    db.send(&mut s, act(Action::Filter));
    assert_eq!(s.prompt().unwrap().line.text, "unread feeds ");
    // Esc clears it.
    let effects = db.send(&mut s, Msg::Text(TextKey::Esc));
    assert!(s.prompt().is_none() && s.stream.filter.query.is_empty());
    assert!(matches!(effects.first(), Some(Effect::LoadPage { .. })));
}

#[test]
fn a_bad_filter_says_why_and_keeps_the_line() {
    let mut db = FakeDb::new(3);
    let mut s = db.started(80, 24);
    db.send(&mut s, act(Action::Filter));
    text(&mut db, &mut s, "colour:red");
    let effects = db.send(&mut s, Msg::Text(TextKey::Enter));
    assert!(effects.is_empty());
    let prompt = s.prompt().unwrap();
    assert!(
        prompt.error.as_ref().unwrap().contains("colour"),
        "{prompt:?}"
    );
    assert_eq!(prompt.line.text, "colour:red");
    // Typing goes on from where it was.
    db.send(&mut s, Msg::Text(TextKey::Backspace));
    assert!(s.prompt().unwrap().error.is_none());
}

#[test]
fn q_and_esc_leave_a_filter_before_anything_else() {
    let mut db = FakeDb::new(3);
    let mut s = db.started(80, 24);
    db.send(&mut s, act(Action::Filter));
    text(&mut db, &mut s, "starred");
    db.send(&mut s, Msg::Text(TextKey::Enter));
    db.send(&mut s, act(Action::Back));
    assert!(!s.quit && s.stream.filter.query.is_empty());
    db.send(&mut s, act(Action::Back));
    assert!(s.quit);
}

#[test]
fn a_filter_change_keeps_chosen_entries_but_not_select_all() {
    let mut db = FakeDb::new(10);
    let mut s = db.started(80, 24);
    db.send(&mut s, act(Action::ToggleSelect));
    db.send(&mut s, act(Action::ToggleUnreadOnly));
    assert_eq!(s.stream.selection.ids.len(), 1);
    db.send(&mut s, act(Action::SelectAll));
    db.send(&mut s, act(Action::ToggleUnreadOnly));
    assert!(!s.stream.selection.all);
}

fn open_reader(db: &mut FakeDb, s: &mut AppState) {
    let effects = db.send(s, act(Action::Open));
    let Some(Effect::OpenEntry { id, width }) = effects.first() else {
        panic!("{effects:?}")
    };
    let (mut e, rendered) = entry(id.0, 40);
    e.summary = s.stream.selected().unwrap().clone();
    db.send(
        s,
        Msg::EntryLoaded {
            entry: Box::new(e),
            rendered,
            width: *width,
            complete: true,
        },
    );
}

/// Issue #19: "new" is first seen since the last visit, not published after it. A late-polled
/// feed's entry dated before older news, and a backdated post, are new wherever they fall in
/// the stream; the stream starts at the top.
#[test]
fn entries_first_seen_since_the_last_visit_are_new_wherever_they_fall() {
    let mut db = FakeDb::new(10);
    let visit = db.rows.iter().find(|r| r.id.0 == 7).unwrap().first_seen;
    // Entry 2 was published long ago but only arrived now.
    let late = db.rows.iter_mut().find(|r| r.id.0 == 2).unwrap();
    late.first_seen = visit + chrono::Duration::minutes(30);
    let options = Options {
        last_visit: Some(visit),
        ..Options::default()
    };
    let mut s = AppState::new(options, 80, 24);
    let effects = s.start();
    db.run(&mut s, effects);
    let new: Vec<i64> = s
        .stream
        .rows
        .iter()
        .filter(|r| s.stream.is_new(r))
        .map(|r| r.id.0)
        .collect();
    assert_eq!(new, vec![10, 9, 8, 2]);
    assert_eq!(s.stream.list.cursor, 0);
    // A first visit: everything is new.
    let s = AppState::new(Options::default(), 80, 24);
    assert!(s.stream.is_new(&db.rows[0]));
}

#[test]
fn the_reader_steps_to_the_next_and_previous_entry_and_the_next_unread() {
    let mut db = FakeDb::new(10);
    let mut s = db.started(80, 24);
    db.rows[2].read = true; // id 8
    s.stream.rows[2].read = true;
    open_reader(&mut db, &mut s);
    assert_eq!(s.view, View::Reader);
    let effects = db.send(&mut s, act(Action::NextEntry));
    assert!(effects.contains(&Effect::OpenEntry {
        id: EntryId(9),
        width: s.reader_width()
    }));
    assert_eq!(s.opening, Some(EntryId(9)));
    let effects = db.send(&mut s, act(Action::NextUnread));
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::OpenEntry { id: EntryId(7), .. })),
        "skips the read entry 8: {effects:?}"
    );
    let effects = db.send(&mut s, act(Action::PrevEntry));
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::OpenEntry { id: EntryId(8), .. }))
    );
}

#[test]
fn a_search_opens_entries_at_the_first_match_and_jumps_between_matches() {
    let mut db = FakeDb::new(3);
    let mut s = db.started(80, 24);
    s.stream.filter.query = crate::model::query::parse("\"line 3\" \"line 2\"").unwrap();
    open_reader(&mut db, &mut s);
    let reader = s.reader.as_ref().unwrap();
    assert_eq!(reader.matches[..2], [2, 3]);
    assert_eq!(
        reader.scroll, 0,
        "match 2 is on screen with two lines above it"
    );
    db.send(&mut s, act(Action::NextMatch));
    assert_eq!(s.reader.as_ref().unwrap().scroll, 1);
    db.send(&mut s, act(Action::NextMatch));
    // "line 2" also matches "line 20".."line 29".
    assert_eq!(s.reader.as_ref().unwrap().scroll, 18);
    db.send(&mut s, act(Action::PrevMatch));
    assert_eq!(s.reader.as_ref().unwrap().scroll, 1);
}

#[test]
fn plus_labels_the_selection_and_undo_takes_it_off() {
    let mut db = FakeDb::new(10);
    let mut s = db.started(80, 24);
    db.send(&mut s, act(Action::ToggleSelect));
    db.send(&mut s, act(Action::ToggleSelect));
    db.send(&mut s, act(Action::AddLabel));
    assert!(matches!(&s.modal, Some(Modal::Prompt(p)) if p.kind == PromptKind::Label { on: true }));
    // A label is one word.
    text(&mut db, &mut s, "to read");
    db.send(&mut s, Msg::Text(TextKey::Enter));
    assert!(
        matches!(&s.modal, Some(Modal::Prompt(p)) if p.error.as_deref().is_some_and(|e| e.contains("one word")))
    );
    db.send(&mut s, Msg::Text(TextKey::Clear));
    text(&mut db, &mut s, "Later");
    let effects = db.send(&mut s, Msg::Text(TextKey::Enter));
    assert!(matches!(
        &effects[..],
        [Effect::Label { name, on: true, target: LabelTarget::Ids(ids) }]
            if name == "Later" && ids == &[EntryId(9), EntryId(10)]
    ));
    assert!(s.modal.is_none());
    assert_eq!(s.stream.rows[0].labels, ["Later"]);
    assert_eq!(s.stream.rows[1].labels, ["Later"]);
    assert!(s.stream.rows[2].labels.is_empty());
    let said = s
        .status
        .as_ref()
        .map(|st| st.text.clone())
        .unwrap_or_default();
    assert!(said.contains("Marked 2 entries labelled Later"), "{said}");
    db.send(&mut s, act(Action::Undo));
    assert!(s.stream.rows.iter().all(|r| r.labels.is_empty()));
    assert!(db.rows.iter().all(|r| r.labels.is_empty()));
    // `-` on the row under the cursor, with nothing selected.
    db.send(&mut s, act(Action::Cancel));
    db.send(&mut s, act(Action::AddLabel));
    text(&mut db, &mut s, "later");
    db.send(&mut s, Msg::Text(TextKey::Enter));
    assert_eq!(s.stream.selected().unwrap().labels, ["Later"]);
    db.send(&mut s, act(Action::RemoveLabel));
    text(&mut db, &mut s, "LATER");
    db.send(&mut s, Msg::Text(TextKey::Enter));
    assert!(s.stream.selected().unwrap().labels.is_empty());
}

/// `tidings rules apply` writes its changes to the journal; the reader takes them onto its undo
/// stack, and `u` takes them back one at a time, the last first.
#[test]
fn changes_from_rules_apply_are_undone_in_the_reader() {
    let mut db = FakeDb::new(5);
    let mut s = db.started(80, 24);
    let later = crate::model::LabelId(4);
    db.labels.push((later, "later".into()));
    for r in db.rows.iter_mut().filter(|r| r.id.0 <= 2) {
        r.labels.push("later".into());
        r.hidden = true;
    }
    let journal = vec![
        crate::model::rules::Journaled {
            what: "rule ads".into(),
            mark: Mark::Hide,
            ids: vec![EntryId(1), EntryId(2)],
            label: None,
        },
        crate::model::rules::Journaled {
            what: "rule ads".into(),
            mark: Mark::Label(later),
            ids: vec![EntryId(2), EntryId(1)],
            label: Some("later".into()),
        },
    ];
    db.send(&mut s, Msg::Journal(journal));
    let said = s
        .status
        .as_ref()
        .map(|st| st.text.clone())
        .unwrap_or_default();
    assert!(said.contains("rule ads changed 2 entries"), "{said}");
    let effects = db.send(&mut s, act(Action::Undo));
    assert_eq!(
        effects,
        [Effect::UndoMark {
            ids: vec![EntryId(2), EntryId(1)],
            mark: Mark::Unlabel(later),
        }]
    );
    assert!(db.rows.iter().all(|r| r.labels.is_empty()));
    db.send(&mut s, act(Action::Undo));
    assert!(db.rows.iter().all(|r| !r.hidden));
    assert!(s.undo.is_empty());
}

#[test]
fn start_and_other_writers_ask_for_the_journal() {
    let mut s = AppState::new(Options::default(), 80, 24);
    assert!(s.start().contains(&Effect::LoadJournal));
    assert!(update(&mut s, Msg::DatabaseChanged).contains(&Effect::LoadJournal));
}
