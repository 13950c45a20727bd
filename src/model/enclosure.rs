//! A file attached to an entry: a podcast's episode, a video, an image. RSS `<enclosure>`, Atom
//! `rel="enclosure"`, Media RSS `media:content`, JSON Feed `attachments` and the podcast
//! namespace's `podcast:chapters` all become one of these. Pure.

use serde::Serialize;

use super::bounds;

/// The most enclosures kept per entry (a hostile feed may list thousands).
pub const MAX_PER_ENTRY: usize = 16;
/// The most bytes a MIME type keeps.
const MAX_MIME: usize = 128;
/// The MIME type the podcast namespace gives a chapters file.
pub const CHAPTERS: &str = "application/json+chapters";

/// One enclosure as stored and shown: a web link, a MIME type (as the feed gave it, or guessed
/// from the link's extension), its length in bytes and its duration in seconds when known.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Enclosure {
    pub url: String,
    #[serde(rename = "type")]
    pub mime: Option<String>,
    pub length: Option<u64>,
    /// Seconds.
    pub duration: Option<u64>,
}

/// What an enclosure is, by the first part of its MIME type (the filter `enclosure:KIND`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Audio,
    Video,
    Image,
    Other,
}

impl Kind {
    pub fn of(mime: Option<&str>) -> Self {
        match mime.and_then(|m| m.split('/').next()) {
            Some("audio") => Kind::Audio,
            Some("video") => Kind::Video,
            Some("image") => Kind::Image,
            _ => Kind::Other,
        }
    }
}

impl Enclosure {
    /// An enclosure from what a document said, or `None` when its link is not a web link. The
    /// type is cleaned to `type/subtype` (lowercase, no parameters) and guessed from the
    /// link's extension when missing or meaningless.
    pub fn new(
        url: &str,
        mime: Option<&str>,
        length: Option<u64>,
        duration: Option<u64>,
    ) -> Option<Self> {
        let url = bounds::web_link(url)?;
        let mime = mime
            .and_then(clean_mime)
            .or_else(|| guess_mime(&url).map(str::to_owned));
        Some(Self {
            url,
            mime,
            // A length of 0 (or 1, a common placeholder) says nothing.
            length: length.filter(|&n| n > 1),
            duration: duration.filter(|&d| d > 0),
        })
    }

    pub fn kind(&self) -> Kind {
        Kind::of(self.mime.as_deref())
    }

    /// One line for a person: `audio/mpeg, 44.2 MB, 1:02:03`.
    pub fn describe(&self) -> String {
        let mut parts = vec![self.mime.clone().unwrap_or_else(|| "unknown type".into())];
        if self.mime.as_deref() == Some(CHAPTERS) {
            parts[0] = "chapters".into();
        }
        parts.extend(self.length.map(size));
        parts.extend(self.duration.map(clock));
        parts.join(", ")
    }

    /// The last segment of the link's path, for a file name: untrusted, see `safe_file_name`
    /// where it names a file.
    pub fn file_name(&self) -> &str {
        let path = self.url.split(['?', '#']).next().unwrap_or("");
        path.rsplit('/').next().unwrap_or("")
    }
}

/// A byte count for a person: `912 B`, `44.2 MB`, `1.5 GB`.
pub fn size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KB", "MB", "GB", "TB"];
    if bytes < 1000 {
        return format!("{bytes} B");
    }
    #[allow(clippy::cast_precision_loss)]
    let mut n = bytes as f64 / 1000.0;
    let mut unit = 0;
    while n >= 1000.0 && unit < UNITS.len() - 1 {
        n /= 1000.0;
        unit += 1;
    }
    format!("{n:.1} {}", UNITS[unit])
}

/// Seconds as `m:ss` or `h:mm:ss`.
pub fn clock(seconds: u64) -> String {
    let (h, m, s) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    }
}

/// `type/subtype` in lowercase, or `None` when `raw` is not one.
fn clean_mime(raw: &str) -> Option<String> {
    let essence = raw.split(';').next()?.trim().to_ascii_lowercase();
    let (top, sub) = essence.split_once('/')?;
    let token = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$&-^_.+".contains(&b))
    };
    (token(top) && token(sub) && essence.len() <= MAX_MIME).then_some(essence)
}

/// The type a link's extension usually means, for the common media files.
fn guess_mime(url: &str) -> Option<&'static str> {
    let path = url.split(['?', '#']).next()?;
    let name = path.rsplit('/').next()?;
    let (_, ext) = name.rsplit_once('.')?;
    Some(match ext.to_ascii_lowercase().as_str() {
        "mp3" => "audio/mpeg",
        "m4a" | "aac" => "audio/mp4",
        "ogg" | "oga" => "audio/ogg",
        "opus" => "audio/opus",
        "flac" => "audio/flac",
        "wav" => "audio/wav",
        "mp4" | "m4v" => "video/mp4",
        "webm" => "video/webm",
        "mkv" => "video/x-matroska",
        "mov" => "video/quicktime",
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "pdf" => "application/pdf",
        _ => return None,
    })
}

/// Whether `wanted` (lowercase) can be the value of `enclosure:`: a type's first part or a
/// whole `type/subtype`.
pub fn is_type_pattern(wanted: &str) -> bool {
    let parts: Vec<&str> = wanted.split('/').collect();
    parts.len() <= 2
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-+.".contains(&b))
        })
}

