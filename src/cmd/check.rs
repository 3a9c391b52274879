//! `smriti check [PATH…]`: validate decks, listing every error, not just the first.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Result;

use crate::app::App;
use crate::cli::CheckArgs;
use crate::deck::load::{
    DANGLING, LoadError, builtin_decks, dangling_links, deck_files, load_file,
};

/// Returns whether every deck is valid.
pub fn check(
    app: &App,
    args: &CheckArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<bool> {
    let mut errors: Vec<String> = Vec::new();
    let mut decks = 0;
    let mut cards = 0;
    // Built-in ids are taken whatever is checked: a user deck may not reuse one.
    let mut ids: Vec<(String, String)> = Vec::new();
    let builtin = builtin_decks();
    if let Ok(builtin) = &builtin {
        ids.extend(builtin.iter().map(|d| (d.id.clone(), d.origin.to_string())));
    }
    let paths: Vec<PathBuf> = if args.paths.is_empty() {
        match builtin {
            Ok(builtin) => {
                decks += builtin.len();
                cards += builtin.iter().map(|d| d.cards.len()).sum::<usize>();
            }
            Err(e) => errors.extend(e.iter().map(ToString::to_string)),
        }
        for link in dangling_links(&app.home.decks()) {
            errors.push(format!("{}:1:1: {DANGLING}", link.display()));
        }
        deck_files(&app.home.decks())?
    } else {
        args.paths.clone()
    };
    for path in &paths {
        match load_file(path) {
            Ok(deck) => {
                decks += 1;
                cards += deck.cards.len();
                if let Some((_, other)) = ids.iter().find(|(id, _)| *id == deck.id) {
                    errors.push(format!(
                        "{}:1:1: deck id `{}` is already used by {other}",
                        path.display(),
                        deck.id
                    ));
                }
                ids.push((deck.id.clone(), path.display().to_string()));
            }
            Err(LoadError::Invalid(e)) => errors.extend(e.iter().map(ToString::to_string)),
            Err(io) => errors.push(io.to_string()),
        }
    }
    if errors.is_empty() {
        writeln!(
            out,
            "{decks} deck{} and {cards} card{} checked: no errors",
            if decks == 1 { "" } else { "s" },
            if cards == 1 { "" } else { "s" }
        )?;
        return Ok(true);
    }
    // Deck text can hold anything; it must not reach the terminal as control sequences.
    for e in &errors {
        writeln!(err, "smriti: {}", crate::sanitize::clean_line(e))?;
    }
    writeln!(
        err,
        "{} error{} found",
        errors.len(),
        if errors.len() == 1 { "" } else { "s" }
    )?;
    Ok(false)
}
