//! What every command needs: the home folder, the config, the clock and the seed, resolved
//! once from the command line and environment.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::cli::{Cli, DeckFilter};
use crate::clock::TimeSource;
use crate::config::{self, Config};
use crate::deck::index::{Index, load_index};
use crate::deck::load::{Broken, LoadError};
use crate::deck::{Card, Library};
use crate::paths::Home;
use crate::schedule::Scheduler;
use crate::vars;

pub struct App {
    pub home: Home,
    pub config: Config,
    pub time: TimeSource,
    /// `SMRITI_SEED`, or fresh randomness.
    pub seed: u64,
    pub color: bool,
    /// `budget`, once read: `stats` and `plan` size exam goals and simulate with it, and
    /// with `minutes_per_day` set each would read the recent history again.
    budget: std::sync::OnceLock<crate::budget::Budget>,
}

/// This machine's device id when set: `SMRITI_DEVICE`, else `device` in the config.
pub fn device(config: &Config) -> Result<Option<String>> {
    match vars::text(vars::DEVICE) {
        Some(id) => {
            crate::store::devices::check_id(&id)
                .map_err(|r| anyhow::anyhow!("SMRITI_DEVICE {r}"))?;
            Ok(Some(id))
        }
        None => Ok(config.device.clone()),
    }
}

impl App {
    pub fn new(cli: &Cli) -> Result<App> {
        let home = Home::resolve(cli.home.as_deref())?;
        let config = config::load(&home.config)?;
        let fixed = cli
            .now
            .clone()
            .or_else(|| vars::text(vars::NOW))
            .map(|s| {
                s.parse::<jiff::Timestamp>()
                    .with_context(|| format!("--now/SMRITI_NOW `{s}` is not an RFC 3339 time (e.g. 2026-11-24T09:00:00+05:30)"))
            })
            .transpose()?;
        let seed = match vars::text(vars::SEED) {
            Some(s) => s
                .trim()
                .parse()
                .with_context(|| format!("SMRITI_SEED `{s}` is not a whole number"))?,
            None => rand::random(),
        };
        let color = crate::term::use_color(cli.color);
        let tz = config.timezone.clone().unwrap_or_else(crate::zone::system);
        crate::store::devices::configure(crate::store::devices::Settings {
            device: device(&config)?,
            parameters: config.fsrs_parameters.clone(),
            retention: config.desired_retention,
            tz: tz.clone(),
            day_start_hour: config.day_start_hour,
        });
        Ok(App {
            home,
            time: TimeSource {
                fixed,
                tz,
                day_start_hour: config.day_start_hour,
            },
            config,
            seed,
            color,
            budget: std::sync::OnceLock::new(),
        })
    }

    pub fn scheduler(&self) -> Result<Scheduler> {
        Ok(Scheduler::new(
            &self.config.fsrs_parameters,
            self.config.desired_retention,
            self.seed,
        )?)
    }

    /// Today's budget: `max_reviews_per_day`, or what fits in `minutes_per_day` at the user's
    /// median answer time (the history is read only when minutes are set, and once a command).
    pub fn budget(&self) -> Result<crate::budget::Budget> {
        if let Some(b) = self.budget.get() {
            return Ok(*b);
        }
        let secs = if self.config.minutes_per_day.is_some() {
            let clock = self.time.clock();
            let recent = crate::store::history::read_recent(&self.home.state(), &clock, 30)?;
            crate::budget::answer_secs(&recent)
        } else {
            crate::budget::DEFAULT_ANSWER_SECS
        };
        Ok(*self
            .budget
            .get_or_init(|| crate::budget::Budget::new(&self.config, secs)))
    }

    /// Loads every deck (plus the `--deck` files) and says which deck ids the filter names; a
    /// broken deck of the user's folder is a warning on stderr and left out (see `load_library`).
    pub fn library(&self, filter: &DeckFilter) -> Result<(Library, Vec<String>)> {
        let (index, ids) = self.index(filter)?;
        Ok((index.library()?, ids))
    }

