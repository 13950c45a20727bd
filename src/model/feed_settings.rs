//! Per-feed settings (issue #24): how one feed is fetched (its User-Agent, extra headers, HTTP
//! Basic credentials, proxy, cookie file), whether it is fetched at all, and whether its whole
//! articles are. `[refresh]` gives the defaults; a `[[feed]]` table matched by URL or title
//! overrides them for one feed. Data only: the config fills it, the refresh applies it.

use std::path::PathBuf;

/// What one feed's settings say; `None` (or empty) leaves the default.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedSettings {
    /// Fetched by the automatic refresh (and `tidings refresh --due`) at most this often; the
    /// default is the reader's own interval, and none for `--due` from cron.
    pub interval_minutes: Option<u64>,
    pub user_agent: Option<String>,
    /// Extra request headers, in order; a feed's header replaces a default of the same name.
    pub headers: Vec<(String, String)>,
    /// HTTP Basic or Digest credentials: the user name, and the command that prints the password (run
    /// directly, never through a shell, when the feed is fetched; the password is kept
    /// nowhere).
    pub username: Option<String>,
    pub password_command: Vec<String>,
    /// `http://`, `https://`, `socks5://` or `socks5h://` (the proxy resolves names).
    pub proxy: Option<String>,
    /// A cookie file in the Netscape format browsers' export tools write; read, never written.
    pub cookies_file: Option<PathBuf>,
    /// Fetch the whole article of each new entry (issue #23).
    pub full_article: Option<bool>,
    /// False: never fetched (its entries stay).
    pub enabled: bool,
}

impl Default for FeedSettings {
    fn default() -> Self {
        Self {
            interval_minutes: None,
            user_agent: None,
            headers: Vec::new(),
            username: None,
            password_command: Vec::new(),
            proxy: None,
            cookies_file: None,
            full_article: None,
            enabled: true,
        }
    }
}

/// Which feeds a `[[feed]]` table is for: its URL (exactly as subscribed), or a title (the
/// feed's own or yours, any case).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FeedMatch {
    Url(String),
    Title(String),
}

impl FeedMatch {
    fn matches(&self, url: &str, titles: &[&str]) -> bool {
        match self {
            Self::Url(u) => u == url,
            Self::Title(t) => titles.iter().any(|title| title.eq_ignore_ascii_case(t)),
        }
    }
}

/// The defaults and every `[[feed]]` table, in the order written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SettingsBook {
    pub default: FeedSettings,
    pub feeds: Vec<(FeedMatch, FeedSettings)>,
}

impl SettingsBook {
    /// Whether any table or default changes how some feed is fetched.
    pub fn is_plain(&self) -> bool {
        self.feeds.is_empty() && self.default == FeedSettings::default()
    }

    /// The shortest interval a `[[feed]]` table asks for: the reader's timer must tick at
    /// least this often.
    pub fn shortest_interval(&self) -> Option<u64> {
        self.feeds
            .iter()
            .filter_map(|(_, f)| f.interval_minutes)
            .filter(|&m| m > 0)
            .min()
    }

    /// Whether a feed fetched last at `last_fetch` (Unix seconds) is due at `now` by its
    /// interval: a tenth of the interval (at least a minute) early counts, since a run that
    /// fetched it took time to reach it.
    pub fn interval_passed(
        interval_minutes: Option<u64>,
        last_fetch: Option<i64>,
        now: i64,
    ) -> bool {
        let (Some(minutes), Some(last)) = (interval_minutes.filter(|&m| m > 0), last_fetch) else {
            return true;
        };
        let secs = i64::try_from(minutes.saturating_mul(60)).unwrap_or(i64::MAX);
        let slack = (secs / 10).max(60);
        last.saturating_add(secs).saturating_sub(slack) <= now
    }

