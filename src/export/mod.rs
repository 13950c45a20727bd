//! Subscriptions and items in and out: entries exported as Markdown, text, JSON, Atom or CSV;
//! subscriptions written as OPML, and read from OPML and newsboat `urls` files. Uses `model`
//! and `render`.

mod items;
mod opml;
mod subscriptions;

pub use items::{Format, export};
pub use opml::opml;
pub use subscriptions::{ImportError, Subscription, parse_subscriptions};
