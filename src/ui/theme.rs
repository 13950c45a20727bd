//! The default look. Selection is reverse video and unread is bold plus a marker, so neither
//! depends on colour alone.

use ratatui::style::{Color, Modifier, Style};

pub fn plain() -> Style {
    Style::default()
}

pub fn bar() -> Style {
    Style::default().add_modifier(Modifier::REVERSED)
}

pub fn selected() -> Style {
    Style::default().add_modifier(Modifier::REVERSED)
}

pub fn unread() -> Style {
    Style::default().add_modifier(Modifier::BOLD)
}

pub fn dim() -> Style {
    Style::default().fg(Color::DarkGray)
}

pub fn error() -> Style {
    Style::default().fg(Color::Red).add_modifier(Modifier::BOLD)
}

pub fn heading() -> Style {
    Style::default().add_modifier(Modifier::BOLD)
}

pub fn link() -> Style {
    Style::default()
        .fg(Color::Blue)
        .add_modifier(Modifier::UNDERLINED)
}

pub fn code() -> Style {
    Style::default().fg(Color::Cyan)
}

pub fn quote() -> Style {
    Style::default().add_modifier(Modifier::ITALIC)
}

/// A search match in the reader: reverse video, so it shows without colour too.
pub fn found() -> Style {
    Style::default()
        .fg(Color::Yellow)
        .add_modifier(Modifier::REVERSED)
}
