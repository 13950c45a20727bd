//! The hot paths the instruction-count gate (`.ci/gate`) measures, one per run. Each scenario
//! sets up outside, then calls one `measured_*` function, and `.ci/gate` counts only what runs
//! inside it (`valgrind --tool=callgrind --toggle-collect='*measured_*'`). Instruction counts
//! do not move with the load on the machine, so the gate can compare them with a committed
//! baseline where a timing could not be trusted.
//!
//! ```sh
//! gate ingest                 # parse + prepare + store a fixed set of feeds, fresh database
//! gate ingest-rules           # the same with 50 rules (benches/support/rules50.toml)
//! gate build-db DB            # the 100 000-entry database the next three read (not measured)
//! gate first-paint DB         # open it and draw the stream's first frame
//! gate search DB              # a common word on the filter line, Enter, the frame
//! gate search-page DB         # then a page down inside that search
//! gate render                 # one long entry laid out at 80 columns
//! gate sorts DB               # a first page and the next in each order but newest first
//! ```
// A measuring tool: a failed setup stops it with the reason.
#![allow(clippy::expect_used)]

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tidings::app::{self, Action, AppState, Msg, TextKey};
use tidings::fetch::parse::parse_document;
use tidings::model::{EntryFilter, Page, Retention, Sort};
use tidings::store::{Durability, FetchMeta, Store, SynthSpec, synth};

#[path = "../benches/support/feeds.rs"]
mod feeds;
#[path = "../benches/support/session.rs"]
mod session;

/// "Now" for every scenario (2026-01-01 UTC), so dates, and what is drawn, never change.
const NOW: i64 = 1_767_225_600;
/// The reader's size when measured.
const SIZE: (u16, u16) = (120, 40);
/// The common word of the search scenarios (in almost every entry `db synth` writes).
const COMMON_WORD: &str = "river";

fn fixtures() -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/feeds");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("the fixtures")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let name = p.file_name().map(|n| n.to_string_lossy().into_owned());
            let url = format!("https://fixtures.example/{}", name.unwrap_or_default());
            (url, std::fs::read(&p).expect("a fixture"))
        })
        .collect()
}

/// The documents `ingest` stores: every feed fixture (real feeds, hostile ones, every format
/// and dialect) and 24 feeds shaped like the bench server's (20–60 entries of 1–10 KB HTML).
fn ingest_documents() -> Vec<(String, Vec<u8>)> {
    let mut docs = fixtures();
    docs.extend(feeds::bench_feeds(24, 20, 60, 16));
    docs
}

/// What a refresh does with each fetched document, one after another on one thread: parse,
/// prepare on a reading connection, write on the writing one (a transaction per feed, as when
/// the writer keeps up), apply retention.
#[inline(never)]
fn measured_ingest(
    dir: &Path,
    docs: &[(String, Vec<u8>)],
    rules: Arc<[tidings::model::rules::Rule]>,
) -> usize {
    let db = dir.join("ingest.db");
    let mut writer = Store::open(&db).expect("a fresh database");
    writer.set_rules(rules);
    // As the refresh's connection is (`fetch::refresh::shared_store`).
    writer
        .set_durability(Durability::Normal)
        .expect("relaxing the syncs");
    let reader = Store::open(&db).expect("a reading connection");
    // The shipped default keeps everything; pruning still runs, as in a refresh.
    let rule = Retention::default();
    let mut stored = 0;
    for (url, bytes) in docs {
        let (id, _) = writer.add_feed(url, NOW).expect("adding a feed");
        let Ok(incoming) = parse_document(bytes, url, None) else {
            continue;
        };
        let prepared = reader.prepare(id, &incoming).expect("preparing");
        stored += writer
            .record_prepared(id, &incoming, prepared, &FetchMeta::default(), NOW)
            .expect("storing");
        let listed: Vec<&str> = incoming.entries.iter().map(|e| e.key.as_str()).collect();
        writer.prune(id, &rule, &listed, NOW).expect("pruning");
    }
    stored
}

/// The pages a sorted saved view reads: the first and the next, oldest first, by feed and
/// unread first (the newest-first pages are `first-paint` and `search-page`).
#[inline(never)]
fn measured_sorts(store: &Store) -> usize {
    let mut read = 0;
    for sort in [Sort::Oldest, Sort::Feed, Sort::Unread] {
        let filter = EntryFilter {
            sort,
            ..EntryFilter::default()
        };
        let first = store
            .entries_page(&filter, Page::First, 200)
            .expect("a first page");
        let next = first
            .last()
            .map_or(Page::First, |r| Page::Older(r.cursor()));
        read += first.len();
        read += store
            .entries_page(&filter, next, 200)
            .expect("a next page")
            .len();
    }
    read
}

