//! `--demo`: the reader on feed files bundled into the binary, subscribed as `file:` URLs so
//! that refreshing them takes the same path as any feed, with no network.

use std::path::{Path, PathBuf};

use anyhow::Context;

use super::Env;
use crate::fetch::refresh::run_once;
use crate::model::RefreshScope;

macro_rules! demo_feed {
    ($name:literal) => {
        (
            $name,
            include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/demo/", $name)),
        )
    };
}

/// The bundled demo feeds (`assets/demo/`): file name and bytes.
const DEMO_FEEDS: &[(&str, &[u8])] = &[
    demo_feed!("terminal-notes.atom.xml"),
    demo_feed!("crate-digest.rss.xml"),
    demo_feed!("millbrook-gazette.atom.xml"),
    demo_feed!("allotment-diary.rss.xml"),
    demo_feed!("shell-and-kettle.podcast.rss.xml"),
];

/// A throwaway directory for the demo database, removed on exit.
pub struct TempDir(tempfile::TempDir);

impl TempDir {
    pub fn new() -> anyhow::Result<Self> {
        let dir = tempfile::Builder::new()
            .prefix("tidings-demo-")
            .tempdir()
            .context("creating a temporary directory for the demo")?;
        Ok(Self(dir))
    }

    pub fn path(&self) -> &Path {
        self.0.path()
    }
}

/// Where demo feed files go when the demo runs on a database the user named: beside it.
pub fn files_dir_beside(db: &Path) -> PathBuf {
    let mut name = db.file_name().unwrap_or_default().to_owned();
    name.push(".demo-feeds");
    db.with_file_name(name)
}

/// Writes the demo feeds into `dir`, subscribes to them and fetches them once.
pub async fn seed(env: &Env, dir: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let mut store = env.open_store()?;
    let now = chrono::Utc::now().timestamp();
    for (name, bytes) in DEMO_FEEDS {
        let path = dir.join(name);
        std::fs::write(&path, bytes).with_context(|| format!("writing {}", path.display()))?;
        let url = url::Url::from_file_path(&path)
            .map_err(|()| anyhow::anyhow!("{} is not an absolute path", path.display()))?;
        store.add_feed(url.as_str(), now)?;
    }
    let store = crate::fetch::refresh::shared_store(store)?;
    run_once(
        &store,
        &env.fetcher()?,
        RefreshScope::All,
        env.local_refresh_options(),
        |_| {},
    )
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_files_go_beside_a_named_database() {
        assert_eq!(
            files_dir_beside(Path::new("/tmp/x/my.db")),
            PathBuf::from("/tmp/x/my.db.demo-feeds")
        );
    }
}
