//! The large cases of the shared corpus generator (`generate_hostile.py --large`), ported to Rust
//! so the tests make them at run time without Python: the same bytes as the generator writes
//! (its large cases do not depend on `--variant`), and a gzip bomb built by hand (a stored block
//! with the feed prefix, then one Huffman block of back-references) because no compression
//! crate is among the dev-dependencies and `gzip` on 2 GiB takes ~10 s.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// A large case: its generator name, class, file name and the size the Python generator gives.
pub struct LargeCase {
    pub name: &'static str,
    pub class: &'static str,
    pub file: &'static str,
    pub bytes: u64,
    write: fn(&mut dyn Write) -> io::Result<()>,
}

/// Every large case except `gzip_bomb`, which is a served body (see [`gzip_bomb`]).
pub const LARGE: [LargeCase; 4] = [
    LargeCase {
        name: "deep_nesting_elements_1m",
        class: "xml-dos",
        file: "deep_nesting_elements_1m.xml",
        bytes: 7_000_364,
        write: deep_nesting_1m,
    },
    LargeCase {
        name: "html_huge_table",
        class: "html",
        file: "html_huge_table.xml",
        bytes: 26_999_199,
        write: html_huge_table,
    },
    LargeCase {
        name: "big_single_entry_50mb",
        class: "size",
        file: "big_single_entry_50mb.xml",
        bytes: 52_429_661,
        write: big_single_entry,
    },
    LargeCase {
        name: "entries_100k",
        class: "size",
        file: "entries_100k.xml",
        bytes: 22_455_768,
        write: entries_100k,
    },
];

/// Every large case name of the generator, the served one included.
pub const LARGE_NAMES: [&str; 5] = [
    "deep_nesting_elements_1m",
    "html_huge_table",
    "big_single_entry_50mb",
    "entries_100k",
    "gzip_bomb",
];

impl LargeCase {
    /// Writes the case into `dir` and returns its path.
    pub fn generate(&self, dir: &Path) -> io::Result<PathBuf> {
        let path = dir.join(self.file);
        let mut w = BufWriter::with_capacity(1 << 20, File::create(&path)?);
        (self.write)(&mut w)?;
        w.flush()?;
        Ok(path)
    }
}

// The generator's `rss()` and `item()` helpers, streaming.

fn rss_open(w: &mut dyn Write) -> io::Result<()> {
    w.write_all(
        b"<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rss version=\"2.0\">\n<channel>\n\
          <title>Hostile feed</title>\n<link>https://hostile.example/</link>\n\
          <description>generated hostile test feed</description>\n",
    )
}

fn rss_close(w: &mut dyn Write) -> io::Result<()> {
    w.write_all(b"</channel>\n</rss>\n")
}

/// `<item>` up to and including `<pubDate>`; the caller writes the rest.
fn item_head(
    w: &mut dyn Write,
    title: &str,
    link: &str,
    guid: &str,
    pub_date: Option<&str>,
) -> io::Result<()> {
    writeln!(
        w,
        "<item>\n  <title>{title}</title>\n  <link>{link}</link>\n  \
         <guid isPermaLink=\"false\">{guid}</guid>"
    )?;
    if let Some(date) = pub_date {
        writeln!(w, "  <pubDate>{date}</pubDate>")?;
    }
    Ok(())
}

fn deep_nesting_1m(w: &mut dyn Write) -> io::Result<()> {
    const DEPTH: usize = 1_000_000;
    rss_open(w)?;
    item_head(w, "deep", "https://hostile.example/deep", "deep-1m", None)?;
    w.write_all(b"  <description>x</description>\n")?;
    w.write_all("<x>".repeat(DEPTH).as_bytes())?;
    w.write_all("</x>".repeat(DEPTH).as_bytes())?;
    w.write_all(b"\n</item>\n")?;
    rss_close(w)
}

/// A 200 × 5000 table, HTML-escaped into one description.
fn html_huge_table(w: &mut dyn Write) -> io::Result<()> {
    const COLS: usize = 200;
    const ROWS: usize = 5000;
    rss_open(w)?;
    item_head(
        w,
        "big table",
        "https://hostile.example/bigtable",
        "table-2",
        None,
    )?;
    w.write_all(b"  <description>&lt;table&gt;&lt;tr&gt;")?;
    for c in 0..COLS {
        write!(w, "&lt;th&gt;h{c}&lt;/th&gt;")?;
    }
    w.write_all(b"&lt;/tr&gt;")?;
    for r in 0..ROWS {
        w.write_all(b"&lt;tr&gt;")?;
        for c in 0..COLS {
            write!(w, "&lt;td&gt;{}&lt;/td&gt;", r * COLS + c)?;
        }
        w.write_all(b"&lt;/tr&gt;")?;
    }
    w.write_all(b"&lt;/table&gt;</description>\n</item>\n")?;
    rss_close(w)
}

