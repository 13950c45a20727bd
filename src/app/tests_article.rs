//! `update` tests for whole articles (issue #23): what `F` asks for in each view, the entry on
//! screen laid out again when its article comes, the reason said when none came, an entry of
//! a feed that asks for articles fetched when opened, and the run after each refresh.

use super::test_support::{FakeDb, entry, feed};
use super::*;
use crate::model::article::{ArticleEvent, Found};
use crate::model::{Article, Entry, FeedId};

fn act(a: Action) -> Msg {
    Msg::Action(a)
}

/// A reader open on entry `id` as `e` is.
fn reading(db: &mut FakeDb, e: Entry) -> (AppState, Vec<Effect>) {
    let mut s = db.started(80, 24);
    while s.stream.selected().map(|r| r.id) != Some(e.summary.id) {
        db.send(&mut s, act(Action::Down));
    }
    db.send(&mut s, act(Action::Open));
    let (_, rendered) = entry(e.summary.id.0, 5);
    let effects = db.send(
        &mut s,
        Msg::EntryLoaded {
            entry: Box::new(e),
            rendered,
            width: 78,
            complete: true,
        },
    );
    assert_eq!(s.view, View::Reader);
    (s, effects)
}

#[test]
fn f_in_the_stream_fetches_the_entry_under_the_cursor_or_the_selection() {
    let mut db = FakeDb::new(4);
    let mut s = db.started(80, 24);
    assert_eq!(
        db.send(&mut s, act(Action::FullArticle)),
        [Effect::FetchArticles {
            ids: vec![EntryId(4)]
        }]
    );
    // Selecting moves the cursor on, as in newsboat.
    db.send(&mut s, act(Action::ToggleSelect));
    db.send(&mut s, act(Action::Down));
    db.send(&mut s, act(Action::ToggleSelect));
    assert_eq!(
        db.send(&mut s, act(Action::FullArticle)),
        [Effect::FetchArticles {
            ids: vec![EntryId(2), EntryId(4)]
        }]
    );
    assert!(s.status.as_ref().unwrap().text.contains("2 whole articles"));
}

#[test]
fn f_in_the_reader_fetches_and_the_article_lays_the_entry_out_again() {
    let mut db = FakeDb::new(3);
    let (e, _) = entry(3, 5);
    let (mut s, opened) = reading(&mut db, e);
    assert!(
        !opened
            .iter()
            .any(|e| matches!(e, Effect::FetchArticles { .. })),
        "a feed that does not ask fetches nothing by itself"
    );
    assert_eq!(
        db.send(&mut s, act(Action::FullArticle)),
        [Effect::FetchArticles {
            ids: vec![EntryId(3)]
        }]
    );
    assert!(s.status.as_ref().unwrap().text.contains("Fetching"));
    // Another entry's article (a run after a refresh): nothing to do on screen.
    let other = ArticleEvent::Fetched {
        id: EntryId(1),
        chars: 900,
    };
    assert!(db.send(&mut s, Msg::Article(other)).is_empty());
    let this = ArticleEvent::Fetched {
        id: EntryId(3),
        chars: 900,
    };
    assert_eq!(
        db.send(&mut s, Msg::Article(this)),
        [
            Effect::ForgetLayouts,
            Effect::OpenEntry {
                id: EntryId(3),
                width: s.reader_width()
            }
        ]
    );
    assert!(
        s.status
            .as_ref()
            .unwrap()
            .text
            .contains("Whole article fetched")
    );
}

#[test]
fn no_article_is_said_with_its_reason_and_how_to_try_again() {
    let mut db = FakeDb::new(3);
    let (e, _) = entry(3, 5);
    let (mut s, _) = reading(&mut db, e);
    let failed = ArticleEvent::Failed {
        id: EntryId(3),
        why: "the page answered HTTP 404 Not Found".into(),
        kept: true,
    };
    let effects = db.send(&mut s, Msg::Article(failed));
    let status = s.status.as_ref().unwrap();
    assert_eq!(status.kind, StatusKind::Error);
    assert_eq!(
        status.text,
        "No whole article: the page answered HTTP 404 Not Found (F tries again)"
    );
    // The reason joins the header; the layout (the teaser's) stays.
    assert!(!effects.contains(&Effect::ForgetLayouts));
    assert!(effects.contains(&Effect::OpenEntry {
        id: EntryId(3),
        width: s.reader_width()
    }));
}

