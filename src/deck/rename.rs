//! Renamed cards: `was = ["old-id", …]` on a card says which ids it had before, so the
//! progress recorded under the old keys stays with it.
//!
//! The journal is never rewritten: answers keep the key they were given under. Instead, on
//! load, each command moves the state of an old key to the card's key (`carry`), and the card
//! info reads the answers of every key the card had (`reviews`). `check` refuses an old id
//! that is also a live card's id (whose progress would it be?) and two cards claiming one.

use std::collections::HashMap;
use std::path::Path;

use super::index::Index;
use super::{Body, Card, Deck, Library};
use crate::store::history::{self, CardReview};
use crate::store::{Holds, States, Store, StoreError};

/// The keys the card had before: `deck/old` (`deck/old#N` for a cloze gap).
pub fn old_keys(card: &Card) -> impl Iterator<Item = String> + '_ {
    let gap = match &card.body {
        Body::Cloze { gap, .. } => format!("#{}", gap + 1),
        _ => String::new(),
    };
    card.was
        .iter()
        .map(move |old| format!("{}/{old}{gap}", card.deck))
}

/// Errors of a deck's `was` lists, as `(line, card id, message)`: an old id that is a live
/// card's id, or one claimed by two cards.
pub fn check(deck: &Deck) -> Vec<(usize, String, String)> {
    let live: HashMap<&str, usize> = deck.cards.iter().map(|c| (c.id.as_str(), c.line)).collect();
    let mut claimed: HashMap<&str, (&str, usize)> = HashMap::new();
    let mut errors = Vec::new();
    // A cloze note is one card per gap, all with the same id and `was`: look at it once.
    let mut seen_line = None;
    for card in &deck.cards {
        if seen_line == Some((card.id.as_str(), card.line)) {
            continue;
        }
        seen_line = Some((card.id.as_str(), card.line));
        for old in &card.was {
            if let Some(line) = live.get(old.as_str()) {
                errors.push((
                    card.line,
                    card.id.clone(),
                    format!(
                        "`was` names `{old}`, which is the id of a live card (line {line}); an old \
                         id must be one no card has now"
                    ),
                ));
            } else if let Some((other, line)) = claimed.get(old.as_str())
                && *other != card.id
            {
                errors.push((
                    card.line,
                    card.id.clone(),
                    format!(
                        "`was` names `{old}`, which card `{other}` (line {line}) already names; \
                         an old id can go to one card only"
                    ),
                ));
            } else {
                claimed.insert(old, (&card.id, card.line));
            }
        }
    }
    errors
}

/// Whether old keys are dropped once their state is carried to the new key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OldKeys {
    /// For commands that only read: each card counted once.
    Drop,
    /// For a session that writes: the store refreshes its snapshot from its states, which
    /// must stay what the journal says (the old keys included).
    Keep,
}

/// Gives each renamed card the state of its old key, when that is newer than its own (an
/// answer under the new key already holds everything the old one knew), and the old key's
/// hold (suspended, buried) with it; a card never answered under either key takes the old
/// key's hold when it has none of its own. Returns how many cards took an old key's state.
pub fn carry(
    library: &Library,
    states: &mut States,
    holds: &mut Holds,
    old_keys_: OldKeys,
) -> usize {
    let pairs: Vec<(&str, String)> = library
        .cards()
        .filter(|c| !c.was.is_empty())
        .flat_map(|c| old_keys(c).map(move |old| (c.key.as_str(), old)))
        .collect();
    carry_keys(
        pairs.iter().map(|(new, old)| (*new, old.as_str())),
        states,
        holds,
        old_keys_,
    )
}

/// `carry` over `(key, old key)` pairs, as the deck index lists them without decoding cards.
pub fn carry_keys<'k>(
    pairs: impl Iterator<Item = (&'k str, &'k str)>,
    states: &mut States,
    holds: &mut Holds,
    old_keys_: OldKeys,
) -> usize {
    let mut carried = 0;
    for (key, old) in pairs {
        let (state, hold) = match old_keys_ {
            OldKeys::Drop => (states.remove(old), holds.remove(old)),
            OldKeys::Keep => (states.get(old), holds.get(old).copied()),
        };
        match state {
            Some(state) if states.get(key).is_none_or(|s| s.last < state.last) => {
                states.insert(key.to_owned(), state);
                match hold {
                    Some(hold) => holds.insert(key.to_owned(), hold),
                    None => holds.remove(key),
                };
                carried += 1;
            }
            Some(_) => {}
            None => {
                if let Some(hold) = hold
                    && !states.contains_key(key)
                    && !holds.contains_key(key)
                {
                    holds.insert(key.to_owned(), hold);
                }
            }
        }
    }
    carried
}

/// The state, read only, with each renamed card's progress under its key, for commands that
/// read through the deck index.
pub fn carry_indexed(index: &Index, store: &mut Store) {
    carry_keys(
        index.renames(),
        &mut store.cards,
        &mut store.holds,
        OldKeys::Drop,
    );
}

/// The state, read only, with each renamed card's progress under its key.
pub fn read_store(state_dir: &Path, library: &Library) -> Result<Store, StoreError> {
    let mut store = Store::open_read(state_dir)?;
    carry(library, &mut store.cards, &mut store.holds, OldKeys::Drop);
    Ok(store)
}

/// The card of `key`, or of an old key of it (a key from before a rename still finds the card).
pub fn find<'l>(library: &'l Library, key: &str) -> Option<&'l Card> {
    library
        .cards()
        .find(|c| c.key == key)
        .or_else(|| library.cards().find(|c| old_keys(c).any(|k| k == key)))
}

