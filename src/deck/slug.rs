//! Card ids made from the question: short, readable, stable and unique within a deck.
//!
//! An id is what progress is keyed by, so it must not change when the wording does; it is
//! therefore made once, when a card is added, and written into the deck. It is built from the
//! question's words (transliterated to ASCII, so `Présidence` gives `presidence` and `भारत`
//! gives `bhaart`, not nothing), leaving out filler words when enough others remain, so that
//! `What does LEMOA stand for?` becomes `lemoa-stand`.

use super::parse::valid_id;

/// At most this many words in an id.
pub const MAX_WORDS: usize = 6;
/// At most this many characters in an id (before a `-2` suffix).
pub const MAX_LEN: usize = 48;

/// Words that say little about a card; dropped unless nothing else is left.
const FILLER: &[&str] = &[
    "a", "an", "the", "of", "in", "on", "at", "to", "for", "and", "or", "is", "are", "was", "were",
    "be", "by", "with", "which", "what", "who", "whom", "when", "where", "why", "how", "does",
    "do", "did", "its", "it", "this", "that", "as", "from",
];

/// The id a question suggests, before checking for collisions. Never empty: a question with
/// no letters or digits at all gives `card`.
pub fn slug(text: &str) -> String {
    // An apostrophe joins (`BECA's` is one word), other punctuation separates.
    let ascii = deunicode::deunicode(text)
        .to_ascii_lowercase()
        .replace('\'', "");
    let words: Vec<&str> = ascii
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let telling: Vec<&str> = words
        .iter()
        .copied()
        .filter(|w| !FILLER.contains(w))
        .collect();
    let chosen = if telling.is_empty() { words } else { telling };
    let mut id = String::new();
    for word in chosen.into_iter().take(MAX_WORDS) {
        let extra = usize::from(!id.is_empty()) + word.len();
        if id.len() + extra > MAX_LEN {
            if id.is_empty() {
                id.push_str(&word[..MAX_LEN]);
            }
            break;
        }
        if !id.is_empty() {
            id.push('-');
        }
        id.push_str(word);
    }
    if id.is_empty() { "card".to_owned() } else { id }
}

/// `base`, or `base-2`, `base-3`, … : the first that `taken` does not hold.
pub fn unique(base: &str, taken: impl Fn(&str) -> bool) -> String {
    if !taken(base) {
        return base.to_owned();
    }
    (2..)
        .map(|n| format!("{base}-{n}"))
        .find(|id| !taken(id))
        .unwrap_or_else(|| base.to_owned())
}

/// A fresh id for a card asking `question` in a deck where `taken` says which ids exist.
pub fn id_for(question: &str, taken: impl Fn(&str) -> bool) -> String {
    let id = unique(&slug(question), taken);
    debug_assert!(valid_id(&id), "slug {id:?} is not a valid id");
    id
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_telling_words_in_lowercase() {
        assert_eq!(slug("What does LEMOA stand for?"), "lemoa-stand");
        assert_eq!(
            slug("In which year was COMCASA signed?"),
            "year-comcasa-signed"
        );
    }

    #[test]
    fn punctuation_and_spacing_become_single_dashes() {
        assert_eq!(
            slug("  India–US 2+2: (Delhi),  2018!! "),
            "india-us-2-2-delhi-2018"
        );
        assert_eq!(slug("BECA's full-form?"), "becas-full-form");
    }

    #[test]
    fn non_ascii_is_transliterated_not_lost() {
        assert_eq!(slug("Présidence française"), "presidence-francaise");
        let hindi = slug("भारत");
        assert!(!hindi.is_empty() && hindi != "card", "{hindi}");
        assert!(valid_id(&hindi));
        assert!(hindi.chars().all(|c| c.is_ascii_lowercase()), "{hindi}");
    }

    #[test]
    fn long_questions_are_cut_at_six_words_and_48_characters() {
        assert_eq!(
            slug("one two three four five six seven eight"),
            "one-two-three-four-five-six"
        );
        let long = slug("internationalisation counterrevolutionaries antidisestablishmentarianism");
        assert!(long.len() <= MAX_LEN, "{long}");
        assert_eq!(long, "internationalisation-counterrevolutionaries");
        let one = slug(&"x".repeat(100));
        assert_eq!(one.len(), MAX_LEN);
    }

    #[test]
    fn questions_made_only_of_filler_or_symbols_still_get_an_id() {
        assert_eq!(slug("What is it?"), "what-is-it");
        assert_eq!(slug("?!…"), "card");
        assert_eq!(slug(""), "card");
    }

    #[test]
    fn collisions_get_a_numbered_suffix() {
        let taken = ["lemoa-year", "lemoa-year-2"];
        let is_taken = |id: &str| taken.contains(&id);
        assert_eq!(unique("lemoa-year", is_taken), "lemoa-year-3");
        assert_eq!(unique("beca-year", is_taken), "beca-year");
        assert_eq!(
            id_for("When was LEMOA signed? year", is_taken),
            "lemoa-signed-year"
        );
    }

    #[test]
    fn every_slug_is_a_valid_card_id() {
        for q in [
            "a/b\\c",
            "über ñ ß",
            "日本語のテキスト",
            "emoji 🎉 party",
            "tab\there",
        ] {
            let id = slug(q);
            assert!(valid_id(&id), "{q:?} -> {id:?}");
        }
    }
}
