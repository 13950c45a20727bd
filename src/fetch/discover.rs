//! Feed autodiscovery: the `<link rel="alternate" type="application/rss+xml" href="…">`
//! elements of an HTML page, resolved against the page's URL. A lenient linear scan, since
//! pages are tag soup; only http(s) links are kept.

use url::Url;

pub use crate::model::Discovered;
use crate::model::sanitize;

/// The media types that announce a feed.
const FEED_TYPES: [&str; 5] = [
    "application/rss+xml",
    "application/atom+xml",
    "application/feed+json",
    "application/json",
    "application/rdf+xml",
];

/// Every feed `html` announces, in page order, without duplicates.
pub fn feed_links(html: &[u8], page: &Url) -> Vec<Discovered> {
    let text = String::from_utf8_lossy(html);
    let lower = text.to_ascii_lowercase();
    let mut found: Vec<Discovered> = Vec::new();
    let mut from = 0;
    while let Some(at) = lower[from..].find("<link") {
        let start = from + at + "<link".len();
        let end = lower[start..].find('>').map_or(lower.len(), |e| start + e);
        let attrs = attributes(&text[start..end]);
        from = end;
        let get = |name: &str| {
            attrs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        };
        let is_alternate = get("rel").is_some_and(|rel| {
            rel.split_ascii_whitespace()
                .any(|r| r.eq_ignore_ascii_case("alternate"))
        });
        let is_feed = get("type").is_some_and(|t| {
            let t = t.trim().to_ascii_lowercase();
            FEED_TYPES.iter().any(|f| t.starts_with(f))
        });
        let Some(href) = get("href").filter(|_| is_alternate && is_feed) else {
            continue;
        };
        let Ok(url) = page.join(href.trim()) else {
            continue;
        };
        if !matches!(url.scheme(), "http" | "https") {
            continue;
        }
        let url = String::from(url);
        if found.iter().all(|d| d.url != url) {
            let title = get("title").map(sanitize::line).filter(|t| !t.is_empty());
            found.push(Discovered { url, title });
        }
    }
    found
}

/// `name=value` pairs of a tag's inside (quoted with `"` or `'`, or bare); names lowercased.
fn attributes(tag: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = tag.trim_start_matches('/').trim_start();
    while !rest.is_empty() {
        let name_end = rest
            .find(|c: char| c == '=' || c.is_whitespace() || c == '/')
            .unwrap_or(rest.len());
        let name = rest[..name_end].to_ascii_lowercase();
        rest = rest[name_end..].trim_start();
        let value = if let Some(after) = rest.strip_prefix('=') {
            let after = after.trim_start();
            let (value, next) = if let Some(q @ ('"' | '\'')) = after.chars().next() {
                let body = &after[1..];
                let close = body.find(q).unwrap_or(body.len());
                (&body[..close], body.get(close + 1..).unwrap_or(""))
            } else {
                let close = after.find(char::is_whitespace).unwrap_or(after.len());
                (&after[..close], &after[close..])
            };
            rest = next;
            decode_amp(value)
        } else {
            String::new()
        };
        if !name.is_empty() {
            out.push((name, value));
        }
        rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == '/');
    }
    out
}

/// `&amp;` in attribute values (query strings) is the one entity that matters here.
fn decode_amp(value: &str) -> String {
    value.replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page() -> Url {
        Url::parse("https://blog.example/posts/").unwrap()
    }

    #[test]
    fn alternate_feed_links_are_found_and_resolved() {
        let html = br#"<html><head>
            <link rel="stylesheet" href="/style.css">
            <LINK REL="alternate" TYPE="application/rss+xml" TITLE="Posts" HREF="/feed.xml">
            <link rel='alternate' type='application/atom+xml' href='atom.xml?a=1&amp;b=2'/>
            <link rel=alternate type=application/feed+json href=https://other.example/feed.json>
            </head></html>"#;
        let found = feed_links(html, &page());
        let urls: Vec<_> = found.iter().map(|d| d.url.as_str()).collect();
        assert_eq!(
            urls,
            [
                "https://blog.example/feed.xml",
                "https://blog.example/posts/atom.xml?a=1&b=2",
                "https://other.example/feed.json"
            ]
        );
        assert_eq!(found[0].title.as_deref(), Some("Posts"));
    }

    #[test]
    fn other_links_and_schemes_are_ignored() {
        let html = br#"<link rel="alternate" hreflang="de" href="/de/">
            <link rel="icon" type="application/rss+xml" href="/x.xml">
            <link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">
            <link rel="alternate" type="application/rss+xml" href="/feed.xml">
            <link rel="alternate" type="application/rss+xml" href="/feed.xml">"#;
        let found = feed_links(html, &page());
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].url, "https://blog.example/feed.xml");
    }

    #[test]
    fn tag_soup_does_not_break_the_scan() {
        assert!(feed_links(b"<link", &page()).is_empty());
        assert!(feed_links(b"<link rel=\"alternate", &page()).is_empty());
        let html = b"<link rel=\"alternate\" type=\"application/rss+xml\" title=\"a\x1b[2Jb\" href=\"/f\">";
        assert_eq!(feed_links(html, &page())[0].title.as_deref(), Some("a[2Jb"));
    }
}
