//! The store's side of a sync (issue #21): the journal the triggers fill, the server's state
//! applied around it, and synced items written through the ingest.

use super::query_tests::{NOW, assert_counts_true, entry};
use super::test_support::temp_store;
use super::*;
use crate::model::{EntryId, FeedId, IncomingFeed, Mark};

fn remote(stream: &str, url: &str) -> RemoteFeed {
    RemoteFeed {
        stream_id: stream.into(),
        title: format!("Title of {stream}"),
        url: url.into(),
        site_url: None,
        folders: vec!["News".into()],
    }
}

/// Items 1, 2 and 3 of the feed `feed/1` as the server gives them, unread; `starred` says which.
fn three_items(starred: impl Fn(i64) -> bool) -> (IncomingFeed, Vec<ItemState>) {
    let incoming = IncomingFeed {
        title: None,
        site_url: None,
        ttl_minutes: None,
        entries: (1..=3)
            .map(|i| entry(&format!("item{i}"), i, None, "body"))
            .collect(),
    };
    let states = (1..=3)
        .map(|item| ItemState {
            item,
            read: false,
            starred: starred(item),
        })
        .collect();
    (incoming, states)
}

/// A store with one synced feed holding items 1, 2 and 3 (unread, unstarred on the server).
fn synced() -> (tempfile::TempDir, Store, FeedId) {
    let (dir, mut s) = temp_store();
    let subs = s
        .sync_subscriptions(&[remote("feed/1", "https://a.example/feed")], NOW)
        .unwrap();
    let feed = subs.feeds[0].1;
    let (incoming, states) = three_items(|_| false);
    s.record_synced(&[(feed, incoming, states)], NOW).unwrap();
    (dir, s, feed)
}

fn id_of(s: &Store, item: i64) -> EntryId {
    EntryId(
        s.conn
            .query_row("SELECT id FROM entries WHERE remote_id = ?1", [item], |r| {
                r.get(0)
            })
            .unwrap(),
    )
}