    /// The settings of the feed at `url` known by `titles`: the first table that names it
    /// over the defaults.
    pub fn for_feed(&self, url: &str, titles: &[&str]) -> FeedSettings {
        let d = &self.default;
        let Some((_, f)) = self.feeds.iter().find(|(m, _)| m.matches(url, titles)) else {
            return d.clone();
        };
        let mut headers: Vec<(String, String)> = d
            .headers
            .iter()
            .filter(|(name, _)| !f.headers.iter().any(|(n, _)| n.eq_ignore_ascii_case(name)))
            .cloned()
            .collect();
        headers.extend(f.headers.iter().cloned());
        let credentials = if f.username.is_some() {
            (f.username.clone(), f.password_command.clone())
        } else {
            (d.username.clone(), d.password_command.clone())
        };
        FeedSettings {
            interval_minutes: f.interval_minutes.or(d.interval_minutes),
            user_agent: f.user_agent.clone().or_else(|| d.user_agent.clone()),
            headers,
            username: credentials.0,
            password_command: credentials.1,
            proxy: f.proxy.clone().or_else(|| d.proxy.clone()),
            cookies_file: f.cookies_file.clone().or_else(|| d.cookies_file.clone()),
            full_article: f.full_article.or(d.full_article),
            enabled: f.enabled && d.enabled,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn book() -> SettingsBook {
        SettingsBook {
            default: FeedSettings {
                user_agent: Some("Mozilla/5.0".into()),
                headers: vec![
                    ("Accept-Language".into(), "en".into()),
                    ("X-Who".into(), "everyone".into()),
                ],
                ..FeedSettings::default()
            },
            feeds: vec![
                (
                    FeedMatch::Url("https://a.example/feed".into()),
                    FeedSettings {
                        headers: vec![("x-who".into(), "a".into())],
                        username: Some("ann".into()),
                        password_command: vec!["pass".into(), "show".into(), "a".into()],
                        ..FeedSettings::default()
                    },
                ),
                (
                    FeedMatch::Title("Quiet Blog".into()),
                    FeedSettings {
                        enabled: false,
                        user_agent: Some("curl/8".into()),
                        ..FeedSettings::default()
                    },
                ),
            ],
        }
    }

    #[test]
    fn a_table_overrides_the_defaults_and_a_header_replaces_its_namesake() {
        let a = book().for_feed("https://a.example/feed", &["A"]);
        assert_eq!(a.user_agent.as_deref(), Some("Mozilla/5.0"));
        assert_eq!(
            a.headers,
            [
                ("Accept-Language".to_owned(), "en".to_owned()),
                ("x-who".to_owned(), "a".to_owned())
            ]
        );
        assert_eq!(a.username.as_deref(), Some("ann"));
        assert!(a.enabled);
    }

    #[test]
    fn an_interval_has_passed_a_little_early_never_much_early() {
        let passed = SettingsBook::interval_passed;
        assert!(passed(None, Some(1000), 1000), "no interval: always");
        assert!(passed(Some(60), None, 0), "never fetched: due");
        assert!(!passed(Some(60), Some(0), 3000));
        assert!(passed(Some(60), Some(0), 3240), "six minutes early counts");
        assert!(passed(Some(5), Some(0), 240), "a minute early counts");
        assert!(!passed(Some(5), Some(0), 230));
        let mut b = book();
        assert_eq!(b.shortest_interval(), None);
        b.feeds[1].1.interval_minutes = Some(10);
        b.feeds[0].1.interval_minutes = Some(600);
        assert_eq!(b.shortest_interval(), Some(10));
    }

    #[test]
    fn a_title_matches_in_any_case_and_other_feeds_get_the_defaults() {
        let quiet = book().for_feed("https://q.example/rss", &["Feed title", "quiet blog"]);
        assert!(!quiet.enabled);
        assert_eq!(quiet.user_agent.as_deref(), Some("curl/8"));
        let other = book().for_feed("https://b.example/feed", &["B"]);
        assert_eq!(other, book().default);
        assert!(SettingsBook::default().is_plain());
        assert!(!book().is_plain());
    }
}
