//! `smriti export`: the user's cards as CSV of our own fields (`cards_csv`, which `import`
//! reads back exactly) or as Anki's text format (`anki_text`, which Anki imports as notes with
//! their decks and tags), and the review history as an open-spaced-repetition review log
//! (`review_log`). Pure: each writer returns the file's bytes; the command puts them in place.

pub mod anki_text;
pub mod cards_csv;
pub mod review_log;

use crate::deck::Deck;
use crate::deck::as_draft::draft_of;
use crate::deck::draft::Draft;

/// One note to export: a card as written in its deck (a cloze text once, not once per gap).
pub struct Note<'a> {
    pub deck: &'a Deck,
    pub draft: Draft,
}

/// The notes of `decks`, in deck order.
pub fn notes<'a>(decks: &[&'a Deck]) -> Vec<Note<'a>> {
    let mut out = Vec::new();
    for deck in decks {
        let mut last: Option<&str> = None;
        for card in &deck.cards {
            if last == Some(card.id.as_str()) {
                continue;
            }
            last = Some(card.id.as_str());
            out.push(Note {
                deck,
                // A card's tags already hold its deck's default tags, so they travel with it.
                draft: draft_of(card),
            });
        }
    }
    out
}

fn csv_error(e: csv::Error) -> std::io::Error {
    std::io::Error::other(e)
}
