//! The small rules that turn feed-rs values into our model's fields: plain-text titles, link
//! choice and resolution, author fallback and stable entry keys. Pure functions over strings and
//! feed-rs types; uses `model::sanitize` and nothing else in the crate.

mod canonical;
mod dates;
mod entities;
pub mod scan;

use std::borrow::Cow;

use feed_rs::model::{Link, Person, Text};
use url::Url;

use crate::model::hash::fnv1a64;
use crate::model::sanitize;
pub use dates::parse_date;
pub use entities::{decode_entities, named as named_entity};

/// How a piece of text should be read when turning it into one plain line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextKind {
    /// Markup: tags are dropped and HTML entities decoded.
    Html,
    /// Declared plain text (Atom `type="text"`, JSON Feed): taken literally.
    Plain,
}

impl TextKind {
    /// The kind of a feed-rs `Text`; `markup_by_default` is for formats (RSS) whose plain-typed
    /// fields routinely carry HTML and escaped entities.
    pub fn of(text: &Text, markup_by_default: bool) -> Self {
        let ty = text.content_type.as_str();
        if markup_by_default || ty.contains("html") {
            Self::Html
        } else {
            Self::Plain
        }
    }
}

/// One sanitised line of text, or `None` when nothing readable is left.
pub fn plain_line(raw: &str, kind: TextKind) -> Option<String> {
    let line = match kind {
        TextKind::Html => sanitize::line(&decode_entities(&strip_tags(raw))),
        TextKind::Plain => sanitize::line(raw),
    };
    (!line.is_empty()).then_some(line)
}

/// Tags that break a line, and so separate words; inline tags (`<sup>`, `<span>`) do not.
fn is_block_tag(name: &str) -> bool {
    // The longest block tag name is 10 bytes (`blockquote`): lowercase into a small buffer.
    let mut lower = [0u8; 10];
    let Some(buf) = lower.get_mut(..name.len()) else {
        return false;
    };
    buf.copy_from_slice(name.as_bytes());
    buf.make_ascii_lowercase();
    matches!(
        std::str::from_utf8(buf).unwrap_or_default(),
        "br" | "p"
            | "div"
            | "li"
            | "ul"
            | "ol"
            | "tr"
            | "td"
            | "th"
            | "table"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "blockquote"
            | "pre"
            | "hr"
            | "dd"
            | "dt"
            | "section"
            | "article"
            | "header"
            | "footer"
    )
}

/// Drops anything that looks like a tag, comment or declaration (`<a ...>`, `</p>`, `<!-- -->`),
/// keeping a `<` that does not start one (`1 < 2`). An unterminated tag is kept as text; the
/// contents of `<script>` and `<style>` go with their tags.
pub fn strip_tags(s: &str) -> Cow<'_, str> {
    if !s.contains('<') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut pos = 0;
    // The next `>` at or after `pos`, found once and reused: rescanning for every `<` would
    // be quadratic on text full of lone `<`.
    let mut next_gt: Option<usize> = None;
    while let Some(lt) = s[pos..].find('<').map(|i| pos + i) {
        out.push_str(&s[pos..lt]);
        let after = &s[lt + 1..];
        let starts_tag = after
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || matches!(c, '/' | '!' | '?'));
        if next_gt.is_none_or(|g| g <= lt) {
            next_gt = s[lt..].find('>').map(|i| lt + i);
        }
        let Some(gt) = next_gt else {
            // No tag can close any more: the rest is text.
            out.push_str(&s[lt..]);
            return Cow::Owned(out);
        };
        if !starts_tag {
            out.push('<');
            pos = lt + 1;
            continue;
        }
        let unslashed = after.trim_start_matches('/');
        let name_len = unslashed
            .bytes()
            .take_while(u8::is_ascii_alphanumeric)
            .count();
        let name = &unslashed[..name_len];
        // Block-level tags separate words; `sanitize::line` collapses the extra spaces.
        if after.starts_with('!') || is_block_tag(name) {
            out.push(' ');
        }
        pos = gt + 1;
        if !after.starts_with('/') {
            for raw in ["script", "style"] {
                if name.eq_ignore_ascii_case(raw) {
                    pos = s.len() - after_closing_tag(&s[pos..], raw).len();
                }
            }
        }
    }
    out.push_str(&s[pos..]);
    Cow::Owned(out)
}

