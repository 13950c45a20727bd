//! Feed dialects and habits feed-rs does not read, rewritten element by element (for `repair`)
//! into ones it does: `<rss>` without a version or with 0.93/0.94/2.01 → 2.0, and items straight
//! under `<rss>` get a channel; RSS 0.90 and the `UserLand` RSS 2 namespace → the RSS namespace
//! feed-rs matches; a lowercase `<rdf>` root → `RDF`; RSS 1.0 items without `<link>` get one;
//! HTML written unescaped in RSS titles and descriptions stays text; Atom-style `<link href>` in
//! RSS; `dcterms:created`/`issued` → `dc:date`; empty or oddly typed `itunes:` and `media:`
//! texts (feed-rs fails the whole feed on one); CDF (`<CHANNEL>`/`<ITEM HREF>`) → RSS 2.0.
//! Atom and Atom 0.3 are in `atom`. Which elements feed-rs reads only through their children
//! (`is_container`) is here too. Pure; uses nothing else in the crate.

mod atom;

use std::borrow::Cow;

pub use atom::base64_decode;
use atom::text_kind;

pub const ATOM03: &str = "http://purl.org/atom/ns#";
pub const ATOM10: &str = "http://www.w3.org/2005/Atom";
const RSS090: &str = "http://my.netscape.com/rdf/simple/0.9/";
const RSS10: &str = "http://purl.org/rss/1.0/";
const USERLAND: [&str; 2] = [
    "http://backend.userland.com/rss2",
    "http://backend.userland.com/rss",
];
pub const DC: &str = "http://purl.org/dc/elements/1.1/";
const ITUNES: &str = "http://www.itunes.com/dtds/podcast-1.0.dtd";
const MEDIA: &str = "http://search.yahoo.com/mrss/";
const DCTERMS: &str = "http://purl.org/dc/terms/";
const PODCAST: &str = "https://podcastindex.org/namespace/1.0";
/// The type a podcast's chapters file is kept under (`model::enclosure::CHAPTERS`).
const CHAPTERS_TYPE: &str = "application/json+chapters";
/// The link given to RSS 1.0 items that have none: not http(s), so the link filter drops it.
pub const NO_LINK: &str = "urn:x-tidings:no-link";

/// Prefixes feeds use without declaring them, with the namespaces they always mean.
const WELL_KNOWN: [(&str, &str); 12] = [
    ("dc", DC),
    ("content", "http://purl.org/rss/1.0/modules/content/"),
    ("media", MEDIA),
    ("itunes", ITUNES),
    ("atom", ATOM10),
    ("rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"),
    ("dcterms", DCTERMS),
    ("slash", "http://purl.org/rss/1.0/modules/slash/"),
    ("wfw", "http://wellformedweb.org/CommentAPI/"),
    ("georss", "http://www.georss.org/georss"),
    ("podcast", PODCAST),
    ("xhtml", "http://www.w3.org/1999/xhtml"),
];

/// What the root element said the document is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Atom,
    Atom03,
    Rss,
    Rdf,
    Cdf,
}

/// The dialect of a document whose root element is `raw`, or `None` if it is not a feed root.
pub fn of_root(raw: &str, attrs: &[(&str, &str)]) -> Option<Dialect> {
    let local = raw.rsplit(':').next().unwrap_or(raw).to_ascii_lowercase();
    Some(match local.as_str() {
        "rss" => Dialect::Rss,
        "rdf" => Dialect::Rdf,
        "channel" => Dialect::Cdf,
        "feed" | "entry" => {
            let old = attrs.iter().any(|(name, value)| {
                (*name == "version" && value.trim() == "0.3")
                    || (name.starts_with("xmlns") && *value == ATOM03)
            });
            if old { Dialect::Atom03 } else { Dialect::Atom }
        }
        _ => return None,
    })
}

/// The namespace feed-rs should see instead of `uri`, when it should see another one.
pub fn remapped_namespace(uri: &str) -> Option<&'static str> {
    match uri {
        ATOM03 => Some(ATOM10),
        RSS090 => Some(RSS10),
        u if USERLAND.contains(&u) => Some(RSS10),
        _ => None,
    }
}

pub fn well_known_namespace(prefix: &str) -> Option<&'static str> {
    WELL_KNOWN
        .iter()
        .find(|(p, _)| *p == prefix)
        .map(|(_, uri)| *uri)
}

