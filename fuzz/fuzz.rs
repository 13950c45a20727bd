//! A mutation fuzzer for tidings that runs on stable Rust (no cargo-fuzz, no nightly). What each
//! target calls and checks, the bounds, and the last runs: `fuzz/README.md`.
//!
//! ```sh
//! cargo run --release --example fuzz -- ingest --minutes 10 [--seed N] [--save]
//! cargo run --release --example fuzz -- all --minutes 10
//! cargo run --release --example fuzz -- render --replay target/fuzz-crashes/render-panic-…
//! ```
//!
//! What you start is a supervisor: for each target it runs a worker process (this program with
//! `--worker`) under a virtual-memory cap (`ulimit -v`) and restarts it after a crash until the
//! time is up. The worker writes each input to a file before running it, so whatever kills it
//! (an abort, a stack overflow, an allocation over the cap) the supervisor can save the input
//! that did. Findings go to `target/fuzz-crashes/` (never committed by accident).

#[path = "mutate.rs"]
mod mutate;
#[path = "targets.rs"]
mod targets;
#[path = "worker.rs"]
mod worker;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use targets::{Mode, TARGETS};

const USAGE: &str = "usage: fuzz TARGET|all [--minutes M | --seconds S] [--runs N] [--seed N]
                 [--save [--save-max N]] [--max-len BYTES] [--mem-mib N] [--cap-mib N]
       fuzz TARGET --replay [PATH...]   (default: fuzz/corpus/TARGET and fuzz/regressions/TARGET)
TARGET: ingest, render, query, subscriptions";

/// The most restarts after crashes in one target's run.
const MAX_RESTARTS: u32 = 20;

/// What the command line asks for.
#[derive(Debug, Clone)]
pub struct Args {
    pub target: String,
    pub seconds: u64,
    /// Stop after this many mutated inputs (a smoke test) instead of at the time limit.
    pub runs: Option<u64>,
    pub seed: u64,
    /// Write inputs of new shapes to `fuzz/corpus/TARGET/` at the end.
    pub save: bool,
    pub save_max: usize,
    /// Mutated inputs are cut to this many bytes (0: the target's default, [`default_max_len`]).
    pub max_len: usize,
    /// The memory one input may take (the growth of the worker's peak resident memory while it
    /// runs, measured on every 16th input); the worker as a whole may hold twice this.
    pub mem_mib: u64,
    /// The worker's virtual memory cap (`ulimit -v`): an allocation past it aborts.
    pub cap_mib: u64,
    pub worker: bool,
    /// Where the worker writes the input it is running.
    pub current: PathBuf,
    pub replay: Option<Vec<PathBuf>>,
    /// Where findings go.
    pub out: PathBuf,
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The longest input for `target` unless `--max-len` says: documents and bodies up to 128 KiB
/// (long enough for a quadratic pass to take seconds), a query line 16 KiB, a subscription list
/// 64 KiB.
fn default_max_len(target: &str, asked: usize) -> usize {
    match (asked, target) {
        (0, "query") => 16 * 1024,
        (0, "subscriptions") => 64 * 1024,
        (0, _) => 128 * 1024,
        (n, _) => n,
    }
}

fn parse_args(mut it: impl Iterator<Item = String>) -> Result<Args, String> {
    let target = it.next().ok_or("no target")?;
    if target != "all" && !TARGETS.contains(&target.as_str()) {
        return Err(format!("unknown target {target}"));
    }
    let out = root().join("target/fuzz-crashes");
    let clock = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    let mut args = Args {
        current: out.join(format!(".current-{target}-{}", std::process::id())),
        target,
        seconds: 60,
        runs: None,
        seed: clock.as_secs(),
        save: false,
        save_max: 150,
        max_len: 0,
        mem_mib: 512,
        cap_mib: 4096,
        worker: false,
        replay: None,
        out,
    };
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or(format!("{flag} needs a value"));
        let number = |v: String| {
            v.parse::<u64>()
                .map_err(|_| format!("{flag}: not a number"))
        };
        match flag.as_str() {
            "--minutes" => args.seconds = number(value()?)? * 60,
            "--seconds" => args.seconds = number(value()?)?,
            "--runs" => args.runs = Some(number(value()?)?),
            "--seed" => args.seed = number(value()?)?,
            "--save" => args.save = true,
            "--save-max" => args.save_max = usize::try_from(number(value()?)?).unwrap_or(0),
            "--max-len" => args.max_len = usize::try_from(number(value()?)?).unwrap_or(1).max(1),
            "--mem-mib" => args.mem_mib = number(value()?)?,
            "--cap-mib" => args.cap_mib = number(value()?)?,
            "--worker" => args.worker = true,
            "--current" => args.current = PathBuf::from(value()?),
            "--out" => args.out = PathBuf::from(value()?),
            "--replay" => {
                args.replay = Some(it.by_ref().map(PathBuf::from).collect());
            }
            _ => return Err(format!("unknown flag {flag}")),
        }
    }
    Ok(args)
}

fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(e) => {
            eprintln!("fuzz: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    if let Err(e) = std::fs::create_dir_all(&args.out) {
        eprintln!("fuzz: creating {}: {e}", args.out.display());
        return ExitCode::FAILURE;
    }
    if let Some(paths) = &args.replay {
        return replay(&args.target, paths);
    }
    if args.worker {
        return worker::run(&args);
    }
    let targets: Vec<&str> = if args.target == "all" {
        TARGETS.to_vec()
    } else {
        vec![args.target.as_str()]
    };
    let mut findings = 0;
    let summaries: Vec<String> = targets
        .iter()
        .map(|target| {
            let (summary, found) = supervise(&args, target);
            findings += found;
            summary
        })
        .collect();
    for summary in summaries {
        println!("{summary}");
    }
    if findings == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// What the supervisor adds up from its workers' `key=value` reports.
#[derive(Default)]
struct Totals {
    execs: u64,
    corpus: u64,
    shapes: u64,
    peak_mib: u64,
    slowest_ms: u64,
    slowest_kib: u64,
    input_peak_kib: u64,
    input_peak_len_kib: u64,
    saved: u64,
    panics: u64,
    slow: u64,
    hangs: u64,
    memory: u64,
    crashes: u64,
}

impl Totals {
    /// Takes a worker's final (or last progress) report.
    fn add(&mut self, report: &[(String, u64)]) {
        let get = |key: &str| report.iter().find(|(k, _)| k == key).map_or(0, |(_, v)| *v);
        self.execs += get("execs");
        self.corpus = self.corpus.max(get("corpus"));
        self.shapes = self.shapes.max(get("shapes"));
        self.peak_mib = self.peak_mib.max(get("peak_mib"));
        if get("slowest_ms") > self.slowest_ms {
            self.slowest_ms = get("slowest_ms");
            self.slowest_kib = get("slowest_kib");
        }
        if get("input_peak_kib") > self.input_peak_kib {
            self.input_peak_kib = get("input_peak_kib");
            self.input_peak_len_kib = get("input_peak_len_kib");
        }
        self.saved += get("saved");
        self.panics += get("panics");
        self.slow += get("slow");
        self.memory += get("memory");
    }
}

/// Runs `target`'s workers until the time is up; returns the summary line and the number of
/// findings.
fn supervise(args: &Args, target: &str) -> (String, u64) {
    let started = Instant::now();
    let until = started + Duration::from_secs(args.seconds);
    let current = args
        .current
        .with_file_name(format!(".current-{target}-{}", std::process::id()));
    let mut totals = Totals::default();
    let mut restarts = 0;
    loop {
        let left = until.saturating_duration_since(Instant::now()).as_secs();
        let seed = args.seed.wrapping_add(u64::from(restarts));
        let report = match spawn_worker(args, target, &current, left, seed) {
            Ok(report) => report,
            Err(e) => {
                eprintln!("fuzz: running the worker: {e}");
                totals.crashes += 1;
                break;
            }
        };
        totals.add(&report.last);
        match report.code {
            Some(0) => break,
            Some(3) => totals.hangs += 1,
            Some(4) => totals.memory += 1,
            other => {
                totals.crashes += 1;
                let what = other.map_or("killed by a signal".to_owned(), |c| format!("exit {c}"));
                match worker::save_finding(&args.out, target, "crash", &current, &what) {
                    Ok(path) => println!("FINDING crash {}: worker {what}", path.display()),
                    Err(e) => eprintln!("fuzz: saving the crashing input: {e}"),
                }
            }
        }
        restarts += 1;
        if restarts > MAX_RESTARTS
            || args.runs.is_some()
            || Instant::now() + Duration::from_secs(2) > until
        {
            break;
        }
    }
    let _ = std::fs::remove_file(&current);
    let secs = started.elapsed().as_secs_f64();
    #[allow(clippy::cast_precision_loss)] // a rate for people to read
    let rate = totals.execs as f64 / secs.max(0.001);
    let t = &totals;
    let findings = t.panics + t.slow + t.hangs + t.memory + t.crashes;
    let summary = format!(
        "SUMMARY {target}: {secs:.0} s, {} execs ({rate:.0}/s), corpus {} inputs ({} shapes), \
         fuzzer peak RSS {} MiB, largest input peak {} KiB ({} KiB input), slowest input {} ms \
         ({} KiB), crashes {} (panics {}), hangs {} (slow {}), memory {}, restarts {restarts}, \
         saved {}",
        t.execs,
        t.corpus,
        t.shapes,
        t.peak_mib,
        t.input_peak_kib,
        t.input_peak_len_kib,
        t.slowest_ms,
        t.slowest_kib,
        t.panics + t.crashes,
        t.panics,
        t.hangs + t.slow,
        t.slow,
        t.memory,
        t.saved,
    );
    (summary, findings)
}

/// How a worker ended, and its last `key=value` report.
struct WorkerReport {
    code: Option<i32>,
    last: Vec<(String, u64)>,
}

fn spawn_worker(
    args: &Args,
    target: &str,
    current: &Path,
    seconds: u64,
    seed: u64,
) -> std::io::Result<WorkerReport> {
    let exe = std::env::current_exe()?;
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg("ulimit -v \"$1\" || exit 99; shift; exec \"$@\"")
        .arg("sh")
        .arg((args.cap_mib * 1024).to_string())
        .arg(exe)
        .arg(target)
        .args(["--worker", "--seconds", &seconds.to_string()])
        .args(["--seed", &seed.to_string()])
        .args([
            "--max-len",
            &default_max_len(target, args.max_len).to_string(),
        ])
        .args(["--mem-mib", &args.mem_mib.to_string()])
        .args(["--save-max", &args.save_max.to_string()])
        .arg("--current")
        .arg(current)
        .arg("--out")
        .arg(&args.out);
    if let Some(runs) = args.runs {
        cmd.args(["--runs", &runs.to_string()]);
    }
    if args.save {
        cmd.arg("--save");
    }
    let mut child = cmd.stdout(Stdio::piped()).spawn()?;
    let mut last = Vec::new();
    if let Some(stdout) = child.stdout.take() {
        for line in BufReader::new(stdout).lines() {
            let line = line?;
            println!("{line}");
            if line.starts_with(&format!("{target}:")) {
                last = line
                    .split_whitespace()
                    .filter_map(|kv| kv.split_once('='))
                    .filter_map(|(k, v)| Some((k.to_owned(), v.parse().ok()?)))
                    .collect();
            }
        }
    }
    let status = child.wait()?;
    Ok(WorkerReport {
        code: status.code(),
        last,
    })
}

/// Runs saved inputs once each with every check, in this process: what a crash needs to be
/// reproduced (and a stack overflow to show itself).
fn replay(target: &str, paths: &[PathBuf]) -> ExitCode {
    let paths: Vec<PathBuf> = if paths.is_empty() {
        ["fuzz/corpus", "fuzz/regressions"]
            .iter()
            .map(|d| root().join(d).join(target))
            .collect()
    } else {
        paths.to_vec()
    };
    let mut files = Vec::new();
    for path in &paths {
        if path.is_dir() {
            files.extend(worker::files_in(path));
        } else {
            files.push(path.clone());
        }
    }
    let mut failures = 0;
    let mut slowest = (Duration::ZERO, PathBuf::new());
    let mut largest = (0, PathBuf::new());
    for file in &files {
        let Ok(bytes) = std::fs::read(file) else {
            eprintln!("fuzz: cannot read {}", file.display());
            failures += 1;
            continue;
        };
        let before = worker::reset_peak();
        let t = Instant::now();
        let result = std::panic::catch_unwind(|| targets::run(target, &bytes, Mode::Replay));
        let took = t.elapsed();
        let grew = worker::peak_growth_kib(before);
        if took > slowest.0 {
            slowest = (took, file.clone());
        }
        if grew > largest.0 {
            largest = (grew, file.clone());
        }
        match result {
            Ok(Some(_)) => println!(
                "ok {:>9.1} ms {:>6} KiB  {}",
                took.as_secs_f64() * 1e3,
                grew,
                file.display()
            ),
            Ok(None) => {
                eprintln!("fuzz: unknown target {target}");
                return ExitCode::from(2);
            }
            Err(_) => {
                failures += 1;
                println!("FAIL {}", file.display());
            }
        }
    }
    println!(
        "replayed {} inputs: {failures} failed; slowest {:.1} ms ({}); largest peak growth {} KiB \
         ({})",
        files.len(),
        slowest.0.as_secs_f64() * 1e3,
        slowest.1.display(),
        largest.0,
        largest.1.display()
    );
    if failures == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
