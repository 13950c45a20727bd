//! HTML → plain text for the search index: tags dropped (with the contents of `script`,
//! `style` and the like), common entities decoded, whitespace collapsed. Not a renderer: it only
//! has to give the index the words a reader sees, quickly. Pure; uses nothing else.

/// Elements whose contents are not text a reader sees.
const HIDDEN: &[&str] = &["script", "style", "template", "noscript", "svg", "math"];

/// Elements that do not separate words (`<b>wo</b>rd` is one word); every other tag does.
const INLINE: &[&str] = &[
    "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "del", "dfn", "em", "font", "i", "ins",
    "kbd", "mark", "q", "s", "samp", "small", "span", "strike", "strong", "sub", "sup", "time",
    "tt", "u", "var", "wbr",
];

/// Named entities worth knowing; others are left as written.
const ENTITIES: &[(&str, char)] = &[
    ("amp", '&'),
    ("lt", '<'),
    ("gt", '>'),
    ("quot", '"'),
    ("apos", '\''),
    ("nbsp", ' '),
    ("ensp", ' '),
    ("emsp", ' '),
    ("thinsp", ' '),
    ("shy", '\u{ad}'),
    ("ndash", '–'),
    ("mdash", '—'),
    ("hellip", '…'),
    ("lsquo", '‘'),
    ("rsquo", '’'),
    ("ldquo", '“'),
    ("rdquo", '”'),
    ("laquo", '«'),
    ("raquo", '»'),
    ("bull", '•'),
    ("middot", '·'),
    ("copy", '©'),
    ("reg", '®'),
    ("trade", '™'),
    ("deg", '°'),
    ("times", '×'),
    ("euro", '€'),
    ("pound", '£'),
    ("aacute", 'á'),
    ("agrave", 'à'),
    ("acirc", 'â'),
    ("auml", 'ä'),
    ("aring", 'å'),
    ("ccedil", 'ç'),
    ("eacute", 'é'),
    ("egrave", 'è'),
    ("ecirc", 'ê'),
    ("euml", 'ë'),
    ("iacute", 'í'),
    ("iuml", 'ï'),
    ("ntilde", 'ñ'),
    ("oacute", 'ó'),
    ("ocirc", 'ô'),
    ("ouml", 'ö'),
    ("oslash", 'ø'),
    ("uacute", 'ú'),
    ("uuml", 'ü'),
    ("szlig", 'ß'),
];

/// Collects text with runs of whitespace as one space, none at the ends.
struct Text {
    out: String,
    space: bool,
}

impl Text {
    fn push_str(&mut self, s: &str) {
        for c in s.chars() {
            self.push(c);
        }
    }

    fn push(&mut self, c: char) {
        if c.is_whitespace() {
            self.space = true;
        } else {
            if self.space && !self.out.is_empty() {
                self.out.push(' ');
            }
            self.space = false;
            self.out.push(c);
        }
    }
}

/// The text of an HTML fragment (or of plain text, which passes through).
pub fn html_to_text(html: &str) -> String {
    let bytes = html.as_bytes();
    let mut text = Text {
        out: String::with_capacity(html.len() / 2),
        space: false,
    };
    let mut i = 0;
    while i < bytes.len() {
        let Some(next) = bytes[i..].iter().position(|&b| b == b'<' || b == b'&') else {
            text.push_str(&html[i..]);
            break;
        };
        text.push_str(&html[i..i + next]);
        i += next;
        i = if bytes[i] == b'&' {
            entity(html, i, &mut text)
        } else {
            markup(html, i, &mut text)
        };
    }
    text.out
}

/// The offset just after the first `needle` at or after `from` (ASCII case-insensitive), or
/// the end.
fn after(html: &str, from: usize, needle: &str) -> usize {
    let hay = &html.as_bytes()[from..];
    let n = needle.as_bytes();
    hay.windows(n.len())
        .position(|w| w.eq_ignore_ascii_case(n))
        .map_or(html.len(), |p| from + p + n.len())
}

