//! Feed documents (RSS, Atom, RDF, CDF, JSON Feed) → `IncomingFeed`. The pipeline, each stage
//! in its own module: `decode` (bytes → UTF-8 by BOM, HTTP charset, declaration, detection),
//! `repair` with `lex` and `dialect` (one linear pass to well-formed XML in a dialect feed-rs
//! reads), feed-rs itself (with our lenient date parser and no invented ids), then `assemble`
//! (stable keys, link and author fallbacks, sanitised text). JSON Feed goes through `json`
//! instead of feed-rs. Uses `model` and feed-rs.
//!
//! feed-rs invents an id for every entry that has none (a hash of link and title, or a random
//! UUID). We register an id generator that returns the empty string instead, so an empty id
//! after parsing means "the document gave none" and our own, deterministic key takes over.
//!
//! Bounds: documents over `MAX_DOCUMENT_BYTES` are refused, nesting is cut at
//! `repair::MAX_DEPTH` (XML) and `json::MAX_JSON_DEPTH`, no DTD or entity definition survives
//! the repair pass, every stage is linear, and the whole parse runs under `catch_unwind`.

mod assemble;
mod decode;
pub(super) use decode::decode;
mod dialect;
mod durations;
mod escape;
mod json;
mod lex;
mod people;
mod prelude;
mod repair;

use crate::model::caught;

use feed_rs::model::Feed;
use feed_rs::parser::{ParseErrorKind, ParseFeedError};
use url::Url;

use super::normalize::parse_date;
use crate::model::{IncomingFeed, sanitize};

/// Why a document could not be read as a feed (one line, shown to the user).
#[derive(Debug, thiserror::Error)]
pub enum ParseError {
    #[error("empty document")]
    Empty,
    #[error("not a feed: {0}")]
    NotAFeed(String),
    /// The document looked like a feed but could not be read; the message is one short line.
    #[error("could not parse feed: {0}")]
    Invalid(String),
    #[error("document too large ({0} bytes)")]
    TooLarge(usize),
    #[error("the feed parser crashed on this document")]
    Panicked,
}

/// The title given to entries that have none.
pub const UNTITLED: &str = "(untitled)";
/// The largest document we parse; the HTTP layer caps bodies well below this.
pub const MAX_DOCUMENT_BYTES: usize = 64 * 1024 * 1024;

const HTML_PAGE: &str = "looks like an HTML page, not a feed";
/// Longest error detail we pass on; parser messages can quote whole chunks of the document.
const MAX_MESSAGE_CHARS: usize = 160;

/// Parses `bytes` read from `feed_url` when there is no HTTP `Content-Type` (a file, a test).
pub fn parse_feed(bytes: &[u8], feed_url: &str) -> Result<IncomingFeed, ParseError> {
    parse_document(bytes, feed_url, None)
}

/// Parses `bytes` fetched from `feed_url`; `content_type` is the response's `Content-Type`
/// header, whose charset counts when decoding.
pub fn parse_document(
    bytes: &[u8],
    feed_url: &str,
    content_type: Option<&str>,
) -> Result<IncomingFeed, ParseError> {
    if bytes.len() > MAX_DOCUMENT_BYTES {
        return Err(ParseError::TooLarge(bytes.len()));
    }
    // feed-rs and quick-xml have panicked on hostile input before, and our own passes are new;
    // one bad feed must not take the refresh down, nor print anything (the hook stays silent).
    let mut feed = caught::catch(|| parse_guarded(bytes, feed_url, content_type))
        .ok_or(ParseError::Panicked)??;
    bound(&mut feed);
    Ok(feed)
}

/// Every one-line field as the store keeps it (`model::bounds`), so that what a parse hands on
/// is never larger than what is stored: a 30 MB title is cut here, not carried through
/// (issue #17). The store applies the same bounds to whatever reaches it by other ways.
fn bound(feed: &mut IncomingFeed) {
    use crate::model::bounds;
    let line = |s: &mut String| {
        if let std::borrow::Cow::Owned(b) = bounds::line(s) {
            *s = b;
        }
    };
    if let Some(t) = &mut feed.title {
        line(t);
    }
    for e in &mut feed.entries {
        if let std::borrow::Cow::Owned(k) = bounds::key(&e.key) {
            e.key = k;
        }
        line(&mut e.title);
        for field in [&mut e.guid, &mut e.author].into_iter().flatten() {
            line(field);
        }
        if e.link.as_ref().is_some_and(|l| l.len() > bounds::MAX_LINK) {
            e.link = None;
        }
    }
}

