//! Entries out, in the format a person needs: Markdown, plain text, HTML (one standalone page,
//! see `page`), JSON (a documented schema with every field we store), Atom (a feed any reader
//! can subscribe to) and CSV. Pure: the
//! caller reads the entries from the store and gives them here with their feed's title.
//! Text comes from the store sanitised; bodies are rendered to text by `render` for Markdown
//! and text, and escaped as XML or JSON elsewhere, so nothing in them reaches a terminal, a
//! shell or a path unescaped.

use std::fmt::Write as _;

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;

pub use crate::model::ExportFormat as Format;
use crate::model::{Enclosure, Entry, bounds};
use crate::render;

/// Width Markdown and text bodies are wrapped at.
const TEXT_WIDTH: usize = 78;

/// How an export is made, beyond its format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// The title of the Atom feed and the HTML page.
    pub title: String,
    /// Whether entries carry their bodies (else: title, feed, author, date and link only).
    pub bodies: bool,
    /// When the export is made (the Atom feed's `updated`).
    pub now: DateTime<Utc>,
    /// The Atom feed's id: stable for a published feed, so readers keep their place.
    pub feed_id: String,
    /// Where the published Atom feed lives, when known (its `rel="self"` link).
    pub feed_url: Option<String>,
}

impl Options {
    /// A one-off export made at `now`.
    pub fn new(now: DateTime<Utc>) -> Self {
        Self {
            title: "tidings export".into(),
            bodies: true,
            now,
            feed_id: format!("urn:tidings:export:{}", now.timestamp()),
            feed_url: None,
        }
    }
}

/// Writes `entries` in `format` (the whole export in memory: for a few entries; a large
/// export goes through [`super::Writer`] to its destination).
pub fn export(entries: &[Entry], format: Format, options: &Options) -> String {
    let totals = super::Totals::of(entries);
    let write = || -> std::io::Result<Vec<u8>> {
        let mut w = super::Writer::start(Vec::new(), format, options.clone(), &totals)?;
        for e in entries {
            w.entry(e)?;
        }
        w.finish()
    };
    // Writing to memory cannot fail, and every part written is UTF-8.
    String::from_utf8(write().unwrap_or_default()).unwrap_or_default()
}

