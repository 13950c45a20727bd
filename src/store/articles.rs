//! Whole articles (issue #23): an entry's web page, its article kept beside the feed's body
//! (packed like bodies, searchable with the entry), or why there is none; and which feeds
//! fetch them by themselves.

use rusqlite::{Connection, OptionalExtension, Transaction, params};

use super::text::html_to_text;
use super::{Result, Store, body, search};
use crate::model::article::{Article, Found};
use crate::model::{EntryId, FeedId};

/// The `meta` key before a host's name under which its article hold is kept.
/// The entries [`Store::wanted_articles`] gives. `CROSS JOIN` keeps `feeds` the outer loop:
/// only the entries of the feeds that ask are read, by their feed's index, then sorted. Left
/// to itself the planner walked every entry newest first to find them, which made every
/// `tidings refresh` read the whole database even when no feed asks (a warm refresh of 2000
/// feeds: 1.37 s against 0.57 s).
pub(super) const WANTED_ARTICLES_SQL: &str = "SELECT e.id FROM feeds f CROSS JOIN entries e \
     ON e.feed_id = f.id \
     WHERE f.full_article = 1 AND e.read = 0 AND e.link IS NOT NULL \
     AND NOT EXISTS (SELECT 1 FROM articles a WHERE a.entry_id = e.id) \
     ORDER BY e.published DESC, e.id DESC LIMIT ?1";

const ARTICLE_HOLD: &str = "article-hold:";

/// An entry whose article is to be fetched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleTarget {
    pub id: EntryId,
    /// The entry's link; none, nothing to fetch.
    pub link: Option<String>,
    /// The feed's own body, which the article must say more than.
    pub teaser_html: String,
    /// The feed's address and title (what its `[[feed]]` settings are found by).
    pub feed_url: String,
    pub feed_title: String,
}

/// Entry `id`'s article as stored.
pub(super) fn of(conn: &Connection, id: i64) -> rusqlite::Result<Option<Article>> {
    conn.prepare_cached("SELECT url, fetched_at, html, error FROM articles WHERE entry_id = ?1")?
        .query_row([id], |r| {
            let found = match r.get::<_, Option<String>>(3)? {
                Some(why) => Found::Nothing(why),
                None => Found::Html(body::column(r, 2)?),
            };
            Ok(Article {
                url: r.get(0)?,
                fetched: super::to_time(r.get(1)?),
                found,
            })
        })
        .optional()
}

/// Indexes entry `id` again with its article: the feed's body as text, then the article's.
/// False when the entry is gone.
fn index_with(tx: &Transaction<'_>, id: i64, article: &str) -> rusqlite::Result<bool> {
    let row = tx
        .query_row(
            "SELECT e.title, e.author, b.html FROM entries e \
             LEFT JOIN entry_bodies b ON b.entry_id = e.id WHERE e.id = ?1",
            [id],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, Option<String>>(1)?,
                    body::column(r, 2)?,
                ))
            },
        )
        .optional()?;
    let Some((title, author, html)) = row else {
        return Ok(false);
    };
    let text = format!("{}\n{}", html_to_text(&html), html_to_text(article));
    search::index_entry(tx, id, &title, author.as_deref(), &text, true)?;
    Ok(true)
}

/// The search text of entry `id` being re-indexed after its feed changed its body: `text`
/// (the new body's), with the stored article's text after it when there is one.
pub(super) fn with_article(
    tx: &Transaction<'_>,
    id: i64,
    text: String,
) -> rusqlite::Result<String> {
    Ok(match of(tx, id)?.as_ref().and_then(Article::html) {
        Some(article) => format!("{text}\n{}", html_to_text(article)),
        None => text,
    })
}

