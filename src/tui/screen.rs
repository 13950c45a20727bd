//! Putting frames on the terminal with as few bytes as we can, for slow SSH links. Each frame
//! is drawn into a buffer and only the cells that changed are written (ratatui's cell diff),
//! with savings ratatui's own backend does not make:
//!
//! - when a band of lines moved (the reader or a list scrolled), the terminal scrolls the band
//!   itself (a scroll region and line feeds: VT100, which tmux and screen understand) and only
//!   the lines that came in are written;
//! - a line whose end went blank gets one erase-to-end-of-line, and a frame that replaces most
//!   of the screen starts from a cleared screen instead;
//! - cursor moves take the shortest form (a carriage return and line feed, a move forward, or
//!   an absolute position), a style change is one SGR sequence, and short unchanged gaps are
//!   written again rather than jumped over;
//! - the frame goes out in one write, wrapped in synchronized output when it is large
//!   (terminals that do not know it ignore it), so it never tears.

use std::io::{self, Write};

use ratatui::buffer::{Buffer, Cell};
use ratatui::layout::Rect;
use unicode_width::UnicodeWidthStr;

use crate::ui::Hyperlink;

mod pen;

use pen::{Pen, osc8};

/// Frames with more changed cells than this are wrapped in synchronized output.
const SYNC_ABOVE: usize = 512;
/// The largest shift looked for when a band of lines moved.
const MAX_SHIFT: usize = 12;

/// The terminal as last written, and the next frame.
pub struct Screen<W: Write> {
    out: W,
    /// Write links as OSC 8 hyperlinks (the terminal is known to support them).
    pub hyperlinks: bool,
    /// The terminal's content is unknown (it was resized): the next frame starts from a
    /// cleared screen.
    stale: bool,
    /// What the terminal shows now.
    shown: Buffer,
    next: Buffer,
}

impl<W: Write> Screen<W> {
    /// A screen of `width`×`height` whose terminal has just been cleared.
    pub fn new(out: W, width: u16, height: u16) -> Self {
        let area = Rect::new(0, 0, width, height);
        Self {
            out,
            hyperlinks: false,
            stale: false,
            shown: Buffer::empty(area),
            next: Buffer::empty(area),
        }
    }

    /// The terminal was resized: whatever the sizes in between, it may have clipped or
    /// reflowed what it showed, so the next frame is drawn whole.
    pub fn invalidate(&mut self) {
        self.stale = true;
    }

    /// Where bytes for the terminal itself go (OSC 52), after a frame.
    pub fn backend_mut(&mut self) -> &mut W {
        &mut self.out
    }

    /// Draws a frame of `width`×`height` with `paint`, writing only what changed.
    #[cfg(test)]
    pub fn draw(
        &mut self,
        width: u16,
        height: u16,
        paint: impl FnOnce(&mut Buffer),
    ) -> io::Result<()> {
        self.draw_linked(width, height, |buf| {
            paint(buf);
            Vec::new()
        })
    }

