//! One story, once (issue #23): the keys that say two entries of different feeds are the same
//! story. In order of confidence: the same link once normalised (scheme, `www.`, a trailing
//! slash, default ports and tracking parameters do not count), the same guid where the guid is a
//! web address (in the same key space as links: a guid that is the other copy's link is that
//! story), the same title and body text. Never a fuzzy guess: a different story must never
//! hide behind another, so a link that names a site's front page, or that several entries of
//! one document share, is no key at all.
//!
//! A key is a 64-bit FNV-1a hash of its kind and normalised value ([`super::hash`], fixed by
//! its definition, so keys stored by one build match another's).

use std::collections::HashMap;

use super::FeedId;
use super::hash::Fnv1a;

/// Two subscriptions that look like one feed: `drop` would merge into `keep`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TwinFeeds {
    pub keep: FeedId,
    pub drop: FeedId,
    /// Stories the two have in common; 0 when their addresses are one.
    pub shared: u64,
}

/// Query parameters that only track where a reader came from; a link differs by none of them.
const TRACKING: &[&str] = &[
    "fbclid",
    "gclid",
    "dclid",
    "gbraid",
    "wbraid",
    "msclkid",
    "yclid",
    "twclid",
    "igshid",
    "mc_cid",
    "mc_eid",
    "_hsenc",
    "_hsmi",
    "mkt_tok",
    "ref_src",
    "ref_url",
    "oly_anon_id",
    "oly_enc_id",
    "vero_id",
    "wt_mc",
    "__s",
];

/// Body text shorter than this (in bytes) makes no key with its title:
/// "Comments" or an empty body says nothing about which story it is.
const MIN_TEXT: usize = 80;

fn is_tracking(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    name.starts_with("utm_") || name.starts_with("pk_") || TRACKING.contains(&name.as_str())
}

/// A link as the story it names, or `None` when it names no one story: not a web address, or a
/// site's front page (a path of `/` and no query: many feeds link every entry there).
pub fn normal_link(link: &str) -> Option<String> {
    let url = url::Url::parse(link.trim()).ok()?;
    if !matches!(url.scheme(), "http" | "https") {
        return None;
    }
    let host = url.host_str()?.to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host);
    let mut out = String::with_capacity(link.len());
    out.push_str(host);
    if let Some(port) = url.port() {
        out.push(':');
        out.push_str(&port.to_string());
    }
    out.push_str(url.path().trim_end_matches('/'));
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(name, _)| !is_tracking(name))
        .map(|(n, v)| (n.into_owned(), v.into_owned()))
        .collect();
    if !kept.is_empty() {
        out.push('?');
        for (i, (name, value)) in kept.iter().enumerate() {
            if i > 0 {
                out.push('&');
            }
            out.push_str(name);
            if !value.is_empty() {
                out.push('=');
                out.push_str(value);
            }
        }
    }
    if let Some(fragment) = url.fragment().filter(|f| !f.is_empty() && !f.contains('=')) {
        // A fragment can tell entries of one page apart (`#v1.2`); one with `=` is a tracker's.
        out.push('#');
        out.push_str(fragment);
    }
    // A front page (no path, no query) is where many feeds link every entry.
    (!url.path().trim_end_matches('/').is_empty() || !kept.is_empty()).then_some(out)
}

/// A host without its `www.`, lower case.
fn host_of(address: &str) -> Option<String> {
    let url = url::Url::parse(address.trim()).ok()?;
    let host = url.host_str()?.to_ascii_lowercase();
    Some(
        host.strip_prefix("www.")
            .map_or_else(|| host.clone(), str::to_owned),
    )
}

/// Whether an entry linking to `link` is the story's own publisher's copy: its link is on the
/// host of its feed's site or of the feed itself (an author's blog, not a planet, a link blog
/// or a feed service re-posting it).
pub fn is_original(link: Option<&str>, feed_url: &str, site_url: Option<&str>) -> bool {
    let Some(host) = link.and_then(host_of) else {
        return false;
    };
    site_url.and_then(host_of).as_deref() == Some(host.as_str())
        || host_of(feed_url).as_deref() == Some(host.as_str())
}