/// RFC 3339, always with a four-digit year (issue #17: a stored year 10000 or -1 made exports
/// write `+10000` and `-0001`, which no reader accepts).
pub(super) fn date(t: DateTime<Utc>) -> String {
    const FIRST: i64 = -62_135_596_800; // 0001-01-01T00:00:00Z
    const LAST: i64 = 253_402_300_799; // 9999-12-31T23:59:59Z
    let t = DateTime::from_timestamp(t.timestamp().clamp(FIRST, LAST), 0).unwrap_or(t);
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// A link as an export may carry it: to the web only (`model::bounds::web_link`), checked again
/// on the way out whatever the store holds.
fn link(e: &Entry) -> Option<String> {
    e.summary.link.as_deref().and_then(bounds::web_link)
}

/// The byline: feed · author · date.
pub(super) fn byline(e: &Entry) -> String {
    let s = &e.summary;
    let mut parts = vec![s.feed_title.clone()];
    parts.extend(s.author.clone());
    parts.push(s.published.format("%Y-%m-%d %H:%M UTC").to_string());
    parts.join(" · ")
}

fn body_text(e: &Entry) -> String {
    render::plain(&e.content_html, e.base_url.as_deref(), TEXT_WIDTH)
}

/// An entry's enclosures as an export may carry them: web links only, checked again.
fn enclosures(e: &Entry) -> impl Iterator<Item = (String, &Enclosure)> {
    e.enclosures
        .iter()
        .filter_map(|enc| Some((bounds::web_link(&enc.url)?, enc)))
}

/// Markdown: a heading per item, its byline and link, its enclosures as links, the body as
/// text (items are parted by a rule, written by the caller).
pub(super) fn markdown_item(out: &mut String, e: &Entry, bodies: bool) {
    let _ = writeln!(out, "## {}\n", markdown_escape(&e.summary.title));
    let _ = writeln!(out, "*{}*\n", markdown_escape(&byline(e)));
    if let Some(link) = link(e) {
        let _ = writeln!(out, "<{link}>\n");
    }
    let mut any = false;
    for (url, enc) in enclosures(e) {
        let _ = writeln!(out, "- [{}](<{url}>)", markdown_escape(&enc.describe()));
        any = true;
    }
    if any {
        out.push('\n');
    }
    if bodies {
        let body = markdown_body(&render::article(
            &e.content_html,
            e.base_url.as_deref(),
            TEXT_WIDTH,
        ));
        if !body.trim().is_empty() {
            out.push_str(body.trim_end());
            out.push('\n');
        }
    }
}

/// A rendered body in Markdown: text made inert (`markdown_text`), and each preformatted block
/// fenced as code, as its source lays it out (issue #19: it was wrapped at 78 columns and not
/// fenced). A fence's content is inert to every Markdown renderer as it is.
fn markdown_body(rendered: &render::Rendered) -> String {
    let lines = &rendered.lines;
    let mut out = String::new();
    let mut i = 0;
    while i < lines.len() {
        if lines[i].flow != render::Flow::Preformatted {
            out.push_str(&markdown_text(&lines[i].text()));
            out.push('\n');
            i += 1;
            continue;
        }
        // One block: preformatted lines and the blank lines between them.
        let mut end = i + 1;
        let mut j = i + 1;
        while j < lines.len()
            && (lines[j].flow == render::Flow::Preformatted || lines[j].is_blank())
        {
            if lines[j].flow == render::Flow::Preformatted {
                end = j + 1;
            }
            j += 1;
        }
        let block: Vec<String> = lines[i..end].iter().map(render::Line::text).collect();
        let fence = fence_for(&block);
        let _ = writeln!(out, "{fence}");
        for line in &block {
            let _ = writeln!(out, "{line}");
        }
        let _ = writeln!(out, "{fence}");
        i = end;
    }
    out
}

/// A code fence that no line of `block` can close: longer than any run of backticks in it.
fn fence_for(block: &[String]) -> String {
    let longest = block
        .iter()
        .flat_map(|l| l.split(|c| c != '`'))
        .map(str::len)
        .max()
        .unwrap_or(0);
    "`".repeat(longest.max(2) + 1)
}

/// Characters that would turn a title into Markdown syntax.
fn markdown_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '\\' | '*' | '_' | '`' | '[' | ']' | '<' | '>' | '#') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A body's text in Markdown, inert: no HTML (`<`, `>`, `&` become entities) and no link or
/// image syntax (`[`, `]` escaped) can come alive where the file is rendered (issue #17: a
/// body's `&lt;script&gt;` became a live `<script>`).
fn markdown_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\\' | '[' | ']' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// Plain text: title, byline, link, body (items are parted by a blank line, written by the
/// caller).
pub(super) fn text_item(out: &mut String, e: &Entry, bodies: bool) {
    let _ = writeln!(out, "{}", e.summary.title);
    let _ = writeln!(out, "{}", byline(e));
    if let Some(link) = link(e) {
        let _ = writeln!(out, "{link}");
    }
    for (url, enc) in enclosures(e) {
        let _ = writeln!(out, "{url} ({})", enc.describe());
    }
    let body = if bodies { body_text(e) } else { String::new() };
    if !body.trim().is_empty() {
        out.push('\n');
        out.push_str(body.trim_end());
        out.push('\n');
    }
}

/// One item of the JSON export (schema version 1, documented in the README).
#[derive(Serialize)]
struct JsonItem<'a> {
    id: i64,
    feed_id: i64,
    feed: &'a str,
    guid: Option<&'a str>,
    title: &'a str,
    link: Option<String>,
    author: Option<&'a str>,
    published: String,
    updated: Option<String>,
    first_seen: String,
    read: bool,
    starred: bool,
    /// The entry's labels, by name.
    labels: &'a [String],
    /// `null` when exported without bodies.
    content_html: Option<&'a str>,
    /// `url`, `type`, `length` (bytes), `duration` (seconds); `null` where unknown.
    enclosures: Vec<Enclosure>,
}

