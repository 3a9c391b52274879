//! Cards as CSV (or TSV) of our own fields, the form `smriti import` reads: one row per
//! card, the columns of `import::csv_cards::COLUMNS`.

use super::{Note, csv_error};
use crate::import::csv_cards::{COLUMNS, join_list};

/// The file's bytes.
pub fn write(notes: &[Note<'_>], delimiter: u8) -> std::io::Result<Vec<u8>> {
    let mut w = csv::WriterBuilder::new()
        .delimiter(delimiter)
        .from_writer(Vec::new());
    w.write_record(COLUMNS).map_err(csv_error)?;
    for n in notes {
        let d = &n.draft;
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        let number = |v: Option<i64>| v.map(|n| n.to_string()).unwrap_or_default();
        let row: Vec<String> = COLUMNS
            .iter()
            .map(|c| match *c {
                "deck" => n.deck.id.clone(),
                "exam" => n.deck.exam.as_str().to_owned(),
                "id" => d.id.clone(),
                "kind" => d.kind.as_str().to_owned(),
                "q" => text(&d.q),
                "a" => text(&d.a),
                "accept" => join_list(&d.accept),
                "options" => join_list(&d.options),
                "distractors" => join_list(&d.distractors),
                "group" => text(&d.group),
                "shuffle" => {
                    if d.shuffle {
                        String::new()
                    } else {
                        "false".to_owned()
                    }
                }
                "text" => text(&d.text),
                "points" => join_list(&d.points),
                "year" => number(d.year),
                "word_limit" => number(d.word_limit),
                "as_of" => d.as_of.map(|a| a.to_string()).unwrap_or_default(),
                "tags" => join_list(&d.tags),
                "source" => text(&d.source),
                "explain" => text(&d.explain),
                _ => String::new(),
            })
            .collect();
        w.write_record(&row).map_err(csv_error)?;
    }
    w.into_inner()
        .map_err(|e| std::io::Error::other(e.to_string()))
}
