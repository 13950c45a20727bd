//! Terminal input on its own thread: reads forwarded to a channel. The loop drains bursts with
//! `try_recv`; end of input (or a dead terminal) arrives as `Input::Closed`. The thread can be
//! paused while another program (a text browser) has the terminal, so no key goes astray.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crossterm::event::{self, Event};
use tokio::sync::mpsc;

/// What the input thread reports.
pub enum Input {
    Event(Event),
    /// Reading failed (the terminal went away): the runtime should exit, not spin.
    Closed(String),
}

/// How long a read waits before it looks whether it should pause.
const POLL: Duration = Duration::from_millis(100);

#[derive(Default)]
struct Pause {
    /// The loop wants the thread off the terminal.
    wanted: AtomicBool,
    /// The thread is off it (not inside a read).
    parked: AtomicBool,
}

/// The input thread's channel, and its pause switch.
pub struct Inputs {
    pub rx: mpsc::UnboundedReceiver<Input>,
    pause: Arc<Pause>,
}

impl Inputs {
    /// Stops reading the terminal; returns once the thread is not reading (within a poll).
    pub fn pause(&self) {
        self.pause.wanted.store(true, Ordering::SeqCst);
        for _ in 0..100 {
            if self.pause.parked.load(Ordering::SeqCst) {
                return;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// Reads the terminal again.
    pub fn resume(&self) {
        self.pause.wanted.store(false, Ordering::SeqCst);
    }
}

/// Starts the reader thread; it ends when input fails or the receiver is gone.
pub fn spawn() -> std::io::Result<Inputs> {
    let (tx, rx) = mpsc::unbounded_channel();
    let pause = Arc::new(Pause::default());
    let switch = Arc::clone(&pause);
    std::thread::Builder::new()
        .name("tidings-input".into())
        .spawn(move || {
            loop {
                // Parked is cleared before `wanted` is read, so a pause asked for after this
                // read waits for the poll below to end.
                switch.parked.store(false, Ordering::SeqCst);
                if switch.wanted.load(Ordering::SeqCst) {
                    switch.parked.store(true, Ordering::SeqCst);
                    std::thread::sleep(Duration::from_millis(10));
                    continue;
                }
                let input = match event::poll(POLL) {
                    Ok(false) => continue,
                    Ok(true) => match event::read() {
                        Ok(event) => Input::Event(event),
                        Err(e) => Input::Closed(e.to_string()),
                    },
                    Err(e) => Input::Closed(e.to_string()),
                };
                let closed = matches!(input, Input::Closed(_));
                if tx.send(input).is_err() || closed {
                    return;
                }
            }
        })?;
    Ok(Inputs { rx, pause })
}
