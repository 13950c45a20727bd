//! Subscriptions and items in and out: entries exported as Markdown, text, HTML, JSON, Atom or
//! CSV (and the "planet" page `tidings publish` writes); subscriptions written as OPML, and read
//! from OPML and newsboat `urls` files. Uses `model` and `render`.

mod items;
mod newsboat_query;
mod opml;
mod page;
mod stream;
mod subscriptions;
pub mod subscriptions_file;

pub use items::{Format, Options, export, json_inert};
pub use newsboat_query::{Unconvertible, convert as convert_newsboat_filter};
pub use opml::opml;
pub use page::page;
pub use stream::{Totals, Writer};
pub use subscriptions::{ImportError, Subscription};
pub use subscriptions::{Imported, SavedView, Skipped, read_subscriptions};
