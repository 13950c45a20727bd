//! End to end: the real binary in a real pty at a fixed size; keys in, the screen read back
//! through a terminal emulator (vt100). Waits have generous deadlines only to catch hangs.
// Harness code outside #[test] functions unwraps too: a failed setup should fail the test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::pty::{Session, bin};
use serde_json::Value;

fn entries(db: &Path) -> Vec<Value> {
    let out = std::process::Command::new(bin())
        .args(["--db", db.to_str().unwrap(), "entries", "--json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice::<Value>(&out.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

/// The reader is open: its header's third line is the entry's link. (Opening marks the entry
/// read, so the header no longer says [unread].)
fn wait_reader(s: &Session) {
    s.wait_for("the reader", |s| {
        s.row(3).trim_start().starts_with("http") && !s.row(0).contains("All entries")
    });
}

/// The status line shows counts once the first page is in.
fn ready(s: &Session) {
    s.wait_for("the stream", |s| {
        s.contents().contains(" unread,") && s.row(1).starts_with('N')
    });
}

#[test]
fn demo_open_mark_quit_relaunch_keeps_every_mark() {
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("t.db");
    let db_arg = db.to_str().unwrap();
    let mut s = Session::start(home.path(), &["--db", db_arg, "--demo"], 80, 24);
    ready(&s);
    assert!(s.row(0).contains("All entries"), "{}", s.contents());
    let first_title = entries(&db)[0]["title"].as_str().unwrap().to_owned();
    let shown: String = first_title.chars().take(20).collect();
    assert!(
        s.row(1).contains(&shown),
        "{} not on row 1:\n{}",
        shown,
        s.contents()
    );

    // Star the first entry, then open it: the reader shows it, opening marks it read.
    s.keys("s");
    s.wait_for("star marker", |s| s.row(1).starts_with("N*"));
    s.keys("\r");
    s.wait_text("[starred]");
    assert!(s.contents().contains(&shown), "{}", s.contents());
    s.keys("j j");
    s.keys("q");
    s.wait_for("back on the stream", |s| s.row(1).starts_with(" *"));

    // Mark the second entry read, and quit.
    s.keys("jr");
    s.wait_for("read mark on row 2", |s| s.row(2).starts_with(' '));
    s.keys("q");
    assert!(s.wait_exit());

    let stored = entries(&db);
    assert_eq!(stored[0]["starred"], true);
    assert_eq!(stored[0]["read"], true);
    assert_eq!(stored[1]["read"], true);
    assert_eq!(stored[2]["read"], false);

    // Relaunch (no --demo): the marks are there on screen too.
    let mut s = Session::start(home.path(), &["--db", db_arg], 80, 24);
    s.wait_for("the stream", |s| s.contents().contains(" unread,"));
    assert!(s.row(1).starts_with(" *"), "{}", s.contents());
    assert!(s.row(2).starts_with("  "), "{}", s.contents());
    // Unread from before this visit: `O`, no longer new (issue #19).
    assert!(s.row(3).starts_with('O'), "{}", s.contents());
    s.keys("q");
    assert!(s.wait_exit());
}

#[test]
fn sighup_exits_promptly_and_loses_no_mark() {
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("t.db");
    let db_arg = db.to_str().unwrap();
    let mut s = Session::start(home.path(), &["--db", db_arg, "--demo"], 100, 30);
    ready(&s);
    s.keys("rjjs");
    s.wait_for("marks shown", |s| {
        s.row(1).starts_with("  ") && s.row(3).starts_with("N*")
    });
    let killed = std::process::Command::new("kill")
        .args(["-HUP", &s.pid().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    s.wait_exit();
    let stored = entries(&db);
    assert_eq!(stored[0]["read"], true);
    assert_eq!(stored[2]["starred"], true);
}

/// Issue #16: marks are written off the keys. While another program holds the database's
/// write lock (as a refresh's transaction does), a mark key is taken at once and the keys after
/// it work; the mark shows once the lock is let go. A mark made just before `q` is kept: the
/// reader waits for it as it closes.
#[test]
fn a_mark_waits_for_another_writer_but_the_keys_do_not() {
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("t.db");
    let db_arg = db.to_str().unwrap();
    let mut s = Session::start(home.path(), &["--db", db_arg, "--demo"], 100, 30);
    ready(&s);
    let other = rusqlite::Connection::open(&db).unwrap();
    other.execute_batch("BEGIN IMMEDIATE").unwrap();
    s.keys("s?");
    s.wait_text("toggle starred");
    s.keys("q");
    s.wait_for("stream again", |s| s.row(0).contains("All entries"));
    assert!(
        !s.row(1).starts_with("N*"),
        "not shown before it is written"
    );
    other.execute_batch("COMMIT").unwrap();
    s.wait_for("star shown once written", |s| s.row(1).starts_with("N*"));

    other.execute_batch("BEGIN IMMEDIATE").unwrap();
    s.keys("jr");
    s.keys("q");
    std::thread::sleep(Duration::from_millis(300));
    assert!(s.is_running(), "closing waits for the mark");
    other.execute_batch("COMMIT").unwrap();
    assert!(s.wait_exit());
    let stored = entries(&db);
    assert_eq!(stored[0]["starred"], true);
    assert_eq!(stored[1]["read"], true);
}

#[test]
fn help_feeds_and_back_again() {
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("t.db");
    let mut s = Session::start(
        home.path(),
        &["--db", db.to_str().unwrap(), "--demo"],
        120,
        40,
    );
    ready(&s);
    s.keys("?");
    s.wait_text("toggle starred");
    s.keys("q");
    s.wait_for("stream again", |s| s.row(0).contains("All entries"));
    s.keys("f");
    s.wait_for("feed list", |s| s.row(0).contains("Feeds"));
    let feed_line = s.row(1);
    s.keys("\r");
    s.wait_for("one feed's stream", |s| {
        !s.row(0).contains("All entries") && !s.row(0).contains("Feeds")
    });
    assert!(
        feed_line.contains(s.row(0).split(" · ").nth(1).unwrap().trim()),
        "{feed_line} / {}",
        s.row(0)
    );
    s.keys("q");
    s.wait_for("feed list again", |s| s.row(0).contains("Feeds"));
    s.keys("q");
    s.wait_for("stream again", |s| s.row(0).contains("All entries"));
    s.keys("q");
    assert!(s.wait_exit());
}

#[test]
fn tiny_terminal_and_resizes_never_panic() {
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("t.db");
    let mut s = Session::start(
        home.path(),
        &["--db", db.to_str().unwrap(), "--demo"],
        20,
        5,
    );
    s.wait_for("something drawn", |s| s.contents().contains("tidings"));
    s.resize(10, 3);
    s.wait_text("terminal");
    s.resize(80, 24);
    s.wait_for("full stream", |s| s.contents().contains(" unread,"));
    s.keys("\r");
    s.wait_for("the reader", |s| !s.row(0).contains("All entries"));
    s.resize(30, 6);
    s.resize(80, 24);
    s.keys("q");
    s.wait_for("stream", |s| s.row(0).contains("All entries"));
    s.keys("q");
    assert!(s.wait_exit(), "exited with failure:\n{}", s.contents());
}

/// A key typed while a resize is being handled is handled at once, not when the next key
/// comes: crossterm's default input source (edge-triggered epoll) could return the resize and
/// leave the key's bytes unread with no further wake-up, until the terminal hung up.
#[test]
fn keys_typed_during_resizes_are_handled_at_once() {
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("t.db");
    let mut s = Session::start(
        home.path(),
        &["--db", db.to_str().unwrap(), "--demo"],
        80,
        24,
    );
    s.wait_for("full stream", |s| s.contents().contains(" unread,"));
    for round in 0..40u16 {
        let (cols, rows) = if round % 2 == 0 { (72, 20) } else { (80, 24) };
        s.resize(cols, rows);
        s.keys("?");
        s.wait_for(&format!("help, round {round}"), |s| {
            s.row(0).contains("Keys")
        });
        s.resize(cols + 3, rows + 1);
        s.keys("q");
        s.wait_for(&format!("stream, round {round}"), |s| {
            s.row(0).contains("All entries")
        });
    }
    s.keys("q");
    assert!(s.wait_exit(), "exited with failure:\n{}", s.contents());
}

#[test]
fn keys_keep_working_while_a_slow_refresh_runs() {
    let server = common::TestServer::start();
    let body = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Slow</title>\
        <item><guid>slow-1</guid><title>Arrived late</title><pubDate>Sat, 21 Nov 2026 09:00:00 GMT</pubDate></item>\
        </channel></rss>";
    server.route(
        "/slow.xml",
        common::Response::ok(body.as_bytes().to_vec()).delay(Duration::from_secs(3)),
    );
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("t.db");
    let db_arg = db.to_str().unwrap();
    // Seed with the demo feeds, then subscribe to the slow one too.
    let mut s = Session::start(home.path(), &["--db", db_arg, "--demo"], 80, 24);
    ready(&s);
    s.keys("q");
    s.wait_exit();
    std::fs::write(
        home.path().join("urls"),
        format!("{}\n", server.url("/slow.xml")),
    )
    .unwrap();
    let out = std::process::Command::new(bin())
        .args([
            "--db",
            db_arg,
            "import",
            home.path().join("urls").to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(out.status.success());

    let mut s = Session::start(home.path(), &["--db", db_arg], 80, 24);
    s.wait_for("the stream", |s| s.contents().contains(" unread,"));
    s.keys("R");
    s.wait_text("Refreshing");
    // While the slow feed is still out, the cursor moves and marks are made.
    s.keys("jjr");
    s.wait_for("cursor moved and marked", |s| {
        s.row(3).starts_with(' ') && s.contents().contains("Refreshing")
    });
    s.wait_text("1 new entry");
    s.wait_for("the late entry at the top", |s| {
        s.contents().contains("Arrived late")
    });
    s.keys("q");
    assert!(s.wait_exit());
}

/// Regression: draining a burst of keys once lost the wakeup for every later key (the
/// reader froze after a fast typist or a paste).
#[test]
fn keys_after_a_burst_are_still_handled() {
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("t.db");
    let mut s = Session::start(
        home.path(),
        &["--db", db.to_str().unwrap(), "--demo"],
        80,
        24,
    );
    ready(&s);
    s.keys("jjjjjjjj");
    std::thread::sleep(Duration::from_millis(300));
    s.keys("\r");
    s.wait_for("the reader", |s| s.row(2).contains(" · "));
    s.keys("q");
    s.wait_for("the stream", |s| s.row(0).contains("All entries"));
    s.keys("f");
    s.wait_for("the feed list", |s| s.row(0).contains("Feeds"));
    s.keys("Q");
    assert!(s.wait_exit());
}

/// The demo entries of one feed, as `tidings entries --json` lists them.
fn feed_entries(db: &Path, feed_title: &str) -> Vec<Value> {
    entries(db)
        .into_iter()
        .filter(|e| e["feed"] == feed_title)
        .collect()
}

#[test]
fn filter_then_mark_all_read_then_undo() {
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("t.db");
    let mut s = Session::start(
        home.path(),
        &["--db", db.to_str().unwrap(), "--demo"],
        80,
        24,
    );
    ready(&s);
    s.keys("/feed:allotment");
    s.wait_text("/feed:allotment");
    s.keys("\r");
    s.wait_for("the filtered stream", |s| {
        s.row(0).contains("/ feed:allotment") && !s.contents().contains("Crate Digest")
    });
    s.keys("A");
    s.wait_text("(y/n) Mark all");
    s.keys("y");
    s.wait_text("Marked 7 entries read (u undoes)");
    let diary = feed_entries(&db, "The Allotment Diary");
    assert_eq!(diary.len(), 7);
    assert!(diary.iter().all(|e| e["read"] == true));
    assert!(
        entries(&db).iter().any(|e| e["read"] == false),
        "other feeds untouched"
    );

    s.keys("u");
    s.wait_text("Undone: 7 entries unread again");
    assert!(
        feed_entries(&db, "The Allotment Diary")
            .iter()
            .all(|e| e["read"] == false)
    );
    // Esc clears the filter: the whole stream again.
    s.keys("\x1b");
    s.wait_for("the whole stream", |s| !s.row(0).contains("feed:allotment"));
    s.keys("q");
    assert!(s.wait_exit());
}

#[test]
fn select_three_entries_across_a_scroll_and_mark_them() {
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("t.db");
    let mut s = Session::start(
        home.path(),
        &["--db", db.to_str().unwrap(), "--demo"],
        80,
        12,
    );
    ready(&s);
    let before = entries(&db);
    // Row 1 and 2 (Space moves on), then 15 rows further down, past the first screen.
    s.keys("  ");
    s.keys(&"j".repeat(14));
    s.keys(" ");
    s.wait_text("3 selected");
    s.keys("s");
    s.wait_for("stars stored", |_| {
        entries(&db).iter().filter(|e| e["starred"] == true).count() == 3
    });
    let stored = entries(&db);
    let starred: Vec<&Value> = stored.iter().filter(|e| e["starred"] == true).collect();
    let ids: Vec<&Value> = starred.iter().map(|e| &e["id"]).collect();
    assert_eq!(
        ids,
        vec![&before[0]["id"], &before[1]["id"], &before[16]["id"]],
        "{stored:?}"
    );
    s.keys("q");
    assert!(s.wait_exit());
}

#[test]
fn search_finds_a_word_only_in_a_body_and_the_reader_shows_it() {
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("t.db");
    let mut s = Session::start(
        home.path(),
        &["--db", db.to_str().unwrap(), "--demo"],
        100,
        30,
    );
    ready(&s);
    s.keys("/brine\r");
    s.wait_for("one result", |s| {
        s.row(1).contains("Sauerkraut") && s.row(2).trim().is_empty()
    });
    s.keys("\r");
    wait_reader(&s);
    s.wait_text("brine");
    s.keys("qq");
    s.wait_for("unfiltered", |s| !s.row(0).contains("brine"));
    s.keys("q");
    assert!(s.wait_exit());
}

/// The OSC 52 sequence that puts `text` on the clipboard (base64 by the standard alphabet).
fn osc52(text: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut b64 = String::new();
    for chunk in text.as_bytes().chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..4 {
            b64.push(if i <= chunk.len() {
                char::from(ALPHABET[(n >> (18 - 6 * i)) as usize & 63])
            } else {
                '='
            });
        }
    }
    format!("\x1b]52;c;{b64}\x07").into_bytes()
}

#[test]
fn y_copies_the_link_with_osc52() {
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("t.db");
    let mut s = Session::start(
        home.path(),
        &["--db", db.to_str().unwrap(), "--demo"],
        100,
        30,
    );
    ready(&s);
    let link = entries(&db)[0]["link"].as_str().unwrap().to_owned();
    s.keys("y");
    s.wait_text("Copied https://");
    s.wait_raw("the OSC 52 sequence", &osc52(&link));
    s.keys("q");
    assert!(s.wait_exit());
}

#[test]
fn inside_tmux_the_copy_is_also_wrapped_for_passthrough() {
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("t.db");
    let mut s = Session::start_with(
        home.path(),
        &["--db", db.to_str().unwrap(), "--demo"],
        100,
        30,
        &[("TMUX", "/tmp/tmux-1000/default,1234,0")],
    );
    ready(&s);
    let link = entries(&db)[0]["link"].as_str().unwrap().to_owned();
    s.keys("y");
    let inner = String::from_utf8(osc52(&link))
        .unwrap()
        .replace('\x1b', "\x1b\x1b");
    let wrapped = format!("\x1bPtmux;{inner}\x1b\\");
    s.wait_raw("the tmux-wrapped OSC 52", wrapped.as_bytes());
    s.keys("q");
    assert!(s.wait_exit());
}

#[test]
fn over_ssh_o_copies_instead_of_starting_a_browser() {
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("t.db");
    // A browser that would leave a trace if it were ever started.
    let trace = home.path().join("browser-was-started");
    let browser = home.path().join("browser.sh");
    common::script(
        &browser,
        &format!("#!/bin/sh\ntouch '{}'\n", trace.display()),
    );
    let mut s = Session::start_with(
        home.path(),
        &["--db", db.to_str().unwrap(), "--demo"],
        100,
        30,
        &[
            ("SSH_CONNECTION", "10.0.0.2 50000 10.0.0.1 22"),
            ("BROWSER", browser.to_str().unwrap()),
        ],
    );
    ready(&s);
    let link = entries(&db)[0]["link"].as_str().unwrap().to_owned();
    s.keys("o");
    s.wait_text("Copied (no browser over SSH)");
    s.wait_raw("the OSC 52 sequence", &osc52(&link));
    s.keys("q");
    assert!(s.wait_exit());
    assert!(!trace.exists(), "a browser was started over SSH");
}

#[test]
fn locally_o_starts_the_browser_with_the_url_as_one_argument() {
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("t.db");
    let args_file = home.path().join("browser-args");
    let browser = home.path().join("browser.sh");
    common::script(
        &browser,
        &format!(
            "#!/bin/sh\nprintf '%s\\n' \"$#\" \"$@\" > '{}'\n",
            args_file.display()
        ),
    );
    let mut s = Session::start_with(
        home.path(),
        &["--db", db.to_str().unwrap(), "--demo"],
        100,
        30,
        &[("BROWSER", browser.to_str().unwrap())],
    );
    ready(&s);
    let link = entries(&db)[0]["link"].as_str().unwrap().to_owned();
    s.keys("o");
    s.wait_text("Opening https://");
    s.wait_for("the browser to run", |_| {
        std::fs::read_to_string(&args_file).is_ok_and(|t| t.lines().count() == 2)
    });
    assert_eq!(
        std::fs::read_to_string(&args_file).unwrap(),
        format!("1\n{link}\n")
    );
    s.keys("q");
    assert!(s.wait_exit());
}

/// Issue #19: a text browser in the same terminal (newsboat's classic w3m or lynx setup),
/// over SSH and with no display: `o` hands it the terminal, the keys typed go to it and not to
/// the reader, and the reader comes back, redrawn, when it exits.
#[test]
fn a_text_browser_gets_the_terminal_and_the_reader_comes_back() {
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("t.db");
    let typed = home.path().join("typed");
    let browser = home.path().join("textbrowser.sh");
    common::script(
        &browser,
        &format!(
            "#!/bin/sh\nprintf 'TEXT-BROWSER %s\\n' \"$1\"\nread line\nprintf '%s' \"$line\" > '{}'\n",
            typed.display()
        ),
    );
    let config = home.path().join("config/tidings");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(
        config.join("config.toml"),
        format!(
            "[links]\nopen_command = [\"{}\"]\nopen_in_terminal = true\n",
            browser.display()
        ),
    )
    .unwrap();
    let mut s = Session::start_with(
        home.path(),
        &["--db", db.to_str().unwrap(), "--demo"],
        100,
        30,
        &[
            ("SSH_CONNECTION", "10.0.0.2 50000 10.0.0.1 22"),
            ("DISPLAY", ""),
        ],
    );
    ready(&s);
    let link = entries(&db)[0]["link"].as_str().unwrap().to_owned();
    s.keys("o");
    s.wait_text(&format!("TEXT-BROWSER {link}"));
    // Keys the reader would act on (`o` opens, `q` quits): they are the browser's now.
    s.keys("qo\r");
    s.wait_text("Back from");
    assert_eq!(std::fs::read_to_string(&typed).unwrap(), "qo");
    assert!(
        s.contents().contains("tidings"),
        "redrawn: {}",
        s.contents()
    );
    // And the reader has its keys again.
    s.keys("?");
    s.wait_text("Keys");
    s.keys("qq");
    assert!(s.wait_exit());
}

/// The SGR parameters that set a colour (30–37, 38;…, 40–47, 48;…, 90–97, 100–107) in `raw`.
fn colour_codes(raw: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(raw);
    let mut found = Vec::new();
    let mut rest = text.as_ref();
    while let Some(at) = rest.find("\x1b[") {
        rest = &rest[at + 2..];
        let end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == ';'))
            .unwrap_or(rest.len());
        if rest[end..].starts_with('m') {
            let params = &rest[..end];
            for p in params.split(';') {
                let n: u32 = p.parse().unwrap_or(0);
                match n {
                    38 | 48 => {
                        found.push(params.to_owned());
                        break;
                    }
                    30..=37 | 40..=47 | 90..=97 | 100..=107 => found.push(params.to_owned()),
                    _ => {}
                }
            }
        }
    }
    found
}

/// Walks the stream, the feed list and an entry with code in it; returns every byte written.
fn styled_walk(env: &[(&str, &str)]) -> Vec<u8> {
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("t.db");
    let mut s = Session::start_with(
        home.path(),
        &["--db", db.to_str().unwrap(), "--demo"],
        100,
        30,
        env,
    );
    ready(&s);
    s.keys("f");
    s.wait_for("feed list", |s| s.row(0).contains("Feeds"));
    s.keys("q");
    s.wait_for("stream", |s| s.row(0).contains("All entries"));
    // The newest demo entry has a code block (green by default).
    s.keys("\r");
    wait_reader(&s);
    s.wait_text("[dependencies]");
    s.keys("q");
    s.wait_for("stream", |s| s.row(0).contains("All entries"));
    s.keys("q");
    assert!(s.wait_exit());
    s.raw()
}

#[test]
fn no_color_means_no_colour_codes() {
    let codes = colour_codes(&styled_walk(&[("NO_COLOR", "1")]));
    assert!(codes.is_empty(), "colour codes under NO_COLOR: {codes:?}");
    // Without it, the same walk does use colour: the check above can fail.
    assert!(!colour_codes(&styled_walk(&[])).is_empty());
}

/// Two readers on one database (two SSH sessions): a mark made in one shows in the other
/// within seconds, without a key pressed there.
#[test]
fn a_mark_in_one_session_shows_in_the_other() {
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("t.db");
    let db_arg = db.to_str().unwrap();
    let mut a = Session::start(home.path(), &["--db", db_arg, "--demo"], 100, 30);
    ready(&a);
    let mut b = Session::start(home.path(), &["--db", db_arg], 100, 30);
    b.wait_for("the stream", |s| s.contents().contains(" unread,"));
    // New or not depends on the second of a's start; unread either way.
    let unread = |row: String| row.starts_with("N ") || row.starts_with("O ");
    assert!(unread(b.row(1)), "{}", b.contents());
    a.keys("s");
    a.wait_for("star in a", |s| s.row(1).starts_with("N*"));
    b.wait_for("star in b", |s| {
        let row = s.row(1);
        row.starts_with("N*") || row.starts_with("O*")
    });
    // Read in b: a follows too.
    b.keys("r");
    a.wait_for("read in a", |s| s.row(1).starts_with(" *"));
    a.keys("q");
    b.keys("q");
    assert!(a.wait_exit() && b.wait_exit());
}

/// Every escape sequence in `raw` is one tidings writes itself (CSI for cursor, style,
/// scrolling, erasing and modes; ESC M), never an OSC, DCS, APC or PM, and no C1 control or
/// bidi override reaches the terminal. Returns what is wrong.
fn foreign_sequences(raw: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(raw);
    let mut wrong: Vec<String> = text
        .chars()
        .filter(|c| {
            ('\u{80}'..='\u{9f}').contains(c)
                || ('\u{202a}'..='\u{202e}').contains(c)
                || ('\u{2066}'..='\u{2069}').contains(c)
        })
        .map(|c| format!("U+{:04X}", u32::from(c)))
        .collect();
    let mut rest = text.as_ref();
    while let Some(at) = rest.find('\x1b') {
        rest = &rest[at + 1..];
        let shown: String = rest.chars().take(24).collect();
        match rest.chars().next() {
            Some('[') => {
                let body = &rest[1..];
                let end = body
                    .find(|c: char| !(c.is_ascii_digit() || c == ';' || c == '?'))
                    .unwrap_or(body.len());
                let fin = body[end..].chars().next();
                if !matches!(fin, Some('H' | 'm' | 'K' | 'J' | 'r' | 'C' | 'h' | 'l')) {
                    wrong.push(format!("ESC[{shown}"));
                }
                if fin == Some('J') && &body[..end] != "2" {
                    wrong.push(format!("ESC[{shown}"));
                }
            }
            Some('M') => {}
            _ => wrong.push(format!("ESC{shown:?}")),
        }
    }
    wrong
}

#[test]
fn hostile_feeds_never_drive_the_terminal() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hostile");
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("t.db");
    let db_arg = db.to_str().unwrap();
    let mut feeds = 0;
    for version in ["v1", "v2"] {
        for name in [
            "terminal_escapes_rss_raw.xml",
            "terminal_escapes_rss_charrefs.xml",
            "terminal_escapes_html_entities.xml",
            "terminal_escapes_atom.xml",
            "terminal_escapes_jsonfeed.json",
            "raw_control_chars_xml.xml",
        ] {
            let url = url::Url::from_file_path(fixtures.join(version).join(name)).unwrap();
            let out = std::process::Command::new(bin())
                .args(["--db", db_arg, "add", url.as_str()])
                .output()
                .unwrap();
            feeds += usize::from(out.status.success());
        }
    }
    assert!(
        feeds >= 10,
        "the hostile feeds are read (with their escapes made inert)"
    );
    let total = entries(&db).len();
    let mut s = Session::start(home.path(), &["--db", db_arg], 120, 40);
    s.wait_for("the stream", |s| s.contents().contains(" unread,"));
    // The feed list, then every entry in the reader, one after the other.
    s.keys("f");
    s.wait_for("feed list", |s| s.row(0).contains("Feeds"));
    s.keys("q");
    s.wait_for("stream", |s| s.row(0).contains("All entries"));
    s.keys("\r");
    wait_reader(&s);
    for _ in 1..total {
        // Two entries can look alike (v1 and v2 carry the same payloads): wait for a change,
        // or half a second.
        let before = s.contents();
        s.keys("J");
        let start = Instant::now();
        while s.contents() == before && start.elapsed() < Duration::from_millis(500) {
            std::thread::sleep(Duration::from_millis(10));
        }
    }
    // One more: there is none, and the reader says so.
    s.keys("J");
    s.wait_text("last entry loaded");
    s.keys("q");
    s.wait_for("stream", |s| s.row(0).contains("All entries"));
    s.keys("q");
    assert!(s.wait_exit());
    let wrong = foreign_sequences(&s.raw());
    assert!(
        wrong.is_empty(),
        "{} foreign sequences: {:?}",
        wrong.len(),
        &wrong[..wrong.len().min(10)]
    );
    // The check itself catches what the feeds carry.
    assert_eq!(
        foreign_sequences(b"a\x1b]52;c;eA==\x07b\x1b[2J\x1b[H").len(),
        1
    );
    assert_eq!(foreign_sequences("x\u{9b}31m\u{202e}".as_bytes()).len(), 2);
}

#[test]
fn with_hyperlinks_on_the_reader_writes_osc8_links() {
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("config/tidings");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(config.join("config.toml"), "[links]\nhyperlinks = \"on\"\n").unwrap();
    let db = home.path().join("t.db");
    let mut s = Session::start(
        home.path(),
        &["--db", db.to_str().unwrap(), "--demo"],
        100,
        30,
    );
    ready(&s);
    let link = entries(&db)[0]["link"].as_str().unwrap().to_owned();
    s.keys("\r");
    wait_reader(&s);
    s.wait_raw(
        "the entry's link as OSC 8",
        format!("\x1b]8;;{link}\x1b\\").as_bytes(),
    );
    s.keys("qq");
    assert!(s.wait_exit());
    // Off (the default in an unknown terminal): none at all.
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("t.db");
    let mut s = Session::start(
        home.path(),
        &["--db", db.to_str().unwrap(), "--demo"],
        100,
        30,
    );
    ready(&s);
    s.keys("\r");
    wait_reader(&s);
    s.keys("qq");
    assert!(s.wait_exit());
    assert!(!s.raw().windows(4).any(|w| w == b"\x1b]8;"));
}

/// A reader open while `tidings refresh` runs from cron, again and again: every refresh
/// finishes, no "database is locked" reaches either, and every mark made meanwhile stays.
#[test]
fn a_refresh_from_cron_and_an_open_reader_share_the_database() {
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("t.db");
    let db_arg = db.to_str().unwrap();
    let mut s = Session::start(home.path(), &["--db", db_arg, "--demo"], 100, 30);
    ready(&s);
    let cron = {
        let db = db.clone();
        std::thread::spawn(move || {
            (0..5)
                .map(|_| {
                    std::process::Command::new(bin())
                        .args(["--db", db.to_str().unwrap(), "refresh"])
                        .output()
                        .unwrap()
                })
                .collect::<Vec<_>>()
        })
    };
    // Marks while the refreshes run: star every other entry of the first ten.
    for _ in 0..5 {
        s.keys("sjj");
        std::thread::sleep(Duration::from_millis(50));
    }
    for out in cron.join().unwrap() {
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "refresh failed: {err}");
        assert!(!err.contains("locked"), "{err}");
    }
    s.wait_for("the stars stored", |_| {
        entries(&db).iter().filter(|e| e["starred"] == true).count() == 5
    });
    assert!(!s.contents().contains("locked"), "{}", s.contents());
    s.keys("q");
    assert!(s.wait_exit());
}

#[test]
fn export_to_the_configured_command_and_its_failure_is_shown() {
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("t.db");
    let piped = home.path().join("piped.json");
    let config = home.path().join("config/tidings");
    std::fs::create_dir_all(&config).unwrap();
    // The command is the user's: tidings runs it directly, with the export on its stdin.
    std::fs::write(
        config.join("config.toml"),
        format!(
            "[export]\ncommand = [\"sh\", \"-c\", \"test -e {0}.fail && {{ echo 'disk on fire' >&2; exit 4; }}; cat > {0}\"]\n",
            piped.display()
        ),
    )
    .unwrap();
    let mut s = Session::start(
        home.path(),
        &["--db", db.to_str().unwrap(), "--demo"],
        100,
        30,
    );
    ready(&s);
    let first = entries(&db)[0]["title"].as_str().unwrap().to_owned();
    s.keys("e");
    s.wait_text("Export 1 entry");
    // Format: JSON (Markdown → text → HTML → JSON); then To: file → clipboard → sh.
    s.keys("\x1b[C\x1b[C\x1b[C\x1b[B\x1b[B\x1b[C\x1b[C");
    s.wait_text("sh (its stdin)");
    s.keys("\r");
    s.wait_text("Sent 1 entry as JSON to sh");
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&piped).unwrap()).unwrap();
    assert_eq!(v["items"][0]["title"].as_str().unwrap(), first);
    assert_eq!(v["items"].as_array().unwrap().len(), 1);
    // A failing command: its own last words, and the reader carries on.
    std::fs::write(format!("{}.fail", piped.display()), "").unwrap();
    s.keys("e\r");
    s.wait_text("exit status: 4: disk on fire");
    s.keys("j");
    s.keys("q");
    assert!(s.wait_exit());
}

