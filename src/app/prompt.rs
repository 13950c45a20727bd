//! The line at the bottom where text is typed: the filter (`/`: `Enter` applies it, `Esc`
//! clears it), a feed's URL, a feed's new title or its tags; and the answers to yes/no
//! questions. While either is open, keys are text (`Msg::Text`) instead of actions.

use super::Status;
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
    /// The export dialog (its file name is the text).
    Export(Box<super::export::Dialog>),
}

impl PromptKind {
    /// What the line starts with on screen.
    pub fn label(&self) -> &'static str {
        match self {
            PromptKind::Filter => "/",
            PromptKind::AddFeed => "Subscribe to (URL): ",
            PromptKind::Rename(_) => "Title (empty: the feed's own): ",
            PromptKind::Tags(_) => "Tags: ",
            PromptKind::Export(_) => "Name: ",
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

/// The line being edited.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Prompt {
    pub kind: PromptKind,
    pub text: String,
    /// Byte offset of the cursor in `text` (always on a char boundary).
    pub cursor: usize,
    /// Why the last `Enter` was refused.
    pub error: Option<String>,
}

/// Longest filter accepted, in bytes.
const MAX_TEXT: usize = 1000;

/// `/`: opens the filter line with the current filter in it, ready for one more term.
pub fn open(state: &mut AppState) {
    let mut text = state.stream.filter.query.to_string();
    if !text.is_empty() {
        text.push(' ');
    }
    let cursor = text.len();
    state.view = View::Stream;
    state.prompt = Some(Prompt {
        kind: PromptKind::Filter,
        text,
        cursor,
        error: None,
    });
}

/// Opens the line for `kind`, starting with `text`.
pub fn ask(state: &mut AppState, kind: PromptKind, text: String) {
    let cursor = text.len();
    state.prompt = Some(Prompt {
        kind,
        text,
        cursor,
        error: None,
    });
}

/// A key while the filter line or a question is open.
pub fn on_text(state: &mut AppState, key: TextKey) -> Vec<Effect> {
    if state.confirm.is_some() {
        let yes = matches!(key, TextKey::Char('y' | 'Y'));
        return marks::answer(state, yes);
    }
    if let Some(prompt) = &mut state.prompt {
        prompt.error = None;
    }
    if let Some(effects) = super::export::on_key(state, key) {
        return effects;
    }
    let Some(prompt) = &mut state.prompt else {
        return Vec::new();
    };
    let exporting = matches!(prompt.kind, PromptKind::Export(_));
    match key {
        TextKey::Char(c) if !c.is_control() && prompt.text.len() < MAX_TEXT => {
            prompt.text.insert(prompt.cursor, c);
            prompt.cursor += c.len_utf8();
        }
        // Control characters, and the dialog keys (`export::on_key` takes them).
        TextKey::Char(_) | TextKey::Up | TextKey::Down | TextKey::Tab | TextKey::BackTab => {}
        TextKey::Backspace => {
            if let Some(c) = prompt.text[..prompt.cursor].chars().next_back() {
                prompt.cursor -= c.len_utf8();
                prompt.text.remove(prompt.cursor);
            }
        }
        TextKey::Delete => {
            if prompt.cursor < prompt.text.len() {
                prompt.text.remove(prompt.cursor);
            }
        }
        TextKey::Left => {
            if let Some(c) = prompt.text[..prompt.cursor].chars().next_back() {
                prompt.cursor -= c.len_utf8();
            }
        }
        TextKey::Right => {
            if let Some(c) = prompt.text[prompt.cursor..].chars().next() {
                prompt.cursor += c.len_utf8();
            }
        }
        TextKey::Home => prompt.cursor = 0,
        TextKey::End => prompt.cursor = prompt.text.len(),
        TextKey::Clear => {
            prompt.text.clear();
            prompt.cursor = 0;
        }
        TextKey::DeleteWord => {
            let before = prompt.text[..prompt.cursor].trim_end();
            let start = before.rfind(char::is_whitespace).map_or(0, |i| i + 1);
            prompt.text.replace_range(start..prompt.cursor, "");
            prompt.cursor = start;
        }
        TextKey::Enter => return apply(state),
        TextKey::Esc => {
            let kind = state.prompt.take().map(|p| p.kind);
            if kind == Some(PromptKind::Filter) {
                return set_query(state, Query::default());
            }
        }
    }
    if exporting {
        super::export::name_edited(state);
    }
    Vec::new()
}

/// `Enter`: does what the line was for, or says why it cannot.
fn apply(state: &mut AppState) -> Vec<Effect> {
    let Some(prompt) = &mut state.prompt else {
        return Vec::new();
    };
    let text = prompt.text.trim().to_owned();
    match prompt.kind {
        PromptKind::Filter => {}
        PromptKind::AddFeed if text.is_empty() => {
            prompt.error = Some("Type the address of a feed or of a page that names one".into());
            return Vec::new();
        }
        PromptKind::AddFeed => {
            state.prompt = None;
            state.status = Some(Status::info(format!("Subscribing to {text}…")));
            return vec![Effect::AddFeed { url: text }];
        }
        PromptKind::Rename(id) => {
            state.prompt = None;
            let title = (!text.is_empty()).then_some(text);
            return vec![Effect::RenameFeed { id, title }];
        }
        // The dialog takes its own Enter (`export::on_key`).
        PromptKind::Export(_) => return Vec::new(),
        PromptKind::Tags(id) => {
            state.prompt = None;
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
    match query::parse(&prompt.text) {
        Ok(q) => {
            state.prompt = None;
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
