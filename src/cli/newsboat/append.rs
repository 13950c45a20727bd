//! Appending what the import brings to tidings' config: saved views and rules, each a TOML
//! table.
//!
//! The config is only ever appended to, never rewritten: the new text must parse, with the
//! views or rules read back as meant, before it replaces the file (through a temporary file
//! and a rename). A config that does not parse is left alone and the tables are printed to
//! paste.

use std::collections::HashSet;
use std::io::Write;
use std::path::Path;

use anyhow::Context;

use crate::cli::Env;
use crate::cli::output::Out;
use crate::config::Config;
use crate::export::SavedView;

/// What the import appends to the config: saved views and rules, each a TOML table.
pub(super) trait Table {
    /// One of them, to the user: "view".
    const KIND: &'static str;
    /// Them all, to the user: "Saved views".
    const PLURAL: &'static str;
    /// Where they came from, for the comment above them.
    const ORIGIN: &'static str;
    fn name(&self) -> &str;
    /// Its table, each line ended by `newline`.
    fn table(&self, newline: &str) -> anyhow::Result<String>;
    /// What it does, for the terminal.
    fn shown(&self) -> String;
    /// The names of the config's tables of this kind, in order.
    fn names(config: &Config) -> Vec<String>;
    /// Whether the config's table of this kind at `index` reads as this one.
    fn reads_as(&self, config: &Config, index: usize) -> bool;
}

impl Table for SavedView {
    const KIND: &'static str = "view";
    const PLURAL: &'static str = "Saved views";
    const ORIGIN: &'static str = "Saved views from newsboat's query feeds";
    fn name(&self) -> &str {
        &self.name
    }
    fn table(&self, newline: &str) -> anyhow::Result<String> {
        let (name, filter) = (toml_string(&self.name)?, toml_string(&self.filter)?);
        Ok(format!(
            "[[views]]{newline}name = {name}{newline}filter = {filter}{newline}"
        ))
    }
    fn shown(&self) -> String {
        crate::model::sanitize::line(&self.filter)
    }
    fn names(config: &Config) -> Vec<String> {
        config.views.iter().map(|v| v.name.clone()).collect()
    }
    fn reads_as(&self, config: &Config, index: usize) -> bool {
        config
            .views
            .get(index)
            .is_some_and(|v| v.name == self.name && v.filter == self.filter)
    }
}

/// Adds a urls file's query feeds that convert to the config, as saved views.
pub fn add_saved_views(env: &Env, views: &[SavedView], out: &mut Out) -> anyhow::Result<()> {
    add_to_config(env, views, out)
}

/// Adds `tables` to the config, or prints them to paste if there is no config file.
pub(super) fn add_to_config<T: Table>(
    env: &Env,
    tables: &[T],
    out: &mut Out,
) -> anyhow::Result<()> {
    match env.config_path.clone() {
        Some(path) => add_tables(&path, tables, out),
        None => paste(
            &tables.iter().collect::<Vec<_>>(),
            "there is no config file to add them to",
            out,
        ),
    }
}

/// Appends `tables` to the config at `path` (created, with its directory, if missing), except
/// those whose name it already has, and says what it did.
pub(super) fn add_tables<T: Table>(
    path: &Path,
    tables: &[T],
    out: &mut impl Write,
) -> anyhow::Result<()> {
    // Through a symbolic link to the file it names: a config kept with dotfiles stays there.
    let path = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_owned());
    let shown = path.display();
    let all: Vec<&T> = tables.iter().collect();
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return paste(&all, &format!("{shown} could not be read ({e})"), out),
    };
    let before = match Config::parse(&text, &path) {
        Ok(config) => T::names(&config),
        Err(e) => return paste(&all, &format!("{e}; it was left as it is"), out),
    };
    let mut names: HashSet<&str> = before.iter().map(String::as_str).collect();
    let (new, old): (Vec<&T>, Vec<&T>) = tables.iter().partition(|t| names.insert(t.name()));
    for t in &old {
        let (kind, name) = (T::KIND, t.name());
        writeln!(out, "{kind} '{name}' is already in {shown}: left as it is")?;
    }
    if new.is_empty() {
        return Ok(());
    }
    let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let mut updated = text.clone();
    if !updated.is_empty() {
        if !updated.ends_with('\n') {
            updated.push_str(newline);
        }
        updated.push_str(newline);
    }
    updated.push_str(&tables_text(&new, newline)?);
    let meant = |c: &Config| {
        T::names(c).len() == before.len() + new.len()
            && new
                .iter()
                .enumerate()
                .all(|(i, t)| t.reads_as(c, before.len() + i))
    };
    match Config::parse(&updated, &path) {
        Ok(config) if meant(&config) => {}
        Ok(_) => return paste(&new, "they did not read back as written", out),
        Err(e) => return paste(&new, &format!("with them, {e}"), out),
    }
    replace(&path, &updated)?;
    writeln!(out, "{} added to {shown}:", T::PLURAL)?;
    for t in &new {
        let name = crate::model::sanitize::line(t.name());
        writeln!(out, "  {} '{name}': {}", T::KIND, t.shown())?;
    }
    Ok(())
}

