//! The feed list: saved views at the top, then the feeds grouped by tag (a feed with several
//! tags is under each; untagged feeds last), with unread counts, error markers and the last
//! successful fetch. Opening a view, a tag or a feed shows that part of the stream.

use super::Status;
use super::{AppState, Confirm, Effect, ListCursor, Move, PromptKind, View, prompt};
pub use crate::model::query::SavedView;
use crate::model::query::{Term, TermKind};
use crate::model::{EntryFilter, Feed, Query};

/// One line of the feed list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    /// A saved view (index into `views`).
    View(usize),
    /// A tag heading, with the unread entries and feeds under it.
    Tag {
        name: String,
        unread: u64,
        feeds: usize,
    },
    /// The heading above the untagged feeds, when other feeds have tags.
    Untagged,
    /// A feed (index into `feeds`), indented under a heading.
    Feed { index: usize, indented: bool },
}

/// The feed list as a scrolling list of items.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FeedsView {
    pub feeds: Vec<Feed>,
    pub views: Vec<SavedView>,
    pub items: Vec<Item>,
    /// The cursor item and the first item on screen.
    pub list: ListCursor,
    pub loaded: bool,
    /// Feeds whose title another feed shares (ignoring case): shown with their address, so
    /// three feeds called "In Our Time" can be told apart.
    pub ambiguous: std::collections::HashSet<crate::model::FeedId>,
    /// Pairs of subscriptions that look like one feed (issue #23), marked `=`; `M` merges.
    pub twins: Vec<crate::model::story::TwinFeeds>,
}

impl FeedsView {
    /// How a feed is told apart from others of the same title: its address without the
    /// scheme, `www.` or secrets (`example.org/podcasts/iot.xml`).
    pub fn address(feed: &Feed) -> String {
        let url = crate::model::redact::url(&feed.url);
        let bare = url.split_once("://").map_or(url.as_ref(), |(_, rest)| rest);
        bare.strip_prefix("www.").unwrap_or(bare).to_owned()
    }

    /// Takes in a fresh list, keeping the cursor on the same line.
    pub fn loaded(&mut self, feeds: Vec<Feed>, height: usize) {
        let keep = self.items.get(self.list.cursor).map(|i| self.identity(i));
        self.feeds = feeds;
        let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
        for f in &self.feeds {
            *seen.entry(f.title.to_lowercase()).or_default() += 1;
        }
        self.ambiguous = self
            .feeds
            .iter()
            .filter(|f| seen.get(&f.title.to_lowercase()).copied().unwrap_or(0) > 1)
            .map(|f| f.id)
            .collect();
        self.items = self.build();
        self.loaded = true;
        self.list.cursor = keep
            .and_then(|k| self.items.iter().position(|i| self.identity(i) == k))
            .unwrap_or(self.list.cursor)
            .min(self.items.len().saturating_sub(1));
        self.scroll_into_view(height);
    }

    /// What stays the same about an item across reloads.
    fn identity(&self, item: &Item) -> String {
        match item {
            Item::View(i) => format!("v{i}"),
            Item::Tag { name, .. } => format!("t{name}"),
            Item::Untagged => "u".into(),
            // A feed under two tags: the first line it is on.
            Item::Feed { index, .. } => {
                format!("f{}", self.feeds.get(*index).map_or(0, |f| f.id.0))
            }
        }
    }

    fn build(&self) -> Vec<Item> {
        let mut items: Vec<Item> = (0..self.views.len()).map(Item::View).collect();
        let mut tags: Vec<&str> = self
            .feeds
            .iter()
            .flat_map(|f| f.tags.iter().map(String::as_str))
            .collect();
        tags.sort_by_key(|t| t.to_lowercase());
        tags.dedup_by_key(|t| t.to_lowercase());
        if tags.is_empty() {
            items.extend((0..self.feeds.len()).map(|index| Item::Feed {
                index,
                indented: false,
            }));
            return items;
        }
        for tag in tags {
            let under: Vec<usize> = (0..self.feeds.len())
                .filter(|&i| {
                    self.feeds[i]
                        .tags
                        .iter()
                        .any(|t| t.eq_ignore_ascii_case(tag))
                })
                .collect();
            items.push(Item::Tag {
                name: tag.to_owned(),
                unread: under.iter().map(|&i| self.feeds[i].unread).sum(),
                feeds: under.len(),
            });
            items.extend(under.into_iter().map(|index| Item::Feed {
                index,
                indented: true,
            }));
        }
        let untagged: Vec<usize> = (0..self.feeds.len())
            .filter(|&i| self.feeds[i].tags.is_empty())
            .collect();
        if !untagged.is_empty() {
            items.push(Item::Untagged);
            items.extend(untagged.into_iter().map(|index| Item::Feed {
                index,
                indented: true,
            }));
        }
        items
    }

