//! Runs the real `tidings` binary as a subprocess in a throwaway home, under a memory cap
//! (`prlimit --as`, else the shell's `ulimit -v`) and a watchdog that kills it after a generous
//! deadline. The deadline is a hang guard, not a timing assertion.

use std::io::Read;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::thread;
use std::time::{Duration, Instant};

/// Killed after this long: minutes of slack over what a debug build needs on a busy machine.
pub const DEADLINE: Duration = Duration::from_secs(60);
/// Address-space cap for every run: far above what a bounded reader needs, far below what an
/// expanded entity bomb or an uncapped 2 GiB gzip body would take.
pub const MEMORY_CAP_BYTES: u64 = 2 * 1024 * 1024 * 1024;
/// Set in the child's environment: if `/proc/self/environ` leaks through an XXE, this shows.
pub const CANARY_VAR: &str = "TIDINGS_HOSTILE_CANARY";
pub const CANARY: &str = "canary-7f3a9c1e-hostile-environ";
/// Output kept per stream; more than any honest command here prints.
const MAX_CAPTURE: usize = 256 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Exited(i32),
    Signal(i32),
    TimedOut,
}

/// How a run ended and what it printed.
pub struct Outcome {
    /// The command line as a reader of the failure wants it (`parse FILE`).
    pub what: String,
    pub status: Status,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    pub elapsed: Duration,
}

impl Outcome {
    pub fn stderr_tail(&self) -> String {
        let text = String::from_utf8_lossy(&self.stderr);
        let tail: Vec<&str> = text.lines().rev().take(4).collect();
        let mut tail: Vec<String> = tail.into_iter().rev().map(shorten).collect();
        if tail.is_empty() {
            tail.push("(nothing on stderr)".to_owned());
        }
        tail.join(" | ")
    }
}

/// At most 200 characters of `s`, for failure messages.
pub fn shorten(s: &str) -> String {
    let escaped: String = s.escape_debug().collect();
    match escaped.char_indices().nth(200) {
        Some((cut, _)) => format!("{}…", &escaped[..cut]),
        None => escaped,
    }
}

/// A temp home (HOME and XDG dirs inside) with its own database.
pub struct Sandbox {
    dir: tempfile::TempDir,
}

impl Sandbox {
    pub fn new() -> Self {
        Self {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn db(&self) -> PathBuf {
        self.dir.path().join("tidings.db")
    }

    /// Runs `tidings --db DB ARGS...` to completion, the deadline or the memory cap.
    pub fn run(&self, args: &[&str]) -> Outcome {
        let what = args
            .iter()
            .map(|a| shorten(a))
            .collect::<Vec<_>>()
            .join(" ");
        let mut cmd = capped_command();
        cmd.arg(binary())
            .arg("--db")
            .arg(self.db())
            .args(args)
            .current_dir(self.dir.path())
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.dir.path())
            .env("XDG_CONFIG_HOME", self.dir.path().join("config"))
            .env("XDG_DATA_HOME", self.dir.path().join("data"))
            .env("XDG_STATE_HOME", self.dir.path().join("state"))
            .env("XDG_CACHE_HOME", self.dir.path().join("cache"))
            .env(CANARY_VAR, CANARY)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let start = Instant::now();
        let mut child = cmd.spawn().expect("spawning tidings");
        let stdout = capture(child.stdout.take());
        let stderr = capture(child.stderr.take());
        let status = wait_with_deadline(&mut child, start);
        let elapsed = start.elapsed();
        Outcome {
            what,
            status,
            stdout: stdout.join().unwrap_or_default(),
            stderr: stderr.join().unwrap_or_default(),
            elapsed,
        }
    }
}

fn capture<R: Read + Send + 'static>(stream: Option<R>) -> thread::JoinHandle<Vec<u8>> {
    thread::spawn(move || {
        let mut kept = Vec::new();
        let Some(mut stream) = stream else {
            return kept;
        };
        let mut buf = vec![0; 64 * 1024];
        // Keep reading past the cap so the child never blocks on a full pipe.
        while let Ok(n) = stream.read(&mut buf) {
            if n == 0 {
                break;
            }
            let room = MAX_CAPTURE.saturating_sub(kept.len());
            kept.extend_from_slice(&buf[..n.min(room)]);
        }
        kept
    })
}

