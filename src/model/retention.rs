//! How long entries are kept: a rule for every feed, and rules for some feeds by title or URL.
//! Applied by the store after each refresh of a feed (`Store::prune`).

/// One rule. Zero means no limit; both zero keeps everything (the default).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    /// Entries published more than this many days ago go.
    pub keep_days: u32,
    /// At most this many entries per feed, the newest.
    pub keep_per_feed: u32,
    /// Unread entries stay whatever their age.
    pub keep_unread: bool,
    /// Starred entries stay whatever their age.
    pub keep_starred: bool,
    /// Entries with a label stay whatever their age.
    pub keep_labelled: bool,
}

impl Default for Retention {
    fn default() -> Self {
        Self {
            keep_days: 0,
            keep_per_feed: 0,
            keep_unread: true,
            keep_starred: true,
            keep_labelled: true,
        }
    }
}

impl Retention {
    /// Whether this rule removes nothing.
    pub fn keeps_everything(&self) -> bool {
        self.keep_days == 0 && self.keep_per_feed == 0
    }
}

/// A rule for the feeds whose title or URL is `feed` (case ignored).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedRetention {
    pub feed: String,
    pub rule: Retention,
}

/// Every rule: the first feed rule that names a feed wins, else the default.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RetentionRules {
    pub default: Retention,
    pub feeds: Vec<FeedRetention>,
}

/// A feed's own retention keys (`[[feed]]`, issue #24); the unset ones are the defaults'.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RetentionOverride {
    pub keep_days: Option<u32>,
    pub keep_per_feed: Option<u32>,
    pub keep_unread: Option<bool>,
    pub keep_starred: Option<bool>,
    pub keep_labelled: Option<bool>,
}

impl RetentionOverride {
    /// Whether it sets nothing.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// `default` with these keys over it.
    pub fn over(&self, default: Retention) -> Retention {
        Retention {
            keep_days: self.keep_days.unwrap_or(default.keep_days),
            keep_per_feed: self.keep_per_feed.unwrap_or(default.keep_per_feed),
            keep_unread: self.keep_unread.unwrap_or(default.keep_unread),
            keep_starred: self.keep_starred.unwrap_or(default.keep_starred),
            keep_labelled: self.keep_labelled.unwrap_or(default.keep_labelled),
        }
    }
}

impl RetentionRules {
    /// The rule for the feed at `url`, titled `titles` (its own, the user's).
    pub fn for_feed(&self, url: &str, titles: &[&str]) -> Retention {
        self.feeds
            .iter()
            .find(|f| {
                f.feed.eq_ignore_ascii_case(url)
                    || titles
                        .iter()
                        .any(|t| t.to_lowercase() == f.feed.to_lowercase())
            })
            .map_or(self.default, |f| f.rule)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_rule_naming_the_feed_wins_else_the_default() {
        let week = Retention {
            keep_days: 7,
            ..Retention::default()
        };
        let rules = RetentionRules {
            default: Retention::default(),
            feeds: vec![
                FeedRetention {
                    feed: "Über News".into(),
                    rule: week,
                },
                FeedRetention {
                    feed: "https://a.example/feed".into(),
                    rule: Retention::default(),
                },
            ],
        };
        assert_eq!(rules.for_feed("https://x.example/", &["über news"]), week);
        assert!(
            rules
                .for_feed("HTTPS://A.EXAMPLE/FEED", &["Über News"])
                .keep_days
                == 7,
            "first match"
        );
        assert!(
            rules
                .for_feed("https://b.example/", &["B"])
                .keeps_everything()
        );
    }
}
