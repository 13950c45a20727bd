//! `tidings db synth`: a realistic synthetic database, reproducible from a seed, for measuring
//! the reader at any size. Entries go through the same write path as a refresh (`record_success`:
//! bodies, full-text index, counters), so the database is what years of real use would leave:
//! HTML bodies of 1–10 KB (paragraphs, links, lists, code, quotes, images, like the bench feed
//! server's), dates spread over five years, most old entries read, 1 % starred, a third of the
//! feeds tagged. One word, `zymurgy`, is rare (one entry in 5 000), for search benchmarks.

use std::fmt::Write as _;

use super::{FetchMeta, Result, Store};
use crate::model::{EntryId, IncomingEntry, IncomingFeed, Mark};

/// What to build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SynthSpec {
    pub feeds: usize,
    pub entries_per_feed: usize,
    pub seed: u64,
    /// "Now": the newest entry is a little before it.
    pub now: i64,
    /// Of every feed's entries but the first feed's, about this many in a hundred link to the
    /// previous feed's entry of the same number (as a planet or a link blog re-posts it): the
    /// same story twice, folded at ingest (issue #23).
    pub duplicates_percent: u8,
}

/// What was built.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SynthReport {
    pub feeds: usize,
    pub entries: usize,
    pub read: usize,
    pub starred: usize,
}

/// Five years, in seconds: how far back dates go.
const SPAN: i64 = 5 * 365 * 86_400;
/// Entries newer than this are mostly unread.
const RECENT: i64 = 30 * 86_400;

/// A small deterministic generator (xorshift64*), so a seed always gives the same database.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Self(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n` (`n` > 0).
    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n as u64).unwrap_or(0)
    }
}

/// The vocabulary: plain English words, so searches and filters read like real ones.
const WORDS: [&str; 64] = [
    "river", "the", "build", "garden", "terminal", "market", "council", "kernel", "bread",
    "winter", "compile", "library", "station", "rust", "signal", "harvest", "engine", "letter",
    "orchard", "socket", "bridge", "ferry", "lantern", "meadow", "and", "of", "a", "to", "in",
    "release", "notes", "week", "with", "new", "old", "town", "road", "school", "water", "code",
    "server", "update", "review", "night", "morning", "plan", "field", "music", "storm", "light",
    "paper", "window", "table", "market", "season", "garden", "island", "valley", "cloud",
    "memory", "thread", "stream", "feed", "reader",
];

fn words(rng: &mut Rng, n: usize, out: &mut String) {
    for i in 0..n {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(WORDS[rng.below(WORDS.len())]);
    }
}

/// An HTML body of about `bytes` bytes made of varied fragments.
fn body(rng: &mut Rng, bytes: usize, site: &str, rare: bool) -> String {
    let mut html = String::with_capacity(bytes + 512);
    while html.len() < bytes {
        match rng.below(10) {
            0 => {
                html.push_str("<h2>");
                words(rng, 4, &mut html);
                html.push_str("</h2>");
            }
            1 => {
                html.push_str("<ul>");
                for _ in 0..3 + rng.below(3) {
                    html.push_str("<li>");
                    words(rng, 6, &mut html);
                    html.push_str("</li>");
                }
                html.push_str("</ul>");
            }
            2 => {
                html.push_str("<pre><code>fn main() {\n    let ");
                words(rng, 1, &mut html);
                html.push_str(" = 42;\n}\n</code></pre>");
            }
            3 => {
                html.push_str("<blockquote><p>");
                words(rng, 15, &mut html);
                html.push_str("</p></blockquote>");
            }
            4 => {
                let n = rng.below(1000);
                let _ = write!(
                    html,
                    "<p><img src=\"{site}/img/{n}.jpg\" alt=\"picture {n}\"></p>"
                );
            }
            _ => {
                html.push_str("<p>");
                words(rng, 20, &mut html);
                let n = rng.below(10_000);
                let _ = write!(html, " <a href=\"{site}/notes/{n}\">more</a> ");
                words(rng, 12, &mut html);
                html.push_str(".</p>");
            }
        }
    }
    if rare {
        html.push_str("<p>A note on zymurgy.</p>");
    }
    html
}

