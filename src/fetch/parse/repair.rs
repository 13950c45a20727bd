//! The repair pass between decoding and feed-rs: one linear walk over the tokens of a decoded
//! document that writes a well-formed, UTF-8, declaration-free copy feed-rs can read.
//!
//! Well-formedness: everything before the feed's root element and after it is dropped (junk,
//! the DOCTYPE with its entities, comments, processing instructions); end tags that close
//! nothing are dropped and unclosed elements closed; bare `&` and undefined entities become
//! text, HTML named entities become characters; characters XML forbids are dropped; attributes
//! are quoted and de-duplicated; undeclared prefixes are declared; nesting deeper than
//! `MAX_DEPTH` is flattened. Dialects (see `dialect`) are rewritten into the ones feed-rs knows.
//! Pure.
//!
//! Cost (issue #3: the whole pipeline within 1.5× of feed-rs alone): this pass runs over every
//! document before feed-rs does, so it copies rather than rebuilds. Text is scanned eight bytes
//! at a time and written in runs, names and attribute values are borrowed from the document
//! unless a rule or escaping changes them, and the per-tag lists (attributes, namespace
//! bindings) reuse their allocations. It also spares feed-rs work that cannot change what
//! feed-rs reads: whitespace directly inside the elements feed-rs only walks the children of
//! (`dialect::is_container`) is dropped, since feed-rs would allocate a text event for each run
//! of it only to step over it, and so is a `xmlns:dc` declaration a renamed element inside one
//! of them does not need. Uses `normalize::scan` (through `lex` and `escape`).

mod ns;

use std::borrow::Cow;
use std::collections::HashSet;

use super::dialect::{self, Attr, Dialect};
use super::escape::{escaped_attribute, push_cdata, push_literal_text, push_text};
use super::lex::{Attrs, Lexer, Token, local_name, name_len, split_prefix};
use ns::Scopes;

/// Elements nested deeper than this lose their tags (their text is kept).
pub const MAX_DEPTH: usize = 256;
/// Entries (RSS items, Atom entries) kept from one document; the rest are dropped before
/// feed-rs builds them (a 29 MB feed of a million empty items made it use 1 GB).
pub const MAX_ENTRIES: usize = 20_000;
/// Up to this many attributes on a tag, duplicates are found by comparing names; past it (a
/// hostile tag with thousands), by hashing them.
const SCAN_ATTRS: usize = 16;

/// One open element of the output.
struct Open<'a> {
    raw: &'a str,
    name: Cow<'a, str>,
    /// `ns.len()` before this element's declarations.
    bindings: usize,
    /// `out.len()` before and after the start tag (to take back an empty text construct).
    start_at: usize,
    body_at: usize,
    drop_if_empty: bool,
    base64: bool,
    discard_body: bool,
    /// An RSS 1.0 item: its `rdf:about`, and whether a `<link>` was seen.
    rdf_item: Option<(String, bool)>,
    /// feed-rs reads this element only through its children (see `dialect::is_container`):
    /// whitespace directly inside it is dropped.
    container: bool,
    /// Written after the end tag (CDF's `</rss>`).
    suffix: &'static str,
}

struct Repair<'a> {
    out: String,
    stack: Vec<Open<'a>>,
    ns: Scopes<'a>,
    /// The attributes of the start tag being written (kept between tags for its allocation).
    attrs: Vec<Attr<'a>>,
    dialect: Option<Dialect>,
    /// Start tags ignored past `MAX_DEPTH`, whose end tags are ignored too.
    skipped: usize,
    /// Entries seen so far, and the depth inside one dropped past `MAX_ENTRIES` (its tags and
    /// text are all left out).
    entries: usize,
    dropping: usize,
    capture: Option<String>,
    /// Inside an RSS title or description (at this stack index), child tags are text: feeds
    /// put HTML there unescaped, and feed-rs would drop the whole value.
    escaping: Option<usize>,
    done: bool,
}

