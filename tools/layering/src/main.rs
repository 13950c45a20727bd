//! `layering [REPO]`: checks that every file under `REPO/src` keeps the layer table of
//! docs/DESIGN.md §2 (see `rules`). Prints each violation as `file:line: …` and exits 1 if
//! there is any; exits 2 if a file cannot be read or parsed.

mod check;
mod rules;
mod scan;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn main() -> ExitCode {
    let repo = std::env::args_os()
        .nth(1)
        .map_or_else(|| PathBuf::from("."), PathBuf::from);
    match run(&repo) {
        Ok(violations) if violations.is_empty() => {
            println!("layering: ok");
            ExitCode::SUCCESS
        }
        Ok(violations) => {
            for v in &violations {
                println!("{v}");
            }
            println!(
                "layering: {} violation(s) of docs/DESIGN.md §2",
                violations.len()
            );
            ExitCode::from(1)
        }
        Err(e) => {
            eprintln!("layering: {e}");
            ExitCode::from(2)
        }
    }
}

fn run(repo: &Path) -> Result<Vec<String>, String> {
    let externs = externs(&repo.join("Cargo.toml"))?;
    let src = repo.join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files).map_err(|e| format!("{}: {e}", src.display()))?;
    files.sort();
    let mut sources = Vec::new();
    for file in files {
        let text =
            std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
        let shown = file
            .strip_prefix(repo)
            .unwrap_or(&file)
            .display()
            .to_string();
        sources.push((shown, module_of(&src, &file), text));
    }
    check::check(&sources, &externs)
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            rust_files(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    Ok(())
}

/// `src/app/feeds.rs` → `["app", "feeds"]`; `src/app/mod.rs` → `["app"]`; `src/lib.rs` → `[]`.
fn module_of(src: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src).unwrap_or(file).with_extension("");
    let mut parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        parts.pop();
    }
    parts
}

/// `std`, `core`, `alloc` and every dependency named in Cargo.toml (`-` read as `_`).
fn externs(manifest: &Path) -> Result<HashSet<String>, String> {
    let text =
        std::fs::read_to_string(manifest).map_err(|e| format!("{}: {e}", manifest.display()))?;
    let mut names: HashSet<String> = ["std", "core", "alloc"].map(String::from).into();
    let mut in_deps = false;
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_deps = line.ends_with("dependencies]");
        } else if in_deps && let Some((name, _)) = line.split_once('=') {
            let name = name.trim();
            if !name.is_empty() && !name.starts_with('#') {
                names.insert(name.replace('-', "_"));
            }
        }
    }
    Ok(names)
}
