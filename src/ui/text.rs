//! Fitting text to cells: display width (unicode-width), truncation with an ellipsis, and a
//! last filter against control characters.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use crate::model::sanitize;

/// Display width of `s`.
pub fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// `s` as one clean line of at most `max` columns (`…` marks a cut), padded to nothing. Only
/// as much of `s` is looked at as `max` columns can show (a column holds at most a character
/// and `MAX_MARKS` marks, four bytes each), so a long title costs no more than a short one.
pub fn fit(s: &str, max: usize) -> String {
    let s = &*crate::model::bounds::cut(s, (max + 1) * (1 + sanitize::MAX_MARKS) * 4);
    let clean;
    let s = if sanitize::is_clean_line(s) {
        s
    } else {
        clean = sanitize::line(s);
        &clean
    };
    if width(s) <= max {
        return s.to_owned();
    }
    if max == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > max - 1 {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

/// `s` fitted to exactly `cols` columns (cut or padded with spaces).
pub fn pad(s: &str, cols: usize) -> String {
    let mut out = fit(s, cols);
    let w = width(&out);
    out.extend(std::iter::repeat_n(' ', cols.saturating_sub(w)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_text_is_unchanged() {
        assert_eq!(fit("hello", 10), "hello");
    }

    #[test]
    fn long_text_is_cut_with_an_ellipsis_at_the_width() {
        assert_eq!(fit("hello world", 8), "hello w…");
        assert_eq!(width(&fit("日本語のタイトル", 7)), 7);
        assert_eq!(fit("abc", 0), "");
    }

    #[test]
    fn control_characters_never_pass() {
        assert_eq!(fit("a\u{1b}[31mb\u{202e}c", 20), "a[31mbc");
    }

    #[test]
    fn pad_fills_to_the_width() {
        assert_eq!(pad("ab", 4), "ab  ");
        assert_eq!(pad("abcdef", 4), "abc…");
    }
}
