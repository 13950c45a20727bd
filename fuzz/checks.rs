//! The invariants the fuzz targets assert: each one is what a module of the library promises in
//! its docs (named next to the check), written as a panic with the offending value.

use std::collections::BTreeSet;

use tidings::export::Imported;
use tidings::fetch::parse::ParseError;
use tidings::model::query::{self, Query, QueryError, TermKind};
use tidings::model::{IncomingFeed, sanitize};
use tidings::render::Rendered;
use unicode_width::UnicodeWidthStr;
use url::Url;

/// `s` is text for one line as `sanitize::line` leaves it: no control character, escape, bidi
/// override, newline or tab, whitespace collapsed and trimmed.
pub fn one_line(what: &str, s: &str) {
    assert_eq!(sanitize::line(s), s, "{what} is not one sanitised line");
}

/// [`one_line`], and not empty.
fn clean_line(what: &str, s: &str) {
    assert!(!s.is_empty(), "{what} is empty");
    one_line(what, s);
}

/// `fetch::parse` (module docs and `normalize`): titles, names, keys and links are sanitised
/// lines; a link is an absolute http(s) URL, or, in a document read from a file (no base), a
/// reference without a scheme; errors are one short line; no panic gets out (nor is caught).
pub fn parsed(result: &Result<IncomingFeed, ParseError>, web_base: bool) {
    let feed = match result {
        Err(ParseError::Panicked) => panic!("the feed parser panicked (caught by parse_document)"),
        Err(e) => {
            clean_line("the parse error", &e.to_string());
            return;
        }
        Ok(feed) => feed,
    };
    if let Some(title) = &feed.title {
        clean_line("the feed title", title);
    }
    if let Some(site) = &feed.site_url {
        link("the site URL", site, web_base);
    }
    for e in &feed.entries {
        clean_line("an entry key", &e.key);
        clean_line("an entry title", &e.title);
        if let Some(guid) = &e.guid {
            clean_line("a guid", guid);
        }
        if let Some(author) = &e.author {
            clean_line("an author", author);
        }
        if let Some(l) = &e.link {
            link("an entry link", l, web_base);
        }
    }
}

fn link(what: &str, s: &str, web_base: bool) {
    clean_line(what, s);
    match Url::parse(s) {
        Ok(url) => assert!(
            matches!(url.scheme(), "http" | "https")
                && url.host_str().is_some_and(|h| !h.is_empty()),
            "{what} {s:?} is not an http(s) URL"
        ),
        Err(url::ParseError::RelativeUrlWithoutBase) if !web_base => {}
        Err(e) => panic!("{what} {s:?} is not an absolute URL: {e}"),
    }
}

/// `normalize::entry_key`: "never random: the same document always yields the same keys".
pub fn same_parse(
    first: &Result<IncomingFeed, ParseError>,
    again: &Result<IncomingFeed, ParseError>,
) {
    match (first, again) {
        (Ok(a), Ok(b)) => assert!(a == b, "a second parse of the same bytes differs"),
        (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string(), "a second parse"),
        _ => panic!("a second parse of the same bytes succeeded where the first failed or back"),
    }
}

/// `render::article` and `render::fallback`: every wrapped line at most `width` columns (0
/// counts as 1), measured with unicode-width, and the lines kept whole (preformatted, the link
/// list) within their own bound; every span sanitised (`sanitize::block`) and on one line; a
/// span's link number is one of the listed links, each an absolute http(s) or mailto URL.
pub fn rendered(r: &Rendered, width: usize, what: &str) {
    for (i, line) in r.lines.iter().enumerate() {
        let text = line.text();
        let columns = UnicodeWidthStr::width(text.as_str());
        let bound = match line.flow {
            tidings::render::Flow::Wrapped => width.max(1),
            // Preformatted: laid out at 4096 columns; a link: at most 8 KB, and its number.
            tidings::render::Flow::Preformatted | tidings::render::Flow::Link => 8 * 1024 + 16,
        };
        assert!(
            columns <= bound,
            "{what} at width {width}: line {i} is {columns} columns: {text:?}"
        );
        for span in &line.spans {
            assert!(
                !span.text.contains('\n') && sanitize::block(&span.text) == span.text,
                "{what} at width {width}: unsanitised span {:?}",
                span.text
            );
            if let Some(n) = span.style.link {
                assert!(
                    (1..=r.links.len()).contains(&n),
                    "{what}: a span links to [{n}] of {} links",
                    r.links.len()
                );
            }
        }
    }
    for url in &r.links {
        clean_line("a listed link", url);
        let scheme = Url::parse(url).map(|u| u.scheme().to_owned());
        assert!(
            scheme
                .as_deref()
                .is_ok_and(|s| matches!(s, "http" | "https" | "mailto")),
            "listed link {url:?} is not http(s) or mailto"
        );
    }
}

