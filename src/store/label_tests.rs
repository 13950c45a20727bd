//! Store tests for what rules and the reader put on entries beside read and starred (issue
//! #20): labels, hidden entries and regular expressions in filters, on the known sample.

use super::query_tests::{
    NOW, all, assert_counts_true, keys, keys_to_ids, matching, query, sample,
};
use crate::model::{EntryFilter, Mark};

#[test]
fn labels_go_on_and_off_and_say_what_changed() {
    let (_dir, mut s, _, _) = sample();
    let id = keys_to_ids(&s);
    let (later, name) = s.label_id("Later").unwrap().unwrap();
    assert_eq!(name, "Later");
    // Another case is the same label, under its first name.
    assert_eq!(
        s.label_id("LATER").unwrap().unwrap(),
        (later, "Later".into())
    );
    assert_eq!(s.label_id(" \u{1b} ").unwrap(), None);
    let changed = s
        .set_mark(&[id("a1"), id("b2"), id("b2")], Mark::Label(later))
        .unwrap();
    assert_eq!(changed, [id("a1"), id("b2")]);
    // Already there: nothing changes, so nothing is undone later.
    assert_eq!(
        s.set_mark(&[id("a1"), id("a3")], Mark::Label(later))
            .unwrap(),
        [id("a3")]
    );
    assert_eq!(matching(&s, "label:later"), ["a1", "a3", "b2"]);
    assert_eq!(matching(&s, "-label:LATER"), ["b1", "a2", "b3"]);
    assert_eq!(matching(&s, "label:other"), [] as [&str; 0]);
    let rows = all(&s, &query("label:later"));
    assert!(rows.iter().all(|r| r.labels == ["Later"]), "{rows:?}");
    let (work, _) = s.label_id("work").unwrap().unwrap();
    s.set_mark(&[id("a1")], Mark::Label(work)).unwrap();
    let a1 = s.entry(id("a1")).unwrap().unwrap();
    assert_eq!(a1.summary.labels, ["Later", "work"]);
    // Taken off: only where it was.
    assert_eq!(
        s.set_mark(&[id("a1"), id("b1")], Mark::Unlabel(later))
            .unwrap(),
        [id("a1")]
    );
    assert_eq!(matching(&s, "label:later"), ["a3", "b2"]);
    let uses = s.labels().unwrap();
    let counted: Vec<(&str, u64)> = uses.iter().map(|l| (l.name.as_str(), l.entries)).collect();
    assert_eq!(counted, [("Later", 2), ("work", 1)]);
    // Labelling what a filter matches returns the changes in stream order.
    let changed = s
        .mark_matching(&query("feed:cooking"), Mark::Label(later), None)
        .unwrap();
    assert_eq!(changed, [id("b1"), id("b3")]);
    let changed = s
        .mark_matching(&EntryFilter::default(), Mark::Unlabel(later), None)
        .unwrap();
    assert_eq!(changed, [id("b1"), id("a3"), id("b2"), id("b3")]);
    assert_eq!(matching(&s, "label:later"), [] as [&str; 0]);
}

#[test]
fn a_removed_entry_takes_its_labels_along() {
    let (_dir, mut s, _, b) = sample();
    let id = keys_to_ids(&s);
    let (later, _) = s.label_id("later").unwrap().unwrap();
    s.set_mark(&[id("a1"), id("b1")], Mark::Label(later))
        .unwrap();
    s.remove_feed(b).unwrap();
    let left: i64 = s
        .conn
        .query_row("SELECT count(*) FROM entry_labels", [], |r| r.get(0))
        .unwrap();
    assert_eq!(left, 1);
}

#[test]
fn hidden_entries_are_out_of_every_view_unless_asked_for() {
    let (_dir, mut s, a, _) = sample();
    let id = keys_to_ids(&s);
    s.set_mark(&[id("a3"), id("b2")], Mark::Hide).unwrap();
    assert_eq!(
        keys(&all(&s, &EntryFilter::default())),
        ["a1", "b1", "a2", "b3"]
    );
    let unread = EntryFilter {
        unread_only: true,
        ..EntryFilter::default()
    };
    assert_eq!(keys(&all(&s, &unread)), ["a2", "b3"]);
    let feed_a = EntryFilter {
        feed: Some(a),
        ..EntryFilter::default()
    };
    assert_eq!(keys(&all(&s, &feed_a)), ["a1", "a2"]);
    assert_eq!(matching(&s, "hidden"), ["a3", "b2"]);
    assert_eq!(matching(&s, "-hidden"), ["a1", "b1", "a2", "b3"]);
    assert_eq!(matching(&s, "hidden or starred"), ["a2", "a3", "b2"]);
    assert_eq!(matching(&s, "cafe"), [] as [&str; 0]);
    assert_eq!(matching(&s, "cafe hidden"), ["a3"]);
    // Counts count what can be seen: of the four unread, a3 and b2 are hidden.
    assert_eq!(s.counts().unwrap().unread, 2);
    assert_eq!(s.count_matching(&EntryFilter::default()).unwrap(), (4, 2));
    assert_counts_true(&s);
    // Marking a view read leaves the hidden alone.
    s.mark_matching(&EntryFilter::default(), Mark::Read, None)
        .unwrap();
    assert_eq!(matching(&s, "hidden unread"), ["a3", "b2"]);
    assert_eq!(s.set_mark(&[id("a3")], Mark::Unhide).unwrap(), [id("a3")]);
    assert_eq!(s.counts().unwrap().unread, 1);
    assert_counts_true(&s);
    s.set_mark(&[id("a2")], Mark::Hide).unwrap();
    assert_eq!(s.counts().unwrap().starred, 0);
    assert_counts_true(&s);
}

#[test]
fn regular_expressions_match_title_author_and_link() {
    let (_dir, s, _, _) = sample();
    assert_eq!(matching(&s, "title:/a[12]$/"), ["a1", "a2"]);
    assert_eq!(matching(&s, "title:/(?-i)^title/"), [] as [&str; 0]);
    assert_eq!(matching(&s, "author:/^ann/"), ["a1", "b1"]);
    // No author: no match, and the negation holds.
    assert_eq!(matching(&s, "-author:/./"), ["a3", "b3"]);
    assert_eq!(matching(&s, "author:/%$/ or title:/b3/"), ["b2", "b3"]);
    assert_eq!(matching(&s, "link:/./"), [] as [&str; 0]);
    let _ = NOW;
}
