//! `tidings import newsboat`: a newsboat user moves in. Their `urls` file gives the feeds
//! (tags, `"~Title"` renames; `exec:` and `filter:` lines are reported, never run) and saved
//! views: each query feed whose filter converts is appended to the config as a `[[views]]`
//! table. Their `config` gives rules: its `ignore-article` and `highlight-article` lines whose
//! filters convert are appended as `[[rules]]` tables (below). Their `cache.db` gives every
//! entry with its read state and flags, so the history comes along before the first refresh.
//!
//! Flags: an entry with any flag is starred, since flagging is how a newsboat user keeps
//! things; and each flag letter becomes a label, `flag-a` for `a`, so several flags stay
//! several labels. An uppercase letter is `flag-A-upper`: label names here ignore case, where
//! newsboat's `a` and `A` are two flags.
//!
//! The config is only ever appended to, never rewritten: the new text must parse, with the
//! views or rules read back as meant, before it replaces the file (through a temporary file
//! and a rename). A config that does not parse is left alone and the tables are printed to
//! paste.
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

use std::collections::{BTreeMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;

use super::Env;
use super::output::Out;
use crate::config::Config;
use crate::export::SavedView;
use crate::model::query::{self, Term, TermKind};
use crate::model::{EntryFilter, EntryId, IncomingEntry, IncomingFeed, Mark, Page};
use crate::store::{FetchMeta, NewsboatFeed, Store, read_newsboat_cache};

/// newsboat's own place for `name`: the XDG directory if it is there, else `~/.newsboat`.
/// An XDG variable that is empty or not an absolute path counts as unset (the XDG spec).
fn newsboat_file(xdg_var: &str, xdg_default: &str, name: &str) -> Option<PathBuf> {
    let home = std::env::var_os("HOME").map(PathBuf::from)?;
    let xdg = std::env::var_os(xdg_var)
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .unwrap_or_else(|| home.join(xdg_default))
        .join("newsboat")
        .join(name);
    Some(if xdg.exists() {
        xdg
    } else {
        home.join(".newsboat").join(name)
    })
}

pub fn import(
    env: &Env,
    urls: Option<PathBuf>,
    cache: Option<PathBuf>,
    out: &mut Out,
) -> anyhow::Result<ExitCode> {
    let urls = urls.or_else(|| newsboat_file("XDG_CONFIG_HOME", ".config", "urls"));
    let cache = cache.or_else(|| newsboat_file("XDG_DATA_HOME", ".local/share", "cache.db"));
    let config = newsboat_file("XDG_CONFIG_HOME", ".config", "config");
    let urls = urls.context("no home directory to find newsboat's urls file in; pass --urls")?;
    let (status, subscribed) = super::feeds::import_subscribing(env, &urls, out)?;
    if let Some(config) = config.filter(|c| c.exists()) {
        add_newsboat_rules(env, &config, out)?;
    }
    let Some(cache) = cache.filter(|c| c.exists()) else {
        writeln!(
            out,
            "No newsboat cache found: feeds only (--cache FILE to bring entries)"
        )?;
        return Ok(status);
    };
    let feeds = read_newsboat_cache(&cache)?;
    let mut store = env.open_store()?;
    let (mut entries, mut read, mut starred, mut carried, mut deleted) = (0, 0, 0, 0, 0);
    let mut by_flag = BTreeMap::new();
    // Only the feeds the urls file subscribed: the cache also holds feeds removed from it, and
    // whatever it says is not trusted further than the urls file (issue #17: `exec:`,
    // `javascript:` and `file:` URLs from a cache were subscribed).
    let (listed, unlisted): (Vec<_>, Vec<_>) =
        feeds.iter().partition(|f| subscribed.contains(&f.url));
    for feed in listed {
        let (r, s) = carry(&mut store, feed, &mut by_flag)?;
        deleted += feed.items.iter().filter(|i| i.deleted).count();
        entries += feed.items.len();
        read += r;
        starred += s;
        carried += 1;
    }
    let labels = label_flags(&mut store, &by_flag)?;
    let labelled = if labels.is_empty() {
        String::new()
    } else {
        format!("; their flags are labels {}", labels.join(", "))
    };
    writeln!(
        out,
        "From {}: {entries} entries of {carried} feeds, {read} read, {starred} flagged (now \
         starred{labelled})",
        cache.display(),
    )?;
    if deleted > 0 {
        writeln!(
            out,
            "{deleted} of them deleted in newsboat: brought in read, so a refresh does not bring \
             them back as unread"
        )?;
    }
    if !unlisted.is_empty() {
        writeln!(
            out,
            "Left in the cache: {} feeds the urls file does not subscribe (or names with a \
             scheme tidings does not fetch)",
            unlisted.len()
        )?;
    }
    out.flush()?;
    Ok(status)
}

/// Stores one newsboat feed's items and their states, and adds its flagged entries to
/// `by_flag` (by letter); returns how many were read and flagged.
fn carry(
    store: &mut Store,
    feed: &NewsboatFeed,
    by_flag: &mut BTreeMap<char, Vec<EntryId>>,
) -> anyhow::Result<(usize, usize)> {
    let now = super::feeds::now();
    let (id, _) = store.add_feed_titled(&feed.url, feed.title.as_deref(), now)?;
    let incoming = IncomingFeed {
        title: feed.title.clone(),
        site_url: None,
        ttl_minutes: None,
        entries: feed
            .items
            .iter()
            .map(|i| IncomingEntry {
                key: i.guid.clone(),
                guid: Some(i.guid.clone()),
                title: i.title.clone(),
                link: i.url.clone(),
                author: i.author.clone(),
                published: chrono::DateTime::from_timestamp(i.published, 0),
                updated: None,
                content_html: i.content.clone(),
            })
            .collect(),
    };
    // newsboat's validators: the first refresh asks "changed since?" instead of downloading
    // every feed again.
    let meta = FetchMeta {
        etag: feed.etag.as_deref(),
        last_modified: feed.last_modified.as_deref(),
        ..FetchMeta::default()
    };
    store.record_success(id, &incoming, &meta, now)?;
    let filter = EntryFilter {
        feed: Some(id),
        ..EntryFilter::default()
    };
    let (mut to_read, mut to_star) = (Vec::new(), Vec::new());
    let mut page = Page::First;
    loop {
        let rows = store.entries_page(&filter, page, 500)?;
        let Some(last) = rows.last() else { break };
        page = Page::Older(last.cursor());
        for row in &rows {
            let Some(item) = feed
                .items
                .iter()
                .find(|i| Some(&i.guid) == row.guid.as_ref())
            else {
                continue;
            };
            if !item.unread || item.deleted {
                to_read.push(row.id);
            }
            if !item.flags.is_empty() {
                to_star.push(row.id);
            }
            for letter in item.flags.chars() {
                by_flag.entry(letter).or_default().push(row.id);
            }
        }
    }
    store.set_mark(&to_read, Mark::Read)?;
    store.set_mark(&to_star, Mark::Star)?;
    Ok((to_read.len(), to_star.len()))
}

/// The label newsboat's flag `letter` becomes.
fn flag_label(letter: char) -> String {
    if letter.is_ascii_uppercase() {
        format!("flag-{letter}-upper")
    } else {
        format!("flag-{letter}")
    }
}

/// Labels the entries of each flag letter (one mark per label); returns the labels' names.
fn label_flags(
    store: &mut Store,
    by_flag: &BTreeMap<char, Vec<EntryId>>,
) -> anyhow::Result<Vec<String>> {
    let mut names = Vec::with_capacity(by_flag.len());
    for (letter, ids) in by_flag {
        let Some((label, name)) = store.label_id(&flag_label(*letter))? else {
            continue;
        };
        store.set_mark(ids, Mark::Label(label))?;
        names.push(name);
    }
    names.sort_by_key(|n| n.to_lowercase());
    Ok(names)
}

/// Appends the rules newsboat's config at `path` converts to, and says which lines did not
/// convert. A config that cannot be read is said and passed over: the rest of the import
/// stands without it.
fn add_newsboat_rules(env: &Env, path: &Path, out: &mut Out) -> anyhow::Result<()> {
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
    add_to_config(env, &rules, out)
}

/// A rule made from a line of newsboat's config.
#[derive(Debug, Clone, PartialEq, Eq)]
struct NewRule {
    name: String,
    /// Canonical filter text.
    filter: String,
    action: String,
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

/// What the import appends to the config: saved views and rules, each a TOML table.
trait Table {
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

/// Adds a urls file's query feeds that convert to the config, as saved views.
pub fn add_saved_views(env: &Env, views: &[SavedView], out: &mut Out) -> anyhow::Result<()> {
    add_to_config(env, views, out)
}

/// Adds `tables` to the config, or prints them to paste if there is no config file.
fn add_to_config<T: Table>(env: &Env, tables: &[T], out: &mut Out) -> anyhow::Result<()> {
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
fn add_tables<T: Table>(path: &Path, tables: &[T], out: &mut impl Write) -> anyhow::Result<()> {
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
fn toml_string(s: &str) -> anyhow::Result<String> {
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
        let text = include_str!("../../tests/fixtures/newsboat/config");
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
        let (rules, _) = config_rules(include_str!("../../tests/fixtures/newsboat/config"));
        let mut out = Vec::new();
        add_tables(&path, &rules, &mut out).unwrap();
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
        add_tables(&path, &rules[..1], &mut again).unwrap();
        let again = String::from_utf8(again).unwrap();
        assert!(
            again.contains("rule 'newsboat ignore 1' is already in"),
            "{again}"
        );
        assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
    }

    fn item(guid: &str, flags: &str) -> crate::store::NewsboatItem {
        crate::store::NewsboatItem {
            guid: guid.into(),
            title: guid.into(),
            author: None,
            url: None,
            published: 1_700_000_000,
            content: String::new(),
            unread: true,
            flags: flags.into(),
            deleted: false,
        }
    }

    #[test]
    fn each_flag_letter_is_a_label_and_any_flag_a_star() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("t.db")).unwrap();
        let feed = NewsboatFeed {
            url: "https://x.example/feed".into(),
            title: Some("X".into()),
            etag: None,
            last_modified: None,
            items: vec![item("one", "sB"), item("two", "a"), item("three", "")],
        };
        let mut by_flag = BTreeMap::new();
        let (read, starred) = carry(&mut store, &feed, &mut by_flag).unwrap();
        assert_eq!((read, starred), (0, 2));
        let names = label_flags(&mut store, &by_flag).unwrap();
        assert_eq!(names, ["flag-a", "flag-B-upper", "flag-s"]);
        let labels: Vec<(String, u64)> = store
            .labels()
            .unwrap()
            .into_iter()
            .map(|l| (l.name, l.entries))
            .collect();
        assert_eq!(
            labels,
            [
                ("flag-a".into(), 1),
                ("flag-B-upper".into(), 1),
                ("flag-s".into(), 1)
            ]
        );
        // `b` and `B` are two flags, so two labels, though label names ignore case.
        assert_eq!(flag_label('b'), "flag-b");
        assert_eq!(flag_label('B'), "flag-B-upper");
    }
}
