//! The download queue (issue #22), kept in the database so that it survives restarts and
//! kills: what is queued, the file chosen for each, how far each has got, and why one failed.

use rusqlite::{OptionalExtension, Row, Transaction, params};

use super::{Result, Store};
use crate::model::download::{Download, DownloadState};
use crate::model::enclosure::{self, Enclosure, Kind};
use crate::model::{EntryId, bounds};

const COLUMNS: &str = "id, url, feed_title, title, mime, file, state, received, total, error, \
     COALESCE((SELECT published FROM entries WHERE id = downloads.entry_id), queued_at)";

fn download_of(r: &Row<'_>) -> rusqlite::Result<Download> {
    let count = |i| super::enclosures::count(r, i);
    Ok(Download {
        id: r.get(0)?,
        url: r.get(1)?,
        feed_title: r.get(2)?,
        title: r.get(3)?,
        mime: r.get(4)?,
        file: r.get(5)?,
        state: DownloadState::from_name(&r.get::<_, String>(6)?),
        received: count(7)?.unwrap_or(0),
        total: count(8)?,
        error: r.get(9)?,
        published: r.get(10)?,
    })
}

/// The enclosures of an entry worth downloading when none is picked: its audio and video
/// files, else the one a play would mean.
pub fn wanted(enclosures: &[Enclosure]) -> Vec<&Enclosure> {
    let media: Vec<&Enclosure> = enclosures
        .iter()
        .filter(|e| matches!(e.kind(), Kind::Audio | Kind::Video))
        .collect();
    if media.is_empty() {
        enclosure::primary(enclosures).into_iter().collect()
    } else {
        media
    }
}

