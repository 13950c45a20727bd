//! Where tidings keeps its files: XDG data (the database), config and state (the log).

use std::path::PathBuf;

/// Default locations, derived from the XDG base directories.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paths {
    pub db: PathBuf,
    pub config: PathBuf,
    pub log_dir: PathBuf,
}

impl Paths {
    /// The XDG defaults: `$XDG_DATA_HOME/tidings/tidings.db`,
    /// `$XDG_CONFIG_HOME/tidings/config.toml`, `$XDG_STATE_HOME/tidings/`.
    /// `None` when no home directory can be found.
    pub fn xdg() -> Option<Self> {
        let dirs = directories::ProjectDirs::from("", "", "tidings")?;
        Some(Self {
            db: dirs.data_dir().join("tidings.db"),
            config: dirs.config_dir().join("config.toml"),
            log_dir: dirs
                .state_dir()
                .unwrap_or_else(|| dirs.data_dir())
                .to_owned(),
        })
    }
}
