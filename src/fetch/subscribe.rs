//! Subscribing to a URL: fetch it, read it as a feed, or else as a web page naming feeds
//! (autodiscovery: the first, or the caller chooses), then store the feed and its entries.
//! Shared by `tidings add` and the TUI's add key. Uses `model` and `store`.

use std::path::Path;

use super::asking::{Plan, Planner};
use super::discover::{self, Discovered};
use super::http::{FetchError, FetchOutcome, Fetched, Fetcher, Validators};
use super::parse::{ParseError, parse_document};
use crate::model::feed_settings::SettingsBook;
use crate::model::{FeedId, IncomingFeed};
use crate::store::{FetchMeta, Store, StoreError};

/// What subscribing did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscribed {
    pub id: FeedId,
    /// The feed's URL (the discovered one when a page was given).
    pub url: String,
    pub title: String,
    /// Entries stored new (what a rule skipped is not; an old subscription's are not again).
    pub entries: usize,
    /// False when the feed was already subscribed (its entries are refreshed all the same).
    pub is_new: bool,
    /// When a page was given: every feed it named (the first was taken).
    pub discovered: Vec<Discovered>,
}

/// Why subscribing failed: one line, naming the URL.
#[derive(Debug, thiserror::Error)]
pub enum SubscribeError {
    #[error("fetching {url}: {source}")]
    Fetch {
        url: String,
        #[source]
        source: FetchError,
    },
    #[error("fetching {0}: the server answered 304 Not Modified to a plain request")]
    NotModified(String),
    #[error("reading {url}: {source}")]
    Parse {
        url: String,
        #[source]
        source: ParseError,
    },
    /// The page names several feeds and the caller asked to choose ([`Pick::Ask`]): nothing
    /// was subscribed.
    #[error("{page} names {} feeds: choose one", found.len())]
    Several {
        page: String,
        found: Vec<Discovered>,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Which feed to take when a page names several.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pick {
    /// The first the page names (`tidings add`, which lists the others).
    First,
    /// None: say which there are ([`SubscribeError::Several`]), for the caller to ask.
    Ask,
}

/// Fetches `url` as its `[[feed]]` settings say (a page to look for feeds on is asked for
/// the same way: the settings are the address's).
async fn fetch_body(
    fetcher: &Fetcher,
    settings: &std::sync::Arc<SettingsBook>,
    url: &str,
) -> Result<Fetched, SubscribeError> {
    let (book, base, at) = (
        std::sync::Arc::clone(settings),
        fetcher.clone(),
        url.to_owned(),
    );
    let plan = tokio::task::spawn_blocking(move || Planner::new(book, base).plan(&at, ""))
        .await
        .map_err(|e| SubscribeError::Fetch {
            url: url.to_owned(),
            source: FetchError::Settings(format!("planning failed: {e}")),
        })?;
    let answer = match plan {
        Plan::Ready { fetcher, asking } => {
            fetcher.fetch_as(url, &Validators::default(), &asking).await
        }
        Plan::Broken(why) => Err(FetchError::Settings(why)),
        Plan::Disabled => Err(FetchError::Settings(
            "the config disables this feed ([[feed]] enabled = false)".into(),
        )),
    };
    match answer {
        Ok(FetchOutcome::Fetched(body)) => Ok(body),
        Ok(FetchOutcome::NotModified) => Err(SubscribeError::NotModified(url.to_owned())),
        Err(source) => Err(SubscribeError::Fetch {
            url: url.to_owned(),
            source,
        }),
    }
}

fn parse(url: &str, body: &Fetched) -> Result<IncomingFeed, ParseError> {
    parse_document(&body.bytes, url, body.content_type.as_deref())
}

/// What a new subscription is fetched and judged by, as a refresh's feeds are: the rules its
/// entries meet, and the `[[feed]]` settings it is asked for with.
#[derive(Debug, Clone, Default)]
pub struct Judged {
    pub rules: std::sync::Arc<[crate::model::rules::Rule]>,
    pub settings: std::sync::Arc<SettingsBook>,
}

/// Subscribes to `url` in the database at `db`, at time `now` (Unix seconds), fetched and its
/// entries judged as a refresh's are (`judged`). A page naming several feeds gives the first, or with
/// [`Pick::Ask`] the list to choose from.
pub async fn subscribe(
    fetcher: &Fetcher,
    db: &Path,
    url: &str,
    now: i64,
    pick: Pick,
    judged: &Judged,
) -> Result<Subscribed, SubscribeError> {
    let (rules, settings) = (&judged.rules, &judged.settings);
    let url = url.trim();
    let body = fetch_body(fetcher, settings, url).await?;
    let (url, body, feed, discovered) = match parse(url, &body) {
        Ok(feed) => (url.to_owned(), body, feed, Vec::new()),
        Err(source) => {
            let found = url::Url::parse(&body.final_url)
                .map(|page| discover::feed_links(&body.bytes, &page))
                .unwrap_or_default();
            let Some(first) = found.first() else {
                return Err(SubscribeError::Parse {
                    url: url.to_owned(),
                    source,
                });
            };
            if pick == Pick::Ask && found.len() > 1 {
                return Err(SubscribeError::Several {
                    page: body.final_url.clone(),
                    found,
                });
            }
            let first_url = first.url.clone();
            let body = fetch_body(fetcher, settings, &first_url).await?;
            let feed = parse(&first_url, &body).map_err(|source| SubscribeError::Parse {
                url: first_url.clone(),
                source,
            })?;
            (first_url, body, feed, found)
        }
    };
    let mut store = Store::open(db)?;
    store.set_rules(std::sync::Arc::clone(rules));
    let (id, is_new) = store.add_feed(&url, now)?;
    let meta = FetchMeta {
        etag: body.validators.etag.as_deref(),
        last_modified: body.validators.last_modified.as_deref(),
        fresh_until: None,
        permanent_redirect: body.permanent_redirect.as_deref(),
    };
    let stored = store.record_success(id, &feed, &meta, now)?;
    Ok(Subscribed {
        id,
        title: feed.title.clone().unwrap_or_else(|| url.clone()),
        url,
        entries: stored,
        is_new,
        discovered,
    })
}
