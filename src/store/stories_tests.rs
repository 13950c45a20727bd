//! One story, once (issue #23): duplicates across feeds folded at ingest, shown once, marked
//! together, counted once.

use rusqlite::params;

use super::test_support::temp_store;
use super::{FetchMeta, Store};
use crate::model::{EntryFilter, EntryId, FeedId, IncomingEntry, IncomingFeed, Mark, Page};

pub(super) fn entry(
    guid: &str,
    link: Option<&str>,
    title: &str,
    body: &str,
    at: i64,
) -> IncomingEntry {
    IncomingEntry {
        key: guid.into(),
        guid: Some(guid.into()),
        title: title.into(),
        link: link.map(Into::into),
        author: None,
        published: chrono::DateTime::from_timestamp(at, 0),
        updated: None,
        content_html: body.into(),
        enclosures: Vec::new(),
    }
}

pub(super) fn doc(entries: Vec<IncomingEntry>) -> IncomingFeed {
    IncomingFeed {
        title: None,
        site_url: None,
        ttl_minutes: None,
        entries,
    }
}

pub(super) fn feed(s: &mut Store, url: &str, title: &str) -> FeedId {
    let (id, _) = s.add_feed(url, 0).unwrap();
    s.rename_feed(id, Some(title)).unwrap();
    id
}

pub(super) fn write(s: &mut Store, f: FeedId, entries: Vec<IncomingEntry>, now: i64) -> usize {
    s.record_success(f, &doc(entries), &FetchMeta::default(), now)
        .unwrap()
}

pub(super) fn page(s: &Store, filter: &EntryFilter) -> Vec<(String, String)> {
    s.entries_page(filter, Page::First, 100)
        .unwrap()
        .into_iter()
        .map(|r| (r.feed_title, r.title))
        .collect()
}

pub(super) fn stream(s: &Store) -> Vec<(String, String)> {
    page(s, &EntryFilter::default())
}

fn id_of(s: &Store, f: FeedId) -> EntryId {
    s.entries_page(
        &EntryFilter {
            feed: Some(f),
            ..Default::default()
        },
        Page::First,
        1,
    )
    .unwrap()[0]
        .id
}

fn row(s: &Store, id: EntryId) -> (bool, bool) {
    s.marks_of(&[id])
        .unwrap()
        .first()
        .map(|m| (m.1, m.2))
        .unwrap()
}

const POST: &str = "<p>Syndicated from Code happens. Today I rewrote the ingest path so that \
     duplicate stories fold together, and measured it twice.</p>";

/// The planet case: an author's feed and a planet carrying the same post, under other guids,
/// a slightly different title and a tracking parameter on the link.
pub(super) fn planet(s: &mut Store) -> (FeedId, FeedId) {
    let blog = feed(s, "https://code.example/feed", "Code happens");
    let planet = feed(s, "https://planet.example/rss", "Planet Code");
    write(
        s,
        blog,
        vec![entry(
            "tag:code.example,2013:42",
            Some("https://code.example/2013/08/folding/"),
            "Folding",
            POST,
            100,
        )],
        1_000,
    );
    write(
        s,
        planet,
        vec![
            entry(
                "planet-9001",
                Some("http://www.code.example/2013/08/folding?utm_source=planet"),
                "Ann: Folding",
                "<p>Another rendering of the post.</p>",
                101,
            ),
            entry(
                "planet-9002",
                Some("https://other.example/unrelated"),
                "Something else",
                "<p>x</p>",
                90,
            ),
        ],
        2_000,
    );
    (blog, planet)
}

