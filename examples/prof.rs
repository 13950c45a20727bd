//! A repeatable profile of one ingest bench input: runs the tidings pipeline (`p`) or feed-rs
//! alone (`f`) `N` times over it, for callgrind to count instructions (criterion's wall clock
//! moves with whatever else the machine does; instruction counts do not). `INPUT` is a bench
//! group name (`rss1-craigslist`, `rss2-podcast`, `atom-rome`, `jsonfeed-feedkit`, `synthetic`)
//! or a file path. See `docs/BENCHMARKS.md`.
//!
//! ```sh
//! CARGO_PROFILE_RELEASE_DEBUG=1 cargo build --release --example prof
//! valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.p.out \
//!     target/release/examples/prof rss1-craigslist p 50
//! ```

use std::hint::black_box;
use std::process::ExitCode;

use tidings::fetch::parse::parse_feed;

#[path = "../benches/support/inputs.rs"]
mod inputs;

const FEED_URL: &str = "https://bench.example/feed.xml";
const USAGE: &str = "usage: prof INPUT p|f N   (INPUT: a bench group name or a file)";

fn input(name: &str) -> Result<Vec<u8>, String> {
    if name.starts_with("synthetic") {
        return Ok(inputs::synthetic_rss(
            inputs::SYNTHETIC_ENTRIES,
            inputs::SYNTHETIC_BODY_BYTES,
        ));
    }
    match inputs::FILES.iter().find(|(group, _)| *group == name) {
        Some((_, file)) => Ok(inputs::fixture(file)),
        None => std::fs::read(name).map_err(|e| format!("reading {name}: {e}")),
    }
}

fn run(args: &[String]) -> Result<(), String> {
    let [_, name, mode, n] = args else {
        return Err(USAGE.to_owned());
    };
    let n: usize = n.parse().map_err(|_| USAGE.to_owned())?;
    let bytes = input(name)?;
    for _ in 0..n {
        match mode.as_str() {
            "p" => {
                black_box(parse_feed(black_box(&bytes), FEED_URL).map_err(|e| e.to_string())?);
            }
            "f" => {
                black_box(
                    feed_rs::parser::parse(black_box(&bytes[..])).map_err(|e| e.to_string())?,
                );
            }
            _ => return Err(USAGE.to_owned()),
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}
