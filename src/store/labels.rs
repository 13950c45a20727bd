//! Labels by name: the ones in use, and a name's id (made when first used).

use rusqlite::OptionalExtension;

use super::filter::fold;
use super::{Result, Store};
use crate::model::{LabelId, bounds};

/// A label and how many entries carry it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelUse {
    pub id: LabelId,
    pub name: String,
    pub entries: u64,
}

impl Store {
    /// Every label, by name, with how many entries carry it.
    pub fn labels(&self) -> Result<Vec<LabelUse>> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT l.id, l.name, (SELECT count(*) FROM entry_labels el \
                 WHERE el.label_id = l.id) FROM labels l ORDER BY l.folded",
            )
            .map_err(|e| self.err(e))?;
        stmt.query_map([], |r| {
            Ok(LabelUse {
                id: LabelId(r.get(0)?),
                name: r.get(1)?,
                entries: r.get::<_, i64>(2)?.unsigned_abs(),
            })
        })
        .and_then(Iterator::collect)
        .map_err(|e| self.err(e))
    }

    /// The label called `name` (case ignored), made if there is none yet, with its name as
    /// first written. `None` for a name that is empty once made safe.
    pub fn label_id(&mut self, name: &str) -> Result<Option<(LabelId, String)>> {
        let name = bounds::line(name);
        if name.is_empty() {
            return Ok(None);
        }
        let folded = fold(&name);
        self.write_marks(|tx| {
            let id = label_in(tx, &name, &folded)?;
            let stored = tx.query_row("SELECT name FROM labels WHERE id = ?1", [id.0], |r| {
                r.get(0)
            })?;
            Ok(Some((id, stored)))
        })
    }
}

/// The id of the label `name` (folded `folded`) within `tx`, made if need be.
pub(super) fn label_in(
    tx: &rusqlite::Transaction<'_>,
    name: &str,
    folded: &str,
) -> rusqlite::Result<LabelId> {
    let found: Option<i64> = tx
        .prepare_cached("SELECT id FROM labels WHERE folded = ?1")?
        .query_row([folded], |r| r.get(0))
        .optional()?;
    if let Some(id) = found {
        return Ok(LabelId(id));
    }
    tx.prepare_cached("INSERT INTO labels (name, folded) VALUES (?1, ?2)")?
        .execute([name, folded])?;
    Ok(LabelId(tx.last_insert_rowid()))
}
