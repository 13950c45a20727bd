//! Marks on one entry, on the selection and on a whole view; the selection itself (single
//! rows, a range, everything); and the undo stack. A mark is shown only once the store has
//! written it (`Msg::MarkApplied`), and the store says which entries it actually changed, so
//! an undo puts back exactly those.

use std::collections::BTreeSet;

use super::Status;
use super::{AppState, Effect, StreamView};
use crate::model::Action;
use crate::model::{Cursor, EntryFilter, EntryId, EntrySummary, FeedId, Mark};

/// Undo levels kept.
pub const UNDO_DEPTH: usize = 100;

/// What is selected in the stream.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    pub ids: BTreeSet<EntryId>,
    /// Everything the view's filter matches (`ids` is then ignored).
    pub all: bool,
    /// A range being drawn: from this row to the cursor, in stream order.
    pub range_from: Option<Cursor>,
}

impl Selection {
    pub fn is_empty(&self) -> bool {
        !self.all && self.ids.is_empty() && self.range_from.is_none()
    }
}

/// One mark change the store made, for undo: these entries got `mark`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkChange {
    pub ids: Vec<EntryId>,
    pub mark: Mark,
}

/// A question the user must answer with `y` before it happens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Confirm {
    MarkAllRead {
        filter: EntryFilter,
        title: String,
    },
    RemoveFeed {
        id: FeedId,
        title: String,
    },
    /// Two subscriptions of one feed: `pair.drop` merges into `pair.keep`.
    MergeFeeds {
        pair: crate::model::story::TwinFeeds,
        keep_title: String,
        drop_title: String,
    },
}

impl Confirm {
    pub fn question(&self) -> String {
        match self {
            Confirm::MarkAllRead { title, .. } => {
                format!("(y/n) Mark all in this view read?  {title}")
            }
            Confirm::RemoveFeed { title, .. } => {
                format!("(y/n) Unsubscribe and delete its entries?  {title}")
            }
            Confirm::MergeFeeds {
                keep_title,
                drop_title,
                ..
            } => format!(
                "(y/n) Merge {drop_title} into {keep_title}? Its entries and marks are kept"
            ),
        }
    }
}

/// The opposite change.
pub fn inverse(mark: Mark) -> Mark {
    match mark {
        Mark::Read => Mark::Unread,
        Mark::Unread => Mark::Read,
        Mark::Star => Mark::Unstar,
        Mark::Unstar => Mark::Star,
        Mark::Label(l) => Mark::Unlabel(l),
        Mark::Unlabel(l) => Mark::Label(l),
        Mark::Hide => Mark::Unhide,
        Mark::Unhide => Mark::Hide,
    }
}

/// Past-tense words for a status line.
fn describe(state: &AppState, mark: Mark) -> String {
    let label = |id| super::labels::name(state, id).unwrap_or("?");
    match mark {
        Mark::Read => "read".into(),
        Mark::Unread => "unread".into(),
        Mark::Star => "starred".into(),
        Mark::Unstar => "unstarred".into(),
        Mark::Hide => "hidden".into(),
        Mark::Unhide => "shown".into(),
        Mark::Label(id) => format!("labelled {}", label(id)),
        Mark::Unlabel(id) => format!("unlabelled {}", label(id)),
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "entry" } else { "entries" }
}

impl StreamView {
    /// Whether `row` is selected (including a range being drawn).
    pub fn is_selected(&self, row: &EntrySummary) -> bool {
        if self.selection.all || self.selection.ids.contains(&row.id) {
            return true;
        }
        match (self.selection.range_from, self.selected()) {
            (Some(from), Some(cursor)) => {
                // Keys that grow down the list in its order, whichever it is.
                let sort = self.filter.sort;
                let (a, b) = (from.key(sort), cursor.cursor().key(sort));
                let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
                (lo..=hi).contains(&row.cursor().key(sort))
            }
            _ => false,
        }
    }

    /// The selected rows among those loaded (all of them when everything is selected).
    fn selected_rows(&self) -> impl Iterator<Item = &EntrySummary> {
        self.rows.iter().filter(|r| self.is_selected(r))
    }

