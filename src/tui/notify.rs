//! Telling the person at the terminal about new entries notify rules matched (issue #20): a
//! desktop notification asked of the terminal itself (OSC 9 or OSC 777, through tmux and
//! screen as OSC 52 is, so it reaches the laptop over SSH), and `[notify] command` with the
//! entries as JSON on its stdin, run directly, never through a shell.

use super::clipboard::{Multiplexer, pipe_to, wrap_for};
use crate::config::rules::TerminalNotification;

/// The bytes that ask the terminal to show `text` as a notification (empty for `None`).
/// `text` is made safe first: no control character can end the sequence early.
pub fn osc_notification(
    kind: TerminalNotification,
    text: &str,
    multiplexer: Option<Multiplexer>,
) -> Vec<u8> {
    let text: String = text
        .chars()
        .filter(|c| !c.is_control() && *c != '\u{9c}')
        .collect();
    let osc = match kind {
        TerminalNotification::None => return Vec::new(),
        TerminalNotification::Osc9 => format!("\x1b]9;tidings: {text}\x07"),
        TerminalNotification::Osc777 => format!("\x1b]777;notify;tidings;{text}\x07"),
    };
    wrap_for(&osc, multiplexer)
}

/// Runs `argv` with `json` on its stdin and waits for it; its failure says why.
pub fn notify_command(argv: &[String], json: &str) -> std::io::Result<()> {
    pipe_to(argv, json)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notifications_are_plain_or_wrapped_and_never_carry_control_characters() {
        let text = "1 new entry: evil\x07\x1b]52;c;AAAA\x1b\\ title";
        let plain = osc_notification(TerminalNotification::Osc9, text, None);
        assert_eq!(
            plain,
            b"\x1b]9;tidings: 1 new entry: evil]52;c;AAAA\\ title\x07"
        );
        let urxvt = osc_notification(TerminalNotification::Osc777, "x", None);
        assert_eq!(urxvt, b"\x1b]777;notify;tidings;x\x07");
        let tmux = osc_notification(TerminalNotification::Osc9, "x", Some(Multiplexer::Tmux));
        assert!(tmux.ends_with(b"\x1bPtmux;\x1b\x1b]9;tidings: x\x07\x1b\\"));
        assert!(osc_notification(TerminalNotification::None, "x", None).is_empty());
    }

    #[test]
    fn the_command_gets_the_json_on_stdin() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("got.json");
        let argv = vec![
            "sh".to_owned(),
            "-c".to_owned(),
            format!("cat > '{}'", out.display()),
        ];
        notify_command(&argv, "[{\"id\":1}]").unwrap();
        assert_eq!(std::fs::read_to_string(&out).unwrap(), "[{\"id\":1}]");
        let err = notify_command(&["false".to_owned()], "[]").unwrap_err();
        assert!(!err.to_string().is_empty());
    }
}
