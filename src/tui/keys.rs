//! Terminal events → what the model takes: a key as the keymap names it (`update` decides what
//! it means in the mode in front), the mouse wheel and clicks.

use crossterm::event::{KeyCode as Code, KeyEvent, KeyModifiers};

use crate::app::Msg;
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

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: Code, modifiers: KeyModifiers) -> Option<Key> {
        key_of(&KeyEvent::new(code, modifiers))
    }

    #[test]
    fn shifted_letters_arrive_as_capitals() {
        assert_eq!(
            key(Code::Char('G'), KeyModifiers::SHIFT),
            Some(Key::char('G'))
        );
    }

    /// Some terminals report Ctrl with the capital letter; the keymap names the lowercase one.
    #[test]
    fn control_letters_are_lowercase() {
        assert_eq!(
            key(Code::Char('R'), KeyModifiers::CONTROL),
            Some(Key::ctrl('r'))
        );
        assert_eq!(
            key(Code::Esc, KeyModifiers::ALT),
            Some(Key {
                code: KeyCode::Esc,
                ctrl: false,
                alt: true
            })
        );
        assert_eq!(key(Code::CapsLock, KeyModifiers::NONE), None);
    }
}
