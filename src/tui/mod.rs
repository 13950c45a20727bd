//! The runtime: owns the terminal, the UI's database connection and the refresh task; turns
//! keys, refresh events and signals into `Msg`s, runs `update`, executes its `Effect`s, and
//! draws only when something changed. The only layer that does interactive I/O.

mod articles;
pub mod clipboard;
mod effects;
mod exporting;
mod input;
mod jobs;
mod keys;
mod marking;
mod media;
mod notify;
mod runtime;
mod screen;
mod subscriptions;
mod terminal;
mod timers;
mod twins;

pub use effects::LinkSettings;
pub use media::MediaSettings;
pub use notify::notify_command;
pub use terminal::{WATCH_ARG, install_panic_hook, watch as watch_terminal};

use std::path::PathBuf;

use anyhow::Context;
use crossterm::event::Event;
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::mpsc;

use crate::app::{self, AppState, Msg};
use crate::config::{Keymap, ReaderConfig};
use crate::fetch::http::Fetcher;
use crate::fetch::refresh::{self, RefreshOptions};
use crate::model::{RefreshCmd, RefreshEvent, RefreshScope};
use crate::store::Store;

/// What the runtime needs, built by the CLI from the config.
#[derive(Debug, Clone)]
pub struct TuiOptions {
    pub db: PathBuf,
    /// What was said before the reader started (the subscriptions file applied, or why it
    /// could not be): `(is an error, text)`, shown on the status line.
    pub notices: Vec<(bool, String)>,
    /// `[subscriptions] file`: the reader's changes to the subscriptions are written there.
    pub subscriptions_file: Option<PathBuf>,
    pub reader: ReaderConfig,
    pub refresh: RefreshOptions,
    pub fetcher: Fetcher,
    pub refresh_on_start: bool,
    /// How often the feeds that are due are refreshed while the reader is open.
    pub refresh_every: Option<std::time::Duration>,
    pub keymap: Keymap,
    pub views: Vec<crate::model::query::SavedView>,
    pub ui: crate::config::UiConfig,
    /// `[colors]`, mapped onto the terminal's colour depth at start.
    pub styles:
        std::collections::BTreeMap<crate::config::style::Role, crate::config::style::StyleSpec>,
    /// The config's link commands and where we run (SSH, tmux, `$BROWSER`).
    pub links: LinkSettings,
    /// Where `e` proposes to write exports (`~` already expanded).
    pub export_dir: String,
}

/// Runs the interactive reader until the user quits, the terminal goes away or a signal asks.
/// What the executor takes from the options beyond its store, channels and fetcher.
fn configure(executor: &mut effects::Executor, opts: &TuiOptions) {
    executor.keys = app::KeyNames::new(&opts.keymap);
    executor.sync.clone_from(&opts.refresh.sync);
    executor.articles.options.per_host = opts.refresh.per_host;
    executor.feed_settings = std::sync::Arc::clone(&opts.refresh.feeds);
    executor.articles.options.feeds = std::sync::Arc::clone(&opts.refresh.feeds);
    executor
        .subscriptions_file
        .clone_from(&opts.subscriptions_file);
}

/// What was said before the reader started, as messages for its status line.
fn notices(said: &[(bool, String)]) -> impl Iterator<Item = Msg> + '_ {
    said.iter().map(|(error, text)| {
        if *error {
            Msg::Failed(text.clone())
        } else {
            Msg::Info(text.clone())
        }
    })
}

