//! The reader's runtime without its terminal and its event sources: the model, the executor of
//! its effects, and the queue of messages between them, with one small method per kind of
//! input. `tui::run` feeds it from the terminal, the refresh task, the jobs and the clock, and
//! draws it when it says it changed; every message goes through `app::update`, and every
//! effect `update` returns is carried out.

use std::collections::VecDeque;

use crossterm::event::{Event, KeyEventKind};

use super::effects::Executor;
use super::jobs::{Accepted, JobEvent};
use super::keys;
use crate::app::{self, AppState, Msg};
use crate::model::RefreshEvent;

pub struct Runtime {
    pub state: AppState,
    pub executor: Executor,
    pending: VecDeque<Msg>,
    /// `PRAGMA data_version` when last looked at (another connection's commit changes it).
    seen_version: i64,
    /// Whether the screen no longer shows the state.
    dirty: bool,
}

impl Runtime {
    /// Starts the model (its first effects carried out at once) with `first` messages queued.
    pub fn new(state: AppState, executor: Executor, first: impl IntoIterator<Item = Msg>) -> Self {
        let seen_version = executor.store.data_version().unwrap_or(0);
        let mut rt = Self {
            state,
            executor,
            pending: first.into_iter().collect(),
            seen_version,
            dirty: true,
        };
        let start = rt.state.start();
        rt.run_effects(start);
        rt
    }

    /// Runs every queued message through `update` and its effects.
    pub fn dispatch(&mut self) {
        while let Some(msg) = self.pending.pop_front() {
            self.dirty = true;
            let effects = app::update(&mut self.state, msg);
            self.run_effects(effects);
        }
    }

    /// A terminal event. A key goes to the model as the keymap names it: what it means (an
    /// action, or text when an earlier key of the same burst opened the filter line) is for
    /// `update` to say, in order.
    pub fn input(&mut self, event: &Event) {
        match *event {
            Event::Key(key) if key.kind != KeyEventKind::Release => {
                self.pending.extend(keys::key_of(&key).map(Msg::Key));
            }
            Event::Resize(width, height) => self.pending.push_back(Msg::Resize { width, height }),
            Event::Mouse(mouse) => self.pending.extend(keys::mouse_message(mouse)),
            _ => {}
        }
    }

    /// A message from outside (the refresh timer, an error met while starting).
    pub fn push(&mut self, msg: Msg) {
        self.pending.push_back(msg);
    }

    pub fn refresh(&mut self, event: RefreshEvent) {
        self.pending.push_back(Msg::Refresh(event));
    }

    /// What the model hears of a job's event: nothing from a cancelled job; copied text once
    /// it is on the clipboard (the loop owns the terminal, where OSC 52 goes).
    pub fn job(&mut self, event: JobEvent) {
        let msg = match self.executor.jobs.accept(event) {
            Some(Accepted::Msg(msg)) => {
                if matches!(msg, Msg::MarkApplied { .. }) {
                    self.saw_own_write();
                }
                msg
            }
            Some(Accepted::Copy { text, message }) => {
                self.executor.copy(&text).unwrap_or(Msg::Info(message))
            }
            None => return,
        };
        self.pending.push_back(msg);
    }

    /// The clock: it only feeds relative dates and changes nothing on screen by itself, so an
    /// idle reader writes nothing (the next frame shows the new times); what `update` asks for
    /// is carried out all the same.
    pub fn clock(&mut self, now: chrono::DateTime<chrono::Utc>) {
        let effects = app::update(&mut self.state, Msg::Tick(now));
        self.run_effects(effects);
    }

    /// Other readers and cron write too: `SQLite`'s commit counter says when.
    pub fn watch(&mut self) {
        if let Ok(version) = self.executor.store.data_version()
            && version != self.seen_version
        {
            self.seen_version = version;
            self.pending.push_back(Msg::DatabaseChanged);
        }
    }

    /// Our own mark, written on a connection of its own (`marking`), moved the commit counter:
    /// that is no change from elsewhere, whose reload would take an entry just marked read out
    /// of an unread view under the cursor. (A commit by another program in the same moment is
    /// then shown with the next one, or when the view moves.)
    fn saw_own_write(&mut self) {
        if let Ok(version) = self.executor.store.data_version() {
            self.seen_version = version;
        }
    }

    /// Whether the screen must be drawn again; asking clears it.
    pub fn take_dirty(&mut self) -> bool {
        std::mem::take(&mut self.dirty)
    }

