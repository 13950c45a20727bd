//! The default key bindings: key → `Action`, and the help rows generated from them.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::app::{Action, HelpRow};

/// One binding: a key, with Control or not, and what it does.
struct Binding {
    code: KeyCode,
    ctrl: bool,
    action: Action,
}

const fn key(code: KeyCode, action: Action) -> Binding {
    Binding {
        code,
        ctrl: false,
        action,
    }
}

const fn ctrl(c: char, action: Action) -> Binding {
    Binding {
        code: KeyCode::Char(c),
        ctrl: true,
        action,
    }
}

const BINDINGS: &[Binding] = &[
    key(KeyCode::Char('j'), Action::Down),
    key(KeyCode::Down, Action::Down),
    key(KeyCode::Char('k'), Action::Up),
    key(KeyCode::Up, Action::Up),
    key(KeyCode::PageDown, Action::PageDown),
    key(KeyCode::Char(' '), Action::PageDown),
    ctrl('f', Action::PageDown),
    ctrl('d', Action::PageDown),
    key(KeyCode::PageUp, Action::PageUp),
    ctrl('b', Action::PageUp),
    ctrl('u', Action::PageUp),
    key(KeyCode::Char('g'), Action::Top),
    key(KeyCode::Home, Action::Top),
    key(KeyCode::Char('G'), Action::Bottom),
    key(KeyCode::End, Action::Bottom),
    key(KeyCode::Enter, Action::Open),
    key(KeyCode::Char('q'), Action::Back),
    key(KeyCode::Esc, Action::Cancel),
    key(KeyCode::Char('r'), Action::ToggleRead),
    key(KeyCode::Char('s'), Action::ToggleStar),
    key(KeyCode::Char('U'), Action::ToggleUnreadOnly),
    key(KeyCode::Char('f'), Action::Feeds),
    key(KeyCode::Tab, Action::Feeds),
    key(KeyCode::Char('R'), Action::RefreshAll),
    ctrl('r', Action::RefreshFeed),
    key(KeyCode::Char('?'), Action::Help),
    key(KeyCode::Char('Q'), Action::Quit),
    ctrl('c', Action::Quit),
];

/// The action bound to `event`, if any.
pub fn action_for(event: &KeyEvent) -> Option<Action> {
    let ctrl_held = event.modifiers.contains(KeyModifiers::CONTROL);
    BINDINGS
        .iter()
        .find(|b| b.code == event.code && b.ctrl == ctrl_held)
        .map(|b| b.action)
}

fn name(b: &Binding) -> String {
    let base = match b.code {
        KeyCode::Char(' ') => "Space".to_owned(),
        KeyCode::Char(c) => c.to_string(),
        KeyCode::Down => "Down".to_owned(),
        KeyCode::Up => "Up".to_owned(),
        KeyCode::PageDown => "PgDn".to_owned(),
        KeyCode::PageUp => "PgUp".to_owned(),
        KeyCode::Home => "Home".to_owned(),
        KeyCode::End => "End".to_owned(),
        KeyCode::Enter => "Enter".to_owned(),
        KeyCode::Esc => "Esc".to_owned(),
        KeyCode::Tab => "Tab".to_owned(),
        other => format!("{other:?}"),
    };
    if b.ctrl { format!("Ctrl-{base}") } else { base }
}

/// The help screen's rows: every action with the keys bound to it.
pub fn help_rows() -> Vec<HelpRow> {
    Action::ALL
        .iter()
        .filter_map(|&action| {
            let keys: Vec<String> = BINDINGS
                .iter()
                .filter(|b| b.action == action)
                .map(name)
                .collect();
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

    fn press(code: KeyCode, modifiers: KeyModifiers) -> Option<Action> {
        action_for(&KeyEvent::new(code, modifiers))
    }

    #[test]
    fn vi_keys_and_arrows_move() {
        assert_eq!(
            press(KeyCode::Char('j'), KeyModifiers::NONE),
            Some(Action::Down)
        );
        assert_eq!(press(KeyCode::Down, KeyModifiers::NONE), Some(Action::Down));
        assert_eq!(
            press(KeyCode::Char('k'), KeyModifiers::NONE),
            Some(Action::Up)
        );
    }

    #[test]
    fn shifted_letters_arrive_as_capitals() {
        assert_eq!(
            press(KeyCode::Char('G'), KeyModifiers::SHIFT),
            Some(Action::Bottom)
        );
        assert_eq!(
            press(KeyCode::Char('R'), KeyModifiers::SHIFT),
            Some(Action::RefreshAll)
        );
    }

    #[test]
    fn control_changes_the_meaning() {
        assert_eq!(
            press(KeyCode::Char('c'), KeyModifiers::CONTROL),
            Some(Action::Quit)
        );
        assert_eq!(press(KeyCode::Char('c'), KeyModifiers::NONE), None);
    }

    #[test]
    fn every_action_has_a_key_in_the_help() {
        let rows = help_rows();
        assert_eq!(rows.len(), Action::ALL.len());
        let down = rows.iter().find(|r| r.action == Action::Down).unwrap();
        assert_eq!(down.keys, "j, Down");
    }
}
