//! Subscription commands: `add`, `import`, `feeds`, `refresh`.

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use serde::Serialize;

use super::output::Out;
use super::{Env, RefreshArgs};
use crate::export::{Imported, read_subscriptions};
use crate::fetch::refresh::{RefreshOptions, run_once};
use crate::fetch::subscribe::{Judged, Pick, subscribe};
use crate::model::redact;
use crate::model::{RefreshEvent, RefreshScope, RefreshSummary, count_of};

pub(super) fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// A URL or path from outside, safe and short enough for a message.
pub(super) fn shown(s: &str) -> String {
    let clean = crate::model::sanitize::line(&crate::model::redact::in_text(s));
    crate::model::bounds::cut(&clean, 200).into_owned()
}

/// Checks that `url` is an absolute http or https URL, or a `file:` URL from the user: typed,
/// or in their own newsboat `urls` file. Never from an OPML list (issue #17): OPML is how
/// lists are shared, so one is often someone else's, and a path in it names a file on your
/// machine (`file:///dev/tty` took the reader's keys). Whatever names it, only a regular file
/// is ever read as a feed (`fetch::http`).
fn check_url(url: &str, from_list: bool) -> anyhow::Result<()> {
    let parsed = url::Url::parse(url).with_context(|| format!("'{}' is not a URL", shown(url)))?;
    match parsed.scheme() {
        "http" | "https" => Ok(()),
        "file" if !from_list => Ok(()),
        "file" => anyhow::bail!(
            "'{}': an OPML list may not name local files; `tidings add` it if you mean it",
            shown(url)
        ),
        other => anyhow::bail!(
            "'{}': {}: URLs are not supported (http, https or file)",
            shown(url),
            shown(other)
        ),
    }
}

