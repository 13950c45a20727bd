//! The command line: clap definitions, the headless commands, and launching the TUI. Errors
//! become one line on stderr and exit code 1; a closed pipe (`tidings entries | head`) is not
//! an error. Uses config, store, fetch, render, export and tui; never app or ui.

mod articles;
mod db;
mod demo;
mod download;
mod entries;
mod export;
mod feeds;
mod manage;
mod newsboat;
mod output;
mod parse;
mod publish;
mod restore;
mod rules;
mod sync;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};

use crate::config::{Config, Paths};
use crate::fetch::http::{FetchOptions, Fetcher};
use crate::fetch::refresh::RefreshOptions;
use crate::fetch::sync::Edit;
use crate::store::Store;

/// tidings: a terminal feed reader. Without a command, opens the reader on the stream.
#[derive(Debug, Parser)]
#[command(version, about, long_about = None)]
pub struct Cli {
    /// The database file [default: tidings/tidings.db in the XDG data directory].
    #[arg(long, global = true, env = "TIDINGS_DB", value_name = "PATH")]
    db: Option<PathBuf>,
    /// The config file [default: tidings/config.toml in the XDG config directory].
    #[arg(long, global = true, env = "TIDINGS_CONFIG", value_name = "PATH")]
    config: Option<PathBuf>,
    /// Open the reader on bundled demo feeds, in a throwaway database unless --db is given.
    #[arg(long)]
    demo: bool,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Subscribe to a feed (http, https or file URL): fetches it once and reports what it found.
    Add {
        /// The feed's URL.
        url: String,
    },
    /// Subscribe to every feed of an OPML file or a newsboat-style urls file, without fetching.
    Import {
        /// The OPML or urls file (or an http(s) URL of an OPML list), or `newsboat` to move
        /// in from newsboat (its urls file, and with its cache.db every entry with its read and
        /// flagged state).
        file: PathBuf,
        /// With `newsboat`: its urls file [default: newsboat's own location].
        #[arg(long, value_name = "FILE")]
        urls: Option<PathBuf>,
        /// With `newsboat`: its cache.db [default: newsboat's own location].
        #[arg(long, value_name = "FILE")]
        cache: Option<PathBuf>,
    },
    /// Unsubscribe from a feed (its id, URL or title); its entries go with it.
    Remove {
        /// The feed: its id, URL or title.
        feed: String,
    },
    /// Give a feed your own title, or (without one) its own back.
    Rename {
        /// The feed: its id, URL or title.
        feed: String,
        /// The new title; leave it out for the feed's own.
        title: Option<String>,
    },
    /// Set a feed's tags (separated by spaces or commas); none removes them all.
    Tag {
        /// The feed: its id, URL or title.
        feed: String,
        /// The tags.
        tags: Vec<String>,
    },
    /// Print the number of unread entries (for a status bar), or with --json every count.
    Count(manage::CountArgs),
    /// List the feeds with unread and total counts and their last error.
    Feeds {
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Fetch every feed now and print a summary (failures are listed on stderr).
    ///
    /// Exit status: 0 when every feed fetched fine (or was left alone because its host asked
    /// to wait), 2 when some feeds failed, 1 when the refresh could not run at all.
    ///
    /// With `[sync]` on, the server fetches the feeds: this syncs with it instead, as
    /// `tidings sync` does (every feed; --feed, --due, --jobs and --per-host do not apply).
    Refresh(RefreshArgs),
    /// Sync with the feed server of `[sync]` (Miniflux, FreshRSS, …) now and print a summary:
    /// marks made here go to the server, then subscriptions, read and starred states and new
    /// items come from it.
    ///
    /// Exit status: 0 when the sync went well, 1 when it could not run or stopped part way
    /// (what it did before stopping is kept).
    Sync(sync::SyncArgs),
    /// Queue the enclosures (podcast episodes, videos) of the given entries and download
    /// them; without ids, download what is queued. Files land in `[media] dir`.
    ///
    /// Exit status: 0 when every download finished, 2 when some failed or are left to
    /// resume, 1 when the queue could not run.
    Download {
        /// Entry ids (as `tidings entries` prints them).
        entries: Vec<i64>,
    },
    /// List entries, newest first.
    Entries(entries::EntriesArgs),
    /// Print one entry rendered as text.
    Show {
        /// The entry's id (as `tidings entries` prints it).
        entry: i64,
        /// Wrap the text at this many columns.
        #[arg(long, default_value_t = 80)]
        width: usize,
        /// Print the whole article, fetching the entry's web page first when it is not stored
        /// yet (exit status 2 when no article came of it: the feed's text is printed).
        #[arg(long)]
        full: bool,
    },
    /// Mark entries read, unread, starred or unstarred.
    Mark(entries::MarkArgs),
    /// Write every subscription as OPML 2.0 (folders and categories from tags), to stdout or -o FILE.
    ExportOpml {
        /// Write to this file instead of stdout (an existing file is kept unless --force).
        #[arg(long, short = 'o', value_name = "FILE")]
        output: Option<PathBuf>,
        /// Replace the output file if it exists.
        #[arg(long)]
        force: bool,
    },
    /// Export entries (by id or filter) as Markdown, text, HTML, JSON, Atom or CSV, to stdout
    /// or -o FILE.
    Export(export::ExportArgs),
    /// Write the stream or a saved view as a static web page (DIR/index.html) with an Atom
    /// feed of the same entries (DIR/atom.xml), safe to serve as is.
    Publish(publish::PublishArgs),
    /// Parse one feed document and print what was read as JSON (no database involved).
    Parse {
        /// The feed file.
        file: PathBuf,
    },
    /// List the config's rules and how many stored entries each matches now; `apply` applies
    /// them to what is already stored.
    Rules {
        #[command(subcommand)]
        command: Option<rules::RulesCommand>,
        /// Print JSON instead of text (the list).
        #[arg(long)]
        json: bool,
    },
    /// The database: `stats` (sizes and counts), `vacuum` (compact), `synth` (build a test one).
    #[command(subcommand)]
    Db(db::DbCommand),
    /// Print a shell's completion script: `tidings completions bash >
    /// ~/.local/share/bash-completion/completions/tidings` (zsh, fish, elvish, powershell too).
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff): `tidings man > ~/.local/share/man/man1/tidings.1`.
    Man,
    /// Check the config file and say where it is; `--default` prints every option, commented.
    Config {
        /// Print the default config with every option and what it does.
        #[arg(long)]
        default: bool,
    },
}

