//! Makes text from strangers safe to show: no byte of a feed may drive the terminal.
//!
//! Removes C0 and C1 control characters, DEL and ESC (so no escape sequence survives), bidi
//! overrides, isolates and marks, and the BOM; invisible characters that only serve to make two
//! names look alike (zero-width spaces, tag characters, Hangul fillers, invisible operators);
//! and past [`MAX_MARKS`] in a row, characters that take no column (a grapheme carrying a
//! million combining marks cost a megabyte a frame, issue #17). Used at ingest and again
//! before drawing or printing.

use unicode_width::UnicodeWidthChar;

/// Characters that take no column kept in a row: enough for any script's stacked marks and
/// for emoji sequences (a joiner, a modifier, a selector), not for a flood.
pub const MAX_MARKS: usize = 4;

/// Characters that must never reach a terminal from feed text (newline and tab are handled by
/// the callers, which know whether the text is one line or many).
fn is_forbidden(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}'
        )
        || is_invisible(c)
}

/// Characters that show nothing and join nothing: a zero-width space, word joiner and
/// invisible operators, the Mongolian vowel separator, Hangul fillers, interlinear
/// annotation marks, deprecated format characters, tag characters. (Joiners, U+200C and
/// U+200D, are kept: scripts and emoji need them.)
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200B}'
            | '\u{2060}'..='\u{2064}'
            | '\u{206A}'..='\u{206F}'
            | '\u{180E}'
            | '\u{115F}'
            | '\u{1160}'
            | '\u{3164}'
            | '\u{FFA0}'
            | '\u{FFF9}'..='\u{FFFB}'
            | '\u{E0000}'..='\u{E007F}'
    )
}

/// Whether `c` takes no column (a combining mark, a joiner, a selector).
fn takes_no_column(c: char) -> bool {
    !c.is_ascii() && c.width() == Some(0)
}

/// One line of text (a title, a name, a URL): whitespace runs, newlines and tabs included,
/// become one space; forbidden characters are dropped; the ends are trimmed.
pub fn line(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    let mut marks = Marks::default();
    let mut rest = s;
    while !rest.is_empty() {
        // Printable ASCII is neither whitespace nor forbidden, and a single space between two
        // such characters stays as it is: a run of them is copied whole, the rest goes
        // character by character.
        let bytes = rest.as_bytes();
        let mut run = 0;
        while let Some(&b) = bytes.get(run) {
            let kept = b.is_ascii_graphic()
                || (b == b' ' && run > 0 && bytes.get(run + 1).is_some_and(u8::is_ascii_graphic));
            if !kept {
                break;
            }
            run += 1;
        }
        if run > 0 {
            if pending_space {
                out.push(' ');
                pending_space = false;
            }
            marks = Marks::default();
            out.push_str(&rest[..run]);
            rest = &rest[run..];
            continue;
        }
        let mut chars = rest.chars();
        let Some(c) = chars.next() else {
            break;
        };
        rest = chars.as_str();
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            marks = Marks::default();
        } else if !is_forbidden(c) && marks.keep(c) {
            if pending_space {
                out.push(' ');
                pending_space = false;
            }
            out.push(c);
        }
    }
    out
}

/// Counts the characters without a column in a row, to keep at most [`MAX_MARKS`].
#[derive(Default)]
struct Marks(usize);

impl Marks {
    fn keep(&mut self, c: char) -> bool {
        if takes_no_column(c) {
            self.0 += 1;
            self.0 <= MAX_MARKS
        } else {
            self.0 = 0;
            true
        }
    }
}

/// Multi-line text (a rendered body): keeps newlines, turns tabs into spaces, drops carriage
/// returns and every other forbidden character.
pub fn block(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut marks = Marks::default();
    for c in s.chars() {
        match c {
            '\n' => out.push('\n'),
            '\t' => out.push_str("    "),
            c if is_forbidden(c) || !marks.keep(c) => {}
            c => out.push(c),
        }
    }
    out
}

/// Whether `s` is already clean for one line (used to skip an allocation on hot paths).
pub fn is_clean_line(s: &str) -> bool {
    let mut marks = Marks::default();
    !s.chars()
        .any(|c| is_forbidden(c) || c == '\n' || c == '\t' || !marks.keep(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_lose_their_escape() {
        assert_eq!(line("a\u{1b}[2Jb"), "a[2Jb");
        assert_eq!(line("\u{1b}]52;c;aGk=\u{7}x"), "]52;c;aGk=x");
    }

    #[test]
    fn c1_controls_and_del_are_dropped() {
        assert_eq!(line("a\u{9b}31mb\u{9d}c\u{7f}d"), "a31mbcd");
        // NEL (U+0085) is a line break: on one line it becomes a space, in a block it goes.
        assert_eq!(line("a\u{85}b"), "a b");
        assert_eq!(block("a\u{85}b"), "ab");
    }

    #[test]
    fn bidi_overrides_and_isolates_are_dropped() {
        assert_eq!(line("safe\u{202E}txt.exe\u{2066}x\u{2069}"), "safetxt.exex");
    }

    #[test]
    fn line_agrees_with_reading_character_by_character() {
        fn slow(s: &str) -> String {
            let mut out = String::new();
            let mut pending_space = false;
            for c in s.chars() {
                if c.is_whitespace() {
                    pending_space = !out.is_empty();
                } else if !is_forbidden(c) {
                    if pending_space {
                        out.push(' ');
                        pending_space = false;
                    }
                    out.push(c);
                }
            }
            out
        }
        for s in [
            "",
            "  a  b\u{a0}c\u{3000}d\te\nf  ",
            "\u{202e}x \u{1b}[2J y\u{7f}z\u{85}w",
            "plain-ASCII_words.and/urls?x=1#f",
            "one space, two  spaces, end ",
            " a b  c\u{a0}d e\u{202e} f",
            " \u{feff} ",
            "x\u{200f} \u{200f}y",
        ] {
            assert_eq!(line(s), slow(s), "{s:?}");
        }
    }

    #[test]
    fn line_collapses_whitespace_and_trims() {
        assert_eq!(line("  two\n\tlines  here "), "two lines here");
    }

    #[test]
    fn block_keeps_newlines_and_expands_tabs() {
        assert_eq!(block("a\r\n\tb\u{1b}c"), "a\n    bc");
    }

    /// Issue #17: zero-width, tag and filler characters survived, so two feed names could look
    /// identical; a one-column grapheme with a million combining marks was drawn whole.
    #[test]
    fn invisible_characters_go_and_mark_floods_are_cut() {
        assert_eq!(line("Pay\u{200B}Pal\u{E0041}\u{3164}\u{2060}"), "PayPal");
        let flood = format!("e{}x", "\u{301}".repeat(1_000_000));
        let kept = line(&flood);
        assert_eq!(kept.chars().count(), 2 + MAX_MARKS, "{}", kept.len());
        assert_eq!(block(&flood).chars().count(), 2 + MAX_MARKS);
        assert!(!is_clean_line(&flood));
        // What scripts and emoji need stays: stacked marks, joiners, selectors.
        for kept in [
            "Tiếng Việt",
            "👩\u{200D}👩\u{200D}👧",
            "❤\u{FE0F}",
            "ن\u{200C}ی",
        ] {
            assert_eq!(line(kept), kept);
            assert!(is_clean_line(kept), "{kept:?}");
        }
    }

    #[test]
    fn plain_text_is_unchanged() {
        let s = "Ünïcödé — “quotes” 日本語";
        assert_eq!(line(s), s);
        assert!(is_clean_line(s));
        assert!(!is_clean_line("a\u{1b}b"));
    }
}
