//! Podcasts (issue #22) end to end over loopback with the real binary: enclosures of RSS, Atom
//! and JSON Feed kept and shown, `tidings download` with progress, a download killed part way
//! and resumed with `Range` (byte-identical), a server without ranges (a clean restart), a
//! connection dropped part way, a full disk, hostile file names, the size cap.
// Harness code outside #[test] functions unwraps too: a failed setup should fail the test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use common::home::{DAY1, DAY2, Home};
use common::{Response, TestServer};
use serde_json::Value;

/// `n` bytes that differ everywhere (a shifted or repeated piece would show).
fn audio(n: usize) -> Vec<u8> {
    let mut x: u32 = 0x1234_5678;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x.to_le_bytes()[0]
        })
        .collect()
}

/// A podcast feed whose items each have an `<enclosure>`: (guid, title, date, url, length).
fn podcast(items: &[(&str, &str, &str, &str, usize)]) -> String {
    let mut all = String::new();
    for (guid, title, date, url, len) in items {
        let _ = write!(
            all,
            "<item><guid>{guid}</guid><title>{title}</title><pubDate>{date}</pubDate>\
             <itunes:duration>1:02:03</itunes:duration>\
             <enclosure url=\"{url}\" type=\"audio/mpeg\" length=\"{len}\"/></item>"
        );
    }
    let items = all;
    format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\" \
         xmlns:itunes=\"http://www.itunes.com/dtds/podcast-1.0.dtd\"><channel>\
         <title>Bench Cast</title><link>https://cast.example/</link>{items}</channel></rss>"
    )
}

/// The binary as a plain process (to kill, or to run under `ulimit`), with `home`'s
/// environment; `wrapper` runs it through `bash -c` first when given.
fn process(home: &Home, wrapper: Option<&str>) -> std::process::Command {
    let bin = assert_cmd::cargo::cargo_bin("tidings");
    let mut cmd = match wrapper {
        Some(script) => {
            let mut c = std::process::Command::new("bash");
            c.arg("-c").arg(script).arg(&bin);
            c
        }
        None => std::process::Command::new(&bin),
    };
    let model = home.cmd();
    cmd.env_clear()
        .envs(model.get_envs().filter_map(|(k, v)| Some((k, v?))))
        .env("PATH", std::env::var_os("PATH").unwrap_or_default());
    cmd
}

fn media_dir(home: &Home) -> PathBuf {
    home.path().join("data/media")
}

fn write_config(home: &Home, text: &str) {
    let dir = home.path().join("config-home/tidings");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("config.toml"), text).unwrap();
}

/// Subscribes to `feed` served at `/feed.xml` and returns the entries as `entries --json`.
fn subscribed(home: &Home, server: &TestServer, feed: &str) -> Vec<Value> {
    server.route("/feed.xml", Response::ok(feed.to_owned()));
    home.run_ok(&["add", &server.url("/feed.xml")]);
    home.entries(&[])
}

fn id_of(entries: &[Value], title: &str) -> String {
    entries
        .iter()
        .find(|e| e["title"] == title)
        .unwrap_or_else(|| panic!("no entry {title}"))["id"]
        .to_string()
}