fn flags(s: &Store, item: i64) -> (bool, bool) {
    s.conn
        .query_row(
            "SELECT read, starred FROM entries WHERE remote_id = ?1",
            [item],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap()
}

#[test]
fn a_mark_on_a_synced_entry_is_journaled_in_its_own_transaction_and_a_local_one_is_not() {
    let (_d, mut s, _) = synced();
    let local = super::query_tests::feed(
        &mut s,
        "https://local.example/",
        "Local",
        vec![entry("l", 1, None, "x")],
    );
    let local_entry = s
        .ids_matching(&crate::model::EntryFilter {
            feed: Some(local),
            ..Default::default()
        })
        .unwrap()[0];
    s.set_mark(&[id_of(&s, 1), local_entry], Mark::Read)
        .unwrap();
    s.set_mark(&[id_of(&s, 2)], Mark::Star).unwrap();
    let mut pending = s.pending_marks().unwrap();
    pending.sort_by_key(|m| m.item);
    assert_eq!(
        pending,
        vec![
            PendingMark {
                item: 1,
                flag: Flag::Read,
                value: true
            },
            PendingMark {
                item: 2,
                flag: Flag::Starred,
                value: true
            },
        ]
    );
    // Undone before a sync: the latest value is what goes.
    s.set_mark(&[id_of(&s, 1)], Mark::Unread).unwrap();
    assert!(s.pending_marks().unwrap().contains(&PendingMark {
        item: 1,
        flag: Flag::Read,
        value: false
    }));
}

#[test]
fn an_acknowledgement_of_an_older_value_keeps_the_newer_mark() {
    let (_d, mut s, _) = synced();
    s.set_mark(&[id_of(&s, 1)], Mark::Read).unwrap();
    let sent = s.pending_marks().unwrap();
    // Marked again while the push was under way.
    s.set_mark(&[id_of(&s, 1)], Mark::Unread).unwrap();
    s.acknowledge(&sent).unwrap();
    assert_eq!(
        s.pending_marks().unwrap(),
        vec![PendingMark {
            item: 1,
            flag: Flag::Read,
            value: false
        }]
    );
    s.acknowledge(&s.pending_marks().unwrap()).unwrap();
    assert!(s.pending_marks().unwrap().is_empty());
}

#[test]
fn the_servers_state_applies_except_where_a_change_is_pending_and_journals_nothing() {
    let (_d, mut s, _) = synced();
    s.set_mark(&[id_of(&s, 2)], Mark::Star).unwrap();
    // The server: 1 read, 2 unstarred (but starred here, pending), 3 starred.
    let applied = s.apply_server_state(&[2, 3], &[3]).unwrap();
    assert_eq!(flags(&s, 1), (true, false));
    assert_eq!(flags(&s, 2), (false, true), "the pending star is kept");
    assert_eq!(flags(&s, 3), (false, true));
    assert_eq!((applied.read, applied.starred, applied.kept), (1, 1, 1));
    assert_eq!(
        s.pending_marks().unwrap().len(),
        1,
        "the server's changes are not journaled"
    );
    assert_counts_true(&s);
    // The guard is down again: a mark made now is journaled.
    s.set_mark(&[id_of(&s, 3)], Mark::Read).unwrap();
    assert_eq!(s.pending_marks().unwrap().len(), 2);
}

#[test]
fn a_feed_the_server_no_longer_lists_goes_and_one_it_renamed_follows() {
    let (_d, mut s, feed) = synced();
    let mut moved = remote("feed/1", "https://a.example/moved");
    moved.title = "Renamed".into();
    let subs = s
        .sync_subscriptions(&[moved, remote("feed/2", "https://b.example/")], NOW)
        .unwrap();
    assert_eq!((subs.added, subs.removed), (1, 0));
    assert_eq!(
        subs.feeds[0],
        ("feed/1".to_owned(), feed),
        "matched by its stream id"
    );
    let f = s.find_feed(&feed.0.to_string()).unwrap();
    assert_eq!(
        (f.url.as_str(), f.title.as_str()),
        ("https://a.example/moved", "Renamed")
    );
    assert_eq!(f.tags, vec!["News".to_owned()]);
    let subs = s
        .sync_subscriptions(&[remote("feed/2", "https://b.example/")], NOW)
        .unwrap();
    assert_eq!(subs.removed, 1);
    assert!(s.find_feed(&feed.0.to_string()).is_err());
    assert_counts_true(&s);
}

#[test]
fn a_local_feed_with_the_servers_url_is_taken_over_and_others_are_left_alone() {
    let (_d, mut s) = temp_store();
    let mine = super::query_tests::feed(
        &mut s,
        "https://a.example/feed",
        "Mine",
        vec![entry("x", 1, None, "b")],
    );
    let other = super::query_tests::feed(&mut s, "https://c.example/", "Other", vec![]);
    let subs = s
        .sync_subscriptions(&[remote("feed/9", "https://a.example/feed")], NOW)
        .unwrap();
    assert_eq!((subs.added, subs.feeds[0].1), (0, mine));
    assert_eq!(s.remote_id_of(mine).unwrap().as_deref(), Some("feed/9"));
    assert_eq!(s.remote_id_of(other).unwrap(), None);
    // A later sync without it removes only synced feeds; an empty list removes nothing.
    s.sync_subscriptions(&[], NOW).unwrap();
    assert!(s.find_feed(&mine.0.to_string()).is_ok());
    s.sync_subscriptions(&[remote("feed/3", "https://d.example/")], NOW)
        .unwrap();
    assert!(s.find_feed(&mine.0.to_string()).is_err());
    assert!(s.find_feed(&other.0.to_string()).is_ok());
}

#[test]
fn a_feed_url_from_the_server_that_is_not_a_web_address_is_never_kept() {
    let (_d, mut s) = temp_store();
    let subs = s
        .sync_subscriptions(
            &[
                remote("feed/1", "file:///home/me/.ssh/id_rsa"),
                remote("feed/2", "javascript:alert(1)"),
            ],
            NOW,
        )
        .unwrap();
    for (stream, id) in &subs.feeds {
        let f = s.find_feed(&id.0.to_string()).unwrap();
        assert_eq!(f.url, format!("sync:{stream}"));
    }
}

#[test]
fn a_rule_that_marks_a_new_item_read_queues_it_for_the_server_and_a_skip_too() {
    use crate::model::rules::rule;
    let (_d, mut s) = temp_store();
    s.set_rules(std::sync::Arc::new([
        rule("r", "title:item1", &["read"]),
        rule("s", "title:item2", &["skip"]),
    ]));
    let subs = s
        .sync_subscriptions(&[remote("feed/1", "https://a.example/feed")], NOW)
        .unwrap();
    let (incoming, states) = three_items(|item| item == 3);
    let new = s
        .record_synced(&[(subs.feeds[0].1, incoming, states)], NOW)
        .unwrap();
    assert_eq!(new, vec![2]);
    assert_eq!(flags(&s, 1), (true, false));
    assert_eq!(
        flags(&s, 3),
        (false, true),
        "the server's star came with it"
    );
    let mut pending = s.pending_marks().unwrap();
    pending.sort_by_key(|m| m.item);
    assert_eq!(
        pending,
        vec![
            PendingMark {
                item: 1,
                flag: Flag::Read,
                value: true
            },
            PendingMark {
                item: 2,
                flag: Flag::Read,
                value: true
            },
        ]
    );
    assert_eq!(s.unknown_items(&[1, 2, 3, 4]).unwrap(), vec![2, 4]);
    assert_counts_true(&s);
}
