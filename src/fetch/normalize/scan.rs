//! Byte scanning for the text passes of parsing and normalising (the repair pass's lexer and
//! escaping, `text_to_html`): most of their time goes into looking for a handful of bytes in
//! long runs of text, and these look at eight bytes at a time. Pure; uses nothing else.

/// The position of the first `needle` in `hay`, eight bytes at a time (most searches here end
/// within a few bytes, where setting up `memchr` would cost more than the search).
pub fn find_byte(hay: &[u8], needle: u8) -> Option<usize> {
    let mut at = 0;
    while let Some(chunk) = hay.get(at..at + 8) {
        let marks = zero_bytes(word(chunk) ^ splat(needle));
        if marks != 0 {
            return Some(at + marks.trailing_zeros() as usize / 8);
        }
        at += 8;
    }
    hay[at..].iter().position(|&b| b == needle).map(|i| at + i)
}

/// The position of the first `needle` (not empty) in `hay`, found by its first byte.
pub fn find_str(hay: &str, needle: &str) -> Option<usize> {
    let (hay, needle) = (hay.as_bytes(), needle.as_bytes());
    let first = *needle.first()?;
    let mut from = 0;
    while let Some(i) = find_byte(&hay[from..], first) {
        if hay[from + i..].starts_with(needle) {
            return Some(from + i);
        }
        from += i + 1;
    }
    None
}

// Eight bytes at a time: the tests below set the high bit of every byte that matches. Each
// is exact for the word as a whole, and the lowest mark is always a true match (a false one
// can only come from a borrow out of a true match below it), so `trailing_zeros() / 8` is the
// position of the first match in a little-endian word.

/// Eight bytes as one little-endian word (`chunk` has eight).
pub fn word(chunk: &[u8]) -> u64 {
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(chunk);
    u64::from_le_bytes(bytes)
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// `b` in every byte of a word.
pub fn splat(b: u8) -> u64 {
    ONES * u64::from(b)
}

/// Marks the zero bytes of `w`.
pub fn zero_bytes(w: u64) -> u64 {
    w.wrapping_sub(ONES) & !w & HIGHS
}

/// Marks the bytes of `w` below `n` (`n` at most 128).
pub fn bytes_below(w: u64, n: u8) -> u64 {
    w.wrapping_sub(splat(n)) & !w & HIGHS
}

/// The position of the first byte `text_to_html` changes: `&`, `<`, `>`, `"` or a newline.
pub fn find_html_special(hay: &[u8]) -> Option<usize> {
    let is_special = |b: u8| matches!(b, b'&' | b'<' | b'>' | b'"' | b'\n');
    let mut at = 0;
    while let Some(chunk) = hay.get(at..at + 8) {
        let w = word(chunk);
        // `<` (0x3C) and `>` (0x3E) differ in one bit, as do `"` (0x22) and `&` (0x26).
        let marks = zero_bytes((w | splat(0x02)) ^ splat(0x3E))
            | zero_bytes((w | splat(0x04)) ^ splat(0x26))
            | zero_bytes(w ^ splat(b'\n'));
        if marks != 0 {
            return Some(at + marks.trailing_zeros() as usize / 8);
        }
        at += 8;
    }
    hay[at..]
        .iter()
        .position(|&b| is_special(b))
        .map(|i| at + i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_and_string_searches_agree_with_std() {
        let hay = "0123456789abcdefghijklmnopqrstuvwxyz<ABCDEFGH>]]]>é<x";
        for len in 0..=hay.len() {
            let Some(h) = hay.get(..len) else { continue };
            for b in [b'<', b'>', b']', b'0', b'z', b'H', 0xA9, b'!'] {
                assert_eq!(
                    find_byte(h.as_bytes(), b),
                    h.bytes().position(|c| c == b),
                    "{h:?} {b}"
                );
            }
            for needle in ["]]>", "<x", "0", "yz<A", "é<", "!!"] {
                assert_eq!(find_str(h, needle), h.find(needle), "{h:?} {needle:?}");
            }
        }
    }

    #[test]
    fn word_tests_mark_the_first_match_exactly() {
        let first = |marks: u64| (marks != 0).then(|| marks.trailing_zeros() / 8);
        let w = word(b"ab\tcd\xef\x80z");
        assert_eq!(first(zero_bytes(w ^ splat(b'\t'))), Some(2));
        assert_eq!(first(zero_bytes(w ^ splat(0xEF))), Some(5));
        assert_eq!(first(zero_bytes(w ^ splat(b'z'))), Some(7));
        assert_eq!(first(zero_bytes(w ^ splat(b'<'))), None);
        assert_eq!(first(zero_bytes(w)), None);
        assert_eq!(first(bytes_below(w, 0x20)), Some(2));
        assert_eq!(first(bytes_below(w, 9)), None);
        assert_eq!(first(bytes_below(word(b"\x80\xff  abcd"), 0x20)), None);
        // A borrow out of a true match may mark the byte above it, never one below.
        assert_eq!(first(zero_bytes(word(b"xx\x00\x01yyyy"))), Some(2));
    }

    #[test]
    fn html_specials_are_found_where_a_plain_search_finds_them() {
        let text = "abcdefghijklmnopqrstuvwxyz0123456789 \"'&<>\n\t\r$%é日";
        for start in 0..text.len() {
            for end in start..=text.len() {
                let Some(hay) = text.get(start..end) else {
                    continue;
                };
                let want = hay
                    .bytes()
                    .position(|b| matches!(b, b'&' | b'<' | b'>' | b'"' | b'\n'));
                assert_eq!(find_html_special(hay.as_bytes()), want, "{hay:?}");
            }
        }
    }
}
