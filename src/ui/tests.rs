//! View snapshots on `TestBackend` (80×24, 120×40, and tiny sizes that must not panic), and
//! `Buffer` checks for the cells whose style carries meaning.

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::Modifier;

use super::theme::{ColorLevel, Role};
use super::{Theme, draw};
use crate::app::test_support::{FakeDb, entry};
use crate::app::{Action, AppState, HelpRow, Msg, update};
use crate::model::{Counts, FeedId};

fn render(state: &AppState) -> Terminal<TestBackend> {
    render_in(state, &Theme::default())
}

fn render_in(state: &AppState, theme: &Theme) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(state.width, state.height)).unwrap();
    terminal.draw(|f| draw(f, state, theme)).unwrap();
    terminal
}

fn stream_state(width: u16, height: u16) -> AppState {
    let mut db = FakeDb::new(40);
    db.rows[1].read = true;
    db.rows[2].starred = true;
    db.rows[3].title =
        "A title long enough that it cannot fit on one line of an eighty column terminal at all"
            .into();
    db.rows[4].title = "Escapes \u{1b}[2J and bidi \u{202e}gnp.exe stay inert".into();
    db.rows[5].feed_title = "日本語のフィード名前".into();
    let mut s = db.started(width, height);
    s.counts = Counts {
        entries: 40,
        unread: 39,
        starred: 1,
        feeds: 3,
    };
    db.send(&mut s, Msg::Action(Action::Down));
    s
}

#[test]
fn stream_80x24() {
    insta::assert_snapshot!(render(&stream_state(80, 24)).backend());
}

#[test]
fn stream_120x40() {
    insta::assert_snapshot!(render(&stream_state(120, 40)).backend());
}

#[test]
fn stream_20x5() {
    insta::assert_snapshot!(render(&stream_state(20, 5)).backend());
}

#[test]
fn every_view_survives_every_tiny_size() {
    for (w, h) in [
        (0, 0),
        (1, 1),
        (5, 2),
        (19, 4),
        (20, 5),
        (21, 6),
        (30, 3),
        (200, 5),
    ] {
        let mut s = stream_state(w, h);
        render(&s);
        update(&mut s, Msg::Action(Action::Feeds));
        update(
            &mut s,
            Msg::FeedsLoaded(vec![feed(Some("HTTP 404 Not Found"))]),
        );
        render(&s);
        let (e, r) = entry(1, 30);
        s.opening = Some(e.summary.id);
        update(
            &mut s,
            Msg::EntryLoaded {
                entry: Box::new(e),
                rendered: r,
                width: 10,
                complete: true,
            },
        );
        render(&s);
        update(&mut s, Msg::Action(Action::Help));
        render(&s);
    }
}

#[test]
fn selection_is_reverse_video_and_unread_is_bold() {
    let s = stream_state(80, 24);
    let terminal = render(&s);
    let buf = terminal.backend().buffer();
    // Row 1 is the first entry (unread, not selected); row 2 is selected (entry 39, read).
    assert!(buf[(0, 1)].modifier.contains(Modifier::BOLD));
    assert!(!buf[(0, 1)].modifier.contains(Modifier::REVERSED));
    assert_eq!(buf[(0, 1)].symbol(), "N");
    assert_eq!(buf[(0, 2)].symbol(), " ");
    // The cursor is a reverse-video bar over the columns before the title (marks, date,
    // feed: 32 columns at 80), not the whole line.
    for x in [0, 5, 31] {
        assert!(
            buf[(x, 2)].modifier.contains(Modifier::REVERSED),
            "column {x}"
        );
    }
    assert!(!buf[(40, 2)].modifier.contains(Modifier::REVERSED));
    assert!(!buf[(40, 2)].modifier.contains(Modifier::BOLD));
}

#[test]
fn the_whole_line_is_the_cursor_when_the_config_says_so() {
    let mut s = stream_state(80, 24);
    s.options.full_line_cursor = true;
    let terminal = render(&s);
    let buf = terminal.backend().buffer();
    for x in [0, 40, 79] {
        assert!(
            buf[(x, 2)].modifier.contains(Modifier::REVERSED),
            "column {x}"
        );
    }
}

