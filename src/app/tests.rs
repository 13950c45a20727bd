//! `update` tests: state and returned effects for each behaviour.

use super::test_support::{FakeDb, entry, row};
use super::*;
use crate::model::{FeedId, Page, RefreshEvent, RefreshSummary};

fn act(a: Action) -> Msg {
    Msg::Action(a)
}

fn selected_id(state: &AppState) -> i64 {
    state.stream.selected().unwrap().id.0
}

#[test]
fn start_loads_the_first_page_and_counts() {
    let mut state = AppState::new(Options::default(), 80, 24);
    let effects = state.start();
    assert!(matches!(
        effects[0],
        Effect::LoadPage {
            page: Page::First,
            ..
        }
    ));
    assert!(effects.contains(&Effect::LoadCounts));
}

#[test]
fn cursor_moves_and_stops_at_the_ends() {
    let mut db = FakeDb::new(5);
    let mut s = db.started(80, 24);
    assert_eq!(selected_id(&s), 5);
    db.send(&mut s, act(Action::Down));
    db.send(&mut s, act(Action::Down));
    assert_eq!(selected_id(&s), 3);
    for _ in 0..10 {
        db.send(&mut s, act(Action::Down));
    }
    assert_eq!(selected_id(&s), 1);
    db.send(&mut s, act(Action::Top));
    assert_eq!(selected_id(&s), 5);
    db.send(&mut s, act(Action::Up));
    assert_eq!(selected_id(&s), 5);
}

#[test]
fn scrolling_keeps_the_cursor_on_screen() {
    let mut db = FakeDb::new(100);
    let mut s = db.started(80, 12); // 10 list rows
    for _ in 0..15 {
        db.send(&mut s, act(Action::Down));
    }
    assert_eq!(s.stream.list.cursor, 15);
    assert_eq!(s.stream.list.offset, 6);
    db.send(&mut s, act(Action::PageUp));
    assert_eq!(s.stream.list.cursor, 5);
    assert_eq!(s.stream.list.offset, 5);
}

#[test]
fn walking_down_a_long_stream_pages_in_and_keeps_the_window_bounded() {
    let n = 2_000;
    let mut db = FakeDb::new(n);
    let mut s = db.started(80, 24);
    let mut seen = vec![selected_id(&s)];
    for _ in 0..(n - 1) {
        db.send(&mut s, act(Action::Down));
        seen.push(selected_id(&s));
        assert!(s.stream.rows.len() <= 3 * PAGE_SIZE);
    }
    assert_eq!(seen, (1..=n).rev().collect::<Vec<_>>());
    assert!(s.stream.at_bottom && !s.stream.at_top);
    // And back up again, through pages loaded the other way.
    for _ in 0..(n - 1) {
        db.send(&mut s, act(Action::Up));
    }
    assert_eq!(selected_id(&s), n);
    assert!(s.stream.at_top);
}

#[test]
fn bottom_jumps_without_loading_everything_and_top_comes_back() {
    let mut db = FakeDb::new(5_000);
    let mut s = db.started(80, 24);
    db.loads = 0;
    db.send(&mut s, act(Action::Bottom));
    assert_eq!(selected_id(&s), 1);
    assert!(db.loads <= 2, "loaded {} pages", db.loads);
    assert!(s.stream.rows.len() <= 3 * PAGE_SIZE);
    db.send(&mut s, act(Action::Top));
    assert_eq!(selected_id(&s), 5_000);
}

/// Found by hand on a million entries: `G` showed the oldest entry alone on the first line,
/// and so did a feed opened with its cursor on its oldest (new) entry.
#[test]
fn jumping_to_the_bottom_shows_a_full_screen_ending_at_the_oldest_entry() {
    let mut db = FakeDb::new(5_000);
    let mut s = db.started(80, 24);
    db.send(&mut s, act(Action::Bottom));
    let list = usize::from(s.height) - 2;
    assert_eq!(s.stream.list.cursor, s.stream.rows.len() - 1);
    assert_eq!(
        s.stream.list.offset + list,
        s.stream.rows.len(),
        "the last screenful"
    );
    // Any window whose offset would leave blank lines under its last row is pulled back.
    s.stream.list.offset = s.stream.rows.len() - 3;
    s.stream.scroll_into_view(list);
    assert_eq!(s.stream.list.offset + list, s.stream.rows.len());
}

