//! The stream's orders as keyset SQL (issue #20: saved views can sort). Each order walks an
//! index, so a page costs the same at the top of a million entries or deep down:
//!
//! - newest first: `entries_stream` (and the partial ones) forward; oldest first: backward.
//! - by feed: `entries_feed_stream (feed_id, published DESC, id DESC)` forward. Past a cursor is
//!   `feed_id >= g AND (feed_id > g OR (published, id) < (p, i))`: the first part is a range on
//!   the index's first column, so the walk starts at the cursor's feed, not at the top.
//! - unread first: two walks, one after the other (`Phase`): the unread entries by the partial
//!   unread index, then the read ones by the stream index.

use rusqlite::types::Value;

use super::filter::Clause;
use crate::model::{Cursor, Sort};

/// Which way a page is read: down the list (its order) or up it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Way {
    Down,
    Up,
}

fn int(v: i64) -> Value {
    Value::Integer(v)
}

/// The column a sort groups by, if it does.
fn group_column(sort: Sort) -> Option<&'static str> {
    match sort {
        Sort::Feed => Some("e.feed_id"),
        Sort::Unread => Some("e.read"),
        Sort::Newest | Sort::Oldest => None,
    }
}

/// What the page reads from: by feed, the feed index (the planner would otherwise take a
/// smaller index that fits the filter and sort what it finds, which at a million entries is a
/// million-row sort), unless the entries are few and fetched by id (`by_id`).
pub(super) fn from(sort: Sort, by_id: bool) -> &'static str {
    match sort {
        Sort::Feed if !by_id => "entries e INDEXED BY entries_feed_stream",
        _ => "entries e",
    }
}

/// `ORDER BY` for reading `way` in `sort`.
pub(super) fn order_by(sort: Sort, way: Way) -> &'static str {
    match (sort, way) {
        (Sort::Newest | Sort::Unread, Way::Down) | (Sort::Oldest, Way::Up) => {
            "e.published DESC, e.id DESC"
        }
        (Sort::Newest | Sort::Unread, Way::Up) | (Sort::Oldest, Way::Down) => {
            "e.published ASC, e.id ASC"
        }
        (Sort::Feed, Way::Down) => "e.feed_id ASC, e.published DESC, e.id DESC",
        (Sort::Feed, Way::Up) => "e.feed_id DESC, e.published ASC, e.id ASC",
    }
}

/// Rows strictly past `c` going `way` (below it for `Down`), in `sort`. For `Sort::Unread`
/// only within the cursor's own group; the phases go on from there.
pub(super) fn past(clause: &mut Clause, sort: Sort, c: Cursor, way: Way) {
    let newer = matches!(
        (sort, way),
        (Sort::Oldest, Way::Down) | (Sort::Newest | Sort::Feed | Sort::Unread, Way::Up)
    );
    let op = if newer { ">" } else { "<" };
    let at = [int(c.published), int(c.id.0)];
    match sort {
        Sort::Feed => {
            let (wide, strict) = if way == Way::Down {
                (">=", ">")
            } else {
                ("<=", "<")
            };
            clause.push(
                &format!(
                    "e.feed_id {wide} {{}} AND (e.feed_id {strict} {{}} OR \
                     (e.published, e.id) {op} ({{}}, {{}}))"
                ),
                [int(c.group), int(c.group), at[0].clone(), at[1].clone()],
            );
        }
        Sort::Newest | Sort::Oldest | Sort::Unread => {
            clause.push(&format!("(e.published, e.id) {op} ({{}}, {{}})"), at);
        }
    }
}

/// Rows at or above `c` in `sort` (what "mark everything above read" takes).
pub(super) fn at_or_above(clause: &mut Clause, sort: Sort, c: Cursor) {
    let at = [int(c.published), int(c.id.0)];
    match group_column(sort) {
        None => {
            let op = if sort == Sort::Oldest { "<=" } else { ">=" };
            clause.push(&format!("(e.published, e.id) {op} ({{}}, {{}})"), at);
        }
        Some(column) => clause.push(
            &format!(
                "({column} < {{}} OR ({column} = {{}} AND (e.published, e.id) >= ({{}}, {{}})))"
            ),
            [int(c.group), int(c.group), at[0].clone(), at[1].clone()],
        ),
    }
}

/// One walk of a page: the rows of one group for `Sort::Unread`, else all of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Phase {
    /// `Some(read)`: only these (`e.read = read`).
    pub read: Option<bool>,
    /// Start past this cursor (else at the top going down, the bottom going up).
    pub from: Option<Cursor>,
}

