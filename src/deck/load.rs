//! Finding decks: the built-in ones compiled into the binary, the user's in `<home>/decks/`,
//! and any given with `--deck PATH`.

use std::fs;
use std::path::{Path, PathBuf};

use super::lint::Lint;
use super::parse::{Linted, parse_deck, parse_deck_linted};
use super::{Card, Deck, DeckError, Origin, limits};

/// The built-in decks: `(file name, TOML)`. Their source is the repository's `decks/` folder.
pub const BUILTIN: &[(&str, &str)] = &[
    (
        "india-us-2plus2-prelims.toml",
        include_str!("../../decks/india-us-2plus2-prelims.toml"),
    ),
    (
        "india-us-2plus2-mains.toml",
        include_str!("../../decks/india-us-2plus2-mains.toml"),
    ),
];

/// Which built-in deck (by file name) `path` is the source of: a file with the very text
/// compiled in, or the repository file it was compiled from (which may be being edited).
/// `check` checks such a file as that deck rather than as a user deck reusing its id.
pub fn builtin_source_of(path: &Path) -> Option<&'static str> {
    let canonical = path.canonicalize().ok()?;
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("decks");
    let text = read(path).ok();
    BUILTIN
        .iter()
        .find(|(name, src)| {
            text.as_deref() == Some(*src)
                || repo.join(name).canonicalize().is_ok_and(|p| p == canonical)
        })
        .map(|(name, _)| *name)
}

/// Every deck in reach, all valid.
#[derive(Debug, Default)]
pub struct Library {
    pub decks: Vec<Deck>,
}

impl Library {
    pub fn cards(&self) -> impl Iterator<Item = &Card> {
        self.decks.iter().flat_map(|d| d.cards.iter())
    }

    pub fn deck(&self, id: &str) -> Option<&Deck> {
        self.decks.iter().find(|d| d.id == id)
    }
}

/// Why the library could not be loaded: every deck error found, or a file that could not be read.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
    Invalid(Vec<DeckError>),
    #[error("cannot read {path}")]
    Io {
        path: String,
        source: std::io::Error,
    },
}

/// Reads one deck file; one past the size limit is refused before it is read.
pub fn load_file(path: &Path) -> Result<Deck, LoadError> {
    parse_deck(&read(path)?, Origin::File(path.to_path_buf())).map_err(LoadError::Invalid)
}

/// Reads one deck file, with the warnings of `lint` about its cards.
pub fn load_file_linted(path: &Path, lint: Lint) -> (Result<Deck, LoadError>, Vec<DeckError>) {
    match read(path) {
        Ok(src) => {
            let (deck, warnings) = parse_deck_linted(&src, Origin::File(path.to_path_buf()), lint);
            (deck.map_err(LoadError::Invalid), warnings)
        }
        Err(e) => (Err(e), Vec::new()),
    }
}

/// A deck file's text; a file over the size limit is refused before it is read.
fn read(path: &Path) -> Result<String, LoadError> {
    let io = |source| LoadError::Io {
        path: path.display().to_string(),
        source,
    };
    let len = fs::metadata(path).map_err(io)?.len();
    if let Some(message) = limits::file_too_large(len) {
        return Err(LoadError::Invalid(vec![DeckError {
            path: path.display().to_string(),
            line: 1,
            col: 1,
            card: None,
            message,
        }]));
    }
    fs::read_to_string(path).map_err(io)
}

/// What a deck that is a symbolic link to nothing is called: a warning where decks are
/// used, an error in `check`.
pub const DANGLING: &str = "a symbolic link to a file that does not exist";

/// The `*.toml` entries of a folder that are symbolic links to nothing, sorted.
pub fn dangling_links(dir: &Path) -> Vec<PathBuf> {
    let mut links: Vec<PathBuf> = fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "toml"))
                .filter(|p| p.is_symlink() && !p.exists())
                .collect()
        })
        .unwrap_or_default();
    links.sort();
    links
}

