//! A reader in a pty, filtered to one group, walking down its entries and toggling one mark on
//! each (`s` in alpha, `r` in beta); at the bottom it goes back to the top (`g`) and walks again,
//! now and then after quitting and starting again. On the way it undoes a mark and makes it
//! again, marks its whole view read and undoes that, and presses `R`.
//!
//! Each leg is planned from the database: from the entry under the cursor at the top, the
//! group's order as `tidings entries --json` lists it. New entries only arrive above, so that
//! order holds for the whole leg, and after every `j` the cursor must stand on the next entry
//! in it, whatever reloads came in between. Before each key the row must show the flags last
//! acknowledged for it; after the key the screen must show the toggled flag: that is the
//! acknowledgement, and the final database must agree with every one of them.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::checks::{alarm, printed};
use crate::common::pty::Session;
use crate::world::{Group, Home, Rng, find_token};

/// A hang fails after this; nothing here measures speed.
pub const PATIENCE: Duration = Duration::from_secs(60);

/// Set when a thread of the run failed: the others stop waiting (their screens say nothing
/// more about the failure).
pub static GIVE_UP: AtomicBool = AtomicBool::new(false);

/// `(read, starred)` of an entry.
pub type Flags = (bool, bool);

/// One entry row on screen.
#[derive(Debug, Clone)]
pub struct Line {
    pub token: String,
    pub group: Group,
    pub flags: Flags,
    pub cursor: bool,
}

/// The entry rows on screen (the title line, the status line and a divider have no token).
pub fn lines(s: &Session) -> Vec<Line> {
    s.screen(|screen| {
        let (rows, cols) = screen.size();
        (1..rows.saturating_sub(1))
            .filter_map(|r| {
                let text = screen.contents_between(r, 0, r, cols);
                let (token, group) = find_token(&text)?;
                let mut marks = text.chars();
                let read = !matches!(marks.next()?, 'N' | 'O');
                let starred = marks.next()? == '*';
                let cursor = screen.cell(r, 0).is_some_and(vt100::Cell::inverse);
                Some(Line {
                    token,
                    group,
                    flags: (read, starred),
                    cursor,
                })
            })
            .collect()
    })
}

fn cursor(s: &Session) -> Option<String> {
    lines(s).into_iter().find(|l| l.cursor).map(|l| l.token)
}

fn shown(s: &Session, token: &str) -> Option<Flags> {
    lines(s)
        .into_iter()
        .find(|l| l.token == token)
        .map(|l| l.flags)
}

/// Waits until `pred` holds; panics saying what it waited for, where the cursor is, and the
/// screen. Every screen looked at on the way is checked for an error message.
pub fn until(s: &Session, what: &str, pred: impl Fn(&Session) -> bool) {
    let start = Instant::now();
    loop {
        let screen = s.contents();
        if let Some(word) = alarm(&screen) {
            panic!("{word:?} on the screen while waiting for {what}:\n{screen}");
        }
        if pred(s) {
            return;
        }
        assert!(
            !GIVE_UP.load(Ordering::SeqCst),
            "gave up waiting for {what}: another thread of the run failed"
        );
        assert!(
            start.elapsed() < PATIENCE,
            "timed out waiting for {what} (the cursor is on {:?}); screen:\n{screen}",
            cursor(s)
        );
        std::thread::sleep(Duration::from_millis(15));
    }
}

/// Starts a reader at `cols`×`rows` and waits for its stream.
fn open(home: &Home, (cols, rows): (u16, u16)) -> Session {
    let session = Session::start(home.path(), &["--db", home.db_arg()], cols, rows);
    until(&session, "the stream", |s| {
        s.contents().contains(" unread,") && !lines(s).is_empty()
    });
    session
}

/// What one reader did.
#[derive(Debug, Default, Clone, Copy)]
pub struct WalkTally {
    /// Marks the screen acknowledged.
    pub acks: u64,
    /// Walks from the top.
    pub legs: u64,
    /// `R` pressed.
    pub refreshes: u64,
    /// Times it quit and started again.
    pub restarts: u64,
    /// Marks undone with `u` (and made again).
    pub undos: u64,
    /// Rounds of `A` (everything in the view read) and `u`.
    pub bulk: u64,
    /// The longest leg, in entries.
    pub longest: usize,
    /// Legs whose first entry was no longer on the first row (news loaded after `g`), and
    /// the most rows it had moved down.
    pub moved_tops: u64,
    pub top_shift: usize,
    /// The longest a mark took to show (reported, never asserted).
    pub slowest: Duration,
}