/// One item of the JSON export.
fn json_value(e: &Entry, bodies: bool) -> JsonItem<'_> {
    let s = &e.summary;
    JsonItem {
        id: s.id.0,
        feed_id: s.feed_id.0,
        feed: &s.feed_title,
        guid: s.guid.as_deref(),
        title: &s.title,
        link: link(e),
        author: s.author.as_deref(),
        published: date(s.published),
        updated: e.updated.map(date),
        first_seen: date(s.first_seen),
        read: s.read,
        starred: s.starred,
        labels: &s.labels,
        content_html: bodies.then_some(e.content_html.as_str()),
        enclosures: enclosures(e)
            .map(|(url, enc)| Enclosure { url, ..enc.clone() })
            .collect(),
    }
}

/// The JSON export's start: the document as `serde_json` writes it pretty, up to its items.
pub(super) fn json_head(out: &mut String, options: &Options) {
    let exported = serde_json::to_string(&date(options.now)).unwrap_or_default();
    let _ = write!(
        out,
        "{{\n  \"version\": 1,\n  \"exported\": {exported},\n  \"items\": ["
    );
}

/// One item of the JSON export, indented as inside the whole document; `first` when no item
/// came before it.
pub(super) fn json_item(out: &mut String, e: &Entry, bodies: bool, first: bool) {
    let item = json_value(e, bodies);
    // Strings hold no raw line breaks (JSON escapes them), so every line break is layout.
    let pretty = serde_json::to_string_pretty(&item).unwrap_or_default();
    out.push_str(if first { "\n    " } else { ",\n    " });
    out.push_str(&json_inert(&pretty.replace('\n', "\n    ")));
}

/// The JSON export's end, after `written` items.
pub(super) fn json_tail(out: &mut String, written: usize) {
    out.push_str(if written == 0 { "]\n}\n" } else { "\n  ]\n}\n" });
}

/// JSON with the characters `serde_json` leaves raw that a terminal would act on (DEL, C1
/// controls, bidi overrides and marks) written as `\uXXXX` escapes: the same JSON to a parser,
/// nothing a terminal obeys when it is printed (issue #17). They can only be inside strings.
pub fn json_inert(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        if matches!(c, '\u{7f}'..='\u{9f}' | '\u{200e}' | '\u{200f}' | '\u{061c}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
        {
            let _ = write!(out, "\\u{:04x}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    out
}

/// XML text: `&`, `<`, `>` and quotes escaped; characters XML forbids dropped.
pub(super) fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if u32::from(c) < 0x20 || matches!(c, '\u{fffe}' | '\u{ffff}') => {}
            c => out.push(c),
        }
    }
    out
}

/// An Atom 1.0 feed's start, up to its entries.
pub(super) fn atom_head(out: &mut String, options: &Options) {
    out.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    out.push_str("<feed xmlns=\"http://www.w3.org/2005/Atom\">\n");
    let _ = writeln!(out, "  <title>{}</title>", xml(&options.title));
    let _ = writeln!(out, "  <id>{}</id>", xml(&options.feed_id));
    if let Some(url) = &options.feed_url {
        let _ = writeln!(out, "  <link rel=\"self\" href=\"{}\"/>", xml(url));
    }
    let _ = writeln!(out, "  <updated>{}</updated>", date(options.now));
    out.push_str("  <generator>tidings</generator>\n");
}

/// The Atom feed's end.
pub(super) const ATOM_TAIL: &str = "</feed>\n";

