//! Entry bodies on disk. Bodies are most of a database, so a body of [`COMPRESS_FROM`] bytes or
//! more is stored compressed, as a BLOB whose first byte says how; shorter ones stay TEXT.
//! `SQLite` keeps each value's own type, so a body reads back however it was written: TEXT from
//! before compression, [`DEFLATE`] from before zstd, [`ZSTD_HTML1`] now. No migration rewrites
//! a big database; `tidings db vacuum` packs what is still TEXT.
//!
//! Why zstd with a dictionary (issue #16, `examples/codecs.rs`, figures in docs/BENCHMARKS.md):
//! on real feeds' HTML it stores 9 % less than deflate level 3 and packs twice as fast,
//! unpacks three times as fast. The dictionary (`assets/zstd/html-1.dict`, 64 KB) was trained
//! on half of the real publishers' feeds of the shared corpus and judged on the other half. It
//! is part of the format: bodies packed with it need it for ever, so a new dictionary gets a
//! new tag byte and this one stays.

use std::cell::RefCell;
use std::io::Read;
use std::sync::OnceLock;

use rusqlite::types::{FromSqlError, Value, ValueRef};
use zstd::bulk::{Compressor, Decompressor};
use zstd::dict::{DecoderDictionary, EncoderDictionary};

/// Bodies shorter than this are not worth compressing.
pub(super) const COMPRESS_FROM: usize = 512;
/// The tag byte of a raw-deflate body (written before zstd).
const DEFLATE: u8 = 1;
/// The tag byte of a zstd frame packed with dictionary 1.
const ZSTD_HTML1: u8 = 2;
/// The most a stored body may unpack to (the fetcher caps documents well below this).
const MAX_BODY: usize = 64 * 1024 * 1024;
/// zstd's level 3, its default: level 5 stores 1 % less at half the speed.
const LEVEL: i32 = 3;

static HTML1: &[u8] = include_bytes!("../../assets/zstd/html-1.dict");

fn encoder_dictionary() -> &'static EncoderDictionary<'static> {
    static DICT: OnceLock<EncoderDictionary<'static>> = OnceLock::new();
    DICT.get_or_init(|| EncoderDictionary::copy(HTML1, LEVEL))
}

fn decoder_dictionary() -> &'static DecoderDictionary<'static> {
    static DICT: OnceLock<DecoderDictionary<'static>> = OnceLock::new();
    DICT.get_or_init(|| DecoderDictionary::copy(HTML1))
}

thread_local! {
    // One context per thread, kept: making one costs more than packing a small body.
    static PACKER: RefCell<Option<Compressor<'static>>> =
        RefCell::new(Compressor::with_prepared_dictionary(encoder_dictionary()).ok());
    static UNPACKER: RefCell<Option<Decompressor<'static>>> =
        RefCell::new(Decompressor::with_prepared_dictionary(decoder_dictionary()).ok());
}

/// The value to store for `html`.
pub(super) fn pack(html: &str) -> Value {
    if html.len() < COMPRESS_FROM {
        return Value::Text(html.to_owned());
    }
    let packed = PACKER.with_borrow_mut(|packer| {
        let mut out = packer.as_mut()?.compress(html.as_bytes()).ok()?;
        out.insert(0, ZSTD_HTML1);
        Some(out)
    });
    packed.map_or_else(|| Value::Text(html.to_owned()), Value::Blob)
}

fn damaged(e: impl std::fmt::Display) -> FromSqlError {
    FromSqlError::Other(format!("a damaged body: {e}").into())
}

fn unpack_zstd(packed: &[u8]) -> Result<String, FromSqlError> {
    let size = zstd::zstd_safe::get_frame_content_size(packed)
        .map_err(|_| damaged("no zstd frame"))?
        .and_then(|n| usize::try_from(n).ok())
        .filter(|&n| n <= MAX_BODY)
        .ok_or_else(|| damaged("no size, or too large"))?;
    let bytes = UNPACKER.with_borrow_mut(|unpacker| {
        let unpacker = unpacker
            .as_mut()
            .ok_or_else(|| damaged("no decompressor"))?;
        let mut out = Vec::with_capacity(size);
        unpacker
            .decompress_to_buffer(packed, &mut out)
            .map_err(damaged)?;
        Ok::<_, FromSqlError>(out)
    })?;
    String::from_utf8(bytes).map_err(damaged)
}

