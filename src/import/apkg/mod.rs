//! `.apkg` and `.colpkg` import: Anki packages, legacy and current, with their review
//! history. The work is split by what it knows about: `package` opens the zip and unpacks the
//! collection, `collection` reads it with SQLite, `html` turns fields into text, `convert`
//! makes smriti cards of Anki notes, `history` turns the review log into answers replayed
//! through smriti's scheduler, and `write` renders the deck files. `prepare` runs them all in
//! memory and writes nothing, so a dry run and a real import are the same up to the commit
//! (`cmd::import`), and any error leaves the home as it was.

pub mod collection;
pub mod convert;
pub mod history;
pub mod html;
mod moved;
pub mod package;
pub mod proto;
pub mod write;

use std::collections::{BTreeMap, HashMap};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

use crate::clock::Clock;
use crate::deck::slug::{slug, unique};
use crate::schedule::Scheduler;
use crate::store::States;
use history::{Answer, Dropped};

#[derive(Debug, thiserror::Error)]
pub enum ApkgError {
    #[error("cannot read {}", .path.display())]
    Read { path: PathBuf, source: io::Error },
    #[error("{} is not an Anki package: {why}", .path.display())]
    NotAPackage { path: PathBuf, why: String },
    #[error("{}: `{member}` is damaged ({why})", .path.display())]
    Corrupt {
        path: PathBuf,
        member: String,
        why: String,
    },
    #[error(
        "{}: written by a newer Anki (package version {version}; smriti reads versions 1 to 3)",
        .path.display()
    )]
    UnknownVersion { path: PathBuf, version: u64 },
    #[error(
        "{}: its collection has schema {schema}, which smriti does not know (it reads 11 and 15 to 18)",
        .path.display()
    )]
    UnknownSchema { path: PathBuf, schema: i64 },
    #[error("{} {why}", .path.display())]
    Deck { path: PathBuf, why: String },
    #[error("`{0}` cannot be a deck id: use letters, digits, `-`, `_` and `.`")]
    BadDeckId(String),
}

/// What the user asked for.
pub struct Options<'a> {
    pub package: &'a Path,
    /// `--deck ID`: every card into this one deck instead of one deck per Anki deck.
    pub deck: Option<&'a str>,
    /// `<home>/decks`.
    pub decks_dir: &'a Path,
    /// Deck ids smriti has built in, which an imported deck must not take.
    pub builtin_ids: &'a [String],
}

/// A deck file to write.
pub struct DeckFile {
    pub id: String,
    pub anki_name: String,
    pub path: PathBuf,
    pub created: bool,
    /// The file as the import read it (`None`: not there), to check nothing changed it since
    /// and to put back if a later step fails.
    pub original: Option<String>,
    pub text: String,
    pub counts: write::Counts,
    pub kinds: BTreeMap<&'static str, usize>,
}

/// Everything an import would do, computed without writing anything.
pub struct Prepared {
    pub format: package::Format,
    pub decks: Vec<DeckFile>,
    /// The card keys the answers belong to, by index.
    pub keys: Vec<String>,
    /// Answers to record, oldest first, with the index of their card's key.
    pub answers: Vec<(u32, Answer)>,
    pub dropped: BTreeMap<Dropped, usize>,
    pub skipped: BTreeMap<String, usize>,
    pub other_types: BTreeMap<String, usize>,
    pub repeated_gaps: usize,
    pub suspended: usize,
    /// The keys of the cards suspended in Anki: they are suspended here too.
    pub suspended_keys: Vec<String>,
    pub media_referenced: Vec<String>,
    pub media_in_package: usize,
    /// The hour study days started at in the replay.
    pub day_start_hour: u8,
}

/// Progress from 0 to 1000, for the bar.
#[derive(Default)]
pub struct Progress(AtomicU32);

impl Progress {
    pub fn fraction(&self) -> f32 {
        self.0.load(Ordering::Relaxed) as f32 / 1000.0
    }

    fn set(&self, fraction: f32) {
        self.0.store(
            (fraction.clamp(0.0, 1.0) * 1000.0) as u32,
            Ordering::Relaxed,
        );
    }
}

