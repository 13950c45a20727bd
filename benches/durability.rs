//! What durability costs (issue #9): one mark, and one feed's refresh write, committed with
//! `synchronous = FULL` (the log synced at every commit: survives power loss) and `NORMAL`
//! (synced at checkpoints: survives a killed process). The database is a real file in the
//! system's temp directory, so the figures are this machine's disk. Quoted in
//! `docs/RELIABILITY.md`.
//!
//! `cargo bench --bench durability`
// A bench whose setup fails should stop with the reason, like a test.
#![allow(clippy::expect_used)]

use std::hint::black_box;

use chrono::{TimeZone, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use tidings::model::{EntryFilter, IncomingEntry, IncomingFeed, Mark, Page};
use tidings::store::{Durability, FetchMeta, Store};

/// A feed of `n` entries with ~2 KB bodies, each entry's text carrying `round` so that every
/// write changes every entry (the worst refresh: all updated).
fn feed(n: usize, round: u64) -> IncomingFeed {
    let entries = (0..n)
        .map(|i| IncomingEntry {
            key: format!("k{i}"),
            guid: Some(format!("k{i}")),
            title: format!("Entry {i} round {round}"),
            link: Some(format!("https://bench.example/{i}")),
            author: None,
            published: Utc
                .timestamp_opt(1_700_000_000 + i64::try_from(i).unwrap_or(0), 0)
                .single(),
            updated: None,
            content_html: format!("<p>round {round} {}</p>", "words of a body ".repeat(128)),
            enclosures: Vec::new(),
        })
        .collect();
    IncomingFeed {
        title: Some("Bench".into()),
        site_url: None,
        ttl_minutes: None,
        entries,
    }
}

fn durability(c: &mut Criterion) {
    let mut group = c.benchmark_group("durability");
    for (name, level) in [("FULL", Durability::Full), ("NORMAL", Durability::Normal)] {
        let dir = tempfile::tempdir().expect("a temp dir");
        let mut store = Store::open(&dir.path().join("bench.db")).expect("opening");
        store.set_durability(level).expect("setting durability");
        let (feed_id, _) = store
            .add_feed("https://bench.example/feed", 0)
            .expect("adding a feed");
        store
            .record_success(feed_id, &feed(20, 0), &FetchMeta::default(), 0)
            .expect("first write");
        let ids: Vec<_> = store
            .entries_page(&EntryFilter::default(), Page::First, 1)
            .expect("a page")
            .into_iter()
            .map(|e| e.id)
            .collect();
        let mut read = false;
        group.bench_function(format!("mark one entry/{name}"), |b| {
            b.iter(|| {
                read = !read;
                let mark = if read { Mark::Read } else { Mark::Unread };
                black_box(store.set_mark(&ids, mark).expect("marking"));
            });
        });
        let mut round = 0;
        group.bench_function(
            format!("write a refreshed feed of 20 entries/{name}"),
            |b| {
                b.iter_batched(
                    || {
                        round += 1;
                        feed(20, round)
                    },
                    |incoming| {
                        store
                            .record_success(feed_id, &incoming, &FetchMeta::default(), 0)
                            .expect("writing")
                    },
                    criterion::BatchSize::SmallInput,
                );
            },
        );
    }
    group.finish();
}

criterion_group!(benches, durability);
criterion_main!(benches);