/// The repaired copy of `doc`, or `None` when it has no feed root element.
pub fn repair(doc: &str) -> Option<String> {
    let mut r = Repair {
        out: String::with_capacity(doc.len() + doc.len() / 16 + 64),
        stack: Vec::new(),
        ns: Scopes::default(),
        attrs: Vec::new(),
        dialect: None,
        skipped: 0,
        entries: 0,
        dropping: 0,
        capture: None,
        escaping: None,
        done: false,
    };
    let mut lexer = Lexer::new(doc);
    let mut attrs: Attrs<'_> = Vec::new();
    while let Some(token) = lexer.next_token(&mut attrs) {
        match token {
            Token::Start { name, empty } if !r.drops(name, empty) => r.start(name, &attrs, empty),
            Token::End(name) => r.end(name),
            Token::Text(t) => r.text(t, false),
            Token::CData(t) => r.text(t, true),
            // A dropped entry's start tag, or something feed-rs never reads.
            Token::Start { .. } | Token::Other(_) => {}
        }
        if r.done {
            break;
        }
    }
    while !r.stack.is_empty() {
        r.close_top();
    }
    r.dialect.map(|_| r.out)
}

impl<'a> Repair<'a> {
    /// Whether this start tag is inside, or begins, an entry past `MAX_ENTRIES`.
    fn drops(&mut self, raw: &str, empty: bool) -> bool {
        if self.dropping > 0 {
            self.dropping += usize::from(!empty);
            return true;
        }
        if self.escaping.is_none()
            && self.stack.len() <= 2
            && matches!(local_name(raw), "item" | "entry")
        {
            self.entries += 1;
            if self.entries > MAX_ENTRIES {
                self.dropping = usize::from(!empty);
                return true;
            }
        }
        false
    }

    fn start(&mut self, raw: &'a str, attrs: &[(&'a str, &'a str)], empty: bool) {
        if self.escaping.is_some() {
            self.write_tag_as_text(raw, attrs, empty);
            return;
        }
        let dialect = match self.dialect {
            Some(d) => d,
            None => match dialect::of_root(raw, attrs) {
                Some(d) => {
                    self.dialect = Some(d);
                    d
                }
                None => return,
            },
        };
        if self.stack.len() >= MAX_DEPTH {
            self.skipped += usize::from(!empty);
            return;
        }
        let bindings = self.ns.len();
        let (prefix, local) = split_prefix(raw);
        let mut out_attrs = std::mem::take(&mut self.attrs);
        let ns = self.attributes(prefix, attrs, &mut out_attrs);
        let parent = self.stack.last().map(|o| local_name(&o.name));
        let element = dialect::Element {
            dialect,
            depth: self.stack.len(),
            ns: ns.map(|at| self.ns.uri(at)),
            prefix,
            local,
            parent,
        };
        let mut rewrite = dialect::rewrite(&element, &mut out_attrs);
        let name = rewrite.name.take().map_or(Cow::Borrowed(raw), Cow::Owned);
        let parent_container = self.stack.last().is_some_and(|o| o.container);
        // A declaration feed-rs would process for nothing (each costs it work on every name
        // below), left out only where it reads the element as text: in a container.
        if let Some((prefix, uri)) = rewrite.declare
            && !(parent_container
                && self
                    .ns
                    .position(prefix)
                    .is_some_and(|at| self.ns.uri(at) == uri))
        {
            out_attrs.push((Cow::Owned(format!("xmlns:{prefix}")), Cow::Borrowed(uri)));
        }
        let container = if rewrite.opens_channel {
            // Its items go into the channel opened before it.
            let channel = dialect::Element {
                depth: element.depth + 1,
                parent: Some("channel"),
                ..element
            };
            dialect::is_container(&channel, local_name(&name), parent_container)
        } else {
            dialect::is_container(&element, local_name(&name), parent_container)
        };
        let (start_at, body_at) = self.write_start(&name, &rewrite, &out_attrs);
        out_attrs.clear();
        self.attrs = out_attrs;
        if let Some(parent) = self.stack.last_mut()
            && let Some((_, seen_link)) = &mut parent.rdf_item
            && local == "link"
        {
            *seen_link = true;
        }
        if rewrite.base64 || rewrite.discard_body {
            self.capture = Some(String::new());
        }
        if rewrite.markup_is_text && !empty {
            self.escaping = Some(self.stack.len());
        }
        if rewrite.opens_channel {
            // An element no end tag names: it closes with the root.
            self.stack.push(Open {
                raw: "",
                name: Cow::Borrowed("channel"),
                bindings,
                start_at,
                body_at: start_at,
                drop_if_empty: false,
                base64: false,
                discard_body: false,
                rdf_item: None,
                suffix: "",
                container: parent_container,
            });
        }
        self.stack.push(Open {
            raw,
            name,
            bindings,
            start_at,
            body_at,
            drop_if_empty: rewrite.drop_if_empty,
            base64: rewrite.base64,
            discard_body: rewrite.discard_body,
            rdf_item: rewrite.rdf_about.map(|about| (about, false)),
            suffix: rewrite.suffix,
            container,
        });
        if empty {
            self.close_top();
        }
    }

