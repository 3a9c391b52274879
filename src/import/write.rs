//! Writing imported cards into the user's deck files, shared by every import format: one
//! file per deck under `<home>/decks/`, edited with `toml_edit` so the rest of a deck the user
//! already has stays as it was. A card whose id the deck already has is replaced in place (its
//! progress is keyed by that id, so it is kept); a new one is appended. Every deck text is
//! built and checked by the deck parser before any file is written; an error in it is
//! reported at the import file's line and column, and nothing is written.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::Result;
use toml_edit::{DocumentMut, Item, Table};

use super::{ImportError, ImportErrors, Incoming, deck_from_file, default_source};
use crate::deck::as_draft::draft_of;
use crate::deck::draft::{self, Draft, Style};
use crate::deck::edit::Snapshot;
use crate::deck::load::deck_files;
use crate::deck::parse::{parse_deck, valid_id};
use crate::deck::{Deck, Exam, Kind, Origin, slug};
use crate::store::journal::Entry;
use crate::store::{Store, StoreError};

/// What an import will do to one deck file.
#[derive(Debug)]
pub struct DeckPlan {
    pub id: String,
    pub snapshot: Snapshot,
    /// The deck's text after the import.
    pub text: String,
    pub created: bool,
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Added and updated cards by kind.
    pub kinds: BTreeMap<&'static str, usize>,
}

impl DeckPlan {
    pub fn path(&self) -> &Path {
        &self.snapshot.path
    }

    pub fn changes(&self) -> bool {
        self.added + self.updated > 0
    }
}

/// Where imported cards go, and the deck ids that are not the user's to write (built-in).
pub struct Target<'a> {
    pub decks_dir: &'a Path,
    pub builtin: &'a [String],
    /// `--deck ID`: every card goes to this deck.
    pub deck: Option<&'a str>,
}

/// Plans the import of `cards` read from `from`: every deck text built and checked. All
/// errors are returned together, located in `from`.
pub fn plan(target: &Target<'_>, from: &Path, mut cards: Vec<Incoming>) -> Result<Vec<DeckPlan>> {
    let file_deck = deck_from_file(from);
    for c in &mut cards {
        if let Some(deck) = target.deck {
            c.deck = deck.to_owned();
        } else if c.deck.is_empty() {
            c.deck = file_deck.clone();
        }
        if c.draft.source.is_none() {
            c.draft.source = Some(default_source(from));
        }
    }
    let mut errors = Vec::new();
    let mut groups: Vec<(String, Vec<Incoming>)> = Vec::new();
    for c in cards {
        if !valid_id(&c.deck) {
            let (line, col) = c.at.of("deck");
            errors.push(ImportError::at(
                from,
                line,
                col,
                format!(
                    "deck id `{}` may only hold ASCII letters, digits, `-`, `_` and `.`",
                    c.deck
                ),
            ));
            continue;
        }
        match groups.iter_mut().find(|(d, _)| *d == c.deck) {
            Some((_, list)) => list.push(c),
            None => groups.push((c.deck.clone(), vec![c])),
        }
    }
    let existing = user_decks(target.decks_dir)?;
    let mut plans = Vec::new();
    for (deck, mut list) in groups {
        if target.builtin.contains(&deck) {
            let (line, col) = list[0].at.of("deck");
            errors.push(ImportError::at(
                from,
                line,
                col,
                format!("deck `{deck}` is built in and cannot be written; import into a deck of your own with --deck ID"),
            ));
            continue;
        }
        give_ids(&mut list);
        if let Err(e) = refuse_repeats(from, &list) {
            errors.extend(e);
            continue;
        }
        match plan_deck(target.decks_dir, &existing, from, &deck, &list) {
            Ok(p) => plans.push(p),
            Err(e) => errors.extend(e),
        }
    }
    if errors.is_empty() {
        Ok(plans)
    } else {
        errors.sort_by_key(|e| (e.line, e.col));
        Err(ImportErrors(errors).into())
    }
}

