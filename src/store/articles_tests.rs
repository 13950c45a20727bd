//! Whole articles in the store (issue #23): kept beside the body, searchable with the entry
//! (still after the feed changes the body), a reason never replacing an article, which
//! entries the feeds that ask for articles want, and nothing left when the entry goes.

use super::test_support::temp_store;
use super::{FetchMeta, Store};
use crate::model::article::Found;
use crate::model::query::parse;
use crate::model::{EntryFilter, EntryId, FeedId, IncomingEntry, IncomingFeed, Mark, Page};

fn entry(key: &str, link: Option<&str>, body: &str, at: i64) -> IncomingEntry {
    IncomingEntry {
        key: key.into(),
        guid: Some(key.into()),
        title: format!("title {key}"),
        link: link.map(Into::into),
        author: None,
        published: chrono::DateTime::from_timestamp(at, 0),
        updated: None,
        content_html: body.into(),
        enclosures: Vec::new(),
    }
}

fn write(s: &mut Store, f: FeedId, entries: Vec<IncomingEntry>) {
    let doc = IncomingFeed {
        title: None,
        site_url: None,
        ttl_minutes: None,
        entries,
    };
    s.record_success(f, &doc, &FetchMeta::default(), 100)
        .unwrap();
}

fn ids(s: &Store, filter: &EntryFilter) -> Vec<EntryId> {
    s.entries_page(filter, Page::First, 100)
        .unwrap()
        .into_iter()
        .map(|r| r.id)
        .collect()
}

fn search(s: &Store, words: &str) -> Vec<EntryId> {
    ids(
        s,
        &EntryFilter {
            query: parse(words).unwrap(),
            ..Default::default()
        },
    )
}

fn article(words: &str) -> Found {
    Found::Html(format!("<p>{}</p>", format!("{words} ").repeat(200)))
}

#[test]
fn an_article_is_kept_with_its_entry_and_searchable_after_the_body_changes() {
    let (_dir, mut s) = temp_store();
    let (f, _) = s.add_feed("https://a.example/feed", 0).unwrap();
    write(
        &mut s,
        f,
        vec![entry("1", Some("https://a.example/1"), "<p>teaser</p>", 10)],
    );
    let id = ids(&s, &EntryFilter::default())[0];
    assert!(search(&s, "quokka").is_empty());
    s.save_article(id, "https://a.example/1", 50, &article("quokka"))
        .unwrap();
    let e = s.entry(id).unwrap().unwrap();
    let kept = e.article.as_ref().unwrap();
    assert_eq!(kept.url, "https://a.example/1");
    assert!(kept.html().unwrap().contains("quokka"));
    assert!(e.shown_html().0.contains("quokka"));
    assert_eq!(search(&s, "quokka"), vec![id]);
    assert_eq!(
        search(&s, "teaser"),
        vec![id],
        "the feed's words still find it"
    );
    // The feed changes the body: re-indexed with the new body and the article.
    write(
        &mut s,
        f,
        vec![entry(
            "1",
            Some("https://a.example/1"),
            "<p>revised</p>",
            10,
        )],
    );
    assert_eq!(search(&s, "revised"), vec![id]);
    assert_eq!(search(&s, "quokka"), vec![id]);
}

#[test]
fn a_reason_never_replaces_an_article_but_an_article_replaces_a_reason() {
    let (_dir, mut s) = temp_store();
    let (f, _) = s.add_feed("https://a.example/feed", 0).unwrap();
    write(
        &mut s,
        f,
        vec![entry("1", Some("https://a.example/1"), "<p>t</p>", 10)],
    );
    let id = ids(&s, &EntryFilter::default())[0];
    let why = |s: &Store| s.entry(id).unwrap().unwrap().article.map(|a| a.found);
    s.save_article(
        id,
        "u",
        1,
        &Found::Nothing("the page answered HTTP 404".into()),
    )
    .unwrap();
    assert_eq!(
        why(&s),
        Some(Found::Nothing("the page answered HTTP 404".into()))
    );
    s.save_article(id, "u", 2, &Found::Nothing("a later reason".into()))
        .unwrap();
    assert_eq!(why(&s), Some(Found::Nothing("a later reason".into())));
    s.save_article(id, "u", 3, &article("wombat")).unwrap();
    s.save_article(id, "u", 4, &Found::Nothing("failed asked again".into()))
        .unwrap();
    assert!(matches!(why(&s), Some(Found::Html(h)) if h.contains("wombat")));
}

