//! Subscription commands: `add`, `import`, `feeds`, `refresh`.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};

use anyhow::Context;
use serde::Serialize;

use super::output::Out;
use super::{Env, RefreshArgs};
use crate::export::parse_subscriptions;
use crate::fetch::http::{FetchOutcome, Validators};
use crate::fetch::parse::parse_document;
use crate::fetch::refresh::{RefreshOptions, run_once};
use crate::model::{RefreshEvent, RefreshScope};

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// Checks that `url` is an absolute http, https or file URL.
fn check_url(url: &str) -> anyhow::Result<()> {
    let parsed = url::Url::parse(url).with_context(|| format!("'{url}' is not a URL"))?;
    match parsed.scheme() {
        "http" | "https" | "file" => Ok(()),
        other => anyhow::bail!("'{url}': {other}: URLs are not supported (http, https or file)"),
    }
}

pub async fn add(env: &Env, url: &str, out: &mut Out) -> anyhow::Result<ExitCode> {
    check_url(url)?;
    let fetched = env
        .fetcher()?
        .fetch(url, &Validators::default())
        .await
        .with_context(|| format!("fetching {url}"))?;
    let FetchOutcome::Fetched(body) = fetched else {
        anyhow::bail!("fetching {url}: the server answered 304 Not Modified to a plain request");
    };
    let feed = parse_document(&body.bytes, url, body.content_type.as_deref())
        .with_context(|| format!("reading {url}"))?;
    let mut store = env.open_store()?;
    let (id, is_new) = store.add_feed(url, now())?;
    let v = &body.validators;
    store.record_success(
        id,
        &feed,
        v.etag.as_deref(),
        v.last_modified.as_deref(),
        now(),
    )?;
    let title = feed.title.as_deref().unwrap_or(url);
    let verb = if is_new {
        "Subscribed to"
    } else {
        "Already subscribed to"
    };
    writeln!(
        out,
        "{verb} '{title}' (feed {}): {} entries",
        id.0,
        feed.entries.len()
    )?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

pub fn import(env: &Env, file: &Path, out: &mut Out) -> anyhow::Result<ExitCode> {
    let bytes = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    let text = String::from_utf8_lossy(&bytes);
    let (subs, skipped) =
        parse_subscriptions(&text).with_context(|| format!("reading {}", file.display()))?;
    let mut store = env.open_store()?;
    let (mut added, mut known) = (0, 0);
    for sub in &subs {
        if let Err(e) = check_url(&sub.url) {
            eprintln!("skipped: {e}");
            continue;
        }
        let (_, is_new) = store.add_feed_titled(&sub.url, sub.title.as_deref(), now())?;
        if is_new { added += 1 } else { known += 1 }
    }
    for line in &skipped {
        eprintln!("skipped {line}");
    }
    writeln!(
        out,
        "Imported {}: {added} feeds added, {known} already subscribed, {} skipped",
        file.display(),
        skipped.len() + subs.len() - added - known
    )?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

#[derive(Serialize)]
struct FeedJson<'a> {
    id: i64,
    title: &'a str,
    url: &'a str,
    site_url: Option<&'a str>,
    unread: u64,
    total: u64,
    last_ok: Option<String>,
    error: Option<&'a str>,
}

pub fn list(env: &Env, json: bool, out: &mut Out) -> anyhow::Result<ExitCode> {
    let feeds = env.open_store()?.feeds()?;
    if json {
        let rows: Vec<FeedJson<'_>> = feeds
            .iter()
            .map(|f| FeedJson {
                id: f.id.0,
                title: &f.title,
                url: &f.url,
                site_url: f.site_url.as_deref(),
                unread: f.unread,
                total: f.total,
                last_ok: f
                    .last_ok_at
                    .map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string()),
                error: f.last_error.as_deref(),
            })
            .collect();
        serde_json::to_writer_pretty(&mut *out, &rows)?;
        writeln!(out)?;
    } else {
        for f in &feeds {
            write!(
                out,
                "{:>5}  {:>5}/{:<5}  {}  <{}>",
                f.id.0, f.unread, f.total, f.title, f.url
            )?;
            if let Some(error) = &f.last_error {
                write!(out, "  [error: {error}]")?;
            }
            writeln!(out)?;
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

pub async fn refresh(env: &Env, args: &RefreshArgs, out: &mut Out) -> anyhow::Result<ExitCode> {
    let mut opts: RefreshOptions = env.refresh_options();
    if let Some(jobs) = args.jobs {
        opts.jobs = usize::from(jobs);
    }
    if let Some(per_host) = args.per_host {
        opts.per_host = usize::from(per_host);
    }
    let store = Arc::new(Mutex::new(env.open_store()?));
    let summary = run_once(&store, &env.fetcher()?, RefreshScope::All, opts, |event| {
        if let RefreshEvent::FeedFailed { title, error, .. } = event {
            eprintln!("failed: {title}: {error}");
        }
    })
    .await?;
    writeln!(
        out,
        "Refreshed {} feeds: {} ok ({} unchanged), {} failed, {} new entries",
        summary.ok + summary.failed,
        summary.ok,
        summary.not_modified,
        summary.failed,
        summary.new_entries
    )?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