/// The tables, under a comment saying where they came from.
fn tables_text<T: Table>(tables: &[&T], newline: &str) -> anyhow::Result<String> {
    let mut out = format!("# {} (tidings import newsboat){newline}", T::ORIGIN);
    for (i, t) in tables.iter().enumerate() {
        if i > 0 {
            out.push_str(newline);
        }
        out.push_str(&t.table(newline)?);
    }
    Ok(out)
}

/// `s` as a TOML basic string. A JSON string is one, for text without DEL (which sanitised
/// text never has), and the toml crate is built here without its writer; what it writes is
/// read back by the toml parser before it is kept.
pub(super) fn toml_string(s: &str) -> anyhow::Result<String> {
    Ok(serde_json::to_string(s)?)
}

/// Prints `tables` for the user to paste into the config, with why they were not added.
fn paste<T: Table>(tables: &[&T], why: &str, out: &mut impl Write) -> anyhow::Result<()> {
    writeln!(
        out,
        "{} not added to the config: {why}. To keep them, paste these into it:\n",
        T::PLURAL
    )?;
    write!(out, "{}", tables_text(tables, "\n")?)?;
    Ok(())
}

/// Replaces the file at `path` with `text` through a temporary file beside it, keeping the
/// file's permissions; creates its directory if missing.
fn replace(path: &Path, text: &str) -> anyhow::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)
        .with_context(|| format!("creating the config directory {}", dir.display()))?;
    let writing = || format!("writing {}", path.display());
    let mut tmp = tempfile::Builder::new()
        .prefix(".tidings-config")
        .tempfile_in(dir)
        .with_context(writing)?;
    tmp.write_all(text.as_bytes()).with_context(writing)?;
    if let Ok(meta) = std::fs::metadata(path) {
        tmp.as_file()
            .set_permissions(meta.permissions())
            .with_context(writing)?;
    }
    tmp.as_file().sync_all().with_context(writing)?;
    tmp.persist(path)
        .map_err(|e| e.error)
        .with_context(writing)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(line: usize, name: &str, filter: &str) -> SavedView {
        SavedView {
            line,
            name: name.into(),
            filter: filter.into(),
        }
    }

    fn add(path: &Path, views: &[SavedView]) -> String {
        let mut out = Vec::new();
        add_tables(path, views, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn a_missing_config_is_created_with_its_directory() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tidings/config.toml");
        let out = add(&path, &[view(3, "Unread tech", "unread tag:tech")]);
        assert!(
            out.ends_with("  view 'Unread tech': unread tag:tech\n"),
            "{out}"
        );
        let config = Config::load(&path, true).unwrap();
        assert_eq!(config.views[0].name, "Unread tech");
        assert_eq!(config.views[0].query.to_string(), "unread tag:tech");
    }

    #[test]
    fn the_user_text_stays_and_known_names_are_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        let mine = "# mine\r\n[reader]\r\nmax_width = 80 # wide\r\n\r\n[[views]]\r\nname = \"Old\"\r\nfilter = \"starred\"";
        std::fs::write(&path, mine).unwrap();
        let out = add(
            &path,
            &[
                view(1, "Old", "unread"),
                view(2, "Say \"hi\" \\ there", "\"a b\" feed:x"),
                view(3, "Say \"hi\" \\ there", "unread"),
            ],
        );
        assert!(out.contains("view 'Old' is already in"), "{out}");
        assert!(
            out.contains("view 'Say \"hi\" \\ there' is already in"),
            "{out}"
        );
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.starts_with(&format!("{mine}\r\n\r\n# Saved views")),
            "{text:?}"
        );
        let config = Config::parse(&text, &path).unwrap();
        let views: Vec<(&str, &str)> = config
            .views
            .iter()
            .map(|v| (v.name.as_str(), v.filter.as_str()))
            .collect();
        assert_eq!(
            views,
            [
                ("Old", "starred"),
                ("Say \"hi\" \\ there", "\"a b\" feed:x")
            ]
        );
        // Again: nothing new.
        let out = add(&path, &[view(2, "Say \"hi\" \\ there", "\"a b\" feed:x")]);
        assert!(out.contains("already in"), "{out}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
    }

    #[test]
    fn a_config_that_does_not_parse_is_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, "[reader\n").unwrap();
        let out = add(&path, &[view(1, "Tech", "tag:tech")]);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "[reader\n");
        assert!(out.contains("paste these"), "{out}");
        assert!(
            out.contains("[[views]]\nname = \"Tech\"\nfilter = \"tag:tech\"\n"),
            "{out}"
        );
        // Nor is one that an appended table would break.
        std::fs::write(&path, "views = []\n").unwrap();
        let out = add(&path, &[view(1, "Tech", "tag:tech")]);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "views = []\n");
        assert!(out.contains("paste these"), "{out}");
    }

    #[cfg(unix)]
    #[test]
    fn a_linked_config_is_written_where_it_lives() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("dotfiles.toml");
        std::fs::write(&real, "").unwrap();
        std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o640)).unwrap();
        let link = dir.path().join("config.toml");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        add(&link, &[view(1, "Tech", "tag:tech")]);
        assert!(std::fs::symlink_metadata(&link).unwrap().is_symlink());
        assert!(
            std::fs::read_to_string(&real)
                .unwrap()
                .contains("name = \"Tech\"")
        );
        let mode = std::fs::metadata(&real).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o640);
    }
}
