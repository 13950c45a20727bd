//! Store tests for the filter language, search, bulk marks and organising feeds, on real
//! temp files: every term kind (and its negation) against a small known database.

use rusqlite::params;

use super::Store;
use super::memo::{Plan, plans};
use super::test_support::temp_store;
use crate::model::query::parse;
use crate::model::{
    Cursor, EntryFilter, EntryId, EntrySummary, FeedId, IncomingEntry, IncomingFeed, Mark, Page,
};
use crate::store::FetchMeta;

const DAY: i64 = 86_400;
/// The clock the tests run the queries at.
pub(super) const NOW: i64 = 1_800_000_000;

pub(super) fn entry(key: &str, days_ago: i64, author: Option<&str>, body: &str) -> IncomingEntry {
    IncomingEntry {
        key: key.into(),
        guid: None,
        title: format!("Title {key}"),
        link: None,
        author: author.map(Into::into),
        published: chrono::DateTime::from_timestamp(NOW - days_ago * DAY, 0),
        updated: None,
        content_html: body.into(),
        enclosures: Vec::new(),
    }
}

pub(super) fn feed(s: &mut Store, url: &str, title: &str, entries: Vec<IncomingEntry>) -> FeedId {
    let (id, _) = s.add_feed(url, 0).unwrap();
    let doc = IncomingFeed {
        title: Some(title.into()),
        site_url: None,
        ttl_minutes: None,
        entries,
    };
    s.record_success(id, &doc, &FetchMeta::default(), NOW)
        .unwrap();
    id
}

/// Two feeds, six entries with known words, authors, dates and marks:
///
/// | key | feed       | days ago | author     | body                               | marks   |
/// | a1  | Über Tech  | 1        | Ann Smith  | rustacean gathering                | read    |
/// | a2  | Über Tech  | 3        | Bob        | the borrow checker, in a `<pre>`   | starred |
/// | a3  | Über Tech  | 10       | —          | script content hidden, café        |         |
/// | b1  | Cooking    | 2        | ann lee    | a slow-cooked stew                 | read    |
/// | b2  | Cooking    | 20       | Chef 50%   | bread & butter                     |         |
/// | b3  | Cooking    | 40       | —          | borrowed flour                     |         |
pub(super) fn sample() -> (tempfile::TempDir, Store, FeedId, FeedId) {
    let (dir, mut s) = temp_store();
    let a = feed(
        &mut s,
        "https://tech.example/feed",
        "Über Tech",
        vec![
            entry(
                "a1",
                1,
                Some("Ann Smith"),
                "<p>A <b>rust</b>acean gathering</p>",
            ),
            entry(
                "a2",
                3,
                Some("Bob"),
                "<pre>the borrow checker</pre><a href=\"https://hidden.example/\">x</a>",
            ),
            entry(
                "a3",
                10,
                None,
                "<script>secretword()</script><p>Caf&eacute; opening</p>",
            ),
        ],
    );
    let b = feed(
        &mut s,
        "https://food.example/rss",
        "Cooking",
        vec![
            entry("b1", 2, Some("ann lee"), "a slow-cooked stew"),
            entry("b2", 20, Some("Chef 50%"), "bread &amp; butter"),
            entry("b3", 40, None, "borrowed flour"),
        ],
    );
    let ids = keys_to_ids(&s);
    s.set_mark(&[ids("a1"), ids("b1")], Mark::Read).unwrap();
    s.set_mark(&[ids("a2")], Mark::Star).unwrap();
    (dir, s, a, b)
}

pub(super) fn keys_to_ids(s: &Store) -> impl Fn(&str) -> EntryId + use<> {
    let rows = all(s, &EntryFilter::default());
    move |key: &str| {
        rows.iter()
            .find(|r| r.title == format!("Title {key}"))
            .unwrap()
            .id
    }
}

pub(super) fn all(s: &Store, filter: &EntryFilter) -> Vec<EntrySummary> {
    s.entries_page_at(filter, Page::First, 100, NOW).unwrap()
}

pub(super) fn keys(rows: &[EntrySummary]) -> Vec<String> {
    rows.iter()
        .map(|r| r.title.trim_start_matches("Title ").to_owned())
        .collect()
}

pub(super) fn query(text: &str) -> EntryFilter {
    EntryFilter {
        query: parse(text).unwrap(),
        ..EntryFilter::default()
    }
}

/// The keys a query matches, newest first.
pub(super) fn matching(s: &Store, text: &str) -> Vec<String> {
    keys(&all(s, &query(text)))
}

