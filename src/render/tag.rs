//! Tokenizes one HTML tag the way the HTML tokenizer does (enough to find where it ends and
//! where its attributes are), and writes it back bounded: at most [`MAX_ATTRS`] attributes,
//! `colspan` clamped to what browsers accept, and `rowspan` turned off: html2text panics on
//! colspans near `usize::MAX` and on some row spans, and the parser's duplicate-attribute
//! checks are quadratic.
//! Used by `prepare` and `safe_html`; pure, std only.

use std::ops::Range;

/// Most attributes kept on one tag.
pub(super) const MAX_ATTRS: usize = 64;
/// Largest `colspan` browsers honour.
const MAX_COLSPAN: u32 = 1000;
/// Rows are not spanned at all: html2text 0.17 panics on a `rowspan` that reaches past the
/// last row after a `colspan`, which real tables do. Cells shift instead.
const MAX_ROWSPAN: u32 = 1;

pub(super) fn is_ws(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | b'\x0c' | b'\r' | b' ')
}

/// Index just past the end of a tag name starting at `i`.
pub(super) fn name_end(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && !is_ws(b[i]) && b[i] != b'/' && b[i] != b'>' {
        i += 1;
    }
    i
}

/// One attribute: where its name and its value (without quotes) are in the source.
struct Attr {
    name: Range<usize>,
    value: Option<Range<usize>>,
}

/// A scanned tag: where it ends (just past its `>`), whether it was self-closing, its first
/// [`MAX_ATTRS`] attributes, and where to cut it when it has more.
pub(super) struct Tag {
    pub end: usize,
    pub self_closing: bool,
    attrs: Vec<Attr>,
    cut: Option<usize>,
}

impl Tag {
    /// Scans the attributes of a tag from `i` (just after its name). `None` when the input ends
    /// inside the tag (the parser drops such a tag).
    pub(super) fn scan(b: &[u8], mut i: usize) -> Option<Tag> {
        let n = b.len();
        let mut tag = Tag {
            end: n,
            self_closing: false,
            attrs: Vec::new(),
            cut: None,
        };
        loop {
            while i < n && (is_ws(b[i]) || b[i] == b'/') {
                if b[i] == b'/' && b.get(i + 1) == Some(&b'>') {
                    tag.end = i + 2;
                    tag.self_closing = true;
                    return Some(tag);
                }
                i += 1;
            }
            if i >= n {
                return None;
            }
            if b[i] == b'>' {
                tag.end = i + 1;
                return Some(tag);
            }
            let name_start = i;
            // The first character is part of the name even when it is `=`.
            i += 1;
            while i < n && !is_ws(b[i]) && !matches!(b[i], b'/' | b'>' | b'=') {
                i += 1;
            }
            let name = name_start..i;
            while i < n && is_ws(b[i]) {
                i += 1;
            }
            let mut value = None;
            if i < n && b[i] == b'=' {
                i += 1;
                while i < n && is_ws(b[i]) {
                    i += 1;
                }
                if i < n && (b[i] == b'"' || b[i] == b'\'') {
                    let quote = b[i];
                    let close = b[i + 1..].iter().position(|&c| c == quote)?;
                    value = Some(i + 1..i + 1 + close);
                    i += close + 2;
                } else {
                    let from = i;
                    while i < n && !is_ws(b[i]) && b[i] != b'>' {
                        i += 1;
                    }
                    value = Some(from..i);
                }
            }
            if tag.attrs.len() < MAX_ATTRS {
                tag.attrs.push(Attr { name, value });
            } else if tag.cut.is_none() {
                tag.cut = Some(name_start);
            }
        }
    }