fn finish(h: Fnv1a) -> i64 {
    // Stored in an INTEGER column: reinterpret the bits.
    i64::from_ne_bytes(h.finish().to_ne_bytes())
}

/// The key of a web address (an entry's link, or a guid that is one).
pub fn address_key(link: &str) -> Option<i64> {
    let normal = normal_link(link)?;
    let mut h = Fnv1a::default();
    h.write(b"u");
    h.write(normal.as_bytes());
    Some(finish(h))
}

/// Appends `text` to `out` with every run of white space one space (none at the ends) and
/// letters in lower case.
fn push_folded(out: &mut Vec<u8>, text: &str) {
    let start = out.len();
    let mut buf = [0u8; 4];
    for word in text.split_whitespace() {
        if out.len() > start {
            out.push(b' ');
        }
        if word.is_ascii() {
            out.extend(word.bytes().map(|b| b.to_ascii_lowercase()));
        } else {
            for c in word.chars().flat_map(char::to_lowercase) {
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            }
        }
    }
}

/// The key of a title with its body text, when both say enough to name one story. The text is
/// the search text (`store::text`), whose white space is already one space between words; it
/// is only folded to lower case here (in long runs: this runs over every new entry's text).
pub fn text_key(title: &str, text: &str) -> Option<i64> {
    let text = text.trim();
    if text.len() < MIN_TEXT {
        return None;
    }
    let mut folded = Vec::with_capacity(title.len() + text.len() + 2);
    folded.push(b't');
    push_folded(&mut folded, title);
    if folded.len() == 1 {
        return None;
    }
    folded.push(0xff);
    folded.extend_from_slice(text.to_lowercase().as_bytes());
    let h = super::hash::words64(&folded);
    Some(i64::from_ne_bytes(h.to_ne_bytes()))
}

/// The address keys of an entry: its link's, and its guid's when the guid is a web address.
pub fn addresses(link: Option<&str>, guid: Option<&str>) -> [Option<i64>; 2] {
    let link = link.and_then(address_key);
    let guid = guid.and_then(address_key).filter(|g| Some(*g) != link);
    [link, guid]
}

/// An entry's story keys, most confident first, without repeats: its `addresses` but those
/// in `shared` (sorted), then its title and text's.
pub fn keys(addresses: [Option<i64>; 2], shared: &[i64], title: &str, text: &str) -> Vec<i64> {
    let mut out: Vec<i64> = addresses
        .into_iter()
        .flatten()
        .filter(|k| shared.binary_search(k).is_err())
        .collect();
    if let Some(k) = text_key(title, text).filter(|k| !out.contains(k)) {
        out.push(k);
    }
    out
}