/// Dropped from the export's text and attributes (`render::safe_html`).
fn is_dropped(c: char) -> bool {
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// The elements `safe_html` writes.
const ALLOWED: &str = "a abbr b blockquote br caption cite code dd del dfn div dl dt em figcaption \
    figure h3 h4 h5 h6 hr i img ins kbd li mark ol p pre q s samp small span strong sub sup table \
    tbody td tfoot th thead tr u ul var";
/// `safe_html`'s `MAX_OPEN`.
const MAX_OPEN: usize = 32;

fn is_allowed(el: &str) -> bool {
    ALLOWED.split_ascii_whitespace().any(|a| a == el)
}

fn attr_allowed(el: &str, attr: &str) -> bool {
    match el {
        "a" => matches!(attr, "href" | "title" | "rel"),
        "img" => matches!(
            attr,
            "src" | "alt" | "title" | "width" | "height" | "loading" | "referrerpolicy"
        ),
        "abbr" => attr == "title",
        "td" | "th" => matches!(attr, "colspan" | "rowspan"),
        "ol" => attr == "start",
        _ => false,
    }
}

/// Where a list item, term or table part may stand: inside its own list, `dl` or table.
fn container_of(el: &str) -> Option<&'static [&'static str]> {
    match el {
        "li" => Some(&["ul", "ol"]),
        "dd" | "dt" => Some(&["dl"]),
        "tr" | "td" | "th" | "tbody" | "thead" | "tfoot" | "caption" => Some(&["table"]),
        _ => None,
    }
}

/// `render::safe_html`'s output as written (module docs): only allowlisted elements and
/// attributes, double-quoted and escaped; URLs http(s) (or mailto for links); no dropped
/// character, even behind a character reference; elements nest, at most 32 deep, list items,
/// terms and table parts inside their own container, and all are closed. Returns the elements.
pub fn safe_fragment(out: &str) -> BTreeSet<String> {
    if let Some(c) = out.chars().find(|&c| is_dropped(c)) {
        panic!("safe_html wrote U+{:04X}", u32::from(c));
    }
    let mut elements = BTreeSet::new();
    let mut open: Vec<&str> = Vec::new();
    let mut rest = out;
    while let Some(lt) = rest.find('<') {
        text(&rest[..lt]);
        let Some(gt) = rest[lt..].find('>').map(|g| lt + g) else {
            panic!("an unterminated tag in {out:?}");
        };
        let tag = &rest[lt + 1..gt];
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(open.pop(), Some(name), "end tag </{name}> out of order");
        } else {
            let (name, attrs) = tag.split_once(' ').unwrap_or((tag, ""));
            assert!(is_allowed(name), "element <{name}> written");
            if let Some(parents) = container_of(name) {
                assert!(
                    open.iter().any(|o| parents.contains(o)),
                    "<{name}> outside its container, in {open:?}"
                );
            }
            attributes(name, attrs);
            elements.insert(name.to_owned());
            if !matches!(name, "br" | "hr" | "img") {
                open.push(name);
                assert!(open.len() <= MAX_OPEN, "more than {MAX_OPEN} elements open");
            }
        }
        rest = &rest[gt + 1..];
    }
    text(rest);
    assert!(open.is_empty(), "{open:?} left open");
    elements
}

/// Text between tags: `<`, `>`, `"` and `'` are escaped, every `&` starts a character
/// reference, and no numeric reference names a dropped character.
fn text(s: &str) {
    assert!(
        !s.contains(['<', '>', '"', '\'']),
        "an unescaped character in {s:?}"
    );
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        rest = &rest[amp + 1..];
        let Some(semi) = rest.find(';') else {
            panic!("a bare & in {s:?}");
        };
        let reference = &rest[..semi];
        let code = if let Some(hex) = reference
            .strip_prefix("#x")
            .or_else(|| reference.strip_prefix("#X"))
        {
            assert!(
                !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit()),
                "&{reference}; in {s:?}"
            );
            u32::from_str_radix(hex, 16).ok()
        } else if let Some(digits) = reference.strip_prefix('#') {
            assert!(
                !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()),
                "&{reference}; in {s:?}"
            );
            digits.parse().ok()
        } else {
            assert!(
                !reference.is_empty() && reference.bytes().all(|b| b.is_ascii_alphanumeric()),
                "&{reference}; in {s:?}"
            );
            None
        };
        if let Some(c) = code.and_then(char::from_u32) {
            assert!(
                !is_dropped(c) && c != '\0',
                "&{reference}; (a dropped character) kept"
            );
        }
        rest = &rest[semi + 1..];
    }
}

