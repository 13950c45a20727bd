//! `update` tests for the feed list: saved views, tag groups, opening each and coming back.

use super::*;
use crate::app::test_support::feed;
use crate::model::FeedId;
use crate::model::query::parse;

fn act(a: Action) -> Msg {
    Msg::Action(a)
}

fn with_views() -> AppState {
    let options = Options {
        views: vec![SavedView {
            name: "Rust, unread".into(),
            query: parse("tag:rust unread").unwrap(),
            sort: crate::model::Sort::Newest,
        }],
        ..Options::default()
    };
    let mut s = AppState::new(options, 80, 24);
    update(&mut s, act(Action::Feeds));
    update(
        &mut s,
        Msg::FeedsLoaded(vec![
            feed(1, &["rust", "news"], 3),
            feed(2, &[], 1),
            feed(3, &["rust"], 4),
        ]),
    );
    s
}

#[test]
fn views_come_first_then_tags_with_their_feeds_then_untagged_ones() {
    let s = with_views();
    let items = &s.feeds.items;
    assert_eq!(items[0], FeedsItem::View(0));
    assert_eq!(
        items[1],
        FeedsItem::Tag {
            name: "news".into(),
            unread: 3,
            feeds: 1
        }
    );
    assert_eq!(
        items[3],
        FeedsItem::Tag {
            name: "rust".into(),
            unread: 7,
            feeds: 2
        }
    );
    assert_eq!(items[6], FeedsItem::Untagged);
    assert_eq!(
        items[7],
        FeedsItem::Feed {
            index: 1,
            indented: true
        }
    );
    assert_eq!(items.len(), 8);
}

#[test]
fn without_tags_the_list_is_flat() {
    let mut s = AppState::new(Options::default(), 80, 24);
    update(&mut s, act(Action::Feeds));
    update(
        &mut s,
        Msg::FeedsLoaded(vec![feed(1, &[], 0), feed(2, &[], 0)]),
    );
    assert_eq!(
        s.feeds.items,
        vec![
            FeedsItem::Feed {
                index: 0,
                indented: false
            },
            FeedsItem::Feed {
                index: 1,
                indented: false
            }
        ]
    );
}

#[test]
fn a_saved_view_opens_its_filter_and_q_comes_back_to_the_list() {
    let mut s = with_views();
    let effects = update(&mut s, act(Action::Open));
    assert_eq!(s.view, View::Stream);
    assert_eq!(s.stream.title, "Rust, unread");
    let Some(Effect::LoadPage { filter, .. }) = effects.first() else {
        panic!("{effects:?}")
    };
    assert_eq!(filter.query.to_string(), "tag:rust unread");
    let effects = update(&mut s, act(Action::Back));
    assert_eq!(s.view, View::Feeds);
    assert!(s.stream.filter.query.is_empty() && !s.quit);
    assert!(effects.contains(&Effect::LoadFeeds));
}

/// Found trying it: in a saved view (or one feed's stream) with a filter typed on top, `q` and
/// `Esc` went straight back to the feed list, the view and the typed filter with them.
#[test]
fn q_in_a_view_takes_a_typed_filter_back_to_the_views_own_first() {
    let mut s = with_views();
    update(&mut s, act(Action::Open));
    for leave in [Action::Back, Action::Cancel] {
        prompt::set_query(&mut s, parse("tag:rust crate").unwrap());
        let effects = update(&mut s, act(leave));
        assert_eq!(s.view, View::Stream, "{leave:?}");
        assert_eq!(s.stream.filter.query.to_string(), "tag:rust unread");
        assert_eq!(s.stream.title, "Rust, unread");
        assert!(matches!(effects.first(), Some(Effect::LoadPage { .. })));
    }
    update(&mut s, act(Action::Back));
    assert_eq!(s.view, View::Feeds);
    assert!(!s.quit);
}

