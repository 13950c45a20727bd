//! Bytes → UTF-8 text, before anything else reads a document. The encoding is taken from, in
//! order: a byte order mark; the NUL pattern of UTF-16/32 without one; the HTTP `Content-Type`
//! charset; the XML declaration; detection (chardetng). Two guards catch the common lies: a
//! single-byte charset claimed over bytes that are valid multi-byte UTF-8 is UTF-8 (decoding it
//! as Latin-1 would be silent mojibake), and UTF-8 claimed over bytes that are not UTF-8 is
//! detected instead. Invalid sequences become U+FFFD. Uses `chardetng` and `encoding_rs`.

use std::borrow::Cow;

use encoding_rs::{Encoding, REPLACEMENT, UTF_8, UTF_16BE, UTF_16LE};

/// How much of a document the detector reads; more adds time, not accuracy.
const DETECT_BYTES: usize = 256 * 1024;
/// How far we look for the XML declaration.
const DECL_BYTES: usize = 1024;

/// The document as UTF-8 text, without its byte order mark (borrowed when the bytes are
/// UTF-8 read as UTF-8, the usual case: validated once, not copied).
pub fn decode<'b>(bytes: &'b [u8], content_type: Option<&str>) -> Cow<'b, str> {
    if let Some(text) = utf32(bytes) {
        return Cow::Owned(text);
    }
    if let Some((encoding, bom)) = Encoding::for_bom(bytes) {
        return decode_with(encoding, &bytes[bom..]);
    }
    if let Some(wide) = utf16_by_pattern(bytes) {
        return decode_with(wide, bytes);
    }
    let claimed = content_type
        .and_then(charset_param)
        .and_then(|label| Encoding::for_label(label.as_bytes()))
        .or_else(|| declared_encoding(bytes));
    let valid = std::str::from_utf8(bytes).ok();
    // Valid UTF-8 is "mostly UTF-8" exactly when it has a non-ASCII character.
    let mostly_utf8 = || match valid {
        Some(_) => !bytes.is_ascii(),
        None => mostly_utf8(bytes),
    };
    let encoding = match claimed {
        // UTF-16 claimed over bytes without its NULs is a lie (the bytes are ASCII-based).
        Some(e) if e == UTF_16LE || e == UTF_16BE => None,
        Some(e) if e == UTF_8 => None,
        // A label the Encoding Standard maps to "replacement" (iso-2022-kr, hz-gb-2312…) would
        // turn the whole document into one U+FFFD (issue #17: valid UTF-8 served so was called
        // "not a feed"); a claim says nothing then, and neither does any claim over valid
        // UTF-8 with non-ASCII text in it, which no legacy encoding's text is by accident.
        Some(e) if e == REPLACEMENT => None,
        Some(_) if valid.is_some() && !bytes.is_ascii() => None,
        Some(e) if e.is_single_byte() && mostly_utf8() => None,
        other => other,
    };
    match (encoding, valid) {
        (Some(e), _) => decode_with(e, bytes),
        (None, Some(text)) => Cow::Borrowed(text),
        (None, None) if mostly_utf8() => Cow::Owned(utf8_with_fallback(bytes)),
        (None, None) => decode_with(detect(bytes), bytes),
    }
}

/// Valid UTF-8, or text whose valid multi-byte UTF-8 sequences outnumber its invalid bytes
/// (UTF-8 with a few pasted windows-1252 bytes): text no single-byte charset produces by
/// accident, since real Latin-1 text almost never forms a valid multi-byte sequence.
fn mostly_utf8(bytes: &[u8]) -> bool {
    if bytes.is_ascii() {
        return false;
    }
    let (mut multibyte, mut invalid) = (0usize, 0usize);
    let mut rest = bytes;
    loop {
        let (valid, bad) = match std::str::from_utf8(rest) {
            Ok(s) => (s, 0),
            Err(e) => (
                std::str::from_utf8(&rest[..e.valid_up_to()]).unwrap_or_default(),
                e.error_len().unwrap_or(rest.len() - e.valid_up_to()),
            ),
        };
        multibyte += valid.chars().filter(|c| !c.is_ascii()).count();
        invalid += bad;
        if bad == 0 {
            break;
        }
        rest = &rest[valid.len() + bad..];
    }
    multibyte > invalid
}