fn wait_with_deadline(child: &mut Child, start: Instant) -> Status {
    loop {
        match child.try_wait() {
            Ok(Some(status)) => {
                return match (status.code(), status.signal()) {
                    (Some(code), _) => Status::Exited(code),
                    (None, Some(sig)) => Status::Signal(sig),
                    (None, None) => Status::Exited(-1),
                };
            }
            Ok(None) if start.elapsed() > DEADLINE => {
                // Our own child, by its pid; the wrappers exec, so this is tidings itself.
                let _ = child.kill();
                let _ = child.wait();
                return Status::TimedOut;
            }
            Ok(None) => thread::sleep(Duration::from_millis(10)),
            Err(e) => panic!("waiting for tidings: {e}"),
        }
    }
}

/// The binary under test, hard-linked (else copied) into a directory of this process: other
/// builds in the same tree replace `target/debug/tidings` while a long test runs, and the link
/// keeps the one this run started with. Links left by finished runs are removed.
fn binary() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        let built = PathBuf::from(env!("CARGO_BIN_EXE_tidings"));
        let root = Path::new(env!("CARGO_TARGET_TMPDIR"));
        remove_stale_links(root);
        let dir = root.join(format!("hostile-bin-{}", std::process::id()));
        let kept = dir.join("tidings");
        let linked = std::fs::create_dir_all(&dir).and_then(|()| {
            std::fs::hard_link(&built, &kept).or_else(|_| std::fs::copy(&built, &kept).map(drop))
        });
        if linked.is_ok() { kept } else { built }
    })
}

/// `hostile-bin-PID` directories whose process is gone.
fn remove_stale_links(root: &Path) {
    let Ok(dirs) = std::fs::read_dir(root) else {
        return;
    };
    for dir in dirs.flatten() {
        let name = dir.file_name();
        let pid = name.to_str().and_then(|n| n.strip_prefix("hostile-bin-"));
        if pid.is_some_and(|pid| !Path::new("/proc").join(pid).exists()) {
            let _ = std::fs::remove_dir_all(dir.path());
        }
    }
}

/// How the memory cap is applied on this machine.
#[derive(Debug, Clone, Copy)]
enum Cap {
    Prlimit,
    Shell,
}

fn cap() -> Cap {
    static CAP: OnceLock<Cap> = OnceLock::new();
    *CAP.get_or_init(|| {
        let prlimit = Command::new("prlimit")
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if prlimit { Cap::Prlimit } else { Cap::Shell }
    })
}

/// A command whose next argument is the program to run under the cap; both wrappers `exec`
/// it, so the pid we watch and kill is the program's own.
fn capped_command() -> Command {
    match cap() {
        Cap::Prlimit => {
            let mut cmd = Command::new("prlimit");
            cmd.arg(format!("--as={MEMORY_CAP_BYTES}")).arg("--");
            cmd
        }
        Cap::Shell => {
            let mut cmd = Command::new("sh");
            cmd.arg("-c")
                .arg(format!(
                    "ulimit -v {} && exec \"$@\"",
                    MEMORY_CAP_BYTES / 1024
                ))
                .arg("sh");
            cmd
        }
    }
}

/// `file://` URL of an absolute path.
pub fn file_url(path: &Path) -> String {
    let abs = std::path::absolute(path).expect("absolute path");
    url::Url::from_file_path(&abs)
        .expect("file URL")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The cap really applies to what runs under it.
    #[test]
    fn memory_cap_applies() {
        let out = capped_command()
            .args(["sh", "-c", "ulimit -v"])
            .output()
            .unwrap();
        let shown = String::from_utf8_lossy(&out.stdout);
        assert_eq!(shown.trim(), (MEMORY_CAP_BYTES / 1024).to_string());
    }
}
