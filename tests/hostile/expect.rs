//! Per-case expectations, where the generator's `expect` is specific: entity bombs never
//! expand, XXE never reads a file, documents that are not feeds give an error, stored entries
//! keep stable identities, future dates do not pin entries to the top, and rendered bodies drop
//! script/style text and fit the terminal width.

use serde_json::Value;
use unicode_width::UnicodeWidthStr;

use crate::cases::{Case, Report, SHOW_WIDTH, stored_entries};
use crate::check::leaks;
use crate::run::{CANARY, Sandbox, file_url};

pub fn check(case: &Case, report: &Report, sandbox: &Sandbox, problems: &mut Vec<String>) {
    // Whatever the case, no local file content and no environment ends up in the output.
    leaks(
        "any command",
        &report.all_output,
        &local_secrets(case),
        problems,
    );
    match case.name.as_str() {
        "billion_laughs" => never_expands(report, "lollollol", problems),
        "quadratic_blowup" => never_expands(report, &"X".repeat(1000), problems),
        "empty_file" | "whitespace_and_bom_only" | "not_a_feed_html" => {
            must_fail(report, problems);
        }
        "duplicate_ids_atom" => newest_wins(report, problems),
        "xml_base_relative_links" => innermost_base(report, problems),
        "future_dates" => not_in_future(report, problems),
        "html_script_style_iframe" => no_script_text(report, problems),
        _ => {}
    }
    if matches!(
        case.name.as_str(),
        "missing_guids_and_links" | "missing_ids_atom" | "entries_100k"
    ) {
        none_collapsed(report, problems);
    }
    if case.class == "identity" {
        stable_on_second_add(case, report, sandbox, problems);
    }
    if case.class == "html" {
        fits_width(case, report, problems);
    }
}

/// Lines of `/etc/passwd`, the host name and our environment canary: what XXE would leak.
fn local_secrets(case: &Case) -> Vec<String> {
    let doc = std::fs::read(&case.path).unwrap_or_default();
    let doc = String::from_utf8_lossy(&doc);
    let mut secrets = vec!["root:x:0:0".to_owned(), CANARY.to_owned()];
    if let Ok(passwd) = std::fs::read_to_string("/etc/passwd") {
        secrets.extend(passwd.lines().filter(|l| l.len() >= 12).map(str::to_owned));
    }
    if let Ok(host) = std::fs::read_to_string("/etc/hostname") {
        let host = host.trim();
        // A short name ("vm") would match by chance on its own; next to the case's "leak: "
        // title it cannot.
        if host.len() >= 8 {
            secrets.push(host.to_owned());
        }
        if !host.is_empty() {
            secrets.push(format!("leak: {host}"));
        }
    }
    secrets.retain(|s| !doc.contains(s.as_str()));
    secrets
}

fn never_expands(report: &Report, expansion: &str, problems: &mut Vec<String>) {
    leaks(
        "entity expansion",
        &report.all_output,
        &[expansion.to_owned()],
        problems,
    );
}

fn must_fail(report: &Report, problems: &mut Vec<String>) {
    if report.parsed.is_some() {
        problems.push("parse: succeeded on a document that is not a feed".to_owned());
    }
    if report.added.is_some() {
        problems.push("add: subscribed to a document that is not a feed".to_owned());
    }
}

/// `rev 2` has the newest `<updated>` of the three entries sharing `urn:dup:1`.
fn newest_wins(report: &Report, problems: &mut Vec<String>) {
    if report.added.is_none() {
        return; // reported by the identity rule
    }
    let titles: Vec<&str> = report
        .entries
        .iter()
        .filter(|e| e["guid"] == "urn:dup:1")
        .filter_map(|e| e["title"].as_str())
        .collect();
    if titles != ["rev 2"] {
        problems.push(format!(
            "entries sharing id urn:dup:1 stored as {titles:?}; want only the newest, [\"rev 2\"]"
        ));
    }
}

fn innermost_base(report: &Report, problems: &mut Vec<String>) {
    const WANT: &str = "https://hostile.example/blog/2024/post.html";
    let Some(parsed) = &report.parsed else {
        problems.push("parse: failed on a well-formed Atom feed".to_owned());
        return;
    };
    let links: Vec<&Value> = parsed["entries"]
        .as_array()
        .map(|es| es.iter().map(|e| &e["link"]).collect())
        .unwrap_or_default();
    if !links.iter().any(|l| *l == WANT) {
        problems.push(format!(
            "parse: no entry link resolved to {WANT} (links: {links:?})"
        ));
    }
}