/// The files in the media directory, but partial ones.
fn files(home: &Home) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(media_dir(home))
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[test]
fn enclosures_of_rss_atom_and_json_feed_are_kept_and_shown() {
    let server = TestServer::start();
    let home = Home::new();
    let rss = podcast(&[(
        "ep1",
        "Episode One",
        DAY1,
        "https://cdn.example/ep1.mp3",
        44_200_000,
    )]);
    let atom = "<?xml version=\"1.0\"?><feed xmlns=\"http://www.w3.org/2005/Atom\">\
        <title>Atom Cast</title><id>urn:a</id><updated>2026-11-02T10:00:00Z</updated>\
        <entry><id>urn:a:1</id><title>Atom Episode</title><updated>2026-11-02T10:00:00Z</updated>\
        <link rel=\"alternate\" href=\"https://atom.example/1\"/>\
        <link rel=\"enclosure\" href=\"/media/a1.ogg\" type=\"audio/ogg\" length=\"1234\"/>\
        </entry></feed>";
    let json = r#"{"version": "https://jsonfeed.org/version/1.1", "title": "JSON Cast",
        "items": [{"id": "j1", "title": "JSON Episode", "date_published": "2026-11-03T10:00:00Z",
        "attachments": [{"url": "https://json.example/j1.mp4", "mime_type": "video/mp4",
        "size_in_bytes": 5000000, "duration_in_seconds": 61},
        {"url": "javascript:alert(1)", "mime_type": "audio/mpeg"}]}]}"#;
    for (path, body) in [
        ("/rss.xml", rss.as_str()),
        ("/atom.xml", atom),
        ("/j.json", json),
    ] {
        server.route(path, Response::ok(body.to_owned()));
        home.run_ok(&["add", &server.url(path)]);
    }
    let entries = home.entries(&[]);
    let enclosures =
        |title: &str| entries.iter().find(|e| e["title"] == title).unwrap()["enclosures"].clone();
    assert_eq!(
        enclosures("Episode One"),
        serde_json::json!([{"url": "https://cdn.example/ep1.mp3", "type": "audio/mpeg",
            "length": 44_200_000, "duration": 3723}])
    );
    assert_eq!(
        enclosures("Atom Episode"),
        serde_json::json!([{"url": server.url("/media/a1.ogg"), "type": "audio/ogg",
            "length": 1234, "duration": null}])
    );
    assert_eq!(
        enclosures("JSON Episode"),
        serde_json::json!([{"url": "https://json.example/j1.mp4", "type": "video/mp4",
            "length": 5_000_000, "duration": 61}]),
        "the javascript: attachment is no enclosure"
    );
    let shown = home.run_ok(&["show", &id_of(&entries, "Episode One")]);
    assert!(
        shown.contains("[E1] audio/mpeg, 44.2 MB, 1:02:03  https://cdn.example/ep1.mp3"),
        "{shown}"
    );
    // Filters see them.
    let audio: Vec<String> = home
        .entries(&["--query", "enclosure:audio"])
        .iter()
        .map(|e| e["title"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(audio, ["Atom Episode", "Episode One"]);
    assert_eq!(home.entries(&["--query", "has:enclosure"]).len(), 3);
    assert_eq!(home.entries(&["--query", "-has:enclosure"]).len(), 0);
    let bad = home.run_err(&["entries", "--query", "has:video"]);
    assert!(bad.contains("has: knows only enclosure"), "{bad}");
}

#[test]
fn a_download_reports_progress_and_lands_whole_in_the_media_dir() {
    let server = TestServer::start();
    let home = Home::new();
    let data = audio(300_000);
    server.route(
        "/ep1.mp3",
        Response::ok(data.clone()).drip(30_000, Duration::from_millis(30)),
    );
    let entries = subscribed(
        &home,
        &server,
        &podcast(&[(
            "ep1",
            "Episode One: The Start",
            DAY1,
            &server.url("/ep1.mp3"),
            data.len(),
        )]),
    );
    let out = home
        .cmd()
        .args(["download", &id_of(&entries, "Episode One: The Start")])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}{stderr}");
    assert!(stdout.contains("Queued 1 download"), "{stdout}");
    assert!(stdout.contains("1 finished, 0 failed, 0 left"), "{stdout}");
    assert!(
        stderr.contains("done Bench Cast - Episode One The Start.mp3 (300.0 KB)"),
        "{stderr}"
    );
    assert!(
        !stderr.contains('\u{1b}'),
        "no terminal codes when not on one"
    );
    assert_eq!(files(&home), ["Bench Cast - Episode One The Start.mp3"]);
    let got = std::fs::read(media_dir(&home).join("Bench Cast - Episode One The Start.mp3"));
    assert!(got.unwrap() == data, "byte-identical");
    // Again: nothing queued, nothing fetched, the file not replaced.
    let again = home.run_ok(&["download"]);
    assert!(again.contains("0 finished"), "{again}");
    assert_eq!(server.hits("/ep1.mp3"), 1);
}

