//! Subscriptions and items in and out. For now: reading subscription lists (OPML, newsboat
//! `urls` files). Uses `model` (and later `store`, `render`).

mod subscriptions;

pub use subscriptions::{ImportError, Subscription, parse_subscriptions};
