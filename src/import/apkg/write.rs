//! Imported decks as TOML, written with `toml_edit` so that a deck imported before keeps
//! whatever the user changed in it: a card already there (same id) has its text, tags and
//! source brought up to date in place, with its comments and any fields the import does not
//! own (`accept`, `as_of`, …) left alone; new cards are appended; cards the package no longer
//! has stay. The result is checked by the deck parser before anything is written.

use std::path::Path;

use toml_edit::{Array, ArrayOfTables, DocumentMut, Item, Table, value};

use super::ApkgError;
use super::convert::{Body, Card, Deck};
use crate::deck::{Origin, parse::parse_deck};

/// What happened to a deck's cards.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub new: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Cards taken out because the package has them in another deck now.
    pub moved_out: usize,
}

/// Fields a card of one kind has that another kind must not.
const KIND_FIELDS: &[&str] = &[
    "q",
    "a",
    "text",
    "accept",
    "options",
    "distractors",
    "group",
    "shuffle",
    "points",
    "year",
    "word_limit",
];

/// The deck's new text (from `existing`, the file as it is, if any), checked.
pub fn render(
    deck: &Deck,
    existing: Option<&str>,
    path: &Path,
) -> Result<(String, Counts), ApkgError> {
    let invalid = |why: String| ApkgError::Deck {
        path: path.to_path_buf(),
        why,
    };
    let source = format!("Anki deck “{}”", deck.name);
    let Some(existing) = existing else {
        let text = new_deck_text(deck, &source);
        check(&text, path)?;
        let counts = Counts {
            new: deck.cards.len(),
            ..Counts::default()
        };
        return Ok((text, counts));
    };
    let mut doc = existing.parse::<DocumentMut>().map_err(|e| {
        invalid(format!(
            "is not valid TOML, so the import cannot update it ({})",
            e.message()
        ))
    })?;
    if !doc.contains_table("deck") {
        return Err(invalid(
            "has no `[deck]` table; it is not a smriti deck".into(),
        ));
    }
    let cards = doc
        .entry("card")
        .or_insert(Item::ArrayOfTables(ArrayOfTables::new()))
        .as_array_of_tables_mut()
        .ok_or_else(|| {
            invalid("has a `card` key that is not a list of `[[card]]` tables".into())
        })?;
    let mut at: std::collections::HashMap<String, usize> = cards
        .iter()
        .enumerate()
        .filter_map(|(i, t)| Some((t.get("id")?.as_str()?.to_owned(), i)))
        .collect();
    let mut counts = Counts::default();
    for card in &deck.cards {
        match at.get(&card.id) {
            Some(&i) => {
                let Some(table) = cards.get_mut(i) else {
                    continue;
                };
                let before = table.to_string();
                fill(table, card, &source);
                if table.to_string() == before {
                    counts.unchanged += 1;
                } else {
                    counts.updated += 1;
                }
            }
            None => {
                let mut table = Table::new();
                table.insert("id", value(card.id.as_str()));
                fill(&mut table, card, &source);
                at.insert(card.id.clone(), cards.len());
                cards.push(table);
                counts.new += 1;
            }
        }
    }
    let text = doc.to_string();
    check(&text, path)?;
    Ok((text, counts))
}

/// The deck parser's verdict on the text about to be written.
pub fn check(text: &str, path: &Path) -> Result<(), ApkgError> {
    parse_deck(text, Origin::File(path.to_path_buf()))
        .map(drop)
        .map_err(|errors| {
            let all: Vec<String> = errors.iter().map(ToString::to_string).collect();
            ApkgError::Deck {
                path: path.to_path_buf(),
                why: format!(
                    "would not be a valid deck after the import:\n{}",
                    all.join("\n")
                ),
            }
        })
}

/// A new deck's text, one `[[card]]` at a time: the same text a whole document would give,
/// without holding every card's table at once (a 50,000-card deck's tables take far more
/// memory than its text).
fn new_deck_text(deck: &Deck, source: &str) -> String {
    let mut text = new_deck(deck).to_string();
    for card in &deck.cards {
        let mut table = Table::new();
        table.insert("id", value(card.id.as_str()));
        fill(&mut table, card, source);
        let mut list = ArrayOfTables::new();
        list.push(table);
        let mut one = DocumentMut::new();
        one.insert("card", Item::ArrayOfTables(list));
        text.push('\n');
        text.push_str(&one.to_string());
    }
    text
}

