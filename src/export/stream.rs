//! An export written as it goes: its start, then one entry at a time, then its end, into any
//! `io::Write`. An export of a million entries holds one entry in memory, not all of them, and
//! what it writes is the same, byte for byte, as [`super::export`] makes of the same entries.

use std::collections::BTreeSet;
use std::io::{self, Write};

use super::items::{self, Format, Options};
use super::page;
use crate::model::{Entry, FeedId};

/// How many entries, from how many feeds, an export will hold: the HTML page says so at its
/// top, before its first entry.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    pub entries: usize,
    pub feeds: usize,
}

impl Totals {
    pub fn of(entries: &[Entry]) -> Self {
        let feeds: BTreeSet<FeedId> = entries.iter().map(|e| e.summary.feed_id).collect();
        Self {
            entries: entries.len(),
            feeds: feeds.len(),
        }
    }
}

/// Writes one export to `W`.
pub struct Writer<W: Write> {
    out: W,
    format: Format,
    options: Options,
    /// Entries written so far.
    written: usize,
    /// The HTML page's last day heading.
    day: String,
    /// What is being made, written out after each part.
    buf: String,
}

impl<W: Write> Writer<W> {
    /// Writes the export's start (the HTML page's says `totals`).
    pub fn start(out: W, format: Format, options: Options, totals: &Totals) -> io::Result<Self> {
        let mut w = Self {
            out,
            format,
            options,
            written: 0,
            day: String::new(),
            buf: String::new(),
        };
        match format {
            Format::Html => page::head(&mut w.buf, &w.options, None, totals.entries, totals.feeds),
            Format::Json => items::json_head(&mut w.buf, &w.options),
            Format::Atom => items::atom_head(&mut w.buf, &w.options),
            Format::Csv => w.buf.push_str(items::CSV_HEAD),
            Format::Markdown | Format::Text => {}
        }
        w.flush()?;
        Ok(w)
    }

    /// Writes one entry.
    pub fn entry(&mut self, e: &Entry) -> io::Result<()> {
        let bodies = self.options.bodies;
        let first = self.written == 0;
        let buf = &mut self.buf;
        match self.format {
            Format::Markdown => {
                if !first {
                    buf.push_str("\n---\n\n");
                }
                items::markdown_item(buf, e, bodies);
            }
            Format::Text => {
                if !first {
                    buf.push_str("\n\n");
                }
                items::text_item(buf, e, bodies);
            }
            Format::Html => page::day_and_article(buf, &mut self.day, e, bodies),
            Format::Json => items::json_item(buf, e, bodies, first),
            Format::Atom => items::atom_item(buf, e, bodies),
            Format::Csv => items::csv_row(buf, e),
        }
        self.written += 1;
        self.flush()
    }

    /// The destination, as written so far.
    pub fn get_ref(&self) -> &W {
        &self.out
    }

    /// Entries written so far.
    pub fn written(&self) -> usize {
        self.written
    }

    /// Writes the export's end; returns the destination.
    pub fn finish(mut self) -> io::Result<W> {
        match self.format {
            Format::Html => self.buf.push_str(page::TAIL),
            Format::Json => items::json_tail(&mut self.buf, self.written),
            Format::Atom => self.buf.push_str(items::ATOM_TAIL),
            Format::Csv | Format::Markdown | Format::Text => {}
        }
        self.flush()?;
        self.out.flush()?;
        Ok(self.out)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.write_all(self.buf.as_bytes())?;
        self.buf.clear();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{EntryId, EntrySummary};
    use chrono::DateTime;

    fn item(id: i64, feed: i64) -> Entry {
        let at = DateTime::from_timestamp(1_700_000_000 - id * 40_000, 0).unwrap();
        Entry {
            summary: EntrySummary {
                id: EntryId(id),
                feed_id: FeedId(feed),
                feed_title: format!("Feed {feed}"),
                guid: Some(format!("g{id}")),
                title: format!("Entry \"{id}\", <b>bold</b>\u{202e}"),
                link: Some(format!("https://a.example/{id}")),
                author: (id % 2 == 0).then(|| "Ann".to_owned()),
                published: at,
                first_seen: at,
                read: id % 3 == 0,
                starred: false,
                hidden: false,
                labels: Vec::new(),
                highlight: None,
                group: 0,
                story: None,
                also_in: Vec::new(),
            },
            updated: None,
            content_html: format!("<p>Body {id} with a <a href=\"/x\">link</a>.</p>"),
            base_url: Some("https://a.example/".into()),
            enclosures: Vec::new(),
            article: None,
            full_article: false,
        }
    }

    /// Every format, written entry by entry, holds nothing back between entries and makes a
    /// whole document of all of them.
    #[test]
    fn every_format_streams_whole_documents() {
        let entries: Vec<Entry> = (1..=5).map(|i| item(i, 1 + i % 3)).collect();
        let options = Options::new(DateTime::from_timestamp(1_700_100_000, 0).unwrap());
        for format in [
            Format::Markdown,
            Format::Text,
            Format::Html,
            Format::Json,
            Format::Atom,
            Format::Csv,
        ] {
            let totals = Totals::of(&entries);
            let mut w = Writer::start(Vec::new(), format, options.clone(), &totals).unwrap();
            for e in &entries {
                w.entry(e).unwrap();
                assert!(w.buf.is_empty(), "{format:?} held text back");
            }
            assert_eq!(w.written(), 5);
            let text = String::from_utf8(w.finish().unwrap()).unwrap();
            match format {
                Format::Markdown => assert_eq!(text.matches("\n---\n").count(), 4, "{text}"),
                Format::Text => assert_eq!(text.matches("Entry \"").count(), 5, "{text}"),
                Format::Html => {
                    assert!(text.contains("5 entries from 3 feeds"), "{text}");
                    assert_eq!(text.matches("<article>").count(), 5);
                    assert!(text.ends_with("</html>\n"));
                }
                Format::Json => {
                    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
                    assert_eq!(v["items"].as_array().unwrap().len(), 5);
                }
                Format::Atom => {
                    let feed = feed_rs::parser::parse(text.as_bytes()).unwrap();
                    assert_eq!(feed.entries.len(), 5);
                }
                Format::Csv => assert_eq!(text.matches("\r\n").count(), 6, "{text}"),
            }
        }
    }
}
