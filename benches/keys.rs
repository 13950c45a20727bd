//! Key to finished frame on a big database (issue #5): moving the cursor, applying a filter,
//! searching a word. Each iteration is what the TUI does for one key: `app::update`, the
//! store queries its effects ask for (the same `Store` calls the runtime makes), and a full
//! draw into a 120×40 `TestBackend`. The database (200 000 entries in 1 000 feeds, bodies of
//! 1–2 KB HTML, a third read, 1 % starred) is built once into `target/bench-keys.db` and reused;
//! building it takes a few minutes. Figures are quoted in `docs/BENCHMARKS.md`.
//!
//! `cargo bench --bench keys`; `TIDINGS_BENCH_ENTRIES=20000` for a smaller database.
// A bench whose setup fails should stop with the reason, like a test.
#![allow(clippy::expect_used)]

use std::collections::VecDeque;
use std::fmt::Write as _;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tidings::app::{self, Action, AppState, Effect, Msg, Options, TextKey};
use tidings::model::{EntryId, IncomingEntry, IncomingFeed, Mark};
use tidings::store::{FetchMeta, Store};

const FEEDS: usize = 1000;
/// Words bodies and titles are made of; `zymurgy` is rare (one entry in 5 000).
const WORDS: [&str; 24] = [
    "river", "the", "build", "garden", "terminal", "market", "council", "kernel", "bread",
    "winter", "compile", "library", "station", "rust", "signal", "harvest", "engine", "letter",
    "orchard", "socket", "bridge", "ferry", "lantern", "meadow",
];

fn entries_wanted() -> usize {
    std::env::var("TIDINGS_BENCH_ENTRIES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200_000)
}

/// A small deterministic generator (xorshift), so every build of the database is the same.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        usize::try_from(self.0 % 1_000_000_007).unwrap_or(0)
    }

    fn words(&mut self, n: usize) -> String {
        let mut out = String::new();
        for i in 0..n {
            if i > 0 {
                out.push(' ');
            }
            out.push_str(WORDS[self.next() % WORDS.len()]);
        }
        out
    }
}

fn build(path: &Path, total: usize) {
    let _ = std::fs::remove_file(path);
    let mut store = Store::open(path).expect("creating the bench database");
    let mut rng = Rng(0x5eed);
    let per_feed = total / FEEDS;
    let start = 1_500_000_000_i64;
    // Stored "now", after every entry's date (the store clamps dates in the future to it).
    let seen = start + i64::try_from(total * 600).unwrap_or(0) + 1;
    for f in 0..FEEDS {
        let (id, _) = store
            .add_feed(&format!("https://feed-{f}.bench.example/feed.xml"), start)
            .expect("adding a feed");
        let entries = (0..per_feed)
            .map(|i| {
                let n = f * per_feed + i;
                let mut html = String::new();
                while html.len() < 1000 + rng.next() % 1000 {
                    let _ = write!(html, "<p>{}.</p>", rng.words(12));
                }
                if n % 5000 == 17 {
                    html.push_str("<p>A note on zymurgy.</p>");
                }
                // Dates spread over years, interleaved across feeds.
                let published = start + i64::try_from(n * 613 % (total * 600)).unwrap_or(0);
                IncomingEntry {
                    key: format!("{f}-{i}"),
                    guid: Some(format!("{f}-{i}")),
                    title: format!("{} {n}", rng.words(6)),
                    link: Some(format!("https://feed-{f}.bench.example/{i}")),
                    author: Some(format!("Writer {}", n % 97)),
                    published: chrono::DateTime::from_timestamp(published, 0),
                    updated: None,
                    content_html: html,
                }
            })
            .collect();
        let doc = IncomingFeed {
            title: Some(format!("Feed {f}")),
            site_url: None,
            ttl_minutes: None,
            entries,
        };
        store
            .record_success(id, &doc, &FetchMeta::default(), seen)
            .expect("storing entries");
        if f % 3 == 0 {
            let _ = store.set_feed_tags(id, &[format!("t{}", f % 10)]);
        }
    }
    // A third read, 1 % starred.
    let ids: Vec<EntryId> = (1..=i64::try_from(total).unwrap_or(0))
        .map(EntryId)
        .collect();
    let read: Vec<EntryId> = ids.iter().copied().filter(|id| id.0 % 3 == 0).collect();
    let starred: Vec<EntryId> = ids.iter().copied().filter(|id| id.0 % 100 == 0).collect();
    store.set_mark(&read, Mark::Read).expect("marking read");
    store.set_mark(&starred, Mark::Star).expect("starring");
}