/// The HTML column `i` of `row` holds (empty for NULL), a damaged value as the row's error.
pub(super) fn column(row: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<String> {
    unpack(row.get_ref(i)?).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Blob, Box::new(e))
    })
}

/// The HTML a stored value holds.
pub(super) fn unpack(value: ValueRef<'_>) -> Result<String, FromSqlError> {
    match value {
        ValueRef::Null => Ok(String::new()),
        ValueRef::Text(text) => Ok(String::from_utf8_lossy(text).into_owned()),
        ValueRef::Blob([ZSTD_HTML1, packed @ ..]) => unpack_zstd(packed),
        ValueRef::Blob([DEFLATE, packed @ ..]) => {
            let mut html = String::new();
            flate2::read::DeflateDecoder::new(packed)
                .take(MAX_BODY as u64)
                .read_to_string(&mut html)
                .map_err(damaged)?;
            Ok(html)
        }
        ValueRef::Blob(_) | ValueRef::Integer(_) | ValueRef::Real(_) => Err(FromSqlError::Other(
            "a body in a format this version does not know".into(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    fn round_trip(html: &str) -> String {
        let v = pack(html);
        let r = match &v {
            Value::Text(t) => ValueRef::Text(t.as_bytes()),
            Value::Blob(b) => ValueRef::Blob(b),
            _ => unreachable!(),
        };
        unpack(r).unwrap()
    }

    #[test]
    fn bodies_round_trip_short_ones_as_text_long_ones_packed() {
        assert!(matches!(pack("<p>short</p>"), Value::Text(_)));
        let long = "<p>The river was high this winter, and the ferry ran late. </p>".repeat(40);
        let Value::Blob(b) = pack(&long) else {
            panic!("a long body is packed")
        };
        assert_eq!(b[0], ZSTD_HTML1);
        assert!(b.len() * 4 < long.len(), "{} of {}", b.len(), long.len());
        for html in ["", "<p>short</p>", &long, &"é ünïcödé 日本 ".repeat(100)] {
            assert_eq!(round_trip(html), html);
        }
    }

    /// Databases written before zstd keep deflated bodies; they must read as they always did.
    #[test]
    fn bodies_deflated_by_an_earlier_version_still_read() {
        let html = "<p>Written by the deflate version.</p>".repeat(30);
        let mut packed = vec![DEFLATE];
        let mut e = flate2::write::DeflateEncoder::new(&mut packed, flate2::Compression::new(3));
        e.write_all(html.as_bytes()).unwrap();
        e.finish().unwrap();
        assert_eq!(unpack(ValueRef::Blob(&packed)).unwrap(), html);
    }

    #[test]
    fn a_damaged_or_unknown_body_is_an_error_not_a_panic() {
        let e = unpack(ValueRef::Blob(&[DEFLATE, 0xff, 0x00, 0x13])).unwrap_err();
        assert!(e.to_string().contains("damaged"), "{e}");
        let e = unpack(ValueRef::Blob(&[ZSTD_HTML1, 0xff, 0x00, 0x13])).unwrap_err();
        assert!(e.to_string().contains("damaged"), "{e}");
        // A frame cut short, and one whose header claims more than a body may hold.
        let Value::Blob(whole) = pack(&"<p>cut</p>".repeat(100)) else {
            panic!("packed")
        };
        assert!(unpack(ValueRef::Blob(&whole[..whole.len() / 2])).is_err());
        assert!(unpack(ValueRef::Blob(&[9, 1, 2])).is_err());
        assert_eq!(unpack(ValueRef::Null).unwrap(), "");
    }
}
