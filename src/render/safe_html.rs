//! Feed HTML → an HTML fragment safe to embed in a web page as is (the HTML export, a
//! published planet page). Pure; uses `prepare`, `tag` and the `url` crate.
//!
//! Nothing from the input is copied through as markup: every tag and attribute in the output is
//! written here from an allowlist, and everything else is text, escaped. So the output is safe
//! however well the input is tokenized; a wrong guess costs fidelity, never safety.
//!
//! - `prepare` runs first: it bounds size and depth and drops `script`, `style`, `iframe`,
//!   `object`, `embed`, `template` (and the like) with their content, comments and doctypes.
//! - Text drops C0 controls (but tab, newline and carriage return), DEL, C1 controls and bidi
//!   overrides and isolates (U+202A–202E, U+2066–2069), and escapes `<` `>` `"` `'`. A
//!   well-formed character reference (`&name;`, `&#digits;`, `&#xhex;`) is kept unless it
//!   names one of the dropped characters; every other `&` becomes `&amp;`.
//! - Elements: a, abbr, b, blockquote, br, caption, cite, code, dd, del, dfn, div, dl, dt, em,
//!   figcaption, figure, h3–h6 (h1 and h2 become h3, so an entry never outranks the page's own
//!   headings), hr, i, img, ins, kbd, li, mark, ol, p, pre, q, s, samp, small, span, strong,
//!   sub, sup, table, tbody, td, tfoot, th, thead, tr, u, ul, var. Any other tag is dropped and
//!   its text kept (the text of `title` goes too; `textarea`, `xmp`, `plaintext` keep theirs as
//!   text).
//! - Attributes: `a` href, title (and always `rel="nofollow noopener noreferrer"`); `img` src,
//!   alt, title, width, height (and `loading="lazy" referrerpolicy="no-referrer"`; an image
//!   without a usable src is dropped); `abbr` title; `td`/`th` colspan (1–1000), rowspan
//!   (1–65534, though `prepare` has already set every row span to 1 for html2text); `ol` start. The first of duplicates wins, as in browsers. Numbers must be
//!   digits (start: an optional `-`) and are written back as parsed. A URL is decoded
//!   (`&amp; &lt; &gt; &quot; &apos; &Tab; &NewLine; &colon;` and numeric references, so
//!   `jav&#x61;script:` is seen for what it is), resolved against the base, and kept only as
//!   `http`/`https`/`mailto` (href) or `http`/`https` (src): what is written is the `url`
//!   crate's serialization, so the browser follows exactly the URL that was checked. Every
//!   value is double-quoted with `& < > " '` escaped. No `style`, event handler, `class`,
//!   `id`, `srcset`, `formaction` or any other attribute survives.
//! - Balance: at most [`MAX_OPEN`] elements are open (deeper start tags are dropped with their
//!   end tags); an end tag closes back to the nearest open element of its name, writing the end
//!   tags of those inside it, and one with nothing to close is dropped; all is closed at the
//!   end. The closes the HTML parser would make by itself (a `p` before a block, an `li`
//!   before the next, a cell before the next row, …) are written out too, so the browser's
//!   tree follows ours.
//!
//! The fragment cannot reach out of its container: it never ends an element it did not open,
//! list items, table parts and terms only appear inside a list, table or `dl` of its own
//! (where the parser's search for one to close stops), and every element opened is closed, so
//! no formatting leaks past it. Embed it in a `div`, `article`, `section`, `li` or `td`, not
//! inside a `p`, a heading or a link (a block start would close a `p`, a heading the heading,
//! a link the link).

use std::collections::HashMap;

use url::Url;

use super::prepare::prepare;
use super::tag::{Tag, is_ws, name_end};

/// Most elements open at once.
const MAX_OPEN: usize = 32;
/// Added to every link: no endorsement, no window handle, no referrer.
const LINK_REL: &str = "nofollow noopener noreferrer";

/// The elements kept (besides h1 and h2, which become h3), separated by spaces.
const ALLOWED: &str = "a abbr b blockquote br caption cite code dd del dfn div dl dt em figcaption \
    figure h3 h4 h5 h6 hr i img ins kbd li mark ol p pre q s samp small span strong sub sup table \
    tbody td tfoot th thead tr u ul var";

