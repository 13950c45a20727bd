//! `e`: export what is picked — the selection, else the entry under the cursor (or the open
//! one) — to a file whose name says the format (`.md`, `.txt`, `.json`, `.atom`, `.csv`), or to
//! the clipboard (type `clipboard`; Markdown). The line starts with a name made from the date,
//! in the export directory; nothing from a feed goes into a file name.

use super::{AppState, Effect, PromptKind, View, prompt};
use crate::model::{EntryFilter, EntryId};

/// What an export takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Ids(Vec<EntryId>),
    /// Everything the filter matches (the view's "select all").
    Filter(EntryFilter),
}

/// Where an export goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    File(String),
    Clipboard,
}

/// The file extensions the export line understands, and the format each means.
pub const EXTENSIONS: [&str; 5] = ["md", "txt", "json", "atom", "csv"];

/// What `e` would export in the view in front.
fn target(state: &AppState) -> Option<(Target, usize)> {
    let stream = &state.stream;
    if state.view == View::Reader {
        let id = state.reader.as_ref()?.entry.summary.id;
        return Some((Target::Ids(vec![id]), 1));
    }
    if stream.selection.all {
        return Some((Target::Filter(stream.filter.clone()), 0));
    }
    let mut ids: Vec<EntryId> = stream
        .rows
        .iter()
        .filter(|r| stream.is_selected(r))
        .map(|r| r.id)
        .collect();
    for id in &stream.selection.ids {
        if !ids.contains(id) {
            ids.push(*id);
        }
    }
    if ids.is_empty() {
        ids.extend(stream.selected().map(|r| r.id));
    }
    let n = ids.len();
    (n > 0).then_some((Target::Ids(ids), n))
}

/// `e`: asks where to.
pub fn ask(state: &mut AppState) {
    let Some((target, _)) = target(state) else {
        state.status = Some("Nothing to export here".into());
        return;
    };
    let stamp = state.now.map_or_else(
        || "export".to_owned(),
        |t| t.format("%Y%m%d-%H%M").to_string(),
    );
    let dir = state.options.export_dir.trim_end_matches('/');
    let name = format!("{dir}/tidings-{stamp}.md");
    state.view = if state.view == View::Reader {
        View::Reader
    } else {
        View::Stream
    };
    prompt::ask(state, PromptKind::Export(target), name);
}

/// `Enter` on the export line.
pub fn apply(state: &mut AppState, target: Target, text: &str) -> Vec<Effect> {
    let text = text.trim();
    if text.eq_ignore_ascii_case("clipboard") {
        state.prompt = None;
        return vec![Effect::Export {
            target,
            format: "md".into(),
            destination: Destination::Clipboard,
        }];
    }
    let extension = text
        .rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase())
        .filter(|ext| EXTENSIONS.contains(&ext.as_str()));
    let Some(format) = extension else {
        if let Some(p) = &mut state.prompt {
            p.error = Some(format!(
                "The file name's ending says the format: .{} (or type clipboard)",
                EXTENSIONS.join(" .")
            ));
        }
        return Vec::new();
    };
    state.prompt = None;
    state.status = Some(format!("Exporting to {text}…"));
    vec![Effect::Export {
        target,
        format,
        destination: Destination::File(text.to_owned()),
    }]
}

#[cfg(test)]
mod tests {
    use super::super::test_support::FakeDb;
    use super::super::*;
    use super::*;

    fn enter(s: &mut AppState) -> Vec<Effect> {
        update(s, Msg::Text(TextKey::Enter))
    }

    #[test]
    fn e_exports_the_selection_to_a_dated_file_named_by_its_format() {
        let mut db = FakeDb::new(10);
        let mut s = db.started(80, 24);
        s.options.export_dir = "/home/u/exports/".into();
        update(
            &mut s,
            Msg::Tick(chrono::DateTime::from_timestamp(1_700_000_000, 0).unwrap()),
        );
        db.send(&mut s, Msg::Action(Action::ToggleSelect));
        db.send(&mut s, Msg::Action(Action::Down));
        db.send(&mut s, Msg::Action(Action::ToggleSelect));
        update(&mut s, Msg::Action(Action::Export));
        let p = s.prompt.as_ref().unwrap();
        assert_eq!(p.text, "/home/u/exports/tidings-20231114-2213.md");
        let effects = enter(&mut s);
        assert_eq!(
            effects,
            vec![Effect::Export {
                target: Target::Ids(vec![EntryId(10), EntryId(8)]),
                format: "md".into(),
                destination: Destination::File("/home/u/exports/tidings-20231114-2213.md".into()),
            }]
        );
    }

    #[test]
    fn without_a_selection_the_entry_under_the_cursor_and_a_bad_ending_is_refused() {
        let mut db = FakeDb::new(3);
        let mut s = db.started(80, 24);
        update(&mut s, Msg::Action(Action::Export));
        update(&mut s, Msg::Text(TextKey::Clear));
        for c in "/tmp/x.pdf".chars() {
            update(&mut s, Msg::Text(TextKey::Char(c)));
        }
        assert!(enter(&mut s).is_empty());
        assert!(
            s.prompt
                .as_ref()
                .unwrap()
                .error
                .as_ref()
                .unwrap()
                .contains(".md .txt")
        );
        update(&mut s, Msg::Text(TextKey::Clear));
        for c in "clipboard".chars() {
            update(&mut s, Msg::Text(TextKey::Char(c)));
        }
        assert_eq!(
            enter(&mut s),
            vec![Effect::Export {
                target: Target::Ids(vec![EntryId(3)]),
                format: "md".into(),
                destination: Destination::Clipboard,
            }]
        );
    }

    #[test]
    fn select_all_exports_through_the_filter() {
        let mut db = FakeDb::new(3);
        let mut s = db.started(80, 24);
        update(&mut s, Msg::Action(Action::SelectAll));
        update(&mut s, Msg::Action(Action::Export));
        let effects = enter(&mut s);
        assert!(matches!(
            &effects[..],
            [Effect::Export {
                target: Target::Filter(_),
                ..
            }]
        ));
    }
}
