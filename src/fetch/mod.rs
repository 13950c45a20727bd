//! Getting feeds: HTTP (and file:) fetching with limits, parsing and normalising documents, and
//! the refresh engine shared by the TUI and `tidings refresh`. Uses `model` and `store`.

pub mod articles;
mod asking;
pub mod discover;
pub mod download;
pub mod downloads;
pub mod http;
mod normalize;
pub mod parse;
mod parsers;
pub mod refresh;
pub mod subscribe;
pub mod sync;
mod writer;
