//! `smriti add`: write new cards into one of the user's decks without disturbing the rest of it.
//!
//! The cards come from flags, from a `--from-file` batch, or from prompts in a terminal. They
//! are appended to the deck's text in memory, the whole text is checked by the same parser
//! `check` uses, and only a valid result replaces the file, atomically and only if nobody
//! saved the deck in the meantime. On any error nothing is written.

mod batch;
mod duplicates;
mod flags;
mod interactive;
mod preview;

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::{Result, bail};

use crate::app::{App, DeckErrors};
use crate::cli::AddArgs;
use crate::deck::draft::{self, Draft};
use crate::deck::edit::Snapshot;
use crate::deck::load::{builtin_decks, deck_files};
use crate::deck::parse::{parse_deck, valid_id};
use crate::deck::{Deck, Exam, Origin, slug};
use crate::exit::Exit;
use crate::sanitize::clean_line;
use duplicates::{asked_elsewhere, duplicate_of, refuse_duplicates};

/// The deck written to when `--deck` is not given.
pub const DEFAULT_DECK: &str = "my-notes";

/// Adds the cards; Esc or "no" at a prompt fails (exit 1) and Ctrl-C interrupts (130), with
/// nothing written.
pub fn add(app: &App, args: &AddArgs, out: &mut dyn Write) -> Result<Exit> {
    let target = resolve_target(app, args)?;
    let snapshot = Snapshot::read(&target.path)?;
    let existing = match &snapshot.text {
        Some(text) => Some(parse_existing(text, &target)?),
        None => None,
    };
    if let (Some(deck), Some(exam)) = (&existing, args.exam) {
        let exam = Exam::from(exam);
        if deck.exam != exam {
            bail!(
                "--exam {exam} does not match deck `{}`, which is for {}",
                deck.id,
                deck.exam
            );
        }
    }
    if snapshot.text.is_none() {
        refuse_taken_deck_id(app, &target)?;
    }
    let base = match &snapshot.text {
        Some(text) => text.clone(),
        None => draft::new_deck(
            &target.id,
            &deck_name(&target.id),
            args.exam.map_or(Exam::Prelims, Exam::from),
        ),
    };

    let ask = args.from_file.is_none() && !flags::complete(args) && std::io::stdin().is_terminal();
    let prepared = if ask {
        match interactive::run(app, args, &target, existing.as_ref(), &base)? {
            interactive::Answer::Ready(prepared) => *prepared,
            interactive::Answer::Cancelled => return Ok(Exit::Failure),
            interactive::Answer::Interrupted => return Ok(Exit::Interrupted),
        }
    } else {
        let (drafts, batch) = match &args.from_file {
            Some(file) => {
                let (batch, drafts) = batch::read(file)?;
                (drafts, Some(batch))
            }
            None => (vec![flags::from_flags(args)?], None),
        };
        let existing = existing.as_ref();
        prepare_from(&base, &target, existing, drafts, args.force, batch.as_ref())?
    };

    snapshot.replace(&prepared.text)?;
    for id in &prepared.ids {
        writeln!(
            out,
            "added \"{}/{id}\" to {}",
            prepared.deck.id,
            target.path.display()
        )?;
    }
    for warning in asked_elsewhere(app, &prepared) {
        eprintln!("smriti: warning: {}", clean_line(&warning));
    }
    if outside_decks(app, &target.path) {
        eprintln!(
            "smriti: warning: {} is outside {}, so `smriti quiz` studies it only when given \
             with --deck {}",
            target.path.display(),
            app.home.decks().display(),
            target.path.display()
        );
    }
    Ok(Exit::Success)
}

/// The deck file cards go to.
#[derive(Debug, Clone)]
pub struct Target {
    pub path: PathBuf,
    /// The deck's id: read from the file, or the one a new file will get.
    pub id: String,
}

/// `--deck` as a path (existing, or ending in `.toml`, or holding a path separator) or as a
/// deck id: the user deck with that id, else a new `<home>/decks/<id>.toml`. A built-in deck
/// is refused: it lives in the binary, and an edit would be lost on the next upgrade.
fn resolve_target(app: &App, args: &AddArgs) -> Result<Target> {
    let given = args.deck.as_deref().unwrap_or(DEFAULT_DECK);
    let as_path = Path::new(given);
    if as_path.is_file()
        || given.ends_with(".toml")
        || given.contains('/')
        || given.contains(std::path::MAIN_SEPARATOR)
    {
        // A typo in a folder name must not quietly create a tree of folders.
        if let Some(parent) = as_path.parent()
            && !parent.as_os_str().is_empty()
            && !parent.is_dir()
            && !is_home_decks(app, parent)
        {
            bail!(
                "the folder {} does not exist; create it first, or give a deck file in a \
                 folder that does; nothing was written",
                parent.display()
            );
        }
        let id = match header_id(as_path) {
            Some(id) => id,
            None => {
                let stem = as_path
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default();
                if !valid_id(&stem) {
                    bail!(
                        "cannot name a new deck after the file {given}: a deck id may only hold \
                         ASCII letters, digits, `-`, `_` and `.`"
                    );
                }
                stem
            }
        };
        return Ok(Target {
            path: as_path.to_path_buf(),
            id,
        });
    }
    if !valid_id(given) {
        bail!(
            "`{given}` is neither a deck file nor a deck id (an id may only hold ASCII letters, \
             digits, `-`, `_` and `.`)"
        );
    }
    let builtin = builtin_decks().unwrap_or_default();
    if builtin.iter().any(|d| d.id == given) {
        bail!(
            "deck `{given}` is built in, and built-in decks are read-only; add to your own deck \
             with --deck {DEFAULT_DECK}"
        );
    }
    let dir = app.home.decks();
    for path in deck_files(&dir)? {
        if header_id(&path).as_deref() == Some(given) {
            return Ok(Target {
                path,
                id: given.to_owned(),
            });
        }
    }
    let path = dir.join(format!("{given}.toml"));
    if path.exists() {
        bail!(
            "{} exists but its `[deck]` table does not give the id `{given}`; fix it \
             (`smriti check {}`) or pass the file itself with --deck",
            path.display(),
            path.display()
        );
    }
    Ok(Target {
        path,
        id: given.to_owned(),
    })
}