pub struct Walker {
    pub session: Session,
    pub group: Group,
    /// The key pressed on each entry: `s` or `r`.
    key: &'static str,
    size: (u16, u16),
    /// Flags last acknowledged, by token (entries not in it are unread and not starred).
    pub expected: HashMap<String, Flags>,
    pub tally: WalkTally,
}

impl Walker {
    /// Starts a reader at `cols`×`rows` and filters it to `group`.
    pub fn start(home: &Home, group: Group, key: &'static str, size: (u16, u16)) -> Self {
        let mut walker = Self {
            session: open(home, size),
            size,
            group,
            key,
            expected: HashMap::new(),
            tally: WalkTally::default(),
        };
        walker.show(group);
        walker
    }

    /// Filters the stream to `feed:GROUP` (Ctrl-u first clears the filter line).
    pub fn show(&mut self, group: Group) {
        let filter = format!("feed:{}", group.name());
        self.session.keys(&format!("/\x15{filter}"));
        until(&self.session, "the filter typed", |s| {
            s.contents().contains(&format!("/{filter}"))
        });
        self.session.keys("\r");
        until(&self.session, &format!("the stream of {filter}"), |s| {
            let lines = lines(s);
            s.row(0).contains(&filter)
                && !lines.is_empty()
                && lines.iter().all(|l| l.group == group)
        });
    }

    pub fn want(&self, token: &str) -> Flags {
        self.expected.get(token).copied().unwrap_or_default()
    }

    /// Walks legs until `stop`; between legs, now and then, quits and starts again (the
    /// marks must outlive it, and neither its last write nor its first may meet a lock).
    pub fn run(&mut self, home: &Home, rng: &mut Rng, stop: &AtomicBool) {
        while !stop.load(Ordering::SeqCst) {
            self.leg(home, rng, stop);
            if !stop.load(Ordering::SeqCst) && rng.chance(50) {
                self.restart(home);
            }
        }
    }

    /// Quits (after checking every frame it drew) and starts a new reader on the same view.
    fn restart(&mut self, home: &Home) {
        self.no_error_drawn();
        self.session.keys("Q");
        assert!(
            self.session.wait_exit(),
            "the {} reader did not exit cleanly",
            self.group.name()
        );
        self.session = open(home, self.size);
        self.show(self.group);
        self.tally.restarts += 1;
    }

    /// Every frame this reader drew is free of error messages.
    pub fn no_error_drawn(&self) {
        let printed = printed(&self.session.raw());
        if let Some(word) = alarm(&printed) {
            let (before, after) = printed.split_at(printed.find(word).unwrap());
            let mut shown: Vec<char> = before.chars().rev().take(200).collect();
            shown.reverse();
            shown.extend(after.chars().take(200));
            panic!(
                "the {} reader drew {word:?}: …{}…",
                self.group.name(),
                shown.into_iter().collect::<String>()
            );
        }
    }

    fn leg(&mut self, home: &Home, rng: &mut Rng, stop: &AtomicBool) {
        let mut last = cursor(&self.session);
        if lines(&self.session).first().is_some_and(|l| l.cursor) {
            // Off the top first, so that `g` shows it was done.
            self.session.keys("j");
            until(&self.session, "the cursor off the first row", |s| {
                cursor(s).is_some_and(|c| Some(&c) != last.as_ref())
            });
            last = cursor(&self.session);
        }
        self.session.keys("g");
        // `g` takes the cursor to the first row; if news came in since (say, at the end of a
        // refresh of this reader's own), the cursor stays on that entry, further down.
        until(
            &self.session,
            "the cursor to leave its entry for the top",
            |s| cursor(s).is_some_and(|c| Some(&c) != last.as_ref()),
        );
        let row = lines(&self.session).iter().position(|l| l.cursor);
        if let Some(row @ 1..) = row {
            self.tally.moved_tops += 1;
            self.tally.top_shift = self.tally.top_shift.max(row);
        }
        let top = cursor(&self.session).unwrap();
        let order = home.order(self.group);
        let from = order
            .iter()
            .position(|(t, _)| *t == top)
            .unwrap_or_else(|| {
                panic!(
                    "the reader's top entry {top} is not in the database's {} list",
                    self.group.name()
                )
            });
        let walk: Vec<String> = order[from..].iter().map(|(t, _)| t.clone()).collect();
        self.tally.legs += 1;
        self.tally.longest = self.tally.longest.max(walk.len());
        let mut since_refresh = usize::MAX / 2;
        for (i, token) in walk.iter().enumerate() {
            if stop.load(Ordering::SeqCst) {
                return;
            }
            if i > 0 {
                self.session.keys("j");
            }
            self.step(token, i, rng);
            if rng.chance(2) {
                self.session.keys("R");
                self.tally.refreshes += 1;
                since_refresh = 0;
            }
            since_refresh += 1;
            if since_refresh > 5 && rng.chance(2) {
                self.mark_all_and_undo();
            }
            if rng.chance(10) {
                std::thread::sleep(Duration::from_millis(rng.range(10, 200)));
            }
        }
    }

