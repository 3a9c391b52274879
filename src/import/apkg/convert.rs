//! Anki notes to smriti cards. Each Anki card becomes one smriti card, whose id is made from
//! the note's GUID and the card's ordinal, so the next import of the same package finds it
//! again. The kind comes from the note type's shape rather than its name (names are
//! translated and renamed): a cloze type gives cloze cards; a template asking one field with
//! `{{type:…}}` gives a typed card; a template showing one field and answering with one other
//! gives a basic card (so "Basic" gives one, "Basic (and reversed card)" one per direction);
//! anything else gives one basic card per note from its first two fields, counted in the
//! report.

use std::collections::{BTreeMap, HashMap};

use super::collection::{Collection, Note, NoteType};
use super::html;
use crate::deck::limits::MAX_FIELD_BYTES;
use crate::deck::parse::valid_id;
use crate::import::anki_cloze::{self, Cloze};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body {
    Basic { q: String, a: String },
    Typed { q: String, a: String },
    Cloze { text: String },
}

impl Body {
    pub fn kind(&self) -> &'static str {
        match self {
            Body::Basic { .. } => "basic",
            Body::Typed { .. } => "typed",
            Body::Cloze { .. } => "cloze",
        }
    }
}

/// One card to write, and the Anki card its history comes from.
#[derive(Debug, Clone)]
pub struct Card {
    pub id: String,
    /// The key its progress is kept under, `deck/id` (`deck/id#1` for a cloze).
    pub key: String,
    pub anki_card: i64,
    pub suspended: bool,
    pub body: Body,
    pub tags: Vec<String>,
    pub explain: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Deck {
    pub id: String,
    /// The Anki deck's name (levels joined with `::`).
    pub name: String,
    pub cards: Vec<Card>,
}

/// Everything the package turns into, before anything is written.
#[derive(Debug, Default)]
pub struct Converted {
    pub decks: Vec<Deck>,
    /// Anki cards left out, counted by reason.
    pub skipped: BTreeMap<String, usize>,
    /// Notes of other types, written as basic from their first two fields, by note type.
    pub other_types: BTreeMap<String, usize>,
    /// Cloze cards whose gap occurs several times, written as basic to keep them one card.
    pub repeated_gaps: usize,
    /// Media files the imported cards refer to.
    pub media: Vec<String>,
}

/// How a note type's card `ord` reads.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Shape {
    Cloze,
    Basic { q: usize, a: usize },
    Typed { q: Vec<usize>, a: usize },
    Other,
}

/// `deck_ids` gives the smriti deck id of each Anki deck (all the same under `--deck`).
pub fn convert(col: &Collection, deck_ids: &HashMap<i64, String>) -> Converted {
    let mut out = Converted::default();
    let notes: HashMap<i64, &Note> = col.notes.iter().map(|n| (n.id, n)).collect();
    let mut decks: BTreeMap<&str, Deck> = BTreeMap::new();
    let mut other_notes_done: std::collections::HashSet<i64> = Default::default();
    let mut media = std::collections::BTreeSet::new();
    for card in &col.cards {
        let mut skip = |reason: &str| *out.skipped.entry(reason.to_owned()).or_default() += 1;
        let Some(note) = notes.get(&card.note) else {
            skip("a card whose note is missing");
            continue;
        };
        let Some(nt) = col.notetypes.get(&note.notetype) else {
            skip("a note whose note type is missing");
            continue;
        };
        let Some(deck_id) = deck_ids.get(&card.deck) else {
            skip("a card whose deck is missing");
            continue;
        };
        let shape = shape(nt, card.ord);
        if shape == Shape::Other && !other_notes_done.insert(note.id) {
            skip("a further card of a note of another type (one card per such note)");
            continue;
        }
        let fields: Vec<html::Text> = note.fields.iter().map(|f| html::to_text(f)).collect();
        let field = |i: usize| fields.get(i).map_or("", |t| t.text.as_str());
        let Some(gid) = note_id(note) else {
            skip("a note whose GUID makes too long an id");
            continue;
        };
        let mut key_suffix = "";
        let (id, body, explain) = match &shape {
            Shape::Cloze => {
                let n = card.ord + 1;
                match anki_cloze::card(field(0), n) {
                    Cloze::Gap(text) => {
                        key_suffix = "#1";
                        (
                            format!("{gid}-c{n}"),
                            Body::Cloze { text },
                            nonempty(field(1)),
                        )
                    }
                    Cloze::Repeated { q, a } => {
                        out.repeated_gaps += 1;
                        (
                            format!("{gid}-c{n}"),
                            Body::Basic { q, a },
                            nonempty(field(1)),
                        )
                    }
                    Cloze::Missing => {
                        skip("a cloze card whose number is not in its text");
                        continue;
                    }
                }
            }
            Shape::Basic { q, a } => (
                format!("{gid}-{}", card.ord + 1),
                Body::Basic {
                    q: field(*q).to_owned(),
                    a: field(*a).to_owned(),
                },
                None,
            ),
            Shape::Typed { q, a } => (
                format!("{gid}-{}", card.ord + 1),
                Body::Typed {
                    q: q.iter()
                        .map(|&i| field(i))
                        .filter(|s| !s.is_empty())
                        .collect::<Vec<_>>()
                        .join("\n"),
                    a: field(*a).to_owned(),
                },
                None,
            ),
            Shape::Other => {
                *out.other_types.entry(nt.name.clone()).or_default() += 1;
                (
                    format!("{gid}-1"),
                    Body::Basic {
                        q: field(0).to_owned(),
                        a: field(1).to_owned(),
                    },
                    None,
                )
            }
        };
        if let Some(reason) = unusable(&body) {
            skip(reason);
            continue;
        }
        media.extend(fields.iter().flat_map(|t| t.media.iter().cloned()));
        let deck = decks.entry(deck_id.as_str()).or_insert_with(|| Deck {
            id: deck_id.clone(),
            name: col.decks.get(&card.deck).cloned().unwrap_or_default(),
            cards: Vec::new(),
        });
        deck.cards.push(Card {
            key: format!("{deck_id}/{id}{key_suffix}"),
            id,
            anki_card: card.id,
            suspended: card.queue == -1,
            body,
            tags: note.tags.clone(),
            explain,
        });
    }
    out.decks = decks.into_values().collect();
    out.media = media.into_iter().collect();
    out
}

