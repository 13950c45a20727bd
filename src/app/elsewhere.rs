//! A key that means nothing where it was pressed says where it does: nothing happening is
//! never the answer (a newsboat user presses `r` in the feed list and `a` in the stream).

use super::{Action, AppState, Status, View};

/// Where `action` works, when it does not in the view in front: the status line says so.
pub fn say(state: &mut AppState, action: Action) {
    use Action as A;
    let key = |a: Action| state.keys.of(a).unwrap_or("").to_owned();
    let pressed = key(action);
    if pressed.is_empty() {
        return;
    }
    let text = match (state.view, action) {
        (
            View::Feeds,
            A::ToggleRead
            | A::ToggleStar
            | A::ToggleSelect
            | A::SelectRange
            | A::SelectAll
            | A::MarkAboveRead
            | A::Export
            | A::NextUnread
            | A::ToggleCopies
            | A::Filter,
        ) => format!(
            "{pressed} works on entries: {} opens this feed's",
            key(A::Open)
        ),
        (_, A::AddFeed | A::RemoveFeed | A::RenameFeed | A::EditTags | A::MergeFeeds) => format!(
            "{pressed} works in the feed list ({} opens it)",
            key(A::Feeds)
        ),
        (
            View::Stream | View::Feeds,
            A::NextEntry | A::PrevEntry | A::NextMatch | A::PrevMatch | A::Links,
        ) => {
            format!(
                "{pressed} works in the reader ({} opens an entry)",
                key(A::Open)
            )
        }
        (
            View::Reader | View::Links,
            A::ToggleSelect | A::SelectRange | A::SelectAll | A::MarkAllRead | A::MarkAboveRead,
        ) => format!("{pressed} works in the stream ({} goes back)", key(A::Back)),
        _ => return,
    };
    state.status = Some(Status::info(text));
}

#[cfg(test)]
mod tests {
    use super::super::test_support::FakeDb;
    use super::super::*;

    /// Issue #19: `r`, `s`, `e` in the feed list and `a`, `D` in the stream did nothing and
    /// said nothing.
    #[test]
    fn keys_that_do_nothing_here_say_where_they_work() {
        let mut db = FakeDb::new(3);
        let mut s = db.started(80, 24);
        for (action, said) in [
            (Action::AddFeed, "a works in the feed list (f opens it)"),
            (Action::RemoveFeed, "D works in the feed list (f opens it)"),
            (
                Action::NextEntry,
                "J works in the reader (Enter opens an entry)",
            ),
        ] {
            update(&mut s, Msg::Action(action));
            assert_eq!(s.status.as_deref(), Some(said), "{action:?}");
        }
        update(&mut s, Msg::Action(Action::Feeds));
        for (action, said) in [
            (
                Action::ToggleRead,
                "r works on entries: Enter opens this feed's",
            ),
            // Found trying it: `/` in the feed list said nothing, and the words typed after it
            // ran as keys.
            (
                Action::Filter,
                "/ works on entries: Enter opens this feed's",
            ),
            (
                Action::Export,
                "e works on entries: Enter opens this feed's",
            ),
        ] {
            update(&mut s, Msg::Action(action));
            assert_eq!(s.status.as_deref(), Some(said), "{action:?}");
        }
    }
}