/// One Atom entry.
pub(super) fn atom_item(out: &mut String, e: &Entry, bodies: bool) {
    let s = &e.summary;
    // Atom's id is an IRI, one per entry: a feed's guid when it is one (a URL, a `tag:` or
    // `urn:` id); else ours, for a guid like `1` is another feed's too (found trying it: two
    // feeds' entries shared one id, and a reader of the export kept one of them).
    let id = match &s.guid {
        Some(guid) if url::Url::parse(guid).is_ok() => guid.clone(),
        Some(_) => format!("urn:tidings:entry:{}", s.id.0),
        None => s
            .link
            .clone()
            .unwrap_or_else(|| format!("urn:tidings:entry:{}", s.id.0)),
    };
    out.push_str("  <entry>\n");
    let _ = writeln!(out, "    <title type=\"text\">{}</title>", xml(&s.title));
    let _ = writeln!(out, "    <id>{}</id>", xml(&id));
    if let Some(link) = link(e) {
        let _ = writeln!(out, "    <link rel=\"alternate\" href=\"{}\"/>", xml(&link));
    }
    for (url, enc) in enclosures(e) {
        let _ = write!(out, "    <link rel=\"enclosure\" href=\"{}\"", xml(&url));
        if let Some(mime) = &enc.mime {
            let _ = write!(out, " type=\"{}\"", xml(mime));
        }
        if let Some(length) = enc.length {
            let _ = write!(out, " length=\"{length}\"");
        }
        out.push_str("/>\n");
    }
    let _ = writeln!(out, "    <published>{}</published>", date(s.published));
    let updated = e.updated.unwrap_or(s.published);
    let _ = writeln!(out, "    <updated>{}</updated>", date(updated));
    if let Some(author) = &s.author {
        let _ = writeln!(out, "    <author><name>{}</name></author>", xml(author));
    }
    let _ = writeln!(
        out,
        "    <source><title>{}</title></source>",
        xml(&s.feed_title)
    );
    // Labels as categories (the Atom way to tag an entry), as mail and feed readers read them.
    for label in &s.labels {
        let _ = writeln!(out, "    <category term=\"{}\"/>", xml(label));
    }
    if bodies {
        let _ = writeln!(
            out,
            "    <content type=\"html\">{}</content>",
            xml(&render::safe_html(&e.content_html, e.base_url.as_deref()))
        );
    }
    out.push_str("  </entry>\n");
}

/// A CSV field, quoted when it must be (RFC 4180). A field a spreadsheet would take as a
/// formula (`=`, `+`, `-`, `@`, a tab or a carriage return first) is written after a `'`, so it
/// stays text (issue #17; OWASP's advice for CSV injection).
fn csv_field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_owned()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// The CSV export's header line.
pub(super) const CSV_HEAD: &str = "title,link,feed,date,author,labels\r\n";