fn parse_guarded(
    bytes: &[u8],
    feed_url: &str,
    content_type: Option<&str>,
) -> Result<IncomingFeed, ParseError> {
    let text = decode::decode(bytes, content_type);
    let doc = text.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
    if doc.is_empty() {
        return Err(ParseError::Empty);
    }
    let base = web_base(feed_url);
    if doc.starts_with('{') {
        return json::parse_json(doc, base.as_ref())
            .ok_or_else(|| ParseError::Invalid("not valid JSON".to_owned()));
    }
    if prelude::looks_like_html(doc) {
        return Err(ParseError::NotAFeed(HTML_PAGE.to_owned()));
    }
    let Some(repaired) = repair::repair(doc) else {
        return Err(ParseError::NotAFeed(if prelude::mentions_html(doc) {
            HTML_PAGE.to_owned()
        } else {
            "no RSS, Atom or JSON Feed root element".to_owned()
        }));
    };
    let feed = run_feed_rs(&repaired, base.as_ref())?;
    let mut incoming = assemble::normalize_feed(&feed, base.as_ref());
    let durations = durations::entry_durations(&repaired);
    if durations.len() == incoming.entries.len() {
        for (e, duration) in incoming.entries.iter_mut().zip(durations) {
            for enc in e.enclosures.iter_mut().filter(|enc| {
                enc.duration.is_none()
                    && matches!(
                        enc.kind(),
                        crate::model::enclosure::Kind::Audio | crate::model::enclosure::Kind::Video
                    )
            }) {
                enc.duration = duration;
            }
        }
    }
    Ok(incoming)
}

/// The base relative links are resolved against: the feed's address, if it is a web address
/// (a `file:` URL would turn every relative link into one we refuse, where the document's own
/// relative reference says more), without the user's secrets (`redact::link_base`): a link
/// resolved against `user:password@` or `?token=` would carry them into every entry's link,
/// enclosure and export.
fn web_base(feed_url: &str) -> Option<Url> {
    crate::model::redact::link_base(feed_url).filter(|u| matches!(u.scheme(), "http" | "https"))
}

/// Runs feed-rs over a repaired document, turning its errors into our one-line errors.
fn run_feed_rs(doc: &str, base: Option<&Url>) -> Result<Feed, ParseError> {
    // A parser that panicked is not used again: feed-rs keeps per-entry state in it.
    let parse = |doc: &str| {
        let parser = feed_rs::parser::Builder::new()
            .base_uri(base.map(Url::as_str))
            // An empty id marks "none in the document" (see the module docs).
            .id_generator(|_, _, _| String::new())
            .timestamp_parser(parse_date)
            .build();
        caught::catch(|| parser.parse(doc.as_bytes())).ok_or(())
    };
    let parsed = match parse(doc) {
        Ok(parsed) => parsed,
        // feed-rs panics on some people's names (see `people`): do without them.
        Err(()) => people::without_people(doc)
            .and_then(|doc| parse(&doc).ok())
            .ok_or(ParseError::Panicked)?,
    };
    parsed.map_err(|e| match e {
        ParseFeedError::ParseError(ParseErrorKind::NoFeedRoot) => {
            ParseError::NotAFeed("no RSS, Atom or JSON Feed root element".to_owned())
        }
        other => ParseError::Invalid(shorten(&other.to_string())),
    })
}

