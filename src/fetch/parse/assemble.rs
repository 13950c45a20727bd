//! feed-rs's `Feed` → our `IncomingFeed`: the normalising rules of `normalize` applied to each
//! field (plain-text titles, link choice and resolution, the guid → link fallback for RSS
//! permalinks, author fallbacks, stable keys, the body). Uses `model` and `normalize`.

use feed_rs::model::{Entry, Feed, FeedType};
use url::Url;

use super::UNTITLED;
use crate::fetch::normalize::{
    TextKind, absolute_http, entry_key, first_author, pick_link, plain_line, resolve_http,
    text_to_html,
};
use crate::model::enclosure::{self, Enclosure, Kind};
use crate::model::{IncomingEntry, IncomingFeed};

pub fn normalize_feed(feed: &Feed, base: Option<&Url>) -> IncomingFeed {
    let rss = matches!(
        feed.feed_type,
        FeedType::RSS0 | FeedType::RSS1 | FeedType::RSS2
    );
    let feed_author = first_author(&feed.authors);
    IncomingFeed {
        title: feed
            .title
            .as_ref()
            .and_then(|t| plain_line(&t.content, TextKind::of(t, rss))),
        site_url: pick_link(&feed.links, base, false),
        ttl_minutes: feed.ttl,
        entries: feed
            .entries
            .iter()
            .map(|e| normalize_entry(e, base, rss, feed_author.as_deref()))
            .collect(),
    }
}

fn normalize_entry(
    entry: &Entry,
    base: Option<&Url>,
    rss: bool,
    feed_author: Option<&str>,
) -> IncomingEntry {
    let guid = plain_line(&entry.id, TextKind::Plain);
    // Readers have long treated an http(s) guid (RSS) or id (Atom) as the permalink when there
    // is no link at all.
    let link =
        pick_link(&entry.links, base, true).or_else(|| guid.as_deref().and_then(absolute_http));
    // Podcast and video feeds sometimes title an item only through `media:title`.
    let media_title = entry.media.iter().filter_map(|m| m.title.as_ref());
    let title = entry
        .title
        .iter()
        .chain(media_title)
        .find_map(|t| plain_line(&t.content, TextKind::of(t, rss)))
        .unwrap_or_else(|| UNTITLED.to_owned());
    let content_html = content_html(entry);
    // The date only counts when there is neither guid nor link: write it out only then.
    let key = if let Some(key) = guid.as_deref().or(link.as_deref()) {
        key.to_owned()
    } else {
        let dated = entry.published.or(entry.updated);
        let dated = dated.map(|d| d.to_rfc3339()).unwrap_or_default();
        entry_key(None, None, &title, &dated, &content_html)
    };
    IncomingEntry {
        key,
        guid,
        title,
        link,
        author: first_author(&entry.authors).or_else(|| feed_author.map(str::to_owned)),
        published: entry.published,
        updated: entry.updated,
        content_html,
        enclosures: enclosures(entry, base),
    }
}

/// Every enclosure of `entry`: Atom `rel="enclosure"` links, then the media objects feed-rs
/// made of RSS `<enclosure>`, Media RSS `media:content` and the iTunes and podcast namespaces
/// (whose duration, given for the object, counts for each file in it).
fn enclosures(entry: &Entry, base: Option<&Url>) -> Vec<Enclosure> {
    let atom = entry
        .links
        .iter()
        .filter(|l| {
            l.rel
                .as_deref()
                .is_some_and(|r| r.eq_ignore_ascii_case("enclosure"))
        })
        .filter_map(|l| {
            let url = resolve_http(&l.href, base)?;
            Enclosure::new(&url, l.media_type.as_deref(), l.length, None)
        });
    // An iTunes object with a season or an episode stays apart from the files: its duration
    // is still theirs.
    let any_duration = entry.media.iter().find_map(|m| m.duration);
    let media = entry.media.iter().flat_map(|m| {
        m.content.iter().filter_map(move |c| {
            let url = resolve_http(c.url.as_ref()?.as_str(), base)?;
            let mime = c.content_type.as_ref().map(ToString::to_string);
            let mut e = Enclosure::new(&url, mime.as_deref(), c.size, None)?;
            if matches!(e.kind(), Kind::Audio | Kind::Video) {
                let duration = c.duration.or(m.duration).or(any_duration);
                e.duration = duration.map(|d| d.as_secs()).filter(|&d| d > 0);
            }
            Some(e)
        })
    });
    enclosure::merged(atom.chain(media))
}

/// The body as HTML: the content, else the summary, else a media description (`YouTube`).
fn content_html(entry: &Entry) -> String {
    let content = entry
        .content
        .as_ref()
        .and_then(|c| c.body.as_deref().map(|b| (b, c.content_type.as_str())));
    let summary = entry
        .summary
        .as_ref()
        .map(|s| (s.content.as_str(), s.content_type.as_str()));
    let media = entry
        .media
        .iter()
        .find_map(|m| m.description.as_ref())
        .map(|d| (d.content.as_str(), d.content_type.as_str()));
    [content, summary, media]
        .into_iter()
        .flatten()
        .find(|(body, _)| !body.trim().is_empty())
        .map(|(body, ty)| {
            if ty.starts_with("text/plain") {
                text_to_html(body)
            } else {
                body.to_owned()
            }
        })
        .unwrap_or_default()
}
