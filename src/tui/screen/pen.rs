//! Writing cells: the shortest cursor move, one SGR sequence per style change, OSC 8 around
//! links. Used by `screen` for every frame.

use ratatui::buffer::Cell;
use ratatui::style::{Color, Modifier};

/// Opens an OSC 8 hyperlink to `url`, or closes the open one. Bytes outside printable ASCII
/// are percent-encoded, so no address can end the sequence or start another.
pub(super) fn osc8(url: Option<&str>) -> Vec<u8> {
    let mut out = b"\x1b]8;;".to_vec();
    for b in url.unwrap_or_default().bytes() {
        if (0x21..=0x7e).contains(&b) {
            out.push(b);
        } else {
            out.extend_from_slice(format!("%{b:02X}").as_bytes());
        }
    }
    out.extend_from_slice(b"\x1b\\");
    out
}

/// Where the terminal's cursor is and which style it writes with, within one frame.
#[derive(Default)]
pub(super) struct Pen {
    pub(super) x: u16,
    y: u16,
    /// Unknown at the start of a frame: the first move is absolute.
    placed: bool,
    style: Option<(Color, Color, Modifier)>,
}

impl Pen {
    pub(super) fn move_to(&mut self, out: &mut Vec<u8>, x: u16, y: u16) {
        if self.placed && (x, y) == (self.x, self.y) {
            return;
        }
        let absolute = if x == 0 {
            format!("\x1b[{}H", y + 1)
        } else {
            format!("\x1b[{};{}H", y + 1, x + 1)
        };
        let relative = if !self.placed {
            None
        } else if y == self.y && x > self.x {
            Some(format!("\x1b[{}C", x - self.x))
        } else if y == self.y + 1 && x == 0 {
            // The line below is never past the bottom (y is on screen), so this cannot scroll.
            Some("\r\n".to_owned())
        } else if y == self.y + 1 {
            Some(format!("\r\n\x1b[{x}C"))
        } else {
            None
        };
        let step = match relative {
            Some(r) if r.len() < absolute.len() => r,
            _ => absolute,
        };
        out.extend_from_slice(step.as_bytes());
        (self.x, self.y, self.placed) = (x, y, true);
    }

    /// One SGR sequence when the style changes: reset, then what the cell has.
    pub(super) fn style(&mut self, out: &mut Vec<u8>, cell: &Cell) {
        let want = (cell.fg, cell.bg, cell.modifier);
        if self.style == Some(want) {
            return;
        }
        let mut sgr = String::from("\x1b[0");
        for (m, code) in [
            (Modifier::BOLD, "1"),
            (Modifier::DIM, "2"),
            (Modifier::ITALIC, "3"),
            (Modifier::UNDERLINED, "4"),
            (Modifier::REVERSED, "7"),
            (Modifier::HIDDEN, "8"),
            (Modifier::CROSSED_OUT, "9"),
        ] {
            if cell.modifier.contains(m) {
                sgr.push(';');
                sgr.push_str(code);
            }
        }
        colour(&mut sgr, cell.fg, 30);
        colour(&mut sgr, cell.bg, 40);
        sgr.push('m');
        out.extend_from_slice(sgr.as_bytes());
        self.style = Some(want);
    }

    pub(super) fn reset(&mut self, out: &mut Vec<u8>) {
        if self
            .style
            .is_some_and(|s| s != (Color::Reset, Color::Reset, Modifier::empty()))
        {
            out.extend_from_slice(b"\x1b[0m");
        }
        self.style = Some((Color::Reset, Color::Reset, Modifier::empty()));
    }
}

/// SGR parameters for a colour; `base` is 30 for the foreground, 40 for the background.
fn colour(sgr: &mut String, c: Color, base: u8) {
    use std::fmt::Write as _;
    let index = match c {
        Color::Reset => return,
        Color::Black => 0,
        Color::Red => 1,
        Color::Green => 2,
        Color::Yellow => 3,
        Color::Blue => 4,
        Color::Magenta => 5,
        Color::Cyan => 6,
        Color::Gray => 7,
        Color::DarkGray => 8,
        Color::LightRed => 9,
        Color::LightGreen => 10,
        Color::LightYellow => 11,
        Color::LightBlue => 12,
        Color::LightMagenta => 13,
        Color::LightCyan => 14,
        Color::White => 15,
        Color::Indexed(n) => n,
        Color::Rgb(r, g, b) => {
            let _ = write!(sgr, ";{};2;{r};{g};{b}", base + 8);
            return;
        }
    };
    let _ = match index {
        0..=7 => write!(sgr, ";{}", base + index),
        8..=15 => write!(sgr, ";{}", base + 60 + index - 8),
        _ => write!(sgr, ";{};5;{index}", base + 8),
    };
}
