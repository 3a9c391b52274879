//! `smriti decks`: every deck with its card, new and due counts, and how many of its cards are
//! held (suspended, or buried until the next study day): those count as neither new nor due.

use std::io::Write;

use anyhow::Result;

use crate::app::App;
use crate::cli::DeckFilter;
use crate::deck::rename::read_store;
use crate::exit::Exit;
use crate::quiz::queue::{due_cutoff, is_due_before};
use crate::sanitize::clean_line;

pub fn decks(app: &App, filter: &DeckFilter, out: &mut dyn Write) -> Result<Exit> {
    let (library, only) = app.library(filter)?;
    let store = read_store(&app.home.state(), &library)?;
    let clock = app.time.clock();
    let cutoff = due_cutoff(&clock);
    let held = |key: &str| crate::cmd::quiz::is_held(&store, key, clock.now_ms());
    writeln!(
        out,
        "{:<32} {:>7} {:>6} {:>6} {:>6} {:>6}  source",
        "deck", "exam", "cards", "new", "due", "held"
    )?;
    for deck in library
        .decks
        .iter()
        .filter(|d| only.is_empty() || only.contains(&d.id))
    {
        let (held, studied): (Vec<_>, Vec<_>) = deck.cards.iter().partition(|c| held(&c.key));
        let new = studied
            .iter()
            .filter(|c| store.state(&c.key).is_none())
            .count();
        let due = studied
            .iter()
            .filter_map(|c| store.state(&c.key))
            .filter(|s| s.in_step() || is_due_before(s, cutoff))
            .count();
        writeln!(
            out,
            "{:<32} {:>7} {:>6} {:>6} {:>6} {:>6}  {}",
            clean_line(&deck.id),
            deck.exam,
            deck.cards.len(),
            new,
            due,
            held.len(),
            if deck.origin.is_builtin() {
                "built-in".to_owned()
            } else {
                clean_line(&deck.origin.to_string())
            }
        )?;
    }
    Ok(Exit::Success)
}
