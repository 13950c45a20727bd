//! Turns html2text's tagged lines into our [`Line`]s: styles from annotations and prefix marks,
//! every piece of text through `model::sanitize`, and a last pass that hard-wraps whatever is
//! still wider than the width asked for (but for the lines kept whole). Uses `unicode-width`
//! to measure.

use std::ops::Range;

use html2text::render::TaggedLine;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use super::decorator::{Ann, MARK, link_marker};
use super::{Flow, Line, Span, Style};
use crate::model::sanitize;

/// Converts html2text's output, one [`Line`] per tagged line.
pub(super) fn convert(tagged: &[TaggedLine<Vec<Ann>>]) -> Vec<Line> {
    tagged.iter().map(convert_line).collect()
}

fn convert_line(tagged: &TaggedLine<Vec<Ann>>) -> Line {
    let mut builder = LineBuilder::default();
    for ts in tagged.tagged_strings() {
        if ts.tag.contains(&Ann::Preformat) {
            builder.line.flow = Flow::Preformatted;
        }
        let style = style_of(&ts.tag);
        let (body, marker) = split_marker(&ts.s, style.link);
        let mut parts = body.split(MARK);
        if let Some(first) = parts.next() {
            builder.push(first, style);
        }
        // Each further part starts right after one of our prefix marks.
        for part in parts {
            match part.chars().next() {
                Some('#') => builder.heading = true,
                Some('>') => builder.quote = true,
                _ => {}
            }
            builder.push(part, style);
        }
        if let Some(marker) = marker {
            builder.push(
                marker,
                Style {
                    link: None,
                    ..style
                },
            );
        }
    }
    builder.line
}

/// The style of text carrying `anns` (outermost first; the innermost link wins).
fn style_of(anns: &[Ann]) -> Style {
    let mut style = Style::default();
    for ann in anns {
        match ann {
            Ann::Plain | Ann::Image => {}
            Ann::Link(n) => style.link = Some(*n),
            Ann::Emphasis => style.italic = true,
            Ann::Strong => style.bold = true,
            Ann::Code | Ann::Preformat => style.code = true,
        }
    }
    style
}

/// Splits the `[n]` marker the decorator put after the text of link `n`, so that the marker
/// is not drawn as part of the link.
fn split_marker(s: &str, link: Option<usize>) -> (&str, Option<&str>) {
    let Some(n) = link else {
        return (s, None);
    };
    match s.strip_suffix(link_marker(n).as_str()) {
        Some(body) => (body, Some(&s[body.len()..])),
        None => (s, None),
    }
}

#[derive(Default)]
struct LineBuilder {
    line: Line,
    heading: bool,
    quote: bool,
}

impl LineBuilder {
    /// Adds sanitised `text`, with the line's heading or quote style, merged into the last span
    /// when the style is the same.
    fn push(&mut self, text: &str, mut style: Style) {
        if self.heading {
            style.heading = true;
            style.bold = true;
        }
        style.quote |= self.quote;
        let mut clean = sanitize::block(text);
        if clean.contains('\n') {
            clean = clean.replace('\n', " ");
        }
        push_span(&mut self.line, clean, style);
    }
}

fn push_span(line: &mut Line, text: String, style: Style) {
    if text.is_empty() {
        return;
    }
    match line.spans.last_mut() {
        Some(last) if last.style == style => last.text.push_str(&text),
        _ => line.spans.push(Span { text, style }),
    }
}

/// What a character wider than the whole line (a wide glyph at width 1) is shown as.
const NARROW_STANDIN: char = '…';

/// The most lines an article is laid out as; the rest is cut, with a note. A megabyte of text
/// is some 15,000 lines at 80 columns, but a line per character at width 1, more under
/// indentation: unbounded, ten million lines and gigabytes.
pub(super) const MAX_LINES: usize = 100_000;

/// `narrow` with each run of preformatted lines replaced by the same run of `wide`, the same
/// document laid out wider (the k-th run for the k-th), so that those lines are whole. Should
/// the two layouts not have the same number of runs, `narrow` is kept as it is.
pub(super) fn unwrap_preformatted(narrow: Vec<Line>, wide: &[Line]) -> Vec<Line> {
    let (narrow_runs, wide_runs) = (pre_runs(&narrow), pre_runs(wide));
    if narrow_runs.len() != wide_runs.len() {
        return narrow;
    }
    let mut out = Vec::with_capacity(narrow.len());
    let mut at = 0;
    for (n, w) in narrow_runs.into_iter().zip(wide_runs) {
        out.extend_from_slice(&narrow[at..n.start]);
        out.extend_from_slice(&wide[w]);
        at = n.end;
    }
    out.extend_from_slice(&narrow[at..]);
    out
}

/// The ranges of consecutive preformatted lines.
fn pre_runs(lines: &[Line]) -> Vec<Range<usize>> {
    let mut runs: Vec<Range<usize>> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if line.flow != Flow::Preformatted {
            continue;
        }
        match runs.last_mut() {
            Some(run) if run.end == i => run.end = i + 1,
            _ => runs.push(i..i + 1),
        }
    }
    runs
}

