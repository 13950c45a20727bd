//! Key to finished frame on a big database (issue #5): moving the cursor, applying a filter,
//! searching a word. Each iteration is what the TUI does for one key: `app::update`, the
//! store queries its effects ask for (the same `Store` calls the runtime makes), and a full
//! draw into a 120×40 `TestBackend`. The database is what `tidings db synth` builds (100 entries
//! per feed, 1–10 KB HTML bodies, five years of dates, most old entries read, 1 % starred),
//! made once into `target/` and reused. Figures are quoted in `docs/BENCHMARKS.md`.
//!
//! `cargo bench --bench keys`; `TIDINGS_BENCH_ENTRIES=10000` for another size, or
//! `TIDINGS_BENCH_DB=PATH` for a database `tidings db synth` built.
// A bench whose setup fails should stop with the reason, like a test.
#![allow(clippy::expect_used)]

use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tidings::app::{Action, AppState, Msg, TextKey};
use tidings::store::{Store, SynthSpec, synth};

#[path = "support/session.rs"]
mod session;
use session::{key, typed};

fn entries_wanted() -> usize {
    std::env::var("TIDINGS_BENCH_ENTRIES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200_000)
}

/// The database: `TIDINGS_BENCH_DB` if set (one `tidings db synth` built), else one built here
/// with the same generator (100 entries per feed, seed 1) and kept in `target/`.
fn database() -> PathBuf {
    if let Some(path) = std::env::var_os("TIDINGS_BENCH_DB") {
        return PathBuf::from(path);
    }
    let total = entries_wanted();
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("target")
        .join(format!("bench-keys-{total}.synth.db"));
    let ready = Store::open(&path)
        .and_then(|s| s.counts())
        .is_ok_and(|c| c.entries == u64::try_from(total).unwrap_or(0));
    if !ready {
        eprintln!("building {} ({total} entries)…", path.display());
        let _ = std::fs::remove_file(&path);
        let mut store = Store::open(&path).expect("creating the bench database");
        let spec = SynthSpec {
            feeds: total.div_ceil(100),
            entries_per_feed: 100.min(total),
            seed: 1,
            now: chrono::Utc::now().timestamp(),
            duplicates_percent: 0,
        };
        synth(&mut store, &spec, |_| {}).expect("building the bench database");
    }
    path
}

fn started(store: &Store) -> AppState {
    session::started(store, 120, 40)
}

fn keys(c: &mut Criterion) {
    let path = database();
    let store = Store::open(&path).expect("opening the bench database");
    let mut term = Terminal::new(TestBackend::new(120, 40)).expect("a test terminal");
    let base = started(&store);
    let entries = store.counts().expect("counting").entries;
    let mut group = c.benchmark_group(format!("keys-{entries}"));
    group
        .sample_size(30)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));

    let mut state = base.clone();
    group.bench_function("move down (j)", |b| {
        b.iter(|| {
            if state.stream.at_bottom && state.stream.list.cursor + 1 == state.stream.rows.len() {
                state = base.clone();
            }
            key(&mut state, &store, &mut term, Msg::Action(Action::Down));
            black_box(state.stream.list.cursor)
        });
    });
    let mut state = base.clone();
    group.bench_function("page down", |b| {
        b.iter(|| {
            if state.stream.at_bottom {
                state = base.clone();
            }
            key(&mut state, &store, &mut term, Msg::Action(Action::PageDown));
            black_box(state.stream.list.cursor)
        });
    });
    group.bench_function("jump to the bottom (G)", |b| {
        b.iter_batched(
            || base.clone(),
            |mut s| key(&mut s, &store, &mut term, Msg::Action(Action::Bottom)),
            BatchSize::LargeInput,
        );
    });
    // Another connection's commit makes the store forget what its searches found, so every
    // search below is timed as the first one after the data changed (a refresh wrote).
    // (A write that changes nothing commits nothing: each writes a new value.)
    let mut other = Store::open(&path).expect("opening the bench database again");
    let mut visit = chrono::Utc::now().timestamp();
    let mut forget = move || {
        visit += 1;
        other
            .end_visit(visit)
            .expect("a write from another connection");
    };
    for (name, filter) in [
        ("filter: unread", "unread"),
        (
            "filter: tag + unread + since",
            "tag:topic3 unread since:3000d",
        ),
        ("filter: feed", "feed:\"Synthetic feed 77\""),
        ("search: a rare word", "zymurgy"),
        ("search: a common word", "river"),
        ("search: a prefix in 2 % of entries", "41*"),
        ("search: two words + unread", "unread harvest lantern"),
        ("search: a phrase", "\"river garden\""),
        ("search: negated word", "-river unread"),
    ] {
        let ready = typed(&base, filter);
        group.bench_function(name, |b| {
            b.iter_batched(
                || {
                    forget();
                    ready.clone()
                },
                |mut s| key(&mut s, &store, &mut term, Msg::Text(TextKey::Enter)),
                BatchSize::PerIteration,
            );
        });
        if !name.starts_with("search") {
            continue;
        }
        // Moving through a search: the window's next pages, the index read once.
        let mut applied = ready.clone();
        key(&mut applied, &store, &mut term, Msg::Text(TextKey::Enter));
        let mut state = applied.clone();
        group.bench_function(format!("{name}, then page down"), |b| {
            b.iter(|| {
                if state.stream.at_bottom {
                    state = applied.clone();
                }
                key(&mut state, &store, &mut term, Msg::Action(Action::PageDown));
                black_box(state.stream.list.cursor)
            });
        });
    }
    group.finish();
}

criterion_group!(benches, keys);
criterion_main!(benches);
