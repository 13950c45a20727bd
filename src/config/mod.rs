//! The TOML config file with defaults, and where files live (XDG). Errors name the file and
//! the key. Uses only `model`; leaf modules get plain option structs built from this.

pub mod feeds;
pub mod media;
mod paths;
pub mod retention;
pub mod rules;
pub mod style;
pub mod sync;

pub use crate::model::keymap::{Keymap, Scope};
pub use paths::Paths;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// The commented default config that `tidings config --default` prints (the README shows it
/// too; a test keeps both true).
pub const DEFAULT_TOML: &str = include_str!("default.toml");

/// Why the config could not be used. One line, naming the file.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("config {}: {}", path.display(), read_why(cause))]
    Read {
        path: PathBuf,
        cause: std::io::Error,
    },
    #[error("config {path}: {message}")]
    Invalid { path: PathBuf, message: String },
}

/// Why a config file could not be read, and the way out, in one line.
fn read_why(cause: &std::io::Error) -> String {
    let what = match cause.kind() {
        std::io::ErrorKind::InvalidData => "it is not UTF-8 text".to_owned(),
        std::io::ErrorKind::IsADirectory => "it is a directory, not a file".to_owned(),
        std::io::ErrorKind::NotFound => "there is no such file".to_owned(),
        _ => format!("cannot read it ({cause})"),
    };
    format!(
        "{what}; fix it or pass --config with another file (`tidings config --default` prints \
         every option)"
    )
}

/// Everything the config file can set. Every field has a default; unknown keys are errors.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub refresh: RefreshConfig,
    pub reader: ReaderConfig,
    pub ui: UiConfig,
    pub links: LinksConfig,
    pub export: ExportConfig,
    pub retention: retention::RetentionConfig,
    /// `[colors]` as written; `styles` is what it means.
    colors: BTreeMap<String, String>,
    #[serde(skip)]
    pub styles: BTreeMap<style::Role, style::StyleSpec>,
    /// `[keys]` as written; `keymap` is what it means.
    keys: BTreeMap<String, KeyEntry>,
    #[serde(skip)]
    pub keymap: Keymap,
    /// `[[views]]`: saved filters, in the order written.
    pub views: Vec<ViewConfig>,
    /// `[[rules]]` as written; `rules` is what they mean.
    #[serde(rename = "rules")]
    rules_written: Vec<rules::RuleConfig>,
    #[serde(skip)]
    pub rules: std::sync::Arc<[crate::model::rules::Rule]>,
    pub notify: rules::NotifyConfig,
    pub sync: sync::SyncConfig,
    pub media: media::MediaConfig,
    /// `[[feed]]`: settings for one feed each (issue #24).
    pub feed: Vec<feeds::FeedConfig>,
    /// `[subscriptions]`: a file that lists the subscriptions (issue #24).
    pub subscriptions: feeds::SubscriptionsConfig,
}

/// One `[[views]]` entry: a name for the feed list and a filter in the filter language.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ViewConfig {
    pub name: String,
    pub filter: String,
    /// `newest` (the default), `oldest`, `feed` or `unread` (first).
    pub sort: Option<String>,
    /// The parsed filter.
    #[serde(skip)]
    pub query: crate::model::Query,
    /// The parsed order.
    #[serde(skip)]
    pub order: crate::model::Sort,
}

/// One line of `[keys]`: a key bound in every view, or a view's own table.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
enum KeyEntry {
    Action(String),
    View(BTreeMap<String, String>),
}

/// `[refresh]`: how feeds are fetched.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RefreshConfig {
    /// Requests in flight at once.
    pub jobs: usize,
    /// Requests in flight at once to one host.
    pub per_host: usize,
    /// Seconds before a connection attempt is given up.
    pub connect_timeout_secs: u64,
    /// Seconds before a whole request is given up.
    pub timeout_secs: u64,
    /// Largest feed body accepted, after decompression, in MiB.
    pub max_body_mib: u64,
    /// Redirects followed before giving up.
    pub max_redirects: usize,
    /// Refresh every feed when the reader starts.
    pub on_start: bool,
    /// While the reader is open, refresh the feeds that are due this often (0: never).
    pub interval_minutes: u64,
    /// The User-Agent every feed is fetched with (a `[[feed]]` table may set its own).
    pub user_agent: Option<String>,
    /// A proxy for every feed: `http://`, `https://`, `socks5://` or `socks5h://HOST:PORT`.
    pub proxy: Option<String>,
    /// Headers sent with every feed's request.
    pub headers: BTreeMap<String, String>,
    /// A cookie file (Netscape format) for every feed; read, never written.
    pub cookies_file: Option<std::path::PathBuf>,
}