    /// The selected entries' ids, sorted: those picked one by one, and the rows loaded that a
    /// range being drawn (or everything) covers.
    pub fn selected_ids(&self) -> Vec<EntryId> {
        let mut ids: Vec<EntryId> = self.selection.ids.iter().copied().collect();
        ids.extend(self.selected_rows().map(|r| r.id));
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    /// How many entries are selected, as the status line says it.
    pub fn selection_label(&self) -> Option<String> {
        if self.selection.all {
            return Some("all selected".into());
        }
        let n = if self.selection.range_from.is_some() {
            self.selected_rows().count()
        } else {
            self.selection.ids.len()
        };
        (n > 0 || self.selection.range_from.is_some()).then(|| format!("{n} selected"))
    }

    /// Folds a range being drawn into the selected ids.
    fn commit_range(&mut self) {
        if self.selection.range_from.is_some() {
            let ids: Vec<EntryId> = self.selected_rows().map(|r| r.id).collect();
            self.selection.ids.extend(ids);
            self.selection.range_from = None;
        }
    }
}

/// Space: the row under the cursor joins the selection or leaves it; the cursor moves on.
pub fn toggle_select(state: &mut AppState) -> Vec<Effect> {
    let h = state.list_height();
    let stream = &mut state.stream;
    if stream.selection.all {
        let clear = state
            .keys
            .hint(Action::Cancel, "clears the selection")
            .map(|h| format!("; {h}"))
            .unwrap_or_default();
        state.status = Some(Status::info(format!("Everything is selected{clear}")));
        return Vec::new();
    }
    stream.commit_range();
    let Some(id) = stream.selected().map(|r| r.id) else {
        return Vec::new();
    };
    if !stream.selection.ids.remove(&id) {
        stream.selection.ids.insert(id);
    }
    stream.move_by(1, h)
}

/// `V`: starts a range at the cursor, or ends the one being drawn.
pub fn select_range(state: &mut AppState) {
    let stream = &mut state.stream;
    if stream.selection.range_from.is_some() {
        stream.commit_range();
    } else if let Some(at) = stream.selected().map(EntrySummary::cursor) {
        stream.selection.all = false;
        stream.selection.range_from = Some(at);
    }
}

/// Selects everything in the view, or clears the selection when that is what it is.
pub fn select_all(state: &mut AppState) {
    let sel = &mut state.stream.selection;
    let all = !sel.all;
    *sel = Selection::default();
    sel.all = all;
}

/// Clears the selection; false if there was none.
pub fn clear_selection(state: &mut AppState) -> bool {
    let had = !state.stream.selection.is_empty();
    state.stream.selection = Selection::default();
    had
}

/// The flag a toggle key flips.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flag {
    Read,
    Starred,
}

/// `r` / `s` on the stream: the selection if there is one, else the row under the cursor.
/// On several entries the mark goes one way: read if any of them is unread (starred if any is
/// not starred), else the other way.
pub fn toggle_on_stream(state: &mut AppState, flag: Flag) -> Vec<Effect> {
    let stream = &state.stream;
    if stream.selection.is_empty() {
        return stream
            .selected()
            .map(|r| toggle(std::slice::from_ref(r), flag))
            .into_iter()
            .collect();
    }
    let rows: Vec<EntrySummary> = stream.selected_rows().cloned().collect();
    if stream.selection.all {
        let mark = choose(&rows, flag);
        return vec![Effect::MarkMatching {
            filter: stream.filter.clone(),
            mark,
            above: None,
        }];
    }
    let mut ids = stream.selection.ids.clone();
    ids.extend(rows.iter().map(|r| r.id));
    vec![Effect::SetMark {
        ids: ids.into_iter().collect(),
        mark: choose(&rows, flag),
    }]
}

/// The effect that toggles `flag` on `rows`.
pub fn toggle(rows: &[EntrySummary], flag: Flag) -> Effect {
    Effect::SetMark {
        ids: rows.iter().map(|r| r.id).collect(),
        mark: choose(rows, flag),
    }
}

/// Which way a toggle goes: on if any of `rows` lacks the flag, else off.
fn choose(rows: &[EntrySummary], flag: Flag) -> Mark {
    match flag {
        Flag::Read if rows.iter().any(|r| !r.read) => Mark::Read,
        Flag::Read => Mark::Unread,
        Flag::Starred if rows.iter().any(|r| !r.starred) => Mark::Star,
        Flag::Starred => Mark::Unstar,
    }
}

/// `A`: asks before marking the whole view read.
pub fn ask_mark_all(state: &mut AppState) {
    state.modal = Some(super::Modal::Confirm(Confirm::MarkAllRead {
        filter: state.stream.filter.clone(),
        title: state.stream.title.clone(),
    }));
}