    /// On the `i`-th entry of a leg: checks the cursor and the row, toggles, waits for it.
    fn step(&mut self, token: &str, i: usize, rng: &mut Rng) {
        until(
            &self.session,
            &format!("the cursor on {token}, entry {i} of the leg"),
            |s| cursor(s).as_deref() == Some(token),
        );
        let want = self.want(token);
        let before = shown(&self.session, token);
        assert_eq!(
            before,
            Some(want),
            "{token} should show (read, starred) = {want:?}, as last acknowledged; screen:\n{}",
            self.session.contents()
        );
        let next = if self.key == "s" {
            (want.0, !want.1)
        } else {
            (!want.0, want.1)
        };
        self.toggle(token, next);
        if rng.chance(4) {
            // Undo puts back what was there; the mark is then made again.
            self.session.keys("u");
            // The row is the acknowledgement: the status line may already say how a refresh
            // of this reader went.
            until(&self.session, &format!("{token} undone"), |s| {
                shown(s, token) == Some(want)
            });
            self.expected.insert(token.to_owned(), want);
            self.tally.undos += 1;
            self.toggle(token, next);
        }
    }

    /// Presses the key on `token` and waits until the screen shows `next`.
    fn toggle(&mut self, token: &str, next: Flags) {
        let pressed = Instant::now();
        self.session.keys(self.key);
        until(
            &self.session,
            &format!("{token} shown as (read, starred) = {next:?}"),
            |s| shown(s, token) == Some(next),
        );
        self.tally.slowest = self.tally.slowest.max(pressed.elapsed());
        self.expected.insert(token.to_owned(), next);
        self.tally.acks += 1;
    }

    /// `A`, `y`: everything in the view read, written on a connection of its own; then `u`
    /// puts back exactly the entries it changed. Only while no refresh of this reader runs, so
    /// the status line says how many: the acknowledgement of both.
    fn mark_all_and_undo(&mut self) {
        let before: Vec<Line> = lines(&self.session);
        let unread = before.iter().filter(|l| !l.flags.0).count();
        if unread < 2 || self.session.contents().contains("Refreshing") {
            return;
        }
        let known = |l: &Line| before.iter().any(|b| b.token == l.token);
        self.session.keys("A");
        until(&self.session, "the question", |s| {
            s.contents().contains("(y/n) Mark all")
        });
        self.session.keys("y");
        until(&self.session, "everything marked read", |s| {
            // Entries arriving meanwhile may come in above, unread.
            s.contents().contains(" read (u undoes)")
                && lines(s).iter().filter(|l| known(l)).all(|l| l.flags.0)
        });
        let contents = self.session.contents();
        let n = contents
            .split("Marked ")
            .nth(1)
            .and_then(|rest| rest.split(' ').next())
            .and_then(|n| n.parse::<usize>().ok())
            .unwrap_or_else(|| panic!("no count in the status line:\n{contents}"));
        assert!(
            n >= unread,
            "{n} marked read, {unread} unread on screen:\n{contents}"
        );
        self.session.keys("u");
        let undone = format!("Undone: {n} entries unread again");
        let what = format!("{undone:?}, and every row as before");
        until(&self.session, &what, |s| {
            s.contents().contains(&undone)
                && lines(s)
                    .iter()
                    .all(|l| l.flags == self.expected.get(&l.token).copied().unwrap_or_default())
        });
        self.tally.bulk += 1;
    }

    /// Waits until every entry row on screen shows the flags `expected` says.
    pub fn wait_agrees(&self, what: &str, expected: &HashMap<String, Flags>) {
        until(&self.session, what, |s| {
            lines(s)
                .iter()
                .all(|l| l.flags == expected.get(&l.token).copied().unwrap_or_default())
        });
    }

    /// Checks every frame it drew, and quits with `Q`; the reader must exit 0.
    pub fn quit(mut self) {
        self.no_error_drawn();
        self.session.keys("Q");
        assert!(
            self.session.wait_exit(),
            "the {} reader did not exit cleanly",
            self.group.name()
        );
    }
}