    /// The attributes kept (the first [`MAX_ATTRS`]) as slices of `src`, the text the tag was
    /// scanned from: each name as written, and its value without quotes (`None` for a bare name).
    pub(super) fn attrs<'s>(
        &'s self,
        src: &'s str,
    ) -> impl Iterator<Item = (&'s str, Option<&'s str>)> + 's {
        self.attrs.iter().filter_map(move |attr| {
            let name = src.get(attr.name.clone())?;
            let value = match &attr.value {
                Some(range) => Some(src.get(range.clone())?),
                None => None,
            };
            Some((name, value))
        })
    }

    /// Writes the tag, which starts at `start` in `src`, to `out`: without the attributes past
    /// [`MAX_ATTRS`], and with out-of-range spans clamped.
    pub(super) fn bounded(&self, src: &str, start: usize, out: &mut String) {
        let stop = self.cut.unwrap_or(self.end);
        let mut copied = start;
        for attr in &self.attrs {
            let (Some(value), Some(max)) = (&attr.value, span_limit(&src[attr.name.clone()]))
            else {
                continue;
            };
            if let Some(clamped) = clamp(&src[value.clone()], max) {
                out.push_str(&src[copied..value.start]);
                out.push_str(&clamped.to_string());
                copied = value.end;
            }
        }
        out.push_str(&src[copied..stop]);
        if self.cut.is_some() {
            out.push_str(if self.self_closing { "/>" } else { ">" });
        }
    }
}

fn span_limit(name: &str) -> Option<u32> {
    if name.eq_ignore_ascii_case("colspan") {
        Some(MAX_COLSPAN)
    } else if name.eq_ignore_ascii_case("rowspan") {
        Some(MAX_ROWSPAN)
    } else {
        None
    }
}

/// `Some(max)` when `value` is a number above `max` (however many digits it has).
fn clamp(value: &str, max: u32) -> Option<u32> {
    let digits = value.trim().trim_start_matches('+');
    let too_big = !digits.is_empty()
        && digits.bytes().all(|c| c.is_ascii_digit())
        && digits.parse::<u32>().ok().is_none_or(|v| v > max);
    too_big.then_some(max)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bounded(s: &str) -> String {
        let b = s.as_bytes();
        let tag = Tag::scan(b, name_end(b, 1)).map(|t| {
            let mut out = String::new();
            t.bounded(s, 0, &mut out);
            out
        });
        tag.unwrap_or_default()
    }

    #[test]
    fn tag_ends_after_quoted_angle_brackets() {
        let s = r#"<a title="x>y" data-z='>'>"#;
        let tag = Tag::scan(s.as_bytes(), 2).unwrap();
        assert_eq!(tag.end, s.len());
        assert!(!tag.self_closing);
    }

    #[test]
    fn unterminated_tag_is_none() {
        assert!(Tag::scan(b"<a href=\"x", 2).is_none());
        assert!(Tag::scan(b"<a", 2).is_none());
    }

    #[test]
    fn self_closing_is_seen() {
        assert!(Tag::scan(b"<br/>", 3).unwrap().self_closing);
        assert!(!Tag::scan(b"<a href=x/>", 2).unwrap().self_closing);
    }

    #[test]
    fn ordinary_tag_is_unchanged() {
        let s = r#"<td class="c" colspan="3" rowspan=1 data-x>"#;
        assert_eq!(bounded(s), s);
    }

    #[test]
    fn huge_colspan_is_clamped_and_rowspan_dropped() {
        assert_eq!(
            bounded(r#"<td colspan="18446744073709551615" ROWSPAN=99999999>"#),
            r#"<td colspan="1000" ROWSPAN=1>"#
        );
    }

    #[test]
    fn attrs_are_source_slices() {
        let s = r#"<img SRC = "a b" alt='>' hidden data-x=y/>"#;
        let b = s.as_bytes();
        let tag = Tag::scan(b, name_end(b, 1)).unwrap();
        let attrs: Vec<_> = tag.attrs(s).collect();
        assert_eq!(
            attrs,
            [
                ("SRC", Some("a b")),
                ("alt", Some(">")),
                ("hidden", None),
                ("data-x", Some("y/"))
            ]
        );
    }

    #[test]
    fn attributes_past_the_limit_are_cut() {
        let attrs = (0..100).fold(String::new(), |acc, i| acc + &format!(" a{i}=v"));
        let out = bounded(&format!("<p{attrs} />"));
        assert!(out.contains(" a63=v") && !out.contains("a64"));
        assert!(out.ends_with("/>"));
    }
}