impl Default for RefreshConfig {
    fn default() -> Self {
        Self {
            jobs: 16,
            per_host: 2,
            connect_timeout_secs: 10,
            timeout_secs: 30,
            max_body_mib: 32,
            max_redirects: 5,
            on_start: false,
            interval_minutes: 30,
            user_agent: None,
            proxy: None,
            headers: BTreeMap::new(),
            cookies_file: None,
        }
    }
}

/// `[ui]`: how the lists look and what the mouse does.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct UiConfig {
    /// The wheel scrolls and a click picks a line (off: the terminal keeps the mouse, for
    /// selecting text without Shift).
    pub mouse: bool,
    /// Dates in the stream (strftime); recent ones are relative unless `relative_dates` is off.
    pub date_format: String,
    pub relative_dates: bool,
    /// The cursor highlights the whole line (more bytes per key over SSH), not only the
    /// columns before the title.
    pub full_line_cursor: bool,
    /// A story several feeds tell shows once in the stream (off: every copy).
    pub fold_duplicates: bool,
}

impl Default for UiConfig {
    fn default() -> Self {
        Self {
            mouse: true,
            date_format: "%Y-%m-%d".into(),
            relative_dates: true,
            full_line_cursor: false,
            fold_duplicates: true,
        }
    }
}

/// `[export]`: where the reader's `e` proposes to write.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ExportConfig {
    /// The directory export files go to (`~` is your home).
    pub dir: String,
    /// A program (and its arguments) that takes an export on its stdin, offered as a
    /// destination in the export dialog. Run directly, never through a shell.
    pub command: Vec<String>,
}

impl Default for ExportConfig {
    fn default() -> Self {
        Self {
            dir: "~".into(),
            command: Vec::new(),
        }
    }
}

/// Whether the reader writes OSC 8 hyperlinks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Hyperlinks {
    #[default]
    Auto,
    On,
    Off,
}

/// `[links]`: how links open and copy.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LinksConfig {
    /// The program (and arguments) that opens a link; the URL is added as the last argument,
    /// or replaces `%s`. Empty: `$BROWSER`, else `xdg-open` (`open` on macOS).
    pub open_command: Vec<String>,
    /// `open_command` is a text browser (w3m, lynx) that runs in the reader's terminal: the
    /// reader steps aside until it exits.
    pub open_in_terminal: bool,
    /// OSC 8 hyperlinks in the reader: `auto` (terminals known to show them), `on`, `off`.
    pub hyperlinks: Hyperlinks,
    /// A program that takes copied text on its stdin (`["wl-copy"]`, `["xclip",
    /// "-selection", "clipboard"]`). Empty: the terminal's clipboard through OSC 52.
    pub copy_command: Vec<String>,
}

/// `[reader]`: reading behaviour.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ReaderConfig {
    /// Opening an entry marks it read.
    pub mark_read_on_open: bool,
    /// Widest the reader view lays text out, in columns.
    pub max_width: u16,
}

impl Default for ReaderConfig {
    fn default() -> Self {
        Self {
            mark_read_on_open: true,
            max_width: 100,
        }
    }
}

impl Config {
    /// What each feed keeps: `[retention]`, over it each `[[feed]]` table's own keys, then the
    /// old `[[retention.feed]]` form.
    pub fn retention_rules(&self) -> crate::model::RetentionRules {
        let mut rules = self.retention.rules();
        let own: Vec<crate::model::FeedRetention> = self
            .feed
            .iter()
            .filter(|f| !f.retention().is_empty())
            .map(|f| crate::model::FeedRetention {
                feed: f.named(),
                rule: f.retention().over(rules.default),
            })
            .collect();
        rules.feeds.splice(0..0, own);
        rules
    }

    /// How each feed is fetched: `[refresh]`'s defaults and the `[[feed]]` tables.
    pub fn feed_settings(&self) -> crate::model::feed_settings::SettingsBook {
        feeds::book(&self.refresh, &self.feed)
    }

