//! A forgiving XML tokenizer for the repair pass: it never fails, it classifies. Whatever does
//! not form a tag is text (a lone `<`), unterminated comments, CDATA sections and tags run to
//! the end of the document, and attribute values may be unquoted. One pass, no allocation:
//! attributes go into a list the caller owns and reuses. Pure; uses `normalize::scan`.

use crate::fetch::normalize::scan::{find_byte, find_str};

/// The attributes of a start tag, as (name, raw value) pairs borrowing from the document.
pub type Attrs<'a> = Vec<(&'a str, &'a str)>;

/// One piece of a document, borrowing from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Token<'a> {
    /// Character data between tags, entities still raw.
    Text(&'a str),
    /// The inside of `<![CDATA[...]]>` (to the end of the document when unterminated).
    CData(&'a str),
    /// A start tag; `empty` for `<name/>`. Its attributes are in the list given to
    /// `Lexer::next_token`, values raw (entities not decoded).
    Start {
        name: &'a str,
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
    fn markup(&self, attrs: &mut Attrs<'a>) -> Option<(Token<'a>, usize)> {
        let at = self.pos;
        let rest = &self.doc[at..];
        let end_of = |needle: &str, from: usize| {
            find_str(&rest[from..], needle).map_or(self.doc.len(), |i| at + from + i + needle.len())
        };
        match rest.as_bytes().get(1) {
            Some(b'!') => {
                if rest.starts_with("<!--") {
                    let next = end_of("-->", 4);
                    return Some((Token::Other(&self.doc[at..next]), next));
                }
                if let Some(body) = rest.strip_prefix("<![CDATA[") {
                    let body_at = at + 9;
                    return Some(match find_str(body, "]]>") {
                        Some(i) => (
                            Token::CData(&self.doc[body_at..body_at + i]),
                            body_at + i + 3,
                        ),
                        None => (Token::CData(&self.doc[body_at..]), self.doc.len()),
                    });
                }
                Some(self.declaration(rest))
            }
            Some(b'?') => {
                let next = end_of("?>", 2);
                Some((Token::Other(&self.doc[at..next]), next))
            }
            Some(b'/') => {
                let after = &rest[2..];
                let len = name_len(after);
                if len == 0 {
                    return None;
                }
                let next = find_byte(&rest.as_bytes()[2 + len..], b'>')
                    .map_or(self.doc.len(), |i| at + 2 + len + i + 1);
                Some((Token::End(&after[..len]), next))
            }
            _ => {
                let len = name_len(&rest[1..]);
                if len == 0 {
                    return None;
                }
                Some(self.start_tag(&rest[1..=len], at + 1 + len, attrs))
            }
        }
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

    /// The attributes of a start tag whose name ends at `from`, into `attrs`.
    fn start_tag(&self, name: &'a str, from: usize, attrs: &mut Attrs<'a>) -> (Token<'a>, usize) {
        let doc = self.doc;
        let bytes = doc.as_bytes();
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
                return (Token::Start { name, empty }, next);
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
                let close = find_byte(&bytes[j + 1..], q).map_or(doc.len(), |c| j + 1 + c);
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

impl<'a> Lexer<'a> {
    /// The next token; a start tag's attributes replace the contents of `attrs`.
    pub fn next_token(&mut self, attrs: &mut Attrs<'a>) -> Option<Token<'a>> {
        let rest = &self.doc[self.pos..];
        if rest.is_empty() {
            return None;
        }
        if let Some(after) = rest.strip_prefix('<') {
            attrs.clear();
            if let Some((token, next)) = self.markup(attrs) {
                self.pos = next.max(self.pos + 1);
                return Some(token);
            }
            // A `<` that opens nothing is text; take it with whatever text follows.
            let end = find_byte(after.as_bytes(), b'<').map_or(rest.len(), |i| i + 1);
            self.pos += end;
            return Some(Token::Text(&rest[..end]));
        }
        let end = find_byte(rest.as_bytes(), b'<').unwrap_or(rest.len());
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

/// `name` split at its first `:` into prefix and local name (`""` and `name` without one).
pub fn split_prefix(name: &str) -> (&str, &str) {
    match name.bytes().position(|b| b == b':') {
        Some(i) => (&name[..i], &name[i + 1..]),
        None => ("", name),
    }
}

/// The local name of `name`: what follows its last `:`.
pub fn local_name(name: &str) -> &str {
    match name.bytes().rposition(|b| b == b':') {
        Some(i) => &name[i + 1..],
        None => name,
    }
}

/// Bytes that may continue an XML name (as we read names): ASCII letters, digits, `_`, `:`,
/// `-`, `.`, and every byte of a non-ASCII character.
const NAME_CHAR: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        #[allow(clippy::cast_possible_truncation)] // b < 256
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric() || matches!(c, b'_' | b':' | b'-' | b'.') || c >= 0x80;
        b += 1;
    }
    table
};

/// The length of the XML name at the start of `s` (0 if none): a letter, `_` or `:` (or any
/// non-ASCII character), then also digits, `-` and `.`. It ends at an ASCII byte, so on a
/// character boundary.
pub fn name_len(s: &str) -> usize {
    let bytes = s.as_bytes();
    match bytes.first() {
        Some(&b)
            if NAME_CHAR[usize::from(b)] && !b.is_ascii_digit() && !matches!(b, b'-' | b'.') => {}
        _ => return 0,
    }
    bytes[1..]
        .iter()
        .position(|&b| !NAME_CHAR[usize::from(b)])
        .map_or(bytes.len(), |i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every token, each start tag with its attributes (others with none).
    fn tokens(doc: &str) -> Vec<(Token<'_>, Attrs<'_>)> {
        let mut lexer = Lexer::new(doc);
        let mut attrs = Vec::new();
        let mut out = Vec::new();
        while let Some(token) = lexer.next_token(&mut attrs) {
            let mine = if matches!(token, Token::Start { .. }) {
                attrs.clone()
            } else {
                Vec::new()
            };
            out.push((token, mine));
        }
        out
    }

    fn start<'a>(
        name: &'a str,
        empty: bool,
        attrs: &[(&'a str, &'a str)],
    ) -> (Token<'a>, Attrs<'a>) {
        (Token::Start { name, empty }, attrs.to_vec())
    }

    #[test]
    fn tags_text_and_cdata() {
        assert_eq!(
            tokens("<a x=\"1\" y='2'>t<![CDATA[<c>]]></a><b/>"),
            vec![
                start("a", false, &[("x", "1"), ("y", "2")]),
                (Token::Text("t"), vec![]),
                (Token::CData("<c>"), vec![]),
                (Token::End("a"), vec![]),
                start("b", true, &[]),
            ]
        );
    }

    #[test]
    fn a_lone_less_than_is_text() {
        assert_eq!(
            tokens("1 < 2"),
            vec![(Token::Text("1 "), vec![]), (Token::Text("< 2"), vec![])]
        );
    }

    #[test]
    fn unquoted_attributes_are_read_and_valueless_ones_dropped() {
        assert_eq!(
            tokens("<a href=x.html checked>"),
            vec![start("a", false, &[("href", "x.html")])]
        );
    }

    #[test]
    fn attributes_do_not_leak_into_the_next_tag() {
        assert_eq!(
            tokens("<a x=\"1\"><b/></a >"),
            vec![
                start("a", false, &[("x", "1")]),
                start("b", true, &[]),
                (Token::End("a"), vec![]),
            ]
        );
    }

    #[test]
    fn unterminated_constructs_run_to_the_end() {
        assert_eq!(tokens("<![CDATA[abc"), vec![(Token::CData("abc"), vec![])]);
        assert_eq!(tokens("<!-- abc"), vec![(Token::Other("<!-- abc"), vec![])]);
        assert_eq!(tokens("<a b=\"c"), vec![start("a", false, &[("b", "c")])]);
        assert_eq!(tokens("</a"), vec![(Token::End("a"), vec![])]);
    }

    #[test]
    fn doctype_with_internal_subset_is_one_token() {
        let doc = "<!DOCTYPE r [<!ENTITY a \"<b>\">]><r/>";
        let all = tokens(doc);
        assert_eq!(all[0].0, Token::Other("<!DOCTYPE r [<!ENTITY a \"<b>\">]>"));
        assert_eq!(all.len(), 2);
    }

    #[test]
    fn names_are_xml_names_with_any_non_ascii_character() {
        assert_eq!(name_len("dc:creator>"), 10);
        assert_eq!(name_len("_a-b.c d"), 6);
        assert_eq!(name_len("été=1"), "été".len());
        assert_eq!(name_len("日本"), "日本".len());
        for none in ["", "1a", "-a", ".a", " a", ">"] {
            assert_eq!(name_len(none), 0, "{none:?}");
        }
    }

    #[test]
    fn prefixes_split_at_the_first_colon_and_local_names_at_the_last() {
        assert_eq!(split_prefix("dc:creator"), ("dc", "creator"));
        assert_eq!(split_prefix("a:b:c"), ("a", "b:c"));
        assert_eq!(split_prefix("title"), ("", "title"));
        assert_eq!(local_name("a:b:c"), "c");
        assert_eq!(local_name("title"), "title");
    }
}
