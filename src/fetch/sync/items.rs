//! Items as the Google Reader API gives them, made into entries like a fetched feed's: ids in
//! both forms (a decimal number, or `tag:google.com,2005:reader/item/` and 16 hex digits) read
//! as 64-bit integers, never floats; states from categories written `user/-/…` (FreshRSS) or
//! `user/1/…` (Miniflux).

use chrono::DateTime;
use serde_json::{Map, Value};

use crate::model::IncomingEntry;

const LONG_PREFIX: &str = "tag:google.com,2005:reader/item/";

/// One item: its entry, its feed's stream id, and its state on the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub id: i64,
    pub stream: String,
    pub entry: IncomingEntry,
    pub read: bool,
    pub starred: bool,
}

/// An item id in either form, as the signed integer with the same 64 bits.
pub fn item_id(text: &str) -> Option<i64> {
    let text = text.trim();
    let bits = match text.strip_prefix(LONG_PREFIX) {
        Some(hex) if !hex.is_empty() && hex.len() <= 16 => u64::from_str_radix(hex, 16).ok()?,
        Some(_) => return None,
        None => text.parse::<u64>().ok()?,
    };
    Some(signed(bits))
}

/// The signed integer with the same 64 bits (how `SQLite` keeps it).
#[allow(clippy::cast_possible_wrap)] // the bits are the id, not the value
pub fn signed(bits: u64) -> i64 {
    bits as i64
}

#[allow(clippy::cast_sign_loss)] // the bits are the id, not the value
fn unsigned(id: i64) -> u64 {
    id as u64
}

/// The long form of an item id, which every server takes.
pub fn long_id(id: i64) -> String {
    format!("{LONG_PREFIX}{:016x}", unsigned(id))
}

fn text<'a>(v: &'a Value, k: &str) -> Option<&'a str> {
    v.get(k).and_then(Value::as_str)
}

