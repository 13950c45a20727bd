//! Bounds the HTML before the parser sees it, so rendering a hostile body stays fast and shallow.
//!
//! The HTML parser (html5ever) is quadratic in the depth of open elements, and html2text lays
//! out every level of nesting; a body of 5000 nested lists would take seconds. This pass walks
//! the source once with a small tokenizer and:
//!
//! - cuts the input at [`MAX_INPUT_BYTES`] (the caller adds a note);
//! - keeps at most [`MAX_DEPTH`] open elements, of which at most [`MAX_INDENT`] lists, quotes
//!   or tables: deeper start tags (and their end tags) are dropped, their text is kept;
//! - keeps at most 64 attributes per tag (duplicate checks are quadratic too) and clamps table
//!   spans, as browsers do (see `tag`);
//! - drops `script`, `style`, `iframe`, `noembed`, `noframes` with their content, and `object`,
//!   `applet`, `template`, `embed` with everything inside them;
//! - drops comments, doctypes and processing instructions, and every NUL character (the
//!   decorator uses NUL to mark headings and quotes, so no text may carry one).
//!
//! It only removes markup; it never has to be exact, since html5ever parses what is left.
//! Pure, no dependencies beyond std.

use std::collections::HashMap;

use super::tag::{Tag, is_ws, name_end};

/// Bodies longer than this are cut (at a character boundary) before parsing. A megabyte of
/// table soup takes about half a second to lay out; real articles are far smaller.
pub(super) const MAX_INPUT_BYTES: usize = 1024 * 1024;
/// Most elements kept open at once (not counting the ones the parser closes by itself).
pub(super) const MAX_DEPTH: usize = 32;
/// Most indenting blocks (lists, quotes, tables) open at once, so indentation stays capped.
pub(super) const MAX_INDENT: usize = 8;

/// The bounded HTML, and whether the input was cut.
pub(super) struct Prepared {
    pub html: String,
    pub truncated: bool,
}

/// How far [`prepare_within`] lets a document go.
pub(super) struct Limits {
    /// Bytes read at most (the rest is cut).
    pub input: usize,
    /// Elements open at once.
    pub depth: usize,
    /// Indenting blocks open at once.
    pub indent: usize,
}

/// The limits for laying a body out (see the module docs).
const READING: Limits = Limits {
    input: MAX_INPUT_BYTES,
    depth: MAX_DEPTH,
    indent: MAX_INDENT,
};

/// Bounds `html` for laying it out (see the module docs).
pub(super) fn prepare(html: &str) -> Prepared {
    prepare_within(html, &READING)
}

/// Bounds `html` within `limits`: the same pass, for a page whose structure must survive
/// (finding the article in a web page needs more depth than laying one out).
pub(super) fn prepare_within(html: &str, limits: &Limits) -> Prepared {
    let (src, truncated) = cap(html, limits.input);
    let mut scanner = Scanner {
        limits,
        src,
        pos: 0,
        out: String::with_capacity(src.len()),
        open: Vec::new(),
        dropping: None,
        overflow: HashMap::new(),
    };
    scanner.run();
    Prepared {
        html: scanner.out,
        truncated,
    }
}

/// `html` cut to at most `max` bytes at a character boundary, and whether it was cut.
fn cap(html: &str, max: usize) -> (&str, bool) {
    if html.len() <= max {
        return (html, false);
    }
    let mut end = max;
    while !html.is_char_boundary(end) {
        end -= 1;
    }
    (&html[..end], true)
}

/// How a start tag is treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Raw text element dropped with its content.
    RawDropped,
    /// Raw text element kept (its content is text, not markup).
    RawKept,
    /// Everything after it is text.
    Plaintext,
    /// Element dropped with everything inside it.
    Subtree,
    /// Never has content, or is closed by the parser itself: not counted in the depth.
    Uncounted,
    /// Void element dropped outright.
    VoidDropped,
    /// Everything else: counts toward the depth.
    Counted,
}

fn kind(name: &str) -> Kind {
    match name {
        "script" | "style" | "iframe" | "noembed" | "noframes" => Kind::RawDropped,
        "textarea" | "title" | "xmp" => Kind::RawKept,
        "plaintext" => Kind::Plaintext,
        "object" | "applet" | "template" => Kind::Subtree,
        "embed" => Kind::VoidDropped,
        "area" | "base" | "br" | "col" | "hr" | "img" | "input" | "link" | "meta" | "param"
        | "source" | "track" | "wbr" | "p" | "li" | "dt" | "dd" | "option" | "optgroup" | "tr"
        | "td" | "th" | "thead" | "tbody" | "tfoot" | "caption" | "colgroup" | "rb" | "rt"
        | "rp" | "rtc" | "html" | "head" | "body" => Kind::Uncounted,
        _ => Kind::Counted,
    }
}

