//! One standalone HTML page of entries: the HTML export, and the "planet" page `tidings publish`
//! writes. Entries are grouped by day, newest first as given, each with its feed, author, time,
//! title (linked) and body.
//!
//! Safe to serve as is: every body goes through `render::safe_html` (an allowlist: no script,
//! no style, no event handlers, no forms or frames, links and images http(s) only); every other
//! string from a feed is escaped; entry links are kept only when they are http(s). The page
//! also carries a Content-Security-Policy that forbids scripts, plugins, frames and forms, and
//! sends no referrer, in case a browser and the sanitiser ever disagree. The only style is the
//! page's own stylesheet, inline, so the file needs nothing beside it.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use chrono::{DateTime, Utc};

use super::items::{Options, date, xml as esc};
use crate::model::Entry;
use crate::render;

/// The page's stylesheet: readable type, a measure of about 70 characters, light and dark.
const STYLE: &str = "
:root { color-scheme: light dark; --fg: #1d1d1f; --bg: #fdfdfc; --dim: #6b6b70; --rule: #e3e3e0; --link: #1a5fb4; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #e6e6e3; --bg: #17171a; --dim: #9a9aa0; --rule: #303036; --link: #8cb4ff; }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg);
  font: 17px/1.6 Charter, 'Bitstream Charter', 'Sitka Text', Cambria, Georgia, serif; }
main, body > header, body > footer { max-width: 42rem; margin: 0 auto; padding: 0 1.25rem; }
body > header { padding-top: 2.5rem; padding-bottom: 1rem; border-bottom: 1px solid var(--rule); }
h1 { font: 700 2rem/1.2 system-ui, sans-serif; margin: 0 0 .4rem; }
.about, .meta, .day, body > footer { font: 14px/1.5 system-ui, sans-serif; color: var(--dim); }
.about { margin: 0; }
.day { margin: 2.5rem 0 0; text-transform: uppercase; letter-spacing: .06em; font-weight: 600; }
article { padding: 1.25rem 0 1.5rem; border-bottom: 1px solid var(--rule); }
.meta { margin: 0; }
.feed { font-weight: 600; color: var(--fg); }
article h2 { font: 650 1.35rem/1.3 system-ui, sans-serif; margin: .2rem 0 .6rem; }
article h2 a { color: inherit; text-decoration: none; }
article h2 a:hover { text-decoration: underline; }
a { color: var(--link); }
.body { overflow-wrap: anywhere; }
.body img { max-width: 100%; height: auto; }
.body h3, .body h4, .body h5, .body h6 { font: 650 1.05rem/1.35 system-ui, sans-serif; margin: 1.4rem 0 .4rem; }
.body pre { overflow-x: auto; padding: .75rem; background: color-mix(in srgb, var(--fg) 6%, transparent); }
.body code, .body pre { font: 14px/1.45 ui-monospace, 'DejaVu Sans Mono', monospace; }
.body blockquote { margin: 1rem 0; padding-left: 1rem; border-left: 3px solid var(--rule); color: var(--dim); }
.body table { border-collapse: collapse; display: block; overflow-x: auto; }
.body td, .body th { border: 1px solid var(--rule); padding: .25rem .5rem; }
body > footer { padding-top: 1.5rem; padding-bottom: 3rem; }
";

/// What the page forbids: everything but its own style and http(s) images.
const CSP: &str = "default-src 'none'; img-src http: https:; style-src 'unsafe-inline'; \
                   base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// An entry's link, when it is one a page may carry.
fn web_link(link: Option<&str>) -> Option<String> {
    link.and_then(crate::model::bounds::web_link)
}

fn day_heading(t: DateTime<Utc>) -> String {
    t.format("%A %-d %B %Y").to_string()
}

/// The page. `atom` is the address of the Atom feed of the same entries, when there is one.
pub fn page(entries: &[Entry], options: &Options, atom: Option<&str>) -> String {
    let feeds: BTreeSet<_> = entries.iter().map(|e| e.summary.feed_id).collect();
    let mut out = String::with_capacity(4096 + entries.len() * 2048);
    head(&mut out, options, atom, entries.len(), feeds.len());
    let mut day = String::new();
    for e in entries {
        day_and_article(&mut out, &mut day, e, options.bodies);
    }
    out.push_str(TAIL);
    out
}

/// The page's end.
pub(super) const TAIL: &str = "</main>\n<footer>Made with tidings.</footer>\n</body>\n</html>\n";

/// The page up to its first entry, saying how many `entries` from how many `feeds` it has.
pub(super) fn head(
    out: &mut String,
    options: &Options,
    atom: Option<&str>,
    entries: usize,
    feeds: usize,
) {
    let title = esc(&options.title);
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str(
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"referrer\" content=\"no-referrer\">\n",
    );
    let _ = writeln!(
        out,
        "<meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">"
    );
    out.push_str("<meta name=\"generator\" content=\"tidings\">\n");
    let _ = writeln!(out, "<title>{title}</title>");
    if let Some(href) = atom {
        let _ = writeln!(
            out,
            "<link rel=\"alternate\" type=\"application/atom+xml\" title=\"{title}\" href=\"{}\">",
            esc(href)
        );
    }
    let _ = write!(out, "<style>{STYLE}</style>\n</head>\n<body>\n<header>\n");
    let _ = writeln!(out, "<h1>{title}</h1>");
    let _ = write!(
        out,
        "<p class=\"about\">{} from {}, newest first. Updated <time datetime=\"{}\">{}</time>",
        count(entries, "entry", "entries"),
        count(feeds, "feed", "feeds"),
        date(options.now),
        options.now.format("%Y-%m-%d %H:%M UTC"),
    );
    if let Some(href) = atom {
        let _ = write!(out, " · <a href=\"{}\">Atom feed</a>", esc(href));
    }
    out.push_str(".</p>\n</header>\n<main>\n");
}