/// The user answered a question.
pub fn answer(state: &mut AppState, yes: bool) -> Vec<Effect> {
    let Some(super::Modal::Confirm(question)) = state.modal.take() else {
        return Vec::new();
    };
    if !yes {
        state.status = Some(Status::info("Nothing marked"));
        return Vec::new();
    }
    match question {
        Confirm::MarkAllRead { filter, .. } => vec![Effect::MarkMatching {
            filter,
            mark: Mark::Read,
            above: None,
        }],
        Confirm::RemoveFeed { id, .. } => vec![Effect::RemoveFeed { id }],
        Confirm::MergeFeeds { pair, .. } => vec![Effect::MergeFeeds {
            keep: pair.keep,
            drop: pair.drop,
        }],
    }
}

/// Marks every entry above the cursor read (the one under it stays as it is).
pub fn mark_above(state: &mut AppState) -> Vec<Effect> {
    let stream = &state.stream;
    let Some(above) = stream
        .list
        .cursor
        .checked_sub(1)
        .and_then(|i| stream.rows.get(i))
    else {
        state.status = Some(Status::info("Nothing above the cursor"));
        return Vec::new();
    };
    vec![Effect::MarkMatching {
        filter: stream.filter.clone(),
        mark: Mark::Read,
        above: Some(above.cursor()),
    }]
}

/// The store wrote a mark: show it, remember it for undo, and count again.
pub fn applied(state: &mut AppState, ids: &[EntryId], mark: Mark, undoable: bool) -> Vec<Effect> {
    show_applied(state, ids, mark, undoable);
    let mut effects = vec![Effect::LoadCounts];
    if state.view == super::View::Feeds {
        effects.push(Effect::LoadFeeds);
    }
    effects.extend(state.stream.count());
    effects
}

fn show_applied(state: &mut AppState, ids: &[EntryId], mark: Mark, undoable: bool) {
    let set: BTreeSet<EntryId> = ids.iter().copied().collect();
    for row in state.stream.rows.iter_mut().filter(|r| set.contains(&r.id)) {
        super::apply_mark(row, mark, &state.labels);
    }
    if let Some(r) = &mut state.reader
        && set.contains(&r.entry.summary.id)
    {
        super::apply_mark(&mut r.entry.summary, mark, &state.labels);
    }
    let n = ids.len();
    if undoable {
        if n == 0 {
            return;
        }
        // One entry's read or star shows on its row; anything else is said.
        if n > 1 || matches!(mark, Mark::Label(_) | Mark::Unlabel(_)) {
            let undo = state.keys.aside(Action::Undo, "undoes");
            state.status = Some(Status::done(format!(
                "Marked {n} {} {}{undo}",
                plural(n),
                describe(state, mark)
            )));
        }
        if state.undo.len() == UNDO_DEPTH {
            state.undo.remove(0);
        }
        state.undo.push(MarkChange {
            ids: ids.to_vec(),
            mark,
        });
    } else {
        state.status = Some(Status::done(format!(
            "Undone: {n} {} {} again",
            plural(n),
            describe(state, mark)
        )));
    }
}

/// Changes made outside the reader join the undo stack, and the status line says so.
pub fn journaled(state: &mut AppState, changes: Vec<crate::model::rules::Journaled>) {
    let Some(what) = changes.last().map(|c| c.what.clone()) else {
        return;
    };
    let mut touched = BTreeSet::new();
    for change in changes {
        if let (Mark::Label(id) | Mark::Unlabel(id), Some(name)) = (change.mark, change.label) {
            state.labels.retain(|(known, _)| *known != id);
            state.labels.push((id, name));
        }
        touched.extend(change.ids.iter().copied());
        if state.undo.len() == UNDO_DEPTH {
            state.undo.remove(0);
        }
        state.undo.push(MarkChange {
            ids: change.ids,
            mark: change.mark,
        });
    }
    let undo = state
        .keys
        .aside(Action::Undo, "takes it back, a step at a time");
    let n = touched.len();
    state.status = Some(Status::done(format!(
        "Applied from outside: {what} changed {n} {}{undo}",
        plural(n)
    )));
}

/// `u`: puts back the last change.
pub fn undo(state: &mut AppState) -> Vec<Effect> {
    if let Some(change) = state.undo.pop() {
        vec![Effect::UndoMark {
            ids: change.ids,
            mark: inverse(change.mark),
        }]
    } else {
        state.status = Some(Status::info("Nothing to undo"));
        Vec::new()
    }
}