/// One item whose escaped-HTML description is just over 50 MiB.
fn big_single_entry(w: &mut dyn Write) -> io::Result<()> {
    let para = format!(
        "&lt;p&gt;{}&lt;/p&gt;\n",
        "lorem ipsum dolor sit amet ".repeat(40)
    );
    let n = (50 * 1024 * 1024) / para.len() + 1;
    rss_open(w)?;
    item_head(w, "huge", "https://hostile.example/huge", "huge-1", None)?;
    w.write_all(b"  <description>")?;
    for _ in 0..n {
        w.write_all(para.as_bytes())?;
    }
    w.write_all(b"</description>\n</item>\n")?;
    rss_close(w)
}

fn entries_100k(w: &mut dyn Write) -> io::Result<()> {
    rss_open(w)?;
    for i in 0..100_000 {
        let date = format!(
            "Mon, 01 Jan 2024 {:02}:{:02}:{:02} GMT",
            (i / 3600) % 24,
            (i / 60) % 60,
            i % 60
        );
        item_head(
            w,
            &format!("entry {i}"),
            &format!("https://hostile.example/e/{i}"),
            &format!("e-{i}"),
            Some(&date),
        )?;
        writeln!(w, "  <description>body {i}</description>\n</item>")?;
    }
    rss_close(w)
}

// The gzip bomb.

/// What the bomb inflates to before its whitespace (the generator's prefix).
pub const BOMB_PREFIX: &[u8] =
    b"<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rss version=\"2.0\"><channel><title>bomb</title>\n";

/// The generator's inflated size: 2 GiB.
pub const BOMB_INFLATED: u64 = 2 * 1024 * 1024 * 1024;

/// A gzip member that inflates to [`BOMB_PREFIX`] followed by spaces, `inflated` bytes in all
/// (about 1/1000 of that on the wire, like `gzip -9`), with the right CRC-32 and size trailer.
///
/// Deflate stream: a stored block holding the prefix and the first few spaces, then one
/// dynamic-Huffman block whose only symbols are "length 258" and end-of-block (one bit each)
/// and distance 1 (one bit), so every 258 spaces cost two bits.
pub fn gzip_bomb(inflated: u64) -> Vec<u8> {
    let prefix_len = BOMB_PREFIX.len() as u64;
    assert!(inflated > prefix_len, "a bomb needs at least one space");
    let spaces = inflated - prefix_len;
    // One literal space to copy from, plus as many as make the rest a multiple of 258.
    let lead = 1 + (spaces - 1) % 258;
    let repeats = (spaces - lead) / 258;

    let mut out = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];
    let mut bits = BitWriter::default();
    // Stored block, not final: 3 header bits, then byte-aligned LEN, NLEN and the bytes.
    bits.put(0, 3);
    bits.align();
    let stored_len = u16::try_from(prefix_len + lead).expect("prefix fits a stored block");
    bits.bytes(&stored_len.to_le_bytes());
    bits.bytes(&(!stored_len).to_le_bytes());
    bits.bytes(BOMB_PREFIX);
    bits.bytes(&vec![b' '; usize::try_from(lead).expect("small")]);
    // Dynamic block, final: 286 literal/length codes, 2 distance codes, 18 code-length codes.
    bits.put(1, 1);
    bits.put(2, 2);
    bits.put(286 - 257, 5);
    bits.put(2 - 1, 5);
    bits.put(18 - 4, 4);
    // Code-length code lengths in the RFC 1951 order 16 17 18 0 8 7 9 6 10 5 11 4 12 3 13 2 14 1:
    // only 18 (a run of zeros) and 1 (length one) are used, one bit each (1 → "0", 18 → "1").
    for sym in [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1] {
        bits.put(u64::from(sym == 18 || sym == 1), 3);
    }
    // Literal/length lengths: 256 zeros, 256 → 1, 28 zeros, 285 → 1; distances 0 and 1 → 1.
    let zeros = |bits: &mut BitWriter, n: u64| {
        bits.put(1, 1);
        bits.put(n - 11, 7);
    };
    zeros(&mut bits, 138);
    zeros(&mut bits, 118);
    bits.put(0, 1);
    zeros(&mut bits, 28);
    for _ in 0..3 {
        bits.put(0, 1);
    }
    // Each repeat is symbol 285 ("1": length 258) then distance code 0 ("0": distance 1); the
    // bits go out LSB first, so 28 repeats are the 56-bit pattern 0x55...
    let mut left = repeats;
    while left > 0 {
        let n = left.min(28);
        bits.put(
            0x0055_5555_5555_5555 & ((1 << (2 * n)) - 1),
            u32::try_from(2 * n).expect("≤ 56"),
        );
        left -= n;
    }
    bits.put(0, 1); // end of block: symbol 256, code "0"
    bits.align();
    out.extend_from_slice(&bits.out);

    let crc = crc32_combine(crc32(BOMB_PREFIX), crc32_of_spaces(spaces), spaces);
    out.extend_from_slice(&crc.to_le_bytes());
    // ISIZE is the length modulo 2^32, by definition.
    #[allow(clippy::cast_possible_truncation)]
    out.extend_from_slice(&(inflated as u32).to_le_bytes());
    out
}