#[test]
fn a_late_page_of_an_old_filter_is_ignored() {
    let mut db = FakeDb::new(10);
    let mut s = db.started(80, 24);
    let old = s.stream.generation;
    db.send(&mut s, act(Action::ToggleUnreadOnly));
    let effects = update(
        &mut s,
        Msg::PageLoaded {
            generation: old,
            page: Page::First,
            rows: vec![row(99, 1)],
        },
    );
    assert!(effects.is_empty());
    assert!(s.stream.rows.iter().all(|r| r.id.0 != 99));
}

#[test]
fn toggling_read_writes_first_and_shows_after() {
    let mut db = FakeDb::new(3);
    let mut s = db.started(80, 24);
    let effects = update(&mut s, act(Action::ToggleRead));
    assert_eq!(
        effects,
        vec![Effect::SetMark {
            ids: vec![EntryId(3)],
            mark: Mark::Read
        }]
    );
    // Not shown as read until the store says it is written.
    assert!(!s.stream.selected().unwrap().read);
    let effects = update(
        &mut s,
        Msg::MarkApplied {
            ids: vec![EntryId(3)],
            mark: Mark::Read,
            undoable: true,
        },
    );
    assert!(s.stream.selected().unwrap().read);
    assert!(effects.contains(&Effect::LoadCounts));
    // Toggling again asks for unread.
    assert_eq!(
        update(&mut s, act(Action::ToggleRead)),
        vec![Effect::SetMark {
            ids: vec![EntryId(3)],
            mark: Mark::Unread
        }]
    );
}

#[test]
fn toggling_star_both_ways() {
    let mut db = FakeDb::new(3);
    let mut s = db.started(80, 24);
    db.send(&mut s, act(Action::ToggleStar));
    assert!(s.stream.selected().unwrap().starred);
    db.send(&mut s, act(Action::ToggleStar));
    assert!(!s.stream.selected().unwrap().starred);
}

#[test]
fn unread_only_keeps_read_rows_until_reloaded_and_cursor_on_the_entry() {
    let mut db = FakeDb::new(6);
    let mut s = db.started(80, 24);
    db.send(&mut s, act(Action::Down));
    db.send(&mut s, act(Action::Down));
    db.send(&mut s, act(Action::ToggleRead)); // entry 4 read
    db.send(&mut s, act(Action::Down)); // on entry 3
    db.send(&mut s, act(Action::ToggleUnreadOnly));
    assert!(s.stream.filter.unread_only);
    assert_eq!(
        s.stream.rows.iter().map(|r| r.id.0).collect::<Vec<_>>(),
        vec![6, 5, 3, 2, 1]
    );
    assert_eq!(selected_id(&s), 3);
    assert!(s.status.as_deref().unwrap().contains("unread"));
    db.send(&mut s, act(Action::ToggleUnreadOnly));
    assert_eq!(s.stream.rows.len(), 6);
}

#[test]
fn opening_an_entry_loads_it_and_marks_it_read() {
    let mut db = FakeDb::new(3);
    let mut s = db.started(80, 24);
    let effects = update(&mut s, act(Action::Open));
    assert_eq!(
        effects,
        vec![
            Effect::OpenEntry {
                id: EntryId(3),
                width: 78
            },
            Effect::SetMark {
                ids: vec![EntryId(3)],
                mark: Mark::Read
            }
        ]
    );
    let (e, r) = entry(3, 100);
    update(
        &mut s,
        Msg::EntryLoaded {
            entry: Box::new(e),
            rendered: r,
            width: 78,
            complete: true,
        },
    );
    assert_eq!(s.view, View::Reader);
}

#[test]
fn opening_a_read_entry_does_not_mark_again_nor_when_configured_off() {
    let mut db = FakeDb::new(3);
    let mut s = db.started(80, 24);
    db.send(&mut s, act(Action::ToggleRead));
    assert_eq!(update(&mut s, act(Action::Open)).len(), 1);
    let mut s = db.started(80, 24);
    s.options.mark_read_on_open = false;
    db.send(&mut s, act(Action::Down));
    assert_eq!(update(&mut s, act(Action::Open)).len(), 1);
}

