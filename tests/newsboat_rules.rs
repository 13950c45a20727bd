//! Issue #20 through the real binary: `tidings import newsboat` from newsboat's own places
//! (`config-home/newsboat/urls` and `config`, `data-home/newsboat/cache.db`) turns flags into
//! stars and `flag-X` labels, and `ignore-article` / `highlight-article` lines into rules.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;

use common::home::Home;

fn titles(entries: &[serde_json::Value]) -> Vec<String> {
    let mut titles: Vec<String> = entries
        .iter()
        .map(|e| e["title"].as_str().unwrap().to_owned())
        .collect();
    titles.sort();
    titles
}

/// The newsboat fixtures where newsboat keeps them, with `one-gamma` flagged `s` and `B`.
fn newsboat_home() -> Home {
    let home = Home::new();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/newsboat");
    let config = home.path().join("config-home/newsboat");
    let data = home.path().join("data-home/newsboat");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::create_dir_all(&data).unwrap();
    for name in ["urls", "config"] {
        std::fs::copy(fixtures.join(name), config.join(name)).unwrap();
    }
    let cache = data.join("cache.db");
    std::fs::copy(fixtures.join("cache.db"), &cache).unwrap();
    rusqlite::Connection::open(&cache)
        .unwrap()
        .execute(
            "UPDATE rss_item SET flags = 'sB' WHERE guid = 'one-gamma'",
            [],
        )
        .unwrap();
    home
}

#[test]
fn import_newsboat_brings_flags_as_labels_and_the_killfile_as_rules() {
    let home = newsboat_home();
    // Where `touch pwned` would leave its file, were the backticks run.
    let out = home
        .cmd()
        .current_dir(home.path())
        .args(["import", "newsboat"])
        .output()
        .unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert!(out.status.success(), "{stderr}");
    assert!(
        stdout.contains(
            "2 flagged (now starred; their flags are labels flag-a, flag-b, flag-B-upper, flag-s)"
        ),
        "{stdout}"
    );
    assert!(stdout.contains("5 rules"), "{stdout}");
    assert!(
        stdout.contains(
            "  rule 'newsboat highlight 1': title:Gamma  →  highlight bold yellow on blue"
        ),
        "{stdout}"
    );
    let newsboat_config = home.path().join("config-home/newsboat/config");
    assert!(
        stderr.contains(&format!(
            "not converted: {} line 8: ignore-article \"*\" \"title =~ \\\"^Ad:\\\"\": `title =~ \"^Ad:\"`",
            newsboat_config.display()
        )),
        "{stderr}"
    );
    assert!(stderr.contains("never runs commands"), "{stderr}");
    assert!(!home.path().join("pwned").exists());

    // Flags: starred, and one label per letter.
    let starred = home.entries(&["-q", "starred"]);
    assert_eq!(titles(&starred), ["Delta entry", "Gamma post"]);
    for (label, want) in [
        ("flag-a", "Delta entry"),
        ("flag-b", "Delta entry"),
        ("flag-B-upper", "Gamma post"),
        ("flag-s", "Gamma post"),
    ] {
        let found = home.entries(&["-q", &format!("label:{label}")]);
        assert_eq!(titles(&found), [want], "label:{label}");
    }

    // The rules read back from the config, in order, with what they match now.
    let rules: serde_json::Value =
        serde_json::from_str(&home.run_ok(&["rules", "--json"])).unwrap();
    let rules: Vec<(String, String, String, u64)> = rules
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["name"].as_str().unwrap().to_owned(),
                r["filter"].as_str().unwrap().to_owned(),
                r["actions"][0].as_str().unwrap().to_owned(),
                r["matches"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(rules.len(), 5, "{rules:?}");
    assert_eq!(
        rules[1],
        (
            "newsboat ignore 2".into(),
            "feed:http://127.0.0.1:18777/two.xml (author:Bot or title:Epsilon)".into(),
            "skip".into(),
            1
        )
    );
    assert_eq!(rules[3].3, 1, "the Gamma highlight: {rules:?}");
    assert_eq!(rules[4].2, "highlight underline reverse 208");

    // Again: the rules are there, the config stays as it is.
    let tidings_config = home.path().join("config-home/tidings/config.toml");
    let written = std::fs::read_to_string(&tidings_config).unwrap();
    let again = home.run_ok(&["import", "newsboat"]);
    assert!(
        again.contains("rule 'newsboat ignore 1' is already in"),
        "{again}"
    );
    assert_eq!(std::fs::read_to_string(&tidings_config).unwrap(), written);
}