#[test]
fn every_term_kind_and_its_negation() {
    let (_d, mut s, a, _) = sample();
    s.set_feed_tags(a, &["Tech".into(), "été".into()]).unwrap();
    let cases: &[(&str, &[&str])] = &[
        ("", &["a1", "b1", "a2", "a3", "b2", "b3"]),
        ("unread", &["a2", "a3", "b2", "b3"]),
        ("read", &["a1", "b1"]),
        ("-unread", &["a1", "b1"]),
        ("starred", &["a2"]),
        ("-starred", &["a1", "b1", "a3", "b2", "b3"]),
        // Feed names: title or URL, any case (Unicode too), as substrings.
        ("feed:über", &["a1", "a2", "a3"]),
        ("feed:ÜBER", &["a1", "a2", "a3"]),
        ("feed:food.example", &["b1", "b2", "b3"]),
        ("feed:example", &["a1", "b1", "a2", "a3", "b2", "b3"]),
        ("-feed:tech", &["b1", "b2", "b3"]),
        ("feed:nowhere", &[]),
        ("-feed:nowhere", &["a1", "b1", "a2", "a3", "b2", "b3"]),
        ("feed:tech feed:cooking", &[]),
        // Tags: exactly, any case.
        ("tag:tech", &["a1", "a2", "a3"]),
        ("tag:ÉTÉ", &["a1", "a2", "a3"]),
        ("tag:te", &[]),
        ("-tag:tech", &["b1", "b2", "b3"]),
        // Authors: substrings, LIKE's wildcards taken literally.
        ("author:ann", &["a1", "b1"]),
        ("-author:ann", &["a2", "a3", "b2", "b3"]),
        ("author:50%", &["b2"]),
        ("author:5_", &[]),
        // Dates: relative to the clock, or a day (midnight UTC).
        ("since:3d", &["a1", "b1", "a2"]),
        ("-since:3d", &["a3", "b2", "b3"]),
        ("before:3d", &["a3", "b2", "b3"]),
        ("-before:3d", &["a1", "b1", "a2"]),
        ("since:1w before:2d", &["a2"]),
        ("since:2026-01-01", &["a1", "b1", "a2", "a3", "b2", "b3"]),
        ("before:2026-01-01", &[]),
        ("since:2027-01-01", &["a1", "b1", "a2", "a3"]),
        // Words in titles, authors and bodies (text, not markup); prefixes; phrases.
        ("rust", &[]),
        ("rustacean", &["a1"]),
        ("RUST*", &["a1"]),
        ("borrow", &["a2"]),
        ("borrow*", &["a2", "b3"]),
        ("-borrow*", &["a1", "b1", "a3", "b2"]),
        ("cafe", &["a3"]),
        ("café", &["a3"]),
        ("secretword", &[]),
        ("hidden", &[]),
        ("href", &[]),
        ("smith", &["a1"]),
        ("a2", &["a2"]),
        ("\"borrow checker\"", &["a2"]),
        ("\"checker borrow\"", &[]),
        ("-\"slow cooked\"", &["a1", "a2", "a3", "b2", "b3"]),
        ("bread butter", &["b2"]),
        ("bread -butter", &[]),
        ("slow-cooked", &["b1"]),
        // Everything together.
        ("unread feed:tech -starred since:2w cafe", &["a3"]),
    ];
    for (text, want) in cases {
        assert_eq!(matching(&s, text), *want, "{text:?}");
    }
}

/// Issue #20: `or` and parentheses, over every kind of term, negated, nested, matching
/// nothing and everything.
#[test]
fn or_groups_match_any_of_their_alternatives() {
    let (_d, mut s, a, _) = sample();
    s.set_feed_tags(a, &["Tech".into()]).unwrap();
    let every: &[&str] = &["a1", "b1", "a2", "a3", "b2", "b3"];
    let cases: &[(&str, &[&str])] = &[
        ("tag:tech or feed:cooking", every),
        ("(author:ann or starred) unread", &["a2"]),
        ("rustacean or borrow", &["a1", "a2"]),
        ("-(rustacean or borrow)", &["b1", "a3", "b2", "b3"]),
        (
            "(feed:tech unread) or (feed:cooking -unread)",
            &["b1", "a2", "a3"],
        ),
        ("feed:nowhere or since:3d", &["a1", "b1", "a2"]),
        ("author:nobody or feed:nowhere", &[]),
        ("zzz or yyy", &[]),
        ("-(bread butter)", &["a1", "b1", "a2", "a3", "b3"]),
        ("(cafe or \"borrow checker\") since:2w", &["a2", "a3"]),
        ("(new or -new) or starred", every),
        ("-(author:ann or -author:ann)", &[]),
        (
            "a1 or (b3 or (tag:nothing or \"slow cooked\"))",
            &["a1", "b1", "b3"],
        ),
        ("(before:3d or -unread) -tag:tech", &["b1", "b2", "b3"]),
    ];
    for (text, want) in cases {
        assert_eq!(matching(&s, text), *want, "{text:?}");
    }
}

