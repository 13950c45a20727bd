//! How each feed is asked for (issue #24): its settings (`model::feed_settings`) turned into
//! the fetcher it goes through (a proxy of its own) and what its requests carry (its
//! User-Agent, headers, HTTP Basic credentials, cookies). Each password command runs once a
//! run and each cookie file is read once a run; the password is kept nowhere else, and never
//! said: a failing command is named by its program only.

use std::collections::HashMap;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::http::{Asking, Fetcher};
use crate::model::cookies::{self, Cookie};
use crate::model::feed_settings::{FeedSettings, SettingsBook};

/// How long a password command may take.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(30);
/// The most of a cookie file read.
const MAX_COOKIE_FILE: u64 = 4 * 1024 * 1024;

/// How one feed is fetched, or why it is not.
#[derive(Debug, Clone)]
pub enum Plan {
    /// `[[feed]] enabled = false`.
    Disabled,
    Ready {
        fetcher: Fetcher,
        asking: Asking,
    },
    /// Its settings cannot be used (a password command failed, a cookie file is broken, a
    /// proxy address is wrong): the feed's error, one line.
    Broken(String),
}

/// Plans for a run: what was made once is reused for every feed that needs it.
pub struct Planner {
    book: Arc<SettingsBook>,
    base: Fetcher,
    proxied: HashMap<String, Result<Fetcher, String>>,
    passwords: HashMap<Vec<String>, Result<String, String>>,
    jars: HashMap<PathBuf, Result<Arc<[Cookie]>, String>>,
}

impl Planner {
    pub fn new(book: Arc<SettingsBook>, base: Fetcher) -> Self {
        Self {
            book,
            base,
            proxied: HashMap::new(),
            passwords: HashMap::new(),
            jars: HashMap::new(),
        }
    }

    /// The settings of the feed at `url` titled `title`.
    pub fn settings(&self, url: &str, title: &str) -> FeedSettings {
        self.book.for_feed(url, &[title])
    }

    /// How the feed at `url` titled `title` is fetched.
    pub fn plan(&mut self, url: &str, title: &str) -> Plan {
        if self.book.is_plain() {
            return Plan::Ready {
                fetcher: self.base.clone(),
                asking: Asking::default(),
            };
        }
        let s = self.settings(url, title);
        self.plan_with(&s)
    }

    /// How a feed with settings `s` (looked up once by the caller) is fetched.
    pub fn plan_with(&mut self, s: &FeedSettings) -> Plan {
        if !s.enabled {
            return Plan::Disabled;
        }
        match self.ready(s) {
            Ok((fetcher, asking)) => Plan::Ready { fetcher, asking },
            Err(why) => Plan::Broken(why),
        }
    }

    /// How a page the feed at `url` titled `title` links to is fetched (a whole article): its
    /// proxy, User-Agent and cookies (which go where their domains say), never its headers or
    /// credentials, which are for the feed's own site.
    pub fn for_pages(&mut self, url: &str, title: &str) -> Result<(Fetcher, Asking), String> {
        if self.book.is_plain() {
            return Ok((self.base.clone(), Asking::default()));
        }
        let s = FeedSettings {
            headers: Vec::new(),
            username: None,
            password_command: Vec::new(),
            ..self.settings(url, title)
        };
        self.ready(&s)
    }

    fn ready(&mut self, s: &FeedSettings) -> Result<(Fetcher, Asking), String> {
        // The base fetcher already goes through the default proxy.
        let fetcher = match &s.proxy {
            None => self.base.clone(),
            Some(proxy) if Some(proxy) == self.book.default.proxy.as_ref() => self.base.clone(),
            Some(proxy) => self
                .proxied
                .entry(proxy.clone())
                .or_insert_with(|| self.base.with_proxy(proxy).map_err(|e| e.to_string()))
                .clone()?,
        };
        let basic = match &s.username {
            None => None,
            Some(user) if s.password_command.is_empty() => Some((user.clone(), String::new())),
            Some(user) => {
                let password = self
                    .passwords
                    .entry(s.password_command.clone())
                    .or_insert_with(|| run_password_command(&s.password_command))
                    .clone()?;
                Some((user.clone(), password))
            }
        };
        let cookies = match &s.cookies_file {
            None => Arc::from(Vec::new()),
            Some(path) => self
                .jars
                .entry(path.clone())
                .or_insert_with(|| read_jar(path))
                .clone()?,
        };
        Ok((
            fetcher,
            Asking {
                user_agent: s.user_agent.clone(),
                headers: s.headers.clone(),
                basic,
                cookies,
            },
        ))
    }
}

/// The password a command prints (its first line), run directly, within a time limit.
fn run_password_command(command: &[String]) -> Result<String, String> {
    let program = command.first().map_or("", String::as_str);
    let named = format!("password_command ({program})");
    let mut child = std::process::Command::new(program)
        .args(&command[1..])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map_err(|e| format!("{named} could not start: {e}"))?;
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() > COMMAND_TIMEOUT => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "{named} did not finish in {} s",
                    COMMAND_TIMEOUT.as_secs()
                ));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(10)),
            Err(e) => return Err(format!("{named}: {e}")),
        }
    };
    let mut out = String::new();
    if let Some(mut stdout) = child.stdout.take() {
        let _ = stdout.by_ref().take(64 * 1024).read_to_string(&mut out);
    }
    if !status.success() {
        return Err(format!("{named} failed ({status})"));
    }
    let password = out.lines().next().unwrap_or_default().to_owned();
    if password.is_empty() {
        return Err(format!("{named} printed no password"));
    }
    Ok(password)
}

/// The cookies of a cookie file, or why it cannot be used (naming the file and line).
fn read_jar(path: &Path) -> Result<Arc<[Cookie]>, String> {
    let named = format!("cookies_file {}", path.display());
    let file = std::fs::File::open(path).map_err(|e| format!("{named}: {e}"))?;
    let mut text = String::new();
    file.take(MAX_COOKIE_FILE)
        .read_to_string(&mut text)
        .map_err(|e| format!("{named}: {e}"))?;
    cookies::parse(&text)
        .map(Arc::from)
        .map_err(|e| format!("{named}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_command_gives_its_first_line_and_a_failing_one_says_so_without_output() {
        let sh = |script: &str| vec!["sh".to_owned(), "-c".to_owned(), script.to_owned()];
        assert_eq!(
            run_password_command(&sh("printf 'hunter2\\nmore\\n'")).unwrap(),
            "hunter2"
        );
        let failed = run_password_command(&sh("echo secret-output; exit 3")).unwrap_err();
        assert!(failed.contains("password_command (sh) failed"), "{failed}");
        assert!(!failed.contains("secret-output"));
        let missing = run_password_command(&["/no/such/program".to_owned()]).unwrap_err();
        assert!(missing.contains("could not start"), "{missing}");
        assert!(
            run_password_command(&sh("true"))
                .unwrap_err()
                .contains("no password")
        );
    }

    #[test]
    fn a_broken_cookie_file_names_itself_and_the_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cookies.txt");
        std::fs::write(&path, "# Netscape HTTP Cookie File\nbroken line\n").unwrap();
        let why = read_jar(&path).unwrap_err();
        assert!(why.contains("cookies.txt: line 2:"), "{why}");
        assert!(read_jar(&dir.path().join("none.txt")).is_err());
    }
}
