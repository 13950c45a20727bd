//! The article in a web page (issue #23, the whole article). Pure: a page's HTML in, the
//! article's HTML out, or one line saying why there is none.
//!
//! The page goes through the same bounding pass as every body first (`prepare`: scripts,
//! styles, frames and comments gone, size and depth capped), with room for a page's structure
//! (256 open elements, where a body gets 32): html5ever is quadratic in the depth of open
//! elements, so a page of 100,000 nested `div`s would take half a minute to parse, and
//! Readability's scoring walks ancestors for every paragraph. Then the page is parsed once, its
//! elements counted (a flat page of a million elements is refused before any scoring), and
//! Mozilla's Readability, as `dom_smoothie` ports it, finds the article. What it finds must
//! read as one: enough text, not mostly links (a front page, a list of teasers), and more than
//! the feed already gave (a paywall's page gives the teaser again, then "subscribe").
//!
//! Why `dom_smoothie` (tools/extract-compare has the comparison and its figures): it follows
//! readability.js closely and is kept up to date, and it parses with html5ever 0.40, the
//! version html2text already brings, so it adds no second HTML parser to the build.

use dom_query::{Document, NodeRef};

use super::prepare::{Limits, prepare_within};

/// The most of a page that is read (the fetcher refuses a longer one first).
pub const MAX_PAGE_BYTES: usize = 5 * 1024 * 1024;
/// The bounds a page is read within.
const PAGE: Limits = Limits {
    input: MAX_PAGE_BYTES,
    depth: 256,
    indent: 64,
};
/// Pages with more elements than this are not articles (real ones have a few thousand).
pub const MAX_ELEMENTS: usize = 60_000;
/// An article has at least this many characters of text (spaces aside).
const MIN_CHARS: usize = 250;
/// The share of an article's text that may be link text.
const MAX_LINK_SHARE: f64 = 0.5;

/// An article found in a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extracted {
    /// The article as HTML, links absolute. Like every body it is sanitised when shown.
    pub html: String,
    /// Characters of its text, spaces aside.
    pub chars: usize,
}

/// Why a page gave no article; each reads as the end of "Whole article not fetched: …".
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum NoArticle {
    #[error("the page has more than {MAX_ELEMENTS} elements, too many for an article")]
    TooManyElements,
    #[error("the page does not read as an article")]
    NotAnArticle,
    #[error("the page is mostly links, not an article")]
    MostlyLinks,
    #[error("the page gives no more than the feed ({page} characters against {feed}): a paywall?")]
    NoMore { page: usize, feed: usize },
}

/// The article in `page`, fetched from `url` (an absolute http(s) address, which relative
/// links resolve against), when it says more than `teaser_html`, the feed's own body.
pub fn extract(page: &str, url: &str, teaser_html: &str) -> Result<Extracted, NoArticle> {
    let prepared = prepare_within(page, &PAGE);
    let doc = Document::from(prepared.html.as_str());
    if elements(&doc.root(), MAX_ELEMENTS) > MAX_ELEMENTS {
        return Err(NoArticle::TooManyElements);
    }
    let cfg = dom_smoothie::Config {
        max_elements_to_parse: MAX_ELEMENTS,
        ..dom_smoothie::Config::default()
    };
    let article = dom_smoothie::Readability::with_document(doc, Some(url), Some(cfg))
        .and_then(|mut r| r.parse())
        .map_err(|_| NoArticle::NotAnArticle)?;
    let html = article.content.to_string();
    let found = Document::from(html.as_str());
    let chars = letters(&found.root());
    if chars < MIN_CHARS {
        return Err(NoArticle::NotAnArticle);
    }
    let linked: usize = found.select("a").nodes().iter().map(letters).sum();
    #[allow(clippy::cast_precision_loss)] // character counts, far below 2^52
    if linked as f64 > chars as f64 * MAX_LINK_SHARE {
        return Err(NoArticle::MostlyLinks);
    }
    let feed = letters(&Document::fragment(teaser_html).root());
    if chars <= feed + feed / 5 {
        return Err(NoArticle::NoMore { page: chars, feed });
    }
    Ok(Extracted { html, chars })
}

/// Characters of `node`'s text, spaces aside.
fn letters(node: &NodeRef<'_>) -> usize {
    node.text().chars().filter(|c| !c.is_whitespace()).count()
}

/// The elements under `root`, counted without recursion up to just past `limit`.
fn elements(root: &NodeRef<'_>, limit: usize) -> usize {
    let mut count = 0;
    let mut stack = vec![*root];
    while let Some(node) = stack.pop() {
        if node.is_element() {
            count += 1;
            if count > limit {
                break;
            }
        }
        let mut child = node.first_child();
        while let Some(c) = child {
            child = c.next_sibling();
            stack.push(c);
        }
    }
    count
}

