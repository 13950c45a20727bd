//! `[media]`: where downloaded enclosures land, how big one may be, how many download at once,
//! and which program plays which type (issue #22). Players run directly, never through a
//! shell, and take the terminal while they play.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Deserialize;

use crate::model::download::FileNameFormat;

/// `[media]` as written.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MediaConfig {
    /// Where downloads land; empty: `media` beside the database.
    pub dir: String,
    /// The largest file a download may make, in MiB.
    pub max_mib: u64,
    /// Downloads running at once.
    pub parallel: usize,
    /// How a download's file is named under `dir` (`model::download::FileNameFormat`).
    pub file_name: String,
    /// A MIME type pattern (`audio/*`, `video/mp4`, `*`) → the program and its arguments; the
    /// file or link is added last, or replaces `%s`.
    pub players: BTreeMap<String, Vec<String>>,
}

impl Default for MediaConfig {
    fn default() -> Self {
        Self {
            dir: String::new(),
            max_mib: 2048,
            parallel: 2,
            file_name: FileNameFormat::DEFAULT.to_owned(),
            players: BTreeMap::new(),
        }
    }
}

impl MediaConfig {
    /// The directory downloads land in, `~` expanded; `beside_db` when none is set.
    pub fn dir_or(&self, beside_db: PathBuf) -> PathBuf {
        let dir = self.dir.trim();
        if dir.is_empty() {
            return beside_db;
        }
        match (dir.strip_prefix("~/"), std::env::var_os("HOME")) {
            (Some(rest), Some(home)) => PathBuf::from(home).join(rest),
            _ => PathBuf::from(dir),
        }
    }

    /// The player for `mime`: the most specific pattern that matches (`audio/mpeg`, then
    /// `audio/*`, then `*`).
    pub fn player_for(&self, mime: Option<&str>) -> Option<&[String]> {
        let mime = mime.unwrap_or("");
        let top = mime.split('/').next().unwrap_or("");
        [mime.to_owned(), format!("{top}/*"), "*".to_owned()]
            .iter()
            .find_map(|pattern| self.players.get(pattern))
            .map(Vec::as_slice)
            .filter(|argv| !argv.is_empty())
    }

    /// `file_name` read (`check` has refused a bad one).
    pub fn file_name_format(&self) -> FileNameFormat {
        FileNameFormat::parse(&self.file_name).unwrap_or_default()
    }

    /// What is wrong with it, if anything, naming the key.
    pub fn check(&self) -> Result<(), String> {
        if let Err(why) = FileNameFormat::parse(&self.file_name) {
            return Err(format!("media.file_name \"{}\": {why}", self.file_name));
        }
        if !(1..=1_048_576).contains(&self.max_mib) {
            return Err(format!(
                "media.max_mib {} is out of range (1-1048576)",
                self.max_mib
            ));
        }
        if !(1..=16).contains(&self.parallel) {
            return Err(format!(
                "media.parallel {} is out of range (1-16)",
                self.parallel
            ));
        }
        for (pattern, argv) in &self.players {
            if argv.first().is_none_or(|p| p.trim().is_empty()) {
                return Err(format!(
                    "media.players \"{pattern}\": the program's name is empty"
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_most_specific_player_wins() {
        let m: MediaConfig = toml::from_str(
            r#"players = { "audio/*" = ["mpv", "--no-video"], "audio/ogg" = ["ogg123"], "*" = ["xdg-open"] }"#,
        )
        .unwrap();
        assert_eq!(m.player_for(Some("audio/ogg")).unwrap(), ["ogg123"]);
        assert_eq!(
            m.player_for(Some("audio/mpeg")).unwrap(),
            ["mpv", "--no-video"]
        );
        assert_eq!(m.player_for(Some("video/mp4")).unwrap(), ["xdg-open"]);
        assert_eq!(m.player_for(None).unwrap(), ["xdg-open"]);
        assert!(
            MediaConfig::default()
                .player_for(Some("audio/mpeg"))
                .is_none()
        );
        assert!(m.check().is_ok());
        let bad: MediaConfig = toml::from_str(r#"players = { "audio/*" = [] }"#).unwrap();
        assert!(bad.check().unwrap_err().contains("media.players"));
    }
}