/// What follows `</name ...>` in `s` (ASCII case-insensitive), or `""` when it never closes.
fn after_closing_tag<'s>(s: &'s str, name: &str) -> &'s str {
    let mut from = 0;
    while let Some(i) = s[from..].find("</") {
        let at = from + i + 2;
        let candidate = s.as_bytes().get(at..at + name.len());
        if candidate.is_some_and(|c| c.eq_ignore_ascii_case(name.as_bytes())) {
            return s[at..].find('>').map_or("", |g| &s[at + g + 1..]);
        }
        from = at;
    }
    ""
}

/// Escapes plain text so that it can be stored where HTML is expected (entry bodies).
pub fn text_to_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    let mut rest = s;
    // Runs without anything to escape are copied whole.
    while let Some(at) = scan::find_html_special(rest.as_bytes()) {
        out.push_str(&rest[..at]);
        out.push_str(match rest.as_bytes()[at] {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            _ => "<br>\n",
        });
        rest = &rest[at + 1..];
    }
    out.push_str(rest);
    out
}

/// `href` resolved against `base`, kept only if it is an http(s) URL (no `javascript:`,
/// `data:` or `file:` link ever leaves the parser). Without a base (a local file, a test), a
/// relative reference stays as written: it has no scheme, so it cannot be a dangerous one, and
/// it is what the document says. Feeds fetched over HTTP always have a base.
pub fn resolve_http(href: &str, base: Option<&Url>) -> Option<String> {
    let href = href.trim();
    if href.is_empty() {
        return None;
    }
    // Most links are absolute and already in `url`'s form (feed-rs serialised them).
    if let Some(url) = canonical::canonical_http(href) {
        return Some(url);
    }
    let url = match base {
        Some(base) => base.join(href).ok()?,
        None => match Url::parse(href) {
            Ok(url) => url,
            Err(url::ParseError::RelativeUrlWithoutBase) => {
                let out = sanitize::line(href);
                // What the sanitiser drops can hide a scheme (`java\u{feff}script:`): the
                // clean text is checked again (it is clean, so this happens once).
                if out != href {
                    return resolve_http(&out, None);
                }
                return (!out.is_empty()).then_some(out);
            }
            Err(_) => return None,
        },
    };
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none_or(str::is_empty) {
        return None;
    }
    // `Url` percent-encodes controls already; the sanitiser is a second belt.
    let out = sanitize::line(url.as_str());
    (!out.is_empty()).then_some(out)
}

/// `href` as an absolute http(s) URL, or `None`.
pub fn absolute_http(href: &str) -> Option<String> {
    canonical::canonical_http(href.trim()).or_else(|| {
        Url::parse(href.trim())
            .ok()
            .and_then(|_| resolve_http(href, None))
    })
}

/// Relations that never name the page an entry is about.
fn is_auxiliary_rel(rel: &str) -> bool {
    matches!(
        rel.to_ascii_lowercase().as_str(),
        "self" | "edit" | "edit-media" | "enclosure" | "replies" | "hub" | "license" | "payment"
    )
}

/// The entry's (or feed's) page: the first alternate http(s) link, else (when `fallback`) the
/// first other http(s) link that is not a comment, enclosure or self link.
pub fn pick_link(links: &[Link], base: Option<&Url>, fallback: bool) -> Option<String> {
    let is_alternate = |l: &Link| {
        l.target.is_none()
            && l.rel
                .as_deref()
                .is_none_or(|r| r.eq_ignore_ascii_case("alternate"))
    };
    let alternate = links
        .iter()
        .filter(|l| is_alternate(l))
        .find_map(|l| resolve_http(&l.href, base));
    if alternate.is_some() || !fallback {
        return alternate;
    }
    links
        .iter()
        .filter(|l| l.target.is_none() && !l.rel.as_deref().is_some_and(is_auxiliary_rel))
        .find_map(|l| resolve_http(&l.href, base))
}

/// The first author's name, else their email.
pub fn first_author(people: &[Person]) -> Option<String> {
    // RSS's `email (Name)` leaves feed-rs with the name in its parentheses.
    let unwrapped = |n: &str| {
        let n = n.trim();
        n.strip_prefix('(')
            .and_then(|inner| inner.strip_suffix(')'))
            .unwrap_or(n)
            .to_owned()
    };
    let named = people.iter().find_map(|p| {
        p.name
            .as_deref()
            .and_then(|n| plain_line(&unwrapped(n), TextKind::Html))
    });
    named.or_else(|| {
        people.iter().find_map(|p| {
            p.email
                .as_deref()
                .and_then(|e| plain_line(e, TextKind::Plain))
        })
    })
}

