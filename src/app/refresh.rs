//! A refresh as the reader sees it: the progress in the status line, the stream reloaded in
//! place as news arrives (a long run fills the screen as it goes), one feed refreshed alone,
//! and the summary at the end.

use super::{AppState, Effect, Status, View};
use crate::model::{RefreshEvent, count_of};

/// Refresh progress for the status line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Progress {
    pub done: usize,
    pub total: usize,
    pub failed: usize,
    /// Feeds with new entries since the stream was last reloaded during this run.
    pub news_unshown: usize,
    /// The last failure, `TITLE: ERROR`, for the summary (the feed list may not have it when
    /// the failure was that nothing could be written).
    pub last_failure: Option<String>,
    /// A sync's step ("items"), shown instead of feeds counted.
    pub step: Option<String>,
}

/// During a run, the stream is reloaded in place after this many feeds brought news (at once
/// while it is empty), so a long refresh fills the screen as it goes.
const RELOAD_EVERY: usize = 50;

/// A feed refreshed alone, beside any run: its own status line, and the views brought up to
/// date when it brought something.
fn on_one(state: &mut AppState, title: &str, outcome: &Result<usize, String>) -> Vec<Effect> {
    let mut effects = Vec::new();
    match outcome {
        Ok(new) => {
            state.status = Some(Status::done(format!(
                "Refreshed {title}: {}",
                count_of(*new, "new entry", "new entries")
            )));
            effects.push(Effect::LoadCounts);
            if *new > 0 {
                effects.extend(state.stream.refresh_in_place());
            }
        }
        Err(error) => {
            // The reason first: a narrow status line cuts the end.
            state.status = Some(Status::error(format!("Refresh failed: {error} ({title})")));
        }
    }
    if state.view == View::Feeds {
        effects.push(Effect::LoadFeeds);
    }
    effects
}

/// What notify rules matched, after the status line's summary of the run.
fn add_notice(state: &mut AppState) {
    if let (Some(notice), Some(status)) = (state.notice.take(), state.status.as_mut()) {
        status.text = format!("{}; {notice}", status.text);
    }
}

/// A refresh event: progress, news brought into view as it comes, and the summary.
pub fn on_event(state: &mut AppState, event: &RefreshEvent) -> Vec<Effect> {
    match *event {
        RefreshEvent::Started { total } => {
            state.refresh = Some(Progress {
                total,
                ..Progress::default()
            });
            state.notice = None;
            Vec::new()
        }
        RefreshEvent::FeedDone { new_entries, .. } => {
            let Some(p) = &mut state.refresh else {
                return Vec::new();
            };
            p.done += 1;
            if new_entries == 0 {
                return Vec::new();
            }
            p.news_unshown += 1;
            if p.news_unshown < RELOAD_EVERY && !state.stream.rows.is_empty() {
                return Vec::new();
            }
            p.news_unshown = 0;
            let mut effects = vec![Effect::LoadCounts];
            effects.extend(state.stream.refresh_in_place());
            effects
        }
        RefreshEvent::FeedSkipped { .. } => {
            if let Some(p) = &mut state.refresh {
                p.done += 1;
            }
            Vec::new()
        }
        RefreshEvent::FeedFailed {
            ref title,
            ref error,
            ..
        } => {
            if let Some(p) = &mut state.refresh {
                p.done += 1;
                p.failed += 1;
                p.last_failure = Some(format!("{error} ({title})"));
            }
            Vec::new()
        }
        RefreshEvent::Stopped { ref error } => {
            state.refresh = None;
            state.status = Some(Status::error(stopped(error)));
            Vec::new()
        }
        RefreshEvent::Syncing {
            ref step,
            done,
            total,
            new_entries,
        } => on_sync_step(state, step, done, total, new_entries),
        RefreshEvent::Synced(summary) => {
            state.refresh = None;
            state.status = Some(Status::done(format!("Synced: {}", summary.line())));
            add_notice(state);
            finished_effects(state)
        }
        RefreshEvent::One {
            ref title,
            ref outcome,
            ..
        } => {
            let effects = on_one(state, title, outcome);
            add_notice(state);
            effects
        }
        // One notification per refresh, summarising (the runtime tells the terminal and runs
        // `[notify] command`); the status line says it with the run's summary.
        RefreshEvent::Noticed(ref noticed) => {
            state.notice = Some(crate::model::rules::summary(noticed, 200));
            vec![Effect::Notify {
                noticed: noticed.clone(),
            }]
        }
        RefreshEvent::Finished(summary) => {
            let last = state.refresh.take().and_then(|p| p.last_failure);
            state.status = Some(if summary.failed == 0 {
                Status::done(format!(
                    "Refreshed {}: {}{}",
                    count_of(summary.ok, "feed", "feeds"),
                    count_of(summary.new_entries, "new entry", "new entries"),
                    summary.held_back()
                ))
            } else {
                // Short before the failure, so a narrow status line still shows why.
                Status::error(format!(
                    "Refresh: {} of {} failed, {} new; last: {}{}",
                    summary.failed,
                    summary.ok + summary.failed + summary.skipped,
                    summary.new_entries,
                    last.unwrap_or_default(),
                    summary.held_back()
                ))
            });
            add_notice(state);
            finished_effects(state)
        }
    }
}

/// Why a run stopped, the reason first (a narrow status line cuts the end).
fn stopped(error: &str) -> String {
    match error.strip_prefix("sync: ") {
        Some(why) => format!("Sync failed: {why}; marks made here wait for the next sync"),
        None => format!("Refresh stopped: {error}"),
    }
}

/// A sync's progress; a batch of items that brought news is brought into view (items come a
/// few hundred at a time).
fn on_sync_step(
    state: &mut AppState,
    step: &str,
    done: usize,
    total: usize,
    new_entries: usize,
) -> Vec<Effect> {
    let p = state.refresh.get_or_insert_with(Progress::default);
    p.step = Some(step.to_owned());
    p.done = done;
    p.total = total;
    if new_entries == 0 {
        return Vec::new();
    }
    let mut effects = vec![Effect::LoadCounts];
    effects.extend(state.stream.refresh_in_place());
    effects
}

/// At the end of a run: layouts forgotten (bodies may have changed), counts, the stream and
/// the feed list reloaded.
fn finished_effects(state: &mut AppState) -> Vec<Effect> {
    // A `download` rule may have queued new episodes; feeds that ask for whole articles
    // have new entries to fetch them for.
    let mut effects = vec![
        Effect::ForgetLayouts,
        Effect::LoadCounts,
        Effect::StartDownloads,
        Effect::FetchArticles { ids: Vec::new() },
    ];
    if let Some(reload) = state.stream.refresh_in_place() {
        effects.push(reload);
    }
    if state.view == View::Feeds {
        effects.push(Effect::LoadFeeds);
    }
    effects
}
