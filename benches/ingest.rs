//! Ingest throughput: the whole parse pipeline (`tidings::fetch::parse::parse_feed`: decode,
//! feed-rs, normalise, sanitise) against feed-rs alone on the same bytes, in MB/s. Real feeds
//! from `tests/fixtures/feeds` (provenance in its README) and one synthetic feed shaped like the
//! loopback bench server's (2000 entries, ~2 KB HTML bodies). Issue #3 wants the pipeline at
//! most 1.5× the cost of feed-rs; figures are quoted in `docs/BENCHMARKS.md`.
//!
//! `cargo bench --bench ingest` (about 30 s once built); `cargo bench --bench ingest --
//! synthetic` for one group.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use tidings::fetch::parse::parse_feed;

#[path = "support/inputs.rs"]
mod inputs;

const FEED_URL: &str = "https://bench.example/feed.xml";

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
    for (name, file) in inputs::FILES {
        bench_document(c, name, &inputs::fixture(file));
    }
    let synthetic = inputs::synthetic_rss(inputs::SYNTHETIC_ENTRIES, inputs::SYNTHETIC_BODY_BYTES);
    bench_document(c, "synthetic-rss2-2000x2KB", &synthetic);
}

criterion_group!(benches, ingest);
criterion_main!(benches);
