//! What every run must look like: it ends (exit 0, or exit 1 with one `tidings: ` line on
//! stderr), it never panics, and nothing that could drive a terminal reaches its output: no C0
//! control but newline and tab, no DEL, no C1 control, no bidi override or isolate, no invalid
//! UTF-8 (a lone 0x9B byte is CSI to an 8-bit terminal), and, inside JSON, no such character
//! hidden behind a `\u001b` escape either.

use std::fmt::Write as _;

use serde_json::Value;

use crate::run::{Outcome, Status, shorten};

/// A character that must not reach the terminal (newline and tab are fine in output).
pub fn forbidden(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// The first forbidden character of `text`, described, if any.
pub fn first_forbidden(text: &str) -> Option<String> {
    let (at, c) = text.char_indices().find(|&(_, c)| forbidden(c))?;
    let context: String = text[at..].chars().take(24).collect();
    Some(format!(
        "U+{:04X} at byte {at}: \"{}…\"",
        u32::from(c),
        shorten(&context)
    ))
}

/// The problems with one output stream: invalid UTF-8 or a forbidden character.
fn stream_problems(what: &str, stream: &str, bytes: &[u8], problems: &mut Vec<String>) {
    match std::str::from_utf8(bytes) {
        Ok(text) => {
            if let Some(found) = first_forbidden(text) {
                problems.push(format!("{what}: {stream} carries {found}"));
            }
        }
        Err(e) => problems.push(format!("{what}: {stream} is not UTF-8 ({e})")),
    }
}

/// How a run ended, once it ended properly.
pub enum Verdict {
    /// Exit 0; stdout as text.
    Success(String),
    /// Exit 1; the one stderr line, without its newline.
    Error(String),
}

/// Checks a run against the rules above; `None` when it did not end properly (already
/// recorded as a problem).
pub fn judge(out: &Outcome, problems: &mut Vec<String>) -> Option<Verdict> {
    let what = &out.what;
    let stderr = String::from_utf8_lossy(&out.stderr);
    if stderr.contains("panicked") {
        problems.push(format!("{what}: panicked: {}", out.stderr_tail()));
    }
    stream_problems(what, "stdout", &out.stdout, problems);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    match out.status {
        Status::TimedOut => {
            problems.push(format!(
                "{what}: still running after {} s, killed (hang or runaway work)",
                crate::run::DEADLINE.as_secs()
            ));
            None
        }
        Status::Signal(sig) => {
            problems.push(format!(
                "{what}: killed by signal {sig} after {:.1} s (stack overflow, abort or memory \
                 cap?): {}",
                out.elapsed.as_secs_f64(),
                out.stderr_tail()
            ));
            None
        }
        Status::Exited(0) => Some(Verdict::Success(stdout)),
        Status::Exited(1) => {
            stream_problems(what, "stderr", &out.stderr, problems);
            let one_line = stderr.strip_suffix('\n').filter(|l| !l.contains('\n'));
            match one_line {
                Some(line) if line.starts_with("tidings: ") => {
                    Some(Verdict::Error(line.to_owned()))
                }
                _ => {
                    problems.push(format!(
                        "{what}: exit 1 without exactly one `tidings: ` line on stderr: {}",
                        out.stderr_tail()
                    ));
                    None
                }
            }
        }
        Status::Exited(code) => {
            problems.push(format!(
                "{what}: exit code {code} (want 0 or 1): {}",
                out.stderr_tail()
            ));
            None
        }
    }
}

/// Every string in `value` (keys too) must be free of forbidden characters: JSON escapes
/// controls as `\u001b`, which a script printing the field turns back into ESC.
pub fn json_problems(what: &str, value: &Value, problems: &mut Vec<String>) {
    fn walk(path: &mut String, value: &Value, found: &mut Vec<String>) {
        match value {
            Value::String(s) => {
                if let Some(f) = first_forbidden(s) {
                    found.push(format!("{path} holds {f}"));
                }
            }
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    let len = path.len();
                    let _ = write!(path, "[{i}]");
                    walk(path, v, found);
                    path.truncate(len);
                }
            }
            Value::Object(map) => {
                for (k, v) in map {
                    if let Some(f) = first_forbidden(k) {
                        found.push(format!("{path}: key holds {f}"));
                    }
                    let len = path.len();
                    path.push('.');
                    path.push_str(k);
                    walk(path, v, found);
                    path.truncate(len);
                }
            }
            _ => {}
        }
    }
    let mut found = Vec::new();
    walk(&mut String::from("$"), value, &mut found);
    let n = found.len();
    // A handful is enough to act on; the count tells the rest.
    for f in found.into_iter().take(5) {
        problems.push(format!("{what}: decoded JSON {f}"));
    }
    if n > 5 {
        problems.push(format!("{what}: … {} more JSON strings like that", n - 5));
    }
}

/// `text` contains none of `needles` (file content an XXE might leak, expanded entities).
pub fn leaks(what: &str, text: &str, needles: &[String], problems: &mut Vec<String>) {
    for needle in needles {
        if text.contains(needle.as_str()) {
            problems.push(format!("{what}: output contains {}", shorten(needle)));
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn outcome(code: i32, stdout: &[u8], stderr: &str) -> Outcome {
        Outcome {
            what: "test".to_owned(),
            status: Status::Exited(code),
            stdout: stdout.to_vec(),
            stderr: stderr.as_bytes().to_vec(),
            elapsed: Duration::ZERO,
        }
    }

    fn problems(out: &Outcome) -> Vec<String> {
        let mut problems = Vec::new();
        judge(out, &mut problems);
        problems
    }

    /// The harness itself catches what it is meant to catch.
    #[test]
    fn judge_flags_unsafe_runs() {
        assert!(problems(&outcome(0, b"{\"t\": \"ok\"}\n\tx\n", "")).is_empty());
        assert!(problems(&outcome(1, b"", "tidings: bad feed\n")).is_empty());
        for stdout in [
            &b"a\x1b[2J"[..],
            "a\u{9b}31m".as_bytes(),
            "evil\u{202e}txt".as_bytes(),
            b"a\x9b",
            b"a\rb",
            b"a\x7f",
        ] {
            assert_eq!(problems(&outcome(0, stdout, "")).len(), 1, "{stdout:?}");
        }
        for stderr in [
            "two\nlines\n",
            "no prefix\n",
            "tidings: no newline",
            "tidings: \x1b[2J\n",
        ] {
            assert!(!problems(&outcome(1, b"", stderr)).is_empty(), "{stderr:?}");
        }
        assert!(!problems(&outcome(0, b"", "thread 'main' panicked at x")).is_empty());
        assert!(!problems(&outcome(101, b"", "")).is_empty());
        let json: Value = serde_json::from_str(r#"{"a": ["ok", "\u001b[2J"]}"#).unwrap();
        let mut found = Vec::new();
        json_problems("test", &json, &mut found);
        assert_eq!(found.len(), 1, "{found:?}");
    }

    #[test]
    fn forbidden_characters() {
        for c in [
            '\u{1b}', '\u{7}', '\u{8}', '\r', '\0', '\u{7f}', '\u{9b}', '\u{85}', '\u{202e}',
        ] {
            assert!(forbidden(c), "{c:?}");
        }
        for c in ['\n', '\t', 'a', 'é', '\u{200b}', '›'] {
            assert!(!forbidden(c), "{c:?}");
        }
    }
}