/// Every line no wider than `width` columns (at least 1): wider lines are cut into pieces,
/// but for the lines kept whole (preformatted, links), which stay as they are. A character
/// wider than `width` (a wide glyph at width 1) is replaced by [`NARROW_STANDIN`], so callers
/// can rely on the bound. At most [`MAX_LINES`] lines, the last ones a note when some were
/// cut.
pub(super) fn fit(lines: Vec<Line>, width: usize) -> Vec<Line> {
    let width = width.max(1);
    let mut out = Vec::with_capacity(lines.len().min(MAX_LINES));
    let mut complete = true;
    for line in lines {
        if out.len() >= MAX_LINES {
            complete = false;
            break;
        }
        if line.flow != Flow::Wrapped || line.width() <= width {
            out.push(line);
        } else {
            complete &= hard_wrap(line, width, &mut out);
        }
    }
    if !complete {
        let mut note = vec![Line::default()];
        let text = format!("[article cut: longer than {MAX_LINES} lines]");
        hard_wrap(super::plain_line(text), width, &mut note);
        out.truncate(MAX_LINES - note.len());
        out.extend(note);
    }
    out
}

/// A character's width for cutting: never less than it adds to a string's width (variation
/// selectors can widen the character before them by one column).
fn cut_width(c: char) -> usize {
    match c {
        '\u{FE01}' | '\u{FE0F}' => 1,
        c => c.width().unwrap_or(0),
    }
}

/// Cuts `line` into lines of `width` columns onto `out`; false when it stopped at
/// [`MAX_LINES`].
fn hard_wrap(line: Line, width: usize, out: &mut Vec<Line>) -> bool {
    let mut current = Line::default();
    let mut used = 0;
    for span in line.spans {
        let mut piece = String::new();
        for c in span.text.chars() {
            let (c, w) = match cut_width(c) {
                // Only at width 1: a wide glyph cannot fit at all.
                w if w > width => (NARROW_STANDIN, 1),
                w => (c, w),
            };
            if used + w > width && used > 0 {
                push_span(&mut current, std::mem::take(&mut piece), span.style);
                out.push(std::mem::take(&mut current));
                used = 0;
                if out.len() >= MAX_LINES {
                    return false;
                }
            }
            piece.push(c);
            used += w;
        }
        push_span(&mut current, piece, span.style);
    }
    if !current.spans.is_empty() {
        out.push(current);
    }
    true
}

impl Line {
    /// The line's text, without styles.
    pub fn text(&self) -> String {
        self.spans.iter().map(|s| s.text.as_str()).collect()
    }

    /// Display width in terminal columns.
    pub fn width(&self) -> usize {
        self.text().width()
    }

    /// Whether the line has no visible text.
    pub fn is_blank(&self) -> bool {
        self.spans.iter().all(|s| s.text.trim().is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(parts: &[(&str, Style)]) -> Line {
        Line {
            spans: parts
                .iter()
                .map(|(t, s)| Span {
                    text: (*t).to_owned(),
                    style: *s,
                })
                .collect(),
            flow: Flow::Wrapped,
        }
    }

    #[test]
    fn marker_is_split_from_link_text() {
        assert_eq!(split_marker("docs[3]", Some(3)), ("docs", Some("[3]")));
        assert_eq!(split_marker("docs[3]", Some(4)), ("docs[3]", None));
        assert_eq!(split_marker("docs", None), ("docs", None));
    }

    #[test]
    fn innermost_link_and_all_emphasis_apply() {
        let style = style_of(&[Ann::Strong, Ann::Link(1), Ann::Emphasis, Ann::Link(2)]);
        assert!(style.bold && style.italic);
        assert_eq!(style.link, Some(2));
    }

    #[test]
    fn long_line_is_cut_keeping_styles() {
        let bold = Style {
            bold: true,
            ..Style::default()
        };
        let out = fit(vec![line(&[("abc", Style::default()), ("defg", bold)])], 3);
        let texts: Vec<String> = out.iter().map(Line::text).collect();
        assert_eq!(texts, ["abc", "def", "g"]);
        assert_eq!(out[1].spans[0].style, bold);
    }

    #[test]
    fn wide_glyphs_are_cut_by_columns() {
        let out = fit(vec![line(&[("日本語", Style::default())])], 4);
        let texts: Vec<String> = out.iter().map(Line::text).collect();
        assert_eq!(texts, ["日本", "語"]);
    }

    #[test]
    fn glyph_wider_than_the_line_is_replaced() {
        let out = fit(vec![line(&[("a日", Style::default())])], 1);
        let texts: Vec<String> = out.iter().map(Line::text).collect();
        assert_eq!(texts, ["a", "…"]);
    }

    #[test]
    fn lines_kept_whole_are_not_cut() {
        for flow in [Flow::Preformatted, Flow::Link] {
            let mut long = line(&[("abcdefgh", Style::default())]);
            long.flow = flow;
            let out = fit(vec![long.clone()], 3);
            assert_eq!(out, [long], "{flow:?}");
        }
    }

    #[test]
    fn preformatted_runs_are_taken_from_the_wide_layout() {
        let text = |t: &str| line(&[(t, Style::default())]);
        let pre = |t: &str| Line {
            flow: Flow::Preformatted,
            ..text(t)
        };
        let narrow = vec![text("a"), pre("12"), pre("34"), text("b"), pre("5")];
        let wide = vec![text("a"), pre("1234"), text("b"), pre("5")];
        assert_eq!(unwrap_preformatted(narrow, &wide), wide);
        // Layouts that disagree: the narrow one stays.
        let narrow = vec![pre("12"), text("x"), pre("34")];
        assert_eq!(unwrap_preformatted(narrow.clone(), &[pre("1234")]), narrow);
    }

    #[test]
    fn width_zero_acts_as_one() {
        let out = fit(vec![line(&[("ab", Style::default())])], 0);
        assert_eq!(out.len(), 2);
    }
}
