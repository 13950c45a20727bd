//! `[[feed]]`: settings for one feed, matched by its URL or title (issue #24), over the
//! defaults `[refresh]` gives (`user_agent`, `headers`, `proxy`, `cookies_file`). These key
//! names are fixed: dotfiles rely on them.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Deserialize;

use crate::model::feed_settings::{FeedMatch, FeedSettings, SettingsBook};

/// `[subscriptions]`: where the subscriptions are kept, when in a file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SubscriptionsConfig {
    /// newsboat's `urls` format, or TOML `[[feed]]` tables; the source of truth when set.
    pub file: Option<PathBuf>,
}

impl SubscriptionsConfig {
    /// The file, `~/` standing for the home directory.
    pub fn path(&self) -> Option<PathBuf> {
        self.file.as_deref().map(at_home)
    }
}

/// One `[[feed]]` table as written.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeedConfig {
    /// The feed's URL, exactly as subscribed.
    pub url: Option<String>,
    /// Or its title (its own or yours, any case).
    pub title: Option<String>,
    /// Fetched by the automatic refresh at most this often (1 to 10080).
    pub interval_minutes: Option<u64>,
    pub user_agent: Option<String>,
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    pub username: Option<String>,
    /// The program (and its arguments) that prints the password, run directly.
    #[serde(default)]
    pub password_command: Vec<String>,
    pub proxy: Option<String>,
    pub cookies_file: Option<PathBuf>,
    pub full_article: Option<bool>,
    pub enabled: Option<bool>,
    /// Retention for this feed (`[retention]`'s keys; the old `[[retention.feed]]` still works).
    pub keep_days: Option<u32>,
    pub keep_per_feed: Option<u32>,
    pub keep_unread: Option<bool>,
    pub keep_starred: Option<bool>,
    pub keep_labelled: Option<bool>,
}

impl FeedConfig {
    /// Its retention keys.
    pub fn retention(&self) -> crate::model::retention::RetentionOverride {
        crate::model::retention::RetentionOverride {
            keep_days: self.keep_days,
            keep_per_feed: self.keep_per_feed,
            keep_unread: self.keep_unread,
            keep_starred: self.keep_starred,
            keep_labelled: self.keep_labelled,
        }
    }

    /// What the table names its feed by: its url, else its title.
    pub fn named(&self) -> String {
        self.url
            .clone()
            .or_else(|| self.title.clone())
            .unwrap_or_default()
    }
}

/// Whether `name` can be an HTTP header's name (an RFC 9110 token).
fn header_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// Whether `value` can be an HTTP header's value: no control character but tab.
fn header_value(value: &str) -> bool {
    value.chars().all(|c| c == '\t' || !c.is_control())
}

/// Checks headers and a proxy as written under `key`.
pub(super) fn check(
    key: &str,
    headers: &BTreeMap<String, String>,
    proxy: Option<&str>,
) -> Result<(), String> {
    for (name, value) in headers {
        if !header_name(name) {
            return Err(format!("{key}.headers: \"{name}\" is not a header name"));
        }
        if !header_value(value) {
            return Err(format!(
                "{key}.headers.{name}: a header's value cannot hold control characters"
            ));
        }
    }
    if let Some(proxy) = proxy {
        let scheme = proxy.split_once("://").map(|(s, _)| s.to_ascii_lowercase());
        if !matches!(
            scheme.as_deref(),
            Some("http" | "https" | "socks5" | "socks5h")
        ) || url::Url::parse(proxy).is_err()
        {
            return Err(format!(
                "{key}.proxy \"{}\" is not a proxy address (http://, https://, socks5:// or \
                 socks5h://HOST:PORT)",
                crate::model::redact::url(proxy)
            ));
        }
    }
    Ok(())
}

impl FeedConfig {
    /// Checks one table, the `n`th (from 1).
    pub(super) fn check(&self, n: usize) -> Result<(), String> {
        let key = format!("feed[{n}]");
        match (&self.url, &self.title) {
            (Some(_), Some(_)) => {
                return Err(format!("{key}: give its url or its title, not both"));
            }
            (None, None) => return Err(format!("{key}: give the feed's url or its title")),
            _ => {}
        }
        if let Some(m) = self.interval_minutes
            && !(1..=10_080).contains(&m)
        {
            return Err(format!(
                "{key}.interval_minutes must be between 1 and 10080 (it is {m})"
            ));
        }
        if let Some(d) = self.keep_days
            && d > 36_500
        {
            return Err(format!(
                "{key}.keep_days must be between 0 and 36500 (it is {d})"
            ));
        }
        if let Some(n) = self.keep_per_feed
            && n > 1_000_000
        {
            return Err(format!(
                "{key}.keep_per_feed must be between 0 and 1000000 (it is {n})"
            ));
        }
        if self.username.is_none() && !self.password_command.is_empty() {
            return Err(format!("{key}.password_command needs a username"));
        }
        check(&key, &self.headers, self.proxy.as_deref())
    }

    fn settings(&self) -> (FeedMatch, FeedSettings) {
        let matched = match (&self.url, &self.title) {
            (Some(url), _) => FeedMatch::Url(url.clone()),
            (None, title) => FeedMatch::Title(title.clone().unwrap_or_default()),
        };
        (
            matched,
            FeedSettings {
                interval_minutes: self.interval_minutes,
                user_agent: self.user_agent.clone(),
                headers: self
                    .headers
                    .iter()
                    .map(|(n, v)| (n.clone(), v.clone()))
                    .collect(),
                username: self.username.clone(),
                password_command: self.password_command.clone(),
                proxy: self.proxy.clone(),
                cookies_file: self.cookies_file.as_deref().map(at_home),
                full_article: self.full_article,
                enabled: self.enabled.unwrap_or(true),
            },
        )
    }
}