    /// Reads the config at `path`. A missing file gives the defaults unless `required`
    /// (the user named it with `--config` or `TIDINGS_CONFIG`).
    pub fn load(path: &Path, required: bool) -> Result<Self, ConfigError> {
        match std::fs::read_to_string(path) {
            Ok(text) => Self::parse(&text, path),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !required => Ok(Self::default()),
            Err(cause) => Err(ConfigError::Read {
                path: path.to_owned(),
                cause,
            }),
        }
    }

    /// Parses config text; `path` is only for messages.
    pub fn parse(text: &str, path: &Path) -> Result<Self, ConfigError> {
        let invalid = |message: String| ConfigError::Invalid {
            path: path.to_owned(),
            message,
        };
        let mut config: Self = toml::from_str(text).map_err(|e| invalid(one_line(text, &e)))?;
        config.keymap = keymap(&config.keys).map_err(|(key, e)| {
            invalid(match line_of(text, &key) {
                Some(line) => format!("line {line}: {e}"),
                None => e,
            })
        })?;
        config.styles = style::parse_all(&config.colors).map_err(|(role, e)| {
            invalid(match line_of(text, &role) {
                Some(line) => format!("line {line}: {e}"),
                None => e,
            })
        })?;
        for view in &mut config.views {
            view.query = crate::model::query::parse(&view.filter).map_err(|e| {
                let at = text
                    .find(&format!("\"{}\"", view.filter))
                    .map_or(String::new(), |at| {
                        format!("line {}: ", text[..at].matches('\n').count() + 1)
                    });
                invalid(format!("{at}views.filter of \"{}\": {e}", view.name))
            })?;
            view.order = match view.sort.as_deref() {
                None => crate::model::Sort::default(),
                Some(name) => crate::model::Sort::from_name(name).ok_or_else(|| {
                    invalid(format!(
                        "views.sort of \"{}\": \"{name}\" is not an order (newest, oldest, \
                         feed or unread)",
                        view.name
                    ))
                })?,
            };
        }
        config.rules = rules::parse_all(&config.rules_written, text).map_err(invalid)?;
        check_ranges(&config).map_err(invalid)?;
        config.media.check().map_err(&invalid)?;
        feeds::check(
            "refresh",
            &config.refresh.headers,
            config.refresh.proxy.as_deref(),
        )
        .map_err(&invalid)?;
        for (i, table) in config.feed.iter().enumerate() {
            table.check(i + 1).map_err(&invalid)?;
        }
        config.sync.check().map_err(|e| {
            invalid(match text.lines().position(|l| l.trim() == "[sync]") {
                Some(at) => format!("line {}: {e}", at + 1),
                None => e,
            })
        })?;
        if chrono::format::StrftimeItems::new(&config.ui.date_format)
            .any(|item| matches!(item, chrono::format::Item::Error))
        {
            return Err(invalid(format!(
                "ui.date_format \"{}\" is not a strftime format (like %Y-%m-%d)",
                config.ui.date_format
            )));
        }
        Ok(config)
    }
}

/// Every number the config holds, with the range it must be in: a value out of range is a
/// clear error naming the key, never a panic or a hang later (issue #17: `jobs` past what the
/// runtime can count made every refresh panic).
fn check_ranges(config: &Config) -> Result<(), String> {
    let r = &config.refresh;
    let widen = |v: usize| u64::try_from(v).unwrap_or(u64::MAX);
    let mut checks = vec![
        ("refresh.jobs", widen(r.jobs), 1, 256),
        ("refresh.per_host", widen(r.per_host), 1, 64),
        (
            "refresh.connect_timeout_secs",
            r.connect_timeout_secs,
            1,
            600,
        ),
        ("refresh.timeout_secs", r.timeout_secs, 1, 3600),
        ("refresh.max_body_mib", r.max_body_mib, 1, 1024),
        ("refresh.max_redirects", widen(r.max_redirects), 0, 20),
        ("refresh.interval_minutes", r.interval_minutes, 0, 10_080),
        (
            "reader.max_width",
            u64::from(config.reader.max_width),
            20,
            1000,
        ),
        (
            "retention.keep_days",
            u64::from(config.retention.keep_days),
            0,
            36_500,
        ),
        (
            "retention.keep_per_feed",
            u64::from(config.retention.keep_per_feed),
            0,
            1_000_000,
        ),
    ];
    for f in &config.retention.feed {
        checks.extend(
            f.keep_days
                .map(|d| ("retention.feed.keep_days", u64::from(d), 0, 36_500)),
        );
        checks.extend(
            f.keep_per_feed
                .map(|n| ("retention.feed.keep_per_feed", u64::from(n), 0, 1_000_000)),
        );
    }
    match checks.into_iter().find(|&(_, v, lo, hi)| v < lo || v > hi) {
        Some((key, value, lo, hi)) => Err(format!(
            "{key} must be between {lo} and {hi} (it is {value})"
        )),
        None => Ok(()),
    }
}

