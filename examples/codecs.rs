//! Measures ways of storing entry bodies (issue #16): deflate as stored before, and zstd at a
//! few levels, with and without a dictionary trained on feed HTML, for size and speed. Bodies
//! are what the store keeps: `content_html` of every entry of 512 bytes or more, taken through
//! tidings' own parser from the feed documents given. Documents are split by a hash of their
//! path: half train the dictionary, the other half are measured (so a dictionary never sees
//! what it is judged on), unless `--train DIR` names other documents to train on, or `--dict
//! FILE` gives the dictionary (the one tidings ships, say: then every document is measured).
//!
//! ```sh
//! cargo run --release --example codecs -- [--train DIR | --dict FILE] [--dict-out FILE] DIR...
//! ```
// A measuring tool: a missing file stops it with the reason.
#![allow(clippy::expect_used, clippy::cast_precision_loss)]

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use tidings::fetch::parse::parse_feed;

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(read) = std::fs::read_dir(dir) else {
        out.push(dir.to_owned());
        return;
    };
    for e in read.flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, out);
        } else {
            out.push(p);
        }
    }
}

fn bodies(paths: &[PathBuf]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for p in paths {
        let Ok(bytes) = std::fs::read(p) else {
            continue;
        };
        let Ok(feed) = parse_feed(&bytes, "https://example.com/feed") else {
            continue;
        };
        out.extend(
            feed.entries
                .into_iter()
                .map(|e| e.content_html.into_bytes())
                .filter(|b| b.len() >= 512),
        );
    }
    out
}

fn fnv(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

struct Row {
    name: String,
    packed: usize,
    pack_s: f64,
    unpack_s: f64,
}

/// Packs every body: what `valgrind --tool=callgrind --toggle-collect='*measured_pack*'`
/// counts, with `CODEC_ONLY` naming one codec.
#[inline(never)]
fn measured_pack(set: &[Vec<u8>], pack: &mut impl FnMut(&[u8]) -> Vec<u8>) -> Vec<Vec<u8>> {
    set.iter().map(|b| pack(b)).collect()
}

fn measure(
    name: &str,
    set: &[Vec<u8>],
    mut pack: impl FnMut(&[u8]) -> Vec<u8>,
    mut unpack: impl FnMut(&[u8], usize) -> Vec<u8>,
) -> Option<Row> {
    if std::env::var("CODEC_ONLY").is_ok_and(|only| only != name) {
        return None;
    }
    // Twice, keeping the faster, so a first pass warms caches and allocations.
    let mut best = (f64::MAX, f64::MAX, 0);
    for _ in 0..2 {
        let t = Instant::now();
        let packed = measured_pack(set, &mut pack);
        let pack_s = t.elapsed().as_secs_f64();
        let t = Instant::now();
        for (p, b) in packed.iter().zip(set) {
            assert_eq!(unpack(p, b.len()), *b, "{name} round trip");
        }
        let unpack_s = t.elapsed().as_secs_f64();
        let size = packed.iter().map(Vec::len).sum();
        best = (best.0.min(pack_s), best.1.min(unpack_s), size);
    }
    Some(Row {
        name: name.to_owned(),
        packed: best.2,
        pack_s: best.0,
        unpack_s: best.1,
    })
}

fn deflate(level: u32) -> impl FnMut(&[u8]) -> Vec<u8> {
    move |b| {
        let mut e = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::new(level));
        e.write_all(b).expect("into a Vec");
        e.finish().expect("into a Vec")
    }
}

fn inflate(p: &[u8], len: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(len);
    flate2::read::DeflateDecoder::new(p)
        .read_to_end(&mut out)
        .expect("inflating");
    out
}

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut take = |flag: &str| {
        let i = args.iter().position(|a| a == flag)?;
        args.remove(i);
        Some(args.remove(i))
    };
    let train_dir = take("--train");
    let dict_out = take("--dict-out");
    let dict_in = take("--dict").map(|f| std::fs::read(f).expect("reading the dictionary"));
    let mut paths = Vec::new();
    for a in &args {
        files(Path::new(a), &mut paths);
    }
    paths.sort();
    let (train, test): (Vec<PathBuf>, Vec<PathBuf>) = match &train_dir {
        _ if dict_in.is_some() => (Vec::new(), paths),
        Some(dir) => {
            let mut t = Vec::new();
            files(Path::new(dir), &mut t);
            (t, paths)
        }
        None => paths
            .into_iter()
            .partition(|p| fnv(&p.display().to_string()) % 2 == 0),
    };
    let train = bodies(&train);
    let test = bodies(&test);
    let total: usize = test.iter().map(Vec::len).sum();
    println!(
        "train: {} bodies ({} bytes); measured: {} bodies, {total} bytes",
        train.len(),
        train.iter().map(Vec::len).sum::<usize>(),
        test.len()
    );
    let dict_kb: usize = std::env::var("DICT_KB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(64);
    let levels: Vec<i32> = std::env::var("LEVELS").ok().map_or_else(
        || vec![1, 3, 6],
        |v| v.split(',').filter_map(|l| l.parse().ok()).collect(),
    );
    let dict = dict_in.unwrap_or_else(|| {
        zstd::dict::from_samples(&train, dict_kb * 1024).expect("training a dictionary")
    });
    if let Some(out) = dict_out {
        std::fs::write(&out, &dict).expect("writing the dictionary");
    }
    let mut rows = vec![
        measure("deflate 1", &test, deflate(1), inflate),
        measure("deflate 3", &test, deflate(3), inflate),
        measure("deflate 6", &test, deflate(6), inflate),
    ];
    for level in levels {
        let mut c = zstd::bulk::Compressor::new(level).expect("a compressor");
        let mut d = zstd::bulk::Decompressor::new().expect("a decompressor");
        rows.push(measure(
            &format!("zstd {level}"),
            &test,
            |b| c.compress(b).expect("compressing"),
            |p, len| d.decompress(p, len).expect("decompressing"),
        ));
        let mut c = zstd::bulk::Compressor::with_dictionary(level, &dict).expect("a compressor");
        let mut d = zstd::bulk::Decompressor::with_dictionary(&dict).expect("a decompressor");
        rows.push(measure(
            &format!("zstd {level} + {} KB dictionary", dict.len() / 1024),
            &test,
            |b| c.compress(b).expect("compressing"),
            |p, len| d.decompress(p, len).expect("decompressing"),
        ));
    }
    println!("| codec | stored bytes | ratio | pack MB/s | unpack MB/s |");
    println!("| --- | ---: | ---: | ---: | ---: |");
    let mb = total as f64 / 1e6;
    for r in rows.into_iter().flatten() {
        println!(
            "| {} | {} | {:.2} | {:.0} | {:.0} |",
            r.name,
            r.packed,
            total as f64 / r.packed as f64,
            mb / r.pack_s,
            mb / r.unpack_s
        );
    }
}
