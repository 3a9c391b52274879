//! Bringing cards and review history in from other tools: Anki's text format (`text`), a plain
//! CSV/TSV naming our own fields (`csv_cards`), and review logs in the open-spaced-repetition
//! CSV form (`history`); Anki's packages (`apkg`), with their review history, have their own
//! reader and writer. Every reader turns its file into the same `Incoming` cards, located by
//! file, line and column, so one writer (`write`) merges them into user decks and one set of
//! rules decides what is valid: the deck parser `check` uses.
//!
//! An import is all or nothing: every deck text is built and checked in memory first, and
//! nothing is written while any error remains.

pub mod anki_cloze;
pub mod anki_notes;
pub mod apkg;
pub mod csv_cards;
pub mod history;
pub mod html;
pub mod table;
pub mod text;
pub mod write;

use std::fmt;
use std::path::Path;

use crate::deck::Exam;
use crate::deck::draft::Draft;

/// One card read from an import file, with what is needed to place it and to locate errors.
#[derive(Debug, Clone)]
pub struct Incoming {
    /// The deck id it goes to.
    pub deck: String,
    /// A name for the deck, if the file gave one (used when the deck is new).
    pub deck_name: Option<String>,
    /// The exam of its deck, if the file said.
    pub exam: Option<Exam>,
    pub draft: Draft,
    pub at: Place,
}

/// Where a card was read from: its line, and the column of each of its fields, so that an
/// error found later (by the deck parser) points into the import file.
#[derive(Debug, Clone, Default)]
pub struct Place {
    pub line: usize,
    pub col: usize,
    /// Our field name (`q`, `options`, …) and the line and column its cell starts at.
    pub fields: Vec<(&'static str, usize, usize)>,
}

impl Place {
    /// Line and column of `field`'s cell, else of the row.
    pub fn of(&self, field: &str) -> (usize, usize) {
        self.fields
            .iter()
            .find(|(f, _, _)| *f == field)
            .map_or((self.line, self.col), |&(_, l, c)| (l, c))
    }
}

/// What a reader found: the cards, and notes for the report (note types mapped, …).
#[derive(Debug, Default)]
pub struct Parsed {
    pub cards: Vec<Incoming>,
    pub notes: Vec<String>,
}

/// An error located in an import file: `path:line:col: message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportError {
    pub path: String,
    pub line: usize,
    pub col: usize,
    pub message: String,
}

impl ImportError {
    pub fn at(path: &Path, line: usize, col: usize, message: impl Into<String>) -> ImportError {
        ImportError {
            path: path.display().to_string(),
            line,
            col,
            message: message.into(),
        }
    }
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.path, self.line, self.col, self.message
        )
    }
}

impl std::error::Error for ImportError {}

/// Several located errors, one a line, with what happened to the files.
#[derive(Debug, thiserror::Error)]
#[error("{}\nnothing was imported", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
pub struct ImportErrors(pub Vec<ImportError>);

/// Reads an import file as UTF-8 text without a byte-order mark; an invalid byte is located.
pub fn read_text(path: &Path) -> anyhow::Result<String> {
    use anyhow::Context;
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let bytes = bytes
        .strip_prefix(b"\xEF\xBB\xBF")
        .unwrap_or(&bytes)
        .to_vec();
    String::from_utf8(bytes).map_err(|e| {
        let good = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let (line, col) = table::locate(&String::from_utf8_lossy(good), good.len());
        ImportErrors(vec![ImportError::at(
            path,
            line,
            col + 1,
            "not UTF-8 text; save the file as UTF-8 and import it again",
        )])
        .into()
    })
}

/// The deck id a file name suggests when the file names no deck: `UPSC Polity.csv` → `upsc-polity`.
pub fn deck_from_file(path: &Path) -> String {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    deck_id_from(&stem)
}

/// A deck id for a name: the name itself when it is a valid id, else its slug.
pub fn deck_id_from(name: &str) -> String {
    if crate::deck::parse::valid_id(name) {
        name.to_owned()
    } else {
        crate::deck::slug::slug(name)
    }
}

/// What a card whose file gave no source says it came from.
pub fn default_source(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    format!("imported from {name}")
}
