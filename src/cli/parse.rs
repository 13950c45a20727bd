//! `tidings parse FILE`: one document through the ingest pipeline, printed as JSON in the shape
//! of the feed corpus expectations (dates ISO-8601 UTC).

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use serde::Serialize;

use super::output::Out;
use crate::fetch::parse::parse_feed;

#[derive(Serialize)]
struct Doc<'a> {
    feed: FeedJson<'a>,
    entry_count: usize,
    entries: Vec<EntryJson<'a>>,
}

#[derive(Serialize)]
struct FeedJson<'a> {
    title: Option<&'a str>,
    link: Option<&'a str>,
}

#[derive(Serialize)]
struct EntryJson<'a> {
    id: Option<&'a str>,
    title: &'a str,
    link: Option<&'a str>,
    published: Option<String>,
    updated: Option<String>,
    author: Option<&'a str>,
    enclosures: &'a [crate::model::Enclosure],
}

fn iso(t: Option<chrono::DateTime<chrono::Utc>>) -> Option<String> {
    t.map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
}

/// The largest document `parse` reads: the most `refresh.max_body_mib` allows.
const MAX_MIB: u64 = 1024;

pub fn parse(file: &Path, out: &mut Out) -> anyhow::Result<ExitCode> {
    // As a refresh reads a `file:` feed: a regular file only (`/dev/zero` would fill the
    // memory, a FIFO hang), and no larger than `refresh.max_body_mib` may allow.
    let bytes = match crate::fetch::http::read_capped(file, MAX_MIB << 20) {
        Ok(bytes) => bytes,
        Err(crate::fetch::http::ReadError::TooLarge) => {
            anyhow::bail!("reading {}: larger than {MAX_MIB} MiB", file.display())
        }
        Err(crate::fetch::http::ReadError::Io(e)) => {
            return Err(e).with_context(|| format!("reading {}", file.display()));
        }
    };
    let absolute = std::path::absolute(file).unwrap_or_else(|_| file.to_owned());
    let url = url::Url::from_file_path(&absolute).map_or_else(|()| String::new(), String::from);
    let feed = parse_feed(&bytes, &url).with_context(|| file.display().to_string())?;
    let doc = Doc {
        feed: FeedJson {
            title: feed.title.as_deref(),
            link: feed.site_url.as_deref(),
        },
        entry_count: feed.entries.len(),
        entries: feed
            .entries
            .iter()
            .map(|e| EntryJson {
                id: e.guid.as_deref(),
                title: &e.title,
                link: e.link.as_deref(),
                published: iso(e.published),
                updated: iso(e.updated),
                author: e.author.as_deref(),
                enclosures: &e.enclosures,
            })
            .collect(),
    };
    super::output::write_json(&mut *out, &doc, true)?;
    writeln!(out)?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