/// The stable identity of an entry: its guid, else its link, else a hash of its date and body.
/// Never random: the same document always yields the same keys. The title is left out of the
/// hash when there is a date or a body: publishers fix typos in titles, and an edited title must
/// not turn one entry into two. An entry with neither has only its title to go by.
pub fn entry_key(
    guid: Option<&str>,
    link: Option<&str>,
    title: &str,
    published: &str,
    content: &str,
) -> String {
    if let Some(key) = guid.or(link) {
        return key.to_owned();
    }
    let title = if published.is_empty() && content.trim().is_empty() {
        title
    } else {
        ""
    };
    // The unit separator keeps ("ab", "c") and ("a", "bc") apart.
    let mut bytes = Vec::with_capacity(title.len() + published.len() + content.len() + 3);
    for part in [published, content, title] {
        bytes.extend_from_slice(part.as_bytes());
        bytes.push(0x1f);
    }
    format!("fnv1a:{:016x}", fnv1a64(&bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(href: &str, rel: Option<&str>) -> Link {
        // feed-rs keeps `Link::new` private; build one through its public fields.
        Link {
            href: href.to_owned(),
            target: None,
            rel: rel.map(str::to_owned),
            media_type: None,
            href_lang: None,
            title: None,
            length: None,
        }
    }

    #[test]
    fn html_titles_lose_tags_and_entities() {
        let t = plain_line("<b>Fish &amp; Chips</b> &rsquo;24 &#x24;5", TextKind::Html);
        assert_eq!(t.as_deref(), Some("Fish & Chips ’24 $5"));
        assert_eq!(
            plain_line("History of the &lt;blink&gt; tag", TextKind::Html).as_deref(),
            Some("History of the <blink> tag")
        );
    }

    #[test]
    fn plain_titles_are_literal_but_sanitised() {
        let t = plain_line("a <b> &amp; \u{1b}[2J c\n d", TextKind::Plain);
        assert_eq!(t.as_deref(), Some("a <b> &amp; [2J c d"));
        assert_eq!(plain_line(" \u{202e} ", TextKind::Plain), None);
    }

    #[test]
    fn a_lone_less_than_is_not_a_tag() {
        assert_eq!(strip_tags("1 < 2 and 3 <4"), "1 < 2 and 3 <4");
        assert_eq!(strip_tags("x <unterminated"), "x <unterminated");
        assert_eq!(strip_tags("a<!-- c --><br/>b"), "a  b");
    }

    #[test]
    fn inline_tags_do_not_split_words() {
        assert_eq!(strip_tags("1930ft<sup>2</sup> <b>x</b>y"), "1930ft2 xy");
        assert_eq!(strip_tags("a<p>b</p>c"), "a b c");
    }

    #[test]
    fn script_and_style_contents_are_dropped() {
        assert_eq!(
            strip_tags("safe <script>location.href='x'</script>description<style>p{}</STYLE>!"),
            "safe description!"
        );
    }

    #[test]
    fn text_to_html_matches_escaping_one_character_at_a_time() {
        let text = "plain words, then <tags> & \"quotes\"\nand lines\r\n\té日本 ".repeat(7);
        let mut want = String::new();
        for c in text.chars() {
            match c {
                '&' => want.push_str("&amp;"),
                '<' => want.push_str("&lt;"),
                '>' => want.push_str("&gt;"),
                '"' => want.push_str("&quot;"),
                '\n' => want.push_str("<br>\n"),
                c => want.push(c),
            }
        }
        assert_eq!(text_to_html(&text), want);
    }

    #[test]
    fn plain_text_bodies_are_escaped() {
        assert_eq!(
            text_to_html("a<b & \"c\"\nd"),
            "a&lt;b &amp; &quot;c&quot;<br>\nd"
        );
    }

    #[test]
    fn links_resolve_against_the_base_and_must_be_http() {
        let base = Url::parse("https://example.com/blog/feed.xml").ok();
        let base = base.as_ref();
        assert_eq!(
            resolve_http("post/1", base).as_deref(),
            Some("https://example.com/blog/post/1")
        );
        assert_eq!(
            resolve_http("/a b", base).as_deref(),
            Some("https://example.com/a%20b")
        );
        assert_eq!(resolve_http("javascript:alert(1)", base), None);
        assert_eq!(resolve_http("data:text/html,x", base), None);
        assert_eq!(resolve_http("file:///etc/passwd", base), None);
        assert_eq!(resolve_http("relative", None).as_deref(), Some("relative"));
        assert_eq!(absolute_http("relative"), None);
        assert_eq!(
            absolute_http(" https://e.com/a ").as_deref(),
            Some("https://e.com/a")
        );
        assert_eq!(resolve_http("  ", base), None);
    }

    /// Found by fuzzing (`fuzz/regressions/ingest/file-link-scheme-behind-bom`): without a base,
    /// a link was relative to the URL parser because of a character the sanitiser then dropped,
    /// and `java\u{feff}script:` left the parser as `javascript:`.
    #[test]
    fn a_scheme_hidden_by_a_dropped_character_is_seen() {
        for hidden in [
            "java\u{feff}script:alert(1)",
            "data\u{1b}:text/html,x",
            "fi\u{202e}le:///etc",
        ] {
            assert_eq!(resolve_http(hidden, None), None, "{hidden:?}");
        }
        assert_eq!(
            resolve_http("ht\u{7f}tp://e.example/a", None).as_deref(),
            Some("http://e.example/a")
        );
        assert_eq!(
            resolve_http("posts/\u{1b}1", None).as_deref(),
            Some("posts/1")
        );
    }

    #[test]
    fn alternate_links_win_over_others() {
        let links = [
            link("https://example.com/feed", Some("self")),
            link("https://example.com/enc.mp3", Some("enclosure")),
            link("javascript:evil()", None),
            link("https://example.com/post", Some("alternate")),
        ];
        assert_eq!(
            pick_link(&links, None, true).as_deref(),
            Some("https://example.com/post")
        );
        let only_related = [
            link("https://example.com/feed", Some("self")),
            link("https://x.example/r", Some("related")),
        ];
        assert_eq!(
            pick_link(&only_related, None, true).as_deref(),
            Some("https://x.example/r")
        );
        assert_eq!(pick_link(&only_related, None, false), None);
    }

    #[test]
    fn comment_links_are_never_the_entry_link() {
        let mut comments = link("https://example.com/post#comments", None);
        comments.target = Some(feed_rs::model::LinkTarget::Comments);
        assert_eq!(pick_link(&[comments], None, true), None);
    }

    #[test]
    fn author_falls_back_to_email() {
        let p = |name: Option<&str>, email: Option<&str>| Person {
            name: name.map(str::to_owned),
            uri: None,
            email: email.map(str::to_owned),
            role: None,
        };
        assert_eq!(
            first_author(&[p(None, Some("a@example.com")), p(Some(" Ann "), None)]).as_deref(),
            Some("Ann")
        );
        assert_eq!(
            first_author(&[p(Some(""), Some("a@example.com"))]).as_deref(),
            Some("a@example.com")
        );
        assert_eq!(first_author(&[]), None);
    }

    #[test]
    fn keys_prefer_guid_then_link_then_a_stable_hash() {
        assert_eq!(entry_key(Some("g"), Some("l"), "t", "", ""), "g");
        assert_eq!(entry_key(None, Some("l"), "t", "", ""), "l");
        let a = entry_key(None, None, "t", "2024-01-01T00:00:00Z", "body");
        assert_eq!(
            a,
            entry_key(None, None, "t", "2024-01-01T00:00:00Z", "body")
        );
        assert!(a.starts_with("fnv1a:") && a.len() == 6 + 16, "{a}");
        assert_ne!(
            entry_key(None, None, "", "ab", "c"),
            entry_key(None, None, "", "a", "bc")
        );
    }

    #[test]
    fn an_edited_title_keeps_the_hash_key() {
        assert_eq!(
            entry_key(None, None, "Typo", "2024-01-01T00:00:00Z", "body"),
            entry_key(None, None, "Fixed", "2024-01-01T00:00:00Z", "body")
        );
        assert_eq!(
            entry_key(None, None, "Typo", "", "body"),
            entry_key(None, None, "Fixed", "", "body")
        );
    }

    #[test]
    fn a_title_is_the_key_only_when_nothing_else_is_there() {
        assert_ne!(
            entry_key(None, None, "a", "", ""),
            entry_key(None, None, "b", "", "")
        );
    }
}
