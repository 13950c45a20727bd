//! The reader: the entry's header, then its rendered body from the scroll position.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

use super::{Hyperlink, Theme, fit};
use crate::app::AppState;
use crate::render;

/// Maps the renderer's styles onto the theme.
fn style_of(s: render::Style, theme: &Theme) -> Style {
    let mut style = theme.plain();
    if s.heading || s.bold {
        style = style.patch(theme.heading());
    }
    if s.italic || s.quote {
        style = style.patch(theme.quote());
    }
    if s.code {
        style = style.patch(theme.code());
    }
    if s.link.is_some() {
        style = style.patch(theme.link());
    }
    style
}

/// The header's line about the entry: feed, author, date, marks, labels, the other feeds that
/// tell its story.
fn meta_line(e: &crate::model::EntrySummary) -> String {
    let mut meta = vec![e.feed_title.clone()];
    if let Some(author) = &e.author {
        meta.push(author.clone());
    }
    meta.push(e.published.format("%Y-%m-%d %H:%M UTC").to_string());
    let mut meta = meta.join(" · ");
    if !e.read {
        meta.push_str("  [unread]");
    }
    for label in &e.labels {
        meta.push_str("  [");
        meta.push_str(label);
        meta.push(']');
    }
    if e.starred {
        meta.push_str("  [starred]");
    }
    if !e.also_in.is_empty() {
        meta.push_str("  · also in: ");
        meta.push_str(&e.also_in.join(", "));
    }
    meta
}

/// Draws the reader; returns where its links are on screen (for OSC 8 hyperlinks).
pub fn draw(buf: &mut Buffer, area: Rect, state: &AppState, theme: &Theme) -> Vec<Hyperlink> {
    let mut links = Vec::new();
    let Some(reader) = &state.reader else {
        buf.set_string(area.x + 1, area.y, "Loading…", theme.dim());
        return links;
    };
    let width = usize::from(area.width);
    // On a wide screen the text column (at most `max_width`) stands in the middle.
    let margin = width.saturating_sub(2 + usize::from(reader.width)) / 2;
    let left = area.x + 1 + u16::try_from(margin).unwrap_or(0);
    let room = width.saturating_sub(2 + margin);
    let e = &reader.entry.summary;
    let meta = meta_line(e);
    // The whole title, wrapped (the layout's; the stored one, cut, until it comes), then the
    // rest; as many rows as the reader gives the header on this screen.
    let title: Vec<&str> = if reader.rendered.title.is_empty() {
        vec![e.title.as_str()]
    } else {
        reader.rendered.title.iter().map(String::as_str).collect()
    };
    let link = e.link.clone().unwrap_or_default();
    let enclosures = reader
        .enclosure_lines()
        .into_iter()
        .map(|line| (line, theme.dim(), false));
    let header = title
        .iter()
        .map(|t| ((*t).to_owned(), theme.heading(), false))
        .chain([(meta, theme.dim(), false), (link, theme.link(), true)])
        .chain(reader.article_line().map(|line| (line, theme.dim(), false)))
        .chain(enclosures)
        .chain([(String::new(), theme.plain(), false)])
        .take(reader.header_rows(state.height));
    let mut y = area.y;
    for (text, style, is_link) in header {
        if y < area.bottom() {
            let (end, _) = buf.set_stringn(left, y, fit(&text, room), room, style);
            if is_link && end > left {
                links.push(Hyperlink {
                    y,
                    x: left,
                    width: end - left,
                    url: text,
                });
            }
        }
        y += 1;
    }
    for (i, line) in reader.rendered.lines.iter().enumerate().skip(reader.scroll) {
        if y >= area.bottom() {
            break;
        }
        let is_match = reader.matches.binary_search(&i).is_ok();
        let mut x = left;
        for span in &line.spans {
            let remaining = usize::from(area.right().saturating_sub(x + 1));
            let (next, _) = buf.set_stringn(
                x,
                y,
                fit(&span.text, remaining),
                remaining,
                style_of(span.style, theme),
            );
            let url = span
                .style
                .link
                .and_then(|n| reader.rendered.links.get(n.wrapping_sub(1)));
            if let Some(url) = url.filter(|_| next > x) {
                links.push(Hyperlink {
                    y,
                    x,
                    width: next - x,
                    url: url.clone(),
                });
            }
            x = next;
        }
        if is_match {
            highlight(
                buf,
                Rect::new(left, y, area.width.saturating_sub(2), 1),
                &reader.search,
                theme,
            );
        }
        y += 1;
    }
    links
}

/// Highlights the cells of `area` (one line) where a search term appears, ignoring case.
fn highlight(buf: &mut Buffer, area: Rect, terms: &[String], theme: &Theme) {
    let cells: Vec<(u16, String)> = (area.x..area.right())
        .map(|x| (x, buf[(x, area.y)].symbol().to_lowercase()))
        .collect();
    let text: String = cells.iter().map(|(_, s)| s.as_str()).collect();
    // Byte offset in `text` → the cell it came from.
    let mut owner = Vec::with_capacity(text.len());
    for (x, s) in &cells {
        owner.extend(std::iter::repeat_n(*x, s.len()));
    }
    for term in terms.iter().filter(|t| !t.is_empty()) {
        for (at, _) in text.match_indices(term.as_str()) {
            for &x in owner.get(at..at + term.len()).unwrap_or(&[]) {
                buf[(x, area.y)].set_style(theme.found());
            }
        }
    }
}
