//! Terminal keys → the keymap's keys, and to `Action`s in the view in front (or to text while
//! the filter line or a question is open); the help rows generated from the active keymap.

use crossterm::event::{KeyCode as Code, KeyEvent, KeyModifiers};

use crate::app::{AppState, HelpRow, Msg, TextKey, View};
use crate::config::{Keymap, Scope};
use crate::model::Action;
use crate::model::key::{Key, KeyCode};

/// The keymap's name for a terminal key, if it has one.
pub fn key_of(event: &KeyEvent) -> Option<Key> {
    let code = match event.code {
        Code::Char(c) => KeyCode::Char(c),
        Code::Enter => KeyCode::Enter,
        Code::Esc => KeyCode::Esc,
        Code::Tab => KeyCode::Tab,
        Code::BackTab => KeyCode::BackTab,
        Code::Backspace => KeyCode::Backspace,
        Code::Delete => KeyCode::Delete,
        Code::Insert => KeyCode::Insert,
        Code::Up => KeyCode::Up,
        Code::Down => KeyCode::Down,
        Code::Left => KeyCode::Left,
        Code::Right => KeyCode::Right,
        Code::Home => KeyCode::Home,
        Code::End => KeyCode::End,
        Code::PageUp => KeyCode::PageUp,
        Code::PageDown => KeyCode::PageDown,
        Code::F(n) => KeyCode::F(n),
        _ => return None,
    };
    let ctrl = event.modifiers.contains(KeyModifiers::CONTROL);
    let code = match code {
        // Terminals send Ctrl-R and Ctrl-r alike; the keymap names the lowercase one.
        KeyCode::Char(c) if ctrl => KeyCode::Char(c.to_ascii_lowercase()),
        other => other,
    };
    Some(Key {
        code,
        ctrl,
        alt: event.modifiers.contains(KeyModifiers::ALT),
    })
}

fn scope(view: View) -> Scope {
    match view {
        View::Stream => Scope::Stream,
        View::Feeds => Scope::Feeds,
        View::Reader | View::Links => Scope::Reader,
        View::Help => Scope::Help,
    }
}

/// The messages a key press means in `state`: usually one, none for unbound keys. Two quick
/// presses of Esc reach us as one Alt-Esc (the terminal's escape prefix): they are two Escs.
pub fn messages_for(keymap: &Keymap, state: &AppState, event: &KeyEvent) -> Vec<Msg> {
    let twice = event.code == Code::Esc && event.modifiers.contains(KeyModifiers::ALT);
    if !twice {
        return message_for(keymap, state, event).into_iter().collect();
    }
    let esc = KeyEvent::new(Code::Esc, KeyModifiers::NONE);
    let times = if state.takes_text() { 1 } else { 2 };
    (0..times)
        .filter_map(|_| message_for(keymap, state, &esc))
        .collect()
}

/// The message a key press means in `state` (none for unbound keys).
pub fn message_for(keymap: &Keymap, state: &AppState, event: &KeyEvent) -> Option<Msg> {
    if state.takes_text() {
        return text_key(event).map(Msg::Text);
    }
    let key = key_of(event)?;
    keymap.action(scope(state.view), key).map(Msg::Action)
}

/// A key while text is typed: editing keys, Ctrl-U / Ctrl-W, and Ctrl-C as Esc.
fn text_key(event: &KeyEvent) -> Option<TextKey> {
    let ctrl = event.modifiers.contains(KeyModifiers::CONTROL);
    Some(match event.code {
        Code::Char('u') if ctrl => TextKey::Clear,
        Code::Char('w') if ctrl => TextKey::DeleteWord,
        Code::Char('c' | 'g') if ctrl => TextKey::Esc,
        Code::Char('a') if ctrl => TextKey::Home,
        Code::Char('e') if ctrl => TextKey::End,
        Code::Char(_) if ctrl => return None,
        Code::Char(c) => TextKey::Char(c),
        Code::Backspace => TextKey::Backspace,
        Code::Delete => TextKey::Delete,
        Code::Left => TextKey::Left,
        Code::Right => TextKey::Right,
        Code::Home => TextKey::Home,
        Code::End => TextKey::End,
        Code::Enter => TextKey::Enter,
        Code::Esc => TextKey::Esc,
        Code::Up => TextKey::Up,
        Code::Down => TextKey::Down,
        Code::Tab => TextKey::Tab,
        Code::BackTab => TextKey::BackTab,
        _ => return None,
    })
}