/// The elements that make up a table: where one of them may go depends on the innermost open.
const TABLE_PARTS: [&str; 8] = [
    "table", "caption", "thead", "tbody", "tfoot", "tr", "td", "th",
];

/// Returns `html` as a fragment safe to embed in a web page (see the module docs). Relative
/// URLs resolve against `base`; without one they are dropped.
pub fn safe_html(html: &str, base: Option<&str>) -> String {
    let prepared = prepare(html);
    let base = base.and_then(crate::model::redact::link_base);
    let mut writer = Writer {
        src: &prepared.html,
        pos: 0,
        out: String::with_capacity(prepared.html.len() + prepared.html.len() / 8),
        open: Vec::new(),
        overflow: HashMap::new(),
        base: base.as_ref(),
    };
    writer.run();
    writer.close_to(0);
    writer.out
}

/// The kept name for a lowercase tag name.
fn allowed(name: &str) -> Option<&'static str> {
    if matches!(name, "h1" | "h2") {
        return Some("h3");
    }
    ALLOWED.split_ascii_whitespace().find(|&a| a == name)
}

fn is_void(el: &str) -> bool {
    matches!(el, "br" | "hr" | "img")
}

fn is_heading(el: &str) -> bool {
    matches!(el, "h3" | "h4" | "h5" | "h6")
}

/// Elements whose start closes an open `p` (in the parser's button scope).
fn closes_p(el: &str) -> bool {
    matches!(
        el,
        "blockquote"
            | "dd"
            | "div"
            | "dl"
            | "dt"
            | "figcaption"
            | "figure"
            | "hr"
            | "li"
            | "ol"
            | "p"
            | "pre"
            | "table"
            | "ul"
    ) || is_heading(el)
}

/// The parser's "special" elements among ours, but `div` and `p`: where its search for an
/// open `li`, `dd` or `dt` to close stops.
fn stops_item_search(el: &str) -> bool {
    !matches!(el, "div" | "p")
        && (closes_p(el)
            || matches!(
                el,
                "br" | "caption" | "img" | "tbody" | "td" | "tfoot" | "th" | "thead" | "tr"
            ))
}

struct Writer<'a> {
    src: &'a str,
    pos: usize,
    out: String,
    /// The elements written and not yet closed, innermost last.
    open: Vec<&'static str>,
    /// Start tags dropped for depth and not yet ended, by name.
    overflow: HashMap<&'static str, usize>,
    base: Option<&'a Url>,
}