/// Writes every planned deck that changes. Each file is replaced atomically, and only if
/// nobody saved it since it was read. Files cannot be replaced together, so if one fails
/// (a full disk, an editor saving it meanwhile) after others were written, the message says
/// which were: importing again finishes the job, as it updates cards in place.
pub fn apply(plans: &[DeckPlan]) -> Result<()> {
    let mut written: Vec<String> = Vec::new();
    for p in plans.iter().filter(|p| p.changes()) {
        match p.snapshot.replace(&p.text) {
            Ok(()) => {}
            Err(e) if written.is_empty() => return Err(e.into()),
            Err(e) => {
                return Err(anyhow::Error::new(e).context(format!(
                    "{} {} already written; import again to finish",
                    written.join(", "),
                    if written.len() == 1 { "was" } else { "were" }
                )));
            }
        }
        written.push(p.path().display().to_string());
    }
    Ok(())
}

/// The user's deck files by deck id, read loosely (a deck with errors still names its id).
fn user_decks(dir: &Path) -> Result<Vec<(String, PathBuf)>> {
    let mut out = Vec::new();
    for path in deck_files(dir)? {
        let Ok(text) = fs::read_to_string(&path) else {
            continue;
        };
        let id = text
            .parse::<DocumentMut>()
            .ok()
            .and_then(|d| d.get("deck")?.get("id")?.as_str().map(str::to_owned));
        if let Some(id) = id {
            out.push((id, path));
        }
    }
    Ok(out)
}

/// Ids for cards the file gave none: made from the question, unique within the deck.
fn give_ids(list: &mut [Incoming]) {
    let mut taken: Vec<String> = list
        .iter()
        .map(|c| c.draft.id.clone())
        .filter(|i| !i.is_empty())
        .collect();
    for c in list.iter_mut().filter(|c| c.draft.id.is_empty()) {
        let id = slug::id_for(&c.draft.question(), |id| taken.iter().any(|t| t == id));
        taken.push(id.clone());
        c.draft.id = id;
    }
}

