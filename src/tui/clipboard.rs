//! Copying and opening links, made for SSH: the clipboard is the user's own terminal's, reached
//! with OSC 52 (wrapped for tmux and screen, which would otherwise swallow it), or a command
//! the config names; a browser is started directly (never through a shell) with the URL as one
//! argument, and only for http and https. Whether the session is remote is read here, once.

use std::io::Write;
use std::process::{Command, Stdio};

/// Where the program runs, as far as links are concerned.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Environment {
    /// Over SSH (`SSH_CONNECTION`, `SSH_TTY` or `SSH_CLIENT`).
    pub ssh: bool,
    /// A display a graphical browser can open on (`DISPLAY`, `WAYLAND_DISPLAY`; macOS always).
    pub display: bool,
    /// Inside tmux (`TMUX`) or GNU screen (`STY`): OSC 52 needs their passthrough.
    pub multiplexer: Option<Multiplexer>,
    /// `$BROWSER`.
    pub browser: Option<String>,
    /// The terminal is one known to show OSC 8 hyperlinks (and no multiplexer is in between).
    pub hyperlinks: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Multiplexer {
    Tmux,
    Screen,
}

impl Environment {
    /// Reads the environment through `var` (the process's own in the program).
    pub fn from(var: impl Fn(&str) -> Option<String>) -> Self {
        let set = |name: &str| var(name).is_some_and(|v| !v.is_empty());
        let ssh = set("SSH_CONNECTION") || set("SSH_TTY") || set("SSH_CLIENT");
        // On Linux and the BSDs a browser needs a display; macOS always has one.
        let display = cfg!(target_os = "macos") || set("DISPLAY") || set("WAYLAND_DISPLAY");
        let multiplexer = if set("TMUX") {
            Some(Multiplexer::Tmux)
        } else if set("STY") {
            Some(Multiplexer::Screen)
        } else {
            None
        };
        // Terminals that say who they are and show OSC 8 links; tmux and screen pass them
        // on only when configured to, so not through them.
        let program = var("TERM_PROGRAM").unwrap_or_default();
        let term = var("TERM").unwrap_or_default();
        let known = matches!(
            program.as_str(),
            "iTerm.app" | "WezTerm" | "vscode" | "ghostty" | "Hyper"
        ) || set("KITTY_WINDOW_ID")
            || set("WT_SESSION")
            || set("KONSOLE_VERSION")
            || var("VTE_VERSION")
                .and_then(|v| v.parse::<u32>().ok())
                .is_some_and(|v| v >= 5000)
            || term.starts_with("foot")
            || term.contains("kitty");
        Self {
            ssh,
            display,
            hyperlinks: known && multiplexer.is_none(),
            multiplexer,
            browser: var("BROWSER").filter(|b| !b.trim().is_empty()),
        }
    }
}

/// The bytes that put `text` on the terminal's clipboard (OSC 52), wrapped for a multiplexer.
pub fn osc52(text: &str, multiplexer: Option<Multiplexer>) -> Vec<u8> {
    let osc = format!("\x1b]52;c;{}\x07", base64(text.as_bytes()));
    wrap_for(&osc, multiplexer)
}

