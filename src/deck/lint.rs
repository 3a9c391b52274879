//! Warnings `check` gives about cards that are valid but likely to mislead: a `source` a
//! reader cannot look up (an internal file name), and a time-sensitive claim ("currently",
//! "is negotiating", last year) without an `as_of` date, which would be learned as timeless.
//! Pure text tests; the parser calls them with each field's place.

/// What the time-sensitive test measures "recent" against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lint {
    /// The current year: it and the year before count as recent.
    pub this_year: i16,
}

/// File extensions that give a source away as a file rather than a publication.
const FILE_EXTENSIONS: [&str; 5] = [".txt", ".md", ".pdf", ".html", ".htm"];

/// Words and phrases that only hold at one time. Matched whole, ignoring case.
const TIME_WORDS: [&str; 8] = [
    "currently",
    "now",
    "at present",
    "is negotiating",
    "are negotiating",
    "ongoing",
    "recently",
    "this year",
];

/// The part of a `source` that looks like a file name or a hash, if any. Web addresses are
/// readable sources and are left alone.
pub fn file_like(source: &str) -> Option<&str> {
    for token in source.split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '(' | ')')) {
        let token = token.trim_matches(|c: char| matches!(c, '"' | '\'' | '`' | '.' | ':'));
        if token.contains("://") || token.starts_with("www.") {
            continue;
        }
        let lower = token.to_ascii_lowercase();
        let named_file = FILE_EXTENSIONS
            .iter()
            .any(|ext| lower.len() > ext.len() && lower.ends_with(ext));
        if named_file
            || token
                .split(|c: char| !c.is_ascii_alphanumeric())
                .any(hash_like)
        {
            return Some(token);
        }
    }
    None
}

/// Ten or more hex digits mixing letters and digits, like `75cb2f307883afb3`: no word or date
/// looks like that.
fn hash_like(word: &str) -> bool {
    word.len() >= 10
        && word.bytes().all(|b| b.is_ascii_hexdigit())
        && word.bytes().any(|b| b.is_ascii_digit())
        && word.bytes().any(|b| b.is_ascii_alphabetic())
}

/// The first time-sensitive word, phrase or recent year in `text`, as written there.
pub fn time_sensitive(text: &str, lint: Lint) -> Option<String> {
    let words = words(text);
    for phrase in TIME_WORDS {
        let parts: Vec<&str> = phrase.split(' ').collect();
        if let Some(found) = words.windows(parts.len()).find(|w| {
            w.iter()
                .zip(&parts)
                .all(|((_, word), part)| word.eq_ignore_ascii_case(part))
        }) {
            let start = found[0].0;
            let (last, word) = found[found.len() - 1];
            return Some(text[start..last + word.len()].to_owned());
        }
    }
    words
        .iter()
        .find(|(_, w)| {
            w.len() == 4
                && w.parse::<i16>()
                    .is_ok_and(|y| (lint.this_year - 1..=lint.this_year).contains(&y))
        })
        .map(|(_, w)| (*w).to_owned())
}

/// The words of a text with their byte offsets; a word is a run of letters or digits.
fn words(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        match (c.is_alphanumeric(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push((s, &text[s..i]));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s, &text[s..]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: Lint = Lint { this_year: 2026 };

    #[test]
    fn internal_file_names_and_hashes_are_found() {
        assert_eq!(
            file_like("001_75cb2f307883afb3.txt"),
            Some("001_75cb2f307883afb3.txt")
        );
        assert_eq!(file_like("seeds/notes.md"), Some("seeds/notes.md"));
        assert_eq!(file_like("Brief (MEA.PDF)"), Some("MEA.PDF"));
        assert_eq!(
            file_like("article 75cb2f307883afb3"),
            Some("75cb2f307883afb3")
        );
        assert_eq!(
            file_like("Seed 001_75cb2f307883afb3, Drishti IAS"),
            Some("001_75cb2f307883afb3")
        );
    }

    #[test]
    fn publications_dates_and_web_addresses_are_readable_sources() {
        for ok in [
            "Drishti IAS, India–US 2+2 Ministerial Dialogue, Nov 2023",
            "The Hindu, 30 Aug 2016.",
            "MEA joint statement 20231110",
            "https://www.mea.gov.in/bilateral-documents.htm?dtl/36772/Joint_Statement.html",
            "www.pib.gov.in/release.html",
            "PIB release 1234567890",
            ".md",
        ] {
            assert_eq!(file_like(ok), None, "{ok}");
        }
    }

    #[test]
    fn time_sensitive_words_are_found_whole_and_in_any_case() {
        assert_eq!(
            time_sensitive("India is currently a member.", NOW).as_deref(),
            Some("currently")
        );
        assert_eq!(
            time_sensitive("Now the two sides meet yearly.", NOW).as_deref(),
            Some("Now")
        );
        assert_eq!(
            time_sensitive("Talks, At  Present, stall", NOW).as_deref(),
            Some("At  Present")
        );
        assert_eq!(time_sensitive("look at presents", NOW), None);
        assert_eq!(
            time_sensitive("Both sides are negotiating a BTA.", NOW).as_deref(),
            Some("are negotiating")
        );
        assert_eq!(
            time_sensitive("the ongoing talks", NOW).as_deref(),
            Some("ongoing")
        );
    }

    #[test]
    fn words_that_merely_contain_a_time_word_are_not_flagged() {
        for ok in [
            "It is known as LEMOA.",
            "Nowhere else.",
            "He negotiated it.",
            "A snowy year",
            "",
        ] {
            assert_eq!(time_sensitive(ok, NOW), None, "{ok}");
        }
    }

    #[test]
    fn only_this_year_and_last_are_recent() {
        assert_eq!(
            time_sensitive("Tariffs rose in 2025.", NOW).as_deref(),
            Some("2025")
        );
        assert_eq!(
            time_sensitive("FY2026-27 target", NOW).as_deref(),
            None,
            "a year inside a longer word is not a year"
        );
        assert_eq!(time_sensitive("in 2026–27", NOW).as_deref(), Some("2026"));
        assert_eq!(time_sensitive("signed in 2024 and 2018", NOW), None);
        assert_eq!(time_sensitive("signed in 20250", NOW), None);
    }
}
