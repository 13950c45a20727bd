//! tidings: a terminal feed reader.
//!
//! One crate, layered (see `docs/DESIGN.md`): `model` at the centre; `config`, `store`, `render`
//! around it; `fetch` and `export` on top of the store; `app` (pure state machine) and `ui`
//! (pure drawing); `tui` (the runtime) and `cli` (commands) at the edge. `main.rs` is thin.

pub mod app;
pub mod cli;
pub mod config;
pub mod export;
pub mod fetch;
pub mod model;
pub mod render;
pub mod store;
pub mod tui;
pub mod ui;
