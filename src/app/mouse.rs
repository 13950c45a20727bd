//! The mouse: the wheel scrolls the view in front by a few lines; a left click moves the
//! cursor to the line clicked, and a click on the line already under the cursor opens it.

use super::{Action, AppState, Effect, View, on_action};

/// Lines one notch of the wheel moves.
const WHEEL_LINES: usize = 3;

pub fn wheel(state: &mut AppState, down: bool) -> Vec<Effect> {
    if state.takes_text() {
        return Vec::new();
    }
    let action = if down { Action::Down } else { Action::Up };
    (0..WHEEL_LINES)
        .flat_map(|_| on_action(state, action))
        .collect()
}

/// The screen row `row` (the title bar is row 0) as a line of the list in front.
pub fn click(state: &mut AppState, row: u16) -> Vec<Effect> {
    if state.takes_text() || row == 0 || usize::from(row) > state.list_height() {
        return Vec::new();
    }
    let line = usize::from(row) - 1;
    match state.view {
        View::Stream => {
            let stream = &state.stream;
            let index = stream.list.offset + line;
            if index >= stream.rows.len() {
                return Vec::new();
            }
            if index == stream.list.cursor {
                return on_action(state, Action::Open);
            }
            let delta = isize::try_from(index).unwrap_or(0)
                - isize::try_from(stream.list.cursor).unwrap_or(0);
            let h = state.list_height();
            state.stream.move_by(delta, h)
        }
        View::Feeds => {
            let feeds = &mut state.feeds;
            let index = feeds.list.offset + line;
            if index >= feeds.items.len() {
                return Vec::new();
            }
            if index == feeds.list.cursor {
                return on_action(state, Action::Open);
            }
            feeds.list.cursor = index;
            Vec::new()
        }
        View::Reader | View::Links | View::Downloads => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::FakeDb;
    use super::super::*;

    #[test]
    fn the_wheel_moves_three_lines_and_a_click_picks_then_opens() {
        let mut db = FakeDb::new(50);
        let mut s = db.started(80, 24);
        db.send(&mut s, Msg::Wheel { down: true });
        assert_eq!(s.stream.list.cursor, 3);
        db.send(&mut s, Msg::Wheel { down: false });
        assert_eq!(s.stream.list.cursor, 0);
        db.send(&mut s, Msg::Click { row: 5 });
        assert_eq!(s.stream.list.cursor, 4);
        let effects = db.send(&mut s, Msg::Click { row: 5 });
        assert!(matches!(effects.first(), Some(Effect::OpenEntry { .. })));
        // The title bar and the status line are not list lines.
        let before = s.stream.list.cursor;
        db.send(&mut s, Msg::Click { row: 0 });
        db.send(&mut s, Msg::Click { row: 23 });
        assert_eq!(s.stream.list.cursor, before);
    }
}
