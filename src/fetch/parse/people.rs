//! A way around a feed-rs 3.0 panic: reading a name and an email from one text (RSS `author`,
//! `managingEditor`, `webMaster`, Dublin Core `creator`, iTunes `author`), it slices one byte
//! before or after the address it finds, inside the character there when that is not ASCII
//! (`Jane «jane@example.com»`, `“jane@example.com”`). Losing the people of a feed is better than
//! losing the feed: when feed-rs panics, the parse is tried again on a copy without the elements
//! it reads people from. Pure.

/// Local names of the elements feed-rs reads people from (Atom's own `author` too: it is one
/// of them by name, and it is only dropped on the way around a panic).
const PEOPLE: [&str; 4] = ["author", "managingEditor", "webMaster", "creator"];

/// `doc` (repaired, well-formed XML) without its person elements, or `None` when it has none.
/// CDATA sections are text, whatever they look like, inside a person element or out.
pub fn without_people(doc: &str) -> Option<String> {
    let mut out = String::with_capacity(doc.len());
    // `doc[copied..]` is not written yet; inside a person element, its end tag (`/name`).
    let mut copied = 0;
    let mut inside: Option<String> = None;
    let mut pos = 0;
    while let Some(lt) = doc[pos..].find('<').map(|i| pos + i) {
        let rest = &doc[lt..];
        if rest.starts_with("<![CDATA[") {
            pos = rest.find("]]>").map_or(doc.len(), |e| lt + e + 3);
            continue;
        }
        let Some(gt) = rest.find('>').map(|g| lt + g) else {
            break;
        };
        let tag = &doc[lt + 1..gt];
        pos = gt + 1;
        if let Some(end) = &inside {
            if tag.trim_end() == end {
                inside = None;
                copied = pos;
            }
            continue;
        }
        let name = tag
            .split(|c: char| c.is_ascii_whitespace() || c == '/')
            .next()
            .unwrap_or_default();
        let local = name.rsplit(':').next().unwrap_or(name);
        if tag.starts_with(['/', '?', '!']) || !PEOPLE.contains(&local) {
            continue;
        }
        out.push_str(&doc[copied..lt]);
        copied = pos;
        if !tag.ends_with('/') {
            // Well-formed: the element ends at the next end tag of its name (one of the same
            // name inside it cuts it short, and feed-rs then says what is wrong).
            inside = Some(format!("/{name}"));
        }
    }
    if inside.is_none() {
        out.push_str(&doc[copied..]);
    }
    (copied > 0).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn person_elements_go_and_everything_else_stays() {
        let doc = "<rss><channel><managingEditor>m</managingEditor><item><title>t</title>\
                   <author>Jane «jane@example.com»</author><dc:creator a=\"1\">c</dc:creator>\
                   <itunes:author/><authority>kept</authority></item></channel></rss>";
        assert_eq!(
            without_people(doc).as_deref(),
            Some(
                "<rss><channel><item><title>t</title><authority>kept</authority></item>\
                 </channel></rss>"
            )
        );
        assert_eq!(
            without_people("<rss><item><title>t</title></item></rss>"),
            None
        );
    }

    /// Found by fuzzing (`fuzz/regressions/ingest/author-like-text-in-cdata`): a CDATA section
    /// was read as markup, so taking an author out cut the section open and made markup of its
    /// text (a `<?xml encoding?>` there panics quick-xml).
    #[test]
    fn cdata_is_text_even_when_it_looks_like_a_person() {
        let doc = "<rss><item><description><![CDATA[<author>x]]></description>\
                   <author>a</author></item></rss>";
        assert_eq!(
            without_people(doc).as_deref(),
            Some("<rss><item><description><![CDATA[<author>x]]></description></item></rss>")
        );
        let doc = "<rss><item><author>a<![CDATA[</author><?xml encoding=\"x\"?>]]></author>\
                   <title>t</title></item></rss>";
        assert_eq!(
            without_people(doc).as_deref(),
            Some("<rss><item><title>t</title></item></rss>")
        );
    }
}
