//! Atom's rules for the repair pass: Atom 0.3 element names (`modified`, `issued`, `tagline`,
//! `copyright`, `url`), `<item>` read as `<entry>`, text constructs' `type`/`mode` mapped to what
//! feed-rs reads (`text`, `html`, `xhtml`; `mode="escaped"`, `mode="base64"` decoded), MIME types
//! checked, empty text constructs dropped, out-of-line content emptied. Pure.

use std::borrow::Cow;

use super::{Attr, Dialect, Element, Rewrite, take_attr, trimmed_lowercase};

/// Rewrites an element in the Atom namespace.
pub fn rewrite(e: &Element<'_>, attrs: &mut Vec<Attr<'_>>, r: &mut Rewrite) {
    let mut local = e.local;
    if e.depth == 1 && local == "item" {
        // Atom with RSS's word for an entry.
        local = "entry";
        r.rename(e, local);
    }
    if e.dialect == Dialect::Atom03 {
        local = match local {
            "modified" => "updated",
            "issued" => "published",
            "tagline" => "subtitle",
            "copyright" => "rights",
            "url" if matches!(e.parent, Some("author" | "contributor")) => "uri",
            other => other,
        };
        r.rename(e, local);
    }
    if !matches!(
        local,
        "title" | "subtitle" | "summary" | "rights" | "content"
    ) {
        return;
    }
    let content = local == "content";
    if content && attrs.iter().any(|(n, _)| n == "src") {
        // Out-of-line content must name a MIME type; feed-rs refuses the keywords there.
        if let Some((_, ty)) = attrs.iter_mut().find(|(n, _)| n == "type") {
            let mime = match ty.trim() {
                "text" => "text/plain",
                "html" => "text/html",
                "xhtml" => "application/xhtml+xml",
                t if is_mime(t) => t,
                _ => "application/octet-stream",
            };
            if mime != ty.as_ref() {
                *ty = Cow::Owned(mime.to_owned());
            }
        }
        r.discard_body = true;
        return;
    }
    let ty = take_attr(attrs, "type").map(trimmed_lowercase);
    let mode = take_attr(attrs, "mode").map(trimmed_lowercase);
    let mut kind: Cow<'_, str> = match ty {
        Some(other) if content && is_mime(&other) && text_kind(&other) == "text" => {
            if other == "text/plain" {
                "text".into()
            } else {
                other
            }
        }
        ty => text_kind(ty.as_deref().unwrap_or("")).into(),
    };
    let textual = matches!(kind.as_ref(), "text" | "html" | "xhtml");
    match mode.as_deref() {
        Some("base64") if textual => {
            r.base64 = true;
            if kind == "xhtml" {
                kind = "html".into();
            }
        }
        Some("base64") => attrs.push(("mode".into(), "base64".into())),
        Some("escaped") if kind == "xhtml" => kind = "html".into(),
        _ => {}
    }
    attrs.push(("type".into(), kind));
    r.drop_if_empty = true;
}

/// `type/subtype` made of MIME token characters (feed-rs fails the feed on anything else).
pub fn is_mime(ty: &str) -> bool {
    let token = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$&^_.+-".contains(&b))
    };
    let essence = ty.split(';').next().unwrap_or("");
    essence
        .split_once('/')
        .is_some_and(|(t, sub)| token(t) && token(sub))
}

/// The Atom text construct kind (`text`, `html`, `xhtml`) a `type` value means.
pub fn text_kind(ty: &str) -> &'static str {
    match ty {
        "html" | "text/html" => "html",
        "xhtml" | "application/xhtml+xml" => "xhtml",
        _ => "text",
    }
}

/// Decodes standard or URL-safe base64, skipping whitespace and stopping at padding or junk.
pub fn base64_decode(text: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for b in text.bytes() {
        let v = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            b if b.is_ascii_whitespace() => continue,
            _ => break,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(u8::try_from((acc >> bits) & 0xFF).unwrap_or(0));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::super::repair::repair;
    use super::*;

    fn fixed(doc: &str) -> String {
        repair(doc).expect("a feed root")
    }

    #[test]
    fn atom_items_are_entries() {
        let out = fixed("<feed version=\"0.3\"><item><title>t</title></item></feed>");
        assert!(
            out.contains("<entry><title type=\"text\">t</title></entry>"),
            "{out}"
        );
    }

    #[test]
    fn atom_out_of_line_content_gets_a_mime_type() {
        let out =
            fixed("<feed><entry><content src=\"http://e.com/\" type=\"xhtml\"/></entry></feed>");
        assert!(out.contains("type=\"application/xhtml+xml\""), "{out}");
        let out =
            fixed("<feed><entry><content type=\"atom_0.3.feed^type\">x</content></entry></feed>");
        assert!(out.contains("<content type=\"text\">x</content>"), "{out}");
    }

    #[test]
    fn only_real_mime_types_pass_as_mime_types() {
        assert!(is_mime("image/png") && is_mime("text/html; charset=utf-8"));
        assert!(!is_mime("atom_0.3.feed^type") && !is_mime("appli cation/x") && !is_mime("/x"));
    }

    #[test]
    fn atom_0_3_elements_become_atom_1_0() {
        let out = fixed(
            "<feed version=\"0.3\" xmlns=\"http://purl.org/atom/ns#\"><tagline>s</tagline><copyright>c</copyright>\
             <entry><issued>i</issued><modified>m</modified><author><url>u</url></author></entry></feed>",
        );
        for want in [
            "xmlns=\"http://www.w3.org/2005/Atom\"",
            "<subtitle type=\"text\">s</subtitle>",
            "<rights type=\"text\">c</rights>",
            "<published>i</published><updated>m</updated>",
            "<uri>u</uri>",
        ] {
            assert!(out.contains(want), "{want} in {out}");
        }
    }

    #[test]
    fn atom_0_3_escaped_mode_is_html() {
        let out = fixed(
            "<feed version=\"0.3\"><title type=\"text/html\" mode=\"escaped\">&lt;b&gt;</title></feed>",
        );
        assert!(
            out.contains("<title type=\"html\">&lt;b&gt;</title>"),
            "{out}"
        );
    }

    #[test]
    fn atom_base64_text_is_decoded() {
        let out = fixed("<feed version=\"0.3\"><title mode=\"base64\">PGI+eDwvYj4=</title></feed>");
        assert!(
            out.contains("<title type=\"text\">&lt;b>x&lt;/b></title>"),
            "{out}"
        );
    }

    #[test]
    fn atom_mime_types_on_text_constructs_are_mapped() {
        let out = fixed(
            "<feed xmlns=\"http://www.w3.org/2005/Atom\"><title type=\"application/xhtml+xml\">t</title></feed>",
        );
        assert!(out.contains("<title type=\"xhtml\">t</title>"), "{out}");
    }

    #[test]
    fn empty_atom_text_constructs_are_dropped() {
        let out = fixed(
            "<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry><title> </title><summary/></entry></feed>",
        );
        assert_eq!(
            out,
            "<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry></entry></feed>"
        );
    }

    #[test]
    fn base64_decodes_standard_and_url_safe() {
        assert_eq!(base64_decode("aGVs bG8=\n"), b"hello");
        assert_eq!(base64_decode("-_8"), vec![0xfb, 0xff]);
    }
}