/// A number given as a JSON number or a string of digits; never through a float.
fn integer(v: Option<&Value>) -> Option<i64> {
    match v? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn first_href(v: &Value, k: &str) -> Option<String> {
    v.get(k)?
        .as_array()?
        .iter()
        .find_map(|l| text(l, "href"))
        .filter(|h| !h.is_empty())
        .map(str::to_owned)
}

/// The items of a `stream/items/contents` answer.
pub fn parse_items(map: &Map<String, Value>) -> Result<Vec<Item>, String> {
    let list = match map.get("items") {
        Some(Value::Array(list)) => list.as_slice(),
        None | Some(Value::Null) => &[],
        Some(_) => return Err("items is not a list".to_owned()),
    };
    list.iter().map(parse_item).collect()
}

fn parse_item(v: &Value) -> Result<Item, String> {
    let id = text(v, "id")
        .and_then(item_id)
        .ok_or("an item without an id")?;
    let stream = v
        .get("origin")
        .and_then(|o| text(o, "streamId"))
        .filter(|s| !s.is_empty())
        .ok_or("an item without its feed (origin.streamId)")?
        .to_owned();
    let states: Vec<&str> = v
        .get("categories")
        .and_then(Value::as_array)
        .map(|c| c.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let has = |state: &str| {
        states
            .iter()
            .any(|c| c.starts_with("user/") && c.ends_with(state))
    };
    let body = ["content", "summary"]
        .iter()
        .find_map(|k| v.get(*k).and_then(|c| text(c, "content")))
        .unwrap_or_default();
    let date = |k: &str| integer(v.get(k)).and_then(|t| DateTime::from_timestamp(t, 0));
    let link = first_href(v, "canonical").or_else(|| first_href(v, "alternate"));
    Ok(Item {
        id,
        stream,
        read: has("/state/com.google/read"),
        starred: has("/state/com.google/starred"),
        entry: IncomingEntry {
            key: long_id(id),
            guid: Some(long_id(id)),
            title: text(v, "title").unwrap_or_default().to_owned(),
            link,
            author: text(v, "author")
                .filter(|a| !a.is_empty())
                .map(str::to_owned),
            published: date("published"),
            updated: date("updated"),
            content_html: body.to_owned(),
            enclosures: enclosures(v),
        },
    })
}

/// `enclosure`: `[{href, type, length}]` (FreshRSS) or `[{url, type}]` (Miniflux, whose
/// Google Reader API fills the list from versions after 2.2.6); web links only, like every
/// enclosure.
fn enclosures(v: &Value) -> Vec<crate::model::Enclosure> {
    let list = v.get("enclosure").and_then(Value::as_array);
    let found = list.into_iter().flatten().filter_map(|e| {
        let length = match e.get("length") {
            Some(Value::String(s)) => s.trim().parse().ok(),
            Some(n) => n.as_u64(),
            None => None,
        };
        let url = text(e, "href").or_else(|| text(e, "url"))?;
        crate::model::Enclosure::new(url, text(e, "type"), length, None)
    });
    crate::model::enclosure::merged(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_beyond_two_to_the_53_keep_every_digit_in_both_forms() {
        // A FreshRSS id: microseconds since 1970, beyond what a float holds exactly.
        let big = 1_733_572_800_123_457_u64 * 1000 + 1;
        assert!(big > 1 << 53);
        let short = item_id(&big.to_string()).unwrap();
        let long = item_id(&format!("{LONG_PREFIX}{big:016x}")).unwrap();
        assert_eq!(short, long);
        assert_eq!(unsigned(short), big);
        assert_eq!(item_id(&long_id(short)), Some(short));
        // All 64 bits: the long form of an id with the top bit set.
        let top = item_id(&format!("{LONG_PREFIX}ffffffffffffffff")).unwrap();
        assert_eq!(top, -1);
        assert_eq!(long_id(top), format!("{LONG_PREFIX}ffffffffffffffff"));
    }

    #[test]
    fn ids_that_are_not_numbers_are_refused() {
        for bad in [
            "",
            "x",
            "1.5",
            "1e3",
            LONG_PREFIX,
            &format!("{LONG_PREFIX}zz"),
        ] {
            assert_eq!(item_id(bad), None, "{bad}");
        }
        assert_eq!(item_id(&format!("{LONG_PREFIX}{}", "1".repeat(17))), None);
    }

    #[test]
    fn an_item_takes_its_state_from_categories_in_either_spelling() {
        let miniflux: Value = serde_json::json!({
            "id": "tag:google.com,2005:reader/item/000000000000000a",
            "categories": ["user/1/state/com.google/reading-list", "user/1/state/com.google/read"],
            "title": "T", "published": 1_700_000_000, "updated": "1700000100",
            "canonical": [{"href": "https://a.example/p"}],
            "summary": {"content": "<p>teaser</p>"},
            "content": {"content": "<p>whole</p>"},
            "origin": {"streamId": "feed/3"}
        });
        let item = parse_item(&miniflux).unwrap();
        assert_eq!((item.id, item.read, item.starred), (10, true, false));
        assert_eq!(item.stream, "feed/3");
        assert_eq!(item.entry.content_html, "<p>whole</p>");
        assert_eq!(item.entry.link.as_deref(), Some("https://a.example/p"));
        assert_eq!(item.entry.updated.unwrap().timestamp(), 1_700_000_100);
        let fresh: Value = serde_json::json!({
            "id": "tag:google.com,2005:reader/item/000000000000000b",
            "categories": ["user/-/state/com.google/starred"],
            "alternate": [{"href": "https://b.example/q"}],
            "summary": {"content": "only a summary"},
            "origin": {"streamId": "feed/https://b.example/feed"}
        });
        let item = parse_item(&fresh).unwrap();
        assert_eq!((item.read, item.starred), (false, true));
        assert_eq!(item.entry.content_html, "only a summary");
        assert_eq!(item.entry.link.as_deref(), Some("https://b.example/q"));
        // A feed's own category that merely ends like a state is not one.
        let sneaky: Value = serde_json::json!({
            "id": "1", "categories": ["feed/x/state/com.google/read"],
            "origin": {"streamId": "feed/1"}
        });
        assert!(!parse_item(&sneaky).unwrap().read);
    }

    /// Miniflux names an enclosure's link `url`, not `href` as FreshRSS does: its podcasts'
    /// files were dropped.
    #[test]
    fn a_miniflux_enclosure_named_url_is_kept() {
        let item: Value = serde_json::json!({
            "id": "tag:google.com,2005:reader/item/000000000000000c",
            "origin": {"streamId": "feed/1"},
            "enclosure": [{"url": "https://cast.example/12.mp3", "type": "audio/mpeg"}]
        });
        let got = parse_item(&item).unwrap().entry.enclosures;
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].url, "https://cast.example/12.mp3");
        assert_eq!(got[0].mime.as_deref(), Some("audio/mpeg"));
    }

    /// Issue #22: a synced podcast keeps its episodes' files (a string or number length; a
    /// link that is not to the web is no enclosure).
    #[test]
    fn an_items_enclosures_are_kept() {
        let item: Value = serde_json::json!({
            "id": "12", "origin": {"streamId": "feed/1"},
            "enclosure": [
                {"href": "https://cast.example/12.mp3", "type": "audio/mpeg", "length": "4200"},
                {"href": "javascript:alert(1)", "type": "audio/mpeg"},
                {"href": "https://cast.example/12.jpg", "length": 99}
            ]
        });
        let got = parse_item(&item).unwrap().entry.enclosures;
        let urls: Vec<(&str, Option<&str>, Option<u64>)> = got
            .iter()
            .map(|e| (e.url.as_str(), e.mime.as_deref(), e.length))
            .collect();
        assert_eq!(
            urls,
            [
                (
                    "https://cast.example/12.mp3",
                    Some("audio/mpeg"),
                    Some(4200)
                ),
                ("https://cast.example/12.jpg", Some("image/jpeg"), Some(99))
            ]
        );
    }

    #[test]
    fn an_item_without_id_or_feed_is_a_bad_answer() {
        let no_id = serde_json::json!({"origin": {"streamId": "feed/1"}});
        assert!(parse_item(&no_id).is_err());
        let no_feed = serde_json::json!({"id": "1"});
        assert!(parse_item(&no_feed).is_err());
        let map = serde_json::json!({"items": {"not": "a list"}});
        assert!(parse_items(map.as_object().unwrap()).is_err());
    }
}
