//! The fuzzing worker: loads the seeds, then mutates, runs and keeps inputs until the time is
//! up, under a timer (slow inputs), a watchdog (hangs, memory) and `catch_unwind` (panics).

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};
use std::fs::{self, File};
use std::io::{self, Seek, SeekFrom, Write};
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

use tidings::fetch::parse::parse_feed;
use tidings::model::hash::fnv1a64;

use crate::mutate::{self, Dict, Rng};
use crate::targets::{self, Mode, TARGETS};
use crate::{Args, root};

/// The messages of the panics while the current input ran (the hook keeps them, quietly).
static PANICS: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// Most bytes of inputs kept in memory to mutate (seeds are never dropped).
const POOL_BYTES: usize = 64 << 20;
/// Most bytes of inputs kept as candidates for `--save`.
const SAVE_BYTES: usize = 32 << 20;
/// The largest input written to the corpus (the replay in CI must stay fast).
const MAX_SAVED: usize = 16 * 1024;
/// Findings saved per worker; more are counted only.
const MAX_SAVED_FINDINGS: usize = 20;
/// Time between progress lines.
const REPORT_EVERY: Duration = Duration::from_secs(10);

/// How long one input may take before it is a finding: one second, plus a millisecond for
/// every 256 bytes (1.5 s at 128 KiB), for everything the target runs on it; twice that for
/// render, which lays each input out twice (html2text's layout is linear but heavy: up to
/// 2.3 s for the 1 MiB a body is cut to).
fn budget(target: &str, len: usize) -> Duration {
    let base = Duration::from_millis(1000 + u64::try_from(len / 256).unwrap_or(u64::MAX));
    if target == "render" { base * 2 } else { base }
}

/// Past this the watchdog stops the worker and the input is a hang.
fn hard_limit(target: &str, len: usize) -> Duration {
    (budget(target, len) * 4).max(Duration::from_secs(10))
}

/// The regular, visible files of `dir`, sorted.
pub fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| !n.to_string_lossy().starts_with('.'))
        })
        .collect();
    files.sort();
    files
}

/// A `kB` figure of `/proc/self/status` (`VmRSS:`, `VmHWM:`).
pub fn status_kib(key: &str) -> Option<u64> {
    let status = fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(key))?;
    line[key.len()..]
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

/// Resets the peak resident memory (`VmHWM`) to the current (`VmRSS`), which it returns, in
/// KiB; 0 when the kernel does not allow the reset (the growth is then not measured).
pub fn reset_peak() -> u64 {
    if fs::write("/proc/self/clear_refs", "5").is_err() {
        return 0;
    }
    status_kib("VmRSS:").unwrap_or(0)
}

/// How far the peak resident memory rose above `before` (from [`reset_peak`]), in KiB.
pub fn peak_growth_kib(before: u64) -> u64 {
    if before == 0 {
        return 0;
    }
    status_kib("VmHWM:").map_or(0, |peak| peak.saturating_sub(before))
}

/// Saves the input in `input_file` as a finding; returns where.
pub fn save_finding(
    out: &Path,
    target: &str,
    kind: &str,
    input_file: &Path,
    message: &str,
) -> io::Result<PathBuf> {
    save_bytes(out, target, kind, &fs::read(input_file)?, message)
}

fn save_bytes(
    out: &Path,
    target: &str,
    kind: &str,
    bytes: &[u8],
    message: &str,
) -> io::Result<PathBuf> {
    let path = out.join(format!("{target}-{kind}-{:016x}", fnv1a64(bytes)));
    fs::write(&path, bytes)?;
    fs::write(path.with_extension("txt"), format!("{message}\n"))?;
    Ok(path)
}

fn dict(target: &str) -> &'static Dict {
    match target {
        "ingest" => &mutate::INGEST,
        "render" => &mutate::RENDER,
        "query" => &mutate::QUERY,
        _ => &mutate::SUBSCRIPTIONS,
    }
}

/// The inputs a target starts from: its corpus and regressions, and for `ingest` the feed
/// fixtures, for `render` the bodies of those feeds, for `subscriptions` the newsboat fixture.
fn seeds(target: &str, max_len: usize) -> Vec<Vec<u8>> {
    let fixtures = root().join("tests/fixtures");
    let mut dirs = vec![
        root().join("fuzz/corpus").join(target),
        root().join("fuzz/regressions").join(target),
    ];
    let feeds = [
        fixtures.join("feeds"),
        fixtures.join("hostile/v1"),
        fixtures.join("hostile/v2"),
    ];
    match target {
        "ingest" => dirs.extend(feeds.iter().cloned()),
        "subscriptions" => dirs.push(fixtures.join("newsboat")),
        _ => {}
    }
    let mut out: Vec<Vec<u8>> = dirs
        .iter()
        .flat_map(|d| files_in(d))
        .filter_map(|f| fs::read(f).ok())
        .collect();
    if target == "render" {
        for file in feeds.iter().flat_map(|d| files_in(d)) {
            let Ok(bytes) = fs::read(&file) else { continue };
            if let Ok(feed) = parse_feed(&bytes, "https://fuzz.example/feed.xml") {
                out.extend(
                    feed.entries
                        .into_iter()
                        .map(|e| e.content_html.into_bytes()),
                );
            }
        }
    }
    let mut seen = HashSet::new();
    out.retain_mut(|s| {
        s.truncate(max_len);
        seen.insert(fnv1a64(s))
    });
    if out.is_empty() {
        out.push(Vec::new());
    }
    out
}

