//! The bench inputs, shared by `benches/ingest.rs` and `examples/prof.rs`: the real feeds
//! from `tests/fixtures/feeds` and one synthetic feed shaped like the loopback bench server's.

use std::fmt::Write as _;
use std::path::PathBuf;

/// The real files: (group name, fixture file).
pub const FILES: [(&str, &str); 4] = [
    ("rss1-craigslist", "rssparserjs__craigslist.rss"),
    ("rss2-podcast", "podcastns__example.xml"),
    ("atom-rome", "rome__data__atom_1.0_b.xml"),
    ("jsonfeed-feedkit", "feedkit__feed.json"),
];

pub const SYNTHETIC_ENTRIES: usize = 2000;
pub const SYNTHETIC_BODY_BYTES: usize = 2048;

pub fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/feeds")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

/// An RSS 2.0 feed of `entries` items, each with an escaped HTML body of about `body` bytes
/// (paragraphs, links, a list, code, a quote, an image), like the bench server's feeds.
pub fn synthetic_rss(entries: usize, body: usize) -> Vec<u8> {
    let mut doc = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rss version=\"2.0\">\n<channel>\n\
         <title>Synthetic bench feed</title>\n<link>https://bench.example/</link>\n\
         <description>generated for the ingest bench</description>\n",
    );
    for i in 0..entries {
        let html = html_body(i, body);
        let escaped = html
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;");
        let _ = write!(
            doc,
            "<item>\n  <title>Entry {i}: a synthetic post about feeds</title>\n  \
             <link>https://bench.example/post/{i}</link>\n  \
             <guid isPermaLink=\"false\">bench-{i}</guid>\n  \
             <pubDate>Mon, 01 Jan 2024 {:02}:{:02}:00 GMT</pubDate>\n  \
             <author>writer{}@bench.example (Writer {})</author>\n  \
             <description>{escaped}</description>\n</item>\n",
            (i / 60) % 24,
            i % 60,
            i % 7,
            i % 7
        );
    }
    doc.push_str("</channel>\n</rss>\n");
    doc.into_bytes()
}

fn html_body(i: usize, size: usize) -> String {
    let mut html = String::new();
    let mut part = 0;
    while html.len() < size {
        let _ = match part % 5 {
            0 => write!(
                html,
                "<p>Paragraph {part} of entry {i}: the quick brown fox reads <a \
                 href=\"https://bench.example/post/{i}#p{part}\">another post</a> and \
                 <em>jumps</em> over the <strong>lazy</strong> dog &amp; friends.</p>"
            ),
            1 => write!(
                html,
                "<ul><li>first point {part}</li><li>second point, with <code>code</code></li>\
                 <li>third point</li></ul>"
            ),
            2 => write!(
                html,
                "<pre><code>fn main() {{\n    println!(\"entry {i}\");\n}}</code></pre>"
            ),
            3 => write!(
                html,
                "<blockquote><p>Quoted text from somewhere else, entry {i}.</p></blockquote>"
            ),
            _ => write!(
                html,
                "<p><img src=\"/img/{i}-{part}.png\" alt=\"figure {part}\"> Caption {part}.</p>"
            ),
        };
        part += 1;
    }
    html
}
