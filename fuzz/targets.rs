//! The four fuzz targets, shared by the fuzzer (`fuzz/fuzz.rs`) and the corpus replay in CI
//! (`tests/fuzz_replay.rs`), so both run the same calls with the same checks.
//!
//! A target takes raw bytes, calls the library the way tidings does, and panics when one of the
//! invariants in `checks.rs` fails. It returns a *shape*: a hash of coarse features of what came
//! out (how many entries and which fields they have, which error, which styles and elements).
//! Without compiler instrumentation on stable, the shape stands in for coverage: the fuzzer
//! keeps an input whose shape it has not seen before and mutates it further.

#[path = "checks.rs"]
mod checks;

use std::collections::{BTreeSet, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::mem::discriminant;

use tidings::export::{convert_newsboat_filter, read_subscriptions};
use tidings::fetch::parse::{ParseError, parse_document};
use tidings::model::IncomingFeed;
use tidings::model::hash::fnv1a64;
use tidings::model::{query, sanitize};
use tidings::render::{self, Rendered};

/// The targets, by the names the fuzzer and the corpus directories use.
pub const TARGETS: [&str; 4] = ["ingest", "render", "query", "subscriptions"];

/// How much of the costlier checking an input gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// While fuzzing: the extra parses and widths go to a share of the inputs (chosen by the
    /// input's hash, so a replay repeats them).
    #[allow(dead_code)] // the replay test only replays
    Fuzz,
    /// A saved input replayed: every check.
    Replay,
}

/// Runs `target` over `input`; `None` for an unknown target. Panics on a broken invariant.
pub fn run(target: &str, input: &[u8], mode: Mode) -> Option<u64> {
    Some(match target {
        "ingest" => ingest(input, mode),
        "render" => render(input, mode),
        "query" => query(input),
        "subscriptions" => subscriptions(input),
        _ => return None,
    })
}

/// An accumulating hash of output features.
#[derive(Default)]
struct Shape(DefaultHasher);

impl Shape {
    fn add(&mut self, feature: impl Hash) {
        feature.hash(&mut self.0);
    }

    fn finish(&self) -> u64 {
        self.0.finish()
    }
}

/// `n` on a log scale: 0, 1, 2-3, 4-7, ...
fn bucket(n: usize) -> u32 {
    n.checked_ilog2().map_or(0, |b| b + 1)
}

/// Tells messages apart by the words of their templates: the words of lowercase ASCII letters
/// that are not words of the input (values and names quoted from it would make every message
/// a new kind).
struct Kinds(HashSet<String>);

impl Kinds {
    /// The words of `input`, as written and as sanitised (dropping a control character joins
    /// the words around it).
    fn new(input: &str) -> Self {
        let clean = sanitize::line(input);
        let words = [input, clean.as_str()]
            .into_iter()
            .flat_map(|s| s.split(|c: char| !c.is_ascii_alphabetic()))
            .filter(|w| !w.is_empty())
            .map(str::to_ascii_lowercase)
            .collect();
        Self(words)
    }

    fn of(&self, message: &str) -> Vec<String> {
        message
            .split(|c: char| !c.is_ascii_alphabetic())
            .filter(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase()))
            .filter(|w| !self.0.contains(*w))
            .take(8)
            .map(str::to_owned)
            .collect()
    }
}

/// The feed URL documents are parsed as coming from, as a refresh does.
const FEED_URL: &str = "https://fuzz.example/blog/feed.xml";
/// A local file, as `tidings add file://…` reads one: no base to resolve links against.
const FILE_URL: &str = "file:///srv/feeds/feed.xml";
/// `Content-Type` headers whose charset competes with the document's own declaration.
const CONTENT_TYPES: [&str; 6] = [
    "application/rss+xml; charset=utf-8",
    "text/xml; charset=iso-8859-1",
    "application/atom+xml; charset=utf-16le",
    "text/html; charset=windows-1252",
    "application/feed+json",
    "text/xml; charset=shift_jis",
];

/// Bytes → entries, the whole path a refresh takes (`parse_document`: decode, repair, feed-rs,
/// normalise), from a web URL and sometimes from a file and with a `Content-Type`.
fn ingest(bytes: &[u8], mode: Mode) -> u64 {
    let every = mode == Mode::Replay;
    let h = fnv1a64(bytes);
    let mut shape = Shape::default();
    let first = parse_document(bytes, FEED_URL, None);
    checks::parsed(&first, true);
    ingest_shape(&first, bytes, &mut shape);
    if every || h % 8 == 0 {
        checks::same_parse(&first, &parse_document(bytes, FEED_URL, None));
    }
    if every || h % 4 == 1 {
        let from_file = parse_document(bytes, FILE_URL, None);
        checks::parsed(&from_file, false);
        ingest_shape(&from_file, bytes, &mut shape);
    }
    if every || h % 4 == 2 {
        let pick = usize::try_from(h >> 8).unwrap_or_default() % CONTENT_TYPES.len();
        for (i, content_type) in CONTENT_TYPES.iter().enumerate() {
            if every || i == pick {
                let typed = parse_document(bytes, FEED_URL, Some(content_type));
                checks::parsed(&typed, true);
                ingest_shape(&typed, bytes, &mut shape);
            }
        }
    }
    shape.finish()
}