fn nonempty(s: &str) -> Option<String> {
    (!s.trim().is_empty()).then(|| s.to_owned())
}

/// Why a card cannot be written, if it cannot.
fn unusable(body: &Body) -> Option<&'static str> {
    let texts: Vec<&str> = match body {
        Body::Basic { q, a } | Body::Typed { q, a } => vec![q, a],
        Body::Cloze { text } => vec![text],
    };
    if texts.iter().any(|t| t.trim().is_empty()) {
        return Some("a card with an empty question or answer");
    }
    if texts.iter().any(|t| t.len() > MAX_FIELD_BYTES) {
        return Some("a card with a field over smriti's 16 KiB limit");
    }
    if let Body::Cloze { text } = body
        && crate::deck::cloze::unclosed(text).is_some()
    {
        return Some("a cloze text with `{{` that smriti would read as an unclosed gap");
    }
    None
}

/// The note's part of its cards' ids: from its GUID, or from its id when it has none (notes
/// added by some tools through Anki's backend have an empty GUID). `_nid` cannot come out of
/// a GUID (`_` is always followed by two hex digits there), so the two never collide.
fn note_id(note: &Note) -> Option<String> {
    if note.guid.is_empty() {
        Some(format!("_nid{}", note.id))
    } else {
        guid_id(&note.guid)
    }
}

/// The note's GUID as an id: letters, digits, `-` and `.` kept, any other byte as `_` and two
/// hex digits, so two GUIDs never give one id (Anki's GUIDs use most of ASCII).
pub fn guid_id(guid: &str) -> Option<String> {
    let mut id = String::with_capacity(guid.len() + 8);
    for b in guid.bytes() {
        if b.is_ascii_alphanumeric() || b == b'-' || b == b'.' {
            id.push(char::from(b));
        } else {
            id.push_str(&format!("_{b:02x}"));
        }
    }
    // Room for the `-c12` suffix within smriti's id limit.
    (!id.is_empty() && valid_id(&format!("{id}-c9999"))).then_some(id)
}

fn shape(nt: &NoteType, ord: u32) -> Shape {
    if nt.cloze {
        return Shape::Cloze;
    }
    let Some(t) = nt.templates.iter().find(|t| t.ord == ord) else {
        return Shape::Other;
    };
    let index = |name: &str| nt.fields.iter().position(|f| f == name);
    let q_refs = references(&t.qfmt);
    if let Some(typed) = q_refs.iter().find_map(|r| r.strip_prefix("type:")) {
        let Some(a) = index(typed.trim()) else {
            return Shape::Other;
        };
        let q: Vec<usize> = q_refs
            .iter()
            .filter_map(|r| index(r))
            .filter(|&i| i != a)
            .collect();
        return if q.is_empty() {
            Shape::Other
        } else {
            Shape::Typed { q, a }
        };
    }
    let q: Vec<usize> = q_refs.iter().filter_map(|r| index(r)).collect();
    let a: Vec<usize> = references(&t.afmt)
        .iter()
        .filter_map(|r| index(r))
        .filter(|i| !q.contains(i))
        .collect();
    match (&q[..], &a[..]) {
        ([q], [a]) => Shape::Basic { q: *q, a: *a },
        _ => Shape::Other,
    }
}