pub async fn add(env: &Env, url: &str, out: &mut Out) -> anyhow::Result<ExitCode> {
    check_url(url, false)?;
    // Creates the data directory (and the database) before fetching, as before.
    drop(env.open_store()?);
    let judged = Judged {
        rules: env.config.rules.clone(),
        settings: std::sync::Arc::new(env.feed_settings(&env.listed())),
    };
    let s = subscribe(&env.fetcher()?, &env.db, url, now(), Pick::First, &judged).await?;
    env.write_back(&crate::export::subscriptions_file::Edit::Add(&s.url));
    if let Some((first, others)) = s.discovered.split_first() {
        writeln!(
            out,
            "{} is a web page naming {} feed{}; taking the first: {}",
            shown(url),
            s.discovered.len(),
            if s.discovered.len() == 1 { "" } else { "s" },
            shown(&first.url)
        )?;
        // What a page says is a stranger's text: shown clean and short.
        for other in others {
            let title = other
                .title
                .as_deref()
                .map(|t| format!(" ({})", shown(t)))
                .unwrap_or_default();
            writeln!(out, "  also offered: {}{title}", shown(&other.url))?;
        }
    }
    // The entries stored (found trying it: a rule's skip was counted as stored).
    let (verb, count) = if s.is_new {
        ("Subscribed to", count_of(s.entries, "entry", "entries"))
    } else {
        (
            "Already subscribed to",
            count_of(s.entries, "new entry", "new entries"),
        )
    };
    writeln!(
        out,
        "{verb} '{}' (feed {}): {count}",
        shown(&s.title),
        s.id.0
    )?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// The tag a feed hidden in newsboat gets here.
const HIDDEN_TAG: &str = "hidden";

/// `tidings import FILE`, or an http(s) URL of an OPML list: fetched, then read as a list
/// from elsewhere (it may not name local files, like any OPML).
pub async fn import_any(env: &Env, file: &Path, out: &mut Out) -> anyhow::Result<ExitCode> {
    let name = file.to_string_lossy();
    let lower = name.to_ascii_lowercase();
    if !(lower.starts_with("http://") || lower.starts_with("https://")) {
        return import(env, file, out);
    }
    let url = name.into_owned();
    let fetched = env
        .fetcher()?
        .fetch(&url, &crate::fetch::http::Validators::default())
        .await
        .with_context(|| format!("fetching {}", redact::url(&url)))?;
    let crate::fetch::http::FetchOutcome::Fetched(fetched) = fetched else {
        anyhow::bail!(
            "{}: the server answered 304 Not Modified",
            redact::url(&url)
        );
    };
    let text = String::from_utf8_lossy(&fetched.bytes);
    if !text
        .trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with('<')
    {
        anyhow::bail!("{}: not an OPML list", redact::url(&url));
    }
    import_text(env, &redact::url(&url), &text, out).map(|(status, _)| status)
}

/// [`import`], and the URLs of the feeds the list named that are now subscribed.
pub fn import_subscribing(
    env: &Env,
    file: &Path,
    out: &mut Out,
) -> anyhow::Result<(ExitCode, std::collections::HashSet<String>)> {
    let bytes = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    let text = String::from_utf8_lossy(&bytes);
    import_text(env, &file.display().to_string(), &text, out)
}

/// `tidings import FILE`: a subscription list, or one of our own JSON exports (its read and
/// starred states restored).
pub fn import(env: &Env, file: &Path, out: &mut Out) -> anyhow::Result<ExitCode> {
    let bytes = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    let text = String::from_utf8_lossy(&bytes);
    if super::restore::is_export(&text) {
        return super::restore::restore(env, &file.display().to_string(), &text, out);
    }
    import_text(env, &file.display().to_string(), &text, out).map(|(status, _)| status)
}

/// Subscribes to what the list `text` (read from `source`) names.
fn import_text(
    env: &Env,
    source: &str,
    text: &str,
    out: &mut Out,
) -> anyhow::Result<(ExitCode, std::collections::HashSet<String>)> {
    let Imported {
        subscriptions: subs,
        views,
        skipped,
    } = read_subscriptions(text).with_context(|| format!("reading {source}"))?;
    let is_opml = text
        .trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with('<');
    let mut store = env.open_store()?;
    let (mut added, mut known, mut hidden) = (0, 0, 0);
    let mut subscribed = std::collections::HashSet::new();
    for sub in &subs {
        if let Err(e) = check_url(&sub.url, is_opml) {
            eprintln!("skipped: {e}");
            continue;
        }
        subscribed.insert(sub.url.clone());
        let (id, is_new) = store.add_feed_titled(&sub.url, sub.title.as_deref(), now())?;
        // In a urls file a title is newsboat's "~Title": the user's own name for the feed.
        if let Some(title) = sub.title.as_deref().filter(|_| !is_opml) {
            store.rename_feed(id, Some(title))?;
        }
        if let Some(site) = &sub.site_url {
            store.set_site_url_if_unknown(id, site)?;
        }
        let mut tags = sub.tags.clone();
        if sub.hidden {
            tags.push(HIDDEN_TAG.to_owned());
            hidden += 1;
        }
        if !tags.is_empty() {
            store.add_feed_tags(id, &tags)?;
        }
        // Kept in the subscriptions file too, when there is one: else the next start would
        // take the imported feeds for ones removed from it.
        if env.config.subscriptions.path().is_some() {
            use crate::export::subscriptions_file::Edit;
            let now = store.find_feed(&id.0.to_string())?;
            env.write_back(&Edit::Add(&sub.url));
            if let Some(title) = sub.title.as_deref().filter(|_| !is_opml) {
                env.write_back(&Edit::Rename(&sub.url, Some(title)));
            }
            if !now.tags.is_empty() {
                env.write_back(&Edit::Tags(&sub.url, &now.tags));
            }
        }
        if is_new { added += 1 } else { known += 1 }
    }
    for line in &skipped {
        eprintln!("skipped {line}");
    }
    writeln!(
        out,
        "Imported {source}: {} added, {known} already subscribed, {} skipped",
        count_of(added, "feed", "feeds"),
        skipped.len() + subs.len() - added - known
    )?;
    if hidden > 0 {
        writeln!(
            out,
            "{} hidden in newsboat (a \"!\" tag), shown here: tidings hides no feed. \
             They carry the tag \"{HIDDEN_TAG}\"; -tag:{HIDDEN_TAG} in a filter or a view leaves them out",
            count_of(hidden, "feed", "feeds")
        )?;
    }
    // newsboat's query feeds are filters, not feeds: saved views in the config.
    if !views.is_empty() {
        super::newsboat::add_saved_views(env, &views, out)?;
    }
    out.flush()?;
    Ok((ExitCode::SUCCESS, subscribed))
}

#[derive(Serialize)]
struct FeedJson<'a> {
    id: i64,
    title: &'a str,
    url: std::borrow::Cow<'a, str>,
    site_url: Option<&'a str>,
    unread: u64,
    total: u64,
    last_ok: Option<String>,
    error: Option<&'a str>,
    failures: u32,
    /// Not refreshed automatically before this time (TTL, backoff, or the host's request).
    next_try: Option<String>,
    /// The server said 410 Gone; the feed is no longer refreshed.
    gone: bool,
    tags: &'a [String],
}

