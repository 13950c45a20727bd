//! Domain types shared by every layer: ids, feeds, entries, what a parse produces, filters and
//! the refresh vocabulary. Uses nothing else in the crate; every other module may use it.

mod action;
pub mod article;
pub mod bounds;
pub mod caught;
pub mod cookies;
pub mod download;
pub mod enclosure;
mod export_format;
pub mod feed_settings;
pub mod hash;
pub mod key;
pub mod keymap;
pub mod query;
pub mod redact;
mod refresh;
pub mod retention;
pub mod rules;
pub mod sanitize;
pub mod story;

pub use action::Action;
pub use article::Article;
pub use enclosure::Enclosure;
pub use export_format::ExportFormat;
pub use query::Query;
pub use refresh::{RefreshCmd, RefreshEvent, RefreshScope, RefreshSummary, SyncSummary, count_of};
pub use retention::{FeedRetention, Retention, RetentionRules};

use chrono::{DateTime, Utc};
use serde::Serialize;

/// A subscribed feed's row id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct FeedId(pub i64);

/// A stored entry's row id: the number `tidings show` and `tidings mark` take.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct EntryId(pub i64);

/// A label's row id (labels are named by the user or by rules).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct LabelId(pub i64);

/// A subscription as the feed list shows it. Text fields are sanitised when stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Feed {
    pub id: FeedId,
    pub url: String,
    /// The feed's own title, or its URL until it has been fetched.
    pub title: String,
    pub site_url: Option<String>,
    pub unread: u64,
    pub total: u64,
    pub last_ok_at: Option<DateTime<Utc>>,
    /// The last fetch or parse error, cleared by the next success.
    pub last_error: Option<String>,
    /// Failed fetches in a row.
    pub failures: u32,
    /// Not fetched again before this time (a TTL, a backoff or the host's request).
    pub hold_until: Option<DateTime<Utc>>,
    /// The hold is its host's request (429/503 with `Retry-After`), not a TTL or a backoff.
    pub asked_to_wait: bool,
    /// The server said 410 Gone: no longer polled.
    pub gone: bool,
    /// The user's tags for this feed, sorted.
    pub tags: Vec<String>,
    /// The whole article of each new entry is fetched after a refresh (issue #23).
    pub full_article: bool,
}

/// One line of the stream: everything but the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntrySummary {
    pub id: EntryId,
    pub feed_id: FeedId,
    pub feed_title: String,
    pub guid: Option<String>,
    pub title: String,
    pub link: Option<String>,
    pub author: Option<String>,
    /// The entry's date, or when it was first seen if the feed gave none (never in the future).
    pub published: DateTime<Utc>,
    /// When tidings first stored the entry.
    pub first_seen: DateTime<Utc>,
    pub read: bool,
    pub starred: bool,
    /// Hidden by a rule (shown only in views that ask for `hidden`).
    pub hidden: bool,
    /// Its labels' names, sorted by name.
    pub labels: Vec<String>,
    /// The style a highlight rule gave its row.
    pub highlight: Option<String>,
    /// Its group in the order it was read in (`Sort::group_of`, as it was then).
    pub group: i64,
    /// When several feeds tell its story (issue #23): the lead's id (its own, if it leads).
    pub story: Option<EntryId>,
    /// The other feeds that tell its story, by name, oldest copy first (filled where the
    /// stream and the reader show them).
    pub also_in: Vec<String>,
}

impl EntrySummary {
    /// The keyset position of this row in the order it was read in.
    pub fn cursor(&self) -> Cursor {
        Cursor {
            group: self.group,
            published: self.published.timestamp(),
            id: self.id,
        }
    }
}

/// A whole entry, with its HTML body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub summary: EntrySummary,
    pub updated: Option<DateTime<Utc>>,
    pub content_html: String,
    /// The URL relative links in the body resolve against: the entry's link, else the feed's
    /// site, else the feed's URL.
    pub base_url: Option<String>,
    pub enclosures: Vec<Enclosure>,
    /// The whole article, when it was fetched (issue #23).
    pub article: Option<Article>,
    /// The feed fetches the whole article of its entries.
    pub full_article: bool,
}

impl Entry {
    /// The HTML the reader shows and prints: the whole article when there is one, else the
    /// feed's body; and the address its relative links resolve against.
    pub fn shown_html(&self) -> (&str, Option<&str>) {
        match self
            .article
            .as_ref()
            .and_then(|a| a.html().map(|h| (h, a.url.as_str())))
        {
            Some((html, url)) => (html, Some(url)),
            None => (&self.content_html, self.base_url.as_deref()),
        }
    }
}

