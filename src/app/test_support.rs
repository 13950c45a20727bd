//! Builders for `update` tests: rows, entries, and a runtime stand-in that answers effects from
//! an in-memory list the way the store would (newest first, keyset pages).

use super::{AppState, Effect, Msg, Options, update};
use crate::model::{Counts, Cursor, Entry, EntryId, EntrySummary, FeedId, Mark, Page};
use crate::render::Rendered;

pub fn row(id: i64, feed: i64) -> EntrySummary {
    EntrySummary {
        id: EntryId(id),
        feed_id: FeedId(feed),
        feed_title: format!("Feed {feed}"),
        guid: None,
        title: format!("Entry {id}"),
        link: Some(format!("https://example.org/{id}")),
        author: None,
        // Newer ids are newer entries.
        published: chrono::DateTime::from_timestamp(1_700_000_000 + id * 60, 0).unwrap(),
        first_seen: chrono::DateTime::from_timestamp(1_700_000_000 + id * 60, 0).unwrap(),
        read: false,
        starred: false,
        hidden: false,
        labels: Vec::new(),
        highlight: None,
        group: 0,
        story: None,
        also_in: Vec::new(),
    }
}

pub fn entry(id: i64, lines: usize) -> (Entry, Rendered) {
    let rendered = Rendered {
        lines: (0..lines)
            .map(|i| crate::render::Line {
                spans: vec![crate::render::Span {
                    text: format!("line {i}"),
                    style: crate::render::Style::default(),
                }],
                flow: crate::render::Flow::Wrapped,
            })
            .collect(),
        links: Vec::new(),
        title: Vec::new(),
    };
    let entry = Entry {
        summary: row(id, 1),
        updated: None,
        content_html: String::new(),
        base_url: None,
        enclosures: Vec::new(),
        article: None,
        full_article: false,
    };
    (entry, rendered)
}

/// A stand-in for the store: `n` entries with ids 1..=n (id n is the newest).
pub struct FakeDb {
    pub rows: Vec<EntrySummary>,
    pub loads: usize,
    /// Labels named so far, by id.
    pub labels: Vec<(crate::model::LabelId, String)>,
}

impl FakeDb {
    pub fn new(n: i64) -> Self {
        Self {
            rows: (1..=n).rev().map(|id| row(id, 1 + id % 3)).collect(),
            loads: 0,
            labels: Vec::new(),
        }
    }

    fn page(&self, page: Page, limit: usize, unread_only: bool) -> Vec<EntrySummary> {
        let matching = self.rows.iter().filter(|r| !unread_only || !r.read);
        let key = |r: &EntrySummary| (r.published.timestamp(), r.id);
        let before = |c: Cursor| move |r: &&EntrySummary| key(r) < (c.published, c.id);
        let after = |c: Cursor| move |r: &&EntrySummary| key(r) > (c.published, c.id);
        let mut out: Vec<EntrySummary> = match page {
            Page::First => matching.take(limit).cloned().collect(),
            Page::Older(c) => matching.filter(before(c)).take(limit).cloned().collect(),
            Page::Last => {
                let all: Vec<_> = matching.collect();
                all[all.len().saturating_sub(limit)..]
                    .iter()
                    .map(|r| (*r).clone())
                    .collect()
            }
            Page::Newer(c) => {
                let all: Vec<_> = matching.filter(after(c)).collect();
                all[all.len().saturating_sub(limit)..]
                    .iter()
                    .map(|r| (*r).clone())
                    .collect()
            }
        };
        out.truncate(limit);
        out
    }

    /// Applies `mark` where `pick` says, as the store does; returns the ids that changed.
    fn mark(&mut self, pick: impl Fn(&EntrySummary) -> bool, mark: Mark) -> Vec<EntryId> {
        let mut changed = Vec::new();
        for r in self.rows.iter_mut().filter(|r| pick(r)) {
            let before = r.clone();
            super::apply_mark(r, mark, &self.labels);
            if *r != before {
                changed.push(r.id);
            }
        }
        changed
    }

    /// The counts the store would give for these rows.
    pub fn counts(&self) -> Counts {
        let mut feeds: Vec<FeedId> = self.rows.iter().map(|r| r.feed_id).collect();
        feeds.sort_unstable_by_key(|f| f.0);
        feeds.dedup();
        Counts {
            entries: self.rows.len() as u64,
            unread: self.rows.iter().filter(|r| !r.read).count() as u64,
            starred: self.rows.iter().filter(|r| r.starred).count() as u64,
            feeds: feeds.len() as u64,
        }
    }

