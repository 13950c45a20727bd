//! The download queue's vocabulary (issue #22): a queued enclosure, where it stands, the file
//! name made for it from a feed's words (never a path), and progress as a person reads it.
//! Pure.

use std::fmt::Write as _;

use super::enclosure::{clock, size};
use super::sanitize;

/// The most bytes a file name made from a feed's data keeps (most file systems allow 255).
pub const MAX_FILE_NAME: usize = 180;

/// Where a queued download stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DownloadState {
    Queued,
    Done,
    Failed,
}

impl DownloadState {
    pub fn name(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Done => "done",
            Self::Failed => "failed",
        }
    }

    pub fn from_name(name: &str) -> Self {
        match name {
            "done" => Self::Done,
            "failed" => Self::Failed,
            _ => Self::Queued,
        }
    }
}

/// One row of the download queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Download {
    pub id: i64,
    pub url: String,
    pub feed_title: String,
    pub title: String,
    pub mime: Option<String>,
    /// The file's name under `[media] dir`, once chosen (when the download first starts).
    pub file: Option<String>,
    pub state: DownloadState,
    /// Bytes on disk so far.
    pub received: u64,
    /// The whole size, when the server said.
    pub total: Option<u64>,
    /// Why it failed (one line), for a failed download.
    pub error: Option<String>,
}

/// What the download queue's runner says as it goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DownloadEvent {
    Started(Download),
    Progress(DownloadProgress),
    /// Whole, under this name in the media directory.
    Finished {
        id: i64,
        file: String,
        bytes: u64,
    },
    /// Stopped; `retry` when it stays queued to resume.
    Failed {
        id: i64,
        error: String,
        retry: bool,
    },
}

/// How a running download is doing, as the downloader reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DownloadProgress {
    pub id: i64,
    pub received: u64,
    pub total: Option<u64>,
    /// Bytes per second over the last few seconds.
    pub rate: u64,
}

impl DownloadProgress {
    /// `12.1 MB of 44.2 MB (27 %), 1.2 MB/s, 0:26 left`.
    pub fn describe(&self) -> String {
        let mut out = size(self.received);
        if let Some(total) = self.total.filter(|&t| t > 0) {
            let _ = write!(
                out,
                " of {} ({} %)",
                size(total),
                self.received.saturating_mul(100) / total
            );
        }
        if self.rate > 0 {
            let _ = write!(out, ", {}/s", size(self.rate));
            if let Some(total) = self.total {
                let left = total.saturating_sub(self.received) / self.rate;
                let _ = write!(out, ", {} left", clock(left));
            }
        }
        out
    }
}

/// A file name for an enclosure, made from untrusted words: `Feed - Title.ext`. Nothing in it
/// can name a path: no separators, no `..`, no control or bidi characters, no leading dot or
/// dash, nothing a shell or Windows treats specially, at most [`MAX_FILE_NAME`] bytes. The
/// extension is the link's own when it is a short word, else one for the type.
pub fn safe_file_name(feed: &str, title: &str, link_name: &str, mime: Option<&str>) -> String {
    let ext = extension(link_name).or_else(|| mime.and_then(extension_for));
    let stem = format!("{} - {}", clean(feed), clean(title));
    let stem = stem.trim_matches(|c: char| c == ' ' || c == '-' || c == '.');
    let stem = if stem.is_empty() {
        let from_link = clean(link_name.rsplit_once('.').map_or(link_name, |(s, _)| s));
        if from_link.is_empty() {
            "download".to_owned()
        } else {
            from_link
        }
    } else {
        stem.to_owned()
    };
    let suffix = ext.map(|e| format!(".{e}")).unwrap_or_default();
    let room = MAX_FILE_NAME - suffix.len();
    let mut end = stem.len().min(room);
    while !stem.is_char_boundary(end) {
        end -= 1;
    }
    let stem = stem[..end].trim_end_matches([' ', '.']);
    format!("{stem}{suffix}")
}

/// The `n`-th name to try when `name` is taken: `Name (2).mp3`.
pub fn numbered(name: &str, n: u32) -> String {
    if n <= 1 {
        return name.to_owned();
    }
    match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => format!("{stem} ({n}).{ext}"),
        _ => format!("{name} ({n})"),
    }
}

