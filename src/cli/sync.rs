//! `tidings sync` and what `[sync]` changes on the command line (issue #21): the password read
//! from `TIDINGS_SYNC_PASSWORD` or `password_command` (run directly, never through a shell;
//! its output never shown), one sync run headless with a summary (or JSON), and the
//! subscription commands (`add`, `remove`, `rename`, `tag`) made on the server for synced
//! feeds.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use serde::Serialize;

use super::Env;
use super::output::Out;
use crate::config::sync::SyncConfig;
use crate::fetch::refresh::{RefreshError, run_once};
use crate::fetch::sync::{Edit, SyncOptions};
use crate::model::{RefreshEvent, RefreshScope, SyncSummary};

/// The environment variable a password may come from instead of a command.
pub const PASSWORD_VARIABLE: &str = "TIDINGS_SYNC_PASSWORD";

/// The sync options `[sync]` asks for, the password read; `None` without `[sync]`.
pub fn options(config: &SyncConfig) -> Option<SyncOptions> {
    if !config.enabled() {
        return None;
    }
    let password = match std::env::var(PASSWORD_VARIABLE) {
        Ok(p) if !p.is_empty() => Ok(p),
        _ => password_from(&config.password_command),
    };
    // A password that cannot be read fails each sync, not the start: the reader still opens.
    let (password, password_error) = match password {
        Ok(p) => (p, None),
        Err(e) => (String::new(), Some(format!("{e:#}"))),
    };
    Some(SyncOptions {
        url: config.url.trim().to_owned(),
        username: config.username.trim().to_owned(),
        password,
        password_error,
    })
}

/// Runs `command` directly and takes the first line it prints; what it prints is never shown.
fn password_from(command: &[String]) -> anyhow::Result<String> {
    let Some((program, args)) = command.split_first() else {
        anyhow::bail!(
            "sync needs a password: set sync.password_command in the config \
             (e.g. [\"pass\", \"show\", \"miniflux\"]) or the {PASSWORD_VARIABLE} environment variable"
        );
    };
    let shown = crate::model::sanitize::line(program);
    let output = std::process::Command::new(program)
        .args(args)
        .stdin(std::process::Stdio::inherit())
        .stderr(std::process::Stdio::inherit())
        .output()
        .with_context(|| format!("sync.password_command: cannot run {shown}"))?;
    if !output.status.success() {
        anyhow::bail!(
            "sync.password_command: {shown} failed ({}), so there is no password to sync with",
            output.status
        );
    }
    let text = String::from_utf8_lossy(&output.stdout);
    let password = text
        .lines()
        .next()
        .unwrap_or_default()
        .trim_end_matches('\r');
    if password.is_empty() {
        anyhow::bail!("sync.password_command: {shown} printed no password");
    }
    Ok(password.to_owned())
}

/// `tidings sync` options.
#[derive(Debug, clap::Args)]
pub struct SyncArgs {
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Serialize)]
struct SyncJson<'a> {
    server: String,
    seconds: f64,
    #[serde(flatten)]
    summary: &'a SyncSummary,
    noticed: Vec<crate::model::rules::Noticed>,
}

