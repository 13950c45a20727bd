//! The html2text decorator: says how each inline element is annotated, numbers links as they
//! are laid out, and marks heading and quote prefixes so `lines` can style those lines.
//!
//! html2text gives headings and block quotes no annotation, only a prefix string. Ours starts
//! with [`MARK`] (NUL), which never survives in document text (`prepare` drops it, and the
//! parser turns `&#0;` into U+FFFD), so a NUL in the output is always ours. The byte it adds
//! to the prefix makes html2text reserve one column that `lines` then leaves unused.

use std::{cell::RefCell, rc::Rc};

use html2text::render::{TaggedLine, TextDecorator};

use super::links::LinkTable;
use crate::model::sanitize;

/// Starts every heading and quote prefix; the next character says which (`#` or `>`).
pub(super) const MARK: char = '\0';

/// What html2text attaches to a run of text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) enum Ann {
    #[default]
    Plain,
    /// The text of link number `n`.
    Link(usize),
    Image,
    Emphasis,
    Strong,
    Code,
    Preformat,
}

/// Shares one link table between the decorator and the sub-decorators html2text clones
/// for nested blocks, so numbering follows the document.
#[derive(Debug, Clone)]
pub(super) struct Decorator {
    links: Rc<RefCell<LinkTable>>,
    /// The numbers of the links being laid out, innermost last (`None`: not numbered).
    open: Rc<RefCell<Vec<Option<usize>>>>,
}

impl Decorator {
    pub(super) fn new(links: Rc<RefCell<LinkTable>>) -> Self {
        Self {
            links,
            open: Rc::default(),
        }
    }
}

/// The marker shown after the text of link `n`.
pub(super) fn link_marker(n: usize) -> String {
    format!("[{n}]")
}

impl TextDecorator for Decorator {
    type Annotation = Ann;

    fn decorate_link_start(&mut self, url: &str) -> (String, Ann) {
        let number = self.links.borrow_mut().number(url);
        self.open.borrow_mut().push(number);
        (String::new(), number.map_or(Ann::Plain, Ann::Link))
    }

    fn decorate_link_end(&mut self) -> String {
        self.open
            .borrow_mut()
            .pop()
            .flatten()
            .map_or_else(String::new, link_marker)
    }

    fn decorate_em_start(&self) -> (String, Ann) {
        (String::new(), Ann::Emphasis)
    }

    fn decorate_em_end(&self) -> String {
        String::new()
    }

    fn decorate_strong_start(&self) -> (String, Ann) {
        (String::new(), Ann::Strong)
    }

    fn decorate_strong_end(&self) -> String {
        String::new()
    }

    fn decorate_strikeout_start(&self) -> (String, Ann) {
        (String::new(), Ann::Plain)
    }

    fn decorate_strikeout_end(&self) -> String {
        String::new()
    }

    fn decorate_code_start(&self) -> (String, Ann) {
        (String::new(), Ann::Code)
    }

    fn decorate_code_end(&self) -> String {
        String::new()
    }

    fn decorate_preformat_first(&self) -> Ann {
        Ann::Preformat
    }

    fn decorate_preformat_cont(&self) -> Ann {
        Ann::Preformat
    }

    /// `[image: alt]`, numbered like a link when its address is one we would open (inside a
    /// link, the link's number is the one that counts).
    fn decorate_image(&mut self, src: &str, title: &str) -> (String, Ann) {
        let alt = sanitize::line(title);
        let inside_link = self.open.borrow().iter().any(Option::is_some);
        let number = if inside_link {
            None
        } else {
            self.links.borrow_mut().number(src)
        };
        let text = match number {
            Some(n) => format!("[image: {alt}]{}", link_marker(n)),
            None => format!("[image: {alt}]"),
        };
        (text, Ann::Image)
    }

    fn header_prefix(&self, level: usize) -> String {
        format!("{MARK}{} ", "#".repeat(level))
    }

    fn quote_prefix(&self) -> String {
        format!("{MARK}> ")
    }

    fn unordered_item_prefix(&self) -> String {
        "* ".to_owned()
    }

    fn ordered_item_prefix(&self, i: i64) -> String {
        format!("{i}. ")
    }

    fn make_subblock_decorator(&self) -> Self {
        self.clone()
    }

    fn finalise(&mut self, _urls: Vec<String>) -> Vec<TaggedLine<Ann>> {
        Vec::new()
    }
}
