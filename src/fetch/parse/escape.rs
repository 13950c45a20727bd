//! Text and attribute values written back as XML by the repair pass: bare `&` escaped, the
//! five XML entities and valid character references kept, HTML named entities (`&nbsp;`,
//! `&eacute;` ...) turned into their characters, undefined ones into text, and characters XML
//! forbids dropped. `<` is always escaped; `"` and `>` only in attribute values, and in text
//! `>` only where it would close a `]]>`: text is written as close to the document as XML
//! allows, because every reference left in it costs feed-rs an event of its own. Linear,
//! eight bytes at a time. Uses `normalize::named_entity` and `normalize::scan`.

use std::borrow::Cow;

use super::lex::name_len;
use crate::fetch::normalize::named_entity;
use crate::fetch::normalize::scan::{bytes_below, splat, word, zero_bytes};

/// The longest entity name we look up.
const MAX_ENTITY_NAME: usize = 32;

/// Characters XML 1.0 allows.
pub fn is_xml_char(c: char) -> bool {
    !matches!(c, '\0'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}')
}

/// What a scan is writing: text (references kept or literal), an attribute value (quoted with
/// `"`), or the inside of a CDATA section.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Text,
    LiteralText,
    Attribute,
    CData,
}

/// U+FFFE or U+FFFF (`EF BF BE`, `EF BF BF`) at the start of `bytes`.
fn is_nonchar(bytes: &[u8]) -> bool {
    matches!(bytes, [0xEF, 0xBF, 0xBE | 0xBF, ..])
}

/// A C0 control XML forbids.
fn is_forbidden_control(b: u8) -> bool {
    b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')
}

/// The first byte of `bytes[from..]` from which the output must differ from the input, or
/// might: a character XML forbids, `<`, an `&` that does not start one of XML's own references
/// (or any `&` in literal text), and in attribute values `"` and `>`. In text, `"` is written as
/// it is, and so is `>` unless it could close a `]]>` (at the start of the run, where the
/// writer looks at what it wrote before, or after a `]`).
///
/// Eight bytes are read at a time: `candidates` marks every byte that might matter (it marks no
/// byte that cannot, and never misses one), and the lowest mark is always a real candidate, so
/// clean runs cost one word test per eight bytes and the first candidate is found directly.
fn first_change(bytes: &[u8], from: usize, mode: Mode) -> Option<usize> {
    let mut i = from;
    loop {
        let at = match bytes.get(i..i + 8) {
            Some(chunk) => match candidates(word(chunk), mode) {
                0 => {
                    i += 8;
                    continue;
                }
                marks => i + marks.trailing_zeros() as usize / 8,
            },
            None => {
                i + bytes
                    .get(i..)?
                    .iter()
                    .position(|&b| is_candidate(b, mode))?
            }
        };
        let b = bytes[at];
        let changes = match b {
            b'&' if mode == Mode::CData => false,
            // The references XML itself defines stay as they are: step over them inside the
            // run instead of flushing it (escaped HTML is full of `&lt;` and `&gt;`).
            b'&' if mode != Mode::LiteralText => match predefined_reference(&bytes[at..]) {
                Some(len) => {
                    i = at + len;
                    continue;
                }
                None => true,
            },
            b'&' | b'<' => mode != Mode::CData,
            b'"' => mode == Mode::Attribute,
            b'>' => match mode {
                Mode::Attribute => true,
                Mode::CData => false,
                Mode::Text | Mode::LiteralText => at == from || bytes[at - 1] == b']',
            },
            0xEF => is_nonchar(&bytes[at..]),
            b => is_forbidden_control(b),
        };
        if changes {
            return Some(at);
        }
        i = at + 1;
    }
}

/// Whether `first_change` must look at `b` (the byte-by-byte form of `candidates`).
fn is_candidate(b: u8, mode: Mode) -> bool {
    b < 0x20
        || b == 0xEF
        || match mode {
            Mode::Text | Mode::LiteralText => matches!(b, b'&' | b'<' | b'>'),
            Mode::Attribute => matches!(b, b'&' | b'<' | b'>' | b'"'),
            Mode::CData => false,
        }
}

