//! Rules from newsboat's config: its `ignore-article` and `highlight-article` lines, converted.
//!
//! newsboat's config is read as newsboat reads it (a `#` outside quotes starts a comment;
//! "quoted words" with `\"` escapes), never run: a line with a `command` in backticks is
//! reported. Each line that does not convert is reported, never guessed.
//! - `ignore-article FEED FILTER` is a rule "newsboat ignore N" that skips: newsboat's default
//!   `ignore-mode "download"` never stores what it ignores, and neither does skip (hide would
//!   keep it, out of sight). With `ignore-mode "display"` newsboat keeps them, and so does the
//!   rule: it hides. A FEED that is not `*` adds `feed:"URL"`, which finds the URL anywhere in
//!   a feed's URL (or title), where newsboat wants the whole URL. The filter converts as a query
//!   feed's does (`export::newsboat_query`), so `title =~ "x"` is `title:x`, the word x in
//!   the title alone; the import lists every rule it adds, to be read before a refresh skips
//!   by it.
//! - `highlight-article FILTER FG BG [ATTR...]` is a rule "newsboat highlight N" with the style
//!   `bold yellow on blue`: `colorN` is `N`, `default` no colour; `standout` is `reverse`;
//!   `blink`, `protect` and `invis` have no equivalent and are dropped.

use std::io::Write;
use std::path::Path;

use super::append::{self, Table, toml_string};
use crate::cli::Env;
use crate::cli::output::Out;
use crate::config::Config;
use crate::model::query::{self, Term, TermKind};

/// Appends the rules newsboat's config at `path` converts to, and says which lines did not
/// convert. A config that cannot be read is said and passed over: the rest of the import
/// stands without it.
pub(super) fn add_newsboat_rules(env: &Env, path: &Path, out: &mut Out) -> anyhow::Result<()> {
    let shown = path.display();
    let text = match std::fs::read(path) {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(e) => {
            eprintln!("newsboat's config {shown} could not be read ({e}): no rules from it");
            return Ok(());
        }
    };
    let (rules, refused) = config_rules(&text);
    for r in &refused {
        eprintln!(
            "not converted: {shown} line {}: {}: {}",
            r.line, r.text, r.why
        );
    }
    if rules.is_empty() {
        return Ok(());
    }
    writeln!(
        out,
        "From {shown}: {} (they judge entries as they arrive; `tidings rules apply` applies \
         them to what is stored, where a skip rule hides)",
        crate::model::count_of(rules.len(), "rule", "rules"),
    )?;
    append::add_to_config(env, &rules, out)
}

/// A rule made from a line of newsboat's config.
#[derive(Debug, Clone, PartialEq, Eq)]
struct NewRule {
    name: String,
    /// Canonical filter text.
    filter: String,
    action: String,
}

impl Table for NewRule {
    const KIND: &'static str = "rule";
    const PLURAL: &'static str = "Rules";
    const ORIGIN: &'static str = "Rules from newsboat's ignore-article and highlight-article lines";
    fn name(&self) -> &str {
        &self.name
    }
    fn table(&self, newline: &str) -> anyhow::Result<String> {
        let (name, filter) = (toml_string(&self.name)?, toml_string(&self.filter)?);
        let action = toml_string(&self.action)?;
        Ok(format!(
            "[[rules]]{newline}name = {name}{newline}filter = {filter}{newline}\
             actions = [{action}]{newline}"
        ))
    }
    fn shown(&self) -> String {
        let filter = crate::model::sanitize::line(&self.filter);
        format!("{filter}  →  {}", self.action)
    }
    fn names(config: &Config) -> Vec<String> {
        config.rules.iter().map(|r| r.name.clone()).collect()
    }
    fn reads_as(&self, config: &Config, index: usize) -> bool {
        config.rules.get(index).is_some_and(|r| {
            r.name == self.name
                && r.query.to_string() == self.filter
                && matches!(r.actions.as_slice(), [a] if a.to_string() == self.action)
        })
    }
}

/// A line of newsboat's config that did not convert.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Refused {
    line: usize,
    /// The line, cleaned for the terminal.
    text: String,
    why: String,
}

