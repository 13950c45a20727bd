//! Links: the links view (the open entry's own link and every numbered link of its body, to
//! pick one), and opening or copying the link in front: the picked one, the open entry's, or
//! the one of the entry under the cursor. Over SSH (or with no display) opening copies
//! instead, since a browser would start on the server.

use super::Status;
use super::{Action, AppState, Effect, ListCursor, Move, View};

/// What `o` does with a web link, as the config and the session decide (the runtime says).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Opening {
    /// Start a browser beside the reader.
    Browser,
    /// Hand the terminal to a text browser (`[links] open_in_terminal`): the reader suspends
    /// and comes back when it exits.
    InTerminal,
    /// Copy the link instead, for this reason ("no browser over SSH").
    Copy(String),
}

/// The cursor over the open entry's links.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LinksView {
    pub list: ListCursor,
}

/// One line of the links view: its label and the address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkRow {
    pub label: String,
    pub url: String,
    /// The entry's enclosure this row is (its index), for `p` and `d`.
    pub enclosure: Option<usize>,
}

/// The open entry's links: its own first, then its enclosures (`[E1]` with their type, size
/// and duration), then the body's, numbered as in the text.
pub fn rows(state: &AppState) -> Vec<LinkRow> {
    let Some(reader) = &state.reader else {
        return Vec::new();
    };
    let own = reader.entry.summary.link.iter().map(|url| LinkRow {
        label: "entry".into(),
        url: url.clone(),
        enclosure: None,
    });
    let enclosures = reader
        .entry
        .enclosures
        .iter()
        .enumerate()
        .map(|(i, e)| LinkRow {
            label: format!("[E{}] {}", i + 1, e.describe()),
            url: e.url.clone(),
            enclosure: Some(i),
        });
    let body = reader
        .rendered
        .links
        .iter()
        .enumerate()
        .map(|(i, url)| LinkRow {
            label: format!("[{}]", i + 1),
            url: url.clone(),
            enclosure: None,
        });
    own.chain(enclosures).chain(body).collect()
}

/// `l` in the reader: the links view, or why there is none.
pub fn open(state: &mut AppState) {
    if rows(state).is_empty() {
        state.status = Some(Status::info("This entry has no links"));
        return;
    }
    state.links = LinksView::default();
    state.view = View::Links;
}

/// Keys in the links view.
pub fn on_action(state: &mut AppState, action: Action) -> Vec<Effect> {
    let h = state.list_height();
    if let Some(to) = Move::of(action, h) {
        let len = rows(state).len();
        state.links.list.go(to, len, h);
        return Vec::new();
    }
    match action {
        Action::Open => return open_link(state),
        Action::Back | Action::Cancel | Action::Links => state.view = View::Reader,
        _ => {}
    }
    Vec::new()
}

/// The link `o` and `y` act on in the view in front.
fn link_in_front(state: &AppState) -> Option<String> {
    match state.view {
        View::Links => rows(state)
            .into_iter()
            .nth(state.links.list.cursor)
            .map(|r| r.url),
        View::Reader => state.reader.as_ref()?.entry.summary.link.clone(),
        View::Stream => state.stream.selected()?.link.clone(),
        View::Feeds => {
            let feed = state.feeds.selected()?;
            let url = feed.site_url.as_deref().unwrap_or(&feed.url);
            Some(crate::model::redact::url(url).into_owned())
        }
        View::Downloads => {
            let d = &state.downloads;
            d.rows.get(d.list.cursor).map(|r| r.url.clone())
        }
    }
}

/// Whether a browser may be given this link: http and https only.
fn openable(url: &str) -> bool {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// `o`: open the link in a browser (or a text browser in the terminal); over SSH or with no
/// display, unless a command is configured, copy it and show it.
pub fn open_link(state: &mut AppState) -> Vec<Effect> {
    let Some(url) = link_in_front(state) else {
        state.status = Some(Status::info("No link here"));
        return Vec::new();
    };
    if !openable(&url) {
        let copy = state
            .keys
            .hint(Action::CopyLink, "copies it")
            .map(|h| format!("; {h}"))
            .unwrap_or_default();
        state.status = Some(Status::error(format!(
            "Only http and https links open in a browser{copy}: {url}"
        )));
        return Vec::new();
    }
    if let Opening::Copy(why) = &state.options.opening {
        state.status = Some(Status::done(format!("Copied ({why}): {url}")));
        return vec![Effect::Copy { text: url }];
    }
    state.status = Some(Status::info(format!("Opening {url}")));
    vec![Effect::OpenUrl { url }]
}

/// `y`: copy the link.
pub fn copy_link(state: &mut AppState) -> Vec<Effect> {
    let Some(url) = link_in_front(state) else {
        state.status = Some(Status::info("No link here"));
        return Vec::new();
    };
    state.status = Some(Status::done(format!("Copied {url}")));
    vec![Effect::Copy { text: url }]
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
        let effects = update(&mut s, Msg::Action(Action::Open));
        assert_eq!(
            effects,
            vec![Effect::OpenUrl {
                url: "https://b.example/two".into()
            }]
        );
        update(&mut s, Msg::Action(Action::Back));
        assert_eq!(s.view, View::Reader);
    }

    #[test]
    fn over_ssh_open_copies_and_shows_the_link() {
        let mut s = reader_with_links();
        s.options.opening = Opening::Copy("no browser over SSH".into());
        let effects = update(&mut s, Msg::Action(Action::OpenLink));
        assert_eq!(
            effects,
            vec![Effect::Copy {
                text: "https://example.org/3".into()
            }]
        );
        assert_eq!(
            s.status.as_deref(),
            Some("Copied (no browser over SSH): https://example.org/3")
        );
    }

    #[test]
    fn y_copies_the_link_of_the_entry_under_the_cursor() {
        let mut db = FakeDb::new(3);
        let mut s = db.started(80, 24);
        let effects = update(&mut s, Msg::Action(Action::CopyLink));
        assert_eq!(
            effects,
            vec![Effect::Copy {
                text: "https://example.org/3".into()
            }]
        );
    }

    #[test]
    fn only_web_links_go_to_a_browser() {
        let mut s = reader_with_links();
        if let Some(r) = &mut s.reader {
            r.entry.summary.link = Some("javascript:alert(1)".into());
        }
        assert!(update(&mut s, Msg::Action(Action::OpenLink)).is_empty());
        assert!(
            s.status
                .as_deref()
                .unwrap()
                .starts_with("Only http and https")
        );
        // It can still be copied, to look at.
        assert_eq!(update(&mut s, Msg::Action(Action::CopyLink)).len(), 1);
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
