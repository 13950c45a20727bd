//! The plain-text fallback: shown when laying an entry out would take longer than the reader
//! allows. One linear pass: tags dropped (script and style with their content), block tags
//! become paragraph breaks, a few common entities decoded, text sanitised and wrapped.

use unicode_width::UnicodeWidthChar;

use super::lines::MAX_LINES;
use super::{Line, Rendered, Span, Style};
use crate::model::sanitize;

/// Elements whose content is never text.
const SKIPPED: [&str; 2] = ["script", "style"];
/// Elements that end a paragraph.
const BLOCKS: [&str; 14] = [
    "p",
    "br",
    "div",
    "li",
    "tr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "pre",
    "blockquote",
    "hr",
];

/// `html` as plain wrapped paragraphs at `width` columns; linear in the input.
pub fn fallback(html: &str, width: usize) -> Rendered {
    let text = to_text(html);
    let width = width.max(1);
    let mut lines = Vec::new();
    for paragraph in text.split("\n\n") {
        if lines.len() > MAX_LINES {
            break;
        }
        let clean = sanitize::line(paragraph);
        if clean.is_empty() {
            continue;
        }
        if !lines.is_empty() {
            lines.push(Line::default());
        }
        wrap(&clean, width, &mut lines);
    }
    Rendered {
        // The wrap measures character by character; `fit` holds every line to the width as
        // `article` does (a wide glyph at width 1, a variation selector that widens a glyph).
        lines: super::lines::fit(lines, width),
        links: Vec::new(),
        title: Vec::new(),
    }
}

/// Strips tags, turning block boundaries into blank lines.
fn to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    let mut rest = html;
    let mut skipping: Option<&str> = None;
    while let Some(open) = rest.find('<') {
        if skipping.is_none() {
            push_text(&mut out, &rest[..open]);
        }
        let after = &rest[open + 1..];
        let Some(close) = after.find('>') else {
            rest = "";
            break;
        };
        let tag = &after[..close];
        let closing = tag.starts_with('/');
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .collect();
        match skipping {
            Some(skipped) if closing && name == skipped => skipping = None,
            None if !closing => skipping = SKIPPED.iter().copied().find(|s| *s == name),
            _ => {}
        }
        if BLOCKS.contains(&name.as_str()) {
            out.push_str("\n\n");
        }
        rest = &after[close + 1..];
    }
    if skipping.is_none() {
        push_text(&mut out, rest);
    }
    out
}

/// Appends text with the entities every feed uses decoded.
fn push_text(out: &mut String, text: &str) {
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp..];
        // Only the next few bytes can end an entity: searching further for every `&` would be
        // quadratic on text full of them.
        let entity = after.as_bytes()[..after.len().min(11)]
            .iter()
            .position(|&b| b == b';')
            .map(|end| &after[..=end]);
        let decoded = entity.and_then(|e| match e {
            "&amp;" => Some('&'),
            "&lt;" => Some('<'),
            "&gt;" => Some('>'),
            "&quot;" => Some('"'),
            "&apos;" | "&#39;" => Some('\''),
            "&nbsp;" => Some(' '),
            _ => None,
        });
        if let (Some(e), Some(c)) = (entity, decoded) {
            out.push(c);
            rest = &after[e.len()..];
        } else {
            out.push('&');
            rest = &after[1..];
        }
    }
    out.push_str(rest);
}

/// Greedy word wrap by display width; words wider than the line are cut. Stops past
/// `MAX_LINES` lines (`fit` then cuts them with a note).
/// One line of plain text (a title) wrapped at `width` columns, word by word; a word longer
/// than the width is broken. At most a few lines: a title is not a body.
pub fn wrap_title(text: &str, width: usize) -> Vec<String> {
    const MOST: usize = 6;
    let mut lines = Vec::new();
    wrap(text, width.max(1), &mut lines);
    let mut out: Vec<String> = lines.iter().take(MOST).map(Line::text).collect();
    if lines.len() > MOST
        && let Some(last) = out.last_mut()
    {
        last.pop();
        last.push('…');
    }
    out
}