#[test]
fn select_three_entries_and_export_them_to_markdown() {
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("t.db");
    let mut s = Session::start(
        home.path(),
        &["--db", db.to_str().unwrap(), "--demo"],
        100,
        30,
    );
    ready(&s);
    let all = entries(&db);
    s.keys("  jjjj ");
    s.wait_text("3 selected");
    s.keys("e");
    s.wait_text("Export 3 entries");
    s.wait_text("Markdown");
    let path = home.path().join("picks.md");
    s.keys("\x1b[A"); // Up: from the format to the file name (the last line)
    s.keys("\x15"); // Ctrl-U clears the proposed name
    s.keys(path.to_str().unwrap());
    s.keys("\r");
    s.wait_text("Exported 3 entries as Markdown");
    let md = std::fs::read_to_string(&path).unwrap();
    for (i, e) in all.iter().enumerate() {
        let title = e["title"].as_str().unwrap();
        let shown = md.contains(&format!("## {}", title.replace('*', "\\*")));
        assert_eq!(
            shown,
            [0, 1, 6].contains(&i),
            "{title} in the export: {shown}\n{md}"
        );
    }
    // The same name again is refused, not overwritten.
    s.keys("e");
    s.wait_text("Export 3 entries");
    s.keys("\x1b[A\x15");
    s.keys(path.to_str().unwrap());
    s.keys("\r");
    s.wait_text("exists");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), md);
    s.keys("q");
    assert!(s.wait_exit());
}

