//! One story, once (issue #23), end to end with the real binary over loopback: an author's
//! feed and a planet carrying the same posts (other guids, other titles, tracking parameters),
//! Atom and JSON Feed of one site, a feed that moved and was added again; each story shown
//! once with the others named, every copy on request, marks reaching every copy, exports
//! emitting a story once, and two different stories with the same title kept apart.
// Harness code outside #[test] functions unwraps too: a failed setup should fail the test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::TestServer;
use common::home::Home;
use serde_json::Value;

/// The author's own feed (Atom), as a blog engine writes it.
const BLOG: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Code happens</title>
  <link href="https://code.example/"/>
  <id>tag:code.example,2013:feed</id>
  <updated>2013-08-28T10:00:00Z</updated>
  <entry>
    <title>Folding stories</title>
    <link href="https://code.example/2013/08/folding-stories/"/>
    <id>tag:code.example,2013:post-42</id>
    <updated>2013-08-27T10:00:00Z</updated>
    <content type="html">&lt;p&gt;Today the ingest path learned to fold stories.&lt;/p&gt;</content>
  </entry>
  <entry>
    <title>Weekly notes</title>
    <link href="https://code.example/2013/08/weekly-notes/"/>
    <id>tag:code.example,2013:post-41</id>
    <updated>2013-08-20T10:00:00Z</updated>
    <content type="html">&lt;p&gt;Notes of the week on the code side.&lt;/p&gt;</content>
  </entry>
</feed>"#;

/// A planet syndicating it (RSS): its own guids, "Author: Title", links with trackers, and a
/// post of another member.
const PLANET: &str = r#"<?xml version="1.0"?>
<rss version="2.0"><channel><title>Planet Code</title><link>https://planet.example/</link>
<item><title>Ann: Folding stories</title>
  <guid isPermaLink="false">planet.example-9001</guid>
  <link>http://www.code.example/2013/08/folding-stories?utm_source=planet&amp;utm_medium=rss</link>
  <pubDate>Tue, 27 Aug 2013 10:05:00 GMT</pubDate>
  <description>&lt;p&gt;Syndicated 2013-08-27 from Code happens&lt;/p&gt;&lt;p&gt;Today the ingest path learned to fold stories.&lt;/p&gt;</description></item>
<item><title>Bob: Weekly notes</title>
  <guid isPermaLink="false">planet.example-9002</guid>
  <link>https://bob.example/weekly-notes</link>
  <pubDate>Mon, 26 Aug 2013 10:00:00 GMT</pubDate>
  <description>&lt;p&gt;A different week, a different author.&lt;/p&gt;</description></item>
</channel></rss>"#;

fn subscribe(home: &Home, server: &TestServer, name: &str, body: &str) -> String {
    let url = Home::served(server, name, body);
    home.run_ok(&["add", &url]);
    url
}

fn titles(entries: &[Value]) -> Vec<String> {
    entries
        .iter()
        .map(|e| {
            format!(
                "{} | {}",
                e["feed"].as_str().unwrap(),
                e["title"].as_str().unwrap()
            )
        })
        .collect()
}

