//! Compares readability ports on publisher-like pages built at run time from feed entries
//! that carry a full article body. See README.md for what is measured and how to run it.
//!
//! `extract-compare [FEED_DIR]`            the whole comparison (Markdown on stdout)
//! `extract-compare hostile CASE EXTRACTOR` one hostile case in this process (used by the
//!                                          parent, which runs each case in a child process)

mod pages;
mod text;

use std::collections::HashSet;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use pages::{Entry, TEMPLATES};
use text::{html_to_text, score, words};

const PAGE_URL: &str = "https://example.com/2024/05/some-post/";
const MIN_TRUTH_CHARS: usize = 1500;
const MAX_PAGES: usize = 150;
/// No one feed may fill the corpus: at most this many entries from each.
const MAX_PER_FEED: usize = 10;
const STACK_BYTES: usize = 256 << 20;
const HOSTILE_TIMEOUT: Duration = Duration::from_secs(60);
/// A hostile child whose peak RSS passes this (MiB) is killed too: the machine is shared.
const HOSTILE_MAX_MB: u64 = 8 * 1024;

/// Markers of boilerplate that an extractor should have dropped. A marker that occurs in an
/// entry's own text is not counted for that entry.
const BOILERPLATE_MARKERS: &[&str] = &[
    "popular posts",
    "related articles",
    "cookie",
    "subscribe to our newsletter",
];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Extractor {
    /// dom_smoothie with its default `Config` (Readability.js candidate selection).
    DomSmoothie,
    /// dom_smoothie with `max_elements_to_parse: 50_000`.
    DomSmoothieMax50k,
    /// kumabook's `readability` 0.3 (`extractor::extract`).
    Readability,
    /// Parse only, as dom_smoothie does (`Readability::new`: html5ever 0.40 into dom_query).
    ParseDomQuery,
    /// Parse only, as readability does (html5ever 0.26 into markup5ever_rcdom).
    ParseRcdom,
}

impl Extractor {
    fn name(self) -> &'static str {
        match self {
            Extractor::DomSmoothie => "dom_smoothie",
            Extractor::DomSmoothieMax50k => "dom_smoothie_max50k",
            Extractor::Readability => "readability",
            Extractor::ParseDomQuery => "parse-only html5ever 0.40 (dom_query)",
            Extractor::ParseRcdom => "parse-only html5ever 0.26 (rcdom)",
        }
    }

    fn from_name(name: &str) -> Option<Self> {
        match name {
            "dom_smoothie" => Some(Self::DomSmoothie),
            "dom_smoothie_max50k" => Some(Self::DomSmoothieMax50k),
            "readability" => Some(Self::Readability),
            "parse_dom_query" => Some(Self::ParseDomQuery),
            "parse_rcdom" => Some(Self::ParseRcdom),
            _ => None,
        }
    }

    fn arg(self) -> &'static str {
        match self {
            Extractor::ParseDomQuery => "parse_dom_query",
            Extractor::ParseRcdom => "parse_rcdom",
            _ => self.name(),
        }
    }

    /// The extracted article as HTML. Both crates' HTML output is scored the same way
    /// (`html_to_text`): readability's `text` field glues block elements together
    /// ("end.Next"), which would count against it for a reason a reader never sees.
    fn run(self, html: &str) -> Result<String, String> {
        match self {
            Extractor::DomSmoothie | Extractor::DomSmoothieMax50k => {
                let mut cfg = dom_smoothie::Config::default();
                if self == Extractor::DomSmoothieMax50k {
                    cfg.max_elements_to_parse = 50_000;
                }
                let mut r = dom_smoothie::Readability::new(html, Some(PAGE_URL), Some(cfg))
                    .map_err(|e| e.to_string())?;
                let article = r.parse().map_err(|e| e.to_string())?;
                Ok(article.content.to_string())
            }
            Extractor::Readability => {
                let url = url::Url::parse(PAGE_URL).expect("constant URL");
                let product = readability::extractor::extract(&mut html.as_bytes(), &url)
                    .map_err(|e| format!("{e:?}"))?;
                Ok(product.content)
            }
            Extractor::ParseDomQuery => {
                let r = dom_smoothie::Readability::new(html, Some(PAGE_URL), None)
                    .map_err(|e| e.to_string())?;
                std::hint::black_box(&r);
                Ok(String::new())
            }
            Extractor::ParseRcdom => {
                use html5ever_026::tendril::TendrilSink;
                let dom = html5ever_026::parse_document(
                    markup5ever_rcdom::RcDom::default(),
                    Default::default(),
                )
                .from_utf8()
                .read_from(&mut html.as_bytes())
                .map_err(|e| e.to_string())?;
                std::hint::black_box(&dom);
                Ok(String::new())
            }
        }
    }
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn feed_dir(arg: Option<&str>) -> PathBuf {
    if let Some(dir) = arg {
        return PathBuf::from(dir);
    }
    let shared = repo_root().join("../shared/corpus/real");
    if shared.is_dir() {
        shared
    } else {
        repo_root().join("tests/fixtures/feeds")
    }
}

