//! HTML to text, words, and scoring. The same function turns the truth (the feed entry's body)
//! and each extractor's output into text, so markup differences between them cancel out.

use std::collections::HashMap;

/// Elements that do not break a word: text on either side of them runs on.
const INLINE: &[&str] = &[
    "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "dfn", "em", "font", "i", "kbd",
    "mark", "q", "s", "samp", "small", "span", "strike", "strong", "sub", "sup", "time", "tt", "u",
    "var",
];

/// Text of an HTML fragment or page: tags become spaces (except inline ones), comments and the
/// contents of script/style/noscript/template are dropped, entities are decoded.
pub fn html_to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    let mut text_start = 0;
    let bytes = html.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'<' {
            i += 1;
            continue;
        }
        let rest = &html[i..];
        let next = rest.as_bytes().get(1).copied().unwrap_or(b' ');
        if !(next.is_ascii_alphabetic() || next == b'/' || next == b'!' || next == b'?') {
            i += 1;
            continue;
        }
        out.push_str(&html_escape::decode_html_entities(&html[text_start..i]));
        if let Some(body) = rest.strip_prefix("<!--") {
            i += 4 + body.find("-->").map_or(body.len(), |e| e + 3);
            text_start = i;
            continue;
        }
        let end = tag_end(rest);
        let tag = &rest[..end];
        let name: String = tag
            .trim_start_matches(['<', '/', '!', '?'])
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        i += end;
        if !tag.starts_with("</")
            && matches!(name.as_str(), "script" | "style" | "noscript" | "template")
        {
            let close = format!("</{name}");
            let lower_rest = html[i..].to_ascii_lowercase();
            i += lower_rest
                .find(&close)
                .map_or(lower_rest.len(), |p| p + tag_end(&html[i + p..]));
        }
        if !INLINE.contains(&name.as_str()) {
            out.push(' ');
        }
        text_start = i;
    }
    out.push_str(&html_escape::decode_html_entities(&html[text_start..]));
    out
}

/// Length of the tag starting at `s` (which begins with '<'), quotes respected.
fn tag_end(s: &str) -> usize {
    let mut quote = None;
    for (i, c) in s.char_indices().skip(1) {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => return i + 1,
            _ => {}
        }
    }
    s.len()
}

/// Lowercase alphanumeric runs.
pub fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// (recall, precision) of `got` against `truth`, as multisets of words.
pub fn score(truth: &[String], got: &[String]) -> (f64, f64) {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for w in truth {
        *counts.entry(w).or_default() += 1;
    }
    let mut matched = 0usize;
    for w in got {
        if let Some(n) = counts.get_mut(w.as_str())
            && *n > 0
        {
            *n -= 1;
            matched += 1;
        }
    }
    let ratio = |n: usize| {
        if n == 0 {
            0.0
        } else {
            matched as f64 / n as f64
        }
    };
    (ratio(truth.len()), ratio(got.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_markup() {
        let t = html_to_text(
            "<p>Caf&eacute; <b>au</b> lait</p><script>var x = '<p>';</script><!-- c --><p>Next</p>",
        );
        assert_eq!(words(&t), ["café", "au", "lait", "next"]);
        let t = html_to_text("<P>one</P><SCRIPT>two</SCRIPT>three <a href='x>y'>four</a>");
        assert_eq!(words(&t), ["one", "three", "four"]);
    }

    #[test]
    fn scores_multisets() {
        let truth = words("a a b c");
        let (r, p) = score(&truth, &words("a b d d"));
        assert!((r - 0.5).abs() < 1e-9 && (p - 0.5).abs() < 1e-9);
    }
}