/// Queues `enclosures` of entry `id` inside `tx`; returns how many were not queued already.
/// `feed_title` is the feed's title as the document being written says it (the feed's row
/// takes it only after its entries), else the stored one.
pub(super) fn queue_in(
    tx: &Transaction<'_>,
    id: i64,
    enclosures: &[&Enclosure],
    feed_title: Option<&str>,
    now: i64,
) -> rusqlite::Result<usize> {
    let (feed_title, title): (String, String) = tx.query_row(
        "SELECT COALESCE(f.user_title, ?2, f.title, f.url), e.title FROM entries e \
         JOIN feeds f ON f.id = e.feed_id WHERE e.id = ?1",
        params![id, feed_title],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let mut added = 0;
    for enc in enclosures {
        let Some(url) = bounds::web_link(&enc.url) else {
            continue;
        };
        added += tx
            .prepare_cached(
                "INSERT INTO downloads (url, entry_id, feed_title, title, mime, total, queued_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (url) DO NOTHING",
            )?
            .execute(params![
                url,
                id,
                bounds::line(&feed_title),
                bounds::line(&title),
                enc.mime,
                enc.length.and_then(|n| i64::try_from(n).ok()),
                now
            ])?;
    }
    Ok(added)
}

impl Store {
    /// Queues enclosures of `entries`: the one at `pick` (in each entry's order), or those
    /// worth downloading ([`wanted`]). A link queued before (done or not) is not queued again;
    /// a failed one is queued again. Returns how many were queued.
    pub fn queue_downloads(
        &mut self,
        entries: &[EntryId],
        pick: Option<usize>,
        now: i64,
    ) -> Result<usize> {
        self.write(|tx| {
            let mut added = 0;
            for id in entries {
                let all = super::enclosures::of(tx, id.0)?;
                let chosen: Vec<&Enclosure> = match pick {
                    Some(i) => all.get(i).into_iter().collect(),
                    None => wanted(&all),
                };
                for enc in &chosen {
                    tx.prepare_cached(
                        "UPDATE downloads SET state = 'queued', error = NULL \
                         WHERE url = ?1 AND state = 'failed'",
                    )?
                    .execute([&enc.url])?;
                }
                added += queue_in(tx, id.0, &chosen, None, now)?;
            }
            Ok(added)
        })
    }

    /// Every download, queued first, then the failed, then the done, each oldest first.
    pub fn downloads(&self) -> Result<Vec<Download>> {
        self.downloads_where("1")
    }

    /// The queued downloads, oldest first, but for `busy` (those running now). Asked at the
    /// reader's start and after every refresh: it reads the queued rows only (on the index).
    pub fn queued_downloads(&self, busy: &[i64]) -> Result<Vec<Download>> {
        Ok(self
            .downloads_where("state = 'queued'")?
            .into_iter()
            .filter(|d| !busy.contains(&d.id))
            .collect())
    }

    fn downloads_where(&self, condition: &str) -> Result<Vec<Download>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM downloads WHERE {condition} ORDER BY \
             CASE state WHEN 'queued' THEN 0 WHEN 'failed' THEN 1 ELSE 2 END, id"
        );
        let mut stmt = self.conn.prepare_cached(&sql).map_err(|e| self.err(e))?;
        stmt.query_map([], download_of)
            .and_then(Iterator::collect)
            .map_err(|e| self.err(e))
    }

    /// The finished download of `url`, if there is one: its file's name.
    pub fn downloaded_file(&self, url: &str) -> Result<Option<String>> {
        self.conn
            .query_row(
                "SELECT file FROM downloads WHERE url = ?1 AND state = 'done'",
                [url],
                |r| r.get(0),
            )
            .optional()
            .map(Option::flatten)
            .map_err(|e| self.err(e))
    }

    /// Download `id` will be written to `file` (under `[media] dir`).
    pub fn set_download_file(&mut self, id: i64, file: &str) -> Result<()> {
        self.write(|tx| {
            tx.execute(
                "UPDATE downloads SET file = ?2 WHERE id = ?1",
                params![id, file],
            )
            .map(drop)
        })
    }

    /// How far download `id` has got.
    pub fn set_download_progress(
        &mut self,
        id: i64,
        received: u64,
        total: Option<u64>,
    ) -> Result<()> {
        self.write(|tx| {
            tx.execute(
                "UPDATE downloads SET received = ?2, total = COALESCE(?3, total) WHERE id = ?1",
                params![
                    id,
                    i64::try_from(received).unwrap_or(i64::MAX),
                    total.and_then(|n| i64::try_from(n).ok())
                ],
            )
            .map(drop)
        })
    }

    /// Download `id` is whole (`error: None`) or failed with this reason.
    pub fn finish_download(&mut self, id: i64, error: Option<&str>, now: i64) -> Result<()> {
        let state = if error.is_some() { "failed" } else { "done" };
        self.write(|tx| {
            tx.execute(
                "UPDATE downloads SET state = ?2, error = ?3, done_at = ?4 WHERE id = ?1",
                params![id, state, error.map(bounds::line), now],
            )
            .map(drop)
        })
    }

    /// Download `id` stopped for a reason worth retrying: it stays queued, the reason noted.
    pub fn note_download_error(&mut self, id: i64, error: &str) -> Result<()> {
        self.write(|tx| {
            tx.execute(
                "UPDATE downloads SET error = ?2 WHERE id = ?1",
                params![id, bounds::line(error)],
            )
            .map(drop)
        })
    }

    /// Queues failed download `id` again.
    pub fn retry_download(&mut self, id: i64) -> Result<()> {
        self.write(|tx| {
            tx.execute(
                "UPDATE downloads SET state = 'queued', error = NULL WHERE id = ?1",
                [id],
            )
            .map(drop)
        })
    }

    /// Takes download `id` out of the queue (its file, whole or partial, stays).
    pub fn remove_download(&mut self, id: i64) -> Result<()> {
        self.write(|tx| {
            tx.execute("DELETE FROM downloads WHERE id = ?1", [id])
                .map(drop)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{IncomingEntry, IncomingFeed};
    use crate::store::test_support::temp_store;

    fn episode(key: &str, files: &[(&str, &str)]) -> IncomingEntry {
        IncomingEntry {
            key: key.into(),
            guid: Some(key.into()),
            title: format!("Episode {key}"),
            link: None,
            author: None,
            published: chrono::DateTime::from_timestamp(100, 0),
            updated: None,
            content_html: String::new(),
            enclosures: files
                .iter()
                .filter_map(|(url, mime)| Enclosure::new(url, Some(mime), Some(10), None))
                .collect(),
        }
    }

    #[test]
    fn queueing_takes_the_media_files_once_and_keeps_them_across_opens() {
        let (dir, mut s) = temp_store();
        let (f, _) = s.add_feed("https://pod.example/feed", 0).unwrap();
        let doc = IncomingFeed {
            title: Some("Pod".into()),
            entries: vec![
                episode(
                    "1",
                    &[
                        ("https://pod.example/cover.jpg", "image/jpeg"),
                        ("https://pod.example/1.mp3", "audio/mpeg"),
                    ],
                ),
                episode("2", &[("https://pod.example/2.pdf", "application/pdf")]),
            ],
            ..IncomingFeed::default()
        };
        s.record_success(f, &doc, &crate::store::FetchMeta::default(), 100)
            .unwrap();
        let ids: Vec<EntryId> = s
            .entries_page(
                &crate::model::EntryFilter::default(),
                crate::model::Page::First,
                10,
            )
            .unwrap()
            .iter()
            .map(|r| r.id)
            .collect();
        assert_eq!(s.queue_downloads(&ids, None, 200).unwrap(), 2);
        assert_eq!(s.queue_downloads(&ids, None, 300).unwrap(), 0, "once");
        let queued = s.queued_downloads(&[]).unwrap();
        let urls: Vec<&str> = queued.iter().map(|d| d.url.as_str()).collect();
        assert_eq!(
            urls,
            ["https://pod.example/2.pdf", "https://pod.example/1.mp3"]
        );
        assert_eq!(queued[1].feed_title, "Pod");
        assert_eq!(queued[1].title, "Episode 1");
        s.finish_download(queued[0].id, Some("404"), 400).unwrap();
        // A failed one is queued again when asked again.
        assert_eq!(s.queue_downloads(&ids, None, 500).unwrap(), 0);
        drop(s);
        let s = Store::open(&dir.path().join("t.db")).unwrap();
        assert_eq!(s.queued_downloads(&[]).unwrap().len(), 2, "kept on disk");
    }
}