    /// Like `draw`, with `paint` saying where links are: with `hyperlinks` on, their cells are
    /// written inside OSC 8 sequences (the address made safe: printable ASCII only).
    pub fn draw_linked(
        &mut self,
        width: u16,
        height: u16,
        paint: impl FnOnce(&mut Buffer) -> Vec<Hyperlink>,
    ) -> io::Result<()> {
        let area = Rect::new(0, 0, width, height);
        let mut out = Vec::new();
        if self.shown.area != area || std::mem::take(&mut self.stale) {
            // After a resize the terminal's content is anyone's guess: start from blank.
            self.shown = Buffer::empty(area);
            self.next = Buffer::empty(area);
            out.extend_from_slice(b"\x1b[0m\x1b[2J");
        }
        self.next.reset();
        let links = paint(&mut self.next);
        let links = if self.hyperlinks { links } else { Vec::new() };
        if let Some(shift) = best_shift(&self.shown, &self.next) {
            scroll(&mut out, shift);
            shift_rows(&mut self.shown, shift);
        }
        let blank_from: Vec<usize> = (0..height)
            .map(|y| {
                let row = row(&self.next, y);
                row.iter().rposition(|c| !is_blank(c)).map_or(0, |x| x + 1)
            })
            .collect();
        let (mut updates, mut erase) = plan(&self.shown, &self.next, &blank_from);
        // Mostly new: clearing the screen and writing what is not blank may be cheaper (an
        // erased line end costs about as much as eight cells).
        let erased = erase.iter().filter(|e| **e).count();
        let filled = self.next.content.iter().filter(|c| !is_blank(c)).count();
        if filled + 4 < updates.len() + 8 * erased {
            out.extend_from_slice(b"\x1b[0m\x1b[2J");
            self.shown = Buffer::empty(area);
            (updates, erase) = plan(&self.shown, &self.next, &blank_from);
        }
        let updates = bridge_gaps(&self.next, updates);
        let sync = updates.len() > SYNC_ABOVE;
        if sync {
            out.extend_from_slice(b"\x1b[?2026h");
        }
        let mut pen = Pen::default();
        let mut open: Option<&str> = None;
        for (x, y, cell) in updates {
            let link = links
                .iter()
                .find(|l| l.y == y && (l.x..l.x.saturating_add(l.width)).contains(&x))
                .map(|l| l.url.as_str());
            if link != open {
                out.extend_from_slice(&osc8(link));
                open = link;
            }
            pen.move_to(&mut out, x, y);
            pen.style(&mut out, cell);
            out.extend_from_slice(cell.symbol().as_bytes());
            pen.x = x + u16::try_from(cell.symbol().width().max(1)).unwrap_or(1);
        }
        for (y, _) in erase.iter().enumerate().filter(|(_, e)| **e) {
            let y = u16::try_from(y).unwrap_or(0);
            pen.move_to(
                &mut out,
                u16::try_from(blank_from[usize::from(y)]).unwrap_or(0),
                y,
            );
            pen.reset(&mut out);
            out.extend_from_slice(b"\x1b[K");
        }
        if open.is_some() {
            out.extend_from_slice(&osc8(None));
        }
        pen.reset(&mut out);
        if sync {
            out.extend_from_slice(b"\x1b[?2026l");
        }
        if !out.is_empty() {
            self.out.write_all(&out)?;
            self.out.flush()?;
        }
        std::mem::swap(&mut self.shown, &mut self.next);
        Ok(())
    }
}

/// The cells an update from `shown` to `next` writes, and the rows whose end is erased
/// instead (from `blank_from`, where each row of `next` turns blank).
fn plan<'a>(
    shown: &Buffer,
    next: &'a Buffer,
    blank_from: &[usize],
) -> (Vec<(u16, u16, &'a Cell)>, Vec<bool>) {
    let width = usize::from(next.area.width);
    let mut erase = vec![false; blank_from.len()];
    let updates = shown
        .diff(next)
        .into_iter()
        .filter(|(x, y, _)| {
            let from = blank_from[usize::from(*y)];
            if usize::from(*x) >= from && from < width {
                erase[usize::from(*y)] = true;
                false
            } else {
                true
            }
        })
        .collect();
    (updates, erase)
}

/// Unchanged cells shorter than a cursor move, between two updates on a row and styled like
/// the cell before them, are written again: cheaper than jumping over them.
fn bridge_gaps<'a>(
    next: &'a Buffer,
    updates: Vec<(u16, u16, &'a Cell)>,
) -> Vec<(u16, u16, &'a Cell)> {
    const MAX_GAP: u16 = 4;
    let mut out: Vec<(u16, u16, &Cell)> = Vec::with_capacity(updates.len());
    for (x, y, cell) in updates {
        if let Some(&(px, py, prev)) = out.last()
            && py == y
            && prev.symbol().len() == 1
            && x > px + 1
            && x - px - 1 <= MAX_GAP
        {
            let gap: Vec<(u16, u16, &Cell)> =
                (px + 1..x).map(|gx| (gx, y, &next[(gx, y)])).collect();
            let same = |c: &Cell| {
                c.symbol().len() == 1
                    && c.fg == prev.fg
                    && c.bg == prev.bg
                    && c.modifier == prev.modifier
            };
            if gap.iter().all(|(_, _, c)| same(c)) {
                out.extend(gap);
            }
        }
        out.push((x, y, cell));
    }
    out
}

fn is_blank(c: &Cell) -> bool {
    c.symbol() == " " && *c == Cell::EMPTY
}

fn row(buf: &Buffer, y: u16) -> &[Cell] {
    let w = usize::from(buf.area.width);
    let start = usize::from(y) * w;
    &buf.content[start..start + w]
}

/// A band of rows `top..=bottom` whose content moved up (`by` > 0) or down.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Shift {
    top: u16,
    bottom: u16,
    by: i32,
}

