//! Rules at ingest (issue #20): each action on new entries, inside the feed's transaction, on
//! a real database file; rules that match nothing and everything; what a refresh is told.

use std::sync::Arc;

use super::Store;
use super::query_tests::{NOW, all, assert_counts_true, entry, feed, keys, matching, query};
use super::test_support::temp_store;
use crate::model::rules::{Rule, rule};
use crate::model::{EntryFilter, IncomingEntry};

fn titled(key: &str, title: &str, body: &str) -> IncomingEntry {
    IncomingEntry {
        title: title.into(),
        ..entry(key, 1, Some("Ann"), body)
    }
}

fn with_rules(rules: Vec<Rule>) -> (tempfile::TempDir, Store) {
    let (dir, mut s) = temp_store();
    s.set_rules(Arc::from(rules));
    (dir, s)
}

#[test]
fn each_action_is_applied_to_new_entries_as_they_are_stored() {
    let (_dir, mut s) = with_rules(vec![
        rule("ads", "title:/^\\[ad\\]/", &["hide"]),
        rule("spam", "casino", &["skip"]),
        rule(
            "release notes",
            "feed:tech \"release notes\"",
            &["read", "label notes"],
        ),
        rule(
            "kernel",
            "tag:linux kernel",
            &["star", "highlight bold yellow", "notify"],
        ),
    ]);
    let (tech, _) = s.add_feed("https://tech.example/feed", 0).unwrap();
    s.set_feed_tags(tech, &["linux".into()]).unwrap();
    let doc = crate::model::IncomingFeed {
        title: Some("Tech".into()),
        site_url: None,
        ttl_minutes: None,
        entries: vec![
            titled("t1", "[Ad] Buy now", "hosting"),
            titled("t2", "Big casino night", "<p>win</p>"),
            titled(
                "t3",
                "Version 2",
                "<p>The <b>release notes</b> are long</p>",
            ),
            titled("t4", "Kernel 7.0", "<p>kernel news</p>"),
            titled("t5", "Plain", "nothing"),
        ],
    };
    let new = s
        .record_success(tech, &doc, &crate::store::FetchMeta::default(), NOW)
        .unwrap();
    assert_eq!(new, 4, "the skipped entry is not stored");
    let ruled = s.take_ruled();
    assert_eq!(ruled.skipped, 1);
    let noticed: Vec<&str> = ruled.noticed.iter().map(|n| n.title.as_str()).collect();
    assert_eq!(noticed, ["Kernel 7.0"]);
    assert_eq!(ruled.noticed[0].rule, "kernel");
    assert_eq!(ruled.noticed[0].feed, "Tech");
    assert_eq!(s.take_ruled(), crate::model::rules::Ruled::default());

    let shown = all(&s, &EntryFilter::default());
    let titles: Vec<&str> = shown.iter().map(|r| r.title.as_str()).collect();
    assert_eq!(titles.len(), 3, "{titles:?}");
    assert!(!titles.contains(&"[Ad] Buy now"));
    assert_eq!(matching(&s, "hidden"), ["[Ad] Buy now"]);
    let notes = shown.iter().find(|r| r.title == "Version 2").unwrap();
    assert!(notes.read);
    assert_eq!(notes.labels, ["notes"]);
    let kernel = shown.iter().find(|r| r.title == "Kernel 7.0").unwrap();
    assert!(kernel.starred && !kernel.read);
    assert_eq!(kernel.highlight.as_deref(), Some("bold yellow"));
    let plain = shown.iter().find(|r| r.title == "Plain").unwrap();
    assert!(!plain.read && !plain.starred && plain.labels.is_empty() && plain.highlight.is_none());
    // The kept counts hold: a hidden unread entry and a read one are not unread.
    assert_eq!(s.counts().unwrap().unread, 2);
    assert_eq!(s.counts().unwrap().starred, 1);
    assert_counts_true(&s);
    // Stored again unchanged: no rule runs twice, nothing is said twice.
    s.record_success(tech, &doc, &crate::store::FetchMeta::default(), NOW + 60)
        .unwrap();
    let again = s.take_ruled();
    // The skipped entry is still new to the store, so it is skipped (and counted) again.
    assert_eq!((again.skipped, again.noticed.len()), (1, 0));
}

