//! The line at the bottom where text is typed: the filter (`/`: `Enter` applies it, `Esc`
//! clears it), a feed's URL, a feed's new title or its tags; and where text keys go while a
//! modal that takes text (this line, the export dialog, a question) is open.

use super::Status;
use super::modal::{Line, Modal};
use super::{AppState, Effect, View, marks};
use crate::model::FeedId;
use crate::model::query::{self, Query};

/// What the typed line is for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum PromptKind {
    #[default]
    Filter,
    /// A URL to subscribe to.
    AddFeed,
    /// A new title for this feed (empty: its own again).
    Rename(FeedId),
    /// Tags for this feed, separated by spaces or commas.
    Tags(FeedId),
    /// A label to put on (or take off) the selection or the entry.
    Label { on: bool },
}

impl PromptKind {
    /// What the line starts with on screen.
    pub fn label(&self) -> &'static str {
        match self {
            PromptKind::Filter => "/",
            PromptKind::AddFeed => "Subscribe to (URL): ",
            PromptKind::Rename(_) => "Title (empty: the feed's own): ",
            PromptKind::Tags(_) => "Tags: ",
            PromptKind::Label { on: true } => "Add label: ",
            PromptKind::Label { on: false } => "Remove label: ",
        }
    }
}

/// A key while text is being typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextKey {
    Char(char),
    Backspace,
    Delete,
    Left,
    Right,
    Home,
    End,
    /// Ctrl-U: clear the line.
    Clear,
    /// Ctrl-W: delete the word before the cursor.
    DeleteWord,
    Enter,
    Esc,
    /// Up, Down, Tab and Shift-Tab move between the fields of a dialog.
    Up,
    Down,
    Tab,
    BackTab,
}

/// The line being edited, and what for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Prompt {
    pub kind: PromptKind,
    pub line: Line,
    /// Why the last `Enter` was refused.
    pub error: Option<String>,
}

/// `/`: opens the filter line with the current filter in it, ready for one more term.
pub fn open(state: &mut AppState) {
    let mut text = state.stream.filter.query.to_string();
    if !text.is_empty() {
        text.push(' ');
    }
    state.view = View::Stream;
    ask(state, PromptKind::Filter, text);
}

/// Opens the line for `kind`, starting with `text`.
pub fn ask(state: &mut AppState, kind: PromptKind, text: String) {
    state.modal = Some(Modal::Prompt(Prompt {
        kind,
        line: Line::new(text),
        error: None,
    }));
}

/// A key while a modal that takes text is open.
pub fn on_text(state: &mut AppState, key: TextKey) -> Vec<Effect> {
    match &mut state.modal {
        Some(Modal::Confirm(_)) => {
            let yes = matches!(key, TextKey::Char('y' | 'Y'));
            marks::answer(state, yes)
        }
        Some(Modal::Export(_)) => super::export::on_key(state, key),
        Some(Modal::Pick(_)) => super::pick::on_key(state, key),
        Some(Modal::Prompt(prompt)) => {
            prompt.error = None;
            match key {
                TextKey::Enter => apply(state),
                TextKey::Esc => {
                    let closed = state.modal.take();
                    if matches!(closed, Some(Modal::Prompt(p)) if p.kind == PromptKind::Filter) {
                        return set_query(state, Query::default());
                    }
                    Vec::new()
                }
                key => {
                    prompt.line.edit(key);
                    Vec::new()
                }
            }
        }
        Some(Modal::Help { .. }) | None => Vec::new(),
    }
}

/// `Enter`: does what the line was for, or says why it cannot.
fn apply(state: &mut AppState) -> Vec<Effect> {
    let Some(Modal::Prompt(prompt)) = &mut state.modal else {
        return Vec::new();
    };
    let text = prompt.line.text.trim().to_owned();
    match prompt.kind {
        PromptKind::Filter => {}
        PromptKind::AddFeed if text.is_empty() => {
            prompt.error = Some("Type the address of a feed or of a page that names one".into());
            return Vec::new();
        }
        PromptKind::AddFeed => {
            state.modal = None;
            state.status = Some(Status::info(format!("Subscribing to {text}…")));
            return vec![Effect::AddFeed { url: text }];
        }
        PromptKind::Rename(id) => {
            state.modal = None;
            let title = (!text.is_empty()).then_some(text);
            return vec![Effect::RenameFeed { id, title }];
        }
        PromptKind::Label { on } => {
            let Some(Modal::Prompt(prompt)) = state.modal.take() else {
                return Vec::new();
            };
            return match super::labels::apply(state, &text, on) {
                Ok(effects) => effects,
                Err(why) => {
                    state.modal = Some(Modal::Prompt(Prompt {
                        error: Some(why),
                        ..prompt
                    }));
                    Vec::new()
                }
            };
        }
        PromptKind::Tags(id) => {
            state.modal = None;
            let mut tags: Vec<String> = text
                .split(|c: char| c.is_whitespace() || c == ',')
                .filter(|t| !t.is_empty())
                .map(str::to_owned)
                .collect();
            tags.sort_by_key(|t| t.to_lowercase());
            tags.dedup_by_key(|t| t.to_lowercase());
            return vec![Effect::SetTags { id, tags }];
        }
    }
    match query::parse(&prompt.line.text) {
        Ok(q) => {
            state.modal = None;
            set_query(state, q)
        }
        Err(e) => {
            prompt.error = Some(e.to_string());
            Vec::new()
        }
    }
}

/// Reloads the stream with `q` as its query (nothing to do if it already is).
pub fn set_query(state: &mut AppState, q: Query) -> Vec<Effect> {
    if state.stream.filter.query == q {
        return Vec::new();
    }
    let mut filter = state.stream.filter.clone();
    filter.query = q;
    let title = state.stream.title.clone();
    vec![state.stream.refilter(filter, title)]
}
