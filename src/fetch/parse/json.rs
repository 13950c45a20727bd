//! JSON Feed, read leniently straight into `IncomingFeed` (not through feed-rs, whose typed
//! reader rejects a whole feed for one wrong field). Every item that is an object is kept;
//! fields of the wrong type are ignored; `items` may be one object; any `version` is accepted;
//! duplicate keys keep the last value. Nesting deeper than `MAX_JSON_DEPTH` is replaced by
//! `null` before `serde_json` sees it (its own limit of 128 would reject the whole document).
//! Items past `MAX_ENTRIES` are read over without being kept (a 33 MB feed of two million
//! tiny items took 1.5 GB as a whole `Value`). Uses `serde_json` and the `normalize` rules.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};
use url::Url;

use super::UNTITLED;
use crate::fetch::normalize::{
    TextKind, entry_key, parse_date, plain_line, resolve_http, text_to_html,
};
use crate::model::enclosure::{self, Enclosure};
use crate::model::{IncomingEntry, IncomingFeed};

/// Deeper arrays and objects become `null`; JSON Feed itself needs four levels.
pub const MAX_JSON_DEPTH: usize = 64;

/// The top-level object, its `items` array cut to `MAX_ENTRIES` as it is read.
struct Top(Map<String, Value>);

impl<'de> Deserialize<'de> for Top {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Fields;
        impl<'de> Visitor<'de> for Fields {
            type Value = Top;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Top, A::Error> {
                let mut out = Map::new();
                while let Some(key) = map.next_key::<String>()? {
                    let value = if key == "items" {
                        map.next_value::<Items>()?.0
                    } else {
                        map.next_value::<Value>()?
                    };
                    out.insert(key, value);
                }
                Ok(Top(out))
            }
        }
        d.deserialize_map(Fields)
    }
}

/// `items`: an array keeps its first `MAX_ENTRIES` elements; anything else is read whole.
struct Items(Value);

impl<'de> Deserialize<'de> for Items {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Elements;
        impl<'de> Visitor<'de> for Elements {
            type Value = Items;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("JSON Feed items")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Items, A::Error> {
                let mut kept = Vec::new();
                while kept.len() < super::repair::MAX_ENTRIES {
                    match seq.next_element::<Value>()? {
                        Some(v) => kept.push(v),
                        None => return Ok(Items(Value::Array(kept))),
                    }
                }
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Items(Value::Array(kept)))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Items, A::Error> {
                Value::deserialize(de::value::MapAccessDeserializer::new(map)).map(Items)
            }
            fn visit_str<E>(self, _: &str) -> Result<Items, E> {
                Ok(Items(Value::Null))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Items, E> {
                Ok(Items(Value::Null))
            }
            fn visit_i64<E>(self, _: i64) -> Result<Items, E> {
                Ok(Items(Value::Null))
            }
            fn visit_u64<E>(self, _: u64) -> Result<Items, E> {
                Ok(Items(Value::Null))
            }
            fn visit_f64<E>(self, _: f64) -> Result<Items, E> {
                Ok(Items(Value::Null))
            }
            fn visit_unit<E>(self) -> Result<Items, E> {
                Ok(Items(Value::Null))
            }
        }
        d.deserialize_any(Elements)
    }
}

/// The feed in `text`, or `None` when it is not a JSON object.
pub fn parse_json(text: &str, base: Option<&Url>) -> Option<IncomingFeed> {
    let flat = flatten(text, MAX_JSON_DEPTH);
    let Top(feed) = serde_json::from_str(&flat).ok()?;
    let feed = &feed;
    let feed_author = author(feed);
    let items: Vec<&Map<String, Value>> = match feed.get("items") {
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_object).collect(),
        Some(Value::Object(item)) => vec![item],
        _ => Vec::new(),
    };
    Some(IncomingFeed {
        title: string(feed, "title").and_then(|t| plain_line(t, TextKind::Plain)),
        site_url: string(feed, "home_page_url").and_then(|u| resolve_http(u, base)),
        ttl_minutes: None,
        entries: items
            .into_iter()
            .map(|item| entry(item, base, feed_author.as_deref()))
            .collect(),
    })
}