fn reading(lines: usize, height: u16) -> AppState {
    let mut s = AppState::new(Options::default(), 80, height);
    s.opening = Some(EntryId(1));
    let (e, r) = entry(1, lines);
    update(
        &mut s,
        Msg::EntryLoaded {
            entry: Box::new(e),
            rendered: r,
            width: 78,
            complete: true,
        },
    );
    s
}

#[test]
fn reader_scrolls_within_the_body() {
    let mut s = reading(100, 24); // body height 24 - 2 - 4 = 18
    update(&mut s, act(Action::Down));
    assert_eq!(s.reader.as_ref().unwrap().scroll, 1);
    update(&mut s, act(Action::PageDown));
    assert_eq!(s.reader.as_ref().unwrap().scroll, 19);
    update(&mut s, act(Action::Bottom));
    assert_eq!(s.reader.as_ref().unwrap().scroll, 82);
    update(&mut s, act(Action::Down));
    assert_eq!(s.reader.as_ref().unwrap().scroll, 82);
    update(&mut s, act(Action::Top));
    assert_eq!(s.reader.as_ref().unwrap().scroll, 0);
}

#[test]
fn short_entries_do_not_scroll() {
    let mut s = reading(3, 24);
    update(&mut s, act(Action::PageDown));
    assert_eq!(s.reader.as_ref().unwrap().scroll, 0);
}

#[test]
fn back_from_the_reader_returns_to_the_stream() {
    let mut s = reading(3, 24);
    update(&mut s, act(Action::Back));
    assert_eq!(s.view, View::Stream);
    assert!(s.reader.is_none());
    assert!(!s.quit);
}

/// Found trying it: `f` (and `Tab`) in the reader did nothing, though the help lists it for
/// every view.
#[test]
fn f_in_the_reader_opens_the_feed_list() {
    let mut s = reading(3, 24);
    let effects = update(&mut s, act(Action::Feeds));
    assert_eq!(s.view, View::Feeds);
    assert!(s.reader.is_none());
    assert_eq!(effects, vec![Effect::LoadFeeds]);
}

#[test]
fn resizing_the_reader_asks_for_a_new_layout_and_keeps_the_place() {
    let mut s = reading(100, 24);
    update(&mut s, act(Action::PageDown));
    let effects = update(
        &mut s,
        Msg::Resize {
            width: 120,
            height: 40,
        },
    );
    assert_eq!(
        effects,
        vec![Effect::OpenEntry {
            id: EntryId(1),
            width: 100
        }]
    );
    let (e, r) = entry(1, 60);
    update(
        &mut s,
        Msg::EntryLoaded {
            entry: Box::new(e),
            rendered: r,
            width: 100,
            complete: true,
        },
    );
    assert_eq!(s.reader.as_ref().unwrap().scroll, 18);
}

#[test]
fn q_quits_from_the_stream_esc_does_not() {
    let mut db = FakeDb::new(1);
    let mut s = db.started(80, 24);
    assert!(update(&mut s, act(Action::Cancel)).is_empty());
    assert!(!s.quit);
    assert_eq!(update(&mut s, act(Action::Back)), vec![Effect::Quit]);
    assert!(s.quit);
}

fn feed(id: i64, error: Option<&str>) -> crate::model::Feed {
    crate::model::Feed {
        id: FeedId(id),
        url: format!("https://f{id}.example/"),
        title: format!("Feed {id}"),
        site_url: None,
        unread: 1,
        total: 2,
        last_ok_at: None,
        last_error: error.map(str::to_owned),
        failures: 0,
        hold_until: None,
        asked_to_wait: false,
        gone: false,
        tags: Vec::new(),
        full_article: false,
    }
}

