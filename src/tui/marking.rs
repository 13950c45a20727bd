//! Marks are written off the UI thread, in the order they were made, on a connection of their
//! own: a queue, and one `Job::Mark` at a time that writes it until it is empty. Like every
//! mark, each shows once it is written (`Msg::MarkApplied`).
//!
//! Why (issue #16): a mark written on the UI thread waited for whatever transaction another
//! connection held, the refresh's among them, so the length of the refresh's transactions was
//! a key's wait. Off the UI thread a key never waits; its mark shows when the store has it.
//! One writer in order keeps `s s` a star and its removal, and an undo after its mark. When the
//! reader closes it waits for the queue ([`Marks::finish`]): a mark made just before `q` is
//! kept.

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use super::jobs::{Ctx, Jobs};
use crate::app::{Job, Msg};
use crate::model::{EntryId, Mark};
use crate::store::{Store, StoreError};

/// What a queued mark does to the store: the ids it changed.
pub type Work = Box<dyn FnOnce(&mut Store) -> Result<Vec<EntryId>, StoreError> + Send>;

/// One mark waiting to be written.
struct Order {
    mark: Mark,
    undoable: bool,
    work: Work,
}

#[derive(Default)]
struct Queue {
    orders: VecDeque<Order>,
    /// A job is writing the queue (it stops, and clears this, when it finds it empty).
    writing: bool,
    /// The writing job's connection, kept between jobs.
    store: Option<Store>,
}

/// The queue of marks and where they are written.
pub struct Marks {
    db: PathBuf,
    shared: Arc<(Mutex<Queue>, Condvar)>,
}

fn lock(shared: &(Mutex<Queue>, Condvar)) -> MutexGuard<'_, Queue> {
    shared.0.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Marks {
    pub fn new(db: PathBuf) -> Self {
        Self {
            db,
            shared: Arc::default(),
        }
    }

    /// Queues a mark; starts the job that writes the queue unless one is writing it.
    pub fn push(&self, jobs: &mut Jobs, mark: Mark, undoable: bool, work: Work) {
        let start = {
            let mut queue = lock(&self.shared);
            queue.orders.push_back(Order {
                mark,
                undoable,
                work,
            });
            !std::mem::replace(&mut queue.writing, true)
        };
        if start {
            let writer = Writer(Arc::clone(&self.shared));
            let db = self.db.clone();
            jobs.spawn(Job::Mark, move |ctx| writer.drain(&db, ctx));
        }
    }

    /// Waits until every queued mark is written, or `limit` has passed (a store that answers
    /// nothing for that long is logged; its marks were never shown). True if the queue emptied.
    pub fn finish(&self, limit: Duration) -> bool {
        let queue = lock(&self.shared);
        let (queue, _) = self
            .shared
            .1
            .wait_timeout_while(queue, limit, |q| q.writing)
            .unwrap_or_else(PoisonError::into_inner);
        if queue.writing {
            tracing::warn!(
                "{} marks were still being written when the reader closed",
                queue.orders.len() + 1
            );
        }
        !queue.writing
    }
}

/// The job writing the queue. However it ends (the queue empty, a panic, a thread that never
/// started), dropping it says no job writes: the next mark starts another, and `finish` stops
/// waiting.
struct Writer(Arc<(Mutex<Queue>, Condvar)>);

