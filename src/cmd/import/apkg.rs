//! `smriti import FILE.apkg|FILE.colpkg`: an Anki package goes through `import::apkg`, which
//! works it all out in memory; this then shows the report and, unless `--dry-run`, commits it all or
//! nothing: the deck files are replaced one by one (each atomically), then the answers are
//! appended to the journal in one batch; if anything fails, the decks written so far are put
//! back as they were and the journal is cut back, so the home is as it was.

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result, bail};

use crate::app::App;
use crate::cli::ImportArgs;
use crate::clock::Millis;
use crate::cmd::optimize::progress;
use crate::deck::edit::Snapshot;
use crate::exit::Exit;
use crate::import::apkg::history::Dropped;
use crate::import::apkg::{self, DeckFile, Options, Prepared, Progress};
use crate::sanitize::clean;
use crate::schedule::CardState;
use crate::store::Store;
use crate::store::journal::{Entry, Event, Hold, new_card_state};

pub(super) fn anki(app: &App, args: &ImportArgs, out: &mut impl Write) -> Result<Exit> {
    let clock = app.time.clock();
    let state = app.home.state();
    let mut store = if args.dry_run {
        Store::open_read(&state)?
    } else {
        Store::open_write(&state)?
    };
    let builtin_ids: Vec<String> = crate::deck::load::builtin_decks()
        .map(|decks| decks.into_iter().map(|d| d.id).collect())
        .unwrap_or_default();
    let decks_dir = app.home.decks();
    let opts = Options {
        package: &args.file,
        deck: args.deck.as_deref(),
        decks_dir: &decks_dir,
        builtin_ids: &builtin_ids,
    };
    let progress = Progress::default();
    let known = &store.cards;
    let prepared = std::thread::scope(|s| {
        let worker = s.spawn(|| -> Result<Prepared> {
            let scheduler = app.scheduler()?;
            Ok(apkg::prepare(&opts, known, &scheduler, &clock, &progress)?)
        });
        progress::watch_labelled("importing", || progress.fraction(), || worker.is_finished());
        worker
            .join()
            .unwrap_or_else(|_| Err(anyhow::anyhow!("the import stopped on an internal error")))
    })?;
    if !args.dry_run {
        // Today's backup of the journal, if there is none yet, is taken as it was before the
        // import: the copy to go back to if the import was not wanted (and not a second copy
        // of a million imported answers read into memory).
        store.finish(&clock)?;
        commit(&mut store, &prepared, &decks_dir, clock.now_ms())?;
        if let Err(e) = store.finish(&clock) {
            eprintln!("smriti: warning: {}", clean(&format!("{e:#}")));
        }
    }
    report(out, &args.file, &prepared, args.dry_run, &app.home.data)?;
    Ok(Exit::Success)
}

/// Writes the decks, then the answers; on any failure puts the decks back.
fn commit(store: &mut Store, p: &Prepared, decks_dir: &Path, now: Millis) -> Result<()> {
    std::fs::create_dir_all(decks_dir)
        .with_context(|| format!("cannot create {}", decks_dir.display()))?;
    let mut written: Vec<&DeckFile> = Vec::new();
    let result = (|| -> Result<()> {
        for deck in &p.decks {
            let snap = Snapshot::read(&deck.path)?;
            if snap.text != deck.original {
                bail!(
                    "{} changed on disk during the import; nothing was written, run it again",
                    deck.path.display()
                );
            }
            snap.replace(&deck.text)?;
            written.push(deck);
        }
        // Cards suspended in Anki stay suspended (once: a re-import leaves those already so),
        // each with its state after the imported answers; one batch with them, all or nothing.
        let mut after: HashMap<&str, CardState> = HashMap::new();
        for (card, a) in &p.answers {
            after.insert(&p.keys[*card as usize], a.state);
        }
        let now = p.answers.last().map_or(now, |(_, a)| a.at.max(now));
        let suspend: Vec<Entry> = p
            .suspended_keys
            .iter()
            .filter(|key| store.holds.get(key.as_str()) != Some(&Hold::Suspended))
            .map(|key| Entry::Control {
                at: now,
                key: key.clone(),
                event: Event::Suspend,
                state: after
                    .get(key.as_str())
                    .copied()
                    .or(store.state(key))
                    .unwrap_or_else(new_card_state),
                hold: Hold::Suspended,
            })
            .collect();
        let answers = p.answers.iter().map(|(card, a)| Entry::Review {
            at: a.at,
            key: p.keys[*card as usize].clone(),
            grade: a.grade,
            took_ms: a.took_ms,
            state: a.state,
        });
        store.record_all(answers.chain(suspend))?;
        Ok(())
    })();
    if let Err(e) = result {
        for deck in written {
            let undone = match &deck.original {
                None => std::fs::remove_file(&deck.path).map_err(anyhow::Error::from),
                Some(text) => Snapshot::read(&deck.path)
                    .and_then(|s| s.replace(text))
                    .map_err(anyhow::Error::from),
            };
            if let Err(u) = undone {
                eprintln!(
                    "smriti: warning: {} could not be put back as it was: {}",
                    deck.path.display(),
                    clean(&format!("{u:#}"))
                );
            }
        }
        return Err(e.context("the import was undone; nothing was written"));
    }
    Ok(())
}