#[test]
fn no_escape_character_reaches_any_cell() {
    let terminal = render(&stream_state(120, 40));
    let buf = terminal.backend().buffer();
    for cell in buf.content() {
        assert!(
            !cell
                .symbol()
                .chars()
                .any(|c| c.is_control() || ('\u{202a}'..='\u{202e}').contains(&c)),
            "{:?}",
            cell.symbol()
        );
    }
}

fn feed(error: Option<&str>) -> crate::model::Feed {
    crate::model::Feed {
        id: FeedId(1),
        url: "https://a.example/feed.xml".into(),
        title: "A feed that fails".into(),
        site_url: None,
        unread: 3,
        total: 10,
        last_ok_at: None,
        last_error: error.map(str::to_owned),
        failures: 0,
        hold_until: None,
        asked_to_wait: false,
        gone: false,
        tags: Vec::new(),
        full_article: false,
    }
}

#[test]
fn feeds_80x24() {
    let mut s = stream_state(80, 24);
    update(&mut s, Msg::Action(Action::Feeds));
    let mut ok = feed(None);
    ok.id = FeedId(2);
    ok.title = "Terminal Notes".into();
    ok.unread = 0;
    update(
        &mut s,
        Msg::FeedsLoaded(vec![feed(Some("HTTP 404 Not Found")), ok]),
    );
    insta::assert_snapshot!(render(&s).backend());
}

#[test]
fn reader_80x24() {
    let mut s = stream_state(80, 24);
    let (mut e, r) = entry(7, 40);
    s.opening = Some(e.summary.id);
    e.summary.title = "Seven things about terminals".into();
    e.summary.author = Some("Ann Example".into());
    update(
        &mut s,
        Msg::EntryLoaded {
            entry: Box::new(e),
            rendered: r,
            width: 78,
            complete: true,
        },
    );
    update(&mut s, Msg::Action(Action::Down));
    insta::assert_snapshot!(render(&s).backend());
}

#[test]
fn help_80x24() {
    let help = Action::ALL
        .iter()
        .map(|&action| HelpRow {
            keys: format!("{action:?}").to_lowercase(),
            action,
        })
        .collect();
    let mut s = AppState::new(crate::app::Options::default(), 80, 24);
    s.help = help;
    update(&mut s, Msg::Action(Action::Help));
    insta::assert_snapshot!(render(&s).backend());
}

#[test]
fn refresh_progress_shows_in_the_status_line() {
    let mut s = stream_state(80, 24);
    update(
        &mut s,
        Msg::Refresh(crate::model::RefreshEvent::Started { total: 12 }),
    );
    let terminal = render(&s);
    let last: String = (0..80)
        .map(|x| terminal.backend().buffer()[(x, 23)].symbol().to_owned())
        .collect();
    assert!(last.contains("Refreshing 0/12"), "{last}");
}

/// The stream with a filter in force (applied as typed), two entries selected, three new
/// since the last visit, and a clock.
fn busy_state(width: u16, height: u16) -> AppState {
    let mut db = FakeDb::new(40);
    let visit = db.rows[3].first_seen;
    let options = crate::app::Options {
        last_visit: Some(visit),
        ..crate::app::Options::default()
    };
    let mut s = AppState::new(options, width, height);
    let effects = s.start();
    db.run(&mut s, effects);
    let now = db.rows[0].published + chrono::Duration::minutes(90);
    update(&mut s, Msg::Tick(now));
    // The filter goes in as a user types it, so the rows shown are the ones it lets through.
    db.send(&mut s, Msg::Action(Action::Filter));
    for c in "unread".chars() {
        db.send(&mut s, Msg::Text(crate::app::TextKey::Char(c)));
    }
    db.send(&mut s, Msg::Text(crate::app::TextKey::Enter));
    db.send(&mut s, Msg::Action(Action::ToggleSelect));
    db.send(&mut s, Msg::Action(Action::ToggleSelect));
    s
}

#[test]
fn stream_with_selection_new_marks_and_filter_80x24() {
    insta::assert_snapshot!(render(&busy_state(80, 24)).backend());
}

#[test]
fn stream_40x12() {
    insta::assert_snapshot!(render(&busy_state(40, 12)).backend());
}

#[test]
fn selected_rows_are_marked_without_colour() {
    let s = busy_state(80, 24);
    let terminal = render(&s);
    let buf = terminal.backend().buffer();
    // The cursor started at the top, and Space twice selected the first two rows: a `+` in
    // the third column, whatever the colours.
    assert_eq!(buf[(2, 1)].symbol(), "+");
    assert_eq!(buf[(2, 2)].symbol(), "+");
    assert_eq!(buf[(2, 3)].symbol(), " ");
}

