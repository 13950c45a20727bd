//! The look: one style per role. The default uses modifiers (reverse, bold, dim, underline,
//! italic) and only red and green, so it reads the same in 16 colours, with `NO_COLOR`, and on
//! light and dark backgrounds; selection is reverse video and unread is bold plus a marker, so
//! neither depends on colour. `[colors]` overrides roles, mapped onto the colour depth the
//! terminal has (`level_from`: `NO_COLOR`, `TERM`, `COLORTERM`).
//!
//! The theme is data: a style for each `Role`, built by the runtime from the config and handed
//! to drawing with the state (drawing is a function of both; tests draw with any theme).

use std::collections::BTreeMap;

use ratatui::style::{Color, Modifier, Style};

pub use crate::config::style::Role;
use crate::config::style::{ColorSpec, StyleSpec};

/// How many colours the terminal shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColorLevel {
    /// `NO_COLOR` or a dumb terminal: modifiers only.
    None,
    Ansi16,
    Ansi256,
    TrueColor,
}

/// Reads the colour depth from the environment through `var`.
pub fn level_from(var: impl Fn(&str) -> Option<String>) -> ColorLevel {
    let set = |name: &str| var(name).filter(|v| !v.is_empty());
    let term = set("TERM").unwrap_or_default();
    if set("NO_COLOR").is_some() || term == "dumb" {
        return ColorLevel::None;
    }
    let colorterm = set("COLORTERM").unwrap_or_default().to_ascii_lowercase();
    if colorterm == "truecolor" || colorterm == "24bit" || term.ends_with("-direct") {
        ColorLevel::TrueColor
    } else if term.contains("256color") {
        ColorLevel::Ansi256
    } else {
        ColorLevel::Ansi16
    }
}

/// A style for every role, in the order of `Role::ALL`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Theme {
    styles: [Style; Role::ALL.len()],
    level: ColorLevel,
}

impl Default for Theme {
    fn default() -> Self {
        Self::new(&BTreeMap::new(), ColorLevel::Ansi16)
    }
}

/// `style` without colours when the terminal shows none.
fn at_level(style: Style, level: ColorLevel) -> Style {
    if level == ColorLevel::None {
        Style {
            fg: None,
            bg: None,
            ..style
        }
    } else {
        style
    }
}

fn default_style(role: Role) -> Style {
    let s = Style::default();
    match role {
        Role::Plain => s,
        Role::Bar | Role::Selected => s.add_modifier(Modifier::REVERSED),
        Role::Unread | Role::Heading => s.add_modifier(Modifier::BOLD),
        Role::Dim => s.add_modifier(Modifier::DIM),
        Role::Error => s.fg(Color::Red).add_modifier(Modifier::BOLD),
        Role::Link => s.add_modifier(Modifier::UNDERLINED),
        Role::Code => s.fg(Color::Green),
        Role::Quote => s.add_modifier(Modifier::ITALIC),
        // Reverse video, so a match shows without colour too.
        Role::Found => s.add_modifier(Modifier::REVERSED | Modifier::BOLD),
    }
}

impl Theme {
    /// The default with the config's `overrides`, at `level`.
    pub fn new(overrides: &BTreeMap<Role, StyleSpec>, level: ColorLevel) -> Self {
        let styles = Role::ALL.map(|role| {
            let style = overrides
                .get(&role)
                .map_or_else(|| default_style(role), |spec| from_spec(spec, level));
            at_level(style, level)
        });
        Self { styles, level }
    }

    /// The style a highlight rule names: a role's (`error`, `found`, …) or a style as the
    /// config writes them (`bold yellow`); `None` if it is neither (rules are checked when the
    /// config is read, so only an entry marked by an older config can say something else).
    pub fn highlight(&self, name: &str) -> Option<Style> {
        if let Some(role) = Role::from_name(name) {
            return Some(self.get(role));
        }
        crate::config::style::parse(name)
            .ok()
            .map(|spec| at_level(from_spec(&spec, self.level), self.level))
    }

    /// The style of `role`.
    pub fn get(&self, role: Role) -> Style {
        // `Role::ALL` lists the roles in declaration order.
        self.styles[role as usize]
    }

