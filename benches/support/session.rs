//! The reader without a terminal, for benches and the instruction-count gate: `app::update`,
//! the store queries its effects ask for (the same `Store` calls the runtime makes), and a
//! full draw into a `TestBackend`.

use std::collections::VecDeque;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tidings::app::{self, Action, AppState, Effect, Msg, Options, TextKey};
use tidings::store::Store;

/// Runs effects the way the runtime does for these keys (store reads only).
pub fn run(state: &mut AppState, store: &Store, effects: Vec<Effect>) {
    let mut work: VecDeque<Effect> = effects.into();
    while let Some(effect) = work.pop_front() {
        let msg = match effect {
            Effect::LoadPage {
                generation,
                filter,
                page,
                limit,
            } => Msg::PageLoaded {
                generation,
                page,
                rows: store.entries_page(&filter, page, limit).expect("a page"),
            },
            Effect::LoadCounts => Msg::Counts(store.counts().expect("counts")),
            _ => continue,
        };
        work.extend(app::update(state, msg));
    }
}

/// One key: its update, its effects, a full draw.
pub fn key(state: &mut AppState, store: &Store, term: &mut Terminal<TestBackend>, msg: Msg) {
    let effects = app::update(state, msg);
    run(state, store, effects);
    term.draw(|f| tidings::ui::draw(f, state, &tidings::ui::Theme::default()))
        .expect("drawing");
}

/// The reader as it starts on `store`, at `width`×`height`.
pub fn started(store: &Store, width: u16, height: u16) -> AppState {
    let mut state = AppState::new(Options::default(), width, height);
    let effects = state.start();
    run(&mut state, store, effects);
    state
}

/// The state with `filter` typed on the filter line, ready for `Enter`.
pub fn typed(base: &AppState, filter: &str) -> AppState {
    let mut s = base.clone();
    let _ = app::update(&mut s, Msg::Action(Action::Filter));
    for c in filter.chars() {
        let _ = app::update(&mut s, Msg::Text(TextKey::Char(c)));
    }
    s
}
