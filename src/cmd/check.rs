//! `smriti check [PATH…] [--stale [MONTHS]]`: validate decks, listing every error, not just
//! the first, and warning about valid cards likely to mislead (see `deck::lint`). With
//! `--stale`, also list the dated claims old enough to check again, for deck maintainers.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Result;
use jiff::civil::Date;

use crate::app::App;
use crate::cli::CheckArgs;
use crate::deck::lint::Lint;
use crate::deck::load::{
    DANGLING, LoadError, builtin_decks, builtin_decks_linted, builtin_source_of, dangling_links,
    deck_files, load_file, load_file_linted,
};
use crate::deck::{Body, Card, Deck, DeckError, Origin, cloze, dated};
use crate::exit::{Exit, chain};
use crate::sanitize::clean_line;

/// What checking found: the valid decks, and every error and warning, already located.
#[derive(Default)]
struct Found {
    decks: Vec<Deck>,
    errors: Vec<String>,
    warnings: Vec<String>,
}

impl Found {
    fn add(&mut self, (loaded, warnings): (Result<Deck, LoadError>, Vec<DeckError>)) {
        self.warnings
            .extend(warnings.iter().map(ToString::to_string));
        match loaded {
            Ok(deck) => self.decks.push(deck),
            Err(LoadError::Invalid(e)) => self.errors.extend(e.iter().map(ToString::to_string)),
            Err(io) => self.errors.push(chain(&io)),
        }
    }
}

/// Fails (exit 1) unless every deck is valid; warnings do not count against it.
pub fn check(
    app: &App,
    args: &CheckArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<Exit> {
    let today = app.time.clock().today();
    let lint = Lint {
        this_year: today.year(),
    };
    let mut found = Found::default();
    // Built-in ids are taken whatever is checked: a user deck may not reuse one.
    let mut ids: Vec<(String, String)> = Vec::new();
    // What patch decks may patch when only some files are checked.
    let mut targets = Vec::new();
    let paths: Vec<PathBuf> = if args.paths.is_empty() {
        for (deck, warnings) in builtin_decks_linted(lint) {
            found.add((deck.map_err(LoadError::Invalid), warnings));
        }
        ids.extend(
            found
                .decks
                .iter()
                .map(|d| (d.id.clone(), d.origin.to_string())),
        );
        for link in dangling_links(&app.home.decks()) {
            found
                .errors
                .push(format!("{}:1:1: {DANGLING}", link.display()));
        }
        deck_files(&app.home.decks())?
    } else {
        if let Ok(builtin) = builtin_decks() {
            ids.extend(builtin.iter().map(|d| (d.id.clone(), d.origin.to_string())));
            targets = builtin;
        }
        // A patch deck checked alone may patch one of the user's decks.
        for path in deck_files(&app.home.decks()).unwrap_or_default() {
            if let Ok(deck) = load_file(&path)
                && deck.patch.is_none()
            {
                targets.push(deck);
            }
        }
        args.paths.clone()
    };
    for path in &paths {
        let before = found.decks.len();
        found.add(load_file_linted(path, lint));
        if let Some(deck) = found.decks.get(before)
            && deck.patch.is_none()
        {
            let own = builtin_source_of(path).map(|name| Origin::Builtin(name).to_string());
            if let Some((_, other)) = ids
                .iter()
                .find(|(id, origin)| *id == deck.id && Some(origin) != own.as_ref())
            {
                found.errors.push(format!(
                    "{}:1:1: deck id `{}` is already used by {other}",
                    path.display(),
                    deck.id
                ));
            }
            ids.push((deck.id.clone(), path.display().to_string()));
        }
    }

    found.errors.extend(
        crate::deck::patch::check(&found.decks, &targets)
            .iter()
            .map(ToString::to_string),
    );
    if let Some(months) = args.stale {
        list_stale(&found.decks, today, months, out)?;
    }
    // Deck text can hold anything; it must not reach the terminal as control sequences.
    for w in &found.warnings {
        writeln!(err, "warning: {}", clean_line(w))?;
    }
    let warnings = match found.warnings.len() {
        0 => String::new(),
        n => format!(", {}", count(n, "warning")),
    };
    if found.errors.is_empty() {
        let cards: usize = found.decks.iter().map(|d| d.cards.len()).sum();
        writeln!(
            out,
            "{} and {} checked: no errors{warnings}",
            count(found.decks.len(), "deck"),
            count(cards, "card"),
        )?;
        return Ok(Exit::Success);
    }
    for e in &found.errors {
        writeln!(err, "smriti: {}", clean_line(e))?;
    }
    writeln!(
        err,
        "{} found{warnings}",
        count(found.errors.len(), "error")
    )?;
    Ok(Exit::Failure)
}

/// "1 card", "3 cards".
fn count(n: usize, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}

/// One line per card dated before `months` months ago, oldest first: key, date, place and
/// the start of what it says.
fn list_stale(decks: &[Deck], today: Date, months: u32, out: &mut dyn Write) -> Result<()> {
    let before = dated::stale_before(today, months);
    let stale = dated::stale(decks.iter().flat_map(|d| d.cards.iter()), before);
    let rows: Vec<[String; 4]> = stale
        .iter()
        .map(|(date, card)| {
            [
                format!("{}/{}", card.deck, card.id),
                date.to_string(),
                format!("{}:{}", origin_of(decks, card), card.line),
                shorten(&clean_line(&statement(card)), 60),
            ]
        })
        .collect();
    let older = format!("older than {}", count(months as usize, "month"));
    if rows.is_empty() {
        writeln!(out, "No card has an `as_of` {older} (before {before}).")?;
        return Ok(());
    }
    writeln!(
        out,
        "{} with an `as_of` {older} (before {before}), oldest first:",
        count(rows.len(), "card")
    )?;
    let width = |i: usize| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0);
    let (key, place) = (width(0), width(2));
    for [k, date, at, text] in &rows {
        writeln!(out, "  {k:<key$}  {date}  {at:<place$}  {text}")?;
    }
    Ok(())
}

fn origin_of(decks: &[Deck], card: &Card) -> String {
    decks
        .iter()
        .find(|d| d.id == card.deck)
        .map_or_else(|| card.deck.clone(), |d| d.origin.to_string())
}

/// What the card claims, in one line: its question, or a cloze note's whole text.
fn statement(card: &Card) -> String {
    match &card.body {
        Body::Cloze { text, .. } => cloze::render(text, None),
        _ => card.prompt(),
    }
}

/// At most `max` characters, with "…" when cut.
fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let cut: String = text.chars().take(max.saturating_sub(1)).collect();
    format!("{}…", cut.trim_end())
}
