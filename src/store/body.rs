//! Entry bodies on disk. HTML compresses four to eight times, and bodies are most of a
//! database, so a body of [`COMPRESS_FROM`] bytes or more is stored deflated, as a BLOB whose
//! first byte says how ([`DEFLATE`]); shorter ones stay TEXT. `SQLite` keeps each value's own
//! type, so bodies written before compression (TEXT) read as they are, and `tidings db vacuum`
//! packs them; no migration rewrites a big database.

use std::io::{Read, Write};

use flate2::Compression;
use rusqlite::types::{FromSqlError, Value, ValueRef};

/// Bodies shorter than this are not worth compressing.
pub(super) const COMPRESS_FROM: usize = 512;
/// The tag byte of a raw-deflate body.
const DEFLATE: u8 = 1;
/// The most a stored body may inflate to (the fetcher caps documents well below this).
const MAX_BODY: u64 = 64 * 1024 * 1024;
/// Fast compression: within a few percent of level 6 on HTML, at twice the speed.
const LEVEL: u32 = 3;

/// The value to store for `html`.
pub(super) fn pack(html: &str) -> Value {
    if html.len() < COMPRESS_FROM {
        return Value::Text(html.to_owned());
    }
    let mut out = Vec::with_capacity(html.len() / 3 + 16);
    out.push(DEFLATE);
    let mut encoder = flate2::write::DeflateEncoder::new(out, Compression::new(LEVEL));
    // Writing to a Vec cannot fail.
    match encoder
        .write_all(html.as_bytes())
        .and_then(|()| encoder.finish())
    {
        Ok(packed) => Value::Blob(packed),
        Err(_) => Value::Text(html.to_owned()),
    }
}

/// The HTML a stored value holds.
pub(super) fn unpack(value: ValueRef<'_>) -> Result<String, FromSqlError> {
    match value {
        ValueRef::Null => Ok(String::new()),
        ValueRef::Text(text) => Ok(String::from_utf8_lossy(text).into_owned()),
        ValueRef::Blob([DEFLATE, packed @ ..]) => {
            let mut html = String::new();
            flate2::read::DeflateDecoder::new(packed)
                .take(MAX_BODY)
                .read_to_string(&mut html)
                .map_err(|e| FromSqlError::Other(format!("a damaged body: {e}").into()))?;
            Ok(html)
        }
        ValueRef::Blob(_) | ValueRef::Integer(_) | ValueRef::Real(_) => Err(FromSqlError::Other(
            "a body in a format this version does not know".into(),
        )),
    }
}

#[cfg(test)]
mod tests {
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
    fn bodies_round_trip_short_ones_as_text_long_ones_deflated() {
        assert!(matches!(pack("<p>short</p>"), Value::Text(_)));
        let long = "<p>The river was high this winter, and the ferry ran late. </p>".repeat(40);
        let Value::Blob(b) = pack(&long) else {
            panic!("a long body is packed")
        };
        assert!(b.len() * 4 < long.len(), "{} of {}", b.len(), long.len());
        for html in ["", "<p>short</p>", &long, &"é ünïcödé 日本 ".repeat(100)] {
            assert_eq!(round_trip(html), html);
        }
    }

    #[test]
    fn a_damaged_or_unknown_body_is_an_error_not_a_panic() {
        let e = unpack(ValueRef::Blob(&[DEFLATE, 0xff, 0x00, 0x13])).unwrap_err();
        assert!(e.to_string().contains("damaged"), "{e}");
        assert!(unpack(ValueRef::Blob(&[9, 1, 2])).is_err());
        assert_eq!(unpack(ValueRef::Null).unwrap(), "");
    }
}
