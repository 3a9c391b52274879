//! Patch decks: a user deck with `[deck] patches = "deck-id"` changes another deck (most
//! often a built-in one, which the user cannot edit) without copying it.
//!
//! Its `[[card]]` entries whose id is a card of the patched deck replace that card (same key,
//! so its progress stays), new ids add cards, and `hidden = true` leaves a card out. Patches
//! are merged into the decks they patch once every deck is parsed and before anything uses
//! the collection (`apply`); a patch that does not fit (its deck is missing, it hides a card
//! there is not, or the merged deck breaks a rule) is left out whole, as a broken deck is.

use std::path::PathBuf;

use super::{Card, Deck, DeckError, Library, Origin, rename, rules};

impl Library {
    /// Where the card is written: its patch deck's file when a patch replaced or added it,
    /// else its deck's origin.
    pub fn written_in(&self, card: &Card) -> Option<Origin> {
        match &card.patch_file {
            Some(path) => Some(Origin::File(path.clone())),
            None => self.deck(&card.deck).map(|d| d.origin.clone()),
        }
    }
}

/// A patch deck that could not be applied: its file and why.
#[derive(Debug)]
pub struct Failed {
    pub path: PathBuf,
    pub errors: Vec<DeckError>,
}

/// Merges each patch deck into the deck it patches, in order; the decks returned hold no
/// patch deck. Patches that do not fit are left out and returned with their errors.
pub fn apply(decks: Vec<Deck>) -> (Vec<Deck>, Vec<Failed>) {
    let (patches, mut decks): (Vec<Deck>, Vec<Deck>) =
        decks.into_iter().partition(|d| d.patch.is_some());
    let mut failed = Vec::new();
    for patch in patches {
        let path = match &patch.origin {
            Origin::File(path) => path.clone(),
            Origin::Builtin(name) => PathBuf::from(name),
        };
        match merge(&decks, &patch) {
            Ok((at, merged)) => decks[at] = merged,
            Err(errors) => failed.push(Failed { path, errors }),
        }
    }
    (decks, failed)
}

/// The errors of patch decks among `decks`, checked against those decks and `targets` (the
/// built-in decks, when only some files are checked).
pub fn check(decks: &[Deck], targets: &[Deck]) -> Vec<DeckError> {
    let mut all: Vec<Deck> = targets
        .iter()
        .filter(|t| !decks.iter().any(|d| d.patch.is_none() && d.id == t.id))
        .cloned()
        .collect();
    all.extend(decks.iter().cloned());
    apply(all).1.into_iter().flat_map(|f| f.errors).collect()
}

