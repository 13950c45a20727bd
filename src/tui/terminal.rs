//! Taking over the terminal and giving it back: raw mode, alternate screen, hidden cursor;
//! restored on drop, on every exit path and from the panic hook.

use std::io::{self, Stdout, Write};
use std::sync::atomic::{AtomicBool, Ordering};

use super::screen::Screen;
use crossterm::{cursor, execute, terminal};

pub type Term = Screen<Stdout>;

/// Whether the terminal is ours (raw mode, alternate screen) and must be given back.
static TAKEN: AtomicBool = AtomicBool::new(false);
/// Whether mouse reporting is on and must be turned off.
static MOUSE: AtomicBool = AtomicBool::new(false);

/// The argument that makes `tidings` the watcher of a reader's terminal ([`watch`]).
pub const WATCH_ARG: &str = "__watch-terminal";

/// The watcher's standard input, held while the terminal is ours; a clean exit writes to it.
static WATCHER: std::sync::Mutex<Option<std::process::ChildStdin>> = std::sync::Mutex::new(None);

/// Restores the terminal when dropped.
pub struct Guard;

impl Guard {
    /// Enters raw mode and the alternate screen (with mouse reporting if `mouse`); the guard
    /// undoes it all. A watcher process gives the terminal back if this one dies without
    /// doing so (an abort, a kill: no hook runs then).
    pub fn enter(mouse: bool) -> io::Result<(Self, Term)> {
        start_watcher();
        terminal::enable_raw_mode()?;
        TAKEN.store(true, Ordering::SeqCst);
        let guard = Self;
        execute!(io::stdout(), terminal::EnterAlternateScreen, cursor::Hide)?;
        if mouse {
            MOUSE.store(true, Ordering::SeqCst);
            execute!(io::stdout(), crossterm::event::EnableMouseCapture)?;
        }
        let (width, height) = terminal::size()?;
        let screen = Screen::new(io::stdout(), width, height);
        Ok((guard, screen))
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        restore();
    }
}

/// Lends the terminal to another program (a text browser): the normal screen, cooked mode, the
/// cursor shown, no mouse reports. The watcher stays; [`take_back`] ends the loan.
pub fn lend() -> io::Result<()> {
    if MOUSE.load(Ordering::SeqCst) {
        execute!(io::stdout(), crossterm::event::DisableMouseCapture)?;
    }
    execute!(io::stdout(), terminal::LeaveAlternateScreen, cursor::Show)?;
    terminal::disable_raw_mode()
}

/// Takes the terminal back after [`lend`].
pub fn take_back() -> io::Result<()> {
    terminal::enable_raw_mode()?;
    execute!(io::stdout(), terminal::EnterAlternateScreen, cursor::Hide)?;
    if MOUSE.load(Ordering::SeqCst) {
        execute!(io::stdout(), crossterm::event::EnableMouseCapture)?;
    }
    Ok(())
}

/// Gives the terminal back if it was taken; safe to call more than once and when the terminal
/// is already gone.
pub fn restore() {
    if !TAKEN.swap(false, Ordering::SeqCst) {
        return;
    }
    if MOUSE.swap(false, Ordering::SeqCst) {
        let _ = execute!(io::stdout(), crossterm::event::DisableMouseCapture);
    }
    let _ = terminal::disable_raw_mode();
    let _ = execute!(io::stdout(), terminal::LeaveAlternateScreen, cursor::Show);
    let _ = io::stdout().flush();
    // Given back: the watcher can go without touching anything.
    if let Some(mut watcher) = WATCHER.lock().ok().and_then(|mut w| w.take()) {
        let _ = watcher.write_all(b"restored\n");
    }
}

/// Starts the watcher: this binary again, reading its standard input from us until it closes.
/// Without it the reader still runs; a failure to start it is only logged.
fn start_watcher() {
    let started = std::env::current_exe().and_then(|exe| {
        std::process::Command::new(exe)
            .arg(WATCH_ARG)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
    });
    match started {
        Ok(mut child) => {
            if let Ok(mut w) = WATCHER.lock() {
                *w = child.stdin.take();
            }
        }
        Err(e) => tracing::warn!("no watcher for the terminal: {e}"),
    }
}

/// The watcher (issue #17: an abort left the terminal in the alternate screen, with mouse
/// reporting on and the keyboard raw). It waits for its standard input to close, which happens
/// however the reader ends; unless the reader said it gave the terminal back, it leaves the
/// alternate screen, turns mouse reporting off, shows the cursor and puts the line discipline
/// back (`stty sane`).
pub fn watch() {
    let mut said = String::new();
    let _ = std::io::Read::read_to_string(&mut io::stdin(), &mut said);
    if said.starts_with("restored") {
        return;
    }
    let Ok(mut tty) = std::fs::OpenOptions::new().write(true).open("/dev/tty") else {
        return;
    };
    let _ = tty
        .write_all(b"\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1006l\x1b[?1049l\x1b[?25h\x1b[0m\r\n");
    let _ = tty.flush();
    if let Ok(input) = std::fs::File::open("/dev/tty") {
        let _ = std::process::Command::new("stty")
            .arg("sane")
            .stdin(input)
            .status();
    }
}

/// Panics go to the log file, never over the screen, and sanitised (a panic message can quote
/// a feed). A panic caught on purpose (a feed parser's: `model::caught`) is one bad feed, and
/// says nothing. A panic on a background thread (a refresh task) is only logged: the reader
/// goes on. A panic on the main thread, where the interface runs, gives the terminal back
/// first and says where the report is.
pub fn install_panic_hook(log_file: std::path::PathBuf) {
    std::panic::set_hook(Box::new(move |info| {
        let what = crate::model::caught::describe(info);
        if crate::model::caught::is_expected() {
            tracing::warn!("a feed made a parser panic (caught): {what}");
            return;
        }
        let thread = std::thread::current();
        let name = thread.name().unwrap_or("unnamed");
        tracing::error!("panic on thread {name}: {what}");
        if name == "main" {
            restore();
            eprintln!(
                "tidings crashed: {what}\n(report in {})",
                log_file.display()
            );
        }
    }));
}
