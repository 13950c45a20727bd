//! Faults from below (issue #9): a full disk, a read-only database, a database another program
//! holds locked. Each runs the real binary on a real database file and checks that the user
//! is told what went wrong and where, that reading goes on, that the database stays whole, and
//! that once the fault is gone everything works again.
//!
//! A full disk is a tmpfs of a few MB the test mounts and fills (when it may mount: root);
//! otherwise the kernel's file-size limit (`ulimit -f`) refuses the writes instead, an I/O
//! error where the tmpfs gives "no space". A read-only database is a read-only remount of such
//! a tmpfs, or else a directory and file without write permission (which root would ignore).
// Harness code outside #[test] functions unwraps too: a failed setup should fail the test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{Response, TestServer};

/// A tmpfs mounted for one test, unmounted when dropped.
struct Tmpfs {
    dir: PathBuf,
}

impl Tmpfs {
    /// `None` when this user may not mount.
    fn mount(dir: &Path, size: &str) -> Option<Self> {
        std::fs::create_dir_all(dir).unwrap();
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir)
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        ok.then(|| Self {
            dir: dir.to_owned(),
        })
    }

    fn remount(&self, how: &str) {
        let ok = Command::new("mount")
            .args(["-o", &format!("remount,{how}")])
            .arg(&self.dir)
            .status()
            .unwrap();
        assert!(ok.success(), "remount {how}");
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.dir).status();
    }
}

/// Where a test keeps its home and database.
struct Place {
    home: tempfile::TempDir,
    db: PathBuf,
    /// Set while writes beyond this many KiB per file are refused (`ulimit -f`).
    file_limit_kib: Option<u64>,
}

impl Place {
    fn new(db_dir: &Path, home: tempfile::TempDir) -> Self {
        Self {
            home,
            db: db_dir.join("tidings.db"),
            file_limit_kib: None,
        }
    }

    fn run(&self, args: &[&str]) -> Output {
        let bin = assert_cmd::cargo::cargo_bin("tidings");
        let mut cmd = match self.file_limit_kib {
            // SIGXFSZ ignored (inherited through exec): the write fails instead of killing.
            Some(kib) => {
                let mut c = Command::new("bash");
                c.arg("-c")
                    .arg(format!("trap '' XFSZ; ulimit -f {kib}; exec \"$0\" \"$@\""))
                    .arg(&bin);
                c
            }
            None => Command::new(&bin),
        };
        let home = self.home.path();
        cmd.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", home)
            .env("XDG_DATA_HOME", home.join("data"))
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("XDG_STATE_HOME", home.join("state"))
            .env("TIDINGS_DB", &self.db)
            .args(args)
            .output()
            .unwrap()
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "tidings {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// Runs `args`, which must fail; returns its stderr.
    fn fails(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            !out.status.success(),
            "tidings {args:?} should fail: {}",
            String::from_utf8_lossy(&out.stdout)
        );
        String::from_utf8(out.stderr).unwrap()
    }

    fn entry_ids(&self) -> Vec<i64> {
        let json: serde_json::Value =
            serde_json::from_str(&self.ok(&["entries", "--json", "--limit", "100000"])).unwrap();
        json.as_array()
            .unwrap()
            .iter()
            .map(|e| e["id"].as_i64().unwrap())
            .collect()
    }

    /// `PRAGMA integrity_check`, the foreign keys, and the kept counts, read without writing.
    fn assert_whole(&self) {
        let conn = rusqlite::Connection::open_with_flags(
            format!(
                "{}?immutable=1",
                url::Url::from_file_path(&self.db).unwrap()
            ),
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_URI,
        )
        .unwrap();
        let check: String = conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(check, "ok");
        let broken: i64 = conn
            .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(broken, 0);
        let off: i64 = conn
            .query_row(
                "SELECT count(*) FROM feeds f WHERE entry_count != \
                 (SELECT count(*) FROM entries e WHERE e.feed_id = f.id)",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(off, 0, "kept counts");
    }
}

/// An RSS feed of `n` entries whose bodies do not compress (so they take room on disk).
fn feed(n: usize, body_bytes: usize) -> String {
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut word = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        format!("{:x}", state & 0xFF_FFFF)
    };
    let mut out =
        String::from("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Big</title>");
    for i in 0..n {
        let mut body = String::new();
        while body.len() < body_bytes {
            body.push_str(&word());
            body.push(' ');
        }
        let _ = write!(
            out,
            "<item><guid>g{i}</guid><title>Entry {i}</title><link>https://example.org/{i}</link>\
             <pubDate>Mon, 02 Nov 2026 10:00:00 +0000</pubDate><description>{body}</description></item>"
        );
    }
    out.push_str("</channel></rss>");
    out
}

