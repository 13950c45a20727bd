//! The runtime's side of subscriptions that look like one feed (issue #23): found in the
//! background when the feed list is shown, merged when the user says so.

use super::effects::Executor;
use crate::app::{Effect, Job, Msg};
use crate::model::FeedId;
use crate::store::Store;

impl Executor {
    /// Runs an effect about twin feeds; any other effect is handed back.
    pub(super) fn on_twins(&mut self, effect: Effect) -> Result<Option<Msg>, Effect> {
        Ok(match effect {
            Effect::FindTwins => {
                let path = self.store.path().to_owned();
                self.jobs.spawn(Job::Twins, move |ctx| {
                    match Store::open(&path).and_then(|s| s.twin_feeds()) {
                        Ok(twins) => ctx.say(Msg::TwinsFound(twins)),
                        Err(e) => tracing::warn!("comparing feeds: {}", e.diagnosed()),
                    }
                });
                None
            }
            Effect::MergeFeeds { keep, drop } => Some(self.merge_feeds(keep, drop)),
            other => return Err(other),
        })
    }

    fn merge_feeds(&mut self, keep: FeedId, drop: FeedId) -> Msg {
        let dropped_url = self
            .store
            .find_feed(&drop.0.to_string())
            .map(|f| f.url)
            .ok();
        let merged = self.store.merge_feeds(keep, drop);
        // The subscriptions file loses the merged address too (the kept one stays).
        if merged.is_ok()
            && let (Some(path), Some(url)) = (&self.subscriptions_file, &dropped_url)
            && let Err(e) = crate::export::subscriptions_file::write_back(
                path,
                &crate::export::subscriptions_file::Edit::Remove(url),
            )
        {
            return Msg::Failed(format!("Merged, but {e}"));
        }
        match merged {
            Ok(merged) => Msg::FeedsChanged(format!(
                "Merged into one feed: {} moved over, {} that both had dropped",
                crate::model::count_of(
                    usize::try_from(merged.moved).unwrap_or(usize::MAX),
                    "entry",
                    "entries"
                ),
                merged.dropped
            )),
            Err(e) => Msg::Failed(format!("Could not merge: {}", e.diagnosed())),
        }
    }
}
