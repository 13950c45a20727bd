//! The whole article of an entry (issue #23): its web page fetched and the article found in
//! it, kept beside the feed's body, or the one line saying why there is none.

use chrono::{DateTime, Utc};

use super::EntryId;

/// An entry's article as fetched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Article {
    /// Where it came from (after redirects).
    pub url: String,
    pub fetched: DateTime<Utc>,
    pub found: Found,
}

/// What the page gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    /// The article's HTML (sanitised when shown, like every body).
    Html(String),
    /// Why there is no article: "the page answered HTTP 404", "the page does not read as an
    /// article", …
    Nothing(String),
}

/// What became of one entry's article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArticleEvent {
    /// Found and kept.
    Fetched { id: EntryId, chars: usize },
    /// No article: `why` in one line; `kept` when the reason was stored (it is not fetched
    /// again unless asked), not when it may pass.
    Failed {
        id: EntryId,
        why: String,
        kept: bool,
    },
    /// `done` of `total` entries are settled.
    Progress { done: usize, total: usize },
}

impl Article {
    /// The article's HTML, when one was found.
    pub fn html(&self) -> Option<&str> {
        match &self.found {
            Found::Html(html) => Some(html),
            Found::Nothing(_) => None,
        }
    }
}

impl Article {
    /// The line the reader and `tidings show` put above the text: where the article came
    /// from, or why there is none.
    pub fn describe(&self) -> String {
        match &self.found {
            Found::Html(_) => format!(
                "Whole article from {}, fetched {}",
                crate::model::sanitize::line(&self.url),
                self.fetched.format("%Y-%m-%d %H:%M UTC")
            ),
            Found::Nothing(why) => {
                format!("No whole article: {}", crate::model::sanitize::line(why))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_says_where_from_or_why_not_and_carries_no_escape() {
        let at = chrono::DateTime::from_timestamp(1_700_000_000, 0).unwrap();
        let found = Article {
            url: "https://a.example/post\u{1b}[2J".into(),
            fetched: at,
            found: Found::Html("<p>x</p>".into()),
        };
        assert_eq!(
            found.describe(),
            "Whole article from https://a.example/post[2J, fetched 2023-11-14 22:13 UTC"
        );
        let not = Article {
            found: Found::Nothing("the page answered HTTP 404 Not Found".into()),
            ..found
        };
        assert_eq!(
            not.describe(),
            "No whole article: the page answered HTTP 404 Not Found"
        );
    }
}
