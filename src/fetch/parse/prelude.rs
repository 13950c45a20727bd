//! Byte-level fixes applied before feed-rs sees a document, for inputs it would otherwise reject
//! or crash on: UTF-16/32 (quick-xml panics when a declaration follows a detected encoding), a
//! BOM contradicting the declaration, junk before the markup, and `<rss>` roots without a
//! version feed-rs knows. Pure; uses nothing else in the crate.

use std::borrow::Cow;

/// How far into a document we look for an `<?xml` prolog hidden behind leading junk.
const PROLOG_SEARCH_BYTES: usize = 64 * 1024;

/// What is left to parse, or `None` when the document is empty or only whitespace.
pub fn prepare(bytes: &[u8]) -> Option<Cow<'_, [u8]>> {
    let (doc, decoded) = match decode_wide(bytes) {
        Some(utf8) => (Cow::Owned(utf8), true),
        None => (Cow::Borrowed(bytes), false),
    };
    let (doc, had_bom) = match doc {
        Cow::Borrowed(b) => match b.strip_prefix(b"\xEF\xBB\xBF") {
            Some(rest) => (Cow::Borrowed(rest), true),
            None => (Cow::Borrowed(b), false),
        },
        owned @ Cow::Owned(_) => (owned, false),
    };
    let start = doc.iter().position(|b| !b.is_ascii_whitespace())?;
    let doc = slice_from(doc, start);
    // We know the encoding better than the declaration does: drop it, UTF-8 is XML's default.
    let doc = if decoded || had_bom {
        let end = declaration_end(&doc);
        slice_from(doc, end)
    } else {
        doc
    };
    if doc.first() == Some(&b'{') {
        return Some(doc);
    }
    let start = markup_start(&doc);
    let doc = slice_from(doc, start);
    Some(match versioned_rss(&doc) {
        Some(patched) => Cow::Owned(patched),
        None => doc,
    })
}

