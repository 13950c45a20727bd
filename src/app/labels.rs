//! Labels on entries (issue #20): `+` asks for a label and puts it on the selection (or the
//! entry under the cursor, or the open entry), `-` takes one off. Like marks, a label shows once
//! the store has written it, and `u` takes it back.

use super::prompt::{self, PromptKind};
use super::{AppState, Effect, Status, View};
use crate::model::{EntryFilter, EntryId, EntrySummary, LabelId, Mark};

/// What a label change goes on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LabelTarget {
    Ids(Vec<EntryId>),
    /// Everything this filter matches (everything selected).
    Matching(EntryFilter),
}

/// `+` / `-`: asks for the label's name, if there is something to label.
pub fn ask(state: &mut AppState, on: bool) -> Vec<Effect> {
    if target(state).is_none() {
        state.status = Some(Status::info("Nothing to label here"));
        return Vec::new();
    }
    prompt::ask(state, PromptKind::Label { on }, String::new());
    Vec::new()
}

/// What the label keys act on in the view in front.
fn target(state: &AppState) -> Option<LabelTarget> {
    match state.view {
        View::Reader | View::Links => state
            .reader
            .as_ref()
            .map(|r| LabelTarget::Ids(vec![r.entry.summary.id])),
        View::Stream => {
            let stream = &state.stream;
            if stream.selection.all {
                return Some(LabelTarget::Matching(stream.filter.clone()));
            }
            let mut ids = stream.selected_ids();
            if ids.is_empty() {
                ids.extend(stream.selected().map(|r| r.id));
            }
            (!ids.is_empty()).then_some(LabelTarget::Ids(ids))
        }
        View::Feeds | View::Downloads => None,
    }
}

/// `Enter` on the label line.
pub fn apply(state: &mut AppState, name: &str, on: bool) -> Result<Vec<Effect>, String> {
    let name = name.trim();
    if name.is_empty() || name.contains(char::is_whitespace) {
        return Err("A label is one word, as in later or to-read".into());
    }
    let Some(target) = target(state) else {
        return Err("Nothing to label here".into());
    };
    Ok(vec![Effect::Label {
        name: name.to_owned(),
        on,
        target,
    }])
}

/// The name of label `id`, as the runtime said it.
pub fn name(state: &AppState, id: LabelId) -> Option<&str> {
    state
        .labels
        .iter()
        .find(|(known, _)| *known == id)
        .map(|(_, n)| n.as_str())
}

/// Shows `mark` on `row` (labels by name, from those the runtime named).
pub fn show(row: &mut EntrySummary, mark: Mark, labels: &[(LabelId, String)]) {
    let named = |id: LabelId| labels.iter().find(|(k, _)| *k == id).map(|(_, n)| n);
    match mark {
        Mark::Label(id) => {
            if let Some(name) = named(id) {
                let folded = name.to_lowercase();
                if !row.labels.iter().any(|l| l.to_lowercase() == folded) {
                    row.labels.push(name.clone());
                    row.labels.sort_by_key(|l| l.to_lowercase());
                }
            }
        }
        Mark::Unlabel(id) => {
            if let Some(name) = named(id) {
                let folded = name.to_lowercase();
                row.labels.retain(|l| l.to_lowercase() != folded);
            }
        }
        _ => {}
    }
}