/// The address keys that more than one entry of a document carries (sorted): a feed that links
/// every entry to one page says nothing by it, so those are no keys for any of them.
pub fn shared_addresses(addresses: &[[Option<i64>; 2]]) -> Vec<i64> {
    let mut seen: HashMap<i64, usize> = HashMap::new();
    for (i, pair) in addresses.iter().enumerate() {
        for k in pair.iter().flatten() {
            seen.entry(*k)
                .and_modify(|first| {
                    if *first != i {
                        *first = usize::MAX;
                    }
                })
                .or_insert(i);
        }
    }
    let mut shared: Vec<i64> = seen
        .into_iter()
        .filter(|&(_, i)| i == usize::MAX)
        .map(|(k, _)| k)
        .collect();
    shared.sort_unstable();
    shared
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_differing_by_scheme_www_slash_port_or_trackers_are_one_story() {
        let one = normal_link("https://example.com/2024/05/post/").unwrap();
        for same in [
            "http://example.com/2024/05/post",
            "https://www.example.com/2024/05/post/",
            "https://EXAMPLE.com:443/2024/05/post",
            "https://example.com/2024/05/post?utm_source=rss&utm_medium=feed",
            "https://example.com/2024/05/post/?fbclid=abc123",
            "https://example.com/2024/05/post#xtor=RSS-1",
        ] {
            assert_eq!(normal_link(same).unwrap(), one, "{same}");
        }
    }

    #[test]
    fn links_to_different_stories_stay_apart() {
        let one = normal_link("https://example.com/post?id=1").unwrap();
        for other in [
            "https://example.com/post?id=2",
            "https://example.com/post",
            "https://example.org/post?id=1",
            "https://blog.example.com/post?id=1",
            "https://example.com/post?id=1#part-2",
            "https://example.com:8080/post?id=1",
            "https://example.com/Post?id=1",
        ] {
            assert_ne!(normal_link(other).unwrap(), one, "{other}");
        }
    }

    #[test]
    fn front_pages_and_other_schemes_are_no_story() {
        for none in [
            "https://example.com/",
            "https://www.example.com",
            "http://example.com/?utm_source=x",
            "mailto:a@example.com",
            "urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a",
            "tag:example.com,2024:post-1",
            "not a link",
            "",
        ] {
            assert_eq!(normal_link(none), None, "{none}");
        }
        assert!(normal_link("https://example.com/?p=123").is_some());
    }

    #[test]
    fn a_guid_that_is_the_other_copys_link_is_the_same_key() {
        let a = keys(
            addresses(Some("https://planet.example/post-1"), None),
            &[],
            "T",
            "",
        );
        let b = keys(
            addresses(
                Some("https://blog.example/x"),
                Some("http://planet.example/post-1/"),
            ),
            &[],
            "T",
            "",
        );
        assert!(b.contains(&a[0]));
        // A guid that is the link is one key.
        let same = addresses(Some("https://a.example/p"), Some("https://a.example/p/"));
        assert_eq!(same[1], None);
    }

    #[test]
    fn the_publishers_own_copy_is_told_from_a_re_post() {
        let link = Some("https://www.ann.example/2026/folding/");
        assert!(is_original(link, "https://ann.example/feed.xml", None));
        assert!(is_original(
            link,
            "https://feeds.host.example/ann",
            Some("https://ann.example/")
        ));
        assert!(!is_original(
            link,
            "https://planet.example/rss",
            Some("https://planet.example/")
        ));
        assert!(!is_original(None, "https://ann.example/feed.xml", None));
        assert!(!is_original(
            Some("not a link"),
            "https://ann.example/feed.xml",
            None
        ));
    }

    #[test]
    fn title_and_text_make_a_key_only_when_they_say_enough() {
        let body = "The river was high this winter, and the ferry ran late every day of the week.";
        assert!(body.len() >= MIN_TEXT - 10);
        let long = format!("{body} More words.");
        assert_eq!(text_key("Title", "Comments"), None);
        assert_eq!(text_key("", &long), None);
        let k = text_key("A  Title", &long).unwrap();
        assert_eq!(
            text_key("a title", &format!(" {} ", long.to_uppercase())),
            Some(k)
        );
        assert_ne!(text_key("Another title", &long), Some(k));
        assert_ne!(text_key("A Title", &format!("{long}!")), Some(k));
        // Letters beyond ASCII fold too.
        assert_eq!(
            text_key("Ärger", &format!("ÜBER {long}")),
            text_key("ärger", &format!("über {long}"))
        );
    }

    #[test]
    fn addresses_shared_inside_a_document_are_found() {
        let docs = [
            addresses(Some("https://ex.com/a"), None),
            addresses(Some("https://ex.com/all"), Some("https://ex.com/b")),
            addresses(Some("https://ex.com/all/"), None),
            addresses(Some("https://ex.com/c"), Some("https://ex.com/c")),
        ];
        let shared = shared_addresses(&docs);
        let all = address_key("https://ex.com/all").unwrap();
        assert_eq!(shared, vec![all]);
        assert!(
            keys(docs[1], &shared, "", "").len() == 1,
            "b stays, all goes"
        );
    }
}