/// `tidings refresh` options; they override the config's `[refresh]` values.
#[derive(Debug, Args)]
struct RefreshArgs {
    /// Requests in flight at once (1 to 256).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=256))]
    jobs: Option<u16>,
    /// Requests in flight at once to one host (1 to 64).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=64))]
    per_host: Option<u16>,
    /// Only feeds that are due: skip those whose content is still fresh (TTL, max-age) and
    /// those backing off after failures (for cron).
    #[arg(long)]
    due: bool,
    /// Print the summary and every failure as JSON on stdout.
    #[arg(long)]
    json: bool,
    /// Only this feed (its id, URL or title); may be given more than once.
    #[arg(long, value_name = "FEED", conflicts_with = "due")]
    feed: Vec<String>,
}

/// Runs the command line; the binary's `main` is just this.
pub fn main() -> ExitCode {
    // The reader's watcher (`tui::watch_terminal`), started by the reader itself.
    if std::env::args_os()
        .nth(1)
        .is_some_and(|a| a == crate::tui::WATCH_ARG)
    {
        crate::tui::watch_terminal();
        return ExitCode::SUCCESS;
    }
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) if output::is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            let shown = output::shown(&e);
            tracing::error!("{shown}");
            eprintln!("tidings: {shown}");
            if e.is::<BadQuery>() {
                ExitCode::from(BAD_QUERY)
            } else {
                ExitCode::FAILURE
            }
        }
    }
}

/// Exit status when a `--query` cannot be read (a usage error, like clap's), for every command.
const BAD_QUERY: u8 = 2;

/// A `--query` that cannot be read: `--query: ` and why.
#[derive(Debug)]
pub struct BadQuery(pub String);

impl std::fmt::Display for BadQuery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "--query: {}", self.0)
    }
}

impl std::error::Error for BadQuery {}

/// Everything a command needs from the environment.
struct Env {
    db: PathBuf,
    config: Config,
    /// Where the config is read from (`--config`, else the XDG location), when known.
    config_path: Option<PathBuf>,
}