#[test]
fn a_tag_heading_opens_every_feed_with_that_tag() {
    let mut s = with_views();
    update(&mut s, act(Action::Down));
    update(&mut s, act(Action::Down));
    update(&mut s, act(Action::Down));
    update(&mut s, act(Action::Open));
    assert_eq!(s.stream.title, "Tag: rust");
    assert_eq!(s.stream.filter.query.to_string(), "tag:rust");
}

#[test]
fn the_cursor_stays_on_its_feed_when_the_list_reloads() {
    let mut s = with_views();
    for _ in 0..5 {
        update(&mut s, act(Action::Down));
    }
    assert_eq!(s.feeds.selected().unwrap().id, FeedId(3));
    // Feed 1 loses its tag: lines above move, the cursor follows feed 3.
    update(
        &mut s,
        Msg::FeedsLoaded(vec![
            feed(1, &[], 3),
            feed(2, &[], 1),
            feed(3, &["rust"], 4),
        ]),
    );
    assert_eq!(s.feeds.selected().unwrap().id, FeedId(3));
}

fn type_text(s: &mut AppState, text: &str) -> Vec<Effect> {
    let mut effects = Vec::new();
    for c in text.chars() {
        effects.extend(update(s, Msg::Text(TextKey::Char(c))));
    }
    effects
}

#[test]
fn add_asks_for_a_url_and_subscribes_in_the_background() {
    let mut s = with_views();
    update(&mut s, act(Action::AddFeed));
    assert_eq!(s.prompt().unwrap().kind, PromptKind::AddFeed);
    // An empty line is refused with a hint.
    assert!(update(&mut s, Msg::Text(TextKey::Enter)).is_empty());
    assert!(s.prompt().unwrap().error.is_some());
    type_text(&mut s, " https://blog.example/ ");
    let effects = update(&mut s, Msg::Text(TextKey::Enter));
    assert_eq!(
        effects,
        vec![Effect::AddFeed {
            url: "https://blog.example/".into()
        }]
    );
    assert!(s.prompt().is_none());
    assert_eq!(
        s.status.as_deref(),
        Some("Subscribing to https://blog.example/…")
    );
    // The answer reloads the list, the counts and the stream.
    let effects = update(
        &mut s,
        Msg::FeedsChanged("Subscribed to Blog: 3 entries".into()),
    );
    assert!(effects.contains(&Effect::LoadFeeds) && effects.contains(&Effect::LoadCounts));
    assert_eq!(s.status.as_deref(), Some("Subscribed to Blog: 3 entries"));
}

#[test]
fn remove_asks_first_and_esc_on_a_prompt_changes_nothing() {
    let mut s = with_views();
    update(&mut s, act(Action::RemoveFeed));
    assert_eq!(
        s.status.as_deref(),
        Some("Move the cursor onto a feed first")
    );
    update(&mut s, act(Action::Down));
    update(&mut s, act(Action::Down));
    update(&mut s, act(Action::RemoveFeed));
    assert!(s.confirm().is_some());
    assert_eq!(
        update(&mut s, Msg::Text(TextKey::Char('y'))),
        vec![Effect::RemoveFeed { id: FeedId(1) }]
    );
    update(&mut s, act(Action::RenameFeed));
    assert_eq!(s.prompt().unwrap().line.text, "Feed 1");
    assert!(update(&mut s, Msg::Text(TextKey::Esc)).is_empty());
    assert!(s.prompt().is_none());
}

#[test]
fn rename_and_tags_take_the_typed_line() {
    let mut s = with_views();
    update(&mut s, act(Action::Down));
    update(&mut s, act(Action::Down));
    update(&mut s, act(Action::RenameFeed));
    update(&mut s, Msg::Text(TextKey::Clear));
    assert_eq!(
        update(&mut s, Msg::Text(TextKey::Enter)),
        vec![Effect::RenameFeed {
            id: FeedId(1),
            title: None
        }]
    );
    update(&mut s, act(Action::EditTags));
    assert_eq!(s.prompt().unwrap().line.text, "rust news");
    type_text(&mut s, ", Weekly rust");
    assert_eq!(
        update(&mut s, Msg::Text(TextKey::Enter)),
        vec![Effect::SetTags {
            id: FeedId(1),
            tags: vec!["news".into(), "rust".into(), "Weekly".into()]
        }]
    );
}