#[test]
fn a_planet_and_its_members_show_each_post_once() {
    let server = TestServer::start();
    let home = Home::new();
    subscribe(&home, &server, "blog.atom", BLOG);
    subscribe(&home, &server, "planet.rss", PLANET);
    home.run_ok(&["refresh"]);
    let stream = home.entries(&[]);
    assert_eq!(
        titles(&stream),
        [
            "Code happens | Folding stories",
            "Planet Code | Bob: Weekly notes",
            "Code happens | Weekly notes",
        ],
        "{stream:#?}"
    );
    assert_eq!(stream[0]["also_in"], serde_json::json!(["Planet Code"]));
    // Every copy, when asked; a feed's own listing has its copies.
    assert_eq!(home.entries(&["--copies"]).len(), 4);
    assert_eq!(home.entries(&["--feed", "Planet Code"]).len(), 2);
    // The text listing and `show` name the other copies.
    let listing = home.run_ok(&["entries"]);
    assert!(
        listing.contains("Folding stories  (also in: Planet Code)"),
        "{listing}"
    );
    let id = stream[0]["id"].to_string();
    let shown = home.run_ok(&["show", &id]);
    assert!(shown.contains("Also in: Planet Code (entry "), "{shown}");

    // Reading the story on the blog reads the planet's copy.
    home.run_ok(&["mark", &id, "--read"]);
    let planet_unread = home.entries(&["--feed", "Planet Code", "--unread"]);
    assert_eq!(titles(&planet_unread), ["Planet Code | Bob: Weekly notes"]);
    assert_eq!(home.entries(&["--unread"]).len(), 2);

    // An export emits the story once.
    let json = home.run_ok(&["export", "--format", "json"]);
    assert_eq!(json.matches("Folding stories").count(), 1, "{json}");

    // Another refresh changes nothing.
    home.run_ok(&["refresh"]);
    assert_eq!(home.entries(&[]).len(), 3);
}

#[test]
fn atom_and_json_feed_of_one_site_are_one_subscription_twice() {
    let server = TestServer::start();
    let home = Home::new();
    subscribe(&home, &server, "blog.atom", BLOG);
    let json = r#"{"version": "https://jsonfeed.org/version/1.1", "title": "Code happens (JSON)",
      "home_page_url": "https://code.example/",
      "items": [
        {"id": "https://code.example/?p=42", "url": "https://code.example/2013/08/folding-stories/",
         "title": "Folding stories", "content_html": "<p>Today the ingest path learned to fold stories.</p>",
         "date_published": "2013-08-27T10:00:00Z"},
        {"id": "https://code.example/?p=41", "url": "https://code.example/2013/08/weekly-notes/",
         "title": "Weekly notes", "content_html": "<p>Notes of the week on the code side.</p>",
         "date_published": "2013-08-20T10:00:00Z"}
      ]}"#;
    subscribe(&home, &server, "feed.json", json);
    home.run_ok(&["refresh"]);
    let stream = home.entries(&[]);
    assert_eq!(
        titles(&stream),
        [
            "Code happens | Folding stories",
            "Code happens | Weekly notes"
        ]
    );
    assert_eq!(home.entries(&["--copies"]).len(), 4);
}

/// A feed that moved (the old address answers 301) and was added again at the new one: the
/// same guids and links, so the same stories.
#[test]
fn a_moved_feed_added_again_shows_its_entries_once() {
    let server = TestServer::start();
    let home = Home::new();
    let feed = common::home::rss(
        "In Our Time",
        &[
            ("e1", "Episode one", common::home::DAY1),
            ("e2", "Episode two", common::home::DAY2),
        ],
    );
    let new_url = Home::served(&server, "podcasts/iot.rss", &feed);
    server.route("/iot", common::Response::redirect(301, &new_url));
    home.run_ok(&["add", &server.url("/iot")]);
    home.run_ok(&["refresh"]);
    home.run_ok(&["add", &new_url]);
    home.run_ok(&["refresh"]);
    assert_eq!(home.run_ok(&["feeds"]).lines().count(), 2);
    assert_eq!(home.entries(&[]).len(), 2);
    assert_eq!(home.entries(&["--copies"]).len(), 4);
}

#[test]
fn two_stories_with_one_title_stay_two() {
    let server = TestServer::start();
    let home = Home::new();
    let one = |site: &str, body: &str| {
        format!(
            "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>{site}</title>\
             <item><title>Release notes</title><guid>https://{site}/release-notes</guid>\
             <description>{body}</description></item></channel></rss>"
        )
    };
    subscribe(
        &home,
        &server,
        "a.rss",
        &one("a.example", "What changed in A this month."),
    );
    subscribe(
        &home,
        &server,
        "b.rss",
        &one("b.example", "What changed in B this month."),
    );
    home.run_ok(&["refresh"]);
    assert_eq!(home.entries(&[]).len(), 2);
}
