//! `smriti decks`: every deck with its card, new and due counts.

use std::io::Write;

use anyhow::Result;

use crate::app::App;
use crate::cli::DeckFilter;
use crate::exit::Exit;
use crate::quiz::queue::{due_cutoff, is_due_before};
use crate::sanitize::clean_line;
use crate::store::Store;

pub fn decks(app: &App, filter: &DeckFilter, out: &mut dyn Write) -> Result<Exit> {
    // Counting needs only the cards' keys: the deck index gives them without decoding a card.
    // The state is read on another core meanwhile; its errors come after the decks' as before.
    let state_dir = app.home.state();
    let (indexed, store) = std::thread::scope(|s| {
        let store = s.spawn(|| Store::open_read(&state_dir));
        (app.index(filter), store.join())
    });
    let (index, only) = indexed?;
    let store = store.map_err(|_| anyhow::anyhow!("reading the state failed"))??;
    let cutoff = due_cutoff(&app.time.clock());
    writeln!(
        out,
        "{:<32} {:>7} {:>6} {:>6} {:>6}  source",
        "deck", "exam", "cards", "new", "due"
    )?;
    for deck in index
        .decks
        .iter()
        .filter(|d| only.is_empty() || only.contains(&d.id))
    {
        let (mut new, mut due) = (0, 0);
        for i in deck.cards.clone() {
            match store.state(index.key(i)) {
                None => new += 1,
                Some(s) if s.in_step() || is_due_before(s, cutoff) => due += 1,
                Some(_) => {}
            }
        }
        writeln!(
            out,
            "{:<32} {:>7} {:>6} {:>6} {:>6}  {}",
            clean_line(&deck.id),
            deck.exam,
            deck.cards.len(),
            new,
            due,
            if deck.origin.is_builtin() {
                "built-in".to_owned()
            } else {
                clean_line(&deck.origin.to_string())
            }
        )?;
    }
    // The process ends right after: the index and states go back to the OS at once.
    std::mem::forget((index, store));
    Ok(Exit::Success)
}
