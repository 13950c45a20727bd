//! Judges what `scan` found against `rules`: a path into another module is followed through
//! `pub use` re-exports to where it really leads before the layer table is asked.

use crate::rules;
use crate::scan::{self, Named, Reexport, Target};
use std::collections::HashSet;

/// Checks every `(shown name, module path, source)`; returns the violations, one line each.
pub fn check(
    sources: &[(String, Vec<String>, String)],
    externs: &HashSet<String>,
) -> Result<Vec<String>, String> {
    let mut scanned = Vec::new();
    let mut reexports = Vec::new();
    for (shown, module, text) in sources {
        let found = scan::scan(text, module, externs).map_err(|e| {
            let line = e.span().start().line;
            format!("{shown}:{line}: cannot parse: {e}")
        })?;
        reexports.extend(found.reexports);
        scanned.push((shown, module, found.named));
    }
    let mut violations = Vec::new();
    for (shown, module, named) in scanned {
        let Some(me) = module.first() else { continue };
        let mut seen = HashSet::new();
        for n in named {
            if let Some(why) = judge(me, &n, &reexports)
                && seen.insert((n.line, why.clone()))
            {
                violations.push(format!("{shown}:{}: {why} (`{}`)", n.line, n.written));
            }
        }
    }
    Ok(violations)
}

/// Why naming `n` from module `me` breaks the table, if it does.
fn judge(me: &str, n: &Named, reexports: &[Reexport]) -> Option<String> {
    let allowed = rules::allowed(me)?;
    if rules::is_pure(me)
        && let [.., ty, call] = n.segments.as_slice()
        && rules::CLOCKS.contains(&ty.as_str())
        && call.starts_with("now")
    {
        return Some(format!("{me} must not read a clock"));
    }
    match follow(&n.target, reexports) {
        Target::Crate(path) => {
            let top = path.first()?;
            if top != me
                && rules::MODULES.contains(&top.as_str())
                && !allowed.contains(&top.as_str())
            {
                return Some(format!("{me} must not use {top}"));
            }
        }
        Target::Extern(path) => {
            let krate = path.first()?;
            if rules::forbidden_crates(me).contains(&krate.as_str()) {
                return Some(format!("{me} must not use the {krate} crate"));
            }
            if rules::is_pure(me) {
                for (prefix, what) in rules::IMPURE_STD {
                    if path.len() >= prefix.len()
                        && path.iter().zip(prefix.iter()).all(|(a, b)| a == b)
                    {
                        return Some(format!("{me} must not touch {what}"));
                    }
                }
            }
        }
    }
    None
}