fn refuse_repeats(from: &Path, list: &[Incoming]) -> Result<(), Vec<ImportError>> {
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    let mut errors = Vec::new();
    for c in list {
        if let Some(first) = seen.insert(&c.draft.id, c.at.line) {
            let (line, col) = c.at.of("id");
            errors.push(ImportError::at(
                from,
                line,
                col,
                format!(
                    "card id `{}` is also on line {first}; each card of deck `{}` needs its own",
                    c.draft.id, c.deck
                ),
            ));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

fn plan_deck(
    dir: &Path,
    existing: &[(String, PathBuf)],
    from: &Path,
    deck: &str,
    list: &[Incoming],
) -> Result<DeckPlan, Vec<ImportError>> {
    let first = &list[0];
    let io = |e: anyhow::Error| {
        let (line, col) = first.at.of("deck");
        vec![ImportError::at(from, line, col, format!("{e:#}"))]
    };
    let path = match existing.iter().find(|(id, _)| id == deck) {
        Some((_, p)) => p.clone(),
        None => dir.join(format!("{deck}.toml")),
    };
    let snapshot = Snapshot::read(&path).map_err(|e| io(e.into()))?;
    let (base, old) = match &snapshot.text {
        Some(text) => {
            let old = parse_deck(text, Origin::File(path.clone())).map_err(|errs| {
                let first_err = errs.first().map(ToString::to_string).unwrap_or_default();
                io(anyhow::anyhow!(
                    "deck `{deck}` is in {}, which has errors; fix them first (smriti check): {first_err}",
                    path.display()
                ))
            })?;
            if old.id != deck {
                return Err(io(anyhow::anyhow!(
                    "{} holds deck `{}`, not `{deck}`; move it away or import with --deck",
                    path.display(),
                    old.id
                )));
            }
            (text.clone(), Some(old))
        }
        None => {
            let name = first.deck_name.clone().unwrap_or_else(|| deck.to_owned());
            (draft::new_deck(deck, &name, new_deck_exam(list)), None)
        }
    };
    let exam = old.as_ref().map_or(new_deck_exam(list), |d| d.exam);
    let mut errors = Vec::new();
    for c in list.iter().filter(|c| c.exam.is_some_and(|e| e != exam)) {
        let (line, col) = c.at.of("exam");
        errors.push(ImportError::at(
            from,
            line,
            col,
            format!(
                "deck `{deck}` is for {exam}, not for {}",
                c.exam.map_or("", Exam::as_str)
            ),
        ));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let merged = merge(&base, old.as_ref(), list);
    let parsed = parse_deck(&merged.text, Origin::File(path.clone()));
    if let Err(errs) = parsed {
        return Err(errs
            .iter()
            .map(|e| locate_back(from, &merged.text, list, e))
            .collect());
    }
    Ok(DeckPlan {
        id: deck.to_owned(),
        snapshot,
        text: merged.text,
        created: old.is_none(),
        added: merged.added,
        updated: merged.updated,
        unchanged: merged.unchanged,
        kinds: merged.kinds,
    })
}

/// The exam of a deck the import creates: the one the file names, else mains when every
/// card is a mains question, else prelims.
fn new_deck_exam(list: &[Incoming]) -> Exam {
    let named = list.iter().find_map(|c| c.exam);
    let all_mains = list.iter().all(|c| c.draft.kind == Kind::Mains);
    named.unwrap_or(if all_mains {
        Exam::Mains
    } else {
        Exam::Prelims
    })
}

struct Merged {
    text: String,
    added: usize,
    updated: usize,
    unchanged: usize,
    kinds: BTreeMap<&'static str, usize>,
}

/// The deck text with the cards merged in: the ones it has replaced in place (unless equal),
/// the others appended in the deck's own style. Untouched text stays byte for byte.
fn merge(base: &str, old: Option<&Deck>, list: &[Incoming]) -> Merged {
    let mut m = Merged {
        text: String::new(),
        added: 0,
        updated: 0,
        unchanged: 0,
        kinds: BTreeMap::new(),
    };
    let style = Style::of(base);
    let mut doc: Option<DocumentMut> = None;
    let mut new: Vec<Draft> = Vec::new();
    for c in list {
        let had = old.and_then(|d| d.cards.iter().find(|k| k.id == c.draft.id));
        match had {
            Some(card) if draft_of(card) == c.draft => m.unchanged += 1,
            Some(_) => {
                let doc = doc.get_or_insert_with(|| base.parse().unwrap_or_default());
                if replace_card(doc, &c.draft, style) {
                    m.updated += 1;
                    *m.kinds.entry(c.draft.kind.as_str()).or_default() += 1;
                } else {
                    new.push(c.draft.clone());
                }
            }
            None => {
                m.added += 1;
                *m.kinds.entry(c.draft.kind.as_str()).or_default() += 1;
                new.push(c.draft.clone());
            }
        }
    }
    let text = doc.map_or_else(|| base.to_owned(), |d| d.to_string());
    m.text = if new.is_empty() {
        text
    } else {
        draft::append(&text, &new)
    };
    m
}

/// Replaces the `[[card]]` with the draft's id by the draft, keeping its place and the
/// comments above it. False when the deck has no such table.
fn replace_card(doc: &mut DocumentMut, d: &Draft, style: Style) -> bool {
    let rendered: Option<Table> = draft::render(d, style)
        .parse::<DocumentMut>()
        .ok()
        .and_then(|mut r| r.remove("card"))
        .and_then(|item| match item {
            Item::ArrayOfTables(a) => a.get(0).cloned(),
            _ => None,
        });
    let Some(mut table) = rendered else {
        return false;
    };
    let Some(cards) = doc.get_mut("card").and_then(Item::as_array_of_tables_mut) else {
        return false;
    };
    let Some(old) = cards
        .iter_mut()
        .find(|t| t.get("id").and_then(Item::as_str) == Some(d.id.as_str()))
    else {
        return false;
    };
    table.set_position(old.position());
    *table.decor_mut() = old.decor().clone();
    *old = table;
    true
}

/// A deck parser error in the merged text, at the import file's row and cell it came from.
fn locate_back(
    from: &Path,
    text: &str,
    list: &[Incoming],
    e: &crate::deck::DeckError,
) -> ImportError {
    let card = e
        .card
        .as_deref()
        .and_then(|id| list.iter().find(|c| c.draft.id == id));
    let Some(card) = card else {
        return ImportError::at(from, 1, 1, e.to_string());
    };
    let key = text
        .lines()
        .nth(e.line.saturating_sub(1))
        .and_then(|l| l.split_once('='))
        .map(|(k, _)| k.trim())
        .unwrap_or_default();
    let (line, col) = card.at.of(key);
    ImportError::at(
        from,
        line,
        col,
        format!("card \"{}\": {}", card.draft.id, e.message),
    )
}

/// Appends reviews to the journal as one durable write: all of them or, on failure, none.
/// Returns how many were written.
pub fn append_reviews(
    store: &mut Store,
    entries: impl IntoIterator<Item = Entry>,
) -> Result<usize, StoreError> {
    store.record_all(entries)
}

/// The paths of the user's deck files a plan writes, for messages.
pub fn describe(p: &DeckPlan) -> String {
    let kinds: Vec<String> = p.kinds.iter().map(|(k, n)| format!("{n} {k}")).collect();
    let mut what = format!(
        "{} {} ({}): {} new, {} updated, {} unchanged",
        if p.created { "new deck" } else { "deck" },
        p.id,
        p.path().display(),
        p.added,
        p.updated,
        p.unchanged
    );
    if !kinds.is_empty() {
        what.push_str(&format!(" [{}]", kinds.join(", ")));
    }
    what
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::Place;

    const DECK: &str = "# my deck\n[deck]\nid = \"d\"\nexam = \"prelims\"\n\n\
        [[card]]\nid = \"a\"\nq = \"A?\"\na = \"1\"\nsource = \"s\"\n\n\
        # the tricky one\n[[card]]\nid = \"b\"\nq = \"B?\"\na = \"2\"   # check\nsource = \"s\"\n\n\
        [[card]]\nid = \"c\"\nq = \"C?\"\na = \"3\"\nsource = \"s\"\n";

    fn incoming(id: &str, q: &str, a: &str) -> Incoming {
        Incoming {
            deck: "d".into(),
            deck_name: None,
            exam: None,
            draft: Draft {
                id: id.into(),
                q: Some(q.into()),
                a: Some(a.into()),
                source: Some("s".into()),
                ..Draft::new(Kind::Basic)
            },
            at: Place::default(),
        }
    }

    #[test]
    fn a_changed_card_is_replaced_where_it_is_and_the_rest_stays_byte_for_byte() {
        let old = parse_deck(DECK, Origin::File("d.toml".into())).unwrap();
        let list = [
            incoming("b", "B?", "two"),
            incoming("c", "C?", "3"),
            incoming("n", "New?", "4"),
        ];
        let m = merge(DECK, Some(&old), &list);
        assert_eq!((m.added, m.updated, m.unchanged), (1, 1, 1));
        let (head, _) = DECK.split_once("[[card]]\nid = \"b\"").unwrap();
        assert!(m.text.starts_with(head), "{}", m.text);
        assert!(
            m.text.contains(
                "# the tricky one\n[[card]]\nid = \"b\"\nkind = \"basic\"\nq = \"B?\"\na = \"two\""
            ),
            "{}",
            m.text
        );
        let order: Vec<String> = parse_deck(&m.text, Origin::File("d.toml".into()))
            .unwrap()
            .cards
            .iter()
            .map(|c| c.id.clone())
            .collect();
        assert_eq!(order, ["a", "b", "c", "n"]);
        // Nothing to change: the text is the old text.
        let same = merge(DECK, Some(&old), &[incoming("a", "A?", "1")]);
        assert_eq!((same.unchanged, same.text.as_str()), (1, DECK));
    }
}
