//! The numbered link list of one article: resolves hrefs against the entry's URL, keeps only
//! schemes that are safe to hand to a browser, and gives each distinct target one number.
//! Uses `url` and `model::sanitize`.

use std::collections::HashMap;

use url::Url;

use crate::model::sanitize;

/// Schemes worth listing; anything else (`javascript:`, `data:`, `file:`, …) stays plain text.
const SCHEMES: [&str; 3] = ["http", "https", "mailto"];

/// Links in order of first appearance, numbered from 1.
#[derive(Debug, Default)]
pub(super) struct LinkTable {
    base: Option<Url>,
    urls: Vec<String>,
    numbers: HashMap<String, usize>,
}

impl LinkTable {
    /// A table resolving relative hrefs against `base` (ignored unless it is an absolute URL).
    pub(super) fn new(base: Option<&str>) -> Self {
        Self {
            base: base.and_then(crate::model::redact::link_base),
            ..Self::default()
        }
    }

    /// The number of the link to `href`, adding it if new; `None` when it cannot be resolved
    /// to an absolute URL with an allowed scheme.
    pub(super) fn number(&mut self, href: &str) -> Option<usize> {
        let url = resolve(self.base.as_ref(), href)?;
        if let Some(&n) = self.numbers.get(&url) {
            return Some(n);
        }
        self.urls.push(url.clone());
        let n = self.urls.len();
        self.numbers.insert(url, n);
        Some(n)
    }

    /// The links so far, in number order.
    pub(super) fn take_urls(&mut self) -> Vec<String> {
        self.numbers.clear();
        std::mem::take(&mut self.urls)
    }
}

/// `href` made absolute against `base`, sanitised, if its scheme is allowed and it is no
/// longer than a link may be.
pub(super) fn resolve(base: Option<&Url>, href: &str) -> Option<String> {
    // `href=""` and `href="#"` mean "this page" or "handled by a script": nothing to open.
    if matches!(
        href.trim_matches(|c: char| c.is_ascii_whitespace()),
        "" | "#"
    ) {
        return None;
    }
    // The URL parser drops surrounding whitespace and controls, and tabs and newlines inside,
    // as browsers do, so `java\tscript:` is seen as the `javascript:` it is.
    let url = Url::options().base_url(base).parse(href).ok()?;
    // Longer than a link may be anywhere (`model::bounds::MAX_LINK`): not one, since the link
    // list keeps each address whole on its line.
    if !SCHEMES.contains(&url.scheme()) || url.as_str().len() > crate::model::bounds::MAX_LINK {
        return None;
    }
    let clean = sanitize::line(url.as_str());
    (!clean.is_empty()).then_some(clean)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_href_resolves_against_base() {
        let base = Url::parse("https://example.org/blog/post").ok();
        assert_eq!(
            resolve(base.as_ref(), "../about"),
            Some("https://example.org/about".to_owned())
        );
        assert_eq!(
            resolve(base.as_ref(), "/x?q=1#f"),
            Some("https://example.org/x?q=1#f".to_owned())
        );
    }

    /// The link list keeps addresses whole (issue #19), so an address is bounded as a stored
    /// link is: a 100 KB one (a hostile fixture) is no link.
    #[test]
    fn an_href_longer_than_a_link_may_be_is_no_link() {
        let at_most = format!("https://e.example/{}", "a".repeat(8192 - 18));
        assert_eq!(resolve(None, &at_most).map(|u| u.len()), Some(8192));
        let longer = format!("{at_most}a");
        assert_eq!(resolve(None, &longer), None);
    }

    #[test]
    fn a_base_holding_credentials_lends_them_to_no_link() {
        let base = crate::model::redact::link_base(
            "https://me:hunter2@example.org/feed.xml?token=abc&page=2",
        );
        for href in ["other.html", "#fn1", "?x=1", "/a"] {
            let url = resolve(base.as_ref(), href).unwrap();
            assert!(!url.contains("hunter2") && !url.contains("me@"), "{url}");
            assert!(!url.contains("abc"), "{url}");
        }
        // A query with no secret is the page's address, and stays for its fragments.
        let base = crate::model::redact::link_base("https://example.org/post?id=7");
        assert_eq!(
            resolve(base.as_ref(), "#fn1").as_deref(),
            Some("https://example.org/post?id=7#fn1")
        );
    }

    #[test]
    fn relative_href_without_base_is_dropped() {
        assert_eq!(resolve(None, "/about"), None);
    }

    #[test]
    fn dangerous_schemes_are_dropped() {
        for href in [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            " javascript:alert(1)",
            "java\tscript:alert(1)",
            "data:text/html;base64,PHNjcmlwdD4=",
            "file:///etc/passwd",
            "vbscript:msgbox(1)",
        ] {
            assert_eq!(resolve(None, href), None, "{href:?}");
        }
    }

    #[test]
    fn empty_and_bare_fragment_hrefs_are_dropped() {
        let base = Url::parse("https://example.org/post").ok();
        assert_eq!(resolve(base.as_ref(), ""), None);
        assert_eq!(resolve(base.as_ref(), " # "), None);
        assert_eq!(
            resolve(base.as_ref(), "#fn1"),
            Some("https://example.org/post#fn1".to_owned())
        );
    }

    #[test]
    fn mailto_is_kept() {
        assert_eq!(
            resolve(None, "mailto:a@example.org"),
            Some("mailto:a@example.org".to_owned())
        );
    }

    #[test]
    fn controls_in_urls_do_not_survive() {
        let url = resolve(None, "https://example.org/a\u{1b}[2Jb\u{202e}c").unwrap_or_default();
        assert!(url.starts_with("https://example.org/a"), "{url}");
        assert!(sanitize::is_clean_line(&url), "{url:?}");
    }

    #[test]
    fn same_target_keeps_its_number() {
        let mut table = LinkTable::new(Some("https://example.org/"));
        assert_eq!(table.number("/a"), Some(1));
        assert_eq!(table.number("https://example.org/b"), Some(2));
        assert_eq!(table.number("https://example.org/a"), Some(1));
        assert_eq!(table.number("javascript:x"), None);
        assert_eq!(
            table.take_urls(),
            ["https://example.org/a", "https://example.org/b"]
        );
    }
}
