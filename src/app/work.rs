//! Background work as the model sees it: which kind of job (the runtime runs them, see
//! `tui::jobs`), and how far an export has got.

/// A kind of background work.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Job {
    /// Laying out the entry being opened.
    Render,
    /// Writing the marks made in the reader, in order (`tui::marking`).
    Mark,
    Subscribe,
    Export,
    /// Counting what the stream's filter matches (the status line of a filtered view).
    Count,
    /// Running `[notify] command`.
    Notify,
    /// Running the download queue.
    Download,
    /// Fetching whole articles.
    Article,
    /// Looking for subscriptions that look like one feed.
    Twins,
}

impl Job {
    pub fn name(self) -> &'static str {
        match self {
            Self::Render => "rendering",
            Self::Mark => "marking",
            Self::Subscribe => "subscribing",
            Self::Export => "exporting",
            Self::Count => "counting",
            Self::Notify => "notifying",
            Self::Download => "downloading",
            Self::Article => "fetching articles",
            Self::Twins => "comparing feeds",
        }
    }

    /// Whether a newer job of this kind makes an older one pointless (the older is cancelled).
    pub fn latest_wins(self) -> bool {
        matches!(self, Self::Render | Self::Count | Self::Twins)
    }
}

/// How far a job has got: `done` of `total` units (entries, for an export; `total` 0 while
/// not known yet).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JobProgress {
    pub job: Job,
    pub done: u64,
    pub total: u64,
}