pub async fn run(opts: TuiOptions) -> anyhow::Result<()> {
    let (store, last_visit, refused) = open_store(&opts.db)?;
    let (task, cmd_tx, mut event_rx) = spawn_refresh(&opts)?;

    let mut hangup = signal(SignalKind::hangup()).context("installing the SIGHUP handler")?;
    let mut term = signal(SignalKind::terminate()).context("installing the SIGTERM handler")?;
    let mut interrupt = signal(SignalKind::interrupt()).context("installing the SIGINT handler")?;

    let (_guard, mut terminal, state, theme) = enter_ui(&opts, last_visit)?;
    terminal.hyperlinks = opts.links.hyperlinks;
    let (mut executor, mut job_rx) = effects::Executor::new(
        store,
        cmd_tx.clone(),
        opts.fetcher.clone(),
        opts.links.clone(),
    );
    configure(&mut executor, &opts);
    let first = std::iter::once(Msg::Tick(chrono::Utc::now()))
        .chain(notices(&opts.notices))
        .chain(refused);
    let mut rt = runtime::Runtime::new(state, executor, first);
    let mut timers = timers::Timers::new(opts.refresh_every);
    if opts.refresh_on_start {
        let _ = cmd_tx.send(RefreshCmd::Now(RefreshScope::All));
    }
    let mut inputs = input::spawn().context("starting the input thread")?;
    loop {
        rt.dispatch();
        if rt.state.quit {
            break;
        }
        if rt.take_dirty() {
            let state = &rt.state;
            terminal
                .draw_linked(state.width, state.height, |buf| {
                    crate::ui::draw_buffer(buf, state, &theme)
                })
                .context("drawing")?;
        }
        write_pending(&mut terminal, &mut rt.executor)?;
        if let Some(argv) = rt.executor.hand_over.take() {
            rt.push(hand_over(&mut terminal, &inputs, &argv));
            // A Ctrl-C typed to the program (how mpg123 is stopped) reached our process
            // group too: it was the program's, not a request to quit the reader. tokio's
            // signal driver hands a signal on a moment after it came, so one sent as the
            // program ended may not have arrived yet: wait a little for it (unnoticed after a
            // program), then take whatever else is pending.
            let mut wait = std::time::Duration::from_millis(50);
            while let Ok(Some(())) = tokio::time::timeout(wait, interrupt.recv()).await {
                wait = std::time::Duration::ZERO;
            }
            // The terminal may have changed size meanwhile.
            if let Ok((width, height)) = crossterm::terminal::size() {
                rt.push(Msg::Resize { width, height });
            }
            continue;
        }
        tokio::select! {
            input = inputs.rx.recv() => {
                // A finished input thread means no more input: leave instead of spinning.
                let mut closed = input.is_none();
                let mut next = input;
                // Take the whole burst (held keys, pastes) before the next draw.
                while let Some(input) = next {
                    match input {
                        input::Input::Event(event) => {
                            if matches!(event, Event::Resize(..)) {
                                terminal.invalidate();
                            }
                            rt.input(&event);
                        }
                        input::Input::Closed(why) => {
                            tracing::info!("terminal input closed: {why}");
                            closed = true;
                        }
                    }
                    next = inputs.rx.try_recv().ok();
                }
                if closed {
                    break;
                }
            },
            Some(event) = job_rx.recv() => rt.job(event),
            tick = timers.next() => match tick {
                timers::Tick::Refresh => rt.push(Msg::RefreshTimer),
                timers::Tick::Clock => rt.clock(chrono::Utc::now()),
                timers::Tick::Watch => rt.watch(),
            },
            Some(event) = event_rx.recv() => {
                rt.refresh(event);
                while let Ok(event) = event_rx.try_recv() {
                    rt.refresh(event);
                }
            }
            _ = hangup.recv() => { tracing::info!("SIGHUP: exiting"); break; }
            _ = term.recv() => { tracing::info!("SIGTERM: exiting"); break; }
            _ = interrupt.recv() => { tracing::info!("SIGINT: exiting"); break; }
        }
    }
    let _ = cmd_tx.send(RefreshCmd::Shutdown);
    task.abort();
    // A mark made just before leaving is kept (its write waits at most for a transaction of
    // the refresh just stopped).
    rt.executor.marks.finish(MARKS_AT_EXIT);
    end_visit(&mut rt.executor.store);
    Ok(())
}

/// The longest the reader waits, when it closes, for marks still being written.
const MARKS_AT_EXIT: std::time::Duration = std::time::Duration::from_secs(15);

/// Records when this visit ended (entries first seen after it are new next time).
fn end_visit(store: &mut Store) {
    if let Err(e) = store.end_visit(chrono::Utc::now().timestamp()) {
        tracing::warn!("could not record the end of this visit: {e}");
    }
}

/// The terminal taken over, the first state at its size, and the theme for the terminal's
/// colour depth.
fn enter_ui(
    opts: &TuiOptions,
    last_visit: Option<chrono::DateTime<chrono::Utc>>,
) -> anyhow::Result<(terminal::Guard, terminal::Term, AppState, crate::ui::Theme)> {
    let level = crate::ui::theme::level_from(|name| std::env::var(name).ok());
    let theme = crate::ui::Theme::new(&opts.styles, level);
    let (guard, screen) =
        terminal::Guard::enter(opts.ui.mouse).context("setting up the terminal")?;
    let (width, height) = crossterm::terminal::size().context("reading the terminal size")?;
    let state = AppState::new(app_options(opts, last_visit), width, height);
    Ok((guard, screen, state, theme))
}

