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

/// Restores the terminal when dropped.
pub struct Guard;

impl Guard {
    /// Enters raw mode and the alternate screen (with mouse reporting if `mouse`); the guard
    /// undoes it all.
    pub fn enter(mouse: bool) -> io::Result<(Self, Term)> {
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
}

/// Panics go to the log file, never over the screen. A panic on a background thread (a feed
/// parser's caught panic, a refresh task) is only logged: the reader goes on. A panic on the
/// main thread, where the interface runs, gives the terminal back first and says where the
/// report is.
pub fn install_panic_hook(log_file: std::path::PathBuf) {
    std::panic::set_hook(Box::new(move |info| {
        let thread = std::thread::current();
        let name = thread.name().unwrap_or("unnamed");
        tracing::error!("panic on thread {name}: {info}");
        if name == "main" {
            restore();
            eprintln!(
                "tidings crashed: {info}\n(report in {})",
                log_file.display()
            );
        }
    }));
}
