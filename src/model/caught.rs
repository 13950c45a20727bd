//! Panics that are caught on purpose (a feed parser that panics on hostile input is one bad
//! feed, not a crash): code that catches them says so here, and the panic hook then stays
//! silent. Nothing a feed wrote may reach the terminal in tidings' voice (issue #17: a caught
//! feed-rs panic printed "tidings crashed:" and 256 characters of the feed's own text).

use std::cell::Cell;
use std::panic::{self, AssertUnwindSafe};

thread_local! {
    static CATCHING: Cell<u32> = const { Cell::new(0) };
}

/// Runs `f`, catching a panic in it (`None`); the hook knows the panic is expected.
pub fn catch<T>(f: impl FnOnce() -> T) -> Option<T> {
    CATCHING.with(|c| c.set(c.get() + 1));
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    CATCHING.with(|c| c.set(c.get().saturating_sub(1)));
    result.ok()
}

/// Whether a panic now would be caught by [`catch`] on this thread.
pub fn is_expected() -> bool {
    CATCHING.with(Cell::get) > 0
}

/// What a panic said, fit for a log line: sanitised (a panic message can quote a feed), one
/// line, at most 300 characters.
pub fn describe(info: &dyn std::fmt::Display) -> String {
    let text = super::sanitize::line(&info.to_string());
    match text.char_indices().nth(300) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_caught_panic_is_expected_only_while_caught() {
        assert!(!is_expected());
        let inside = catch(is_expected).unwrap();
        assert!(inside);
        assert!(catch(|| -> () { panic!("boom") }).is_none());
        assert!(!is_expected(), "the count is back after a panic");
    }

    #[test]
    fn a_description_is_one_clean_short_line() {
        let text = format!("a\u{1b}[2J\u{9b}31m\u{202e}b\nc{}", "x".repeat(1000));
        let d = describe(&text);
        assert!(d.starts_with("a[2J31mb c"), "{d}");
        assert_eq!(d.chars().count(), 301);
    }
}
