//! The runtime's side of changes to a subscription (remove, rename, tags): made in the
//! database, then written into `[subscriptions] file` when there is one (issue #24).

use super::effects::{Executor, failed, set_tags};
use crate::app::{Effect, Msg};
use crate::export::subscriptions_file::Edit as FileEdit;

/// A change the reader made to a subscription, for the subscriptions file.
enum FileChange {
    Remove,
    Rename(Option<String>),
    Tags(Vec<String>),
}

impl Executor {
    /// Runs a change to a subscription; any other effect is handed back.
    pub(super) fn on_subscriptions(&mut self, effect: Effect) -> Result<Option<Msg>, Effect> {
        let store = &mut self.store;
        Ok(match effect {
            Effect::RemoveFeed { id } => {
                let url = store.find_feed(&id.0.to_string()).map(|f| f.url);
                let msg = store
                    .remove_feed(id)
                    .map(|()| Msg::FeedsChanged("Unsubscribed; its entries are gone".into()));
                Some(self.written_back(msg, url, &FileChange::Remove))
            }
            Effect::RenameFeed { id, title } => {
                let url = store.find_feed(&id.0.to_string()).map(|f| f.url);
                let msg = store
                    .rename_feed(id, title.as_deref())
                    .map(|()| Msg::FeedsChanged("Renamed".into()));
                Some(self.written_back(msg, url, &FileChange::Rename(title)))
            }
            Effect::SetTags { id, tags } => {
                let msg = set_tags(store, id, &tags);
                let (url, tags) = match store.find_feed(&id.0.to_string()) {
                    Ok(f) => (Ok(f.url), f.tags),
                    Err(e) => (Err(e), Vec::new()),
                };
                Some(self.written_back(msg, url, &FileChange::Tags(tags)))
            }
            other => return Err(other),
        })
    }

    /// Makes the subscriptions those of the subscriptions file (before a refresh): what it
    /// did, or why the file could not be used; nothing when there is no file or no change.
    pub(super) fn apply_subscriptions_file(&mut self) -> Option<Msg> {
        let path = self.subscriptions_file.clone()?;
        let now = chrono::Utc::now().timestamp();
        match crate::export::subscriptions_file::apply(&mut self.store, &path, now) {
            Ok(applied) => crate::export::subscriptions_file::said(&applied).map(Msg::FeedsChanged),
            Err(why) => Some(Msg::Failed(why)),
        }
    }

    /// A change to the subscriptions made in the database, written into the subscriptions
    /// file when there is one; a file that cannot be written is said (the change stays).
    fn written_back(
        &self,
        msg: Result<Msg, crate::store::StoreError>,
        url: Result<String, crate::store::StoreError>,
        change: &FileChange,
    ) -> Msg {
        let msg = msg.unwrap_or_else(|e| failed(&e));
        let (Some(path), Ok(url), Msg::FeedsChanged(said)) = (&self.subscriptions_file, url, &msg)
        else {
            return msg;
        };
        let edit = match change {
            FileChange::Remove => FileEdit::Remove(&url),
            FileChange::Rename(title) => FileEdit::Rename(&url, title.as_deref()),
            FileChange::Tags(tags) => FileEdit::Tags(&url, tags),
        };
        match crate::export::subscriptions_file::write_back(path, &edit) {
            Ok(()) => Msg::FeedsChanged(format!("{said} (and in the subscriptions file)")),
            Err(e) => Msg::Failed(format!("{said}, but {e}")),
        }
    }
}
