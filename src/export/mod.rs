//! Subscriptions and items in and out: entries exported as Markdown, text, JSON, Atom or CSV;
//! subscription lists read from OPML and newsboat `urls` files. Uses `model` and `render`.

mod items;
mod subscriptions;

pub use items::{Format, export};
pub use subscriptions::{ImportError, Subscription, parse_subscriptions};
