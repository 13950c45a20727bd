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
    /// Its entry's date (when it was queued, once the entry is gone), for `{date}`.
    pub published: i64,
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

/// A file name for an enclosure, made from untrusted words: `Feed - Title.ext` (the default
/// [`FileNameFormat`]). See [`FileNameFormat::name`] for what makes it safe.
pub fn safe_file_name(feed: &str, title: &str, link_name: &str, mime: Option<&str>) -> String {
    FileNameFormat::default().name(&NameWords {
        feed,
        title,
        link_name,
        mime,
        published: 0,
    })
}

/// The words a download's file is named from, every one untrusted.
#[derive(Debug, Clone, Copy)]
pub struct NameWords<'a> {
    pub feed: &'a str,
    pub title: &'a str,
    /// The last segment of the enclosure link's path.
    pub link_name: &'a str,
    pub mime: Option<&'a str>,
    /// The entry's date (Unix seconds), for `{date}`.
    pub published: i64,
}

/// One piece of a [`FileNameFormat`] component.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Text(String),
    Feed,
    Title,
    Date,
    File,
}

/// The most directories a file name format may make (`{feed}/{title}` is one).
const MAX_DIRS: usize = 3;

/// `[media] file_name`: how a download's file is named, as podboat's
/// `download-filename-format` does: `{feed}`, `{title}`, `{date}` (the entry's, `2026-11-02`)
/// and `{file}` (the link's own file name, without its extension) between the user's own
/// words; a `/` makes a directory (`{feed}/{date} {title}`: one directory per feed). The
/// extension is always added (the link's own, else one for the type).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileNameFormat {
    /// The `/`-separated components, the file's own last.
    parts: Vec<Vec<Piece>>,
}

impl Default for FileNameFormat {
    fn default() -> Self {
        Self::parse(Self::DEFAULT).unwrap_or(Self {
            parts: vec![vec![Piece::Title]],
        })
    }
}

impl FileNameFormat {
    pub const DEFAULT: &'static str = "{feed} - {title}";

    /// The format `text` describes, or what is wrong with it.
    pub fn parse(text: &str) -> Result<Self, String> {
        if text.trim().is_empty() {
            return Err("it is empty".into());
        }
        if text.starts_with('/') || text.starts_with('~') || text.contains('\\') {
            return Err("it names a path of its own (put the directory in media.dir)".into());
        }
        let components: Vec<&str> = text.split('/').collect();
        if components.len() > MAX_DIRS + 1 {
            return Err(format!("it makes more than {MAX_DIRS} directories"));
        }
        let mut parts = Vec::new();
        for component in components {
            let trimmed = component.trim();
            if trimmed.is_empty() || trimmed.chars().all(|c| c == '.') {
                return Err(format!("\"{component}\" is not a file or directory name"));
            }
            parts.push(Self::pieces(component)?);
        }
        Ok(Self { parts })
    }

    fn pieces(component: &str) -> Result<Vec<Piece>, String> {
        let mut pieces = Vec::new();
        let mut rest = component;
        while let Some(open) = rest.find('{') {
            if open > 0 {
                pieces.push(Piece::Text(rest[..open].to_owned()));
            }
            let Some(close) = rest[open..].find('}') else {
                return Err(format!("a \"{{\" is not closed in \"{component}\""));
            };
            pieces.push(match &rest[open + 1..open + close] {
                "feed" => Piece::Feed,
                "title" => Piece::Title,
                "date" => Piece::Date,
                "file" => Piece::File,
                other => {
                    return Err(format!(
                        "{{{other}}} is not known (use {{feed}}, {{title}}, {{date}} or {{file}})"
                    ));
                }
            });
            rest = &rest[open + close + 1..];
        }
        if !rest.is_empty() {
            pieces.push(Piece::Text(rest.to_owned()));
        }
        Ok(pieces)
    }

    /// The file's name under the media directory, directories joined by `/`. Nothing in it
    /// can name a path of the feed's making: each component has no separators, no `..`, no
    /// control or bidi characters, no leading dot or dash, nothing a shell or Windows treats
    /// specially, and at most [`MAX_FILE_NAME`] bytes; a directory whose words are all gone
    /// is left out, a file whose words are all gone is named from its link, else `download`.
    pub fn name(&self, w: &NameWords<'_>) -> String {
        let ext = extension(w.link_name).or_else(|| w.mime.and_then(extension_for));
        let link_stem = w.link_name.rsplit_once('.').map_or(w.link_name, |(s, _)| s);
        let date = chrono::DateTime::from_timestamp(w.published, 0)
            .map(|d| d.format("%Y-%m-%d").to_string())
            .unwrap_or_default();
        let words_of = |pieces: &[Piece]| -> String {
            let text: String = pieces
                .iter()
                .map(|p| match p {
                    Piece::Text(t) => t.clone(),
                    Piece::Feed => clean(w.feed),
                    Piece::Title => clean(w.title),
                    Piece::Date => date.clone(),
                    Piece::File => clean(link_stem),
                })
                .collect();
            let text = clean(&text);
            text.trim_matches(|c: char| c == ' ' || c == '-' || c == '.')
                .to_owned()
        };
        let Some((file, dirs)) = self.parts.split_last() else {
            return "download".into();
        };
        let mut out: Vec<String> = dirs
            .iter()
            .map(|d| bounded(&words_of(d), MAX_FILE_NAME))
            .filter(|d| !d.is_empty())
            .collect();
        let stem = words_of(file);
        let stem = if stem.is_empty() {
            let from_link = clean(link_stem);
            if from_link.is_empty() {
                "download".to_owned()
            } else {
                from_link
            }
        } else {
            stem
        };
        let suffix = ext.map(|e| format!(".{e}")).unwrap_or_default();
        out.push(format!(
            "{}{suffix}",
            bounded(&stem, MAX_FILE_NAME - suffix.len())
        ));
        out.join("/")
    }
}