fn slice_from(doc: Cow<'_, [u8]>, start: usize) -> Cow<'_, [u8]> {
    match doc {
        Cow::Borrowed(b) => Cow::Borrowed(&b[start..]),
        Cow::Owned(mut v) => {
            v.drain(..start);
            Cow::Owned(v)
        }
    }
}

pub fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// UTF-16 or UTF-32 (by BOM, or by the NUL pattern around the first `<`) decoded to UTF-8.
fn decode_wide(bytes: &[u8]) -> Option<Vec<u8>> {
    #[derive(Clone, Copy)]
    enum Wide {
        U16 { be: bool },
        U32 { be: bool },
    }
    let head: [u8; 4] = bytes.get(..4)?.try_into().ok()?;
    let (kind, skip) = match head {
        [0xFF, 0xFE, 0, 0] => (Wide::U32 { be: false }, 4),
        [0, 0, 0xFE, 0xFF] => (Wide::U32 { be: true }, 4),
        [0xFE, 0xFF, ..] => (Wide::U16 { be: true }, 2),
        [0xFF, 0xFE, ..] => (Wide::U16 { be: false }, 2),
        [a, 0, 0, 0] if a != 0 => (Wide::U32 { be: false }, 0),
        [0, 0, 0, a] if a != 0 => (Wide::U32 { be: true }, 0),
        [a, 0, b, 0] if a != 0 && b != 0 => (Wide::U16 { be: false }, 0),
        [0, a, 0, b] if a != 0 && b != 0 => (Wide::U16 { be: true }, 0),
        _ => return None,
    };
    let body = &bytes[skip..];
    let text: String = match kind {
        Wide::U16 { be } => {
            let units = body.chunks_exact(2).map(|c| {
                let pair = [c[0], c[1]];
                if be {
                    u16::from_be_bytes(pair)
                } else {
                    u16::from_le_bytes(pair)
                }
            });
            char::decode_utf16(units)
                .map(|r| r.unwrap_or(char::REPLACEMENT_CHARACTER))
                .collect()
        }
        Wide::U32 { be } => body
            .chunks_exact(4)
            .map(|c| {
                let quad = [c[0], c[1], c[2], c[3]];
                let n = if be {
                    u32::from_be_bytes(quad)
                } else {
                    u32::from_le_bytes(quad)
                };
                char::from_u32(n).unwrap_or(char::REPLACEMENT_CHARACTER)
            })
            .collect(),
    };
    Some(text.into_bytes())
}

/// The length of a leading `<?xml ...?>` declaration (0 when there is none).
fn declaration_end(doc: &[u8]) -> usize {
    let is_decl = doc.starts_with(b"<?xml") && doc.get(5).is_some_and(u8::is_ascii_whitespace);
    if !is_decl {
        return 0;
    }
    find(doc, b"?>").map_or(0, |i| i + 2)
}

/// Where the markup starts: at once for a prolog, comment or DOCTYPE, else at an `<?xml`
/// prolog hidden behind junk (a PHP warning printed first), else at the first `<`.
fn markup_start(doc: &[u8]) -> usize {
    if doc.starts_with(b"<?") || doc.starts_with(b"<!") {
        return 0;
    }
    let head = &doc[..doc.len().min(PROLOG_SEARCH_BYTES)];
    find(head, b"<?xml")
        .or_else(|| doc.iter().position(|b| *b == b'<'))
        .unwrap_or(0)
}

/// `doc` from its root element on: past the declaration, processing instructions, comments,
/// a DOCTYPE (with its internal subset) and whitespace. `None` if one of those is unterminated.
pub fn root_element(doc: &[u8]) -> Option<&[u8]> {
    let mut rest = doc;
    loop {
        rest = rest.trim_ascii_start();
        let skip = if rest.starts_with(b"<?") {
            find(rest, b"?>").map(|i| i + 2)?
        } else if rest.starts_with(b"<!--") {
            find(rest, b"-->").map(|i| i + 3)?
        } else if rest.len() >= 9 && rest[..9].eq_ignore_ascii_case(b"<!doctype") {
            let gt = rest.iter().position(|b| *b == b'>')?;
            match rest[..gt].iter().position(|b| *b == b'[') {
                Some(_) => find(rest, b"]>").map(|i| i + 2).or(Some(gt + 1))?,
                None => gt + 1,
            }
        } else {
            return Some(rest);
        };
        rest = &rest[skip..];
    }
}

/// The RSS versions feed-rs dispatches on; other `<rss>` roots (no version, 0.93, 0.94, 2.01)
/// it refuses although they are read the same way as 2.0.
const KNOWN_RSS_VERSIONS: [&[u8]; 4] = [b"2.0", b"0.91", b"0.92", b""];

/// A copy of `doc` whose `<rss>` root says `version="2.0"`, when it said something else.
fn versioned_rss(doc: &[u8]) -> Option<Vec<u8>> {
    let root = root_element(doc)?;
    let after_name = root.get(4).copied()?;
    if !root.starts_with(b"<rss") || !(after_name.is_ascii_whitespace() || after_name == b'>') {
        return None;
    }
    let root_at = doc.len() - root.len();
    let tag_len = root.iter().position(|b| *b == b'>')?;
    let tag = &root[..tag_len];
    let mut out = Vec::with_capacity(doc.len() + 16);
    out.extend_from_slice(&doc[..root_at]);
    out.extend_from_slice(b"<rss version=\"2.0\"");
    match version_attribute(tag) {
        Some((_, _, value)) if KNOWN_RSS_VERSIONS.contains(&value) => return None,
        Some((start, end, _)) => {
            out.extend_from_slice(&tag[4..start]);
            out.extend_from_slice(&tag[end..]);
        }
        None => out.extend_from_slice(&tag[4..]),
    }
    out.extend_from_slice(&root[tag_len..]);
    Some(out)
}

/// The span of `version="..."` in a start tag, and its value.
fn version_attribute(tag: &[u8]) -> Option<(usize, usize, &[u8])> {
    let mut from = 0;
    while let Some(i) = find(&tag[from..], b"version") {
        let start = from + i;
        from = start + 7;
        if !tag[start - 1].is_ascii_whitespace() {
            continue;
        }
        let rest = tag[from..].trim_ascii_start();
        let Some(rest) = rest.strip_prefix(b"=") else {
            continue;
        };
        let rest = rest.trim_ascii_start();
        let quote = *rest.first()?;
        if quote != b'"' && quote != b'\'' {
            continue;
        }
        let value_at = tag.len() - rest.len() + 1;
        let close = tag[value_at..].iter().position(|b| *b == quote)?;
        return Some((
            start,
            value_at + close + 1,
            &tag[value_at..value_at + close],
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prepared(bytes: &[u8]) -> String {
        String::from_utf8_lossy(&prepare(bytes).expect("not empty")).into_owned()
    }

    #[test]
    fn blank_documents_are_none() {
        assert!(prepare(b"").is_none());
        assert!(prepare(b"\xEF\xBB\xBF \r\n\t").is_none());
    }

    #[test]
    fn bom_and_junk_are_skipped() {
        assert_eq!(prepared(b"\xEF\xBB\xBF <feed/>"), "<feed/>");
        assert_eq!(
            prepared(b"<b>Warning</b>: x\n<?xml version=\"1.0\"?><feed/>"),
            "<?xml version=\"1.0\"?><feed/>"
        );
        assert_eq!(prepared(b"junk <feed/>"), "<feed/>");
        assert_eq!(prepared(b"  {\"version\": 1}"), "{\"version\": 1}");
    }

    #[test]
    fn a_bom_overrides_a_lying_declaration() {
        let doc = b"\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"utf-16\"?><feed/>";
        assert_eq!(prepared(doc), "<feed/>");
    }

    #[test]
    fn utf16_and_utf32_become_utf8() {
        let text = "<?xml version=\"1.0\" encoding=\"utf-8\"?><feed>é</feed>";
        let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        let be_bom: Vec<u8> = [0xFE, 0xFF].into_iter().chain(be.iter().copied()).collect();
        let u32le: Vec<u8> = text
            .chars()
            .flat_map(|c| u32::from(c).to_le_bytes())
            .collect();
        for doc in [le, be, be_bom, u32le] {
            assert_eq!(prepared(&doc), "<feed>é</feed>");
        }
    }

    #[test]
    fn unknown_rss_versions_read_as_2_0() {
        assert_eq!(
            prepared(b"<rss><channel/></rss>"),
            "<rss version=\"2.0\"><channel/></rss>"
        );
        assert_eq!(
            prepared(b"<!-- c --><rss xmlns:x=\"u\" version='0.94'>"),
            "<!-- c --><rss version=\"2.0\" xmlns:x=\"u\" >"
        );
        assert_eq!(
            prepared(b"<rss version=\"0.91\">"),
            "<rss version=\"0.91\">"
        );
        assert_eq!(prepared(b"<rss version=\"2.0\">"), "<rss version=\"2.0\">");
        assert_eq!(prepared(b"<rssx>"), "<rssx>");
    }

    #[test]
    fn the_root_is_found_past_prolog_comments_and_doctype() {
        let doc = b"<?xml version=\"1.0\"?>\n<!DOCTYPE rss [<!ENTITY a \"b\">]>\n<!-- x --><rss>";
        assert_eq!(root_element(doc), Some(&b"<rss>"[..]));
        assert_eq!(root_element(b"<!-- open"), None);
    }
}
