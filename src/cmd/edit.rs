//! `smriti edit KEY` (and the quiz's `E`): open the card in the user's editor at its line,
//! check the deck when the editor exits, and keep at it until the deck is valid or the user
//! gives up, in which case the file is put back byte for byte. A built-in card is first
//! copied into the user's patch deck for its deck (`deck::fork`), so the edit replaces it
//! under the same key and its progress stays.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::app::App;
use crate::cli::{DeckFilter, EditArgs};
use crate::deck::load::{LoadError, load_library};
use crate::deck::{Card, DeckError, Library, Origin, fork, rename};
use crate::editor::{Edited, Editor, Outcome, ask_again, edit_until_valid, restore};
use crate::exit::Exit;
use crate::sanitize::clean_line;

pub fn edit(app: &App, args: &EditArgs, out: &mut dyn Write) -> Result<Exit> {
    let (library, _) = app.library(&DeckFilter::default())?;
    // A cloze note is edited as a whole: its key without a gap number opens it too.
    let gap_one = format!("{}#1", args.key);
    let card = match rename::find(&library, &gap_one) {
        Some(card) if !args.key.contains('#') => card,
        _ => super::card::find(&library, &args.key)?,
    };
    let stdin = io::stdin();
    let mut again = |errors: &[DeckError]| ask_again(errors, &mut stdin.lock(), &mut io::stderr());
    let edited = edit_card(app, &library, card, &[], &mut again)?;
    let file = clean_line(&edited.file.display().to_string());
    match (edited.outcome, &edited.card) {
        (Outcome::Saved, Some(now)) => {
            writeln!(out, "Saved {} ({file}:{}).", clean_line(&now.key), now.line)?;
        }
        (Outcome::Saved, None) => writeln!(
            out,
            "Saved {file}; it no longer has a card `{}` (a changed id keeps its progress only with `was = [\"{}\"]`).",
            clean_line(&card.key),
            clean_line(&card.id)
        )?,
        (Outcome::Unchanged, _) => writeln!(out, "No change to {}.", clean_line(&card.key))?,
        (Outcome::Restored, _) => {
            eprintln!("smriti: {file} was put back as it was; nothing changed");
            return Ok(Exit::Failure);
        }
    }
    Ok(Exit::Success)
}

/// Edits `card` of `library` (loaded with the deck files `extra`): finds where it is
/// written, copying a built-in card into a patch deck first, runs the editor until the deck
/// is valid or `again` says to give up, and reads the card back.
pub fn edit_card(
    app: &App,
    library: &Library,
    card: &Card,
    extra: &[PathBuf],
    again: &mut dyn FnMut(&[DeckError]) -> bool,
) -> Result<Edited> {
    let decks_dir = app.home.decks();
    let (file, line, before, forked) = match library.written_in(card) {
        Some(Origin::File(path)) => {
            let before =
                std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
            (path, card.line, Some(before), false)
        }
        Some(Origin::Builtin(name)) => {
            let f = fork::fork(&decks_dir, name, card)?;
            (f.file, f.line, f.before.map(String::into_bytes), true)
        }
        None => bail!("card `{}` has no deck", card.key),
    };
    let mut named = extra.to_vec();
    named.push(file.clone());
    let mut check = || validate(&decks_dir, &named);
    let editor = Editor::from_env();
    let outcome = edit_until_valid(&editor, &file, line, before.as_deref(), &mut check, again)
        .with_context(|| format!("editing {} with `{}`", file.display(), editor.describe()))?;
    if forked && outcome == Outcome::Unchanged {
        // The copy was never changed: it would only shadow the built-in card.
        restore(&file, before.as_deref())?;
    }
    let card = match outcome {
        Outcome::Saved => reload(&decks_dir, &named, &card.key)?,
        _ => Some(card.clone()),
    };
    Ok(Edited {
        outcome,
        file,
        card,
    })
}

/// Every error that loading the decks with `named` among them finds in the named files.
fn validate(decks_dir: &Path, named: &[PathBuf]) -> Vec<DeckError> {
    match load_library(decks_dir, named, None) {
        Ok(_) => Vec::new(),
        Err(LoadError::Invalid(errors)) => errors,
        Err(LoadError::Io { path, source }) => vec![DeckError {
            path,
            line: 1,
            col: 1,
            card: None,
            message: format!("cannot be read ({source})"),
        }],
    }
}

/// The card of `key` as the decks now read (found by an old key too, after a rename).
fn reload(decks_dir: &Path, named: &[PathBuf], key: &str) -> Result<Option<Card>> {
    let (library, _) = load_library(decks_dir, named, None)
        .map_err(|e| anyhow::anyhow!("{e}"))
        .context("reading the decks again")?;
    Ok(rename::find(&library, key).cloned())
}
