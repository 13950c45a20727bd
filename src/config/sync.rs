//! `[sync]`: the feed server tidings syncs with (issue #21). The password is never in the
//! config: it comes from `password_command` (run directly, never through a shell) or the
//! `TIDINGS_SYNC_PASSWORD` environment variable, read by the command line at start.

use serde::Deserialize;

/// `[sync]` as written. Without `kind`, there is no sync.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct SyncConfig {
    /// `"greader"` (the Google Reader API: Miniflux, FreshRSS, …), or empty: no sync.
    pub kind: String,
    /// The API's address: Miniflux's own (`https://rss.example.com`), FreshRSS's
    /// `https://host/api/greader.php`.
    pub url: String,
    pub username: String,
    /// A program and its arguments printing the password on its first line
    /// (`["pass", "show", "miniflux"]`).
    pub password_command: Vec<String>,
    /// Only here to be refused with a clear message: a password is never kept in the config.
    password: Option<Refused>,
}

/// A key that is read only to be refused: whatever its value, it is never kept.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Refused;

impl<'de> Deserialize<'de> for Refused {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        serde::de::IgnoredAny::deserialize(d).map(|_| Refused)
    }
}

impl SyncConfig {
    /// Whether a sync is configured.
    pub fn enabled(&self) -> bool {
        !self.kind.is_empty()
    }

    /// What is wrong with it, if anything, naming the key.
    pub fn check(&self) -> Result<(), String> {
        if self.password.is_some() {
            return Err(
                "sync.password: a password is never kept in the config; set \
                        sync.password_command (e.g. [\"pass\", \"show\", \"miniflux\"]) or the \
                        TIDINGS_SYNC_PASSWORD environment variable"
                    .to_owned(),
            );
        }
        if !self.enabled() {
            return Ok(());
        }
        if self.kind != "greader" {
            return Err(format!(
                "sync.kind \"{}\" is not known: \"greader\" (the Google Reader API of Miniflux, \
                 FreshRSS, Inoreader, The Old Reader, BazQux)",
                crate::model::sanitize::line(&self.kind)
            ));
        }
        let url = self.url.trim();
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err("sync.url must be the server's http(s) address (Miniflux: \
                        https://rss.example.com; FreshRSS: https://host/api/greader.php)"
                .to_owned());
        }
        if self.username.trim().is_empty() {
            return Err("sync.username is missing".to_owned());
        }
        if self.password_command.first().is_some_and(String::is_empty) {
            return Err("sync.password_command: the program's name is empty".to_owned());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<SyncConfig, String> {
        let c: SyncConfig = toml::from_str(text).map_err(|e| e.to_string())?;
        c.check().map(|()| c)
    }

    #[test]
    fn no_kind_is_no_sync() {
        assert!(!parse("").unwrap().enabled());
    }

    #[test]
    fn a_password_in_the_config_is_refused_and_not_repeated() {
        let e = parse(
            "kind = \"greader\"\nurl = \"https://a\"\nusername = \"u\"\npassword = \"hunter2\"",
        )
        .unwrap_err();
        assert!(e.contains("never kept in the config"), "{e}");
        assert!(!e.contains("hunter2"), "{e}");
    }

    #[test]
    fn unknown_kinds_and_missing_keys_are_named() {
        let e = parse("kind = \"fever\"").unwrap_err();
        assert!(e.contains("sync.kind"), "{e}");
        let e = parse("kind = \"greader\"\nurl = \"rss.example\"").unwrap_err();
        assert!(e.contains("sync.url"), "{e}");
        let e = parse("kind = \"greader\"\nurl = \"https://rss.example\"").unwrap_err();
        assert!(e.contains("sync.username"), "{e}");
        let ok = parse("kind = \"greader\"\nurl = \"https://rss.example\"\nusername = \"me\"");
        assert!(ok.unwrap().enabled());
    }
}
