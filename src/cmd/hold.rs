//! `smriti suspend`, `unsuspend` and `reset`: card controls from the command line, by key or
//! by `--deck`/`--tag`. Each change is one journal event (as the quiz's `@` and `=` write),
//! so it is durable, replayed on load and shown by every command; each command says how many
//! cards it changed and how many were already so. A reset forgets a card's schedule (back to
//! new) but not its answers, and asks first: where nobody can answer (stdin not a terminal)
//! it needs `--yes`, so a script cannot wipe schedules by accident.

use std::io::{BufRead, IsTerminal, Write};

use anyhow::{Result, bail};

use crate::app::{App, known_tags};
use crate::cli::{DeckFilter, HoldArgs, ResetArgs};
use crate::deck::Library;
use crate::exit::Exit;
use crate::quiz::queue::Filter;
use crate::store::Store;
use crate::store::journal::{Entry, Event, Hold, new_card_state};

pub fn suspend(app: &App, args: &HoldArgs, out: &mut dyn Write) -> Result<Exit> {
    let (keys, mut store) = open(app, args)?;
    let changed = apply(app, &mut store, &keys, Event::Suspend)?;
    let note = same_note(
        keys.len() - changed,
        "was already suspended",
        "were already suspended",
    );
    writeln!(out, "Suspended {}{note}.", cards(changed))?;
    Ok(Exit::Success)
}

pub fn unsuspend(app: &App, args: &HoldArgs, out: &mut dyn Write) -> Result<Exit> {
    let (keys, mut store) = open(app, args)?;
    let changed = apply(app, &mut store, &keys, Event::Unsuspend)?;
    let note = same_note(
        keys.len() - changed,
        "was not suspended",
        "were not suspended",
    );
    writeln!(out, "Unsuspended {}{note}.", cards(changed))?;
    Ok(Exit::Success)
}

pub fn reset(
    app: &App,
    args: &ResetArgs,
    input: &mut dyn BufRead,
    out: &mut dyn Write,
) -> Result<Exit> {
    let (keys, mut store) = open(app, &args.cards)?;
    let to_reset = keys
        .iter()
        .filter(|k| changes(&store, k, Event::Forget))
        .count();
    if to_reset > 0 && !args.yes {
        if !std::io::stdin().is_terminal() {
            bail!(
                "reset asks before it forgets {}, and stdin is not a terminal to answer; \
                 add --yes to reset without asking (nothing was changed)",
                cards(to_reset)
            );
        }
        write!(
            out,
            "Reset {} to new? Their answers stay in the history, but their schedule starts over. [y/N] ",
            cards(to_reset)
        )?;
        out.flush()?;
        if !super::confirmed(input)? {
            writeln!(out, "Nothing changed.")?;
            return Ok(Exit::Failure);
        }
    }
    let changed = apply(app, &mut store, &keys, Event::Forget)?;
    let note = same_note(keys.len() - changed, "was new already", "were new already");
    writeln!(
        out,
        "Reset {} to new{note}; their answers stay in the history.",
        cards(changed)
    )?;
    Ok(Exit::Success)
}

/// The keys the arguments name (each once, in the order given, then in deck order), checked
/// against the decks before the state is opened for writing.
fn open(app: &App, args: &HoldArgs) -> Result<(Vec<String>, Store)> {
    if args.keys.is_empty() && args.decks.is_empty() && args.tags.is_empty() {
        bail!("name the cards: one or more keys (as `smriti search` lists them), --deck or --tag");
    }
    let filter = DeckFilter {
        decks: args.decks.clone(),
    };
    let (library, deck_ids) = app.library(&filter)?;
    let mut keys = Vec::new();
    for key in &args.keys {
        check_key(&library, key)?;
        keys.push(key.clone());
    }
    if !args.decks.is_empty() || !args.tags.is_empty() {
        let filter = Filter {
            decks: deck_ids,
            tags: known_tags(&library, &args.tags)?,
            exam: None,
        };
        keys.extend(
            library
                .cards()
                .filter(|c| filter.matches(c))
                .map(|c| c.key.clone()),
        );
    }
    let mut seen = std::collections::HashSet::new();
    keys.retain(|k| seen.insert(k.clone()));
    Ok((keys, Store::open_write(&app.home.state())?))
}

fn check_key(library: &Library, key: &str) -> Result<()> {
    if library.cards().any(|c| c.key == key) {
        return Ok(());
    }
    let close = crate::cmd::card::close_keys(library, key);
    let hint = if close.is_empty() {
        "keys are deck-id/card-id; `smriti search` finds cards".to_owned()
    } else {
        format!("did you mean: {}", close.join(", "))
    };
    bail!(
        "no card has the key `{}` ({hint}); nothing was changed",
        crate::sanitize::clean_line(key)
    )
}

/// Records `event` for every card it changes; returns how many.
fn apply(app: &App, store: &mut Store, keys: &[String], event: Event) -> Result<usize> {
    let at = app.time.clock().now_ms();
    let mut changed = 0;
    for key in keys {
        if !changes(store, key, event) {
            continue;
        }
        let state = store.state(key).unwrap_or_else(new_card_state);
        let hold = store.holds.get(key.as_str()).copied().unwrap_or_default();
        let (state, hold) = match event {
            Event::Suspend => (state, Hold::Suspended),
            Event::Unsuspend => (state, Hold::None),
            Event::Bury => continue,
            // The hold stays: a suspended card reset is a new card still suspended.
            Event::Forget => (new_card_state(), hold),
        };
        store.record(&Entry::Control {
            at,
            key: key.clone(),
            event,
            state,
            hold,
        })?;
        changed += 1;
    }
    if let Err(e) = store.finish(&app.time.clock()) {
        eprintln!("smriti: warning: {}", crate::exit::chain(&e));
    }
    Ok(changed)
}

/// Whether `event` would change the card: suspend a card not suspended, unsuspend a
/// suspended one, reset one that is not new.
fn changes(store: &Store, key: &str, event: Event) -> bool {
    let hold = store.holds.get(key).copied().unwrap_or_default();
    match event {
        Event::Suspend => hold != Hold::Suspended,
        Event::Unsuspend => hold == Hold::Suspended,
        Event::Bury => false,
        Event::Forget => store.state(key).is_some(),
    }
}

fn cards(n: usize) -> String {
    format!("{n} {}", if n == 1 { "card" } else { "cards" })
}

fn same_note(n: usize, one: &str, many: &str) -> String {
    match n {
        0 => String::new(),
        1 => format!(" (1 {one})"),
        n => format!(" ({n} {many})"),
    }
}
