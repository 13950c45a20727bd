//! The repair pass between decoding and feed-rs: one linear walk over the tokens of a decoded
//! document that writes a well-formed, UTF-8, declaration-free copy feed-rs can read.
//!
//! Well-formedness: everything before the feed's root element and after it is dropped (junk,
//! the DOCTYPE with its entities, comments, processing instructions); end tags that close
//! nothing are dropped and unclosed elements closed; bare `&` and undefined entities become
//! text, HTML named entities become characters; characters XML forbids are dropped; attributes
//! are quoted and de-duplicated; undeclared prefixes are declared; nesting deeper than
//! `MAX_DEPTH` is flattened. Dialects (see `dialect`) are rewritten into the ones feed-rs knows.
//! Pure; uses nothing else in the crate.

use std::collections::{HashMap, HashSet};

use super::dialect::{self, Dialect};
use super::escape::{is_xml_char, push_escaped};
use super::lex::{Lexer, Token, name_len};

/// Elements nested deeper than this lose their tags (their text is kept).
pub const MAX_DEPTH: usize = 256;

/// One open element of the output.
struct Open<'a> {
    raw: &'a str,
    name: String,
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
    /// Written after the end tag (CDF's `</rss>`).
    suffix: &'static str,
}

struct Repair<'a> {
    out: String,
    stack: Vec<Open<'a>>,
    /// Namespace bindings in scope: prefix → URIs, innermost last; `ns_log` lists the prefixes
    /// bound, in order, so closing an element can unbind its own (O(1) lookups either way).
    ns: HashMap<String, Vec<String>>,
    ns_log: Vec<String>,
    dialect: Option<Dialect>,
    /// Start tags ignored past `MAX_DEPTH`, whose end tags are ignored too.
    skipped: usize,
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
        ns: HashMap::new(),
        ns_log: Vec::new(),
        dialect: None,
        skipped: 0,
        capture: None,
        escaping: None,
        done: false,
    };
    for token in Lexer::new(doc) {
        match token {
            Token::Start { name, attrs, empty } => r.start(name, &attrs, empty),
            Token::End(name) => r.end(name),
            Token::Text(t) => r.text(t, false),
            Token::CData(t) => r.text(t, true),
            Token::Other(_) => {}
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
        let bindings = self.ns_log.len();
        let mut out_attrs = self.attributes(raw, attrs);
        let (prefix, local) = raw.split_once(':').unwrap_or(("", raw));
        let ns = self.lookup(prefix).map(str::to_owned);
        let parent = self
            .stack
            .last()
            .map(|o| o.name.rsplit(':').next().unwrap_or(""));
        let element = dialect::Element {
            dialect,
            depth: self.stack.len(),
            ns: ns.as_deref(),
            prefix,
            local,
            parent,
        };
        let rewrite = dialect::rewrite(&element, &mut out_attrs);
        let (start_at, body_at) = self.write_start(&rewrite, &out_attrs);
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
                name: "channel".to_owned(),
                bindings,
                start_at,
                body_at: start_at,
                drop_if_empty: false,
                base64: false,
                discard_body: false,
                rdf_item: None,
                suffix: "",
            });
        }
        self.stack.push(Open {
            raw,
            name: rewrite.name,
            bindings,
            start_at,
            body_at,
            drop_if_empty: rewrite.drop_if_empty,
            base64: rewrite.base64,
            discard_body: rewrite.discard_body,
            rdf_item: rewrite.rdf_about.map(|about| (about, false)),
            suffix: rewrite.suffix,
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
            push_escaped(&mut self.out, value, true);
            self.out.push_str("&quot;");
        }
        self.out.push_str(if empty { "/&gt;" } else { "&gt;" });
    }

    /// The attributes to write: valid names, first of duplicates, escaped values, namespaces
    /// remapped and bound, undeclared prefixes declared.
    fn attributes(&mut self, raw: &str, attrs: &[(&'a str, &'a str)]) -> Vec<(String, String)> {
        let mut out_attrs: Vec<(String, String)> = Vec::with_capacity(attrs.len() + 1);
        let mut seen: HashSet<&str> = HashSet::with_capacity(attrs.len());
        for (name, value) in attrs {
            if name_len(name) != name.len() || !seen.insert(name) {
                continue;
            }
            // feed-rs fails a whole document on an unusable `xml:base` or an empty `type`.
            if (*name == "xml:base" && !is_usable_base(value))
                || (*name == "type" && value.trim().is_empty())
            {
                continue;
            }
            let mut escaped = String::with_capacity(value.len());
            push_escaped(&mut escaped, value, true);
            if *name == "xmlns" || name.starts_with("xmlns:") {
                if let Some(uri) = dialect::remapped_namespace(&escaped) {
                    escaped.clear();
                    escaped.push_str(uri);
                }
                let prefix = name.strip_prefix("xmlns:").unwrap_or("");
                self.bind(prefix, escaped.clone());
            }
            out_attrs.push(((*name).to_owned(), escaped));
        }
        // Declare prefixes the document uses without declaring (`dc:`, `media:` ...).
        let prefixes = std::iter::once(raw).chain(attrs.iter().map(|(n, _)| *n));
        for qname in prefixes {
            if let Some((prefix, _)) = qname.split_once(':')
                && !matches!(prefix, "xml" | "xmlns" | "")
                && self.lookup(prefix).is_none()
            {
                let uri = dialect::well_known_namespace(prefix)
                    .map_or_else(|| format!("urn:x-undeclared:{prefix}"), str::to_owned);
                out_attrs.push((format!("xmlns:{prefix}"), uri.clone()));
                self.bind(prefix, uri);
            }
        }
        out_attrs
    }

    /// Writes the start tag; returns where it starts and where its content starts.
    fn write_start(
        &mut self,
        rewrite: &dialect::Rewrite,
        out_attrs: &[(String, String)],
    ) -> (usize, usize) {
        let start_at = self.out.len();
        self.out.push_str(&rewrite.prefix_markup);
        self.out.push('<');
        self.out.push_str(&rewrite.name);
        for (name, value) in out_attrs {
            self.out.push(' ');
            self.out.push_str(name);
            self.out.push_str("=\"");
            self.out.push_str(value);
            self.out.push('"');
        }
        self.out.push('>');
        self.out.push_str(&rewrite.inject);
        let body_at = self.out.len();
        (start_at, body_at)
    }

    fn lookup(&self, prefix: &str) -> Option<&str> {
        self.ns
            .get(prefix)
            .and_then(|uris| uris.last())
            .map(String::as_str)
    }

    fn bind(&mut self, prefix: &str, uri: String) {
        self.ns.entry(prefix.to_owned()).or_default().push(uri);
        self.ns_log.push(prefix.to_owned());
    }

    fn unbind_to(&mut self, len: usize) {
        while self.ns_log.len() > len {
            if let Some(prefix) = self.ns_log.pop()
                && let Some(uris) = self.ns.get_mut(&prefix)
            {
                uris.pop();
            }
        }
    }

    fn end(&mut self, raw: &str) {
        if self.skipped > 0 {
            self.skipped -= 1;
            return;
        }
        if let Some(at) = self.escaping {
            if self.stack.get(at).is_some_and(|o| o.raw == raw) {
                self.escaping = None;
            } else {
                self.out.push_str("&lt;/");
                self.out.push_str(raw);
                self.out.push_str("&gt;");
                return;
            }
        }
        let Some(at) = self.stack.iter().rposition(|o| o.raw == raw) else {
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
        self.unbind_to(open.bindings);
        if self.escaping == Some(self.stack.len()) {
            self.escaping = None;
        }
        if open.discard_body {
            self.capture = None;
        }
        if open.base64 {
            let data = self.capture.take().unwrap_or_default();
            let decoded = dialect::base64_decode(&data);
            push_escaped(&mut self.out, &String::from_utf8_lossy(&decoded), false);
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
            self.out.push_str(open.suffix);
        }
        if self.stack.is_empty() {
            self.done = true;
        }
    }

    fn text(&mut self, text: &str, cdata: bool) {
        if self.stack.is_empty() {
            return;
        }
        if let Some(capture) = &mut self.capture {
            capture.push_str(text);
        } else if cdata {
            self.out.push_str("<![CDATA[");
            self.out.extend(text.chars().filter(|c| is_xml_char(*c)));
            self.out.push_str("]]>");
        } else {
            push_escaped(&mut self.out, text, true);
        }
    }
}

/// Whitespace, possibly inside CDATA sections: what feed-rs reads as no text at all.
fn is_blank(body: &str) -> bool {
    let body = body.trim();
    body.is_empty()
        || (body.len() < 256
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
}
