//! `e`: the export dialog. It exports what is picked — the selection, else the entry under the
//! cursor (or the open one) — in a format (Markdown, text, HTML, JSON, Atom, CSV), with or
//! without bodies, to a file, the clipboard or the configured `[export] command`. The file name
//! starts as one made from the date in the export directory, and its ending follows the format
//! (and the other way round); nothing from a feed goes into a file name. The choices made are
//! remembered for the next `e`.

use super::Status;
use super::modal::{Line, Modal};
use super::prompt::TextKey;
use super::{AppState, Effect, View};
use crate::model::ExportFormat as Format;
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
    /// The configured `[export] command`, on its stdin.
    Command,
}

/// The kinds of destination, as the dialog cycles through them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum To {
    File,
    Clipboard,
    Command,
}

/// The dialog's lines, top to bottom.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Format,
    Bodies,
    To,
    /// The file name, when exporting to a file.
    Name,
}

/// The export dialog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dialog {
    pub target: Target,
    /// How many entries, when known (not for "select all").
    pub count: Option<usize>,
    pub format: Format,
    pub bodies: bool,
    pub to: To,
    pub field: Field,
    /// Where the export goes when `to` is a file.
    pub name: Line,
    /// Why the last `Enter` was refused.
    pub error: Option<String>,
}

/// The choices of the last export, offered again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Remembered {
    pub format: Format,
    pub bodies: bool,
    pub to: To,
}

impl Default for Remembered {
    fn default() -> Self {
        Self {
            format: Format::Markdown,
            bodies: true,
            to: To::File,
        }
    }
}

impl Dialog {
    /// The lines shown, top to bottom: no file name unless the export goes to a file.
    /// No "bodies" line for a format without bodies (CSV).
    pub fn fields(&self) -> &'static [Field] {
        match (self.format.has_bodies(), self.to == To::File) {
            (true, true) => &[Field::Format, Field::Bodies, Field::To, Field::Name],
            (true, false) => &[Field::Format, Field::Bodies, Field::To],
            (false, true) => &[Field::Format, Field::To, Field::Name],
            (false, false) => &[Field::Format, Field::To],
        }
    }

    /// What the dialog's heading says.
    pub fn heading(&self) -> String {
        match self.count {
            Some(1) => "Export 1 entry".into(),
            Some(n) => format!("Export {n} entries"),
            None => "Export every entry in the view".into(),
        }
    }

    fn step_field(&mut self, forward: bool) {
        let fields = self.fields();
        let i = fields.iter().position(|f| *f == self.field).unwrap_or(0);
        let n = fields.len();
        self.field = fields[if forward {
            (i + 1) % n
        } else {
            (i + n - 1) % n
        }];
    }
}