#[cfg(test)]
#[allow(clippy::format_collect)] // test pages, built once
mod tests {
    use super::*;

    const URL: &str = "https://news.example/2024/05/the-post/";

    fn prose(words: usize) -> String {
        let sentence = "The committee met on Tuesday and agreed, after a long debate, to keep \
                        the old bridge open for walkers and cyclists. ";
        let per = sentence.split_whitespace().count();
        sentence.repeat(words / per + 1)
    }

    /// A publisher's page: header, navigation, the article, a sidebar, comments, a footer.
    fn page(article: &str) -> String {
        let nav: String = (1..=12)
            .map(|i| format!("<li><a href=\"/section/{i}\">Section {i}</a></li>"))
            .collect();
        format!(
            "<!doctype html><html><head><title>The post</title>\
             <script>var tracking = 'x';</script><style>body{{color:red}}</style></head>\
             <body><header class=\"site-header\"><nav><ul>{nav}</ul></nav></header>\
             <main><article class=\"post\"><h1>The post</h1>\
             <p class=\"byline\">By A. Writer</p>{article}</article>\
             <aside class=\"sidebar\"><h3>Popular posts</h3><ul>{nav}</ul></aside>\
             <section class=\"comments\"><p>Great post!</p></section></main>\
             <footer><a href=\"/about\">About</a> © News Example</footer></body></html>"
        )
    }

    fn paragraphs(n: usize) -> String {
        (0..n).map(|_| format!("<p>{}</p>", prose(60))).collect()
    }

    #[test]
    fn the_article_is_found_without_the_page_around_it() {
        let body = paragraphs(6);
        let found = extract(&page(&body), URL, "<p>A teaser.</p>").unwrap();
        assert!(found.html.contains("old bridge open"));
        assert!(!found.html.contains("Popular posts"), "{}", found.html);
        assert!(!found.html.contains("Section 3"));
        assert!(!found.html.contains("tracking"));
        assert!(found.chars > 1000);
    }

    #[test]
    fn relative_links_in_the_article_become_absolute() {
        let body = format!(
            "{}<p>See <a href=\"../other/\">the other post</a>.</p>",
            paragraphs(5)
        );
        let found = extract(&page(&body), URL, "").unwrap();
        assert!(
            found.html.contains("https://news.example/2024/05/other/"),
            "{}",
            found.html
        );
    }

    #[test]
    fn a_page_that_says_no_more_than_the_feed_is_refused() {
        let teaser = paragraphs(2);
        let err = extract(&page(&teaser), URL, &teaser).unwrap_err();
        assert!(matches!(err, NoArticle::NoMore { .. }), "{err}");
    }

    #[test]
    fn a_page_of_links_is_not_an_article() {
        let links: String = (0..200)
            .map(|i| format!("<p><a href=\"/p/{i}\">Another headline about the bridge {i}</a></p>"))
            .collect();
        let err = extract(&page(&links), URL, "").unwrap_err();
        assert!(
            matches!(err, NoArticle::MostlyLinks | NoArticle::NotAnArticle),
            "{err}"
        );
    }

    #[test]
    fn a_page_with_little_text_is_not_an_article() {
        let err = extract(&page("<p>Subscribe to read.</p>"), URL, "").unwrap_err();
        assert_eq!(err, NoArticle::NotAnArticle);
    }

    /// 100,000 nested elements: bounded before the parser sees them (it is quadratic in
    /// depth), so this answers at once instead of after half a minute.
    #[test]
    fn a_hundred_thousand_nested_elements_are_bounded_before_parsing() {
        let n = 100_000;
        let deep = format!(
            "<html><body>{}{}{}</body></html>",
            "<div>".repeat(n),
            paragraphs(4),
            "</div>".repeat(n)
        );
        let found = extract(&deep, URL, "").unwrap();
        assert!(found.html.contains("old bridge"));
        let unclosed = format!("<html><body>{}<p>x</p></body></html>", "<div>".repeat(n));
        assert_eq!(
            extract(&unclosed, URL, "").unwrap_err(),
            NoArticle::NotAnArticle
        );
    }

    #[test]
    fn a_page_of_too_many_elements_is_refused_before_scoring() {
        let flat = format!(
            "<html><body>{}</body></html>",
            "<p>a".repeat(MAX_ELEMENTS + 10)
        );
        assert_eq!(
            extract(&flat, URL, "").unwrap_err(),
            NoArticle::TooManyElements
        );
    }
}