/// The rules newsboat's config `text` converts to (the ignores, then the highlights, each in
/// the file's order), and the lines that do not convert.
fn config_rules(text: &str) -> (Vec<NewRule>, Vec<Refused>) {
    let (mut ignores, mut highlights, mut refused) = (Vec::new(), Vec::new(), Vec::new());
    // newsboat reads the whole file before it ignores anything: the last `ignore-mode` holds.
    let mut hide = false;
    for (n, line) in text.lines().enumerate() {
        let (words, runs) = words(line);
        let Some((command, args)) = words.split_first() else {
            continue;
        };
        let done = match command.as_str() {
            "ignore-article" | "highlight-article" | "ignore-mode" if runs => {
                Err("a `command` in backticks: tidings never runs commands from a config".into())
            }
            "ignore-article" => ignore_filter(args).map(|f| ignores.push(f)),
            "highlight-article" => highlight(args).map(|h| highlights.push(h)),
            "ignore-mode" => {
                hide = args.first().is_some_and(|m| m == "display");
                Ok(())
            }
            "include" => Err("included files are not read: put their ignore-article and \
                              highlight-article lines here to import them"
                .into()),
            _ => Ok(()),
        };
        if let Err(why) = done {
            refused.push(Refused {
                line: n + 1,
                text: crate::model::sanitize::line(line.trim()),
                why,
            });
        }
    }
    let action = if hide { "hide" } else { "skip" };
    let ignores = ignores.into_iter().enumerate().map(|(i, filter)| NewRule {
        name: format!("newsboat ignore {}", i + 1),
        filter,
        action: action.to_owned(),
    });
    let highlights = highlights
        .into_iter()
        .enumerate()
        .map(|(i, (filter, style))| NewRule {
            name: format!("newsboat highlight {}", i + 1),
            filter,
            action: format!("highlight {style}"),
        });
    (ignores.chain(highlights).collect(), refused)
}

/// A line of newsboat's config in words, as newsboat reads it: up to a `#` outside quotes and
/// backticks, split at spaces and tabs, a "quoted word" unescaped (`\"`, `\\`, `\n`, `\t`,
/// `\r`, `` \` ``); and whether it holds a `command` in backticks (newsboat runs it).
fn words(line: &str) -> (Vec<String>, bool) {
    let (mut quoted, mut ticked, mut escaped, mut runs) = (false, false, false, false);
    let mut end = line.len();
    for (i, c) in line.char_indices() {
        match c {
            '\\' => {
                escaped = true;
                continue;
            }
            '"' if !escaped && !ticked => quoted = !quoted,
            '`' if !escaped => {
                ticked = !ticked;
                runs = true;
            }
            '#' if !escaped && !quoted && !ticked => {
                end = i;
                break;
            }
            _ => {}
        }
        escaped = false;
    }
    let mut words = Vec::new();
    let mut rest = line[..end].trim_start_matches([' ', '\t', '\r', '\n']);
    while !rest.is_empty() {
        let Some(inner) = rest.strip_prefix('"') else {
            let at = rest.find([' ', '\t', '\r', '\n']).unwrap_or(rest.len());
            words.push(rest[..at].to_owned());
            rest = rest[at..].trim_start_matches([' ', '\t', '\r', '\n']);
            continue;
        };
        let mut word = String::new();
        let mut chars = inner.char_indices();
        let mut after = inner.len();
        while let Some((i, c)) = chars.next() {
            match c {
                '"' => {
                    after = i + 1;
                    break;
                }
                '\\' => match chars.next().map(|(_, e)| e) {
                    Some('n') => word.push('\n'),
                    Some('t') => word.push('\t'),
                    Some('r') => word.push('\r'),
                    Some(other) => word.push(other),
                    None => {}
                },
                c => word.push(c),
            }
        }
        words.push(word);
        rest = inner[after..].trim_start_matches([' ', '\t', '\r', '\n']);
    }
    (words, runs)
}

