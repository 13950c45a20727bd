//! `[[rules]]` (issue #20): each an optional `name`, a `filter` in the filter language and
//! `actions` (`hide`, `skip`, `read`, `star`, `label NAME`, `highlight STYLE`, `notify`); and
//! `[notify] command`, run with what notify rules matched as JSON on its standard input.

use std::sync::Arc;

use serde::Deserialize;

use super::style;
use crate::model::rules::{Rule, RuleAction};

/// One `[[rules]]` table as written.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleConfig {
    pub name: Option<String>,
    pub filter: String,
    pub actions: Vec<String>,
}

/// `[notify]`: how new entries a notify rule matched are told.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct NotifyConfig {
    /// A program and its arguments (never a shell), given the entries as JSON on stdin, once
    /// per refresh that found some. Empty: none.
    pub command: Vec<String>,
    /// The terminal notification the reader sends (through tmux and screen, over SSH).
    pub terminal: TerminalNotification,
}

/// Which escape sequence asks the terminal for a desktop notification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum TerminalNotification {
    /// `OSC 9`: iTerm2, kitty, `WezTerm`, Windows Terminal, foot, Ghostty.
    #[default]
    Osc9,
    /// `OSC 777;notify`: urxvt, foot, `WezTerm`, Ghostty, Konsole.
    Osc777,
    /// None: only the status line (and the command, if set).
    None,
}

/// The line of the `n`-th (from 0) `[[rules]]` header in `text`, if it can be found.
fn header_line(text: &str, n: usize) -> Option<usize> {
    let mut seen = 0;
    for (i, line) in text.lines().enumerate() {
        let bare: String = line.chars().filter(|c| !c.is_whitespace()).collect();
        if bare.starts_with("[[rules]]") {
            if seen == n {
                return Some(i + 1);
            }
            seen += 1;
        }
    }
    None
}

/// Reads every rule, in order; an error names the rule (and its line where it can).
pub fn parse_all(raw: &[RuleConfig], text: &str) -> Result<Arc<[Rule]>, String> {
    let mut rules: Vec<Rule> = Vec::with_capacity(raw.len());
    for (i, r) in raw.iter().enumerate() {
        let name = r
            .name
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map_or_else(|| format!("rule {}", i + 1), str::to_owned);
        let at = header_line(text, i).map_or(String::new(), |l| format!("line {l}: "));
        let bad = |why: String| format!("{at}rules \"{name}\": {why}");
        if rules.iter().any(|other| other.name == name) {
            return Err(bad("another rule has this name; give each its own".into()));
        }
        let query = crate::model::query::parse(&r.filter)
            .map_err(|e| bad(format!("filter \"{}\": {e}", r.filter)))?;
        if r.actions.is_empty() {
            return Err(bad(
                "no actions (give some, as in actions = [\"hide\"] or [\"label later\", \"notify\"])"
                    .into(),
            ));
        }
        let mut actions = Vec::with_capacity(r.actions.len());
        for text in &r.actions {
            let action = RuleAction::parse(text).map_err(|e| bad(format!("actions: {e}")))?;
            if let RuleAction::Highlight(spec) = &action
                && style::Role::from_name(spec).is_none()
            {
                style::parse(spec).map_err(|e| {
                    bad(format!(
                        "actions: \"{text}\": {e}; or name a colour role ({})",
                        style::Role::settable()
                            .iter()
                            .map(|r| r.name())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ))
                })?;
            }
            actions.push(action);
        }
        rules.push(Rule {
            name,
            query,
            actions,
        });
    }
    Ok(rules.into())
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::super::Config;

    fn parse(text: &str) -> Result<Config, String> {
        Config::parse(text, Path::new("/home/u/.config/tidings/config.toml"))
            .map_err(|e| e.to_string())
    }

    #[test]
    fn rules_read_in_order_with_their_names() {
        let c = parse(
            "[[rules]]\nname = \"ads\"\nfilter = 'title:/^\\[ad\\]/'\nactions = [\"hide\", \"read\"]\n\n\
             [[rules]]\nfilter = \"tag:rust\"\nactions = [\"label rust\", \"highlight bold yellow\", \"notify\"]\n\n\
             [notify]\ncommand = [\"notify-send\", \"tidings\"]\n",
        )
        .unwrap();
        let names: Vec<&str> = c.rules.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["ads", "rule 2"]);
        assert_eq!(c.rules[1].actions.len(), 3);
        assert_eq!(c.notify.command, ["notify-send", "tidings"]);
        assert!(parse("").unwrap().rules.is_empty());
    }

    #[test]
    fn a_bad_rule_names_the_file_the_rule_and_the_problem() {
        let cases = [
            (
                "[[rules]]\nname = \"x\"\nfilter = \"colour:red\"\nactions = [\"hide\"]\n",
                "line 1: rules \"x\": filter \"colour:red\": unknown field 'colour:'",
            ),
            (
                "[ui]\n\n[[rules]]\nfilter = \"a\"\nactions = [\"delete\"]\n",
                "line 3: rules \"rule 1\": actions: unknown action \"delete\"",
            ),
            (
                "[[rules]]\nfilter = \"a\"\nactions = [\"highlight sparkly\"]\n",
                "rules \"rule 1\": actions: \"highlight sparkly\": \"sparkly\" is not a colour",
            ),
            (
                "[[rules]]\nfilter = \"a\"\nactions = []\n",
                "rules \"rule 1\": no actions",
            ),
            (
                "[[rules]]\nname = \"a\"\nfilter = \"a\"\nactions = [\"read\"]\n[[rules]]\nname = \"a\"\nfilter = \"b\"\nactions = [\"read\"]\n",
                "line 5: rules \"a\": another rule has this name",
            ),
            (
                "[[rules]]\nfilter = \"a\"\nactions = [\"read\"]\nwhen = \"now\"\n",
                "unknown field `when`",
            ),
        ];
        for (text, want) in cases {
            let err = parse(text).unwrap_err();
            assert!(
                err.starts_with("config /home/u/.config/tidings/config.toml: "),
                "{err}"
            );
            assert!(err.contains(want), "{text}\n{err}");
        }
        // A role's name is a style too.
        assert!(parse("[[rules]]\nfilter = \"a\"\nactions = [\"highlight error\"]\n").is_ok());
    }
}
