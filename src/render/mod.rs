//! HTML → styled, wrapped text lines plus the numbered list of links, through html2text.
//! Pure; uses only `model`. No ratatui types: the `ui` layer maps `Style` to its own.
//!
//! The pipeline: `prepare` bounds the input (size, nesting depth, attributes, table spans) and
//! drops script, style, iframe and object content, so parsing stays fast and html2text stays
//! clear of its panics on hostile bodies; html2text lays the document out with our
//! `decorator`, which numbers links and marks heading and quote prefixes; `lines` turns that
//! into [`Line`]s, passing every piece of text through `model::sanitize` and hard-wrapping
//! whatever is still wider than asked.
//!
//! `safe_html` serves the other way out, to a web page: it rewrites a body as an HTML fragment
//! of allowlisted elements and attributes, safe to embed as is (see `safe_html`).

mod decorator;
mod fallback;
mod lines;
mod links;
mod prepare;
pub mod readable;
mod safe_html;
mod tag;

use std::{cell::RefCell, rc::Rc};

use decorator::Decorator;
pub use fallback::fallback;
use links::LinkTable;
pub use safe_html::safe_html;

/// How a span of rendered text should look.
#[allow(clippy::struct_excessive_bools)] // independent flags the `ui` layer maps one to one
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Style {
    pub bold: bool,
    pub italic: bool,
    pub code: bool,
    pub heading: bool,
    pub quote: bool,
    /// The span is the text of link number `n` (1-based, into `Rendered::links`).
    pub link: Option<usize>,
}

/// A run of text with one style.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    pub text: String,
    pub style: Style,
}

/// How a line may be laid out.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Flow {
    /// Running text, wrapped to the width.
    #[default]
    Wrapped,
    /// A line of a preformatted block (`<pre>`): kept whole, as its source breaks it, even
    /// when wider than the width (code and ASCII art wrapped mid-word are unreadable, issue
    /// #19); where it is drawn, it is cut.
    Preformatted,
    /// `[n] URL` in the link list: kept whole, so that copying it copies the whole address.
    Link,
}

/// One display line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Line {
    pub spans: Vec<Span>,
    pub flow: Flow,
}

/// A rendered article: lines no wider than the width asked for (but for the whole lines of
/// [`Flow::Preformatted`] and [`Flow::Link`]), and its links (absolute URLs).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rendered {
    pub lines: Vec<Line>,
    pub links: Vec<String>,
    /// The entry's title wrapped at the same width (`with_title`), for the reader's header.
    pub title: Vec<String>,
}

impl Rendered {
    /// The layout with the entry's `title` wrapped at `width` columns above it.
    #[must_use]
    pub fn with_title(mut self, title: &str, width: usize) -> Self {
        self.title = fallback::wrap_title(title, width);
        self
    }
}

/// html2text is never asked for fewer columns than this; narrower output is cut afterwards.
const MIN_LAYOUT_WIDTH: usize = 10;

/// Preformatted lines are laid out this wide: wider ones (only a hostile or generated body has
/// them) are wrapped here, so that a one-line megabyte stays a bounded number of lines.
const PRE_WIDTH: usize = 4096;

/// Renders `html` at `width` columns. Relative links resolve against `base_url`.
///
/// Every line is at most `width` columns wide (a width of 0 counts as 1; at widths below
/// `MIN_LAYOUT_WIDTH` the text is laid out at that width and then cut), but for preformatted
/// lines, kept as their source breaks them (up to `PRE_WIDTH` columns). When the article has
/// links, the lines end with a blank line and one `[n] URL` line per link, whole however long.
/// There are at most `lines::MAX_LINES` lines: past them the article is cut, with a note.
pub fn article(html: &str, base_url: Option<&str>, width: usize) -> Rendered {
    let prepared = prepare::prepare(html);
    let table = Rc::new(RefCell::new(LinkTable::new(base_url)));
    let mut body = layout(&prepared.html, &table, width.max(MIN_LAYOUT_WIDTH));
    if body.iter().any(|l| l.flow == Flow::Preformatted) {
        // html2text wraps preformatted text like any other: lay the document out again wide
        // enough for it, and take its preformatted lines from there.
        let scratch = Rc::new(RefCell::new(LinkTable::new(base_url)));
        let wide = layout(&prepared.html, &scratch, PRE_WIDTH);
        body = lines::unwrap_preformatted(body, &wide);
    }
    if prepared.truncated {
        if !body.is_empty() {
            body.push(Line::default());
        }
        body.push(plain_line(format!(
            "[article cut: longer than {} MiB]",
            prepare::MAX_INPUT_BYTES / (1024 * 1024)
        )));
    }
    let links = table.borrow_mut().take_urls();
    if !links.is_empty() {
        body.push(Line::default());
        for (i, url) in links.iter().enumerate() {
            let mut line = plain_line(format!("[{}] ", i + 1));
            line.flow = Flow::Link;
            line.spans.push(Span {
                text: url.clone(),
                style: Style {
                    link: Some(i + 1),
                    ..Style::default()
                },
            });
            body.push(line);
        }
    }
    Rendered {
        lines: lines::fit(body, width),
        links,
        title: Vec::new(),
    }
}