    /// `library` as the deck index: every card's key, deck, exam, kind and tags, its text
    /// decoded only when asked for (the start-up commands show few of 100k cards).
    pub fn index(&self, filter: &DeckFilter) -> Result<(Index, Vec<String>)> {
        let mut files = Vec::new();
        let mut ids = Vec::new();
        for d in &filter.decks {
            let path = Path::new(d);
            if path.is_file() {
                files.push(path.to_path_buf());
            } else if d.ends_with(".toml") || d.contains(std::path::MAIN_SEPARATOR) {
                bail!("deck file {d} does not exist");
            } else {
                ids.push(d.clone());
            }
        }
        let index = load_index_warned(
            &self.home.decks(),
            &files,
            Some(&self.home.cache().join("decks.bin")),
        )?;
        for id in &ids {
            if index.deck_by_id(id).is_none() {
                let known: Vec<&str> = index.decks.iter().map(|d| d.id.as_str()).collect();
                bail!("no deck has the id `{id}` (decks: {})", known.join(", "));
            }
        }
        for path in &files {
            let canonical = path.canonicalize().unwrap_or_else(|_| path.clone());
            if let Some(deck) = index.decks.iter().find(|d| match &d.origin {
                crate::deck::Origin::File(p) => {
                    p.canonicalize().unwrap_or_else(|_| p.clone()) == canonical
                }
                _ => false,
            }) {
                ids.push(deck.id.clone());
            }
        }
        Ok((index, ids))
    }
}

/// Refuses a `--tag` that no card has (most likely a typo), naming the tags there are.
pub fn known_tags(library: &Library, tags: &[String]) -> Result<Vec<String>> {
    for tag in tags {
        if !library.cards().any(|c| c.has_tag(tag)) {
            let mut all: Vec<&str> = library
                .cards()
                .flat_map(|c| c.tags.iter().map(String::as_str))
                .collect();
            all.sort_unstable();
            all.dedup();
            bail!("no card has the tag `{tag}` (tags: {})", all.join(", "));
        }
    }
    Ok(tags.to_vec())
}

/// `known_tags` over the deck index.
pub fn known_tags_in(index: &Index, tags: &[String]) -> Result<Vec<String>> {
    for tag in tags {
        if !(0..index.len()).any(|i| index.has_tag(i, tag)) {
            bail!(
                "no card has the tag `{tag}` (tags: {})",
                index.all_tags().join(", ")
            );
        }
    }
    Ok(tags.to_vec())
}

pub fn load_decks(user_dir: &Path, extra: &[PathBuf], cache: Option<&Path>) -> Result<Library> {
    Ok(load_index_warned(user_dir, extra, cache)?.library()?)
}

/// The deck index of `load_index`, each broken deck of the user's folder a warning on stderr.
pub fn load_index_warned(
    user_dir: &Path,
    extra: &[PathBuf],
    cache: Option<&Path>,
) -> Result<Index> {
    for link in crate::deck::load::dangling_links(user_dir) {
        eprintln!(
            "smriti: warning: {}: {}; it was skipped",
            crate::sanitize::clean_line(&link.display().to_string()),
            crate::deck::load::DANGLING
        );
    }
    let (index, broken) = load_index(user_dir, extra, cache).map_err(|e| match e {
        LoadError::Invalid(errors) => {
            anyhow::Error::new(DeckErrors(errors.iter().map(ToString::to_string).collect()))
        }
        io => anyhow::Error::new(io),
    })?;
    for deck in &broken {
        eprintln!(
            "smriti: warning: {}",
            crate::sanitize::clean_line(&left_out(deck))
        );
    }
    Ok(index)
}

/// The one warning for a user deck left out: where its first error is, what it says, and
/// what to do. Its cards' progress is untouched: they are simply not offered.
pub fn left_out(deck: &Broken) -> String {
    let more = match deck.errors {
        0 | 1 => String::new(),
        n => format!(" (and {} more)", n - 1),
    };
    format!(
        "{}{more} — its cards are left out until it is fixed; run smriti check",
        deck.first
    )
}

/// Several deck errors, one per line, each already located.
#[derive(Debug, thiserror::Error)]
#[error("{}", .0.join("\n"))]
pub struct DeckErrors(pub Vec<String>);

/// Cards of the library that pass a filter, in deck order.
pub fn select(library: &Library, keep: impl Fn(&Card) -> bool) -> Vec<&Card> {
    library.cards().filter(|c| keep(c)).collect()
}
