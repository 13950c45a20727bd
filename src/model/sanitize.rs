//! Makes text from strangers safe to show: no byte of a feed may drive the terminal.
//!
//! Removes C0 and C1 control characters, DEL and ESC (so no escape sequence survives), bidi
//! overrides, isolates and marks, and the BOM. Used at ingest and again before drawing or printing.

/// Characters that must never reach a terminal from feed text (newline and tab are handled by
/// the callers, which know whether the text is one line or many).
fn is_forbidden(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}'
        )
}

/// One line of text (a title, a name, a URL): whitespace runs, newlines and tabs included,
/// become one space; forbidden characters are dropped; the ends are trimmed.
pub fn line(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
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

/// Multi-line text (a rendered body): keeps newlines, turns tabs into spaces, drops carriage
/// returns and every other forbidden character.
pub fn block(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\n' => out.push('\n'),
            '\t' => out.push_str("    "),
            c if is_forbidden(c) => {}
            c => out.push(c),
        }
    }
    out
}

/// Whether `s` is already clean for one line (used to skip an allocation on hot paths).
pub fn is_clean_line(s: &str) -> bool {
    !s.chars().any(|c| is_forbidden(c) || c == '\n' || c == '\t')
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

    #[test]
    fn plain_text_is_unchanged() {
        let s = "Ünïcödé — “quotes” 日本語";
        assert_eq!(line(s), s);
        assert!(is_clean_line(s));
        assert!(!is_clean_line("a\u{1b}b"));
    }
}