/// A path as written, `~/` standing for the home directory.
fn at_home(path: &std::path::Path) -> PathBuf {
    match (path.strip_prefix("~"), std::env::var_os("HOME")) {
        (Ok(rest), Some(home)) => PathBuf::from(home).join(rest),
        _ => path.to_owned(),
    }
}

/// The settings book from `[refresh]`'s defaults and the `[[feed]]` tables.
pub fn book(refresh: &super::RefreshConfig, feeds: &[FeedConfig]) -> SettingsBook {
    SettingsBook {
        default: FeedSettings {
            user_agent: refresh.user_agent.clone(),
            headers: refresh
                .headers
                .iter()
                .map(|(n, v)| (n.clone(), v.clone()))
                .collect(),
            proxy: refresh.proxy.clone(),
            cookies_file: refresh.cookies_file.as_deref().map(at_home),
            ..FeedSettings::default()
        },
        feeds: feeds.iter().map(FeedConfig::settings).collect(),
    }
}

#[cfg(test)]
mod tests {
    use crate::config::Config;
    use std::path::Path;

    fn parsed(text: &str) -> Result<Config, String> {
        Config::parse(text, Path::new("c.toml")).map_err(|e| e.to_string())
    }

    #[test]
    fn feed_tables_and_refresh_defaults_make_one_book() {
        let c = parsed(
            "[refresh]\nuser_agent = \"Mozilla/5.0\"\nproxy = \"socks5h://127.0.0.1:9050\"\n\
             [refresh.headers]\nAccept-Language = \"de\"\n\
             [[feed]]\nurl = \"https://a.example/feed\"\nusername = \"ann\"\n\
             password_command = [\"pass\", \"show\", \"a\"]\nheaders = { Cookie = \"x=1\" }\n\
             [[feed]]\ntitle = \"Quiet\"\nenabled = false\nfull_article = true\n",
        )
        .unwrap();
        let book = c.feed_settings();
        let a = book.for_feed("https://a.example/feed", &[]);
        assert_eq!(a.user_agent.as_deref(), Some("Mozilla/5.0"));
        assert_eq!(a.proxy.as_deref(), Some("socks5h://127.0.0.1:9050"));
        assert_eq!(a.headers.len(), 2);
        assert_eq!(a.password_command, ["pass", "show", "a"]);
        let quiet = book.for_feed("https://q.example/", &["quiet"]);
        assert!(!quiet.enabled);
        assert_eq!(quiet.full_article, Some(true));
    }

    #[test]
    fn retention_in_a_feed_table_comes_before_the_old_form() {
        let c = parsed(
            "[retention]\nkeep_days = 90\n[[retention.feed]]\nfeed = \"Busy\"\nkeep_days = 3\n\
             [[feed]]\ntitle = \"busy\"\nkeep_days = 7\nkeep_unread = false\n\
             [[feed]]\nurl = \"https://a.example/\"\nuser_agent = \"x\"\n",
        )
        .unwrap();
        let rules = c.retention_rules();
        let busy = rules.for_feed("https://b.example/", &["Busy"]);
        assert_eq!((busy.keep_days, busy.keep_unread), (7, false));
        // A table without retention keys leaves the feed to the defaults.
        assert_eq!(rules.for_feed("https://a.example/", &["A"]).keep_days, 90);
        let err = parsed("[[feed]]\nurl = \"u\"\nkeep_days = 40000\n").unwrap_err();
        assert!(
            err.contains("feed[1].keep_days must be between 0 and 36500"),
            "{err}"
        );
    }

    #[test]
    fn a_bad_table_is_an_error_naming_it() {
        for (text, wanted) in [
            (
                "[[feed]]\nenabled = false\n",
                "feed[1]: give the feed's url or its title",
            ),
            (
                "[[feed]]\nurl = \"u\"\ntitle = \"t\"\n",
                "feed[1]: give its url or its title, not both",
            ),
            (
                "[[feed]]\nurl = \"u\"\n[[feed]]\ntitle = \"t\"\nproxy = \"ftp://x\"\n",
                "feed[2].proxy \"ftp://x\" is not a proxy address",
            ),
            (
                "[[feed]]\nurl = \"u\"\nheaders = { \"Bad Name\" = \"v\" }\n",
                "feed[1].headers: \"Bad Name\" is not a header name",
            ),
            (
                "[refresh.headers]\nX-A = \"a\\nb\"\n",
                "refresh.headers.X-A: a header's value cannot hold control characters",
            ),
            (
                "[[feed]]\nurl = \"u\"\npassword_command = [\"pass\"]\n",
                "feed[1].password_command needs a username",
            ),
            (
                "[[feed]]\nurl = \"u\"\ninterval = 5\n",
                "unknown field `interval`",
            ),
        ] {
            let err = parsed(text).unwrap_err();
            assert!(err.contains(wanted), "{text:?}: {err}");
        }
    }

    #[test]
    fn a_proxy_password_is_not_shown_in_the_error() {
        let err = parsed("[refresh]\nproxy = \"ftp://me:hunter2@proxy.example:21\"\n").unwrap_err();
        assert!(!err.contains("hunter2"), "{err}");
    }
}