/// Dates up to 9999 must be clamped (or at least not sort above everything fetched today).
fn not_in_future(report: &Report, problems: &mut Vec<String>) {
    let limit = (chrono::Utc::now() + chrono::Duration::days(1))
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string();
    for e in &report.entries {
        let published = e["published"].as_str().unwrap_or_default();
        if published > limit.as_str() {
            problems.push(format!(
                "entries: {} stored as published {published}: a future date pins it to the top",
                e["title"]
            ));
        }
    }
}

fn no_script_text(report: &Report, problems: &mut Vec<String>) {
    for (id, text) in &report.shows {
        for needle in ["xss-script", "CSS-LEAK", "display:none", "alert('cdata')"] {
            if text.contains(needle) {
                problems.push(format!("show {id}: script/style text {needle:?} rendered"));
            }
        }
    }
}

/// The parser's entries all reach the store: none merged under one synthesised key.
fn none_collapsed(report: &Report, problems: &mut Vec<String>) {
    let Some(parsed) = report.parsed.as_ref().filter(|_| report.listed) else {
        return;
    };
    let want = parsed["entry_count"].as_u64().unwrap_or_default();
    let got = report.entries.len() as u64;
    if got != want {
        problems.push(format!(
            "parse read {want} entries but the store kept {got}: distinct items collapsed"
        ));
    }
}

/// Adding the same document again keeps the same entries: keys are stable.
fn stable_on_second_add(
    case: &Case,
    report: &Report,
    sandbox: &Sandbox,
    problems: &mut Vec<String>,
) {
    if report.added.is_none() {
        problems.push(format!(
            "add: must store a feed with odd identities, got {}",
            report.add_error.as_deref().unwrap_or("no answer")
        ));
        return;
    }
    let again = sandbox.run(&["add", &file_url(&case.path)]);
    if !matches!(again.status, crate::run::Status::Exited(0)) {
        problems.push(format!(
            "second add of the same file failed: {}",
            again.stderr_tail()
        ));
        return;
    }
    let mut scratch = Report::default();
    let Some(after) = stored_entries(sandbox, &mut scratch, problems) else {
        return;
    };
    let ids = |rows: &[Value]| {
        let mut ids: Vec<String> = rows
            .iter()
            .map(|e| format!("{} {}", e["id"], e["title"]))
            .collect();
        ids.sort();
        ids
    };
    if ids(&after) != ids(&report.entries) {
        problems.push(format!(
            "second add changed the stored entries: {} before, {} after",
            report.entries.len(),
            after.len()
        ));
    }
}

/// `[n] URL`: one line of the link list.
fn is_link_line(line: &str) -> bool {
    line.strip_prefix('[')
        .and_then(|rest| rest.split_once("] "))
        .is_some_and(|(n, url)| {
            !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) && !url.contains(' ')
        })
}

/// The rendered body (after `show`'s header and blank line) fits `--width` columns, but for the
/// lines kept whole (issue #19): a link-list line (`[n] URL`), and, in a document with a
/// preformatted block, lines up to the renderer's bound for those (4096 columns).
fn fits_width(case: &Case, report: &Report, problems: &mut Vec<String>) {
    let source = std::fs::read(&case.path)
        .map(|b| String::from_utf8_lossy(&b).to_lowercase())
        .unwrap_or_default();
    let has_pre = source.contains("<pre") || source.contains("&lt;pre");
    let kept_whole = |l: &str| is_link_line(l) || (has_pre && l.width() <= 4096);
    for (id, text) in &report.shows {
        let body = text.split_once("\n\n").map_or("", |(_, body)| body);
        if let Some(line) = body
            .lines()
            .find(|l| l.width() > SHOW_WIDTH && !kept_whole(l))
        {
            problems.push(format!(
                "show {id}: body line {} columns wide (--width {SHOW_WIDTH}): {}",
                line.width(),
                crate::run::shorten(line)
            ));
        }
    }
}