/// Issue #19: each unread row says whether it is new since the last visit (`N`) or was there
/// before (`O`), in the first column, whatever the colours.
#[test]
fn unread_rows_say_new_or_old() {
    let s = busy_state(80, 24);
    let terminal = render(&s);
    let buf = terminal.backend().buffer();
    let firsts: String = (1..6).map(|y| buf[(0, y)].symbol().to_owned()).collect();
    assert_eq!(firsts, "NNNOO");
}

#[test]
fn the_filter_line_and_its_error_120x40() {
    let mut db = FakeDb::new(5);
    let mut s = db.started(120, 40);
    update(&mut s, Msg::Action(Action::Filter));
    for c in "unread tag:rust since:2x".chars() {
        update(&mut s, Msg::Text(crate::app::TextKey::Char(c)));
    }
    update(&mut s, Msg::Text(crate::app::TextKey::Left));
    let typing = render(&s);
    update(&mut s, Msg::Text(crate::app::TextKey::Enter));
    let refused = render(&s);
    insta::assert_snapshot!("typing", typing.backend());
    insta::assert_snapshot!("refused", refused.backend());
}

#[test]
fn a_question_takes_the_status_line_40x12() {
    let mut db = FakeDb::new(5);
    let mut s = db.started(40, 12);
    update(&mut s, Msg::Action(Action::MarkAllRead));
    insta::assert_snapshot!(render(&s).backend());
}

#[test]
fn reader_highlights_search_matches_40x12() {
    let mut db = FakeDb::new(5);
    let mut s = db.started(40, 12);
    s.stream.filter.query = crate::model::query::parse("\"line 2\"").unwrap();
    let (e, r) = entry(5, 30);
    s.opening = Some(e.summary.id);
    update(
        &mut s,
        Msg::EntryLoaded {
            entry: Box::new(e),
            rendered: r,
            width: 38,
            complete: true,
        },
    );
    let terminal = render(&s);
    let buf = terminal.backend().buffer();
    // The body starts on row 5; "line 2" is the third body line, at scroll 0.
    let row = 5 + 2 - u16::try_from(s.reader.as_ref().unwrap().scroll).unwrap();
    assert!(buf[(1, row)].modifier.contains(Modifier::REVERSED));
    assert!(!buf[(1, row - 1)].modifier.contains(Modifier::REVERSED));
    insta::assert_snapshot!(terminal.backend());
}

fn grouped_feeds(width: u16, height: u16) -> AppState {
    let options = crate::app::Options {
        views: vec![crate::app::SavedView {
            name: "Rust, unread".into(),
            query: crate::model::query::parse("tag:rust unread").unwrap(),
            sort: crate::model::Sort::Newest,
        }],
        ..crate::app::Options::default()
    };
    let mut s = AppState::new(options, width, height);
    let now = chrono::DateTime::from_timestamp(1_700_000_000, 0).unwrap();
    update(&mut s, Msg::Tick(now));
    update(&mut s, Msg::Action(Action::Feeds));
    let mut a = feed(None);
    a.title = "Crate Digest".into();
    a.tags = vec!["rust".into(), "weekly".into()];
    a.last_ok_at = Some(now - chrono::Duration::hours(3));
    let mut b = feed(Some("HTTP 404 Not Found"));
    b.id = FeedId(2);
    b.tags = vec!["rust".into()];
    b.last_ok_at = Some(now - chrono::Duration::days(40));
    let mut c = feed(None);
    c.id = FeedId(3);
    c.title = "The Millbrook Gazette".into();
    update(&mut s, Msg::FeedsLoaded(vec![a, b, c]));
    s
}

#[test]
fn feeds_grouped_by_tag_with_views_80x24() {
    insta::assert_snapshot!(render(&grouped_feeds(80, 24)).backend());
}

#[test]
fn feeds_grouped_by_tag_with_views_40x12() {
    insta::assert_snapshot!(render(&grouped_feeds(40, 12)).backend());
}

