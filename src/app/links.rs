//! The links view: the open entry's own link and every numbered link of its body, to pick
//! one. `Enter` shows the chosen address whole in the status line (opening and copying it
//! come with issue #6).

use super::{Action, AppState, Effect, View};

/// The cursor over the open entry's links.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LinksView {
    pub cursor: usize,
    pub offset: usize,
}

/// One line of the links view: its label and the address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkRow {
    pub label: String,
    pub url: String,
}

/// The open entry's links: its own first, then the body's, numbered as in the text.
pub fn rows(state: &AppState) -> Vec<LinkRow> {
    let Some(reader) = &state.reader else {
        return Vec::new();
    };
    let own = reader.entry.summary.link.iter().map(|url| LinkRow {
        label: "entry".into(),
        url: url.clone(),
    });
    let body = reader
        .rendered
        .links
        .iter()
        .enumerate()
        .map(|(i, url)| LinkRow {
            label: format!("[{}]", i + 1),
            url: url.clone(),
        });
    own.chain(body).collect()
}

/// `l` in the reader: the links view, or why there is none.
pub fn open(state: &mut AppState) {
    if rows(state).is_empty() {
        state.status = Some("This entry has no links".into());
        return;
    }
    state.links = LinksView::default();
    state.view = View::Links;
}

/// Keys in the links view.
pub fn on_action(state: &mut AppState, action: Action) -> Vec<Effect> {
    let rows = rows(state);
    let h = state.list_height();
    let last = rows.len().saturating_sub(1);
    let page = isize::try_from(h).unwrap_or(isize::MAX);
    let links = &mut state.links;
    let delta = match action {
        Action::Down => 1,
        Action::Up => -1,
        Action::PageDown => page,
        Action::PageUp => -page,
        Action::Top => isize::MIN / 2,
        Action::Bottom => isize::MAX / 2,
        Action::Open => {
            if let Some(row) = rows.get(links.cursor) {
                state.status = Some(format!("{} {}", row.label, row.url));
            }
            return Vec::new();
        }
        Action::Back | Action::Cancel | Action::Links => {
            state.view = View::Reader;
            return Vec::new();
        }
        _ => return Vec::new(),
    };
    links.cursor = links.cursor.saturating_add_signed(delta).min(last);
    if links.cursor < links.offset {
        links.offset = links.cursor;
    } else if links.cursor >= links.offset + h {
        links.offset = links.cursor + 1 - h;
    }
    Vec::new()
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{FakeDb, entry};
    use super::super::*;

    fn reader_with_links() -> AppState {
        let mut db = FakeDb::new(3);
        let mut s = db.started(80, 24);
        let (e, mut r) = entry(3, 5);
        r.links = vec![
            "https://a.example/one".into(),
            "https://b.example/two".into(),
        ];
        s.opening = Some(e.summary.id);
        update(
            &mut s,
            Msg::EntryLoaded {
                entry: Box::new(e),
                rendered: r,
                width: 78,
                complete: true,
            },
        );
        s
    }

    #[test]
    fn the_links_view_lists_the_entry_link_then_the_numbered_ones() {
        let mut s = reader_with_links();
        update(&mut s, Msg::Action(Action::Links));
        assert_eq!(s.view, View::Links);
        let rows = super::rows(&s);
        let labels: Vec<&str> = rows.iter().map(|r| r.label.as_str()).collect();
        assert_eq!(labels, ["entry", "[1]", "[2]"]);
        update(&mut s, Msg::Action(Action::Bottom));
        update(&mut s, Msg::Action(Action::Open));
        assert_eq!(s.status.as_deref(), Some("[2] https://b.example/two"));
        update(&mut s, Msg::Action(Action::Back));
        assert_eq!(s.view, View::Reader);
    }

    #[test]
    fn an_entry_without_links_says_so() {
        let mut s = reader_with_links();
        if let Some(r) = &mut s.reader {
            r.rendered.links.clear();
            r.entry.summary.link = None;
        }
        update(&mut s, Msg::Action(Action::Links));
        assert_eq!(s.view, View::Reader);
        assert_eq!(s.status.as_deref(), Some("This entry has no links"));
    }
}