/// The same rendering as [`article`], as plain text: lines joined with `\n`.
pub fn plain(html: &str, base_url: Option<&str>, width: usize) -> String {
    let rendered = article(html, base_url, width);
    let texts: Vec<String> = rendered.lines.iter().map(Line::text).collect();
    texts.join("\n")
}

fn plain_line(text: String) -> Line {
    Line {
        spans: vec![Span {
            text,
            style: Style::default(),
        }],
        flow: Flow::Wrapped,
    }
}

/// html2text's layout of `html`, without leading or trailing blank lines.
fn layout(html: &str, table: &Rc<RefCell<LinkTable>>, width: usize) -> Vec<Line> {
    let laid_out = html2text::config::with_decorator(Decorator::new(Rc::clone(table)))
        .allow_width_overflow()
        .unicode_strikeout(false)
        .lines_from_read(html.as_bytes(), width);
    let Ok(tagged) = laid_out else {
        // html2text fails on a document with nothing to show; keep no links from it either.
        table.borrow_mut().take_urls();
        return Vec::new();
    };
    let mut lines = lines::convert(&tagged);
    let end = lines
        .iter()
        .rposition(|l| !l.is_blank())
        .map_or(0, |i| i + 1);
    lines.truncate(end);
    let start = lines.iter().position(|l| !l.is_blank()).unwrap_or(0);
    lines.drain(..start);
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::sanitize;

    const BASE: Option<&str> = Some("https://example.org/blog/post");

    fn texts(r: &Rendered) -> Vec<String> {
        r.lines.iter().map(Line::text).collect()
    }

    /// The span whose text contains `needle`.
    fn span<'a>(r: &'a Rendered, needle: &str) -> &'a Span {
        r.lines
            .iter()
            .flat_map(|l| &l.spans)
            .find(|s| s.text.contains(needle))
            .unwrap_or_else(|| panic!("no span with {needle:?} in {:?}", texts(r)))
    }

    /// Every wrapped line within `width`; the lines kept whole within their own bounds.
    fn assert_fits(r: &Rendered, width: usize) {
        for line in &r.lines {
            if line.flow != Flow::Wrapped {
                assert!(line.width() <= 8 * 1024 + 16, "{:?}", line.text());
                continue;
            }
            assert!(
                line.width() <= width.max(1),
                "{:?} wider than {width}",
                line.text()
            );
        }
    }

    fn assert_clean(r: &Rendered) {
        for text in texts(r).iter().chain(&r.links) {
            assert_eq!(&sanitize::block(text), text, "unsanitised: {text:?}");
            assert!(!text.contains('\n'), "{text:?}");
        }
    }

    #[test]
    fn empty_html_gives_empty_lines() {
        for html in ["", "   \n", "<p></p>", "<!-- c -->", "<script>x</script>"] {
            assert_eq!(article(html, BASE, 80), Rendered::default(), "{html:?}");
        }
    }

    #[test]
    fn paragraphs_wrap_within_width() {
        let words = "lorem ipsum dolor sit amet ".repeat(20);
        let r = article(&format!("<p>{words}</p><p>second</p>"), None, 30);
        assert_fits(&r, 30);
        assert!(r.lines.len() > 10);
        let t = texts(&r);
        assert_eq!(t[t.len() - 2..], [String::new(), "second".to_owned()]);
    }

    #[test]
    fn list_items_are_laid_out() {
        let r = article(
            "<ul><li>one</li><li>two<ol><li>a</li><li>b</li></ol></li></ul>",
            None,
            40,
        );
        assert_eq!(texts(&r), ["* one", "* two", "  1. a", "  2. b"]);
    }

    #[test]
    fn pre_blocks_keep_line_breaks_and_are_code() {
        let r = article(
            "<pre><code>fn main() {\n    run();\n}</code></pre>",
            None,
            40,
        );
        assert_eq!(texts(&r), ["fn main() {", "    run();", "}"]);
        assert!(r.lines.iter().all(|l| l.spans.iter().all(|s| s.style.code)));
    }

    /// Issue #19: `<pre>` text was hard-wrapped mid-word at the reader's width (and at 78
    /// columns in text and Markdown export).
    #[test]
    fn pre_text_is_not_wrapped_mid_word() {
        let long = format!("let answer = compute({});", "argument, ".repeat(12));
        let html = format!(
            "<p>{}</p><pre><code>{long}\n  short</code></pre><p>after</p>",
            "words to wrap ".repeat(8)
        );
        let r = article(&html, None, 40);
        let t = texts(&r);
        assert!(t.contains(&long), "{t:#?}");
        assert!(t.contains(&"  short".to_owned()), "{t:#?}");
        let pre: Vec<&Line> = r
            .lines
            .iter()
            .filter(|l| l.flow == Flow::Preformatted)
            .collect();
        assert_eq!(pre.len(), 2, "{t:#?}");
        assert!(pre.iter().all(|l| l.spans.iter().all(|s| s.style.code)));
        // Running text around it still wraps.
        assert!(t.len() > 5);
        assert_fits(&r, 40);
    }

    /// The same within a quote: the prefix stays, the line stays whole.
    #[test]
    fn pre_in_a_quote_is_kept_whole_with_its_prefix() {
        let long = "x".repeat(90);
        let r = article(
            &format!("<blockquote><pre>{long}</pre></blockquote>"),
            None,
            40,
        );
        assert_eq!(texts(&r), [format!("> {long}")]);
        assert_eq!(r.lines[0].flow, Flow::Preformatted);
    }

    /// Issue #19: a long URL in the link list was cut into pieces, which breaks copying it.
    #[test]
    fn long_urls_in_the_link_list_are_never_broken() {
        let url = format!("https://example.org/{}", "segment/".repeat(20));
        let r = article(&format!("<p><a href=\"{url}\">a link</a></p>"), None, 40);
        let t = texts(&r);
        assert_eq!(t.last(), Some(&format!("[1] {url}")), "{t:#?}");
        assert_eq!(r.lines.last().map(|l| l.flow), Some(Flow::Link));
        assert_fits(&r, 40);
    }

    #[test]
    fn inline_code_is_code() {
        let r = article("<p>run <code>cargo test</code> now</p>", None, 40);
        assert!(span(&r, "cargo test").style.code);
        assert!(!span(&r, "run").style.code);
    }

    #[test]
    fn emphasis_is_italic_and_strong_is_bold() {
        let r = article(
            "<p><em>soft</em> <strong>loud</strong> <b>b</b></p>",
            None,
            40,
        );
        assert!(span(&r, "soft").style.italic);
        assert!(span(&r, "loud").style.bold);
        assert!(span(&r, "b").style.bold);
    }

    #[test]
    fn headings_are_marked_and_bold() {
        let r = article("<h2>Release notes</h2><p>body</p>", None, 40);
        assert_eq!(texts(&r)[0], "## Release notes");
        let style = span(&r, "Release").style;
        assert!(style.heading && style.bold);
        assert!(!span(&r, "body").style.heading);
    }

    #[test]
    fn blockquote_is_prefixed_and_marked() {
        let r = article(
            "<blockquote><p>quoted words</p></blockquote><p>after</p>",
            None,
            40,
        );
        assert_eq!(texts(&r), ["> quoted words", "", "after"]);
        assert!(span(&r, "quoted").style.quote);
        assert!(!span(&r, "after").style.quote);
    }

    #[test]
    fn heading_and_quote_marks_cannot_be_forged_by_text() {
        let r = article("<p>a\0#b &#0;> c</p>", None, 40);
        assert!(
            r.lines
                .iter()
                .flat_map(|l| &l.spans)
                .all(|s| !s.style.heading && !s.style.quote)
        );
        assert_clean(&r);
    }

    #[test]
    fn image_shows_its_alt_text() {
        let r = article(
            r#"<p><img src="cat.png" alt="A cat"><img src="pixel.gif"></p>"#,
            None,
            40,
        );
        assert_eq!(texts(&r), ["[image: A cat]"]);
    }

    #[test]
    fn an_image_carries_its_link_unless_it_is_inside_one() {
        let r = article(
            r#"<p><img src="/img/cat.png" alt="A cat"></p><p><a href="https://example.com/big"><img src="/t.png" alt="thumb"></a></p>"#,
            Some("https://example.com/post/"),
            60,
        );
        let text = texts(&r).join("\n");
        assert!(text.contains("[image: A cat][1]"), "{text}");
        assert!(text.contains("[image: thumb][2]"), "{text}");
        let urls: Vec<&str> = r.links.iter().map(String::as_str).collect();
        assert_eq!(
            urls,
            ["https://example.com/img/cat.png", "https://example.com/big"]
        );
    }

    #[test]
    fn links_are_numbered_and_listed_absolute() {
        let r = article(
            r#"<p>See <a href="https://example.com/a">docs</a> and <a href="mailto:x@example.com">mail</a>.</p>"#,
            None,
            60,
        );
        assert_eq!(r.links, ["https://example.com/a", "mailto:x@example.com"]);
        assert_eq!(span(&r, "docs").style.link, Some(1));
        assert_eq!(span(&r, "mail").style.link, Some(2));
        assert!(span(&r, "[1]").style.link.is_none());
        let t = texts(&r);
        assert_eq!(t[0], "See docs[1] and mail[2].");
        assert_eq!(
            t[1..],
            ["", "[1] https://example.com/a", "[2] mailto:x@example.com"]
        );
    }

    #[test]
    fn relative_link_resolves_against_base() {
        let r = article(
            r#"<a href="../about">about</a> <a href="/feed?x=1">feed</a>"#,
            BASE,
            60,
        );
        assert_eq!(
            r.links,
            ["https://example.org/about", "https://example.org/feed?x=1"]
        );
    }

    #[test]
    fn relative_link_without_base_is_not_listed() {
        let r = article(r#"<a href="/about">about</a>"#, None, 60);
        assert!(r.links.is_empty());
        assert_eq!(texts(&r), ["about"]);
    }

    #[test]
    fn javascript_link_is_shown_but_not_listed() {
        let r = article(
            r#"<a href="javascript:alert(1)">click</a> <a href="data:text/html,x">d</a> <a href="file:///etc/passwd">f</a>"#,
            BASE,
            60,
        );
        assert!(r.links.is_empty());
        assert_eq!(texts(&r), ["click d f"]);
        assert!(span(&r, "click").style.link.is_none());
    }

    #[test]
    fn duplicate_href_gets_the_same_number() {
        let r = article(
            r#"<a href="https://example.org/a">one</a> <a href="/b">two</a> <a href="/a">three</a>"#,
            BASE,
            60,
        );
        assert_eq!(r.links, ["https://example.org/a", "https://example.org/b"]);
        assert_eq!(span(&r, "three").style.link, Some(1));
        assert_eq!(texts(&r)[0], "one[1] two[2] three[1]");
    }

    #[test]
    fn script_style_iframe_and_object_are_dropped() {
        let r = article(
            "<script>alert('x')</script><style>p{content:'CSS'}</style>\
             <iframe src=x>frame text</iframe><object data=y>object text</object><p>kept</p>",
            None,
            60,
        );
        assert_eq!(texts(&r), ["kept"]);
    }

    #[test]
    fn terminal_escapes_via_entities_are_stripped() {
        let r = article(
            r#"<p>a&#27;[2J&#x1b;]52;c;eA==&#x7;b &#x9b;31m &#x85; &#1;</p><a href="https://example.org/&#27;x">&#27;]8;;x&#27;\</a>"#,
            None,
            80,
        );
        assert_clean(&r);
        assert!(texts(&r)[0].starts_with("a[2J]52;c;eA==b"));
    }

    #[test]
    fn bidi_override_is_stripped() {
        let r = article(
            "<p>evil&#x202e;txt.exe&#x202c; &#x2066;iso&#x2069; &lrm;x</p>",
            None,
            80,
        );
        assert_clean(&r);
        assert_eq!(texts(&r), ["eviltxt.exe iso x"]);
    }

    #[test]
    fn non_ascii_text_is_kept_within_width() {
        let r = article("<p>Café 日本語のテキスト 🎉 naïve</p>", None, 12);
        assert_fits(&r, 12);
        assert!(texts(&r).concat().contains("日本"));
    }

    #[test]
    fn nested_lists_5000_deep_do_not_panic() {
        let html = "<ul><li>level".repeat(5000);
        let r = article(&html, None, 40);
        assert_fits(&r, 40);
        assert_eq!(
            r.lines
                .iter()
                .filter(|l| l.text().contains("level"))
                .count(),
            5000
        );
    }

    #[test]
    fn unclosed_divs_10k_deep_do_not_panic() {
        let html = "<div><blockquote>".repeat(10_000) + "deep";
        let r = article(&html, None, 40);
        assert_fits(&r, 40);
        assert!(texts(&r).concat().contains("deep"));
    }

    #[test]
    fn table_spans_that_crash_html2text_do_not_panic() {
        let overflowing = format!(
            "<table><tr>{}</tr></table>",
            "<td colspan=4000000000000000000>x</td>".repeat(5)
        );
        let past_last_row = "<table><tr><td colspan=2>x</td><td rowspan=3>y</td></tr>\
                             <tr><td colspan=2>z</td></tr></table>";
        for html in [overflowing.as_str(), past_last_row] {
            let r = article(html, None, 40);
            assert_fits(&r, 40);
            assert!(texts(&r).concat().contains('x'));
        }
    }

    #[test]
    fn width_1_and_width_0_do_not_panic() {
        let html =
            "<h1>Title</h1><p>日本 <a href='https://example.org/'>link</a></p><ul><li>x</li></ul>";
        for width in [0, 1, 2, 5] {
            let r = article(html, None, width);
            assert_fits(&r, width);
            assert_eq!(r.links.len(), 1);
        }
    }

    #[test]
    fn oversized_body_is_cut_with_a_note() {
        let html = "<p>word </p>".repeat(prepare::MAX_INPUT_BYTES / 10);
        let r = article(&html, None, 80);
        assert!(
            r.lines
                .last()
                .is_some_and(|l| l.text().starts_with("[article cut"))
        );
    }

    /// Found by fuzzing (`fuzz/regressions/render/width-1-million-lines`): at width 1 every
    /// character is a line, and indentation makes several, so a megabyte of nested lists became
    /// ten million lines and gigabytes. The plain-text fallback had the same bound to keep.
    #[test]
    fn a_huge_body_at_width_1_is_cut_at_max_lines() {
        let html = "<ul><li><ol><li>".repeat(4) + &"ab ".repeat(200_000);
        for r in [article(&html, None, 1), fallback(&html, 1)] {
            assert_fits(&r, 1);
            assert_clean(&r);
            assert_eq!(r.lines.len(), lines::MAX_LINES);
            let note: String = texts(&r)[lines::MAX_LINES - 45..].concat();
            assert!(
                note.ends_with("[article cut: longer than 100000 lines]"),
                "{note}"
            );
        }
        let r = article(&"<p>ab</p>".repeat(1000), None, 80);
        assert!(!texts(&r).concat().contains("cut"));
    }

    #[test]
    fn plain_joins_the_rendered_lines() {
        let html = r#"<h1>T</h1><p>body <a href="https://example.org/">x</a></p>"#;
        assert_eq!(
            plain(html, None, 40),
            "# T\n\nbody x[1]\n\n[1] https://example.org/"
        );
    }
}