#[test]
fn a_rule_sees_the_feeds_title_from_its_first_fetch() {
    let (_dir, mut s) = with_rules(vec![rule("cook", "feed:cooking", &["label food"])]);
    feed(
        &mut s,
        "https://c.example/feed",
        "Cooking",
        vec![entry("c1", 1, None, "soup")],
    );
    assert_eq!(matching(&s, "label:food"), ["c1"]);
}

#[test]
fn rules_that_match_nothing_or_everything() {
    let (_dir, mut s) = with_rules(vec![rule("none", "title:/^never$/", &["hide", "skip"])]);
    feed(
        &mut s,
        "https://a.example/feed",
        "A",
        vec![entry("a1", 1, None, "x"), entry("a2", 2, None, "y")],
    );
    assert_eq!(keys(&all(&s, &EntryFilter::default())), ["a1", "a2"]);
    assert_eq!(s.take_ruled().skipped, 0);

    let (_dir, mut s) = with_rules(vec![rule("all", "", &["read", "label seen"])]);
    feed(
        &mut s,
        "https://a.example/feed",
        "A",
        vec![entry("a1", 1, None, "x"), entry("a2", 2, None, "y")],
    );
    assert_eq!(matching(&s, "unread"), [] as [&str; 0]);
    assert_eq!(matching(&s, "label:seen"), ["a1", "a2"]);
    assert_counts_true(&s);

    let (_dir, mut s) = with_rules(vec![rule("all", "", &["skip"])]);
    feed(
        &mut s,
        "https://a.example/feed",
        "A",
        vec![entry("a1", 1, None, "x")],
    );
    assert!(all(&s, &query("hidden or -hidden")).is_empty());
    assert_eq!(s.take_ruled().skipped, 1);
    assert_counts_true(&s);
}

#[test]
fn a_changed_entry_keeps_its_marks_and_is_not_judged_again() {
    let (_dir, mut s) = with_rules(vec![rule("all", "", &["read"])]);
    let id = feed(
        &mut s,
        "https://a.example/feed",
        "A",
        vec![entry("a1", 1, None, "x")],
    );
    let row = all(&s, &EntryFilter::default()).remove(0);
    s.set_mark(&[row.id], crate::model::Mark::Unread).unwrap();
    let doc = crate::model::IncomingFeed {
        title: Some("A".into()),
        site_url: None,
        ttl_minutes: None,
        entries: vec![entry("a1", 1, None, "changed")],
    };
    s.record_success(id, &doc, &crate::store::FetchMeta::default(), NOW + 60)
        .unwrap();
    assert_eq!(matching(&s, "unread"), ["a1"]);
}

/// Enclosures for the matcher test: a1 audio, b3 video and chapters, a2 chapters only.
fn give_enclosures(s: &Store, id: &dyn Fn(&str) -> crate::model::EntryId) {
    for (key, position, mime) in [
        ("a1", 0, "audio/mpeg"),
        ("b3", 0, "video/mp4"),
        ("b3", 1, crate::model::enclosure::CHAPTERS),
        ("a2", 0, crate::model::enclosure::CHAPTERS),
    ] {
        s.conn
            .execute(
                "INSERT INTO enclosures (entry_id, position, url, mime) \
                 VALUES (?1, ?2, 'https://a.example/f', ?3)",
                rusqlite::params![id(key).0, position, mime],
            )
            .unwrap();
    }
}