/// Issue #17: an abort (a huge allocation failing) left the terminal in the alternate screen
/// with mouse reporting on and the keyboard raw, since no hook runs then. A watcher process
/// gives the terminal back however the reader ends: here a SIGKILL, which nothing can catch.
/// The reader runs under a shell, as from a login: its death does not hang the terminal up.
#[test]
fn a_reader_that_dies_without_cleaning_up_still_gives_the_terminal_back() {
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("t.db");
    let script = format!(
        "'{}' --db '{}' --demo; sleep 60",
        common::pty::bin().display(),
        db.display()
    );
    let s = Session::start_program(
        std::path::Path::new("/bin/sh"),
        home.path(),
        &["-c", &script],
        80,
        24,
        &[],
    );
    s.wait_for("full stream", |s| s.contents().contains(" unread,"));
    assert!(s.screen(vt100::Screen::alternate_screen));
    let reader = std::process::Command::new("pgrep")
        .args(["-P", &s.pid().to_string(), "tidings"])
        .output()
        .unwrap();
    let reader = String::from_utf8_lossy(&reader.stdout).trim().to_owned();
    assert!(!reader.is_empty(), "the reader's pid");
    assert!(
        std::process::Command::new("kill")
            .args(["-KILL", &reader])
            .status()
            .unwrap()
            .success()
    );
    s.wait_for("the main screen back", |s| {
        !s.screen(vt100::Screen::alternate_screen)
            && s.screen(|sc| sc.mouse_protocol_mode() == vt100::MouseProtocolMode::None)
            && !s.screen(vt100::Screen::hide_cursor)
    });
}

