//! Feed documents shaped like the loopback bench server's (`../shared/bench/feedserver.py`):
//! a vocabulary of syllable words, a pool of HTML fragments (paragraphs with links and
//! emphasis, lists, code, quotes, headings, images), entries of 1–10 KB, and the server's mix of
//! kinds: RSS 2.0 with escaped HTML, RSS 2.0 with `content:encoded` CDATA, Atom. Deterministic
//! from the seed, so the instruction-count gate (`examples/gate.rs`) ingests the same bytes
//! every run. Not byte-identical to the server's: the same shape, made here so nothing outside
//! the repository is needed.

use std::fmt::Write as _;

/// A small deterministic generator (xorshift64*).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `lo..=hi`.
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + usize::try_from(self.next() % (hi - lo + 1) as u64).unwrap_or(0)
    }
}

const SYLLABLES: [&str; 24] = [
    "ka", "lo", "mi", "ne", "su", "ta", "ri", "po", "ve", "da", "xo", "lu", "an", "er", "is", "on",
    "ul", "th", "sh", "qu", "be", "zi", "fa", "go",
];

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

struct Corpus {
    words: Vec<String>,
    fragments: Vec<String>,
}

impl Corpus {
    fn new(rng: &mut Rng) -> Self {
        let mut words: Vec<String> = (0..3000)
            .map(|_| {
                (0..rng.range(1, 4))
                    .map(|_| SYLLABLES[rng.range(0, SYLLABLES.len() - 1)])
                    .collect()
            })
            .collect();
        words.sort();
        words.dedup();
        let mut c = Self {
            words,
            fragments: Vec::new(),
        };
        c.fragments = (0..600).map(|k| c.fragment(rng, k)).collect();
        c
    }

    fn word(&self, rng: &mut Rng) -> &str {
        &self.words[rng.range(0, self.words.len() - 1)]
    }

    fn sentence(&self, rng: &mut Rng, lo: usize, hi: usize) -> String {
        let n = rng.range(lo, hi);
        let mut s = String::new();
        for i in 0..n {
            if i > 0 {
                s.push(' ');
            }
            s.push_str(self.word(rng));
        }
        s.push('.');
        s
    }

    fn fragment(&self, rng: &mut Rng, index: usize) -> String {
        match rng.range(0, 99) {
            0..55 => {
                let mut para = String::from("<p>");
                for _ in 0..rng.range(2, 5) {
                    let text = self.sentence(rng, 6, 18);
                    match rng.range(0, 99) {
                        0..15 => {
                            let path = self.word(rng).to_owned();
                            let label = self.word(rng).to_owned();
                            let _ = write!(
                                para,
                                "{text} <a href=\"https://example.com/{path}/{index}\">{label}</a> "
                            );
                        }
                        15..25 => {
                            let _ = write!(para, "<em>{text}</em> ");
                        }
                        25..32 => {
                            let _ = write!(para, "<strong>{text}</strong> ");
                        }
                        _ => {
                            let _ = write!(para, "{text} ");
                        }
                    }
                }
                para + "</p>\n"
            }
            55..68 => {
                let mut l = String::from("<ul>");
                for _ in 0..rng.range(2, 6) {
                    let _ = write!(l, "<li>{}</li>", self.sentence(rng, 3, 9));
                }
                l + "</ul>\n"
            }
            68..78 => {
                let mut c = String::from("<pre><code>");
                for _ in 0..rng.range(2, 8) {
                    let (a, b) = (self.word(rng).to_owned(), self.word(rng).to_owned());
                    let _ = writeln!(
                        c,
                        "    {a}({}) &amp;&amp; {b} &lt; {}",
                        rng.range(0, 99),
                        rng.range(0, 9)
                    );
                }
                c + "</code></pre>\n"
            }
            78..88 => format!(
                "<blockquote><p>{}</p></blockquote>\n",
                self.sentence(rng, 10, 30)
            ),
            88..95 => format!("<h3>{}</h3>\n", self.sentence(rng, 2, 5)),
            _ => format!(
                "<p><img src=\"https://example.com/img/{index}.png\" alt=\"{}\" width=\"{}\"></p>\n",
                self.word(rng),
                rng.range(100, 800)
            ),
        }
    }
}