/// Where a path really leads, through `pub use` re-exports (the longest alias that prefixes it
/// first; a few steps at most, so a cycle cannot hang the check).
fn follow(target: &Target, reexports: &[Reexport]) -> Target {
    let mut current = target.clone();
    for _ in 0..8 {
        let Target::Crate(path) = &current else { break };
        let best = reexports
            .iter()
            .filter(|r| r.alias.len() <= path.len() && path[..r.alias.len()] == r.alias[..])
            .max_by_key(|r| r.alias.len());
        let Some(r) = best else { break };
        let rest = &path[r.alias.len()..];
        let next = match &r.target {
            Target::Crate(t) => Target::Crate(t.iter().chain(rest).cloned().collect()),
            Target::Extern(t) => Target::Extern(t.iter().chain(rest).cloned().collect()),
        };
        if next == current {
            break;
        }
        current = next;
    }
    current
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(files: &[(&str, &str)]) -> Vec<String> {
        let externs: HashSet<String> = ["std", "core", "chrono", "tokio", "rusqlite"]
            .map(String::from)
            .into();
        let sources: Vec<(String, Vec<String>, String)> = files
            .iter()
            .map(|(path, text)| {
                let module = path
                    .trim_end_matches(".rs")
                    .split('/')
                    .filter(|p| *p != "mod")
                    .map(String::from)
                    .collect();
                ((*path).to_owned(), module, (*text).to_owned())
            })
            .collect();
        check(&sources, &externs).unwrap()
    }

    #[test]
    fn a_grouped_use_of_the_store_in_app_fails() {
        let v = run(&[("app/x.rs", "use crate::{model::Entry, store::Store};\n")]);
        assert_eq!(
            v,
            ["app/x.rs:1: app must not use store (`crate::store::Store`)"]
        );
    }

    #[test]
    fn super_super_into_the_store_fails() {
        // From app::x, `super` is app and `super::super` the crate root.
        let v = run(&[("app/x.rs", "use super::super::store;\n")]);
        assert_eq!(
            v,
            ["app/x.rs:1: app must not use store (`super::super::store`)"]
        );
        let v = run(&[(
            "app/deep/x.rs",
            "fn f() { let _ = super::super::super::store::open(); }\n",
        )]);
        assert_eq!(
            v,
            ["app/deep/x.rs:1: app must not use store (`super::super::super::store::open`)"]
        );
        // …and `super::super::store` from there is app's own.
        assert!(run(&[("app/deep/x.rs", "use super::super::store;\n")]).is_empty());
    }

    #[test]
    fn reading_a_file_in_app_fails() {
        let v = run(&[("app/x.rs", "fn f() { let _ = std::fs::read(\"p\"); }\n")]);
        assert_eq!(
            v,
            ["app/x.rs:1: app must not touch the filesystem (`std::fs::read`)"]
        );
        let v = run(&[("ui/x.rs", "use std::{fs, io::Write};\n")]);
        assert_eq!(
            v,
            ["ui/x.rs:1: ui must not touch the filesystem (`std::fs`)"]
        );
    }

    #[test]
    fn reading_the_clock_in_app_fails_however_it_is_named() {
        let v = run(&[("app/x.rs", "fn f() { let _ = chrono::Utc::now(); }\n")]);
        assert_eq!(
            v,
            ["app/x.rs:1: app must not read a clock (`chrono::Utc::now`)"]
        );
        let v = run(&[(
            "app/x.rs",
            "use chrono::Utc;\nfn f() { let _ = Utc::now(); }\n",
        )]);
        assert_eq!(v, ["app/x.rs:2: app must not read a clock (`Utc::now`)"]);
        let v = run(&[("ui/x.rs", "fn f() { g(std::time::Instant::now()); }\n")]);
        assert_eq!(
            v,
            ["ui/x.rs:1: ui must not read a clock (`std::time::Instant::now`)"]
        );
    }

    #[test]
    fn a_reexport_does_not_launder_a_forbidden_use() {
        let v = run(&[
            ("app/mod.rs", "pub struct SavedView;\n"),
            ("tui/mod.rs", "pub use crate::app::SavedView;\n"),
            ("cli/mod.rs", "fn f() { let _ = crate::tui::SavedView; }\n"),
        ]);
        assert_eq!(
            v,
            ["cli/mod.rs:1: cli must not use app (`crate::tui::SavedView`)"]
        );
    }

    #[test]
    fn paths_inside_macros_are_checked() {
        let v = run(&[(
            "app/x.rs",
            "fn f() { println!(\"{:?}\", crate::store::X); }\n",
        )]);
        assert_eq!(
            v,
            ["app/x.rs:1: app must not use store (`crate::store::X`)"]
        );
    }

    #[test]
    fn forbidden_crates_are_refused_in_inline_modules_too() {
        let v = run(&[("app/x.rs", "mod inner { use tokio::spawn; }\n")]);
        assert_eq!(
            v,
            ["app/x.rs:1: app must not use the tokio crate (`tokio::spawn`)"]
        );
    }

    #[test]
    fn allowed_arrows_pass() {
        let v = run(&[
            (
                "ui/x.rs",
                "use crate::{app::AppState, config::Theme, model::Entry};\n",
            ),
            (
                "app/x.rs",
                "use super::y::Z;\nuse crate::render::Lines;\nfn f() { let _ = chrono::Utc.timestamp(0); }\n",
            ),
            (
                "cli/x.rs",
                "use crate::store::Store;\nfn f() { std::fs::read(\"x\"); }\n",
            ),
        ]);
        assert_eq!(v, Vec::<String>::new());
    }
}
