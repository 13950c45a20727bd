//! What takes the keys in front of the view, one thing at a time: the help screen, a line being
//! typed, the export dialog, a question or the feeds of a page to choose from. The view beneath stays as it was and is back when
//! the modal closes. Also the edited line that the prompt and the dialog's file name share.

use super::export::Dialog;
use super::marks::Confirm;
use super::pick::FeedPick;
use super::prompt::{Prompt, TextKey};

/// What takes the keys above the view in front.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Modal {
    /// The help screen, from this line down; `Back` returns to the view beneath.
    Help { scroll: usize },
    /// The filter line, a feed's URL, title or tags.
    Prompt(Prompt),
    /// The export dialog.
    Export(Box<Dialog>),
    /// A question waiting for `y`.
    Confirm(Confirm),
    /// The feeds a page names, to choose one.
    Pick(FeedPick),
}

impl Modal {
    /// Whether keys are text here (typed, or an answer), not the keymap's actions.
    pub fn takes_text(&self) -> bool {
        !matches!(self, Modal::Help { .. })
    }
}

/// Longest line accepted, in bytes.
const MAX_TEXT: usize = 1000;

/// A line of text being edited, with its cursor.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Line {
    pub text: String,
    /// Byte offset of the cursor in `text` (always on a char boundary).
    pub cursor: usize,
}

impl Line {
    /// `text`, with the cursor at its end.
    pub fn new(text: String) -> Self {
        Self {
            cursor: text.len(),
            text,
        }
    }

    /// Applies an editing key; false for keys that are not editing (Enter, Esc, the dialog's
    /// moves) and for control characters.
    pub fn edit(&mut self, key: TextKey) -> bool {
        match key {
            TextKey::Char(c) if !c.is_control() && self.text.len() < MAX_TEXT => {
                self.text.insert(self.cursor, c);
                self.cursor += c.len_utf8();
            }
            TextKey::Backspace => {
                if let Some(c) = self.text[..self.cursor].chars().next_back() {
                    self.cursor -= c.len_utf8();
                    self.text.remove(self.cursor);
                }
            }
            TextKey::Delete => {
                if self.cursor < self.text.len() {
                    self.text.remove(self.cursor);
                }
            }
            TextKey::Left => {
                if let Some(c) = self.text[..self.cursor].chars().next_back() {
                    self.cursor -= c.len_utf8();
                }
            }
            TextKey::Right => {
                if let Some(c) = self.text[self.cursor..].chars().next() {
                    self.cursor += c.len_utf8();
                }
            }
            TextKey::Home => self.cursor = 0,
            TextKey::End => self.cursor = self.text.len(),
            TextKey::Clear => {
                self.text.clear();
                self.cursor = 0;
            }
            TextKey::DeleteWord => {
                let before = self.text[..self.cursor].trim_end();
                let start = before.rfind(char::is_whitespace).map_or(0, |i| i + 1);
                self.text.replace_range(start..self.cursor, "");
                self.cursor = start;
            }
            TextKey::Char(_)
            | TextKey::Enter
            | TextKey::Esc
            | TextKey::Up
            | TextKey::Down
            | TextKey::Tab
            | TextKey::BackTab => return false,
        }
        true
    }
}