/// A start tag as the repair pass sees it.
#[derive(Clone, Copy)]
pub struct Element<'e> {
    pub dialect: Dialect,
    /// 0 for the root.
    pub depth: usize,
    /// The namespace the element is in (already remapped).
    pub ns: Option<&'e str>,
    pub prefix: &'e str,
    pub local: &'e str,
    /// The parent's local name as written out.
    pub parent: Option<&'e str>,
}

/// An attribute as the repair pass writes it: name and escaped value, borrowed from the
/// document unless a rule or escaping changed them.
pub type Attr<'a> = (Cow<'a, str>, Cow<'a, str>);

/// How to write a start tag out.
#[derive(Debug, Default)]
pub struct Rewrite {
    /// The element's new name; `None` keeps the name as written.
    pub name: Option<String>,
    /// Markup before the start tag / right after it.
    pub prefix_markup: &'static str,
    pub inject: String,
    pub drop_if_empty: bool,
    /// The element's text is base64 to decode.
    pub base64: bool,
    /// An RSS 1.0 item, with its `rdf:about` when that is a web link.
    pub rdf_about: Option<String>,
    pub suffix: &'static str,
    /// `prefix_markup` opened a `<channel>` that stays open until the root closes.
    pub opens_channel: bool,
    /// Child tags are written as text (HTML inside an RSS title or description).
    pub markup_is_text: bool,
    /// The element's text is dropped (Atom content with `src` must be empty).
    pub discard_body: bool,
    /// The new name's prefix and namespace (Dublin Core, Media RSS): declared unless the prefix
    /// already means it.
    pub declare: Option<(&'static str, &'static str)>,
}

impl Rewrite {
    /// Renames the element to `local` (keeping its prefix), if that is another name.
    pub(super) fn rename(&mut self, e: &Element<'_>, local: &str) {
        if local != e.local {
            self.name = Some(if e.prefix.is_empty() {
                local.to_owned()
            } else {
                format!("{}:{local}", e.prefix)
            });
        }
    }
}

pub(super) fn take_attr<'a>(attrs: &mut Vec<Attr<'a>>, name: &str) -> Option<Cow<'a, str>> {
    let at = attrs
        .iter()
        .position(|(n, _)| n.eq_ignore_ascii_case(name))?;
    Some(attrs.remove(at).1)
}