/// Fills the filesystem holding `dir` up to the last `leave` bytes or so.
fn fill(dir: &Path, leave: u64) -> PathBuf {
    let filler = dir.join("filler");
    let mut file = std::fs::File::create(&filler).unwrap();
    let chunk = vec![0u8; 16 * 1024];
    while file.write_all(&chunk).is_ok() {}
    drop(file);
    let len = std::fs::metadata(&filler).unwrap().len();
    std::fs::OpenOptions::new()
        .write(true)
        .open(&filler)
        .unwrap()
        .set_len(len.saturating_sub(leave))
        .unwrap();
    filler
}

/// One small feed subscribed and read, then a big update served.
fn subscribed(place: &Place, server: &TestServer) -> Vec<i64> {
    server.route("/feed", Response::ok(feed(20, 200)));
    place.ok(&["add", &server.url("/feed")]);
    let ids = place.entry_ids();
    assert_eq!(ids.len(), 20);
    server.route("/feed", Response::ok(feed(1500, 3000)));
    ids
}

/// A database for a fault test: on a tmpfs of `size` the test mounted (when it may), else in a
/// plain directory; with one small feed subscribed and a big update served. Says which, as
/// `what: with_tmpfs` or `what: without`.
fn place_for(
    tmp: &Path,
    size: &str,
    what: &str,
    (with_tmpfs, without): (&str, &str),
) -> (Option<Tmpfs>, Place, TestServer, Vec<i64>) {
    let disk = tmp.join("disk");
    let tmpfs = Tmpfs::mount(&disk, size);
    eprintln!(
        "{what}: {}",
        if tmpfs.is_some() { with_tmpfs } else { without }
    );
    let db_dir = if tmpfs.is_some() {
        disk
    } else {
        tmp.join("db")
    };
    std::fs::create_dir_all(&db_dir).unwrap();
    let place = Place::new(&db_dir, tempfile::tempdir().unwrap());
    let server = TestServer::start();
    let before = subscribed(&place, &server);
    (tmpfs, place, server, before)
}

/// A refresh that runs out of room fails saying so and naming the database; what was there
/// is whole and still read; a mark then either is kept or says it failed; with room again,
/// the refresh brings everything.
#[test]
fn a_full_disk_fails_the_refresh_clearly_and_loses_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let (tmpfs, mut place, _server, before) = place_for(
        tmp.path(),
        "48m",
        "full disk",
        ("a filled tmpfs", "ulimit -f"),
    );
    let disk = place.db.parent().unwrap().to_owned();

    // The squeeze: no room left on the tmpfs, or no file may grow past 64 KiB more.
    let filler = tmpfs.as_ref().map(|_| fill(&disk, 96 * 1024));
    if filler.is_none() {
        let size = std::fs::metadata(&place.db).unwrap().len();
        place.file_limit_kib = Some(size / 1024 + 64);
    }
    let err = place.fails(&["refresh"]);
    let db = place.db.display().to_string();
    // A full filesystem is called full; a file-size limit is an I/O error to SQLite.
    let says = if tmpfs.is_some() {
        "the disk is full"
    } else {
        "failed to read or write"
    };
    assert!(err.contains("tidings.db") && err.contains(says), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    place.assert_whole();
    assert_eq!(place.entry_ids(), before, "still read, nothing lost");
    let mark = place.run(&["mark", "--read", &before[0].to_string()]);
    if !mark.status.success() {
        let said = String::from_utf8_lossy(&mark.stderr);
        assert!(said.contains("tidings.db"), "{said}");
    }
    place.assert_whole();

    // Room again.
    if let Some(filler) = filler {
        std::fs::remove_file(filler).unwrap();
    }
    place.file_limit_kib = None;
    place.ok(&["refresh"]);
    place.assert_whole();
    let after = place.entry_ids();
    assert_eq!(after.len(), 1500, "{db}");
    drop(tmpfs);
}

