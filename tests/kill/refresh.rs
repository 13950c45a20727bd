//! `tidings refresh`, killed at random moments while another process makes marks.

use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use rusqlite::Connection;

use crate::checks::{Expected, Row, Rows, check_db, check_served, unfinished_wal_frames};
use crate::world::{Home, Rng, World};

/// Refresh kills on one database before the next starts empty (its first kill lands in the
/// first fill).
pub const CYCLE: usize = 6;

/// Where the refresh kills landed.
#[derive(Debug, Default)]
pub struct RefreshTally {
    pub kills: usize,
    /// Before the first request reached the server (starting, opening the database).
    pub starting: usize,
    /// Requests out, no feed written yet.
    pub fetching: usize,
    /// Some feeds written, some not: between or inside the feeds' transactions.
    pub writing: usize,
    /// Every feed written (the summary, exiting).
    pub after: usize,
    /// Of all the kills, those in the first fill of a new database.
    pub fill: usize,
    /// Kills that left a transaction cut short in the write-ahead log.
    pub torn: usize,
    /// Refreshes that finished before their kill came (not counted as kills).
    pub missed: usize,
    /// `tidings mark` runs that exited 0 while a refresh ran.
    pub marks: usize,
    /// Kills of the `tidings import` that creates a database (not counted in `kills`).
    pub imports: usize,
}

/// One `tidings mark` run: the tokens it marks and the flag.
pub struct MarkRun {
    pub tokens: Vec<String>,
    pub flag: &'static str,
    pub pause: Duration,
    pub cmd: Command,
}

/// Up to three `tidings mark` runs on random stored entries, to run while a refresh does.
pub fn plan_marks(rng: &mut Rng, home: &Home, rows: &Rows, within: Duration) -> Vec<MarkRun> {
    let mut stored: Vec<(&String, &Row)> = rows.iter().collect();
    if stored.is_empty() {
        return Vec::new();
    }
    stored.sort_by_key(|(_, r)| r.id);
    (0..rng.range(1, 3))
        .map(|_| {
            let picked: Vec<(&String, &Row)> = (0..rng.range(1, 5))
                .map(|_| stored[rng.index(stored.len())])
                .collect();
            let flag = ["--read", "--unread", "--star", "--unstar"][rng.index(4)];
            let mut args = vec!["mark".to_owned(), flag.to_owned()];
            args.extend(picked.iter().map(|(_, r)| r.id.to_string()));
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            MarkRun {
                tokens: picked.iter().map(|(t, _)| (*t).clone()).collect(),
                flag,
                pause: rng.millis(within / 2),
                cmd: home.cmd(&args),
            }
        })
        .collect()
}

/// Runs the marks one after the other on a thread; the ones that exited 0 are acknowledged.
pub fn run_marks(
    runs: Vec<MarkRun>,
) -> std::thread::JoinHandle<Vec<(MarkRun, std::process::Output)>> {
    std::thread::spawn(move || {
        runs.into_iter()
            .map(|mut run| {
                std::thread::sleep(run.pause);
                let out = run.cmd.output().unwrap();
                (run, out)
            })
            .collect()
    })
}

pub fn apply_mark(expected: &mut Expected, token: &str, flag: &str) {
    match flag {
        "--read" => expected.set(token, Some(true), None),
        "--unread" => expected.set(token, Some(false), None),
        "--star" => expected.set(token, None, Some(true)),
        _ => expected.set(token, None, Some(false)),
    }
}

/// Marks every feed as not fetched in this round, so the kill's position can be told after.
pub fn reset_fetch_times(db: &Path) {
    let conn = Connection::open(db).unwrap();
    conn.busy_timeout(Duration::from_secs(10)).unwrap();
    conn.execute("UPDATE feeds SET last_fetch_at = 1", [])
        .unwrap();
}

/// Feeds written since `reset_fetch_times`, and all feeds.
pub fn fetched_feeds(db: &Path) -> (usize, usize) {
    let conn = Connection::open(db).unwrap();
    conn.busy_timeout(Duration::from_secs(10)).unwrap();
    conn.query_row(
        "SELECT count(*) FILTER (WHERE last_fetch_at > 1), count(*) FROM feeds",
        [],
        |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)),
    )
    .map(|(written, all)| {
        (
            usize::try_from(written).unwrap(),
            usize::try_from(all).unwrap(),
        )
    })
    .unwrap()
}