    pub fn plain(&self) -> Style {
        self.get(Role::Plain)
    }

    pub fn bar(&self) -> Style {
        self.get(Role::Bar)
    }

    pub fn selected(&self) -> Style {
        self.get(Role::Selected)
    }

    pub fn unread(&self) -> Style {
        self.get(Role::Unread)
    }

    pub fn dim(&self) -> Style {
        self.get(Role::Dim)
    }

    pub fn error(&self) -> Style {
        self.get(Role::Error)
    }

    pub fn heading(&self) -> Style {
        self.get(Role::Heading)
    }

    pub fn link(&self) -> Style {
        self.get(Role::Link)
    }

    pub fn code(&self) -> Style {
        self.get(Role::Code)
    }

    pub fn quote(&self) -> Style {
        self.get(Role::Quote)
    }

    pub fn found(&self) -> Style {
        self.get(Role::Found)
    }
}

fn from_spec(spec: &StyleSpec, level: ColorLevel) -> Style {
    let mut style = Style::default();
    if let Some(c) = spec.fg.and_then(|c| color(c, level)) {
        style = style.fg(c);
    }
    if let Some(c) = spec.bg.and_then(|c| color(c, level)) {
        style = style.bg(c);
    }
    for (on, m) in [
        (spec.bold, Modifier::BOLD),
        (spec.dim, Modifier::DIM),
        (spec.italic, Modifier::ITALIC),
        (spec.underline, Modifier::UNDERLINED),
        (spec.reverse, Modifier::REVERSED),
    ] {
        if on {
            style = style.add_modifier(m);
        }
    }
    style
}

/// The xterm values of the 16 ANSI colours, to find the nearest.
const ANSI_RGB: [(u8, u8, u8); 16] = [
    (0, 0, 0),
    (205, 0, 0),
    (0, 205, 0),
    (205, 205, 0),
    (0, 0, 238),
    (205, 0, 205),
    (0, 205, 205),
    (229, 229, 229),
    (127, 127, 127),
    (255, 0, 0),
    (0, 255, 0),
    (255, 255, 0),
    (92, 92, 255),
    (255, 0, 255),
    (0, 255, 255),
    (255, 255, 255),
];

/// The RGB of an indexed colour (16–231 the 6×6×6 cube, 232–255 the grey ramp).
fn indexed_rgb(i: u8) -> (u8, u8, u8) {
    match i {
        0..=15 => ANSI_RGB[usize::from(i)],
        16..=231 => {
            let i = i - 16;
            let level = |v: u8| if v == 0 { 0 } else { 55 + v * 40 };
            (level(i / 36), level((i / 6) % 6), level(i % 6))
        }
        _ => {
            let v = 8 + (i - 232) * 10;
            (v, v, v)
        }
    }
}

fn nearest_ansi((r, g, b): (u8, u8, u8)) -> u8 {
    let d = |(x, y, z): (u8, u8, u8)| {
        let sq = |a: u8, b: u8| (i32::from(a) - i32::from(b)).pow(2);
        sq(x, r) + sq(y, g) + sq(z, b)
    };
    (0u8..16)
        .min_by_key(|&i| d(ANSI_RGB[usize::from(i)]))
        .unwrap_or(7)
}

fn nearest_256((r, g, b): (u8, u8, u8)) -> u8 {
    let step = |v: u8| {
        if v < 48 {
            0
        } else if v < 115 {
            1
        } else {
            (v - 35) / 40
        }
    };
    16 + 36 * step(r) + 6 * step(g) + step(b)
}