/// What parsing one feed document yields, already normalised and sanitised.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IncomingFeed {
    pub title: Option<String>,
    pub site_url: Option<String>,
    /// RSS `<ttl>`: minutes the feed asks readers to wait between fetches.
    pub ttl_minutes: Option<u32>,
    pub entries: Vec<IncomingEntry>,
}

/// A feed a web page points to (autodiscovery): an http(s) URL and the title the page gives
/// it, sanitised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Discovered {
    pub url: String,
    pub title: Option<String>,
}

/// One entry of a parsed feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncomingEntry {
    /// Stable identity within the feed: the feed's id/guid, else the link, else a content hash.
    pub key: String,
    pub guid: Option<String>,
    pub title: String,
    pub link: Option<String>,
    pub author: Option<String>,
    /// As the document says; the store dates an entry by `published`, else `updated`, else
    /// when it was first seen.
    pub published: Option<DateTime<Utc>>,
    pub updated: Option<DateTime<Utc>>,
    pub content_html: String,
    /// Its attached files (podcast episodes, videos), web links only, without repeats.
    pub enclosures: Vec<Enclosure>,
}

/// A position in the stream's order, for keyset pagination: the sort's group (the feed for
/// `Sort::Feed`, read or not for `Sort::Unread`, else 0), then the date and the id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    pub group: i64,
    /// Unix seconds.
    pub published: i64,
    pub id: EntryId,
}

impl Cursor {
    /// A key that grows down the list in `sort`'s order (for ranges drawn on screen).
    pub fn key(self, sort: Sort) -> (i64, i64, i64) {
        match sort {
            Sort::Oldest => (0, self.published, self.id.0),
            Sort::Newest | Sort::Feed | Sort::Unread => (self.group, -self.published, -self.id.0),
        }
    }
}

/// The order of a stream. Every one is keyset-paged with an index behind it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Sort {
    /// Newest first (the default).
    #[default]
    Newest,
    /// Oldest first.
    Oldest,
    /// Feed by feed, in the order they were subscribed; newest first within each.
    Feed,
    /// Unread first, then read; newest first within each (an entry read while the view is open
    /// keeps its place until the view is loaded again).
    Unread,
}

impl Sort {
    /// The names the config uses.
    pub const NAMES: [(&'static str, Sort); 4] = [
        ("newest", Sort::Newest),
        ("oldest", Sort::Oldest),
        ("feed", Sort::Feed),
        ("unread", Sort::Unread),
    ];

    pub fn from_name(name: &str) -> Option<Sort> {
        Self::NAMES
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name.trim()))
            .map(|(_, s)| *s)
    }

    pub fn name(self) -> &'static str {
        Self::NAMES
            .iter()
            .find(|(_, s)| *s == self)
            .map_or("newest", |(n, _)| n)
    }

    /// What a row's group is in this order.
    pub fn group_of(self, row: &EntrySummary) -> i64 {
        match self {
            Sort::Newest | Sort::Oldest => 0,
            Sort::Feed => row.feed_id.0,
            Sort::Unread => i64::from(row.read),
        }
    }
}

/// Which page of a filtered stream to read, in the filter's order (pages always come back in
/// that order, top first). The names say it for the default order, newest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    /// The top of the list.
    First,
    /// The bottom of the list.
    Last,
    /// Entries just below the cursor.
    Older(Cursor),
    /// Entries just above the cursor.
    Newer(Cursor),
}

/// Which entries a view shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EntryFilter {
    pub unread_only: bool,
    pub starred_only: bool,
    pub feed: Option<FeedId>,
    /// A filter-line query on top of the above (empty: no further filtering).
    pub query: Query,
    /// Hidden entries too, as if the query had a `hidden` term (what a rule matches).
    pub with_hidden: bool,
    /// Every copy of a story, not only the one that leads it (issue #23). A view of one feed
    /// (`feed`) shows that feed's copies whatever this says.
    pub with_copies: bool,
    /// The order the entries come in.
    pub sort: Sort,
}

/// A change of an entry's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mark {
    Read,
    Unread,
    Star,
    Unstar,
    Label(LabelId),
    Unlabel(LabelId),
    Hide,
    Unhide,
}

/// Counts the status line shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub entries: u64,
    pub unread: u64,
    pub starred: u64,
    pub feeds: u64,
}