#[test]
fn feed_list_opens_a_feeds_stream_and_q_goes_back_to_it() {
    let mut db = FakeDb::new(3);
    let mut s = db.started(80, 24);
    assert_eq!(update(&mut s, act(Action::Feeds)), vec![Effect::LoadFeeds]);
    assert_eq!(s.view, View::Feeds);
    update(&mut s, Msg::FeedsLoaded(vec![feed(1, None), feed(2, None)]));
    update(&mut s, act(Action::Down));
    let effects = update(&mut s, act(Action::Open));
    assert_eq!(s.view, View::Stream);
    assert_eq!(s.stream.filter.feed, Some(FeedId(2)));
    assert_eq!(s.stream.title, "Feed 2");
    assert!(
        matches!(effects[0], Effect::LoadPage { ref filter, .. } if filter.feed == Some(FeedId(2)))
    );
    // q from a feed's stream goes back to the list, and the stream is everything again.
    let effects = update(&mut s, act(Action::Back));
    assert!(!s.quit);
    assert_eq!(s.view, View::Feeds);
    assert_eq!(s.stream.filter.feed, None);
    assert!(effects.contains(&Effect::LoadFeeds));
}

#[test]
fn moving_onto_a_failed_feed_shows_its_error() {
    let mut s = AppState::new(Options::default(), 80, 24);
    update(&mut s, act(Action::Feeds));
    update(
        &mut s,
        Msg::FeedsLoaded(vec![feed(1, None), feed(2, Some("HTTP 404 Not Found"))]),
    );
    update(&mut s, act(Action::Down));
    assert_eq!(s.status.as_deref(), Some("HTTP 404 Not Found · Feed 2"));
    update(&mut s, act(Action::Up));
    assert_eq!(s.status, None);
}

#[test]
fn help_opens_from_any_view_and_returns_there() {
    let mut s = AppState::new(Options::default(), 80, 24);
    update(&mut s, act(Action::Feeds));
    update(&mut s, act(Action::Help));
    assert_eq!(s.help_scroll(), Some(0));
    update(&mut s, act(Action::Down));
    assert_eq!(s.help_scroll(), Some(1));
    assert_eq!(s.view, View::Feeds, "the view beneath stays");
    update(&mut s, act(Action::Back));
    assert_eq!((s.view, s.modal.as_ref()), (View::Feeds, None));
}

#[test]
fn refresh_progress_and_summary_then_reload_in_place() {
    let mut db = FakeDb::new(5);
    let mut s = db.started(80, 24);
    db.send(&mut s, act(Action::Down)); // on entry 4
    assert_eq!(
        update(&mut s, act(Action::RefreshAll)),
        vec![Effect::Refresh(RefreshScope::All)]
    );
    update(&mut s, Msg::Refresh(RefreshEvent::Started { total: 2 }));
    update(
        &mut s,
        Msg::Refresh(RefreshEvent::FeedFailed {
            feed: FeedId(1),
            title: "a".into(),
            error: "timed out".into(),
        }),
    );
    assert_eq!(
        s.refresh,
        Some(Progress {
            done: 1,
            total: 2,
            failed: 1,
            news_unshown: 0,
            last_failure: Some("timed out (a)".into()),
            step: None,
        })
    );
    // Two new entries arrive at the top while the user reads entry 4.
    db.rows.insert(0, row(7, 1));
    db.rows.insert(0, row(8, 1));
    db.send(
        &mut s,
        Msg::Refresh(RefreshEvent::Finished(RefreshSummary {
            ok: 1,
            failed: 1,
            not_modified: 0,
            skipped: 0,
            new_entries: 2,
            waiting: 3,
            gone: 1,
            ruled_out: 0,
        })),
    );
    assert_eq!(s.refresh, None);
    let status = s.status.as_deref().unwrap();
    assert!(
        status
            == "Refresh: 1 of 2 failed, 2 new; last: timed out (a); 3 waiting (their host asked to wait, or after errors), 1 gone for good",
        "{status}"
    );
    assert_eq!(s.stream.rows.len(), 7);
    assert_eq!(selected_id(&s), 4);
}

/// A run that cannot go on (the database refuses writes) ends the progress and says why.
#[test]
fn a_stopped_refresh_says_why_and_ends_the_progress() {
    let mut s = AppState::new(Options::default(), 80, 24);
    update(&mut s, Msg::Refresh(RefreshEvent::Started { total: 3 }));
    assert!(s.refresh.is_some());
    update(
        &mut s,
        Msg::Refresh(RefreshEvent::Stopped {
            error: "database t.db: the disk is full".into(),
        }),
    );
    assert_eq!(s.refresh, None);
    assert_eq!(
        s.status.as_deref(),
        Some("Refresh stopped: database t.db: the disk is full")
    );
}