    /// A start tag inside an element whose markup is text (see `escaping`).
    fn write_tag_as_text(&mut self, raw: &str, attrs: &[(&str, &str)], empty: bool) {
        self.out.push_str("&lt;");
        self.out.push_str(raw);
        for (name, value) in attrs {
            self.out.push(' ');
            self.out.push_str(name);
            self.out.push_str("=&quot;");
            push_text(&mut self.out, value);
            self.out.push_str("&quot;");
        }
        self.out.push_str(if empty { "/&gt;" } else { "&gt;" });
    }

    /// The attributes to write, into `out`: valid names, first of duplicates, escaped values,
    /// namespaces remapped and bound, undeclared prefixes declared (the element's `prefix`
    /// first). Returns the binding of the element's own prefix.
    fn attributes(
        &mut self,
        prefix: &'a str,
        attrs: &[(&'a str, &'a str)],
        out: &mut Vec<Attr<'a>>,
    ) -> Option<usize> {
        if !attrs.is_empty() {
            self.written_attributes(attrs, out);
        }
        // Declare prefixes the document uses without declaring (`dc:`, `media:` ...).
        let declarable = |prefix: &str| !matches!(prefix, "xml" | "xmlns" | "");
        let ns = match self.ns.position(prefix) {
            None if declarable(prefix) => Some(self.declare(prefix, out)),
            found => found,
        };
        for (name, _) in attrs {
            let (prefix, _) = split_prefix(name);
            if declarable(prefix) && self.ns.position(prefix).is_none() {
                self.declare(prefix, out);
            }
        }
        ns
    }

    /// The attributes written as they are (see `attributes`).
    fn written_attributes(&mut self, attrs: &[(&'a str, &'a str)], out: &mut Vec<Attr<'a>>) {
        let mut seen: Option<HashSet<&str>> =
            (attrs.len() > SCAN_ATTRS).then(|| HashSet::with_capacity(attrs.len()));
        for (i, &(name, value)) in attrs.iter().enumerate() {
            if name_len(name) != name.len() {
                continue;
            }
            // The first of duplicates counts, even when it is dropped below.
            let duplicate = match &mut seen {
                Some(seen) => !seen.insert(name),
                None => attrs[..i].iter().any(|(earlier, _)| same(earlier, name)),
            };
            // feed-rs fails a whole document on an unusable `xml:base` or an empty `type`.
            if duplicate
                || (name == "xml:base" && !is_usable_base(value))
                || (name == "type" && value.trim().is_empty())
            {
                continue;
            }
            let mut value = escaped_attribute(value);
            if name == "xmlns" || name.starts_with("xmlns:") {
                if let Some(uri) = dialect::remapped_namespace(&value) {
                    value = Cow::Borrowed(uri);
                }
                let prefix = name.strip_prefix("xmlns:").unwrap_or("");
                self.ns.bind(prefix, value.clone());
            }
            out.push((Cow::Borrowed(name), value));
        }
    }

