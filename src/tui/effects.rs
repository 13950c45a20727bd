//! Carrying out the `Effect`s `update` asks for: store reads and writes, rendering, refresh
//! commands. Each result comes back as a `Msg`.

use tokio::sync::mpsc::UnboundedSender;

use crate::app::{Effect, Msg};
use crate::model::RefreshCmd;
use crate::render;
use crate::store::Store;

/// Runs one effect; returns the message it produced, if any.
pub fn execute(
    effect: Effect,
    store: &mut Store,
    refresh: &UnboundedSender<RefreshCmd>,
) -> Option<Msg> {
    let msg = match effect {
        Effect::LoadPage {
            generation,
            filter,
            page,
            limit,
        } => store
            .entries_page(&filter, page, limit)
            .map(|rows| Msg::PageLoaded {
                generation,
                page,
                rows,
            }),
        Effect::LoadCounts => store.counts().map(Msg::Counts),
        Effect::LoadFeeds => store.feeds().map(Msg::FeedsLoaded),
        Effect::OpenEntry { id, width } => match store.entry(id) {
            Ok(Some(entry)) => Ok(match render_guarded(&entry, width) {
                Some(rendered) => Msg::EntryLoaded {
                    entry: Box::new(entry),
                    rendered,
                    width,
                },
                None => Msg::Failed(format!(
                    "could not render entry {} (the report is in the log)",
                    id.0
                )),
            }),
            Ok(None) => Ok(Msg::Failed(format!("entry {} is gone", id.0))),
            Err(e) => Err(e),
        },
        Effect::SetMark { ids, mark } => store
            .set_mark(&ids, mark)
            .map(|_| Msg::MarkApplied { ids, mark }),
        Effect::Refresh(scope) => {
            if refresh.send(RefreshCmd::Now(scope)).is_err() {
                return Some(Msg::Failed(
                    "the refresh task has stopped; see the log".into(),
                ));
            }
            return None;
        }
        Effect::Quit => return None,
    };
    Some(msg.unwrap_or_else(|e| {
        tracing::error!("{e}");
        Msg::Failed(e.to_string())
    }))
}

/// Renders on a short-lived thread of its own, so that a renderer panic on hostile HTML is
/// logged (the panic hook only restores the terminal for the main thread) and becomes an error
/// message instead of taking the reader down.
fn render_guarded(entry: &crate::model::Entry, width: u16) -> Option<render::Rendered> {
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("tidings-render".into())
            .spawn_scoped(scope, || {
                render::article(
                    &entry.content_html,
                    entry.base_url.as_deref(),
                    usize::from(width),
                )
            })
            .ok()?
            .join()
            .ok()
    })
}