#[test]
fn a_failed_effect_is_shown_and_cleared_by_the_next_key() {
    let mut s = AppState::new(Options::default(), 80, 24);
    update(&mut s, Msg::Failed("database t.db: disk I/O error".into()));
    assert_eq!(s.status.as_deref(), Some("database t.db: disk I/O error"));
    update(&mut s, act(Action::Down));
    assert_eq!(s.status, None);
}

#[test]
fn keys_on_an_empty_stream_act_on_no_entry() {
    // Every key, pressed on an empty stream (and then Esc, to leave whatever it opened), asks
    // for no mark, no opening, no copy and no link: there is no entry for it to mean.
    let mut db = FakeDb::new(0);
    let mut s = db.started(20, 5);
    for a in Action::ALL {
        if a == Action::Quit {
            continue;
        }
        for e in db.send(&mut s, act(a)) {
            assert!(
                !matches!(
                    e,
                    Effect::SetMark { .. }
                        | Effect::UndoMark { .. }
                        | Effect::OpenEntry { .. }
                        | Effect::OpenUrl { .. }
                        | Effect::Copy { .. }
                ),
                "{a:?} on an empty stream asked for {e:?}"
            );
        }
        assert_eq!(
            s.stream.list.cursor, 0,
            "{a:?} moved the cursor off an empty stream"
        );
        db.send(&mut s, act(Action::Back));
    }
}

fn loaded(id: i64, lines: usize, complete: bool) -> Msg {
    let (e, r) = entry(id, lines);
    Msg::EntryLoaded {
        entry: Box::new(e),
        rendered: r,
        width: 78,
        complete,
    }
}

#[test]
fn a_late_rendering_of_an_entry_no_longer_asked_for_is_dropped() {
    let mut db = FakeDb::new(3);
    let mut s = db.started(80, 24);
    update(&mut s, act(Action::Open)); // asks for entry 3
    update(&mut s, act(Action::Down));
    update(&mut s, act(Action::Open)); // then for entry 2
    update(&mut s, loaded(3, 10, true));
    assert_eq!(s.view, View::Stream);
    update(&mut s, loaded(2, 10, true));
    assert_eq!(s.view, View::Reader);
    assert_eq!(s.reader.as_ref().unwrap().entry.summary.id, EntryId(2));
}

#[test]
fn leaving_for_the_feed_list_drops_a_pending_rendering() {
    let mut db = FakeDb::new(3);
    let mut s = db.started(80, 24);
    update(&mut s, act(Action::Open));
    update(&mut s, act(Action::Feeds));
    update(&mut s, loaded(3, 10, true));
    assert_eq!(s.view, View::Feeds);
}

#[test]
fn the_plain_text_fallback_is_replaced_by_the_full_layout_in_place() {
    let mut db = FakeDb::new(3);
    let mut s = db.started(80, 24);
    update(&mut s, act(Action::Open));
    update(&mut s, loaded(3, 100, false));
    assert_eq!(s.view, View::Reader);
    assert!(s.status.as_deref().unwrap().contains("plain text"));
    update(&mut s, act(Action::PageDown));
    update(&mut s, loaded(3, 120, true));
    let reader = s.reader.as_ref().unwrap();
    assert_eq!(reader.rendered.lines.len(), 120);
    assert_eq!(reader.scroll, 18);
    assert_eq!(s.status, None);
}

#[test]
fn the_timer_asks_for_the_feeds_that_are_due_unless_a_run_is_going() {
    let mut s = AppState::new(Options::default(), 80, 24);
    assert_eq!(
        update(&mut s, Msg::RefreshTimer),
        vec![Effect::Refresh(RefreshScope::Due)]
    );
    update(&mut s, Msg::Refresh(RefreshEvent::Started { total: 3 }));
    assert!(update(&mut s, Msg::RefreshTimer).is_empty());
}