/// One refresh killed after a random delay up to `limit`, marks made meanwhile from another
/// process, then every check, a refresh that must complete, and every check again.
pub fn refresh_round(
    home: &Home,
    world: &mut World,
    rng: &mut Rng,
    rows: &mut Rows,
    limit: Duration,
    tally: &mut RefreshTally,
    ctx: &str,
) {
    world.evolve(rng, 30);
    let mut expected = Expected::from(rows);
    let marks = plan_marks(rng, home, rows, limit);
    reset_fetch_times(&home.db());
    let hits = world.hits();
    // Some kills in the first moments (opening the database, the first requests), the rest
    // anywhere in the whole refresh.
    let window = if rng.chance(15) {
        Duration::from_millis(80)
    } else {
        limit
    };
    let delay = rng.millis(window);
    let ctx = format!("{ctx}, killed after {delay:?}");
    let marker = run_marks(marks);
    let mut child = home.spawn_refresh();
    std::thread::sleep(delay);
    let _ = child.kill();
    let killed = child.wait().unwrap().signal() == Some(9);
    for (run, out) in marker.join().unwrap() {
        assert!(
            out.status.success(),
            "{ctx}: tidings mark {} failed: {}",
            run.flag,
            String::from_utf8_lossy(&out.stderr)
        );
        for token in &run.tokens {
            apply_mark(&mut expected, token, run.flag);
        }
        tally.marks += 1;
    }
    let torn = unfinished_wal_frames(&home.db());
    let (written, feeds) = fetched_feeds(&home.db());
    if killed {
        tally.kills += 1;
        tally.torn += usize::from(torn > 0);
        tally.fill += usize::from(rows.is_empty());
        if world.hits() == hits {
            tally.starting += 1;
        } else if written == 0 {
            tally.fetching += 1;
        } else if written < feeds {
            tally.writing += 1;
        } else {
            tally.after += 1;
        }
    } else {
        tally.missed += 1;
    }
    let after_kill = check_db(&home.db(), &ctx);
    expected.verify(&after_kill, &ctx);
    check_served(world, &after_kill, false, &ctx);
    let ctx = format!("{ctx}, then a complete refresh");
    home.refresh_completes(&ctx);
    let after_refresh = check_db(&home.db(), &ctx);
    expected.verify(&after_refresh, &ctx);
    check_served(world, &after_refresh, true, &ctx);
    *rows = after_refresh;
}

/// A new home whose first `tidings import` (creating the database: every migration, then the
/// subscriptions) is killed after a random delay up to `limit`; what is left must be a sound
/// database or none, and the import run again must complete.
pub fn home_after_a_killed_import(
    world: &World,
    rng: &mut Rng,
    limit: Duration,
    tally: &mut RefreshTally,
    ctx: &str,
) -> Home {
    let home = Home::without_database(world);
    let mut child = home.import().spawn().unwrap();
    std::thread::sleep(rng.millis(limit));
    let _ = child.kill();
    tally.imports += usize::from(child.wait().unwrap().signal() == Some(9));
    if home.db().exists() {
        let conn = Connection::open(home.db()).unwrap();
        let integrity: String = conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap_or_else(|e| panic!("{ctx}: a killed import left {e}"));
        assert_eq!(integrity, "ok", "{ctx}: after a killed import");
    }
    let out = home.import().output().unwrap();
    assert!(
        out.status.success(),
        "{ctx}: the import after a killed one failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let conn = Connection::open(home.db()).unwrap();
    let (version, feeds): (i64, i64) = conn
        .query_row(
            "SELECT user_version, (SELECT count(*) FROM feeds) FROM pragma_user_version",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(version, tidings::store::SCHEMA_VERSION, "{ctx}");
    assert_eq!(
        usize::try_from(feeds).unwrap(),
        world.feeds.len(),
        "{ctx}: subscriptions after a killed import"
    );
    home
}
