//! Reading subscription lists: OPML 1.0/2.0 (every `outline` with an `xmlUrl`, at any depth)
//! and newsboat's `urls` format (one URL a line, then optional "tags"; `#` comments).

use std::borrow::Cow;

use quick_xml::XmlVersion;
use quick_xml::events::Event;
use quick_xml::reader::Reader;

use crate::model::sanitize;

/// One feed to subscribe to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscription {
    pub url: String,
    pub title: Option<String>,
}

/// Why a subscription list could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("not valid OPML: {0}")]
    Opml(String),
}

/// Reads `text` as OPML when it looks like XML, else as a newsboat `urls` file. Also returns
/// the lines that were skipped, with why, so the user can be told.
pub fn parse_subscriptions(text: &str) -> Result<(Vec<Subscription>, Vec<String>), ImportError> {
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    if trimmed.starts_with('<') {
        opml(trimmed).map(|subs| (subs, Vec::new()))
    } else {
        Ok(urls(text))
    }
}

fn opml(text: &str) -> Result<Vec<Subscription>, ImportError> {
    let mut reader = Reader::from_str(text);
    let mut out = Vec::new();
    let mut saw_opml = false;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e) | Event::Empty(e)) => {
                let name = e.local_name();
                if name.as_ref().eq_ignore_ascii_case("opml") {
                    saw_opml = true;
                }
                if !name.as_ref().eq_ignore_ascii_case("outline") {
                    continue;
                }
                let mut url = None;
                let mut title = None;
                let mut text_attr = None;
                for attr in e.attributes().flatten() {
                    let value = attr
                        .normalized_value(XmlVersion::Implicit1_0)
                        .map_or_else(|_| attr.value.clone().into_owned(), Cow::into_owned);
                    match attr.key.local_name().as_ref() {
                        k if k.eq_ignore_ascii_case("xmlurl") => url = Some(value),
                        "title" => title = Some(value),
                        "text" => text_attr = Some(value),
                        _ => {}
                    }
                }
                if let Some(url) = url.map(|u| sanitize::line(&u)).filter(|u| !u.is_empty()) {
                    let title = title
                        .or(text_attr)
                        .map(|t| sanitize::line(&t))
                        .filter(|t| !t.is_empty());
                    out.push(Subscription { url, title });
                }
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => {
                let position = reader.buffer_position();
                return Err(ImportError::Opml(format!("{e} (at byte {position})")));
            }
        }
    }
    if saw_opml {
        Ok(out)
    } else {
        Err(ImportError::Opml("no <opml> element".into()))
    }
}

fn urls(text: &str) -> (Vec<Subscription>, Vec<String>) {
    let mut subs = Vec::new();
    let mut skipped = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let url = line.split_whitespace().next().unwrap_or_default();
        let lower = url.to_ascii_lowercase();
        if lower.starts_with("http://")
            || lower.starts_with("https://")
            || lower.starts_with("file://")
        {
            subs.push(Subscription {
                url: sanitize::line(url),
                title: None,
            });
        } else {
            skipped.push(format!(
                "line {}: '{}' is not an http(s) or file URL",
                n + 1,
                sanitize::line(url)
            ));
        }
    }
    (subs, skipped)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opml_outlines_at_any_depth() {
        let text = r#"<?xml version="1.0"?>
<opml version="2.0"><head><title>subs</title></head><body>
  <outline text="Tech">
    <outline type="rss" text="A &amp; B" xmlUrl="https://a.example/feed?x=1&amp;y=2"/>
    <outline text="Deeper"><outline title="C" xmlUrl="https://c.example/rss"/></outline>
  </outline>
  <outline text="no url"/>
</body></opml>"#;
        let (subs, skipped) = parse_subscriptions(text).unwrap();
        assert!(skipped.is_empty());
        assert_eq!(
            subs,
            vec![
                Subscription {
                    url: "https://a.example/feed?x=1&y=2".into(),
                    title: Some("A & B".into())
                },
                Subscription {
                    url: "https://c.example/rss".into(),
                    title: Some("C".into())
                },
            ]
        );
    }

    #[test]
    fn broken_opml_is_an_error_with_a_position() {
        let err = parse_subscriptions("<opml><body><outline xmlUrl='x'></body>").unwrap_err();
        assert!(err.to_string().starts_with("not valid OPML"), "{err}");
    }

    #[test]
    fn xml_that_is_not_opml_is_refused() {
        assert!(parse_subscriptions("<rss><channel/></rss>").is_err());
    }

    #[test]
    fn newsboat_urls_with_tags_comments_and_query_feeds() {
        let text = "# my feeds\nhttps://a.example/feed \"tech\" \"~A\"\n\n  http://b.example/rss\nquery:unread:unread = \"yes\"\nfile:///tmp/x.xml\n";
        let (subs, skipped) = parse_subscriptions(text).unwrap();
        let urls: Vec<_> = subs.iter().map(|s| s.url.as_str()).collect();
        assert_eq!(
            urls,
            [
                "https://a.example/feed",
                "http://b.example/rss",
                "file:///tmp/x.xml"
            ]
        );
        assert_eq!(skipped.len(), 1);
        assert!(skipped[0].starts_with("line 5:"), "{skipped:?}");
    }

    #[test]
    fn hostile_titles_are_sanitised() {
        let text = "<opml><body><outline title=\"x&#27;[2Jy\" xmlUrl=\"https://a.example/\"/></body></opml>";
        let (subs, _) = parse_subscriptions(text).unwrap();
        assert_eq!(subs[0].title.as_deref(), Some("x[2Jy"));
    }
}
