//! What a key means where the user is: text while a line is typed or a question is open,
//! otherwise the keymap's action for the view in front. The runtime hands keys over as the
//! keymap names them (`Msg::Key`); knowing the modes is the model's job alone.

use super::{AppState, Effect, HelpRow, Msg, TextKey, View, update};
use crate::model::Action;
use crate::model::key::{Key, KeyCode};
use crate::model::keymap::{Keymap, Scope};

/// The keymap's view for the screen in front.
pub fn scope(state: &AppState) -> Scope {
    if state.help_scroll().is_some() {
        return Scope::Help;
    }
    match state.view {
        View::Stream => Scope::Stream,
        // The queue is a list of things to remove (`D`) like the feed list.
        View::Feeds | View::Downloads => Scope::Feeds,
        View::Reader | View::Links => Scope::Reader,
    }
}

/// A key press. Two quick presses of Esc reach us as one Alt-Esc (the terminal's escape
/// prefix): unless Alt-Esc is bound, they are two Escs (one, while text is typed: the first
/// closes the line).
pub fn on_key(state: &mut AppState, key: Key) -> Vec<Effect> {
    let twice = key.code == KeyCode::Esc && key.alt && meaning(state, key).is_none();
    if !twice {
        if let Some(msg) = meaning(state, key) {
            return update(state, msg);
        }
        elsewhere(state, key);
        return Vec::new();
    }
    let esc = Key::plain(KeyCode::Esc);
    let times = if state.takes_text() { 1 } else { 2 };
    let mut effects = Vec::new();
    for _ in 0..times {
        if let Some(msg) = meaning(state, esc) {
            effects.extend(update(state, msg));
        }
    }
    effects
}

/// The message `key` stands for in `state` (none for unbound keys).
fn meaning(state: &AppState, key: Key) -> Option<Msg> {
    if state.takes_text() {
        return text_key(key).map(Msg::Text);
    }
    state
        .options
        .keymap
        .action(scope(state), key)
        .map(Msg::Action)
}

/// A key unbound in the view in front but bound in another: the status line says where it
/// works (`a` on the stream: "a works in the feed list").
fn elsewhere(state: &mut AppState, key: Key) {
    if state.takes_text() {
        return;
    }
    let keymap = &state.options.keymap;
    let other = Scope::ALL
        .into_iter()
        .filter(|&s| s != scope(state))
        .find_map(|s| keymap.action(s, key));
    if let Some(action) = other {
        state.status = None;
        super::elsewhere::say(state, action);
    }
}

/// A key while text is typed: editing keys, Ctrl-U / Ctrl-W, and Ctrl-C as Esc.
fn text_key(key: Key) -> Option<TextKey> {
    Some(match key.code {
        KeyCode::Char('u') if key.ctrl => TextKey::Clear,
        KeyCode::Char('w') if key.ctrl => TextKey::DeleteWord,
        KeyCode::Char('c' | 'g') if key.ctrl => TextKey::Esc,
        KeyCode::Char('a') if key.ctrl => TextKey::Home,
        KeyCode::Char('e') if key.ctrl => TextKey::End,
        KeyCode::Char(_) if key.ctrl => return None,
        KeyCode::Char(c) => TextKey::Char(c),
        KeyCode::Backspace => TextKey::Backspace,
        KeyCode::Delete => TextKey::Delete,
        KeyCode::Left => TextKey::Left,
        KeyCode::Right => TextKey::Right,
        KeyCode::Home => TextKey::Home,
        KeyCode::End => TextKey::End,
        KeyCode::Enter => TextKey::Enter,
        KeyCode::Esc => TextKey::Esc,
        KeyCode::Up => TextKey::Up,
        KeyCode::Down => TextKey::Down,
        KeyCode::Tab => TextKey::Tab,
        KeyCode::BackTab => TextKey::BackTab,
        KeyCode::Insert | KeyCode::PageUp | KeyCode::PageDown | KeyCode::F(_) => return None,
    })
}