/// Issue #20: `title:` and `content:` search one column of the index; `link:` the entry's
/// link; alone, negated and inside a group.
#[test]
fn title_content_and_link_fields_look_in_their_own_place() {
    let (_d, mut s, _, _) = sample();
    // Titled "Title stew vN", so listed as `stew vN`.
    let linked = |key: &str, days: i64, link: &str| IncomingEntry {
        link: Some(link.into()),
        title: format!("Title stew {key}"),
        ..entry(key, days, None, "<p>plain words</p>")
    };
    feed(
        &mut s,
        "https://video.example/feed",
        "Videos",
        vec![
            linked("v1", 5, "https://www.youtube.com/watch?v=1"),
            linked("v2", 6, "https://vimeo.com/2"),
        ],
    );
    let cases: &[(&str, &[&str])] = &[
        // `stew` is in b1's body and in the videos' titles.
        ("stew", &["b1", "stew v1", "stew v2"]),
        ("title:stew", &["stew v1", "stew v2"]),
        ("content:stew", &["b1"]),
        ("-title:stew content:stew", &["b1"]),
        ("title:\"stew v1\"", &["stew v1"]),
        ("title:\"v1 stew\"", &[]),
        ("content:borrow*", &["a2", "b3"]),
        ("title:borrow", &[]),
        ("link:youtube.com", &["stew v1"]),
        ("link:YOUTUBE", &["stew v1"]),
        ("link:%", &[]),
        ("-link:vimeo feed:videos", &["stew v1"]),
        ("(link:vimeo or content:stew) -unread", &["b1"]),
        ("(link:vimeo or content:stew)", &["b1", "stew v2"]),
    ];
    for (text, want) in cases {
        assert_eq!(matching(&s, text), *want, "{text:?}");
    }
}

/// Issue #19: `new` is every entry first seen since the reader was last left, however old its
/// date (first seen is when the store met it, not when the feed says it was published).
#[test]
fn new_means_first_seen_since_the_last_visit() {
    let (_d, mut s, a, _) = sample();
    // No visit yet: everything is new.
    assert_eq!(matching(&s, "new").len(), 6);
    s.end_visit(NOW).unwrap();
    assert!(matching(&s, "new").is_empty());
    // A late entry dated 30 days ago arrives after the visit.
    let doc = IncomingFeed {
        title: Some("Über Tech".into()),
        site_url: None,
        ttl_minutes: None,
        entries: vec![entry("late", 30, None, "backdated")],
    };
    s.record_success(a, &doc, &FetchMeta::default(), NOW + 60)
        .unwrap();
    assert_eq!(matching(&s, "new"), vec!["late"]);
    assert_eq!(matching(&s, "-new").len(), 6);
    // Beside a reader that is open, `new` still counts from the visit before it.
    s.begin_visit(NOW + 120).unwrap();
    assert_eq!(matching(&s, "new unread"), vec!["late"]);
}

/// Issue #19: a filtered view's status line says how many entries match, from one query.
#[test]
fn count_matching_counts_what_the_filter_shows() {
    let (_d, s, _, _) = sample();
    for text in [
        "",
        "unread",
        "feed:tech",
        "borrow*",
        "feed:tech -starred",
        "nothingatall",
        "(feed:tech unread) or starred",
        "-(rustacean or borrow)",
    ] {
        let filter = query(text);
        let rows = all(&s, &filter);
        let unread = rows.iter().filter(|r| !r.read).count() as u64;
        assert_eq!(
            s.count_matching(&filter).unwrap(),
            (rows.len() as u64, unread),
            "{text:?}"
        );
    }
}

#[test]
fn the_filter_and_its_query_hold_together() {
    let (_d, s, a, b) = sample();
    let both = |feed, unread_only, text| EntryFilter {
        feed: Some(feed),
        unread_only,
        query: parse(text).unwrap(),
        ..EntryFilter::default()
    };
    assert_eq!(keys(&all(&s, &both(a, true, ""))), ["a2", "a3"]);
    assert_eq!(
        keys(&all(&s, &both(a, false, "feed:cooking"))),
        [] as [&str; 0]
    );
    assert_eq!(
        keys(&all(&s, &both(b, false, "-feed:tech"))),
        ["b1", "b2", "b3"]
    );
    assert_eq!(keys(&all(&s, &both(b, true, "borrow*"))), ["b3"]);
}

