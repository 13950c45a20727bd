//! The mutator: a small deterministic PRNG, a dictionary of tokens per target, and the byte-level
//! mutations that matter for markup and small languages (tokens, splices, truncation, a chunk
//! repeated thousands of times, tags nested thousands deep).

/// splitmix64: tiny, fast, and the same sequence for the same seed everywhere.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        match u64::try_from(n) {
            Ok(n) if n > 0 => usize::try_from(self.next() % n).unwrap_or_default(),
            _ => 0,
        }
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// A size up to `max` on a log scale: small sizes are as likely as large ones.
    fn size(&mut self, max: usize) -> usize {
        let max = max.max(1);
        let bits = max.ilog2() as usize + 1;
        let scale = 1 << self.below(bits);
        (1 + self.below(scale)).min(max)
    }
}

/// Tokens inserted by the mutator, and open/close pairs it nests.
pub struct Dict {
    pub tokens: &'static [&'static str],
    pub pairs: &'static [(&'static str, &'static str)],
}

/// Characters every text format should survive: controls, escapes, bidi overrides, line and
/// paragraph separators, BOM, combining and wide characters.
const SPECIAL: &[&str] = &[
    "\u{1b}",
    "\u{1b}[2J",
    "\u{1b}]8;;",
    "\u{7}",
    "\u{0}",
    "\u{7f}",
    "\u{85}",
    "\u{9b}",
    "\u{202e}",
    "\u{2066}",
    "\u{200f}",
    "\u{feff}",
    "\u{200b}",
    "\u{e0041}",
    "\u{3164}",
    "\u{2060}",
    "\u{ad}",
    "\u{2028}",
    "\u{3000}",
    "\u{a0}",
    "\u{301}",
    "é",
    "日本語",
    "🎉",
    "👨\u{200d}👩",
    "\u{fe0f}",
    "\u{fffd}",
    "\r",
    "\t",
    "\r\n",
];

/// Bytes that are not UTF-8 (a lone continuation, a surrogate, a cut sequence, a BOM pair).
const INVALID: &[&[u8]] = &[
    b"\xff",
    b"\x80",
    b"\xc3",
    b"\xed\xa0\x80",
    b"\xf4\x90\x80\x80",
    b"\xff\xfe",
    b"\xfe\xff",
];

/// Byte values worth setting.
const INTERESTING: &[u8] = b"\0\x1b\x7f\x80\xff<>&\"';: \n\t/-#=[]{}()*\\!?%";

/// Numbers worth putting where a number was.
const NUMBERS: &[&str] = &[
    "0",
    "-1",
    "1",
    "255",
    "65535",
    "2147483648",
    "4294967296",
    "9223372036854775808",
    "99999999999999999999999",
    "1e308",
    "0x10",
];

/// Mutates `input` in place with one to eight stacked mutations; `other` is another corpus
/// input to splice from; the result is cut to `max_len`.
pub fn mutate(input: &mut Vec<u8>, rng: &mut Rng, dict: &Dict, other: &[u8], max_len: usize) {
    let rounds = 1 << rng.below(4);
    for _ in 0..rounds {
        mutate_once(input, rng, dict, other, max_len);
        input.truncate(max_len);
    }
}