fn ingest_shape(result: &Result<IncomingFeed, ParseError>, bytes: &[u8], shape: &mut Shape) {
    match result {
        Err(e) => {
            shape.add(discriminant(e));
            let kinds = Kinds::new(&String::from_utf8_lossy(bytes));
            shape.add(kinds.of(&e.to_string()));
        }
        Ok(feed) => {
            shape.add((
                feed.title.is_some(),
                feed.site_url.is_some(),
                feed.ttl_minutes.is_some(),
            ));
            shape.add(bucket(feed.entries.len()));
            let fields: BTreeSet<_> = feed
                .entries
                .iter()
                .map(|e| {
                    (
                        e.guid.is_some(),
                        e.link.is_some(),
                        e.author.is_some(),
                        e.published.is_some(),
                        e.updated.is_some(),
                        e.title == tidings::fetch::parse::UNTITLED,
                        e.key.starts_with("fnv1a:"),
                        e.content_html.is_empty(),
                    )
                })
                .collect();
            shape.add(fields);
            shape.add(bucket(
                feed.entries
                    .iter()
                    .map(|e| e.content_html.len())
                    .max()
                    .unwrap_or(0),
            ));
        }
    }
}

/// The base URL articles are rendered against.
const BASE: &str = "https://fuzz.example/post/1";
/// The widths an article is laid out at.
const WIDTHS: [usize; 6] = [1, 2, 7, 20, 80, 200];

/// HTML → lines: the reader's layout and its plain-text fallback at several widths, and the
/// export's sanitiser (`safe_html`), with what a browser would build from its output.
fn render(bytes: &[u8], mode: Mode) -> u64 {
    let every = mode == Mode::Replay;
    let html = String::from_utf8_lossy(bytes);
    let h = usize::try_from(fnv1a64(bytes)).unwrap_or_default();
    let mut shape = Shape::default();
    let base = (h % 5 != 0).then_some(BASE);
    for (i, &width) in WIDTHS.iter().enumerate() {
        // While fuzzing: one narrow width and one wide one.
        if !every && i != h % 3 && i != 3 + (h >> 8) % 3 {
            continue;
        }
        let rendered = render::article(&html, base, width);
        checks::rendered(&rendered, width, "article");
        rendered_shape(&rendered, &mut shape);
        let quick = render::fallback(&html, width);
        checks::rendered(&quick, width, "fallback");
        assert!(quick.links.is_empty(), "the fallback listed links");
        shape.add(bucket(quick.lines.len()));
    }
    let safe = render::safe_html(&html, base);
    let elements = checks::safe_fragment(&safe);
    if every || h % 4 == 0 {
        checks::contained(&safe);
    }
    shape.add(elements);
    shape.add(bucket(safe.len()));
    shape.finish()
}

fn rendered_shape(rendered: &Rendered, shape: &mut Shape) {
    shape.add(bucket(rendered.lines.len()));
    shape.add(bucket(rendered.links.len()));
    let styles: BTreeSet<_> = rendered
        .lines
        .iter()
        .flat_map(|l| &l.spans)
        .map(|s| {
            let st = s.style;
            (
                st.bold,
                st.italic,
                st.code,
                st.heading,
                st.quote,
                st.link.is_some(),
            )
        })
        .collect();
    shape.add(styles);
}

/// The filter-query parser: canonical text round trips, errors point into the input.
fn query(bytes: &[u8]) -> u64 {
    let text = String::from_utf8_lossy(bytes);
    checks::sanitizer(&text);
    let mut shape = Shape::default();
    match query::parse(&text) {
        Ok(q) => {
            checks::query_round_trips(&q);
            // What a rule does with it: checked against an entry in memory, never a panic.
            let entry = query::Candidate {
                title: "[Ad] Kernel 7.0: café édition",
                author: Some("Ann Example"),
                link: Some("https://example.org/ads/7?utm=x"),
                text: "The release notes are long. Error handling changed.",
                feed_names: ["", "LWN", "https://lwn.example/feed"],
                ..query::Candidate::default()
            };
            shape.add(query::holds(&q, &entry, 1_800_000_000));
            let kinds: BTreeSet<_> = q
                .terms
                .iter()
                .map(|t| (t.negated, format!("{:?}", discriminant(&t.kind))))
                .collect();
            shape.add(kinds);
            shape.add(bucket(q.terms.len()));
            shape.add(bucket(q.search_terms().len()));
        }
        Err(e) => {
            checks::query_error(&text, &e);
            shape.add(Kinds::new(&text).of(&e.message));
        }
    }
    shape.finish()
}

/// The subscription import (OPML, newsboat `urls`) and, on the same text, the newsboat filter
/// conversion its query feeds go through.
fn subscriptions(bytes: &[u8]) -> u64 {
    let text = String::from_utf8_lossy(bytes);
    let kinds = Kinds::new(&text);
    let mut shape = Shape::default();
    match read_subscriptions(&text) {
        Ok(imported) => {
            checks::imported(&text, &imported);
            shape.add((
                bucket(imported.subscriptions.len()),
                bucket(imported.views.len()),
                imported
                    .subscriptions
                    .iter()
                    .map(|s| (s.title.is_some(), bucket(s.tags.len())))
                    .collect::<BTreeSet<_>>(),
                imported
                    .skipped
                    .iter()
                    .map(|s| kinds.of(&s.why))
                    .collect::<BTreeSet<_>>(),
            ));
        }
        Err(e) => {
            let message = e.to_string();
            checks::one_line("the import error", &message);
            shape.add(kinds.of(&message));
        }
    }
    match convert_newsboat_filter(&text) {
        Ok(filter) => {
            checks::canonical_filter(&filter);
            shape.add(bucket(filter.len()));
        }
        Err(e) => {
            checks::one_line("the conversion error", &e.to_string());
            shape.add(kinds.of(&e.to_string()));
        }
    }
    shape.finish()
}