/// Issue #19: `A` in the feed list did nothing; it marks the feed under the cursor read, and
/// `u` takes it back.
#[test]
fn a_in_the_feed_list_marks_that_feed_read_with_undo() {
    let mut db = crate::app::test_support::FakeDb::new(9);
    let mut s = db.started(80, 24);
    db.send(&mut s, act(Action::Feeds));
    let feeds = vec![feed(1, &[], 3), feed(2, &[], 3), feed(3, &[], 3)];
    db.send(&mut s, Msg::FeedsLoaded(feeds));
    while s.feeds.selected().map(|f| f.id) != Some(FeedId(2)) {
        db.send(&mut s, act(Action::Down));
    }
    db.send(&mut s, act(Action::MarkAllRead));
    let read: Vec<i64> = db
        .rows
        .iter()
        .filter(|r| r.read)
        .map(|r| r.feed_id.0)
        .collect();
    assert_eq!(read, vec![2, 2, 2], "feed 2 only");
    db.send(&mut s, act(Action::Undo));
    assert!(db.rows.iter().all(|r| !r.read));
}

/// A saved view with a sort opens in that order, and says so in its title.
#[test]
fn a_saved_view_opens_in_its_own_order() {
    let options = Options {
        views: vec![SavedView {
            name: "Backlog".into(),
            query: parse("unread").unwrap(),
            sort: crate::model::Sort::Oldest,
        }],
        ..Options::default()
    };
    let mut s = AppState::new(options, 80, 24);
    update(&mut s, act(Action::Feeds));
    update(&mut s, Msg::FeedsLoaded(vec![feed(1, &[], 3)]));
    let effects = update(&mut s, act(Action::Open));
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::LoadPage { filter, .. }
            if filter.sort == crate::model::Sort::Oldest)),
        "{effects:?}"
    );
    assert_eq!(s.stream.title, "Backlog (oldest first)");
    // A filter typed on top keeps the order.
    assert_eq!(s.stream.filter.sort, crate::model::Sort::Oldest);
}

/// Two subscriptions to one feed (issue #23): looked for when the feed list shows, marked and
/// said, and merged after a question.
#[test]
fn twin_feeds_are_found_marked_said_and_merged_after_asking() {
    use crate::model::story::TwinFeeds;
    let mut s = AppState::new(Options::default(), 80, 24);
    update(&mut s, act(Action::Feeds));
    let effects = update(
        &mut s,
        Msg::FeedsLoaded(vec![feed(1, &[], 0), feed(2, &[], 0), feed(3, &[], 0)]),
    );
    assert_eq!(effects, [Effect::FindTwins]);
    let pair = TwinFeeds {
        keep: FeedId(3),
        drop: FeedId(1),
        shared: 12,
    };
    update(&mut s, Msg::TwinsFound(vec![pair.clone()]));
    assert_eq!(
        s.status.as_ref().unwrap().text,
        "1 pair of subscriptions look like one feed (marked =) (M on one merges them)"
    );
    // On a feed that is in no pair, M says so.
    update(&mut s, act(Action::Down));
    assert_eq!(s.feeds.selected().unwrap().id, FeedId(2));
    update(&mut s, act(Action::MergeFeeds));
    assert!(s.modal.is_none());
    // Moving onto one of the pair says which and why.
    update(&mut s, act(Action::Up));
    assert_eq!(
        s.status.as_ref().unwrap().text,
        format!(
            "Same feed as {} (12 stories in common) (M merges them)",
            feed(3, &[], 0).title
        )
    );
    assert!(update(&mut s, act(Action::MergeFeeds)).is_empty());
    assert!(matches!(
        s.modal,
        Some(Modal::Confirm(Confirm::MergeFeeds { .. }))
    ));
    assert_eq!(
        update(&mut s, Msg::Text(TextKey::Char('y'))),
        [Effect::MergeFeeds {
            keep: FeedId(3),
            drop: FeedId(1)
        }]
    );
}
