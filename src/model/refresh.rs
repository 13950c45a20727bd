//! The refresh vocabulary: what the runtime asks the refresh task and what it hears back.
//! Lives in `model` so the pure `app` layer can hold these values without knowing `fetch`.

use super::FeedId;

/// Which feeds a refresh covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefreshScope {
    /// Every feed the user follows, as when they ask for it: only a host's own request to wait
    /// (`Retry-After`) and feeds gone for good are left out.
    All,
    /// The automatic refresh: only feeds that are due (past their TTL, backoff or wait).
    Due,
    /// One feed, whatever its state.
    Feed(FeedId),
}

/// Sent to the background refresh task.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefreshCmd {
    Now(RefreshScope),
    Shutdown,
}

/// Reported by a refresh run, in order: `Started`, one `FeedDone`/`FeedFailed` per feed, `Finished`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefreshEvent {
    Started {
        total: usize,
    },
    FeedDone {
        feed: FeedId,
        title: String,
        new_entries: usize,
    },
    FeedFailed {
        feed: FeedId,
        title: String,
        error: String,
    },
    /// Not fetched in this run (its host asked to wait); not a failure.
    FeedSkipped {
        feed: FeedId,
        title: String,
        reason: String,
    },
    /// New entries notify rules matched in this run (before `Finished`; only if there are).
    Noticed(Vec<super::rules::Noticed>),
    Finished(RefreshSummary),
    /// The run could not go on at all (the database refuses writes): nothing more follows.
    Stopped {
        error: String,
    },
    /// A sync with the feed server (in place of fetching feeds when `[sync]` is set): a step
    /// and how far it is, with the entries it stored since the last such event.
    Syncing {
        step: String,
        done: usize,
        total: usize,
        new_entries: usize,
    },
    /// A sync ended well: what it did (after it, nothing else follows).
    Synced(SyncSummary),
    /// A refresh of one feed the user asked for, which runs beside any other run (it never
    /// waits for one to end): how it went, new entries or why not. No `Started` or `Finished`
    /// comes with it.
    One {
        feed: FeedId,
        title: String,
        outcome: Result<usize, String>,
    },
}

/// The outcome of one refresh run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RefreshSummary {
    pub ok: usize,
    pub failed: usize,
    pub not_modified: usize,
    /// Left for later because their host asked to wait.
    pub skipped: usize,
    pub new_entries: usize,
    /// Subscribed but not tried in this run: their host asked to wait (`Retry-After`), or,
    /// for a refresh of the feeds that are due, they are waiting after failures.
    pub waiting: usize,
    /// Subscribed but gone (the server said so for good): never tried again.
    pub gone: usize,
    /// New entries not stored because a `skip` rule matched them.
    pub ruled_out: usize,
}

impl RefreshSummary {
    /// Adds another run's figures (one command refreshing several feeds, one after another).
    pub fn add(&mut self, other: &RefreshSummary) {
        self.ok += other.ok;
        self.failed += other.failed;
        self.not_modified += other.not_modified;
        self.skipped += other.skipped;
        self.new_entries += other.new_entries;
        self.waiting += other.waiting;
        self.gone += other.gone;
        self.ruled_out += other.ruled_out;
    }

    /// The feeds a run did not try, and why: "3 waiting (…)", "1 gone for good".
    pub fn not_tried(&self) -> Vec<String> {
        let mut parts = Vec::new();
        if self.waiting > 0 {
            parts.push(format!(
                "{} waiting (their host asked to wait, or after errors)",
                self.waiting
            ));
        }
        if self.gone > 0 {
            parts.push(format!("{} gone for good", self.gone));
        }
        parts
    }

    /// What a summary adds about feeds not fetched, or nothing: "; 3 waiting (…), 1 gone…".
    pub fn held_back(&self) -> String {
        let mut parts = Vec::new();
        if self.skipped > 0 {
            parts.push(format!("{} left for later", self.skipped));
        }
        parts.extend(self.not_tried());
        if parts.is_empty() {
            String::new()
        } else {
            format!("; {}", parts.join(", "))
        }
    }
}

/// What one sync with the feed server did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct SyncSummary {
    /// Marks made here that the server acknowledged.
    pub marks_sent: usize,
    /// Feeds the server lists, and of them new here, and synced feeds it no longer lists
    /// (removed here).
    pub feeds: usize,
    pub feeds_added: usize,
    pub feeds_removed: usize,
    /// Items fetched in full, and of them stored as new entries.
    pub items_fetched: usize,
    pub new_entries: usize,
    /// Entries here that took the server's read or starred state.
    pub read_changed: usize,
    pub starred_changed: usize,
    /// Entries that kept a change made here which the server has not acknowledged yet.
    pub kept_local: usize,
    /// New entries not stored because a `skip` rule matched them.
    pub ruled_out: usize,
    /// HTTP requests the sync made.
    pub requests: usize,
}

impl SyncSummary {
    /// One line: "12 new entries, 3 marks sent, 5 marks from the server".
    pub fn line(&self) -> String {
        let mut parts = vec![count_of(self.new_entries, "new entry", "new entries")];
        if self.marks_sent > 0 {
            parts.push(count_of(self.marks_sent, "mark sent", "marks sent"));
        }
        let taken = self.read_changed + self.starred_changed;
        if taken > 0 {
            parts.push(count_of(
                taken,
                "mark from the server",
                "marks from the server",
            ));
        }
        if self.feeds_added > 0 {
            parts.push(format!(
                "{} added",
                count_of(self.feeds_added, "feed", "feeds")
            ));
        }
        if self.feeds_removed > 0 {
            parts.push(format!(
                "{} removed",
                count_of(self.feeds_removed, "feed", "feeds")
            ));
        }
        if self.kept_local > 0 {
            parts.push(format!("{} kept here, still to send", self.kept_local));
        }
        parts.join(", ")
    }
}

/// `n` and the noun for it: "1 feed", "3 feeds".
pub fn count_of(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sync_summary_says_only_what_happened() {
        let quiet = SyncSummary::default();
        assert_eq!(quiet.line(), "0 new entries");
        let busy = SyncSummary {
            new_entries: 1,
            marks_sent: 2,
            read_changed: 1,
            feeds_removed: 1,
            kept_local: 3,
            ..SyncSummary::default()
        };
        assert_eq!(
            busy.line(),
            "1 new entry, 2 marks sent, 1 mark from the server, 1 feed removed, 3 kept here, \
             still to send"
        );
    }
}