impl Writer<'_> {
    fn run(&mut self) {
        let src = self.src;
        while let Some(off) = src[self.pos..].find('<') {
            let lt = self.pos + off;
            push_text(&mut self.out, &src[self.pos..lt], true);
            self.pos = lt;
            if !self.markup() {
                self.out.push_str("&lt;");
                self.pos = lt + 1;
            }
        }
        push_text(&mut self.out, &src[self.pos..], true);
        self.pos = src.len();
    }

    /// Handles the tag at `self.pos` (a `<`); false when the `<` is text.
    fn markup(&mut self) -> bool {
        let rest = &self.src.as_bytes()[self.pos..];
        match rest.get(1) {
            Some(b'/') if rest.get(2).is_some_and(u8::is_ascii_alphabetic) => self.end_tag(),
            Some(c) if c.is_ascii_alphabetic() => self.start_tag(),
            _ => return false,
        }
        true
    }

    fn start_tag(&mut self) {
        let src = self.src;
        let b = src.as_bytes();
        let name_to = name_end(b, self.pos + 1);
        let name = src[self.pos + 1..name_to].to_ascii_lowercase();
        let Some(tag) = Tag::scan(b, name_to) else {
            self.pos = src.len();
            return;
        };
        self.pos = tag.end;
        match name.as_str() {
            "title" => self.pos = self.raw_end(&name),
            "textarea" | "xmp" => {
                let end = self.raw_end(&name);
                push_text(&mut self.out, &src[self.pos..end], name == "textarea");
                self.pos = end;
            }
            "plaintext" => {
                push_text(&mut self.out, &src[self.pos..], false);
                self.pos = src.len();
            }
            _ => {
                if let Some(el) = allowed(&name) {
                    self.start(el, &tag);
                }
            }
        }
    }

    /// Writes the start tag of `el` (closing first what the parser would close), unless it is
    /// out of place, too deep, or an image without a source.
    fn start(&mut self, el: &'static str, tag: &Tag) {
        let Some(written) = self.start_tag_text(el, tag) else {
            return;
        };
        let fits = match el {
            "li" => self.has("ul") || self.has("ol"),
            "dd" | "dt" => self.has("dl"),
            _ => true,
        };
        if !fits || (TABLE_PARTS.contains(&el) && !self.enter_table_part(el)) {
            return;
        }
        match el {
            "li" => self.close_item(&["li"]),
            "dd" | "dt" => self.close_item(&["dd", "dt"]),
            "a" => {
                // Links do not nest: the parser ends the open one (up to a cell boundary).
                let found = self
                    .open
                    .iter()
                    .rposition(|&n| n == "a" || matches!(n, "td" | "th" | "caption"));
                if let Some(k) = found.filter(|&k| self.open[k] == "a") {
                    self.close_to(k);
                }
            }
            _ => {}
        }
        if closes_p(el) {
            let found = self
                .open
                .iter()
                .rposition(|&n| matches!(n, "p" | "table" | "td" | "th" | "caption"));
            if let Some(k) = found.filter(|&k| self.open[k] == "p") {
                self.close_to(k);
            }
        }
        if is_heading(el) && self.open.last().is_some_and(|n| is_heading(n)) {
            self.close_to(self.open.len() - 1);
        }
        if is_void(el) {
            self.out.push_str(&written);
        } else if self.open.len() >= MAX_OPEN {
            *self.overflow.entry(el).or_default() += 1;
        } else {
            self.out.push_str(&written);
            self.open.push(el);
        }
    }

    /// Closes what the parser closes before table part `el`; false when `el` has no table of
    /// ours to go in.
    fn enter_table_part(&mut self, el: &str) -> bool {
        loop {
            let Some(k) = self.open.iter().rposition(|n| TABLE_PARTS.contains(n)) else {
                return el == "table";
            };
            let part = self.open[k];
            let in_cell = matches!(part, "td" | "th" | "caption");
            let closes = match el {
                "td" | "th" => in_cell,
                "tr" => in_cell || part == "tr",
                "thead" | "tbody" | "tfoot" | "caption" => part != "table",
                // A table straight inside a table (not in a cell) ends the open one.
                _ => !in_cell,
            };
            if closes {
                let to = if el == "table" {
                    self.open[..=k]
                        .iter()
                        .rposition(|&n| n == "table")
                        .unwrap_or(k)
                } else {
                    k
                };
                self.close_to(to);
                continue;
            }
            if el != "table" {
                // The parser clears the stack back to the table, section or row.
                self.close_to(k + 1);
            }
            return true;
        }
    }

    fn has(&self, el: &str) -> bool {
        self.open.contains(&el)
    }

    /// Closes the nearest open element named in `names`, as the parser does before a new list
    /// item or term, unless one of the elements where its search stops comes first.
    fn close_item(&mut self, names: &[&str]) {
        for k in (0..self.open.len()).rev() {
            let n = self.open[k];
            if names.contains(&n) {
                self.close_to(k);
                return;
            }
            if stops_item_search(n) {
                return;
            }
        }
    }

    /// The start tag of `el` with its allowed attributes; `None` for an image without a
    /// usable source.
    fn start_tag_text(&self, el: &str, tag: &Tag) -> Option<String> {
        let mut out = format!("<{el}");
        let mut seen: Vec<String> = Vec::new();
        let mut has_src = false;
        for (name, value) in tag.attrs(self.src) {
            let name = name.to_ascii_lowercase();
            if seen.contains(&name) {
                continue;
            }
            let value = value.unwrap_or("");
            let written = match (el, name.as_str()) {
                ("a", "href") => self.url(value, &["http", "https", "mailto"]),
                ("img", "src") => {
                    let url = self.url(value, &["http", "https"]);
                    has_src = url.is_some();
                    url
                }
                ("a" | "img" | "abbr", "title") | ("img", "alt") => {
                    let mut text = String::new();
                    push_text(&mut text, value, true);
                    Some(text)
                }
                ("img", "width" | "height") => number(value, u32::MAX, false),
                ("td" | "th", "colspan") => number(value, 1000, true),
                ("td" | "th", "rowspan") => number(value, 65_534, true),
                ("ol", "start") => start_number(value),
                _ => None,
            };
            if let Some(v) = written {
                out.push(' ');
                out.push_str(&name);
                out.push_str("=\"");
                out.push_str(&v);
                out.push('"');
            }
            seen.push(name);
        }
        match el {
            "a" => {
                out.push_str(" rel=\"");
                out.push_str(LINK_REL);
                out.push('"');
            }
            "img" if !has_src => return None,
            "img" => out.push_str(" loading=\"lazy\" referrerpolicy=\"no-referrer\""),
            _ => {}
        }
        out.push('>');
        Some(out)
    }

    /// The URL in attribute value `raw`, absolute and attribute-escaped, if its scheme is one
    /// of `schemes`.
    fn url(&self, raw: &str, schemes: &[&str]) -> Option<String> {
        let decoded = decode_attr(raw);
        let url = Url::options()
            .base_url(self.base)
            .parse(decoded.trim())
            .ok()?;
        if !schemes.contains(&url.scheme()) {
            return None;
        }
        let mut out = String::with_capacity(url.as_str().len());
        for c in url.as_str().chars() {
            push_escaped(&mut out, c);
        }
        Some(out)
    }

    fn end_tag(&mut self) {
        let src = self.src;
        let b = src.as_bytes();
        let name_to = name_end(b, self.pos + 2);
        let name = src[self.pos + 2..name_to].to_ascii_lowercase();
        let Some(tag) = Tag::scan(b, name_to) else {
            self.pos = src.len();
            return;
        };
        self.pos = tag.end;
        let Some(el) = allowed(&name).filter(|el| !is_void(el)) else {
            return;
        };
        if let Some(dropped) = self.overflow.get_mut(el).filter(|n| **n > 0) {
            // The end of a start tag dropped for depth.
            *dropped -= 1;
            return;
        }
        // Any heading's end tag ends the open heading, whichever its level.
        let found = if is_heading(el) {
            self.open.iter().rposition(|n| is_heading(n))
        } else {
            self.open.iter().rposition(|&n| n == el)
        };
        if let Some(k) = found {
            self.close_to(k);
        }
    }

    /// Writes the end tags of the open elements from index `k` on, innermost first.
    fn close_to(&mut self, k: usize) {
        while self.open.len() > k {
            if let Some(el) = self.open.pop() {
                self.out.push_str("</");
                self.out.push_str(el);
                self.out.push('>');
            }
        }
    }

    /// Where the end tag of raw text element `name` starts (or the end of input).
    fn raw_end(&self, name: &str) -> usize {
        let b = self.src.as_bytes();
        let mut from = self.pos;
        while let Some(off) = self.src[from..].find("</") {
            let at = from + off;
            let name_to = at + 2 + name.len();
            if b.get(at + 2..name_to)
                .is_some_and(|n| n.eq_ignore_ascii_case(name.as_bytes()))
                && b.get(name_to)
                    .is_none_or(|&c| is_ws(c) || c == b'/' || c == b'>')
            {
                return at;
            }
            from = at + 2;
        }
        self.src.len()
    }
}

