//! `tidings rules`: the config's rules and how many stored entries each matches now; `tidings
//! rules apply [NAME]`: a rule (or every rule) applied to what is already stored, after saying
//! how much it matches. The reader's `u` takes an apply back (through the undo journal).

use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;

use clap::Subcommand;
use serde::Serialize;

use super::Env;
use super::feeds::shown;
use super::output::Out;
use crate::model::count_of;
use crate::model::rules::Rule;

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// Apply a rule (or every rule, in order) to the entries already stored. Says how many
    /// entries each matches first, and asks (or takes --yes). `skip` hides what is stored
    /// (a rule never deletes); `notify` is for new entries only. The reader's undo (u) takes
    /// it back.
    Apply {
        /// The rule's name (as `tidings rules` lists it); every rule without one.
        name: Option<String>,
        /// Apply without asking (for scripts).
        #[arg(long, short = 'y')]
        yes: bool,
    },
}

#[derive(Serialize)]
struct RuleJson<'a> {
    name: &'a str,
    filter: String,
    actions: Vec<String>,
    /// Stored entries it matches now (hidden ones too).
    matches: u64,
}

/// `tidings rules [--json]`.
pub fn list(env: &Env, json: bool, out: &mut Out) -> anyhow::Result<ExitCode> {
    let store = env.open_store()?;
    let rules = &env.config.rules;
    let mut rows = Vec::with_capacity(rules.len());
    for rule in rules.iter() {
        rows.push(RuleJson {
            name: &rule.name,
            filter: rule.query.to_string(),
            actions: rule.actions.iter().map(ToString::to_string).collect(),
            matches: store.rule_matches(rule)?,
        });
    }
    if json {
        super::output::write_json(&mut *out, &rows, true)?;
        writeln!(out)?;
    } else if rows.is_empty() {
        writeln!(
            out,
            "No rules. Add [[rules]] to {} (the README's \"Rules\" section shows how).",
            env.config_shown()
        )?;
    } else {
        for r in &rows {
            writeln!(
                out,
                "{}: {}  →  {}  ({} now)",
                shown(r.name),
                if r.filter.is_empty() {
                    "(everything)"
                } else {
                    &r.filter
                },
                r.actions.join(", "),
                count_of(
                    usize::try_from(r.matches).unwrap_or(usize::MAX),
                    "stored entry matches",
                    "stored entries match"
                )
            )?;
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// `tidings rules apply [NAME] [--yes]`.
pub fn apply(env: &Env, name: Option<&str>, yes: bool, out: &mut Out) -> anyhow::Result<ExitCode> {
    let rules: Vec<&Rule> = match name {
        Some(name) => {
            let Some(rule) = env
                .config
                .rules
                .iter()
                .find(|r| r.name.eq_ignore_ascii_case(name.trim()))
            else {
                let names: Vec<&str> = env.config.rules.iter().map(|r| r.name.as_str()).collect();
                anyhow::bail!(
                    "no rule named \"{}\" in {} (the rules are: {})",
                    shown(name),
                    env.config_shown(),
                    if names.is_empty() {
                        "none".to_owned()
                    } else {
                        names.join(", ")
                    }
                );
            };
            vec![rule]
        }
        None => env.config.rules.iter().collect(),
    };
    if rules.is_empty() {
        anyhow::bail!("no rules to apply: add [[rules]] to {}", env.config_shown());
    }
    let mut store = env.open_store()?;
    for rule in &rules {
        let n = store.rule_matches(rule)?;
        writeln!(
            out,
            "Rule \"{}\" ({}) matches {} now: {}",
            shown(&rule.name),
            rule.query,
            count_of(
                usize::try_from(n).unwrap_or(usize::MAX),
                "stored entry",
                "stored entries"
            ),
            rule.actions
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        )?;
    }
    out.flush()?;
    if !yes && !confirmed()? {
        writeln!(out, "Nothing applied.")?;
        return Ok(ExitCode::from(1));
    }
    let now = chrono::Utc::now().timestamp();
    for rule in &rules {
        let done = store.apply_rule(rule, now)?;
        let parts: Vec<String> = done
            .iter()
            .map(|(action, n)| format!("{action}: {n}"))
            .collect();
        writeln!(
            out,
            "Applied \"{}\": {}",
            shown(&rule.name),
            if parts.is_empty() {
                "nothing to do to stored entries".to_owned()
            } else {
                parts.join(", ")
            }
        )?;
    }
    writeln!(out, "The reader's undo (u) takes this back.")?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// Asks on the terminal; without one, refuses (scripts say --yes).
fn confirmed() -> anyhow::Result<bool> {
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        anyhow::bail!("not applied: add --yes to apply without being asked");
    }
    eprint!("Apply? [y/N] ");
    let mut answer = String::new();
    stdin.lock().read_line(&mut answer)?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes" | "Yes"))
}
