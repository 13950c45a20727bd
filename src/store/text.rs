//! HTML → plain text for the search index: tags dropped (with the contents of `script`,
//! `style` and the like), common entities decoded, whitespace collapsed. Not a renderer: it only
//! has to give the index the words a reader sees, quickly: it runs over every byte of every
//! body a refresh stores, so text is copied in runs and markup found with `memchr`. Pure; uses
//! nothing else.

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

/// Collects text with runs of whitespace as one space, none at the ends. Holds bytes, and only
/// ever whole characters of the `str`s given to it, so they are always UTF-8.
struct Text {
    out: Vec<u8>,
    space: bool,
}

/// `char::is_whitespace` for an ASCII byte.
fn ascii_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\x0B' | b'\x0C' | b'\r')
}

/// The bytes that end a run of text copied as it is: ASCII whitespace, and the first byte of
/// any non-ASCII character (which may be whitespace too).
const STOPS: [bool; 256] = {
    let mut t = [false; 256];
    let mut b: u8 = 0;
    loop {
        t[b as usize] = b >= 0x80 || matches!(b, b' ' | b'\t' | b'\n' | b'\x0B' | b'\x0C' | b'\r');
        if b == u8::MAX {
            break t;
        }
        b += 1;
    }
};

impl Text {
    /// Appends `s`, collapsing its whitespace. Runs of ASCII words with single spaces between
    /// them, which is most text, are already collapsed: they are copied whole.
    fn push_str(&mut self, s: &str) {
        let bytes = s.as_bytes();
        let stop = |at: usize| bytes.get(at).is_none_or(|&b| STOPS[usize::from(b)]);
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            if !STOPS[usize::from(b)] {
                let mut end = i + 1;
                loop {
                    while !stop(end) {
                        end += 1;
                    }
                    if bytes.get(end) == Some(&b' ') && !stop(end + 1) {
                        end += 1;
                    } else {
                        break;
                    }
                }
                self.word(&bytes[i..end]);
                i = end;
            } else if ascii_space(b) {
                self.space = true;
                i += 1;
            } else {
                let c = s[i..].chars().next().unwrap_or(' ');
                self.push(c);
                i += c.len_utf8();
            }
        }
    }

    fn push(&mut self, c: char) {
        if c.is_whitespace() {
            self.space = true;
        } else {
            let mut buf = [0; 4];
            self.word(c.encode_utf8(&mut buf).as_bytes());
        }
    }

    /// Appends whole characters without whitespace, after one space if whitespace came before.
    fn word(&mut self, w: &[u8]) {
        if self.space && !self.out.is_empty() {
            self.out.push(b' ');
        }
        self.space = false;
        self.out.extend_from_slice(w);
    }

    fn into_string(self) -> String {
        String::from_utf8(self.out)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
    }
}

/// The text of an HTML fragment (or of plain text, which passes through).
pub fn html_to_text(html: &str) -> String {
    let bytes = html.as_bytes();
    let mut text = Text {
        out: Vec::with_capacity(html.len() / 2),
        space: false,
    };
    let mut i = 0;
    while i < bytes.len() {
        let Some(next) = memchr::memchr2(b'<', b'&', &bytes[i..]) else {
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
    text.into_string()
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
    let name = &html[name_start..name_start + name_len];
    let end = tag_end(html, name_start + name_len);
    let (inline, hidden) = kind(name);
    if !inline {
        text.space = true;
    }
    if !closing && hidden && !html[..end].ends_with("/>") {
        let close = format!("</{name}");
        return after(html, after(html, end, &close), ">");
    }
    end
}

/// Whether the element `name` is one of [`INLINE`], and one of [`HIDDEN`] (any case).
fn kind(name: &str) -> (bool, bool) {
    let mut lower = [0u8; 8];
    let Some(slot) = lower.get_mut(..name.len()) else {
        return (false, false);
    };
    slot.copy_from_slice(name.as_bytes());
    slot.make_ascii_lowercase();
    let name = &*slot;
    let is = |list: &[&str]| list.iter().any(|n| n.as_bytes() == name);
    (is(INLINE), is(HIDDEN))
}

/// The offset just after the `>` closing a tag whose attributes start at `from` (quoted
/// attribute values may hold `>`).
fn tag_end(html: &str, from: usize) -> usize {
    let bytes = html.as_bytes();
    let mut i = from;
    while let Some(n) = memchr::memchr3(b'>', b'"', b'\'', &bytes[i..]) {
        let at = i + n;
        match bytes[at] {
            b'>' => return at + 1,
            quote => match memchr::memchr(quote, &bytes[at + 1..]) {
                Some(close) => i = at + 1 + close + 1,
                None => return html.len(),
            },
        }
    }
    html.len()
}

/// Handles the `&` at `at`; returns where the text goes on.
fn entity(html: &str, at: usize, text: &mut Text) -> usize {
    let rest = &html[at + 1..];
    let Some(len) = memchr::memchr(b';', &rest.as_bytes()[..rest.len().min(32)]) else {
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