/// The fields a template shows, in order, once each: `{{Name}}` and `{{filter:Name}}`
/// (`type:` kept, other filters dropped); sections (`{{#…}}`, `{{^…}}`, `{{/…}}`),
/// `{{FrontSide}}` and the special fields are not shown fields.
fn references(template: &str) -> Vec<String> {
    const SPECIAL: &[&str] = &[
        "FrontSide",
        "Tags",
        "Type",
        "Deck",
        "Subdeck",
        "Card",
        "CardFlag",
        "CardID",
    ];
    let mut out: Vec<String> = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find("{{") {
        let after = &rest[open + 2..];
        let Some(close) = after.find("}}") else { break };
        let inner = after[..close].trim();
        rest = &after[close + 2..];
        if inner.starts_with(['#', '^', '/', '!']) {
            continue;
        }
        let name = match inner.rsplit_once(':') {
            Some((filters, name)) if filters.ends_with("type") || filters.starts_with("type") => {
                format!("type:{}", name.trim())
            }
            Some((_, name)) => name.trim().to_owned(),
            None => inner.to_owned(),
        };
        if !SPECIAL.contains(&name.as_str()) && !out.contains(&name) {
            out.push(name);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::apkg::collection::Template;

    fn nt(cloze: bool, fields: &[&str], templates: &[(&str, &str)]) -> NoteType {
        NoteType {
            name: "t".into(),
            cloze,
            fields: fields.iter().map(|s| s.to_string()).collect(),
            templates: templates
                .iter()
                .enumerate()
                .map(|(i, (q, a))| Template {
                    ord: i as u32,
                    qfmt: q.to_string(),
                    afmt: a.to_string(),
                })
                .collect(),
        }
    }

    #[test]
    fn stock_note_types_take_their_kinds_from_their_templates() {
        let basic = nt(
            false,
            &["Front", "Back"],
            &[("{{Front}}", "{{FrontSide}}<hr id=answer>{{Back}}")],
        );
        assert_eq!(shape(&basic, 0), Shape::Basic { q: 0, a: 1 });
        let reversed = nt(
            false,
            &["Front", "Back"],
            &[
                ("{{Front}}", "{{FrontSide}}<hr id=answer>{{Back}}"),
                ("{{Back}}", "{{FrontSide}}<hr id=answer>{{Front}}"),
            ],
        );
        assert_eq!(shape(&reversed, 1), Shape::Basic { q: 1, a: 0 });
        let optional = nt(
            false,
            &["Front", "Back", "Add Reverse"],
            &[(
                "{{#Add Reverse}}{{Back}}{{/Add Reverse}}",
                "{{FrontSide}}{{Front}}",
            )],
        );
        assert_eq!(shape(&optional, 0), Shape::Basic { q: 1, a: 0 });
        let typed = nt(
            false,
            &["Front", "Back"],
            &[(
                "{{Front}}\n\n{{type:Back}}",
                "{{Front}}<hr id=answer>{{type:Back}}",
            )],
        );
        assert_eq!(shape(&typed, 0), Shape::Typed { q: vec![0], a: 1 });
        let other = nt(
            false,
            &["Country", "Capital", "Notes"],
            &[("{{Country}} {{Notes}}", "{{FrontSide}}{{Capital}}")],
        );
        assert_eq!(shape(&other, 0), Shape::Other);
        assert_eq!(shape(&nt(true, &["Text"], &[]), 3), Shape::Cloze);
    }

    #[test]
    fn guid_ids_are_valid_and_never_collide() {
        let a = guid_id("Ab/c+d_1").unwrap();
        assert_eq!(a, "Ab_2fc_2bd_5f1");
        assert!(valid_id(&a));
        assert_ne!(guid_id("a_2f"), guid_id("a/"));
        assert_ne!(guid_id("AB"), guid_id("ab"), "GUIDs are case-sensitive");
        assert_eq!(guid_id(&"x".repeat(200)), None);
        let note = |guid: &str| Note {
            id: 1234,
            guid: guid.into(),
            notetype: 1,
            tags: Vec::new(),
            fields: Vec::new(),
        };
        assert_eq!(note_id(&note("")).as_deref(), Some("_nid1234"));
        assert_ne!(note_id(&note("")), note_id(&note("_nid1234")));
    }
}