    /// Declares `prefix` (with the namespace it always means, or a placeholder); returns the
    /// binding.
    fn declare(&mut self, prefix: &'a str, out: &mut Vec<Attr<'a>>) -> usize {
        let uri: Cow<'a, str> = dialect::well_known_namespace(prefix).map_or_else(
            || Cow::Owned(format!("urn:x-undeclared:{prefix}")),
            Cow::Borrowed,
        );
        out.push((Cow::Owned(format!("xmlns:{prefix}")), uri.clone()));
        self.ns.bind(prefix, uri)
    }

    /// Writes the start tag; returns where it starts and where its content starts.
    fn write_start(
        &mut self,
        name: &str,
        rewrite: &dialect::Rewrite,
        out_attrs: &[Attr<'_>],
    ) -> (usize, usize) {
        let start_at = self.out.len();
        if !rewrite.prefix_markup.is_empty() {
            self.out.push_str(rewrite.prefix_markup);
        }
        self.out.push('<');
        self.out.push_str(name);
        for (name, value) in out_attrs {
            self.out.push(' ');
            self.out.push_str(name);
            self.out.push_str("=\"");
            self.out.push_str(value);
            self.out.push('"');
        }
        self.out.push('>');
        if !rewrite.inject.is_empty() {
            self.out.push_str(&rewrite.inject);
        }
        let body_at = self.out.len();
        (start_at, body_at)
    }

    fn end(&mut self, raw: &str) {
        if self.dropping > 0 {
            self.dropping -= 1;
            return;
        }
        if self.skipped > 0 {
            self.skipped -= 1;
            return;
        }
        if let Some(at) = self.escaping {
            if self.stack.get(at).is_some_and(|o| same(o.raw, raw)) {
                self.escaping = None;
            } else {
                self.out.push_str("&lt;/");
                self.out.push_str(raw);
                self.out.push_str("&gt;");
                return;
            }
        }
        let Some(at) = self.stack.iter().rposition(|o| same(o.raw, raw)) else {
            return;
        };
        while self.stack.len() > at {
            self.close_top();
        }
    }

    fn close_top(&mut self) {
        let Some(open) = self.stack.pop() else {
            return;
        };
        self.ns.unbind_to(open.bindings);
        if self.escaping == Some(self.stack.len()) {
            self.escaping = None;
        }
        if open.discard_body {
            self.capture = None;
        }
        if open.base64 {
            let data = self.capture.take().unwrap_or_default();
            let decoded = dialect::base64_decode(&data);
            push_literal_text(&mut self.out, &String::from_utf8_lossy(&decoded));
        }
        if open.drop_if_empty && is_blank(&self.out[open.body_at..]) {
            self.out.truncate(open.start_at);
        } else {
            if let Some((about, false)) = &open.rdf_item {
                // feed-rs drops RSS 1.0 items without a link; the about URI (or a placeholder
                // the link filter refuses) keeps them.
                self.out.push_str("<link>");
                self.out.push_str(if about.is_empty() {
                    dialect::NO_LINK
                } else {
                    about
                });
                self.out.push_str("</link>");
            }
            self.out.push_str("</");
            self.out.push_str(&open.name);
            self.out.push('>');
            if !open.suffix.is_empty() {
                self.out.push_str(open.suffix);
            }
        }
        if self.stack.is_empty() {
            self.done = true;
        }
    }

    fn text(&mut self, text: &str, cdata: bool) {
        if self.dropping > 0 {
            return;
        }
        let Some(parent) = self.stack.last() else {
            return;
        };
        // Whitespace between the children of a container is never read: feed-rs would make a
        // text event of it (an allocation) only to step over it.
        if parent.container
            && !cdata
            && text
                .bytes()
                .all(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
        {
            return;
        }
        if let Some(capture) = &mut self.capture {
            capture.push_str(text);
        } else if cdata {
            self.out.push_str("<![CDATA[");
            push_cdata(&mut self.out, text);
            self.out.push_str("]]>");
        } else {
            push_text(&mut self.out, text);
        }
    }
}

/// `a == b` for short strings (names), compared inline rather than through `memcmp`.
pub(super) fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).all(|(x, y)| x == y)
}

/// Whitespace, possibly inside CDATA sections: what feed-rs reads as no text at all.
fn is_blank(body: &str) -> bool {
    let body = body.trim();
    // Without `<` or `]` there is no CDATA marker to take out.
    body.is_empty()
        || (body.len() < 256
            && body.contains(['<', ']'])
            && body
                .replace("<![CDATA[", "")
                .replace("]]>", "")
                .trim()
                .is_empty())
}