fn database() -> PathBuf {
    let total = entries_wanted();
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("target")
        .join(format!("bench-keys-{total}.db"));
    // Version 2 of the generator (dates no longer clamped to one instant).
    let path = path.with_extension("v2.db");
    let ready = Store::open(&path)
        .and_then(|s| s.counts())
        .is_ok_and(|c| c.entries == u64::try_from(total).unwrap_or(0));
    if !ready {
        eprintln!("building {} ({total} entries)…", path.display());
        build(&path, total);
    }
    path
}

/// Runs effects the way the runtime does for these keys (store reads only).
fn run(state: &mut AppState, store: &Store, effects: Vec<Effect>) {
    let mut work: VecDeque<Effect> = effects.into();
    while let Some(effect) = work.pop_front() {
        let msg = match effect {
            Effect::LoadPage {
                generation,
                filter,
                page,
                limit,
            } => Msg::PageLoaded {
                generation,
                page,
                rows: store.entries_page(&filter, page, limit).expect("a page"),
            },
            Effect::LoadCounts => Msg::Counts(store.counts().expect("counts")),
            _ => continue,
        };
        work.extend(app::update(state, msg));
    }
}

fn key(state: &mut AppState, store: &Store, term: &mut Terminal<TestBackend>, msg: Msg) {
    let effects = app::update(state, msg);
    run(state, store, effects);
    term.draw(|f| tidings::ui::draw(f, state)).expect("drawing");
}

fn started(store: &Store) -> AppState {
    let mut state = AppState::new(Options::default(), Vec::new(), 120, 40);
    let effects = state.start();
    run(&mut state, store, effects);
    state
}

/// The state with `filter` typed on the filter line, ready for `Enter`.
fn typed(base: &AppState, filter: &str) -> AppState {
    let mut s = base.clone();
    let _ = app::update(&mut s, Msg::Action(Action::Filter));
    for c in filter.chars() {
        let _ = app::update(&mut s, Msg::Text(TextKey::Char(c)));
    }
    s
}

fn keys(c: &mut Criterion) {
    let path = database();
    let store = Store::open(&path).expect("opening the bench database");
    let mut term = Terminal::new(TestBackend::new(120, 40)).expect("a test terminal");
    let base = started(&store);
    let mut group = c.benchmark_group(format!("keys-{}", entries_wanted()));
    group
        .sample_size(30)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));

    let mut state = base.clone();
    group.bench_function("move down (j)", |b| {
        b.iter(|| {
            if state.stream.at_bottom && state.stream.cursor + 1 == state.stream.rows.len() {
                state = base.clone();
            }
            key(&mut state, &store, &mut term, Msg::Action(Action::Down));
            black_box(state.stream.cursor)
        });
    });
    let mut state = base.clone();
    group.bench_function("page down", |b| {
        b.iter(|| {
            if state.stream.at_bottom {
                state = base.clone();
            }
            key(&mut state, &store, &mut term, Msg::Action(Action::PageDown));
            black_box(state.stream.cursor)
        });
    });
    group.bench_function("jump to the bottom (G)", |b| {
        b.iter_batched(
            || base.clone(),
            |mut s| key(&mut s, &store, &mut term, Msg::Action(Action::Bottom)),
            BatchSize::LargeInput,
        );
    });
    for (name, filter) in [
        ("filter: unread", "unread"),
        ("filter: tag + unread + since", "tag:t3 unread since:3000d"),
        ("filter: feed", "feed:\"Feed 77\""),
        ("search: a rare word", "zymurgy"),
        ("search: a common word", "river"),
        ("search: two words + unread", "unread harvest lantern"),
        ("search: a phrase", "\"river garden\""),
        ("search: negated word", "-river unread"),
    ] {
        let ready = typed(&base, filter);
        group.bench_function(name, |b| {
            b.iter_batched(
                || ready.clone(),
                |mut s| key(&mut s, &store, &mut term, Msg::Text(TextKey::Enter)),
                BatchSize::LargeInput,
            );
        });
    }
    group.finish();
}

criterion_group!(benches, keys);
criterion_main!(benches);
