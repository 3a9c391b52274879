//! `smriti add`: write new cards into one of the user's decks without disturbing the rest of it.
//!
//! The cards come from flags, from a `--from-file` batch, or from prompts in a terminal. They
//! are appended to the deck's text in memory, the whole text is checked by the same parser
//! `check` uses, and only a valid result replaces the file, atomically and only if nobody
//! saved the deck in the meantime. On any error nothing is written.

mod batch;
mod flags;
mod interactive;
mod preview;

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::{Result, bail};
use rustc_hash::{FxHashMap, FxHashSet};

use crate::app::{App, DeckErrors};
use crate::cli::AddArgs;
use crate::deck::draft::{self, Draft};
use crate::deck::edit::Snapshot;
use crate::deck::load::{builtin_decks, deck_files};
use crate::deck::parse::{parse_deck, valid_id};
use crate::deck::{Body, Deck, Exam, Origin, cloze, slug};
use crate::exit::Exit;
use crate::sanitize::clean_line;

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
            interactive::Answer::Ready(prepared) => prepared,
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

/// Case, spacing and punctuation do not make a question new: "Year of LEMOA?" asks what
/// "year of  LEMOA" asks. Letters, digits and marks (Devanagari vowel signs) are what count.
pub fn normalise(question: &str) -> String {
    question
        .chars()
        .filter(|c| !c.is_whitespace() && !is_punctuation(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

fn is_punctuation(c: char) -> bool {
    c.is_ascii_punctuation()
        || matches!(
            c,
            '‘' | '’'
                | '“'
                | '”'
                | '–'
                | '—'
                | '…'
                | '·'
                | '।'
                | '॥'
                | '¿'
                | '¡'
                | '«'
                | '»'
        )
}

/// The new cards another deck already asks (a built-in one included): added anyway, as two
/// decks may well share a fact, but said, so the user can drop one.
fn asked_elsewhere(app: &App, prepared: &Prepared) -> Vec<String> {
    // A library that does not load (an invalid deck) only costs this courtesy check.
    let Ok((library, _)) = app.library(&crate::cli::DeckFilter::default()) else {
        return Vec::new();
    };
    // Sets and maps: a batch may hold a thousand cards, a deck 100k. A cloze note is a card
    // per gap, all asking the same text, so the first card of each question stands for it.
    let ids: FxHashSet<&str> = prepared.ids.iter().map(String::as_str).collect();
    let mut new: FxHashMap<String, &str> = FxHashMap::default();
    for card in prepared
        .deck
        .cards
        .iter()
        .filter(|c| ids.contains(c.id.as_str()))
    {
        new.entry(normalise(&asked(card))).or_insert(&card.key);
    }
    let mut warnings = Vec::new();
    for deck in library.decks.iter().filter(|d| d.id != prepared.deck.id) {
        let mut warned = FxHashSet::default();
        for card in &deck.cards {
            let theirs = normalise(&asked(card));
            if let Some(key) = new.get(&theirs)
                && warned.insert(theirs)
            {
                warnings.push(format!(
                    "\"{key}\" asks what \"{}\" already asks ({}:{})",
                    card.key, deck.origin, card.line
                ));
            }
        }
    }
    warnings
}

/// What a card asks, as `Draft::question` says it for a new card: a cloze without its braces.
fn asked(card: &crate::deck::Card) -> String {
    match &card.body {
        Body::Cloze { text, .. } => cloze::render(text, None),
        _ => card.prompt(),
    }
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

/// The id and line of an existing card that asks `question`, if any.
pub fn duplicate_of(existing: Option<&Deck>, question: &str) -> Option<(String, usize)> {
    let wanted = normalise(question);
    existing?
        .cards
        .iter()
        .find_map(|c| (normalise(&asked(c)) == wanted).then(|| (c.id.clone(), c.line)))
}

fn refuse_duplicates(existing: Option<&Deck>, drafts: &[Draft]) -> Result<()> {
    // Maps, not scans: a batch of a thousand cards into a deck of 100k.
    let mut in_deck: FxHashMap<String, (&str, usize)> = FxHashMap::default();
    for card in existing.map_or(&[][..], |d| &d.cards) {
        in_deck
            .entry(normalise(&asked(card)))
            .or_insert((&card.id, card.line));
    }
    let mut drafted: FxHashMap<String, &str> = FxHashMap::default();
    let mut problems = Vec::new();
    for d in drafts {
        let question = d.question();
        let key = normalise(&question);
        if let Some((id, line)) = in_deck.get(&key) {
            problems.push(format!(
                "card \"{id}\" on line {line} already asks \"{}\"",
                clean_line(&question)
            ));
        } else if let Some(other) = drafted.get(&key) {
            problems.push(format!(
                "cards \"{other}\" and \"{}\" ask the same question \"{}\"",
                d.id,
                clean_line(&question)
            ));
        } else {
            drafted.insert(key, &d.id);
        }
    }
    if problems.is_empty() {
        return Ok(());
    }
    problems.push("pass --force to add it anyway; nothing was written".to_owned());
    Err(anyhow::Error::new(DeckErrors(problems)))
}