impl Writer {
    fn drain(&self, db: &std::path::Path, ctx: &Ctx) {
        loop {
            let (order, store) = {
                let mut queue = lock(&self.0);
                let Some(order) = queue.orders.pop_front() else {
                    return;
                };
                (order, queue.store.take())
            };
            let mut store = store.map_or_else(|| Store::open(db), Ok);
            ctx.say(match store.as_mut().map(|s| (order.work)(s)) {
                Ok(Ok(ids)) => Msg::MarkApplied {
                    ids,
                    mark: order.mark,
                    undoable: order.undoable,
                },
                Ok(Err(e)) => super::effects::failed(&e),
                Err(e) => super::effects::failed(e),
            });
            lock(&self.0).store = store.ok();
        }
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        lock(&self.0).writing = false;
        self.0.1.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::jobs::{Accepted, JobEvent};

    /// What the model heard, until `n` marks were answered.
    fn answers(
        jobs: &mut Jobs,
        rx: &mut tokio::sync::mpsc::UnboundedReceiver<JobEvent>,
        n: usize,
    ) -> Vec<Msg> {
        let start = std::time::Instant::now();
        let mut heard = Vec::new();
        while heard.len() < n {
            assert!(start.elapsed() < Duration::from_secs(30), "{heard:?}");
            match rx.try_recv() {
                Ok(event) => {
                    if let Some(Accepted::Msg(msg)) = jobs.accept(event)
                        && !matches!(msg, Msg::JobEnded(_))
                    {
                        heard.push(msg);
                    }
                }
                Err(_) => std::thread::sleep(Duration::from_millis(2)),
            }
        }
        heard
    }

    fn store_with_entries() -> (tempfile::TempDir, PathBuf, Vec<EntryId>) {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("t.db");
        let mut store = Store::open(&db).unwrap();
        let spec = crate::store::SynthSpec {
            feeds: 1,
            entries_per_feed: 3,
            seed: 7,
            now: 1_800_000_000,
            duplicates_percent: 0,
        };
        crate::store::synth(&mut store, &spec, |_| {}).unwrap();
        let ids = store
            .entries_page(
                &crate::model::EntryFilter::default(),
                crate::model::Page::First,
                10,
            )
            .unwrap()
            .into_iter()
            .map(|r| r.id)
            .collect();
        (dir, db, ids)
    }

    /// A star, its removal and a star again, queued while another connection holds the write
    /// lock until after they are queued (so queuing did not wait for it: a write would have
    /// failed as "locked" after its timeout), are written once it lets go, in the order made.
    #[test]
    fn marks_queued_behind_another_writer_are_written_in_order_without_waiting() {
        let (_dir, db, ids) = store_with_entries();
        let (mut jobs, mut rx) = Jobs::new();
        let marks = Marks::new(db.clone());
        let holder = rusqlite::Connection::open(&db).unwrap();
        holder.execute_batch("BEGIN IMMEDIATE").unwrap();
        for mark in [Mark::Star, Mark::Unstar, Mark::Star] {
            let one = vec![ids[0]];
            marks.push(
                &mut jobs,
                mark,
                true,
                Box::new(move |s| s.set_mark(&one, mark)),
            );
        }
        std::thread::sleep(Duration::from_millis(200));
        let early: Vec<JobEvent> = std::iter::from_fn(|| rx.try_recv().ok()).collect();
        assert!(
            early.is_empty(),
            "nothing is written while the lock is held: {early:?}"
        );
        holder.execute_batch("COMMIT").unwrap();
        let heard = answers(&mut jobs, &mut rx, 3);
        let written: Vec<Mark> = heard
            .iter()
            .map(|m| match m {
                Msg::MarkApplied {
                    ids: changed, mark, ..
                } => {
                    assert_eq!(changed, &vec![ids[0]], "{heard:?}");
                    *mark
                }
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(written, [Mark::Star, Mark::Unstar, Mark::Star]);
        assert!(marks.finish(Duration::from_secs(10)));
        let stored = Store::open(&db).unwrap().marks_of(&[ids[0]]).unwrap();
        assert!(
            matches!(stored[..], [(id, _, true)] if id == ids[0]),
            "{stored:?}"
        );
    }

    /// `q` right after a mark: closing waits until the mark is in the database.
    #[test]
    fn closing_waits_for_the_marks_still_queued() {
        let (_dir, db, ids) = store_with_entries();
        let (mut jobs, _rx) = Jobs::new();
        let marks = Marks::new(db.clone());
        let holder = rusqlite::Connection::open(&db).unwrap();
        holder.execute_batch("BEGIN IMMEDIATE").unwrap();
        let all = ids.clone();
        marks.push(
            &mut jobs,
            Mark::Read,
            true,
            Box::new(move |s| s.set_mark(&all, Mark::Read)),
        );
        let release = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(300));
            holder.execute_batch("COMMIT").unwrap();
        });
        assert!(marks.finish(Duration::from_secs(20)));
        release.join().unwrap();
        assert_eq!(Store::open(&db).unwrap().counts().unwrap().unread, 0);
    }

    /// A mark whose write fails says why, and the queue goes on with the next.
    #[test]
    fn a_failed_mark_is_said_and_the_next_is_written() {
        let (_dir, db, ids) = store_with_entries();
        let (mut jobs, mut rx) = Jobs::new();
        let marks = Marks::new(db.clone());
        marks.push(
            &mut jobs,
            Mark::Read,
            true,
            Box::new(|s| {
                s.set_mark(&[], Mark::Read)?;
                Err(StoreError::NotFound("the disk went away".into()))
            }),
        );
        let one = vec![ids[1]];
        marks.push(
            &mut jobs,
            Mark::Star,
            true,
            Box::new(move |s| s.set_mark(&one, Mark::Star)),
        );
        let heard = answers(&mut jobs, &mut rx, 2);
        assert!(
            matches!(&heard[0], Msg::Failed(why) if why.contains("the disk went away")),
            "{heard:?}"
        );
        assert!(
            matches!(&heard[1], Msg::MarkApplied { ids: changed, mark: Mark::Star, .. } if changed == &vec![ids[1]]),
            "{heard:?}"
        );
    }

    /// A panic in a write ends that job; the next mark starts another, and closing does not
    /// wait for the dead one.
    #[test]
    fn after_a_panic_the_next_mark_starts_a_new_writer() {
        let (_dir, db, ids) = store_with_entries();
        let (mut jobs, mut rx) = Jobs::new();
        let marks = Marks::new(db.clone());
        marks.push(&mut jobs, Mark::Read, true, Box::new(|_| panic!("boom")));
        let heard = answers(&mut jobs, &mut rx, 1);
        assert!(
            matches!(&heard[0], Msg::Failed(why) if why.contains("marking failed")),
            "{heard:?}"
        );
        assert!(marks.finish(Duration::from_secs(10)));
        let one = vec![ids[2]];
        marks.push(
            &mut jobs,
            Mark::Star,
            true,
            Box::new(move |s| s.set_mark(&one, Mark::Star)),
        );
        let heard = answers(&mut jobs, &mut rx, 1);
        assert!(
            matches!(
                &heard[0],
                Msg::MarkApplied {
                    mark: Mark::Star,
                    ..
                }
            ),
            "{heard:?}"
        );
    }
}
