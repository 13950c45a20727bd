//! The runtime's side of whole articles (issue #23): fetching them as background jobs
//! (`Job::Article`, through `fetch::articles::run`), never the same entry twice at once, and a
//! feed's setting written to the store.

use std::collections::HashSet;
use std::sync::{Arc, Mutex, PoisonError};

use super::effects::Executor;
use crate::app::{Effect, Job, Msg};
use crate::fetch::articles::{ArticleEvent, ArticleOptions, run};
use crate::model::{EntryId, FeedId};

/// The most articles one run after a refresh fetches (the newest unread first).
const PER_RUN: usize = 100;

/// What the runtime keeps about article fetching.
#[derive(Debug, Default)]
pub struct Articles {
    pub options: ArticleOptions,
    /// Entries being fetched now, by any job.
    busy: Arc<Mutex<HashSet<EntryId>>>,
}

impl Executor {
    /// Runs an article effect; any other effect is handed back.
    pub(super) fn on_article(&mut self, effect: Effect) -> Result<Option<Msg>, Effect> {
        Ok(match effect {
            Effect::FetchArticles { ids } => {
                self.fetch_articles(ids);
                None
            }
            Effect::SetFullArticle { feed, title, on } => {
                Some(self.set_full_article(feed, &title, on))
            }
            other => return Err(other),
        })
    }

    /// Fetches the articles of `ids` (none: those the feeds that ask for them want) in a job,
    /// leaving out those a job fetches already.
    fn fetch_articles(&mut self, ids: Vec<EntryId>) {
        let ids = if ids.is_empty() {
            match self.store.wanted_articles(PER_RUN) {
                Ok(wanted) => wanted,
                Err(e) => {
                    tracing::warn!("whole articles: {}", e.diagnosed());
                    return;
                }
            }
        } else {
            ids
        };
        let busy = Arc::clone(&self.articles.busy);
        let ids: Vec<EntryId> = {
            let mut taken = busy.lock().unwrap_or_else(PoisonError::into_inner);
            ids.into_iter().filter(|id| taken.insert(*id)).collect()
        };
        if ids.is_empty() {
            return;
        }
        let db = self.store.path().to_owned();
        let fetcher = self.fetcher.clone();
        let opts = self.articles.options.clone();
        let runtime = tokio::runtime::Handle::current();
        self.jobs.spawn(Job::Article, move |ctx| {
            let watch = ctx.clone();
            let stop: crate::fetch::downloads::Stop = Arc::new(move || watch.cancelled());
            let ran = runtime.block_on(run(&db, &fetcher, &opts, &ids, ids.len(), stop, |event| {
                match event {
                    ArticleEvent::Progress { done, total } => {
                        ctx.progress(done as u64, total as u64);
                    }
                    other => ctx.say(Msg::Article(other)),
                }
            }));
            let mut taken = busy.lock().unwrap_or_else(PoisonError::into_inner);
            for id in &ids {
                taken.remove(id);
            }
            if let Err(e) = ran {
                ctx.say(Msg::Failed(format!("Whole articles: {e}")));
            }
        });
    }

    /// Whole articles for feed `feed`, or no more; turned on, its unread entries' are fetched
    /// at once.
    fn set_full_article(&mut self, feed: FeedId, title: &str, on: bool) -> Msg {
        if let Err(e) = self.store.set_full_article(feed, on) {
            return Msg::Failed(e.diagnosed());
        }
        let title = crate::model::sanitize::line(title);
        if on {
            self.fetch_articles(Vec::new());
            Msg::FeedsChanged(format!(
                "Whole articles for {title}: fetched for its unread entries after each refresh"
            ))
        } else {
            Msg::FeedsChanged(format!("No more whole articles for {title}"))
        }
    }
}