/// Builds the database; `progress(feeds done)` is called after each feed.
pub fn synth(
    store: &mut Store,
    spec: &SynthSpec,
    mut progress: impl FnMut(usize),
) -> Result<SynthReport> {
    // Like a refresh's writes, these can be made again: no sync per feed.
    store.set_durability(super::Durability::Normal)?;
    let mut rng = Rng::new(spec.seed);
    let mut report = SynthReport::default();
    let newest = spec.now - 600;
    let mut read = Vec::new();
    let mut starred = Vec::new();
    for f in 0..spec.feeds {
        let site = format!("https://site-{f}.synth.example");
        let (id, _) = store.add_feed(&format!("{site}/feed.xml"), spec.now - SPAN)?;
        let entries: Vec<IncomingEntry> = (0..spec.entries_per_feed)
            .map(|i| {
                let age = i64::try_from(rng.next() % u64::try_from(SPAN).unwrap_or(1)).unwrap_or(0);
                let bytes = 1024 + rng.below(9 * 1024);
                let rare = rng.below(5000) == 0;
                let mut title = String::new();
                let n = 4 + rng.below(6);
                words(&mut rng, n, &mut title);
                // A re-post links to the story on the previous feed's site.
                // (The generator is not asked without duplicates: the same seed builds the same
                // database as before they were added.)
                let reposted = f > 0
                    && spec.duplicates_percent > 0
                    && rng.below(100) < usize::from(spec.duplicates_percent);
                let link = if reposted {
                    format!("https://site-{}.synth.example/posts/{i}", f - 1)
                } else {
                    format!("{site}/posts/{i}")
                };
                IncomingEntry {
                    key: format!("{f}-{i}"),
                    guid: Some(format!("{site}/posts/{i}")),
                    title,
                    link: Some(link),
                    author: Some(format!("Writer {}", rng.below(500))),
                    published: chrono::DateTime::from_timestamp(newest - age, 0),
                    updated: None,
                    content_html: body(&mut rng, bytes, &site, rare),
                    enclosures: Vec::new(),
                }
            })
            .collect();
        let ages: Vec<i64> = entries
            .iter()
            .map(|e| newest - e.published.map_or(newest, |p| p.timestamp()))
            .collect();
        let doc = IncomingFeed {
            title: Some(format!("Synthetic feed {f}")),
            site_url: Some(site.clone()),
            ttl_minutes: None,
            entries,
        };
        store.record_success(id, &doc, &FetchMeta::default(), spec.now)?;
        if f % 3 == 0 {
            store.set_feed_tags(id, &[format!("topic{}", f % 20)])?;
        }
        // Ids are given in insertion order: this feed's entries are the last ones.
        let last: i64 = store
            .conn
            .query_row("SELECT COALESCE(MAX(id), 0) FROM entries", [], |r| r.get(0))
            .map_err(|e| store.err(e))?;
        let first = last - i64::try_from(ages.len()).unwrap_or(0) + 1;
        for (k, age) in ages.iter().enumerate() {
            let id = EntryId(first + i64::try_from(k).unwrap_or(0));
            let chance = if *age < RECENT { 30 } else { 95 };
            if rng.below(100) < chance {
                read.push(id);
            }
            if rng.below(100) == 0 {
                starred.push(id);
            }
        }
        report.feeds += 1;
        report.entries += ages.len();
        progress(f + 1);
    }
    for chunk in read.chunks(50_000) {
        store.set_mark(chunk, Mark::Read)?;
    }
    for chunk in starred.chunks(50_000) {
        store.set_mark(chunk, Mark::Star)?;
    }
    report.read = read.len();
    report.starred = starred.len();
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{EntryFilter, Page};
    use crate::store::test_support::temp_store;

    #[test]
    fn a_seed_always_builds_the_same_database() {
        let spec = SynthSpec {
            feeds: 3,
            entries_per_feed: 20,
            seed: 7,
            now: 1_800_000_000,
            duplicates_percent: 0,
        };
        let build = || {
            let (_dir, mut store) = temp_store();
            let report = synth(&mut store, &spec, |_| {}).unwrap();
            let rows = store
                .entries_page(&EntryFilter::default(), Page::First, 100)
                .unwrap();
            let bodies: Vec<String> = rows
                .iter()
                .map(|r| store.entry(r.id).unwrap().unwrap().content_html)
                .collect();
            (report, rows, bodies)
        };
        let (report, rows, bodies) = build();
        assert_eq!(report.entries, 60);
        assert_eq!(report.feeds, 3);
        assert_eq!(rows.len(), 60);
        assert!(bodies.iter().all(|b| (1024..11_000).contains(&b.len())));
        assert!(rows.iter().any(|r| r.read) && rows.iter().any(|r| !r.read));
        let span = rows[0].published - rows[59].published;
        assert!(span.num_days() > 365, "dates spread over years: {span}");
        assert_eq!(build(), (report, rows, bodies));
    }

    #[test]
    fn duplicates_are_re_posts_folded_into_one_story() {
        let (_dir, mut store) = temp_store();
        let spec = SynthSpec {
            feeds: 10,
            entries_per_feed: 50,
            seed: 3,
            now: 1_800_000_000,
            duplicates_percent: 10,
        };
        synth(&mut store, &spec, |_| {}).unwrap();
        let counts = store.counts().unwrap();
        let copies = 500 - counts.entries;
        assert!((20..80).contains(&copies), "{copies} copies of 500");
        let all = EntryFilter {
            with_copies: true,
            ..EntryFilter::default()
        };
        assert_eq!(
            store.entries_page(&all, Page::First, 600).unwrap().len(),
            500
        );
    }
}