/// The patched deck's index and its new content, or the patch's errors.
fn merge(decks: &[Deck], patch: &Deck) -> Result<(usize, Deck), Vec<DeckError>> {
    let Some(spec) = &patch.patch else {
        return Err(Vec::new());
    };
    let located = |line: usize, card: Option<&str>, message: String| DeckError {
        path: patch.origin.to_string(),
        line,
        col: 1,
        card: card.map(str::to_owned),
        message,
    };
    let Some(at) = decks.iter().position(|d| d.id == spec.target) else {
        let known: Vec<&str> = decks.iter().map(|d| d.id.as_str()).collect();
        return Err(vec![located(
            spec.line,
            None,
            format!(
                "`patches` names deck `{}`, which does not exist (decks: {})",
                spec.target,
                known.join(", ")
            ),
        )]);
    };
    let mut deck = decks[at].clone();
    let mut errors = Vec::new();
    for (id, line) in &spec.hidden {
        let before = deck.cards.len();
        deck.cards.retain(|c| c.id != *id);
        if deck.cards.len() == before {
            errors.push(located(
                *line,
                Some(id),
                format!(
                    "`hidden = true`, but deck `{}` has no card `{id}` to hide",
                    spec.target
                ),
            ));
        }
    }
    let file = match &patch.origin {
        Origin::File(path) => Some(path.clone()),
        Origin::Builtin(_) => None,
    };
    let mut i = 0;
    while i < patch.cards.len() {
        // A cloze note is several cards with one id: they replace the note together.
        let id = &patch.cards[i].id;
        let n = patch.cards[i..].iter().take_while(|c| c.id == *id).count();
        let new: Vec<Card> = patch.cards[i..i + n]
            .iter()
            .map(|c| Card {
                exam: deck.exam,
                patch_file: file.clone(),
                ..c.clone()
            })
            .collect();
        match deck.cards.iter().position(|c| c.id == *id) {
            Some(first) => {
                deck.cards.retain(|c| c.id != *id);
                let first = first.min(deck.cards.len());
                deck.cards.splice(first..first, new);
            }
            None => deck.cards.extend(new),
        }
        i += n;
    }
    // The merged deck must keep the rules a deck keeps: a replaced mcq may have left its
    // group with one answer, a new card may take an id another card names in `was`.
    for (line, card, message) in rules::check_groups(&deck)
        .into_iter()
        .chain(rename::check(&deck))
    {
        let in_patch = deck
            .cards
            .iter()
            .any(|c| c.id == card && c.patch_file.is_some() && c.patch_file == file);
        errors.push(DeckError {
            path: if in_patch {
                patch.origin.to_string()
            } else {
                deck.origin.to_string()
            },
            line,
            col: 1,
            card: Some(card),
            message: format!("{message} (once patched by {})", patch.origin),
        });
    }
    if errors.is_empty() {
        Ok((at, deck))
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deck::parse::parse_deck;

    const BASE: &str = "[deck]\nid = \"base\"\nexam = \"mains\"\n\n[[card]]\nid = \"a\"\nq = \"qa\"\na = \"A\"\nsource = \"s\"\n\n[[card]]\nid = \"b\"\nq = \"qb\"\na = \"B\"\nsource = \"s\"\n\n[[card]]\nid = \"c\"\nq = \"qc\"\na = \"C\"\nsource = \"s\"\n";

    fn base() -> Deck {
        parse_deck(BASE, Origin::Builtin("base.toml")).unwrap()
    }

    fn patch(text: &str) -> Deck {
        let src = format!("[deck]\npatches = \"base\"\n{text}");
        parse_deck(&src, Origin::File(PathBuf::from("/p.toml"))).unwrap()
    }

    fn ids(deck: &Deck) -> Vec<&str> {
        deck.cards.iter().map(|c| c.id.as_str()).collect()
    }

    #[test]
    fn a_patch_replaces_in_place_adds_and_hides() {
        let p = patch(
            "[[card]]\nid = \"b\"\nq = \"new qb\"\na = \"B2\"\nsource = \"s\"\n[[card]]\nid = \"z\"\nq = \"qz\"\na = \"Z\"\nsource = \"s\"\n[[card]]\nid = \"c\"\nhidden = true\n",
        );
        let (decks, failed) = apply(vec![base(), p]);
        assert!(failed.is_empty(), "{failed:?}");
        assert_eq!(decks.len(), 1);
        assert_eq!(ids(&decks[0]), ["a", "b", "z"]);
        let b = &decks[0].cards[1];
        assert_eq!((b.key.as_str(), b.answer().as_str()), ("base/b", "B2"));
        assert_eq!(b.exam, crate::deck::Exam::Mains, "the patched deck's exam");
        assert_eq!(
            b.patch_file.as_deref(),
            Some(std::path::Path::new("/p.toml"))
        );
        assert!(decks[0].cards[0].patch_file.is_none());
    }

    #[test]
    fn hiding_a_card_there_is_not_or_patching_a_missing_deck_fails_the_patch() {
        let (decks, failed) = apply(vec![
            base(),
            patch("[[card]]\nid = \"nope\"\nhidden = true\n"),
        ]);
        assert_eq!(ids(&decks[0]), ["a", "b", "c"], "the deck stays as it was");
        assert_eq!(failed.len(), 1);
        assert_eq!(
            failed[0].errors[0].to_string(),
            "/p.toml:3:1: card \"nope\": `hidden = true`, but deck `base` has no card `nope` to hide"
        );
        let (_, failed) = apply(vec![patch("[[card]]\nid = \"a\"\nhidden = true\n")]);
        assert!(
            failed[0].errors[0]
                .message
                .contains("names deck `base`, which does not exist")
        );
    }

    #[test]
    fn a_patch_header_may_not_have_its_own_id_and_hidden_needs_a_patch_deck() {
        let e = parse_deck(
            "[deck]\npatches = \"base\"\nid = \"x\"\n",
            Origin::Builtin("p.toml"),
        )
        .unwrap_err();
        assert!(
            e[0].message
                .contains("takes its `id` from the deck it patches"),
            "{e:?}"
        );
        let e =
            parse_deck(&format!("{BASE}hidden = true\n"), Origin::Builtin("p.toml")).unwrap_err();
        assert!(
            e[0].message
                .contains("`hidden` only belongs in a patch deck"),
            "{e:?}"
        );
    }

    #[test]
    fn an_entry_with_only_an_id_is_refused_in_a_patch_deck() {
        let e = parse_deck(
            "[deck]\npatches = \"base\"\n[[card]]\nid = \"typo\"\n",
            Origin::Builtin("p.toml"),
        )
        .unwrap_err();
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(
            e[0].to_string().starts_with(
                "decks/p.toml:3:1: card \"typo\": an entry with only an `id` does nothing"
            ),
            "{e:?}"
        );
    }

    #[test]
    fn a_patch_that_takes_an_old_id_is_refused() {
        let base = parse_deck(
            &BASE.replace("id = \"a\"\n", "id = \"a\"\nwas = [\"old\"]\n"),
            Origin::Builtin("base.toml"),
        )
        .unwrap();
        let errors = check(
            &[patch(
                "[[card]]\nid = \"old\"\nq = \"q\"\na = \"a\"\nsource = \"s\"\n",
            )],
            &[base],
        );
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(
            errors[0]
                .message
                .contains("`was` names `old`, which is the id of a live card"),
            "{errors:?}"
        );
    }
}
