//! Text and attribute values written back as XML by the repair pass: bare `&` escaped, the
//! five XML entities and valid character references kept, HTML named entities (`&nbsp;`,
//! `&eacute;` ...) turned into their characters, undefined ones into text, and characters XML
//! forbids dropped. Linear. Uses `normalize::named_entity`.

use super::lex::name_len;
use crate::fetch::normalize::named_entity;

/// The longest entity name we look up.
const MAX_ENTITY_NAME: usize = 32;

/// Characters XML 1.0 allows.
pub fn is_xml_char(c: char) -> bool {
    !matches!(c, '\0'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}')
}

/// Writes `text` as XML character data. With `raw_refs`, references in it are kept when XML
/// defines them, HTML named references become their characters, and any other `&` is escaped;
/// without, `text` is literal. `<`, `>` and `"` are always escaped, forbidden characters dropped.
pub fn push_escaped(out: &mut String, text: &str, raw_refs: bool) {
    let bytes = text.as_bytes();
    let (mut i, mut start) = (0, 0);
    while i < bytes.len() {
        let b = bytes[i];
        let special = match b {
            b'&' | b'<' | b'>' | b'"' | 0..=8 | 11 | 12 | 14..=31 => 1,
            // U+FFFE and U+FFFF.
            0xEF if bytes.get(i + 1) == Some(&0xBF)
                && matches!(bytes.get(i + 2), Some(0xBE | 0xBF)) =>
            {
                3
            }
            _ => 0,
        };
        if special == 0 {
            i += 1;
            continue;
        }
        // The references XML itself defines stay as they are: step over them inside the run
        // instead of flushing it (escaped HTML bodies are full of `&lt;` and `&gt;`).
        if b == b'&' && raw_refs {
            if let Some(len) = predefined_reference(&bytes[i..]) {
                i += len;
                continue;
            }
        }
        out.push_str(&text[start..i]);
        i += special;
        match b {
            b'<' => out.push_str("&lt;"),
            b'>' => out.push_str("&gt;"),
            b'"' => out.push_str("&quot;"),
            b'&' if raw_refs => i += push_reference(out, &text[i..]),
            b'&' => out.push_str("&amp;"),
            _ => {}
        }
        start = i;
    }
    out.push_str(&text[start..]);
}

/// The length of the XML predefined reference (`&lt;`, `&gt;`, `&amp;`, `&quot;`, `&apos;`)
/// at the start of `bytes`, if there is one.
fn predefined_reference(bytes: &[u8]) -> Option<usize> {
    const PREDEFINED: [&[u8]; 5] = [b"&lt;", b"&gt;", b"&amp;", b"&quot;", b"&apos;"];
    PREDEFINED
        .iter()
        .find(|r| bytes.starts_with(r))
        .map(|r| r.len())
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

    fn escaped(text: &str) -> String {
        let mut out = String::new();
        push_escaped(&mut out, text, true);
        out
    }

    #[test]
    fn bare_ampersands_are_escaped() {
        assert_eq!(
            escaped("AT&T & co &amp; &#38;"),
            "AT&amp;T &amp; co &amp; &#38;"
        );
    }

    #[test]
    fn predefined_references_pass_through_untouched() {
        assert_eq!(
            escaped("&lt;p&gt;a &amp; b &quot;c&quot; &apos;d&apos;&lt;/p&gt;"),
            "&lt;p&gt;a &amp; b &quot;c&quot; &apos;d&apos;&lt;/p&gt;"
        );
        assert_eq!(escaped("&lt"), "&amp;lt");
    }

    #[test]
    fn html_named_entities_become_characters() {
        assert_eq!(escaped("a&nbsp;b &eacute; &alpha;"), "a\u{a0}b é α");
    }

    #[test]
    fn undefined_entities_become_text() {
        assert_eq!(escaped("&bogus; &lol9;"), "&amp;bogus; &amp;lol9;");
    }

    #[test]
    fn references_to_forbidden_characters_are_dropped() {
        assert_eq!(escaped("a&#27;[2J&#x0;b&#99999999;"), "a[2Jb");
    }

    #[test]
    fn forbidden_raw_characters_are_dropped() {
        assert_eq!(escaped("a\u{1b}b\0c\u{7}<"), "abc&lt;");
    }
}