pub fn list(env: &Env, json: bool, out: &mut Out) -> anyhow::Result<ExitCode> {
    let feeds = env.open_store()?.feeds()?;
    if json {
        let rows: Vec<FeedJson<'_>> = feeds
            .iter()
            .map(|f| FeedJson {
                id: f.id.0,
                title: &f.title,
                url: redact::url(&f.url),
                site_url: f.site_url.as_deref(),
                unread: f.unread,
                total: f.total,
                last_ok: f
                    .last_ok_at
                    .map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string()),
                error: f.last_error.as_deref(),
                failures: f.failures,
                next_try: f
                    .hold_until
                    .map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string()),
                gone: f.gone,
                tags: &f.tags,
            })
            .collect();
        super::output::write_json(&mut *out, &rows, true)?;
        writeln!(out)?;
    } else {
        for f in &feeds {
            write!(
                out,
                "{:>5}  {:>5}/{:<5}  {}  <{}>",
                f.id.0,
                f.unread,
                f.total,
                f.title,
                redact::url(&f.url)
            )?;
            if !f.tags.is_empty() {
                write!(out, "  [tags: {}]", f.tags.join(", "))?;
            }
            if let Some(error) = &f.last_error {
                write!(out, "  [error: {error}]")?;
            }
            writeln!(out)?;
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

#[derive(Serialize)]
struct RefreshJson {
    feeds: usize,
    ok: usize,
    not_modified: usize,
    failed: usize,
    skipped: usize,
    /// Not tried: their host asked to wait, or (for due feeds) waiting after errors.
    waiting: usize,
    /// Gone for good, never tried again.
    gone: usize,
    new_entries: usize,
    /// New entries not stored because a `skip` rule matched them.
    ruled_out: usize,
    /// New entries notify rules matched.
    noticed: Vec<crate::model::rules::Noticed>,
    seconds: f64,
    failures: Vec<FailureJson>,
    /// Whole articles fetched after the refresh for the feeds that ask for them (issue #23),
    /// and those that gave none.
    articles_fetched: usize,
    articles_failed: usize,
}

#[derive(Serialize)]
struct FailureJson {
    feed: i64,
    title: String,
    error: String,
}

/// Exit status of `tidings refresh` when some feeds failed (documented in its `--help`).
const SOME_FAILED: u8 = 2;

/// What `tidings refresh` was asked to refresh: the feeds named, the due ones, or all.
fn scopes(env: &Env, args: &RefreshArgs) -> anyhow::Result<Vec<RefreshScope>> {
    Ok(if !args.feed.is_empty() {
        let store = env.open_store()?;
        let mut scopes = Vec::new();
        for spec in &args.feed {
            let scope = RefreshScope::Feed(store.find_feed(spec)?.id);
            // A feed named twice (by its id and its title, say) is fetched once.
            if !scopes.contains(&scope) {
                scopes.push(scope);
            }
        }
        scopes
    } else if args.due {
        vec![RefreshScope::Due]
    } else {
        vec![RefreshScope::All]
    })
}

pub async fn refresh(env: &Env, args: &RefreshArgs, out: &mut Out) -> anyhow::Result<ExitCode> {
    // The subscriptions file first: feeds added to it are fetched in this run.
    match env.apply_subscriptions_file() {
        Ok(Some(said)) if !args.json => eprintln!("{said}"),
        Ok(_) => {}
        Err(why) => eprintln!("tidings: {why}"),
    }
    let mut opts: RefreshOptions = env.refresh_options();
    if let Some(jobs) = args.jobs {
        opts.jobs = usize::from(jobs);
    }
    if let Some(per_host) = args.per_host {
        opts.per_host = usize::from(per_host);
    }
    let scopes = scopes(env, args)?;
    let store = crate::fetch::refresh::shared_store(env.open_store()?)?;
    let started = std::time::Instant::now();
    let mut progress = Progress::new(!args.json && std::io::stderr().is_terminal());
    let mut failures = Vec::new();
    let fetcher = env.fetcher()?;
    let mut summary = RefreshSummary::default();
    let mut noticed = Vec::new();
    for scope in scopes {
        let one = run_once(&store, &fetcher, scope, opts.clone(), |event| {
            progress.on(&event);
            if let RefreshEvent::Noticed(found) = &event {
                noticed.extend(found.iter().cloned());
            }
            // A feed asked for by name and not fetched says why (disabled in the config, its
            // host asked to wait).
            if let RefreshEvent::FeedSkipped { title, reason, .. } = &event
                && !args.json
                && !args.feed.is_empty()
            {
                progress.clear();
                eprintln!("not fetched: {}: {}", shown(title), shown(reason));
            }
            if let RefreshEvent::FeedFailed { feed, title, error } = event {
                if !args.json {
                    progress.clear();
                    // Cron mails this: a feed's name is cut short (issue #17: an 8 MB title was
                    // printed at every run).
                    eprintln!("failed: {}: {}", shown(&title), shown(&error));
                }
                failures.push(FailureJson {
                    feed: feed.0,
                    title,
                    error,
                });
            }
        })
        .await?;
        summary.add(&one);
    }
    progress.clear();
    let articles = super::articles::after_refresh(env, &fetcher, !args.json).await?;
    if !noticed.is_empty() && !env.config.notify.command.is_empty() {
        // One run of the command per refresh, with every entry; its failure is said, and is
        // not the refresh's.
        let json = serde_json::to_string(&noticed)?;
        if let Err(e) = crate::tui::notify_command(&env.config.notify.command, &json) {
            eprintln!("notify: {}: {e}", env.config.notify.command[0]);
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    let total = summary.ok + summary.failed + summary.skipped;
    if args.json {
        let json = RefreshJson {
            feeds: total,
            ok: summary.ok,
            not_modified: summary.not_modified,
            failed: summary.failed,
            skipped: summary.skipped,
            waiting: summary.waiting,
            gone: summary.gone,
            new_entries: summary.new_entries,
            ruled_out: summary.ruled_out,
            noticed,
            seconds,
            failures,
            articles_fetched: articles.fetched,
            articles_failed: articles.failed,
        };
        super::output::write_json(&mut *out, &json, true)?;
        writeln!(out)?;
    } else {
        summary_line(out, &summary, total, seconds)?;
        if articles.fetched + articles.failed > 0 {
            writeln!(
                out,
                "Whole articles: {} fetched, {} without one",
                articles.fetched, articles.failed
            )?;
        }
        if !noticed.is_empty() {
            writeln!(out, "{}", crate::model::rules::summary(&noticed, 400))?;
        }
    }
    out.flush()?;
    Ok(if summary.failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(SOME_FAILED)
    })
}

/// The text summary of `tidings refresh`.
fn summary_line(
    out: &mut Out,
    summary: &RefreshSummary,
    total: usize,
    seconds: f64,
) -> std::io::Result<()> {
    write!(
        out,
        "Refreshed {} in {seconds:.1} s: {} ok ({} unchanged), {} failed",
        count_of(total, "feed", "feeds"),
        summary.ok,
        summary.not_modified,
        summary.failed
    )?;
    if summary.skipped > 0 {
        write!(
            out,
            ", {} left for later (their host asked to wait, or timed out)",
            summary.skipped
        )?;
    }
    write!(
        out,
        ", {}",
        count_of(summary.new_entries, "new entry", "new entries")
    )?;
    if summary.ruled_out > 0 {
        write!(out, ", {} skipped by rules", summary.ruled_out)?;
    }
    let held = summary.not_tried();
    if held.is_empty() {
        writeln!(out)?;
    } else {
        writeln!(out, "; not tried: {}", held.join(", "))?;
    }
    Ok(())
}

/// A one-line progress bar on stderr, redrawn at most ten times a second; off when stderr is
/// not a terminal (cron, pipes), where only failures and the summary are printed.
struct Progress {
    on: bool,
    done: usize,
    total: usize,
    failed: usize,
    drawn: Option<std::time::Instant>,
}

impl Progress {
    fn new(on: bool) -> Self {
        Self {
            on,
            done: 0,
            total: 0,
            failed: 0,
            drawn: None,
        }
    }

    fn on(&mut self, event: &RefreshEvent) {
        match event {
            RefreshEvent::Started { total } => self.total = *total,
            RefreshEvent::FeedFailed { .. } => {
                self.done += 1;
                self.failed += 1;
            }
            RefreshEvent::FeedDone { .. } | RefreshEvent::FeedSkipped { .. } => self.done += 1,
            RefreshEvent::Finished(_)
            | RefreshEvent::Syncing { .. }
            | RefreshEvent::Synced(_)
            | RefreshEvent::Stopped { .. }
            | RefreshEvent::One { .. }
            | RefreshEvent::Noticed(_) => {
                return;
            }
        }
        let due = self
            .drawn
            .is_none_or(|t| t.elapsed() >= std::time::Duration::from_millis(100));
        if self.on && (due || self.done == self.total) {
            self.draw();
        }
    }

    fn draw(&mut self) {
        const WIDTH: usize = 30;
        let filled = (self.done * WIDTH).checked_div(self.total).unwrap_or(WIDTH);
        let bar: String = "#".repeat(filled) + &"-".repeat(WIDTH - filled);
        eprint!(
            "\r[{bar}] {}/{} feeds, {} failed",
            self.done, self.total, self.failed
        );
        self.drawn = Some(std::time::Instant::now());
    }

    fn clear(&mut self) {
        if self.on && self.drawn.is_some() {
            eprint!("\r\x1b[2K");
            self.drawn = None;
        }
    }
}