#[test]
fn refresh_feed_takes_the_feed_under_the_cursor_in_each_view() {
    let mut db = FakeDb::new(3);
    let mut s = db.started(80, 24);
    // Entry 3 belongs to feed 1 + 3 % 3 = 1.
    assert_eq!(
        update(&mut s, act(Action::RefreshFeed)),
        vec![Effect::Refresh(RefreshScope::Feed(FeedId(1)))]
    );
    assert_eq!(s.status.as_deref(), Some("Refreshing Feed 1"));
    update(&mut s, act(Action::Feeds));
    update(&mut s, Msg::FeedsLoaded(vec![feed(7, None)]));
    assert_eq!(
        update(&mut s, act(Action::RefreshFeed)),
        vec![Effect::Refresh(RefreshScope::Feed(FeedId(7)))]
    );
}

#[test]
fn a_failing_feed_says_when_it_is_tried_next() {
    let mut s = AppState::new(Options::default(), 80, 24);
    update(&mut s, act(Action::Feeds));
    let mut failing = feed(2, Some("HTTP 500 Internal Server Error"));
    failing.hold_until = chrono::DateTime::from_timestamp(1_800_000_000, 0);
    update(&mut s, Msg::FeedsLoaded(vec![feed(1, None), failing]));
    update(&mut s, act(Action::Down));
    assert_eq!(
        s.status.as_deref(),
        Some("HTTP 500 Internal Server Error · next try 2027-01-15 08:00 UTC · Feed 2")
    );
}

fn feed_done(feed: i64, new_entries: usize) -> Msg {
    Msg::Refresh(RefreshEvent::FeedDone {
        feed: FeedId(feed),
        title: format!("Feed {feed}"),
        new_entries,
    })
}

#[test]
fn a_long_refresh_fills_an_empty_stream_as_it_goes() {
    let mut db = FakeDb::new(0);
    let mut s = db.started(80, 24);
    update(&mut s, Msg::Refresh(RefreshEvent::Started { total: 500 }));
    assert!(update(&mut s, feed_done(1, 0)).is_empty());
    db.rows.insert(0, row(1, 2));
    let effects = db.send(&mut s, feed_done(2, 1));
    assert!(effects.contains(&Effect::LoadCounts));
    assert_eq!(s.stream.rows.len(), 1, "news shown before the run ends");
}

#[test]
fn during_a_run_a_filled_stream_is_reloaded_every_fifty_feeds_with_news() {
    let mut db = FakeDb::new(3);
    let mut s = db.started(80, 24);
    update(&mut s, Msg::Refresh(RefreshEvent::Started { total: 500 }));
    let reloads = (1..=100)
        .filter(|&i| !update(&mut s, feed_done(i, 2)).is_empty())
        .count();
    assert_eq!(reloads, 2);
}

/// Issue #17: a refresh of one feed waited behind a whole run; now it runs beside it and says
/// how it went on its own, without touching the run's progress.
#[test]
fn a_feed_refreshed_alone_reports_beside_a_run() {
    let mut db = FakeDb::new(3);
    let mut s = db.started(80, 24);
    update(&mut s, Msg::Refresh(RefreshEvent::Started { total: 20 }));
    let effects = update(
        &mut s,
        Msg::Refresh(RefreshEvent::One {
            feed: crate::model::FeedId(1),
            title: "Healthy".into(),
            outcome: Ok(2),
        }),
    );
    assert!(effects.contains(&Effect::LoadCounts), "{effects:?}");
    assert_eq!(
        s.status.as_deref(),
        Some("Refreshed Healthy: 2 new entries")
    );
    let p = s.refresh.as_ref().unwrap();
    assert_eq!((p.done, p.total), (0, 20), "the run's progress is its own");
    update(
        &mut s,
        Msg::Refresh(RefreshEvent::One {
            feed: crate::model::FeedId(2),
            title: "Broken".into(),
            outcome: Err("HTTP 500".into()),
        }),
    );
    assert_eq!(
        s.status.as_deref(),
        Some("Refresh failed: HTTP 500 (Broken)")
    );
}

