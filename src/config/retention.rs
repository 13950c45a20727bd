//! `[retention]`: how long entries are kept, for every feed and (`[[retention.feed]]`) for
//! feeds named by title or URL. A feed rule's unset keys are the global ones.

use serde::Deserialize;

use crate::model::{FeedRetention, Retention, RetentionRules};

/// `[retention]` as written.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RetentionConfig {
    pub keep_days: u32,
    pub keep_per_feed: u32,
    pub keep_unread: bool,
    pub keep_starred: bool,
    pub keep_labelled: bool,
    pub feed: Vec<FeedRetentionConfig>,
}

impl Default for RetentionConfig {
    fn default() -> Self {
        let d = Retention::default();
        Self {
            keep_days: d.keep_days,
            keep_per_feed: d.keep_per_feed,
            keep_unread: d.keep_unread,
            keep_starred: d.keep_starred,
            keep_labelled: d.keep_labelled,
            feed: Vec::new(),
        }
    }
}

/// One `[[retention.feed]]`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeedRetentionConfig {
    /// The feed's title (its own or yours) or URL.
    pub feed: String,
    pub keep_days: Option<u32>,
    pub keep_per_feed: Option<u32>,
    pub keep_unread: Option<bool>,
    pub keep_starred: Option<bool>,
    pub keep_labelled: Option<bool>,
}

impl RetentionConfig {
    /// The rules this section makes.
    pub fn rules(&self) -> RetentionRules {
        let default = Retention {
            keep_days: self.keep_days,
            keep_per_feed: self.keep_per_feed,
            keep_unread: self.keep_unread,
            keep_starred: self.keep_starred,
            keep_labelled: self.keep_labelled,
        };
        RetentionRules {
            default,
            feeds: self
                .feed
                .iter()
                .map(|f| FeedRetention {
                    feed: f.feed.clone(),
                    rule: Retention {
                        keep_days: f.keep_days.unwrap_or(default.keep_days),
                        keep_per_feed: f.keep_per_feed.unwrap_or(default.keep_per_feed),
                        keep_unread: f.keep_unread.unwrap_or(default.keep_unread),
                        keep_starred: f.keep_starred.unwrap_or(default.keep_starred),
                        keep_labelled: f.keep_labelled.unwrap_or(default.keep_labelled),
                    },
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::config::Config;

    #[test]
    fn a_feed_rule_inherits_what_it_does_not_set() {
        let text = "[retention]\nkeep_days = 90\nkeep_starred = false\n\n\
                    [[retention.feed]]\nfeed = \"Busy News\"\nkeep_days = 7\n";
        let rules = Config::parse(text, std::path::Path::new("c.toml"))
            .unwrap()
            .retention
            .rules();
        assert_eq!(rules.default.keep_days, 90);
        let busy = rules.for_feed("https://busy.example/", &["busy news"]);
        assert_eq!((busy.keep_days, busy.keep_starred), (7, false));
        let err = Config::parse(
            "[retention]\nkeep_weeks = 2\n",
            std::path::Path::new("c.toml"),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("keep_weeks"), "{err}");
    }
}