/// ` name="value"` pairs, each allowed on `el`, none twice; URLs checked.
fn attributes(el: &str, mut rest: &str) {
    let mut seen = Vec::new();
    while !rest.is_empty() {
        let Some((name, after)) = rest.split_once("=\"") else {
            panic!("<{el}> has a malformed attribute list {rest:?}");
        };
        let Some((value, after)) = after.split_once('"') else {
            panic!("<{el}> has an unterminated attribute value");
        };
        assert!(attr_allowed(el, name), "<{el} {name}> written");
        assert!(!seen.contains(&name), "<{el}> has {name} twice");
        seen.push(name);
        text(value);
        let schemes: &[&str] = match name {
            "href" => &["http", "https", "mailto"],
            "src" => &["http", "https"],
            _ => &[],
        };
        if !schemes.is_empty() {
            let url = unescape(value);
            let parsed = Url::parse(&url);
            assert!(
                parsed.is_ok_and(|u| schemes.contains(&u.scheme()) && u.as_str() == url),
                "<{el} {name}={url:?}> is not a checked URL"
            );
        }
        assert!(
            after.is_empty() || after.starts_with(' '),
            "<{el}>: attributes not separated"
        );
        rest = after.strip_prefix(' ').unwrap_or(after);
    }
}

/// What `safe_html` escaped in a URL, back.
fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// The fragment embedded in a page and parsed as a browser does (html5ever, through
/// html2text): the container holds only allowed elements and attributes, with web URLs, no
/// comment, and nothing gets out of it (`safe_html`: "the fragment cannot reach out of its
/// container").
pub fn contained(fragment: &str) {
    let page = format!(
        "<!DOCTYPE html><html><head><title>t</title></head><body>\
         <div id=c>{fragment}</div><p id=after>after</p></body></html>"
    );
    let Ok(dom) = html2text::config::plain().parse_html(page.as_bytes()) else {
        panic!("the page around the fragment did not parse");
    };
    let Some(body) = find(&dom.document, "body") else {
        panic!("no body");
    };
    let mut outline = Vec::new();
    for child in body.children.borrow().iter() {
        match &child.data {
            html2text::Element { name, attrs, .. } => {
                let id = attrs
                    .borrow()
                    .iter()
                    .find(|a| &*a.name.local == "id")
                    .map(|a| a.value.to_string());
                if id.as_deref() == Some("c") {
                    for inside in child.children.borrow().iter() {
                        allowed_tree(inside);
                    }
                }
                outline.push(format!("{}#{}", &*name.local, id.unwrap_or_default()));
            }
            html2text::Comment { .. } => outline.push("comment".to_owned()),
            _ => {
                let mut out = Vec::new();
                let _ = child.serialize(&mut out);
                if !String::from_utf8_lossy(&out).trim().is_empty() {
                    outline.push("text".to_owned());
                }
            }
        }
    }
    assert_eq!(
        outline,
        ["div#c", "p#after"],
        "the fragment got out of its container"
    );
}

fn find(node: &html2text::Handle, el: &str) -> Option<html2text::Handle> {
    if let html2text::Element { name, .. } = &node.data {
        if &*name.local == el {
            return Some(node.clone());
        }
    }
    node.children.borrow().iter().find_map(|c| find(c, el))
}

fn allowed_tree(node: &html2text::Handle) {
    match &node.data {
        html2text::Element { name, attrs, .. } => {
            let el = &*name.local;
            assert_eq!(
                &*name.ns, "http://www.w3.org/1999/xhtml",
                "foreign element {el}"
            );
            assert!(is_allowed(el), "the browser builds element {el}");
            for attr in attrs.borrow().iter() {
                let (an, value) = (&*attr.name.local, &*attr.value);
                assert!(
                    attr.name.ns.is_empty() && attr_allowed(el, an),
                    "the browser sees {el}[{an}]"
                );
                assert!(!value.chars().any(is_dropped), "{el}[{an}={value:?}]");
                let schemes: &[&str] = match an {
                    "href" => &["http:", "https:", "mailto:"],
                    "src" => &["http:", "https:"],
                    _ => &[],
                };
                assert!(
                    schemes.is_empty() || schemes.iter().any(|s| value.starts_with(s)),
                    "the browser sees {el}[{an}={value:?}]"
                );
            }
        }
        html2text::Comment { .. } => panic!("the browser sees a comment"),
        _ => {}
    }
    for child in node.children.borrow().iter() {
        allowed_tree(child);
    }
}