/// UTF-8, with each invalid byte read as windows-1252 (what the writer most likely meant).
fn utf8_with_fallback(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    let mut rest = bytes;
    loop {
        match std::str::from_utf8(rest) {
            Ok(s) => {
                out.push_str(s);
                return out;
            }
            Err(e) => {
                let (valid, after) = rest.split_at(e.valid_up_to());
                out.push_str(std::str::from_utf8(valid).unwrap_or_default());
                let bad = e.error_len().unwrap_or(after.len());
                out.push_str(
                    &encoding_rs::WINDOWS_1252
                        .decode_without_bom_handling(&after[..bad])
                        .0,
                );
                rest = &after[bad..];
            }
        }
    }
}

fn decode_with<'b>(encoding: &'static Encoding, bytes: &'b [u8]) -> Cow<'b, str> {
    encoding.decode_without_bom_handling(bytes).0
}

fn detect(bytes: &[u8]) -> &'static Encoding {
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(&bytes[..bytes.len().min(DETECT_BYTES)], true);
    detector.guess(None, chardetng::Utf8Detection::Deny)
}

/// The `charset` parameter of a `Content-Type` header value.
pub fn charset_param(content_type: &str) -> Option<String> {
    content_type.split(';').skip(1).find_map(|param| {
        let (name, value) = param.split_once('=')?;
        name.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| value.trim().trim_matches(['"', '\'']).to_owned())
            .filter(|v| !v.is_empty())
    })
}

/// The encoding named by an `<?xml ... encoding="..."?>` declaration near the start.
fn declared_encoding(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(DECL_BYTES)];
    let start = find(head, b"<?xml")?;
    let decl = &head[start..];
    let decl = &decl[..find(decl, b"?>")?];
    let at = find(decl, b"encoding")? + 8;
    let rest = decl[at..]
        .trim_ascii_start()
        .strip_prefix(b"=")?
        .trim_ascii_start();
    let quote = *rest.first()?;
    let rest = &rest[1..];
    let label = match quote {
        b'"' | b'\'' => &rest[..rest.iter().position(|b| *b == quote)?],
        _ => return None,
    };
    Encoding::for_label(label)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// UTF-16 without a byte order mark, told by the NULs around the first ASCII characters.
fn utf16_by_pattern(bytes: &[u8]) -> Option<&'static Encoding> {
    match bytes.get(..4)? {
        [a, 0, b, 0] if *a != 0 && *b != 0 => Some(UTF_16LE),
        [0, a, 0, b] if *a != 0 && *b != 0 => Some(UTF_16BE),
        _ => None,
    }
}