#[test]
fn a_post_on_its_blog_and_on_a_planet_is_one_story() {
    let (_d, mut s) = temp_store();
    let (blog, planet) = planet(&mut s);
    assert_eq!(
        stream(&s),
        [
            ("Code happens".to_owned(), "Folding".to_owned()),
            ("Planet Code".to_owned(), "Something else".to_owned()),
        ]
    );
    // Counts count stories; each feed's own counts stay its own.
    let counts = s.counts().unwrap();
    assert_eq!((counts.entries, counts.unread), (2, 2));
    let per_feed: Vec<(FeedId, u64)> = s
        .feeds()
        .unwrap()
        .iter()
        .map(|f| (f.id, f.unread))
        .collect();
    assert!(per_feed.contains(&(blog, 1)) && per_feed.contains(&(planet, 2)));
    // The planet's own view shows its copy.
    let planet_view = EntryFilter {
        feed: Some(planet),
        ..Default::default()
    };
    assert_eq!(page(&s, &planet_view).len(), 2);
    // The reader's "also in".
    let lead = id_of(&s, blog);
    let copies = s.copies_of(lead).unwrap();
    assert_eq!(copies.len(), 1);
    assert_eq!(copies[0].feed_title, "Planet Code");
    assert_eq!(s.copies_of(copies[0].id).unwrap()[0].id, lead);
    // Every copy, when asked.
    let all = EntryFilter {
        with_copies: true,
        ..Default::default()
    };
    assert_eq!(page(&s, &all).len(), 3);
    // Search sees the story once (both copies match "folding").
    let search = EntryFilter {
        query: crate::model::query::parse("folding").unwrap(),
        ..Default::default()
    };
    assert_eq!(page(&s, &search).len(), 1);
}

/// The planet stored first: the author's own copy, when it comes, takes the lead (the stream
/// shows the blog's post, not the planet's re-post), with the marks the story had.
#[test]
fn the_publishers_own_copy_takes_the_lead_from_a_re_post() {
    let (_d, mut s) = temp_store();
    let planet = feed(&mut s, "https://planet.example/rss", "Planet Code");
    let repost = |s: &mut Store| {
        write(
            s,
            planet,
            vec![entry(
                "planet-1",
                Some("https://code.example/folding?utm_source=planet"),
                "Ann: Folding",
                "<p>Syndicated.</p>",
                100,
            )],
            1_000,
        )
    };
    repost(&mut s);
    s.set_mark(&[id_of(&s, planet)], Mark::Star).unwrap();
    let blog = feed(&mut s, "https://code.example/feed", "Code happens");
    let post = entry(
        "post-1",
        Some("https://code.example/folding"),
        "Folding",
        POST,
        99,
    );
    write(&mut s, blog, vec![post.clone()], 2_000);
    assert_eq!(
        stream(&s),
        [("Code happens".to_owned(), "Folding".to_owned())]
    );
    let lead = id_of(&s, blog);
    assert_eq!(row(&s, lead), (false, true), "the story's star");
    let copies = s.copies_of(lead).unwrap();
    assert_eq!(copies.len(), 1);
    assert_eq!(copies[0].feed, planet);
    let counts = s.counts().unwrap();
    assert_eq!((counts.entries, counts.unread, counts.starred), (1, 1, 1));
    for f in s.feeds().unwrap() {
        assert_eq!(f.unread, 1, "{}", f.title);
    }
    // Later copies find the story under its new lead; refreshing changes nothing.
    repost(&mut s);
    write(&mut s, blog, vec![post], 3_000);
    let third = feed(&mut s, "https://links.example/feed", "Links");
    write(
        &mut s,
        third,
        vec![entry(
            "l1",
            Some("http://code.example/folding/"),
            "Folding (link)",
            "<p>l</p>",
            98,
        )],
        4_000,
    );
    assert_eq!(stream(&s).len(), 1);
    assert_eq!(s.copies_of(lead).unwrap().len(), 2);
    assert_eq!(s.counts().unwrap().unread, 1);
    s.set_mark(&[lead], Mark::Read).unwrap();
    for f in s.feeds().unwrap() {
        assert_eq!(f.unread, 0, "{}", f.title);
    }
}

#[test]
fn marks_on_a_story_reach_every_copy_and_undo_takes_them_all_back() {
    let (_d, mut s) = temp_store();
    let (blog, planet) = planet(&mut s);
    let lead = id_of(&s, blog);
    let copy = s.copies_of(lead).unwrap()[0].id;
    let changed = s.set_mark(&[lead], Mark::Read).unwrap();
    assert_eq!(changed, [lead]);
    assert_eq!(
        row(&s, copy),
        (true, false),
        "reading it on the blog reads the planet's copy"
    );
    assert_eq!(s.counts().unwrap().unread, 1);
    let planet_unread = s
        .feeds()
        .unwrap()
        .iter()
        .find(|f| f.id == planet)
        .unwrap()
        .unread;
    assert_eq!(planet_unread, 1, "the planet's count lost its copy");
    // Undo (the reader puts back what the mark changed).
    s.set_mark(&changed, Mark::Unread).unwrap();
    assert_eq!(
        (row(&s, lead), row(&s, copy)),
        ((false, false), (false, false))
    );
    assert_eq!(s.counts().unwrap().unread, 2);
    // A star on the copy, from the planet's own view, stars the story.
    s.set_mark(&[copy], Mark::Star).unwrap();
    assert_eq!(row(&s, lead), (false, true));
    assert_eq!(s.counts().unwrap().starred, 1);
    // Marking a whole view read reaches the copies the view does not show.
    s.mark_matching(&EntryFilter::default(), Mark::Read, None)
        .unwrap();
    assert!(row(&s, copy).0);
    assert_eq!(s.counts().unwrap().unread, 0);
    for f in s.feeds().unwrap() {
        assert_eq!(f.unread, 0, "{}", f.title);
    }
}

