//! Rules at ingest (issue #20): what a new entry looks like to a rule (its feed's names and
//! tags, its text), the labels rules give it, and what the rules did, kept for the refresh
//! to report (`take_ruled`).

use std::sync::Arc;

use rusqlite::Transaction;

use super::Store;
use super::filter::fold;
use super::ingest::Row;
use crate::model::query::{Candidate, Tokens};
use crate::model::rules::{Fate, Rule, Ruled, judge};
use crate::model::{IncomingFeed, bounds};

/// What rules see of the feed an entry comes from.
#[derive(Debug, Clone, Default)]
pub(super) struct FeedContext {
    /// The user's title, the feed's own (as this fetch gives it, else as stored), its URL.
    names: [String; 3],
    /// Its tags, folded.
    tags: Vec<String>,
}

impl FeedContext {
    pub(super) fn read(
        tx: &Transaction<'_>,
        feed: crate::model::FeedId,
        incoming: &IncomingFeed,
    ) -> rusqlite::Result<Self> {
        let (user, own, url): (Option<String>, Option<String>, String) = tx
            .prepare_cached("SELECT user_title, title, url FROM feeds WHERE id = ?1")?
            .query_row([feed.0], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        let own = incoming
            .title
            .as_deref()
            .map(|t| bounds::line(t).into_owned())
            .or(own);
        let tags = tx
            .prepare_cached("SELECT folded FROM feed_tags WHERE feed_id = ?1")?
            .query_map([feed.0], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<String>>>()?;
        Ok(Self {
            names: [user.unwrap_or_default(), own.unwrap_or_default(), url],
            tags,
        })
    }

    /// The name the stream shows for the feed.
    pub(super) fn shown_name(&self) -> &str {
        self.names
            .iter()
            .find(|n| !n.is_empty())
            .map_or("", String::as_str)
    }
}

/// What `rules` decide for a new entry stored as `row`, with `text` its body's text.
pub(super) fn judge_entry(
    rules: &[Rule],
    feed: &FeedContext,
    row: &Row<'_>,
    text: &str,
    now: i64,
) -> Fate {
    let mut entry = Candidate {
        title: &row.title,
        author: row.author.as_deref(),
        link: row.link.as_deref(),
        text,
        feed_names: [&feed.names[0], &feed.names[1], &feed.names[2]],
        tags: &feed.tags,
        published: row.published.unwrap_or(now),
        read: false,
        starred: false,
        hidden: false,
        labels: Vec::new(),
        tokens: Tokens::default(),
    };
    judge(rules, &mut entry, now)
}

/// Puts `labels` (names) on entry `id`.
pub(super) fn label_entry(
    tx: &Transaction<'_>,
    id: i64,
    labels: &[String],
) -> rusqlite::Result<()> {
    for name in labels {
        let name = bounds::line(name);
        if name.is_empty() {
            continue;
        }
        let label = super::labels::label_in(tx, &name, &fold(&name))?;
        tx.prepare_cached(
            "INSERT OR IGNORE INTO entry_labels (entry_id, label_id) VALUES (?1, ?2)",
        )?
        .execute([id, label.0])?;
    }
    Ok(())
}

impl Store {
    /// The rules new entries are judged by from now on, in order.
    pub fn set_rules(&mut self, rules: Arc<[Rule]>) {
        self.rules = rules;
    }

    /// What the rules did since this was last asked (and forgets it).
    pub fn take_ruled(&mut self) -> Ruled {
        std::mem::take(&mut self.ruled)
    }
}