/// UTF-32 (by byte order mark or NUL pattern), which `encoding_rs` does not decode.
fn utf32(bytes: &[u8]) -> Option<String> {
    let head: [u8; 4] = bytes.get(..4)?.try_into().ok()?;
    let (be, skip) = match head {
        [0xFF, 0xFE, 0, 0] => (false, 4),
        [0, 0, 0xFE, 0xFF] => (true, 4),
        [a, 0, 0, 0] if a != 0 => (false, 0),
        [0, 0, 0, a] if a != 0 => (true, 0),
        _ => return None,
    };
    Some(
        bytes[skip..]
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
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "<?xml version=\"1.0\"?><rss>é€</rss>";

    fn encode(encoding: &'static Encoding, text: &str) -> Vec<u8> {
        encoding.encode(text).0.into_owned()
    }

    #[test]
    fn utf8_bom_is_dropped() {
        assert_eq!(decode(b"\xEF\xBB\xBF<a/>", None), "<a/>");
    }

    #[test]
    fn utf16be_with_bom_decodes() {
        let mut bytes = vec![0xFE, 0xFF];
        bytes.extend(DOC.encode_utf16().flat_map(u16::to_be_bytes));
        assert_eq!(decode(&bytes, None), DOC);
    }

    #[test]
    fn utf16le_without_bom_decodes() {
        let bytes: Vec<u8> = DOC.encode_utf16().flat_map(u16::to_le_bytes).collect();
        assert_eq!(decode(&bytes, None), DOC);
    }

    #[test]
    fn utf32_decodes() {
        let le: Vec<u8> = DOC
            .chars()
            .flat_map(|c| u32::from(c).to_le_bytes())
            .collect();
        let be: Vec<u8> = [0, 0, 0xFE, 0xFF]
            .into_iter()
            .chain(DOC.chars().flat_map(|c| u32::from(c).to_be_bytes()))
            .collect();
        assert_eq!(decode(&le, None), DOC);
        assert_eq!(decode(&be, None), DOC);
    }

    #[test]
    fn the_declaration_names_the_encoding() {
        let doc = "<?xml version=\"1.0\" encoding=\"koi8-r\"?><rss>Привет</rss>";
        assert_eq!(decode(&encode(encoding_rs::KOI8_R, doc), None), doc);
    }

    #[test]
    fn the_http_charset_wins_over_the_declaration() {
        let doc = "<?xml version=\"1.0\" encoding=\"iso-8859-1\"?><rss>Привет</rss>";
        let bytes = encode(encoding_rs::WINDOWS_1251, doc);
        assert_eq!(
            decode(&bytes, Some("text/xml; charset=\"windows-1251\"")),
            doc
        );
    }

    #[test]
    fn undeclared_legacy_bytes_are_detected() {
        let doc = "<rss><title>Как пережить новогоднюю ночь, и что делать потом</title></rss>";
        assert_eq!(decode(&encode(encoding_rs::WINDOWS_1251, doc), None), doc);
    }

    #[test]
    fn utf8_declared_over_windows_1252_is_detected() {
        let doc = "<?xml version=\"1.0\" encoding=\"utf-8\"?><rss>Förderung für “alle”</rss>";
        assert_eq!(decode(&encode(encoding_rs::WINDOWS_1252, doc), None), doc);
    }

    #[test]
    fn latin1_declared_over_utf8_is_utf8() {
        let doc = "<?xml version=\"1.0\" encoding=\"iso-8859-1\"?><rss>Förderung</rss>";
        assert_eq!(decode(doc.as_bytes(), None), doc);
    }

    /// Issue #17: `charset=iso-2022-kr` maps to the Encoding Standard's "replacement", which
    /// made a valid UTF-8 feed one U+FFFD: "not a feed".
    #[test]
    fn a_replacement_charset_over_utf8_is_utf8() {
        let doc = "<?xml version=\"1.0\"?><rss><channel><title>한국어 뉴스</title></channel></rss>";
        for charset in ["iso-2022-kr", "hz-gb-2312", "csiso2022kr"] {
            let ct = format!("application/rss+xml; charset={charset}");
            assert_eq!(decode(doc.as_bytes(), Some(&ct)), doc, "{charset}");
        }
        // Valid UTF-8 with non-ASCII text wins over a multi-byte legacy claim too.
        let ct = "text/xml; charset=shift_jis";
        assert_eq!(
            decode("<rss>日本語</rss>".as_bytes(), Some(ct)),
            "<rss>日本語</rss>"
        );
        // Real Shift_JIS bytes are still read as claimed.
        let sjis = encode(encoding_rs::SHIFT_JIS, "<rss>日本語のニュース</rss>");
        assert_eq!(decode(&sjis, Some(ct)), "<rss>日本語のニュース</rss>");
    }

    #[test]
    fn utf16_declared_over_ascii_bytes_is_ignored() {
        let doc = "<?xml version=\"1.0\" encoding=\"utf-16\"?><rss>é</rss>";
        assert_eq!(decode(doc.as_bytes(), None), doc);
    }

    #[test]
    fn invalid_bytes_become_replacement_characters() {
        assert_eq!(decode_with(UTF_8, b"a\xffb"), "a\u{FFFD}b");
    }

    #[test]
    fn utf8_with_stray_windows_1252_bytes_keeps_both() {
        let bytes = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>Br\xc3\xb8ndby \xc3\xa6 Br\xf8ndby</a>";
        assert_eq!(
            decode(bytes, None),
            "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>Brøndby æ Brøndby</a>"
        );
    }

    #[test]
    fn charset_parameter_is_read() {
        assert_eq!(
            charset_param("text/xml; Charset='UTF-8'").as_deref(),
            Some("UTF-8")
        );
        assert_eq!(charset_param("application/rss+xml"), None);
    }

    #[test]
    fn utf8_read_as_utf8_is_not_copied() {
        assert!(matches!(decode(DOC.as_bytes(), None), Cow::Borrowed(_)));
        let latin1 = encode(
            encoding_rs::WINDOWS_1252,
            "<?xml version=\"1.0\" encoding=\"iso-8859-1\"?><rss>é</rss>",
        );
        assert!(matches!(decode(&latin1, None), Cow::Owned(_)));
    }
}
