//! The runtime's side of podcasts (issue #22): playing an enclosure (the downloaded file when
//! there is one) with the player `[media] players` names for its type, handed the terminal
//! like a text browser; over SSH without a player, copying its link as `o` does; queueing
//! downloads in the store and running the queue as one background job.

use std::path::PathBuf;
use std::sync::Arc;

use super::clipboard::{open_command, openable};
use super::effects::Executor;
use crate::app::{Effect, Job, Msg};
use crate::fetch::downloads::{QueueOptions, run_queue};
use crate::model::EntryId;
use crate::model::enclosure::{self, Enclosure};

/// `[media]` as the runtime uses it.
#[derive(Debug, Clone, Default)]
pub struct MediaSettings {
    pub config: crate::config::media::MediaConfig,
    /// Where downloads land (`[media] dir` resolved); empty: `media` beside the database.
    pub dir: PathBuf,
    pub user_agent: String,
    /// `[refresh] proxy`, which downloads go through too.
    pub proxy: Option<String>,
}

impl Executor {
    /// Runs a podcast effect; any other effect is handed back.
    pub(super) fn on_media(&mut self, effect: Effect) -> Result<Option<Msg>, Effect> {
        Ok(match effect {
            Effect::Play { id, pick } => self.play(id, pick),
            Effect::PlayDownload { id } => self.play_download(id),
            Effect::QueueDownloads { ids, pick } => Some(self.queue_downloads(&ids, pick)),
            Effect::LoadDownloads => Some(
                self.store
                    .downloads()
                    .map_or_else(|e| Msg::Failed(e.diagnosed()), Msg::DownloadsLoaded),
            ),
            Effect::StartDownloads => {
                self.start_downloads();
                None
            }
            Effect::RemoveDownload { id } => Some(self.remove_download(id)),
            Effect::RetryDownload { id } => Some(self.retry_download(id)),
            other => return Err(other),
        })
    }

    fn media_dir(&self) -> PathBuf {
        if self.links.media.dir.as_os_str().is_empty() {
            self.store
                .path()
                .parent()
                .map_or_else(|| PathBuf::from("media"), |d| d.join("media"))
        } else {
            self.links.media.dir.clone()
        }
    }

    /// Plays enclosure `pick` of entry `id` (its first audio or video file when `None`).
    fn play(&mut self, id: EntryId, pick: Option<usize>) -> Option<Msg> {
        let all = match self.store.enclosures(id) {
            Ok(all) => all,
            Err(e) => return Some(Msg::Failed(e.diagnosed())),
        };
        let chosen = match pick {
            Some(i) => all.get(i),
            None => enclosure::primary(&all),
        };
        let Some(enc) = chosen.cloned() else {
            return Some(Msg::Info("This entry has no enclosure to play".into()));
        };
        let file = match self.store.downloaded_file(&enc.url) {
            Ok(file) => file
                .map(|f| self.media_dir().join(f))
                .filter(|p| p.is_file()),
            Err(e) => return Some(Msg::Failed(e.diagnosed())),
        };
        self.play_with_player(&enc, file)
    }

    /// Plays the file of download `id` (or its link, while it is not whole).
    fn play_download(&mut self, id: i64) -> Option<Msg> {
        let rows = match self.store.downloads() {
            Ok(rows) => rows,
            Err(e) => return Some(Msg::Failed(e.diagnosed())),
        };
        let row = rows.into_iter().find(|d| d.id == id)?;
        let file = row
            .file
            .as_ref()
            .filter(|_| row.state == crate::model::download::DownloadState::Done)
            .map(|f| self.media_dir().join(f))
            .filter(|p| p.is_file());
        let enc = Enclosure {
            url: row.url,
            mime: row.mime,
            length: row.total,
            duration: None,
        };
        self.play_with_player(&enc, file)
    }