/// What the watchdog watches: when the running input started, and its limit.
struct Watch {
    epoch: Instant,
    /// Milliseconds since `epoch`, plus one, when the running input started; 0 when idle.
    started_ms: AtomicU64,
    limit_ms: AtomicU64,
}

impl Watch {
    fn now_ms(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX - 1) + 1
    }

    fn begin(&self, limit: Duration) {
        let limit = u64::try_from(limit.as_millis()).unwrap_or(u64::MAX);
        self.limit_ms.store(limit, Ordering::SeqCst);
        self.started_ms.store(self.now_ms(), Ordering::SeqCst);
    }

    fn end(&self) {
        self.started_ms.store(0, Ordering::SeqCst);
    }
}

/// Every 20 ms: an input running past its hard limit, or resident memory over the bound, is
/// saved and the worker ends (exit 3 or 4; the supervisor restarts it).
fn watchdog(watch: &Watch, args: &Args, target: &str) -> ! {
    loop {
        thread::sleep(Duration::from_millis(20));
        let started = watch.started_ms.load(Ordering::SeqCst);
        let limit = watch.limit_ms.load(Ordering::SeqCst);
        if started != 0 && watch.now_ms().saturating_sub(started) > limit {
            let why = format!("one input ran for over {} s", limit / 1000);
            stop(args, target, "hang", &why, 3);
        }
        if status_kib("VmRSS:").is_some_and(|kib| kib > 2 * args.mem_mib * 1024) {
            let why = format!(
                "resident memory over {} MiB while this input ran (replay it to confirm)",
                2 * args.mem_mib
            );
            stop(args, target, "memory", &why, 4);
        }
    }
}

fn stop(args: &Args, target: &str, kind: &str, why: &str, code: i32) -> ! {
    match save_finding(&args.out, target, kind, &args.current, why) {
        Ok(path) => println!("FINDING {kind} {}: {why}", path.display()),
        Err(e) => eprintln!("fuzz: saving the {kind} input: {e}"),
    }
    std::process::exit(code)
}

/// The worker's entry point (`--worker`).
pub fn run(args: &Args) -> ExitCode {
    let Some(&target) = TARGETS.iter().find(|t| **t == args.target) else {
        eprintln!("fuzz: the worker runs one target, not {}", args.target);
        return ExitCode::from(2);
    };
    panic::set_hook(Box::new(|info| {
        let mut panics = PANICS.lock().unwrap_or_else(PoisonError::into_inner);
        if panics.len() < 8 {
            panics.push(info.to_string());
        }
    }));
    let current = match File::create(&args.current) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("fuzz: creating {}: {e}", args.current.display());
            return ExitCode::FAILURE;
        }
    };
    let watch = Arc::new(Watch {
        epoch: Instant::now(),
        started_ms: AtomicU64::new(0),
        limit_ms: AtomicU64::new(0),
    });
    {
        let (watch, args) = (Arc::clone(&watch), args.clone());
        thread::spawn(move || watchdog(&watch, &args, target));
    }
    let mut fuzzer = Fuzzer {
        args,
        target,
        dict: dict(target),
        rng: Rng::new(args.seed),
        pool: Vec::new(),
        pool_bytes: 0,
        seeds: 0,
        shapes: HashMap::new(),
        save_bytes: 0,
        current,
        watch,
        started: Instant::now(),
        execs: 0,
        panics: 0,
        slow: 0,
        messages: HashSet::new(),
        slowest: (Duration::ZERO, 0),
        largest: (0, 0),
        memory: 0,
    };
    println!(
        "{target}: seed {} (repeat with --seed {}), inputs cut to {} bytes",
        args.seed, args.seed, args.max_len
    );
    fuzzer.start();
    fuzzer.fuzz();
    let saved = if args.save { fuzzer.save_corpus() } else { 0 };
    fuzzer.report(Some(saved));
    ExitCode::SUCCESS
}