/// The shift that makes most of the changed band match what is shown, if there is one worth
/// making (more than half the band's rows, and more than without shifting).
fn best_shift(shown: &Buffer, next: &Buffer) -> Option<Shift> {
    let h = shown.area.height;
    let differs = |y: u16| row(shown, y) != row(next, y);
    let top = (0..h).find(|&y| differs(y))?;
    let bottom = (0..h).rev().find(|&y| differs(y))?;
    let len = usize::from(bottom - top) + 1;
    if len < 4 {
        return None;
    }
    let matches = |by: i32| {
        (top..=bottom)
            .filter(|&y| {
                let from = i32::from(y) + by;
                (i32::from(top)..=i32::from(bottom)).contains(&from)
                    && u16::try_from(from).is_ok_and(|from| row(next, y) == row(shown, from))
                    && row(next, y).iter().any(|c| !is_blank(c))
            })
            .count()
    };
    let unshifted = matches(0);
    let limit = i32::try_from(MAX_SHIFT.min(len - 1)).unwrap_or(1);
    let (by, best) = (1..=limit)
        .flat_map(|d| [d, -d])
        .map(|by| (by, matches(by)))
        .max_by_key(|(_, m)| *m)?;
    (best * 2 > len && best > unshifted + 1).then_some(Shift { top, bottom, by })
}

/// The bytes that scroll rows `top..=bottom` of the terminal by `by` (VT100: a scroll region,
/// then line feeds at its bottom or reverse index at its top), blank lines coming in.
fn scroll(out: &mut Vec<u8>, s: Shift) {
    let (top, bottom) = (u32::from(s.top) + 1, u32::from(s.bottom) + 1);
    let _ = write!(out, "\x1b[0m\x1b[{top};{bottom}r");
    let n = s.by.unsigned_abs() as usize;
    if s.by > 0 {
        let _ = write!(out, "\x1b[{bottom};1H");
        out.extend(std::iter::repeat_n(b'\n', n));
    } else {
        let _ = write!(out, "\x1b[{top};1H");
        for _ in 0..n {
            out.extend_from_slice(b"\x1bM");
        }
    }
    out.extend_from_slice(b"\x1b[r");
}