/// Issue #19: subscribing to a page that names several feeds took the first without asking; in
/// the reader the user chooses (here the second, by its number).
#[test]
fn a_page_naming_two_feeds_lets_the_user_choose_one() {
    let server = common::TestServer::start();
    common::serve_page_naming_two_feeds(&server);
    let comments = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Comments</title>\
        <item><guid>c-1</guid><title>A comment</title><pubDate>Sat, 21 Nov 2026 09:00:00 GMT</pubDate></item>\
        </channel></rss>";
    server.route(
        "/comments.xml",
        common::Response::ok(comments.as_bytes().to_vec()),
    );
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("t.db");
    let mut s = Session::start(home.path(), &["--db", db.to_str().unwrap()], 80, 24);
    s.wait_text("No entries yet");
    s.keys("f");
    s.wait_for("feed list", |s| s.row(0).contains("Feeds"));
    s.keys("a");
    s.wait_text("Subscribe to");
    s.keys(&format!("{}\r", server.url("/")));
    s.wait_text("2 feeds on");
    assert!(s.contents().contains("1. Posts"), "{}", s.contents());
    assert!(s.contents().contains("2. Comments"), "{}", s.contents());
    s.keys("2");
    s.wait_text("Subscribed to Comments");
    s.wait_for("the feed listed", |s| s.row(1).contains("Comments"));
    s.keys("q");
    s.wait_for("its entry in the stream", |s| {
        s.contents().contains("A comment")
    });
    s.keys("q");
    assert!(s.wait_exit());
    let out = std::process::Command::new(bin())
        .args(["--db", db.to_str().unwrap(), "feeds", "--json"])
        .output()
        .unwrap();
    let feeds: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(feeds.as_array().map(Vec::len), Some(1), "{feeds}");
    assert_eq!(feeds[0]["url"], server.url("/comments.xml").as_str());
}