    /// Executes effects and feeds their results back through `update` at once, in the order
    /// asked (an effect's own follow-ups after those already waiting: breadth first), so a
    /// key's consequences are complete before the next key is handled.
    fn run_effects(&mut self, effects: Vec<app::Effect>) {
        let mut work: VecDeque<app::Effect> = effects.into();
        while let Some(effect) = work.pop_front() {
            if let Some(msg) = self.executor.execute(effect) {
                work.extend(app::update(&mut self.state, msg));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use ratatui::buffer::Buffer;
    use ratatui::layout::Rect;
    use tokio::sync::mpsc::{UnboundedReceiver, unbounded_channel};

    use super::*;
    use crate::fetch::http::{FetchOptions, Fetcher};
    use crate::fetch::refresh::{self, RefreshOptions};
    use crate::model::RefreshCmd;
    use crate::store::Store;

    const FEED: &str = r#"<?xml version="1.0"?><rss version="2.0"><channel><title>Local</title>
        <item><title>First light</title><guid>a</guid><pubDate>Mon, 01 Dec 2025 10:00:00 GMT</pubDate>
          <description>&lt;p&gt;Dawn over the harbour.&lt;/p&gt;</description></item>
        <item><title>Second wind</title><guid>b</guid><pubDate>Tue, 02 Dec 2025 10:00:00 GMT</pubDate>
          <description>&lt;p&gt;A gale from the west.&lt;/p&gt;</description></item>
        <item><title>Third time</title><guid>c</guid><pubDate>Wed, 03 Dec 2025 10:00:00 GMT</pubDate>
          <description>&lt;p&gt;Lucky, they say.&lt;/p&gt;</description></item>
        </channel></rss>"#;

    fn key(code: KeyCode) -> Event {
        Event::Key(KeyEvent::new(code, KeyModifiers::NONE))
    }

    fn press(rt: &mut Runtime, keys: &str) {
        for c in keys.chars() {
            rt.input(&key(KeyCode::Char(c)));
        }
        rt.dispatch();
    }

    /// The frame the runtime would draw, as text.
    fn screen(rt: &Runtime) -> String {
        let area = Rect::new(0, 0, rt.state.width, rt.state.height);
        let mut buf = Buffer::empty(area);
        crate::ui::draw_buffer(&mut buf, &rt.state, &crate::ui::Theme::default());
        (0..area.height)
            .map(|y| {
                (0..area.width)
                    .map(|x| buf[(x, y)].symbol().to_owned())
                    .collect::<String>()
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    async fn next<T>(rx: &mut UnboundedReceiver<T>) -> T {
        tokio::time::timeout(Duration::from_secs(30), rx.recv())
            .await
            .expect("an event within 30 s")
            .expect("the channel open")
    }

    /// Issue #18: the real runtime in process, on a real database file and the real refresh
    /// task (a `file:` feed), keys in and frames out: a background refresh finishing, a mark,
    /// its undo, a filter, and opening an entry (its layout comes back as a job).
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_whole_runtime_refreshes_marks_undoes_filters_and_opens() {
        let dir = tempfile::tempdir().unwrap();
        let feed = dir.path().join("feed.xml");
        std::fs::write(&feed, FEED).unwrap();
        let db = dir.path().join("t.db");
        let url = format!("file://{}", feed.display());
        Store::open(&db)
            .unwrap()
            .add_feed(&url, 1_764_000_000)
            .unwrap();

        let fetcher = Fetcher::new(FetchOptions::default()).unwrap();
        let writer = refresh::shared_store(Store::open(&db).unwrap()).unwrap();
        let (cmd_tx, cmd_rx) = unbounded_channel();
        let (event_tx, mut event_rx) = unbounded_channel();
        let options = RefreshOptions {
            jobs: 2,
            per_host: 2,
            retention: crate::model::RetentionRules::default(),
            rules: std::sync::Arc::new([]),
            sync: None,
            feeds: std::sync::Arc::default(),
        };
        let task = tokio::spawn(refresh::serve(
            writer,
            fetcher.clone(),
            options,
            cmd_rx,
            event_tx,
        ));
        let (executor, mut job_rx) = Executor::new(
            Store::open(&db).unwrap(),
            cmd_tx.clone(),
            fetcher,
            super::super::LinkSettings::default(),
        );
        let state = AppState::new(app::Options::default(), 80, 24);
        let mut rt = Runtime::new(state, executor, []);
        rt.dispatch();
        assert!(screen(&rt).contains("No entries yet"), "{}", screen(&rt));

        // R: the refresh runs in the background; its events come back until it finishes.
        press(&mut rt, "R");
        loop {
            let event = next(&mut event_rx).await;
            let finished = matches!(event, RefreshEvent::Finished(_));
            rt.refresh(event);
            rt.dispatch();
            if finished {
                break;
            }
        }
        let shown = screen(&rt);
        assert!(
            shown.contains("Third time") && shown.contains("First light"),
            "{shown}"
        );
        assert!(shown.contains("Refreshed 1 feed: 3 new entries"), "{shown}");
        assert_eq!(rt.state.counts.unread, 3);

        // The refresh's commits are seen (and reloaded for) once.
        rt.watch();
        rt.dispatch();
        // r marks the entry under the cursor read, in the database (written as a job, shown
        // once written); u takes it back.
        press(&mut rt, "r");
        while !screen(&rt).contains("3 entries, 2 unread") {
            rt.job(next(&mut job_rx).await);
            rt.dispatch();
        }
        assert_eq!(Store::open(&db).unwrap().counts().unwrap().unread, 2);
        // Our own mark is no change from elsewhere: no reload (which would take the entry
        // just read out of an unread view).
        rt.watch();
        assert!(
            !rt.pending.iter().any(|m| matches!(m, Msg::DatabaseChanged)),
            "{:?}",
            rt.pending
        );
        press(&mut rt, "u");
        while rt.state.counts.unread != 3 {
            rt.job(next(&mut job_rx).await);
            rt.dispatch();
        }
        assert_eq!(Store::open(&db).unwrap().counts().unwrap().unread, 3);

        // A filter typed on the filter line leaves one entry.
        press(&mut rt, "/gale");
        rt.input(&key(KeyCode::Enter));
        rt.dispatch();
        let shown = screen(&rt);
        assert!(shown.contains("Second wind"), "{shown}");
        assert!(!shown.contains("Third time"), "{shown}");

        // Enter opens it: the layout is a job, and its text reaches the screen.
        rt.input(&key(KeyCode::Enter));
        rt.dispatch();
        while !screen(&rt).contains("A gale from the west.") {
            rt.job(next(&mut job_rx).await);
            rt.dispatch();
        }
        assert_eq!(rt.state.view, app::View::Reader);

        let _ = cmd_tx.send(RefreshCmd::Shutdown);
        task.abort();
    }
}
