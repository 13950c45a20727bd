//! What a stored field may be, whoever brings it (a feed, an import, a sync server): one-line
//! fields bounded to a few KB, links only to the web. The store applies these to everything it
//! writes, and every way out (exports, publish) checks links again (issue #17: a 30 MB title
//! was copied into every row read; a newsboat cache brought `javascript:` links that `publish`
//! wrote into a page "safe to serve as is").

use std::borrow::Cow;

use super::hash::Fnv1a;
use super::sanitize;

/// The most bytes a one-line field keeps (a title, an author, a feed's name, a guid).
pub const MAX_LINE: usize = 2048;
/// The most bytes a link keeps; a longer one is dropped, not cut (a cut URL is a wrong one).
pub const MAX_LINK: usize = 8192;
/// The most bytes an entry's identity keeps; a longer one is replaced by its hash.
pub const MAX_KEY: usize = 1024;

/// `s` cut to at most `max` bytes at a character boundary, with `…` when cut.
pub fn cut(s: &str, max: usize) -> Cow<'_, str> {
    if s.len() <= max {
        return Cow::Borrowed(s);
    }
    let mut end = max.saturating_sub('…'.len_utf8());
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    Cow::Owned(format!("{}…", &s[..end]))
}

/// A one-line field as stored: sanitised, at most [`MAX_LINE`] bytes (borrowed when it is
/// already both, as what a parser hands over is).
pub fn line(s: &str) -> Cow<'_, str> {
    if s.len() <= MAX_LINE && sanitize::is_clean_line(s) && s.trim() == s {
        return Cow::Borrowed(s);
    }
    // Cut first, so a huge field is not sanitised whole; then again, since sanitising can
    // only shorten.
    let clean = sanitize::line(&cut(s, MAX_LINE * 2));
    Cow::Owned(cut(&clean, MAX_LINE).into_owned())
}

/// An entry's identity within its feed as stored: as given, or, past [`MAX_KEY`] bytes, a hash
/// of all of it (two long keys that differ only at the end stay two entries).
pub fn key(s: &str) -> Cow<'_, str> {
    if s.len() <= MAX_KEY {
        return Cow::Borrowed(s);
    }
    let mut h = Fnv1a::default();
    h.write(s.as_bytes());
    Cow::Owned(format!("long:{:016x}:{}", h.finish(), s.len()))
}

/// A link as it may be stored, shown or exported: an absolute `http` or `https` URL with a
/// host, at most [`MAX_LINK`] bytes, in `url`'s normal form. Anything else (`javascript:`,
/// `data:`, `file:`, a bare `--help`) is no link at all.
pub fn web_link(s: &str) -> Option<String> {
    if s.len() > MAX_LINK {
        return None;
    }
    let url = url::Url::parse(s.trim()).ok()?;
    let web =
        matches!(url.scheme(), "http" | "https") && url.host_str().is_some_and(|h| !h.is_empty());
    let out = url.to_string();
    (web && out.len() <= MAX_LINK).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_are_cut_at_a_character_boundary() {
        let long = "é".repeat(5000);
        let kept = line(&long);
        assert!(kept.len() <= MAX_LINE, "{}", kept.len());
        assert!(kept.ends_with('…'));
        assert_eq!(line("  short\ttitle "), "short title");
        assert_eq!(cut("abc", 3), "abc");
    }

    #[test]
    fn long_keys_become_distinct_hashes() {
        let a = format!("{}a", "x".repeat(5000));
        let b = format!("{}b", "x".repeat(5000));
        assert_ne!(key(&a), key(&b));
        assert!(key(&a).len() < 64);
        assert_eq!(key("guid-1"), "guid-1");
    }

    #[test]
    fn only_web_links_are_links() {
        assert_eq!(
            web_link("https://a.example/x?y=1").as_deref(),
            Some("https://a.example/x?y=1")
        );
        assert_eq!(
            web_link("HTTP://A.example").as_deref(),
            Some("http://a.example/")
        );
        for bad in [
            "javascript:alert(1)",
            "data:text/html,<script>x</script>",
            "file:///etc/passwd",
            "--help",
            "mailto:a@b.example",
            "http://",
            "/relative",
            "",
        ] {
            assert_eq!(web_link(bad), None, "{bad}");
        }
        assert_eq!(
            web_link(&format!("https://a.example/{}", "x".repeat(MAX_LINK))),
            None
        );
    }
}