fn report(
    out: &mut impl Write,
    file: &Path,
    p: &Prepared,
    dry_run: bool,
    home: &Path,
) -> std::io::Result<()> {
    let name = file.file_name().map_or_else(
        || file.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    writeln!(out, "{} ({})", clean(&name), p.format.member())?;
    let would = |done: &str, will: &str| {
        if dry_run {
            will.to_owned()
        } else {
            done.to_owned()
        }
    };
    for d in &p.decks {
        let kinds: Vec<String> = d.kinds.iter().map(|(k, n)| format!("{n} {k}")).collect();
        let shown = d.path.strip_prefix(home).unwrap_or(&d.path);
        let moved = match d.counts.moved_out {
            0 => String::new(),
            n => format!(
                "{n} card{} now in another Anki deck taken out",
                if n == 1 { "" } else { "s" }
            ),
        };
        if d.anki_name.is_empty() {
            writeln!(
                out,
                "  {} {}: {moved}",
                would("updated", "would update"),
                clean(&shown.display().to_string()),
            )?;
            continue;
        }
        writeln!(
            out,
            "  {} {} from “{}”: {} new, {} updated, {} unchanged ({}){}",
            if d.created {
                would("created", "would create")
            } else {
                would("updated", "would update")
            },
            clean(&shown.display().to_string()),
            clean(&d.anki_name),
            d.counts.new,
            d.counts.updated,
            d.counts.unchanged,
            kinds.join(", "),
            if moved.is_empty() {
                String::new()
            } else {
                format!("; {moved}")
            },
        )?;
    }
    let cards = p.keys.len();
    writeln!(
        out,
        "Reviews: {} {} on {} card{}, replayed through smriti's scheduler (study days start at {}:00)",
        p.answers.len(),
        would("imported", "to import"),
        cards,
        if cards == 1 { "" } else { "s" },
        p.day_start_hour,
    )?;
    let rules: Vec<String> = p
        .dropped
        .iter()
        .filter(|(why, _)| **why != Dropped::AlreadyThere)
        .map(|(why, n)| format!("{n} {}", why.describe()))
        .collect();
    if !rules.is_empty() {
        writeln!(
            out,
            "  left out as Anki's FSRS leaves them out: {}",
            rules.join(", ")
        )?;
    }
    if let Some(n) = p.dropped.get(&Dropped::AlreadyThere) {
        writeln!(
            out,
            "  {n} {} (not added again)",
            Dropped::AlreadyThere.describe()
        )?;
    }
    for (nt, n) in &p.other_types {
        writeln!(
            out,
            "Note type “{}”: {n} note{} written as basic cards from the first two fields",
            clean(nt),
            if *n == 1 { "" } else { "s" }
        )?;
    }
    if p.repeated_gaps > 0 {
        writeln!(
            out,
            "Cloze cards whose gap occurs more than once: {}, written as basic cards asking all occurrences at once",
            p.repeated_gaps
        )?;
    }
    for (why, n) in &p.skipped {
        writeln!(out, "Skipped: {n} × {why}")?;
    }
    if p.suspended > 0 {
        writeln!(
            out,
            "Suspended in Anki: {} card{}, suspended here too (`smriti unsuspend` brings them back)",
            p.suspended,
            if p.suspended == 1 { "" } else { "s" }
        )?;
    }
    if !p.media_referenced.is_empty() || p.media_in_package > 0 {
        let names: Vec<String> = p.media_referenced.iter().map(|m| clean(m)).collect();
        writeln!(
            out,
            "Media: {} file{} in the package, not copied; the cards show their names: {}",
            p.media_in_package,
            if p.media_in_package == 1 { "" } else { "s" },
            if names.is_empty() {
                "(none referenced)".to_owned()
            } else {
                names.join(", ")
            }
        )?;
    }
    if dry_run {
        writeln!(out, "Dry run: nothing was written.")?;
    }
    Ok(())
}