struct Fuzzer<'a> {
    args: &'a Args,
    target: &'static str,
    dict: &'static Dict,
    rng: Rng,
    /// Inputs to mutate: the seeds first, then inputs of new shapes.
    pool: Vec<Vec<u8>>,
    pool_bytes: usize,
    seeds: usize,
    /// Every shape seen; for those the seeds did not give, the smallest input (for `--save`).
    shapes: HashMap<u64, Option<Vec<u8>>>,
    save_bytes: usize,
    current: File,
    watch: Arc<Watch>,
    started: Instant,
    execs: u64,
    panics: u64,
    slow: u64,
    /// The findings saved so far, by message, so one bug is saved once.
    messages: HashSet<String>,
    slowest: (Duration, usize),
    /// The largest growth of peak memory measured for one input (KiB), and its size.
    largest: (u64, usize),
    memory: u64,
}

impl Fuzzer<'_> {
    /// Runs the seeds, recording their shapes.
    fn start(&mut self) {
        for seed in seeds(self.target, self.args.max_len) {
            if let Some(shape) = self.exec(&seed) {
                self.shapes.insert(shape, None);
            }
            self.pool_bytes += seed.len();
            self.pool.push(seed);
        }
        self.seeds = self.pool.len();
        println!(
            "{}: {} seeds, {} shapes",
            self.target,
            self.seeds,
            self.shapes.len()
        );
    }

    fn fuzz(&mut self) {
        let deadline = self.started + Duration::from_secs(self.args.seconds);
        let mut next_report = Instant::now() + REPORT_EVERY;
        let mut runs = 0;
        while self
            .args
            .runs
            .map_or(Instant::now() < deadline, |n| runs < n)
        {
            let parent = self.rng.below(self.pool.len());
            let other = self.rng.below(self.pool.len());
            let mut input = self.pool[parent].clone();
            let max_len = self.args.max_len;
            mutate::mutate(
                &mut input,
                &mut self.rng,
                self.dict,
                &self.pool[other],
                max_len,
            );
            if let Some(shape) = self.exec(&input) {
                self.consider(input, shape);
            }
            runs += 1;
            if Instant::now() >= next_report {
                self.report(None);
                next_report += REPORT_EVERY;
            }
        }
    }

    /// Keeps an input of a new shape to mutate further (and, if small, as a `--save`
    /// candidate); of inputs with a known shape, the smallest stays the candidate.
    fn consider(&mut self, input: Vec<u8>, shape: u64) {
        match self.shapes.entry(shape) {
            Entry::Vacant(v) => {
                let keep = input.len() <= MAX_SAVED && self.save_bytes < SAVE_BYTES;
                if keep {
                    self.save_bytes += input.len();
                }
                v.insert(keep.then(|| input.clone()));
                self.pool_bytes += input.len();
                self.pool.push(input);
                while self.pool_bytes > POOL_BYTES && self.pool.len() > self.seeds {
                    let i = self.seeds + self.rng.below(self.pool.len() - self.seeds);
                    self.pool_bytes -= self.pool.swap_remove(i).len();
                }
            }
            Entry::Occupied(mut o) => {
                if let Some(best) = o.get_mut().as_mut().filter(|b| input.len() < b.len()) {
                    self.save_bytes -= best.len() - input.len();
                    *best = input;
                }
            }
        }
    }

    fn write_current(&mut self, input: &[u8]) -> io::Result<()> {
        self.current.seek(SeekFrom::Start(0))?;
        self.current.write_all(input)?;
        self.current
            .set_len(u64::try_from(input.len()).unwrap_or(u64::MAX))
    }

    /// Runs one input under the timer and the watchdog; its shape, or `None` if it panicked.
    fn exec(&mut self, input: &[u8]) -> Option<u64> {
        if let Err(e) = self.write_current(input) {
            eprintln!("fuzz: writing {}: {e}", self.args.current.display());
        }
        let measured = self.execs % 16 == 0;
        let before = if measured { reset_peak() } else { 0 };
        let (result, took) = self.timed(input);
        let grew = peak_growth_kib(before);
        if grew > self.largest.0 {
            self.largest = (grew, input.len());
            self.keep_extreme("biggest", input);
        }
        if grew > self.args.mem_mib * 1024 {
            self.memory += 1;
            let why = format!("{} MiB for {} bytes", grew / 1024, input.len());
            self.finding("memory", input, &why);
        }
        self.execs += 1;
        if took > self.slowest.0 {
            self.slowest = (took, input.len());
            self.keep_extreme("slowest", input);
        }
        let Some(shape) = result else {
            self.panics += 1;
            let messages = PANICS
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .join("\n");
            self.finding("panic", input, &messages);
            return None;
        };
        if took > budget(self.target, input.len()) {
            // Once more, in case the machine was busy.
            let (_, again) = self.timed(input);
            if again > budget(self.target, input.len()) {
                self.slow += 1;
                let why = format!(
                    "{} ms, then {} ms, for {} bytes (budget {} ms)",
                    took.as_millis(),
                    again.as_millis(),
                    input.len(),
                    budget(self.target, input.len()).as_millis()
                );
                self.finding("slow", input, &why);
            }
        }
        Some(shape)
    }

    /// Keeps the slowest and the most memory-hungry input so far (not findings: something to
    /// look at) as `TARGET-slowest` and `TARGET-biggest` next to the findings.
    fn keep_extreme(&self, which: &str, input: &[u8]) {
        let path = self.args.out.join(format!("{}-{which}", self.target));
        if let Err(e) = fs::write(&path, input) {
            eprintln!("fuzz: writing {}: {e}", path.display());
        }
    }

    fn timed(&self, input: &[u8]) -> (Option<u64>, Duration) {
        PANICS
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
        self.watch.begin(hard_limit(self.target, input.len()));
        let t = Instant::now();
        let target = self.target;
        let result =
            panic::catch_unwind(AssertUnwindSafe(|| targets::run(target, input, Mode::Fuzz)));
        let took = t.elapsed();
        self.watch.end();
        (result.ok().flatten(), took)
    }

    fn finding(&mut self, kind: &str, input: &[u8], message: &str) {
        // The location and the first line of the message, without the values quoted in it,
        // name the bug.
        let mut lines = message.lines();
        let mut key = lines.next().unwrap_or_default().to_owned();
        let first = lines.next().unwrap_or_default();
        let first = first.split(['"', '`']).next().unwrap_or_default();
        key.extend(first.chars().filter(|c| !c.is_ascii_digit()));
        if self.messages.len() >= MAX_SAVED_FINDINGS || !self.messages.insert(key) {
            return;
        }
        match save_bytes(&self.args.out, self.target, kind, input, message) {
            Ok(path) => {
                let first = message.lines().take(2).collect::<Vec<_>>().join(" ");
                println!("FINDING {kind} {}: {first}", path.display());
            }
            Err(e) => eprintln!("fuzz: saving a finding: {e}"),
        }
    }

    /// Writes up to `--save-max` inputs of new shapes, each passing every check of a replay, to
    /// `fuzz/corpus/TARGET/`; returns how many files were new.
    fn save_corpus(&mut self) -> u64 {
        let dir = root().join("fuzz/corpus").join(self.target);
        if let Err(e) = fs::create_dir_all(&dir) {
            eprintln!("fuzz: creating {}: {e}", dir.display());
            return 0;
        }
        let mut candidates: Vec<Vec<u8>> =
            self.shapes.values_mut().filter_map(Option::take).collect();
        candidates.sort_by_key(|c| fnv1a64(c));
        let mut saved = 0;
        for input in candidates.into_iter().take(self.args.save_max) {
            let target = self.target;
            let replayed = panic::catch_unwind(AssertUnwindSafe(|| {
                targets::run(target, &input, Mode::Replay)
            }));
            if replayed.is_err() {
                let messages = PANICS
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .join("\n");
                self.finding("panic", &input, &messages);
                continue;
            }
            let path = dir.join(format!("{:016x}", fnv1a64(&input)));
            if !path.exists() {
                match fs::write(&path, &input) {
                    Ok(()) => saved += 1,
                    Err(e) => eprintln!("fuzz: writing {}: {e}", path.display()),
                }
            }
        }
        saved
    }

    /// A progress line, or with `saved` the final one; `key=value` pairs for the supervisor.
    #[allow(clippy::cast_precision_loss)] // rates for people to read
    fn report(&self, saved: Option<u64>) {
        let secs = self.started.elapsed().as_secs_f64();
        let rate = self.execs as f64 / secs.max(0.001);
        let mib = |key| status_kib(key).unwrap_or(0) / 1024;
        let common = format!(
            "execs={} execs_per_s={rate:.0} corpus={} shapes={} peak_mib={}",
            self.execs,
            self.pool.len(),
            self.shapes.len(),
            mib("VmHWM:")
        );
        match saved {
            None => println!(
                "{}: {secs:.0}s {common} rss_mib={}",
                self.target,
                mib("VmRSS:")
            ),
            Some(saved) => println!(
                "{}: done secs={secs:.0} {common} slowest_ms={} slowest_kib={} input_peak_kib={} \
                 input_peak_len_kib={} panics={} slow={} memory={} saved={saved}",
                self.target,
                self.slowest.0.as_millis(),
                self.slowest.1 / 1024,
                self.largest.0,
                self.largest.1 / 1024,
                self.panics,
                self.slow,
                self.memory,
            ),
        }
    }
}