/// A rule's filter means at ingest what the same filter means in a view: for every term kind,
/// each stored entry of the sample holds in memory (`holds`) exactly when the store's SQL finds
/// it.
#[test]
fn the_in_memory_matcher_agrees_with_the_store_term_by_term() {
    use crate::model::query::{Candidate, Tokens, holds};
    let (_dir, mut s, a, _) = super::query_tests::sample();
    s.set_feed_tags(a, &["Linux".into()]).unwrap();
    let id = super::query_tests::keys_to_ids(&s);
    let (later, _) = s.label_id("Later").unwrap().unwrap();
    s.set_mark(&[id("a2"), id("b3")], crate::model::Mark::Label(later))
        .unwrap();
    s.set_mark(&[id("b2")], crate::model::Mark::Hide).unwrap();
    give_enclosures(&s, &id);
    let every = EntryFilter {
        with_hidden: true,
        ..EntryFilter::default()
    };
    let rows = all(&s, &every);
    assert_eq!(rows.len(), 6);
    let feeds = s.feeds().unwrap();
    let queries = [
        "unread",
        "-unread",
        "starred",
        "hidden",
        "-hidden",
        "label:later",
        "-label:LATER",
        "feed:tech",
        "feed:über",
        "feed:cooking.example",
        "tag:linux",
        "-tag:linux",
        "author:ann",
        "author:50%",
        "-author:bob",
        "title:a1",
        "title:\"title b\"",
        "content:stew",
        "content:borrow*",
        "link:nothing",
        "title:/[ab]2$/",
        "author:/^ann/",
        "-author:/smith$/",
        "cafe",
        "rustacean",
        "\"borrow checker\"",
        "flour -bread",
        "since:5d",
        "before:15d",
        "(tag:linux or author:ann) -starred",
        "new",
        "has:enclosure",
        "-has:enclosure",
        "enclosure:audio",
        "enclosure:video/mp4",
        "-enclosure:video",
        "(enclosure:audio or enclosure:video) unread",
    ];
    for text in queries {
        let filter = EntryFilter {
            query: crate::model::query::parse(text).unwrap(),
            with_hidden: true,
            ..EntryFilter::default()
        };
        let by_sql: Vec<String> = keys(&all(&s, &filter));
        let mut in_memory = Vec::new();
        for row in &rows {
            let entry = s.entry(row.id).unwrap().unwrap();
            let feed = feeds.iter().find(|f| f.id == row.feed_id).unwrap();
            let tags: Vec<String> = feed.tags.iter().map(|t| t.to_lowercase()).collect();
            let text = super::text::html_to_text(&entry.content_html);
            let candidate = Candidate {
                title: &row.title,
                author: row.author.as_deref(),
                link: row.link.as_deref(),
                text: &text,
                feed_names: ["", &feed.title, &feed.url],
                tags: &tags,
                published: row.published.timestamp(),
                read: row.read,
                starred: row.starred,
                hidden: row.hidden,
                labels: row.labels.iter().map(|l| l.to_lowercase()).collect(),
                tokens: Tokens::default(),
                enclosures: &entry.enclosures,
            };
            if holds(&filter.query, &candidate, NOW) {
                in_memory.push(row.title.trim_start_matches("Title ").to_owned());
            }
        }
        if text == "has:enclosure" {
            assert_eq!(by_sql, ["a1", "b3"], "chapters alone are no enclosure");
        }
        // `new` differs on purpose: at ingest every entry is new.
        if text == "new" {
            assert_eq!(in_memory.len(), 6);
            continue;
        }
        assert_eq!(in_memory, by_sql, "{text}");
    }
}