/// What a mouse event means: the wheel scrolls, a left click picks a line.
pub fn mouse_message(event: crossterm::event::MouseEvent) -> Option<Msg> {
    use crossterm::event::{MouseButton, MouseEventKind};
    match event.kind {
        MouseEventKind::ScrollDown => Some(Msg::Wheel { down: true }),
        MouseEventKind::ScrollUp => Some(Msg::Wheel { down: false }),
        MouseEventKind::Down(MouseButton::Left) => Some(Msg::Click { row: event.row }),
        _ => None,
    }
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

/// The keys hints name: for each action, its first key bound in every view, else its first
/// key bound in one view.
pub fn key_names(keymap: &Keymap) -> crate::app::KeyNames {
    crate::app::KeyNames::new(Action::ALL.iter().filter_map(|&action| {
        let keys = keymap.keys_for(action);
        let key = keys.iter().find(|k| !k.ends_with(')')).or(keys.first())?;
        let key = key.split_once(" (").map_or(key.as_str(), |(k, _)| k);
        Some((action, key.to_owned()))
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The app's default hint keys (for its own tests) are the default keymap's.
    #[test]
    fn default_hint_keys_are_the_default_keymaps() {
        let names = key_names(&Keymap::default());
        for &(action, key) in crate::app::HINTED {
            assert_eq!(names.of(action), Some(key), "{action:?}");
        }
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
        let names = key_names(&keymap);
        assert_eq!(
            names.hint(Action::Undo, "undoes").as_deref(),
            Some("z undoes")
        );
        assert_eq!(names.of(Action::Help), None);
        let mut s = AppState::new(
            crate::app::Options {
                keys: names,
                ..crate::app::Options::default()
            },
            Vec::new(),
            80,
            24,
        );
        let _ = crate::app::update(
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
    use crate::app::Options;

    fn state(view: View) -> AppState {
        let mut s = AppState::new(Options::default(), Vec::new(), 80, 24);
        s.view = view;
        s
    }

    fn press(view: View, code: Code, modifiers: KeyModifiers) -> Option<Msg> {
        message_for(
            &Keymap::default(),
            &state(view),
            &KeyEvent::new(code, modifiers),
        )
    }

    #[test]
    fn shifted_letters_arrive_as_capitals() {
        let none = KeyModifiers::SHIFT;
        assert_eq!(
            press(View::Stream, Code::Char('G'), none),
            Some(Msg::Action(Action::Bottom))
        );
        assert_eq!(
            press(View::Stream, Code::Char('R'), none),
            Some(Msg::Action(Action::RefreshAll))
        );
    }

    #[test]
    fn control_changes_the_meaning() {
        let ctrl = KeyModifiers::CONTROL;
        assert_eq!(
            press(View::Stream, Code::Char('c'), ctrl),
            Some(Msg::Action(Action::Quit))
        );
        assert_eq!(
            press(View::Stream, Code::Char('c'), KeyModifiers::NONE),
            None
        );
        // Some terminals report Ctrl with the capital letter.
        assert_eq!(
            press(View::Stream, Code::Char('R'), ctrl),
            Some(Msg::Action(Action::RefreshFeed))
        );
    }

    #[test]
    fn space_depends_on_the_view() {
        let none = KeyModifiers::NONE;
        assert_eq!(
            press(View::Stream, Code::Char(' '), none),
            Some(Msg::Action(Action::ToggleSelect))
        );
        assert_eq!(
            press(View::Reader, Code::Char(' '), none),
            Some(Msg::Action(Action::PageDown))
        );
    }

    #[test]
    fn keys_are_text_while_the_filter_line_is_open() {
        let mut s = state(View::Stream);
        s.prompt = Some(crate::app::Prompt::default());
        let keymap = Keymap::default();
        let msg = |code, m| message_for(&keymap, &s, &KeyEvent::new(code, m));
        assert_eq!(
            msg(Code::Char('q'), KeyModifiers::NONE),
            Some(Msg::Text(TextKey::Char('q')))
        );
        assert_eq!(
            msg(Code::Char('w'), KeyModifiers::CONTROL),
            Some(Msg::Text(TextKey::DeleteWord))
        );
        assert_eq!(
            msg(Code::Esc, KeyModifiers::NONE),
            Some(Msg::Text(TextKey::Esc))
        );
    }

    /// Esc Esc sent quickly (tmux send-keys, a fast hand) arrived as Alt-Esc and did nothing.
    #[test]
    fn two_quick_escapes_are_two_cancels() {
        let s = state(View::Stream);
        let event = KeyEvent::new(Code::Esc, KeyModifiers::ALT);
        assert_eq!(
            messages_for(&Keymap::default(), &s, &event),
            vec![Msg::Action(Action::Cancel), Msg::Action(Action::Cancel)]
        );
    }

    #[test]
    fn every_action_has_a_key_in_the_help() {
        let rows = help_rows(&Keymap::default());
        assert_eq!(rows.len(), Action::ALL.len());
        let down = rows.iter().find(|r| r.action == Action::Down).unwrap();
        assert_eq!(down.keys, "j, Down");
    }
}