/// The refresh task on its own connection, with its command and event channels.
fn spawn_refresh(
    opts: &TuiOptions,
) -> anyhow::Result<(
    tokio::task::JoinHandle<()>,
    mpsc::UnboundedSender<RefreshCmd>,
    mpsc::UnboundedReceiver<RefreshEvent>,
)> {
    let writer = crate::fetch::refresh::shared_store(Store::open(&opts.db)?)?;
    let (cmd_tx, cmd_rx) = mpsc::unbounded_channel();
    let (event_tx, event_rx) = mpsc::unbounded_channel();
    let task = tokio::spawn(refresh::serve(
        writer,
        opts.fetcher.clone(),
        opts.refresh.clone(),
        cmd_rx,
        event_tx,
    ));
    Ok((task, cmd_tx, event_rx))
}

/// Hands the terminal to `argv` (a text browser) until it exits: our input thread steps off
/// the terminal, the screen and modes go back to normal, the program runs on this terminal,
/// and then everything is taken back and redrawn in full. The message says how it went.
fn hand_over(terminal: &mut terminal::Term, inputs: &input::Inputs, argv: &[String]) -> Msg {
    let Some((program, rest)) = argv.split_first() else {
        return Msg::Failed("no command to open the link with".into());
    };
    inputs.pause();
    let lent = terminal::lend();
    let status = lent.and_then(|()| std::process::Command::new(program).args(rest).status());
    let back = terminal::take_back();
    inputs.resume();
    terminal.invalidate();
    let name = crate::model::sanitize::line(program);
    match (status, back) {
        (_, Err(e)) => Msg::Failed(format!("taking the terminal back from {name}: {e}")),
        (Err(e), _) => Msg::Failed(format!("could not start {name}: {e}")),
        (Ok(s), _) if !s.success() => Msg::Failed(format!("{name} ended with {s}")),
        (Ok(_), _) => Msg::Info(format!("Back from {name}")),
    }
}

/// Writes what the executor has for the terminal itself (OSC 52), after the frame.
fn write_pending(
    term: &mut terminal::Term,
    executor: &mut effects::Executor,
) -> anyhow::Result<()> {
    use std::io::Write as _;
    if executor.to_terminal.is_empty() {
        return Ok(());
    }
    let bytes = std::mem::take(&mut executor.to_terminal);
    let out = term.backend_mut();
    out.write_all(&bytes)
        .and_then(|()| out.flush())
        .context("writing to the terminal")
}

/// What the interactive model needs from the config.
fn app_options(
    opts: &TuiOptions,
    last_visit: Option<chrono::DateTime<chrono::Utc>>,
) -> app::Options {
    app::Options {
        mark_read_on_open: opts.reader.mark_read_on_open,
        max_width: opts.reader.max_width,
        last_visit,
        views: opts.views.clone(),
        opening: opts.links.opening(),
        date_format: opts.ui.date_format.clone(),
        relative_dates: opts.ui.relative_dates,
        full_line_cursor: opts.ui.full_line_cursor,
        fold_duplicates: opts.ui.fold_duplicates,
        export_dir: opts.export_dir.clone(),
        export_command: opts.links.export_command.first().cloned(),
        keymap: opts.keymap.clone(),
    }
}

/// The UI's connection, and when the previous visit ended (this one starts now: written at
/// once, so a visit that ends by a kill still counts as one). A database that cannot be
/// written is read all the same, and the reader says why at once.
fn open_store(
    db: &std::path::Path,
) -> anyhow::Result<(Store, Option<chrono::DateTime<chrono::Utc>>, Option<Msg>)> {
    let mut store = Store::open(db)?;
    let (last_visit, refused) = match store.read_only().map(str::to_owned) {
        Some(why) => (store.last_visit()?, Some(format!("Read only: {why}"))),
        None => match store.begin_visit(chrono::Utc::now().timestamp()) {
            Err(e) if e.is_write_refused() => (store.last_visit()?, Some(e.diagnosed())),
            Err(e) => return Err(e.into()),
            Ok(last) => (last, None),
        },
    };
    let last_visit = last_visit.and_then(|t| chrono::DateTime::from_timestamp(t, 0));
    Ok((store, last_visit, refused.map(Msg::Failed)))
}
