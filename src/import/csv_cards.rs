//! A plain CSV or TSV file of our own cards: a header row naming our fields (the deck format's
//! keys, plus `deck` and `exam`), then one card a row. `smriti export --format csv` writes the
//! same form, so a collection round-trips. List fields (`tags`, `accept`, `options`,
//! `distractors`, `points`) hold their items separated by `;` (`\;` for a `;` inside one).

use std::path::Path;

use super::table::{self, Dialect, Row};
use super::{ImportError, Incoming, Parsed, Place};
use crate::deck::draft::Draft;
use crate::deck::{Exam, Kind};

/// Every column the file may have, in the order `export` writes them.
pub const COLUMNS: &[&str] = &[
    "deck",
    "exam",
    "id",
    "kind",
    "q",
    "a",
    "accept",
    "options",
    "distractors",
    "group",
    "shuffle",
    "text",
    "points",
    "year",
    "word_limit",
    "as_of",
    "tags",
    "source",
    "explain",
];

/// The separator of items in a list cell.
pub const LIST_SEPARATOR: char = ';';

/// Reads the cards of `text` (the file at `path`), delimited by `delimiter`. Every error is
/// reported, not only the first.
pub fn read(path: &Path, text: &str, delimiter: u8) -> Result<Parsed, Vec<ImportError>> {
    let dialect = Dialect {
        delimiter,
        comment: None,
    };
    let rows = table::rows(path, text, 0, dialect).map_err(|e| vec![e])?;
    let Some((header, rows)) = rows.split_first() else {
        return Err(vec![ImportError::at(
            path,
            1,
            1,
            format!(
                "the file is empty; expected a header row naming the fields ({})",
                COLUMNS.join(", ")
            ),
        )]);
    };
    let mut errors = Vec::new();
    let mut columns: Vec<&'static str> = Vec::new();
    for (i, name) in header.cells.iter().enumerate() {
        let (line, col) = header.at(i);
        match COLUMNS.iter().find(|c| **c == name.trim()) {
            Some(c) if columns.contains(c) => errors.push(ImportError::at(
                path,
                line,
                col,
                format!("the column `{c}` is named twice"),
            )),
            Some(c) => columns.push(c),
            None => {
                errors.push(ImportError::at(
                    path,
                    line,
                    col,
                    format!(
                        "unknown column `{}`; expected one of {}",
                        name.trim(),
                        COLUMNS.join(", ")
                    ),
                ));
                columns.push("");
            }
        }
    }
    if !columns.iter().any(|c| matches!(*c, "q" | "text")) {
        errors.push(ImportError::at(
            path,
            1,
            1,
            "the header row names neither `q` nor `text`; a card needs one of them",
        ));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut parsed = Parsed::default();
    for row in rows {
        if row.cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        if row.cells.len() != columns.len() {
            let (line, col) = row.at(row.cells.len().min(columns.len()).saturating_sub(1));
            errors.push(ImportError::at(
                path,
                line,
                col,
                format!(
                    "expected {} cells as the header row names, found {}{}",
                    columns.len(),
                    row.cells.len(),
                    // A quote left open swallows the rest of the file into one cell.
                    if row.cells.iter().any(|c| c.contains('\n')) {
                        "; a quoted cell runs over several lines: is its closing `\"` missing?"
                    } else {
                        ""
                    }
                ),
            ));
            continue;
        }
        match card(path, &columns, row) {
            Ok(card) => parsed.cards.push(card),
            Err(e) => errors.extend(e),
        }
    }
    if errors.is_empty() {
        Ok(parsed)
    } else {
        Err(errors)
    }
}

/// A row's cells by column name, and the errors found in them.
struct Cells<'r> {
    path: &'r Path,
    columns: &'r [&'static str],
    row: &'r Row,
    errors: Vec<ImportError>,
}

impl<'r> Cells<'r> {
    /// The cell as written, `None` when missing or blank.
    fn text(&self, name: &str) -> Option<&'r str> {
        let i = self.columns.iter().position(|c| *c == name)?;
        self.row.cell(i).filter(|s| !s.trim().is_empty())
    }

    fn trimmed(&self, name: &str) -> Option<&'r str> {
        self.text(name).map(str::trim)
    }

    fn list(&self, name: &str) -> Vec<String> {
        self.trimmed(name).map(split_list).unwrap_or_default()
    }

    /// The cell read by `parse`; when that fails, an error at the cell saying `expected`.
    fn parsed<T>(
        &mut self,
        name: &str,
        parse: impl Fn(&str) -> Option<T>,
        expected: impl Fn(&str) -> String,
    ) -> Option<T> {
        let value = self.trimmed(name)?;
        let parsed = parse(value);
        if parsed.is_none() {
            let i = self.columns.iter().position(|c| *c == name).unwrap_or(0);
            let (line, col) = self.row.at(i);
            self.errors
                .push(ImportError::at(self.path, line, col, expected(value)));
        }
        parsed
    }
}