/// Characters dropped from text: controls (but tab, newline, carriage return) and bidi
/// overrides and isolates.
fn is_dropped(c: char) -> bool {
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Appends `c` escaped for text and double-quoted attribute values.
fn push_escaped(out: &mut String, c: char) {
    match c {
        '&' => out.push_str("&amp;"),
        '<' => out.push_str("&lt;"),
        '>' => out.push_str("&gt;"),
        '"' => out.push_str("&quot;"),
        '\'' => out.push_str("&#39;"),
        c => out.push(c),
    }
}

/// Appends `text` escaped, without dropped characters. With `refs`, well-formed character
/// references are kept (but those naming a dropped character); otherwise `&` is always
/// escaped.
fn push_text(out: &mut String, text: &str, refs: bool) {
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if c == '&' && refs {
            if let Some((len, named)) = char_ref(rest) {
                if !named.is_some_and(is_dropped) {
                    out.push_str(&rest[..len]);
                }
                rest = &rest[len..];
                continue;
            }
        }
        if !is_dropped(c) {
            push_escaped(out, c);
        }
        rest = &rest[c.len_utf8()..];
    }
}

/// The well-formed character reference at the start of `s` (which starts with `&`): its length,
/// and for a numeric one the character it names (`None` when it is no character).
fn char_ref(s: &str) -> Option<(usize, Option<char>)> {
    let b = s.as_bytes();
    if b.get(1) == Some(&b'#') {
        let (value, len) = numeric(s)?;
        return (b.get(len) == Some(&b';')).then(|| (len + 1, char::from_u32(value)));
    }
    let name = b[1..]
        .iter()
        .take(33)
        .take_while(|c| c.is_ascii_alphanumeric())
        .count();
    ((1..=32).contains(&name) && b.get(1 + name) == Some(&b';')).then_some((name + 2, None))
}