fn new_deck(deck: &Deck) -> DocumentMut {
    let mut doc = DocumentMut::new();
    let mut header = Table::new();
    header.insert("id", value(deck.id.as_str()));
    header.insert("name", value(deck.name.as_str()));
    header.insert("exam", value("prelims"));
    header.insert(
        "description",
        value(format!("Imported from the Anki deck “{}”.", deck.name)),
    );
    doc.insert("deck", Item::Table(header));
    doc
}

/// Sets the fields the import owns, leaving the others as the user has them.
fn fill(table: &mut Table, card: &Card, source: &str) {
    let set = |t: &mut Table, k: &str, v: &str| {
        // Only a changed value is replaced, so an unchanged card keeps its formatting.
        if t.get(k).and_then(Item::as_str) != Some(v) {
            t.insert(k, value(v));
        }
    };
    let keep: &[&str] = match &card.body {
        Body::Basic { .. } => &["q", "a"],
        Body::Typed { .. } => &["q", "a", "accept"],
        Body::Cloze { .. } => &["text"],
    };
    for field in KIND_FIELDS {
        if !keep.contains(field) {
            table.remove(field);
        }
    }
    set(table, "kind", card.body.kind());
    match &card.body {
        Body::Basic { q, a } | Body::Typed { q, a } => {
            set(table, "q", q);
            set(table, "a", a);
        }
        Body::Cloze { text } => set(table, "text", text),
    }
    match &card.explain {
        Some(e) => set(table, "explain", e),
        None => {
            table.remove("explain");
        }
    }
    let tags: Vec<&str> = card.tags.iter().map(String::as_str).collect();
    let current: Option<Vec<&str>> = table
        .get("tags")
        .and_then(Item::as_array)
        .map(|a| a.iter().filter_map(|v| v.as_str()).collect());
    if current.as_deref() != Some(&tags[..]) {
        table.insert("tags", value(tags.iter().copied().collect::<Array>()));
    }
    set(table, "source", source);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deck(cards: Vec<Card>) -> Deck {
        Deck {
            id: "upsc-polity".into(),
            name: "UPSC::Polity".into(),
            cards,
        }
    }

    fn basic(id: &str, q: &str, a: &str) -> Card {
        Card {
            id: id.into(),
            key: format!("upsc-polity/{id}"),
            anki_card: 1,
            suspended: false,
            body: Body::Basic {
                q: q.into(),
                a: a.into(),
            },
            tags: vec!["polity::constitution".into()],
            explain: None,
        }
    }

    #[test]
    fn a_new_deck_is_a_valid_deck_with_every_card() {
        let (text, counts) = render(
            &deck(vec![basic("g1-1", "Q?", "A")]),
            None,
            Path::new("x.toml"),
        )
        .unwrap();
        assert_eq!(
            counts,
            Counts {
                new: 1,
                updated: 0,
                unchanged: 0,
                moved_out: 0
            }
        );
        let d = parse_deck(&text, Origin::File("x.toml".into())).unwrap();
        assert_eq!(d.id, "upsc-polity");
        assert_eq!(d.cards[0].key, "upsc-polity/g1-1");
        assert_eq!(d.cards[0].tags, ["polity::constitution"]);
    }

    #[test]
    fn a_second_import_updates_in_place_and_keeps_the_users_edits() {
        let (first, _) = render(
            &deck(vec![basic("g1-1", "Q?", "A"), basic("g2-1", "R?", "B")]),
            None,
            Path::new("x.toml"),
        )
        .unwrap();
        let edited = first.replace(
            "[[card]]\nid = \"g1-1\"",
            "# my note\n[[card]]\nid = \"g1-1\"\nas_of = 2026-01-01",
        ) + "\n[[card]]\nid = \"mine\"\nq = \"Own?\"\na = \"Yes\"\nsource = \"me\"\n";
        let (second, counts) = render(
            &deck(vec![
                basic("g1-1", "Q changed?", "A"),
                basic("g2-1", "R?", "B"),
            ]),
            Some(&edited),
            Path::new("x.toml"),
        )
        .unwrap();
        assert_eq!(
            counts,
            Counts {
                new: 0,
                updated: 1,
                unchanged: 1,
                moved_out: 0
            }
        );
        assert!(
            second.contains("# my note") && second.contains("as_of = 2026-01-01"),
            "{second}"
        );
        assert!(second.contains("Q changed?") && second.contains("id = \"mine\""));
        assert_eq!(second.matches("[[card]]").count(), 3);
    }

    #[test]
    fn a_file_that_is_not_toml_is_refused() {
        let err = render(
            &deck(vec![basic("g", "Q", "A")]),
            Some("[deck\nid="),
            Path::new("x.toml"),
        )
        .unwrap_err();
        assert!(err.to_string().contains("x.toml"), "{err}");
    }
}