#[test]
fn a_download_killed_part_way_resumes_with_range_and_ends_byte_identical() {
    let server = TestServer::start();
    let home = Home::new();
    let data = audio(600_000);
    server.route(
        "/ep.mp3",
        Response::ok(data.clone())
            .with_ranges()
            .drip(8_000, Duration::from_millis(20)),
    );
    let entries = subscribed(
        &home,
        &server,
        &podcast(&[("e", "Ep", DAY1, &server.url("/ep.mp3"), data.len())]),
    );
    let id = id_of(&entries, "Ep");
    let mut child = process(&home, None)
        .args(["download", &id])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let part = media_dir(&home).join("Bench Cast - Ep.mp3.part");
    let started = Instant::now();
    while std::fs::metadata(&part).map_or(0, |m| m.len()) < 100_000 {
        assert!(started.elapsed() < Duration::from_secs(30), "no progress");
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let kept = std::fs::metadata(&part).unwrap().len();
    assert!(kept > 0 && kept < data.len() as u64, "{kept}");
    // Started again without ids: the queue (in the database) still has it.
    let out = home.run_ok(&["download"]);
    assert!(out.contains("1 finished"), "{out}");
    let requests = server.requests("/ep.mp3");
    let range = requests.last().unwrap().header("range").map(str::to_owned);
    let from: u64 = range
        .as_deref()
        .and_then(|r| r.strip_prefix("bytes="))
        .and_then(|r| r.strip_suffix('-'))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("resumed with a range: {range:?}"));
    assert!(from >= kept, "resumed from {from}, {kept} were kept");
    assert!(!part.exists());
    let got = std::fs::read(media_dir(&home).join("Bench Cast - Ep.mp3")).unwrap();
    assert!(got == data, "byte-identical after resuming");
}

#[test]
fn a_server_without_ranges_restarts_the_file_cleanly() {
    let server = TestServer::start();
    let home = Home::new();
    let data = audio(200_000);
    let entries = subscribed(
        &home,
        &server,
        &podcast(&[("e", "Ep", DAY1, &server.url("/ep.mp3"), data.len())]),
    );
    // A dropped connection first: the server says the whole length and stops half way.
    server.route(
        "/ep.mp3",
        Response::ok(data[..100_000].to_vec()).header("Content-Length", &data.len().to_string()),
    );
    let out = home
        .cmd()
        .args(["download", &id_of(&entries, "Ep")])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("will resume"), "{stderr}");
    let part = media_dir(&home).join("Bench Cast - Ep.mp3.part");
    assert_eq!(std::fs::metadata(&part).unwrap().len(), 100_000);
    // Then a server that ignores `Range`: the whole file again, written from the start.
    server.route("/ep.mp3", Response::ok(data.clone()));
    let out = home.run_ok(&["download"]);
    assert!(out.contains("1 finished"), "{out}");
    assert!(
        server
            .requests("/ep.mp3")
            .last()
            .unwrap()
            .header("range")
            .is_some()
    );
    let got = std::fs::read(media_dir(&home).join("Bench Cast - Ep.mp3")).unwrap();
    assert!(got == data, "not the old half followed by the whole");
}

