//! Grading a typed answer: forgiving about case, spacing, punctuation, a leading article and
//! (in longer words-only answers) a slip of the keyboard, but never about a digit: "2016" is
//! not "2018".

/// Lowercase words of the text, punctuation dropped, a leading article dropped.
pub fn normalize(text: &str) -> String {
    let spaced: String = text
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect::<String>()
        .to_lowercase();
    let mut words: Vec<&str> = spaced.split_whitespace().collect();
    if words.len() > 1 && matches!(words[0], "the" | "a" | "an") {
        words.remove(0);
    }
    words.join(" ")
}

/// True when `given` matches the answer or one of the accepted alternatives.
pub fn is_correct(given: &str, answer: &str, accept: &[String]) -> bool {
    let given = normalize(given);
    if given.is_empty() {
        return false;
    }
    std::iter::once(answer)
        .chain(accept.iter().map(String::as_str))
        .map(normalize)
        .any(|expected| close_enough(&given, &expected))
}

fn close_enough(given: &str, expected: &str) -> bool {
    if given == expected || given.replace(' ', "") == expected.replace(' ', "") {
        return true;
    }
    if expected.chars().any(|c| c.is_ascii_digit()) || given.chars().any(|c| c.is_ascii_digit()) {
        return false;
    }
    let len = expected.chars().count();
    let allowed = match len {
        0..8 => 0,
        8..16 => 1,
        _ => 2,
    };
    allowed > 0 && edit_distance(given, expected) <= allowed
}

pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_spacing_and_punctuation_do_not_matter() {
        let a = "Logistics Exchange Memorandum of Agreement";
        assert!(is_correct(
            "logistics exchange memorandum of agreement",
            a,
            &[]
        ));
        assert!(is_correct(
            "  Logistics-Exchange   Memorandum of Agreement. ",
            a,
            &[]
        ));
        assert!(is_correct("U.S.", "US", &[]));
    }

    #[test]
    fn accepted_alternatives_count() {
        let accept = vec!["BECA".to_owned()];
        assert!(is_correct(
            "beca",
            "Basic Exchange and Cooperation Agreement",
            &accept
        ));
        assert!(!is_correct(
            "lemoa",
            "Basic Exchange and Cooperation Agreement",
            &accept
        ));
    }

    #[test]
    fn a_small_slip_in_a_long_answer_is_forgiven_but_not_in_numbers() {
        assert!(is_correct(
            "Logistics Exchange Memorandum of Agrement",
            "Logistics Exchange Memorandum of Agreement",
            &[]
        ));
        assert!(!is_correct("2018", "2016", &[]));
        assert!(!is_correct("LEMOA", "BECA", &[]));
        assert!(!is_correct("Japan", "Japon and Australia", &[]));
    }

    #[test]
    fn an_empty_answer_is_wrong() {
        assert!(!is_correct("   ", "x", &[]));
        assert!(is_correct("The Quad", "Quad", &[]));
    }
}
