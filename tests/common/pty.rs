//! A real `tidings` in a real pty at a fixed size: keys in, the screen read back through a
//! terminal emulator (vt100). Waits have generous deadlines only to catch hangs. Shared by the
//! end-to-end tests and the kill harness.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

/// How long a wait may last before it counts as a hang.
pub const DEADLINE: Duration = Duration::from_secs(30);

/// The `tidings` binary cargo built for these tests.
pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_tidings"))
}

/// A running `tidings` in a pty.
pub struct Session {
    master: Box<dyn MasterPty + Send>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn Child + Send + Sync>,
    screen: Arc<Mutex<vt100::Parser>>,
    /// Every byte the program wrote, for checks the screen cannot show (OSC sequences).
    raw: Arc<Mutex<Vec<u8>>>,
}

impl Session {
    pub fn start(home: &Path, args: &[&str], cols: u16, rows: u16) -> Self {
        Self::start_with(home, args, cols, rows, &[])
    }

    /// Starts with extra environment variables (`SSH_CONNECTION`, `TMUX`, `NO_COLOR` ...).
    pub fn start_with(
        home: &Path,
        args: &[&str],
        cols: u16,
        rows: u16,
        env: &[(&str, &str)],
    ) -> Self {
        Self::start_program(&bin(), home, args, cols, rows, env)
    }

    /// Starts another program (a shell running `tidings`, so that `tidings` is not the
    /// session's leader, as from a login shell).
    pub fn start_program(
        program: &Path,
        home: &Path,
        args: &[&str],
        cols: u16,
        rows: u16,
        env: &[(&str, &str)],
    ) -> Self {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        let mut cmd = CommandBuilder::new(program);
        cmd.args(args);
        cmd.cwd(home);
        cmd.env("HOME", home);
        cmd.env("XDG_DATA_HOME", home.join("data"));
        cmd.env("XDG_CONFIG_HOME", home.join("config"));
        cmd.env("XDG_STATE_HOME", home.join("state"));
        cmd.env("TERM", "xterm-256color");
        cmd.env_remove("TIDINGS_DB");
        cmd.env_remove("TIDINGS_CONFIG");
        for var in [
            "SSH_CONNECTION",
            "SSH_TTY",
            "SSH_CLIENT",
            "TMUX",
            "STY",
            "NO_COLOR",
            "BROWSER",
        ] {
            cmd.env_remove(var);
        }
        // A display, so that `o` would start a browser unless the session is remote.
        cmd.env("DISPLAY", ":99");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = pair.slave.spawn_command(cmd).unwrap();
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().unwrap();
        let writer = pair.master.take_writer().unwrap();
        let screen = Arc::new(Mutex::new(vt100::Parser::new(rows, cols, 0)));
        let sink = Arc::clone(&screen);
        let raw = Arc::new(Mutex::new(Vec::new()));
        let raw_sink = Arc::clone(&raw);
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().process(&buf[..n]);
                raw_sink.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        });
        Self {
            master: pair.master,
            writer,
            child,
            screen,
            raw,
        }
    }

    pub fn raw(&self) -> Vec<u8> {
        self.raw.lock().unwrap().clone()
    }

    /// Waits until the raw output contains `bytes`.
    pub fn wait_raw(&self, what: &str, bytes: &[u8]) {
        self.wait_for(what, |s| s.raw().windows(bytes.len()).any(|w| w == bytes));
    }

    pub fn contents(&self) -> String {
        self.screen.lock().unwrap().screen().contents()
    }

    pub fn row(&self, row: u16) -> String {
        let parser = self.screen.lock().unwrap();
        let (_, cols) = parser.screen().size();
        parser.screen().contents_between(row, 0, row, cols)
    }

    /// Waits until `pred(screen text)` holds; panics with the screen if it never does.
    pub fn wait_for(&self, what: &str, pred: impl Fn(&Session) -> bool) {
        let start = Instant::now();
        while !pred(self) {
            assert!(
                start.elapsed() < DEADLINE,
                "timed out waiting for {what}; screen:\n{}",
                self.contents()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn wait_text(&self, text: &str) {
        self.wait_for(text, |s| s.contents().contains(text));
    }

    pub fn keys(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }

    pub fn resize(&self, cols: u16, rows: u16) {
        self.screen
            .lock()
            .unwrap()
            .screen_mut()
            .set_size(rows, cols);
        self.master
            .resize(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
    }

    pub fn pid(&self) -> u32 {
        self.child.process_id().unwrap()
    }

    /// Whether the program is still running.
    pub fn is_running(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }

    /// Waits for the process to exit and returns whether it succeeded.
    pub fn wait_exit(&mut self) -> bool {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.success();
            }
            assert!(
                start.elapsed() < DEADLINE,
                "process did not exit; screen:\n{}",
                self.contents()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Runs `f` on the emulated screen (cell attributes, the cursor).
    pub fn screen<T>(&self, f: impl FnOnce(&vt100::Screen) -> T) -> T {
        f(self.screen.lock().unwrap().screen())
    }

    /// Kills the program with SIGKILL (no handler runs, nothing is flushed) and reaps it.
    /// (`Child::kill` of portable-pty sends SIGHUP first, which tidings handles.)
    pub fn sigkill(&mut self) {
        // It may have exited already: then there is nothing left to kill, and that is fine.
        let _ = std::process::Command::new("kill")
            .args(["-KILL", &self.pid().to_string()])
            .status();
        let start = Instant::now();
        while self.child.try_wait().unwrap().is_none() {
            assert!(
                start.elapsed() < DEADLINE,
                "process survived SIGKILL; screen:\n{}",
                self.contents()
            );
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        // Only while it runs: once reaped, its pid may already belong to another process.
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
        }
    }
}
