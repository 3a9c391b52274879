//! Cards moved to another deck in Anki since they were last imported. A card's id comes from
//! its note's GUID and the card's number, so the same id in another of the user's deck files
//! is the same card, imported before under the Anki deck it was in then. Left there it would
//! be asked twice, so the import takes it out of that file (as one of the deck files it
//! writes, all or nothing). Its progress there stays in the journal under the old key; the
//! card's answers in Anki are replayed under the new one.

use std::collections::{BTreeSet, HashMap};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use toml_edit::DocumentMut;

use super::ApkgError;
use super::convert::Deck;
use crate::deck::load::deck_files;

/// Per deck file of the user's: its deck id, its text and the ids of the cards the import
/// puts in another deck.
pub struct MovedOut {
    pub deck: String,
    pub original: String,
    pub ids: BTreeSet<String>,
}

/// The user's deck files that hold a card the import writes to another deck.
pub fn find(converted: &[Deck], dir: &Path) -> Result<HashMap<PathBuf, MovedOut>, ApkgError> {
    let deck_of: HashMap<&str, &str> = converted
        .iter()
        .flat_map(|d| d.cards.iter().map(move |c| (c.id.as_str(), d.id.as_str())))
        .collect();
    let mut found = HashMap::new();
    if deck_of.is_empty() {
        return Ok(found);
    }
    let files = deck_files(dir).map_err(|e| ApkgError::Read {
        path: dir.to_path_buf(),
        source: io::Error::other(e.to_string()),
    })?;
    for path in files {
        let text = match fs::read_to_string(&path) {
            Ok(text) => text,
            Err(source) => return Err(ApkgError::Read { path, source }),
        };
        // A file that is not a deck cannot hold an imported card: `check` reports it.
        let Ok(doc) = text.parse::<DocumentMut>() else {
            continue;
        };
        let Some(deck) = doc
            .get("deck")
            .and_then(|d| d.get("id"))
            .and_then(|i| i.as_str())
        else {
            continue;
        };
        let ids: BTreeSet<String> = card_ids(&doc)
            .filter(|id| deck_of.get(id).is_some_and(|to| *to != deck))
            .map(str::to_owned)
            .collect();
        if !ids.is_empty() {
            let deck = deck.to_owned();
            found.insert(
                path,
                MovedOut {
                    deck,
                    original: text,
                    ids,
                },
            );
        }
    }
    Ok(found)
}

fn card_ids(doc: &DocumentMut) -> impl Iterator<Item = &str> {
    doc.get("card")
        .and_then(|c| c.as_array_of_tables())
        .into_iter()
        .flat_map(|cards| cards.iter())
        .filter_map(|t| t.get("id")?.as_str())
}

/// `text` without the `[[card]]` tables of `ids`; the rest stays byte for byte.
pub fn strip(text: &str, ids: &BTreeSet<String>) -> String {
    let Ok(mut doc) = text.parse::<DocumentMut>() else {
        return text.to_owned();
    };
    if let Some(cards) = doc.get_mut("card").and_then(|c| c.as_array_of_tables_mut()) {
        cards.retain(|t| {
            t.get("id")
                .and_then(|i| i.as_str())
                .is_none_or(|id| !ids.contains(id))
        });
    }
    doc.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::apkg::convert::{Body, Card};

    fn deck(id: &str, cards: &[&str]) -> Deck {
        Deck {
            id: id.into(),
            name: id.into(),
            cards: cards
                .iter()
                .map(|c| Card {
                    id: (*c).into(),
                    key: format!("{id}/{c}"),
                    anki_card: 1,
                    suspended: false,
                    body: Body::Basic {
                        q: "Q?".into(),
                        a: "A".into(),
                    },
                    tags: Vec::new(),
                    explain: None,
                })
                .collect(),
        }
    }

    const OLD: &str = "[deck]\nid = \"polity\"\nname = \"Polity\"\n\n\
        # kept\n[[card]]\nid = \"g1-1\"\nq = \"Q1?\"\na = \"A\"\nsource = \"s\"\n\n\
        [[card]]\nid = \"g2-1\"\nq = \"Q2?\"\na = \"A\"\nsource = \"s\"\n";

    #[test]
    fn a_card_now_in_another_anki_deck_leaves_its_old_file_and_nothing_else_changes() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("polity.toml"), OLD).unwrap();
        let found = find(
            &[deck("polity", &["g1-1"]), deck("history", &["g2-1"])],
            dir.path(),
        )
        .unwrap();
        let moved = &found[&dir.path().join("polity.toml")];
        assert_eq!(moved.deck, "polity");
        assert_eq!(moved.ids, BTreeSet::from(["g2-1".to_owned()]));
        assert_eq!(
            strip(OLD, &moved.ids),
            "[deck]\nid = \"polity\"\nname = \"Polity\"\n\n\
             # kept\n[[card]]\nid = \"g1-1\"\nq = \"Q1?\"\na = \"A\"\nsource = \"s\"\n"
        );
    }

    #[test]
    fn cards_staying_in_their_deck_move_nothing() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("polity.toml"), OLD).unwrap();
        let found = find(&[deck("polity", &["g1-1", "g2-1", "g3-1"])], dir.path()).unwrap();
        assert!(found.is_empty());
    }
}
