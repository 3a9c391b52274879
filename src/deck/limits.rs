//! Bounds on what one deck may ask of the machine, so a hostile or mistaken deck is a clear
//! error naming its place instead of minutes of work and gigabytes of memory (a cloze with
//! 20,000 gaps once took 7 GB and 55 s). Each limit is far above what a real deck needs. The
//! checks walk the parsed TOML once, before any card is built, so they are linear.

use std::ops::Range;

use toml::Spanned;
use toml::de::DeValue;

/// A deck file's size. A 10 MB deck of any shape still checks in about a second.
pub const MAX_FILE_BYTES: usize = 16 * 1024 * 1024;
/// `[[card]]` entries in one deck.
pub const MAX_CARDS: usize = 50_000;
/// Bytes in one text field (a question, an answer, an explanation, one list item…).
pub const MAX_FIELD_BYTES: usize = 16 * 1024;
/// Gaps in one cloze text (each becomes its own card holding the whole text).
pub const MAX_GAPS: usize = 50;
/// Options or distractors of one MCQ.
pub const MAX_OPTIONS: usize = 26;
/// Items in any other list (accepted answers, points, tags).
pub const MAX_LIST_ITEMS: usize = 100;
/// The text of all cards of one deck once every cloze gap is its own card.
pub const MAX_EXPANDED_BYTES: usize = 48 * 1024 * 1024;

/// Why a deck file is too large to read, if it is.
pub fn file_too_large(len: u64) -> Option<String> {
    (len > MAX_FILE_BYTES as u64).then(|| {
        format!(
            "the file is {} MB; a deck may be at most {} MB (split it into several decks)",
            len / (1024 * 1024),
            MAX_FILE_BYTES / (1024 * 1024)
        )
    })
}

/// Every field of one `[[card]]` table past a limit, with its span and what is wrong.
pub fn check_card(card: &Spanned<DeValue<'_>>) -> Vec<(Range<usize>, String)> {
    let mut found = Vec::new();
    let Some(table) = card.get_ref().as_table() else {
        return found;
    };
    for (key, value) in table {
        check_value(key.get_ref(), value, &mut found);
    }
    found
}

fn check_value(field: &str, value: &Spanned<DeValue<'_>>, found: &mut Vec<(Range<usize>, String)>) {
    match value.get_ref() {
        DeValue::String(text) => {
            if text.len() > MAX_FIELD_BYTES {
                found.push((
                    value.span(),
                    format!(
                        "`{field}` is {} bytes long; a field may hold at most {MAX_FIELD_BYTES}",
                        text.len()
                    ),
                ));
            } else if field == "text" {
                let gaps = memchr::memmem::find_iter(text.as_bytes(), b"{{").count();
                if gaps > MAX_GAPS {
                    found.push((
                        value.span(),
                        format!("the cloze has {gaps} gaps; a card may have at most {MAX_GAPS}"),
                    ));
                }
            }
        }
        DeValue::Array(items) => {
            let most = match field {
                "options" | "distractors" => MAX_OPTIONS,
                _ => MAX_LIST_ITEMS,
            };
            if items.len() > most {
                found.push((
                    value.span(),
                    format!(
                        "`{field}` has {} items; it may have at most {most}",
                        items.len()
                    ),
                ));
                return;
            }
            for item in items.iter() {
                check_value(field, item, found);
            }
        }
        DeValue::Table(table) => {
            for (key, value) in table {
                check_value(key.get_ref(), value, found);
            }
        }
        _ => {}
    }
}

/// The bytes of text a card holds, to bound a deck's size once its gaps are expanded.
pub fn card_bytes(card: &super::Card) -> usize {
    use super::Body;
    let strings = |v: &[String]| v.iter().map(String::len).sum::<usize>();
    let body = match &card.body {
        Body::Basic { q, a } => q.len() + a.len(),
        Body::Typed { q, a, accept } => q.len() + a.len() + strings(accept),
        Body::Mcq { q, a, .. } => q.len() + a.len(),
        Body::Cloze { text, .. } => text.len(),
        Body::Mains { q, points, .. } => q.len() + strings(points),
    };
    card.key.len()
        + card.source.len()
        + card.explain.as_ref().map_or(0, String::len)
        + strings(&card.tags)
        + body
}