    /// Runs effects as the runtime would (store reads only), feeding results back.
    pub fn run(&mut self, state: &mut AppState, effects: Vec<Effect>) {
        let mut queue = effects;
        while let Some(effect) = queue.pop() {
            let msg = match effect {
                Effect::LoadPage {
                    generation,
                    filter,
                    page,
                    limit,
                } => {
                    self.loads += 1;
                    Msg::PageLoaded {
                        generation,
                        page,
                        rows: self.page(page, limit, filter.unread_only),
                    }
                }
                Effect::SetMark { ids, mark } => Msg::MarkApplied {
                    ids: self.mark(|r| ids.contains(&r.id), mark),
                    mark,
                    undoable: true,
                },
                Effect::UndoMark { ids, mark } => Msg::MarkApplied {
                    ids: self.mark(|r| ids.contains(&r.id), mark),
                    mark,
                    undoable: false,
                },
                Effect::MarkMatching {
                    filter,
                    mark,
                    above,
                } => {
                    let above = above.map(|c| (c.published, c.id));
                    let ids = self.mark(
                        |r| {
                            (!filter.unread_only || !r.read)
                                && filter.feed.is_none_or(|f| f == r.feed_id)
                                && above.is_none_or(|a| (r.published.timestamp(), r.id) >= a)
                        },
                        mark,
                    );
                    Msg::MarkApplied {
                        ids,
                        mark,
                        undoable: true,
                    }
                }
                Effect::Label { name, on, target } => {
                    let known = self
                        .labels
                        .iter()
                        .find(|(_, n)| n.eq_ignore_ascii_case(&name))
                        .cloned();
                    let (id, name) = known.unwrap_or_else(|| {
                        let id = crate::model::LabelId(
                            i64::try_from(self.labels.len()).unwrap_or(0) + 1,
                        );
                        self.labels.push((id, name));
                        self.labels[self.labels.len() - 1].clone()
                    });
                    let mark = if on {
                        Mark::Label(id)
                    } else {
                        Mark::Unlabel(id)
                    };
                    let ids = match target {
                        super::LabelTarget::Ids(ids) => self.mark(|r| ids.contains(&r.id), mark),
                        super::LabelTarget::Matching(_) => self.mark(|_| true, mark),
                    };
                    Msg::LabelNamed {
                        id,
                        name,
                        then: Box::new(Msg::MarkApplied {
                            ids,
                            mark,
                            undoable: true,
                        }),
                    }
                }
                Effect::LoadCounts => Msg::Counts(self.counts()),
                Effect::CountMatches { generation, filter } => {
                    let matching = self.rows.iter().filter(|r| {
                        (!filter.unread_only || !r.read)
                            && filter.feed.is_none_or(|f| f == r.feed_id)
                    });
                    let (total, unread) =
                        matching.fold((0, 0), |(n, u), r| (n + 1, u + u64::from(!r.read)));
                    Msg::MatchesCounted {
                        generation,
                        total,
                        unread,
                    }
                }
                _ => continue,
            };
            queue.extend(update(state, msg));
        }
    }

    /// A state of `width`×`height` with the first page loaded.
    pub fn started(&mut self, width: u16, height: u16) -> AppState {
        let mut state = AppState::new(Options::default(), width, height);
        let effects = state.start();
        self.run(&mut state, effects);
        state
    }

    /// Sends a message and runs what it asks for.
    pub fn send(&mut self, state: &mut AppState, msg: Msg) -> Vec<Effect> {
        let effects = update(state, msg);
        self.run(state, effects.clone());
        effects
    }
}

/// A subscription as the store lists it.
pub fn feed(id: i64, tags: &[&str], unread: u64) -> crate::model::Feed {
    crate::model::Feed {
        id: crate::model::FeedId(id),
        url: format!("https://f{id}.example/"),
        title: format!("Feed {id}"),
        site_url: None,
        unread,
        total: 10,
        last_ok_at: None,
        last_error: None,
        failures: 0,
        hold_until: None,
        asked_to_wait: false,
        gone: false,
        tags: tags.iter().map(|t| (*t).to_owned()).collect(),
        full_article: false,
    }
}