/// A new deck may not take the id of a built-in deck or of another of the user's decks:
/// every command would then refuse to load the library.
fn refuse_taken_deck_id(app: &App, target: &Target) -> Result<()> {
    if builtin_decks()
        .unwrap_or_default()
        .iter()
        .any(|d| d.id == target.id)
    {
        bail!(
            "deck id `{}` is taken by a built-in deck, and built-in decks are read-only; \
             add to your own deck with --deck {DEFAULT_DECK}",
            target.id
        );
    }
    for path in deck_files(&app.home.decks())? {
        if header_id(&path).as_deref() == Some(target.id.as_str()) {
            bail!(
                "deck id `{}` is already used by {}; add to that deck with --deck {}",
                target.id,
                path.display(),
                target.id
            );
        }
    }
    Ok(())
}

/// The `[deck] id` of a file, if it can be read at all.
fn header_id(path: &Path) -> Option<String> {
    let text = std::fs::read_to_string(path).ok()?;
    let table: toml::Table = toml::from_str(&text).ok()?;
    table.get("deck")?.get("id")?.as_str().map(str::to_owned)
}

/// `my-notes` → `My notes`.
fn deck_name(id: &str) -> String {
    let words = id.replace(['-', '_'], " ");
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => words,
    }
}

fn parse_existing(text: &str, target: &Target) -> Result<Deck> {
    parse_deck(text, Origin::File(target.path.clone())).map_err(|errors| {
        let mut lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
        lines.push(format!(
            "{} already has errors; fix them first (`smriti check {}`); nothing was written",
            target.path.display(),
            target.path.display()
        ));
        anyhow::Error::new(DeckErrors(lines))
    })
}

fn deck_errors(errors: &[crate::deck::DeckError], path: &Path) -> anyhow::Error {
    let mut lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
    lines.push(format!(
        "nothing was written to {} (line numbers count the new cards as if added)",
        path.display()
    ));
    anyhow::Error::new(DeckErrors(lines))
}

/// The new deck text, checked, with the ids the new cards got.
#[derive(Debug)]
pub struct Prepared {
    pub text: String,
    pub deck: Deck,
    pub ids: Vec<String>,
}

/// Gives each draft an id, refuses duplicate questions (unless `force`), appends the drafts
/// to `base` and checks the result as `check` would.
pub fn prepare(
    base: &str,
    target: &Target,
    existing: Option<&Deck>,
    drafts: Vec<Draft>,
    force: bool,
) -> Result<Prepared> {
    prepare_from(base, target, existing, drafts, force, None)
}

/// As `prepare`, with errors located in the batch file the drafts came from, if any.
fn prepare_from(
    base: &str,
    target: &Target,
    existing: Option<&Deck>,
    mut drafts: Vec<Draft>,
    force: bool,
    batch: Option<&batch::Batch>,
) -> Result<Prepared> {
    let mut taken: Vec<String> = existing
        .map(|d| d.cards.iter().map(|c| c.id.clone()).collect())
        .unwrap_or_default();
    taken.extend(
        drafts
            .iter()
            .map(|d| d.id.clone())
            .filter(|id| !id.is_empty()),
    );
    for d in &mut drafts {
        if d.id.is_empty() {
            d.id = slug::id_for(&d.question(), |id| taken.iter().any(|t| t == id));
            taken.push(d.id.clone());
        }
    }
    if !force {
        refuse_duplicates(existing, &drafts)?;
    }
    let text = draft::append(base, &drafts);
    let deck = parse_deck(&text, Origin::File(target.path.clone())).map_err(|e| match batch {
        Some(batch) => batch.relocate(&text, &e, &target.path),
        None => deck_errors(&e, &target.path),
    })?;
    Ok(Prepared {
        text,
        deck,
        ids: drafts.into_iter().map(|d| d.id).collect(),
    })
}

/// Whether `dir` is `<home>/decks`, which `add` creates when it is missing.
fn is_home_decks(app: &App, dir: &Path) -> bool {
    dir == app.home.decks()
        || (dir.file_name() == Some("decks".as_ref())
            && dir
                .parent()
                .and_then(|p| p.canonicalize().ok())
                .is_some_and(|p| app.home.data.canonicalize().is_ok_and(|home| home == p)))
}

/// Whether a deck file lies outside `<home>/decks`, where `quiz` does not look for it.
fn outside_decks(app: &App, path: &Path) -> bool {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    match (dir.canonicalize(), app.home.decks().canonicalize()) {
        (Ok(dir), Ok(decks)) => dir != decks,
        _ => true,
    }
}