fn color(c: ColorSpec, level: ColorLevel) -> Option<Color> {
    Some(match (c, level) {
        (_, ColorLevel::None) => return None,
        (ColorSpec::Default, _) => Color::Reset,
        (ColorSpec::Indexed(n), ColorLevel::Ansi16) if n >= 16 => {
            Color::Indexed(nearest_ansi(indexed_rgb(n)))
        }
        (ColorSpec::Ansi(n) | ColorSpec::Indexed(n), _) => Color::Indexed(n),
        (ColorSpec::Rgb(r, g, b), ColorLevel::TrueColor) => Color::Rgb(r, g, b),
        (ColorSpec::Rgb(r, g, b), ColorLevel::Ansi256) => Color::Indexed(nearest_256((r, g, b))),
        (ColorSpec::Rgb(r, g, b), ColorLevel::Ansi16) => Color::Indexed(nearest_ansi((r, g, b))),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(vars: &[(&str, &str)]) -> ColorLevel {
        level_from(|name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        })
    }

    #[test]
    fn the_colour_depth_comes_from_the_environment() {
        assert_eq!(env(&[("TERM", "xterm-256color")]), ColorLevel::Ansi256);
        assert_eq!(
            env(&[("TERM", "xterm-256color"), ("COLORTERM", "truecolor")]),
            ColorLevel::TrueColor
        );
        assert_eq!(env(&[("TERM", "screen")]), ColorLevel::Ansi16);
        assert_eq!(env(&[("TERM", "dumb")]), ColorLevel::None);
        assert_eq!(
            env(&[("TERM", "xterm-256color"), ("NO_COLOR", "1")]),
            ColorLevel::None
        );
        // NO_COLOR set but empty does not count (no-color.org).
        assert_eq!(
            env(&[("TERM", "xterm-256color"), ("NO_COLOR", "")]),
            ColorLevel::Ansi256
        );
    }

    #[test]
    fn without_colour_every_role_keeps_its_modifiers_only() {
        let mut overrides = BTreeMap::new();
        overrides.insert(
            Role::Unread,
            crate::config::style::parse("bold #ff8800 on blue").unwrap(),
        );
        let t = Theme::new(&overrides, ColorLevel::None);
        for role in Role::ALL {
            let s = t.get(role);
            assert!(s.fg.is_none() && s.bg.is_none(), "{role:?}: {s:?}");
        }
        assert!(t.unread().add_modifier.contains(Modifier::BOLD));
        assert!(t.error().add_modifier.contains(Modifier::BOLD));
    }

    #[test]
    fn colours_are_brought_down_to_what_the_terminal_shows() {
        assert_eq!(
            color(ColorSpec::Rgb(255, 136, 0), ColorLevel::TrueColor),
            Some(Color::Rgb(255, 136, 0))
        );
        assert_eq!(
            color(ColorSpec::Rgb(255, 136, 0), ColorLevel::Ansi256),
            Some(Color::Indexed(208))
        );
        assert_eq!(
            color(ColorSpec::Rgb(250, 10, 10), ColorLevel::Ansi16),
            Some(Color::Indexed(9))
        );
        assert_eq!(
            color(ColorSpec::Indexed(196), ColorLevel::Ansi16),
            Some(Color::Indexed(9))
        );
        assert_eq!(
            color(ColorSpec::Indexed(196), ColorLevel::Ansi256),
            Some(Color::Indexed(196))
        );
    }

    #[test]
    fn the_default_theme_marks_selection_and_unread_without_colour() {
        let t = Theme::default();
        assert!(t.selected().add_modifier.contains(Modifier::REVERSED));
        assert!(t.selected().fg.is_none());
        assert!(t.unread().add_modifier.contains(Modifier::BOLD));
        assert!(t.found().fg.is_none());
    }

    /// `get` indexes by the role's place in `Role::ALL`: both must list the roles in order.
    #[test]
    fn every_role_has_its_own_style() {
        let mut overrides = BTreeMap::new();
        for (i, role) in Role::settable().iter().enumerate() {
            let spec = StyleSpec {
                fg: Some(ColorSpec::Indexed(u8::try_from(100 + i).unwrap())),
                ..StyleSpec::default()
            };
            overrides.insert(*role, spec);
        }
        let t = Theme::new(&overrides, ColorLevel::Ansi256);
        for (i, role) in Role::settable().iter().enumerate() {
            let want = Color::Indexed(u8::try_from(100 + i).unwrap());
            assert_eq!(t.get(*role).fg, Some(want), "{role:?}");
        }
        assert_eq!(t.plain(), Style::default());
    }
}