/// Whether an enclosure of type `mime` answers `enclosure:wanted` (empty: any enclosure but
/// chapters). The store's SQL for the term says the same.
pub fn type_matches(mime: Option<&str>, wanted: &str) -> bool {
    if mime == Some(CHAPTERS) {
        return false;
    }
    if wanted.is_empty() {
        return true;
    }
    let Some(mime) = mime else { return false };
    if wanted.contains('/') {
        mime == wanted
    } else {
        mime.split_once('/').is_some_and(|(top, _)| top == wanted)
    }
}

/// `[[h:]m:]s` (iTunes' duration) or a plain count of seconds, as seconds.
pub fn parse_duration(raw: &str) -> Option<u64> {
    let raw = raw.trim();
    let whole = raw.split('.').next()?;
    let mut total: u64 = 0;
    let parts: Vec<&str> = whole.split(':').collect();
    if parts.len() > 3 || parts.iter().any(|p| p.is_empty()) {
        return None;
    }
    for p in parts {
        total = total.checked_mul(60)?.checked_add(p.trim().parse().ok()?)?;
    }
    (total > 0).then_some(total)
}

/// `enclosures` without repeats (the same link given twice, as an `<enclosure>` and again as
/// `media:content`), the first kept with what the others add, at most [`MAX_PER_ENTRY`], in
/// the document's order but for chapters files, which go last.
pub fn merged(enclosures: impl IntoIterator<Item = Enclosure>) -> Vec<Enclosure> {
    let mut out: Vec<Enclosure> = Vec::new();
    for e in enclosures {
        if let Some(seen) = out.iter_mut().find(|s| s.url == e.url) {
            seen.mime = seen.mime.take().or(e.mime);
            seen.length = seen.length.or(e.length);
            seen.duration = seen.duration.or(e.duration);
        } else if out.len() < MAX_PER_ENTRY {
            out.push(e);
        }
    }
    out.sort_by_key(|e| e.mime.as_deref() == Some(CHAPTERS));
    out
}

/// The enclosure a "play" or "download" means when none is picked: the first audio or video
/// file, else the first that is not chapters.
pub fn primary(enclosures: &[Enclosure]) -> Option<&Enclosure> {
    enclosures
        .iter()
        .find(|e| matches!(e.kind(), Kind::Audio | Kind::Video))
        .or_else(|| {
            enclosures
                .iter()
                .find(|e| e.mime.as_deref() != Some(CHAPTERS))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_web_links_are_enclosures_and_types_are_cleaned_or_guessed() {
        assert!(Enclosure::new("javascript:alert(1)", None, None, None).is_none());
        assert!(Enclosure::new("file:///etc/passwd", None, None, None).is_none());
        let e = Enclosure::new(
            "https://cdn.example/ep/311.MP3?x=1",
            Some("  Audio/MPEG; charset=x"),
            Some(0),
            Some(0),
        )
        .unwrap();
        assert_eq!(e.mime.as_deref(), Some("audio/mpeg"));
        assert_eq!((e.length, e.duration), (None, None));
        let guessed = Enclosure::new("https://cdn.example/ep/311.MP3?x=1", Some("x"), None, None);
        assert_eq!(guessed.unwrap().mime.as_deref(), Some("audio/mpeg"));
        let unknown = Enclosure::new("https://cdn.example/file", Some("\u{1b}[2J"), None, None);
        assert_eq!(unknown.unwrap().mime, None);
    }

    #[test]
    fn durations_read_as_itunes_writes_them() {
        assert_eq!(parse_duration("3723"), Some(3723));
        assert_eq!(parse_duration("1:02:03"), Some(3723));
        assert_eq!(parse_duration("62:03"), Some(3723));
        assert_eq!(parse_duration("12.5"), Some(12));
        for bad in [
            "",
            "abc",
            "1::2",
            "1:2:3:4",
            "-5",
            "99999999999999999999999",
        ] {
            assert_eq!(parse_duration(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn described_for_a_person() {
        let e = Enclosure::new(
            "https://a.example/a.mp3",
            Some("audio/mpeg"),
            Some(44_200_000),
            Some(3723),
        )
        .unwrap();
        assert_eq!(e.describe(), "audio/mpeg, 44.2 MB, 1:02:03");
        assert_eq!(e.kind(), Kind::Audio);
        assert_eq!(e.file_name(), "a.mp3");
        assert_eq!(size(999), "999 B");
        assert_eq!(size(1_500_000_000), "1.5 GB");
        assert_eq!(clock(61), "1:01");
    }

    #[test]
    fn repeats_merge_and_the_count_is_bounded() {
        let a = |mime: Option<&str>, len| {
            Enclosure::new("https://a.example/a.mp3", mime, len, None).unwrap()
        };
        let got = merged([a(None, None), a(Some("audio/x-mp3"), Some(5))]);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].mime.as_deref(), Some("audio/mpeg"));
        assert_eq!(got[0].length, Some(5));
        let many = (0..1000).filter_map(|i| {
            Enclosure::new(&format!("https://a.example/{i}.mp3"), None, None, None)
        });
        assert_eq!(merged(many).len(), MAX_PER_ENTRY);
    }
}