#[test]
fn hostile_names_from_a_feed_never_name_a_path() {
    let server = TestServer::start();
    let home = Home::new();
    server.route("/a.mp3", Response::ok(audio(1000)));
    server.route("/b.mp3", Response::ok(audio(1000)));
    server.route("/c", Response::ok(audio(1000)));
    let long = "N".repeat(10_000);
    let feed = podcast(&[
        ("a", "../../etc/passwd", DAY1, &server.url("/a.mp3"), 1000),
        (
            "b",
            "&#x1b;[2J&#x7;Bell\u{202e}3pm.exe",
            DAY1,
            &server.url("/b.mp3"),
            1000,
        ),
        ("c", &long, DAY2, &server.url("/c"), 1000),
    ]);
    let entries = subscribed(&home, &server, &feed);
    let ids: Vec<String> = entries.iter().map(|e| e["id"].to_string()).collect();
    let mut args = vec!["download"];
    args.extend(ids.iter().map(String::as_str));
    let out = home.run_ok(&args);
    assert!(out.contains("3 finished"), "{out}");
    let names = files(&home);
    assert_eq!(names.len(), 3, "{names:?}");
    for name in &names {
        assert!(name.len() <= 180, "{}", name.len());
        assert!(
            !name.contains(['/', '\\']) && !name.contains(".."),
            "{name:?}"
        );
        assert!(
            !name.chars().any(|c| c.is_control() || c == '\u{202e}'),
            "{name:?}"
        );
        assert!(!name.starts_with('.'), "{name:?}");
    }
    // Nothing was written outside the media directory.
    assert!(!home.path().join("etc").exists());
    assert!(!home.path().join("data/etc").exists());
}