/// toml's messages span several lines with a source excerpt; keep the line and the reason.
fn one_line(text: &str, e: &toml::de::Error) -> String {
    let reason = e.message().trim().trim_end_matches('.').to_owned();
    match e.span() {
        Some(span) => {
            let line = text[..span.start.min(text.len())].matches('\n').count() + 1;
            format!("line {line}: {reason}")
        }
        None => reason,
    }
}

/// The keymap the `[keys]` tables make; an error comes with the key it is about.
fn keymap(keys: &BTreeMap<String, KeyEntry>) -> Result<Keymap, (String, String)> {
    let mut map = Keymap::default();
    for (name, entry) in keys {
        match entry {
            KeyEntry::Action(action) => map
                .apply([(None, name.as_str(), action.as_str())])
                .map_err(|e| (name.clone(), e))?,
            KeyEntry::View(table) => {
                let scope = Scope::ALL
                    .into_iter()
                    .find(|s| s.name() == name)
                    .ok_or_else(|| {
                        (
                            name.clone(),
                            format!("[keys.{name}]: no such view (stream, feeds, reader or help)"),
                        )
                    })?;
                for (key, action) in table {
                    map.apply([(Some(scope), key.as_str(), action.as_str())])
                        .map_err(|e| (key.clone(), format!("[keys.{name}] {e}")))?;
                }
            }
        }
    }
    Ok(map)
}