/// One CSV row: title, link, feed, date, author, labels (separated by spaces: a label is one
/// word).
pub(super) fn csv_row(out: &mut String, e: &Entry) {
    let s = &e.summary;
    let fields = [
        s.title.clone(),
        link(e).unwrap_or_default(),
        s.feed_title.clone(),
        date(s.published),
        s.author.clone().unwrap_or_default(),
        s.labels.join(" "),
    ];
    let row: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
    out.push_str(&row.join(","));
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{EntryId, EntrySummary, FeedId};

    /// The JSON export, written an item at a time, is the document `serde_json` itself writes
    /// pretty from the same items (the schema's field order kept), with none, one or several.
    #[test]
    fn streamed_json_is_serde_jsons_own_pretty_document() {
        #[derive(Serialize)]
        struct Doc<'a> {
            version: u32,
            exported: String,
            items: Vec<JsonItem<'a>>,
        }
        for n in [0, 1, 3] {
            let entries: Vec<Entry> = three().into_iter().take(n).collect();
            let options = Options::new(at(1_700_100_000));
            for bodies in [true, false] {
                let mut o = options.clone();
                o.bodies = bodies;
                let doc = Doc {
                    version: 1,
                    exported: date(o.now),
                    items: entries.iter().map(|e| json_value(e, bodies)).collect(),
                };
                let want = json_inert(&serde_json::to_string_pretty(&doc).unwrap()) + "\n";
                assert_eq!(export(&entries, Format::Json, &o), want, "{n} items");
            }
        }
    }

    fn at(s: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(s, 0).unwrap()
    }

    fn item(id: i64, title: &str, html: &str) -> Entry {
        Entry {
            summary: EntrySummary {
                id: EntryId(id),
                feed_id: FeedId(1),
                feed_title: "Crate Digest".into(),
                guid: Some(format!("guid-{id}")),
                title: title.into(),
                link: Some(format!("https://a.example/{id}")),
                author: Some("Ann, \"the\" Writer".into()),
                published: at(1_700_000_000 + id),
                first_seen: at(1_700_000_100),
                read: id % 2 == 0,
                starred: true,
                hidden: false,
                labels: if id == 3 {
                    vec!["later".into(), "<work>".into()]
                } else {
                    Vec::new()
                },
                highlight: None,
                group: 0,
                story: None,
                also_in: Vec::new(),
            },
            updated: None,
            content_html: html.into(),
            base_url: Some("https://a.example/".into()),
            enclosures: Vec::new(),
            article: None,
            full_article: false,
        }
    }

    fn three() -> Vec<Entry> {
        vec![
            item(1, "First *post*", "<p>Hello <a href=\"/x\">there</a>.</p>"),
            item(2, "Second", "<script>alert(1)</script><p>Body two</p>"),
            item(3, "Third, with a comma", ""),
        ]
    }

    #[test]
    fn markdown_has_every_item_and_nothing_else() {
        let md = export(&three(), Format::Markdown, &Options::new(at(0)));
        assert_eq!(
            md.matches("\n## ").count() + usize::from(md.starts_with("## ")),
            3
        );
        assert!(md.starts_with("## First \\*post\\*\n"), "{md}");
        assert!(md.contains("<https://a.example/2>"));
        assert!(md.contains("Hello there\\[1\\]."), "{md}");
        assert!(md.contains("\\[1\\] https://a.example/x"), "{md}");
        assert!(!md.contains("alert(1)"), "scripts are not text: {md}");
        assert!(md.contains("*Crate Digest · Ann, \"the\" Writer · 2023-11-14 22:13 UTC*"));
    }

    /// Issue #19: preformatted text was wrapped at 78 columns and not fenced in Markdown, and a
    /// long URL in the link list broken in two, in Markdown and text alike.
    #[test]
    fn markdown_fences_code_and_keeps_it_and_urls_whole() {
        let long = format!("let x = f({});", "argument, ".repeat(10));
        let url = format!("https://a.example/{}", "deep/".repeat(20));
        let html = format!(
            "<p>See <a href=\"{url}\">this</a>:</p><pre><code>{long}\n\n``` not a fence\n</code></pre>"
        );
        let md = export(
            &[item(1, "Code", &html)],
            Format::Markdown,
            &Options::new(at(0)),
        );
        assert!(
            md.contains(&format!("````\n{long}\n\n``` not a fence\n````\n")),
            "{md}"
        );
        assert!(md.contains(&format!("\\[1\\] {url}\n")), "{md}");
        let text = export(
            &[item(1, "Code", &html)],
            Format::Text,
            &Options::new(at(0)),
        );
        assert!(text.contains(&format!("\n{long}\n")), "{text}");
        assert!(text.contains(&format!("[1] {url}\n")), "{text}");
    }

    #[test]
    fn a_fence_is_longer_than_any_backtick_run_inside() {
        assert_eq!(fence_for(&["plain".into()]), "```");
        assert_eq!(fence_for(&["a ```` b".into(), "`".into()]), "`````");
    }

    /// Issue #17: the Markdown export copied body text as it was, so `&lt;script&gt;` and
    /// `<img onerror>` in a body became live HTML wherever the file was rendered, and a body's
    /// `[x](javascript:…)` a live link.
    #[test]
    fn markdown_bodies_are_inert_text() {
        let hostile = item(
            1,
            "Hostile",
            "<p>&lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=x onerror=alert(2)&gt; \
             [click](javascript:alert(3)) AT&amp;T</p>",
        );
        let md = export(&[hostile], Format::Markdown, &Options::new(at(0)));
        assert!(!md.contains("<script") && !md.contains("<img"), "{md}");
        assert!(md.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{md}");
        assert!(md.contains("\\[click\\](javascript:alert(3))"), "{md}");
        assert!(md.contains("AT&amp;T"), "{md}");
    }

    /// Issue #17: links that are not to the web (a `javascript:` link a newsboat cache brought)
    /// were written as they were; every format checks them again on the way out.
    #[test]
    fn only_web_links_leave_in_any_format() {
        let mut bad = item(1, "Bad link", "<p>x</p>");
        bad.summary.link = Some("javascript:alert(1)".into());
        for format in [
            Format::Markdown,
            Format::Text,
            Format::Json,
            Format::Atom,
            Format::Csv,
            Format::Html,
        ] {
            let out = export(std::slice::from_ref(&bad), format, &Options::new(at(0)));
            assert!(!out.contains("javascript:"), "{format:?}: {out}");
        }
    }

    /// Issue #17: CSV cells a spreadsheet takes for formulas, JSON with raw C1 and bidi
    /// characters for the terminal, and years of five digits or below one in Atom.
    #[test]
    fn csv_formulas_json_controls_and_odd_years_are_made_harmless() {
        let mut e = item(
            1,
            "=HYPERLINK(\"http://evil.example\")",
            "<p>\u{9b}31m\u{202e}x</p>",
        );
        e.summary.author = Some("@SUM(1+1)".into());
        e.summary.feed_title = "+cmd|' /C calc'!A0".into();
        let csv = export(std::slice::from_ref(&e), Format::Csv, &Options::new(at(0)));
        let row = csv.lines().nth(1).unwrap();
        assert!(row.starts_with("\"'=HYPERLINK"), "{row}");
        assert!(row.contains(",'+cmd") && row.contains(",'@SUM"), "{row}");
        let json = export(std::slice::from_ref(&e), Format::Json, &Options::new(at(0)));
        assert!(
            !json.contains('\u{9b}') && !json.contains('\u{202e}'),
            "{json}"
        );
        assert!(json.contains("\\u009b31m\\u202ex"), "{json}");
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v["items"][0]["content_html"], "<p>\u{9b}31m\u{202e}x</p>");
        e.summary.published = at(300_000_000_000);
        e.updated = Some(at(-70_000_000_000));
        let atom = export(std::slice::from_ref(&e), Format::Atom, &Options::new(at(0)));
        assert!(
            atom.contains("<published>9999-12-31T23:59:59Z</published>"),
            "{atom}"
        );
        assert!(
            atom.contains("<updated>0001-01-01T00:00:00Z</updated>"),
            "{atom}"
        );
    }

    #[test]
    fn text_is_plain() {
        let t = export(&three(), Format::Text, &Options::new(at(0)));
        assert!(t.starts_with("First *post*\nCrate Digest"), "{t}");
        assert_eq!(
            t.matches("https://a.example/").count(),
            4,
            "three links and one body link"
        );
    }

    #[test]
    fn json_has_every_field_and_reads_back() {
        let j = export(&three(), Format::Json, &Options::new(at(0)));
        let v: serde_json::Value = serde_json::from_str(&j).unwrap();
        assert_eq!(v["version"], 1);
        let items = v["items"].as_array().unwrap();
        assert_eq!(items.len(), 3);
        assert_eq!(items[0]["title"], "First *post*");
        assert_eq!(items[1]["read"], true);
        assert_eq!(
            items[1]["content_html"],
            "<script>alert(1)</script><p>Body two</p>"
        );
        assert_eq!(items[2]["published"], "2023-11-14T22:13:23Z");
        for key in [
            "id",
            "feed_id",
            "feed",
            "guid",
            "link",
            "author",
            "updated",
            "first_seen",
            "starred",
            "labels",
        ] {
            assert!(items[0].get(key).is_some(), "{key}");
        }
        assert_eq!(items[2]["labels"], serde_json::json!(["later", "<work>"]));
    }

    /// Issue #22: enclosures leave in every format that can carry them, web links only.
    #[test]
    fn enclosures_leave_in_markdown_text_json_and_atom() {
        let mut e = item(1, "Episode 311", "<p>Show notes</p>");
        e.enclosures = vec![
            Enclosure::new(
                "https://cdn.example/atp311.mp3",
                Some("audio/mpeg"),
                Some(44_200_000),
                Some(3723),
            )
            .unwrap(),
            Enclosure {
                url: "javascript:alert(1)".into(),
                mime: None,
                length: None,
                duration: None,
            },
        ];
        let entries = [e];
        let options = Options::new(at(0));
        let md = export(&entries, Format::Markdown, &options);
        assert!(
            md.contains("- [audio/mpeg, 44.2 MB, 1:02:03](<https://cdn.example/atp311.mp3>)"),
            "{md}"
        );
        let text = export(&entries, Format::Text, &options);
        assert!(
            text.contains("https://cdn.example/atp311.mp3 (audio/mpeg"),
            "{text}"
        );
        let json: serde_json::Value =
            serde_json::from_str(&export(&entries, Format::Json, &options)).unwrap();
        assert_eq!(
            json["items"][0]["enclosures"],
            serde_json::json!([{"url": "https://cdn.example/atp311.mp3", "type": "audio/mpeg",
                "length": 44_200_000, "duration": 3723}])
        );
        let atom = export(&entries, Format::Atom, &options);
        assert!(
            atom.contains(
                "<link rel=\"enclosure\" href=\"https://cdn.example/atp311.mp3\" \
                 type=\"audio/mpeg\" length=\"44200000\"/>"
            ),
            "{atom}"
        );
        for out in [md, text, atom] {
            assert!(!out.contains("javascript"), "{out}");
        }
    }

    #[test]
    fn atom_is_a_feed_of_the_items() {
        // Parsing it back is checked end to end with `tidings parse` (tests/cli.rs).
        let xml = export(&three(), Format::Atom, &Options::new(at(1_800_000_000)));
        assert_eq!(xml.matches("<entry>").count(), 3);
        // `guid-2` is no IRI: the entry's own id stands for it.
        assert!(xml.contains("<id>urn:tidings:entry:2</id>"), "{xml}");
        let mut tagged = three();
        tagged[0].summary.guid = Some("tag:a.example,2026:1".into());
        tagged[1].summary.guid = Some("1".into());
        tagged[2].summary.guid = Some("1".into());
        let xml = export(&tagged, Format::Atom, &Options::new(at(1_800_000_000)));
        assert!(xml.contains("<id>tag:a.example,2026:1</id>"), "{xml}");
        assert_eq!(xml.matches("<id>urn:tidings:entry:").count(), 2, "{xml}");
        assert!(xml.contains("<category term=\"later\"/>\n    <category term=\"&lt;work&gt;\"/>"));
        assert!(
            xml.contains("&lt;p&gt;Body two&lt;/p&gt;"),
            "bodies are escaped html: {xml}"
        );
        assert!(
            !xml.contains("script"),
            "and sanitised, like the HTML export: {xml}"
        );
    }

    #[test]
    fn csv_quotes_what_it_must() {
        let c = export(&three(), Format::Csv, &Options::new(at(0)));
        let lines: Vec<&str> = c.split("\r\n").collect();
        assert_eq!(lines[0], "title,link,feed,date,author,labels");
        assert_eq!(
            lines[3],
            "\"Third, with a comma\",https://a.example/3,Crate Digest,2023-11-14T22:13:23Z,\"Ann, \"\"the\"\" Writer\",later <work>"
        );
        assert!(
            lines[1].ends_with(",\"Ann, \"\"the\"\" Writer\","),
            "{}",
            lines[1]
        );
        assert_eq!(
            lines.len(),
            5,
            "a header, three rows, and the final line end"
        );
    }

    #[test]
    fn without_bodies_items_keep_their_heading_byline_and_link_only() {
        let mut options = Options::new(at(0));
        options.bodies = false;
        let md = export(&three(), Format::Markdown, &options);
        assert!(md.contains("<https://a.example/1>"), "{md}");
        assert!(!md.contains("Hello"), "{md}");
        let t = export(&three(), Format::Text, &options);
        assert!(!t.contains("Body two"), "{t}");
        let j: serde_json::Value =
            serde_json::from_str(&export(&three(), Format::Json, &options)).unwrap();
        assert!(j["items"][0]["content_html"].is_null());
        let a = export(&three(), Format::Atom, &options);
        assert!(!a.contains("<content"), "{a}");
        let h = export(&three(), Format::Html, &options);
        assert!(h.contains("First *post*") && !h.contains("Hello"), "{h}");
    }

    #[test]
    fn formats_are_named() {
        for f in Format::ALL {
            assert_eq!(Format::from_name(f.name()), Some(f));
        }
        assert_eq!(Format::from_name("MD"), Some(Format::Markdown));
        assert_eq!(Format::from_name("atom"), Some(Format::Atom));
        assert_eq!(Format::from_name("pdf"), None);
    }
}