/// `value` trimmed and in ASCII lowercase, borrowed when it already is.
pub(super) fn trimmed_lowercase(value: Cow<'_, str>) -> Cow<'_, str> {
    let clean = value.len() == value.trim().len() && !value.bytes().any(|b| b.is_ascii_uppercase());
    if clean {
        value
    } else {
        Cow::Owned(value.trim().to_ascii_lowercase())
    }
}

/// Rewrites `e` (and its escaped `attrs`) for feed-rs.
pub fn rewrite(e: &Element<'_>, attrs: &mut Vec<Attr<'_>>) -> Rewrite {
    let mut r = Rewrite::default();
    // feed-rs fails the whole feed on an empty or oddly typed `itunes:title`/`summary` or
    // `media:title`/`description` (an empty `<itunes:summary/>` is common in podcasts).
    match (e.ns, e.local) {
        (Some(ITUNES), "title" | "summary") => {
            let ty = take_attr(attrs, "type").map(trimmed_lowercase);
            if let Some(kind) = ty.as_deref().map(text_kind) {
                attrs.push(("type".into(), kind.into()));
            }
            r.drop_if_empty = true;
        }
        (Some(MEDIA), "title" | "description") => {
            let ty = take_attr(attrs, "type").map(trimmed_lowercase);
            if ty.as_deref().map(text_kind) == Some("html") {
                attrs.push(("type".into(), "html".into()));
            }
            r.drop_if_empty = true;
        }
        _ => {}
    }
    match e.dialect {
        Dialect::Rss if e.depth == 0 => rss_version(attrs),
        Dialect::Rss if e.depth == 1 && e.local == "item" => {
            // Items straight under `<rss>`: give them the channel they belong in.
            r.prefix_markup = "<channel>";
            r.opens_channel = true;
        }
        Dialect::Rss | Dialect::Rdf | Dialect::Cdf
            if e.depth >= 2
                && ((e.prefix.is_empty() && matches!(e.local, "title" | "description"))
                    || e.local == "encoded") =>
        {
            r.markup_is_text = true;
        }
        Dialect::Rss | Dialect::Rdf
            if e.ns == Some(DCTERMS) && matches!(e.local, "created" | "issued") =>
        {
            // feed-rs reads `dc:date` as the publication date, and Dublin Core terms not at all.
            r.name = Some("dc:date".to_owned());
            r.declare = Some(("dc", DC));
        }
        Dialect::Rss
            if e.depth >= 3
                && e.prefix.is_empty()
                && e.parent == Some("item")
                && (e.local == "enclosure" || is_enclosure_link(e, attrs)) =>
        {
            enclosure_as_media(attrs, &mut r);
        }
        Dialect::Rss
            if e.ns == Some(PODCAST) && e.local == "chapters" && e.parent == Some("item") =>
        {
            // feed-rs does not read the podcast namespace's chapters: kept as an enclosure of
            // their own type.
            take_attr(attrs, "type");
            attrs.push(("type".into(), CHAPTERS_TYPE.into()));
            enclosure_as_media(attrs, &mut r);
        }
        Dialect::Rss if e.depth >= 2 && e.prefix.is_empty() && e.local == "link" => {
            // An Atom-style `<link href="..."/>` in RSS: the href is the link.
            let rel = attrs
                .iter()
                .find(|(n, _)| n == "rel")
                .map(|(_, v)| v.trim());
            if rel.is_none_or(|rel| rel == "alternate")
                && let Some(href) = take_attr(attrs, "href")
            {
                r.inject = href.into_owned();
            }
        }
        Dialect::Rdf if e.depth == 0 => r.rename(e, "RDF"),
        Dialect::Rdf if e.depth == 1 && e.local == "item" => {
            let about = attrs
                .iter()
                .find(|(n, _)| n == "rdf:about" || n == "about")
                .map(|(_, v)| v.trim())
                .filter(|v| v.starts_with("http://") || v.starts_with("https://"));
            r.rdf_about = Some(about.unwrap_or_default().to_owned());
        }
        Dialect::Atom | Dialect::Atom03
            if e.ns == Some(ATOM10) || (e.ns.is_none() && e.prefix.is_empty()) =>
        {
            atom::rewrite(e, attrs, &mut r);
        }
        Dialect::Cdf => cdf(e, attrs, &mut r),
        _ => {}
    }
    r
}

/// Whether feed-rs reads the element `e`, written as `local`, only through its child elements,
/// so that whitespace directly inside it is never read: the feed root, RSS's `<channel>` and
/// `<item>`, RSS 1.0's, and Atom's `<entry>`. feed-rs walks these with `Element::children`,
/// which steps over text, and never asks them for their text (`parser::rss2::handle_channel`,
/// `handle_item`, `rss1::parse`, `atom::parse_feed`, `handle_entry`, feed-rs 3.0); an element
/// it does not recognise (another namespace) it skips whole. `parent_container` is whether the
/// parent is one. The namespace test is feed-rs's own: no namespace reads as the root's.
pub fn is_container(e: &Element<'_>, local: &str, parent_container: bool) -> bool {
    let rss = e.ns.is_none_or(|ns| ns == RSS10);
    let atom = e.ns.is_none_or(|ns| ns == ATOM10);
    match (e.dialect, e.depth) {
        (Dialect::Rss, 0) => local == "rss",
        (Dialect::Rdf, 0) => local == "RDF",
        (Dialect::Atom | Dialect::Atom03, 0) => matches!(local, "feed" | "entry"),
        _ if !parent_container => false,
        // feed-rs takes the first child named `channel`, whatever its namespace.
        (Dialect::Rss, 1) => local == "channel",
        (Dialect::Rss, 2) => local == "item" && rss && e.parent == Some("channel"),
        (Dialect::Rdf, 1) => matches!(local, "channel" | "item") && rss,
        (Dialect::Atom | Dialect::Atom03, 1) => {
            local == "entry" && atom && e.parent == Some("feed")
        }
        _ => false,
    }
}

/// An Atom-style `<link rel="enclosure" href="…">` in an RSS item.
fn is_enclosure_link(e: &Element<'_>, attrs: &[Attr<'_>]) -> bool {
    e.local == "link"
        && attrs
            .iter()
            .any(|(n, v)| n == "rel" && v.trim().eq_ignore_ascii_case("enclosure"))
}