#[test]
fn a_copy_arriving_after_the_story_was_read_arrives_read() {
    let (_d, mut s) = temp_store();
    let blog = feed(&mut s, "https://code.example/feed", "Code happens");
    let link = Some("https://code.example/a-post");
    write(
        &mut s,
        blog,
        vec![entry("1", link, "A post", POST, 100)],
        1_000,
    );
    s.set_mark(&[id_of(&s, blog)], Mark::Read).unwrap();
    let mirror = feed(&mut s, "https://mirror.example/feed", "Mirror");
    assert_eq!(
        write(
            &mut s,
            mirror,
            vec![entry("m1", link, "A post", POST, 100)],
            2_000
        ),
        1
    );
    assert_eq!(row(&s, id_of(&s, mirror)), (true, false));
    assert_eq!(s.counts().unwrap().unread, 0);
    assert_eq!(stream(&s).len(), 1);
}

/// Atom and JSON Feed of one site (other guids, the same links), and a feed added again at the
/// address it moved to (the same guids and links): one story each.
#[test]
fn one_site_subscribed_twice_shows_each_post_once() {
    let (_d, mut s) = temp_store();
    let atom = feed(&mut s, "https://df.example/index.xml", "Daring (Atom)");
    let json = feed(&mut s, "https://df.example/feeds/json", "Daring (JSON)");
    let posts = |prefix: &str| {
        (0..5)
            .map(|i| {
                entry(
                    &format!("{prefix}{i}"),
                    Some(&format!("https://df.example/{i}")),
                    &format!("Post {i}"),
                    "<p>b</p>",
                    i,
                )
            })
            .collect::<Vec<_>>()
    };
    write(&mut s, atom, posts("tag:df.example,2024:/"), 1_000);
    write(&mut s, json, posts("https://df.example/?p="), 1_000);
    assert_eq!(stream(&s).len(), 5);
    assert_eq!(s.counts().unwrap().unread, 5);

    let old = feed(&mut s, "http://radio.example/iot", "In Our Time");
    let moved = feed(
        &mut s,
        "https://radio.example/podcasts/iot",
        "In Our Time (new)",
    );
    let episodes = (0..3)
        .map(|i| {
            let url = format!("https://radio.example/p0{i}");
            entry(
                &url,
                Some(&url),
                &format!("Episode {i}"),
                "<p>e</p>",
                100 + i,
            )
        })
        .collect::<Vec<_>>();
    write(&mut s, old, episodes.clone(), 2_000);
    write(&mut s, moved, episodes, 2_000);
    assert_eq!(stream(&s).len(), 8);
}

#[test]
fn different_stories_with_the_same_title_are_never_folded() {
    let (_d, mut s) = temp_store();
    let a = feed(&mut s, "https://a.example/feed", "A");
    let b = feed(&mut s, "https://b.example/feed", "B");
    write(
        &mut s,
        a,
        vec![entry(
            "1",
            Some("https://a.example/weekly-update"),
            "Weekly update",
            POST,
            1,
        )],
        1_000,
    );
    write(
        &mut s,
        b,
        vec![entry(
            "1",
            Some("https://b.example/weekly-update"),
            "Weekly update",
            "<p>Nothing at all like the other one: a different week, another team, other news.</p>",
            2,
        )],
        1_000,
    );
    assert_eq!(stream(&s).len(), 2);
}