/// No text a user types reaches FTS5 as syntax.
#[test]
fn search_text_is_never_fts_syntax() {
    let (_d, s, _, _) = sample();
    for text in [
        "AND",
        "OR",
        "NOT",
        "NEAR(a b)",
        "a OR",
        "title:x",
        "\"a\" +",
        "^x",
        "{a b}",
        "a*b*",
        "x'); DROP TABLE entries; --",
        "-*",
        "\"\"",
        "( )",
        "body:borrow",
        "'",
        "\\",
        // Letters to Rust that the FTS5 tokenizer drops (combining marks): empty phrases.
        "\u{0903}",
        "\u{0902}*",
        "a \"\u{0903}\"",
        "-\u{0903}",
    ] {
        let filter = match parse(text) {
            Ok(q) => EntryFilter {
                query: q,
                ..EntryFilter::default()
            },
            Err(_) => continue,
        };
        s.entries_page_at(&filter, Page::First, 10, NOW)
            .unwrap_or_else(|e| panic!("{text:?}: {e}"));
    }
    assert_eq!(matching(&s, "(borrow)"), ["a2"]);
    assert_eq!(matching(&s, "\"borrow OR bread\""), [] as [&str; 0]);
}

#[test]
fn filtered_pages_walk_without_gaps() {
    let (_d, mut s) = temp_store();
    let entries = (0..25)
        .map(|i| {
            let word = if i % 3 == 0 { "apple" } else { "pear" };
            entry(&i.to_string(), i, None, word)
        })
        .collect();
    feed(&mut s, "https://a.example/", "A", entries);
    let filter = query("apple");
    let mut seen = Vec::new();
    let mut page = s.entries_page_at(&filter, Page::First, 2, NOW).unwrap();
    while let Some(last) = page.last() {
        let cursor = last.cursor();
        seen.extend(keys(&page));
        page = s
            .entries_page_at(&filter, Page::Older(cursor), 2, NOW)
            .unwrap();
    }
    let want: Vec<String> = (0..25)
        .filter(|i| i % 3 == 0)
        .map(|i| i.to_string())
        .collect();
    assert_eq!(seen, want);
    let last = s.entries_page_at(&filter, Page::Last, 2, NOW).unwrap();
    assert_eq!(keys(&last), ["21", "24"]);
    let newer = s
        .entries_page_at(&filter, Page::Newer(last[0].cursor()), 2, NOW)
        .unwrap();
    assert_eq!(keys(&newer), ["15", "18"]);
}

#[test]
fn content_updates_and_removals_keep_the_index_in_step() {
    let (_d, mut s) = temp_store();
    let a = feed(
        &mut s,
        "https://a.example/",
        "A",
        vec![entry("1", 1, None, "<p>original wording</p>")],
    );
    assert_eq!(matching(&s, "original"), ["1"]);
    feed(
        &mut s,
        "https://a.example/",
        "A",
        vec![entry("1", 1, None, "<p>revised wording</p>")],
    );
    assert_eq!(matching(&s, "original"), [] as [&str; 0]);
    assert_eq!(matching(&s, "revised"), ["1"]);
    let b = feed(
        &mut s,
        "https://b.example/",
        "B",
        vec![entry("2", 1, None, "revised too")],
    );
    s.remove_feed(a).unwrap();
    assert_eq!(matching(&s, "revised"), ["2"]);
    let indexed = |s: &Store| -> i64 {
        s.conn
            .query_row("SELECT count(*) FROM entries_fts", [], |r| r.get(0))
            .unwrap()
    };
    assert_eq!(indexed(&s), 1);
    s.remove_feed(b).unwrap();
    assert_eq!(indexed(&s), 0);
}