/// `rules apply`: every action on what is stored (skip hides, notify does nothing), counted,
/// and each mark change written to the journal the reader undoes from.
#[test]
fn applying_a_rule_to_stored_entries_marks_them_and_journals_it() {
    let (_dir, mut s, _, _) = super::query_tests::sample();
    let rule = rule(
        "cooking",
        "feed:cooking",
        &[
            "skip",
            "read",
            "label food",
            "highlight error",
            "notify",
            "star",
        ],
    );
    assert_eq!(s.rule_matches(&rule).unwrap(), 3);
    let done = s.apply_rule(&rule, NOW).unwrap();
    let done: Vec<(&str, usize)> = done.iter().map(|(a, n)| (a.as_str(), *n)).collect();
    // b1 was read already; nothing was starred.
    assert_eq!(
        done,
        [
            ("skip", 3),
            ("read", 2),
            ("label food", 3),
            ("highlight error", 3),
            ("star", 3)
        ]
    );
    assert!(matching(&s, "feed:cooking").is_empty(), "hidden");
    assert_eq!(
        matching(&s, "feed:cooking hidden label:food starred read").len(),
        3
    );
    // Still matched (hidden ones too): applying again changes nothing.
    assert_eq!(s.rule_matches(&rule).unwrap(), 3);
    let again = s.apply_rule(&rule, NOW).unwrap();
    assert!(again.iter().all(|(_, n)| *n == 0), "{again:?}");
    let journal = s.take_journal().unwrap();
    let marks: Vec<(crate::model::Mark, usize)> =
        journal.iter().map(|j| (j.mark, j.ids.len())).collect();
    assert_eq!(marks.len(), 4, "{marks:?}");
    assert!(journal.iter().all(|j| j.what == "rule cooking"));
    assert_eq!(journal[2].label.as_deref(), Some("food"));
    assert_counts_true(&s);
}

/// A feed named by its URL (no title of its own) is told in notifications without the URL's
/// secrets.
#[test]
fn a_notification_never_shows_a_feed_urls_secrets() {
    let (_dir, mut s) = with_rules(vec![rule("all", "", &["notify"])]);
    let (id, _) = s
        .add_feed("https://me:hunter2@private.example/feed?token=abc123", 0)
        .unwrap();
    let doc = crate::model::IncomingFeed {
        entries: vec![entry("p1", 1, None, "x")],
        ..crate::model::IncomingFeed::default()
    };
    s.record_success(id, &doc, &crate::store::FetchMeta::default(), NOW)
        .unwrap();
    let noticed = s.take_ruled().noticed;
    assert_eq!(noticed.len(), 1);
    let feed = &noticed[0].feed;
    assert!(feed.contains("private.example"), "{feed}");
    assert!(
        !feed.contains("hunter2") && !feed.contains("abc123"),
        "{feed}"
    );
}

/// Found trying it: an entry hidden by a rule was out of the unread count but still in the
/// feed's total and `count --json`'s entries (10 where the stream showed 7). A database from
/// before schema 12 is counted again when opened.
#[test]
fn migrating_a_version_11_database_leaves_hidden_entries_out_of_the_totals() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    let mut conn = rusqlite::Connection::open(&path).unwrap();
    super::migrate::migrate_to(&mut conn, "old.db", 11).unwrap();
    conn.execute(
        "INSERT INTO feeds (id, url, title, added_at) VALUES (1, 'https://a.example/', 'A', 0)",
        [],
    )
    .unwrap();
    for (id, hidden) in [(1, 0), (2, 1), (3, 0), (4, 1)] {
        conn.execute(
            "INSERT INTO entries (id, feed_id, key, title, published, first_seen, content_hash, \
             hidden) VALUES (?1, 1, ?1, 't', ?1, 0, 0, ?2)",
            rusqlite::params![id, hidden],
        )
        .unwrap();
    }
    // As schema 11 kept them: every entry in the total, the hidden ones in no unread count.
    conn.execute_batch("UPDATE feeds SET entry_count = 4, unread_count = 2")
        .unwrap();
    drop(conn);
    let mut s = Store::open(&path).unwrap();
    assert_eq!(s.counts().unwrap().entries, 2);
    assert_eq!(s.feeds().unwrap()[0].total, 2);
    assert_counts_true(&s);
    // And the triggers keep it so: one shown again, one removed.
    s.set_mark(&[crate::model::EntryId(2)], crate::model::Mark::Unhide)
        .unwrap();
    assert_eq!(s.feeds().unwrap()[0].total, 3);
    assert_counts_true(&s);
}