fn wrap(text: &str, width: usize, lines: &mut Vec<Line>) {
    let mut current = String::new();
    let mut used = 0;
    for word in text.split(' ') {
        if lines.len() > MAX_LINES {
            return;
        }
        let w: usize = word.chars().map(|c| c.width().unwrap_or(0)).sum();
        if used > 0 && used + 1 + w > width {
            flush(lines, &mut current, &mut used);
        }
        if used > 0 {
            current.push(' ');
            used += 1;
        }
        for c in word.chars() {
            let cw = c.width().unwrap_or(0);
            if used + cw > width && used > 0 {
                flush(lines, &mut current, &mut used);
                if lines.len() > MAX_LINES {
                    return;
                }
            }
            current.push(c);
            used += cw;
        }
    }
    if used > 0 {
        flush(lines, &mut current, &mut used);
    }
}

fn flush(lines: &mut Vec<Line>, current: &mut String, used: &mut usize) {
    lines.push(Line {
        spans: vec![Span {
            text: std::mem::take(current),
            style: Style::default(),
        }],
        flow: super::Flow::Wrapped,
    });
    *used = 0;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(r: &Rendered) -> Vec<String> {
        r.lines.iter().map(Line::text).collect()
    }

    #[test]
    fn paragraphs_are_wrapped_within_the_width() {
        let r = fallback("<p>one two three four five six</p><p>seven</p>", 10);
        assert_eq!(text(&r), ["one two", "three four", "five six", "", "seven"]);
    }

    #[test]
    fn script_and_style_content_is_dropped() {
        let r = fallback("<p>a<script>alert(1)</script>b<style>p{}</style>c</p>", 40);
        assert_eq!(text(&r), ["abc"]);
    }

    #[test]
    fn common_entities_are_decoded_and_unknown_ones_kept() {
        let r = fallback("<p>a &amp; b &lt;c&gt; &bogus; d</p>", 40);
        assert_eq!(text(&r), ["a & b <c> &bogus; d"]);
    }

    #[test]
    fn escapes_never_survive() {
        let r = fallback("<p>x\u{1b}[2J\u{202e}y</p>", 40);
        assert_eq!(text(&r), ["x[2Jy"]);
    }

    #[test]
    fn a_word_wider_than_the_line_is_cut() {
        let r = fallback("abcdefghij", 4);
        assert_eq!(text(&r), ["abcd", "efgh", "ij"]);
    }

    /// Found by fuzzing (`fuzz/regressions/render/fallback-wide-glyph-at-width-1`): a wide
    /// character made a line two columns wide at width 1, and a variation selector a line one
    /// column wider than the width.
    #[test]
    fn wide_glyphs_and_variation_selectors_stay_within_the_width() {
        use unicode_width::UnicodeWidthStr;
        for (html, width) in [("<p>日本 a</p>", 1), ("<p>ab \u{2603}\u{fe0f}x</p>", 2)] {
            let r = fallback(html, width);
            assert!(!r.lines.is_empty());
            for line in text(&r) {
                assert!(line.width() <= width, "{line:?} at width {width}");
            }
        }
    }

    /// Found by fuzzing (`fuzz/regressions/render/fallback-run-of-ampersands`): each `&`
    /// searched the rest of the text for a `;`, so 128 KiB of them took half a second, and a
    /// body of megabytes minutes, in the fallback meant to be fast.
    #[test]
    fn a_run_of_ampersands_is_linear() {
        let r = fallback(&"&".repeat(1 << 20), 80);
        assert_eq!(r.lines.len(), (1 << 20) / 80 + 1);
        let r = fallback("a &amp;&lt;&#39;&nbsp;&bogus &;", 80);
        assert_eq!(text(&r), ["a &<' &bogus &;"]);
    }

    #[test]
    fn an_unclosed_tag_ends_the_text() {
        let r = fallback("<p>kept</p><a href=\"never closed", 40);
        assert_eq!(text(&r), ["kept"]);
    }
}