#[test]
fn mark_matching_marks_what_the_filter_shows_and_returns_the_changes() {
    let (_d, mut s, _, _) = sample();
    let id = keys_to_ids(&s);
    let changed = s
        .mark_matching(&query("borrow*"), Mark::Read, None)
        .unwrap();
    assert_eq!(changed, [id("a2"), id("b3")]);
    assert_eq!(
        s.mark_matching(&query("borrow*"), Mark::Read, None)
            .unwrap(),
        []
    );
    // Everything at or above a2 in the stream: a1 and b1 were read already.
    let a2 = all(&s, &EntryFilter::default())[2].cursor();
    let changed = s
        .mark_matching(&EntryFilter::default(), Mark::Unread, Some(a2))
        .unwrap();
    assert_eq!(changed, [id("a1"), id("b1"), id("a2")]);
    assert_eq!(matching(&s, "read"), ["b3"]);
    // Undo is a set_mark of what changed.
    assert_eq!(s.set_mark(&changed, Mark::Read).unwrap(), changed);
    assert_eq!(matching(&s, "read"), ["a1", "b1", "a2", "b3"]);
    let starred = s
        .mark_matching(&query("feed:cooking"), Mark::Star, None)
        .unwrap();
    assert_eq!(starred, [id("b1"), id("b2"), id("b3")]);
    assert_eq!(
        s.mark_matching(&query("feed:nothing"), Mark::Star, None)
            .unwrap(),
        []
    );
    let cursor = Cursor {
        group: 0,
        published: NOW,
        id: EntryId(i64::MAX),
    };
    assert_eq!(
        s.mark_matching(&EntryFilter::default(), Mark::Unstar, Some(cursor))
            .unwrap(),
        []
    );
}

#[test]
fn tags_are_cleaned_sorted_and_replaced() {
    let (_d, mut s, a, b) = sample();
    s.set_feed_tags(
        a,
        &[
            "zeta".into(),
            " Al\u{1b}pha ".into(),
            "alpha".into(),
            String::new(),
        ],
    )
    .unwrap();
    s.add_feed_tags(a, &["beta".into(), "ZETA".into()]).unwrap();
    let tags = |s: &Store, id| {
        s.feeds()
            .unwrap()
            .into_iter()
            .find(|f| f.id == id)
            .unwrap()
            .tags
    };
    assert_eq!(tags(&s, a), ["Alpha", "beta", "zeta"]);
    assert!(tags(&s, b).is_empty());
    assert_eq!(s.find_feed("Cooking").unwrap().tags, [] as [&str; 0]);
    s.set_feed_tags(a, &["one".into()]).unwrap();
    assert_eq!(tags(&s, a), ["one"]);
    assert_eq!(s.find_feed("Über Tech").unwrap().tags, ["one"]);
    let err = s.set_feed_tags(FeedId(99), &[]).unwrap_err().to_string();
    assert!(err.contains("no feed 99"), "{err}");
    assert!(s.add_feed_tags(FeedId(99), &[]).is_err());
}

#[test]
fn a_feed_renamed_shows_and_matches_its_new_title() {
    let (_d, mut s, a, _) = sample();
    s.rename_feed(a, Some("  My \u{1b}Rust\n news ")).unwrap();
    let f = s.find_feed("my rust news").unwrap();
    assert_eq!((f.id, f.title.as_str()), (a, "My Rust news"));
    // The feed's own title still finds it.
    assert_eq!(s.find_feed("Über TECH").unwrap().id, a);
    assert_eq!(
        all(&s, &query("feed:\"rust news\""))[0].feed_title,
        "My Rust news"
    );
    assert_eq!(s.feeds().unwrap()[1].title, "My Rust news");
    let own = s
        .fetch_states(crate::model::RefreshScope::Feed(a), NOW)
        .unwrap();
    assert_eq!(own[0].title, "My Rust news");
    s.rename_feed(a, None).unwrap();
    assert_eq!(s.find_feed(&a.0.to_string()).unwrap().title, "Über Tech");
    s.rename_feed(a, Some("   ")).unwrap();
    assert_eq!(s.find_feed(&a.0.to_string()).unwrap().title, "Über Tech");
    assert!(s.rename_feed(FeedId(99), Some("x")).is_err());
}

#[test]
fn removing_a_feed_takes_everything_it_brought() {
    let (_d, mut s, a, b) = sample();
    s.set_feed_tags(a, &["t".into()]).unwrap();
    s.remove_feed(a).unwrap();
    assert_eq!(s.feeds().unwrap().len(), 1);
    assert_eq!(matching(&s, ""), ["b1", "b2", "b3"]);
    let left = |table: &str| -> i64 {
        s.conn
            .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
            .unwrap()
    };
    assert_eq!(
        (
            left("entries"),
            left("entry_bodies"),
            left("entries_fts"),
            left("feed_tags")
        ),
        (3, 3, 3, 0)
    );
    let err = s.remove_feed(a).unwrap_err().to_string();
    assert!(err.contains(&format!("no feed {}", a.0)), "{err}");
    let _ = b;
}