#[test]
fn the_feeds_that_ask_want_their_unread_linked_unfetched_entries_newest_first() {
    let (_dir, mut s) = temp_store();
    let (asks, _) = s.add_feed("https://a.example/feed", 0).unwrap();
    let (quiet, _) = s.add_feed("https://b.example/feed", 0).unwrap();
    write(
        &mut s,
        asks,
        vec![
            entry("old", Some("https://a.example/old"), "<p>a</p>", 10),
            entry("new", Some("https://a.example/new"), "<p>b</p>", 30),
            entry("read", Some("https://a.example/read"), "<p>c</p>", 20),
            entry("nolink", None, "<p>d</p>", 25),
            entry("done", Some("https://a.example/done"), "<p>e</p>", 15),
        ],
    );
    write(
        &mut s,
        quiet,
        vec![entry("b", Some("https://b.example/1"), "<p>f</p>", 40)],
    );
    assert!(
        s.wanted_articles(10).unwrap().is_empty(),
        "no feed asks yet"
    );
    s.set_full_article(asks, true).unwrap();
    assert!(s.find_feed("https://a.example/feed").unwrap().full_article);
    let by_title = |t: &str| {
        s.entries_page(&EntryFilter::default(), Page::First, 100)
            .unwrap()
            .into_iter()
            .find(|r| r.title == format!("title {t}"))
            .unwrap()
            .id
    };
    let (old, new, read, done) = (
        by_title("old"),
        by_title("new"),
        by_title("read"),
        by_title("done"),
    );
    s.set_mark(&[read], Mark::Read).unwrap();
    s.save_article(done, "u", 1, &Found::Nothing("gone".into()))
        .unwrap();
    assert_eq!(s.wanted_articles(10).unwrap(), vec![new, old]);
    assert_eq!(s.wanted_articles(1).unwrap(), vec![new]);
    s.set_full_article(asks, false).unwrap();
    assert!(s.wanted_articles(10).unwrap().is_empty());
}

#[test]
fn an_article_goes_with_its_entry_and_is_not_kept_for_one_gone() {
    let (_dir, mut s) = temp_store();
    let (f, _) = s.add_feed("https://a.example/feed", 0).unwrap();
    write(
        &mut s,
        f,
        vec![entry("1", Some("https://a.example/1"), "<p>t</p>", 10)],
    );
    let id = ids(&s, &EntryFilter::default())[0];
    s.save_article(id, "u", 1, &article("kiwi")).unwrap();
    s.remove_feed(f).unwrap();
    let left: i64 = s
        .conn
        .query_row("SELECT count(*) FROM articles", [], |r| r.get(0))
        .unwrap();
    assert_eq!(left, 0);
    s.save_article(id, "u", 2, &article("kiwi")).unwrap();
    s.save_article(id, "u", 2, &Found::Nothing("x".into()))
        .unwrap();
    let left: i64 = s
        .conn
        .query_row("SELECT count(*) FROM articles", [], |r| r.get(0))
        .unwrap();
    assert_eq!(left, 0, "nothing kept for an entry that is gone");
    assert!(search(&s, "kiwi").is_empty());
}

/// Regression: finding the entries that want their whole article walked every entry of the
/// database, newest first, even when no feed asked (a warm refresh of 2000 feeds took 2.4
/// times as long). The plan must read entries only by their feed's index.
#[test]
fn finding_wanted_articles_reads_entries_only_by_their_feed() {
    let (_dir, s) = temp_store();
    let plan = super::test_support::plan(&s, super::articles::WANTED_ARTICLES_SQL, [10]);
    assert!(plan.contains("SCAN f"), "{plan}");
    // By the feed's unread entries (or all its entries): either is read by the feed.
    assert!(
        plan.contains("SEARCH e USING INDEX entries_feed_"),
        "{plan}"
    );
    assert!(!plan.contains("SCAN e"), "{plan}");
}