#[test]
fn an_entry_without_a_link_has_nothing_to_fetch() {
    let mut db = FakeDb::new(3);
    let (mut e, _) = entry(3, 5);
    e.summary.link = None;
    let (mut s, _) = reading(&mut db, e);
    assert!(db.send(&mut s, act(Action::FullArticle)).is_empty());
    assert!(s.status.as_ref().unwrap().text.contains("no link"));
}

#[test]
fn opening_an_entry_of_a_feed_that_asks_fetches_its_article_once_there_is_none() {
    let mut db = FakeDb::new(3);
    let (mut e, _) = entry(3, 5);
    e.full_article = true;
    let (_, opened) = reading(&mut db, e.clone());
    assert!(opened.contains(&Effect::FetchArticles {
        ids: vec![EntryId(3)]
    }));
    // Fetched before (or a reason kept): not again by itself.
    e.article = Some(Article {
        url: "https://example.org/3".into(),
        fetched: chrono::DateTime::from_timestamp(0, 0).unwrap(),
        found: Found::Nothing("the page does not read as an article".into()),
    });
    let (s, opened) = reading(&mut db, e);
    assert!(
        !opened
            .iter()
            .any(|e| matches!(e, Effect::FetchArticles { .. }))
    );
    let reader = s.reader.as_ref().unwrap();
    assert_eq!(
        reader.article_line().unwrap(),
        "No whole article: the page does not read as an article"
    );
}

#[test]
fn f_in_the_feed_list_turns_a_feeds_whole_articles_on_and_off() {
    let mut db = FakeDb::new(1);
    let mut s = db.started(80, 24);
    update(&mut s, act(Action::Feeds));
    let mut asks = feed(2, &[], 0);
    asks.full_article = true;
    update(&mut s, Msg::FeedsLoaded(vec![feed(1, &[], 0), asks]));
    assert_eq!(
        update(&mut s, act(Action::FullArticle)),
        [Effect::SetFullArticle {
            feed: FeedId(1),
            title: s.feeds.selected().unwrap().title.clone(),
            on: true
        }]
    );
    update(&mut s, act(Action::Down));
    assert!(matches!(
        update(&mut s, act(Action::FullArticle)).as_slice(),
        [Effect::SetFullArticle {
            feed: FeedId(2),
            on: false,
            ..
        }]
    ));
}

#[test]
fn a_finished_refresh_fetches_what_the_feeds_that_ask_want() {
    let mut db = FakeDb::new(1);
    let mut s = db.started(80, 24);
    update(
        &mut s,
        Msg::Refresh(crate::model::RefreshEvent::Started { total: 1 }),
    );
    let effects = update(
        &mut s,
        Msg::Refresh(crate::model::RefreshEvent::Finished(
            crate::model::RefreshSummary::default(),
        )),
    );
    assert!(effects.contains(&Effect::FetchArticles { ids: Vec::new() }));
}

/// Found trying it in tmux: the reason was said, then the entry laid out again (to show the
/// reason in its header) cleared the status line before anyone could read it.
#[test]
fn the_reason_stays_on_the_status_line_when_the_entry_is_laid_out_again() {
    let mut db = FakeDb::new(3);
    let (e, rendered) = entry(3, 5);
    let (mut s, _) = reading(&mut db, e.clone());
    let failed = ArticleEvent::Failed {
        id: EntryId(3),
        why: "the page answered HTTP 404 Not Found".into(),
        kept: true,
    };
    db.send(&mut s, Msg::Article(failed));
    let width = s.reader_width();
    db.send(
        &mut s,
        Msg::EntryLoaded {
            entry: Box::new(e),
            rendered,
            width,
            complete: true,
        },
    );
    assert!(s.status.as_ref().unwrap().text.contains("HTTP 404"));
    // Another entry opened clears it.
    let (next, rendered) = entry(2, 5);
    db.send(&mut s, act(Action::NextEntry));
    db.send(
        &mut s,
        Msg::EntryLoaded {
            entry: Box::new(next),
            rendered,
            width,
            complete: true,
        },
    );
    assert_eq!(s.status, None);
}