/// Elements html2text lays out with a prefix or borders, narrowing what is inside.
fn indents(name: &str) -> bool {
    matches!(
        name,
        "ul" | "ol" | "dl" | "menu" | "dir" | "blockquote" | "table"
    )
}

struct Scanner<'a> {
    limits: &'a Limits,
    src: &'a str,
    pos: usize,
    out: String,
    /// Names of the counted elements open, innermost last.
    open: Vec<String>,
    /// While dropping a subtree: the depth at which it started.
    dropping: Option<usize>,
    /// Start tags dropped for depth and not yet closed, by name.
    overflow: HashMap<String, usize>,
}

impl Scanner<'_> {
    fn run(&mut self) {
        while let Some(off) = self.src[self.pos..].find('<') {
            let lt = self.pos + off;
            self.text(self.pos, lt);
            self.pos = lt;
            if !self.markup() {
                self.emit_str("<");
                self.pos = lt + 1;
            }
        }
        self.text(self.pos, self.src.len());
        self.pos = self.src.len();
    }

    fn emit_str(&mut self, s: &str) {
        if self.dropping.is_none() {
            self.out.push_str(s);
        }
    }

    /// Copies text, without NUL characters.
    fn text(&mut self, from: usize, to: usize) {
        if self.dropping.is_some() || from >= to {
            return;
        }
        for part in self.src[from..to].split('\0') {
            self.out.push_str(part);
        }
    }

    /// Handles the markup at `self.pos` (a `<`); false when the `<` is just text.
    fn markup(&mut self) -> bool {
        let rest = &self.src.as_bytes()[self.pos..];
        let second = rest.get(1).copied();
        if rest.starts_with(b"<!--") {
            self.skip_comment();
        } else if matches!(second, Some(b'!' | b'?')) {
            self.skip_past(b'>');
        } else if second == Some(b'/') {
            match rest.get(2) {
                Some(c) if c.is_ascii_alphabetic() => self.end_tag(),
                // `</>` is ignored; `</` and anything else is a bogus comment.
                Some(_) => self.skip_past(b'>'),
                None => return false,
            }
        } else if second.is_some_and(|c| c.is_ascii_alphabetic()) {
            self.start_tag();
        } else {
            return false;
        }
        true
    }

    /// Moves past the next `byte`, or to the end.
    fn skip_past(&mut self, byte: u8) {
        self.pos = match self.src.as_bytes()[self.pos..]
            .iter()
            .position(|&c| c == byte)
        {
            Some(k) => self.pos + k + 1,
            None => self.src.len(),
        };
    }

    fn skip_comment(&mut self) {
        let body = &self.src[self.pos + 4..];
        // `<!-->` and `<!--->` are complete (empty) comments.
        let end = if body.starts_with('>') {
            1
        } else if body.starts_with("->") {
            2
        } else {
            match (body.find("-->"), body.find("--!>")) {
                (Some(a), Some(b)) if b < a => b + 4,
                (Some(a), _) => a + 3,
                (None, Some(b)) => b + 4,
                (None, None) => body.len(),
            }
        };
        self.pos += 4 + end;
    }

    fn start_tag(&mut self) {
        let b = self.src.as_bytes();
        let start = self.pos;
        let name_to = name_end(b, start + 1);
        let name = self.src[start + 1..name_to].to_ascii_lowercase();
        let Some(tag) = Tag::scan(b, name_to) else {
            self.pos = self.src.len();
            return;
        };
        self.pos = tag.end;
        let in_foreign = self.open.iter().any(|n| n == "svg" || n == "math");
        let kind = match kind(&name) {
            // Inside SVG or MathML the parser reads `textarea`, `title`, `xmp` and `plaintext`
            // as ordinary elements and what follows them as markup: so must the bounds.
            Kind::RawKept | Kind::Plaintext if in_foreign => Kind::Counted,
            kind => kind,
        };
        let closed_by_slash = tag.self_closing && (in_foreign || name == "svg" || name == "math");
        match kind {
            Kind::RawDropped => self.skip_raw(&name),
            Kind::VoidDropped => {}
            Kind::RawKept => {
                self.emit_tag(start, &tag);
                let end = self.raw_end(&name);
                self.text(self.pos, end);
                self.pos = end;
            }
            Kind::Plaintext => {
                self.emit_tag(start, &tag);
                self.text(self.pos, self.src.len());
                self.pos = self.src.len();
            }
            Kind::Uncounted => self.emit_tag(start, &tag),
            Kind::Subtree | Kind::Counted if closed_by_slash => {
                if kind == Kind::Counted {
                    self.emit_tag(start, &tag);
                }
            }
            Kind::Subtree | Kind::Counted => {
                if matches!(name.as_str(), "a" | "button" | "nobr" | "form") {
                    // The parser closes an open one of these before opening another.
                    if let Some(k) = self.open.iter().rposition(|n| *n == name) {
                        self.close_to(k);
                    }
                }
                let too_deep = self.open.len() >= self.limits.depth
                    || (indents(&name) && self.indent_depth() >= self.limits.indent);
                // A subtree to drop is tracked even past the limit (one level more at most:
                // nothing inside it is emitted), so that its content never shows.
                let starts_drop = kind == Kind::Subtree && self.dropping.is_none();
                if too_deep && !starts_drop {
                    *self.overflow.entry(name).or_default() += 1;
                    return;
                }
                if starts_drop {
                    self.dropping = Some(self.open.len());
                }
                self.emit_tag(start, &tag);
                self.open.push(name);
            }
        }
    }

    fn indent_depth(&self) -> usize {
        self.open.iter().filter(|n| indents(n)).count()
    }

    /// Emits the tag from `start` to `tag.end`, bounded (see [`Tag::bounded`]).
    fn emit_tag(&mut self, start: usize, tag: &Tag) {
        if self.dropping.is_none() {
            tag.bounded(self.src, start, &mut self.out);
        }
    }

    fn end_tag(&mut self) {
        let b = self.src.as_bytes();
        let start = self.pos;
        let name_to = name_end(b, start + 2);
        let name = self.src[start + 2..name_to].to_ascii_lowercase();
        let Some(tag) = Tag::scan(b, name_to) else {
            self.pos = self.src.len();
            return;
        };
        self.pos = tag.end;
        let kind = match kind(&name) {
            // Opened as an ordinary element inside SVG or MathML (see `start_tag`).
            Kind::RawKept | Kind::Plaintext
                if self.open.contains(&name)
                    || self.overflow.get(&name).is_some_and(|n| *n > 0) =>
            {
                Kind::Counted
            }
            kind => kind,
        };
        match kind {
            Kind::Counted | Kind::Subtree => {
                if let Some(dropped) = self.overflow.get_mut(&name).filter(|n| **n > 0) {
                    // The end of an element dropped for depth.
                    *dropped -= 1;
                } else if let Some(k) = self.open.iter().rposition(|n| *n == name) {
                    self.emit_str(&format!("</{name}>"));
                    self.close_to(k);
                }
            }
            Kind::RawDropped | Kind::VoidDropped => {}
            _ => self.emit_str(&format!("</{name}>")),
        }
    }

    /// Closes the open elements from index `k` on, ending a dropped subtree that started there.
    fn close_to(&mut self, k: usize) {
        self.open.truncate(k);
        if self.dropping.is_some_and(|d| k <= d) {
            self.dropping = None;
        }
    }

    /// Where the end tag of raw text element `name` starts (or the end of input).
    fn raw_end(&self, name: &str) -> usize {
        let b = self.src.as_bytes();
        let mut from = self.pos;
        while let Some(off) = self.src[from..].find("</") {
            let at = from + off;
            let name_from = at + 2;
            let name_to = name_from + name.len();
            if b.get(name_from..name_to)
                .is_some_and(|n| n.eq_ignore_ascii_case(name.as_bytes()))
                && b.get(name_to)
                    .is_none_or(|&c| is_ws(c) || c == b'/' || c == b'>')
            {
                return at;
            }
            from = name_from;
        }
        self.src.len()
    }

    /// Skips the content and end tag of raw text element `name`.
    fn skip_raw(&mut self, name: &str) {
        self.pos = self.raw_end(name);
        if self.pos < self.src.len() {
            self.skip_past(b'>');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn html(s: &str) -> String {
        prepare(s).html
    }

    #[test]
    fn ordinary_markup_passes_through() {
        let s = r#"<p>a <a href="/x" title='y>z'>b</a><br/><img src=x alt="c"></p>"#;
        assert_eq!(html(s), s);
    }

    #[test]
    fn nesting_is_capped_but_text_kept() {
        let deep = "<div>".repeat(10_000) + "deep" + &"</div>".repeat(10_000);
        let out = html(&deep);
        assert_eq!(out.matches("<div>").count(), MAX_DEPTH);
        assert_eq!(out.matches("</div>").count(), MAX_DEPTH);
        assert!(out.contains("deep"));
    }

    #[test]
    fn indenting_blocks_are_capped_sooner() {
        let deep = "<ul><li>x".repeat(100);
        assert_eq!(html(&deep).matches("<ul>").count(), MAX_INDENT);
    }

    #[test]
    fn end_tags_of_dropped_elements_do_not_close_kept_ones() {
        let deep = "<div>".repeat(MAX_DEPTH + 5) + "x" + &"</div>".repeat(MAX_DEPTH + 5) + "y";
        let out = html(&deep);
        assert!(out.ends_with(&format!("x{}y", "</div>".repeat(MAX_DEPTH))));
    }

    #[test]
    fn self_closing_div_still_counts_as_open() {
        let out = html(&"<div/>".repeat(100));
        assert_eq!(out.matches("<div/>").count(), MAX_DEPTH);
    }

    #[test]
    fn unclosed_links_do_not_pile_up() {
        let out = html(&"<a href=x>t".repeat(100));
        assert_eq!(out.matches("<a ").count(), 100);
    }

    #[test]
    fn attributes_are_capped() {
        let attrs = (0..1000).fold(String::new(), |acc, i| acc + &format!(" a{i}=\"v\""));
        let out = html(&format!("<p{attrs}>x</p>"));
        assert_eq!(out.matches('=').count(), super::super::tag::MAX_ATTRS);
        assert!(out.contains("a63=") && !out.contains("a64="));
        assert!(out.ends_with(">x</p>"));
    }

    #[test]
    fn script_style_iframe_content_is_dropped() {
        let out = html(
            "<script>if (a<b) {}</script>1<STYLE>p{}</style >2\
             <iframe src=x>fallback</iframe>3<noembed>n</noembed>",
        );
        assert_eq!(out, "123");
    }

    #[test]
    fn object_subtree_is_dropped() {
        let out = html("<object data=x><p>fallback<embed src=y></p></object>after<embed src=z>");
        assert_eq!(out, "after");
    }

    #[test]
    fn object_past_the_depth_limit_is_still_dropped() {
        let deep = "<div>".repeat(MAX_DEPTH) + "<object><p>fallback</p></object>after";
        let out = html(&deep);
        assert!(!out.contains("fallback"));
        assert!(out.ends_with("after"));
    }

    #[test]
    fn unterminated_script_drops_the_rest() {
        assert_eq!(html("a<script>alert(1)"), "a");
    }

    #[test]
    fn textarea_content_is_text() {
        let s = "<textarea><div><script>x</script></textarea>";
        assert_eq!(html(s), s);
    }

    /// Found by fuzzing (`fuzz/regressions/render/raw-text-names-inside-svg`): inside SVG the
    /// parser reads what follows `<textarea>` (or `title`, `xmp`, `plaintext`) as markup, where
    /// this pass took it for text and bounded nothing in it, so thousands of nested quotes
    /// reached html2text and 100 KiB took 24 s to lay out.
    #[test]
    fn raw_text_names_inside_svg_or_math_are_markup_and_bounded() {
        for raw in ["textarea", "title", "xmp", "plaintext"] {
            for foreign in ["svg", "math"] {
                let s = format!("<{foreign}><{raw}>{}x", "<blockquote><pre>".repeat(1000));
                let out = html(&s);
                assert_eq!(out.matches("<blockquote>").count(), MAX_INDENT, "{s:.30}");
                assert!(out.matches("<pre>").count() < MAX_DEPTH, "{s:.30}");
            }
        }
        let closed = html("<svg><textarea><b>x</b></textarea></svg><div>y</div>");
        assert_eq!(
            closed,
            "<svg><textarea><b>x</b></textarea></svg><div>y</div>"
        );
    }

    #[test]
    fn comments_and_doctypes_are_dropped() {
        assert_eq!(
            html("<!DOCTYPE html>a<!-- <div> -->b<!-->c<?pi?>d</>e<!--x--!>f"),
            "abcdef"
        );
    }

    #[test]
    fn lone_angle_brackets_are_text() {
        assert_eq!(html("a < b <3 <"), "a < b <3 <");
    }

    #[test]
    fn nul_characters_are_dropped() {
        assert_eq!(html("a\0b<p title=\"x\">c\0</p>"), "ab<p title=\"x\">c</p>");
    }

    #[test]
    fn long_input_is_cut_at_a_char_boundary() {
        let s = "é".repeat(MAX_INPUT_BYTES);
        let out = prepare(&s);
        assert!(out.truncated);
        assert!(out.html.len() <= MAX_INPUT_BYTES);
        assert!(!prepare("short").truncated);
    }

    #[test]
    fn unterminated_tag_is_dropped() {
        assert_eq!(html("a<div class=\"x"), "a");
    }
}
