//! Spotting a card the user already has: questions compare on their letters and digits only,
//! so case, spacing and punctuation do not make one new. The deck being added to may not ask
//! a question twice (unless `--force`); another deck asking it too is only worth a warning,
//! as two decks may well share a fact.

use anyhow::Result;
use rustc_hash::{FxHashMap, FxHashSet};

use super::Prepared;
use crate::app::{App, DeckErrors};
use crate::deck::draft::Draft;
use crate::deck::{Body, Card, Deck, cloze};
use crate::sanitize::clean_line;

/// Case, spacing and punctuation do not make a question new: "Year of LEMOA?" asks what
/// "year of  LEMOA" asks. Letters, digits and marks (Devanagari vowel signs) are what count.
fn normalise(question: &str) -> String {
    question
        .chars()
        .filter(|c| !c.is_whitespace() && !is_punctuation(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

fn is_punctuation(c: char) -> bool {
    c.is_ascii_punctuation()
        || matches!(
            c,
            '‘' | '’'
                | '“'
                | '”'
                | '–'
                | '—'
                | '…'
                | '·'
                | '।'
                | '॥'
                | '¿'
                | '¡'
                | '«'
                | '»'
        )
}

/// The new cards another deck already asks (a built-in one included): added anyway, as two
/// decks may well share a fact, but said, so the user can drop one.
pub fn asked_elsewhere(app: &App, prepared: &Prepared) -> Vec<String> {
    // A library that does not load (an invalid deck) only costs this courtesy check.
    let Ok((library, _)) = app.library(&crate::cli::DeckFilter::default()) else {
        return Vec::new();
    };
    // Sets and maps: a batch may hold a thousand cards, a deck 100k. A cloze note is a card
    // per gap, all asking the same text, so the first card of each question stands for it.
    let ids: FxHashSet<&str> = prepared.ids.iter().map(String::as_str).collect();
    let mut new: FxHashMap<String, &str> = FxHashMap::default();
    for card in prepared
        .deck
        .cards
        .iter()
        .filter(|c| ids.contains(c.id.as_str()))
    {
        new.entry(normalise(&asked(card))).or_insert(&card.key);
    }
    let mut warnings = Vec::new();
    for deck in library.decks.iter().filter(|d| d.id != prepared.deck.id) {
        let mut warned = FxHashSet::default();
        for card in &deck.cards {
            let theirs = normalise(&asked(card));
            if let Some(key) = new.get(&theirs)
                && warned.insert(theirs)
            {
                warnings.push(format!(
                    "\"{key}\" asks what \"{}\" already asks ({}:{})",
                    card.key, deck.origin, card.line
                ));
            }
        }
    }
    warnings
}

/// What a card asks, as `Draft::question` says it for a new card: a cloze without its braces.
fn asked(card: &Card) -> String {
    match &card.body {
        Body::Cloze { text, .. } => cloze::render(text, None),
        _ => card.prompt(),
    }
}

/// The id and line of an existing card that asks `question`, if any.
pub fn duplicate_of(existing: Option<&Deck>, question: &str) -> Option<(String, usize)> {
    let wanted = normalise(question);
    existing?
        .cards
        .iter()
        .find_map(|c| (normalise(&asked(c)) == wanted).then(|| (c.id.clone(), c.line)))
}

pub fn refuse_duplicates(existing: Option<&Deck>, drafts: &[Draft]) -> Result<()> {
    // Maps, not scans: a batch of a thousand cards into a deck of 100k.
    let mut in_deck: FxHashMap<String, (&str, usize)> = FxHashMap::default();
    for card in existing.map_or(&[][..], |d| &d.cards) {
        in_deck
            .entry(normalise(&asked(card)))
            .or_insert((&card.id, card.line));
    }
    let mut drafted: FxHashMap<String, &str> = FxHashMap::default();
    let mut problems = Vec::new();
    for d in drafts {
        let question = d.question();
        let key = normalise(&question);
        if let Some((id, line)) = in_deck.get(&key) {
            problems.push(format!(
                "card \"{id}\" on line {line} already asks \"{}\"",
                clean_line(&question)
            ));
        } else if let Some(other) = drafted.get(&key) {
            problems.push(format!(
                "cards \"{other}\" and \"{}\" ask the same question \"{}\"",
                d.id,
                clean_line(&question)
            ));
        } else {
            drafted.insert(key, &d.id);
        }
    }
    if problems.is_empty() {
        return Ok(());
    }
    problems.push("pass --force to add it anyway; nothing was written".to_owned());
    Err(anyhow::Error::new(DeckErrors(problems)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn questions_compare_without_case_spacing_or_punctuation() {
        assert_eq!(normalise("Year of LEMOA?"), normalise("year of  lemoa"));
        assert_eq!(
            normalise("India’s “2+2” — why?"),
            normalise("Indias 22 why")
        );
        assert_ne!(normalise("LEMOA year?"), normalise("BECA year?"));
        // Devanagari vowel signs are marks, not punctuation: they still tell words apart.
        assert_ne!(normalise("भारत"), normalise("भरत"));
        assert_eq!(normalise("भारत।"), normalise("भारत"));
    }
}
