//! The reader, making marks in a pty, killed at random moments.

use std::time::{Duration, Instant};

use crate::checks::{Expected, Rows, check_db, check_served, unfinished_wal_frames};
use crate::common::pty::Session;
use crate::world::{HANG, Home, Rng, World, parse_token};

pub const COLS: u16 = 100;
pub const ROWS: u16 = 30;

/// An entry row as the screen shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shown {
    pub token: String,
    pub read: bool,
    pub starred: bool,
    pub cursor: bool,
}

/// The entry rows on screen, top to bottom (the divider and the bars are not entries).
pub fn shown(s: &Session) -> Vec<Shown> {
    s.screen(|screen| {
        (1..ROWS - 1)
            .filter_map(|line| {
                let text = screen.contents_between(line, 0, line, COLS);
                let mut marks = text.chars();
                let read = marks.next()? == ' ';
                let starred = marks.next()? == '*';
                let token = text.split_whitespace().find(|w| parse_token(w).is_some())?;
                Some(Shown {
                    token: token.to_owned(),
                    read,
                    starred,
                    cursor: screen.cell(line, 0).is_some_and(vt100::Cell::inverse),
                })
            })
            .collect()
    })
}

pub fn status(s: &Session) -> String {
    s.row(ROWS - 1)
}

