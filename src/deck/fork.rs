//! Making a built-in card the user's to edit: its `[[card]]` entry is copied, as written in
//! the built-in deck (comments and layout kept, through `toml_edit`), into a patch deck in
//! `<home>/decks/` that patches that deck, created when there is none. The copy has the
//! same id, so it replaces the built-in card under the same key and its progress stays.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use toml_edit::{ArrayOfTables, DocumentMut, Item};

use super::edit::Snapshot;
use super::load::{BUILTIN, deck_files, load_file};
use super::parse::parse_deck;
use super::{Card, Origin};

/// Where the copy was written: the patch deck, the line of the card's entry in it, and the
/// file's text before (`None`: the file is new), to put back if the user gives up.
#[derive(Debug)]
pub struct Forked {
    pub file: PathBuf,
    pub line: usize,
    pub before: Option<String>,
}

/// Copies the built-in `card` (of the built-in deck file `builtin`) into the user's patch
/// deck for its deck in `decks_dir`.
pub fn fork(decks_dir: &Path, builtin: &str, card: &Card) -> Result<Forked> {
    let src = BUILTIN
        .iter()
        .find(|(name, _)| *name == builtin)
        .map(|(_, src)| *src)
        .with_context(|| format!("no built-in deck file `{builtin}`"))?;
    let entry = entry_of(src, &card.id)
        .with_context(|| format!("card `{}` is not written in decks/{builtin}", card.id))?;
    let file = patch_file(decks_dir, &card.deck)?;
    let snapshot = Snapshot::read(&file)?;
    let before = snapshot.text.clone();
    let text = before.clone().unwrap_or_else(|| new_patch_deck(&card.deck));
    let mut doc: DocumentMut = text
        .parse()
        .with_context(|| format!("{} is not valid TOML; fix it first", file.display()))?;
    let cards = doc
        .entry("card")
        .or_insert_with(|| Item::ArrayOfTables(ArrayOfTables::new()));
    let Some(cards) = cards.as_array_of_tables_mut() else {
        bail!(
            "{}: `card` is not a list of `[[card]]` entries; fix it first",
            file.display()
        );
    };
    cards.push(entry);
    let new_text = doc.to_string();
    let line = parse_deck(&new_text, Origin::File(file.clone()))
        .ok()
        .and_then(|d| {
            d.cards
                .iter()
                .rev()
                .find(|c| c.id == card.id)
                .map(|c| c.line)
        })
        .unwrap_or(1);
    snapshot.replace(&new_text)?;
    Ok(Forked { file, line, before })
}

/// The card's `[[card]]` table in a deck's text, ready to go at the end of another file.
fn entry_of(src: &str, id: &str) -> Option<toml_edit::Table> {
    let doc: DocumentMut = src.parse().ok()?;
    let mut table = doc
        .get("card")?
        .as_array_of_tables()?
        .iter()
        .find(|t| t.get("id").and_then(Item::as_str) == Some(id))?
        .clone();
    // Its comments belonged to where it stood (section banners); its place is the file's end.
    table.decor_mut().set_prefix("\n");
    table.set_position(None);
    Some(table)
}

/// The user's patch deck for `deck`: the first in `decks_dir` that patches it, else a new
/// `<deck>-patch.toml` (refused if a file of that name is something else).
fn patch_file(decks_dir: &Path, deck: &str) -> Result<PathBuf> {
    for path in deck_files(decks_dir)? {
        if let Ok(d) = load_file(&path)
            && d.patch.as_ref().is_some_and(|p| p.target == deck)
        {
            return Ok(path);
        }
    }
    let path = decks_dir.join(format!("{deck}-patch.toml"));
    if path.exists() {
        bail!(
            "{} exists but is not a valid patch deck for `{deck}`; fix it (smriti check) or move it away",
            path.display()
        );
    }
    Ok(path)
}

fn new_patch_deck(deck: &str) -> String {
    format!(
        "# Your changes to the built-in deck `{deck}`: each [[card]] below replaces the built-in\n\
         # card of the same id (its progress is kept), a new id adds a card, and an entry with\n\
         # `hidden = true` leaves a card out. See \"Patching a built-in deck\" in the README.\n\
         \n[deck]\npatches = \"{deck}\"\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deck::load::builtin_decks;

    #[test]
    fn a_built_in_card_is_copied_into_a_new_patch_deck_then_into_the_same_one() {
        let dir = tempfile::tempdir().unwrap();
        let decks = builtin_decks().unwrap();
        let Origin::Builtin(name) = decks[0].origin else {
            panic!("built in")
        };
        let (first, second) = (&decks[0].cards[0], &decks[0].cards[5]);
        let one = fork(dir.path(), name, first).unwrap();
        assert_eq!(one.before, None);
        assert_eq!(
            one.file,
            dir.path().join(format!("{}-patch.toml", decks[0].id))
        );
        let patch = load_file(&one.file).unwrap();
        assert_eq!(
            patch.patch.as_ref().map(|p| p.target.as_str()),
            Some(decks[0].id.as_str())
        );
        assert_eq!(patch.cards[0].key, first.key);
        assert_eq!(patch.cards[0].prompt(), first.prompt());
        assert_eq!(patch.cards[0].line, one.line);

        let two = fork(dir.path(), name, second).unwrap();
        assert_eq!(
            two.file, one.file,
            "the same patch deck takes the next card"
        );
        assert!(two.before.is_some());
        let patch = load_file(&two.file).unwrap();
        let keys: Vec<&str> = patch.cards.iter().map(|c| c.key.as_str()).collect();
        assert!(
            keys.starts_with(&[first.key.as_str()]) && keys.contains(&second.key.as_str()),
            "{keys:?}"
        );
        let text = std::fs::read_to_string(&two.file).unwrap();
        assert_eq!(text.lines().nth(two.line - 1), Some("[[card]]"), "{text}");
    }
}
