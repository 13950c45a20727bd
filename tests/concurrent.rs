//! Concurrent writers (issue 9): two readers in ptys and `tidings refresh` in a loop on one
//! database, with marks from all sides, must lose no update and never show "database is
//! locked" (or any other error) to the user.
//!
//! The loopback server serves three groups of feeds that grow and are revised while the run
//! goes on, so every refresh writes. Reader A, filtered to `feed:alpha`, walks down its entries
//! toggling the star of each (`s`); reader B, filtered to `feed:beta`, toggles read (`r`). Both
//! also undo a mark now and then (`u`) and make it again, mark everything in their view read
//! (`A`, written on a connection of its own) and undo that, press `R` so their own refresh
//! tasks write too, and between walks quit and start again. Meanwhile one thread runs
//! `tidings refresh` again and again, another `tidings mark` on gamma entries, another changes
//! the feeds. A mark counts as made when the screen shows it (for `tidings mark`, when it exits
//! 0); every one is checked again whenever its row comes round, and at the end in the
//! database. No screen looked at, no frame drawn, no stderr and no log line may carry an
//! error; every command must exit 0 and both readers must quit cleanly. At the end the
//! database must pass `PRAGMA integrity_check`, hold every served entry exactly once with its
//! last acknowledged flags and nothing else marked, and keep its per-feed counters true.
//! (`concurrent/walker.rs` has the readers, `writers.rs` the headless writers, `world.rs` the
//! feeds, `checks.rs` what must hold.)
//!
//! Quick run (CI, part of `cargo test`): 15 s of concurrent writing, under 25 s in all.
//! The long run (five minutes of it):
//!
//! ```sh
//! TIDINGS_CONCURRENT_SECS=300 cargo test --test concurrent -- --nocapture
//! ```
//!
//! `TIDINGS_CONCURRENT_SEED` replays a run's choices (the seed is printed first; timing still
//! varies). The test prints one summary line: how long, how many marks each side made, how
//! many refreshes completed.

// Harness code outside #[test] functions unwraps too: a failed setup should fail the test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "concurrent/checks.rs"]
mod checks;
mod common;
#[path = "concurrent/walker.rs"]
mod walker;
#[path = "concurrent/world.rs"]
mod world;
#[path = "concurrent/writers.rs"]
mod writers;

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use walker::{Flags, Walker, lines};
use world::{Group, Home, RefreshCount, Rng, World};
use writers::{MarkTally, RefreshTally};

/// The seed when `TIDINGS_CONCURRENT_SEED` is not set.
const DEFAULT_SEED: u64 = 0x636f_6e63_7572_7209;
/// Seconds of concurrent writing when `TIDINGS_CONCURRENT_SECS` is not set.
const QUICK_SECS: u64 = 15;
const FEEDS_PER_GROUP: usize = 4;
const ENTRIES_PER_FEED: u64 = 30;
/// Wide enough that no title is cut.
const COLS: u16 = 160;
const ROWS: u16 = 40;

fn env_u64(name: &str) -> Option<u64> {
    let value = std::env::var(name).ok()?;
    let parsed = match value.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16),
        None => value.parse(),
    };
    Some(parsed.unwrap_or_else(|_| panic!("{name}={value} is not a number")))
}

/// Stops the others when a thread of the run panics, so the failure shows at once.
struct StopOnPanic<'a>(&'a AtomicBool);

impl Drop for StopOnPanic<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.0.store(true, Ordering::SeqCst);
            walker::GIVE_UP.store(true, Ordering::SeqCst);
        }
    }
}

/// What the headless side did.
struct Headless {
    refresh: RefreshTally,
    marks: MarkTally,
}

/// Runs both readers and the headless writers for `secs`, or until one of them fails.
fn run_together(
    home: &Home,
    world: &Mutex<World>,
    readers: [&mut Walker; 2],
    gamma: &Mutex<HashMap<String, Flags>>,
    rng: &mut Rng,
    secs: u64,
) -> Headless {
    let count = RefreshCount::default();
    let stop = AtomicBool::new(false);
    let [a, b] = readers;
    let (mut ra, mut rb, mut rr, mut rm, mut rc) =
        (rng.fork(), rng.fork(), rng.fork(), rng.fork(), rng.fork());
    let (stop, count) = (&stop, &count);
    std::thread::scope(|scope| {
        let walkers = [
            scope.spawn(move || {
                let _guard = StopOnPanic(stop);
                a.run(home, &mut ra, stop);
            }),
            scope.spawn(move || {
                let _guard = StopOnPanic(stop);
                b.run(home, &mut rb, stop);
            }),
        ];
        let refresh = scope.spawn(move || {
            let _guard = StopOnPanic(stop);
            writers::refresh_loop(home, count, &mut rr, stop)
        });
        let marks = scope.spawn(move || {
            let _guard = StopOnPanic(stop);
            writers::mark_loop(home, &mut rm, gamma, stop)
        });
        let changes = scope.spawn(move || {
            let _guard = StopOnPanic(stop);
            writers::change_loop(world, count, &mut rc, stop);
        });
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(secs) && !stop.load(Ordering::SeqCst) {
            std::thread::sleep(Duration::from_millis(50));
        }
        stop.store(true, Ordering::SeqCst);
        let failed = "a thread of the run failed (its message is above)";
        for walker in walkers {
            walker.join().expect(failed);
        }
        changes.join().expect(failed);
        Headless {
            refresh: refresh.join().expect(failed),
            marks: marks.join().expect(failed),
        }
    })
}