/// An RSS enclosure written as the `media:content` it means. feed-rs reads both, but keeps an
/// item's `<enclosure>` only when the item has no `media:content` (`postprocess_media`, feed-rs
/// 3.0): a podcast that also gives its cover as `media:content` lost every episode.
fn enclosure_as_media(attrs: &mut Vec<Attr<'_>>, r: &mut Rewrite) {
    let url = take_attr(attrs, "url").or_else(|| take_attr(attrs, "href"));
    let ty = take_attr(attrs, "type");
    let length = take_attr(attrs, "length");
    attrs.retain(|(n, _)| n.starts_with("xmlns") || n.starts_with("xml:"));
    attrs.extend(url.map(|u| (Cow::Borrowed("url"), u)));
    attrs.extend(ty.map(|t| (Cow::Borrowed("type"), t)));
    attrs.extend(length.map(|l| (Cow::Borrowed("fileSize"), trimmed_lowercase(l))));
    r.name = Some("media:content".to_owned());
    r.declare = Some(("media", MEDIA));
}

/// feed-rs reads `<rss>` only at versions 2.0, 0.91 and 0.92; the others are read as 2.0.
fn rss_version(attrs: &mut Vec<Attr<'_>>) {
    let known = ["2.0", "0.91", "0.92"];
    match attrs.iter_mut().find(|(n, _)| n == "version") {
        Some((_, v)) if v.len() != v.trim().len() && known.contains(&v.trim()) => {
            *v = Cow::Owned(v.trim().to_owned());
        }
        Some((_, v)) if known.contains(&v.trim()) => {}
        Some((_, v)) => *v = "2.0".into(),
        None => attrs.insert(0, ("version".into(), "2.0".into())),
    }
}

/// Microsoft's Channel Definition Format, read as the RSS 2.0 it resembles.
fn cdf(e: &Element<'_>, attrs: &mut Vec<Attr<'_>>, r: &mut Rewrite) {
    let local = e.local.to_ascii_lowercase();
    let href = take_attr(attrs, "href");
    let lastmod = take_attr(attrs, "lastmod");
    attrs.retain(|(n, _)| n.starts_with("xmlns") || n.starts_with("xml:"));
    r.name = Some(match (e.depth, local.as_str()) {
        (0, _) => {
            r.prefix_markup = "<rss version=\"2.0\">";
            r.suffix = "</rss>";
            "channel".to_owned()
        }
        (_, "abstract") => "description".to_owned(),
        (_, other) => other.to_owned(),
    });
    if let Some(href) = href.filter(|h| !h.trim().is_empty()) {
        r.inject = format!("<link>{href}</link>");
    }
    if let Some(lastmod) = lastmod.filter(|_| local == "item") {
        r.inject.push_str("<pubDate>");
        r.inject.push_str(&lastmod);
        r.inject.push_str("</pubDate>");
    }
}

#[cfg(test)]
mod tests {
    use super::super::repair::repair;
    use super::*;

    fn fixed(doc: &str) -> String {
        repair(doc).expect("a feed root")
    }

    #[test]
    fn rss_without_a_known_version_reads_as_2_0() {
        assert_eq!(
            fixed("<rss><channel/></rss>"),
            "<rss version=\"2.0\"><channel></channel></rss>"
        );
        assert_eq!(
            fixed("<rss version='0.94'/>"),
            "<rss version=\"2.0\"></rss>"
        );
        assert_eq!(
            fixed("<rss version=\"0.91\"/>"),
            "<rss version=\"0.91\"></rss>"
        );
    }

    #[test]
    fn rss_090_and_userland_namespaces_become_rss_1_0() {
        let out =
            fixed("<rdf:RDF xmlns:rdf=\"r\" xmlns=\"http://my.netscape.com/rdf/simple/0.9/\"/>");
        assert!(out.contains("xmlns=\"http://purl.org/rss/1.0/\""), "{out}");
        let out = fixed("<r:rss xmlns:r=\"http://backend.userland.com/rss2\" version=\"2.0\"/>");
        assert!(
            out.contains("xmlns:r=\"http://purl.org/rss/1.0/\""),
            "{out}"
        );
    }

    #[test]
    fn rss_items_without_a_channel_get_one() {
        assert_eq!(
            fixed("<rss><item><title>a</title></item><item/></rss>"),
            "<rss version=\"2.0\"><channel><item><title>a</title></item><item></item></channel></rss>"
        );
    }

