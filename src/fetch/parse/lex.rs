//! A forgiving XML tokenizer for the repair pass: it never fails, it classifies. Whatever does
//! not form a tag is text (a lone `<`), unterminated comments, CDATA sections and tags run to
//! the end of the document, and attribute values may be unquoted. One pass, no allocation but
//! the attribute list. Pure; uses nothing else in the crate.

/// One piece of a document, borrowing from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Token<'a> {
    /// Character data between tags, entities still raw.
    Text(&'a str),
    /// The inside of `<![CDATA[...]]>` (to the end of the document when unterminated).
    CData(&'a str),
    /// A start tag; `empty` for `<name/>`. Attribute values are raw (entities not decoded).
    Start {
        name: &'a str,
        attrs: Vec<(&'a str, &'a str)>,
        empty: bool,
    },
    End(&'a str),
    /// Comments, processing instructions, the XML declaration and DOCTYPEs: dropped by repair.
    Other(&'a str),
}

/// Tokens of `doc`, in order.
pub struct Lexer<'a> {
    doc: &'a str,
    pos: usize,
}

impl<'a> Lexer<'a> {
    pub fn new(doc: &'a str) -> Self {
        Self { doc, pos: 0 }
    }

    /// `<` at `self.pos`: the markup token it opens and where the next one starts, or `None`
    /// when it opens nothing (then it is text).
    fn markup(&self) -> Option<(Token<'a>, usize)> {
        let at = self.pos;
        let rest = &self.doc[at..];
        let end_of = |needle: &str, from: usize| {
            rest[from..]
                .find(needle)
                .map_or(self.doc.len(), |i| at + from + i + needle.len())
        };
        if rest.starts_with("<!--") {
            let next = end_of("-->", 4);
            return Some((Token::Other(&self.doc[at..next]), next));
        }
        if let Some(body) = rest.strip_prefix("<![CDATA[") {
            let body_at = at + 9;
            return Some(match body.find("]]>") {
                Some(i) => (
                    Token::CData(&self.doc[body_at..body_at + i]),
                    body_at + i + 3,
                ),
                None => (Token::CData(&self.doc[body_at..]), self.doc.len()),
            });
        }
        if rest.starts_with("<?") {
            let next = end_of("?>", 2);
            return Some((Token::Other(&self.doc[at..next]), next));
        }
        if rest.starts_with("<!") {
            return Some(self.declaration(rest));
        }
        if let Some(after) = rest.strip_prefix("</") {
            let len = name_len(after);
            if len == 0 {
                return None;
            }
            let next = end_of(">", 2 + len);
            return Some((Token::End(&after[..len]), next));
        }
        let len = name_len(&rest[1..]);
        if len == 0 {
            return None;
        }
        Some(self.start_tag(&rest[1..=len], at + 1 + len))
    }

    /// `<!DOCTYPE ...>` with an optional `[...]` internal subset, or another `<!...>`.
    fn declaration(&self, rest: &'a str) -> (Token<'a>, usize) {
        let at = self.pos;
        let gt = rest.find('>').unwrap_or(rest.len());
        let len = match rest[..gt].find('[') {
            Some(open) => subset_end(&rest[open..]).map_or(rest.len(), |i| open + i),
            None => (gt + 1).min(rest.len()),
        };
        let len = len.min(rest.len());
        (Token::Other(&self.doc[at..at + len]), at + len)
    }

    /// The attributes of a start tag whose name ends at `from`.
    fn start_tag(&self, name: &'a str, from: usize) -> (Token<'a>, usize) {
        let doc = self.doc;
        let bytes = doc.as_bytes();
        let mut attrs = Vec::new();
        let mut i = from;
        loop {
            while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            let end = match bytes.get(i) {
                None | Some(b'<') => Some((i, false)),
                Some(b'>') => Some((i + 1, false)),
                Some(b'/') if bytes.get(i + 1) == Some(&b'>') => Some((i + 2, true)),
                _ => None,
            };
            if let Some((next, empty)) = end {
                return (Token::Start { name, attrs, empty }, next);
            }
            let len = name_len(&doc[i..]);
            if len == 0 {
                // Junk inside a tag (a stray quote or slash): step over one character.
                i += doc[i..].chars().next().map_or(1, char::len_utf8);
                continue;
            }
            let attr = &doc[i..i + len];
            i += len;
            let mut j = i;
            while j < bytes.len() && bytes[j].is_ascii_whitespace() {
                j += 1;
            }
            if bytes.get(j) != Some(&b'=') {
                // HTML's valueless attribute (`checked`), or a tag cut short: not XML, dropped.
                continue;
            }
            j += 1;
            while j < bytes.len() && bytes[j].is_ascii_whitespace() {
                j += 1;
            }
            if let Some(&q @ (b'"' | b'\'')) = bytes.get(j) {
                let close = doc[j + 1..]
                    .find(char::from(q))
                    .map_or(doc.len(), |c| j + 1 + c);
                attrs.push((attr, &doc[j + 1..close]));
                i = (close + 1).min(doc.len());
            } else {
                let end = doc[j..]
                    .find(|c: char| c.is_ascii_whitespace() || c == '>')
                    .map_or(doc.len(), |e| j + e);
                attrs.push((attr, &doc[j..end]));
                i = end;
            }
        }
    }
}

impl<'a> Iterator for Lexer<'a> {
    type Item = Token<'a>;

    fn next(&mut self) -> Option<Token<'a>> {
        let rest = &self.doc[self.pos..];
        if rest.is_empty() {
            return None;
        }
        if let Some(after) = rest.strip_prefix('<') {
            if let Some((token, next)) = self.markup() {
                self.pos = next.max(self.pos + 1);
                return Some(token);
            }
            // A `<` that opens nothing is text; take it with whatever text follows.
            let end = after.find('<').map_or(rest.len(), |i| i + 1);
            self.pos += end;
            return Some(Token::Text(&rest[..end]));
        }
        let end = rest.find('<').unwrap_or(rest.len());
        self.pos += end;
        Some(Token::Text(&rest[..end]))
    }
}

/// The length of `] >` (any whitespace between) closing an internal subset, through the `>`.
fn subset_end(s: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = s[from..].find(']') {
        let after = &s[from + i + 1..];
        let trimmed = after.trim_start();
        if trimmed.starts_with('>') {
            return Some(s.len() - trimmed.len() + 1);
        }
        from += i + 1;
    }
    None
}

/// The length of the XML name at the start of `s` (0 if none): a letter, `_` or `:` (or any
/// non-ASCII character), then also digits, `-` and `.`.
pub fn name_len(s: &str) -> usize {
    let mut chars = s.char_indices();
    match chars.next() {
        Some((_, c)) if c.is_ascii_alphabetic() || c == '_' || c == ':' || !c.is_ascii() => {}
        _ => return 0,
    }
    chars
        .find(|(_, c)| {
            !(c.is_ascii_alphanumeric() || matches!(c, '_' | ':' | '-' | '.') || !c.is_ascii())
        })
        .map_or(s.len(), |(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(doc: &str) -> Vec<Token<'_>> {
        Lexer::new(doc).collect()
    }

    #[test]
    fn tags_text_and_cdata() {
        assert_eq!(
            tokens("<a x=\"1\" y='2'>t<![CDATA[<c>]]></a><b/>"),
            vec![
                Token::Start {
                    name: "a",
                    attrs: vec![("x", "1"), ("y", "2")],
                    empty: false
                },
                Token::Text("t"),
                Token::CData("<c>"),
                Token::End("a"),
                Token::Start {
                    name: "b",
                    attrs: vec![],
                    empty: true
                },
            ]
        );
    }

    #[test]
    fn a_lone_less_than_is_text() {
        assert_eq!(tokens("1 < 2"), vec![Token::Text("1 "), Token::Text("< 2")]);
    }

    #[test]
    fn unquoted_attributes_are_read_and_valueless_ones_dropped() {
        assert_eq!(
            tokens("<a href=x.html checked>"),
            vec![Token::Start {
                name: "a",
                attrs: vec![("href", "x.html")],
                empty: false
            }]
        );
    }

    #[test]
    fn unterminated_constructs_run_to_the_end() {
        assert_eq!(tokens("<![CDATA[abc"), vec![Token::CData("abc")]);
        assert_eq!(tokens("<!-- abc"), vec![Token::Other("<!-- abc")]);
        assert_eq!(
            tokens("<a b=\"c"),
            vec![Token::Start {
                name: "a",
                attrs: vec![("b", "c")],
                empty: false
            }]
        );
    }

    #[test]
    fn doctype_with_internal_subset_is_one_token() {
        let doc = "<!DOCTYPE r [<!ENTITY a \"<b>\">]><r/>";
        assert_eq!(
            tokens(doc)[0],
            Token::Other("<!DOCTYPE r [<!ENTITY a \"<b>\">]>")
        );
        assert_eq!(tokens(doc).len(), 2);
    }
}
