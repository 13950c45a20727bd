//! The status line's message (what it says, and what kind of news it is: errors are drawn as
//! errors), and the names of the keys that hints mention, taken from the keymap in force.

use crate::model::Action;
use crate::model::keymap::Keymap;
use crate::model::redact;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusKind {
    /// Where things stand, or why a key did nothing.
    Info,
    /// Something asked for was done.
    Done,
    /// Something failed.
    Error,
}

/// A one-line message for the status line; cleared by the next key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub kind: StatusKind,
    pub text: String,
}

impl Status {
    /// Every message goes through here: a URL in it (a feed's, one typed, one in an error)
    /// keeps its secrets to itself.
    fn new(kind: StatusKind, text: String) -> Self {
        let text = match redact::in_text(&text) {
            std::borrow::Cow::Borrowed(_) => text,
            std::borrow::Cow::Owned(redacted) => redacted,
        };
        Self { kind, text }
    }

    pub fn info(text: impl Into<String>) -> Self {
        Self::new(StatusKind::Info, text.into())
    }

    pub fn done(text: impl Into<String>) -> Self {
        Self::new(StatusKind::Done, text.into())
    }

    pub fn error(text: impl Into<String>) -> Self {
        Self::new(StatusKind::Error, text.into())
    }
}

/// The text, so `state.status.as_deref()` reads as the line shows.
impl std::ops::Deref for Status {
    type Target = str;

    fn deref(&self) -> &str {
        &self.text
    }
}

/// The key that each action is bound to, as the keymap in force says. Hints name these keys,
/// never fixed ones; an unbound action's hint is left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyNames(BTreeMap<Action, String>);

impl Default for KeyNames {
    fn default() -> Self {
        Self::new(&Keymap::default())
    }
}

impl KeyNames {
    pub fn new(keymap: &Keymap) -> Self {
        Self(
            Action::ALL
                .iter()
                .filter_map(|&a| keymap.hint_key(a).map(|k| (a, k)))
                .collect(),
        )
    }

    /// The key `action` is bound to, if any.
    pub fn of(&self, action: Action) -> Option<&str> {
        self.0.get(&action).map(String::as_str)
    }

    /// `"u undoes"` for `hint(Action::Undo, "undoes")`; `None` when the action has no key.
    pub fn hint(&self, action: Action, what: &str) -> Option<String> {
        self.of(action).map(|key| format!("{key} {what}"))
    }

    /// `" (u undoes)"`, or nothing when the action has no key.
    pub fn aside(&self, action: Action, what: &str) -> String {
        self.hint(action, what)
            .map(|h| format!(" ({h})"))
            .unwrap_or_default()
    }
}
