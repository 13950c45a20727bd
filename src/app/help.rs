//! The help screen's lines at a width: every bound action with its keys (a long list of keys
//! and a long description wrap onto lines of their own, nothing is cut), then the filter
//! language, so the syntax is never further away than `?`.

use super::HelpRow;

/// One line of the help screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelpLine {
    /// The keys column (empty on a continuation line).
    pub keys: String,
    pub text: String,
    /// A section heading, drawn as one.
    pub heading: bool,
}

/// The filter language, as `/` takes it.
const FILTER: &[(&str, &str)] = &[
    (
        "unread  starred  new",
        "unread, starred, first seen since your last visit",
    ),
    (
        "feed:NAME  tag:NAME",
        "a feed (title or URL) or a tag; quote names with spaces",
    ),
    ("author:NAME", "the author contains NAME"),
    (
        "title:WORDS  content:WORDS",
        "words in the title, or in the body only",
    ),
    ("link:TEXT", "the entry's link contains TEXT"),
    (
        "since:2w  before:2026-01-01",
        "dates: m h d w ago, or a day",
    ),
    (
        "word  word*  \"a phrase\"",
        "full-text search in titles, authors and bodies",
    ),
    ("-TERM", "not TERM; every term must hold"),
    ("A or B  (A B)", "either; parentheses group"),
];

/// The help screen at `width` columns.
pub fn lines(rows: &[HelpRow], width: u16) -> Vec<HelpLine> {
    let width = usize::from(width).saturating_sub(2).max(10);
    let key_cols = rows
        .iter()
        .map(|r| r.keys.chars().count())
        .max()
        .unwrap_or(0)
        .min(width / 3)
        .max(1);
    let text_cols = width.saturating_sub(key_cols + 2).max(1);
    let mut out = Vec::new();
    let add = |keys: &str, sep: &str, text: &str, out: &mut Vec<HelpLine>| {
        let keys = wrap(keys, key_cols, sep);
        let text = wrap(text, text_cols, " ");
        for i in 0..keys.len().max(text.len()) {
            out.push(HelpLine {
                keys: keys.get(i).cloned().unwrap_or_default(),
                text: text.get(i).cloned().unwrap_or_default(),
                heading: false,
            });
        }
    };
    for row in rows {
        add(&row.keys, ", ", row.action.describe(), &mut out);
    }
    out.push(HelpLine {
        keys: String::new(),
        text: String::new(),
        heading: false,
    });
    out.push(HelpLine {
        keys: "Filters (/)".into(),
        text: String::new(),
        heading: true,
    });
    for (terms, what) in FILTER {
        add(terms, "  ", what, &mut out);
    }
    out
}

/// `text` in lines of at most `cols` characters, broken after `sep` where it can be, and
/// anywhere when a piece is longer than a line.
fn wrap(text: &str, cols: usize, sep: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    let pieces: Vec<&str> = text.split(sep).collect();
    for (i, piece) in pieces.iter().enumerate() {
        let piece = if i + 1 < pieces.len() && sep.trim().is_empty() {
            (*piece).to_owned()
        } else if i + 1 < pieces.len() {
            format!("{piece}{}", sep.trim_end())
        } else {
            (*piece).to_owned()
        };
        let gap = usize::from(!line.is_empty());
        if !line.is_empty() && line.chars().count() + gap + piece.chars().count() > cols {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        for c in piece.chars() {
            if line.chars().count() >= cols {
                lines.push(std::mem::take(&mut line));
            }
            line.push(c);
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Action;
    use crate::model::keymap::Keymap;

    /// Issue #19: at 80 columns 17 of 37 help rows ended in `…`; every key and every word
    /// is shown now, and the filter language is there too.
    #[test]
    fn nothing_is_cut_at_80_columns_and_the_filters_are_listed() {
        let rows = super::super::help_rows(&Keymap::default());
        let lines = lines(&rows, 80);
        let keys: String = lines
            .iter()
            .map(|l| l.keys.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        let text: String = lines
            .iter()
            .map(|l| l.text.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        for row in &rows {
            for key in row.keys.split(", ") {
                assert!(keys.contains(key), "{key} missing");
            }
        }
        for action in Action::ALL {
            for word in action.describe().split(' ') {
                assert!(text.contains(word), "{word} of {action:?} missing");
            }
        }
        assert!(
            lines
                .iter()
                .all(|l| l.keys.chars().count() + l.text.chars().count() + 2 <= 78)
        );
        assert!(
            lines
                .iter()
                .any(|l| l.heading && l.keys.contains("Filters"))
        );
        // No term of the filter language is broken across lines.
        for (terms, _) in FILTER {
            for term in terms.split_whitespace() {
                assert!(lines.iter().any(|l| l.keys.contains(term)), "{term} broken");
            }
        }
    }

    #[test]
    fn wrapping_breaks_at_separators_first() {
        assert_eq!(
            wrap("Ctrl-d, Ctrl-f, PgDn", 10, ", "),
            ["Ctrl-d,", "Ctrl-f,", "PgDn"]
        );
        assert_eq!(wrap("a b c", 3, " "), ["a b", "c"]);
        assert_eq!(wrap("abcdefg", 3, " "), ["abc", "def", "g"]);
    }
}