/// Handles the `<` at `at`; returns where the text goes on.
fn markup(html: &str, at: usize, text: &mut Text) -> usize {
    let rest = &html.as_bytes()[at + 1..];
    if rest.starts_with(b"!--") {
        return after(html, at, "-->");
    }
    if rest.starts_with(b"![CDATA[") {
        let start = at + 9;
        let end = after(html, start, "]]>");
        text.push_str(&html[start..end.saturating_sub(3).max(start)]);
        return end;
    }
    if rest.starts_with(b"!") || rest.starts_with(b"?") {
        return after(html, at, ">");
    }
    let closing = rest.first() == Some(&b'/');
    let name_start = at + 1 + usize::from(closing);
    let name_len = html.as_bytes()[name_start..]
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric())
        .count();
    if name_len == 0 || !html.as_bytes()[name_start].is_ascii_alphabetic() {
        // Not a tag: a `<` in text, as in `a < b`.
        text.push('<');
        return at + 1;
    }
    let name = html[name_start..name_start + name_len].to_ascii_lowercase();
    let end = tag_end(html, name_start + name_len);
    if !INLINE.contains(&name.as_str()) {
        text.push(' ');
    }
    if !closing && HIDDEN.contains(&name.as_str()) && !html[..end].ends_with("/>") {
        let close = format!("</{name}");
        return after(html, after(html, end, &close), ">");
    }
    end
}

/// The offset just after the `>` closing a tag whose attributes start at `from` (quoted
/// attribute values may hold `>`).
fn tag_end(html: &str, from: usize) -> usize {
    let bytes = html.as_bytes();
    let mut quote = None;
    for (i, &b) in bytes.iter().enumerate().skip(from) {
        match (quote, b) {
            (None, b'"' | b'\'') => quote = Some(b),
            (Some(q), b) if b == q => quote = None,
            (None, b'>') => return i + 1,
            _ => {}
        }
    }
    html.len()
}

/// Handles the `&` at `at`; returns where the text goes on.
fn entity(html: &str, at: usize, text: &mut Text) -> usize {
    let rest = &html[at + 1..];
    let Some(len) = rest.bytes().take(32).position(|b| b == b';') else {
        text.push('&');
        return at + 1;
    };
    let name = &rest[..len];
    let decoded = if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok(),
            None => num.parse::<u32>().ok(),
        };
        code.and_then(char::from_u32).filter(|c| *c != '\0')
    } else {
        ENTITIES.iter().find(|(n, _)| *n == name).map(|(_, c)| *c)
    };
    if let Some(c) = decoded {
        text.push(c);
        at + len + 2
    } else {
        text.push('&');
        at + 1
    }
}

#[cfg(test)]
mod tests {
    use super::html_to_text;

    #[test]
    fn html_becomes_the_words_a_reader_sees() {
        let cases = [
            ("<p>Hello <b>wor</b>ld</p><p>again</p>", "Hello world again"),
            ("line<br>break<br/>here", "line break here"),
            ("<ul><li>one</li><li>two</li></ul>", "one two"),
            ("a <a href=\"x>y\" title='q>'>link</a> b", "a link b"),
            ("<script>var x = '<p>no</p>';</script>yes", "yes"),
            ("<STYLE type=text/css>p { color: red }</STYLE>ok", "ok"),
            ("<svg><text>drawn</text></svg>after", "after"),
            ("x<!-- a <b>comment</b> -->y", "xy"),
            ("<![CDATA[raw <text>]]> done", "raw <text> done"),
            ("<?xml version='1.0'?><!DOCTYPE html>body", "body"),
            (
                "Tom &amp; Jerry &lt;3 &eacute;t&eacute; &#233;&#xE9; &hellip;",
                "Tom & Jerry <3 été éé …",
            ),
            ("a&nbsp;&nbsp;b", "a b"),
            ("&unknown; & &#xZZ; &#0;", "&unknown; & &#xZZ; &#0;"),
            ("plain text, 1 < 2 and 3 > 2", "plain text, 1 < 2 and 3 > 2"),
            ("  spaced \n\t out  ", "spaced out"),
            ("unclosed <b", "unclosed"),
            ("<script>never closed", ""),
            ("日本語 <i>テキスト</i>", "日本語 テキスト"),
            ("", ""),
        ];
        for (html, want) in cases {
            assert_eq!(html_to_text(html), want, "{html:?}");
        }
    }

    #[test]
    fn odd_bytes_never_panic() {
        for html in [
            "<",
            "&",
            "&#",
            "<!",
            "<!--",
            "<![CDATA[",
            "</",
            "<a '",
            "é<é&é;",
        ] {
            let _ = html_to_text(html);
        }
    }
}
