//! The namespace bindings in scope during the repair pass: prefix → URI, innermost last, undone
//! element by element as elements close. A short list is scanned (feeds bind a handful of
//! prefixes, once, on the root); past `SCAN_LIMIT` bindings a hash index takes over, so a
//! document binding thousands of prefixes stays linear. Pure.

use std::borrow::Cow;
use std::collections::HashMap;

use super::same;

/// Past this many bindings in scope, lookups go through the index instead of a scan.
const SCAN_LIMIT: usize = 16;

struct Binding<'a> {
    prefix: &'a str,
    uri: Cow<'a, str>,
    /// The binding of the same prefix that this one hides, restored when it goes.
    hides: Option<usize>,
}

/// Namespace bindings in scope.
#[derive(Default)]
pub struct Scopes<'a> {
    bindings: Vec<Binding<'a>>,
    /// Prefix → its innermost binding, once there are more than `SCAN_LIMIT`.
    index: Option<HashMap<&'a str, usize>>,
    /// The innermost binding of the default namespace, which unprefixed names (most of them)
    /// look up.
    default: Option<usize>,
}

impl<'a> Scopes<'a> {
    /// How many bindings are in scope (a mark for `unbind_to`).
    pub fn len(&self) -> usize {
        self.bindings.len()
    }

    /// The innermost binding of `prefix` (`""`: the default namespace), if it is bound.
    pub fn position(&self, prefix: &str) -> Option<usize> {
        if prefix.is_empty() {
            return self.default;
        }
        match &self.index {
            Some(index) => index.get(prefix).copied(),
            None => self.bindings.iter().rposition(|b| same(b.prefix, prefix)),
        }
    }

    /// The URI of binding `at` (from `position` or `bind`, while it is in scope).
    pub fn uri(&self, at: usize) -> &str {
        &self.bindings[at].uri
    }

    /// The URI `prefix` is bound to (`""`: the default namespace).
    #[cfg(test)]
    pub fn lookup(&self, prefix: &str) -> Option<&str> {
        self.position(prefix).map(|at| self.uri(at))
    }

    /// Binds `prefix` to `uri`; returns the binding.
    pub fn bind(&mut self, prefix: &'a str, uri: Cow<'a, str>) -> usize {
        let hides = self.position(prefix);
        let at = self.bindings.len();
        self.bindings.push(Binding { prefix, uri, hides });
        if prefix.is_empty() {
            self.default = Some(at);
        }
        if let Some(index) = &mut self.index {
            index.insert(prefix, at);
        } else if self.bindings.len() > SCAN_LIMIT {
            // Later bindings overwrite earlier ones: each prefix maps to its innermost.
            let index = self.bindings.iter().enumerate();
            self.index = Some(index.map(|(i, b)| (b.prefix, i)).collect());
        }
        at
    }

    /// Drops the bindings made since `len()` was `len`.
    pub fn unbind_to(&mut self, len: usize) {
        while self.bindings.len() > len {
            let Some(gone) = self.bindings.pop() else {
                break;
            };
            if gone.prefix.is_empty() {
                self.default = gone.hides;
            }
            if let Some(index) = &mut self.index {
                match gone.hides {
                    Some(hidden) => index.insert(gone.prefix, hidden),
                    None => index.remove(gone.prefix),
                };
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uri(n: usize) -> Cow<'static, str> {
        Cow::Owned(format!("urn:{n}"))
    }

    #[test]
    fn inner_bindings_hide_outer_ones_until_unbound() {
        let mut s = Scopes::default();
        s.bind("", "urn:default".into());
        s.bind("a", uri(1));
        let mark = s.len();
        s.bind("a", uri(2));
        assert_eq!(
            (s.lookup("a"), s.lookup(""), s.lookup("b")),
            (Some("urn:2"), Some("urn:default"), None)
        );
        s.unbind_to(mark);
        assert_eq!(s.lookup("a"), Some("urn:1"));
        s.unbind_to(0);
        assert_eq!(s.lookup("a"), None);
    }

    #[test]
    fn the_index_agrees_with_the_scan() {
        // Every 13th prefix is the default namespace's.
        let prefixes: Vec<String> = (0..40)
            .map(|i| match i % 13 {
                0 => String::new(),
                n => format!("p{n}"),
            })
            .collect();
        let mut s = Scopes::default();
        let mut marks = Vec::new();
        for (n, p) in prefixes.iter().enumerate() {
            marks.push(s.len());
            s.bind(p, uri(n));
            // The innermost binding of each prefix wins.
            let want = prefixes[..=n]
                .iter()
                .rposition(|q| q == p)
                .map(|i| format!("urn:{i}"));
            assert_eq!(s.lookup(p), want.as_deref());
        }
        assert!(s.index.is_some());
        while let Some(mark) = marks.pop() {
            s.unbind_to(mark);
            for p in &prefixes {
                let want = prefixes[..mark]
                    .iter()
                    .rposition(|q| q == p)
                    .map(|i| format!("urn:{i}"));
                assert_eq!(
                    s.lookup(p),
                    want.as_deref(),
                    "{p} after unbinding to {mark}"
                );
            }
        }
    }
}