    /// The feed under the cursor, if the cursor is on a feed.
    pub fn selected(&self) -> Option<&Feed> {
        match self.items.get(self.list.cursor)? {
            Item::Feed { index, .. } => self.feeds.get(*index),
            _ => None,
        }
    }

    pub fn scroll_into_view(&mut self, height: usize) {
        self.list.scroll_into_view(height);
    }
}

/// The filter and title for the item under the cursor, if it opens anything.
fn target(state: &AppState) -> Option<(EntryFilter, String)> {
    let feeds = &state.feeds;
    let base = EntryFilter {
        unread_only: state.stream.filter.unread_only,
        with_copies: state.stream.filter.with_copies,
        ..EntryFilter::default()
    };
    Some(match feeds.items.get(feeds.list.cursor)? {
        Item::View(i) => {
            let view = feeds.views.get(*i)?;
            let filter = EntryFilter {
                query: view.query.clone(),
                sort: view.sort,
                ..base
            };
            let title = match view.sort {
                crate::model::Sort::Newest => view.name.clone(),
                sort => format!("{} ({} first)", view.name, sort.name()),
            };
            (filter, title)
        }
        Item::Tag { name, .. } => {
            let query = Query {
                terms: vec![Term {
                    negated: false,
                    kind: TermKind::Tag(name.clone()),
                }],
            };
            (EntryFilter { query, ..base }, format!("Tag: {name}"))
        }
        Item::Untagged => return None,
        Item::Feed { index, .. } => {
            let feed = feeds.feeds.get(*index)?;
            let filter = EntryFilter {
                feed: Some(feed.id),
                ..base
            };
            (filter, feed.title.clone())
        }
    })
}

/// Keys on the feed list.
pub fn on_action(state: &mut AppState, action: super::Action) -> Vec<Effect> {
    use super::Action as A;
    let h = state.list_height();
    let feeds = &mut state.feeds;
    if let Some(to) = Move::of(action, h) {
        feeds.list.go(to, feeds.items.len(), h);
        // Moving onto a failing (or waiting) feed says why, and until when.
        let now = state.now;
        state.status = state.feeds.selected().and_then(|f| {
            failure(f)
                .or_else(|| waiting(f, now))
                .or_else(|| twin(&state.feeds, f, &state.keys))
        });
        return Vec::new();
    }
    match action {
        A::Open => {
            let Some((filter, title)) = target(state) else {
                return Vec::new();
            };
            state.view = View::Stream;
            state.stream.from_feeds = Some(filter.query.clone());
            vec![state.stream.refilter(filter, title)]
        }
        A::Back | A::Cancel | A::Feeds => {
            state.view = View::Stream;
            Vec::new()
        }
        A::AddFeed => {
            prompt::ask(state, PromptKind::AddFeed, String::new());
            Vec::new()
        }
        A::RemoveFeed | A::RenameFeed | A::EditTags => {
            let Some(feed) = feeds.selected() else {
                state.status = Some(Status::info("Move the cursor onto a feed first"));
                return Vec::new();
            };
            let (id, title) = (feed.id, feed.title.clone());
            match action {
                A::RemoveFeed => {
                    state.modal = Some(super::Modal::Confirm(Confirm::RemoveFeed { id, title }));
                }
                A::RenameFeed => prompt::ask(state, PromptKind::Rename(id), title),
                _ => {
                    let tags = feed.tags.join(" ");
                    prompt::ask(state, PromptKind::Tags(id), tags);
                }
            }
            Vec::new()
        }
        A::MergeFeeds => merge(state),
        // `A`: the feed (tag, view) under the cursor marked read, undoable like any mark.
        A::MarkAllRead => {
            let Some((filter, title)) = target(state) else {
                state.status = Some(Status::info("Move the cursor onto a feed first"));
                return Vec::new();
            };
            state.status = Some(Status::info(format!("Marking {title} read…")));
            vec![Effect::MarkMatching {
                filter,
                mark: crate::model::Mark::Read,
                above: None,
            }]
        }
        // Entry keys, and the keys the dispatcher in `app` handles for every view.
        other => {
            super::elsewhere::say(state, other);
            Vec::new()
        }
    }
}