fn mutate_once(input: &mut Vec<u8>, rng: &mut Rng, dict: &Dict, other: &[u8], max_len: usize) {
    let len = input.len();
    let at = rng.below(len + 1);
    match rng.below(16) {
        0 if len > 0 => {
            let i = rng.below(len);
            input[i] ^= 1 << rng.below(8);
        }
        1 if len > 0 => {
            let i = rng.below(len);
            input[i] = *rng.pick(INTERESTING);
        }
        2 => {
            let n = 1 + rng.below(8);
            let bytes: Vec<u8> = (0..n).map(|_| rng.next().to_le_bytes()[0]).collect();
            input.splice(at..at, bytes);
        }
        3 if len > 0 => {
            let from = at.min(len - 1);
            let n = rng.size(len - from);
            input.drain(from..from + n);
        }
        4 if len > 0 => {
            let from = rng.below(len);
            let n = rng.size(len - from);
            let chunk = input[from..from + n].to_vec();
            input.splice(at..at, chunk);
        }
        8 if len > 0 => {
            // Overwrite a chunk with a token.
            let token = rng.pick(dict.tokens).as_bytes();
            let end = (at + rng.size(16)).min(len);
            input.splice(at..end, token.iter().copied());
        }
        9 if !other.is_empty() => {
            let from = rng.below(other.len());
            let n = rng.size(other.len() - from);
            input.splice(at..at, other[from..from + n].iter().copied());
        }
        10 if !other.is_empty() => {
            // Crossover: this input's head, the other's tail.
            let from = rng.below(other.len());
            input.truncate(at);
            input.extend_from_slice(&other[from..]);
        }
        11 => input.truncate(at),
        12 => repeat(input, rng, at, max_len),
        13 => nest(input, rng, dict, at, max_len),
        14 => {
            if rng.below(3) == 0 {
                input.splice(at..at, rng.pick(INVALID).iter().copied());
            } else {
                input.splice(at..at, rng.pick(SPECIAL).bytes());
            }
        }
        15 if len > 0 => renumber_or_recase(input, rng, at.min(len - 1)),
        // 5 to 7, and whatever had no room: a token.
        _ => {
            let token = rng.pick(dict.tokens).as_bytes();
            input.splice(at..at, token.iter().copied());
        }
    }
}

/// A count for repeats and nesting, up to `max`: a few, dozens, or thousands.
fn count(rng: &mut Rng, max: usize) -> usize {
    let n = *rng.pick(&[2, 3, 10, 64, 300, 1000, 5000, 20_000, 100_000]);
    n.min(max).max(1)
}

/// A short chunk (or a token) repeated many times at `at`: finds superlinear behaviour.
fn repeat(input: &mut Vec<u8>, rng: &mut Rng, at: usize, max_len: usize) {
    let len = input.len();
    let chunk: Vec<u8> = if len > 0 && rng.below(2) == 0 {
        let from = rng.below(len);
        let n = rng.size((len - from).min(64));
        input[from..from + n].to_vec()
    } else {
        let mut b = [0; 4];
        rng.pick(INTERESTING_TEXT)
            .encode_utf8(&mut b)
            .as_bytes()
            .to_vec()
    };
    let room = max_len.saturating_sub(len) / chunk.len().max(1);
    let times = count(rng, room);
    let mut bytes = Vec::with_capacity(chunk.len() * times);
    for _ in 0..times {
        bytes.extend_from_slice(&chunk);
    }
    input.splice(at..at, bytes);
}

/// Characters worth a long run of.
const INTERESTING_TEXT: &[char] = &[
    '<', '&', ' ', 'a', '\n', '-', '"', '(', '[', '{', '#', '日', '\u{301}', '\u{1b}', '\u{200d}',
    '\u{fe0f}', 'T',
];

/// A dictionary pair nested many times: the opens at `at`, the closes somewhere after.
fn nest(input: &mut Vec<u8>, rng: &mut Rng, dict: &Dict, at: usize, max_len: usize) {
    let (open, close) = *rng.pick(dict.pairs);
    let unit = open.len() + close.len();
    let room = max_len.saturating_sub(input.len()) / unit.max(1);
    let times = count(rng, room);
    let close_at = at + rng.below(input.len() - at + 1);
    if rng.below(3) > 0 {
        input.splice(close_at..close_at, close.repeat(times).bytes());
    }
    input.splice(at..at, open.repeat(times).bytes());
}

/// Replaces the number at or after `at` with an interesting one, or flips the case of a chunk.
fn renumber_or_recase(input: &mut Vec<u8>, rng: &mut Rng, at: usize) {
    if let Some(start) = input[at..]
        .iter()
        .position(u8::is_ascii_digit)
        .map(|p| at + p)
    {
        if rng.below(2) == 0 {
            let end = input[start..]
                .iter()
                .position(|b| !b.is_ascii_digit())
                .map_or(input.len(), |p| start + p);
            input.splice(start..end, rng.pick(NUMBERS).bytes());
            return;
        }
    }
    let end = (at + rng.size(32)).min(input.len());
    for b in &mut input[at..end] {
        if b.is_ascii_lowercase() {
            b.make_ascii_uppercase();
        } else {
            b.make_ascii_lowercase();
        }
    }
}

