//! Rules at ingest (issue #20): what a new entry looks like to a rule (its feed's names and
//! tags, its text), the labels rules give it, and what the rules did, kept for the refresh
//! to report (`take_ruled`).

use std::sync::Arc;

use rusqlite::Transaction;

use super::filter::fold;
use super::ingest::Row;
use super::{Result, Store};
use crate::model::query::{Candidate, Tokens};
use crate::model::rules::{Fate, Rule, RuleAction, Ruled, judge};
use crate::model::{EntryFilter, EntryId, IncomingFeed, Mark, bounds};

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

    /// The name the stream shows for the feed, with the secrets of a URL hidden (a feed not
    /// titled yet is named by its URL, which may carry a password or a token; notifications
    /// and `[notify] command` show this name).
    pub(super) fn shown_name(&self) -> String {
        let name = self
            .names
            .iter()
            .find(|n| !n.is_empty())
            .map_or("", String::as_str);
        crate::model::redact::in_text(name).into_owned()
    }
}

/// What `rules` decide for a new entry stored as `row`, with `text` its body's text.
pub(super) fn judge_entry(
    rules: &[Rule],
    feed: &FeedContext,
    row: &Row<'_>,
    text: &str,
    enclosures: &[crate::model::Enclosure],
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
        enclosures,
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

/// The filter a rule's query makes: hidden entries too.
fn rule_filter(rule: &Rule) -> EntryFilter {
    EntryFilter {
        query: rule.query.clone(),
        with_hidden: true,
        ..EntryFilter::default()
    }
}

impl Store {
    /// How many stored entries `rule` matches now (hidden ones too).
    pub fn rule_matches(&self, rule: &Rule) -> Result<u64> {
        self.count_matching(&rule_filter(rule)).map(|(n, _)| n)
    }

    /// Applies `rule` to the entries stored now (what it matches before any of its actions
    /// runs), each action in turn, and writes each mark change to the undo journal for the
    /// reader. Returns, per action, what it was and how many entries it changed. `skip` hides
    /// (what is stored is never deleted by a rule); `notify` is for new entries only.
    pub fn apply_rule(&mut self, rule: &Rule, now: i64) -> Result<Vec<(String, usize)>> {
        let ids = self.ids_matching(&rule_filter(rule))?;
        let what = format!("rule {}", rule.name);
        let mut done = Vec::new();
        for action in &rule.actions {
            let mark = match action {
                RuleAction::Hide | RuleAction::Skip => Some(Mark::Hide),
                RuleAction::Read => Some(Mark::Read),
                RuleAction::Star => Some(Mark::Star),
                RuleAction::Label(name) => self.label_id(name)?.map(|(id, _)| Mark::Label(id)),
                RuleAction::Highlight(style) => {
                    let n = self.set_highlight(&ids, style)?;
                    done.push((action.to_string(), n));
                    None
                }
                RuleAction::Notify => None,
                RuleAction::Download => {
                    let n = self.queue_downloads(&ids, None, now)?;
                    done.push((action.to_string(), n));
                    None
                }
            };
            if let Some(mark) = mark {
                let changed = self.set_mark(&ids, mark)?;
                self.journal(&what, mark, &changed, now)?;
                done.push((action.to_string(), changed.len()));
            }
        }
        Ok(done)
    }

    /// Draws these entries' rows in `style`; returns how many changed.
    fn set_highlight(&mut self, ids: &[EntryId], style: &str) -> Result<usize> {
        let list = super::filter::json_ids(ids.iter().map(|i| i.0));
        let style = bounds::line(style).into_owned();
        self.write_marks(|tx| {
            tx.execute(
                "UPDATE entries SET highlight = ?2 WHERE id IN (SELECT value FROM json_each(?1)) \
                 AND highlight IS NOT ?2",
                rusqlite::params![list, style],
            )
        })
    }

    /// The rules new entries are judged by from now on, in order.
    pub fn set_rules(&mut self, rules: Arc<[Rule]>) {
        self.rules = rules;
    }

    /// What the rules did since this was last asked (and forgets it).
    pub fn take_ruled(&mut self) -> Ruled {
        std::mem::take(&mut self.ruled)
    }
}
