//! Dates as feeds write them, beyond RFC 3339 and RFC 2822: wrong or long day names, missing
//! seconds, single-digit parts, named zones (EST, PDT, CEST ...), ISO without a zone (read as
//! UTC), `2020/1/10 14:33:00`, month-first (`Dec 16 2023 02:02:33 PM`), am/pm, Unix seconds and
//! milliseconds, and French, German and Spanish month names. Registered as feed-rs's timestamp
//! parser and used for JSON Feed. Pure; uses chrono.

use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone, Utc};

/// The instant `raw` names, or `None` when it is not a date we can read.
pub fn parse_date(raw: &str) -> Option<DateTime<Utc>> {
    let s = raw.trim();
    if s.is_empty() || s.len() > 80 {
        return None;
    }
    if let Ok(d) = DateTime::parse_from_rfc3339(s) {
        return Some(d.with_timezone(&Utc));
    }
    if let Ok(d) = DateTime::parse_from_rfc2822(s) {
        return Some(d.with_timezone(&Utc));
    }
    unix(s).or_else(|| iso(s)).or_else(|| words(s))
}

/// Unix time in seconds (10 digits) or milliseconds (13 digits).
fn unix(s: &str) -> Option<DateTime<Utc>> {
    if !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: i64 = s.parse().ok()?;
    match s.len() {
        9 | 10 => Utc.timestamp_opt(n, 0).single(),
        13 => Utc.timestamp_millis_opt(n).single(),
        _ => None,
    }
}

/// A run of ASCII digits at the start of `s`, at most `max` long: (value, length).
fn digits(s: &str, max: usize) -> Option<(u32, usize)> {
    let len = s.bytes().take(max).take_while(u8::is_ascii_digit).count();
    if len == 0 {
        return None;
    }
    Some((s[..len].parse().ok()?, len))
}

/// `YYYY-M-D`, `YYYY/M/D` or `YYYYMMDD`, then an optional time and zone.
fn iso(s: &str) -> Option<DateTime<Utc>> {
    let (year, n) = digits(s, 4).filter(|(_, n)| *n == 4)?;
    let mut rest = &s[n..];
    let (month, day);
    if let Some(sep) = rest.chars().next().filter(|c| matches!(c, '-' | '/' | '.')) {
        let (m, n) = digits(&rest[1..], 2)?;
        rest = rest[1 + n..].strip_prefix(sep)?;
        let (d, n) = digits(rest, 2)?;
        rest = &rest[n..];
        (month, day) = (m, d);
    } else {
        let (m, _) = digits(rest, 2).filter(|(_, n)| *n == 2)?;
        let (d, _) = digits(&rest[2..], 2).filter(|(_, n)| *n == 2)?;
        rest = &rest[4..];
        (month, day) = (m, d);
    }
    let date = NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)?;
    let rest = rest.trim_start_matches(['T', 't', ' ']);
    let (secs, rest) = if rest.is_empty() {
        (0, rest)
    } else {
        time(rest)?
    };
    let offset = zone(rest.trim())?;
    finish(date, secs, offset)
}

/// `H:M[:S[.frac]]` or `HHMMSS`: seconds since midnight and what follows.
fn time(s: &str) -> Option<(u32, &str)> {
    let (h, n) = digits(s, 2)?;
    let mut rest = &s[n..];
    let (m, sec);
    if let Some(after) = rest.strip_prefix(':') {
        let (mm, n) = digits(after, 2)?;
        rest = &after[n..];
        m = mm;
        sec = match rest.strip_prefix(':') {
            Some(after) => {
                let (ss, n) = digits(after, 2)?;
                rest = &after[n..];
                ss
            }
            None => 0,
        };
    } else if n == 2 {
        let (mm, _) = digits(rest, 2).filter(|(_, n)| *n == 2)?;
        let (ss, _) = digits(&rest[2..], 2).filter(|(_, n)| *n == 2)?;
        rest = &rest[4..];
        (m, sec) = (mm, ss);
    } else {
        return None;
    }
    if let Some(frac) = rest.strip_prefix(['.', ',']) {
        rest = frac.trim_start_matches(|c: char| c.is_ascii_digit());
    }
    (h < 24 && m < 60 && sec < 61).then_some((h * 3600 + m * 60 + sec.min(59), rest))
}

/// The offset in seconds east of UTC for `Z`, `+HH:MM`, `+HHMM`, `+H:M`, `+HH`, a zone name,
/// or nothing (UTC).
fn zone(s: &str) -> Option<i32> {
    if s.is_empty() {
        return Some(0);
    }
    if let Some(sign) = s.chars().next().filter(|c| matches!(c, '+' | '-')) {
        let body = &s[1..];
        let (h, n) = digits(body, 2)?;
        let after = &body[n..];
        let m = match after.strip_prefix(':') {
            Some(mm) => digits(mm, 2).map_or(0, |(m, _)| m),
            None if n == 2 => digits(after, 2).map_or(0, |(m, _)| m),
            None => 0,
        };
        if h >= 24 || m >= 60 {
            return None;
        }
        let secs = i32::try_from(h * 3600 + m * 60).ok()?;
        return Some(if sign == '-' { -secs } else { secs });
    }
    named_zone(s)
}

