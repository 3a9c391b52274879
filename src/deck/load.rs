//! Finding decks: the built-in ones compiled into the binary, the user's in `<home>/decks/`,
//! and any given with `--deck PATH`.

use std::fs;
use std::path::{Path, PathBuf};

use super::cache::DeckCache;
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

/// The built-in decks, the user's deck folder and the extra files, checked together:
/// every error of every file is reported, and two decks may not share an id. With a cache
/// file, unchanged user decks are read from it instead of being parsed again.
pub fn load_library(
    user_dir: &Path,
    extra: &[PathBuf],
    cache: Option<&Path>,
) -> Result<Library, LoadError> {
    let mut cache = cache.map(DeckCache::open);
    let mut errors = Vec::new();
    let mut decks = builtin_decks().unwrap_or_else(|e| {
        errors.extend(e);
        Vec::new()
    });
    let mut files = deck_files(user_dir)?;
    for path in extra {
        if !files.iter().any(|f| same_file(f, path)) {
            files.push(path.clone());
        }
    }
    for path in files {
        let loaded = match cache.as_mut() {
            Some(cache) => cache.load(&path),
            None => load_file(&path),
        };
        match loaded {
            Ok(deck) => {
                if let Some(other) = decks.iter().find(|d| d.id == deck.id) {
                    errors.push(DeckError {
                        path: path.display().to_string(),
                        line: 1,
                        col: 1,
                        card: None,
                        message: format!(
                            "deck id `{}` is already used by {}",
                            deck.id, other.origin
                        ),
                    });
                } else {
                    decks.push(deck);
                }
            }
            Err(LoadError::Invalid(e)) => errors.extend(e),
            Err(io) => return Err(io),
        }
    }
    if let Some(cache) = cache {
        cache.save(&decks);
    }
    if errors.is_empty() {
        Ok(Library { decks })
    } else {
        Err(LoadError::Invalid(errors))
    }
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}
