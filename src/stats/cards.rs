//! The selected cards as `compute` reads them: by place, only the fields it counts by (key,
//! deck, exam, tags), and the prompt only for the few at-risk cards it lists. Decoded cards
//! and the deck index both give them, so `stats` on 100k cards decodes none but those few.

use crate::deck::index::Index;
use crate::deck::{Card, Exam};
use crate::schedule::CardState;
use crate::store::journal::Hold;
use crate::store::{Holds, Placed, States};

pub trait Cards {
    fn len(&self) -> usize;
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    fn key(&self, i: usize) -> &str;
    fn deck(&self, i: usize) -> &str;
    fn exam(&self, i: usize) -> Exam;
    /// Calls `each` with every tag of card `i`, in order.
    fn each_tag(&self, i: usize, each: &mut dyn FnMut(&str));
    /// `each_tag`, each tag with its number in the card's deck where the cards number them
    /// (`deck_number`): the same number in the same deck is the same tag, so a caller can
    /// remember what it made of it instead of hashing the name again for every card.
    fn each_tag_numbered(&self, i: usize, each: &mut dyn FnMut(Option<u16>, &str)) {
        self.each_tag(i, &mut |t| each(None, t));
    }
    /// The number of card `i`'s deck, where the cards number their decks.
    fn deck_number(&self, _i: usize) -> Option<usize> {
        None
    }
    /// The prompt as shown (decoded on demand).
    fn prompt(&self, i: usize) -> String;
    /// The state of card `i`: by its key in `states`, unless the cards carry their states.
    fn state(&self, i: usize, states: &States) -> Option<CardState> {
        states.get(self.key(i))
    }
    /// The hold of card `i`: by its key in `holds`, unless the cards carry their holds.
    fn hold(&self, i: usize, holds: &Holds) -> Option<Hold> {
        holds.get(self.key(i)).copied()
    }
}

impl Cards for Vec<&Card> {
    fn len(&self) -> usize {
        <[&Card]>::len(self)
    }
    fn key(&self, i: usize) -> &str {
        &self[i].key
    }
    fn deck(&self, i: usize) -> &str {
        &self[i].deck
    }
    fn exam(&self, i: usize) -> Exam {
        self[i].exam
    }
    fn each_tag(&self, i: usize, each: &mut dyn FnMut(&str)) {
        self[i].tags.iter().for_each(|t| each(t));
    }
    fn prompt(&self, i: usize) -> String {
        self[i].prompt()
    }
}

/// Cards of the deck index, by their places in it, with their states and holds joined to
/// them by place (`Index::join`), so none is looked up by key.
pub struct Indexed<'a> {
    pub index: &'a Index,
    pub places: &'a [usize],
    pub placed: &'a Placed<'a>,
}

impl Cards for Indexed<'_> {
    fn len(&self) -> usize {
        self.places.len()
    }
    fn key(&self, i: usize) -> &str {
        self.index.key(self.places[i])
    }
    fn deck(&self, i: usize) -> &str {
        &self.index.deck(self.places[i]).id
    }
    fn exam(&self, i: usize) -> Exam {
        self.index.exam(self.places[i])
    }
    fn each_tag(&self, i: usize, each: &mut dyn FnMut(&str)) {
        self.index.tags(self.places[i]).for_each(each);
    }
    fn each_tag_numbered(&self, i: usize, each: &mut dyn FnMut(Option<u16>, &str)) {
        self.index
            .numbered_tags(self.places[i])
            .for_each(|(n, t)| each(Some(n), t));
    }
    fn deck_number(&self, i: usize) -> Option<usize> {
        Some(self.index.deck_number(self.places[i]))
    }
    fn state(&self, i: usize, _: &States) -> Option<CardState> {
        self.placed.get(self.places[i])
    }
    fn hold(&self, i: usize, _: &Holds) -> Option<Hold> {
        self.placed.hold(self.places[i])
    }
    fn prompt(&self, i: usize) -> String {
        // The index verified when read; a card that still fails to decode shows its key.
        self.index
            .card(self.places[i])
            .map_or_else(|_| self.key(i).to_owned(), |c| c.prompt())
    }
}