impl Store {
    /// Keeps what fetching entry `id`'s page at `url` found. An article replaces what was
    /// there and joins the entry's search text; a reason replaces only a reason (an article
    /// fetched before stays when fetching it again fails). An entry that is gone is skipped.
    pub fn save_article(&mut self, id: EntryId, url: &str, now: i64, found: &Found) -> Result<()> {
        self.write(|tx| {
            match found {
                Found::Html(html) => {
                    if !index_with(tx, id.0, html)? {
                        return Ok(());
                    }
                    tx.prepare_cached(
                        "INSERT OR REPLACE INTO articles (entry_id, url, fetched_at, html, error) \
                         VALUES (?1, ?2, ?3, ?4, NULL)",
                    )?
                    .execute(params![id.0, url, now, body::pack(html)])?;
                }
                Found::Nothing(why) => {
                    tx.prepare_cached(
                        "INSERT INTO articles (entry_id, url, fetched_at, html, error) \
                         SELECT ?1, ?2, ?3, NULL, ?4 WHERE EXISTS \
                         (SELECT 1 FROM entries WHERE id = ?1) \
                         ON CONFLICT (entry_id) DO UPDATE SET url = excluded.url, \
                         fetched_at = excluded.fetched_at, error = excluded.error \
                         WHERE articles.html IS NULL",
                    )?
                    .execute(params![id.0, url, now, why])?;
                }
            }
            Ok(())
        })
    }

    /// What fetching the articles of `ids` needs (missing ids are left out).
    pub fn article_targets(&self, ids: &[EntryId]) -> Result<Vec<ArticleTarget>> {
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(target) = self.target(id.0).map_err(|e| self.err(e))? {
                out.push(target);
            }
        }
        Ok(out)
    }

    fn target(&self, id: i64) -> rusqlite::Result<Option<ArticleTarget>> {
        self.conn
            .prepare_cached(
                "SELECT e.link, b.html, f.url, COALESCE(f.user_title, f.title, f.url) \
                 FROM entries e JOIN feeds f ON f.id = e.feed_id \
                 LEFT JOIN entry_bodies b ON b.entry_id = e.id WHERE e.id = ?1",
            )?
            .query_row([id], |r| {
                Ok(ArticleTarget {
                    id: EntryId(id),
                    link: r.get(0)?,
                    teaser_html: body::column(r, 1)?,
                    feed_url: r.get(2)?,
                    feed_title: r.get(3)?,
                })
            })
            .optional()
    }

    /// Unread entries of the feeds that fetch whole articles, with a link and nothing fetched
    /// yet, newest first, at most `limit`.
    pub fn wanted_articles(&self, limit: usize) -> Result<Vec<EntryId>> {
        let mut stmt = self
            .conn
            .prepare_cached(WANTED_ARTICLES_SQL)
            .map_err(|e| self.err(e))?;
        stmt.query_map([i64::try_from(limit).unwrap_or(i64::MAX)], |r| {
            Ok(EntryId(r.get(0)?))
        })
        .and_then(Iterator::collect)
        .map_err(|e| self.err(e))
    }

    /// Until when (Unix seconds) `host` asked not to be asked for pages (a 429 or 503 with
    /// `Retry-After` to an article fetch), if it did and that time has not passed at `now`.
    pub fn article_hold(&self, host: &str, now: i64) -> Result<Option<i64>> {
        Ok(self
            .meta(&format!("{ARTICLE_HOLD}{host}"))?
            .filter(|&until| until > now))
    }

    /// `host` asked not to be asked for pages until `until` (Unix seconds).
    pub fn hold_articles(&mut self, host: &str, until: i64) -> Result<()> {
        let key = format!("{ARTICLE_HOLD}{host}");
        self.write(|tx| super::meta::set_meta(tx, &key, until))
    }

    /// Whether feed `id` fetches the whole article of its new entries.
    pub fn set_full_article(&mut self, id: FeedId, on: bool) -> Result<()> {
        self.write(|tx| {
            tx.execute(
                "UPDATE feeds SET full_article = ?2 WHERE id = ?1",
                params![id.0, on],
            )
            .map(drop)
        })
    }
}
