//! Two subscriptions to one feed (issue #23): found by address or by their stories, never a
//! planet and a member blog; merged with nothing lost.

use super::Store;
use super::stories_tests::{entry, feed, planet, stream, write};
use super::test_support::temp_store;
use crate::model::story::TwinFeeds;
use crate::model::{EntryFilter, FeedId, IncomingEntry, Mark, Page};

/// Posts of one site: `n` entries with links on `site`, bodies long enough to say something.
fn posts(site: &str, guid_prefix: &str, range: std::ops::Range<i64>) -> Vec<IncomingEntry> {
    range
        .map(|i| {
            entry(
                &format!("{guid_prefix}{i}"),
                Some(&format!("https://{site}/posts/{i}/")),
                &format!("Post {i}"),
                &format!(
                    "<p>Post number {i} of the site, told at length so it says something.</p>"
                ),
                1000 + i,
            )
        })
        .collect()
}

fn ids_of(s: &Store, f: FeedId) -> Vec<crate::model::EntryId> {
    s.entries_page(
        &EntryFilter {
            feed: Some(f),
            ..Default::default()
        },
        Page::First,
        100,
    )
    .unwrap()
    .into_iter()
    .map(|r| r.id)
    .collect()
}

#[test]
fn one_address_under_two_spellings_is_one_feed_and_the_https_one_stays() {
    let (_d, mut s) = temp_store();
    let http = feed(&mut s, "http://www.news.example/feed.xml", "News");
    let https = feed(&mut s, "https://news.example/feed.xml/", "News again");
    let other = feed(&mut s, "https://news.example/other.xml", "Other");
    let _ = other;
    assert_eq!(
        s.twin_feeds().unwrap(),
        [TwinFeeds {
            keep: https,
            drop: http,
            shared: 0
        }]
    );
}

#[test]
fn atom_and_json_of_one_site_are_one_feed_but_a_planet_and_its_member_are_not() {
    let (_d, mut s) = temp_store();
    let atom = feed(&mut s, "https://site.example/atom.xml", "Site (Atom)");
    let json = feed(&mut s, "https://site.example/feed.json", "Site (JSON)");
    write(&mut s, atom, posts("site.example", "tag:atom,", 0..10), 1);
    // The JSON feed keeps fewer entries, under guids of its own.
    write(&mut s, json, posts("site.example", "json-", 3..10), 2);
    let (blog, planet) = planet(&mut s);
    let twins = s.twin_feeds().unwrap();
    assert_eq!(
        twins,
        [TwinFeeds {
            keep: atom,
            drop: json,
            shared: 7
        }]
    );
    assert!(
        !twins
            .iter()
            .any(|t| [t.keep, t.drop].contains(&blog) || [t.keep, t.drop].contains(&planet))
    );
}

#[test]
fn merging_moves_what_only_one_had_and_keeps_every_mark_label_and_tag() {
    let (_d, mut s) = temp_store();
    let keep = feed(&mut s, "https://site.example/atom.xml", "Site");
    let drop = feed(&mut s, "https://site.example/feed.json", "Site JSON");
    write(&mut s, keep, posts("site.example", "atom-", 0..5), 1);
    // The JSON feed has two older posts the Atom one no longer carries.
    let mut json = posts("site.example", "json-", 0..5);
    json.extend(posts("old.site.example", "json-old-", 0..2));
    write(&mut s, drop, json, 2);
    s.set_feed_tags(drop, &["news".to_owned()]).unwrap();
    let only_drop = ids_of(&s, drop);
    assert_eq!(only_drop.len(), 7);
    // Marks on what the stream shows (the leads), a label on one of the JSON feed's own.
    let shown: Vec<_> = s
        .entries_page(&EntryFilter::default(), Page::First, 100)
        .unwrap();
    assert_eq!(shown.len(), 7, "five stories and the two old posts");
    let starred = shown[0].id;
    s.set_mark(&[starred], Mark::Star).unwrap();
    let (label, _) = s.label_id("keep-me").unwrap().unwrap();
    let old_post = shown
        .iter()
        .find(|r| r.title == "Post 1" && r.feed_id == drop)
        .map(|r| r.id)
        .unwrap();
    s.set_mark(&[old_post], Mark::Label(label)).unwrap();
    let before = stream(&s);

    let merged = s.merge_feeds(keep, drop).unwrap();
    assert_eq!((merged.moved, merged.dropped), (2, 5));
    let feeds = s.feeds().unwrap();
    assert_eq!(feeds.len(), 1);
    assert_eq!(feeds[0].id, keep);
    assert_eq!(feeds[0].total, 7);
    assert_eq!(feeds[0].tags, ["news"]);
    // The stream tells the same stories, now all from the kept feed, marks and labels kept.
    let after = stream(&s);
    assert_eq!(after.len(), before.len());
    assert!(after.iter().all(|(feed, _)| feed == "Site"));
    let rows = s
        .entries_page(&EntryFilter::default(), Page::First, 100)
        .unwrap();
    assert_eq!(rows.iter().filter(|r| r.starred).count(), 1);
    assert!(rows.iter().any(|r| r.labels == ["keep-me"]));
    let counts = s.counts().unwrap();
    assert_eq!((counts.entries, counts.starred), (7, 1));
    // Subscribing to the merged address again finds the kept feed.
    let (again, new) = s.add_feed("https://site.example/feed.json", 0).unwrap();
    assert_eq!((again, new), (keep, false));
    assert!(s.twin_feeds().unwrap().is_empty());
}