fn feed_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(read) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in read.flatten() {
        let path = entry.path();
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n != "expected") {
                feed_files(&path, out);
            }
        } else {
            out.push(path);
        }
    }
}

/// An entry's body as HTML: the longer (as text) of its content and its summary.
fn entry_body(entry: &feed_rs::model::Entry) -> Option<(String, String)> {
    let mut candidates = Vec::new();
    if let Some(c) = &entry.content
        && let Some(body) = &c.body
    {
        candidates.push((body.clone(), c.content_type.to_string()));
    }
    if let Some(s) = &entry.summary {
        candidates.push((s.content.clone(), s.content_type.to_string()));
    }
    candidates
        .into_iter()
        .map(|(body, ctype)| {
            let html = if ctype.starts_with("text/plain") {
                pages::plain_to_html(&body)
            } else {
                body
            };
            let truth = html_to_text(&html);
            (html, truth)
        })
        .max_by_key(|(_, truth)| truth.chars().count())
}

fn build_corpus(dir: &Path) -> Vec<Entry> {
    let mut files = Vec::new();
    feed_files(dir, &mut files);
    files.sort();
    // Quiet while feed-rs panics on the files it cannot read (caught below).
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for file in files {
        let Ok(bytes) = std::fs::read(&file) else {
            continue;
        };
        // feed-rs 3.0.0 panics inside quick-xml on some legacy-encoded files: skip those.
        let parsed = catch_unwind(|| feed_rs::parser::parse(&bytes[..]));
        let Ok(Ok(feed)) = parsed else { continue };
        let feed_name = file
            .strip_prefix(dir)
            .unwrap_or(&file)
            .display()
            .to_string();
        let mut taken = 0;
        for entry in &feed.entries {
            if taken == MAX_PER_FEED || out.len() == MAX_PAGES {
                break;
            }
            let Some((body_html, truth)) = entry_body(entry) else {
                continue;
            };
            if truth.chars().count() < MIN_TRUTH_CHARS || !seen.insert(truth.clone()) {
                continue;
            }
            taken += 1;
            out.push(Entry {
                feed: feed_name.clone(),
                title: entry
                    .title
                    .as_ref()
                    .map(|t| t.content.clone())
                    .unwrap_or_default(),
                author: entry
                    .authors
                    .first()
                    .and_then(|a| a.name.clone())
                    .unwrap_or_default(),
                body_html,
                truth,
            });
        }
        if out.len() == MAX_PAGES {
            break;
        }
    }
    std::panic::set_hook(hook);
    out
}

struct PageResult {
    template: usize,
    failed: bool,
    reason: Option<String>,
    recall: f64,
    precision: f64,
    markers: Vec<&'static str>,
}

struct Run {
    extractor: Extractor,
    results: Vec<PageResult>,
    pass2: Duration,
}

fn run_corpus(extractor: Extractor, pages: &[(usize, String)], entries: &[Entry]) -> Run {
    let once = || {
        let start = Instant::now();
        let outs: Vec<Result<String, String>> = pages
            .iter()
            .map(|(_, html)| {
                catch_unwind(AssertUnwindSafe(|| extractor.run(html)))
                    .unwrap_or_else(|_| Err("panic".to_owned()))
            })
            .collect();
        (outs, start.elapsed())
    };
    let _ = once();
    let (outs, pass2) = once();
    let results = outs
        .iter()
        .zip(pages.iter().zip(entries))
        .map(|(out, ((template, _), entry))| {
            let text = out.as_deref().map(html_to_text).unwrap_or_default();
            let got = words(&text);
            let failed = got.is_empty();
            let (recall, precision) = score(&words(&entry.truth), &got);
            PageResult {
                template: *template,
                failed,
                reason: match out {
                    Err(e) => Some(e.clone()),
                    Ok(_) if failed => Some("empty output".to_owned()),
                    Ok(_) => None,
                },
                recall: if failed { 0.0 } else { recall },
                precision,
                markers: boilerplate(&text, &entry.truth),
            }
        })
        .collect();
    Run {
        extractor,
        results,
        pass2,
    }
}

