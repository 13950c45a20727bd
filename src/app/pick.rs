//! Choosing among the feeds a page names (issue #19: subscribing to a page took its first feed
//! without asking). The subscribe job comes back with the list instead of subscribing; this
//! modal shows it, and the feed chosen is subscribed to as if its URL had been typed.

use super::{AppState, Effect, Modal, Status, TextKey};
use crate::model::{Discovered, redact};

/// The feeds a page names, and the one under the cursor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedPick {
    /// The page, as fetched (after redirects).
    pub page: String,
    pub found: Vec<Discovered>,
    pub cursor: usize,
}

impl FeedPick {
    /// The heading: how many feeds, on which page (its secrets hidden).
    pub fn heading(&self) -> String {
        format!("{} feeds on {}", self.found.len(), redact::url(&self.page))
    }

    /// The row shown for the `i`-th feed: its number (the key that takes it, up to 9), title
    /// and URL.
    pub fn row(&self, i: usize) -> String {
        let Some(feed) = self.found.get(i) else {
            return String::new();
        };
        let number = if i < 9 {
            format!("{}.", i + 1)
        } else {
            "  ".to_owned()
        };
        let url = redact::url(&feed.url);
        match feed.title.as_deref().filter(|t| !t.is_empty()) {
            Some(title) => format!("{number} {title}  <{url}>"),
            None => format!("{number} {url}"),
        }
    }
}

/// The subscribe job found several feeds on `page`: ask which.
pub fn open(state: &mut AppState, page: String, found: Vec<Discovered>) {
    let pick = FeedPick {
        page,
        found,
        cursor: 0,
    };
    state.status = Some(Status::info(format!("{}: choose one", pick.heading())));
    state.modal = Some(Modal::Pick(pick));
}

/// A key while the list is open: moves (arrows, `j`/`k`, Tab), a number takes that feed,
/// `Enter` the one under the cursor, `Esc` none.
pub fn on_key(state: &mut AppState, key: TextKey) -> Vec<Effect> {
    let Some(Modal::Pick(pick)) = &mut state.modal else {
        return Vec::new();
    };
    let last = pick.found.len().saturating_sub(1);
    let chosen = match key {
        TextKey::Up | TextKey::BackTab | TextKey::Char('k') => {
            pick.cursor = pick.cursor.saturating_sub(1);
            None
        }
        TextKey::Down | TextKey::Tab | TextKey::Char('j') => {
            pick.cursor = (pick.cursor + 1).min(last);
            None
        }
        TextKey::Home | TextKey::Char('g') => {
            pick.cursor = 0;
            None
        }
        TextKey::End | TextKey::Char('G') => {
            pick.cursor = last;
            None
        }
        TextKey::Char(c @ '1'..='9') => {
            let i = c as usize - '1' as usize;
            (i <= last).then_some(i)
        }
        TextKey::Enter => Some(pick.cursor),
        TextKey::Esc | TextKey::Char('q') => {
            state.modal = None;
            state.status = Some(Status::info("Not subscribed: no feed chosen"));
            return Vec::new();
        }
        _ => None,
    };
    let Some(url) = chosen
        .and_then(|i| pick.found.get(i))
        .map(|f| f.url.clone())
    else {
        return Vec::new();
    };
    state.modal = None;
    state.status = Some(Status::info(format!(
        "Subscribing to {}…",
        redact::url(&url)
    )));
    vec![Effect::AddFeed { url }]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::test_support::FakeDb;
    use crate::app::{Msg, update};

    fn key(s: &mut AppState, key: TextKey) -> Vec<Effect> {
        update(s, Msg::Text(key))
    }

    fn found(n: usize) -> Vec<Discovered> {
        (0..n)
            .map(|i| Discovered {
                url: format!("https://blog.example/feed{i}.xml"),
                title: (i != 1).then(|| format!("Feed {i}")),
            })
            .collect()
    }

    fn opened(n: usize) -> AppState {
        let mut s = FakeDb::new(3).started(80, 24);
        let effects = update(
            &mut s,
            Msg::FeedsFound {
                page: "https://user:secret@blog.example/".into(),
                found: found(n),
            },
        );
        assert!(effects.is_empty());
        s
    }

    /// Issue #19: a page naming several feeds was subscribed to by its first, without asking.
    #[test]
    fn a_page_with_several_feeds_asks_which_and_subscribes_to_the_one_chosen() {
        let mut s = opened(3);
        let Some(Modal::Pick(pick)) = &s.modal else {
            panic!("no list: {:?}", s.modal);
        };
        assert_eq!(pick.row(0), "1. Feed 0  <https://blog.example/feed0.xml>");
        assert_eq!(pick.row(1), "2. https://blog.example/feed1.xml");
        let status = s.status.as_deref().unwrap_or_default().to_owned();
        assert!(status.starts_with("3 feeds on https://"), "{status}");
        assert!(!status.contains("secret"), "{status}");
        assert!(key(&mut s, TextKey::Down).is_empty());
        assert!(key(&mut s, TextKey::Char('j')).is_empty());
        assert!(key(&mut s, TextKey::Down).is_empty(), "stops at the last");
        assert_eq!(
            key(&mut s, TextKey::Enter),
            [Effect::AddFeed {
                url: "https://blog.example/feed2.xml".into()
            }]
        );
        assert_eq!(s.modal, None);
    }

    #[test]
    fn a_number_takes_that_feed_and_esc_takes_none() {
        let mut s = opened(3);
        assert!(key(&mut s, TextKey::Char('7')).is_empty(), "no 7th");
        assert_eq!(
            key(&mut s, TextKey::Char('2')),
            [Effect::AddFeed {
                url: "https://blog.example/feed1.xml".into()
            }]
        );
        let mut s = opened(3);
        assert!(key(&mut s, TextKey::Esc).is_empty());
        assert_eq!(s.modal, None);
        assert!(
            s.status
                .as_deref()
                .unwrap_or_default()
                .starts_with("Not subscribed")
        );
    }
}
