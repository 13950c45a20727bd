//! The keymap, as data: the default bindings, and the `[keys]` tables of the config that change
//! them (`config` reads them; `app` looks keys up in it).
//! `[keys]` binds a key in every view, `[keys.stream]`, `[keys.feeds]`, `[keys.reader]` and
//! `[keys.help]` in one view; a view's own binding wins. `"none"` unbinds a key.

use std::collections::BTreeMap;

use crate::model::Action;
use crate::model::key::{Key, KeyCode};

/// The views a binding can be limited to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scope {
    Stream,
    Feeds,
    Reader,
    Help,
}

impl Scope {
    pub const ALL: [Scope; 4] = [Scope::Stream, Scope::Feeds, Scope::Reader, Scope::Help];

    pub fn name(self) -> &'static str {
        match self {
            Scope::Stream => "stream",
            Scope::Feeds => "feeds",
            Scope::Reader => "reader",
            Scope::Help => "help",
        }
    }
}

/// Key → action, for every view and per view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keymap {
    global: BTreeMap<Key, Action>,
    scoped: BTreeMap<(Scope, Key), Option<Action>>,
}

const fn k(c: char) -> Key {
    Key::char(c)
}

const fn named(code: KeyCode) -> Key {
    Key::plain(code)
}

const GLOBAL: &[(Key, Action)] = &[
    (k('j'), Action::Down),
    (named(KeyCode::Down), Action::Down),
    (k('k'), Action::Up),
    (named(KeyCode::Up), Action::Up),
    (named(KeyCode::PageDown), Action::PageDown),
    (Key::ctrl('f'), Action::PageDown),
    (Key::ctrl('d'), Action::PageDown),
    (named(KeyCode::PageUp), Action::PageUp),
    (Key::ctrl('b'), Action::PageUp),
    (Key::ctrl('u'), Action::PageUp),
    (k('g'), Action::Top),
    (named(KeyCode::Home), Action::Top),
    (k('G'), Action::Bottom),
    (named(KeyCode::End), Action::Bottom),
    (named(KeyCode::Enter), Action::Open),
    (k('q'), Action::Back),
    (named(KeyCode::Esc), Action::Cancel),
    (k('r'), Action::ToggleRead),
    (k('s'), Action::ToggleStar),
    (k('u'), Action::Undo),
    (k('+'), Action::AddLabel),
    (k('-'), Action::RemoveLabel),
    (k('e'), Action::Export),
    (k('/'), Action::Filter),
    (k('U'), Action::ToggleUnreadOnly),
    (k('n'), Action::NextUnread),
    (k('o'), Action::OpenLink),
    (k('y'), Action::CopyLink),
    (k('p'), Action::Play),
    (k('d'), Action::Download),
    (k('w'), Action::Downloads),
    (k('f'), Action::Feeds),
    (named(KeyCode::Tab), Action::Feeds),
    (k('R'), Action::RefreshAll),
    (Key::ctrl('r'), Action::RefreshFeed),
    (k('?'), Action::Help),
    (k('Q'), Action::Quit),
    (Key::ctrl('c'), Action::Quit),
];

const SCOPED: &[(Scope, Key, Action)] = &[
    (Scope::Stream, k(' '), Action::ToggleSelect),
    (Scope::Stream, k('V'), Action::SelectRange),
    (Scope::Stream, Key::ctrl('a'), Action::SelectAll),
    (Scope::Stream, k('A'), Action::MarkAllRead),
    (Scope::Stream, k('M'), Action::MarkAboveRead),
    (Scope::Stream, k('='), Action::ToggleCopies),
    (Scope::Stream, k('F'), Action::FullArticle),
    (Scope::Reader, k(' '), Action::PageDown),
    (Scope::Reader, k('b'), Action::PageUp),
    (Scope::Reader, k('J'), Action::NextEntry),
    (Scope::Reader, k('K'), Action::PrevEntry),
    (Scope::Reader, k(']'), Action::NextMatch),
    (Scope::Reader, k('['), Action::PrevMatch),
    (Scope::Reader, k('l'), Action::Links),
    (Scope::Reader, k('F'), Action::FullArticle),
    (Scope::Feeds, k(' '), Action::PageDown),
    (Scope::Feeds, k('A'), Action::MarkAllRead),
    (Scope::Feeds, k('a'), Action::AddFeed),
    (Scope::Feeds, k('D'), Action::RemoveFeed),
    (Scope::Feeds, k('E'), Action::RenameFeed),
    (Scope::Feeds, k('t'), Action::EditTags),
    (Scope::Feeds, k('F'), Action::FullArticle),
    (Scope::Feeds, k('M'), Action::MergeFeeds),
];

impl Default for Keymap {
    fn default() -> Self {
        Self {
            global: GLOBAL.iter().copied().collect(),
            scoped: SCOPED
                .iter()
                .map(|&(s, key, a)| ((s, key), Some(a)))
                .collect(),
        }
    }
}

impl Keymap {
    /// What `key` does in `scope`.
    pub fn action(&self, scope: Scope, key: Key) -> Option<Action> {
        match self.scoped.get(&(scope, key)) {
            Some(bound) => *bound,
            None => self.global.get(&key).copied(),
        }
    }

    /// Binds `key` to `action` (`None`: unbinds it) in every view, or in `scope` only. A
    /// binding for every view replaces the views' own defaults for that key too.
    pub fn bind(&mut self, scope: Option<Scope>, key: Key, action: Option<Action>) {
        if let Some(scope) = scope {
            self.scoped.insert((scope, key), action);
        } else {
            self.scoped.retain(|(_, k), _| *k != key);
            match action {
                Some(a) => self.global.insert(key, a),
                None => self.global.remove(&key),
            };
        }
    }