#[test]
fn help_scrolls_and_stops_at_its_end() {
    let help: Vec<HelpRow> = Action::ALL
        .iter()
        .map(|&action| HelpRow {
            keys: "x".into(),
            action,
        })
        .collect();
    let mut s = AppState::new(Options::default(), 80, 12);
    s.help = help;
    update(&mut s, act(Action::Help));
    update(&mut s, act(Action::PageDown));
    assert_eq!(s.help_scroll(), Some(10));
    // The last screenful ends with the filter language, after every action.
    let lines = crate::app::help_lines(&s.help, 80).len();
    assert!(lines > Action::ALL.len());
    update(&mut s, act(Action::Bottom));
    assert_eq!(s.help_scroll(), Some(lines - 10));
    update(&mut s, act(Action::Down));
    assert_eq!(s.help_scroll(), Some(lines - 10));
    update(&mut s, act(Action::Back));
    update(&mut s, act(Action::Help));
    assert_eq!(s.help_scroll(), Some(0), "help opens at its top");
}

/// Enter then q before the entry's layout arrived quit the reader (the e2e resize test hit it
/// on a busy machine): q takes the opening back instead.
#[test]
fn q_while_an_entry_is_still_opening_cancels_it_instead_of_quitting() {
    let mut db = FakeDb::new(3);
    let mut s = db.started(80, 24);
    let effects = update(&mut s, act(Action::Open));
    assert!(matches!(effects.first(), Some(Effect::OpenEntry { .. })));
    assert!(s.opening.is_some());
    assert!(update(&mut s, act(Action::Back)).is_empty());
    assert!(!s.quit && s.opening.is_none());
    // The late layout is dropped: we stay on the stream.
    let (e, r) = entry(3, 5);
    update(
        &mut s,
        Msg::EntryLoaded {
            entry: Box::new(e),
            rendered: r,
            width: 78,
            complete: true,
        },
    );
    assert_eq!(s.view, View::Stream);
}

/// The reader said [unread] for an entry that opening had just marked read: the entry was
/// loaded before the mark came back.
#[test]
fn an_entry_opened_and_marked_read_shows_as_read_in_the_reader() {
    let mut db = FakeDb::new(3);
    let mut s = db.started(80, 24);
    let effects = db.send(&mut s, act(Action::Open));
    assert!(effects.iter().any(|e| matches!(
        e,
        Effect::SetMark {
            mark: Mark::Read,
            ..
        }
    )));
    assert!(s.stream.rows[0].read, "the mark came back");
    // The layout arrives with the entry as it was read before the mark.
    let (mut e, r) = entry(3, 5);
    e.summary = row(3, 1);
    assert!(!e.summary.read);
    update(
        &mut s,
        Msg::EntryLoaded {
            entry: Box::new(e),
            rendered: r,
            width: 78,
            complete: true,
        },
    );
    assert!(s.reader.as_ref().unwrap().entry.summary.read);
}

/// Issue #18: the layout cache follows the model's effects: a full layout shown is kept, a
/// plain-text fallback or a late one is not, and a finished refresh forgets them all.
#[test]
fn full_layouts_are_kept_and_a_finished_refresh_forgets_them() {
    let keeps = |effects: &[Effect]| {
        effects
            .iter()
            .filter(|e| matches!(e, Effect::KeepLayout { .. }))
            .count()
    };
    let mut db = FakeDb::new(3);
    let mut s = db.started(80, 24);
    update(&mut s, act(Action::Open));
    assert_eq!(keeps(&update(&mut s, loaded(3, 10, false))), 0);
    assert_eq!(keeps(&update(&mut s, loaded(3, 10, true))), 1);
    assert_eq!(keeps(&update(&mut s, loaded(1, 10, true))), 0, "late");
    let finished = update(
        &mut s,
        Msg::Refresh(crate::model::RefreshEvent::Finished(
            crate::model::RefreshSummary::default(),
        )),
    );
    assert!(finished.contains(&Effect::ForgetLayouts), "{finished:?}");
}

