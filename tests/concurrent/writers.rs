//! The headless writers of the run, each on a thread of its own until `stop`: `tidings refresh`
//! in a loop (as cron would, only much more often), `tidings mark` on gamma entries, and the
//! publisher changing the feeds. Every command must exit 0 with nothing on stderr.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::walker::Flags;
use crate::world::{Group, Home, RefreshCount, Rng, World};

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// What the refresh loop did.
#[derive(Debug, Default, Clone, Copy)]
pub struct RefreshTally {
    pub runs: u64,
    pub new_entries: u64,
    /// The longest one took (reported, never asserted).
    pub slowest: Duration,
}

/// `N new entries` (or `1 new entry`) from the summary line of `tidings refresh`.
fn new_entries(summary: &str) -> u64 {
    summary
        .split_once(" new entr")
        .and_then(|(before, _)| before.rsplit(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("a refresh summary without its count: {summary:?}"))
}

/// `tidings refresh`, again and again.
pub fn refresh_loop(
    home: &Home,
    count: &RefreshCount,
    rng: &mut Rng,
    stop: &AtomicBool,
) -> RefreshTally {
    let mut tally = RefreshTally::default();
    while !stop.load(Ordering::SeqCst) {
        count.started.fetch_add(1, Ordering::SeqCst);
        let started = Instant::now();
        let out = home.ok(&["refresh"]);
        tally.slowest = tally.slowest.max(started.elapsed());
        count.finished.fetch_add(1, Ordering::SeqCst);
        tally.runs += 1;
        tally.new_entries += new_entries(&out);
        std::thread::sleep(Duration::from_millis(rng.range(0, 300)));
    }
    tally
}

/// What `tidings mark` did on gamma.
#[derive(Debug, Default, Clone, Copy)]
pub struct MarkTally {
    pub commands: u64,
    /// Entries named in them.
    pub entries: u64,
}

/// `Marked N entries …` from `tidings mark`.
fn marked(out: &str) -> usize {
    out.strip_prefix("Marked ")
        .and_then(|s| s.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("`tidings mark` said {out:?}"))
}

/// One `tidings mark` on a few gamma entries; the flags it leaves are recorded in `expected`
/// once it has exited 0, and the number it says it changed must be the number whose recorded
/// flags differed (nothing else writes gamma's flags, so a lost mark would show here too).
pub fn mark_some(
    home: &Home,
    ids: &[(String, i64)],
    rng: &mut Rng,
    expected: &Mutex<HashMap<String, Flags>>,
    tally: &mut MarkTally,
) {
    let picked: Vec<&(String, i64)> = (0..rng.range(1, 4))
        .map(|_| &ids[rng.index(ids.len())])
        .collect();
    let mut unique: Vec<&(String, i64)> = Vec::new();
    for p in picked {
        if !unique.iter().any(|u| u.1 == p.1) {
            unique.push(p);
        }
    }
    let (flag, set): (&str, fn(Flags) -> Flags) = match rng.index(4) {
        0 => ("--read", |f| (true, f.1)),
        1 => ("--unread", |f| (false, f.1)),
        2 => ("--star", |f| (f.0, true)),
        _ => ("--unstar", |f| (f.0, false)),
    };
    let id_args: Vec<String> = unique.iter().map(|(_, id)| id.to_string()).collect();
    let mut args = vec!["mark", flag];
    args.extend(id_args.iter().map(String::as_str));
    let out = home.ok(&args);
    let mut expected = lock(expected);
    let mut differ = 0;
    for (token, _) in &unique {
        let now = expected.get(token).copied().unwrap_or_default();
        differ += usize::from(set(now) != now);
        expected.insert(token.clone(), set(now));
    }
    assert_eq!(
        marked(&out),
        differ,
        "`tidings {}` changed other entries than the recorded flags say: {out}",
        args.join(" ")
    );
    tally.commands += 1;
    tally.entries += u64::try_from(unique.len()).unwrap();
}

/// `tidings mark` on gamma entries until `stop`.
pub fn mark_loop(
    home: &Home,
    rng: &mut Rng,
    expected: &Mutex<HashMap<String, Flags>>,
    stop: &AtomicBool,
) -> MarkTally {
    let mut tally = MarkTally::default();
    let mut ids = home.ids(Group::Gamma);
    while !stop.load(Ordering::SeqCst) {
        if rng.chance(10) {
            ids = home.ids(Group::Gamma);
        }
        mark_some(home, &ids, rng, expected, &mut tally);
        std::thread::sleep(Duration::from_millis(rng.range(50, 400)));
    }
    tally
}

/// The publisher: a change to the feeds every few hundred milliseconds until `stop`.
pub fn change_loop(world: &Mutex<World>, count: &RefreshCount, rng: &mut Rng, stop: &AtomicBool) {
    while !stop.load(Ordering::SeqCst) {
        lock(world).change(rng, count);
        std::thread::sleep(Duration::from_millis(rng.range(100, 500)));
    }
}
