//! `tidings publish DIR`: the stream, or a saved view, as a static "planet" page —
//! `DIR/index.html` (self-contained: its stylesheet inline, bodies sanitised, a policy that
//! forbids scripts) and `DIR/atom.xml`, an Atom feed of the same entries. Each file is written
//! beside its final name and renamed into place, so a web server never serves half a page.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;

use super::Env;
use super::export::{Pick, USAGE};
use crate::export::{Format, Options, export, page};
use crate::model::Query;
use crate::model::query;

/// The Atom feed's file name, beside `index.html`.
const ATOM_FILE: &str = "atom.xml";

/// `tidings publish` options.
#[derive(Debug, Args)]
pub struct PublishArgs {
    /// The directory to write index.html and atom.xml to (made if missing; the two files are
    /// replaced, nothing else in it is touched).
    dir: PathBuf,
    /// A saved view ([[views]] in the config) instead of the whole stream; the filters below
    /// narrow it further.
    #[arg(long, value_name = "NAME")]
    view: Option<String>,
    #[command(flatten)]
    pick: Pick,
    /// How many entries, newest first.
    #[arg(long, default_value_t = 50, value_name = "N")]
    limit: usize,
    /// The page's title [default: the view's name, else "tidings"].
    #[arg(long, value_name = "TITLE")]
    title: Option<String>,
    /// The address the directory is served at, for the feed's id and self link
    /// (`https://example.org/planet/`).
    #[arg(long, value_name = "URL")]
    url: Option<url::Url>,
    /// Titles, feeds and dates only: no bodies.
    #[arg(long)]
    no_bodies: bool,
}

pub fn run(env: &Env, args: &PublishArgs) -> anyhow::Result<ExitCode> {
    let (base, view_name) = match &args.view {
        Some(name) => {
            let Some(view) = env.config.views.iter().find(|v| &v.name == name) else {
                let names: Vec<&str> = env.config.views.iter().map(|v| v.name.as_str()).collect();
                eprintln!(
                    "tidings: --view: no saved view \"{name}\" in the config (views: {})",
                    if names.is_empty() {
                        "none".to_owned()
                    } else {
                        names.join(", ")
                    }
                );
                return Ok(ExitCode::from(USAGE));
            };
            let q =
                query::parse(&view.filter).map_err(|e| anyhow::anyhow!("view \"{name}\": {e}"))?;
            (q, Some(view.name.clone()))
        }
        None => (Query::default(), None),
    };
    let store = env.open_store()?;
    let filter = match args.pick.filter(&store, base)? {
        Ok(filter) => crate::model::EntryFilter {
            // A view's own order.
            sort: env
                .config
                .views
                .iter()
                .find(|v| Some(&v.name) == view_name.as_ref())
                .map(|v| v.order)
                .unwrap_or_default(),
            ..filter
        },
        Err(e) => {
            eprintln!("tidings: {e}");
            return Ok(ExitCode::from(USAGE));
        }
    };
    let entries = store.entries_matching(&filter, args.limit)?;
    let now = chrono::Utc::now();
    let title = args
        .title
        .clone()
        .or(view_name.clone())
        .unwrap_or_else(|| "tidings".into());
    let feed_url = args
        .url
        .as_ref()
        .and_then(|u| u.join(ATOM_FILE).ok())
        .map(String::from);
    let feed_id = feed_url.clone().unwrap_or_else(|| {
        let name = view_name.as_deref().unwrap_or("stream");
        let slug: String = name
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect();
        format!("urn:tidings:publish:{slug}")
    });
    let options = Options {
        title: crate::model::sanitize::line(&title),
        bodies: !args.no_bodies,
        now,
        feed_id,
        feed_url,
    };
    std::fs::create_dir_all(&args.dir).with_context(|| format!("making {}", args.dir.display()))?;
    let index = args.dir.join("index.html");
    let atom = args.dir.join(ATOM_FILE);
    replace(&index, &page(&entries, &options, Some(ATOM_FILE)))?;
    replace(&atom, &export(&entries, Format::Atom, &options))?;
    eprintln!(
        "Published {} to {} and {}",
        crate::model::count_of(entries.len(), "entry", "entries"),
        index.display(),
        atom.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// Writes `text` to `path` through a temporary file beside it, replacing what is there.
fn replace(path: &Path, text: &str) -> anyhow::Result<()> {
    super::output::write_file(path, text.as_bytes(), true)
}
