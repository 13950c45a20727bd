//! Podcasts in the reader (issue #22), end to end: the real binary in a real pty, a podcast
//! served on loopback. `d` queues and downloads with progress on the status line; the reader
//! killed part way and started again finishes the file from where it stopped; `p` hands the
//! downloaded file to the player configured for its type, and a Ctrl-C that stops the player
//! does not quit the reader.
// Harness code outside #[test] functions unwraps too: a failed setup should fail the test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use common::pty::{Session, bin};
use common::{Response, TestServer};

/// `n` bytes that differ everywhere.
fn audio(n: usize) -> Vec<u8> {
    let mut x: u32 = 0x9e37_79b9;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x.to_le_bytes()[1]
        })
        .collect()
}

fn podcast(url: &str, len: usize) -> String {
    format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Loop Cast</title>\
         <link>https://cast.example/</link><item><guid>ep1</guid><title>Episode One</title>\
         <pubDate>Mon, 02 Nov 2026 10:00:00 GMT</pubDate><link>https://cast.example/1</link>\
         <enclosure url=\"{url}\" type=\"audio/mpeg\" length=\"{len}\"/></item></channel></rss>"
    )
}

/// A home with a podcast subscribed, its media directory, and the config `extra` adds.
fn home_with_podcast(
    server: &TestServer,
    data: &[u8],
    extra: &str,
) -> (tempfile::TempDir, PathBuf) {
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("t.db");
    server.route(
        "/cast.xml",
        Response::ok(podcast(&server.url("/ep1.mp3"), data.len())),
    );
    let config = home.path().join("config/tidings");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(
        config.join("config.toml"),
        format!(
            "[media]\ndir = \"{}\"\n{extra}",
            home.path().join("media").display()
        ),
    )
    .unwrap();
    let out = std::process::Command::new(bin())
        .args([
            "--db",
            db.to_str().unwrap(),
            "add",
            &server.url("/cast.xml"),
        ])
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (home, db)
}

fn start(home: &Path, db: &Path) -> Session {
    let s = Session::start(home, &["--db", db.to_str().unwrap()], 100, 24);
    s.wait_for("the stream", |s| s.row(1).contains("Episode One"));
    s
}

const FILE: &str = "Loop Cast - Episode One.mp3";

#[test]
fn the_queue_survives_a_killed_reader_and_the_file_ends_whole() {
    let server = TestServer::start();
    let data = audio(400_000);
    server.route(
        "/ep1.mp3",
        Response::ok(data.clone())
            .with_ranges()
            .drip(8_000, Duration::from_millis(25)),
    );
    let (home, db) = home_with_podcast(&server, &data, "");
    let mut s = start(home.path(), &db);
    s.keys("d");
    s.wait_text("Downloading 1:");
    let part = home.path().join("media").join(format!("{FILE}.part"));
    s.wait_for("part of the file", |_| {
        std::fs::metadata(&part).is_ok_and(|m| m.len() > 50_000)
    });
    s.sigkill();
    let kept = std::fs::metadata(&part).unwrap().len();
    assert!(kept < data.len() as u64, "killed part way: {kept}");
    // A new reader takes the queue from the database and resumes the file.
    let mut s = start(home.path(), &db);
    s.wait_text(&format!("Downloaded {FILE}"));
    s.keys("w");
    s.wait_for("the queue", |s| {
        s.row(1).contains("done") && s.row(1).contains(FILE)
    });
    let got = std::fs::read(home.path().join("media").join(FILE)).unwrap();
    assert!(got == data, "byte-identical");
    let resumed = server.requests("/ep1.mp3");
    assert!(
        resumed.last().unwrap().header("range").is_some(),
        "the second reader asked for the rest only"
    );
    s.keys("qq");
    assert!(s.wait_exit());
}