/// A database from before search (schema 2) with entries in it is searchable once opened.
#[test]
fn migrating_a_version_2_database_indexes_its_entries() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    let mut conn = rusqlite::Connection::open(&path).unwrap();
    super::migrate::migrate_to(&mut conn, "old.db", 2).unwrap();
    conn.execute(
        "INSERT INTO feeds (id, url, title, added_at) VALUES (1, 'https://a.example/', 'A', 0)",
        [],
    )
    .unwrap();
    for (id, title, author, body) in [
        (
            1,
            "First post",
            Some("Ann"),
            Some("<p>an <em>unusual</em> word</p>"),
        ),
        (2, "Second", None, None),
        (3, "Third", None, Some("plain body text")),
    ] {
        conn.execute(
            "INSERT INTO entries (id, feed_id, key, title, author, published, first_seen, \
             content_hash) VALUES (?1, 1, ?1, ?2, ?3, ?1, 0, 0)",
            params![id, title, author],
        )
        .unwrap();
        if let Some(body) = body {
            conn.execute(
                "INSERT INTO entry_bodies (entry_id, html) VALUES (?1, ?2)",
                params![id, body],
            )
            .unwrap();
        }
    }
    drop(conn);
    let s = Store::open(&path).unwrap();
    let version: i64 = s
        .conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, super::SCHEMA_VERSION);
    let c = s.counts().unwrap();
    assert_eq!((c.entries, c.unread, c.starred, c.feeds), (3, 3, 0, 1));
    assert_eq!(matching(&s, "unusual"), ["First post"]);
    assert_eq!(matching(&s, "ann"), ["First post"]);
    assert_eq!(matching(&s, "second"), ["Second"]);
    assert_eq!(matching(&s, "body"), ["Third"]);
    assert_eq!(matching(&s, "em"), [] as [&str; 0]);
    assert_eq!(s.feeds().unwrap()[0].tags, [] as [&str; 0]);
    assert_eq!(s.last_visit().unwrap(), None);
}

/// The counts kept with each feed against counting the entries, after every kind of write.
pub(super) fn assert_counts_true(s: &Store) {
    let direct = |sql: &str| -> u64 {
        u64::try_from(s.conn.query_row(sql, [], |r| r.get::<_, i64>(0)).unwrap()).unwrap()
    };
    let c = s.counts().unwrap();
    // Hidden entries are in no count (schema 12), the total included.
    assert_eq!(
        c.entries,
        direct("SELECT count(*) FROM entries WHERE hidden = 0 AND (story <> id) IS NOT 1")
    );
    assert_eq!(
        c.unread,
        direct("SELECT count(*) FROM entries WHERE read = 0 AND hidden = 0")
    );
    assert_eq!(
        c.starred,
        direct("SELECT count(*) FROM entries WHERE starred = 1 AND hidden = 0")
    );
    for f in s.feeds().unwrap() {
        let id = f.id.0;
        assert_eq!(
            f.total,
            direct(&format!(
                "SELECT count(*) FROM entries WHERE feed_id = {id} AND hidden = 0"
            ))
        );
        assert_eq!(
            f.unread,
            direct(&format!(
                "SELECT count(*) FROM entries WHERE feed_id = {id} AND read = 0 AND hidden = 0"
            ))
        );
    }
}

#[test]
fn kept_counts_stay_true_through_inserts_marks_undo_updates_and_removals() {
    let (_dir, mut s, a, b) = sample();
    assert_counts_true(&s);
    let id = keys_to_ids(&s);
    s.set_mark(&[id("a1"), id("a3"), id("b3")], Mark::Read)
        .unwrap();
    s.set_mark(&[id("a1"), id("a3")], Mark::Read).unwrap(); // again: no change
    s.set_mark(&[id("b2"), id("a3")], Mark::Star).unwrap();
    assert_counts_true(&s);
    s.set_mark(&[id("a1")], Mark::Unread).unwrap();
    s.set_mark(&[id("a2")], Mark::Unstar).unwrap();
    s.mark_matching(&EntryFilter::default(), Mark::Read, None)
        .unwrap();
    assert_counts_true(&s);
    // A refresh that brings one new entry and changes another's body.
    feed(
        &mut s,
        "https://tech.example/feed",
        "Über Tech",
        vec![
            entry("a1", 1, None, "changed body"),
            entry("a4", 0, None, "new"),
        ],
    );
    assert_counts_true(&s);
    s.remove_feed(b).unwrap();
    assert_counts_true(&s);
    assert_eq!(s.counts().unwrap().feeds, 1);
    let _ = a;
}

