//! Rules (issue #20) through the real binary: a killfile in the config applied as feeds are
//! fetched over loopback HTTP, `tidings rules` and `tidings rules apply`, `[notify] command`,
//! and a bad rule's message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::home::{DAY1, DAY2, DAY3, Home, rss};

fn config(home: &Home, text: &str) {
    let dir = home.path().join("config-home/tidings");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("config.toml"), text).unwrap();
}

fn titles(entries: &[serde_json::Value]) -> Vec<String> {
    entries
        .iter()
        .map(|e| e["title"].as_str().unwrap().to_owned())
        .collect()
}

/// A newsboat user's killfile as tidings rules (`NOTICED`: where the notify command writes).
const KILLFILE: &str = r#"
[[rules]]
name = "ads"
filter = 'title:/^\[ad\]/'
actions = ["hide"]

[[rules]]
name = "spam"
filter = "casino"
actions = ["skip"]

[[rules]]
name = "beta is noise"
filter = "feed:beta"
actions = ["read"]

[[rules]]
name = "kernel"
filter = "title:kernel"
actions = ["star", "label watch", "highlight bold yellow", "notify"]

[notify]
command = ["sh", "-c", "cat > 'NOTICED'"]
terminal = "none"
"#;

/// A home with the killfile in its config, and where its notify command writes.
fn with_killfile() -> (Home, std::path::PathBuf) {
    let home = Home::new();
    let noticed = home.path().join("noticed.json");
    config(
        &home,
        &KILLFILE.replace("NOTICED", &noticed.display().to_string()),
    );
    (home, noticed)
}

/// Found trying it: `add` counted what the feed held, a skipped entry too.
#[test]
fn add_counts_the_entries_stored() {
    let (home, _noticed) = with_killfile();
    let server = common::TestServer::start();
    let gamma = Home::served(
        &server,
        "gamma.xml",
        &rss(
            "Gamma",
            &[("g1", "Casino royale", DAY1), ("g2", "Tea", DAY2)],
        ),
    );
    let out = home.run_ok(&["add", &gamma]);
    assert!(
        out.contains("Subscribed to 'Gamma' (feed 1): 1 entry"),
        "{out}"
    );
    let out = home.run_ok(&["add", &gamma]);
    assert!(
        out.contains("Already subscribed to 'Gamma' (feed 1): 0 new entries"),
        "{out}"
    );
}

/// The killfile on two served feeds.
#[test]
fn a_killfile_applies_as_feeds_arrive_and_to_what_is_stored() {
    let (home, noticed) = with_killfile();
    let server = common::TestServer::start();
    let alpha = Home::served(
        &server,
        "alpha.xml",
        &rss(
            "Alpha",
            &[
                ("a1", "[Ad] Buy hosting", DAY1),
                ("a2", "Casino night", DAY2),
                ("a3", "Kernel 7.0 released", DAY3),
            ],
        ),
    );
    let beta = Home::served(
        &server,
        "beta.xml",
        &rss("Beta", &[("b1", "Weekly notes", DAY2)]),
    );
    let urls = home.path().join("urls");
    std::fs::write(&urls, format!("{alpha}\n{beta}\n")).unwrap();
    home.run_ok(&["import", urls.to_str().unwrap()]);
    let out = home.run_ok(&["refresh"]);
    assert!(out.contains("3 new entries, 1 skipped by rules"), "{out}");
    assert!(
        out.contains("1 new entry for your rules: Kernel 7.0 released (Alpha)"),
        "{out}"
    );
    let told: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&noticed).unwrap()).unwrap();
    assert_eq!(told[0]["title"], "Kernel 7.0 released");
    assert_eq!(told[0]["rule"], "kernel");
    assert_eq!(told[0]["feed"], "Alpha");

    // The ad is stored but hidden; the casino entry was never stored.
    assert_eq!(
        titles(&home.entries(&[])),
        ["Kernel 7.0 released", "Weekly notes"]
    );
    assert_eq!(
        titles(&home.entries(&["-q", "hidden"])),
        ["[Ad] Buy hosting"]
    );
    assert!(home.entries(&["-q", "casino hidden or casino"]).is_empty());
    let kernel = &home.entries(&["-q", "label:watch"])[0];
    assert_eq!(kernel["starred"], true);
    assert_eq!(home.entries(&["-q", "feed:beta"])[0]["read"], true);
    let count = home.run_ok(&["count"]);
    assert_eq!(
        count.trim(),
        "1",
        "only the kernel entry is unread and seen"
    );

    // The list says how many stored entries each rule matches now.
    let list = home.run_ok(&["rules"]);
    assert!(
        list.contains("ads: title:/^\\[ad\\]/  →  hide  (1 stored entry matches now)"),
        "{list}"
    );
    assert!(
        list.contains("spam: casino  →  skip  (0 stored entries match now)"),
        "{list}"
    );

    // A new rule, applied to what is stored: it says first, and asks for --yes off a terminal.
    config(
        &home,
        "[[rules]]\nname = \"notes\"\nfilter = \"notes\"\nactions = [\"label later\", \"star\"]\n",
    );
    let err = home.run_err(&["rules", "apply", "notes"]);
    assert!(err.contains("add --yes"), "{err}");
    assert!(home.entries(&["-q", "label:later"]).is_empty());
    let out = home.run_ok(&["rules", "apply", "notes", "--yes"]);
    assert!(
        out.contains("Rule \"notes\" (notes) matches 1 stored entry now"),
        "{out}"
    );
    assert!(
        out.contains("Applied \"notes\": label later: 1, star: 1"),
        "{out}"
    );
    assert_eq!(
        titles(&home.entries(&["-q", "label:later starred"])),
        ["Weekly notes"]
    );
    let err = home.run_err(&["rules", "apply", "nope", "--yes"]);
    assert!(
        err.contains("no rule named \"nope\"") && err.contains("the rules are: notes"),
        "{err}"
    );
}

#[test]
fn a_bad_rule_is_a_config_error_naming_the_file_the_rule_and_the_problem() {
    let home = Home::new();
    config(
        &home,
        "[ui]\n\n[[rules]]\nname = \"bad\"\nfilter = \"tag:x\"\nactions = [\"highlight sparkly\"]\n",
    );
    let err = home.run_err(&["rules"]);
    assert!(
        err.contains(
            "config-home/tidings/config.toml: line 3: rules \"bad\": actions: \"highlight sparkly\""
        ),
        "{err}"
    );
}
