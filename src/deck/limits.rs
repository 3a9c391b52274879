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
/// Values (keys' values, array items) in one deck file. The parsed TOML tree costs about
/// 250 bytes a value, so this bounds a deck's memory before it is parsed, whatever its
/// shape (a 10 MB file can hold over a million tiny values).
pub const MAX_VALUES: usize = 600_000;
/// The memory of all cards of one deck once every cloze gap is its own card.
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

/// The byte offset at which a TOML text passes `MAX_VALUES` values, if it does. A linear scan
/// that skips strings and comments and counts what can start a value outside them: `=` and
/// the `,` and `[` of arrays. It may count a little more than the parser will find (a
/// table header's `[`), never less.
pub fn too_many_values(src: &str) -> Option<usize> {
    let b = src.as_bytes();
    let mut count = 0usize;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'#' => i = memchr::memchr(b'\n', &b[i..]).map_or(b.len(), |n| i + n),
            quote @ (b'"' | b'\'') => {
                i = if b[i..].starts_with(&[quote; 3]) {
                    end_of_multiline(b, i + 3, quote)
                } else {
                    end_of_string(b, i + 1, quote)
                };
                continue;
            }
            b'=' | b',' | b'[' => {
                count += 1;
                if count > MAX_VALUES {
                    return Some(i);
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// Past the closing quote of a one-line string whose text starts at `i` (basic strings have
/// backslash escapes; a newline ends a broken one).
fn end_of_string(b: &[u8], mut i: usize, quote: u8) -> usize {
    while i < b.len() {
        match b[i] {
            b'\\' if quote == b'"' => i += 2,
            b'\n' => return i,
            c if c == quote => return i + 1,
            _ => i += 1,
        }
    }
    b.len()
}

/// Past the closing triple quote of a multi-line string whose text starts at `i` (a closing
/// run may hold up to two more quotes, which belong to the text).
fn end_of_multiline(b: &[u8], mut i: usize, quote: u8) -> usize {
    while i < b.len() {
        if b[i] == b'\\' && quote == b'"' {
            i += 2;
        } else if b[i..].starts_with(&[quote; 3]) {
            let mut end = i + 3;
            while end < b.len() && b[end] == quote && end < i + 5 {
                end += 1;
            }
            return end;
        } else {
            i += 1;
        }
    }
    b.len()
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

/// What a card costs in memory beyond its text: the card itself and its separately
/// allocated strings, roughly.
const CARD_OVERHEAD: usize = 320;

/// The bytes a card holds, to bound a deck's size once its gaps are expanded.
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
    CARD_OVERHEAD
        + card.key.len()
        + card.source.len()
        + card.explain.as_ref().map_or(0, String::len)
        + strings(&card.tags)
        + body
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_counted_outside_strings_and_comments_only() {
        let many = |n: usize| format!("x = [{}]\n", vec!["1"; n].join(","));
        assert_eq!(too_many_values(&many(MAX_VALUES - 2)), None);
        assert!(too_many_values(&many(MAX_VALUES + 5)).is_some());
        let lots = |c: &str| c.repeat(MAX_VALUES * 2);
        let hidden = [
            format!("a = \"{}\"\n", lots(",")),
            format!("a = '{}'\n", lots("=")),
            format!("a = \"\"\"\n{}\\\"\"\"\"\"\n", lots("[")),
            format!("a = '''{}'''''\n", lots(",")),
            format!("# {}\na = 1\n", lots(",")),
            format!("a = \"\\\"{}\"\n", lots(",")),
        ];
        for src in hidden {
            assert_eq!(too_many_values(&src), None, "{}", &src[..12]);
        }
        // What follows a string is counted again.
        let after = format!("a = \"x,y\"\n{}", many(MAX_VALUES));
        assert!(too_many_values(&after).is_some());
    }
}
