//! Each entry's `itunes:duration`, read straight from the repaired document: feed-rs reads it
//! into an iTunes media object that it then drops when the object has nothing else (no
//! `itunes:title` or `summary`), which is most podcasts' case. Only documents that mention a
//! duration are read again, so other feeds pay one substring search.

use quick_xml::events::Event;
use quick_xml::reader::Reader;

use crate::model::enclosure::parse_duration;

/// The duration each entry (`item` or `entry`, in document order) gives, `None` where it
/// gives none; empty when the document has no duration at all or cannot be read.
pub fn entry_durations(doc: &str) -> Vec<Option<u64>> {
    if memchr::memmem::find(doc.as_bytes(), b"duration>").is_none() {
        return Vec::new();
    }
    let mut reader = Reader::from_str(doc);
    let mut out = Vec::new();
    // Inside an entry (its depth), and inside its duration element.
    let mut entry: Option<(usize, Option<u64>)> = None;
    let mut in_duration = false;
    let mut depth = 0usize;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => {
                depth += 1;
                let name = e.local_name();
                let local = name.as_ref();
                if entry.is_none() && matches!(local, "item" | "entry") {
                    entry = Some((depth, None));
                } else if entry.is_some()
                    && local == "duration"
                    && e.name().as_ref().starts_with("itunes:")
                {
                    in_duration = true;
                }
            }
            Ok(Event::Text(t)) if in_duration => {
                if let Some((_, found)) = &mut entry {
                    *found = found.or_else(|| parse_duration(&t));
                }
            }
            Ok(Event::End(_)) => {
                in_duration = false;
                if let Some((at, found)) = entry
                    && at == depth
                {
                    out.push(found);
                    entry = None;
                }
                depth = depth.saturating_sub(1);
            }
            Ok(Event::Eof) => return out,
            Err(_) => return Vec::new(),
            Ok(_) => {}
        }
    }
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