/// The numeric reference at the start of `s` (`&#digits` or `&#xhex`, no `;`): its value
/// (saturating above Unicode) and length.
fn numeric(s: &str) -> Option<(u32, usize)> {
    let b = s.as_bytes();
    let (radix, from) = match b.get(2) {
        Some(b'x' | b'X') => (16, 3),
        _ => (10, 2),
    };
    let mut value: u32 = 0;
    let mut len = from;
    while let Some(d) = b.get(len).and_then(|&c| char::from(c).to_digit(radix)) {
        value = value.saturating_mul(radix).saturating_add(d).min(0x11_0000);
        len += 1;
    }
    (len > from).then_some((value, len))
}

/// An attribute value as the browser reads it: the basic named references, the ones that
/// hide a URL scheme, and numeric references (with or without `;`) decoded.
fn decode_attr(raw: &str) -> String {
    const NAMED: [(&str, char); 8] = [
        ("&amp;", '&'),
        ("&lt;", '<'),
        ("&gt;", '>'),
        ("&quot;", '"'),
        ("&apos;", '\''),
        ("&Tab;", '\t'),
        ("&NewLine;", '\n'),
        ("&colon;", ':'),
    ];
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        if let Some((value, mut len)) = numeric(rest) {
            if rest.as_bytes().get(len) == Some(&b';') {
                len += 1;
            }
            let c = char::from_u32(value).filter(|&c| c != '\0');
            out.push(c.unwrap_or(char::REPLACEMENT_CHARACTER));
            rest = &rest[len..];
        } else if let Some(&(name, c)) = NAMED.iter().find(|(name, _)| rest.starts_with(name)) {
            out.push(c);
            rest = &rest[name.len()..];
        } else {
            out.push('&');
            rest = &rest[1..];
        }
    }
    out.push_str(rest);
    out
}

/// A non-negative number of digits, at most `max` (clamped to `1..=max` with `clamp`, else
/// dropped when larger).
fn number(raw: &str, max: u32, clamp: bool) -> Option<String> {
    let digits = raw.trim_matches(|c: char| c.is_ascii_whitespace());
    if digits.is_empty() || !digits.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let value = digits.parse::<u32>().ok().filter(|&v| v <= max);
    let value = if clamp {
        value.unwrap_or(max).max(1)
    } else {
        value?
    };
    Some(value.to_string())
}

/// An `ol` start: digits with an optional leading `-`, within `i32`.
fn start_number(raw: &str) -> Option<String> {
    let s = raw.trim_matches(|c: char| c.is_ascii_whitespace());
    let digits = s.strip_prefix('-').unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    s.parse::<i32>().ok().map(|v| v.to_string())
}

#[cfg(test)]
mod tests;