/// `[media] file_name` with a directory per feed: the directory comes from the feed's title,
/// made safe like the file's name, and a hostile title makes no path of its own.
#[test]
fn a_file_name_format_makes_a_directory_per_feed_and_nothing_else() {
    let server = TestServer::start();
    let home = Home::new();
    write_config(
        &home,
        "[media]\nfile_name = \"{feed}/{date} {title} ({file})\"\n",
    );
    server.route("/ep1.mp3", Response::ok(audio(1000)));
    server.route("/ep2.mp3", Response::ok(audio(1000)));
    let feed = podcast(&[
        ("1", "First", DAY1, &server.url("/ep1.mp3"), 1000),
        ("2", "../../../x", DAY2, &server.url("/ep2.mp3"), 1000),
    ])
    .replace(
        "<title>Bench Cast</title>",
        "<title>../../Evil/Cast</title>",
    );
    let entries = subscribed(&home, &server, &feed);
    let mut args = vec!["download".to_owned()];
    args.extend(entries.iter().map(|e| e["id"].to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = home.run_ok(&args);
    assert!(out.contains("2 finished"), "{out}");
    // The feed's title lost its separators and dots: one directory, inside the media dir.
    assert_eq!(files(&home), ["Evil Cast"]);
    let mut inside: Vec<String> = std::fs::read_dir(media_dir(&home).join("Evil Cast"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    inside.sort();
    assert_eq!(
        inside,
        ["2026-11-02 First (ep1).mp3", "2026-11-03 x (ep2).mp3"],
        "{out}"
    );
    assert!(!home.path().join("Evil").exists() && !home.path().join("data/Evil").exists());
    // A bad format is a config error naming the key.
    write_config(&home, "[media]\nfile_name = \"/etc/{title}\"\n");
    let err = home.run_err(&["download"]);
    assert!(err.contains("media.file_name"), "{err}");
}

#[test]
fn the_size_cap_and_a_lying_length_stop_a_download() {
    let server = TestServer::start();
    let home = Home::new();
    write_config(&home, "[media]\nmax_mib = 1\n");
    let big = audio(1_500_000);
    server.route("/big.mp3", Response::ok(big.clone()));
    // Says nothing of its length and never stops sending (more than the cap, in pieces).
    server.route(
        "/endless.mp3",
        Response::ok(big)
            .no_length()
            .drip(100_000, Duration::from_millis(5)),
    );
    let entries = subscribed(
        &home,
        &server,
        &podcast(&[
            ("big", "Big", DAY1, &server.url("/big.mp3"), 10),
            ("endless", "Endless", DAY2, &server.url("/endless.mp3"), 10),
        ]),
    );
    let out = home
        .cmd()
        .args([
            "download",
            &id_of(&entries, "Big"),
            &id_of(&entries, "Endless"),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        stderr
            .matches("larger than the 1 MiB allowed ([media] max_mib)")
            .count(),
        2,
        "{stderr}"
    );
    assert!(files(&home).is_empty(), "{:?}", files(&home));
}

#[test]
fn a_full_disk_stops_the_download_and_keeps_the_part_to_resume() {
    let server = TestServer::start();
    let home = Home::new();
    let data = audio(900_000);
    server.route("/ep.mp3", Response::ok(data.clone()).with_ranges());
    let entries = subscribed(
        &home,
        &server,
        &podcast(&[("e", "Ep", DAY1, &server.url("/ep.mp3"), data.len())]),
    );
    // No file may grow past 256 KiB: the kernel refuses the write as a full disk would.
    let out = process(
        &home,
        Some("trap '' XFSZ; ulimit -f 256; exec \"$0\" \"$@\""),
    )
    .args(["download", &id_of(&entries, "Ep")])
    .output()
    .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("the disk is full writing Bench Cast - Ep.mp3")
            && stderr.contains("to resume"),
        "{stderr}"
    );
    let part = media_dir(&home).join("Bench Cast - Ep.mp3.part");
    assert_eq!(std::fs::metadata(&part).unwrap().len(), 256 * 1024);
    // Room again: it resumes where it stopped.
    let out = home.run_ok(&["download"]);
    assert!(out.contains("1 finished"), "{out}");
    let got = std::fs::read(media_dir(&home).join("Bench Cast - Ep.mp3")).unwrap();
    assert!(got == data);
    assert_eq!(
        server.requests("/ep.mp3").last().unwrap().header("range"),
        Some("bytes=262144-")
    );
}

/// A file that exists in the media directory is never replaced: the download takes the next
/// free name.
#[test]
fn a_file_that_exists_is_never_replaced() {
    let server = TestServer::start();
    let home = Home::new();
    let data = audio(5_000);
    server.route("/ep.mp3", Response::ok(data.clone()));
    let entries = subscribed(
        &home,
        &server,
        &podcast(&[("e", "Ep", DAY1, &server.url("/ep.mp3"), data.len())]),
    );
    std::fs::create_dir_all(media_dir(&home)).unwrap();
    let mine = media_dir(&home).join("Bench Cast - Ep.mp3");
    std::fs::write(&mine, "my own file").unwrap();
    let out = home.run_ok(&["download", &id_of(&entries, "Ep")]);
    assert!(out.contains("1 finished"), "{out}");
    assert_eq!(std::fs::read_to_string(&mine).unwrap(), "my own file");
    let got = std::fs::read(media_dir(&home).join("Bench Cast - Ep (2).mp3")).unwrap();
    assert!(got == data);
}

/// A `download` rule queues new episodes as they arrive; `tidings download` (cron) fetches
/// them. Entries the rule does not match are not queued.
#[test]
fn a_download_rule_queues_new_episodes_for_cron() {
    let server = TestServer::start();
    let home = Home::new();
    write_config(
        &home,
        "[[rules]]\nname = \"episodes\"\nfilter = \"enclosure:audio title:episode\"\n\
         actions = [\"download\"]\n",
    );
    let data = audio(7_000);
    server.route("/1.mp3", Response::ok(data.clone()));
    server.route("/2.mp3", Response::ok(data.clone()));
    subscribed(
        &home,
        &server,
        &podcast(&[
            ("1", "Episode 1", DAY1, &server.url("/1.mp3"), data.len()),
            ("2", "Bonus", DAY2, &server.url("/2.mp3"), data.len()),
        ]),
    );
    let out = home.run_ok(&["download"]);
    assert!(out.contains("1 finished"), "{out}");
    assert_eq!(files(&home), ["Bench Cast - Episode 1.mp3"]);
    assert_eq!(server.hits("/2.mp3"), 0);
}