/// One entry, after a heading for its day when `day` (the last one written) changes.
pub(super) fn day_and_article(out: &mut String, day: &mut String, e: &Entry, bodies: bool) {
    let this_day = day_heading(e.summary.published);
    if this_day != *day {
        let _ = writeln!(out, "<p class=\"day\">{}</p>", esc(&this_day));
        *day = this_day;
    }
    article(out, e, bodies);
}

fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn article(out: &mut String, e: &Entry, bodies: bool) {
    let s = &e.summary;
    out.push_str("<article>\n<p class=\"meta\">");
    let _ = write!(out, "<span class=\"feed\">{}</span>", esc(&s.feed_title));
    if let Some(author) = s.author.as_deref().filter(|a| !a.is_empty()) {
        let _ = write!(out, " · {}", esc(author));
    }
    let _ = writeln!(
        out,
        " · <time datetime=\"{}\">{}</time></p>",
        date(s.published),
        s.published.format("%H:%M UTC")
    );
    let title = if s.title.trim().is_empty() {
        "(untitled)".to_owned()
    } else {
        esc(&s.title)
    };
    match web_link(s.link.as_deref()) {
        Some(href) => {
            let _ = writeln!(
                out,
                "<h2><a href=\"{}\" rel=\"nofollow noopener noreferrer\">{title}</a></h2>",
                esc(&href)
            );
        }
        None => {
            let _ = writeln!(out, "<h2>{title}</h2>");
        }
    }
    // Its enclosures (issue #22), as links a browser plays or saves.
    for enc in &e.enclosures {
        if let Some(href) = web_link(Some(&enc.url)) {
            let _ = writeln!(
                out,
                "<p class=\"meta\"><a href=\"{}\" rel=\"nofollow noopener noreferrer\">{}</a></p>",
                esc(&href),
                esc(&enc.describe())
            );
        }
    }
    if bodies {
        let body = render::safe_html(&e.content_html, e.base_url.as_deref());
        if !body.trim().is_empty() {
            let _ = writeln!(out, "<div class=\"body\">\n{}\n</div>", body.trim());
        }
    }
    out.push_str("</article>\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{EntryId, EntrySummary, FeedId};

    fn at(s: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(s, 0).unwrap()
    }

    fn item(id: i64, feed: i64, title: &str, link: &str, html: &str, published: i64) -> Entry {
        Entry {
            summary: EntrySummary {
                id: EntryId(id),
                feed_id: FeedId(feed),
                feed_title: format!("Feed <{feed}>"),
                guid: None,
                title: title.into(),
                link: Some(link.into()),
                author: None,
                published: at(published),
                first_seen: at(published),
                read: false,
                starred: false,
                hidden: false,
                labels: Vec::new(),
                highlight: None,
                group: 0,
                story: None,
                also_in: Vec::new(),
            },
            updated: None,
            content_html: html.into(),
            base_url: None,
            enclosures: Vec::new(),
            article: None,
            full_article: false,
        }
    }

    #[test]
    fn a_page_groups_entries_by_day_and_escapes_what_feeds_say() {
        let entries = vec![
            item(
                1,
                1,
                "<b>Bold</b> claim",
                "https://a.example/1",
                "<p>One</p>",
                1_700_050_000,
            ),
            item(
                2,
                2,
                "Two",
                "javascript:alert(1)",
                "<p onclick=\"x()\">Two</p>",
                1_700_040_000,
            ),
            item(3, 1, "", "https://a.example/3", "", 1_699_900_000),
        ];
        let mut entries = entries;
        entries[0].enclosures = vec![
            crate::model::Enclosure::new("https://a.example/1.mp3", None, Some(2_000), None)
                .unwrap(),
            crate::model::Enclosure {
                url: "javascript:alert(2)".into(),
                mime: Some("audio/mpeg".into()),
                length: None,
                duration: None,
            },
        ];
        let mut options = Options::new(at(1_700_100_000));
        options.title = "Planet \"Rust\"".into();
        let html = page(&entries, &options, Some("atom.xml"));
        assert!(
            html.contains("<a href=\"https://a.example/1.mp3\" rel=\"nofollow noopener noreferrer\">audio/mpeg, 2.0 KB</a>"),
            "{html}"
        );
        assert!(html.contains("<title>Planet &quot;Rust&quot;</title>"));
        assert!(html.contains("3 entries from 2 feeds"), "{html}");
        assert!(html.contains("href=\"atom.xml\""));
        assert_eq!(html.matches("<p class=\"day\">").count(), 2, "{html}");
        assert!(html.contains("<p class=\"day\">Wednesday 15 November 2023</p>"));
        assert!(html.contains("&lt;b&gt;Bold&lt;/b&gt; claim"));
        assert!(html.contains("Feed &lt;1&gt;"));
        assert!(!html.contains("javascript:"), "{html}");
        assert!(
            html.contains("<h2>Two</h2>"),
            "no link when it is not http(s)"
        );
        assert!(!html.contains("onclick"), "{html}");
        assert!(html.contains("<h2><a href=\"https://a.example/3\""));
        assert!(html.contains(">(untitled)</a>"));
        assert!(html.contains("Content-Security-Policy"));
    }
}