/// `n` feed documents of `lo..=hi` entries each, and the URL each is served from.
pub fn bench_feeds(n: usize, lo: usize, hi: usize, seed: u64) -> Vec<(String, Vec<u8>)> {
    let mut rng = Rng::new(seed);
    let corpus = Corpus::new(&mut rng);
    (0..n)
        .map(|i| {
            let url = format!("https://bench{}.example/feed/{i}.xml", i % 7);
            (
                url,
                document(&corpus, &mut rng, i, rng_entries(lo, hi, i, seed)),
            )
        })
        .collect()
}

fn rng_entries(lo: usize, hi: usize, i: usize, seed: u64) -> usize {
    Rng::new(seed ^ (i as u64 + 1)).range(lo, hi)
}

fn document(c: &Corpus, rng: &mut Rng, i: usize, entries: usize) -> Vec<u8> {
    let kind = rng.range(0, 99);
    let atom = kind >= 65;
    let cdata = (45..65).contains(&kind);
    let title = format!("Feed {i}: {}", c.sentence(rng, 1, 3));
    let mut out = String::new();
    if atom {
        let _ = write!(
            out,
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n\
             <title>{}</title>\n<id>urn:bench:feed:{i}</id>\n\
             <link rel=\"alternate\" href=\"https://site.example/{i}/\"/>\n\
             <updated>2026-01-01T00:00:00Z</updated>\n",
            escape(&title)
        );
    } else {
        let ns = if cdata {
            " xmlns:content=\"http://purl.org/rss/1.0/modules/content/\""
        } else {
            ""
        };
        let _ = write!(
            out,
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rss version=\"2.0\"{ns}>\n<channel>\n\
             <title>{}</title>\n<link>https://site.example/{i}/</link>\n\
             <description>Synthetic feed {i}</description>\n",
            escape(&title)
        );
    }
    for k in 0..entries {
        let target = rng.range(1024, 10_240);
        let mut html = format!("<p>Entry {k} of feed {i}. {}</p>\n", c.sentence(rng, 6, 18));
        while html.len() < target {
            html.push_str(&c.fragments[rng.range(0, c.fragments.len() - 1)]);
        }
        let title = escape(c.sentence(rng, 3, 10).trim_end_matches('.'));
        let author = c.word(rng).to_owned();
        // Newest first, an hour apart, in 2025.
        let (day, hour) = (1 + (entries - k) / 24 % 28, (entries - k) % 24);
        if atom {
            let _ = write!(
                out,
                "<entry>\n<title>{title}</title>\n<id>urn:bench:entry:{i}:{k}</id>\n\
                 <link rel=\"alternate\" href=\"https://site.example/{i}/{k}.html\"/>\n\
                 <published>2025-06-{day:02}T{hour:02}:00:00Z</published>\n\
                 <updated>2025-06-{day:02}T{hour:02}:00:00Z</updated>\n\
                 <author><name>{author}</name></author>\n\
                 <content type=\"html\">{}</content>\n</entry>\n",
                escape(&html)
            );
        } else {
            let _ = write!(
                out,
                "<item>\n<title>{title}</title>\n<link>https://site.example/{i}/{k}.html</link>\n\
                 <guid isPermaLink=\"false\">bench-{i}-{k}</guid>\n\
                 <pubDate>{day} Jun 2025 {hour:02}:00:00 GMT</pubDate>\n\
                 <author>{author}@example.com</author>\n"
            );
            if cdata {
                let _ = write!(
                    out,
                    "<description>{}</description>\n<content:encoded><![CDATA[{html}]]></content:encoded>\n",
                    c.sentence(rng, 12, 30)
                );
            } else {
                let _ = writeln!(out, "<description>{}</description>", escape(&html));
            }
            out.push_str("</item>\n");
        }
    }
    out.push_str(if atom {
        "</feed>\n"
    } else {
        "</channel>\n</rss>\n"
    });
    out.into_bytes()
}
