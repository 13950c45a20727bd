//! A key as the keymap names it (`j`, `G`, `Space`, `Enter`, `Ctrl-r`, `Alt-x`, `F5`),
//! independent of the terminal library. Pure; uses nothing else in the crate.

use std::fmt;
use std::str::FromStr;

/// Which key, without modifiers (a shifted letter is its capital).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum KeyCode {
    Char(char),
    Enter,
    Esc,
    Tab,
    BackTab,
    Backspace,
    Delete,
    Insert,
    Up,
    Down,
    Left,
    Right,
    Home,
    End,
    PageUp,
    PageDown,
    F(u8),
}

/// A key with Control and Alt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key {
    pub code: KeyCode,
    pub ctrl: bool,
    pub alt: bool,
}

impl Key {
    pub const fn plain(code: KeyCode) -> Self {
        Self {
            code,
            ctrl: false,
            alt: false,
        }
    }

    pub const fn char(c: char) -> Self {
        Self::plain(KeyCode::Char(c))
    }

    pub const fn ctrl(c: char) -> Self {
        Self {
            code: KeyCode::Char(c),
            ctrl: true,
            alt: false,
        }
    }
}

const NAMED: [(&str, KeyCode); 16] = [
    ("Space", KeyCode::Char(' ')),
    ("Enter", KeyCode::Enter),
    ("Esc", KeyCode::Esc),
    ("Tab", KeyCode::Tab),
    ("BackTab", KeyCode::BackTab),
    ("Backspace", KeyCode::Backspace),
    ("Delete", KeyCode::Delete),
    ("Insert", KeyCode::Insert),
    ("Up", KeyCode::Up),
    ("Down", KeyCode::Down),
    ("Left", KeyCode::Left),
    ("Right", KeyCode::Right),
    ("Home", KeyCode::Home),
    ("End", KeyCode::End),
    ("PgUp", KeyCode::PageUp),
    ("PgDn", KeyCode::PageDown),
];

/// Other spellings people write.
const ALIASES: [(&str, &str); 6] = [
    ("return", "Enter"),
    ("escape", "Esc"),
    ("pageup", "PgUp"),
    ("pagedown", "PgDn"),
    ("del", "Delete"),
    ("s-tab", "BackTab"),
];

impl FromStr for Key {
    type Err = String;

    /// `j`, `G`, `?`, `Space`, `Enter`, `PgDn`, `F5`, `Ctrl-r` (or `C-r`), `Alt-x` (or `M-x`).
    fn from_str(s: &str) -> Result<Self, String> {
        let mut key = Key::char(' ');
        let mut rest = s;
        loop {
            let lower = rest.to_ascii_lowercase();
            let cut = ["ctrl-", "c-", "alt-", "m-"]
                .iter()
                .find(|p| lower.starts_with(**p) && rest.len() > p.len());
            match cut {
                Some(p) => {
                    if p.starts_with('c') {
                        key.ctrl = true;
                    } else {
                        key.alt = true;
                    }
                    rest = &rest[p.len()..];
                }
                None => break,
            }
        }
        let mut chars = rest.chars();
        key.code = match (chars.next(), chars.next()) {
            (Some(c), None) if !c.is_control() => {
                KeyCode::Char(if key.ctrl { c.to_ascii_lowercase() } else { c })
            }
            _ => {
                let lower = rest.to_ascii_lowercase();
                let name = ALIASES
                    .iter()
                    .find(|(alias, _)| *alias == lower)
                    .map_or(rest, |(_, name)| *name);
                if let Some((_, code)) = NAMED.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)) {
                    *code
                } else if let Some(n) = lower
                    .strip_prefix('f')
                    .and_then(|n| n.parse::<u8>().ok())
                    .filter(|n| (1..=12).contains(n))
                {
                    KeyCode::F(n)
                } else {
                    return Err(format!(
                        "unknown key \"{s}\" (a character, Space, Enter, Esc, Tab, BackTab, \
                         Backspace, Delete, Up, Down, Left, Right, Home, End, PgUp, PgDn, F1-F12, \
                         with Ctrl- or Alt- before it)"
                    ));
                }
            }
        };
        Ok(key)
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ctrl {
            f.write_str("Ctrl-")?;
        }
        if self.alt {
            f.write_str("Alt-")?;
        }
        match self.code {
            KeyCode::Char(c) => match NAMED.iter().find(|(_, code)| *code == self.code) {
                Some((name, _)) => f.write_str(name),
                None => write!(f, "{c}"),
            },
            KeyCode::F(n) => write!(f, "F{n}"),
            code => {
                let name = NAMED
                    .iter()
                    .find(|(_, c)| *c == code)
                    .map_or("?", |(n, _)| *n);
                f.write_str(name)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_read_back_as_written() {
        for text in [
            "j", "G", "?", "Space", "Enter", "PgDn", "F5", "Ctrl-r", "Alt-x", "/",
        ] {
            let key: Key = text.parse().unwrap();
            assert_eq!(key.to_string(), text);
        }
    }

    #[test]
    fn other_spellings_are_understood() {
        assert_eq!("C-r".parse::<Key>().unwrap(), Key::ctrl('r'));
        assert_eq!("ctrl-R".parse::<Key>().unwrap(), Key::ctrl('r'));
        assert_eq!(
            "pagedown".parse::<Key>().unwrap(),
            Key::plain(KeyCode::PageDown)
        );
        assert_eq!("space".parse::<Key>().unwrap(), Key::char(' '));
        assert_eq!("-".parse::<Key>().unwrap(), Key::char('-'));
        assert_eq!(
            "M-Enter".parse::<Key>().unwrap(),
            Key {
                code: KeyCode::Enter,
                ctrl: false,
                alt: true
            }
        );
    }

    #[test]
    fn nonsense_is_refused_with_the_key_named() {
        let err = "Hyper-q".parse::<Key>().unwrap_err();
        assert!(err.contains("\"Hyper-q\""), "{err}");
        assert!("F13".parse::<Key>().is_err());
        assert!("".parse::<Key>().is_err());
    }
}
