//! The reader's background work, all of it through one door: laying an entry out, writing
//! marks, subscribing, exporting. A job has a kind (`app::Job`), a handle, and a flag it
//! checks to stop when cancelled; a kind where a newer request makes the older pointless
//! (laying out the entry opened last) cancels the older when it starts. Every job reports on
//! one channel (`JobEvent`): how far it got, what it made, and that it ended. Events from a job
//! that was cancelled are dropped on arrival, so a stale result never reaches the model.
//!
//! Adding a kind of work (sync, downloads, article fetching) means a variant of `app::Job`, a
//! function that does the work given a `Ctx`, and its messages in `app::update`; the loop does
//! not change.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};

use crate::app::{Job, JobProgress, Msg};

/// One job's number, unique for the life of the reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct JobId(u64);

/// What a job says, on the one channel every job shares.
#[derive(Debug)]
pub enum JobEvent {
    /// How far it got (`done` of `total` units, entries for an export).
    Progress { id: JobId, done: u64, total: u64 },
    /// Text for the clipboard, and what to say once it is there (the terminal's clipboard is
    /// written by the loop, which owns the terminal).
    Copy {
        id: JobId,
        text: String,
        message: String,
    },
    /// A message for the model.
    Say { id: JobId, msg: Msg },
    /// The job is over (sent by the facility after the job's function returns or panics).
    Ended { id: JobId },
}

impl JobEvent {
    fn id(&self) -> JobId {
        match self {
            Self::Progress { id, .. }
            | Self::Copy { id, .. }
            | Self::Say { id, .. }
            | Self::Ended { id } => *id,
        }
    }
}

/// What a running job is given: its flag and its way to report.
#[derive(Debug, Clone)]
pub struct Ctx {
    id: JobId,
    cancelled: Arc<AtomicBool>,
    out: UnboundedSender<JobEvent>,
}

impl Ctx {
    /// A context outside the facility, for running a job's function in a test: `cancelled`
    /// from the start or not; what it says arrives on the receiver.
    #[cfg(test)]
    pub fn detached(cancelled: bool) -> (Self, UnboundedReceiver<JobEvent>) {
        let (out, rx) = unbounded_channel();
        let ctx = Self {
            id: JobId(0),
            cancelled: Arc::new(AtomicBool::new(cancelled)),
            out,
        };
        (ctx, rx)
    }

    /// Whether the job was cancelled (or the reader is gone): stop at the next step.
    pub fn cancelled(&self) -> bool {
        self.cancelled.load(Ordering::Relaxed) || self.out.is_closed()
    }

    pub fn progress(&self, done: u64, total: u64) {
        let _ = self.out.send(JobEvent::Progress {
            id: self.id,
            done,
            total,
        });
    }

    pub fn say(&self, msg: Msg) {
        let _ = self.out.send(JobEvent::Say { id: self.id, msg });
    }

    pub fn copy(&self, text: String, message: String) {
        let _ = self.out.send(JobEvent::Copy {
            id: self.id,
            text,
            message,
        });
    }
}

/// What the loop does with an event it accepted.
#[derive(Debug, PartialEq, Eq)]
pub enum Accepted {
    Msg(Msg),
    Copy { text: String, message: String },
}

/// The jobs running now, and the sending end of their channel.
pub struct Jobs {
    next: u64,
    running: HashMap<JobId, (Job, Arc<AtomicBool>)>,
    out: UnboundedSender<JobEvent>,
}

impl Jobs {
    /// The facility and the receiving end of its one channel.
    pub fn new() -> (Self, UnboundedReceiver<JobEvent>) {
        let (out, rx) = unbounded_channel();
        (
            Self {
                next: 0,
                running: HashMap::new(),
                out,
            },
            rx,
        )
    }