/// Makes the database's filesystem (when the test mounted one) or else the database and its
/// directory writable or not.
fn writable(tmpfs: Option<&Tmpfs>, db: &Path, yes: bool) {
    use std::os::unix::fs::PermissionsExt as _;
    if let Some(t) = tmpfs {
        t.remount(if yes { "rw" } else { "ro" });
        return;
    }
    let set = |p: &Path, mode| {
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap();
    };
    let dir = db.parent().unwrap();
    if yes {
        set(dir, 0o755);
        set(db, 0o644);
    } else {
        set(db, 0o444);
        set(dir, 0o555);
    }
}

/// A database on a read-only filesystem (or without write permission) is read as it is:
/// entries list, while a mark and a refresh fail saying it cannot be written, and nothing
/// changes.
#[test]
fn a_read_only_database_is_read_and_refuses_writes_clearly() {
    let tmp = tempfile::tempdir().unwrap();
    let (tmpfs, place, _server, before) = place_for(
        tmp.path(),
        "8m",
        "read-only",
        ("a tmpfs remounted ro", "modes 0555/0444"),
    );
    let bytes = std::fs::read(&place.db).unwrap();

    writable(tmpfs.as_ref(), &place.db, false);
    assert_eq!(place.entry_ids(), before);
    for args in [
        vec![
            "mark".to_owned(),
            "--read".to_owned(),
            before[0].to_string(),
        ],
        vec!["refresh".to_owned()],
    ] {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let err = place.fails(&args);
        assert!(
            err.contains("tidings.db") && err.contains("read-only"),
            "{args:?}: {err}"
        );
    }
    assert_eq!(std::fs::read(&place.db).unwrap(), bytes, "unchanged");
    place.assert_whole();
    writable(tmpfs.as_ref(), &place.db, true);
    place.ok(&["mark", "--read", &before[0].to_string()]);
}

/// Another program holding the write lock: reading goes on; a mark waits for it, then says
/// another program holds the database; once it lets go, the mark is made.
#[test]
fn a_database_locked_by_another_program_is_read_and_the_mark_says_why() {
    let tmp = tempfile::tempdir().unwrap();
    let place = Place::new(tmp.path(), tempfile::tempdir().unwrap());
    let server = TestServer::start();
    server.route("/feed", Response::ok(feed(5, 100)));
    place.ok(&["add", &server.url("/feed")]);
    let ids = place.entry_ids();

    let other = rusqlite::Connection::open(&place.db).unwrap();
    other.execute_batch("BEGIN IMMEDIATE").unwrap();
    assert_eq!(place.entry_ids(), ids, "reading is not blocked");
    let err = place.fails(&["mark", "--read", &ids[0].to_string()]);
    assert!(
        err.contains("tidings.db") && err.contains("another program holds it locked"),
        "{err}"
    );
    other.execute_batch("COMMIT").unwrap();
    drop(other);
    place.ok(&["mark", "--read", &ids[0].to_string()]);
    let unread = place.ok(&["entries", "--unread"]);
    assert_eq!(unread.lines().count(), 4, "{unread}");
}