/// The status line's counts and the feed list read the feeds' kept counts: no plan step may
/// touch `entries` (a count over a million entries is what they replace).
#[test]
fn counts_and_the_feed_list_never_read_entries() {
    let (_dir, s, _, _) = sample();
    let plan = |sql: &str| super::test_support::plan(&s, sql, []);
    let counts = plan(super::feeds::COUNTS_SQL);
    let feeds = plan(&format!(
        "SELECT {} FROM feeds f ORDER BY lower(COALESCE(f.user_title, f.title, f.url)), f.id",
        super::feeds::FEED_COLUMNS
    ));
    for p in [&counts, &feeds] {
        assert!(!p.contains("entries"), "{p}");
    }
    // The copies' counts (issue #23) come from the feeds that have some, by their index.
    assert!(counts.contains("feeds_copies"), "{counts}");
}

/// The ids of the entries `text` matches, newest first, its matches looked up as `plan` says.
fn ids_planned(s: &Store, plan: Plan, text: &str) -> Vec<i64> {
    let clause = super::filter::build_with(s, &query(text), NOW, plan).unwrap();
    if clause.nothing {
        return Vec::new();
    }
    let sql = format!(
        "SELECT e.id FROM entries e WHERE {} ORDER BY e.published DESC, e.id DESC",
        clause.sql()
    );
    let mut stmt = s.conn.prepare(&sql).unwrap();
    stmt.query_map(rusqlite::params_from_iter(clause.args), |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// A search gives the same entries whether its matches are fetched by id (few), read into a
/// set, or checked entry by entry (many).
#[test]
fn few_and_many_matches_give_the_same_entries() {
    let (_dir, s, _, _) = sample();
    let ids = |plan: Plan, text: &str| ids_planned(&s, plan, text);
    for text in [
        "rustacean",
        "borrow*",
        "\"borrow checker\"",
        "bread butter",
        "unread borrow*",
        "-stew borrow*",
        "-borrow*",
        "unread -stew -\"borrow checker\"",
        "-nothingmatches",
        "nothingmatches",
    ] {
        assert_eq!(ids(plans::EACH, text), ids(plans::BY_ID, text), "{text}");
        assert_eq!(ids(plans::SET, text), ids(plans::BY_ID, text), "{text}");
    }
    for plan in [plans::EACH, plans::SET] {
        assert!(!ids(plan, "borrow*").is_empty());
        assert!(!ids(plan, "-borrow*").is_empty());
        assert_ne!(ids(plan, "-borrow*"), ids(plan, ""));
    }
}

/// Every page of a search builds its clause again; the index is read once per search while
/// the entries stay as they are (marks change no text), and again once they change.
#[test]
fn a_search_reads_the_index_once_until_the_entries_change() {
    let (_dir, mut s, _, _) = sample();
    let reads = |s: &Store| s.searches.borrow().reads;
    let pages = |s: &Store, filter: &EntryFilter| {
        let first = s.entries_page_at(filter, Page::First, 1, NOW).unwrap();
        let cursor = Cursor {
            group: 0,
            published: first[0].published.timestamp(),
            id: first[0].id,
        };
        s.entries_page_at(filter, Page::Older(cursor), 1, NOW)
            .unwrap();
        s.entries_page_at(filter, Page::Newer(cursor), 1, NOW)
            .unwrap();
        s.entries_page_at(filter, Page::Last, 1, NOW).unwrap();
    };
    let filter = query("borrow*");
    pages(&s, &filter);
    assert_eq!(reads(&s), 1);
    // A negated word: its matches (here few, by id) are read once too.
    pages(&s, &query("-stew"));
    assert_eq!(reads(&s), 2);
    pages(&s, &filter);
    let ids = keys_to_ids(&s);
    s.set_mark(&[ids("b3")], Mark::Read).unwrap();
    pages(&s, &filter);
    assert_eq!(reads(&s), 2, "marks leave what a search found valid");
    // Marking every match reads them all (its own plan), once.
    s.mark_matching(&filter, Mark::Star, None).unwrap();
    s.mark_matching(&filter, Mark::Unstar, None).unwrap();
    pages(&s, &filter);
    assert_eq!(reads(&s), 3);
    feed(
        &mut s,
        "https://tech.example/feed",
        "Über Tech",
        vec![entry("a4", 0, None, "borrowing again")],
    );
    assert_eq!(matching(&s, "borrow*"), ["a4", "a2", "b3"]);
    assert_eq!(reads(&s), 4, "new entries: the index is read again");
}

/// A search remembered on one connection finds what another connection (a refresh, another
/// reader) wrote since, whether its matches were few (by id) or many (checked entry by entry,
/// or excluded through the bit set).
#[test]
fn a_remembered_search_sees_entries_another_connection_wrote() {
    let (dir, s, _, _) = sample();
    let mut other = Store::open(&dir.path().join("t.db")).unwrap();
    let shown = |plan: Plan, text: &str| ids_planned(&s, plan, text);
    let every = [plans::EACH, plans::SET, plans::BY_ID];
    let before: Vec<Vec<i64>> = every
        .into_iter()
        .flat_map(|plan| [shown(plan, "flour"), shown(plan, "-flour")])
        .collect();
    feed(
        &mut other,
        "https://food.example/rss",
        "Cooking",
        vec![entry("b4", 0, None, "more flour")],
    );
    let new = keys_to_ids(&s)("b4").0;
    for plan in every {
        let with = shown(plan, "flour");
        assert_eq!(with.first(), Some(&new), "{plan:?}");
        assert_eq!(with.len(), 2, "{plan:?}");
        assert!(!shown(plan, "-flour").contains(&new), "{plan:?}");
    }
    for pair in before.chunks(2).collect::<Vec<_>>().windows(2) {
        assert_eq!(pair[0], pair[1]);
    }
}

/// A migration that stops part way (here: creating its first trigger fails, after it has
/// altered a table and filled the new columns) leaves the database
/// exactly as it was, at its old version, and says which migration and why; once the cause is
/// gone, opening it again migrates it. Migrations are one transaction each, so a kill at any
/// point is the same as this failure.
#[test]
fn a_migration_that_stops_part_way_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    let mut conn = rusqlite::Connection::open(&path).unwrap();
    super::migrate::migrate_to(&mut conn, "old.db", 3).unwrap();
    conn.execute_batch(
        "INSERT INTO feeds (id, url, title, added_at) VALUES (1, 'https://a.example/', 'A', 0);
         INSERT INTO entries (id, feed_id, key, title, published, first_seen, content_hash)
             VALUES (1, 1, 'k', 'Kept', 1, 1, 0);
         -- In the way of migration 4's first trigger.
         CREATE TRIGGER entries_count_insert AFTER INSERT ON feeds BEGIN SELECT 1; END;",
    )
    .unwrap();
    drop(conn);
    let err = Store::open(&path).unwrap_err().to_string();
    assert!(
        err.contains("old.db: migration to schema version 4 failed")
            && err.contains("entries_count_insert already exists")
            && err.contains("unchanged, at schema version 3")
            && err.contains("its copy from before the upgrade is"),
        "{err}"
    );
    let conn = rusqlite::Connection::open(&path).unwrap();
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, 3);
    let columns: i64 = conn
        .query_row(
            "SELECT count(*) FROM pragma_table_info('feeds') WHERE name = 'entry_count'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        columns, 0,
        "the ALTER TABLE before the failure was rolled back"
    );
    conn.execute_batch("DROP TRIGGER entries_count_insert")
        .unwrap();
    drop(conn);
    let s = Store::open(&path).unwrap();
    let c = s.counts().unwrap();
    assert_eq!((c.entries, c.unread, c.feeds), (1, 1, 1));
}

