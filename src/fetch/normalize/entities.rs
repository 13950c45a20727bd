//! Decoding the HTML character references that feed-rs leaves in text: numeric ones and the
//! named ones feeds actually use (Latin-1 and common punctuation). Pure; uses nothing else.

use std::borrow::Cow;

/// HTML 4's Latin-1 entity names, in code point order from U+00A0.
const LATIN1: [&str; 96] = [
    "nbsp", "iexcl", "cent", "pound", "curren", "yen", "brvbar", "sect", "uml", "copy", "ordf",
    "laquo", "not", "shy", "reg", "macr", "deg", "plusmn", "sup2", "sup3", "acute", "micro",
    "para", "middot", "cedil", "sup1", "ordm", "raquo", "frac14", "frac12", "frac34", "iquest",
    "Agrave", "Aacute", "Acirc", "Atilde", "Auml", "Aring", "AElig", "Ccedil", "Egrave", "Eacute",
    "Ecirc", "Euml", "Igrave", "Iacute", "Icirc", "Iuml", "ETH", "Ntilde", "Ograve", "Oacute",
    "Ocirc", "Otilde", "Ouml", "times", "Oslash", "Ugrave", "Uacute", "Ucirc", "Uuml", "Yacute",
    "THORN", "szlig", "agrave", "aacute", "acirc", "atilde", "auml", "aring", "aelig", "ccedil",
    "egrave", "eacute", "ecirc", "euml", "igrave", "iacute", "icirc", "iuml", "eth", "ntilde",
    "ograve", "oacute", "ocirc", "otilde", "ouml", "divide", "oslash", "ugrave", "uacute", "ucirc",
    "uuml", "yacute", "thorn", "yuml",
];

/// Other named references common in feeds.
const OTHERS: [(&str, char); 47] = [
    ("amp", '&'),
    ("lt", '<'),
    ("gt", '>'),
    ("quot", '"'),
    ("apos", '\''),
    ("OElig", 'Œ'),
    ("oelig", 'œ'),
    ("Scaron", 'Š'),
    ("scaron", 'š'),
    ("Yuml", 'Ÿ'),
    ("fnof", 'ƒ'),
    ("circ", 'ˆ'),
    ("tilde", '˜'),
    ("ensp", '\u{2002}'),
    ("emsp", '\u{2003}'),
    ("thinsp", '\u{2009}'),
    ("zwnj", '\u{200C}'),
    ("zwj", '\u{200D}'),
    ("lrm", '\u{200E}'),
    ("rlm", '\u{200F}'),
    ("ndash", '–'),
    ("mdash", '—'),
    ("lsquo", '‘'),
    ("rsquo", '’'),
    ("sbquo", '‚'),
    ("ldquo", '“'),
    ("rdquo", '”'),
    ("bdquo", '„'),
    ("dagger", '†'),
    ("Dagger", '‡'),
    ("bull", '•'),
    ("hellip", '…'),
    ("permil", '‰'),
    ("prime", '′'),
    ("Prime", '″'),
    ("lsaquo", '‹'),
    ("rsaquo", '›'),
    ("oline", '‾'),
    ("euro", '€'),
    ("trade", '™'),
    ("larr", '←'),
    ("uarr", '↑'),
    ("rarr", '→'),
    ("darr", '↓'),
    ("harr", '↔'),
    ("minus", '−'),
    ("hearts", '♥'),
];

/// The longest reference body we look at (`#x10FFFF`, `thinsp`, ...).
const MAX_REF_LEN: usize = 10;

/// HTML 4's Greek letter names, in code point order from U+0391 (`""` for the gaps).
const GREEK: [&str; 57] = [
    "Alpha", "Beta", "Gamma", "Delta", "Epsilon", "Zeta", "Eta", "Theta", "Iota", "Kappa",
    "Lambda", "Mu", "Nu", "Xi", "Omicron", "Pi", "Rho", "", "Sigma", "Tau", "Upsilon", "Phi",
    "Chi", "Psi", "Omega", "", "", "", "", "", "", "", "alpha", "beta", "gamma", "delta",
    "epsilon", "zeta", "eta", "theta", "iota", "kappa", "lambda", "mu", "nu", "xi", "omicron",
    "pi", "rho", "sigmaf", "sigma", "tau", "upsilon", "phi", "chi", "psi", "omega",
];