/// The walks a page takes, in turn, until it is full: for unread first, the unread then the
/// read going down (from the cursor's group on), the other way going up.
pub(super) fn phases(sort: Sort, from: Option<Cursor>, way: Way) -> Vec<Phase> {
    if sort != Sort::Unread {
        return vec![Phase { read: None, from }];
    }
    let groups: [bool; 2] = if way == Way::Down {
        [false, true]
    } else {
        [true, false]
    };
    let start = from.map(|c| c.group != 0);
    groups
        .into_iter()
        .skip_while(|g| start.is_some_and(|s| s != *g))
        .map(|read| Phase {
            read: Some(read),
            from: from.filter(|c| (c.group != 0) == read),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::EntryId;

    fn c(group: i64) -> Cursor {
        Cursor {
            group,
            published: 5,
            id: EntryId(6),
        }
    }

    #[test]
    fn unread_first_walks_the_unread_then_the_read() {
        let down = phases(Sort::Unread, None, Way::Down);
        assert_eq!(
            down.iter().map(|p| p.read).collect::<Vec<_>>(),
            [Some(false), Some(true)]
        );
        // From a read entry going down: only the read ones are left.
        let from_read = phases(Sort::Unread, Some(c(1)), Way::Down);
        assert_eq!(from_read.len(), 1);
        assert_eq!(from_read[0].read, Some(true));
        assert_eq!(from_read[0].from, Some(c(1)));
        // From a read entry going up: the read ones above it, then every unread one.
        let up = phases(Sort::Unread, Some(c(1)), Way::Up);
        assert_eq!(
            up[0],
            Phase {
                read: Some(true),
                from: Some(c(1))
            }
        );
        assert_eq!(
            up[1],
            Phase {
                read: Some(false),
                from: None
            }
        );
        assert_eq!(phases(Sort::Feed, Some(c(3)), Way::Up).len(), 1);
    }

    /// Paged down two at a time and up from the bottom, every order gives every entry once,
    /// in the order it means; "above the cursor" is what is above it in that order.
    #[test]
    fn pages_walk_every_order_without_gaps_both_ways() {
        use crate::model::{EntryFilter, EntrySummary, Mark, Page};
        use crate::store::query_tests::{keys, sample};
        let (_dir, mut s, _, _) = sample();
        let every = |s: &crate::store::Store, sort| {
            s.entries_page(
                &EntryFilter {
                    sort,
                    ..EntryFilter::default()
                },
                Page::First,
                100,
            )
            .unwrap()
        };
        let newest = keys(&every(&s, Sort::Newest));
        assert_eq!(newest, ["a1", "b1", "a2", "a3", "b2", "b3"]);
        let want = |sort| -> Vec<&str> {
            match sort {
                Sort::Newest => vec!["a1", "b1", "a2", "a3", "b2", "b3"],
                Sort::Oldest => vec!["b3", "b2", "a3", "a2", "b1", "a1"],
                // Über Tech was subscribed first.
                Sort::Feed => vec!["a1", "a2", "a3", "b1", "b2", "b3"],
                // a1 and b1 are read.
                Sort::Unread => vec!["a2", "a3", "b2", "b3", "a1", "b1"],
            }
        };
        for sort in [Sort::Newest, Sort::Oldest, Sort::Feed, Sort::Unread] {
            let filter = EntryFilter {
                sort,
                ..EntryFilter::default()
            };
            let mut down: Vec<EntrySummary> = Vec::new();
            let mut page = Page::First;
            loop {
                let rows = s.entries_page(&filter, page, 2).unwrap();
                let Some(last) = rows.last() else { break };
                page = Page::Older(last.cursor());
                down.extend(rows);
            }
            assert_eq!(keys(&down), want(sort), "{sort:?} down");
            let mut up: Vec<EntrySummary> = Vec::new();
            let mut page = Page::Last;
            loop {
                let rows = s.entries_page(&filter, page, 2).unwrap();
                let Some(first) = rows.first() else { break };
                page = Page::Newer(first.cursor());
                up.splice(0..0, rows);
            }
            assert_eq!(keys(&up), want(sort), "{sort:?} up");
        }
        // Above the third row in each order: the first three.
        for sort in [Sort::Oldest, Sort::Feed, Sort::Unread] {
            let filter = EntryFilter {
                sort,
                ..EntryFilter::default()
            };
            let rows = s.entries_page(&filter, Page::First, 100).unwrap();
            let changed = s
                .mark_matching(&filter, Mark::Star, Some(rows[2].cursor()))
                .unwrap();
            let mut changed: Vec<_> = changed
                .iter()
                .map(|id| keys(&rows)[rows.iter().position(|r| r.id == *id).unwrap()].clone())
                .collect();
            changed.sort();
            let mut top: Vec<String> = want(sort)[..3].iter().map(|k| (*k).to_owned()).collect();
            top.retain(|k| k != "a2"); // already starred
            top.sort();
            assert_eq!(changed, top, "{sort:?}");
            let ids: Vec<_> = rows.iter().map(|r| r.id).collect();
            s.set_mark(&ids, Mark::Unstar).unwrap();
            s.set_mark(
                &[rows.iter().find(|r| r.title == "Title a2").unwrap().id],
                Mark::Star,
            )
            .unwrap();
        }
    }

    #[test]
    fn keyset_conditions_say_what_the_order_means() {
        let sql = |sort, way| {
            let mut clause = Clause::default();
            past(&mut clause, sort, c(3), way);
            clause.sql()
        };
        assert_eq!(
            sql(Sort::Newest, Way::Down),
            "(e.published, e.id) < (?1, ?2)"
        );
        assert_eq!(
            sql(Sort::Oldest, Way::Down),
            "(e.published, e.id) > (?1, ?2)"
        );
        assert_eq!(sql(Sort::Oldest, Way::Up), "(e.published, e.id) < (?1, ?2)");
        assert_eq!(
            sql(Sort::Feed, Way::Down),
            "e.feed_id >= ?1 AND (e.feed_id > ?2 OR (e.published, e.id) < (?3, ?4))"
        );
        assert_eq!(
            sql(Sort::Feed, Way::Up),
            "e.feed_id <= ?1 AND (e.feed_id < ?2 OR (e.published, e.id) > (?3, ?4))"
        );
    }
}
