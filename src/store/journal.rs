//! The undo journal: mark changes made outside the reader (`tidings rules apply`) that the
//! reader's `u` takes back. Written as they are made; taken (and deleted) by one reader.

use rusqlite::params;

use super::filter::json_ids;
use super::{Result, Store};
use crate::model::rules::Journaled;
use crate::model::{EntryId, LabelId, Mark};

/// A mark as the journal writes it.
fn code(mark: Mark) -> String {
    match mark {
        Mark::Read => "read".into(),
        Mark::Unread => "unread".into(),
        Mark::Star => "star".into(),
        Mark::Unstar => "unstar".into(),
        Mark::Hide => "hide".into(),
        Mark::Unhide => "unhide".into(),
        Mark::Label(l) => format!("label:{}", l.0),
        Mark::Unlabel(l) => format!("unlabel:{}", l.0),
    }
}

fn decode(text: &str) -> Option<Mark> {
    Some(match text {
        "read" => Mark::Read,
        "unread" => Mark::Unread,
        "star" => Mark::Star,
        "unstar" => Mark::Unstar,
        "hide" => Mark::Hide,
        "unhide" => Mark::Unhide,
        _ => {
            let (kind, id) = text.split_once(':')?;
            let id = LabelId(id.parse().ok()?);
            match kind {
                "label" => Mark::Label(id),
                "unlabel" => Mark::Unlabel(id),
                _ => return None,
            }
        }
    })
}

impl Store {
    /// Writes down that `what` gave these entries `mark`, for the reader's undo.
    pub fn journal(&mut self, what: &str, mark: Mark, ids: &[EntryId], now: i64) -> Result<()> {
        if ids.is_empty() {
            return Ok(());
        }
        let list = json_ids(ids.iter().map(|i| i.0));
        self.write_marks(|tx| {
            tx.execute(
                "INSERT INTO undo_journal (made_at, what, mark, ids) VALUES (?1, ?2, ?3, ?4)",
                params![now, what, code(mark), list],
            )
            .map(|_| ())
        })
    }

    /// Every change in the journal, oldest first, deleted as it is taken. Writes nothing
    /// when there is nothing to take: every reader asks whenever another connection wrote, and
    /// a write here would have every other reader ask again.
    pub fn take_journal(&mut self) -> Result<Vec<Journaled>> {
        let waiting: bool = self
            .conn
            .query_row("SELECT EXISTS (SELECT 1 FROM undo_journal)", [], |r| {
                r.get(0)
            })
            .map_err(|e| self.err(e))?;
        if !waiting || self.read_only().is_some() {
            return Ok(Vec::new());
        }
        let rows: Vec<(String, String, String, Option<String>)> = self.write_marks(|tx| {
            let rows = tx
                .prepare(
                    "SELECT j.what, j.mark, j.ids, l.name FROM undo_journal j \
                     LEFT JOIN labels l ON j.mark LIKE '%label:%' \
                     AND l.id = CAST(substr(j.mark, instr(j.mark, ':') + 1) AS INTEGER) \
                     ORDER BY j.id",
                )?
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            tx.execute("DELETE FROM undo_journal", [])?;
            Ok(rows)
        })?;
        Ok(rows
            .into_iter()
            .filter_map(|(what, mark, ids, label)| {
                let ids: Vec<i64> = serde_json::from_str(&ids).ok()?;
                Some(Journaled {
                    what,
                    mark: decode(&mark)?,
                    ids: ids.into_iter().map(EntryId).collect(),
                    label,
                })
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_mark_is_written_and_read_back() {
        for mark in [
            Mark::Read,
            Mark::Unread,
            Mark::Star,
            Mark::Unstar,
            Mark::Hide,
            Mark::Unhide,
            Mark::Label(LabelId(7)),
            Mark::Unlabel(LabelId(9)),
        ] {
            assert_eq!(decode(&code(mark)), Some(mark));
        }
        assert_eq!(decode("label:x"), None);
        assert_eq!(decode("delete"), None);
    }

    #[test]
    fn the_journal_is_taken_once_in_order_with_label_names() {
        let (_dir, mut s) = crate::store::test_support::temp_store();
        let (later, _) = s.label_id("Later").unwrap().unwrap();
        s.journal("rule ads", Mark::Hide, &[EntryId(3), EntryId(1)], 10)
            .unwrap();
        s.journal("rule ads", Mark::Label(later), &[EntryId(2)], 10)
            .unwrap();
        s.journal("rule x", Mark::Read, &[], 10).unwrap();
        let taken = s.take_journal().unwrap();
        assert_eq!(
            taken,
            [
                Journaled {
                    what: "rule ads".into(),
                    mark: Mark::Hide,
                    ids: vec![EntryId(3), EntryId(1)],
                    label: None,
                },
                Journaled {
                    what: "rule ads".into(),
                    mark: Mark::Label(later),
                    ids: vec![EntryId(2)],
                    label: Some("Later".into()),
                },
            ]
        );
        assert!(s.take_journal().unwrap().is_empty());
    }
}
