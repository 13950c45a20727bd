//! The threads a refresh parses and prepares documents on: its own, one per core, each at a
//! lower scheduling priority than the rest of the process (on Linux, where a thread has its
//! own nice value: [`NICE`] more than the thread that made it).
//!
//! Why (issue #16, docs/BENCHMARKS.md): a cold refresh lasts as long as its one writer takes,
//! and on two cores the parsing threads kept that writer waiting for a core a fifth of its
//! time (1.2–1.5 s of a 6–7 s refresh of 500 feeds, from `/proc/thread-self/schedstat`).
//! Parsing at a lower priority runs on whatever the writer, the fetching and the reader's
//! own thread leave, so a long refresh takes no core from a key either. They are threads of
//! their own, not tokio's blocking pool, because a thread cannot take its priority back (that
//! needs a privilege) and the pool's threads also run the writer and the reader's queries.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};

use tokio::sync::oneshot;

/// How much lower the parsing threads' priority is (nice values run from -20 to 19).
pub const NICE: i32 = 10;

type Task = Box<dyn FnOnce() + Send>;

/// The parsing threads; they end when this is dropped and their queue is empty.
#[derive(Debug)]
pub struct Parsers {
    /// `None` when no thread could be started: work then runs on tokio's blocking pool.
    tasks: Option<Mutex<Sender<Task>>>,
}

/// The work panicked, or its thread is gone.
#[derive(Debug, thiserror::Error)]
#[error("its thread stopped")]
pub struct Crashed;

impl Parsers {
    /// Starts `threads` threads (at least one).
    pub fn new(threads: usize) -> Self {
        let (send, receive) = channel::<Task>();
        let receive = Arc::new(Mutex::new(receive));
        let started = (0..threads.max(1))
            .filter(|i| {
                let receive = Arc::clone(&receive);
                std::thread::Builder::new()
                    .name(format!("tidings-parse-{i}"))
                    .spawn(move || serve(&receive))
                    .is_ok()
            })
            .count();
        Self {
            tasks: (started > 0).then(|| Mutex::new(send)),
        }
    }

    /// Runs `work` on a parsing thread and gives its result.
    pub async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, Crashed> {
        let Some(tasks) = &self.tasks else {
            return tokio::task::spawn_blocking(work).await.map_err(|_| Crashed);
        };
        let (done, result) = oneshot::channel();
        let task: Task = Box::new(move || {
            let _ = done.send(catch_unwind(AssertUnwindSafe(work)));
        });
        tasks
            .lock()
            .map_err(|_| Crashed)?
            .send(task)
            .map_err(|_| Crashed)?;
        match result.await {
            Ok(Ok(value)) => Ok(value),
            _ => Err(Crashed),
        }
    }
}

/// One parsing thread: lowers its own priority, then runs tasks until the queue closes.
fn serve(tasks: &Mutex<Receiver<Task>>) {
    lower_priority();
    loop {
        // The lock is held only while waiting for the next task, not while running it.
        let next = match tasks.lock() {
            Ok(tasks) => tasks.recv(),
            Err(_) => return,
        };
        match next {
            Ok(task) => task(),
            Err(_) => return,
        }
    }
}

#[cfg(target_os = "linux")]
fn lower_priority() {
    // On Linux the "process" of setpriority is the calling thread. A failure leaves the
    // thread as it was: slower for the writer, never wrong.
    let now = rustix::process::getpriority_process(None).unwrap_or(0);
    if let Err(e) = rustix::process::setpriority_process(None, (now + NICE).min(19)) {
        tracing::debug!("parsing threads keep their priority: {e}");
    }
}

/// Elsewhere a process shares one priority: lowering it would slow the reader too.
#[cfg(not(target_os = "linux"))]
fn lower_priority() {}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn work_runs_on_a_thread_of_lower_priority_and_gives_its_result() {
        let parsers = Parsers::new(2);
        assert_eq!(parsers.run(|| 6 * 7).await.unwrap(), 42);
        #[cfg(target_os = "linux")]
        {
            let ours = rustix::process::getpriority_process(None).unwrap();
            let theirs = parsers
                .run(|| rustix::process::getpriority_process(None).unwrap())
                .await
                .unwrap();
            assert_eq!(theirs, (ours + NICE).min(19));
            // Our own priority is untouched.
            assert_eq!(rustix::process::getpriority_process(None).unwrap(), ours);
        }
    }

    #[tokio::test]
    async fn a_panic_is_reported_and_the_threads_go_on() {
        let parsers = Parsers::new(1);
        let crashed = parsers.run(|| -> u8 { panic!("hostile document") }).await;
        assert!(crashed.is_err());
        assert_eq!(parsers.run(|| "still here").await.unwrap(), "still here");
    }
}