/// Every answer to the card, under its key and its old ones, oldest first, each with the
/// state it was answered in.
pub fn reviews(state_dir: &Path, card: &Card) -> Result<Vec<CardReview>, StoreError> {
    let mut all = history::card_reviews(state_dir, &card.key)?;
    if card.was.is_empty() {
        return Ok(all);
    }
    for old in old_keys(card) {
        all.extend(history::card_reviews(state_dir, &old)?);
    }
    all.sort_by_key(|r| r.at);
    // Each key's first answer was read as if from a new card; after a rename it was not.
    for i in 1..all.len() {
        all[i].before = all[i - 1].after;
    }
    Ok(all)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deck::Origin;
    use crate::deck::parse::parse_deck;
    use crate::schedule::CardState;
    use crate::store::journal::{Hold, new_card_state};

    fn deck(cards: &str) -> Result<Deck, Vec<crate::deck::DeckError>> {
        parse_deck(
            &format!("[deck]\nid = \"d\"\nexam = \"prelims\"\n{cards}"),
            Origin::Builtin("d.toml"),
        )
    }

    fn card(id: &str, extra: &str) -> String {
        format!("\n[[card]]\nid = \"{id}\"\nq = \"q {id}\"\na = \"a\"\nsource = \"s\"\n{extra}")
    }

    fn state(last: i64) -> CardState {
        CardState {
            last,
            reps: 1,
            ..new_card_state()
        }
    }

    #[test]
    fn a_cloze_gap_keeps_its_number_under_its_old_id() {
        let d = deck("\n[[card]]\nid = \"new\"\nkind = \"cloze\"\ntext = \"{{a}} {{b}}\"\nsource = \"s\"\nwas = [\"old\"]\n").unwrap();
        let keys: Vec<String> = d
            .cards
            .iter()
            .flat_map(|c| old_keys(c).collect::<Vec<_>>())
            .collect();
        assert_eq!(keys, ["d/old#1", "d/old#2"]);
    }

    #[test]
    fn an_old_id_that_is_live_or_claimed_twice_is_an_error() {
        let errors = deck(&format!(
            "{}{}{}{}",
            card("a", ""),
            card("b", "was = [\"a\"]\n"),
            card("c", "was = [\"gone\"]\n"),
            card("e", "was = [\"gone\"]\n")
        ))
        .unwrap_err();
        let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(text.len(), 2, "{text:?}");
        assert!(
            text[0]
                .contains("card \"b\": `was` names `a`, which is the id of a live card (line 5)"),
            "{text:?}"
        );
        assert!(
            text[1].contains("card \"e\": `was` names `gone`, which card `c`"),
            "{text:?}"
        );
    }

    #[test]
    fn was_may_not_name_the_card_itself_or_a_bad_id() {
        let errors = deck(&card("a", "was = [\"a\", \"x/y\"]\n")).unwrap_err();
        let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert!(
            text.iter().any(|e| e.contains("names the card's own id")),
            "{text:?}"
        );
        assert!(
            text.iter().any(|e| e.contains("that is not one")),
            "{text:?}"
        );
    }

    #[test]
    fn a_never_answered_card_takes_its_old_keys_hold() {
        let library = Library {
            decks: vec![deck(&card("new", "was = [\"old\"]\n")).unwrap()],
        };
        let mut states = States::default();
        let mut holds = Holds::default();
        holds.insert("d/old".into(), Hold::Suspended);
        carry(&library, &mut states, &mut holds, OldKeys::Drop);
        assert_eq!(holds.get("d/new"), Some(&Hold::Suspended));
        assert!(!holds.contains_key("d/old"));
    }

    #[test]
    fn carrying_moves_the_newer_state_to_the_new_key() {
        let library = Library {
            decks: vec![
                deck(&(card("new", "was = [\"old\"]\n") + &card("kept", "was = [\"older\"]\n")))
                    .unwrap(),
            ],
        };
        let mut states = States::default();
        states.insert("d/old".into(), state(5));
        states.insert("d/kept".into(), state(9));
        states.insert("d/older".into(), state(3));
        let mut read = states.clone();
        let mut holds = Holds::default();
        holds.insert("d/old".into(), Hold::Suspended);
        holds.insert("d/older".into(), Hold::Suspended);
        let mut read_holds = holds.clone();
        assert_eq!(
            carry(&library, &mut read, &mut read_holds, OldKeys::Drop),
            1
        );
        // The newer old key's hold goes with its state; the older one's is dropped with it.
        assert_eq!(read_holds.get("d/new"), Some(&Hold::Suspended));
        assert_eq!(read_holds.get("d/kept"), None);
        assert_eq!(read_holds.len(), 1);
        assert_eq!(read.get("d/new").map(|s| s.last), Some(5));
        assert_eq!(
            read.get("d/kept").map(|s| s.last),
            Some(9),
            "its own answer is newer"
        );
        assert!(!read.contains_key("d/old") && !read.contains_key("d/older"));
        let mut write = states;
        carry(&library, &mut write, &mut holds, OldKeys::Keep);
        assert_eq!(write.get("d/new").map(|s| s.last), Some(5));
        assert!(
            write.contains_key("d/old"),
            "a writing session keeps what the journal says"
        );
    }

    #[test]
    fn an_old_key_finds_the_renamed_card() {
        let library = Library {
            decks: vec![deck(&card("new", "was = [\"old\"]\n")).unwrap()],
        };
        assert_eq!(
            find(&library, "d/old").map(|c| c.key.as_str()),
            Some("d/new")
        );
        assert!(find(&library, "d/other").is_none());
    }
}