/// Feed documents: RSS, Atom, RDF, JSON Feed, with DTDs, entities and CDATA.
pub const INGEST: Dict = Dict {
    tokens: &[
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>",
        "<?xml version=\"1.0\" encoding=\"iso-8859-1\"?>",
        " encoding=\"utf-16\"",
        " encoding=\"windows-1252\"",
        "<rss version=\"2.0\">",
        "<channel>",
        "</channel>",
        "<item>",
        "</item>",
        "<title>",
        "</title>",
        "<link>",
        "</link>",
        "<guid>",
        "</guid>",
        "<guid isPermaLink=\"false\">",
        "<description>",
        "</description>",
        "<pubDate>",
        "</pubDate>",
        "<author>",
        "<dc:creator>",
        "<ttl>",
        "<content:encoded>",
        "</content:encoded>",
        " xmlns:content=\"http://purl.org/rss/1.0/modules/content/\"",
        "<feed xmlns=\"http://www.w3.org/2005/Atom\">",
        "</feed>",
        "<entry>",
        "</entry>",
        "<id>",
        "</id>",
        "<updated>",
        "<published>",
        "<link href=\"",
        "<link rel=\"alternate\" href=\"/a\"/>",
        "<content type=\"html\">",
        "<content type=\"xhtml\"><div xmlns=\"http://www.w3.org/1999/xhtml\">",
        "<summary type=\"text\">",
        "<name>",
        "<email>",
        "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\" xmlns=\"http://purl.org/rss/1.0/\">",
        "<media:title>",
        "<media:content url=\"",
        " xmlns:media=\"http://search.yahoo.com/mrss/\"",
        "<![CDATA[",
        "]]>",
        "<!DOCTYPE rss [",
        "<!ENTITY e \"",
        "<!ENTITY % p SYSTEM \"",
        "&e;",
        "%p;",
        "]>",
        "&amp;",
        "&lt;",
        "&#x0;",
        "&#27;",
        "&#x1b;",
        "&#x202e;",
        "&#xD800;",
        "&#1114112;",
        "&nbsp;",
        "&rsquo;",
        "&amp;amp;",
        "&#x26;#x1b;",
        "<!--",
        "-->",
        "<?",
        "?>",
        " xml:base=\"",
        "\"",
        "=",
        "/>",
        "javascript:",
        "java\u{1b}script:",
        "https://",
        "//host/",
        "../",
        "Tue, 10 Jun 2003 04:00:00 GMT",
        "2024-13-45T25:61:61Z",
        "+0000",
        "{\"version\":\"https://jsonfeed.org/version/1.1\",",
        "\"items\":[",
        "{\"id\":",
        "\"url\":",
        "\"content_html\":",
        "\"title\":",
        "\"authors\":[{\"name\":",
        "\\u0000",
        "\\u001b",
        "\\ud800",
        "]}",
        "\u{feff}",
    ],
    pairs: &[
        ("<item>", "</item>"),
        ("<entry>", "</entry>"),
        ("<div>", "</div>"),
        ("<x:a xmlns:x=\"u\">", "</x:a>"),
        ("<![CDATA[", "]]>"),
        ("[", "]"),
        ("{\"a\":", "}"),
        ("&lt;b&gt;", "&lt;/b&gt;"),
    ],
};