/// An OSC sequence as the terminal behind `multiplexer` will get it.
pub fn wrap_for(osc: &str, multiplexer: Option<Multiplexer>) -> Vec<u8> {
    match multiplexer {
        None => osc.as_bytes().to_vec(),
        // tmux passes a DCS through when every ESC inside is doubled (and
        // `allow-passthrough` is on; tmux 3.3 and later also forward plain OSC 52 when
        // `set-clipboard` is on, so the plain sequence goes first).
        Some(Multiplexer::Tmux) => {
            let mut out = osc.as_bytes().to_vec();
            out.extend_from_slice(b"\x1bPtmux;");
            out.extend_from_slice(osc.replace('\x1b', "\x1b\x1b").as_bytes());
            out.extend_from_slice(b"\x1b\\");
            out
        }
        // screen passes DCS strings of at most 768 bytes through: cut the OSC into pieces.
        Some(Multiplexer::Screen) => {
            let mut out = Vec::new();
            for piece in osc.as_bytes().chunks(760) {
                out.extend_from_slice(b"\x1bP");
                out.extend_from_slice(piece);
                out.extend_from_slice(b"\x1b\\");
            }
            out
        }
    }
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i)) as usize & 63]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The program and arguments that open `url`: the configured command, else `$BROWSER` (its
/// first entry when it lists several, `%s` standing for the URL if it says where), else the
/// system's opener.
pub fn open_command(configured: &[String], browser: Option<&str>, url: &str) -> Vec<String> {
    let words: Vec<String> = if configured.is_empty() {
        match browser.and_then(|b| b.split(':').map(str::trim).find(|b| !b.is_empty())) {
            Some(b) => b.split_whitespace().map(str::to_owned).collect(),
            None if cfg!(target_os = "macos") => vec!["open".into()],
            None => vec!["xdg-open".into()],
        }
    } else {
        configured.to_vec()
    };
    if words.iter().any(|w| w.contains("%s")) {
        words.iter().map(|w| w.replace("%s", url)).collect()
    } else {
        let mut words = words;
        words.push(url.to_owned());
        words
    }
}

/// Whether a link may be handed to a browser: http and https only.
pub fn openable(url: &str) -> bool {
    url::Url::parse(url).is_ok_and(|u| matches!(u.scheme(), "http" | "https"))
}

/// Starts `argv` detached from the terminal (no stdin, its output dropped, so it cannot draw
/// over the screen) and does not wait for it; a thread reaps it.
pub fn spawn(argv: &[String]) -> std::io::Result<()> {
    let Some((program, rest)) = argv.split_first() else {
        return Err(std::io::Error::other("no command to run"));
    };
    let mut child = Command::new(program)
        .args(rest)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()?;
    std::thread::spawn(move || child.wait());
    Ok(())
}

/// Runs `argv` with `text` on its stdin (a configured copy command: `xclip -selection
/// clipboard`, `wl-copy`, `pbcopy`; or the export command), waiting for it. Its output never
/// reaches the terminal; when it fails, the last line it wrote to stderr says why.
pub fn pipe_to(argv: &[String], text: &str) -> std::io::Result<()> {
    let Some((program, rest)) = argv.split_first() else {
        return Err(std::io::Error::other("no command to run"));
    };
    let mut child = Command::new(program)
        .args(rest)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()?;
    // Written from a thread, so a command that fills its stderr before reading all its input
    // cannot block us both; one that stops reading early is judged by its exit status.
    let writer = child.stdin.take().map(|mut stdin| {
        let text = text.to_owned();
        std::thread::spawn(move || {
            let _ = stdin.write_all(text.as_bytes());
        })
    });
    let output = child.wait_with_output()?;
    if let Some(writer) = writer {
        let _ = writer.join();
    }
    if output.status.success() {
        return Ok(());
    }
    let said = String::from_utf8_lossy(&output.stderr);
    let last = said
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("");
    let last: String = crate::model::sanitize::line(last)
        .chars()
        .take(200)
        .collect();
    let status = output.status;
    Err(std::io::Error::other(if last.is_empty() {
        format!("{program} exited with {status}")
    } else {
        format!("{program} exited with {status}: {last}")
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(vars: &[(&str, &str)]) -> Environment {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        Environment::from(|name| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()))
    }

    #[test]
    fn base64_matches_the_standard_alphabet_and_padding() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(
            base64(b"https://a.example/?q=1"),
            "aHR0cHM6Ly9hLmV4YW1wbGUvP3E9MQ=="
        );
    }

    #[test]
    fn osc52_is_plain_or_wrapped_for_tmux_and_screen() {
        assert_eq!(osc52("foo", None), b"\x1b]52;c;Zm9v\x07");
        let tmux = osc52("foo", Some(Multiplexer::Tmux));
        assert!(tmux.starts_with(b"\x1b]52;c;Zm9v\x07\x1bPtmux;\x1b\x1b]52;c;Zm9v\x07\x1b\\"));
        let screen = osc52("foo", Some(Multiplexer::Screen));
        assert_eq!(screen, b"\x1bP\x1b]52;c;Zm9v\x07\x1b\\");
        let long = osc52(&"x".repeat(2000), Some(Multiplexer::Screen));
        assert_eq!(long.windows(2).filter(|w| w == b"\x1bP").count(), 4);
    }

    #[test]
    fn ssh_and_the_display_are_read_apart() {
        let e = env(&[
            ("SSH_CONNECTION", "1.2.3.4 5 6.7.8.9 22"),
            ("DISPLAY", ":0"),
        ]);
        assert!(e.ssh && e.display);
        assert!(env(&[("SSH_TTY", "/dev/pts/3")]).ssh);
        assert!(!env(&[("DISPLAY", ":0")]).ssh);
        assert!(env(&[("WAYLAND_DISPLAY", "wayland-0")]).display);
        if !cfg!(target_os = "macos") {
            assert!(!env(&[]).display, "no display to open a browser on");
        }
        assert_eq!(
            env(&[("TMUX", "/tmp/x,1,0")]).multiplexer,
            Some(Multiplexer::Tmux)
        );
        assert_eq!(
            env(&[("STY", "123.pts")]).multiplexer,
            Some(Multiplexer::Screen)
        );
    }

    #[test]
    fn hyperlinks_only_in_terminals_known_to_show_them() {
        assert!(env(&[("TERM_PROGRAM", "WezTerm")]).hyperlinks);
        assert!(env(&[("VTE_VERSION", "7600")]).hyperlinks);
        assert!(env(&[("TERM", "xterm-kitty")]).hyperlinks);
        assert!(!env(&[("TERM", "xterm-256color")]).hyperlinks);
        assert!(!env(&[("VTE_VERSION", "4200")]).hyperlinks);
        assert!(!env(&[("TERM_PROGRAM", "WezTerm"), ("TMUX", "/tmp/x,1,0")]).hyperlinks);
    }

    #[test]
    fn the_url_is_one_argument_of_the_chosen_command() {
        let url = "https://a.example/?q=1;rm -rf ~";
        assert_eq!(
            open_command(&[], Some("firefox:chromium"), url),
            ["firefox", url]
        );
        assert_eq!(
            open_command(&[], Some("w3m %s -o x"), url),
            ["w3m", url, "-o", "x"]
        );
        assert_eq!(
            open_command(&["my-open".into(), "--new".into()], Some("firefox"), url),
            ["my-open", "--new", url]
        );
        assert_eq!(open_command(&[], None, url).last().unwrap(), url);
    }

    #[test]
    fn only_web_links_open() {
        assert!(openable("https://a.example/"));
        assert!(openable("http://a.example/"));
        assert!(!openable("mailto:x@a.example"));
        assert!(!openable("file:///etc/passwd"));
        assert!(!openable("javascript:alert(1)"));
        assert!(!openable("-oProxyCommand=x"));
    }

    #[test]
    fn a_copy_command_gets_the_text_on_stdin() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("copied");
        let argv = vec![
            "sh".to_owned(),
            "-c".to_owned(),
            format!("cat > '{}'", out.display()),
        ];
        pipe_to(&argv, "https://a.example/x").unwrap();
        assert_eq!(
            std::fs::read_to_string(&out).unwrap(),
            "https://a.example/x"
        );
        assert!(pipe_to(&["false".to_owned()], "x").is_err());
    }

    #[test]
    fn a_failing_command_says_why_in_its_own_last_words_without_escapes() {
        let argv = vec![
            "sh".to_owned(),
            "-c".to_owned(),
            "head -c 10 >/dev/null; printf 'warming up\\nno space left\\033[2J\\n' >&2; exit 3"
                .to_owned(),
        ];
        // Far more than a pipe holds, and the command stops reading after 10 bytes.
        let e = pipe_to(&argv, &"x".repeat(1 << 20))
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("sh exited with exit status: 3: no space left"),
            "{e}"
        );
        assert!(!e.contains('\u{1b}'), "{e:?}");
    }
}