    /// The keys for `action` as the help lists them: `j, Down`, with `(reader)` after keys
    /// that only work in one view.
    pub fn keys_for(&self, action: Action) -> Vec<String> {
        let mut out: Vec<String> = self
            .global
            .iter()
            .filter(|(_, a)| **a == action)
            .map(|(key, _)| key.to_string())
            .collect();
        out.extend(
            self.scoped
                .iter()
                .filter(|(_, a)| **a == Some(action))
                .map(|((scope, key), _)| format!("{key} ({})", scope.name())),
        );
        out
    }

    /// The key a hint names for `action`: its first key bound in every view, else its first
    /// key bound in one view; `None` when nothing is bound to it.
    pub fn hint_key(&self, action: Action) -> Option<String> {
        // As `keys_for` lists them, without writing out every one.
        let global = self.global.iter().find(|(_, a)| **a == action);
        let key = global.map(|(key, _)| key).or_else(|| {
            self.scoped
                .iter()
                .find(|(_, a)| **a == Some(action))
                .map(|((_, key), _)| key)
        })?;
        Some(key.to_string())
    }

    /// Applies the `[keys]` tables of a config: `(scope, key text, action name)`; errors name
    /// the key and say what is allowed.
    pub fn apply<'a>(
        &mut self,
        entries: impl IntoIterator<Item = (Option<Scope>, &'a str, &'a str)>,
    ) -> Result<(), String> {
        for (scope, key_text, action_name) in entries {
            let key: Key = key_text.parse()?;
            let action = match action_name {
                "none" => None,
                name => Some(Action::from_name(name).ok_or_else(|| {
                    let names: Vec<&str> = Action::ALL.iter().map(|a| a.name()).collect();
                    format!(
                        "unknown action \"{name}\" for key \"{key_text}\" (one of: none, {})",
                        names.join(", ")
                    )
                })?),
            };
            self.bind(scope, key, action);
        }
        // Unbinding every way out would leave a reader that cannot be left but by a kill.
        let leaves = |key: &Key| {
            matches!(
                self.action(Scope::Stream, *key),
                Some(Action::Quit | Action::Back)
            )
        };
        let stream_keys = self.scoped.keys().filter(|(s, _)| *s == Scope::Stream);
        if !(self.global.keys().any(leaves) || stream_keys.map(|(_, k)| k).any(leaves)) {
            return Err(
                "no key is left to quit the reader: bind one to \"quit\" or \"back\"".to_owned(),
            );
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found trying it: `q`, `Q` and `Ctrl-c` unbound, and the reader could not be left.
    #[test]
    fn a_keymap_with_no_way_out_is_refused() {
        let mut map = Keymap::default();
        let err = map
            .apply([
                (None, "q", "none"),
                (None, "Q", "none"),
                (None, "Ctrl-c", "none"),
            ])
            .unwrap_err();
        assert!(err.contains("no key is left to quit"), "{err}");
        let mut map = Keymap::default();
        map.apply([
            (None, "q", "none"),
            (None, "Q", "none"),
            (None, "x", "quit"),
        ])
        .unwrap();
        assert_eq!(map.action(Scope::Stream, k('x')), Some(Action::Quit));
    }

    #[test]
    fn space_selects_on_the_stream_and_pages_in_the_reader() {
        let map = Keymap::default();
        assert_eq!(
            map.action(Scope::Stream, k(' ')),
            Some(Action::ToggleSelect)
        );
        assert_eq!(map.action(Scope::Reader, k(' ')), Some(Action::PageDown));
        assert_eq!(map.action(Scope::Help, k('j')), Some(Action::Down));
        assert_eq!(map.action(Scope::Stream, k('z')), None);
    }

    #[test]
    fn a_binding_for_every_view_replaces_the_views_own() {
        let mut map = Keymap::default();
        map.apply([
            (None, "Space", "page-down"),
            (Some(Scope::Stream), "x", "toggle-select"),
        ])
        .unwrap();
        assert_eq!(map.action(Scope::Stream, k(' ')), Some(Action::PageDown));
        assert_eq!(
            map.action(Scope::Stream, k('x')),
            Some(Action::ToggleSelect)
        );
        assert_eq!(map.action(Scope::Reader, k('x')), None);
    }

    #[test]
    fn none_unbinds() {
        let mut map = Keymap::default();
        map.apply([(None, "q", "none"), (Some(Scope::Reader), "J", "none")])
            .unwrap();
        assert_eq!(map.action(Scope::Stream, k('q')), None);
        assert_eq!(map.action(Scope::Reader, k('J')), None);
    }

    #[test]
    fn unknown_actions_and_keys_are_named() {
        let mut map = Keymap::default();
        let err = map.apply([(None, "x", "explode")]).unwrap_err();
        assert!(
            err.contains("\"explode\"") && err.contains("toggle-read"),
            "{err}"
        );
        let err = map.apply([(None, "Hyper-x", "quit")]).unwrap_err();
        assert!(err.contains("Hyper-x"), "{err}");
    }

    #[test]
    fn help_lists_keys_with_their_views() {
        let map = Keymap::default();
        assert_eq!(map.keys_for(Action::Down), vec!["j", "Down"]);
        assert_eq!(map.keys_for(Action::NextEntry), vec!["J (reader)"]);
        assert_eq!(map.keys_for(Action::Quit), vec!["Q", "Ctrl-c"]);
    }
}
