//! How Anki notes and our cards name each other: card ids from note GUIDs (so a second import
//! of the same notes updates them in place), and cloze notation both ways (Anki numbers its
//! gaps, `{{c1::answer::hint}}`; ours are numbered by their order, `{{answer::hint}}`).

use crate::deck::cloze;
use crate::deck::parse::valid_id;

/// Our card key as a GUID: `deck-id/card-id` is a valid Anki GUID, and reads back exactly.
pub fn guid_of(deck: &str, card: &str) -> String {
    format!("{deck}/{card}")
}

/// The deck and card ids a GUID names when it is one we wrote (`deck-id/card-id`).
pub fn our_key(guid: &str) -> Option<(&str, &str)> {
    let (deck, card) = guid.split_once('/')?;
    (valid_id(deck) && valid_id(card)).then_some((deck, card))
}

/// A card id made from an Anki GUID and the card's ordinal: stable, and unique as the GUID is.
/// Every character but ASCII letters, digits and `-` is written as its code in hex between
/// dots (`%` → `.25.`), so two GUIDs never give one id. The first card of a note gets the plain id; a
/// later one (the reverse of a note, say) `-<ordinal + 1>`.
pub fn card_id(guid: &str, ord: usize) -> String {
    let mut id = String::from("anki-");
    for c in guid.chars() {
        match c {
            'a'..='z' | 'A'..='Z' | '0'..='9' | '-' => id.push(c),
            _ => id.push_str(&format!(".{:x}.", u32::from(c))),
        }
    }
    if ord > 0 {
        id.push_str(&format!("-{}", ord + 1));
    }
    id
}

/// Anki cloze text in our notation: `{{c2::Delhi::city}}` → `{{Delhi::city}}`. Each Anki
/// occurrence becomes a gap of its own (ours are one card per gap).
pub fn cloze_from_anki(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find("{{") {
        out.push_str(&rest[..open + 2]);
        rest = &rest[open + 2..];
        if let Some((_, after)) = rest.split_once("::").filter(|(n, _)| {
            n.len() > 1 && n.starts_with('c') && n[1..].bytes().all(|b| b.is_ascii_digit())
        }) {
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// Our cloze text in Anki's notation, the gaps numbered in order: `{{x}}` → `{{c1::x}}`.
pub fn cloze_to_anki(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut last = 0;
    for (i, gap) in cloze::gaps(text).iter().enumerate() {
        out.push_str(&text[last..gap.start]);
        out.push_str(&format!("{{{{c{}::{}", i + 1, gap.answer));
        if let Some(hint) = gap.hint {
            out.push_str("::");
            out.push_str(hint);
        }
        out.push_str("}}");
        last = gap.end;
    }
    out.push_str(&text[last..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guids_give_stable_valid_distinct_ids() {
        for guid in ["Ab3%x{Q", "f|,k_9", "ABC", "abc"] {
            assert!(valid_id(&card_id(guid, 0)), "{guid}");
            assert_eq!(card_id(guid, 1), format!("{}-2", card_id(guid, 0)));
        }
        assert_eq!(card_id("a%b", 0), "anki-a.25.b");
        assert_ne!(card_id("ABC", 0), card_id("abc", 0));
        assert_ne!(card_id("a%b", 0), card_id("a\u{25b}", 0));
    }

    #[test]
    fn our_keys_read_back_from_a_guid() {
        assert_eq!(
            our_key(&guid_of("pacts", "lemoa")),
            Some(("pacts", "lemoa"))
        );
        assert_eq!(our_key("x/y/z"), None);
        assert_eq!(our_key("nokey"), None);
    }

    #[test]
    fn cloze_notation_converts_both_ways() {
        let anki = "{{c1::LEMOA}} was signed in {{c2::2016::year}}";
        let ours = cloze_from_anki(anki);
        assert_eq!(ours, "{{LEMOA}} was signed in {{2016::year}}");
        assert_eq!(cloze_to_anki(&ours), anki);
        assert_eq!(cloze_from_anki("no {{gap"), "no {{gap");
    }
}