/// `ignore-article FEED FILTER`'s arguments as a filter: FEED `*` any feed, else the feed of
/// that URL.
fn ignore_filter(args: &[String]) -> Result<String, String> {
    let [feed, expr] = args else {
        return Err("ignore-article takes a feed's URL (or *) and a filter, each quoted".into());
    };
    let filter = crate::export::convert_newsboat_filter(expr).map_err(|e| e.to_string())?;
    if feed == "*" {
        if filter.is_empty() {
            return Err("it matches every entry: no entry would ever be stored".into());
        }
        return Ok(filter);
    }
    if feed.is_empty() || !crate::model::sanitize::is_clean_line(feed) {
        return Err("the feed is neither * nor a URL".into());
    }
    let mut query = query::parse(&filter).map_err(|e| e.message)?;
    query.terms.insert(
        0,
        Term {
            negated: false,
            kind: TermKind::Feed(feed.clone()),
        },
    );
    let text = query.to_string();
    if query::parse(&text).as_ref() != Ok(&query) {
        return Err("the feed's URL cannot be written in tidings' filter language".into());
    }
    Ok(text)
}

/// `highlight-article FILTER FG BG [ATTR...]`'s arguments as a filter and a style.
fn highlight(args: &[String]) -> Result<(String, String), String> {
    let [expr, fg, bg, attrs @ ..] = args else {
        return Err("highlight-article takes a filter, two colours and attributes".into());
    };
    let filter = crate::export::convert_newsboat_filter(expr).map_err(|e| e.to_string())?;
    let mut style: Vec<String> = Vec::new();
    for attr in attrs {
        let word = match attr.as_str() {
            a @ ("bold" | "underline" | "dim" | "reverse") => a,
            "standout" => "reverse",
            "blink" | "protect" | "invis" => continue,
            other => {
                let other = crate::model::sanitize::line(other);
                return Err(format!("'{other}' is not a newsboat attribute"));
            }
        };
        if !style.iter().any(|w| w == word) {
            style.push(word.to_owned());
        }
    }
    style.extend(colour_of(fg)?);
    style.extend(colour_of(bg)?.map(|c| format!("on {c}")));
    if style.is_empty() {
        return Err("default colours and no attribute tidings shows: nothing to highlight".into());
    }
    let style = style.join(" ");
    Ok((filter, style))
}