/// One sanitised line of at most `MAX_MESSAGE_CHARS` characters.
fn shorten(msg: &str) -> String {
    let line = sanitize::line(msg);
    match line.char_indices().nth(MAX_MESSAGE_CHARS) {
        Some((cut, _)) => format!("{}…", &line[..cut]),
        None => line,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const URL: &str = "https://example.com/blog/feed.xml";

    fn rss(items: &str) -> String {
        format!(
            r#"<?xml version="1.0"?><rss version="2.0"><channel><title>Blog &amp; co</title>
            <link>https://example.com/</link>{items}</channel></rss>"#
        )
    }

    use crate::model::IncomingEntry;

    fn parse(doc: &str) -> IncomingFeed {
        parse_feed(doc.as_bytes(), URL).expect("parses")
    }

    fn one(doc: &str) -> IncomingEntry {
        let mut feed = parse(doc);
        assert_eq!(feed.entries.len(), 1);
        feed.entries.remove(0)
    }

    #[test]
    fn empty_and_blank_documents_are_empty() {
        assert!(matches!(parse_feed(b"", URL), Err(ParseError::Empty)));
        assert!(matches!(
            parse_feed(b"\xEF\xBB\xBF  \n\t", URL),
            Err(ParseError::Empty)
        ));
        assert_eq!(ParseError::Empty.to_string(), "empty document");
    }

    #[test]
    fn html_pages_are_named_as_such() {
        for doc in [
            "<!DOCTYPE html><html><body>x</body></html>",
            "<?xml version=\"1.0\"?>\n<!-- c --><HTML></HTML>",
        ] {
            let err = parse_feed(doc.as_bytes(), URL).expect_err("html");
            assert_eq!(
                err.to_string(),
                "not a feed: looks like an HTML page, not a feed"
            );
        }
    }

    #[test]
    fn other_documents_are_not_feeds() {
        let err = parse_feed(b"<note><to>x</to></note>", URL).expect_err("no root");
        assert!(matches!(err, ParseError::NotAFeed(_)), "{err}");
        assert!(matches!(
            parse_feed(b"hello", URL),
            Err(ParseError::NotAFeed(_))
        ));
    }

    #[test]
    fn broken_xml_is_recovered() {
        let feed = parse("<rss version=\"2.0\"><channel><item><title>x</tit></item>");
        assert_eq!(feed.entries.len(), 1);
        assert_eq!(feed.entries[0].title, "x");
    }

    /// Found by fuzzing (`fuzz/regressions/ingest/author-with-guillemets`): feed-rs panicked
    /// on a name whose email is next to a character that is not ASCII, and the feed was lost.
    #[test]
    fn a_feed_rs_panic_on_an_author_costs_the_authors_not_the_feed() {
        // In an item (feed-rs is left mid-entry: the retry needs a parser of its own), and in
        // the channel.
        for people in [
            ("", "<author>Jane «jane@example.com»</author>"),
            ("<managingEditor>Ed “ed@example.com”</managingEditor>", ""),
        ] {
            let doc = rss(&format!(
                "{}<item><guid>g</guid><title>T</title>{}</item>",
                people.0, people.1
            ));
            let feed = parse(&doc);
            assert_eq!(feed.entries.len(), 1);
            assert_eq!(feed.entries[0].title, "T");
            assert_eq!(feed.entries[0].author, None);
        }
    }

    #[test]
    fn errors_are_one_short_line() {
        let err = parse_feed(b"{\"items\": [", URL).expect_err("bad");
        assert!(matches!(err, ParseError::Invalid(_)), "{err}");
        let long = shorten(&format!("a\nb {}", "x".repeat(500)));
        assert!(
            !long.contains('\n') && long.chars().count() <= MAX_MESSAGE_CHARS + 1,
            "{long}"
        );
    }

    #[test]
    fn bom_and_leading_junk_are_skipped() {
        let doc = format!(
            "\u{feff}\n<b>Warning</b>: headers already sent<br />\n{}",
            rss("<item><guid>g</guid></item>")
        );
        assert_eq!(parse(&doc).entries.len(), 1);
        let doc = format!(
            "view-source junk {}",
            rss("<item><guid>g</guid></item>").replace("<?xml version=\"1.0\"?>", "")
        );
        assert_eq!(parse(&doc).entries.len(), 1);
    }

    #[test]
    fn feed_title_and_site_url_are_normalised() {
        let feed = parse(&rss(""));
        assert_eq!(feed.title.as_deref(), Some("Blog & co"));
        assert_eq!(feed.site_url.as_deref(), Some("https://example.com/"));
    }

    #[test]
    fn guid_is_the_key() {
        let e = one(&rss(
            "<item><guid isPermaLink=\"false\">tag:1</guid><link>https://example.com/1</link></item>",
        ));
        assert_eq!(
            (e.guid.as_deref(), e.key.as_str()),
            (Some("tag:1"), "tag:1")
        );
        assert_eq!(e.link.as_deref(), Some("https://example.com/1"));
    }

    #[test]
    fn missing_ids_are_not_invented() {
        let e = one(&rss(
            "<item><title>t</title><link>https://example.com/1</link></item>",
        ));
        assert_eq!((e.guid, e.key.as_str()), (None, "https://example.com/1"));
        let atom = r#"<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>
            <entry><title>no id</title><link href="/a/1"/></entry></feed>"#;
        let e = one(atom);
        assert_eq!((e.guid, e.key.as_str()), (None, "https://example.com/a/1"));
    }

    #[test]
    fn entries_without_guid_or_link_get_a_stable_hash() {
        let doc = rss(
            "<item><description>only a description 0</description></item>\
                       <item><description>only a description 1</description></item><item></item>",
        );
        let keys = |f: IncomingFeed| f.entries.into_iter().map(|e| e.key).collect::<Vec<_>>();
        let first = keys(parse(&doc));
        assert_eq!(first, keys(parse(&doc)));
        assert!(first.iter().all(|k| k.starts_with("fnv1a:")), "{first:?}");
        assert_ne!(first[0], first[1]);
    }

    #[test]
    fn relative_links_resolve_against_the_feed_url() {
        let e = one(&rss("<item><guid>g</guid><link>../posts/1</link></item>"));
        assert_eq!(e.link.as_deref(), Some("https://example.com/posts/1"));
    }

    #[test]
    fn dangerous_links_are_dropped() {
        let e = one(&rss(
            "<item><guid>g</guid><link>javascript:alert(1)</link></item>",
        ));
        assert_eq!(e.link, None);
    }

    #[test]
    fn rss_permalink_guid_is_the_fallback_link() {
        let e = one(&rss("<item><guid>https://example.com/p/1</guid></item>"));
        assert_eq!(e.link.as_deref(), Some("https://example.com/p/1"));
        let atom = r#"<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>https://example.com/id</id></entry></feed>"#;
        assert_eq!(one(atom).link.as_deref(), Some("https://example.com/id"));
        let atom = atom.replace("https://example.com/id", "urn:uuid:1");
        assert_eq!(one(&atom).link, None);
    }

    #[test]
    fn titles_are_plain_sanitised_text() {
        let e = one(&rss(
            "<item><guid>g</guid><title>&lt;b&gt;Bold&lt;/b&gt; &amp;amp; \u{1b}[2Jmore</title></item>",
        ));
        assert_eq!(e.title, "Bold & [2Jmore");
        let e = one(&rss("<item><guid>g</guid><title>1 &lt; 2</title></item>"));
        assert_eq!(e.title, "1 < 2");
        let atom = r#"<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>i</id>
            <title type="text">History of the &lt;blink&gt; tag</title></entry></feed>"#;
        assert_eq!(one(atom).title, "History of the <blink> tag");
    }

    #[test]
    fn media_titles_stand_in_for_missing_titles() {
        let item = "<item xmlns:media=\"http://search.yahoo.com/mrss/\"><guid>g</guid>\
                    <media:content url=\"https://example.com/1.mp3\" type=\"audio/mpeg\"/>\
                    <media:title>Episode 1</media:title></item>";
        assert_eq!(one(&rss(item)).title, "Episode 1");
    }

    #[test]
    fn missing_titles_read_untitled() {
        assert_eq!(
            one(&rss("<item><guid>g</guid><title> </title></item>")).title,
            UNTITLED
        );
    }

    #[test]
    fn author_is_the_first_name_or_email() {
        let atom = r#"<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>i</id>
            <author><email>a@example.com</email></author><author><name>B</name></author></entry></feed>"#;
        assert_eq!(one(atom).author.as_deref(), Some("B"));
        let atom = atom.replace("<author><name>B</name></author>", "");
        assert_eq!(one(&atom).author.as_deref(), Some("a@example.com"));
    }

    #[test]
    fn published_and_updated_are_kept_apart() {
        // The store dates the entry by `updated` when there is no `published`; the parse
        // reports what the document says, as the corpus expectations do.
        let atom = r#"<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>i</id>
            <updated>2024-03-01T10:00:00Z</updated></entry></feed>"#;
        let e = one(atom);
        assert_eq!(e.published, None);
        assert_eq!(
            e.updated.map(|d| d.to_rfc3339()).as_deref(),
            Some("2024-03-01T10:00:00+00:00")
        );
    }

    #[test]
    fn content_prefers_body_then_summary() {
        let both = rss("<item><guid>g</guid><description>sum</description>\
            <content:encoded xmlns:content=\"http://purl.org/rss/1.0/modules/content/\">&lt;p&gt;body&lt;/p&gt;</content:encoded></item>");
        assert_eq!(one(&both).content_html, "<p>body</p>");
        assert_eq!(
            one(&rss(
                "<item><guid>g</guid><description>&lt;i&gt;s&lt;/i&gt;</description></item>"
            ))
            .content_html,
            "<i>s</i>"
        );
        assert_eq!(one(&rss("<item><guid>g</guid></item>")).content_html, "");
    }

    #[test]
    fn plain_text_content_is_escaped_as_html() {
        let atom = r#"<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>i</id>
            <summary type="text">a &lt; b</summary></entry></feed>"#;
        assert_eq!(one(atom).content_html, "a &lt; b");
    }

    #[test]
    fn json_feeds_parse() {
        let json = r#"{"version":"https://jsonfeed.org/version/1.1","title":"J","home_page_url":"https://j.example/",
            "items":[{"id":"1","url":"/p/1","title":"T","content_text":"x<y","authors":[{"name":"N"}]}]}"#;
        let feed = parse(json);
        assert_eq!(feed.title.as_deref(), Some("J"));
        let e = &feed.entries[0];
        assert_eq!(
            (e.key.as_str(), e.title.as_str(), e.author.as_deref()),
            ("1", "T", Some("N"))
        );
        assert_eq!(e.link.as_deref(), Some("https://example.com/p/1"));
        assert_eq!(e.content_html, "x&lt;y");
    }

    #[test]
    fn editing_a_title_keeps_the_key_of_an_item_with_a_link() {
        let item = |t: &str| {
            rss(&format!(
                "<item><title>{t}</title><link>https://example.com/1</link></item>"
            ))
        };
        assert_eq!(one(&item("Typo")).key, one(&item("Fixed")).key);
    }

    #[test]
    fn editing_a_title_keeps_the_key_of_an_item_without_guid_or_link() {
        let item = |t: &str| {
            rss(&format!(
                "<item><title>{t}</title><description>body</description>\
                 <pubDate>Mon, 01 Jan 2024 10:00:00 GMT</pubDate></item>"
            ))
        };
        let key = one(&item("Typo")).key;
        assert!(key.starts_with("fnv1a:"), "{key}");
        assert_eq!(key, one(&item("Fixed")).key);
    }

    #[test]
    fn the_http_charset_counts() {
        let doc = rss("<item><guid>g</guid><title>Привет</title></item>");
        let bytes = encoding_rs::WINDOWS_1251.encode(&doc).0.into_owned();
        let feed = parse_document(
            &bytes,
            URL,
            Some("application/rss+xml; charset=windows-1251"),
        )
        .expect("parses");
        assert_eq!(feed.entries[0].title, "Привет");
    }

    #[test]
    fn atom_0_3_reads_like_atom_1_0() {
        let doc = r#"<feed version="0.3" xmlns="http://purl.org/atom/ns#"><title>Old</title>
            <entry><title type="text/html" mode="escaped">A &amp;lt;b&amp;gt;</title>
            <link rel="alternate" type="text/html" href="https://example.com/a"/>
            <id>tag:a</id><issued>2004-01-01T19:48:21Z</issued><modified>2004-01-02T00:00:00Z</modified>
            </entry></feed>"#;
        let feed = parse(doc);
        assert_eq!(feed.title.as_deref(), Some("Old"));
        let e = &feed.entries[0];
        assert_eq!(e.title, "A <b>");
        assert_eq!(e.link.as_deref(), Some("https://example.com/a"));
        assert_eq!(
            e.published.map(|d| d.to_rfc3339()).as_deref(),
            Some("2004-01-01T19:48:21+00:00")
        );
        assert_eq!(
            e.updated.map(|d| d.to_rfc3339()).as_deref(),
            Some("2004-01-02T00:00:00+00:00")
        );
    }

    #[test]
    fn lenient_dates_reach_entries() {
        let e = one(&rss(
            "<item><guid>g</guid><pubDate>Tue 11 Jan 2011 01:30:00 GMT</pubDate></item>",
        ));
        assert_eq!(
            e.published.map(|d| d.to_rfc3339()).as_deref(),
            Some("2011-01-11T01:30:00+00:00")
        );
    }

    #[test]
    fn documents_over_the_cap_are_refused() {
        let big = vec![b' '; MAX_DOCUMENT_BYTES + 1];
        assert!(matches!(
            parse_feed(&big, URL),
            Err(ParseError::TooLarge(_))
        ));
    }

    #[test]
    fn layout_whitespace_does_not_change_what_is_read() {
        // The repair pass drops whitespace between the children of items and channels; what
        // comes out must be what the compact document gives.
        let item = |sep: &str| {
            format!(
                "<item>{sep}<title>T &amp; \"q\" &gt; x</title>{sep}<guid>g</guid>{sep}\
                 <description>{sep}&lt;p&gt;a&lt;/p&gt;{sep}</description>{sep}\
                 <pubDate>Mon, 01 Jan 2024 10:00:00 GMT</pubDate>{sep}</item>"
            )
        };
        let doc = |sep: &str| {
            format!(
                "<?xml version=\"1.0\"?>{sep}<rss version=\"2.0\">{sep}<channel>{sep}\
                 <title>C</title>{sep}{}{sep}{}{sep}</channel>{sep}</rss>",
                item(sep),
                item(sep)
            )
        };
        let compact = parse(&doc(""));
        let pretty = parse(&doc("\n    "));
        assert_eq!(compact.entries.len(), 2);
        assert_eq!(pretty.entries[0].title, "T & \"q\" > x");
        assert_eq!(pretty, compact);
    }

    #[test]
    fn relative_links_stay_relative_without_a_web_base() {
        let doc = rss("<item><guid>g</guid><link>/posts/1</link></item>");
        let feed = parse_feed(doc.as_bytes(), "file:///tmp/feed.xml").expect("parses");
        assert_eq!(feed.entries[0].link.as_deref(), Some("/posts/1"));
    }

    /// Found trying it (a feed at `http://user:password@host/…?token=…` with relative links):
    /// every entry's link, its enclosure and the feed's site carried the password.
    #[test]
    fn links_resolved_against_the_feed_address_carry_none_of_its_secrets() {
        let rss = r#"<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
            <link>/</link><item><guid>g</guid><link>rel1.html</link>
            <enclosure url="ep1.mp3" length="5" type="audio/mpeg"/></item></channel></rss>"#;
        let json = r#"{"version":"https://jsonfeed.org/version/1.1","title":"t","home_page_url":"/",
            "items":[{"id":"1","url":"rel1.html","content_html":"x",
            "attachments":[{"url":"ep1.mp3","mime_type":"audio/mpeg"}]}]}"#;
        for doc in [rss, json] {
            let feed = parse_feed(
                doc.as_bytes(),
                "https://me:hunter2@example.com/auth/feed.xml?token=abc",
            )
            .expect("parses");
            let e = &feed.entries[0];
            assert_eq!(
                e.link.as_deref(),
                Some("https://example.com/auth/rel1.html")
            );
            assert_eq!(e.enclosures[0].url, "https://example.com/auth/ep1.mp3");
            assert_eq!(feed.site_url.as_deref(), Some("https://example.com/"));
        }
    }

    /// Found trying it: `<author>alice@example.com (Alice)</author>` read as "(Alice)".
    #[test]
    fn an_rss_author_written_email_then_name_is_the_name() {
        let doc = rss("<item><guid>g</guid><author>alice@example.com (Alice)</author></item>");
        let feed = parse_feed(doc.as_bytes(), URL).expect("parses");
        assert_eq!(feed.entries[0].author.as_deref(), Some("Alice"));
    }
}