fn named_zone(name: &str) -> Option<i32> {
    let hours = match name.to_ascii_uppercase().trim_matches(['(', ')']) {
        "Z" | "UT" | "UTC" | "GMT" | "WET" => 0,
        "BST" | "CET" | "MET" | "WEST" => 1,
        "CEST" | "MEST" | "EET" => 2,
        "EEST" | "MSK" => 3,
        "IST" => return Some(5 * 3600 + 1800),
        "JST" | "KST" => 9,
        "AEST" => 10,
        "AEDT" => 11,
        "NZST" => 12,
        "EST" | "CDT" => -5,
        "EDT" | "AST" => -4,
        "CST" | "MDT" => -6,
        "MST" | "PDT" => -7,
        "PST" | "AKDT" => -8,
        "AKST" => -9,
        "HST" => -10,
        _ => return None,
    };
    Some(hours * 3600)
}

fn finish(date: NaiveDate, secs: u32, offset: i32) -> Option<DateTime<Utc>> {
    let naive = date.and_hms_opt(secs / 3600, secs / 60 % 60, secs % 60)?;
    let offset = FixedOffset::east_opt(offset)?;
    Some(
        offset
            .from_local_datetime(&naive)
            .single()?
            .with_timezone(&Utc),
    )
}

/// Month names: English, French, German, Spanish, Italian (by their distinct prefixes).
fn month(word: &str) -> Option<u32> {
    const NAMES: [(&str, u32); 30] = [
        ("jan", 1),
        ("ene", 1),
        ("gen", 1),
        ("feb", 2),
        ("fév", 2),
        ("fev", 2),
        ("mar", 3),
        ("mär", 3),
        ("apr", 4),
        ("avr", 4),
        ("abr", 4),
        ("may", 5),
        ("mai", 5),
        ("mag", 5),
        ("jun", 6),
        ("juin", 6),
        ("giu", 6),
        ("jul", 7),
        ("juil", 7),
        ("lug", 7),
        ("aug", 8),
        ("aoû", 8),
        ("ago", 8),
        ("sep", 9),
        ("set", 9),
        ("oct", 10),
        ("okt", 10),
        ("ott", 10),
        ("nov", 11),
        ("dec", 12),
    ];
    let w = word.to_lowercase();
    let w = w.trim_end_matches('.');
    if w.starts_with("déc") || w.starts_with("dez") || w.starts_with("dic") {
        return Some(12);
    }
    if w.starts_with("juil") {
        return Some(7);
    }
    NAMES
        .iter()
        .filter(|(p, _)| w.starts_with(p))
        .max_by_key(|(p, _)| p.len())
        .map(|(_, m)| *m)
}