/// The boilerplate markers found in `text` but not in `truth` (any comment's author or its first
/// six words count as one marker, "a comment").
fn boilerplate(text: &str, truth: &str) -> Vec<&'static str> {
    let text = text.to_lowercase();
    let truth = truth.to_lowercase();
    let found = |m: &str| {
        let m = m.to_lowercase();
        text.contains(&m) && !truth.contains(&m)
    };
    let mut out: Vec<&'static str> = BOILERPLATE_MARKERS
        .iter()
        .copied()
        .filter(|m| found(m))
        .collect();
    let comment_openings = pages::COMMENTS
        .iter()
        .map(|c| c.split(' ').take(6).collect::<Vec<_>>().join(" "));
    if pages::COMMENT_AUTHORS.iter().any(|a| found(a))
        || comment_openings.into_iter().any(|c| found(&c))
    {
        out.push("a comment");
    }
    out
}

struct Summary {
    pages: usize,
    failures: usize,
    /// Pages where the extractor returned something, but mostly not the article.
    missed: usize,
    recall: f64,
    precision: f64,
    boilerplate: usize,
}

fn summarise<'a>(results: impl Iterator<Item = &'a PageResult>) -> Summary {
    let (mut pages, mut failures, mut missed, mut boilerplate) = (0, 0, 0, 0);
    let (mut recall, mut precision) = (0.0, 0.0);
    for r in results {
        pages += 1;
        recall += r.recall;
        if r.failed {
            failures += 1;
        } else {
            precision += r.precision;
            missed += usize::from(r.recall < 0.5);
        }
        boilerplate += usize::from(!r.markers.is_empty());
    }
    let ok = (pages - failures).max(1) as f64;
    Summary {
        pages,
        failures,
        missed,
        recall: recall / pages.max(1) as f64,
        precision: precision / ok,
        boilerplate,
    }
}