/// Polls `pred` for up to `limit`; whether it came true.
pub fn poll(s: &Session, limit: Duration, pred: impl Fn(&Session) -> bool) -> bool {
    let start = Instant::now();
    while !pred(s) {
        if start.elapsed() > limit {
            return false;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    true
}

/// The rows once the screen has stopped changing for a moment.
pub fn settled(s: &Session) -> Vec<Shown> {
    let start = Instant::now();
    let mut last = shown(s);
    let mut since = Instant::now();
    while since.elapsed() < Duration::from_millis(120) && start.elapsed() < HANG {
        std::thread::sleep(Duration::from_millis(20));
        let now = shown(s);
        if now != last {
            last = now;
            since = Instant::now();
        }
    }
    last
}

/// Waits until the row of `token` shows these marks.
pub fn wait_marks(s: &Session, token: &str, read: bool, starred: bool, ctx: &str) {
    s.wait_for(
        &format!("{ctx}: {token} shown read={read} starred={starred}"),
        |s| {
            shown(s)
                .iter()
                .any(|r| r.token == token && r.read == read && r.starred == starred)
        },
    );
}

/// Where the reader's kills landed, and the marks it made.
#[derive(Debug, Default)]
pub struct TuiTally {
    pub kills: usize,
    /// Before its first screen was up.
    pub starting: usize,
    pub idle: usize,
    /// Right after a mark key, before the screen could show it.
    pub after_key: usize,
    /// While its own refresh was running.
    pub refreshing: usize,
    /// After its refresh had finished.
    pub after_refresh: usize,
    pub torn: usize,
    pub acknowledged: usize,
    pub undone: usize,
    pub marked_all: usize,
}

/// What a session has done so far.
#[derive(Debug, Default)]
pub struct Round {
    pub refreshed: bool,
    pub marked_all: bool,
    /// The entries the last change (a mark on everything) made read, while `u` would undo it.
    pub undo_all: Option<Vec<String>>,
}

/// `r` or `s` on the entry under the cursor; waits for the screen to show it unless
/// `acknowledge` is false. Returns the entry and its marks before.
pub fn toggle(
    s: &mut Session,
    expected: &mut Expected,
    read: bool,
    acknowledge: bool,
    ctx: &str,
) -> Option<Shown> {
    let row = settled(s).into_iter().find(|r| r.cursor)?;
    s.keys(if read { "r" } else { "s" });
    let (now_read, now_starred) = if read {
        (!row.read, row.starred)
    } else {
        (row.read, !row.starred)
    };
    if !acknowledge {
        expected.forget(&row.token, read);
        return Some(row);
    }
    wait_marks(s, &row.token, now_read, now_starred, ctx);
    expected.set(&row.token, Some(now_read), Some(now_starred));
    Some(row)
}

/// `A`, `y`: every entry read. Acknowledged when the status line says so. Returns the entries
/// it makes read.
pub fn mark_all(
    s: &mut Session,
    expected: &mut Expected,
    acknowledge: bool,
    ctx: &str,
) -> Vec<String> {
    let mut unread: Vec<String> = expected
        .marks
        .iter()
        .filter(|(_, e)| e.read == Some(false))
        .map(|(token, _)| token.clone())
        .collect();
    unread.sort();
    s.keys("A");
    s.wait_text("(y/n) Mark all");
    s.keys("y");
    expected.new_read_unknown = true;
    let now = if acknowledge {
        s.wait_for(&format!("{ctx}: everything marked read"), |s| {
            status(s).contains(" read (u undoes)")
        });
        Some(true)
    } else {
        None
    };
    for token in &unread {
        expected.marks.get_mut(token).unwrap().read = now;
    }
    unread
}

/// `u` after a mark on everything: those entries unread again.
fn undo_all(
    s: &mut Session,
    expected: &mut Expected,
    made_read: &[String],
    acknowledge: bool,
    ctx: &str,
) {
    s.keys("u");
    let now = if acknowledge {
        s.wait_for(&format!("{ctx}: everything unread again"), |s| {
            status(s).contains("unread again")
        });
        Some(false)
    } else {
        None
    };
    for token in made_read {
        expected.marks.get_mut(token).unwrap().read = now;
    }
}

/// Enter on the entry under the cursor: the reader opens it and marks it read (shown by its
/// header losing `[unread]`); then `q` back to the stream.
fn open(s: &mut Session, expected: &mut Expected, ctx: &str) -> bool {
    let Some(row) = settled(s).into_iter().find(|r| r.cursor) else {
        return false;
    };
    s.keys("\r");
    s.wait_for(&format!("{ctx}: {} open and read", row.token), |s| {
        let header = s.row(1);
        header.contains(&row.token)
            && !header.contains("[unread]")
            && s.row(3).contains("https://example.org/")
    });
    expected.set(&row.token, Some(true), Some(row.starred));
    s.keys("q");
    s.wait_for(&format!("{ctx}: back on the stream"), |s| {
        s.row(0).contains("All entries")
    });
    true
}

/// Moves the cursor to a random row on screen.
fn move_cursor(s: &mut Session, rng: &mut Rng) {
    let rows = settled(s);
    let Some(cursor) = rows.iter().position(|r| r.cursor) else {
        return;
    };
    let target = rng.index(rows.len());
    let keys = if target >= cursor {
        "j".repeat(target - cursor)
    } else {
        "k".repeat(cursor - target)
    };
    s.keys(&keys);
    let want = rows[target].token.clone();
    // New entries at the top can shift the rows meanwhile: then the cursor is elsewhere.
    poll(s, Duration::from_secs(3), |s| {
        shown(s).iter().any(|r| r.cursor && r.token == want)
    });
}

/// One random action, acknowledged by the screen before the next.
pub fn act(
    s: &mut Session,
    rng: &mut Rng,
    expected: &mut Expected,
    round: &mut Round,
    tally: &mut TuiTally,
    ctx: &str,
) {
    let roll = rng.range(0, 99);
    let undo_all_pending = round.undo_all.take();
    if roll < 30 {
        move_cursor(s, rng);
        round.undo_all = undo_all_pending;
    } else if roll < 60 {
        if toggle(s, expected, roll < 47, true, ctx).is_some() {
            tally.acknowledged += 1;
        }
    } else if roll < 68 {
        // A mark, then undone.
        if let Some(before) = toggle(s, expected, true, true, ctx) {
            s.keys("u");
            wait_marks(s, &before.token, before.read, before.starred, ctx);
            expected.set(&before.token, Some(before.read), Some(before.starred));
            tally.acknowledged += 1;
            tally.undone += 1;
        }
    } else if roll < 76 {
        tally.acknowledged += usize::from(open(s, expected, ctx));
    } else if roll < 82 {
        s.keys(["\x1b[6~", "g", "\x1b[5~", "G"][rng.index(4)]);
        settled(s);
        round.undo_all = undo_all_pending;
    } else if roll < 90 {
        if let Some(made_read) = undo_all_pending {
            undo_all(s, expected, &made_read, true, ctx);
            tally.undone += 1;
        } else if may_mark_all(expected, round) {
            round.undo_all = Some(mark_all(s, expected, true, ctx));
            round.marked_all = true;
            tally.marked_all += 1;
        }
    } else if !round.refreshed {
        s.keys("R");
        round.refreshed = true;
        round.undo_all = undo_all_pending;
    }
}

/// At most once a session, and not while its refresh may add entries (the status line that
/// acknowledges it could be overwritten by the refresh's).
fn may_mark_all(expected: &Expected, round: &Round) -> bool {
    let unread = expected
        .marks
        .values()
        .filter(|e| e.read == Some(false))
        .count();
    !round.refreshed && !round.marked_all && unread >= 2
}

/// The last action before a kill: a mark key, and no waiting for the screen.
fn unacknowledged(
    s: &mut Session,
    rng: &mut Rng,
    expected: &mut Expected,
    round: &mut Round,
    ctx: &str,
) {
    if let Some(made_read) = round.undo_all.take() {
        undo_all(s, expected, &made_read, false, ctx);
    } else if may_mark_all(expected, round) && rng.chance(20) {
        mark_all(s, expected, false, ctx);
    } else {
        toggle(s, expected, rng.chance(50), false, ctx);
    }
    std::thread::sleep(rng.millis(Duration::from_millis(25)));
}

/// `R` (unless it ran already), maybe a mark or two, and a kill at a random moment of the
/// refresh.
fn during_refresh(
    s: &mut Session,
    rng: &mut Rng,
    expected: &mut Expected,
    round: &Round,
    refresh_time: Duration,
    tally: &mut TuiTally,
    ctx: &str,
) {
    if !round.refreshed {
        s.keys("R");
    }
    for _ in 0..rng.range(0, 2) {
        if toggle(s, expected, rng.chance(50), true, ctx).is_some() {
            tally.acknowledged += 1;
        }
    }
    std::thread::sleep(rng.millis(refresh_time));
    if status(s).contains("Refreshing") {
        tally.refreshing += 1;
    } else {
        tally.after_refresh += 1;
    }
}

/// One session: start the reader, act at random, kill it (idle, right after a mark key, or
/// while its refresh runs), then every check, a refresh that must complete, every check again.
pub fn tui_round(
    home: &Home,
    world: &mut World,
    rng: &mut Rng,
    rows: &mut Rows,
    refresh_time: Duration,
    tally: &mut TuiTally,
    ctx: &str,
) {
    world.evolve(rng, 40);
    let mut expected = Expected::from(rows);
    let db = home.db();
    let config = home.config();
    let args = [
        "--db",
        db.to_str().unwrap(),
        "--config",
        config.to_str().unwrap(),
    ];
    let mut s = Session::start(home.path(), &args, COLS, ROWS);
    let mode = rng.range(0, 9);
    if mode == 0 {
        // While it starts: opening the database, the first page.
        std::thread::sleep(rng.millis(Duration::from_millis(400)));
        tally.starting += 1;
    } else {
        s.wait_for(&format!("{ctx}: the stream"), |s| {
            status(s).contains(" unread,") && !shown(s).is_empty()
        });
        let mut round = Round::default();
        for _ in 0..rng.range(1, 10) {
            act(&mut s, rng, &mut expected, &mut round, tally, ctx);
        }
        if mode < 3 {
            std::thread::sleep(rng.millis(Duration::from_millis(60)));
            tally.idle += 1;
        } else if mode < 6 {
            unacknowledged(&mut s, rng, &mut expected, &mut round, ctx);
            tally.after_key += 1;
        } else {
            during_refresh(&mut s, rng, &mut expected, &round, refresh_time, tally, ctx);
        }
    }
    s.sigkill();
    drop(s);
    tally.kills += 1;
    tally.torn += usize::from(unfinished_wal_frames(&db) > 0);
    let after_kill = check_db(&db, ctx);
    expected.verify(&after_kill, ctx);
    check_served(world, &after_kill, false, ctx);
    let ctx = format!("{ctx}, then a complete refresh");
    home.refresh_completes(&ctx);
    let after_refresh = check_db(&db, &ctx);
    expected.verify(&after_refresh, &ctx);
    check_served(world, &after_refresh, true, &ctx);
    *rows = after_refresh;
}
