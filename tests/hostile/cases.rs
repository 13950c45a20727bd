//! One hostile document through every command that reads it: `parse FILE`, `add file://…`,
//! then `entries --json` and `show ID` on what was stored. Collects every problem instead of
//! stopping at the first, so one run names every broken case.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::check::{self, Verdict};
use crate::expect;
use crate::run::{Sandbox, file_url};

/// Entries of one case that get a `show`: all of them in the small cases, an even sample of
/// the 100k-entry one.
const SHOW_LIMIT: usize = 64;
/// `show --width` used throughout; the rendered body must fit it.
pub const SHOW_WIDTH: usize = 80;

/// One generated document.
pub struct Case {
    /// The generator's case name (`billion_laughs`).
    pub name: String,
    pub class: String,
    pub path: PathBuf,
    /// How failures name it: `v2/billion_laughs.xml`, `large/entries_100k.xml`.
    pub label: String,
}

/// Where the committed small cases live.
pub fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hostile")
}

/// The generator's index of one committed variant (`v1`, `v2`).
pub fn index(variant: &str) -> serde_json::Map<String, Value> {
    let path = fixtures().join(variant).join("hostile_cases.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    match serde_json::from_str(&text) {
        Ok(Value::Object(map)) => map,
        _ => panic!("{} is not a JSON object", path.display()),
    }
}

/// The committed small cases of `class`, both variants.
pub fn small(class: &str) -> Vec<Case> {
    let mut cases = Vec::new();
    for variant in ["v1", "v2"] {
        for (file, meta) in index(variant) {
            if meta["class"] != class {
                continue;
            }
            cases.push(Case {
                name: meta["case"].as_str().unwrap_or_default().to_owned(),
                class: class.to_owned(),
                path: fixtures().join(variant).join(&file),
                label: format!("{variant}/{file}"),
            });
        }
    }
    assert!(!cases.is_empty(), "no committed case of class {class}");
    cases
}

/// What the commands made of a case.
#[derive(Default)]
pub struct Report {
    /// `parse`'s JSON when it succeeded.
    pub parsed: Option<Value>,
    pub parse_error: Option<String>,
    /// `add`'s stdout line, or its error line.
    pub added: Option<String>,
    pub add_error: Option<String>,
    /// `entries --json` after a successful add.
    pub entries: Vec<Value>,
    /// `entries --json` ran and printed a JSON array.
    pub listed: bool,
    /// `show ID` output for the sampled entries.
    pub shows: Vec<(i64, String)>,
    /// Every stdout and stderr byte, for leak checks.
    pub all_output: String,
}

impl Report {
    fn keep(&mut self, out: &crate::run::Outcome) {
        self.all_output
            .push_str(&String::from_utf8_lossy(&out.stdout));
        self.all_output
            .push_str(&String::from_utf8_lossy(&out.stderr));
    }
}

/// Runs every command on `case` and returns its problems, each prefixed with the case label.
pub fn check_case(case: &Case) -> Vec<String> {
    let sandbox = Sandbox::new();
    let mut problems = Vec::new();
    let report = run_commands(&sandbox, &case.path, &mut problems);
    expect::check(case, &report, &sandbox, &mut problems);
    problems
        .into_iter()
        .map(|p| format!("{}: {p}", case.label))
        .collect()
}

/// `parse`, `add`, `entries --json` and `show` on one file.
pub fn run_commands(sandbox: &Sandbox, path: &Path, problems: &mut Vec<String>) -> Report {
    let mut report = Report::default();
    let file = path.to_string_lossy().into_owned();

    let parse = sandbox.run(&["parse", &file]);
    report.keep(&parse);
    match check::judge(&parse, problems) {
        Some(Verdict::Success(out)) => match serde_json::from_str::<Value>(&out) {
            Ok(json) => {
                check::json_problems("parse", &json, problems);
                report.parsed = Some(json);
            }
            Err(e) => problems.push(format!("parse: exit 0 but stdout is not JSON ({e})")),
        },
        Some(Verdict::Error(line)) => report.parse_error = Some(line),
        None => {}
    }

    let add = sandbox.run(&["add", &file_url(path)]);
    report.keep(&add);
    match check::judge(&add, problems) {
        Some(Verdict::Success(out)) => {
            if out.lines().count() != 1 {
                problems.push(format!(
                    "add: exit 0 but stdout is not one line: {}",
                    crate::run::shorten(&out)
                ));
            }
            report.added = Some(out);
        }
        Some(Verdict::Error(line)) => report.add_error = Some(line),
        None => {}
    }
    if report.added.is_some() {
        let listed = stored_entries(sandbox, &mut report, problems);
        report.listed = listed.is_some();
        report.entries = listed.unwrap_or_default();
        show_entries(sandbox, &mut report, problems);
    }
    report
}

/// `entries --json`, checked; `None` on failure (recorded).
pub fn stored_entries(
    sandbox: &Sandbox,
    report: &mut Report,
    problems: &mut Vec<String>,
) -> Option<Vec<Value>> {
    let out = sandbox.run(&["entries", "--json"]);
    report.keep(&out);
    match check::judge(&out, problems) {
        Some(Verdict::Success(text)) => {
            let json = serde_json::from_str::<Value>(&text).unwrap_or_default();
            check::json_problems("entries --json", &json, problems);
            if let Value::Array(rows) = json {
                Some(rows)
            } else {
                problems.push("entries --json: stdout is not a JSON array".to_owned());
                None
            }
        }
        Some(Verdict::Error(line)) => {
            problems.push(format!(
                "entries --json failed after a successful add: {line}"
            ));
            None
        }
        None => None,
    }
}

fn show_entries(sandbox: &Sandbox, report: &mut Report, problems: &mut Vec<String>) {
    let ids: Vec<i64> = report
        .entries
        .iter()
        .filter_map(|e| e["id"].as_i64())
        .collect();
    if ids.len() != report.entries.len() {
        problems.push("entries --json: a row without a numeric id".to_owned());
    }
    let width = SHOW_WIDTH.to_string();
    for id in sample(&ids, SHOW_LIMIT) {
        let out = sandbox.run(&["show", &id.to_string(), "--width", &width]);
        report.keep(&out);
        match check::judge(&out, problems) {
            Some(Verdict::Success(text)) => report.shows.push((id, text)),
            Some(Verdict::Error(line)) => {
                problems.push(format!("show {id} failed on a listed entry: {line}"));
            }
            None => {}
        }
    }
}

/// At most `n` of `items`, evenly spread, first and last included.
fn sample(items: &[i64], n: usize) -> Vec<i64> {
    if items.len() <= n {
        return items.to_vec();
    }
    (0..n)
        .map(|i| items[i * (items.len() - 1) / (n - 1)])
        .collect()
}

/// Panics with every problem of every case, if any.
pub fn assert_clean(what: &str, problems: &[String]) {
    assert!(
        problems.is_empty(),
        "{what}: {} problem(s):\n  {}",
        problems.len(),
        problems.join("\n  ")
    );
}
