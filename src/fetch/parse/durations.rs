//! Each entry's `itunes:duration`, read straight from the repaired document: feed-rs reads it
//! into an iTunes media object that it then drops when the object has nothing else (no
//! `itunes:title` or `summary`), which is most podcasts' case. Only documents that mention a
//! duration are read again, so other feeds pay one substring search.

use super::lex::{Lexer, Token, local_name};
use crate::model::enclosure::parse_duration;

/// The duration each entry (`item` or `entry`, in document order) gives, `None` where it
/// gives none; empty when the document has no duration at all.
///
/// Read with the repair pass's own tokenizer, not quick-xml's reader: a second use of that
/// reader made the release build stop inlining it into feed-rs's, which cost every parse,
/// podcast or not, a few per cent (issue #22, docs/BENCHMARKS.md).
pub fn entry_durations(doc: &str) -> Vec<Option<u64>> {
    if memchr::memmem::find(doc.as_bytes(), b"duration>").is_none() {
        return Vec::new();
    }
    let mut lexer = Lexer::new(doc);
    let mut attrs = Vec::new();
    let mut out = Vec::new();
    // Inside an entry (its depth), and inside its duration element.
    let mut entry: Option<(usize, Option<u64>)> = None;
    let mut in_duration = false;
    let mut depth = 0usize;
    while let Some(token) = lexer.next_token(&mut attrs) {
        match token {
            Token::Start { empty: true, .. } | Token::Other(_) => {}
            Token::Start { name, .. } => {
                depth += 1;
                let local = local_name(name);
                if entry.is_none() && matches!(local, "item" | "entry") {
                    entry = Some((depth, None));
                } else if entry.is_some() && local == "duration" && name.starts_with("itunes:") {
                    in_duration = true;
                }
            }
            Token::Text(t) | Token::CData(t) if in_duration => {
                if let Some((_, found)) = &mut entry {
                    *found = found.or_else(|| parse_duration(t));
                }
            }
            Token::Text(_) | Token::CData(_) => {}
            Token::End(_) => {
                in_duration = false;
                if let Some((at, found)) = entry
                    && at == depth
                {
                    out.push(found);
                    entry = None;
                }
                depth = depth.saturating_sub(1);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_item_gets_its_own_duration() {
        let doc = "<rss><channel><itunes:duration>9:99</itunes:duration>\
            <item><title>a</title><itunes:duration>1:02:03</itunes:duration></item>\
            <item><title>b</title></item>\
            <item><itunes:duration>75</itunes:duration><x><item/></x></item></channel></rss>";
        assert_eq!(entry_durations(doc), [Some(3723), None, Some(75)]);
        assert!(entry_durations("<rss><item/></rss>").is_empty());
    }
}