/// The `*.toml` files of a folder, sorted; none when the folder does not exist.
pub fn deck_files(dir: &Path) -> Result<Vec<PathBuf>, LoadError> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => {
            return Err(LoadError::Io {
                path: dir.display().to_string(),
                source,
            });
        }
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml") && p.is_file())
        .collect();
    files.sort();
    Ok(files)
}

pub fn builtin_decks() -> Result<Vec<Deck>, Vec<DeckError>> {
    let mut decks = Vec::new();
    let mut errors = Vec::new();
    for (name, src) in BUILTIN {
        match parse_deck(src, Origin::Builtin(name)) {
            Ok(deck) => decks.push(deck),
            Err(e) => errors.extend(e),
        }
    }
    if errors.is_empty() {
        Ok(decks)
    } else {
        Err(errors)
    }
}

/// The built-in decks with the warnings of `lint` about their cards.
pub fn builtin_decks_linted(lint: Lint) -> Vec<Linted> {
    BUILTIN
        .iter()
        .map(|(name, src)| parse_deck_linted(src, Origin::Builtin(name), lint))
        .collect()
}

/// A user deck that was left out: its first error, located, and how many it has in all.
#[derive(Debug)]
pub struct Broken {
    pub first: DeckError,
    pub errors: usize,
}

/// The built-in decks, the user's deck folder and the extra files, read together. A deck of
/// the user's folder that does not load (invalid, unreadable, or reusing a deck id) is left
/// out and said in the second list, so one typo does not stop a day's study; the built-in
/// decks and the files named in `extra` (the user asked for them) must load, or every error
/// found is the error. With a cache file, unchanged decks are read from it instead of being
/// parsed again (see `index`). Patch decks are merged into the decks they patch last (see
/// `patch`): one that does not fit is left out or an error in the same way.
pub fn load_library(
    user_dir: &Path,
    extra: &[PathBuf],
    cache: Option<&Path>,
) -> Result<(Library, Vec<Broken>), LoadError> {
    let (index, broken) = super::index::load_index(user_dir, extra, cache)?;
    Ok((index.library()?, broken))
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "[deck]\nid = \"g\"\nexam = \"prelims\"\n\n[[card]]\nid = \"a\"\nq = \"Q?\"\na = \"A\"\nsource = \"s\"\n";
    const BAD: &str = "[deck]\nid = \"b\"\nexam = \"finals\"\n";

    #[test]
    fn a_broken_user_deck_is_left_out_and_the_rest_load() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("g.toml"), GOOD).unwrap();
        fs::write(dir.path().join("b.toml"), BAD).unwrap();
        let (library, broken) = load_library(dir.path(), &[], None).unwrap();
        assert!(library.deck("g").is_some());
        assert!(library.deck("b").is_none());
        assert_eq!(library.decks.len(), BUILTIN.len() + 1);
        assert_eq!(broken.len(), 1);
        assert_eq!((broken[0].first.line, broken[0].errors), (3, 1));
        assert!(broken[0].first.path.ends_with("b.toml"));
    }

    #[test]
    fn a_broken_deck_named_explicitly_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let bad = dir.path().join("b.toml");
        fs::write(&bad, BAD).unwrap();
        let Err(LoadError::Invalid(errors)) = load_library(dir.path(), &[bad], None) else {
            panic!("a named broken deck must fail the load");
        };
        assert_eq!(errors.len(), 1);
    }

    #[test]
    fn the_built_in_text_is_its_own_source_and_an_edited_copy_is_not() {
        let dir = tempfile::tempdir().unwrap();
        let (name, src) = BUILTIN[1];
        let same = dir.path().join("same.toml");
        fs::write(&same, src).unwrap();
        assert_eq!(builtin_source_of(&same), Some(name));
        let edited = dir.path().join("edited.toml");
        fs::write(&edited, format!("{src}\n")).unwrap();
        assert_eq!(builtin_source_of(&edited), None);
    }
}