/// The help screen's rows: every bound action with its keys.
pub fn help_rows(keymap: &Keymap) -> Vec<HelpRow> {
    Action::ALL
        .iter()
        .filter_map(|&action| {
            let keys = keymap.keys_for(action);
            (!keys.is_empty()).then(|| HelpRow {
                keys: keys.join(", "),
                action,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::{Options, Prompt};

    fn state(view: View) -> AppState {
        let mut s = AppState::new(Options::default(), 80, 24);
        s.view = view;
        s
    }

    fn meant(view: View, key: Key) -> Option<Msg> {
        meaning(&state(view), key)
    }

    #[test]
    fn control_changes_the_meaning() {
        assert_eq!(
            meant(View::Stream, Key::ctrl('c')),
            Some(Msg::Action(Action::Quit))
        );
        assert_eq!(meant(View::Stream, Key::char('c')), None);
        assert_eq!(
            meant(View::Stream, Key::ctrl('r')),
            Some(Msg::Action(Action::RefreshFeed))
        );
    }

    #[test]
    fn space_depends_on_the_view() {
        assert_eq!(
            meant(View::Stream, Key::char(' ')),
            Some(Msg::Action(Action::ToggleSelect))
        );
        assert_eq!(
            meant(View::Reader, Key::char(' ')),
            Some(Msg::Action(Action::PageDown))
        );
        assert_eq!(
            meant(View::Links, Key::char(' ')),
            Some(Msg::Action(Action::PageDown))
        );
    }

    #[test]
    fn keys_are_text_while_the_filter_line_is_open() {
        let mut s = state(View::Stream);
        s.modal = Some(crate::app::Modal::Prompt(Prompt::default()));
        assert_eq!(
            meaning(&s, Key::char('q')),
            Some(Msg::Text(TextKey::Char('q')))
        );
        assert_eq!(
            meaning(&s, Key::ctrl('w')),
            Some(Msg::Text(TextKey::DeleteWord))
        );
        assert_eq!(
            meaning(&s, Key::plain(KeyCode::Esc)),
            Some(Msg::Text(TextKey::Esc))
        );
        assert_eq!(meaning(&s, Key::plain(KeyCode::PageDown)), None);
    }

    /// Issue #18: a burst of keys is taken in order by the model itself: `/` opens the line,
    /// so the `q` after it is text, not "back".
    #[test]
    fn a_key_after_slash_in_the_same_burst_is_text() {
        let mut s = state(View::Stream);
        on_key(&mut s, Key::char('/'));
        on_key(&mut s, Key::char('q'));
        assert_eq!(s.prompt().map(|p| p.line.text.as_str()), Some("q"));
        assert!(!s.quit);
    }

    /// Esc Esc sent quickly (tmux send-keys, a fast hand) arrived as Alt-Esc and did nothing.
    #[test]
    fn two_quick_escapes_are_two_cancels() {
        let mut s = state(View::Stream);
        s.stream.filter.query = crate::model::query::parse("tag:x").unwrap();
        s.stream.selection.ids.insert(crate::model::EntryId(1));
        let alt_esc = Key {
            code: KeyCode::Esc,
            ctrl: false,
            alt: true,
        };
        on_key(&mut s, alt_esc);
        // The first Esc clears the selection, the second the filter.
        assert!(s.stream.selection.is_empty());
        assert!(s.stream.filter.query.is_empty(), "{:?}", s.stream.filter);
    }

    /// Issue #19, found trying it in tmux: `a` on the stream and `A` in the feed list reached
    /// no action at all (unbound there), so the unit tests sending actions passed while the
    /// keys did nothing.
    #[test]
    fn real_keys_say_where_they_work_and_a_marks_a_feed() {
        let mut s = state(View::Stream);
        on_key(&mut s, Key::char('a'));
        assert_eq!(
            s.status.as_deref(),
            Some("a works in the feed list (f opens it)")
        );
        s.view = View::Feeds;
        assert_eq!(
            meaning(&s, Key::char('A')),
            Some(Msg::Action(Action::MarkAllRead))
        );
        on_key(&mut s, Key::char('J'));
        assert_eq!(
            s.status.as_deref(),
            Some("J works in the reader (Enter opens an entry)")
        );
    }

    #[test]
    fn every_action_has_a_key_in_the_help() {
        let rows = help_rows(&Keymap::default());
        assert_eq!(rows.len(), Action::ALL.len());
        let down = rows.iter().find(|r| r.action == Action::Down).unwrap();
        assert_eq!(down.keys, "j, Down");
    }

    /// Issue #18: hints follow the keymap in force; an unbound action's hint is left out.
    #[test]
    fn hints_name_rebound_keys_and_leave_out_unbound_ones() {
        let mut keymap = Keymap::default();
        keymap
            .apply([
                (None, "z", "undo"),
                (None, "u", "none"),
                (None, "?", "none"),
            ])
            .unwrap();
        let mut s = AppState::new(
            Options {
                keymap,
                ..Options::default()
            },
            80,
            24,
        );
        assert_eq!(
            s.keys.hint(Action::Undo, "undoes").as_deref(),
            Some("z undoes")
        );
        assert_eq!(s.keys.of(Action::Help), None);
        let _ = update(
            &mut s,
            Msg::MarkApplied {
                ids: vec![crate::model::EntryId(1), crate::model::EntryId(2)],
                mark: crate::model::Mark::Read,
                undoable: true,
            },
        );
        assert_eq!(
            s.status.as_deref(),
            Some("Marked 2 entries read (z undoes)")
        );
    }
}