fn compare(feed_arg: Option<&str>) {
    let dir = feed_dir(feed_arg);
    let entries = build_corpus(&dir);
    let pages: Vec<(usize, String)> = entries
        .iter()
        .enumerate()
        .map(|(i, e)| (i % TEMPLATES.len(), pages::page(i % TEMPLATES.len(), e, i)))
        .collect();
    let feeds: HashSet<&str> = entries.iter().map(|e| e.feed.as_str()).collect();
    let page_bytes: usize = pages.iter().map(|(_, p)| p.len()).sum();
    let truth_words: usize = entries.iter().map(|e| words(&e.truth).len()).sum();

    println!("## Corpus\n");
    println!(
        "- feeds read from `{}`",
        dir.canonicalize().unwrap_or(dir.clone()).display()
    );
    println!(
        "- {} pages from {} feeds (entries whose body is >= {MIN_TRUTH_CHARS} characters of text, \
         at most {MAX_PER_FEED} a feed, files in sorted order)",
        entries.len(),
        feeds.len()
    );
    println!(
        "- {} templates, page i uses template i mod {}: {}",
        TEMPLATES.len(),
        TEMPLATES.len(),
        TEMPLATES.join(", ")
    );
    println!(
        "- mean page {:.1} KB, mean article {} words\n",
        page_bytes as f64 / entries.len().max(1) as f64 / 1024.0,
        truth_words / entries.len().max(1)
    );

    let runs: Vec<Run> = std::thread::scope(|s| {
        std::thread::Builder::new()
            .stack_size(STACK_BYTES)
            .spawn_scoped(s, || {
                [Extractor::DomSmoothie, Extractor::Readability]
                    .into_iter()
                    .map(|x| run_corpus(x, &pages, &entries))
                    .collect()
            })
            .expect("spawn")
            .join()
            .expect("corpus run panicked outside catch_unwind")
    });

    println!("## Extraction\n");
    println!(
        "| extractor | pages | failures | wrong pick (recall < 0.5) | mean recall | mean precision | pages with boilerplate | time per page (ms) |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    for run in &runs {
        let s = summarise(run.results.iter());
        println!(
            "| {} | {} | {} | {} | {:.3} | {:.3} | {} | {:.2} |",
            run.extractor.name(),
            s.pages,
            s.failures,
            s.missed,
            s.recall,
            s.precision,
            s.boilerplate,
            run.pass2.as_secs_f64() * 1000.0 / s.pages.max(1) as f64
        );
    }
    println!(
        "\nRecall: share of the entry's words (multiset) found in the output; a failure counts 0. \
         Precision: share of the output's words that are the entry's, over pages that did not fail. \
         Time: second of two passes over the corpus, in-process, one thread.\n"
    );
    println!("### Boilerplate markers (pages whose output has each)\n");
    println!(
        "| extractor | {} | a comment |",
        BOILERPLATE_MARKERS.join(" | ")
    );
    println!("|---|{}---:|", "---:|".repeat(BOILERPLATE_MARKERS.len()));
    for run in &runs {
        let count = |m: &str| {
            run.results
                .iter()
                .filter(|r| r.markers.contains(&m))
                .count()
        };
        let cells: Vec<String> = BOILERPLATE_MARKERS
            .iter()
            .chain(&["a comment"])
            .map(|m| count(m).to_string())
            .collect();
        println!("| {} | {} |", run.extractor.name(), cells.join(" | "));
    }
    println!();
    println!("### Failures\n");
    let mut any = false;
    for run in &runs {
        for (r, e) in run.results.iter().zip(&entries) {
            if let Some(reason) = &r.reason {
                any = true;
                println!(
                    "- {} on {} ({}): {reason}",
                    run.extractor.name(),
                    TEMPLATES[r.template],
                    e.feed
                );
            }
        }
    }
    if !any {
        println!("- none");
    }
    println!("\n### By template\n");
    println!(
        "| template | extractor | pages | failures | wrong pick | mean recall | mean precision | pages with boilerplate |"
    );
    println!("|---|---|---:|---:|---:|---:|---:|---:|");
    for (t, name) in TEMPLATES.iter().enumerate() {
        for run in &runs {
            let s = summarise(run.results.iter().filter(|r| r.template == t));
            println!(
                "| {name} | {} | {} | {} | {} | {:.3} | {:.3} | {} |",
                run.extractor.name(),
                s.pages,
                s.failures,
                s.missed,
                s.recall,
                s.precision,
                s.boilerplate
            );
        }
    }

    println!("\n## Hostile pages\n");
    println!(
        "Each case in a child process, extractor on a thread with a 256 MiB stack, killed after 60 s \
         (or past {} GiB of memory). Time is the extractor's own, measured in the child; for a killed \
         child, the wall time. Recall is against the article on the page.\n",
        HOSTILE_MAX_MB / 1024
    );
    println!(
        "| case | page size | extractor | finished | time (s) | outcome | output words | recall | peak RSS (MB) |"
    );
    println!("|---|---:|---|---|---:|---|---:|---:|---:|");
    let cases = [
        ("nested10k", Extractor::DomSmoothie),
        ("nested10k", Extractor::Readability),
        ("nested10k", Extractor::ParseDomQuery),
        ("nested10k", Extractor::ParseRcdom),
        ("nested", Extractor::DomSmoothie),
        ("nested", Extractor::DomSmoothieMax50k),
        ("nested", Extractor::Readability),
        ("nested", Extractor::ParseDomQuery),
        ("nested", Extractor::ParseRcdom),
        ("big", Extractor::DomSmoothie),
        ("big", Extractor::Readability),
    ];
    for (case, extractor) in cases {
        let size = pages::hostile_page(case).0.len();
        println!(
            "| {case} | {:.1} MB | {} | {} |",
            size as f64 / 1e6,
            extractor.name(),
            hostile_parent(case, extractor)
        );
    }
}