/// Entry bodies: HTML soup, tables, lists, links, raw text elements and entities.
pub const RENDER: Dict = Dict {
    tokens: &[
        "<p>",
        "</p>",
        "<br>",
        "<a href=\"",
        "\">",
        "</a>",
        "<img src=\"",
        " alt=\"",
        "<h1>",
        "<h6>",
        "<pre>",
        "<code>",
        "<table>",
        "<tr>",
        "<td colspan=\"4000000000\">",
        "<td rowspan=\"0\">",
        "<th>",
        "<caption>",
        "<thead>",
        "<ul>",
        "<ol start=\"-99999999999\">",
        "<li>",
        "<dl>",
        "<dt>",
        "<dd>",
        "<blockquote>",
        "<script>",
        "</script>",
        "<style>",
        "<iframe>",
        "<object>",
        "<embed>",
        "<template>",
        "<textarea>",
        "</textarea>",
        "<xmp>",
        "<plaintext>",
        "<title>",
        "<noscript>",
        "<svg><foreignObject>",
        "<math><mi>",
        "<select><option>",
        "<!--",
        "-->",
        "<!DOCTYPE html>",
        "<![CDATA[",
        "<?xml",
        "&amp;",
        "&lt;",
        "&#0;",
        "&#x1b;",
        "&#x9b;",
        "&#x202e;",
        "&#x85;",
        "&NewLine;",
        "&Tab;",
        "&colon;",
        "&#106;avascript:",
        "javascript:",
        "jav&#x09;ascript:",
        "data:text/html,",
        "mailto:",
        "https://fuzz.example/",
        "//evil.example/",
        " onerror=",
        " style=",
        " href=",
        "</",
        "/>",
        "\"",
        "'",
    ],
    pairs: &[
        ("<div>", "</div>"),
        ("<ul><li>", "</li></ul>"),
        ("<blockquote>", "</blockquote>"),
        ("<table><tr><td>", "</td></tr></table>"),
        ("<a href=\"/x\">", "</a>"),
        ("<b><i>", "</i></b>"),
        ("<p>", "</p>"),
        ("<pre>", "</pre>"),
        ("<svg>", "</svg>"),
        ("<dl><dt>", "</dt></dl>"),
        ("<ol start=\"-3\"><li>", ""),
    ],
};

/// The filter language.
pub const QUERY: Dict = Dict {
    tokens: &[
        "feed:",
        "tag:",
        "author:",
        "since:",
        "before:",
        "FEED:",
        "unread",
        "read",
        "starred",
        "-",
        "--",
        "\"",
        "*",
        "(",
        ")",
        ":",
        " ",
        "\t",
        "\n",
        "7d",
        "12h",
        "2w",
        "30m",
        "0m",
        "99999999999999999999w",
        "2024-05-01",
        "2024-02-30",
        "0000-01-01",
        "-3d",
        "node.js",
        "c++",
        "12:30",
        "x*",
        "title:",
        "content:",
        "link:",
        "label:",
        "hidden",
        "new",
        "or",
        " OR ",
        "title:/",
        "author:/",
        "link:/",
        "/",
        "\\/",
        "\\",
        "^",
        "$",
        "\\[ad\\]",
        "(?-i)",
        "(?i)",
        "|",
        ".*",
        "\\w{500}",
        "a{1001}",
        "[[:alpha:]]",
        "\\p{Greek}",
    ],
    pairs: &[
        ("\"", "\""),
        ("(", ")"),
        ("-", ""),
        ("title:/", "/"),
        ("link:/", "/ "),
        ("(", " or x)"),
    ],
};

/// OPML, newsboat `urls` lines and newsboat's filter language.
pub const SUBSCRIPTIONS: Dict = Dict {
    tokens: &[
        "<?xml version=\"1.0\"?>",
        "<opml version=\"2.0\">",
        "</opml>",
        "<head>",
        "<body>",
        "</body>",
        "<outline",
        " xmlUrl=\"",
        " xmlurl=\"",
        " text=\"",
        " title=\"",
        " category=\"",
        "/>",
        ">",
        "</outline>",
        "\"",
        "&amp;",
        "&#x1b;",
        "&#10;",
        "&lt;",
        "<!DOCTYPE opml [<!ENTITY e \"",
        "&e;",
        "<![CDATA[",
        "<!--",
        "https://",
        "http://",
        "file://",
        "query:",
        "\"query:",
        "exec:",
        "filter:",
        "~",
        "!",
        "#",
        "\n",
        "\\\"",
        "\\n",
        "unread = \"yes\"",
        " and ",
        " or ",
        "flags # \"s\"",
        "tags # \"",
        "tags !# \"",
        "feedtitle =~ \"",
        "rssurl = \"",
        "author =~ \"",
        "title =~ \"",
        "content !~ \"",
        "age < ",
        "age between ",
        "0:7",
        "age = 07",
        " != ",
        " =~ ",
        " !~ ",
        " >= ",
        " <= ",
        "\\.",
        "\\\\",
        "(",
        ")",
        ":",
    ],
    pairs: &[
        ("<outline text=\"f\">", "</outline>"),
        ("(", ")"),
        ("\"", "\""),
        ("unread = \"yes\" and ", ""),
        ("(age < 3 and ", ")"),
    ],
};