/// `s` cut to at most `max` bytes on a character boundary, without trailing spaces or dots.
fn bounded(s: &str, max: usize) -> String {
    let mut end = s.len().min(max);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s[..end].trim_end_matches([' ', '.']).to_owned()
}

/// The `n`-th name to try when `name` is taken: `Name (2).mp3`.
/// Only the file's own name is numbered, never a directory before it.
pub fn numbered(name: &str, n: u32) -> String {
    if n <= 1 {
        return name.to_owned();
    }
    let (dir, file) = name.rsplit_once('/').map_or(("", name), |(d, f)| (d, f));
    let numbered = match file.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => format!("{stem} ({n}).{ext}"),
        _ => format!("{file} ({n})"),
    };
    if dir.is_empty() {
        numbered
    } else {
        format!("{dir}/{numbered}")
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

    fn format(text: &str) -> FileNameFormat {
        FileNameFormat::parse(text).unwrap()
    }

    fn words<'a>(feed: &'a str, title: &'a str, link: &'a str) -> NameWords<'a> {
        NameWords {
            feed,
            title,
            link_name: link,
            mime: None,
            published: 1_793_620_800, // 2026-11-02
        }
    }

    #[test]
    fn a_format_names_directories_and_the_file_from_the_feeds_words() {
        let w = words("Loop Cast", "Episode: One", "ep1.MP3");
        assert_eq!(
            format("{feed}/{date} {title}").name(&w),
            "Loop Cast/2026-11-02 Episode One.mp3"
        );
        assert_eq!(format("{file}").name(&w), "ep1.mp3");
        assert_eq!(
            format("podcasts/{feed} - {file}").name(&w),
            "podcasts/Loop Cast - ep1.mp3"
        );
        assert_eq!(
            format(FileNameFormat::DEFAULT).name(&w),
            safe_file_name("Loop Cast", "Episode: One", "ep1.MP3", None)
        );
    }

    #[test]
    fn hostile_words_in_a_format_never_name_a_path() {
        let long = "x".repeat(10_000);
        let hostile = [
            ("../../etc", "passwd", ".."),
            ("..", "..", "..."),
            ("/", "/root/.ssh/authorized_keys", "a/b"),
            ("\u{1b}[2J", "\u{202e}gpj.exe", "-rf"),
            (long.as_str(), long.as_str(), long.as_str()),
        ];
        for f in [
            "{feed}/{title}",
            "{feed}/{date}/{title} {file}",
            "{title}",
            "{feed}/x",
        ] {
            for (feed, title, link) in hostile {
                let name = format(f).name(&words(feed, title, link));
                let parts: Vec<&str> = name.split('/').collect();
                assert!(parts.len() <= 1 + MAX_DIRS, "{name:?}");
                for part in parts {
                    is_safe(part);
                }
            }
        }
        // A directory whose words are all gone is left out.
        assert_eq!(
            format("{feed}/{title}").name(&words("..", "Ep", "e.mp3")),
            "Ep.mp3"
        );
    }

    #[test]
    fn a_bad_format_is_refused_with_the_reason() {
        for (bad, why) in [
            ("", "empty"),
            ("/tmp/{title}", "path of its own"),
            ("~/{title}", "path of its own"),
            ("../{title}", "not a file or directory name"),
            ("{feed}//{title}", "not a file or directory name"),
            ("{author}", "{author} is not known"),
            ("{title", "not closed"),
            ("a/b/c/d/{title}", "more than 3 directories"),
        ] {
            let e = FileNameFormat::parse(bad).unwrap_err();
            assert!(e.contains(why), "{bad:?}: {e}");
        }
    }

    #[test]
    fn taken_names_are_numbered() {
        assert_eq!(numbered("Feed.x/a.mp3", 2), "Feed.x/a (2).mp3");
        assert_eq!(numbered("Feed.x/a", 2), "Feed.x/a (2)");
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
