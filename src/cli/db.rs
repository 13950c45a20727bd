//! `tidings db`: the database itself — sizes and counts (`stats`), compacting (`vacuum`), and
//! building a synthetic one to measure with (`synth`).

use std::io::Write;
use std::process::ExitCode;
use std::time::Instant;

use clap::Subcommand;

use super::Env;
use super::output::Out;
use crate::store::{SynthSpec, synth};

#[derive(Debug, Subcommand)]
pub enum DbCommand {
    /// Counts, the size of the file, and of each table and index (the full-text index too).
    Stats,
    /// Compact the file: give back the space of deleted entries, merge the full-text index.
    Vacuum,
    /// Build a realistic synthetic database (for benchmarks) at --db, which must be new.
    Synth {
        /// How many feeds.
        #[arg(long, default_value_t = 100)]
        feeds: usize,
        /// Entries in each feed.
        #[arg(long, default_value_t = 100)]
        entries_per_feed: usize,
        /// The same seed builds the same database.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// About this many entries in a hundred re-post another feed's story (0-100).
        #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u8).range(0..=100))]
        duplicates: u8,
    },
}

fn mb(bytes: u64) -> String {
    #[allow(clippy::cast_precision_loss)] // a size to read, not to compute with
    let mb = bytes as f64 / 1e6;
    format!("{mb:.1} MB")
}

pub fn run(env: &Env, command: &DbCommand, out: &mut Out) -> anyhow::Result<ExitCode> {
    match command {
        DbCommand::Stats => stats(env, out),
        DbCommand::Vacuum => {
            let mut store = env.open_store()?;
            let before = store.stats()?;
            let started = Instant::now();
            eprintln!("Compacting {}…", env.db.display());
            let mut shown = Instant::now();
            store.vacuum(|packed| {
                if shown.elapsed().as_secs() >= 2 {
                    shown = Instant::now();
                    eprintln!("  {packed} bodies compressed");
                }
            })?;
            let after = store.stats()?;
            writeln!(
                out,
                "Compacted {} from {} to {} in {:.1} s",
                env.db.display(),
                mb(before.file_bytes + before.wal_bytes),
                mb(after.file_bytes + after.wal_bytes),
                started.elapsed().as_secs_f64()
            )?;
            Ok(ExitCode::SUCCESS)
        }
        DbCommand::Synth {
            feeds,
            entries_per_feed,
            seed,
            duplicates,
        } => {
            let mut store = env.open_store()?;
            let existing = store.counts()?;
            if existing.feeds > 0 {
                anyhow::bail!(
                    "{} already holds {} feeds; synth builds a new database (--db NEW.db)",
                    env.db.display(),
                    existing.feeds
                );
            }
            let spec = SynthSpec {
                feeds: *feeds,
                entries_per_feed: *entries_per_feed,
                seed: *seed,
                now: chrono::Utc::now().timestamp(),
                duplicates_percent: *duplicates,
            };
            let started = Instant::now();
            let mut shown = Instant::now();
            let report = synth(&mut store, &spec, |done| {
                if shown.elapsed().as_secs() >= 2 || done == spec.feeds {
                    shown = Instant::now();
                    eprintln!(
                        "{done}/{} feeds, {} entries, {:.0} s",
                        spec.feeds,
                        done * spec.entries_per_feed,
                        started.elapsed().as_secs_f64()
                    );
                }
            })?;
            writeln!(
                out,
                "Built {}: {} feeds, {} entries ({} read, {} starred) in {:.0} s",
                env.db.display(),
                report.feeds,
                report.entries,
                report.read,
                report.starred,
                started.elapsed().as_secs_f64()
            )?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn stats(env: &Env, out: &mut Out) -> anyhow::Result<ExitCode> {
    let store = env.open_store()?;
    let s = store.stats()?;
    writeln!(out, "{}", env.db.display())?;
    writeln!(
        out,
        "  {} feeds, {} entries, {} unread, {} starred",
        s.feeds, s.entries, s.unread, s.starred
    )?;
    writeln!(
        out,
        "  file {}, write-ahead log {}, free (vacuum gives back) {}",
        mb(s.file_bytes),
        mb(s.wal_bytes),
        mb(s.free_bytes)
    )?;
    writeln!(out, "  full-text index {}", mb(s.fts_bytes()))?;
    for o in &s.objects {
        writeln!(out, "  {:<28} {:>12}", o.name, mb(o.bytes))?;
    }
    Ok(ExitCode::SUCCESS)
}