/// feed-rs fails the whole document on an `xml:base` that is neither a URL nor relative.
fn is_usable_base(value: &str) -> bool {
    match url::Url::parse(value.trim()) {
        Ok(_) | Err(url::ParseError::RelativeUrlWithoutBase) => true,
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixed(doc: &str) -> String {
        repair(doc).expect("a feed root")
    }

    /// Entries past `MAX_ENTRIES` leave nothing behind: no tags, no text.
    #[test]
    fn entries_past_the_bound_are_dropped_whole() {
        for (open, item, close) in [
            (
                "<rss version=\"2.0\"><channel>",
                "<item><title>t{}</title></item>",
                "</channel></rss>",
            ),
            (
                "<feed xmlns=\"http://www.w3.org/2005/Atom\">",
                "<entry><title>t{}</title></entry>",
                "</feed>",
            ),
        ] {
            let mut doc = String::from(open);
            for i in 0..MAX_ENTRIES + 3 {
                doc.push_str(&item.replace("{}", &i.to_string()));
            }
            doc.push_str("<item/>");
            doc.push_str(close);
            let out = fixed(&doc);
            assert!(out.contains(&format!(">t{}<", MAX_ENTRIES - 1)));
            assert!(!out.contains(&format!(">t{MAX_ENTRIES}<")), "dropped");
            assert!(out.ends_with(close), "{}", &out[out.len() - 80..]);
        }
    }

    #[test]
    fn junk_before_and_after_the_root_is_dropped() {
        assert_eq!(
            fixed(
                "<b>Warning</b> <?xml version=\"1.0\"?><!DOCTYPE x><rss version=\"2.0\"><channel/></rss>trailing<p>"
            ),
            "<rss version=\"2.0\"><channel></channel></rss>"
        );
    }

    #[test]
    fn unclosed_elements_are_closed_and_stray_end_tags_dropped() {
        assert_eq!(
            fixed("<rss version=\"2.0\"><channel><item><guid>t</b></guid><x:y><p>x<br></x:y>"),
            "<rss version=\"2.0\"><channel><item><guid>t</guid><x:y xmlns:x=\"urn:x-undeclared:x\"><p>x<br></br></p></x:y></item></channel></rss>"
        );
    }

    #[test]
    fn attributes_are_quoted_and_deduplicated() {
        assert_eq!(
            fixed("<rss version=2.0 version=\"x\" a='1&2'/>"),
            "<rss version=\"2.0\" a=\"1&amp;2\"></rss>"
        );
    }

    #[test]
    fn undeclared_prefixes_are_declared() {
        assert_eq!(
            fixed("<rss version=\"2.0\"><dc:creator>a</dc:creator></rss>"),
            "<rss version=\"2.0\"><dc:creator xmlns:dc=\"http://purl.org/dc/elements/1.1/\">a</dc:creator></rss>"
        );
    }

    #[test]
    fn deep_nesting_is_flattened() {
        let doc = format!(
            "<rss version=\"2.0\">{}x{}</rss>",
            "<a>".repeat(10_000),
            "</a>".repeat(10_000)
        );
        let out = fixed(&doc);
        assert_eq!(out.matches("<a>").count(), MAX_DEPTH - 1);
        assert!(out.ends_with("</a></rss>"));
    }

    #[test]
    fn markup_in_rss_titles_becomes_text() {
        assert_eq!(
            fixed(
                "<rss version=\"2.0\"><item><title><p class=\"x\">T</p><br/></title></item></rss>"
            ),
            "<rss version=\"2.0\"><channel><item><title>&lt;p class=&quot;x&quot;&gt;T&lt;/p&gt;&lt;br/&gt;</title></item></channel></rss>"
        );
    }

    #[test]
    fn malformed_xml_base_is_dropped() {
        assert_eq!(
            fixed("<feed xml:base=\"http://a b:99999/\"><entry xml:base=\"rel/\"/></feed>"),
            "<feed><entry xml:base=\"rel/\"></entry></feed>"
        );
    }

    #[test]
    fn documents_without_a_feed_root_are_none() {
        assert!(repair("<note><to>x</to></note>").is_none());
        assert!(repair("just text").is_none());
    }

    #[test]
    fn truncated_cdata_is_kept() {
        assert_eq!(
            fixed("<rss version=\"2.0\"><channel><title><![CDATA[abc"),
            "<rss version=\"2.0\"><channel><title><![CDATA[abc]]></title></channel></rss>"
        );
    }

    #[test]
    fn cdata_is_copied_whole_without_forbidden_characters() {
        let body = "<p>1 < 2 & \"ok\"</p> ｱ日本 ".repeat(20);
        let doc = format!(
            "<rss version=\"2.0\"><channel><title><![CDATA[{body}]]></title></channel></rss>"
        );
        assert!(fixed(&doc).contains(&format!("<![CDATA[{body}]]>")));
        let dirty = format!("a\u{1b}[2J{body}\u{0}b\u{fffe}");
        let doc = format!(
            "<rss version=\"2.0\"><channel><title><![CDATA[{dirty}]]></title></channel></rss>"
        );
        assert!(fixed(&doc).contains(&format!("<![CDATA[a[2J{body}b]]>")));
    }

    #[test]
    fn text_keeps_quotes_and_escapes_what_xml_needs() {
        assert_eq!(
            fixed(
                "<rss version=\"2.0\"><channel><title>\"a\" > b ]]> c &amp; d & e</title></channel></rss>"
            ),
            "<rss version=\"2.0\"><channel><title>\"a\" > b ]]&gt; c &amp; d &amp; e</title></channel></rss>"
        );
    }

    #[test]
    fn whitespace_between_the_children_of_containers_is_dropped() {
        let doc = "<rss version=\"2.0\">\n <channel>\n  <title> T </title>\n  <item>\n   \
                   <title>\n</title>\n   <x:y xmlns:x=\"urn:x\">\n <z/> </x:y>\n  </item>\n </channel>\n</rss>";
        assert_eq!(
            fixed(doc),
            "<rss version=\"2.0\"><channel><title> T </title><item><title>\n</title>\
             <x:y xmlns:x=\"urn:x\">\n <z></z> </x:y></item></channel></rss>"
        );
    }

    #[test]
    fn containers_are_only_the_ones_feed_rs_walks() {
        // An item in another namespace, or below something that is not a channel, keeps it.
        let doc = "<rss version=\"2.0\" xmlns:o=\"urn:o\"><channel><o:item> <a/> </o:item>\
                   <image> <url>u</url> </image></channel></rss>";
        assert_eq!(
            fixed(doc),
            "<rss version=\"2.0\" xmlns:o=\"urn:o\"><channel><o:item> <a></a> </o:item>\
             <image> <url>u</url> </image></channel></rss>"
        );
        // Atom: the feed and its entries are, their content never is.
        let doc = "<feed xmlns=\"http://www.w3.org/2005/Atom\">\n<entry>\n<content type=\"xhtml\">\n\
                   <div xmlns=\"http://www.w3.org/1999/xhtml\"><b>a</b> <i>b</i></div>\n</content>\n</entry>\n</feed>";
        assert_eq!(
            fixed(doc),
            "<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry><content type=\"xhtml\">\n\
             <div xmlns=\"http://www.w3.org/1999/xhtml\"><b>a</b> <i>b</i></div>\n</content></entry></feed>"
        );
        // RSS 1.0: the root, its channel and items; items without a channel of their own too.
        let doc = "<rdf:RDF xmlns:rdf=\"r\" xmlns=\"http://purl.org/rss/1.0/\">\n<channel>\n<title>t</title>\n\
                   </channel>\n<item>\n<link>l</link>\n</item>\n</rdf:RDF>";
        assert_eq!(
            fixed(doc),
            "<rdf:RDF xmlns:rdf=\"r\" xmlns=\"http://purl.org/rss/1.0/\"><channel><title>t</title>\
             </channel><item><link>l</link></item></rdf:RDF>"
        );
        let doc = "<rss>\n<item>\n<title>t</title>\n</item>\n</rss>";
        assert_eq!(
            fixed(doc),
            "<rss version=\"2.0\"><channel><item><title>t</title></item></channel></rss>"
        );
    }
}