#[test]
fn links_view_40x12() {
    let mut s = stream_state(40, 12);
    let (mut e, mut r) = entry(7, 5);
    e.summary.link = Some("https://example.org/7".into());
    r.links = vec![
        "https://a.example/one".into(),
        "https://b.example/a/very/long/path/that/does/not/fit".into(),
    ];
    s.opening = Some(e.summary.id);
    update(
        &mut s,
        Msg::EntryLoaded {
            entry: Box::new(e),
            rendered: r,
            width: 38,
            complete: true,
        },
    );
    update(&mut s, Msg::Action(Action::Links));
    update(&mut s, Msg::Action(Action::Down));
    insta::assert_snapshot!(render(&s).backend());
}

#[test]
fn the_reader_stands_in_the_middle_of_a_wide_screen() {
    let mut s = stream_state(200, 60);
    let (e, r) = entry(7, 5);
    s.opening = Some(e.summary.id);
    let width = s.reader_width();
    update(
        &mut s,
        Msg::EntryLoaded {
            entry: Box::new(e),
            rendered: r,
            width,
            complete: true,
        },
    );
    let terminal = render(&s);
    let buf = terminal.backend().buffer();
    // 100 columns of text in 200: 49 blank columns each side of the frame's own margin.
    assert_eq!(
        buf[(50, 5)].symbol(),
        "l",
        "body line 'line 0' starts at column 50"
    );
    assert_eq!(buf[(49, 5)].symbol(), " ");
    assert_eq!(
        buf[(50, 1)].symbol(),
        "E",
        "the title is in the same column"
    );
}

#[test]
fn the_export_dialog_80x24_and_at_every_tiny_size() {
    use crate::app::TextKey;
    // More entries than the screen holds: the dialog covers the rows under it.
    let mut db = FakeDb::new(40);
    let mut s = db.started(80, 24);
    s.options.export_dir = "/home/u".into();
    s.options.export_command = Some("pandoc".into());
    update(&mut s, Msg::Action(Action::ToggleSelect));
    update(&mut s, Msg::Action(Action::ToggleSelect));
    update(&mut s, Msg::Action(Action::Export));
    update(&mut s, Msg::Text(TextKey::Right));
    update(&mut s, Msg::Text(TextKey::Right));
    insta::assert_snapshot!("to_a_file", render(&s).backend());
    update(&mut s, Msg::Text(TextKey::Down));
    update(&mut s, Msg::Text(TextKey::Down));
    update(&mut s, Msg::Text(TextKey::Left));
    insta::assert_snapshot!("to_a_command", render(&s).backend());
    for (w, h) in [(20, 5), (20, 6), (33, 7), (0, 0), (1, 1)] {
        s.width = w;
        s.height = h;
        let _ = render(&s);
    }
}

/// Issue #18: an error in the status line is drawn as an error, not like a confirmation.
#[test]
fn an_error_in_the_status_line_looks_like_an_error() {
    let mut s = stream_state(80, 24);
    update(&mut s, Msg::Info("Exported 3 entries".into()));
    let done = render(&s).backend().buffer()[(1, 23)].style();
    update(
        &mut s,
        Msg::Failed("database t.db: the disk is full".into()),
    );
    let failed = render(&s).backend().buffer()[(1, 23)].style();
    let error = Theme::default().error();
    assert_eq!(failed.fg, error.fg);
    assert!(failed.add_modifier.contains(error.add_modifier));
    assert_ne!(done.fg, error.fg);
}

/// Issue #18: the theme is data handed to drawing, so a test can draw with another one: the
/// config's colours reach the cells of their role, and the default has none.
#[test]
fn a_view_is_drawn_in_the_theme_it_is_given() {
    let s = stream_state(80, 24);
    let mut colors = std::collections::BTreeMap::new();
    colors.insert(
        Role::Bar,
        crate::config::style::parse("yellow on blue").unwrap(),
    );
    let theme = Theme::new(&colors, ColorLevel::Ansi16);
    let title = render_in(&s, &theme).backend().buffer()[(1, 0)].style();
    assert_eq!(title.fg, Some(ratatui::style::Color::Indexed(3)));
    assert_eq!(title.bg, Some(ratatui::style::Color::Indexed(4)));
    let plain = render(&s).backend().buffer()[(1, 0)].style();
    assert_ne!(plain.fg, title.fg);
    assert_ne!(plain.bg, title.bg);
    assert!(plain.add_modifier.contains(Modifier::REVERSED));
}