/// Says so on stderr before an existing database is upgraded (indexing a big one for search
/// takes a while).
fn announce_upgrade(db: &Path) {
    if let Ok(Some(found)) = Store::schema_version(db)
        && found > 0
        && found < crate::store::SCHEMA_VERSION
    {
        eprintln!(
            "tidings: upgrading {} (schema {found} → {}), after keeping a copy of it as {}.v{found}.*.bak; \
             on a big database this takes a while…",
            db.display(),
            crate::store::SCHEMA_VERSION,
            db.display()
        );
    }
}

impl Env {
    /// The config file, as messages name it.
    fn config_shown(&self) -> String {
        self.config_path
            .as_ref()
            .map_or_else(|| "the config file".to_owned(), |p| p.display().to_string())
    }

    fn open_store(&self) -> anyhow::Result<Store> {
        announce_upgrade(&self.db);
        if let Some(dir) = self.db.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("creating the data directory {}", dir.display()))?;
        }
        Ok(Store::open(&self.db)?)
    }

    fn fetcher(&self) -> anyhow::Result<Fetcher> {
        let r = &self.config.refresh;
        let mut opts = FetchOptions {
            connect_timeout: std::time::Duration::from_secs(r.connect_timeout_secs),
            timeout: std::time::Duration::from_secs(r.timeout_secs),
            max_body_bytes: r.max_body_mib.saturating_mul(1024 * 1024),
            max_redirects: r.max_redirects,
            ..FetchOptions::default()
        };
        // `[refresh]`'s User-Agent and proxy for everything fetched: feeds, pages to subscribe
        // to, whole articles (a feed's own, from `[[feed]]`, on top in the refresh).
        if let Some(agent) = &r.user_agent {
            opts.user_agent.clone_from(agent);
        }
        let fetcher = Fetcher::new(opts).context("setting up the HTTP client")?;
        match &r.proxy {
            Some(proxy) => fetcher
                .with_proxy(proxy)
                .context("setting up [refresh] proxy"),
            None => Ok(fetcher),
        }
    }

    /// How each feed is fetched: `[refresh]`, the config's `[[feed]]` tables, and those of the
    /// feeds a TOML subscriptions file lists (`listed`, after the config's: the config wins).
    fn feed_settings(
        &self,
        listed: &[crate::export::subscriptions_file::Listed],
    ) -> crate::model::feed_settings::SettingsBook {
        let mut book = self.config.feed_settings();
        book.feeds
            .extend(crate::export::subscriptions_file::settings(listed));
        book
    }

    /// The feeds `[subscriptions] file` lists with their own keys; none without a file, or
    /// when it cannot be read (`apply_subscriptions_file` says why).
    fn listed(&self) -> Vec<crate::export::subscriptions_file::Listed> {
        self.config
            .subscriptions
            .path()
            .and_then(|p| crate::export::subscriptions_file::load(&p).ok())
            .map(|(_, _, listed)| listed)
            .unwrap_or_default()
    }

    /// What each feed keeps: the config's rules, then those of the feeds a TOML subscriptions
    /// file lists (`listed`).
    fn retention_rules(
        &self,
        listed: &[crate::export::subscriptions_file::Listed],
    ) -> crate::model::RetentionRules {
        let mut rules = self.config.retention_rules();
        let default = rules.default;
        rules
            .feeds
            .extend(crate::export::subscriptions_file::retention(
                listed, default,
            ));
        rules
    }

    /// Writes a change to the subscriptions into `[subscriptions] file`, when there is one;
    /// a file that cannot be written is said, and the change stays made in the database.
    fn write_back(&self, edit: &crate::export::subscriptions_file::Edit<'_>) {
        if let Some(path) = self.config.subscriptions.path()
            && let Err(e) = crate::export::subscriptions_file::write_back(&path, edit)
        {
            eprintln!("tidings: {e}");
        }
    }

    /// Makes the subscriptions those of `[subscriptions] file`, when there is one: what it
    /// did, in one line, or why the file could not be used (nothing changed then).
    fn apply_subscriptions_file(&self) -> Result<Option<String>, String> {
        let Some(path) = self.config.subscriptions.path() else {
            return Ok(None);
        };
        if self.config.sync.enabled() {
            return Err(
                "[subscriptions] file is not used with [sync]: the server keeps the \
                 subscriptions"
                    .into(),
            );
        }
        let mut store = self.open_store().map_err(|e| e.to_string())?;
        let now = chrono::Utc::now().timestamp();
        crate::export::subscriptions_file::apply(&mut store, &path, now)
            .map(|applied| crate::export::subscriptions_file::said(&applied))
    }

    /// How a refresh runs; with `[sync]`, the password is read here.
    fn refresh_options(&self) -> RefreshOptions {
        RefreshOptions {
            sync: sync::options(&self.config.sync).map(std::sync::Arc::new),
            ..self.local_refresh_options()
        }
    }

    /// How a refresh that fetches the feeds itself runs, whatever `[sync]` says (the demo).
    fn local_refresh_options(&self) -> RefreshOptions {
        // The subscriptions file is read once for both.
        let listed = self.listed();
        RefreshOptions {
            jobs: self.config.refresh.jobs,
            per_host: self.config.refresh.per_host,
            retention: self.retention_rules(&listed),
            rules: self.config.rules.clone(),
            sync: None,
            feeds: std::sync::Arc::new(self.feed_settings(&listed)),
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let paths = Paths::xdg();
    let demo_dir = if cli.demo && cli.db.is_none() {
        Some(demo::TempDir::new()?)
    } else {
        None
    };
    let db = match (&cli.db, &demo_dir, &paths) {
        (Some(db), _, _) => db.clone(),
        (None, Some(dir), _) => dir.path().join("demo.db"),
        (None, None, Some(p)) => p.db.clone(),
        (None, None, None) => {
            anyhow::bail!("no home directory to keep the database in; pass --db PATH")
        }
    };
    if let Some(Command::Config { default }) = &cli.command {
        return config_command(*default, cli.config.as_deref(), paths.as_ref());
    }
    let config = match (&cli.config, &paths) {
        (Some(path), _) => Config::load(path, true)?,
        (None, Some(p)) => Config::load(&p.config, false)?,
        (None, None) => Config::default(),
    };
    let log_dir = paths
        .as_ref()
        .map_or_else(std::env::temp_dir, |p| p.log_dir.clone());
    output::init_logging(&log_dir);
    crate::tui::install_panic_hook(log_dir.join("tidings.log"));
    let config_path = cli
        .config
        .clone()
        .or_else(|| paths.as_ref().map(|p| p.config.clone()));
    let ctx = Env {
        db,
        config,
        config_path,
    };
    // Blocking threads: a refresh's parsers (one per core), its writer and its log copier.
    // More only add malloc arenas that keep freed memory: 512 (tokio's default) made a cold
    // refresh of 500 feeds peak 10 MiB higher for no speed (issue #16).
    let cores = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .max_blocking_threads(cores + 2)
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let result = runtime.block_on(dispatch(
        cli,
        &ctx,
        demo_dir.as_ref().map(demo::TempDir::path),
    ));
    // Do not wait for a slow feed's blocking work after the user has quit.
    runtime.shutdown_timeout(std::time::Duration::from_millis(500));
    result
}

async fn dispatch(cli: Cli, ctx: &Env, demo_dir: Option<&Path>) -> anyhow::Result<ExitCode> {
    let Some(command) = cli.command else {
        if cli.demo {
            let dir = match demo_dir {
                Some(dir) => dir.to_owned(),
                None => demo::files_dir_beside(&ctx.db),
            };
            demo::seed(ctx, &dir).await?;
        }
        return tui(ctx, cli.demo).await;
    };
    let mut out = output::stdout();
    match command {
        Command::Add { url } => match sync::options(&ctx.config.sync) {
            Some(server) => sync::add(ctx, &server, &url, &mut out).await,
            None => feeds::add(ctx, &url, &mut out).await,
        },
        Command::Import { file, urls, cache } if file.as_os_str() == "newsboat" => {
            newsboat::import(ctx, urls, cache, &mut out)
        }
        Command::Import { file, .. } => feeds::import_any(ctx, &file, &mut out).await,
        Command::Feeds { json } => feeds::list(ctx, json, &mut out),
        Command::Remove { feed } => {
            match sync::edit(ctx, &feed, Some(Edit::Unsubscribe), &mut out).await? {
                Some(code) => Ok(code),
                None => manage::remove(ctx, &feed, &mut out),
            }
        }
        Command::Rename { feed, title } => {
            let edit = title.clone().map(Edit::Rename);
            match sync::edit(ctx, &feed, edit, &mut out).await? {
                Some(code) => Ok(code),
                None => manage::rename(ctx, &feed, title.as_deref(), &mut out),
            }
        }
        Command::Tag { feed, tags } => {
            let edit = tags.first().map(|t| Edit::Folder(t.clone()));
            match sync::edit(ctx, &feed, edit, &mut out).await? {
                Some(code) => Ok(code),
                None => manage::tag(ctx, &feed, &tags, &mut out),
            }
        }
        Command::Count(args) => manage::count(ctx, &args, &mut out),
        Command::Refresh(args) if ctx.config.sync.enabled() => {
            sync::run(ctx, args.json, &mut out).await
        }
        Command::Refresh(args) => feeds::refresh(ctx, &args, &mut out).await,
        Command::Sync(args) => sync::run(ctx, args.json, &mut out).await,
        Command::Download { entries } => download::run(ctx, &entries, &mut out).await,
        Command::Entries(args) => entries::list(ctx, &args, &mut out),
        Command::Show { entry, width, full } => {
            entries::show(ctx, entry, width, full, &mut out).await
        }
        Command::Mark(args) => entries::mark(ctx, &args, &mut out),
        Command::Export(args) => export::run(ctx, &args, &mut out),
        Command::Publish(args) => publish::run(ctx, &args),
        Command::Db(command) => db::run(ctx, &command, &mut out),
        Command::Rules {
            command: None,
            json,
        } => rules::list(ctx, json, &mut out),
        Command::Rules {
            command: Some(rules::RulesCommand::Apply { name, yes }),
            ..
        } => rules::apply(ctx, name.as_deref(), yes, &mut out),
        Command::ExportOpml { output, force } => {
            export::opml(ctx, output.as_deref(), force, &mut out)
        }
        Command::Parse { file } => parse::parse(&file, &mut out),
        Command::Completions { shell } => {
            use clap::CommandFactory as _;
            clap_complete::generate(shell, &mut Cli::command(), "tidings", &mut out);
            out.flush()?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Man => {
            use clap::CommandFactory as _;
            clap_mangen::Man::new(Cli::command()).render(&mut out)?;
            out.flush()?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Config { .. } => Ok(ExitCode::SUCCESS),
    }
}

/// `~` at the start of a path is the home directory.
fn expand_home(path: &str) -> String {
    match (path.strip_prefix('~'), std::env::var("HOME")) {
        (Some(rest), Ok(home)) if rest.is_empty() || rest.starts_with('/') => {
            format!("{home}{rest}")
        }
        _ => path.to_owned(),
    }
}

/// How links open, copy and show, from the config and the environment.
fn link_settings(config: &Config, media_dir: PathBuf) -> crate::tui::LinkSettings {
    let links = &config.links;
    let environment = crate::tui::clipboard::Environment::from(|name| std::env::var(name).ok());
    let hyperlinks = match links.hyperlinks {
        crate::config::Hyperlinks::On => true,
        crate::config::Hyperlinks::Off => false,
        crate::config::Hyperlinks::Auto => environment.hyperlinks,
    };
    crate::tui::LinkSettings {
        open_command: links.open_command.clone(),
        open_in_terminal: links.open_in_terminal,
        copy_command: links.copy_command.clone(),
        export_command: config.export.command.clone(),
        environment,
        hyperlinks,
        notify: config.notify.clone(),
        rules: std::sync::Arc::clone(&config.rules),
        media: crate::tui::MediaSettings {
            config: config.media.clone(),
            dir: media_dir,
            user_agent: String::new(),
            proxy: config.refresh.proxy.clone(),
        },
    }
}

/// `tidings config`: the default config, or where the config is and whether it is valid.
fn config_command(
    default: bool,
    named: Option<&Path>,
    paths: Option<&Paths>,
) -> anyhow::Result<ExitCode> {
    let mut out = output::stdout();
    if default {
        write!(out, "{}", crate::config::DEFAULT_TOML)?;
        return Ok(ExitCode::SUCCESS);
    }
    let Some(path) = named.or(paths.map(|p| p.config.as_path())) else {
        anyhow::bail!("no home directory, so no config file; pass --config PATH");
    };
    if !path.exists() && named.is_none() {
        writeln!(
            out,
            "{}: not there, the defaults are in use (`tidings config --default` prints them)",
            path.display()
        )?;
        return Ok(ExitCode::SUCCESS);
    }
    Config::load(path, true)?;
    writeln!(out, "{}: valid", path.display())?;
    Ok(ExitCode::SUCCESS)
}

/// The reader's refresh: a feed without an interval of its own is fetched by the automatic
/// refresh every `[refresh] interval_minutes` (cron's `--due` has no such default); with 0,
/// only feeds with an interval of their own are (and any never fetched yet).
fn reader_refresh(mut opts: RefreshOptions, interval: u64) -> RefreshOptions {
    let mut book = (*opts.feeds).clone();
    book.default.interval_minutes = Some(if interval > 0 {
        interval
    } else {
        u64::MAX / 60
    });
    opts.feeds = std::sync::Arc::new(book);
    opts
}

/// How often the reader's timer looks for due feeds: `[refresh] interval_minutes`, or more
/// often when a `[[feed]]` asks for a shorter interval; `None`: never.
fn tick_minutes(interval: u64, shortest: Option<u64>) -> Option<u64> {
    match (interval, shortest) {
        (0, None) => None,
        (0, Some(s)) => Some(s),
        (i, Some(s)) => Some(i.min(s)),
        (i, None) => Some(i),
    }
}

async fn tui(ctx: &Env, demo: bool) -> anyhow::Result<ExitCode> {
    if !std::io::IsTerminal::is_terminal(&std::io::stdout()) {
        anyhow::bail!(
            "the reader needs a terminal; for scripts use `tidings entries` (see --help)"
        );
    }
    // Open once here so a bad database is reported before the screen is taken over.
    drop(ctx.open_store()?);
    // The subscriptions file first, before the screen is taken; what it did is said there.
    let notices: Vec<(bool, String)> = if demo {
        Vec::new()
    } else {
        match ctx.apply_subscriptions_file() {
            Ok(said) => said.map(|s| (false, s)).into_iter().collect(),
            Err(why) => vec![(true, why)],
        }
    };
    crate::tui::run(crate::tui::TuiOptions {
        db: ctx.db.clone(),
        notices,
        // With [sync] the server keeps the subscriptions (the start said the file is unused).
        subscriptions_file: if demo || ctx.config.sync.enabled() {
            None
        } else {
            ctx.config.subscriptions.path()
        },
        reader: ctx.config.reader.clone(),
        // The demo's feeds are files beside a throwaway database: never the server's.
        refresh: reader_refresh(
            if demo {
                ctx.local_refresh_options()
            } else {
                ctx.refresh_options()
            },
            ctx.config.refresh.interval_minutes,
        ),
        fetcher: ctx.fetcher()?,
        refresh_on_start: ctx.config.refresh.on_start,
        keymap: ctx.config.keymap.clone(),
        ui: ctx.config.ui.clone(),
        styles: ctx.config.styles.clone(),
        links: link_settings(&ctx.config, download::media_dir(ctx)),
        export_dir: expand_home(&ctx.config.export.dir),
        views: ctx
            .config
            .views
            .iter()
            .map(|v| crate::model::query::SavedView {
                name: v.name.clone(),
                query: v.query.clone(),
                sort: v.order,
            })
            .collect(),
        refresh_every: tick_minutes(
            ctx.config.refresh.interval_minutes,
            ctx.feed_settings(&ctx.listed()).shortest_interval(),
        )
        .map(|m| std::time::Duration::from_secs(m.saturating_mul(60))),
    })
    .await?;
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod reader_tests {
    #[test]
    fn the_timer_ticks_at_the_shortest_interval_asked_for() {
        assert_eq!(super::tick_minutes(30, None), Some(30));
        assert_eq!(super::tick_minutes(30, Some(10)), Some(10));
        assert_eq!(super::tick_minutes(30, Some(60)), Some(30));
        assert_eq!(super::tick_minutes(0, Some(60)), Some(60));
        assert_eq!(super::tick_minutes(0, None), None);
    }

    #[test]
    fn in_the_reader_a_feed_without_an_interval_has_the_readers() {
        let opts = || super::RefreshOptions {
            jobs: 1,
            per_host: 1,
            retention: crate::model::RetentionRules::default(),
            rules: std::sync::Arc::new([]),
            sync: None,
            feeds: std::sync::Arc::default(),
        };
        let every = super::reader_refresh(opts(), 30);
        assert_eq!(every.feeds.default.interval_minutes, Some(30));
        let never = super::reader_refresh(opts(), 0)
            .feeds
            .default
            .interval_minutes;
        assert!(!crate::model::feed_settings::SettingsBook::interval_passed(
            never,
            Some(0),
            i64::MAX / 2
        ));
    }
}