/// HTML 4's mathematical and other symbols not covered above.
const SYMBOLS: [(&str, char); 34] = [
    ("forall", '∀'),
    ("part", '∂'),
    ("exist", '∃'),
    ("empty", '∅'),
    ("nabla", '∇'),
    ("isin", '∈'),
    ("notin", '∉'),
    ("prod", '∏'),
    ("sum", '∑'),
    ("radic", '√'),
    ("prop", '∝'),
    ("infin", '∞'),
    ("and", '∧'),
    ("or", '∨'),
    ("cap", '∩'),
    ("cup", '∪'),
    ("int", '∫'),
    ("there4", '∴'),
    ("sim", '∼'),
    ("cong", '≅'),
    ("asymp", '≈'),
    ("ne", '≠'),
    ("equiv", '≡'),
    ("le", '≤'),
    ("ge", '≥'),
    ("sdot", '⋅'),
    ("loz", '◊'),
    ("spades", '♠'),
    ("clubs", '♣'),
    ("diams", '♦'),
    ("frasl", '⁄'),
    ("crarr", '↵'),
    ("rArr", '⇒'),
    ("hArr", '⇔'),
];

/// The character an HTML named reference (`nbsp`, `eacute`, `rsquo`, `alpha` ...) stands for.
pub fn named(name: &str) -> Option<char> {
    if let Some(i) = LATIN1.iter().position(|n| *n == name) {
        // `i` < 96, so this stays in U+00A0..=U+00FF.
        return char::from_u32(0xA0 + u32::try_from(i).ok()?);
    }
    if !name.is_empty()
        && let Some(i) = GREEK.iter().position(|n| *n == name)
    {
        return char::from_u32(0x391 + u32::try_from(i).ok()?);
    }
    OTHERS
        .iter()
        .chain(SYMBOLS.iter())
        .find(|(n, _)| *n == name)
        .map(|(_, c)| *c)
}

fn numeric(body: &str) -> Option<char> {
    let code = if let Some(hex) = body.strip_prefix('x').or_else(|| body.strip_prefix('X')) {
        u32::from_str_radix(hex, 16).ok()?
    } else {
        body.parse::<u32>().ok()?
    };
    // NUL, surrogates and out-of-range values become the replacement character, as in HTML.
    Some(
        char::from_u32(code)
            .filter(|c| *c != '\0')
            .unwrap_or('\u{FFFD}'),
    )
}

/// Decodes `&name;`, `&#NNN;` and `&#xHH;`; unknown or malformed references are left as they are.
pub fn decode_entities(s: &str) -> Cow<'_, str> {
    if !s.contains('&') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        // Only the next few bytes can hold the `;`: looking further would make a run of bare
        // `&`s quadratic.
        let decoded = after
            .bytes()
            .take(MAX_REF_LEN + 1)
            .position(|b| b == b';')
            .filter(|end| *end > 0 && *end <= MAX_REF_LEN)
            .and_then(|end| {
                let body = &after[..end];
                let c = match body.strip_prefix('#') {
                    Some(num) => numeric(num),
                    None => named(body),
                };
                c.map(|c| (c, end))
            });
        if let Some((c, end)) = decoded {
            out.push(c);
            rest = &after[end + 1..];
        } else {
            out.push('&');
            rest = after;
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn greek_and_symbol_names_decode() {
        assert_eq!(
            decode_entities("&Alpha;&Omega;&sigmaf;&omega;&ne;"),
            "ΑΩςω≠"
        );
    }

    #[test]
    fn numeric_references_decode() {
        assert_eq!(decode_entities("&#38; &#x26; &#X41; &#8364;"), "& & A €");
    }

    #[test]
    fn invalid_code_points_become_replacement_chars() {
        assert_eq!(
            decode_entities("&#0;&#xD800;&#x110000;"),
            "\u{FFFD}\u{FFFD}\u{FFFD}"
        );
    }

    #[test]
    fn named_references_decode() {
        assert_eq!(
            decode_entities("&nbsp;&eacute;&yuml;&Agrave;&rsquo;&amp;amp;"),
            "\u{a0}éÿÀ’&amp;"
        );
    }

    #[test]
    fn unknown_or_malformed_references_stay() {
        assert_eq!(
            decode_entities("AT&T &bogus; &amp &;"),
            "AT&T &bogus; &amp &;"
        );
        assert_eq!(decode_entities("& &verylongname;"), "& &verylongname;");
    }

    #[test]
    fn control_references_decode_for_the_sanitiser_to_drop() {
        assert_eq!(decode_entities("a&#27;[2Jb"), "a\u{1b}[2Jb");
    }
}