/// RFC 822 and its relatives, read word by word: day, month name and year in either order,
/// a time with optional seconds and am/pm, a zone; anything else (day names) is skipped.
fn words(s: &str) -> Option<DateTime<Utc>> {
    let (mut day, mut mon, mut year, mut secs, mut offset) = (None, None, None, None, None);
    let mut pm = None;
    // A leading day name ("mar," is Tuesday in French, not March) is never a date part.
    let s = match s.split_once(',') {
        Some((head, rest)) if head.chars().all(char::is_alphabetic) => rest,
        _ => s,
    };
    // RFC 850's `06-Jan-24` is three words; a `-` that starts a word is an offset's sign.
    let words = s
        .split(|c: char| c.is_whitespace() || c == ',')
        .flat_map(|w| {
            let dashed = !w.starts_with('-') && w.contains('-') && w.contains(char::is_alphabetic);
            w.split(move |c| dashed && c == '-')
        })
        .filter(|w| !w.is_empty());
    for word in words {
        let lower = word.to_ascii_lowercase();
        if lower == "am" || lower == "a.m." {
            pm = Some(false);
        } else if lower == "pm" || lower == "p.m." {
            pm = Some(true);
        } else if word.contains(':')
            && secs.is_none()
            && word.starts_with(|c: char| c.is_ascii_digit())
        {
            let (t, rest) = time(word)?;
            secs = Some(t);
            if !rest.is_empty() {
                offset = zone(rest);
            }
        } else if word.starts_with(['+', '-']) && secs.is_some() {
            offset = Some(zone(word)?);
        } else if let Some((n, len)) =
            digits(word, 4).filter(|(_, len)| *len == word.trim_end_matches('.').len())
        {
            match len {
                4 => year = Some(n),
                _ if day.is_none() => day = Some(n),
                _ if year.is_none() => year = Some(if n < 70 { 2000 + n } else { 1900 + n }),
                _ => {}
            }
        } else if let Some(m) = month(word).filter(|_| mon.is_none()) {
            mon = Some(m);
        } else if let Some(z) = named_zone(word).filter(|_| secs.is_some()) {
            offset = Some(z);
        }
    }
    let mut secs = secs.unwrap_or(0);
    match pm {
        Some(true) if secs < 12 * 3600 => secs += 12 * 3600,
        Some(false) if secs >= 12 * 3600 => secs -= 12 * 3600,
        _ => {}
    }
    let date = NaiveDate::from_ymd_opt(i32::try_from(year?).ok()?, mon?, day?)?;
    finish(date, secs, offset.unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iso_of(raw: &str) -> Option<String> {
        parse_date(raw).map(|d| d.format("%Y-%m-%dT%H:%M:%SZ").to_string())
    }

    #[test]
    fn rfc3339_and_rfc2822_parse() {
        assert_eq!(
            iso_of("2024-01-02T03:04:05+01:00").as_deref(),
            Some("2024-01-02T02:04:05Z")
        );
        assert_eq!(
            iso_of("Tue, 02 Jan 2024 03:04:05 GMT").as_deref(),
            Some("2024-01-02T03:04:05Z")
        );
    }

    #[test]
    fn wrong_and_long_day_names_are_ignored() {
        assert_eq!(
            iso_of("Thursday, 02 Jan 2024 03:04:05 +0000").as_deref(),
            Some("2024-01-02T03:04:05Z")
        );
        assert_eq!(
            iso_of("Mon, 02 Jan 2024 03:04:05 GMT").as_deref(),
            Some("2024-01-02T03:04:05Z")
        );
        assert_eq!(
            iso_of("Tue 11 Jan 2011 01:30:00 GMT").as_deref(),
            Some("2011-01-11T01:30:00Z")
        );
    }

    #[test]
    fn rfc_850_dates_parse() {
        assert_eq!(
            iso_of("Saturday, 06-Jan-24 10:00:00 GMT").as_deref(),
            Some("2024-01-06T10:00:00Z")
        );
    }

    #[test]
    fn missing_seconds_and_single_digits_parse() {
        assert_eq!(
            iso_of("Mon, 21 Jan 2008 8:56 am PST").as_deref(),
            Some("2008-01-21T16:56:00Z")
        );
        assert_eq!(
            iso_of("2006-01-17T12:35:9+01:00").as_deref(),
            Some("2006-01-17T11:35:09Z")
        );
        assert_eq!(
            iso_of("2001-01-01T00:00+00:00").as_deref(),
            Some("2001-01-01T00:00:00Z")
        );
        assert_eq!(
            iso_of("2017-06-13T03:18:00+00:0").as_deref(),
            Some("2017-06-13T03:18:00Z")
        );
    }

    #[test]
    fn named_zones_apply() {
        assert_eq!(
            iso_of("Sat, 13 Jan 2018 08:00:00 EST").as_deref(),
            Some("2018-01-13T13:00:00Z")
        );
        assert_eq!(
            iso_of("Wed, 03 Jan 2024 10:00:00 CEST").as_deref(),
            Some("2024-01-03T08:00:00Z")
        );
    }

    #[test]
    fn iso_without_zone_is_utc() {
        assert_eq!(
            iso_of("2024-01-09T10:00:00").as_deref(),
            Some("2024-01-09T10:00:00Z")
        );
        assert_eq!(
            iso_of("2024-01-08 10:00:00").as_deref(),
            Some("2024-01-08T10:00:00Z")
        );
        assert_eq!(
            iso_of("2004-01-01T12:00").as_deref(),
            Some("2004-01-01T12:00:00Z")
        );
        assert_eq!(
            iso_of("2024-01-11").as_deref(),
            Some("2024-01-11T00:00:00Z")
        );
    }

    #[test]
    fn slashed_dates_parse_year_month_day() {
        assert_eq!(
            iso_of("2020/1/10 14:33:00").as_deref(),
            Some("2020-01-10T14:33:00Z")
        );
    }

    #[test]
    fn compact_iso_parses() {
        assert_eq!(
            iso_of("20240111T100000Z").as_deref(),
            Some("2024-01-11T10:00:00Z")
        );
    }

    #[test]
    fn month_first_with_pm_parses() {
        assert_eq!(
            iso_of("Sat, Dec 16 2023 02:02:33 PM").as_deref(),
            Some("2023-12-16T14:02:33Z")
        );
    }

    #[test]
    fn unix_timestamps_parse() {
        assert_eq!(
            iso_of("1705312800").as_deref(),
            Some("2024-01-15T10:00:00Z")
        );
        assert_eq!(
            iso_of("1705312800000").as_deref(),
            Some("2024-01-15T10:00:00Z")
        );
    }

    #[test]
    fn localised_month_names_parse() {
        assert_eq!(
            iso_of("14 janvier 2024").as_deref(),
            Some("2024-01-14T00:00:00Z")
        );
        assert_eq!(
            iso_of("mer, 16 nov 2022 10:00:00 +0100").as_deref(),
            Some("2022-11-16T09:00:00Z")
        );
        assert_eq!(
            iso_of("3. März 2021").as_deref(),
            Some("2021-03-03T00:00:00Z")
        );
    }

    #[test]
    fn nonsense_is_none() {
        for raw in ["", "not a date", "2024-13-45T99:99:99Z", "yesterday", "12"] {
            assert_eq!(iso_of(raw), None, "{raw}");
        }
    }
}