fn string<'v>(map: &'v Map<String, Value>, key: &str) -> Option<&'v str> {
    map.get(key)
        .and_then(Value::as_str)
        .filter(|s| !s.trim().is_empty())
}

/// `author.name`, else the first of `authors` with a name.
fn author(map: &Map<String, Value>) -> Option<String> {
    let single = map.get("author").and_then(Value::as_object);
    let many = map
        .get("authors")
        .and_then(Value::as_array)
        .into_iter()
        .flatten();
    single
        .into_iter()
        .chain(many.filter_map(Value::as_object))
        .find_map(|a| string(a, "name").and_then(|n| plain_line(n, TextKind::Plain)))
}

fn entry(
    item: &Map<String, Value>,
    base: Option<&Url>,
    feed_author: Option<&str>,
) -> IncomingEntry {
    let guid = match item.get("id") {
        Some(Value::String(s)) => plain_line(s, TextKind::Plain),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    let link = ["url", "external_url"]
        .into_iter()
        .find_map(|k| string(item, k).and_then(|u| resolve_http(u, base)));
    let title = string(item, "title")
        .and_then(|t| plain_line(t, TextKind::Plain))
        .unwrap_or_else(|| UNTITLED.to_owned());
    let content_html = string(item, "content_html")
        .map(str::to_owned)
        .or_else(|| string(item, "content_text").map(text_to_html))
        .or_else(|| string(item, "summary").map(text_to_html))
        .unwrap_or_default();
    let published = string(item, "date_published").and_then(parse_date);
    let updated = string(item, "date_modified").and_then(parse_date);
    let date = published
        .or(updated)
        .map(|d| d.to_rfc3339())
        .unwrap_or_default();
    IncomingEntry {
        key: entry_key(
            guid.as_deref(),
            link.as_deref(),
            &title,
            &date,
            &content_html,
        ),
        guid,
        title,
        link,
        author: author(item).or_else(|| feed_author.map(str::to_owned)),
        published,
        updated,
        content_html,
        enclosures: attachments(item, base),
    }
}

/// `attachments`: each object with a `url`; `mime_type`, `size_in_bytes` and
/// `duration_in_seconds` when they are numbers and strings as they should be.
#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)] // checked: finite, 0..1e15
fn attachments(item: &Map<String, Value>, base: Option<&Url>) -> Vec<Enclosure> {
    let Some(Value::Array(list)) = item.get("attachments") else {
        return Vec::new();
    };
    let found = list.iter().filter_map(Value::as_object).filter_map(|a| {
        let url = string(a, "url").and_then(|u| resolve_http(u, base))?;
        let number = |key: &str| match a.get(key) {
            Some(Value::Number(n)) => n.as_u64().or_else(|| {
                n.as_f64()
                    .filter(|f| f.is_finite() && *f >= 0.0 && *f < 1e15)
                    .map(|f| f as u64)
            }),
            _ => None,
        };
        Enclosure::new(
            &url,
            string(a, "mime_type"),
            number("size_in_bytes"),
            number("duration_in_seconds"),
        )
    });
    enclosure::merged(found)
}

/// `text` with every array or object nested deeper than `max` replaced by `null`; strings are
/// skipped over so brackets inside them do not count. Linear; leaves invalid JSON invalid.
fn flatten(text: &str, max: usize) -> std::borrow::Cow<'_, str> {
    let bytes = text.as_bytes();
    let mut out: Option<String> = None;
    let (mut depth, mut i, mut copied) = (0usize, 0usize, 0usize);
    while i < bytes.len() {
        match bytes[i] {
            b'"' => i = skip_string(bytes, i),
            b'[' | b'{' if depth >= max => {
                let end = skip_value(bytes, i);
                let o = out.get_or_insert_with(|| String::with_capacity(text.len()));
                o.push_str(&text[copied..i]);
                o.push_str("null");
                copied = end;
                i = end;
                continue;
            }
            b'[' | b'{' => depth += 1,
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    match out {
        Some(mut o) => {
            o.push_str(&text[copied..]);
            std::borrow::Cow::Owned(o)
        }
        None => std::borrow::Cow::Borrowed(text),
    }
}

/// The index of the closing quote of the string starting at `at`.
fn skip_string(bytes: &[u8], at: usize) -> usize {
    let mut i = at + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return i,
            _ => i += 1,
        }
    }
    bytes.len()
}