/// Marks the bytes of `w` that `first_change` must look at: below 0x20 (controls, and tab and
/// newline, which it lets through), 0xEF, and in text and attribute values `&`, `<`, `>` (and
/// `"` in attribute values). The lowest mark of each term, and so of all, is a true candidate
/// (see `normalize::scan`).
fn candidates(w: u64, mode: Mode) -> u64 {
    let mut marks = bytes_below(w, 0x20) | zero_bytes(w ^ splat(0xEF));
    match mode {
        Mode::CData => {}
        // `<` (0x3C) and `>` (0x3E) differ in one bit, as do `"` (0x22) and `&` (0x26).
        Mode::Attribute => {
            marks |= zero_bytes((w | splat(0x02)) ^ splat(0x3E));
            marks |= zero_bytes((w | splat(0x04)) ^ splat(0x26));
        }
        Mode::Text | Mode::LiteralText => {
            marks |= zero_bytes((w | splat(0x02)) ^ splat(0x3E));
            marks |= zero_bytes(w ^ splat(b'&'));
        }
    }
    marks
}

/// Writes `text` in `mode`: runs that need no change are copied whole, and at each change
/// `first_change` found, the escaped form (or nothing, for a forbidden character).
fn push_in(out: &mut String, text: &str, mode: Mode) {
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(at) = first_change(bytes, from, mode) {
        out.push_str(&text[from..at]);
        let b = bytes[at];
        let mut next = at + if b == 0xEF { 3 } else { 1 };
        match b {
            b'<' => out.push_str("&lt;"),
            // In text, `>` needs escaping only where it would close a `]]>`.
            b'>' if mode == Mode::Attribute || out.ends_with(']') => out.push_str("&gt;"),
            b'>' => out.push('>'),
            b'"' => out.push_str("&quot;"),
            b'&' if mode == Mode::LiteralText => out.push_str("&amp;"),
            b'&' => next += push_reference(out, &text[next..]),
            _ => {}
        }
        from = next;
    }
    out.push_str(&text[from..]);
}

/// Writes `text` as XML character data: references in it are kept when XML defines them, HTML
/// named references become their characters, any other `&` is escaped, `<` is escaped (and `>`
/// where it could close a `]]>`), forbidden characters are dropped.
pub fn push_text(out: &mut String, text: &str) {
    push_in(out, text, Mode::Text);
}

/// Writes `text`, which is literal (no references in it), as XML character data.
pub fn push_literal_text(out: &mut String, text: &str) {
    push_in(out, text, Mode::LiteralText);
}

/// An attribute value as written between `"`: as `push_text`, but `"` and `>` are escaped.
/// Borrowed when that changes nothing (the usual case).
pub fn escaped_attribute(value: &str) -> Cow<'_, str> {
    match first_change(value.as_bytes(), 0, Mode::Attribute) {
        None => Cow::Borrowed(value),
        Some(at) => {
            let mut out = String::with_capacity(value.len() + 8);
            out.push_str(&value[..at]);
            push_in(&mut out, &value[at..], Mode::Attribute);
            Cow::Owned(out)
        }
    }
}

/// Writes the inside of a CDATA section: `text` without the characters XML forbids.
pub fn push_cdata(out: &mut String, text: &str) {
    push_in(out, text, Mode::CData);
}

/// The length of the XML predefined reference (`&lt;`, `&gt;`, `&amp;`, `&quot;`, `&apos;`)
/// at the start of `bytes`, if there is one.
fn predefined_reference(bytes: &[u8]) -> Option<usize> {
    match bytes {
        [b'&', b'l' | b'g', b't', b';', ..] => Some(4),
        [b'&', b'a', b'm', b'p', b';', ..] => Some(5),
        [b'&', b'q', b'u', b'o', b't', b';', ..] | [b'&', b'a', b'p', b'o', b's', b';', ..] => {
            Some(6)
        }
        _ => None,
    }
}