/// A truncated database, a random file where the database should be, a database from a future
/// version, a config that cannot be read: each is one line naming the file and the way out, and
/// the file is left as it was.
#[test]
fn damaged_or_foreign_files_get_one_line_and_the_way_out() {
    let tmp = tempfile::tempdir().unwrap();
    let place = Place::new(tmp.path(), tempfile::tempdir().unwrap());
    let server = TestServer::start();
    server.route("/feed", Response::ok(feed(300, 500)));
    place.ok(&["add", &server.url("/feed")]);
    let whole = std::fs::read(&place.db).unwrap();

    let mut random = vec![0u8; 64 * 1024];
    let mut x: u32 = 7;
    for b in &mut random {
        x = x.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        *b = (x >> 24) as u8;
    }
    let future = {
        let conn = rusqlite::Connection::open(&place.db).unwrap();
        conn.pragma_update(None, "user_version", 999).unwrap();
        drop(conn);
        std::fs::read(&place.db).unwrap()
    };
    for (what, bytes, says) in [
        ("truncated", whole[..whole.len() / 3].to_vec(), "damaged"),
        ("random", random, "not a tidings database"),
        ("future", future, "newer than this tidings"),
    ] {
        std::fs::write(&place.db, &bytes).unwrap();
        let err = place.fails(&["entries"]);
        assert_eq!(err.lines().count(), 1, "{what}: {err}");
        assert!(
            err.contains(&place.db.display().to_string()) && err.contains(says),
            "{what}: {err}"
        );
        assert!(
            err.contains("move it away") || err.contains("upgrade tidings"),
            "{what}: the way out: {err}"
        );
        assert_eq!(
            std::fs::read(&place.db).unwrap(),
            bytes,
            "{what}: untouched"
        );
    }

    let config = tmp.path().join("config.toml");
    std::fs::write(&config, b"\xff\xfe[ui]").unwrap();
    let err = place.fails(&["--config", config.to_str().unwrap(), "feeds"]);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("config.toml") && err.contains("not UTF-8") && err.contains("--config"),
        "{err}"
    );
}

/// The reader on a database it cannot write: on a disk that fills while it runs (a tmpfs, as
/// root), or in a read-only directory (file modes, otherwise). It goes on reading; a mark either
/// shows or says it failed; a refresh says why it failed; it quits cleanly, and every mark it
/// showed is in the database.
#[test]
fn the_reader_keeps_reading_when_the_database_cannot_be_written() {
    let tmp = tempfile::tempdir().unwrap();
    let (tmpfs, place, _server, _) = place_for(
        tmp.path(),
        "48m",
        "the reader",
        ("a tmpfs filled while it runs", "a read-only directory"),
    );
    let disk = place.db.parent().unwrap().to_owned();
    let db = place.db.to_str().unwrap().to_owned();
    if tmpfs.is_none() {
        writable(None, &place.db, false);
    }
    let mut s = common::pty::Session::start(place.home.path(), &["--db", &db], 100, 24);
    s.wait_for("the stream", |s| s.row(1).contains("Entry 19"));
    let filler = tmpfs.as_ref().map(|_| fill(&disk, 0));
    if tmpfs.is_none() {
        s.wait_for("read only", |s| s.contents().contains("Read only:"));
    }
    // A mark: shown (there was room for it) or refused with the reason.
    s.keys("r");
    s.wait_for("the mark or why not", |s| {
        let status = s.row(23);
        s.row(1).starts_with("  ") || status.contains("full") || status.contains("read-only")
    });
    let marked = s.row(1).starts_with("  ");
    // A refresh of the big update: it fails, saying why.
    s.keys("R");
    s.wait_for("the refresh's failure", |s| {
        let status = s.row(23);
        (status.contains("failed") || status.contains("stopped"))
            && (status.contains("full") || status.contains("read-only"))
    });
    // Reading goes on.
    s.keys("j\r");
    s.wait_for("the reader", |s| !s.row(0).contains("All entries"));
    s.keys("q");
    s.wait_for("the stream again", |s| s.row(0).contains("All entries"));
    s.keys("q");
    assert!(s.wait_exit(), "exited with failure:\n{}", s.contents());

    if let Some(filler) = filler {
        std::fs::remove_file(filler).unwrap();
    }
    if tmpfs.is_none() {
        writable(None, &place.db, true);
    }
    place.assert_whole();
    let json: serde_json::Value =
        serde_json::from_str(&place.ok(&["entries", "--json", "--limit", "1"])).unwrap();
    assert_eq!(json[0]["read"].as_bool(), Some(marked), "{json}");
}