/// With the others stopped: reader A shows gamma while `tidings mark` changes it, reader B
/// shows alpha; both must come to show every mark as the other side left it.
fn cross_check(
    home: &Home,
    a: &mut Walker,
    b: &mut Walker,
    gamma: &Mutex<HashMap<String, Flags>>,
    rng: &mut Rng,
) -> MarkTally {
    a.show(Group::Gamma);
    b.show(Group::Alpha);
    let on_screen: Vec<String> = lines(&a.session).into_iter().map(|l| l.token).collect();
    let ids: Vec<(String, i64)> = home
        .ids(Group::Gamma)
        .into_iter()
        .filter(|(t, _)| on_screen.contains(t))
        .collect();
    let mut tally = MarkTally::default();
    for _ in 0..4 {
        writers::mark_some(home, &ids, rng, gamma, &mut tally);
    }
    a.wait_agrees(
        "reader A to show the marks `tidings mark` made on gamma",
        &gamma.lock().unwrap(),
    );
    b.wait_agrees("reader B to show reader A's stars on alpha", &a.expected);
    tally
}

#[test]
fn two_readers_a_refresh_loop_and_shell_marks_lose_nothing() {
    let seed = env_u64("TIDINGS_CONCURRENT_SEED").unwrap_or(DEFAULT_SEED);
    let secs = env_u64("TIDINGS_CONCURRENT_SECS").unwrap_or(QUICK_SECS);
    println!("concurrent: seed {seed:#x}, {secs} s");
    let mut rng = Rng(seed);
    let home = Home::new();
    let world = World::new(FEEDS_PER_GROUP, ENTRIES_PER_FEED);
    for url in world.urls() {
        home.ok(&["add", &url]);
    }
    home.ok(&["refresh"]);
    let mut a = Walker::start(&home, Group::Alpha, "s", (COLS, ROWS));
    let mut b = Walker::start(&home, Group::Beta, "r", (COLS, ROWS));
    let world = Mutex::new(world);
    let gamma = Mutex::new(HashMap::new());

    let started = Instant::now();
    let headless = run_together(&home, &world, [&mut a, &mut b], &gamma, &mut rng, secs);
    let took = started.elapsed();
    // Every entry served is stored once a refresh has run after the last change.
    home.ok(&["refresh"]);
    let last = cross_check(&home, &mut a, &mut b, &gamma, &mut rng);

    let world = world.into_inner().unwrap();
    let expected = HashMap::from([
        (Group::Alpha, a.expected.clone()),
        (Group::Beta, b.expected.clone()),
        (Group::Gamma, gamma.into_inner().unwrap()),
    ]);
    let (ta, tb) = (a.tally, b.tally);
    a.quit();
    b.quit();
    let groups: HashMap<String, Group> = world.tokens().into_iter().collect();
    let entries = checks::final_state(&home.db, &world.titles(), &groups, &expected)
        .unwrap_or_else(|e| panic!("after the run: {e}"));
    let warnings = checks::log_warnings(&home.log());
    assert!(warnings.is_empty(), "the log has warnings: {warnings:#?}");
    let readers = [("A", "stars", ta), ("B", "reads", tb)].map(|(name, what, t)| {
        format!(
            "reader {name} {} {what} acknowledged ({} undone and made again, {} legs ({} \
             starting below the first row, by {} at most), {} mark-all-read rounds undone, R x{}, {} restarts; \
             slowest mark shown after {:.1} s)",
            t.acks,
            t.undos,
            t.legs,
            t.moved_tops,
            t.top_shift,
            t.bulk,
            t.refreshes,
            t.restarts,
            t.slowest.as_secs_f64()
        )
    });
    println!(
        "concurrent: {:.0} s of writing (seed {seed:#x}): {}, {}; `tidings mark` {} times on \
         {} gamma entries (+{} at the end); {} `tidings refresh` completed ({} new entries, the slowest in {:.1} s) while \
         the feeds gained {} entries and {} revisions; {entries} entries checked: no mark lost, \
         no error shown or logged",
        took.as_secs_f64(),
        readers[0],
        readers[1],
        headless.marks.commands,
        headless.marks.entries,
        last.commands,
        headless.refresh.runs,
        headless.refresh.new_entries,
        headless.refresh.slowest.as_secs_f64(),
        world.changes.added,
        world.changes.revised,
    );
}
