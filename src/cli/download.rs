//! `tidings download [ID…]` (issue #22): queues the enclosures of the given entries, then runs
//! the download queue headless, for cron: a progress line on a terminal, plain lines
//! otherwise. Without ids it runs what is queued.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::sync::Arc;

use super::Env;
use super::output::Out;
use crate::fetch::downloads::{QueueEvent, QueueOptions, run_queue};
use crate::model::EntryId;
use crate::model::download::DownloadProgress;
use crate::model::enclosure::size;
use crate::model::sanitize;

/// The queue's options from `[media]` and `[refresh]`.
pub fn queue_options(env: &Env) -> QueueOptions {
    let media = &env.config.media;
    QueueOptions {
        dir: media_dir(env),
        file_name: media.file_name_format(),
        max_bytes: media.max_mib.saturating_mul(1024 * 1024),
        parallel: media.parallel,
        user_agent: crate::fetch::http::FetchOptions::default().user_agent,
        proxy: env.config.refresh.proxy.clone(),
    }
}

/// Where downloads land: `[media] dir`, else `media` beside the database.
pub fn media_dir(env: &Env) -> std::path::PathBuf {
    let beside = env
        .db
        .parent()
        .map_or_else(|| std::path::PathBuf::from("media"), |d| d.join("media"));
    env.config.media.dir_or(beside)
}

pub async fn run(env: &Env, ids: &[i64], out: &mut Out) -> anyhow::Result<ExitCode> {
    let mut store = env.open_store()?;
    let now = chrono::Utc::now().timestamp();
    if !ids.is_empty() {
        for &id in ids {
            let Some(entry) = store.entry(EntryId(id))? else {
                anyhow::bail!("no entry {id} (see `tidings entries` for ids)");
            };
            if entry.enclosures.is_empty() {
                eprintln!(
                    "tidings: entry {id} ({}) has no enclosure",
                    sanitize::line(&entry.summary.title)
                );
            }
        }
        let entries: Vec<EntryId> = ids.iter().map(|&i| EntryId(i)).collect();
        let queued = store.queue_downloads(&entries, None, now)?;
        writeln!(out, "Queued {queued} download{}", plural(queued))?;
    }
    let mut only: Option<Vec<i64>> = None;
    if !ids.is_empty() {
        // With ids, only their downloads run (queued now or before).
        let mut wanted = Vec::new();
        for &id in ids {
            for enc in store.enclosures(EntryId(id))? {
                wanted.push(enc.url);
            }
        }
        only = Some(
            store
                .downloads()?
                .into_iter()
                .filter(|d| wanted.contains(&d.url))
                .map(|d| d.id)
                .collect(),
        );
    }
    drop(store);
    let opts = queue_options(env);
    let tty = std::io::stderr().is_terminal();
    let mut names = std::collections::HashMap::new();
    let summary = run_queue(
        &env.db,
        &opts,
        only.as_deref(),
        Arc::new(|| false),
        |event| report(&event, tty, &mut names),
    )
    .await
    .map_err(anyhow::Error::msg)?;
    writeln!(
        out,
        "Downloads: {} finished, {} failed, {} left to resume (in {})",
        summary.finished,
        summary.failed,
        summary.left,
        opts.dir.display()
    )?;
    out.flush()?;
    Ok(if summary.failed + summary.left > 0 {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// One event on stderr: a line rewritten in place on a terminal, plain lines otherwise.
fn report(event: &QueueEvent, tty: bool, names: &mut std::collections::HashMap<i64, String>) {
    let mut err = std::io::stderr().lock();
    let clear = if tty { "\r\x1b[2K" } else { "" };
    match event {
        QueueEvent::Started(d) => {
            let name = sanitize::line(d.file.as_deref().unwrap_or(&d.title));
            let _ = writeln!(err, "{clear}downloading {name}");
            names.insert(d.id, name);
        }
        QueueEvent::Progress(p) if tty => {
            let _ = write!(err, "{clear}{}", line(p, names));
            let _ = err.flush();
        }
        QueueEvent::Progress(_) => {}
        QueueEvent::Finished { id, file, bytes } => {
            let _ = writeln!(
                err,
                "{clear}done {} ({})",
                sanitize::line(file),
                size(*bytes)
            );
            names.remove(id);
        }
        QueueEvent::Failed { id, error, retry } => {
            let name = names.remove(id).unwrap_or_default();
            let then = if *retry { "; will resume" } else { "" };
            let _ = writeln!(err, "{clear}failed {name}: {error}{then}");
        }
    }
}

fn line(p: &DownloadProgress, names: &std::collections::HashMap<i64, String>) -> String {
    let name = names.get(&p.id).map_or("", String::as_str);
    let short: String = name.chars().take(40).collect();
    format!("{short}: {}", p.describe())
}
