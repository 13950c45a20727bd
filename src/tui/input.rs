//! Terminal input on its own thread: blocking reads forwarded to a channel. The loop drains
//! bursts with `try_recv`; end of input (or a dead terminal) arrives as `Input::Closed`.

use crossterm::event::{self, Event};
use tokio::sync::mpsc;

/// What the input thread reports.
pub enum Input {
    Event(Event),
    /// Reading failed (the terminal went away): the runtime should exit, not spin.
    Closed(String),
}

/// Starts the reader thread; it ends when input fails or the receiver is gone.
pub fn spawn() -> std::io::Result<mpsc::UnboundedReceiver<Input>> {
    let (tx, rx) = mpsc::unbounded_channel();
    std::thread::Builder::new()
        .name("tidings-input".into())
        .spawn(move || {
            loop {
                let input = match event::read() {
                    Ok(event) => Input::Event(event),
                    Err(e) => Input::Closed(e.to_string()),
                };
                let closed = matches!(input, Input::Closed(_));
                if tx.send(input).is_err() || closed {
                    return;
                }
            }
        })?;
    Ok(rx)
}