fn card(path: &Path, columns: &[&'static str], row: &Row) -> Result<Incoming, Vec<ImportError>> {
    let mut c = Cells {
        path,
        columns,
        row,
        errors: Vec::new(),
    };
    let kind = c
        .parsed("kind", Kind::parse, |k| {
            format!("unknown kind `{k}`; expected one of basic, typed, mcq, cloze, mains")
        })
        .unwrap_or_else(|| guess_kind(&|name| c.trimmed(name)));
    let exam = c.parsed("exam", Exam::parse, |e| {
        format!("unknown exam `{e}`; expected prelims or mains")
    });
    let whole =
        |name: &'static str| move |n: &str| format!("`{name}` must be a whole number, not `{n}`");
    let year = c.parsed("year", |n| n.parse().ok(), whole("year"));
    let word_limit = c.parsed("word_limit", |n| n.parse().ok(), whole("word_limit"));
    let shuffle = c.parsed(
        "shuffle",
        |b| b.parse::<bool>().ok(),
        |b| format!("`shuffle` must be true or false, not `{b}`"),
    );
    let as_of = c.parsed(
        "as_of",
        |d| {
            d.parse::<toml_edit::Datetime>()
                .ok()
                .filter(|dt| dt.date.is_some() && dt.time.is_none())
        },
        |d| format!("`as_of` must be a date such as 2023-11-10, not `{d}`"),
    );
    let owned = |v: Option<&str>| v.map(str::to_owned);
    let draft = Draft {
        id: c.trimmed("id").unwrap_or_default().to_owned(),
        q: owned(c.text("q")),
        a: owned(c.text("a")),
        accept: c.list("accept"),
        options: c.list("options"),
        distractors: c.list("distractors"),
        group: owned(c.trimmed("group")),
        shuffle: shuffle.unwrap_or(true),
        text: owned(c.text("text")),
        points: c.list("points"),
        year,
        word_limit,
        as_of,
        tags: c.list("tags"),
        source: owned(c.text("source")),
        explain: owned(c.text("explain")),
        ..Draft::new(kind)
    };
    if !c.errors.is_empty() {
        return Err(c.errors);
    }
    let fields = (0..columns.len())
        .map(|i| {
            let (line, col) = row.at(i);
            (columns[i], line, col)
        })
        .collect();
    Ok(Incoming {
        deck: c.trimmed("deck").unwrap_or_default().to_owned(),
        deck_name: None,
        exam,
        draft,
        at: Place {
            line: row.line,
            col: 1,
            fields,
        },
    })
}

/// The kind a row's fields suggest when it has no `kind`.
fn guess_kind<'r>(cell: &impl Fn(&str) -> Option<&'r str>) -> Kind {
    if cell("text").is_some() {
        Kind::Cloze
    } else if cell("points").is_some() {
        Kind::Mains
    } else if ["options", "distractors", "group"]
        .iter()
        .any(|f| cell(f).is_some())
    {
        Kind::Mcq
    } else if cell("accept").is_some() {
        Kind::Typed
    } else {
        Kind::Basic
    }
}

/// `a; b\; c` → `["a", "b; c"]`.
pub fn split_list(cell: &str) -> Vec<String> {
    let mut items = Vec::new();
    let mut item = String::new();
    let mut chars = cell.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' && chars.peek() == Some(&LIST_SEPARATOR) {
            item.push(LIST_SEPARATOR);
            chars.next();
        } else if c == LIST_SEPARATOR {
            items.push(std::mem::take(&mut item));
        } else {
            item.push(c);
        }
    }
    items.push(item);
    items
        .into_iter()
        .map(|i| i.trim().to_owned())
        .filter(|i| !i.is_empty())
        .collect()
}

/// The cell for a list: the items joined by `;`, a `;` inside one written `\;`.
pub fn join_list(items: &[String]) -> String {
    items
        .iter()
        .map(|i| i.replace(LIST_SEPARATOR, "\\;"))
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Parsed, Vec<ImportError>> {
        read(Path::new("c.csv"), text, b',')
    }

    #[test]
    fn lists_split_at_semicolons_and_join_back() {
        let items = vec!["one".to_owned(), "two; three".to_owned()];
        assert_eq!(split_list(&join_list(&items)), items);
        assert_eq!(split_list(" a ;; b "), ["a", "b"]);
    }

    #[test]
    fn rows_become_drafts_with_their_kind_guessed() {
        let p = parse("deck,q,a,options,tags\npacts,LEMOA?,2016,2016; 2018,pacts; us\nd,Q?,A,,\n")
            .unwrap();
        assert_eq!(p.cards.len(), 2);
        let mcq = &p.cards[0];
        assert_eq!(mcq.deck, "pacts");
        assert_eq!(mcq.draft.kind, Kind::Mcq);
        assert_eq!(mcq.draft.options, ["2016", "2018"]);
        assert_eq!(mcq.draft.tags, ["pacts", "us"]);
        assert_eq!(p.cards[1].draft.kind, Kind::Basic);
        assert_eq!(mcq.at.of("options"), (2, 19));
    }

    #[test]
    fn bad_cells_are_located_all_of_them() {
        let errors = parse("q,kind,year\nQ?,flip,1\nR?,mains,later\n").unwrap_err();
        let shown: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(shown.len(), 2, "{shown:?}");
        assert!(
            shown[0].starts_with("c.csv:2:4: unknown kind `flip`"),
            "{shown:?}"
        );
        assert!(
            shown[1].starts_with("c.csv:3:10: `year` must be a whole number"),
            "{shown:?}"
        );
    }

    #[test]
    fn an_unknown_column_or_a_short_row_is_an_error() {
        let e = parse("q,answer\nQ,A\n").unwrap_err();
        assert!(
            e[0].to_string()
                .starts_with("c.csv:1:3: unknown column `answer`"),
            "{}",
            e[0]
        );
        let e = parse("q,a\nQ\n").unwrap_err();
        assert!(e[0].to_string().contains("expected 2 cells"), "{}", e[0]);
        let e = parse("q,a\n\"open,x\nnext,y\n").unwrap_err();
        assert!(
            e[0].to_string().contains("closing `\"` missing"),
            "{}",
            e[0]
        );
        let e = parse("a,tags\nA,x\n").unwrap_err();
        assert!(
            e[0].to_string().contains("neither `q` nor `text`"),
            "{}",
            e[0]
        );
    }
}