    /// The player for the type, handed the terminal; else over SSH (or with no display) the
    /// link copied, else the link opened as `o` would.
    fn play_with_player(&mut self, enc: &Enclosure, file: Option<PathBuf>) -> Option<Msg> {
        // The file when it is here, else the link (checked again where a program starts).
        let target = match &file {
            Some(path) => path.display().to_string(),
            None if openable(&enc.url) => enc.url.clone(),
            None => return Some(Msg::Failed("not playing it: not an http(s) link".into())),
        };
        if let Some(player) = self.links.media.config.player_for(enc.mime.as_deref()) {
            // Run directly (never a shell), in the terminal, the reader stepping aside.
            self.hand_over = Some(open_command(player, None, &target));
            return None;
        }
        let env = &self.links.environment;
        let why = if env.ssh {
            Some("no player over SSH: set [media] players")
        } else if !env.display {
            Some("no display to play it on: set [media] players")
        } else {
            None
        };
        match (why, file) {
            (Some(why), _) => {
                let msg = Msg::Info(format!("Copied ({why}): {}", enc.url));
                self.copy(&enc.url).or(Some(msg))
            }
            (None, Some(path)) => {
                // The system's opener for a local file (not $BROWSER).
                let opener = if cfg!(target_os = "macos") {
                    "open"
                } else {
                    "xdg-open"
                };
                let argv = vec![opener.to_owned(), path.display().to_string()];
                super::clipboard::spawn(&argv)
                    .err()
                    .map(|e| Msg::Failed(format!("could not start {}: {e}", argv[0])))
            }
            (None, None) => self.open_url(&enc.url),
        }
    }

    /// Queues the downloads of `ids`' enclosures and starts the queue.
    fn queue_downloads(&mut self, ids: &[EntryId], pick: Option<usize>) -> Msg {
        let now = chrono::Utc::now().timestamp();
        match self.store.queue_downloads(ids, pick, now) {
            Ok(0) => Msg::Info(
                "Nothing new to download (no enclosure, or queued already: w shows the queue)"
                    .into(),
            ),
            Ok(n) => {
                self.start_downloads();
                Msg::Info(format!(
                    "Queued {}",
                    crate::model::count_of(n, "download", "downloads")
                ))
            }
            Err(e) => Msg::Failed(e.diagnosed()),
        }
    }

    /// Runs the queue as a job, unless one runs already or nothing is queued.
    pub(super) fn start_downloads(&mut self) {
        if self.jobs.is_running(Job::Download) {
            return;
        }
        match self.store.queued_downloads(&[]) {
            Ok(queued) if !queued.is_empty() => {}
            _ => return,
        }
        let media = &self.links.media;
        let opts = QueueOptions {
            dir: self.media_dir(),
            file_name: media.config.file_name_format(),
            max_bytes: media.config.max_mib.saturating_mul(1024 * 1024),
            parallel: media.config.parallel,
            user_agent: if media.user_agent.is_empty() {
                crate::fetch::http::FetchOptions::default().user_agent
            } else {
                media.user_agent.clone()
            },
            proxy: media.proxy.clone(),
        };
        let db = self.store.path().to_owned();
        let runtime = tokio::runtime::Handle::current();
        self.jobs.spawn(Job::Download, move |ctx| {
            let watch = ctx.clone();
            let stop: crate::fetch::downloads::Stop = Arc::new(move || watch.cancelled());
            let ran = runtime.block_on(run_queue(&db, &opts, None, stop, |event| {
                ctx.say(Msg::Download(event));
            }));
            if let Err(e) = ran {
                ctx.say(Msg::Failed(format!("Downloads stopped: {e}")));
            }
        });
    }

    /// Takes download `id` out of the queue.
    fn remove_download(&mut self, id: i64) -> Msg {
        match self.store.remove_download(id) {
            Ok(()) => Msg::DownloadsLoaded(self.store.downloads().unwrap_or_default()),
            Err(e) => Msg::Failed(e.diagnosed()),
        }
    }

    /// Queues failed download `id` again and starts the queue.
    fn retry_download(&mut self, id: i64) -> Msg {
        if let Err(e) = self.store.retry_download(id) {
            return Msg::Failed(e.diagnosed());
        }
        self.start_downloads();
        Msg::DownloadsLoaded(self.store.downloads().unwrap_or_default())
    }
}