/// Deflate's bit order: values go out least significant bit first.
#[derive(Default)]
struct BitWriter {
    out: Vec<u8>,
    acc: u64,
    len: u32,
}

impl BitWriter {
    /// Appends the low `count` bits of `value` (`count` ≤ 56).
    fn put(&mut self, value: u64, count: u32) {
        self.acc |= value << self.len;
        self.len += count;
        while self.len >= 8 {
            self.out.push(self.acc.to_le_bytes()[0]);
            self.acc >>= 8;
            self.len -= 8;
        }
    }

    /// Pads with zero bits to a byte boundary.
    fn align(&mut self) {
        if self.len > 0 {
            self.put(0, 8 - self.len);
        }
    }

    /// Whole bytes; only at a byte boundary.
    fn bytes(&mut self, bytes: &[u8]) {
        debug_assert_eq!(self.len, 0);
        self.out.extend_from_slice(bytes);
    }
}

const CRC_POLY: u32 = 0xedb8_8320;

/// CRC-32 (the gzip one) of `bytes`, bit by bit: only ever run on a few bytes.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ CRC_POLY
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// CRC-32 of `n` spaces in O(log n) combines, instead of hashing 2 GiB.
fn crc32_of_spaces(mut n: u64) -> u32 {
    let (mut crc, mut block, mut block_len) = (0, crc32(b" "), 1);
    while n > 0 {
        if n & 1 == 1 {
            crc = crc32_combine(crc, block, block_len);
        }
        block = crc32_combine(block, block, block_len);
        block_len *= 2;
        n >>= 1;
    }
    crc
}

/// zlib's `crc32_combine`: the CRC of A‖B from CRC(A), CRC(B) and the length of B, by applying
/// "append len2 zero bytes" to CRC(A) as a GF(2) matrix raised by repeated squaring.
fn crc32_combine(crc1: u32, crc2: u32, mut len2: u64) -> u32 {
    fn times(mat: &[u32; 32], mut vec: u32) -> u32 {
        let mut sum = 0;
        let mut i = 0;
        while vec != 0 {
            if vec & 1 == 1 {
                sum ^= mat[i];
            }
            vec >>= 1;
            i += 1;
        }
        sum
    }
    fn square(mat: &[u32; 32]) -> [u32; 32] {
        let mut sq = [0; 32];
        for (row, &m) in sq.iter_mut().zip(mat) {
            *row = times(mat, m);
        }
        sq
    }
    if len2 == 0 {
        return crc1;
    }
    // The operator for one zero bit, then two, then four.
    let mut odd = [0u32; 32];
    odd[0] = CRC_POLY;
    for (n, row) in odd.iter_mut().enumerate().skip(1) {
        *row = 1 << (n - 1);
    }
    let mut even = square(&odd);
    odd = square(&even);
    let mut crc1 = crc1;
    loop {
        // One zero byte, then two, four, ...
        even = square(&odd);
        if len2 & 1 == 1 {
            crc1 = times(&even, crc1);
        }
        len2 >>= 1;
        if len2 == 0 {
            break;
        }
        odd = square(&even);
        if len2 & 1 == 1 {
            crc1 = times(&odd, crc1);
        }
        len2 >>= 1;
        if len2 == 0 {
            break;
        }
    }
    crc1 ^ crc2
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32_matches_known_values() {
        assert_eq!(crc32(b"123456789"), 0xcbf4_3926);
        assert_eq!(crc32(b""), 0);
        let spaces = vec![b' '; 1000];
        assert_eq!(crc32_of_spaces(1000), crc32(&spaces));
        assert_eq!(
            crc32_combine(crc32(b"hello "), crc32(b"world"), 5),
            crc32(b"hello world")
        );
    }
}