/// What `e` would export in the view in front.
fn target(state: &AppState) -> Option<(Target, Option<usize>)> {
    let stream = &state.stream;
    if state.view == View::Reader {
        let id = state.reader.as_ref()?.entry.summary.id;
        return Some((Target::Ids(vec![id]), Some(1)));
    }
    if stream.selection.all {
        return Some((Target::Filter(stream.filter.clone()), None));
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
    (n > 0).then_some((Target::Ids(ids), Some(n)))
}

/// `e`: opens the dialog.
pub fn ask(state: &mut AppState) {
    let Some((target, count)) = target(state) else {
        state.status = Some(Status::info("Nothing to export here"));
        return;
    };
    let last = state.last_export;
    let to = if last.to == To::Command && state.options.export_command.is_none() {
        To::File
    } else {
        last.to
    };
    let stamp = state.now.map_or_else(
        || "export".to_owned(),
        |t| t.format("%Y%m%d-%H%M").to_string(),
    );
    let dir = state.options.export_dir.trim_end_matches('/');
    let name = format!("{dir}/tidings-{stamp}.{}", last.format.name());
    state.view = if state.view == View::Reader {
        View::Reader
    } else {
        View::Stream
    };
    let dialog = Dialog {
        target,
        count,
        format: last.format,
        bodies: last.bodies,
        to,
        field: Field::Format,
        name: Line::new(name),
        error: None,
    };
    state.modal = Some(Modal::Export(Box::new(dialog)));
}

/// A key in the dialog: Up, Down and Tab move between its lines, Left and Right (or Space)
/// change the one in focus, typing edits the file name, Enter exports, Esc closes it.
pub fn on_key(state: &mut AppState, key: TextKey) -> Vec<Effect> {
    let has_command = state.options.export_command.is_some();
    let Some(Modal::Export(dialog)) = &mut state.modal else {
        return Vec::new();
    };
    dialog.error = None;
    let forward = match key {
        TextKey::Down | TextKey::Tab => {
            dialog.step_field(true);
            return Vec::new();
        }
        TextKey::Up | TextKey::BackTab => {
            dialog.step_field(false);
            return Vec::new();
        }
        TextKey::Enter => return apply(state),
        TextKey::Esc => {
            state.modal = None;
            return Vec::new();
        }
        _ if dialog.field == Field::Name => {
            // A known ending typed sets the format.
            if dialog.name.edit(key)
                && let Some(format) = extension(&dialog.name.text).and_then(Format::from_name)
            {
                dialog.format = format;
            }
            return Vec::new();
        }
        TextKey::Right | TextKey::Char(' ') => true,
        TextKey::Left => false,
        _ => return Vec::new(),
    };
    match dialog.field {
        Field::Format => {
            let all = Format::ALL;
            let i = all.iter().position(|f| *f == dialog.format).unwrap_or(0);
            let n = all.len();
            dialog.format = all[if forward {
                (i + 1) % n
            } else {
                (i + n - 1) % n
            }];
            let ext = dialog.format.name();
            dialog.name = Line::new(with_extension(&dialog.name.text, ext));
        }
        Field::Bodies => dialog.bodies = !dialog.bodies,
        Field::To => {
            let mut all = vec![To::File, To::Clipboard];
            if has_command {
                all.push(To::Command);
            }
            let i = all.iter().position(|t| *t == dialog.to).unwrap_or(0);
            let n = all.len();
            dialog.to = all[if forward {
                (i + 1) % n
            } else {
                (i + n - 1) % n
            }];
        }
        Field::Name => {}
    }
    Vec::new()
}

/// The ending of a file name, if it has one.
fn extension(name: &str) -> Option<&str> {
    let file = name.rsplit('/').next().unwrap_or(name);
    file.rsplit_once('.')
        .map(|(_, ext)| ext)
        .filter(|e| !e.is_empty())
}

/// `name` with its known ending (or none) replaced by `ext`; an unknown one is kept.
fn with_extension(name: &str, ext: &str) -> String {
    match extension(name) {
        Some(old) if Format::from_name(old).is_some() => {
            format!("{}{ext}", &name[..name.len() - old.len()])
        }
        Some(_) => name.to_owned(),
        None if name.trim().is_empty() || name.ends_with('/') => name.to_owned(),
        None => format!("{name}.{ext}"),
    }
}

/// `Enter`: exports, or says why not.
fn apply(state: &mut AppState) -> Vec<Effect> {
    let Some(Modal::Export(dialog)) = &mut state.modal else {
        return Vec::new();
    };
    let name = dialog.name.text.trim().to_owned();
    if dialog.to == To::File && (name.is_empty() || name.ends_with('/')) {
        dialog.error = Some("Give the file a name".into());
        return Vec::new();
    }
    let Some(Modal::Export(dialog)) = state.modal.take() else {
        return Vec::new();
    };
    let destination = match dialog.to {
        To::File => Destination::File(name),
        To::Clipboard => Destination::Clipboard,
        To::Command => Destination::Command,
    };
    state.last_export = Remembered {
        format: dialog.format,
        bodies: dialog.bodies,
        to: dialog.to,
    };
    // The status line shows the export's progress until it ends (`ui`).
    state.status = None;
    state.job = Some(super::JobProgress {
        job: super::Job::Export,
        done: 0,
        total: 0,
    });
    vec![Effect::Export {
        target: dialog.target,
        format: dialog.format,
        bodies: dialog.bodies && dialog.format.has_bodies(),
        destination,
    }]
}

#[cfg(test)]
mod tests {
    use super::super::test_support::FakeDb;
    use super::super::*;
    use super::*;

    fn key(s: &mut AppState, k: TextKey) -> Vec<Effect> {
        update(s, Msg::Text(k))
    }

    fn dialog(s: &AppState) -> &Dialog {
        s.export_dialog().expect("the dialog open")
    }

    fn started_at(db: &mut FakeDb) -> AppState {
        let mut s = db.started(80, 24);
        s.options.export_dir = "/home/u/exports/".into();
        update(
            &mut s,
            Msg::Tick(chrono::DateTime::from_timestamp(1_700_000_000, 0).unwrap()),
        );
        s
    }

    #[test]
    fn e_then_enter_exports_the_selection_as_markdown_to_a_dated_file() {
        let mut db = FakeDb::new(10);
        let mut s = started_at(&mut db);
        db.send(&mut s, Msg::Action(Action::ToggleSelect));
        db.send(&mut s, Msg::Action(Action::Down));
        db.send(&mut s, Msg::Action(Action::ToggleSelect));
        update(&mut s, Msg::Action(Action::Export));
        assert_eq!(dialog(&s).heading(), "Export 2 entries");
        assert_eq!(
            dialog(&s).name.text,
            "/home/u/exports/tidings-20231114-2213.md"
        );
        assert_eq!(
            key(&mut s, TextKey::Enter),
            vec![Effect::Export {
                target: Target::Ids(vec![EntryId(10), EntryId(8)]),
                format: Format::Markdown,
                bodies: true,
                destination: Destination::File("/home/u/exports/tidings-20231114-2213.md".into()),
            }]
        );
        assert!(s.modal.is_none());
    }

    /// Issue #18: an export runs in the background; while it does, Esc stops it (before it
    /// would clear the selection), and its end clears the progress.
    #[test]
    fn a_running_export_shows_progress_and_esc_cancels_it_first() {
        let mut db = FakeDb::new(10);
        let mut s = started_at(&mut db);
        db.send(&mut s, Msg::Action(Action::ToggleSelect));
        update(&mut s, Msg::Action(Action::Export));
        assert!(matches!(
            key(&mut s, TextKey::Enter)[..],
            [Effect::Export { .. }]
        ));
        assert_eq!(s.job.map(|p| p.job), Some(super::super::Job::Export));
        let progress = super::super::JobProgress {
            job: super::super::Job::Export,
            done: 250,
            total: 1000,
        };
        update(&mut s, Msg::JobProgress(progress));
        assert_eq!(s.job, Some(progress));
        let selected = s.stream.selection.clone();
        assert_eq!(
            update(&mut s, Msg::Action(Action::Cancel)),
            vec![Effect::CancelJob(super::super::Job::Export)]
        );
        assert_eq!(s.job, None);
        assert_eq!(s.stream.selection, selected, "Esc stopped the export only");
        assert_eq!(
            s.status.as_deref(),
            Some("Export cancelled; nothing was written")
        );
        // The next Esc is the stream's again, and a late end of the job changes nothing.
        update(&mut s, Msg::JobEnded(super::super::Job::Export));
        assert_eq!(s.job, None);
        update(&mut s, Msg::Action(Action::Cancel));
        assert!(s.stream.selection.is_empty());
    }

    #[test]
    fn an_export_that_ends_clears_its_progress() {
        let mut db = FakeDb::new(3);
        let mut s = started_at(&mut db);
        update(&mut s, Msg::Action(Action::Export));
        key(&mut s, TextKey::Enter);
        assert!(s.job.is_some());
        update(
            &mut s,
            Msg::Info("Exported 3 entries as Markdown to x.md".into()),
        );
        update(&mut s, Msg::JobEnded(super::super::Job::Mark));
        assert!(
            s.job.is_some(),
            "another kind of job ending is not the export's end"
        );
        update(&mut s, Msg::JobEnded(super::super::Job::Export));
        assert_eq!(s.job, None);
    }

    #[test]
    fn the_format_and_the_file_name_ending_follow_each_other() {
        let mut db = FakeDb::new(3);
        let mut s = started_at(&mut db);
        update(&mut s, Msg::Action(Action::Export));
        key(&mut s, TextKey::Right);
        key(&mut s, TextKey::Right);
        assert_eq!(dialog(&s).format, Format::Html);
        assert!(dialog(&s).name.text.ends_with("-2213.html"));
        key(&mut s, TextKey::Left);
        assert_eq!(dialog(&s).format, Format::Text);
        // To the name, and type another ending.
        for _ in 0..3 {
            key(&mut s, TextKey::Down);
        }
        assert_eq!(dialog(&s).field, Field::Name);
        key(&mut s, TextKey::Clear);
        for c in "/tmp/picks.csv".chars() {
            key(&mut s, TextKey::Char(c));
        }
        assert_eq!(dialog(&s).format, Format::Csv);
        // An ending that is not a format is the user's business.
        key(&mut s, TextKey::Clear);
        for c in "/tmp/picks.log".chars() {
            key(&mut s, TextKey::Char(c));
        }
        let effects = key(&mut s, TextKey::Enter);
        assert!(
            matches!(&effects[..], [Effect::Export { format: Format::Csv, destination: Destination::File(f), .. }] if f == "/tmp/picks.log"),
            "{effects:?}"
        );
    }

    #[test]
    fn bodies_and_destination_toggle_and_are_remembered() {
        let mut db = FakeDb::new(3);
        let mut s = started_at(&mut db);
        s.options.export_command = Some("pandoc".into());
        update(&mut s, Msg::Action(Action::Export));
        key(&mut s, TextKey::Tab);
        key(&mut s, TextKey::Char(' '));
        assert!(!dialog(&s).bodies);
        key(&mut s, TextKey::Tab);
        key(&mut s, TextKey::Right);
        assert_eq!(dialog(&s).to, To::Clipboard);
        assert_eq!(dialog(&s).fields().len(), 3, "no name for the clipboard");
        key(&mut s, TextKey::Right);
        assert_eq!(dialog(&s).to, To::Command);
        // Letters on a choice do nothing (they are not typed into a hidden name).
        let name = dialog(&s).name.text.clone();
        key(&mut s, TextKey::Char('x'));
        assert_eq!(dialog(&s).name.text, name);
        assert_eq!(
            key(&mut s, TextKey::Enter),
            vec![Effect::Export {
                target: Target::Ids(vec![EntryId(3)]),
                format: Format::Markdown,
                bodies: false,
                destination: Destination::Command,
            }]
        );
        update(&mut s, Msg::Action(Action::Export));
        assert_eq!((dialog(&s).bodies, dialog(&s).to), (false, To::Command));
    }

    /// Issue #19: the dialog offered "bodies: yes" for CSV, which has none.
    #[test]
    fn csv_has_no_bodies_line() {
        let mut db = FakeDb::new(3);
        let mut s = started_at(&mut db);
        update(&mut s, Msg::Action(Action::Export));
        while dialog(&s).format != Format::Csv {
            key(&mut s, TextKey::Right);
        }
        assert!(!dialog(&s).fields().contains(&Field::Bodies));
        key(&mut s, TextKey::Down);
        assert_eq!(dialog(&s).field, Field::To, "Bodies is skipped");
        let effects = key(&mut s, TextKey::Enter);
        assert!(
            matches!(&effects[..], [Effect::Export { bodies: false, .. }]),
            "{effects:?}"
        );
    }

    #[test]
    fn without_a_command_the_destinations_are_a_file_and_the_clipboard() {
        let mut db = FakeDb::new(3);
        let mut s = started_at(&mut db);
        update(&mut s, Msg::Action(Action::Export));
        key(&mut s, TextKey::BackTab);
        key(&mut s, TextKey::BackTab);
        assert_eq!(dialog(&s).field, Field::To);
        key(&mut s, TextKey::Right);
        key(&mut s, TextKey::Right);
        assert_eq!(dialog(&s).to, To::File);
    }

    #[test]
    fn an_empty_name_is_refused_and_esc_cancels() {
        let mut db = FakeDb::new(3);
        let mut s = started_at(&mut db);
        update(&mut s, Msg::Action(Action::Export));
        key(&mut s, TextKey::BackTab);
        key(&mut s, TextKey::Clear);
        assert!(key(&mut s, TextKey::Enter).is_empty());
        assert_eq!(dialog(&s).error.as_deref(), Some("Give the file a name"));
        assert!(key(&mut s, TextKey::Esc).is_empty());
        assert!(s.modal.is_none());
    }

    #[test]
    fn select_all_exports_through_the_filter() {
        let mut db = FakeDb::new(3);
        let mut s = db.started(80, 24);
        update(&mut s, Msg::Action(Action::SelectAll));
        update(&mut s, Msg::Action(Action::Export));
        assert_eq!(dialog(&s).heading(), "Export every entry in the view");
        let effects = key(&mut s, TextKey::Enter);
        assert!(matches!(
            &effects[..],
            [Effect::Export {
                target: Target::Filter(_),
                ..
            }]
        ));
    }
}