#[test]
fn p_hands_the_file_to_the_player_and_its_ctrl_c_does_not_quit_the_reader() {
    let server = TestServer::start();
    let data = audio(20_000);
    server.route("/ep1.mp3", Response::ok(data.clone()));
    let scratch = tempfile::tempdir().unwrap();
    let record = scratch.path().join("played");
    let player = scratch.path().join("player.sh");
    common::script(
        &player,
        &format!(
            // Stopped as a Ctrl-C stops mpg123: SIGINT to the terminal's process group,
            // which the reader is in too (sent here by the player itself, so the test does
            // not depend on the pty's job control).
            "#!/bin/sh\nprintf 'PLAYER %s\\n' \"$1\"\nprintf '%s' \"$1\" > '{}'\nsleep 0.3\nkill -INT 0\nsleep 30\n",
            record.display()
        ),
    );
    let extra = format!("players = {{ \"audio/*\" = [\"{}\"] }}\n", player.display());
    let (home, db) = home_with_podcast(&server, &data, &extra);
    // Under a shell, as from a login shell; the shell ignores SIGINT, as an interactive one
    // does while a command runs. The SIGINT that stopped the player reaches the reader too
    // (found in tmux): without the reader draining it after the player, this test fails
    // (checked on 2026-12-07 by taking the drain out: the reader exits).
    let script = format!(
        "trap '' INT; '{}' --db '{}'; echo READER-EXITED; sleep 60",
        bin().display(),
        db.display()
    );
    let mut s = Session::start_program(
        Path::new("/bin/sh"),
        home.path(),
        &["-c", &script],
        100,
        24,
        &[],
    );
    s.wait_for("the stream", |s| s.row(1).contains("Episode One"));
    s.keys("d");
    s.wait_text(&format!("Downloaded {FILE}"));
    s.keys("p");
    s.wait_text("PLAYER ");
    let file = home.path().join("media").join(FILE);
    s.wait_for("the player's record", |_| record.exists());
    assert_eq!(
        std::fs::read_to_string(&record).unwrap(),
        file.display().to_string(),
        "the downloaded file, not the link"
    );
    // The player stopped by SIGINT: the reader comes back.
    s.wait_text("ended with");
    s.keys("?");
    s.wait_text("Keys");
    assert!(!s.contents().contains("READER-EXITED"), "{}", s.contents());
    s.keys("qq");
    s.wait_text("READER-EXITED");
}

/// Regression: the Ctrl-C that stops a player reaches the reader too, and may arrive as the
/// player ends, after the reader has taken the terminal back. The reader drained pending
/// SIGINTs without waiting for tokio's signal driver to deliver them, so one in flight quit
/// the reader at its next wait. Here the player signals its parent, the reader, and ends at
/// once, several times over.
#[test]
fn a_sigint_arriving_as_the_player_ends_does_not_quit_the_reader() {
    let server = TestServer::start();
    let data = audio(1_000);
    server.route("/ep1.mp3", Response::ok(data.clone()));
    let scratch = tempfile::tempdir().unwrap();
    let player = scratch.path().join("player.sh");
    let record = scratch.path().join("played");
    common::script(
        &player,
        &format!(
            "#!/bin/sh\necho x >> '{}'\nkill -INT $PPID\nexit 0\n",
            record.display()
        ),
    );
    let extra = format!("players = {{ \"audio/*\" = [\"{}\"] }}\n", player.display());
    let (home, db) = home_with_podcast(&server, &data, &extra);
    let mut s = start(home.path(), &db);
    for _ in 0..6 {
        s.keys("p");
        std::thread::sleep(Duration::from_millis(300));
    }
    s.keys("?");
    s.wait_text("Keys");
    assert!(s.is_running(), "the reader quit: {}", s.contents());
    let runs = std::fs::read_to_string(&record).unwrap_or_default();
    assert_eq!(runs.lines().count(), 6, "the player ran each time");
    s.keys("qq");
    assert!(s.wait_exit());
}