/// The index just past the array or object starting at `at`.
fn skip_value(bytes: &[u8], at: usize) -> usize {
    let mut depth = 0usize;
    let mut i = at;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => i = skip_string(bytes, i),
            b'[' | b'{' => depth += 1,
            b']' | b'}' => {
                depth -= 1;
                if depth == 0 {
                    return i + 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    bytes.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> IncomingFeed {
        parse_json(text, None).expect("a JSON object")
    }

    /// Items past the bound are read over, not kept; keys after them still count.
    #[test]
    fn items_past_the_bound_are_not_kept() {
        let items: Vec<String> = (0..=super::super::repair::MAX_ENTRIES + 5)
            .map(|i| format!(r#"{{"id":"{i}","title":"t{i}"}}"#))
            .collect();
        let feed = parse(&format!(
            r#"{{"items":[{}],"title":"after"}}"#,
            items.join(",")
        ));
        assert_eq!(feed.entries.len(), super::super::repair::MAX_ENTRIES);
        assert_eq!(feed.entries[0].title, "t0");
        assert_eq!(feed.title.as_deref(), Some("after"));
    }

    #[test]
    fn wrong_field_types_keep_the_valid_items() {
        let feed = parse(
            r#"{"version":"https://jsonfeed.org/version/9.9","title":["x"],"home_page_url":42,
            "items":[{"id":12345,"title":null,"url":{"x":1},"content_html":7},"str",null,[],
            {"id":"ok","title":"T","url":"https://e.com/1"}]}"#,
        );
        assert_eq!(feed.title, None);
        assert_eq!(feed.entries.len(), 2);
        assert_eq!(feed.entries[0].guid.as_deref(), Some("12345"));
        assert_eq!(feed.entries[1].link.as_deref(), Some("https://e.com/1"));
    }

    #[test]
    fn items_as_one_object_is_one_item() {
        let feed = parse(r#"{"version":"1","items":{"id":"1","content_text":"x"}}"#);
        assert_eq!(feed.entries.len(), 1);
        assert_eq!(feed.entries[0].content_html, "x");
    }

    #[test]
    fn duplicate_keys_keep_the_last() {
        let feed = parse(r#"{"title":"first","title":"second","items":[]}"#);
        assert_eq!(feed.title.as_deref(), Some("second"));
    }

    #[test]
    fn deep_nesting_is_cut_not_fatal() {
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        let text = format!(r#"{{"x":{deep},"items":[{{"id":"1","title":"\"[[[ ok"}}]}}"#);
        let feed = parse(&text);
        assert_eq!(feed.entries.len(), 1);
        assert_eq!(feed.entries[0].title, "\"[[[ ok");
    }

    #[test]
    fn authors_fall_back_to_the_feed() {
        let feed = parse(
            r#"{"authors":[{"name":"F"}],"items":[{"id":"1"},{"id":"2","author":{"name":"A"}}]}"#,
        );
        assert_eq!(feed.entries[0].author.as_deref(), Some("F"));
        assert_eq!(feed.entries[1].author.as_deref(), Some("A"));
    }

    #[test]
    fn dates_use_the_lenient_parser() {
        let feed = parse(r#"{"items":[{"id":"1","date_published":"2024-01-02 03:04:05"}]}"#);
        assert!(feed.entries[0].published.is_some());
    }

    #[test]
    fn non_objects_are_none() {
        assert!(parse_json("[1,2]", None).is_none());
        assert!(parse_json("{oops", None).is_none());
    }
}