/// `model::sanitize`: `line` agrees with reading character by character (its fast path for
/// ASCII runs must not change the result), keeping at most `MAX_MARKS` characters without a
/// column in a row, and what `line` and `block` give is clean.
pub fn sanitizer(s: &str) {
    let mut slow = String::new();
    let mut pending_space = false;
    let mut marks = 0;
    let mut buf = [0; 4];
    for c in s.chars() {
        if c.is_whitespace() {
            pending_space = !slow.is_empty();
            marks = 0;
        } else if sanitize::is_clean_line(c.encode_utf8(&mut buf)) {
            let no_column = !c.is_ascii() && unicode_width::UnicodeWidthChar::width(c) == Some(0);
            marks = if no_column { marks + 1 } else { 0 };
            if marks > sanitize::MAX_MARKS {
                continue;
            }
            if pending_space {
                slow.push(' ');
                pending_space = false;
            }
            slow.push(c);
        }
    }
    let line = sanitize::line(s);
    assert_eq!(line, slow, "sanitize::line differs from the slow reading");
    assert!(
        sanitize::is_clean_line(&line),
        "sanitize::line left {line:?}"
    );
    let block = sanitize::block(s);
    assert!(
        block.split('\n').all(sanitize::is_clean_line),
        "sanitize::block left {block:?}"
    );
}

/// `model::query`: "the canonical text of the query; parsing it gives the same query back";
/// every name, word and phrase is sanitised and not empty; groups (`or`, parentheses) nest no
/// deeper than the parser allows and hold at least one alternative, none of them empty.
pub fn query_round_trips(q: &Query) {
    let text = q.to_string();
    assert_eq!(
        query::parse(&text).as_ref(),
        Ok(q),
        "canonical text {text:?}"
    );
    terms_are_clean(q, 0);
}

fn terms_are_clean(q: &Query, depth: usize) {
    assert!(depth <= query::MAX_DEPTH + 1, "groups {depth} deep");
    for term in &q.terms {
        match &term.kind {
            TermKind::Feed(s)
            | TermKind::Tag(s)
            | TermKind::Author(s)
            | TermKind::Title(s)
            | TermKind::Content(s)
            | TermKind::Link(s)
            | TermKind::Word(s)
            | TermKind::Phrase(s)
            | TermKind::Label(s) => clean_line("a query term", s),
            TermKind::Matches(_, p) => clean_line("a regular expression", p.as_str()),
            TermKind::Any(alternatives) => {
                assert!(!alternatives.is_empty(), "a group of no alternatives");
                for alternative in alternatives {
                    assert!(!alternative.is_empty(), "an empty alternative in {q}");
                    terms_are_clean(alternative, depth + 1);
                }
            }
            _ => {}
        }
    }
}

/// A query error points at a character of the input (or its end), in one clean line.
pub fn query_error(input: &str, e: &QueryError) {
    assert!(
        e.at <= input.len() && input.is_char_boundary(e.at),
        "error offset {} in {} bytes",
        e.at,
        input.len()
    );
    clean_line("the query error", &e.to_string());
}

/// A converted newsboat filter is canonical tidings filter text (`export::newsboat_query`:
/// "it reads back as the same query").
pub fn canonical_filter(filter: &str) {
    match query::parse(filter) {
        Ok(q) => assert_eq!(q.to_string(), filter, "the filter is not canonical"),
        Err(e) => panic!("the converted filter {filter:?} does not parse: {e}"),
    }
}

/// `export::subscriptions`: URLs, titles, tags and view names are sanitised lines (tags none
/// blank, no two equal ignoring case); a `urls` file gives only http(s) and file URLs; a view's
/// filter is canonical; skipped lines say why in one clean line and point at a line.
pub fn imported(text: &str, imported: &Imported) {
    let is_opml = text
        .trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with('<');
    let lines = text.lines().count();
    for sub in &imported.subscriptions {
        clean_line("a subscription URL", &sub.url);
        if !is_opml {
            let lower = sub.url.to_ascii_lowercase();
            assert!(
                ["http://", "https://", "file://"]
                    .iter()
                    .any(|p| lower.starts_with(p)),
                "urls file gave {:?}",
                sub.url
            );
        }
        if let Some(title) = &sub.title {
            clean_line("a subscription title", title);
        }
        let mut folded = BTreeSet::new();
        for tag in &sub.tags {
            clean_line("a tag", tag);
            assert!(folded.insert(tag.to_lowercase()), "tag {tag:?} twice");
        }
    }
    for view in &imported.views {
        clean_line("a view name", &view.name);
        canonical_filter(&view.filter);
        assert!(
            (1..=lines).contains(&view.line),
            "view at line {}",
            view.line
        );
    }
    for skipped in &imported.skipped {
        clean_line("why a line was skipped", &skipped.why);
        assert!(
            (1..=lines).contains(&skipped.line),
            "skipped line {}",
            skipped.line
        );
    }
}