/// Before an upgrade changes a database that holds anything, a copy of it as it was is kept
/// beside it (a new name each time, never replacing one), readable by the older version.
#[test]
fn an_upgrade_keeps_a_copy_of_the_database_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    let mut conn = rusqlite::Connection::open(&path).unwrap();
    super::migrate::migrate_to(&mut conn, "old.db", 3).unwrap();
    conn.execute_batch(
        "INSERT INTO feeds (id, url, title, added_at) VALUES (1, 'https://a.example/', 'A', 0);",
    )
    .unwrap();
    drop(conn);
    let backups = || -> Vec<std::path::PathBuf> {
        let mut found: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.to_string_lossy().ends_with(".bak"))
            .collect();
        found.sort();
        found
    };
    drop(Store::open(&path).unwrap());
    let kept = backups();
    assert_eq!(kept.len(), 1, "{kept:?}");
    let name = kept[0].file_name().unwrap().to_string_lossy().into_owned();
    assert!(name.starts_with("old.db.v3."), "{name}");
    let copy = rusqlite::Connection::open(&kept[0]).unwrap();
    let (version, feeds): (i64, i64) = copy
        .query_row(
            "SELECT (SELECT user_version FROM pragma_user_version), count(*) FROM feeds",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((version, feeds), (3, 1));
    assert_eq!(super::error::newest_backup(&path), Some(kept[0].clone()));
    // Up to date: opening again copies nothing.
    drop(Store::open(&path).unwrap());
    assert_eq!(backups().len(), 1);
}
