//! Removing what the retention rules say to: after each refresh of a feed, in its own
//! transaction, so it is incremental and never holds the database for long. An entry the feed
//! still lists is never removed (it would come back as new on the next fetch); unread and
//! starred entries stay unless the rule says otherwise. Bodies, the search index and the kept
//! counts follow the entries (foreign keys and triggers).

use rusqlite::params;

use super::{Result, Store};
use crate::model::{FeedId, Retention};

impl Store {
    /// Removes `feed`'s entries that `rule` no longer keeps, except those whose key is in
    /// `listed` (what the feed's document holds now). Returns how many went.
    pub fn prune(
        &mut self,
        feed: FeedId,
        rule: &Retention,
        listed: &[&str],
        now: i64,
    ) -> Result<usize> {
        if rule.keeps_everything() {
            return Ok(0);
        }
        let cutoff = (rule.keep_days > 0).then(|| now - i64::from(rule.keep_days) * 86_400);
        // Keys as stored (a key too long to keep is stored as its hash).
        let listed: Vec<_> = listed
            .iter()
            .map(|k| crate::model::bounds::key(k))
            .collect();
        let listed = serde_json::to_string(&listed).unwrap_or_else(|_| "[]".into());
        self.write(|tx| {
            tx.prepare_cached(
                "DELETE FROM entries WHERE id IN ( \
                   SELECT e.id FROM entries e WHERE e.feed_id = ?1 \
                   AND (?2 = 0 OR e.read = 1 OR e.hidden = 1) AND (?3 = 0 OR e.starred = 0) \
                   AND (?7 = 0 OR NOT EXISTS (SELECT 1 FROM entry_labels l \
                                              WHERE l.entry_id = e.id)) \
                   AND ((?4 IS NOT NULL AND e.published < ?4) \
                        OR (?5 > 0 AND e.id NOT IN ( \
                              SELECT n.id FROM entries n WHERE n.feed_id = ?1 \
                              ORDER BY n.published DESC, n.id DESC LIMIT ?5))) \
                   AND e.key NOT IN (SELECT value FROM json_each(?6)))",
            )?
            .execute(params![
                feed.0,
                rule.keep_unread,
                rule.keep_starred,
                cutoff,
                rule.keep_per_feed,
                listed,
                rule.keep_labelled
            ])
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::model::{EntryFilter, IncomingEntry, IncomingFeed, Mark, Page, Retention};
    use crate::store::FetchMeta;
    use crate::store::test_support::temp_store;

    const DAY: i64 = 86_400;
    const NOW: i64 = 1_800_000_000;

    fn entry(key: &str, days_ago: i64) -> IncomingEntry {
        IncomingEntry {
            key: key.into(),
            guid: None,
            title: key.into(),
            link: None,
            author: None,
            published: chrono::DateTime::from_timestamp(NOW - days_ago * DAY, 0),
            updated: None,
            content_html: format!("<p>body of {key} with a searchable word</p>"),
            enclosures: Vec::new(),
        }
    }

    /// Every stored entry's title, hidden ones too.
    fn titles(s: &crate::store::Store) -> Vec<String> {
        let every = EntryFilter {
            with_hidden: true,
            ..EntryFilter::default()
        };
        s.entries_page(&every, Page::First, 100)
            .unwrap()
            .into_iter()
            .map(|r| r.title)
            .collect()
    }

    #[test]
    fn old_read_entries_go_unread_starred_and_listed_ones_stay() {
        let (_d, mut s) = temp_store();
        let (f, _) = s.add_feed("https://a.example/feed", 0).unwrap();
        let doc = |keys: &[(&str, i64)]| IncomingFeed {
            entries: keys.iter().map(|(k, d)| entry(k, *d)).collect(),
            ..IncomingFeed::default()
        };
        s.record_success(
            f,
            &doc(&[
                ("new", 1),
                ("old-read", 40),
                ("old-unread", 50),
                ("old-star", 60),
                ("older", 70),
            ]),
            &FetchMeta::default(),
            NOW,
        )
        .unwrap();
        let ids: Vec<_> = s
            .entries_page(&EntryFilter::default(), Page::First, 10)
            .unwrap()
            .into_iter()
            .map(|r| (r.title, r.id))
            .collect();
        let id = |t: &str| ids.iter().find(|(k, _)| k == t).unwrap().1;
        s.set_mark(
            &[id("new"), id("old-read"), id("old-star"), id("older")],
            Mark::Read,
        )
        .unwrap();
        s.set_mark(&[id("old-star")], Mark::Star).unwrap();
        let month = Retention {
            keep_days: 30,
            ..Retention::default()
        };
        // The feed still lists "older": it stays.
        let gone = s.prune(f, &month, &["new", "older"], NOW).unwrap();
        assert_eq!(gone, 1);
        assert_eq!(titles(&s), ["new", "old-unread", "old-star", "older"]);
        let c = s.counts().unwrap();
        assert_eq!((c.entries, c.unread, c.starred), (4, 1, 1));
        // The search index forgot it too.
        let q = EntryFilter {
            query: crate::model::query::parse("searchable").unwrap(),
            ..EntryFilter::default()
        };
        assert_eq!(s.entries_page(&q, Page::First, 10).unwrap().len(), 4);
        // A labelled entry stays like a starred one, and a hidden unread one does not stay
        // for being unread: nobody will read it.
        let (label, _) = s.label_id("later").unwrap().unwrap();
        s.set_mark(&[id("older")], Mark::Label(label)).unwrap();
        s.set_mark(&[id("old-unread")], Mark::Hide).unwrap();
        s.prune(f, &month, &["new"], NOW).unwrap();
        assert_eq!(titles(&s), ["new", "old-star", "older"]);
        // Without the exceptions, only "new" (recent) and listed stay.
        let strict = Retention {
            keep_days: 30,
            keep_unread: false,
            keep_starred: false,
            keep_labelled: false,
            ..Retention::default()
        };
        s.prune(f, &strict, &["new"], NOW).unwrap();
        assert_eq!(titles(&s), ["new"]);
    }

    #[test]
    fn at_most_n_per_feed_keeps_the_newest() {
        let (_d, mut s) = temp_store();
        let (f, _) = s.add_feed("https://a.example/feed", 0).unwrap();
        let entries: Vec<_> = (0..10).map(|i| entry(&format!("e{i}"), i)).collect();
        s.record_success(
            f,
            &IncomingFeed {
                entries,
                ..IncomingFeed::default()
            },
            &FetchMeta::default(),
            NOW,
        )
        .unwrap();
        s.mark_matching(&EntryFilter::default(), Mark::Read, None)
            .unwrap();
        let three = Retention {
            keep_per_feed: 3,
            ..Retention::default()
        };
        assert_eq!(s.prune(f, &three, &[], NOW).unwrap(), 7);
        assert_eq!(titles(&s), ["e0", "e1", "e2"]);
        assert_eq!(s.prune(f, &Retention::default(), &[], NOW).unwrap(), 0);
    }
}