/// After a `&` whose source continues with `rest`: writes the reference that follows (or
/// `&amp;` when none does) and returns how many bytes of `rest` it used.
fn push_reference(out: &mut String, rest: &str) -> usize {
    let head = &rest.as_bytes()[..rest.len().min(MAX_ENTITY_NAME + 2)];
    let Some(semi) = head.iter().position(|b| *b == b';') else {
        out.push_str("&amp;");
        return 0;
    };
    let body = &rest[..semi];
    if let Some(num) = body.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok(),
            None => num.parse::<u32>().ok(),
        };
        let Some(code) = code else {
            out.push_str("&amp;");
            return 0;
        };
        // A reference to a forbidden character (`&#27;`, `&#0;`) is dropped.
        if char::from_u32(code).is_some_and(is_xml_char) {
            out.push('&');
            out.push_str(body);
            out.push(';');
        }
        return semi + 1;
    }
    if body.is_empty() || name_len(body) != body.len() {
        out.push_str("&amp;");
        return 0;
    }
    if matches!(body, "amp" | "lt" | "gt" | "quot" | "apos") {
        out.push('&');
        out.push_str(body);
        out.push(';');
    } else if let Some(c) = named_entity(body) {
        out.push(c);
    } else {
        out.push_str("&amp;");
        return 0;
    }
    semi + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn esc(text: &str) -> String {
        let mut out = String::new();
        push_text(&mut out, text);
        out
    }

    fn cdata(text: &str) -> String {
        let mut out = String::new();
        push_cdata(&mut out, text);
        out
    }

    #[test]
    fn bare_ampersands_are_escaped() {
        assert_eq!(
            esc("AT&T & co &amp; &#38;"),
            "AT&amp;T &amp; co &amp; &#38;"
        );
    }

    #[test]
    fn predefined_references_pass_through_untouched() {
        assert_eq!(
            esc("&lt;p&gt;a &amp; b &quot;c&quot; &apos;d&apos;&lt;/p&gt;"),
            "&lt;p&gt;a &amp; b &quot;c&quot; &apos;d&apos;&lt;/p&gt;"
        );
        assert_eq!(esc("&lt"), "&amp;lt");
    }

    #[test]
    fn html_named_entities_become_characters() {
        assert_eq!(esc("a&nbsp;b &eacute; &alpha;"), "a\u{a0}b é α");
    }

    #[test]
    fn undefined_entities_become_text() {
        assert_eq!(esc("&bogus; &lol9;"), "&amp;bogus; &amp;lol9;");
    }

    #[test]
    fn references_to_forbidden_characters_are_dropped() {
        assert_eq!(esc("a&#27;[2J&#x0;b&#99999999;"), "a[2Jb");
    }

    #[test]
    fn forbidden_raw_characters_are_dropped() {
        assert_eq!(esc("a\u{1b}b\0c\u{7}<"), "abc&lt;");
    }

    #[test]
    fn quotes_and_greater_than_stay_in_text_but_not_in_attributes() {
        assert_eq!(esc("say \"1 > 0\""), "say \"1 > 0\"");
        assert_eq!(
            escaped_attribute("say \"1 > 0\""),
            "say &quot;1 &gt; 0&quot;"
        );
    }

    #[test]
    fn text_never_closes_a_cdata_section() {
        assert_eq!(esc("a]]>b ]>"), "a]]&gt;b ]&gt;");
        // Dropped characters and references do not hide a `]]` from the `>` after them.
        assert_eq!(esc("]]\u{1}>"), "]]&gt;");
        assert_eq!(esc("]]&#1;>"), "]]&gt;");
        let mut out = String::from("]]");
        push_text(&mut out, ">x");
        assert_eq!(out, "]]&gt;x");
    }

    #[test]
    fn attribute_values_borrow_when_nothing_changes() {
        for clean in ["", "plain text", "a &amp; b &lt;p&gt;", "日本語 ｱｲｳ ＡＢＣ"] {
            assert!(
                matches!(escaped_attribute(clean), Cow::Borrowed(_)),
                "{clean:?}"
            );
        }
        for (dirty, want) in [
            ("a & b", "a &amp; b"),
            ("x\"y", "x&quot;y"),
            ("&nbsp;", "\u{a0}"),
            ("a\u{fffe}b", "ab"),
        ] {
            assert_eq!(escaped_attribute(dirty), want);
        }
    }

    #[test]
    fn literal_text_escapes_every_ampersand() {
        let mut out = String::new();
        push_literal_text(&mut out, "&amp; <b>");
        assert_eq!(out, "&amp;amp; &lt;b>");
    }

    #[test]
    fn cdata_keeps_valid_text_whole() {
        let text = "<p>1 < 2 & \"q\"</p>\n\t\r ｱ日本 \u{fffd} \u{10ffff}";
        assert_eq!(cdata(text), text);
    }

    #[test]
    fn cdata_drops_forbidden_characters_only() {
        let text = "\0a\u{1b}[2Jb\u{7}c\u{fffe}d\u{ffff}e\u{fffd}\u{b}\u{c}\u{1f}";
        assert_eq!(cdata(text), "a[2Jbcde\u{fffd}");
        let filtered: String = text.chars().filter(|c| is_xml_char(*c)).collect();
        assert_eq!(cdata(text), filtered);
    }

    /// The rules read one character at a time, without the word-at-a-time scan.
    fn reference(out: &mut String, text: &str, mode: Mode) {
        let mut rest = text;
        while let Some(c) = rest.chars().next() {
            let mut len = c.len_utf8();
            match c {
                '&' if mode == Mode::CData => out.push('&'),
                '&' if mode == Mode::LiteralText => out.push_str("&amp;"),
                '&' => match predefined_reference(rest.as_bytes()) {
                    Some(n) => {
                        out.push_str(&rest[..n]);
                        len = n;
                    }
                    None => len += push_reference(out, &rest[1..]),
                },
                '<' if mode != Mode::CData => out.push_str("&lt;"),
                '>' if mode == Mode::Attribute => out.push_str("&gt;"),
                '>' if mode != Mode::CData && out.ends_with(']') => out.push_str("&gt;"),
                '"' if mode == Mode::Attribute => out.push_str("&quot;"),
                c if !is_xml_char(c) => {}
                c => out.push(c),
            }
            rest = &rest[len..];
        }
    }

    #[test]
    fn word_scans_match_the_character_by_character_rules() {
        // Specials at every offset of a word, next to each other and in long runs.
        let pieces = [
            "&",
            "<",
            ">",
            "\"",
            "]",
            "]]",
            "&amp;",
            "&lt;",
            "&nbsp;",
            "&#27;",
            "&#93;",
            "\n",
            "\t",
            "\u{1}",
            "\u{fffe}",
            "\u{ffff}",
            "ｱ",
            "é",
            "a",
            "bcdefghij",
        ];
        let mut state: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            usize::try_from(state % n as u64).unwrap_or(0)
        };
        for _ in 0..20_000 {
            let mut text = String::new();
            for _ in 0..next(12) {
                text.push_str(pieces[next(pieces.len())]);
            }
            for mode in [Mode::Text, Mode::LiteralText, Mode::Attribute, Mode::CData] {
                let (mut fast, mut slow) = (String::from("]"), String::from("]"));
                push_in(&mut fast, &text, mode);
                reference(&mut slow, &text, mode);
                assert_eq!(fast, slow, "{text:?}");
                if mode != Mode::CData {
                    assert!(!fast.contains("]]>"), "{text:?} gave {fast:?}");
                }
            }
        }
    }
}