pub fn prepare(
    opts: &Options<'_>,
    known: &States,
    scheduler: &Scheduler,
    clock: &Clock,
    progress: &Progress,
) -> Result<Prepared, ApkgError> {
    if let Some(id) = opts.deck
        && !crate::deck::parse::valid_id(id)
    {
        return Err(ApkgError::BadDeckId(id.to_owned()));
    }
    let pkg = package::open(opts.package)?;
    progress.set(0.15);
    let mut col = collection::read(pkg.collection.path(), opts.package, pkg.format.member())?;
    drop(pkg.collection);
    progress.set(0.35);
    let deck_ids = deck_ids(&col, opts);
    let converted = convert::convert(&col, &deck_ids);
    let moved = moved::find(&converted.decks, opts.decks_dir)?;
    progress.set(0.45);

    // Only the review log is needed from here on: the notes go, to keep the peak low.
    let reviews = std::mem::take(&mut col.reviews);
    let day_start_hour = col.rollover.unwrap_or(clock.day_start_hour);
    drop(col);
    let replay_clock = Clock::new(clock.now, clock.tz.clone(), day_start_hour);
    // The deck files are rendered and checked on a second thread while the history replays:
    // neither needs the other, and both take seconds on a large collection.
    let (decks, replayed) = std::thread::scope(|s| {
        // Two halves, so the rendering takes both cores once the replay is done.
        let half = converted.decks.len().div_ceil(2);
        let (first, second) = converted.decks.split_at(half);
        let rendering = s.spawn(|| render_decks(first, opts.decks_dir, &moved));
        let rendering_more = s.spawn(|| render_decks(second, opts.decks_dir, &moved));
        let replayed = replay_all(
            &converted,
            &reviews,
            known,
            scheduler,
            &replay_clock,
            progress,
        );
        let join = |h: std::thread::ScopedJoinHandle<'_, _>| match h.join() {
            Ok(decks) => decks,
            Err(panic) => std::panic::resume_unwind(panic),
        };
        ((join(rendering), join(rendering_more)), replayed)
    });
    let (decks, decks_more) = decks;
    let mut decks: Vec<DeckFile> = decks?;
    decks.extend(decks_more?);
    decks.extend(moved_out_only(&converted.decks, opts.decks_dir, moved)?);
    let Replayed {
        keys,
        answers,
        dropped,
        suspended,
        suspended_keys,
    } = replayed;
    progress.set(1.0);
    Ok(Prepared {
        format: pkg.format,
        decks,
        keys,
        answers,
        dropped,
        skipped: converted.skipped,
        other_types: converted.other_types,
        repeated_gaps: converted.repeated_gaps,
        suspended,
        suspended_keys,
        media_referenced: converted.media,
        media_in_package: pkg.media.len(),
        day_start_hour,
    })
}

/// A smriti deck id for each Anki deck: `--deck`, else made from the deck's full name
/// (`UPSC::Polity` → `upsc-polity`), never a built-in deck's id, unique among them in the
/// order of Anki's deck ids (so the same package gives the same ids every time).
fn deck_ids(col: &collection::Collection, opts: &Options<'_>) -> HashMap<i64, String> {
    let mut ids: Vec<(&i64, &String)> = col.decks.iter().collect();
    ids.sort();
    let mut taken: Vec<String> = opts.builtin_ids.to_vec();
    let mut out = HashMap::new();
    for (id, name) in ids {
        let chosen = match opts.deck {
            Some(deck) => deck.to_owned(),
            None => {
                let base = slug(&name.replace("::", " "));
                let fresh = unique(&base, |c| taken.iter().any(|t| t == c));
                taken.push(fresh.clone());
                fresh
            }
        };
        out.insert(*id, chosen);
    }
    out
}

/// The answers to record, from every imported card's log.
struct Replayed {
    keys: Vec<String>,
    answers: Vec<(u32, Answer)>,
    dropped: BTreeMap<Dropped, usize>,
    suspended: usize,
    suspended_keys: Vec<String>,
}

