//! `smriti import`: cards from an Anki package (`apkg`), Anki's text format or a CSV/TSV of
//! our fields into the user's decks, or (`--history`) a review log put back onto the user's
//! cards. The format is chosen
//! by the file's extension (and, for `.csv`/`.tsv`, by whether it opens with Anki's header
//! lines). All or nothing: on any error nothing is written; `--dry-run` writes nothing either.

use std::io::Write;
use std::path::Path;

use anyhow::{Result, bail};
use rustc_hash::FxHashSet;

use crate::app::App;
use crate::cli::{DeckFilter, ImportArgs};
use crate::deck::parse::valid_id;
use crate::exit::Exit;
use crate::import::write::{self, Target};
use crate::import::{ImportErrors, Parsed, csv_cards, history, read_text, text};
use crate::sanitize::clean_line;
use crate::store::Store;

mod apkg;

pub fn import(app: &App, args: &ImportArgs, mut out: &mut dyn Write) -> Result<Exit> {
    if args.history {
        return import_history(app, args, out);
    }
    let ext = args
        .file
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    if matches!(ext.as_deref(), Some("apkg" | "colpkg")) {
        return apkg::anki(app, args, &mut out);
    }
    if let Some(deck) = &args.deck
        && !valid_id(deck)
    {
        bail!("--deck `{deck}` is not a deck id: use ASCII letters, digits, `-`, `_` and `.`");
    }
    let parsed = read_cards(&args.file)?;
    if parsed.cards.is_empty() {
        bail!(
            "{}: no cards in it; nothing was imported",
            args.file.display()
        );
    }
    let (library, _) = app.library(&DeckFilter::default())?;
    let builtin: Vec<String> = library
        .decks
        .iter()
        .filter(|d| d.origin.is_builtin())
        .map(|d| d.id.clone())
        .collect();
    let decks_dir = app.home.decks();
    let target = Target {
        decks_dir: &decks_dir,
        builtin: &builtin,
        deck: args.deck.as_deref(),
    };
    let plans = write::plan(&target, &args.file, parsed.cards)?;
    for p in &plans {
        writeln!(out, "{}", clean_line(&write::describe(p)))?;
    }
    for note in &parsed.notes {
        writeln!(out, "note: {}", clean_line(note))?;
    }
    if args.dry_run {
        writeln!(out, "--dry-run: nothing was written.")?;
        return Ok(Exit::Success);
    }
    write::apply(&plans)?;
    let (added, updated): (usize, usize) = plans
        .iter()
        .fold((0, 0), |(a, u), p| (a + p.added, u + p.updated));
    writeln!(
        out,
        "Imported {added} new and {updated} updated cards into {} deck{}.",
        plans.len(),
        if plans.len() == 1 { "" } else { "s" }
    )?;
    Ok(Exit::Success)
}

/// The cards of an import file, by its extension.
fn read_cards(path: &Path) -> Result<Parsed> {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    if !matches!(ext.as_str(), "txt" | "csv" | "tsv") {
        bail!(
            "{}: cannot import a file of this type; smriti imports Anki packages (.apkg, .colpkg), \
             Anki's text format (.txt), .csv and .tsv",
            path.display()
        );
    }
    let src = read_text(path)?;
    let parsed = match ext.as_str() {
        "txt" => text::read(path, &src),
        _ if text::looks_like_anki(&src) => text::read(path, &src),
        "tsv" => csv_cards::read(path, &src, b'\t'),
        _ => csv_cards::read(path, &src, b','),
    };
    parsed.map_err(|e| ImportErrors(e).into())
}

/// `import --history`: replays the log's reviews onto the cards whose key matches.
fn import_history(app: &App, args: &ImportArgs, out: &mut dyn Write) -> Result<Exit> {
    let src = read_text(&args.file)?;
    let log = history::read(&args.file, &src).map_err(ImportErrors)?;
    let (library, _) = app.library(&DeckFilter::default())?;
    let keys: FxHashSet<&str> = library.cards().map(|c| c.key.as_str()).collect();
    let known = |k: &str| keys.contains(k);
    let clock = app.time.clock();
    let scheduler = app.scheduler()?;
    let dir = app.home.state();
    let replayed = if args.dry_run {
        let store = Store::open_read(&dir)?;
        history::replay(&log, known, &store.cards, &scheduler, &clock)
    } else {
        let mut store = Store::open_write(&dir)?;
        let r = history::replay(&log, known, &store.cards, &scheduler, &clock);
        write::append_reviews(&mut store, r.entries(&log))?;
        if let Err(e) = store.finish(&clock) {
            eprintln!("smriti: warning: {}", clean_line(&e.to_string()));
        }
        r
    };
    let verb = if args.dry_run {
        "Would put back"
    } else {
        "Put back"
    };
    writeln!(
        out,
        "{verb} {} reviews of {} cards from {}.",
        replayed.reviews.len(),
        replayed.cards,
        args.file.display()
    )?;
    if replayed.older > 0 {
        writeln!(
            out,
            "Skipped {} reviews not later than their card's last answer here (already recorded).",
            replayed.older
        )?;
    }
    if !replayed.unknown.is_empty() {
        let rows: usize = replayed.unknown.values().sum();
        let some: Vec<&str> = replayed
            .unknown
            .keys()
            .take(5)
            .map(String::as_str)
            .collect();
        writeln!(
            out,
            "Skipped {rows} reviews of {} cards that no deck has ({}{}); import their cards first.",
            replayed.unknown.len(),
            clean_line(&some.join(", ")),
            if replayed.unknown.len() > some.len() {
                ", …"
            } else {
                ""
            }
        )?;
    }
    if replayed.keyless > 0 {
        writeln!(
            out,
            "Skipped {} reviews without a card_key; `smriti optimize --log {}` fits on such a log.",
            replayed.keyless,
            args.file.display()
        )?;
    }
    if args.dry_run {
        writeln!(out, "--dry-run: nothing was written.")?;
    }
    Ok(Exit::Success)
}