/// Runs one hostile case in a child process and formats the rest of its table row.
fn hostile_parent(case: &str, extractor: Extractor) -> String {
    let exe = std::env::current_exe().expect("current_exe");
    let mut child = Command::new(exe)
        .args(["hostile", case, extractor.arg()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn child");
    let stdout = child.stdout.take().expect("stdout");
    let stderr = child.stderr.take().expect("stderr");
    let out_reader =
        std::thread::spawn(move || std::io::read_to_string(stdout).unwrap_or_default());
    let err_reader =
        std::thread::spawn(move || std::io::read_to_string(stderr).unwrap_or_default());
    let start = Instant::now();
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak_mb = 0;
    let mut killed_for = None;
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break Some(status);
        }
        peak_mb = peak_mb.max(proc_status_mb(&status_file, "VmHWM:").unwrap_or(0));
        if start.elapsed() > HOSTILE_TIMEOUT {
            killed_for = Some("killed after 60 s (hang)".to_owned());
        } else if peak_mb > HOSTILE_MAX_MB {
            killed_for = Some(format!(
                "killed at {:.1} s: memory over {} GiB",
                start.elapsed().as_secs_f64(),
                HOSTILE_MAX_MB / 1024
            ));
        }
        if killed_for.is_some() {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let out = out_reader.join().unwrap_or_default();
    let err = err_reader.join().unwrap_or_default();
    let wall = start.elapsed().as_secs_f64();
    let Some(status) = status else {
        let why = killed_for.unwrap_or_default();
        return format!("no | > {wall:.0} | {why} | | | {peak_mb} (when killed)");
    };
    if let Ok(v) = serde_json::from_str::<serde_json::Value>(out.trim()) {
        let outcome = if v["panicked"].as_bool() == Some(true) {
            "panicked".to_owned()
        } else if let Some(e) = v["error"].as_str() {
            format!("error: {e}")
        } else if matches!(extractor, Extractor::ParseDomQuery | Extractor::ParseRcdom) {
            "parsed".to_owned()
        } else if v["words"].as_u64() == Some(0) {
            "empty output".to_owned()
        } else {
            "ok".to_owned()
        };
        let (words, recall) =
            if matches!(extractor, Extractor::ParseDomQuery | Extractor::ParseRcdom) {
                (String::new(), String::new())
            } else {
                (
                    v["words"].to_string(),
                    format!("{:.3}", v["recall"].as_f64().unwrap_or(0.0)),
                )
            };
        return format!(
            "yes | {:.2} | {outcome} | {words} | {recall} | {}",
            v["secs"].as_f64().unwrap_or(f64::NAN),
            v["peak_rss_mb"]
        );
    }
    let why = if err.contains("overflowed its stack") {
        "stack overflow (process aborted)".to_owned()
    } else {
        format!("child died: {status}")
    };
    format!("no | {wall:.2} | {why} | | |")
}

/// The child side: build the page, run the extractor once on a big-stack thread, print JSON.
fn hostile_child(case: &str, extractor: &str) {
    let extractor = Extractor::from_name(extractor).expect("unknown extractor");
    let (html, truth) = pages::hostile_page(case);
    let result = std::thread::Builder::new()
        .stack_size(STACK_BYTES)
        .spawn(move || {
            let start = Instant::now();
            let out = catch_unwind(AssertUnwindSafe(|| extractor.run(&html)));
            (out, start.elapsed())
        })
        .expect("spawn")
        .join()
        .expect("thread");
    let (out, elapsed) = result;
    let (panicked, error, text) = match out {
        Err(_) => (true, None, String::new()),
        Ok(Err(e)) => (false, Some(e), String::new()),
        Ok(Ok(html)) => (false, None, html_to_text(&html)),
    };
    let got = words(&text);
    let (recall, _) = score(&words(&truth), &got);
    println!(
        "{}",
        serde_json::json!({
            "secs": elapsed.as_secs_f64(),
            "panicked": panicked,
            "error": error,
            "words": got.len(),
            "recall": recall,
            "peak_rss_mb": peak_rss_mb(),
        })
    );
}

/// Debugging aid: one corpus page's output and the truth's words the extractor missed.
fn show(index: usize, extractor: &str) {
    let extractor = Extractor::from_name(extractor).expect("unknown extractor");
    let entries = build_corpus(&feed_dir(None));
    let e = &entries[index];
    let t = index % TEMPLATES.len();
    let page = pages::page(t, e, index);
    let out = extractor.run(&page);
    let text = out.as_deref().map(html_to_text).unwrap_or_default();
    let (truth, got) = (words(&e.truth), words(&text));
    let (recall, precision) = score(&truth, &got);
    println!(
        "{} template {} feed {}: truth {} words, output {} words, recall {recall:.3} precision {precision:.3}",
        extractor.name(),
        TEMPLATES[t],
        e.feed,
        truth.len(),
        got.len()
    );
    println!("markers: {:?}", boilerplate(&text, &e.truth));
    if std::env::var_os("SHOW_PAGE").is_some() {
        println!("--- page\n{page}");
    }
    println!(
        "--- output\n{}",
        out.unwrap_or_else(|e| format!("ERROR {e}"))
    );
    println!("--- truth body\n{}", e.body_html);
}

fn peak_rss_mb() -> Option<u64> {
    proc_status_mb("/proc/self/status", "VmHWM:")
}

/// A field of a /proc/PID/status file, in MiB.
fn proc_status_mb(file: &str, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(file).ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [h, case, extractor] if h == "hostile" => hostile_child(case, extractor),
        [s, index, extractor] if s == "show" => show(index.parse().expect("index"), extractor),
        [] => compare(None),
        [dir] => compare(Some(dir)),
        _ => {
            eprintln!(
                "usage: extract-compare [FEED_DIR] | hostile nested|nested10k|big EXTRACTOR | show INDEX EXTRACTOR"
            );
            std::process::exit(2);
        }
    }
}
