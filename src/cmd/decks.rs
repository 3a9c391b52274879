//! `smriti decks`: every deck with its card, new and due counts, and how many of its cards are
//! held (suspended, or buried until the next study day): those count as neither new nor due.
//! A card is due on the day the quiz asks it (with an exam ahead, its exam-serving due date:
//! `cmd::asked`), so the column says what `quiz` will ask today.

use std::io::Write;

use anyhow::Result;

use crate::app::App;
use crate::cli::DeckFilter;
use crate::cmd::asked;
use crate::deck::rename;
use crate::exit::Exit;
use crate::quiz::queue::due_cutoff;
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
    let mut store = store.map_err(|_| anyhow::anyhow!("reading the state failed"))??;
    rename::carry_indexed(&index, &mut store);
    // Each card's state by its place, joined once: no lookup by key per card.
    let placed = index.join(&store.cards, &store.holds);
    let clock = app.time.clock();
    let cutoff = due_cutoff(&clock);
    let now = clock.now_ms();
    let shown: Vec<_> = index
        .decks
        .iter()
        .filter(|d| only.is_empty() || only.contains(&d.id))
        .collect();
    // The day the quiz asks each card (with an exam ahead, its kept exam-serving date).
    let sched = app.scheduler()?;
    let goals = asked::index_goals(app, &index, &placed, &sched, &clock)?;
    let mut asked_on = asked::kept(app, &index, &goals, &sched, &clock);
    writeln!(
        out,
        "{:<32} {:>7} {:>6} {:>6} {:>6} {:>6}  source",
        "deck", "exam", "cards", "new", "due", "held"
    )?;
    for deck in shown {
        let (mut new, mut due, mut held) = (0, 0, 0);
        for i in deck.cards.clone() {
            if placed.is_held(i, now) {
                held += 1;
                continue;
            }
            let Some(s) = placed.get(i) else {
                new += 1;
                continue;
            };
            let at = asked_on.due(i, &s, index.exam(i));
            if asked::is_due_before(&s, at, cutoff) {
                due += 1;
            }
        }
        writeln!(
            out,
            "{:<32} {:>7} {:>6} {:>6} {:>6} {:>6}  {}",
            clean_line(&deck.id),
            deck.exam,
            deck.cards.len(),
            new,
            due,
            held,
            if deck.origin.is_builtin() {
                "built-in".to_owned()
            } else {
                clean_line(&deck.origin.to_string())
            }
        )?;
    }
    asked_on.keep();
    // The process ends right after: the index and states go back to the OS at once.
    std::mem::forget(placed);
    std::mem::forget((index, store));
    Ok(Exit::Success)
}