fn replay_all(
    converted: &convert::Converted,
    reviews: &[collection::Review],
    known: &States,
    scheduler: &Scheduler,
    clock: &Clock,
    progress: &Progress,
) -> Replayed {
    let mut reviews_of: HashMap<i64, &[collection::Review]> = HashMap::new();
    for chunk in reviews.chunk_by(|a, b| a.card == b.card) {
        reviews_of.insert(chunk[0].card, chunk);
    }
    let total: usize = converted.decks.iter().map(|d| d.cards.len()).sum();
    let mut out = Replayed {
        keys: Vec::new(),
        answers: Vec::with_capacity(reviews.len()),
        dropped: BTreeMap::new(),
        suspended: 0,
        suspended_keys: Vec::new(),
    };
    for (done, card) in converted.decks.iter().flat_map(|d| &d.cards).enumerate() {
        if card.suspended {
            out.suspended += 1;
            out.suspended_keys.push(card.key.clone());
        }
        let log = reviews_of.get(&card.anki_card).copied().unwrap_or(&[]);
        let kept = history::keep(log, &mut out.dropped);
        let replayed = history::replay(
            scheduler,
            clock,
            &card.key,
            known.get(&card.key).as_ref(),
            &kept,
            &mut out.dropped,
        );
        if !replayed.is_empty() {
            let index = out.keys.len() as u32;
            out.keys.push(card.key.clone());
            out.answers.extend(replayed.into_iter().map(|a| (index, a)));
        }
        if done.is_multiple_of(1024) {
            progress.set(0.45 + 0.5 * done as f32 / total.max(1) as f32);
        }
    }
    // The journal is read in order: one time line across cards, as if answered live.
    out.answers.sort_by_key(|(_, a)| a.at);
    out
}

/// Each deck's new text, from the file as it is now (if any) without the cards that moved to
/// another deck, checked by the deck parser.
fn render_decks(
    converted: &[convert::Deck],
    dir: &Path,
    moved: &HashMap<PathBuf, moved::MovedOut>,
) -> Result<Vec<DeckFile>, ApkgError> {
    let mut decks = Vec::with_capacity(converted.len());
    for deck in converted {
        let path = dir.join(format!("{}.toml", deck.id));
        let existing = match std::fs::read_to_string(&path) {
            Ok(text) => Some(text),
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            Err(source) => return Err(ApkgError::Read { path, source }),
        };
        let out = moved.get(&path);
        let base = match (&existing, out) {
            (Some(text), Some(out)) => Some(moved::strip(text, &out.ids)),
            _ => existing.clone(),
        };
        let (text, mut counts) = write::render(deck, base.as_deref(), &path)?;
        counts.moved_out = out.map_or(0, |o| o.ids.len());
        let mut kinds = BTreeMap::new();
        for c in &deck.cards {
            *kinds.entry(c.body.kind()).or_insert(0) += 1;
        }
        decks.push(DeckFile {
            id: deck.id.clone(),
            anki_name: deck.name.clone(),
            path,
            created: existing.is_none(),
            original: existing,
            text,
            counts,
            kinds,
        });
    }
    Ok(decks)
}

/// The user's deck files that only lose cards moved to another deck (the import writes no
/// card to them), checked by the deck parser.
fn moved_out_only(
    converted: &[convert::Deck],
    dir: &Path,
    moved: HashMap<PathBuf, moved::MovedOut>,
) -> Result<Vec<DeckFile>, ApkgError> {
    let written: Vec<PathBuf> = converted
        .iter()
        .map(|d| dir.join(format!("{}.toml", d.id)))
        .collect();
    let mut decks = Vec::new();
    for (path, out) in moved.into_iter().filter(|(p, _)| !written.contains(p)) {
        let text = moved::strip(&out.original, &out.ids);
        write::check(&text, &path)?;
        decks.push(DeckFile {
            id: out.deck,
            anki_name: String::new(),
            path,
            created: false,
            original: Some(out.original),
            text,
            counts: write::Counts {
                moved_out: out.ids.len(),
                ..write::Counts::default()
            },
            kinds: BTreeMap::new(),
        });
    }
    decks.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(decks)
}
