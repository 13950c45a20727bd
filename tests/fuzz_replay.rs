//! Issue #9: the fuzz corpus (`fuzz/corpus/TARGET/`, inputs the fuzzer found interesting) and
//! the regression inputs (`fuzz/regressions/TARGET/`, one per bug the fuzzer found) replayed
//! through the same targets and checks as the fuzzer, every check on (see `fuzz/README.md`).
//! One test per target; each reports every failing input at once.
// Harness code outside #[test] functions unwraps too: a broken setup should fail the test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../fuzz/targets.rs"]
mod targets;

use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use targets::{Mode, TARGETS};

/// The largest file the corpus may hold: the replay must stay fast and the repository small.
const MAX_FILE_BYTES: u64 = 64 * 1024;

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz")
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .map(|e| e.unwrap().path())
        .filter(|p| !p.file_name().unwrap().to_string_lossy().starts_with('.'))
        .collect();
    files.sort();
    files
}

fn message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap_or_default()
}

fn replay(target: &str) {
    let mut problems = Vec::new();
    let mut count = 0;
    for kind in ["corpus", "regressions"] {
        for file in files(&fuzz_dir().join(kind).join(target)) {
            count += 1;
            let shown = file.strip_prefix(fuzz_dir()).unwrap().display().to_string();
            let size = file.metadata().unwrap().len();
            if size > MAX_FILE_BYTES {
                problems.push(format!("{shown}: {size} bytes, over {MAX_FILE_BYTES}"));
                continue;
            }
            let bytes = std::fs::read(&file).unwrap();
            let run = panic::catch_unwind(AssertUnwindSafe(|| {
                targets::run(target, &bytes, Mode::Replay)
            }));
            if let Err(payload) = run {
                problems.push(format!("{shown}: {}", message(payload.as_ref())));
            }
        }
    }
    assert!(count > 0, "no inputs for {target}");
    assert!(
        problems.is_empty(),
        "{} of {count} {target} inputs fail:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn ingest_corpus_replays() {
    replay("ingest");
}

#[test]
fn render_corpus_replays() {
    replay("render");
}

#[test]
fn query_corpus_replays() {
    replay("query");
}

#[test]
fn subscriptions_corpus_replays() {
    replay("subscriptions");
}

/// A directory that names no target would be skipped silently.
#[test]
fn every_directory_names_a_target() {
    for kind in ["corpus", "regressions"] {
        for dir in files(&fuzz_dir().join(kind)) {
            let name = dir.file_name().unwrap().to_string_lossy().into_owned();
            assert!(
                dir.is_dir() && TARGETS.contains(&name.as_str()),
                "fuzz/{kind}/{name} is not a target's directory"
            );
        }
    }
}
