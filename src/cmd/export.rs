//! `smriti export`: the user's cards as CSV of our fields or Anki's text format, or the review
//! history as an open-spaced-repetition review log, to a file (replaced atomically) or stdout.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result, bail};

use crate::app::App;
use crate::cli::{DeckFilter, ExportArgs, ExportFormat};
use crate::deck::Deck;
use crate::exit::Exit;
use crate::export::{anki_text, cards_csv, notes, review_log};
use crate::store::history;

pub fn export(app: &App, args: &ExportArgs, out: &mut dyn Write) -> Result<Exit> {
    if args.history {
        let history = history::read(&app.home.state())?;
        let (bytes, cards) = review_log::write(&history)?;
        return finish(
            args.file.as_deref(),
            &bytes,
            out,
            &format!("{} reviews of {cards} cards", history.len()),
        );
    }
    let filter = DeckFilter {
        decks: args.decks.clone(),
    };
    let (library, ids) = app.library(&filter)?;
    let decks: Vec<&Deck> = library
        .decks
        .iter()
        .filter(|d| {
            if args.decks.is_empty() {
                !d.origin.is_builtin()
            } else {
                ids.contains(&d.id)
            }
        })
        .collect();
    if decks.is_empty() {
        bail!(
            "you have no decks of your own in {} to export; name a built-in deck with --deck ID",
            app.home.decks().display()
        );
    }
    let notes = notes(&decks);
    let tsv = args
        .file
        .as_deref()
        .and_then(Path::extension)
        .is_some_and(|e| e.eq_ignore_ascii_case("tsv"));
    let bytes = match args.format {
        ExportFormat::Csv => cards_csv::write(&notes, if tsv { b'\t' } else { b',' })?,
        ExportFormat::Anki => {
            let (bytes, degraded) = anki_text::write(&notes)?;
            if degraded > 0 {
                eprintln!(
                    "smriti: note: {degraded} mcq and mains cards were written as Basic notes (Anki has no such kinds)"
                );
            }
            bytes
        }
    };
    let what = format!(
        "{} cards of {} deck{}",
        notes.len(),
        decks.len(),
        if decks.len() == 1 { "" } else { "s" }
    );
    finish(args.file.as_deref(), &bytes, out, &what)
}

/// Writes to stdout, or replaces `file` atomically and says what went there.
fn finish(file: Option<&Path>, bytes: &[u8], out: &mut dyn Write, what: &str) -> Result<Exit> {
    let Some(path) = file else {
        out.write_all(bytes)?;
        return Ok(Exit::Success);
    };
    write_atomically(path, bytes).with_context(|| format!("cannot write {}", path.display()))?;
    writeln!(out, "Exported {what} to {}.", path.display())?;
    Ok(Exit::Success)
}

fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".smriti-export-")
        .tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}