/// The line (from 1) where `key` is assigned, for messages about its value.
fn line_of(text: &str, key: &str) -> Option<usize> {
    let quoted = format!("\"{key}\"");
    text.lines()
        .position(|l| {
            let l = l.trim_start();
            (l.starts_with(&quoted) || l.starts_with(key))
                && l[if l.starts_with('"') {
                    quoted.len()
                } else {
                    key.len()
                }..]
                    .trim_start()
                    .starts_with('=')
        })
        .map(|i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, ConfigError> {
        Config::parse(text, Path::new("/home/u/.config/tidings/config.toml"))
    }

    #[test]
    fn empty_file_gives_defaults() {
        assert_eq!(parse("").unwrap(), Config::default());
    }

    #[test]
    fn values_override_defaults() {
        let c = parse("[refresh]\njobs = 4\non_start = true\n[reader]\nmax_width = 72\n").unwrap();
        assert_eq!(c.refresh.jobs, 4);
        assert!(c.refresh.on_start);
        assert_eq!(c.refresh.per_host, RefreshConfig::default().per_host);
        assert_eq!(c.reader.max_width, 72);
    }

    #[test]
    fn unknown_key_is_named_with_the_file() {
        let err = parse("[refresh]\njbos = 4\n").unwrap_err().to_string();
        assert!(err.contains("config.toml"), "{err}");
        assert!(err.contains("jbos"), "{err}");
        assert!(!err.contains('\n'), "{err}");
    }

    #[test]
    fn wrong_type_is_an_error() {
        let err = parse("[refresh]\njobs = \"many\"\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("config.toml"), "{err}");
    }

    #[test]
    fn keys_rebind_per_view_and_errors_name_the_line() {
        let c = parse("[keys]\nx = \"toggle-read\"\n[keys.reader]\n\"Space\" = \"next-entry\"\n")
            .unwrap();
        assert_eq!(
            c.keymap
                .action(Scope::Stream, crate::model::key::Key::char('x')),
            Some(crate::model::Action::ToggleRead)
        );
        assert_eq!(
            c.keymap
                .action(Scope::Reader, crate::model::key::Key::char(' ')),
            Some(crate::model::Action::NextEntry)
        );
        let err = parse("[reader]\nmax_width = 80\n\n[keys]\n\"x\" = \"fly\"\n")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("config.toml: line 5: unknown action \"fly\""),
            "{err}"
        );
        let err = parse("[keys.sidebar]\nx = \"quit\"\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("no such view"), "{err}");
    }

    #[test]
    fn saved_views_keep_their_order_and_bad_filters_name_the_line() {
        let c = parse(
            "[[views]]\nname = \"Rust\"\nfilter = \"tag:rust unread\"\n\n\
             [[views]]\nname = \"Recent\"\nfilter = \"since:2d\"\n",
        )
        .unwrap();
        let names: Vec<&str> = c.views.iter().map(|v| v.name.as_str()).collect();
        assert_eq!(names, ["Rust", "Recent"]);
        assert_eq!(c.views[0].query.to_string(), "tag:rust unread");
        let err = parse("[[views]]\nname = \"Bad\"\nfilter = \"colour:red\"\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("line 3: views.filter of \"Bad\""), "{err}");
        let c = parse("[[views]]\nname = \"Backlog\"\nfilter = \"unread\"\nsort = \"Oldest\"\n")
            .unwrap();
        assert_eq!(c.views[0].order, crate::model::Sort::Oldest);
        let err = parse("[[views]]\nname = \"B\"\nfilter = \"unread\"\nsort = \"sideways\"\n")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("views.sort of \"B\": \"sideways\" is not an order"),
            "{err}"
        );
    }

    #[test]
    fn the_commented_default_is_the_default() {
        let mut c = parse(DEFAULT_TOML).unwrap();
        // The file has (empty) tables; what they mean is the default.
        c.keys.clear();
        c.colors.clear();
        assert_eq!(c, Config::default());
    }

    #[test]
    fn colours_are_read_and_bad_ones_name_the_line() {
        let c = parse("[colors]\nunread = \"bold yellow\"\n").unwrap();
        assert!(c.styles[&style::Role::Unread].bold);
        let err = parse("[colors]\nunread = \"bold\"\nlink = \"sparkly\"\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("line 3: colors.link"), "{err}");
    }

    #[test]
    fn a_bad_date_format_is_named() {
        let err = parse("[ui]\ndate_format = \"%Q\"\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("ui.date_format"), "{err}");
    }

    #[test]
    fn syntax_errors_name_the_line() {
        let err = parse("[refresh]\njobs = 4\ninterval_minutes = \"soon\"\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("line 3:"), "{err}");
    }

    #[test]
    fn zero_jobs_is_refused_by_key() {
        let err = parse("[refresh]\njobs = 0\n").unwrap_err().to_string();
        assert!(
            err.contains("refresh.jobs must be between 1 and 256 (it is 0)"),
            "{err}"
        );
    }

    /// Issue #17: `jobs` past what tokio's semaphores can count passed `tidings config`, then
    /// every refresh panicked. Every number has a range, and a value outside it is refused.
    #[test]
    fn numbers_past_what_the_runtime_can_hold_are_refused() {
        for (text, key) in [
            ("[refresh]\njobs = 2305843009213693952\n", "refresh.jobs"),
            ("[refresh]\nper_host = 100000\n", "refresh.per_host"),
            (
                "[refresh]\ntimeout_secs = 18446744073709551615\n",
                "refresh.timeout_secs",
            ),
            (
                "[refresh]\nconnect_timeout_secs = 0\n",
                "refresh.connect_timeout_secs",
            ),
            (
                "[refresh]\nmax_body_mib = 1000000\n",
                "refresh.max_body_mib",
            ),
            ("[refresh]\nmax_redirects = 1000\n", "refresh.max_redirects"),
            (
                "[refresh]\ninterval_minutes = 99999999\n",
                "refresh.interval_minutes",
            ),
            ("[reader]\nmax_width = 5\n", "reader.max_width"),
            (
                "[retention]\nkeep_days = 4000000000\n",
                "retention.keep_days",
            ),
            (
                "[[retention.feed]]\nfeed = \"x\"\nkeep_per_feed = 4000000000\n",
                "retention.feed.keep_per_feed",
            ),
        ] {
            let err = parse(text).unwrap_err().to_string();
            assert!(
                err.contains(&format!("{key} must be between")),
                "{text}: {err}"
            );
        }
        assert!(parse("[refresh]\njobs = 256\nper_host = 64\nmax_redirects = 0\n").is_ok());
    }

    #[test]
    fn missing_default_file_is_fine_but_a_named_one_is_not() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("absent.toml");
        assert_eq!(Config::load(&path, false).unwrap(), Config::default());
        let err = Config::load(&path, true).unwrap_err().to_string();
        assert!(err.contains("absent.toml"), "{err}");
    }
}
