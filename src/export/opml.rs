//! Subscriptions out as OPML 2.0: a folder per feed's first tag (untagged feeds at the top
//! level), every tag in the `category` attribute, titles kept. `tidings import` reads folders
//! and categories back as tags, so export → import → export gives the same document.

use std::fmt::Write as _;

use crate::model::Feed;

/// XML attribute text: escaped as any XML text, with line breaks and tabs as spaces (a
/// parser would turn them into spaces anyway).
fn attr(s: &str) -> String {
    super::items::xml(&s.replace(['\t', '\n', '\r'], " "))
}

fn outline(out: &mut String, feed: &Feed, indent: &str) {
    let _ = write!(
        out,
        "{indent}<outline type=\"rss\" text=\"{t}\" title=\"{t}\" xmlUrl=\"{}\"",
        attr(&crate::model::redact::url(&feed.url)),
        t = attr(&feed.title)
    );
    if let Some(site) = &feed.site_url {
        let _ = write!(out, " htmlUrl=\"{}\"", attr(site));
    }
    if !feed.tags.is_empty() {
        let tags: Vec<String> = feed.tags.iter().map(|t| format!("/{}", attr(t))).collect();
        let _ = write!(out, " category=\"{}\"", tags.join(","));
    }
    out.push_str("/>\n");
}

/// The OPML document for `feeds` (in the order given within each folder).
pub fn opml(feeds: &[Feed]) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<opml version=\"2.0\">\n  <head>\n    \
         <title>tidings subscriptions</title>\n  </head>\n  <body>\n",
    );
    let mut folders: Vec<&str> = feeds
        .iter()
        .filter_map(|f| f.tags.first().map(String::as_str))
        .collect();
    folders.sort_by_key(|t| t.to_lowercase());
    folders.dedup();
    for folder in folders {
        let _ = writeln!(
            out,
            "    <outline text=\"{t}\" title=\"{t}\">",
            t = attr(folder)
        );
        for feed in feeds
            .iter()
            .filter(|f| f.tags.first().map(String::as_str) == Some(folder))
        {
            outline(&mut out, feed, "      ");
        }
        out.push_str("    </outline>\n");
    }
    for feed in feeds.iter().filter(|f| f.tags.is_empty()) {
        outline(&mut out, feed, "    ");
    }
    out.push_str("  </body>\n</opml>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::FeedId;

    fn feed(id: i64, title: &str, tags: &[&str]) -> Feed {
        Feed {
            id: FeedId(id),
            url: format!("https://f{id}.example/feed?a=1&b=2"),
            title: title.into(),
            site_url: Some(format!("https://f{id}.example/")),
            unread: 0,
            total: 0,
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

    #[test]
    fn folders_by_first_tag_categories_for_all_and_escaped_attributes() {
        let doc = opml(&[
            feed(1, "Crate \"Digest\"", &["rust", "weekly"]),
            feed(2, "Loose", &[]),
            feed(3, "Other", &["rust"]),
        ]);
        assert!(
            doc.contains("<outline text=\"rust\" title=\"rust\">"),
            "{doc}"
        );
        assert!(doc.contains("title=\"Crate &quot;Digest&quot;\""), "{doc}");
        assert!(
            doc.contains("xmlUrl=\"https://f1.example/feed?a=1&amp;b=2\""),
            "{doc}"
        );
        assert!(doc.contains("category=\"/rust,/weekly\""), "{doc}");
        // Reads back with the importer: three feeds, with their titles.
        let (subs, skipped) = super::super::subscriptions::parse_subscriptions(&doc).unwrap();
        assert!(skipped.is_empty());
        assert_eq!(subs.len(), 3);
        assert_eq!(subs[0].title.as_deref(), Some("Crate \"Digest\""));
    }
}
