//! Regular expressions in filters (`title:/^\[ad\]/`): bounded in size when compiled, and in
//! time by the engine (the `regex` crate matches in time linear in the text, and every text
//! it is given is bounded when stored). Case is ignored unless the pattern says `(?-i)`.

use std::fmt;
use std::hash::{Hash, Hasher};

use regex::{Regex, RegexBuilder};

/// The longest pattern accepted, in bytes.
pub const MAX_PATTERN: usize = 1000;

/// Memory a compiled pattern may take (its program and its lazy DFA's cache each).
const COMPILED_LIMIT: usize = 1 << 20;

/// A regular expression as written, compiled once. Two patterns are equal when written alike.
#[derive(Clone)]
pub struct Pattern {
    source: String,
    regex: Regex,
}

impl Pattern {
    /// Compiles `source`, or says why it cannot be used.
    pub fn new(source: &str) -> Result<Self, String> {
        if source.len() > MAX_PATTERN {
            return Err(format!(
                "a regular expression is limited to {MAX_PATTERN} bytes"
            ));
        }
        let regex = RegexBuilder::new(source)
            .case_insensitive(true)
            .size_limit(COMPILED_LIMIT)
            .dfa_size_limit(COMPILED_LIMIT)
            .build()
            .map_err(|e| match e {
                regex::Error::CompiledTooBig(_) => {
                    "the regular expression is too big once compiled".to_owned()
                }
                // The parser's message spans several lines (the pattern, a caret, the reason):
                // its last line is the reason.
                other => other
                    .to_string()
                    .lines()
                    .rev()
                    .find(|l| !l.trim().is_empty())
                    .map_or_else(
                        || "not a regular expression".to_owned(),
                        |l| {
                            format!(
                                "not a regular expression: {}",
                                l.trim().trim_start_matches("error: ")
                            )
                        },
                    ),
            })?;
        Ok(Self {
            source: source.to_owned(),
            regex,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.source
    }

    pub fn is_match(&self, text: &str) -> bool {
        self.regex.is_match(text)
    }
}

impl fmt::Debug for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "/{}/", self.source)
    }
}

impl PartialEq for Pattern {
    fn eq(&self, other: &Self) -> bool {
        self.source == other.source
    }
}

impl Eq for Pattern {}

impl Hash for Pattern {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.source.hash(state);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_is_ignored_unless_asked_for() {
        let p = Pattern::new(r"^\[ad\]").unwrap();
        assert!(p.is_match("[AD] buy this"));
        assert!(!p.is_match("an [ad]"));
        let strict = Pattern::new(r"(?-i)^Rust").unwrap();
        assert!(strict.is_match("Rust 2.0"));
        assert!(!strict.is_match("rust 2.0"));
    }

    #[test]
    fn oversized_and_broken_patterns_are_refused_with_a_reason() {
        let long = "a".repeat(MAX_PATTERN + 1);
        assert!(
            Pattern::new(&long)
                .unwrap_err()
                .contains("limited to 1000 bytes")
        );
        // Small to write, huge once compiled.
        let err = Pattern::new(r"\w{200}\w{200}\w{200}").unwrap_err();
        assert!(err.contains("too big"), "{err}");
        let err = Pattern::new("(unclosed").unwrap_err();
        assert!(err.starts_with("not a regular expression: "), "{err}");
        assert!(!err.contains('\n'), "{err}");
    }
}
