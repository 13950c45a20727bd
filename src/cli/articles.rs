//! Whole articles from the command line (issue #23): `tidings show --full ID` fetches one when
//! it is not stored yet; `tidings refresh` fetches those the feeds that ask for them want.

use std::sync::Arc;

use super::Env;
use crate::fetch::articles::{self, ArticleEvent, ArticleOptions, ArticleSummary};
use crate::fetch::http::Fetcher;
use crate::model::EntryId;

/// The most articles one refresh fetches by itself (the newest unread first); the rest wait
/// for the next.
pub const PER_RUN: usize = 100;

fn options(env: &Env) -> ArticleOptions {
    ArticleOptions {
        per_host: env.config.refresh.per_host,
        feeds: Arc::new(env.feed_settings(&env.listed())),
        ..ArticleOptions::default()
    }
}

/// Fetches entry `id`'s article now; `Some(why)` when no article came of it.
pub async fn fetch(env: &Env, id: EntryId) -> anyhow::Result<Option<String>> {
    let fetcher = env.fetcher()?;
    let mut failed = None;
    articles::run(
        &env.db,
        &fetcher,
        &options(env),
        &[id],
        1,
        Arc::new(|| false),
        |event| {
            if let ArticleEvent::Failed { why, .. } = event {
                failed = Some(why);
            }
        },
    )
    .await
    .map_err(anyhow::Error::msg)?;
    Ok(failed)
}

/// Fetches the articles the feeds that ask for them want, after a refresh; each failure is
/// said on stderr when `say` (not in JSON mode).
pub async fn after_refresh(
    env: &Env,
    fetcher: &Fetcher,
    say: bool,
) -> anyhow::Result<ArticleSummary> {
    articles::run(
        &env.db,
        fetcher,
        &options(env),
        &[],
        PER_RUN,
        Arc::new(|| false),
        |event| {
            if say && let ArticleEvent::Failed { id, why, .. } = event {
                eprintln!("article: entry {}: {why}", id.0);
            }
        },
    )
    .await
    .map_err(anyhow::Error::msg)
}