/// The feed list came; which of them look like one feed is asked in the background.
pub fn loaded(state: &mut AppState, list: Vec<Feed>) -> Vec<Effect> {
    state.feeds.loaded(list, state.list_height());
    if state.view == View::Feeds {
        vec![Effect::FindTwins]
    } else {
        Vec::new()
    }
}

/// Subscriptions that look like one feed came: marked in the list, and said once when new.
pub fn twins_found(
    state: &mut AppState,
    twins: Vec<crate::model::story::TwinFeeds>,
) -> Vec<Effect> {
    let new = twins.iter().any(|t| !state.feeds.twins.contains(t));
    state.feeds.twins = twins;
    if new && state.view == View::Feeds && state.status.is_none() {
        let n = state.feeds.twins.len();
        let merge = state
            .keys
            .aside(super::Action::MergeFeeds, "on one merges them");
        state.status = Some(Status::info(format!(
            "{} of subscriptions look like one feed (marked =){merge}",
            crate::model::count_of(n, "pair", "pairs")
        )));
    }
    Vec::new()
}

/// The pair of twins `feed` is in, if any.
fn twins_of<'a>(feeds: &'a FeedsView, feed: &Feed) -> Option<&'a crate::model::story::TwinFeeds> {
    feeds
        .twins
        .iter()
        .find(|t| t.keep == feed.id || t.drop == feed.id)
}

/// A feed's title, with its address when another feed has the same title.
fn title_of(feeds: &FeedsView, id: crate::model::FeedId) -> String {
    match feeds.feeds.iter().find(|f| f.id == id) {
        Some(f) if feeds.ambiguous.contains(&id) => {
            format!("{} · {}", f.title, FeedsView::address(f))
        }
        Some(f) => f.title.clone(),
        None => format!("feed {}", id.0),
    }
}

/// What the status line says on a feed that looks like another: which, why, and the key.
fn twin(feeds: &FeedsView, feed: &Feed, keys: &super::KeyNames) -> Option<Status> {
    let pair = twins_of(feeds, feed)?;
    let other = if pair.keep == feed.id {
        pair.drop
    } else {
        pair.keep
    };
    let why = if pair.shared == 0 {
        "the same address".to_owned()
    } else {
        crate::model::count_of(
            usize::try_from(pair.shared).unwrap_or(usize::MAX),
            "story",
            "stories",
        ) + " in common"
    };
    let merge = keys.aside(super::Action::MergeFeeds, "merges them");
    Some(Status::info(format!(
        "Same feed as {} ({why}){merge}",
        title_of(feeds, other)
    )))
}

/// `M` on a feed that looks like another: asks before merging the pair.
fn merge(state: &mut AppState) -> Vec<Effect> {
    let pair = state
        .feeds
        .selected()
        .and_then(|f| twins_of(&state.feeds, f))
        .cloned();
    match pair {
        Some(pair) => {
            state.modal = Some(super::Modal::Confirm(Confirm::MergeFeeds {
                keep_title: title_of(&state.feeds, pair.keep),
                drop_title: title_of(&state.feeds, pair.drop),
                pair,
            }));
        }
        None => {
            state.status = Some(Status::info(
                "This feed looks like no other subscription: nothing to merge",
            ));
        }
    }
    Vec::new()
}

/// A feed held back without an error of its own: its host asked to wait (`Retry-After`).
fn waiting(feed: &Feed, now: Option<chrono::DateTime<chrono::Utc>>) -> Option<Status> {
    let until = feed
        .hold_until
        .filter(|t| feed.asked_to_wait && now.is_none_or(|n| *t > n))?;
    Some(Status::info(format!(
        "Waits until {}: its host asked (Retry-After) · {}",
        until.format("%Y-%m-%d %H:%M UTC"),
        feed.title
    )))
}

/// Why a feed is failing, and when it is tried next, for the status line.
fn failure(feed: &Feed) -> Option<Status> {
    let error = feed.last_error.as_ref()?;
    let next = match feed.hold_until {
        Some(t) if !feed.gone => format!(" · next try {}", t.format("%Y-%m-%d %H:%M UTC")),
        _ => String::new(),
    };
    // The reason first: a narrow status line cuts the end.
    Some(Status::error(format!("{error}{next} · {}", feed.title)))
}
