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
                    "expected {} cells as the header row names, found {}",
                    columns.len(),
                    row.cells.len()
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

fn card(path: &Path, columns: &[&'static str], row: &Row) -> Result<Incoming, Vec<ImportError>> {
    let mut errors = Vec::new();
    let cell = |name: &str| {
        columns
            .iter()
            .position(|c| *c == name)
            .and_then(|i| row.cell(i))
            .map(str::trim)
            .filter(|s| !s.is_empty())
    };
    let mut err = |name: &str, message: String| {
        let i = columns.iter().position(|c| *c == name).unwrap_or(0);
        let (line, col) = row.at(i);
        errors.push(ImportError::at(path, line, col, message));
    };
    let list = |name: &str| cell(name).map(split_list).unwrap_or_default();
    let text = |name: &str| {
        columns
            .iter()
            .position(|c| *c == name)
            .and_then(|i| row.cell(i))
            .filter(|s| !s.trim().is_empty())
            .map(str::to_owned)
    };
    let kind = match cell("kind") {
        None => guess_kind(&cell),
        Some(k) => Kind::parse(k).unwrap_or_else(|| {
            err(
                "kind",
                format!("unknown kind `{k}`; expected one of basic, typed, mcq, cloze, mains"),
            );
            Kind::Basic
        }),
    };
    let exam = cell("exam").and_then(|e| {
        let exam = Exam::parse(e);
        if exam.is_none() {
            err(
                "exam",
                format!("unknown exam `{e}`; expected prelims or mains"),
            );
        }
        exam
    });
    let mut number = |name: &str| {
        cell(name).and_then(|n| {
            let v = n.parse::<i64>().ok();
            if v.is_none() {
                err(name, format!("`{name}` must be a whole number, not `{n}`"));
            }
            v
        })
    };
    let year = number("year");
    let word_limit = number("word_limit");
    let shuffle = match cell("shuffle") {
        None | Some("true") => true,
        Some("false") => false,
        Some(other) => {
            err(
                "shuffle",
                format!("`shuffle` must be true or false, not `{other}`"),
            );
            true
        }
    };
    let as_of = cell("as_of").and_then(|d| match d.parse::<toml_edit::Datetime>() {
        Ok(dt) if dt.date.is_some() && dt.time.is_none() => Some(dt),
        _ => {
            err(
                "as_of",
                format!("`as_of` must be a date such as 2023-11-10, not `{d}`"),
            );
            None
        }
    });
    let draft = Draft {
        id: cell("id").unwrap_or_default().to_owned(),
        q: text("q"),
        a: text("a"),
        accept: list("accept"),
        options: list("options"),
        distractors: list("distractors"),
        group: cell("group").map(str::to_owned),
        shuffle,
        text: text("text"),
        points: list("points"),
        year,
        word_limit,
        as_of,
        tags: list("tags"),
        source: text("source"),
        explain: text("explain"),
        ..Draft::new(kind)
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    let fields = columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let (line, col) = row.at(i);
            (*c, line, col)
        })
        .collect();
    Ok(Incoming {
        deck: cell("deck").unwrap_or_default().to_owned(),
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
        let e = parse("a,tags\nA,x\n").unwrap_err();
        assert!(
            e[0].to_string().contains("neither `q` nor `text`"),
            "{}",
            e[0]
        );
    }
}
