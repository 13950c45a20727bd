//! Output plumbing for headless commands: buffered stdout, broken pipes, and the log file.

use std::io::{self, BufWriter, Stdout};
use std::path::Path;
use std::sync::Mutex;

/// Buffered standard output; callers flush at the end.
pub type Out = BufWriter<Stdout>;

pub fn stdout() -> Out {
    BufWriter::new(io::stdout())
}

/// Whether `e` is, at bottom, a write to a closed pipe (the reader went away: not an error).
pub fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        cause
            .downcast_ref::<io::Error>()
            .is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
    })
}

/// Sends `tracing` output to `DIR/tidings.log`, never to the terminal. If the log cannot be
/// opened, logging is off rather than in the way.
pub fn init_logging(dir: &Path) {
    let file = std::fs::create_dir_all(dir).and_then(|()| {
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(dir.join("tidings.log"))
    });
    let Ok(file) = file else {
        return;
    };
    let filter = std::env::var("TIDINGS_LOG")
        .ok()
        .and_then(|v| v.parse::<tracing::Level>().ok())
        .unwrap_or(tracing::Level::INFO);
    let _ = tracing_subscriber::fmt()
        .with_writer(Mutex::new(file))
        .with_ansi(false)
        .with_max_level(filter)
        .try_init();
}
