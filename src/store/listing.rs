//! Subscriptions made to match a list (issue #24, `[subscriptions] file`): in one
//! transaction, the feeds listed are subscribed (a URL a feed was known by before a permanent
//! redirect is that feed), given the titles and tags the list says, and the others
//! unsubscribed (synced feeds are the server's and left alone).

use std::collections::HashMap;

use rusqlite::params;

use super::organize::insert_tags;
use super::{Result, Store};
use crate::model::{FeedId, bounds};

/// One feed of a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listing<'a> {
    pub url: &'a str,
    /// Your title; `None`: the feed's own.
    pub title: Option<&'a str>,
    pub tags: &'a [String],
}

/// What making the subscriptions match a list did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListingApplied {
    /// The feeds subscribed to (their URLs).
    pub added: Vec<String>,
    /// The feeds unsubscribed (their titles), their entries gone with them.
    pub removed: Vec<String>,
    /// Feeds whose title or tags changed.
    pub changed: usize,
}

impl Store {
    /// Makes the local subscriptions those of `list` (see the module docs).
    pub fn apply_listing(&mut self, list: &[Listing<'_>], now: i64) -> Result<ListingApplied> {
        self.write(|tx| {
            let mut known: HashMap<String, (i64, Option<String>, String)> = HashMap::new();
            {
                let mut stmt = tx.prepare(
                    "SELECT id, url, user_title, COALESCE(user_title, title, url) FROM feeds \
                     WHERE remote_id IS NULL",
                )?;
                let rows = stmt.query_map([], |r| {
                    Ok((r.get::<_, String>(1)?, (r.get(0)?, r.get(2)?, r.get(3)?)))
                })?;
                for row in rows {
                    let (url, feed) = row?;
                    known.insert(url, feed);
                }
            }
            let mut applied = ListingApplied::default();
            let mut listed: std::collections::HashSet<i64> = std::collections::HashSet::new();
            for item in list {
                let title = item
                    .title
                    .map(|t| bounds::line(t).into_owned())
                    .filter(|t| !t.is_empty());
                let moved: Option<i64> = tx
                    .query_row(
                        "SELECT feed_id FROM feed_old_urls WHERE url = ?1",
                        [item.url],
                        |r| r.get(0),
                    )
                    .ok();
                let existing = known
                    .get(item.url)
                    .map(|(id, t, _)| (*id, t.clone()))
                    .or_else(|| {
                        moved.and_then(|id| {
                            known
                                .values()
                                .find(|(k, _, _)| *k == id)
                                .map(|(k, t, _)| (*k, t.clone()))
                        })
                    });
                let id = if let Some((id, user_title)) = existing {
                    let mut changed = false;
                    if user_title != title {
                        tx.execute(
                            "UPDATE feeds SET user_title = ?2 WHERE id = ?1",
                            params![id, title],
                        )?;
                        changed = true;
                    }
                    if tags_of(tx, id)? != sorted_folded(item.tags) {
                        tx.execute("DELETE FROM feed_tags WHERE feed_id = ?1", [id])?;
                        insert_tags(tx, FeedId(id), item.tags)?;
                        changed = true;
                    }
                    applied.changed += usize::from(changed);
                    id
                } else {
                    tx.execute(
                        "INSERT INTO feeds (url, user_title, added_at) VALUES (?1, ?2, ?3) \
                             ON CONFLICT (url) DO NOTHING",
                        params![item.url, title, now],
                    )?;
                    let id: i64 =
                        tx.query_row("SELECT id FROM feeds WHERE url = ?1", [item.url], |r| {
                            r.get(0)
                        })?;
                    insert_tags(tx, FeedId(id), item.tags)?;
                    applied.added.push(item.url.to_owned());
                    id
                };
                listed.insert(id);
            }
            let mut gone: Vec<(i64, String)> = known
                .values()
                .filter(|(id, _, _)| !listed.contains(id))
                .map(|(id, _, shown)| (*id, shown.clone()))
                .collect();
            gone.sort_unstable();
            for (id, shown) in gone {
                tx.execute("DELETE FROM feeds WHERE id = ?1", [id])?;
                applied.removed.push(shown);
            }
            Ok(applied)
        })
    }
}

/// A feed's tags, folded and sorted, to compare with a list's.
fn tags_of(tx: &rusqlite::Transaction<'_>, id: i64) -> rusqlite::Result<Vec<String>> {
    let mut stmt = tx.prepare_cached("SELECT folded FROM feed_tags WHERE feed_id = ?1")?;
    let mut tags: Vec<String> = stmt
        .query_map([id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    tags.sort_unstable();
    Ok(tags)
}

/// `tags` folded as `organize::insert_tags` stores them (bounded, then folded), so a tag past
/// the bound compares equal to its stored form and is not written again at every apply.
fn sorted_folded(tags: &[String]) -> Vec<String> {
    let mut out: Vec<String> = tags
        .iter()
        .map(|t| super::filter::fold(&crate::model::bounds::line(t)))
        .filter(|t| !t.is_empty())
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::test_support::temp_store;

    /// Regression: a tag longer than a stored line is stored cut, and the list's uncut copy
    /// was compared with it: the feed counted as changed, its tags rewritten, at every apply.
    #[test]
    fn a_tag_past_the_bound_is_not_rewritten_at_every_apply() {
        let (_d, mut s) = temp_store();
        let tags = vec!["T".repeat(10_000), "News".to_owned()];
        let list = [Listing {
            url: "https://a.example/feed",
            title: None,
            tags: &tags,
        }];
        s.apply_listing(&list, 1).unwrap();
        let s2 = s.apply_listing(&list, 2).unwrap();
        assert_eq!(s2.changed, 0, "{s2:?}");
    }

    #[test]
    fn a_list_adds_renames_retags_and_removes() {
        let (_d, mut s) = temp_store();
        let (kept, _) = s.add_feed("https://a.example/feed", 0).unwrap();
        let (gone, _) = s.add_feed("https://old.example/feed", 0).unwrap();
        s.rename_feed(gone, Some("Old one")).unwrap();
        let news = vec!["News".to_owned()];
        let list = [
            Listing {
                url: "https://a.example/feed",
                title: Some("Ann"),
                tags: &news,
            },
            Listing {
                url: "https://b.example/rss",
                title: None,
                tags: &[],
            },
        ];
        let applied = s.apply_listing(&list, 10).unwrap();
        assert_eq!(applied.added, ["https://b.example/rss"]);
        assert_eq!(applied.removed, ["Old one"]);
        assert_eq!(applied.changed, 1);
        let feeds = s.feeds().unwrap();
        assert_eq!(feeds.len(), 2);
        let a = feeds.iter().find(|f| f.id == kept).unwrap();
        assert_eq!(
            (a.title.as_str(), a.tags.as_slice()),
            ("Ann", news.as_slice())
        );
        // Applied again: nothing to do.
        let again = s.apply_listing(&list, 20).unwrap();
        assert_eq!(again, ListingApplied::default());
    }
}
