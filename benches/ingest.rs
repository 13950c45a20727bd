//! Ingest throughput: the whole parse pipeline (`tidings::fetch::parse::parse_feed`: decode,
//! feed-rs, normalise, sanitise) against feed-rs alone on the same bytes, in MB/s. Real feeds
//! from `tests/fixtures/feeds` (provenance in its README) and one synthetic feed shaped like the
//! loopback bench server's (2000 entries, ~2 KB HTML bodies). Issue #3 wants the pipeline at
//! most 1.5× the cost of feed-rs; figures are quoted in `docs/BENCHMARKS.md`.
//!
//! `cargo bench --bench ingest` (about 30 s once built); `cargo bench --bench ingest --
//! synthetic` for one group.

use std::fmt::Write as _;
use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use tidings::fetch::parse::parse_feed;

const FEED_URL: &str = "https://bench.example/feed.xml";

/// The real files: (group name, fixture file).
const FILES: [(&str, &str); 4] = [
    ("rss1-craigslist", "rssparserjs__craigslist.rss"),
    ("rss2-podcast", "podcastns__example.xml"),
    ("atom-rome", "rome__data__atom_1.0_b.xml"),
    ("jsonfeed-feedkit", "feedkit__feed.json"),
];

const SYNTHETIC_ENTRIES: usize = 2000;
const SYNTHETIC_BODY_BYTES: usize = 2048;

fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/feeds")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

/// An RSS 2.0 feed of `entries` items, each with an escaped HTML body of about `body` bytes
/// (paragraphs, links, a list, code, a quote, an image), like the bench server's feeds.
fn synthetic_rss(entries: usize, body: usize) -> Vec<u8> {
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

fn bench_document(c: &mut Criterion, name: &str, bytes: &[u8]) {
    // A document either parser rejects would measure an error path, not ingest.
    let ours = parse_feed(bytes, FEED_URL).unwrap_or_else(|e| panic!("{name}: {e}"));
    let theirs = feed_rs::parser::parse(bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(
        ours.entries.len(),
        theirs.entries.len(),
        "{name}: entry counts"
    );

    let mut group = c.benchmark_group(name);
    group
        .throughput(Throughput::Bytes(bytes.len() as u64))
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    group.bench_function("feed-rs", |b| {
        b.iter(|| feed_rs::parser::parse(black_box(bytes)));
    });
    group.bench_function("tidings", |b| {
        b.iter(|| parse_feed(black_box(bytes), FEED_URL));
    });
    group.finish();
}

fn ingest(c: &mut Criterion) {
    for (name, file) in FILES {
        bench_document(c, name, &fixture(file));
    }
    let synthetic = synthetic_rss(SYNTHETIC_ENTRIES, SYNTHETIC_BODY_BYTES);
    bench_document(c, "synthetic-rss2-2000x2KB", &synthetic);
}

criterion_group!(benches, ingest);
criterion_main!(benches);