/// A newsboat colour as a tidings one; `None` for `default`.
fn colour_of(name: &str) -> Result<Option<String>, String> {
    const NAMES: [&str; 8] = [
        "black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
    ];
    if name == "default" {
        return Ok(None);
    }
    if NAMES.contains(&name) {
        return Ok(Some(name.to_owned()));
    }
    match name.strip_prefix("color").map(str::parse::<u8>) {
        Some(Ok(n)) => Ok(Some(n.to_string())),
        _ => Err(format!(
            "'{}' is not a newsboat colour",
            crate::model::sanitize::line(name)
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(name: &str, filter: &str, action: &str) -> NewRule {
        NewRule {
            name: name.into(),
            filter: filter.into(),
            action: action.into(),
        }
    }

    #[test]
    fn config_lines_read_as_newsboat_reads_them() {
        let (w, runs) = words(r#"  ignore-article "*" "title =~ \"a # b\"" # a comment"#);
        assert_eq!(w, ["ignore-article", "*", r#"title =~ "a # b""#]);
        assert!(!runs);
        let (w, _) = words("highlight-article \"x\"\tred default bold#wink");
        assert_eq!(w, ["highlight-article", "x", "red", "default", "bold"]);
        let (w, runs) = words(r#"a "b\\c\`d\n" "open"#);
        assert_eq!(w, ["a", "b\\c`d\n", "open"]);
        assert!(!runs, "an escaped backtick runs nothing");
        assert!(words("a \"`id`\"").1);
        assert!(words("# all comment").0.is_empty());
    }

    /// tests/fixtures/newsboat/config: every kind of line the conversion meets.
    #[test]
    fn ignores_and_highlights_become_rules_or_say_why_not() {
        let text = include_str!("../../../tests/fixtures/newsboat/config");
        let (rules, refused) = config_rules(text);
        assert_eq!(
            rules,
            [
                rule("newsboat ignore 1", "title:Sponsored", "skip"),
                rule(
                    "newsboat ignore 2",
                    "feed:http://127.0.0.1:18777/two.xml (author:Bot or title:Epsilon)",
                    "skip"
                ),
                rule("newsboat ignore 3", "author:\"#1 fan\"", "skip"),
                rule(
                    "newsboat highlight 1",
                    "title:Gamma",
                    "highlight bold yellow on blue"
                ),
                rule(
                    "newsboat highlight 2",
                    "starred",
                    "highlight underline reverse 208"
                ),
            ]
        );
        let refused: Vec<(usize, &str)> =
            refused.iter().map(|r| (r.line, r.why.as_str())).collect();
        assert_eq!(refused.len(), 5, "{refused:?}");
        let why = |line: usize, part: &str| {
            assert!(
                refused.iter().any(|(l, w)| *l == line && w.contains(part)),
                "line {line} not refused for {part:?}: {refused:?}"
            );
        };
        why(8, "not plain text");
        why(12, "nothing to highlight");
        why(13, "'sparkly' is not a newsboat attribute");
        why(14, "never runs commands");
        why(17, "included files are not read");
    }

    #[test]
    fn the_last_ignore_mode_decides_skip_or_hide() {
        let text = "ignore-mode \"display\"\nignore-article * \"unread = \\\"no\\\"\"\n";
        let (rules, refused) = config_rules(text);
        assert!(refused.is_empty(), "{refused:?}");
        assert_eq!(rules, [rule("newsboat ignore 1", "-unread", "hide")]);
        let (rules, _) = config_rules(&format!("{text}ignore-mode download\n"));
        assert_eq!(rules[0].action, "skip");
    }

    #[test]
    fn feeds_colours_and_arguments_that_do_not_convert_are_refused() {
        let cases = [
            (r#"ignore-article "*""#, "takes a feed's URL"),
            (r#"ignore-article "*" "age >= 0""#, "matches every entry"),
            (
                r#"ignore-article "http://x/\" q" "unread = \"no\"""#,
                "cannot be written",
            ),
            (
                "ignore-article \"http://x/\u{1b}\" \"unread = \\\"no\\\"\"",
                "neither",
            ),
            (r#"highlight-article "unread = \"no\"" red"#, "two colours"),
            (
                r#"highlight-article "unread = \"no\"" purple default"#,
                "'purple' is not",
            ),
            (
                r#"highlight-article "unread = \"no\"" red color256"#,
                "'color256' is not",
            ),
        ];
        for (line, part) in cases {
            let (rules, refused) = config_rules(line);
            assert!(rules.is_empty(), "{line}: {rules:?}");
            assert!(refused[0].why.contains(part), "{line}: {refused:?}");
        }
        let (rules, _) =
            config_rules(r#"highlight-article "age < 3" default color0 dim protect invis"#);
        assert_eq!(rules[0].action, "highlight dim on 0");
        assert_eq!(rules[0].filter, "since:3d");
    }

    #[test]
    fn rules_are_appended_once_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, "[ui]\nmouse = false\n").unwrap();
        let (rules, _) = config_rules(include_str!("../../../tests/fixtures/newsboat/config"));
        let mut out = Vec::new();
        append::add_tables(&path, &rules, &mut out).unwrap();
        let out = String::from_utf8(out).unwrap();
        assert!(
            out.contains(
                "  rule 'newsboat ignore 2': feed:http://127.0.0.1:18777/two.xml \
                 (author:Bot or title:Epsilon)  →  skip\n"
            ),
            "{out}"
        );
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.starts_with("[ui]\nmouse = false\n\n# Rules from newsboat's"),
            "{text}"
        );
        let config = Config::parse(&text, &path).unwrap();
        assert_eq!(config.rules.len(), 5);
        assert_eq!(
            config.rules[3].actions[0].to_string(),
            "highlight bold yellow on blue"
        );
        let mut again = Vec::new();
        append::add_tables(&path, &rules[..1], &mut again).unwrap();
        let again = String::from_utf8(again).unwrap();
        assert!(
            again.contains("rule 'newsboat ignore 1' is already in"),
            "{again}"
        );
        assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
    }
}