/// Issue #19: a URL in any status message (a failure, a feed typed with its password) keeps
/// its secrets to itself.
#[test]
fn status_messages_hide_url_credentials() {
    let mut s = AppState::new(Options::default(), 80, 24);
    update(
        &mut s,
        Msg::Failed("fetching https://me:hunter2@h.example/f?token=abc: HTTP 500".into()),
    );
    let shown = s.status.as_deref().unwrap();
    assert!(
        !shown.contains("hunter2") && !shown.contains("abc"),
        "{shown}"
    );
    assert!(
        shown.contains("https://me:***@h.example/f?token=***"),
        "{shown}"
    );
}

/// Issue #19: applying a filter left the cursor on its old row number, and the status line
/// kept the global counts with no word of how many entries match.
#[test]
fn a_new_filter_starts_at_its_first_match_and_counts_them() {
    let mut db = FakeDb::new(30);
    let mut s = db.started(80, 24);
    for _ in 0..5 {
        db.send(&mut s, act(Action::Down));
    }
    // Mark the entry under the cursor read, so "unread only" hides it.
    db.send(&mut s, act(Action::ToggleRead));
    db.send(&mut s, act(Action::Up));
    db.send(&mut s, act(Action::ToggleRead));
    assert_eq!(s.stream.list.cursor, 4);
    db.send(&mut s, act(Action::ToggleUnreadOnly));
    assert_eq!(s.stream.list.cursor, 0, "the first match, not row 4");
    assert_eq!(s.stream.matched, Some((28, 28)));
    // A mark in the filtered view counts again.
    db.send(&mut s, act(Action::ToggleRead));
    assert_eq!(s.stream.matched, Some((27, 27)));
}

/// Notify rules: one notification per refresh, summarising, and the status line says it with
/// the run's summary.
#[test]
fn what_notify_rules_matched_is_told_once_per_refresh() {
    use crate::model::rules::Noticed;
    let mut db = FakeDb::new(3);
    let mut s = db.started(80, 24);
    update(&mut s, Msg::Refresh(RefreshEvent::Started { total: 2 }));
    let noticed: Vec<Noticed> = (10..)
        .zip(["Kernel 7.0", "Rust 2.0"])
        .map(|(i, t)| Noticed {
            id: EntryId(i),
            feed: "LWN".into(),
            title: t.into(),
            link: None,
            rule: "watch".into(),
        })
        .collect();
    let effects = update(&mut s, Msg::Refresh(RefreshEvent::Noticed(noticed.clone())));
    assert_eq!(effects, [Effect::Notify { noticed }]);
    update(
        &mut s,
        Msg::Refresh(RefreshEvent::Finished(RefreshSummary {
            ok: 2,
            new_entries: 5,
            ..RefreshSummary::default()
        })),
    );
    let status = s.status.as_deref().unwrap();
    assert!(
        status.contains("5 new entries")
            && status.contains("2 new entries for your rules: Kernel 7.0 (LWN); Rust 2.0 (LWN)"),
        "{status}"
    );
    // The next run without any says nothing of the last one's.
    update(&mut s, Msg::Refresh(RefreshEvent::Started { total: 1 }));
    update(
        &mut s,
        Msg::Refresh(RefreshEvent::Finished(RefreshSummary::default())),
    );
    assert!(!s.status.as_deref().unwrap().contains("rules"));
}

/// Issue #23: `=` shows every copy of a story several feeds tell, and again each story once;
/// other changes of the view keep the choice.
#[test]
fn toggling_copies_refilters_the_stream_and_the_config_sets_where_it_starts() {
    let mut db = FakeDb::new(3);
    let mut s = db.started(80, 24);
    assert!(!s.stream.filter.with_copies, "folded by default");
    db.send(&mut s, act(Action::ToggleCopies));
    assert!(s.stream.filter.with_copies);
    assert!(s.status.as_deref().unwrap().contains("every copy"));
    db.send(&mut s, act(Action::ToggleUnreadOnly));
    assert!(
        s.stream.filter.with_copies,
        "kept when the view changes otherwise"
    );
    db.send(&mut s, act(Action::ToggleCopies));
    assert!(!s.stream.filter.with_copies);
    assert!(s.status.as_deref().unwrap().contains("once"));
    let unfolded = AppState::new(
        Options {
            fold_duplicates: false,
            ..Options::default()
        },
        80,
        24,
    );
    assert!(unfolded.stream.filter.with_copies);
}