/// The reader on `entry(7, 40)` with this title, laid out at `width` as the runtime does.
fn reader_with_title(width: u16, height: u16, title: &str) -> AppState {
    let mut s = stream_state(width, height);
    let (mut e, r) = entry(7, 40);
    s.opening = Some(e.summary.id);
    e.summary.title = title.into();
    let layout = s.reader_width();
    let r = r.with_title(title, usize::from(layout));
    update(
        &mut s,
        Msg::EntryLoaded {
            entry: Box::new(e),
            rendered: r,
            width: layout,
            complete: true,
        },
    );
    s
}

fn screen_rows(s: &AppState) -> Vec<String> {
    let terminal = render(s);
    let buf = terminal.backend().buffer();
    (0..s.height)
        .map(|y| (0..s.width).map(|x| buf[(x, y)].symbol()).collect())
        .collect()
}

/// Issue #19: a long title was one cut line in the reader; it is shown whole, wrapped.
#[test]
fn a_long_title_is_wrapped_whole_in_the_reader() {
    let title = "The quick brown fox jumps over the lazy dog while the terminal keeps \
                 every word of a long headline in view";
    let s = reader_with_title(40, 20, title);
    let rows = screen_rows(&s);
    let shown: String = rows[1..4]
        .iter()
        .map(|r| r.trim())
        .collect::<Vec<_>>()
        .join(" ");
    assert_eq!(shown, title, "{rows:#?}");
    assert!(rows[4].contains("Feed"), "the feed line follows: {rows:#?}");
}

/// Issue #19: at 20×5 (and 30×6) the reader showed its header and no body at all.
#[test]
fn the_smallest_reader_still_shows_the_body() {
    for (w, h) in [(20, 5), (30, 6)] {
        let s = reader_with_title(w, h, "A title longer than the screen is wide");
        let rows = screen_rows(&s);
        assert!(
            rows.iter().any(|r| r.contains("line 0")),
            "{w}x{h}: {rows:#?}"
        );
        assert!(rows[1].contains("A title"), "{w}x{h}: {rows:#?}");
    }
}

/// Issue #19: the empty stream pointed to a command line instead of the keys, and one failing
/// feed's empty view did not say why it was empty.
#[test]
fn empty_views_name_the_keys_and_a_failing_feeds_error() {
    let mut s = FakeDb::new(0).started(80, 24);
    let rows = screen_rows(&s);
    assert!(
        rows[1].contains("f then a subscribes to a feed"),
        "{rows:#?}"
    );
    let feed = crate::model::Feed {
        last_error: Some("HTTP 404 Not Found".into()),
        ..crate::app::test_support::feed(4, &[], 0)
    };
    update(&mut s, Msg::FeedsLoaded(vec![feed]));
    s.stream.filter.feed = Some(FeedId(4));
    let rows = screen_rows(&s);
    assert!(
        rows[1].contains("the feed fails (HTTP 404 Not Found)"),
        "{rows:#?}"
    );
}

/// Issue #19: three feeds titled "In Our Time", or feeds titled by their URLs, looked the same
/// in the feed list; each now shows where it is.
#[test]
fn feeds_of_the_same_title_are_told_apart() {
    let mut s = AppState::new(crate::app::Options::default(), 100, 24);
    let named = |id: i64, title: &str, url: &str| crate::model::Feed {
        title: title.into(),
        url: url.into(),
        ..crate::app::test_support::feed(id, &[], 0)
    };
    update(&mut s, Msg::Action(Action::Feeds));
    update(
        &mut s,
        Msg::FeedsLoaded(vec![
            named(1, "In Our Time", "https://www.bbc.example/iot.rss"),
            named(2, "In our time", "https://podcasts.example/in-our-time"),
            named(
                3,
                "https://user:pw@feeds.example/a.xml",
                "https://user:pw@feeds.example/a.xml",
            ),
            named(4, "Unique", "https://u.example/"),
        ]),
    );
    let rows = screen_rows(&s).join("\n");
    assert!(rows.contains("In Our Time · bbc.example/iot.rss"), "{rows}");
    assert!(
        rows.contains("In our time · podcasts.example/in-our-time"),
        "{rows}"
    );
    assert!(rows.contains("user:***@feeds.example/a.xml"), "{rows}");
    assert!(!rows.contains("Unique ·"), "{rows}");
}
