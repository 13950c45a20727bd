//! `[colors]`: a style per role of the interface, written as words: colours (`red`,
//! `bright-blue`, `gray`, `208`, `#ff8800`), `on COLOUR` for the background, and `bold`, `dim`,
//! `italic`, `underline`, `reverse`. Parsed here into plain specs; the `ui` maps them onto the
//! terminal's colour depth.

use std::collections::BTreeMap;

/// A colour as the config names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColorSpec {
    /// The terminal's own foreground or background.
    Default,
    /// One of the 16 ANSI colours (0–7 normal, 8–15 bright).
    Ansi(u8),
    /// One of the 256 indexed colours.
    Indexed(u8),
    Rgb(u8, u8, u8),
}

/// A style as the config writes it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StyleSpec {
    pub fg: Option<ColorSpec>,
    pub bg: Option<ColorSpec>,
    pub bold: bool,
    pub dim: bool,
    pub italic: bool,
    pub underline: bool,
    pub reverse: bool,
}

/// The roles of the interface that have a style of their own (`[colors]` sets them by name).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// Text with no role: the terminal's own style.
    Plain,
    /// The title and status bars.
    Bar,
    /// The line under the cursor.
    Selected,
    Unread,
    /// Dates, counts, feed names: what comes second.
    Dim,
    Error,
    Heading,
    Link,
    Code,
    Quote,
    /// A search match in the reader.
    Found,
}

impl Role {
    pub const ALL: [Role; 11] = [
        Role::Plain,
        Role::Bar,
        Role::Selected,
        Role::Unread,
        Role::Dim,
        Role::Error,
        Role::Heading,
        Role::Link,
        Role::Code,
        Role::Quote,
        Role::Found,
    ];

    /// The role's name in `[colors]`.
    pub fn name(self) -> &'static str {
        match self {
            Role::Plain => "plain",
            Role::Bar => "bar",
            Role::Selected => "selected",
            Role::Unread => "unread",
            Role::Dim => "dim",
            Role::Error => "error",
            Role::Heading => "heading",
            Role::Link => "link",
            Role::Code => "code",
            Role::Quote => "quote",
            Role::Found => "found",
        }
    }

    /// The roles `[colors]` can set: all but `Plain`, which is the terminal's own.
    pub fn settable() -> &'static [Role] {
        &Role::ALL[1..]
    }

    /// The role `[colors]` calls `name`.
    pub fn from_name(name: &str) -> Option<Role> {
        Role::settable().iter().copied().find(|r| r.name() == name)
    }
}

const NAMES: [(&str, u8); 18] = [
    ("black", 0),
    ("red", 1),
    ("green", 2),
    ("yellow", 3),
    ("blue", 4),
    ("magenta", 5),
    ("cyan", 6),
    ("white", 7),
    ("gray", 7),
    ("grey", 7),
    ("dark-gray", 8),
    ("dark-grey", 8),
    ("bright-red", 9),
    ("bright-green", 10),
    ("bright-yellow", 11),
    ("bright-blue", 12),
    ("bright-magenta", 13),
    ("bright-cyan", 14),
];

fn color(word: &str) -> Option<ColorSpec> {
    let lower = word.to_ascii_lowercase();
    if lower == "default" {
        return Some(ColorSpec::Default);
    }
    if lower == "bright-white" {
        return Some(ColorSpec::Ansi(15));
    }
    if lower == "bright-black" {
        return Some(ColorSpec::Ansi(8));
    }
    if let Some((_, n)) = NAMES.iter().find(|(name, _)| *name == lower) {
        return Some(ColorSpec::Ansi(*n));
    }
    if let Some(hex) = lower.strip_prefix('#')
        && hex.len() == 6
        && let Ok(v) = u32::from_str_radix(hex, 16)
    {
        let [_, r, g, b] = v.to_be_bytes();
        return Some(ColorSpec::Rgb(r, g, b));
    }
    lower.parse::<u8>().ok().map(ColorSpec::Indexed)
}

/// Reads one style: `"bold yellow on blue"`.
pub fn parse(text: &str) -> Result<StyleSpec, String> {
    let mut spec = StyleSpec::default();
    let mut words = text.split_whitespace();
    while let Some(word) = words.next() {
        match word.to_ascii_lowercase().as_str() {
            "bold" => spec.bold = true,
            "dim" => spec.dim = true,
            "italic" => spec.italic = true,
            "underline" | "underlined" => spec.underline = true,
            "reverse" | "reversed" => spec.reverse = true,
            "plain" | "none" => {}
            "on" => {
                let next = words.next().unwrap_or_default();
                spec.bg = Some(color(next).ok_or_else(|| bad(next))?);
            }
            _ => spec.fg = Some(color(word).ok_or_else(|| bad(word))?),
        }
    }
    Ok(spec)
}

fn bad(word: &str) -> String {
    format!(
        "\"{word}\" is not a colour or a style (a colour name like red or bright-blue, 0-255, \
         #rrggbb, \"on COLOUR\", or bold dim italic underline reverse)"
    )
}

/// Reads `[colors]`; an error comes with the role it is about.
pub fn parse_all(
    table: &BTreeMap<String, String>,
) -> Result<BTreeMap<Role, StyleSpec>, (String, String)> {
    table
        .iter()
        .map(|(name, text)| {
            let Some(role) = Role::from_name(name) else {
                let names: Vec<&str> = Role::settable().iter().map(|r| r.name()).collect();
                return Err((
                    name.clone(),
                    format!("[colors] has no \"{name}\" (one of: {})", names.join(", ")),
                ));
            };
            parse(text)
                .map(|spec| (role, spec))
                .map_err(|e| (name.clone(), format!("colors.{name}: {e}")))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_make_a_style() {
        let s = parse("bold bright-yellow on #102030").unwrap();
        assert!(s.bold && !s.reverse);
        assert_eq!(s.fg, Some(ColorSpec::Ansi(11)));
        assert_eq!(s.bg, Some(ColorSpec::Rgb(0x10, 0x20, 0x30)));
        assert_eq!(
            parse("208 underline").unwrap().fg,
            Some(ColorSpec::Indexed(208))
        );
        assert_eq!(parse("reverse").unwrap().fg, None);
        assert_eq!(parse("default").unwrap().fg, Some(ColorSpec::Default));
    }

    #[test]
    fn nonsense_is_named() {
        let err = parse("bold purpleish").unwrap_err();
        assert!(err.contains("\"purpleish\""), "{err}");
        assert!(parse("on").is_err());
        assert!(parse("#12345").is_err());
        let mut table = BTreeMap::new();
        table.insert("sidebar".to_owned(), "red".to_owned());
        let (role, err) = parse_all(&table).unwrap_err();
        assert_eq!(role, "sidebar");
        assert!(err.contains("one of: bar"), "{err}");
    }
}