    #[test]
    fn dublin_core_terms_dates_become_dc_date() {
        let out = fixed(
            "<rss xmlns:dcterms=\"http://purl.org/dc/terms/\"><channel><item><dcterms:created>d</dcterms:created></item></channel></rss>",
        );
        assert!(
            out.contains("<dc:date xmlns:dc=\"http://purl.org/dc/elements/1.1/\">d</dc:date>"),
            "{out}"
        );
        // Where `dc` already means Dublin Core, an item's `dc:date` needs no declaration.
        let out = fixed(
            "<rss xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\">\
             <channel><item><dcterms:issued>d</dcterms:issued></item></channel></rss>",
        );
        assert!(out.contains("<item><dc:date>d</dc:date></item>"), "{out}");
    }

    #[test]
    fn atom_style_links_in_rss_give_their_href() {
        let out = fixed(
            "<rss><channel><item><link href=\"http://e.com/1\"/><link rel=\"enclosure\" href=\"x\"/></item></channel></rss>",
        );
        // An enclosure link is an enclosure (issue #22), written as the `media:content` it means.
        assert!(
            out.contains(
                "<link>http://e.com/1</link><media:content url=\"x\" \
                 xmlns:media=\"http://search.yahoo.com/mrss/\"></media:content>"
            ),
            "{out}"
        );
    }

    /// Issue #22: feed-rs drops an item's `<enclosure>` when the item also has `media:content`
    /// (a podcast's cover): every enclosure is written as `media:content`, so all are kept.
    #[test]
    fn rss_enclosures_and_chapters_become_media_content() {
        let out = fixed(
            "<rss><channel><item><enclosure url=\"a.mp3\" length=\" 12 \" type=\"audio/mpeg\" x=\"y\"/>\
             <podcast:chapters url=\"c.json\" type=\"application/json\"/></item></channel></rss>",
        );
        assert!(
            out.contains(
                "<media:content url=\"a.mp3\" type=\"audio/mpeg\" fileSize=\"12\" \
                 xmlns:media=\"http://search.yahoo.com/mrss/\"></media:content>"
            ),
            "{out}"
        );
        assert!(
            out.contains("url=\"c.json\" type=\"application/json+chapters\""),
            "{out}"
        );
        // Not outside an item.
        let out = fixed("<rss><channel><enclosure url=\"a.mp3\"/></channel></rss>");
        assert!(!out.contains("media:content"), "{out}");
    }

    #[test]
    fn empty_itunes_and_media_texts_are_dropped() {
        let out = fixed(
            "<rss xmlns:itunes=\"http://www.itunes.com/dtds/podcast-1.0.dtd\" xmlns:media=\"http://search.yahoo.com/mrss/\">\
             <channel><item><itunes:summary> </itunes:summary><media:title/><media:description type=\"weird\">x</media:description></item></channel></rss>",
        );
        assert!(
            out.contains("<item><media:description>x</media:description></item>"),
            "{out}"
        );
    }

    #[test]
    fn lowercase_rdf_root_becomes_rdf() {
        assert_eq!(fixed("<rdf></rdf>"), "<RDF></RDF>");
    }

    #[test]
    fn rss_1_0_items_without_link_get_one() {
        let out = fixed(
            "<rdf:RDF><item rdf:about=\"http://e.com/1\"><title>t</title></item><item/></rdf:RDF>",
        );
        assert!(
            out.contains("<title>t</title><link>http://e.com/1</link></item>"),
            "{out}"
        );
        assert!(
            out.contains(&format!("<link>{NO_LINK}</link></item>")),
            "{out}"
        );
        let kept = fixed("<rdf:RDF><item><link>x</link></item></rdf:RDF>");
        assert_eq!(kept.matches("<link>").count(), 1, "{kept}");
    }

    #[test]
    fn cdf_reads_as_rss() {
        let out = fixed(
            "<CHANNEL HREF=\"http://e.com/\"><TITLE>c</TITLE><ITEM HREF=\"http://e.com/1\" LASTMOD=\"2004-01-01T12:00\">\
             <ABSTRACT>a</ABSTRACT></ITEM></CHANNEL>",
        );
        assert_eq!(
            out,
            "<rss version=\"2.0\"><channel><link>http://e.com/</link><title>c</title><item><link>http://e.com/1</link>\
             <pubDate>2004-01-01T12:00</pubDate><description>a</description></item></channel></rss>"
        );
    }
}