/// Words for a file name: one line, separators and specials as spaces, runs of spaces as one,
/// `..` broken up.
fn clean(s: &str) -> String {
    let line = sanitize::line(s);
    let mapped: String = line
        .chars()
        .map(|c| {
            if c.is_control() || "/\\:*?\"<>|\u{0}".contains(c) {
                ' '
            } else {
                c
            }
        })
        .collect();
    let words: Vec<&str> = mapped.split_whitespace().collect();
    let mut out = words.join(" ");
    while out.contains("..") {
        out = out.replace("..", ".");
    }
    out.trim_start_matches(['.', '-', ' ']).to_owned()
}

/// A link's own extension, when it is 1–5 ASCII letters or digits.
fn extension(name: &str) -> Option<String> {
    let (_, ext) = name.rsplit_once('.')?;
    (!ext.is_empty() && ext.len() <= 5 && ext.bytes().all(|b| b.is_ascii_alphanumeric()))
        .then(|| ext.to_ascii_lowercase())
}

fn extension_for(mime: &str) -> Option<String> {
    Some(
        match mime {
            "audio/mpeg" => "mp3",
            "audio/mp4" | "audio/x-m4a" | "audio/aac" => "m4a",
            "audio/ogg" => "ogg",
            "audio/opus" => "opus",
            "audio/flac" => "flac",
            "video/mp4" => "mp4",
            "video/webm" => "webm",
            "image/jpeg" => "jpg",
            "image/png" => "png",
            "application/pdf" => "pdf",
            _ => return None,
        }
        .to_owned(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn is_safe(name: &str) {
        assert!(!name.is_empty());
        assert!(name.len() <= MAX_FILE_NAME, "{}", name.len());
        assert!(!name.contains(['/', '\\', '\0']), "{name:?}");
        assert!(!name.contains(".."), "{name:?}");
        assert!(!name.starts_with(['.', '-']), "{name:?}");
        assert!(!name.chars().any(char::is_control), "{name:?}");
        assert!(sanitize::is_clean_line(name), "{name:?}");
    }

    #[test]
    fn names_from_hostile_feeds_never_name_a_path() {
        let long = "x".repeat(10_000);
        let cases = [
            ("../../etc", "passwd", "passwd", None),
            ("Feed", "../../etc/passwd", "..", Some("audio/mpeg")),
            ("", "", "", None),
            ("..", "..", "..", None),
            (
                "\u{1b}[2J\u{7}Feed",
                "Title\u{202e}3pm.exe",
                "a\nb.mp3",
                None,
            ),
            (long.as_str(), long.as_str(), "ep.mp3", None),
            ("-rf", "--help", "x.mp3", None),
            ("C:\\Windows", "con:aux|<>*?", "f.MP3", None),
        ];
        for (feed, title, link, mime) in cases {
            let name = safe_file_name(feed, title, link, mime);
            is_safe(&name);
        }
        assert_eq!(
            safe_file_name("ATP", "311: Tickets", "atp311.mp3", None),
            "ATP - 311 Tickets.mp3"
        );
        assert_eq!(
            safe_file_name("Feed", "../../etc/passwd", "", Some("audio/mpeg")),
            "Feed - etc passwd.mp3"
        );
        assert_eq!(safe_file_name("", "", "", None), "download");
        let long_name = safe_file_name(&long, "t", "ep.mp3", None);
        assert_eq!(long_name.rsplit('.').next(), Some("mp3"));
    }

    #[test]
    fn taken_names_are_numbered() {
        assert_eq!(numbered("a.mp3", 1), "a.mp3");
        assert_eq!(numbered("a.mp3", 2), "a (2).mp3");
        assert_eq!(numbered("noext", 3), "noext (3)");
    }

    #[test]
    fn progress_reads_as_a_person_expects() {
        let p = DownloadProgress {
            id: 1,
            received: 12_100_000,
            total: Some(44_200_000),
            rate: 1_200_000,
        };
        assert_eq!(
            p.describe(),
            "12.1 MB of 44.2 MB (27 %), 1.2 MB/s, 0:26 left"
        );
    }
}