/// Moves the rows of `buf` as `scroll` moved them on the terminal.
fn shift_rows(buf: &mut Buffer, s: Shift) {
    let w = usize::from(buf.area.width);
    let (top, bottom) = (usize::from(s.top), usize::from(s.bottom));
    let n = s.by.unsigned_abs() as usize;
    let band = &mut buf.content[top * w..(bottom + 1) * w];
    if s.by > 0 {
        band.rotate_left(n * w);
        let len = band.len();
        band[len - n * w..].fill(Cell::EMPTY);
    } else {
        band.rotate_right(n * w);
        band[..n * w].fill(Cell::EMPTY);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::style::{Color, Modifier};

    /// What the terminal shows after `bytes`, read back by a terminal emulator.
    fn emulate(bytes: &[u8], w: u16, h: u16) -> Vec<String> {
        let mut parser = vt100::Parser::new(h, w, 0);
        parser.process(bytes);
        (0..h)
            .map(|y| {
                parser
                    .screen()
                    .contents_between(y, 0, y, w)
                    .trim_end()
                    .to_owned()
            })
            .collect()
    }

    /// Bytes written, shared with the test.
    #[derive(Clone, Default)]
    struct Sink(std::rc::Rc<std::cell::RefCell<Vec<u8>>>);

    impl Write for Sink {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.borrow_mut().extend_from_slice(buf);
            Ok(buf.len())
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    type Test = (Screen<Sink>, Sink);

    /// A screen that draws through crossterm like the real one, into memory.
    fn screen(w: u16, h: u16) -> Test {
        let sink = Sink::default();
        (Screen::new(sink.clone(), w, h), sink)
    }

    fn lines(buf: &mut Buffer, first: usize) {
        for y in 0..buf.area.height {
            buf.set_string(
                0,
                y,
                format!("line {}", first + usize::from(y)),
                ratatui::style::Style::default(),
            );
        }
    }

    fn written(t: &mut Test) -> Vec<u8> {
        std::mem::take(&mut *t.1.0.borrow_mut())
    }

    #[test]
    fn a_scrolled_band_costs_one_new_line_and_the_screen_is_right() {
        let (w, h) = (40, 10);
        let mut t = screen(w, h);
        let mut all = Vec::new();
        t.0.draw(w, h, |b| lines(b, 0)).unwrap();
        all.extend(written(&mut t));
        t.0.draw(w, h, |b| lines(b, 1)).unwrap();
        let step = written(&mut t);
        all.extend(&step);
        assert!(
            step.len() < 56,
            "{} bytes: {:?}",
            step.len(),
            String::from_utf8_lossy(&step)
        );
        let shown = emulate(&all, w, h);
        assert_eq!(shown[0], "line 1");
        assert_eq!(shown[9], "line 10");
        // And back down.
        t.0.draw(w, h, |b| lines(b, 0)).unwrap();
        all.extend(written(&mut t));
        assert_eq!(emulate(&all, w, h)[0], "line 0");
        assert_eq!(emulate(&all, w, h)[9], "line 9");
    }

    #[test]
    fn a_line_that_went_blank_is_erased_not_overwritten() {
        let (w, h) = (80, 3);
        let mut t = screen(w, h);
        let mut all = Vec::new();
        t.0.draw(w, h, |b| {
            b.set_string(0, 1, "x".repeat(70), ratatui::style::Style::default());
        })
        .unwrap();
        all.extend(written(&mut t));
        t.0.draw(w, h, |b| {
            b.set_string(0, 1, "y", ratatui::style::Style::default());
        })
        .unwrap();
        let step = written(&mut t);
        all.extend(&step);
        assert!(step.len() < 40, "{:?}", String::from_utf8_lossy(&step));
        assert_eq!(emulate(&all, w, h)[1], "y");
    }

    #[test]
    fn a_resize_starts_from_a_clear_screen() {
        let mut t = screen(20, 4);
        t.0.draw(20, 4, |b| lines(b, 0)).unwrap();
        let _ = written(&mut t);
        t.0.draw(30, 5, |b| lines(b, 5)).unwrap();
        let out = written(&mut t);
        assert!(out.starts_with(b"\x1b[0m\x1b[2J"));
        assert_eq!(emulate(&out, 30, 5)[4], "line 9");
    }

    #[test]
    fn an_unchanged_frame_writes_nothing_but_the_style_reset() {
        let mut t = screen(20, 4);
        t.0.draw(20, 4, |b| lines(b, 0)).unwrap();
        let _ = written(&mut t);
        t.0.draw(20, 4, |b| lines(b, 0)).unwrap();
        assert!(written(&mut t).len() < 20);
    }

    /// Frames of random text, styles, wide characters, scrolls and blank ends: after each
    /// one, a terminal emulator fed every byte so far shows exactly the frame.
    #[test]
    fn whatever_the_frames_the_terminal_shows_the_last_one() {
        use ratatui::style::Style;
        let (w, h) = (30u16, 8u16);
        let mut t = screen(w, h);
        let mut parser = vt100::Parser::new(h, w, 0);
        let mut seed = 7u64;
        let mut rand = move |n: u64| {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            (seed >> 33) % n
        };
        let words = [
            "alpha",
            "日本語",
            "beta",
            "x",
            "",
            "long words here",
            "émoji ok",
        ];
        let styles = [
            Style::default(),
            Style::default().add_modifier(Modifier::BOLD),
            Style::default().add_modifier(Modifier::REVERSED),
            Style::default().fg(Color::Red),
            Style::default().fg(Color::Indexed(208)).bg(Color::Blue),
        ];
        let mut lines: Vec<(String, usize)> = (0..40)
            .map(|i| (format!("{} {i}", words[i % words.len()]), i % styles.len()))
            .collect();
        let mut first = 0usize;
        for _ in 0..60 {
            match rand(4) {
                0 => first = (first + 1).min(30),
                1 => first = first.saturating_sub(2),
                2 => {
                    let i = usize::try_from(rand(40)).unwrap_or(0);
                    lines[i] = (
                        words[usize::try_from(rand(7)).unwrap_or(0)]
                            .repeat(usize::try_from(rand(4)).unwrap_or(0)),
                        usize::try_from(rand(5)).unwrap_or(0),
                    );
                }
                _ => {}
            }
            let frame_lines = lines[first..first + usize::from(h)].to_vec();
            t.0.draw(w, h, |b| {
                for (y, (text, style)) in frame_lines.iter().enumerate() {
                    let y = u16::try_from(y).unwrap_or(0);
                    b.set_stringn(0, y, text, usize::from(w), styles[*style]);
                }
            })
            .unwrap();
            parser.process(&written(&mut t));
            let screen = parser.screen();
            for (y, (text, style)) in frame_lines.iter().enumerate() {
                let y = u16::try_from(y).unwrap_or(0);
                let shown = screen.contents_between(y, 0, y, w);
                let want: String = {
                    let mut used = 0;
                    text.chars()
                        .take_while(|c| {
                            used += unicode_width::UnicodeWidthChar::width(*c).unwrap_or(0);
                            used <= usize::from(w)
                        })
                        .collect()
                };
                assert_eq!(shown.trim_end(), want.trim_end(), "row {y}");
                if let Some(cell) = screen.cell(y, 0).filter(|_| !text.is_empty()) {
                    let st = styles[*style];
                    assert_eq!(
                        cell.bold(),
                        st.add_modifier.contains(Modifier::BOLD),
                        "row {y} bold"
                    );
                    assert_eq!(
                        cell.inverse(),
                        st.add_modifier.contains(Modifier::REVERSED),
                        "row {y} reverse"
                    );
                }
            }
        }
    }

    #[test]
    fn links_become_osc8_hyperlinks_with_safe_addresses_only_when_asked() {
        let (w, h) = (40, 3);
        let link = |url: &str| Hyperlink {
            y: 1,
            x: 2,
            width: 4,
            url: url.to_owned(),
        };
        let paint = |b: &mut Buffer| {
            b.set_string(2, 1, "docs", ratatui::style::Style::default());
        };
        let mut t = screen(w, h);
        t.0.draw_linked(w, h, |b| {
            paint(b);
            vec![link("https://a.example/x")]
        })
        .unwrap();
        assert!(
            !written(&mut t).windows(4).any(|w| w == b"\x1b]8;"),
            "off by default"
        );
        let mut t = screen(w, h);
        t.0.hyperlinks = true;
        t.0.draw_linked(w, h, |b| {
            paint(b);
            vec![link("https://a.example/\x1b]52;c;x\x07 \u{202e}")]
        })
        .unwrap();
        let out = String::from_utf8(written(&mut t)).unwrap();
        assert!(
            out.contains("\x1b]8;;https://a.example/%1B]52;c;x%07%20%E2%80%AE\x1b\\"),
            "{out:?}"
        );
        assert!(
            out.contains("docs\x1b]8;;\x1b\\"),
            "closed after the text: {out:?}"
        );
        assert_eq!(emulate(out.as_bytes(), w, h)[1], "  docs");
    }

    /// Shrunk and grown back between two frames (tmux clients of other sizes): the app's size
    /// is the same, but the terminal clipped its content, so the frame is drawn whole again.
    #[test]
    fn after_a_resize_back_to_the_same_size_the_frame_is_drawn_whole() {
        let (w, h) = (20, 4);
        let mut t = screen(w, h);
        t.0.draw(w, h, |b| lines(b, 0)).unwrap();
        let _ = written(&mut t);
        t.0.invalidate();
        t.0.draw(w, h, |b| lines(b, 0)).unwrap();
        let out = written(&mut t);
        assert!(
            out.starts_with(b"\x1b[0m\x1b[2J"),
            "{:?}",
            String::from_utf8_lossy(&out)
        );
        assert_eq!(emulate(&out, w, h)[3], "line 3");
    }
}