    /// Starts `work` on a thread of its own. A kind where the latest wins cancels its earlier
    /// jobs first. A panic in `work` stays on its thread and becomes an error message.
    pub fn spawn(&mut self, job: Job, work: impl FnOnce(&Ctx) + Send + 'static) -> JobId {
        if job.latest_wins() {
            self.cancel(job);
        }
        self.next += 1;
        let id = JobId(self.next);
        let cancelled = Arc::new(AtomicBool::new(false));
        self.running.insert(id, (job, cancelled.clone()));
        let ctx = Ctx {
            id,
            cancelled,
            out: self.out.clone(),
        };
        let out = self.out.clone();
        let spawned = std::thread::Builder::new()
            .name(format!("tidings-{}", job.name()))
            .spawn(move || {
                let ran = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work(&ctx)));
                if ran.is_err() {
                    ctx.say(Msg::Failed(format!("{} failed (see the log)", job.name())));
                }
                let _ = out.send(JobEvent::Ended { id });
            });
        if spawned.is_err() {
            self.running.remove(&id);
            let _ = self.out.send(JobEvent::Say {
                id,
                msg: Msg::Failed(format!("could not start {}", job.name())),
            });
        }
        id
    }

    /// Cancels every running job of this kind; true if there was one.
    pub fn cancel(&mut self, job: Job) -> bool {
        let mut any = false;
        self.running.retain(|_, (kind, flag)| {
            if *kind == job {
                flag.store(true, Ordering::Relaxed);
                any = true;
                false
            } else {
                true
            }
        });
        any
    }

    /// Whether a job of this kind runs now.
    pub fn is_running(&self, job: Job) -> bool {
        self.running.values().any(|(kind, _)| *kind == job)
    }

    /// Jobs running now, of this kind.
    #[cfg(test)]
    pub fn running(&self, job: Job) -> usize {
        self.running
            .values()
            .filter(|(kind, _)| *kind == job)
            .count()
    }

    /// What the model should hear of `event`: nothing from a cancelled job (its late result
    /// is dropped here), progress and the end as messages, the rest as it is.
    pub fn accept(&mut self, event: JobEvent) -> Option<Accepted> {
        let id = event.id();
        let (job, _) = *self.running.get(&id)?;
        Some(match event {
            JobEvent::Progress { done, total, .. } => {
                Accepted::Msg(Msg::JobProgress(JobProgress { job, done, total }))
            }
            JobEvent::Copy { text, message, .. } => Accepted::Copy { text, message },
            JobEvent::Say { msg, .. } => Accepted::Msg(msg),
            JobEvent::Ended { .. } => {
                self.running.remove(&id);
                Accepted::Msg(Msg::JobEnded(job))
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn next(rx: &mut UnboundedReceiver<JobEvent>) -> JobEvent {
        let start = std::time::Instant::now();
        loop {
            if let Ok(e) = rx.try_recv() {
                return e;
            }
            assert!(start.elapsed() < Duration::from_secs(30), "no event");
            std::thread::sleep(Duration::from_millis(2));
        }
    }

    /// Accepts events until the job `id` has ended; returns what the model heard.
    fn drain(jobs: &mut Jobs, rx: &mut UnboundedReceiver<JobEvent>, id: JobId) -> Vec<Accepted> {
        let mut heard = Vec::new();
        loop {
            let event = next(rx);
            let ended = matches!(event, JobEvent::Ended { id: e } if e == id);
            heard.extend(jobs.accept(event));
            if ended {
                return heard;
            }
        }
    }

    #[test]
    fn a_job_reports_progress_its_result_and_its_end() {
        let (mut jobs, mut rx) = Jobs::new();
        let id = jobs.spawn(Job::Export, |ctx| {
            ctx.progress(1, 2);
            ctx.say(Msg::Info("done".into()));
        });
        assert_eq!(jobs.running(Job::Export), 1);
        let heard = drain(&mut jobs, &mut rx, id);
        assert_eq!(
            heard,
            [
                Accepted::Msg(Msg::JobProgress(JobProgress {
                    job: Job::Export,
                    done: 1,
                    total: 2
                })),
                Accepted::Msg(Msg::Info("done".into())),
                Accepted::Msg(Msg::JobEnded(Job::Export)),
            ]
        );
        assert_eq!(jobs.running(Job::Export), 0);
    }

    /// A newer layout makes the older pointless: the older is told to stop, and whatever it
    /// still sends is dropped.
    #[test]
    fn the_latest_render_wins_and_a_stale_result_is_dropped() {
        let (mut jobs, mut rx) = Jobs::new();
        let (go_tx, go_rx) = std::sync::mpsc::channel::<()>();
        let (saw_tx, saw_rx) = std::sync::mpsc::channel::<bool>();
        let old = jobs.spawn(Job::Render, move |ctx| {
            let _ = go_rx.recv();
            let _ = saw_tx.send(ctx.cancelled());
            ctx.say(Msg::Info("stale".into()));
        });
        let new = jobs.spawn(Job::Render, |ctx| ctx.say(Msg::Info("fresh".into())));
        go_tx.send(()).unwrap();
        assert!(saw_rx.recv().unwrap(), "the older job saw it was cancelled");
        let mut heard = Vec::new();
        let mut ended = 0;
        while ended < 2 {
            let event = next(&mut rx);
            if let JobEvent::Ended { id } = event {
                assert!(id == old || id == new);
                ended += 1;
            }
            heard.extend(jobs.accept(event));
        }
        assert!(heard.contains(&Accepted::Msg(Msg::Info("fresh".into()))));
        assert!(!heard.contains(&Accepted::Msg(Msg::Info("stale".into()))));
    }

    #[test]
    fn cancelling_an_export_stops_it_and_drops_what_it_says_after() {
        let (mut jobs, mut rx) = Jobs::new();
        let id = jobs.spawn(Job::Export, |ctx| {
            let mut n = 0;
            while !ctx.cancelled() {
                n += 1;
                ctx.progress(n, u64::MAX);
                std::thread::sleep(Duration::from_millis(1));
            }
            ctx.say(Msg::Info("too late".into()));
        });
        // The first progress arrives; then the user cancels.
        let first = next(&mut rx);
        assert!(matches!(first, JobEvent::Progress { .. }));
        assert!(jobs.accept(first).is_some());
        assert!(jobs.cancel(Job::Export));
        assert!(!jobs.cancel(Job::Export), "nothing left to cancel");
        loop {
            let event = next(&mut rx);
            let ended = matches!(event, JobEvent::Ended { id: e } if e == id);
            assert_eq!(jobs.accept(event), None, "a cancelled job is not heard");
            if ended {
                break;
            }
        }
    }

    #[test]
    fn a_panicking_job_becomes_an_error_and_still_ends() {
        let (mut jobs, mut rx) = Jobs::new();
        let id = jobs.spawn(Job::Mark, |_| panic!("boom"));
        let heard = drain(&mut jobs, &mut rx, id);
        assert_eq!(
            heard,
            [
                Accepted::Msg(Msg::Failed("marking failed (see the log)".into())),
                Accepted::Msg(Msg::JobEnded(Job::Mark)),
            ]
        );
    }
}