/// `tidings sync`, and `tidings refresh` with `[sync]` on: one sync, its summary. Exit status
/// as for `refresh`: 0 when it went well, 1 when it could not run or stopped part way (what
/// it did before is kept).
pub async fn run(env: &Env, json: bool, out: &mut Out) -> anyhow::Result<ExitCode> {
    let Some(sync) = options(&env.config.sync) else {
        anyhow::bail!(
            "no [sync] in {}: set kind = \"greader\", url and username (the README's Sync section)",
            env.config_shown()
        );
    };
    let server = crate::model::redact::url(&sync.url).into_owned();
    let mut opts = env.refresh_options();
    opts.sync = Some(Arc::new(sync));
    let store = crate::fetch::refresh::shared_store(env.open_store()?)?;
    let fetcher = env.fetcher()?;
    let started = std::time::Instant::now();
    let tty = !json && std::io::stderr().is_terminal();
    let mut summary = None;
    let mut noticed = Vec::new();
    let result = run_once(
        &store,
        &fetcher,
        RefreshScope::All,
        opts,
        |event| match event {
            RefreshEvent::Syncing {
                step, done, total, ..
            } if tty => {
                let count = if total > 0 {
                    format!(" {done}/{total}")
                } else {
                    String::new()
                };
                eprint!("\r\x1b[2KSyncing: {step}{count}");
            }
            RefreshEvent::Synced(s) => summary = Some(s),
            RefreshEvent::Noticed(found) => noticed.extend(found),
            _ => {}
        },
    )
    .await;
    if tty {
        eprint!("\r\x1b[2K");
    }
    match result {
        Ok(_) => {}
        Err(RefreshError::Sync(e)) => {
            anyhow::bail!("sync stopped: {e} (what it did before stopping is kept)")
        }
        Err(e) => return Err(e.into()),
    }
    let summary = summary.unwrap_or_default();
    if !noticed.is_empty() && !env.config.notify.command.is_empty() {
        let text = serde_json::to_string(&noticed)?;
        if let Err(e) = crate::tui::notify_command(&env.config.notify.command, &text) {
            eprintln!("notify: {}: {e}", env.config.notify.command[0]);
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    if json {
        let shown = SyncJson {
            server,
            seconds,
            summary: &summary,
            noticed,
        };
        super::output::write_json(&mut *out, &shown, true)?;
        writeln!(out)?;
    } else {
        writeln!(
            out,
            "Synced with {server} in {seconds:.1} s: {} ({}, {})",
            summary.line(),
            crate::model::count_of(summary.feeds, "feed", "feeds"),
            crate::model::count_of(summary.requests, "request", "requests")
        )?;
        if !noticed.is_empty() {
            writeln!(out, "{}", crate::model::rules::summary(&noticed, 400))?;
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// `tidings add URL` with `[sync]` on: the server subscribes, then a sync brings the feed here.
pub async fn add(
    env: &Env,
    sync: &SyncOptions,
    url: &str,
    out: &mut Out,
) -> anyhow::Result<ExitCode> {
    let stream = crate::fetch::sync::subscribe(&env.fetcher()?, sync, url).await?;
    writeln!(
        out,
        "The server subscribed to {} ({}); syncing…",
        super::feeds::shown(&crate::model::redact::url(url)),
        super::feeds::shown(&stream)
    )?;
    run(env, false, out).await
}

/// A change to a synced feed, made on the server first (then here, by a sync); `None` when
/// the feed is not synced (the caller changes it here only).
pub async fn edit(
    env: &Env,
    spec: &str,
    edit: Option<Edit>,
    out: &mut Out,
) -> anyhow::Result<Option<ExitCode>> {
    if !env.config.sync.enabled() {
        return Ok(None);
    }
    let (feed, stream) = {
        let store = env.open_store()?;
        let feed = store.find_feed(spec)?;
        (feed.id, store.remote_id_of(feed.id)?)
    };
    let Some(stream) = stream else {
        return Ok(None);
    };
    let Some(edit) = edit else {
        anyhow::bail!(
            "this feed is synced: its title and folder are the server's (give a title, or a tag)"
        );
    };
    let Some(sync) = options(&env.config.sync) else {
        return Ok(None);
    };
    crate::fetch::sync::edit(&env.fetcher()?, &sync, &stream, &edit).await?;
    if edit == Edit::Unsubscribe {
        // Gone here at once, whatever the sync that follows makes of the server's list (one
        // with no feed left removes nothing).
        env.open_store()?.remove_feed(feed)?;
    }
    writeln!(out, "Changed on the server; syncing…")?;
    run(env, false, out).await.map(Some)
}