#[inline(never)]
fn measured_first_paint(db: &Path, term: &mut Terminal<TestBackend>) -> usize {
    let store = Store::open(db).expect("opening the database");
    let _visit = store.last_visit().expect("the last visit");
    let mut state = session::started(&store, SIZE.0, SIZE.1);
    let _ = app::update(&mut state, Msg::Tick(tick()));
    term.draw(|f| tidings::ui::draw(f, &state, &tidings::ui::Theme::default()))
        .expect("drawing");
    state.stream.rows.len()
}

#[inline(never)]
fn measured_key(
    state: &mut AppState,
    store: &Store,
    term: &mut Terminal<TestBackend>,
    msg: Msg,
) -> usize {
    session::key(state, store, term, msg);
    state.stream.rows.len()
}

#[inline(never)]
fn measured_render(html: &str, base: Option<&str>) -> usize {
    tidings::render::article(html, base, 80).lines.len()
}

fn tick() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp(NOW, 0).unwrap_or_default()
}

fn build_db(path: &Path) {
    let _ = std::fs::remove_file(path);
    let mut store = Store::open(path).expect("creating the database");
    let spec = SynthSpec {
        feeds: 1000,
        entries_per_feed: 100,
        seed: 1,
        now: NOW,
        duplicates_percent: 0,
    };
    let report = synth(&mut store, &spec, |_| {}).expect("building the database");
    // Left as the refresh path leaves it (not vacuumed): what most readers open.
    eprintln!("{}: {} entries", path.display(), report.entries);
}

/// The reader started on `db`, with `COMMON_WORD` typed on the filter line.
fn searching(db: &Path) -> (Store, AppState, Terminal<TestBackend>) {
    let store = Store::open(db).expect("opening the database");
    let mut state = session::started(&store, SIZE.0, SIZE.1);
    let _ = app::update(&mut state, Msg::Tick(tick()));
    let state = session::typed(&state, COMMON_WORD);
    let term = Terminal::new(TestBackend::new(SIZE.0, SIZE.1)).expect("a test terminal");
    (store, state, term)
}

/// The longest entry among the fixtures, and its link.
fn longest_entry() -> (String, Option<String>) {
    fixtures()
        .into_iter()
        .filter_map(|(url, bytes)| parse_document(&bytes, &url, None).ok())
        .flat_map(|f| f.entries)
        .max_by_key(|e| e.content_html.len())
        .map(|e| (e.content_html, e.link))
        .expect("an entry")
}

/// The 50 rules of `benches/support/rules50.toml`, read as the config reads them.
fn fifty_rules() -> Arc<[tidings::model::rules::Rule]> {
    let text = include_str!("../benches/support/rules50.toml");
    let config = tidings::config::Config::parse(text, Path::new("rules50.toml"))
        .expect("the benchmark's rules read");
    assert_eq!(config.rules.len(), 50);
    config.rules
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let db = || PathBuf::from(args.get(1).expect("a database path"));
    let result = match args.first().map(String::as_str) {
        Some("ingest") => {
            let docs = ingest_documents();
            let dir = tempfile::tempdir().expect("a temp dir");
            measured_ingest(dir.path(), &docs, Arc::new([]))
        }
        Some("ingest-rules") => {
            let docs = ingest_documents();
            let dir = tempfile::tempdir().expect("a temp dir");
            measured_ingest(dir.path(), &docs, fifty_rules())
        }
        Some("build-db") => {
            build_db(&db());
            0
        }
        Some("first-paint") => {
            let mut term = Terminal::new(TestBackend::new(SIZE.0, SIZE.1)).expect("a terminal");
            measured_first_paint(&db(), &mut term)
        }
        Some("search") => {
            let (store, mut state, mut term) = searching(&db());
            measured_key(&mut state, &store, &mut term, Msg::Text(TextKey::Enter))
        }
        Some("search-page") => {
            let (store, mut state, mut term) = searching(&db());
            session::key(&mut state, &store, &mut term, Msg::Text(TextKey::Enter));
            measured_key(&mut state, &store, &mut term, Msg::Action(Action::PageDown))
        }
        Some("sorts") => {
            let store = Store::open(&db()).expect("opening the database");
            measured_sorts(&store)
        }
        Some("render") => {
            let (html, link) = longest_entry();
            measured_render(&html, link.as_deref())
        }
        _ => {
            eprintln!(
                "usage: gate ingest | ingest-rules | build-db DB | first-paint DB | search DB | search-page DB | render | sorts DB"
            );
            std::process::exit(2);
        }
    };
    // What was measured, so a scenario that silently did nothing shows.
    println!("{}", black_box(result));
}