/// Feeds that link every entry to one page (their front page, or one page for all) say
/// nothing by the link.
#[test]
fn a_link_every_entry_shares_folds_nothing() {
    let (_d, mut s) = temp_store();
    let a = feed(&mut s, "https://a.example/feed", "A");
    let b = feed(&mut s, "https://b.example/feed", "B");
    let same_page = |g: &str| {
        (0..3)
            .map(|i| {
                entry(
                    &format!("{g}{i}"),
                    Some("https://shared.example/news/"),
                    &format!("{g} {i}"),
                    "<p>x</p>",
                    i,
                )
            })
            .collect::<Vec<_>>()
    };
    write(&mut s, a, same_page("a"), 1_000);
    write(&mut s, b, same_page("b"), 1_000);
    let front = |g: &str| entry(g, Some("https://shared.example/"), g, "<p>y</p>", 9);
    write(&mut s, a, vec![front("front a")], 2_000);
    write(&mut s, b, vec![front("front b")], 2_000);
    assert_eq!(stream(&s).len(), 8);
}

#[test]
fn the_same_title_and_text_without_links_are_one_story() {
    let (_d, mut s) = temp_store();
    let a = feed(&mut s, "https://a.example/feed", "A");
    let b = feed(&mut s, "https://b.example/feed", "B");
    write(
        &mut s,
        a,
        vec![entry("x1", None, "Release 1.0", POST, 1)],
        1_000,
    );
    let spaced = POST.replace(". ", ".\n\n  ");
    write(
        &mut s,
        b,
        vec![entry("y1", None, "RELEASE 1.0", &spaced, 2)],
        1_000,
    );
    assert_eq!(stream(&s).len(), 1);
}

/// Retention or an unsubscribe removes the copy that led: the next copy leads, and a copy
/// arriving later still finds the story.
#[test]
fn when_the_lead_goes_the_next_copy_leads() {
    let (_d, mut s) = temp_store();
    let (blog, planet) = planet(&mut s);
    s.remove_feed(blog).unwrap();
    assert_eq!(
        stream(&s),
        [
            ("Planet Code".to_owned(), "Ann: Folding".to_owned()),
            ("Planet Code".to_owned(), "Something else".to_owned()),
        ]
    );
    assert_eq!(s.counts().unwrap().unread, 2);
    let third = feed(&mut s, "https://third.example/feed", "Third");
    write(
        &mut s,
        third,
        vec![entry(
            "t",
            Some("https://code.example/2013/08/folding"),
            "F",
            "<p>z</p>",
            5,
        )],
        3_000,
    );
    assert_eq!(stream(&s).len(), 2);
    let lead = id_of(&s, planet);
    let _ = lead;
    // A story of one removed leaves no keys behind.
    s.remove_feed(planet).unwrap();
    s.remove_feed(third).unwrap();
    let keys: i64 = s
        .conn
        .query_row("SELECT count(*) FROM story_keys", [], |r| r.get(0))
        .unwrap();
    assert_eq!(keys, 0);
    assert_eq!(s.counts().unwrap(), crate::model::Counts::default());
}

/// A database from before stories (schema 9) folds what it holds when opened.
#[test]
fn migrating_a_version_9_database_folds_its_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    let mut conn = rusqlite::Connection::open(&path).unwrap();
    super::migrate::migrate_to(&mut conn, "old.db", 9).unwrap();
    for (id, url) in [(1, "https://a.example/"), (2, "https://b.example/")] {
        conn.execute(
            "INSERT INTO feeds (id, url, title, added_at) VALUES (?1, ?2, ?2, 0)",
            params![id, url],
        )
        .unwrap();
    }
    for (id, feed, link) in [
        (1, 1, "https://site.example/one"),
        (2, 2, "https://site.example/one/?utm_medium=rss"),
        (3, 2, "https://site.example/two"),
        (4, 1, "https://site.example/"),
        (5, 2, "https://site.example/"),
    ] {
        conn.execute(
            "INSERT INTO entries (id, feed_id, key, title, link, published, first_seen, \
             content_hash) VALUES (?1, ?2, ?1, 't', ?3, ?1, 0, 0)",
            params![id, feed, link],
        )
        .unwrap();
    }
    conn.execute_batch(
        "UPDATE feeds SET entry_count = (SELECT count(*) FROM entries WHERE feed_id = feeds.id), \
         unread_count = (SELECT count(*) FROM entries WHERE feed_id = feeds.id)",
    )
    .unwrap();
    drop(conn);
    let s = Store::open(&path).unwrap();
    assert_eq!(
        stream(&s).len(),
        4,
        "entry 2 folded into 1; front pages stay apart"
    );
    assert_eq!(s.copies_of(EntryId(1)).unwrap()[0].id, EntryId(2));
    assert_eq!(s.counts().unwrap().unread, 4);
}
