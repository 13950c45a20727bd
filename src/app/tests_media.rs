//! `update` tests for podcasts (issue #22): what `p`, `d` and `w` ask for in each view, the
//! queue view, and the queue's events on the status line.

use super::test_support::{FakeDb, entry};
use super::*;
use crate::model::Enclosure;
use crate::model::download::{Download, DownloadEvent, DownloadProgress, DownloadState};

fn act(a: Action) -> Msg {
    Msg::Action(a)
}

fn episode(id: i64) -> Download {
    Download {
        id,
        url: format!("https://cast.example/{id}.mp3"),
        feed_title: "Cast".into(),
        title: format!("Episode {id}"),
        mime: Some("audio/mpeg".into()),
        file: None,
        state: DownloadState::Queued,
        received: 0,
        total: Some(1_000_000),
        error: None,
        published: 0,
    }
}

#[test]
fn p_and_d_ask_for_the_entry_under_the_cursor_or_the_selection() {
    let mut db = FakeDb::new(5);
    let mut s = db.started(80, 24);
    assert_eq!(
        db.send(&mut s, act(Action::Play)),
        [Effect::Play {
            id: EntryId(5),
            pick: None
        }]
    );
    assert_eq!(
        db.send(&mut s, act(Action::Download)),
        [Effect::QueueDownloads {
            ids: vec![EntryId(5)],
            pick: None
        }]
    );
    db.send(&mut s, act(Action::ToggleSelect));
    db.send(&mut s, act(Action::Down));
    db.send(&mut s, act(Action::ToggleSelect));
    assert_eq!(
        db.send(&mut s, act(Action::Download)),
        [Effect::QueueDownloads {
            ids: vec![EntryId(3), EntryId(5)],
            pick: None
        }]
    );
}

#[test]
fn in_the_links_view_the_enclosure_picked_is_the_one_played_and_queued() {
    let mut db = FakeDb::new(3);
    let mut s = db.started(80, 24);
    let (mut e, rendered) = entry(3, 5);
    e.enclosures = vec![
        Enclosure::new("https://cast.example/cover.jpg", None, None, None).unwrap(),
        Enclosure::new(
            "https://cast.example/3.mp3",
            None,
            Some(44_200_000),
            Some(61),
        )
        .unwrap(),
    ];
    db.send(&mut s, act(Action::Open));
    db.send(
        &mut s,
        Msg::EntryLoaded {
            entry: Box::new(e),
            rendered,
            width: 78,
            complete: true,
        },
    );
    assert_eq!(s.view, View::Reader);
    let reader = s.reader.as_ref().unwrap();
    assert_eq!(
        reader.enclosure_lines(),
        ["[E1] image/jpeg", "[E2] audio/mpeg, 44.2 MB, 1:01"]
    );
    db.send(&mut s, act(Action::Links));
    assert_eq!(s.view, View::Links);
    let rows = link_rows(&s);
    assert_eq!(rows[0].label, "entry");
    assert_eq!(rows[2].label, "[E2] audio/mpeg, 44.2 MB, 1:01");
    db.send(&mut s, act(Action::Down));
    db.send(&mut s, act(Action::Down));
    assert_eq!(
        db.send(&mut s, act(Action::Play)),
        [Effect::Play {
            id: EntryId(3),
            pick: Some(1)
        }]
    );
    assert_eq!(
        db.send(&mut s, act(Action::Download)),
        [Effect::QueueDownloads {
            ids: vec![EntryId(3)],
            pick: Some(1)
        }]
    );
    // On the entry's own link, the entry's choice.
    db.send(&mut s, act(Action::Top));
    assert_eq!(
        db.send(&mut s, act(Action::Play)),
        [Effect::Play {
            id: EntryId(3),
            pick: None
        }]
    );
}

#[test]
fn the_queue_view_follows_the_downloads_and_the_status_line_says_how_far() {
    let mut db = FakeDb::new(3);
    let mut s = db.started(80, 24);
    assert_eq!(
        db.send(&mut s, act(Action::Downloads)),
        [Effect::LoadDownloads]
    );
    assert_eq!(s.view, View::Downloads);
    db.send(&mut s, Msg::DownloadsLoaded(vec![episode(1), episode(2)]));
    assert_eq!(s.downloads.rows.len(), 2);
    db.send(&mut s, Msg::Download(DownloadEvent::Started(episode(1))));
    db.send(
        &mut s,
        Msg::Download(DownloadEvent::Progress(DownloadProgress {
            id: 1,
            received: 250_000,
            total: Some(1_000_000),
            rate: 125_000,
        })),
    );
    assert_eq!(
        s.downloads.summary().as_deref(),
        Some("Downloading 1: 250.0 KB of 1.0 MB (25 %), 125.0 KB/s, 0:06 left")
    );
    // A running download is not taken out of the queue.
    assert!(db.send(&mut s, act(Action::RemoveFeed)).is_empty());
    let finished = db.send(
        &mut s,
        Msg::Download(DownloadEvent::Finished {
            id: 1,
            file: "Cast - Episode 1.mp3".into(),
            bytes: 1_000_000,
        }),
    );
    assert_eq!(finished, [Effect::LoadDownloads]);
    assert_eq!(
        s.status.as_ref().unwrap().text,
        "Downloaded Cast - Episode 1.mp3"
    );
    assert!(s.downloads.summary().is_none());
    // Found by hand in tmux: a report sent just before the end arrived after it, and the
    // finished download showed as running at 100 % until the whole queue ended.
    db.send(
        &mut s,
        Msg::Download(DownloadEvent::Progress(DownloadProgress {
            id: 1,
            received: 1_000_000,
            total: Some(1_000_000),
            rate: 125_000,
        })),
    );
    assert!(s.downloads.summary().is_none(), "a late report is dropped");
    db.send(
        &mut s,
        Msg::Download(DownloadEvent::Failed {
            id: 2,
            error: "the server answered 404".into(),
            retry: false,
        }),
    );
    assert_eq!(
        s.status.as_ref().unwrap().text,
        "Download failed: the server answered 404"
    );
    // The queue ended: what was queued meanwhile starts.
    assert_eq!(
        db.send(&mut s, Msg::JobEnded(Job::Download)),
        [Effect::StartDownloads, Effect::LoadDownloads]
    );
    // d on a failed one queues it again; D takes one out; q goes back.
    let mut failed = episode(2);
    failed.state = DownloadState::Failed;
    db.send(&mut s, Msg::DownloadsLoaded(vec![failed]));
    assert_eq!(
        db.send(&mut s, act(Action::Download)),
        [Effect::RetryDownload { id: 2 }]
    );
    assert_eq!(
        db.send(&mut s, act(Action::RemoveFeed)),
        [Effect::RemoveDownload { id: 2 }]
    );
    db.send(&mut s, act(Action::Back));
    assert_eq!(s.view, View::Stream);
}

#[test]
fn a_reader_starts_the_queue_left_by_the_last_session() {
    let mut s = AppState::new(Options::default(), 80, 24);
    assert!(s.start().contains(&Effect::StartDownloads));
}
