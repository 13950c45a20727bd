//! Recognising links that are already what `url` would make of them, so that the common case
//! (feed-rs hands us links it has just serialised from a `Url`) costs one scan instead of a
//! parse. The test is deliberately narrow: an absolute `http`/`https` URL with a lowercase ASCII
//! domain name, no port or user, and a path, query and fragment of printable ASCII that `url`
//! neither percent-encodes nor normalises. Anything else takes the full parse, and the tests
//! check the two agree. Pure; uses nothing else in the crate.

/// `href`'s serialisation as a `Url` (joined to any http(s) base), when `href` is plainly in
/// canonical form already; `None` means "parse it". One pass over the bytes.
pub fn canonical_http(href: &str) -> Option<String> {
    let rest = href
        .strip_prefix("http://")
        .or_else(|| href.strip_prefix("https://"))?;
    let bytes = rest.as_bytes();
    let host_len = bytes.iter().position(|&b| b == b'/').unwrap_or(bytes.len());
    if !is_plain_domain(&bytes[..host_len]) {
        return None;
    }
    if host_len == bytes.len() {
        // `url` gives an http(s) URL the path `/`.
        return Some(format!("{href}/"));
    }
    let mut part = Part::Path;
    let mut segment_at = host_len + 1;
    for i in host_len + 1..bytes.len() {
        let b = bytes[i];
        if PLAIN[usize::from(b)] {
            continue;
        }
        match (part, b) {
            (Part::Path, b'/' | b'?' | b'#') => {
                if is_dot_segment(&bytes[segment_at..i]) {
                    return None;
                }
                segment_at = i + 1;
                part = match b {
                    b'?' => Part::Query,
                    b'#' => Part::Fragment,
                    _ => Part::Path,
                };
            }
            (Part::Query, b'#') => part = Part::Fragment,
            // A dot segment may be spelled `%2e`; the special query set encodes `'`.
            (Part::Path, b'%') if matches!(bytes.get(i + 1..i + 3), Some(b"2e" | b"2E")) => {
                return None;
            }
            (Part::Query, b'\'') => return None,
            (_, b) if !is_plain_byte(b) => return None,
            _ => {}
        }
    }
    if part == Part::Path && is_dot_segment(&bytes[segment_at..]) {
        return None;
    }
    Some(href.to_owned())
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Part {
    Path,
    Query,
    Fragment,
}

fn is_dot_segment(segment: &[u8]) -> bool {
    matches!(segment, b"." | b"..")
}

/// Labels of `a`–`z`, digits and `-`, none empty, none an IDNA `xn--` label, the last one
/// starting with a letter (so the host cannot be read as an IPv4 address).
fn is_plain_domain(host: &[u8]) -> bool {
    let mut label_at = 0;
    for i in 0..=host.len() {
        match host.get(i) {
            Some(b) if b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-' => {}
            Some(b'.') | None => {
                let label = &host[label_at..i];
                if label.is_empty() || label.starts_with(b"xn--") {
                    return false;
                }
                label_at = i + 1;
            }
            Some(_) => return false,
        }
    }
    let last = host.iter().rposition(|&b| b == b'.').map_or(0, |i| i + 1);
    host.get(last).is_some_and(u8::is_ascii_lowercase)
}

/// Bytes that need no second look anywhere after the host: plain (see `is_plain_byte`) and
/// none of `/`, `%`, `'`.
const PLAIN: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        #[allow(clippy::cast_possible_truncation)] // b < 256
        let c = b as u8;
        table[b] = is_plain_byte(c) && !matches!(c, b'/' | b'%' | b'\'');
        b += 1;
    }
    table
};

/// Printable ASCII that `url` copies unchanged into any part of an http(s) URL after the host
/// (`?` and `#` are only taken where they start the query and the fragment).
const fn is_plain_byte(b: u8) -> bool {
    b.is_ascii_graphic()
        && !matches!(
            b,
            b'"' | b'<' | b'>' | b'`' | b'{' | b'}' | b'\\' | b'?' | b'#'
        )
}

#[cfg(test)]
mod tests {
    use url::Url;

    use super::*;

    /// What `resolve_http` computes the slow way, for a canonical candidate.
    fn parsed(href: &str, base: Option<&Url>) -> Option<String> {
        let url = match base {
            Some(base) => base.join(href).ok()?,
            None => Url::parse(href).ok()?,
        };
        Some(url.as_str().to_owned())
    }

    #[test]
    fn plain_links_are_recognised() {
        for (href, want) in [
            (
                "https://example.com/a/b?x=1&y=%20#top",
                "https://example.com/a/b?x=1&y=%20#top",
            ),
            (
                "http://sfbay.craigslist.org/eby/apa/6186664607.html",
                "http://sfbay.craigslist.org/eby/apa/6186664607.html",
            ),
            ("https://example.com", "https://example.com/"),
            (
                "http://a-b.c0.example/~x/;p=1/(y)",
                "http://a-b.c0.example/~x/;p=1/(y)",
            ),
        ] {
            assert_eq!(canonical_http(href).as_deref(), Some(want), "{href}");
        }
    }

    #[test]
    fn anything_url_would_change_is_left_to_it() {
        for href in [
            "HTTP://example.com/",
            "https://Example.com/",
            "https://example.com:443/",
            "https://user@example.com/",
            "https://127.0.0.1/",
            "https://example.123/",
            "https://0x7f/",
            "https://xn--nxasmq6b.example/",
            "https://example..com/",
            "https://example.com./",
            "https://example.com/a/../b",
            "https://example.com/a/./b",
            "https://example.com/%2e%2E/b",
            "https://example.com/a b",
            "https://example.com/a\\b",
            "https://example.com/é",
            "https://example.com/{x}",
            "https://example.com/?q='",
            "https:example.com/",
            "https:///example.com/",
            "ftp://example.com/",
        ] {
            assert_eq!(canonical_http(href), None, "{href}");
        }
    }

    /// Random links from pieces that matter to URL parsing: whenever the fast path answers, it
    /// must answer what `url` does, with and without a base.
    #[test]
    fn the_fast_path_agrees_with_url_on_random_links() {
        const LABELS: [&str; 12] = [
            "a", "example", "x-y", "-z", "0a", "9", "123", "xn--a", "0x1f", "Ab", "", "c0m",
        ];
        const PIECES: [&str; 42] = [
            "a", "Z", "0", "-", "_", ".", "..", "/", "/", "//", "?", "#", "%", "%2e", "%2E", "%41",
            ":", "@", "\\", " ", "é", "`", "{", "}", "'", "\"", "<", ">", "|", "^", "[", "]", "&",
            "=", "~", "\t", "!", "$", "(", "*", "+", ";",
        ];
        let base = Url::parse("https://base.example/dir/feed.xml").ok();
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            usize::try_from(state % n as u64).unwrap_or(0)
        };
        let mut recognised = 0;
        for _ in 0..200_000 {
            let mut href = String::from(["http://", "https://"][next(2)]);
            for i in 0..=next(3) {
                if i > 0 {
                    href.push('.');
                }
                href.push_str(LABELS[next(LABELS.len())]);
            }
            for _ in 0..next(12) {
                href.push_str(PIECES[next(PIECES.len())]);
            }
            if let Some(fast) = canonical_http(&href) {
                recognised += 1;
                assert_eq!(Some(fast.clone()), parsed(&href, None), "{href:?}");
                assert_eq!(
                    Some(fast),
                    parsed(&href, base.as_ref()),
                    "{href:?} with a base"
                );
            }
        }
        assert!(recognised > 4_000, "only {recognised} recognised");
    }
}
