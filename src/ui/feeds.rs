//! The feed list: saved views, tag headings, and feeds with unread/total counts, title, the
//! last successful fetch, and a marker with the error for failing feeds.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

use super::text::pad;
use super::{ListLook, Theme, list};
use crate::app::{AppState, FeedsItem};
use crate::model::Feed;

pub fn draw(buf: &mut Buffer, area: Rect, state: &AppState, theme: &Theme) {
    let feeds = &state.feeds;
    if feeds.items.is_empty() {
        let message = match state.keys.of(crate::model::Action::AddFeed) {
            _ if !feeds.loaded => "Loading…".to_owned(),
            Some(add) => format!("No feeds. {add} subscribes to one (a feed's or a page's URL)."),
            None => "No feeds. `tidings add URL` subscribes to one.".to_owned(),
        };
        buf.set_string(
            area.x + 1,
            area.y,
            super::fit(&message, usize::from(area.width) - 1),
            theme.dim(),
        );
        return;
    }
    // The cursor bar: the error mark and the counts (a view's or tag's first cell).
    let look = ListLook {
        at: feeds.list,
        lead: 2,
    };
    list(
        buf,
        area,
        (state, theme),
        &feeds.items,
        &look,
        |item, width| item_line(state, theme, item, width),
    );
}

fn item_line(
    state: &AppState,
    theme: &Theme,
    item: &FeedsItem,
    width: usize,
) -> Vec<(String, Style)> {
    let feeds = &state.feeds;
    match item {
        FeedsItem::View(i) => {
            let Some(view) = feeds.views.get(*i) else {
                return Vec::new();
            };
            let name_cols = (width / 2).clamp(1, 40);
            vec![
                ("  view  ".to_owned(), theme.dim()),
                (pad(&view.name, name_cols), theme.heading()),
                (
                    pad(
                        &format!(" {}", view.query),
                        width.saturating_sub(name_cols + 8),
                    ),
                    theme.dim(),
                ),
            ]
        }
        FeedsItem::Tag {
            name,
            unread,
            feeds,
        } => {
            let plural = if *feeds == 1 { "feed" } else { "feeds" };
            vec![(
                pad(
                    &format!("{name}  ({feeds} {plural}, {unread} unread)"),
                    width,
                ),
                theme.heading(),
            )]
        }
        FeedsItem::Untagged => vec![(pad("(no tag)", width), theme.heading())],
        FeedsItem::Feed { index, indented } => feeds
            .feeds
            .get(*index)
            .map(|f| feed_line(f, width, *indented, state, theme))
            .unwrap_or_default(),
    }
}

fn feed_line(
    feed: &Feed,
    width: usize,
    indented: bool,
    state: &AppState,
    theme: &Theme,
) -> Vec<(String, Style)> {
    let style = if feed.unread > 0 {
        theme.unread()
    } else {
        theme.plain()
    };
    let counts = format!("{:>6}/{:<6}", feed.unread, feed.total);
    // `!` a failing feed, `~` one waiting because its host asked (until `hold_until`), `=` one
    // that looks like another subscription.
    let waits = feed.asked_to_wait
        && feed
            .hold_until
            .is_some_and(|t| state.now.is_none_or(|now| t > now));
    let twin = state
        .feeds
        .twins
        .iter()
        .any(|t| t.keep == feed.id || t.drop == feed.id);
    let mark = if feed.last_error.is_some() {
        "! "
    } else if waits {
        "~ "
    } else if twin {
        "= "
    } else {
        "  "
    };
    let indent = if indented { "  " } else { "" };
    let fetched = if width >= 60 {
        let when = feed.last_ok_at.map_or_else(
            || "never".to_owned(),
            |t| {
                let now = super::stream::clock(state);
                super::stream::date_label(t, now, "%Y-%m-%d", 10)
            },
        );
        pad(&format!(" {when}"), 12)
    } else {
        String::new()
    };
    let title_cols = width.saturating_sub(counts.len() + 3 + indent.len() + fetched.len());
    // A title other feeds share comes with the feed's address; a feed titled by its URL
    // shows it without the scheme, where the difference is.
    let title = if state.feeds.ambiguous.contains(&feed.id) {
        format!("{} · {}", feed.title, crate::app::FeedsView::address(feed))
    } else if feed.title.contains("://") {
        crate::app::FeedsView::address(feed)
    } else {
        feed.title.clone()
    };
    // Whole articles are fetched for this feed's entries (`F`).
    let title = if feed.full_article {
        format!("{title} [full]")
    } else {
        title
    };
    let mut cells = vec![
        (format!("{indent}{mark}"), theme.error()),
        (counts, theme.dim()),
        (" ".to_owned(), style),
    ];
    match &feed.last_error {
        Some(error) if title_cols > 30 => {
            let title_part = title_cols / 2;
            cells.push((pad(&title, title_part), style));
            cells.push((
                pad(&format!(" {error}"), title_cols - title_part),
                theme.error(),
            ));
        }
        _ => cells.push((pad(&title, title_cols), style)),
    }
    cells.push((fetched, theme.dim()));
    cells
}
