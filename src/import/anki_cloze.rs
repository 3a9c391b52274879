//! Anki's cloze notation, `{{c1::answer::hint}}`: Anki makes one card per cloze *number*, and
//! a number may stand at several places in the text (asked all at once), whereas our cloze
//! cards are one per gap. Shared by the package and the text import so both turn a note into
//! the same cards.

#[derive(Debug, PartialEq, Eq)]
pub enum Cloze {
    /// The text with cloze `n` as smriti's one gap, the others filled in.
    Gap(String),
    /// Cloze `n` occurs several times: Anki asks them together, as one card, so it becomes a
    /// basic card with all of them blanked.
    Repeated {
        q: String,
        a: String,
    },
    Missing,
}

/// Anki's `{{cN::answer::hint}}` for card `n`.
pub fn card(text: &str, n: u32) -> Cloze {
    let mut filled = String::with_capacity(text.len());
    let mut blanked = String::with_capacity(text.len());
    let mut gapped = String::with_capacity(text.len());
    let mut answers = Vec::new();
    let mut rest = text;
    while let Some((before, number, answer, hint, after)) = next(rest) {
        filled.push_str(before);
        blanked.push_str(before);
        gapped.push_str(before);
        if number == n {
            answers.push(answer.to_owned());
            blanked.push('[');
            blanked.push_str(hint.unwrap_or("…"));
            blanked.push(']');
            gapped.push_str("{{");
            gapped.push_str(answer);
            if let Some(h) = hint {
                gapped.push_str("::");
                gapped.push_str(h);
            }
            gapped.push_str("}}");
        } else {
            blanked.push_str(answer);
            gapped.push_str(answer);
        }
        filled.push_str(answer);
        rest = after;
    }
    blanked.push_str(rest);
    gapped.push_str(rest);
    match answers.len() {
        0 => Cloze::Missing,
        1 => Cloze::Gap(gapped),
        _ => Cloze::Repeated {
            q: blanked,
            a: answers.join("; "),
        },
    }
}

/// The next `{{cN::…}}` in `text`: what comes before, N, the answer, the hint, what follows.
fn next(text: &str) -> Option<(&str, u32, &str, Option<&str>, &str)> {
    let mut from = 0;
    loop {
        let open = text[from..].find("{{c")? + from;
        let after = &text[open + 3..];
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        let body = after[digits..].strip_prefix("::");
        match (after[..digits].parse::<u32>().ok(), body) {
            (Some(n), Some(body)) => {
                let close = body.find("}}")?;
                let inner = &body[..close];
                let (answer, hint) = match inner.split_once("::") {
                    Some((a, h)) => (a, Some(h)),
                    None => (inner, None),
                };
                return Some((&text[..open], n, answer, hint, &body[close + 2..]));
            }
            _ => from = open + 3,
        }
    }
}

/// The cloze numbers used in `text`, each once, in increasing order.
pub fn numbers(text: &str) -> Vec<u32> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some((_, n, _, _, after)) = next(rest) {
        found.push(n);
        rest = after;
    }
    found.sort_unstable();
    found.dedup();
    found
}

/// Whether some cloze number stands at more than one place in `text`.
pub fn has_repeats(text: &str) -> bool {
    let mut count = 0;
    let mut rest = text;
    while let Some((_, _, _, _, after)) = next(rest) {
        count += 1;
        rest = after;
    }
    count > numbers(text).len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cloze_card_asks_its_own_number_and_shows_the_others() {
        let text = "COMCASA in {{c1::2018::year}} at {{c2::New Delhi}}";
        assert_eq!(
            card(text, 1),
            Cloze::Gap("COMCASA in {{2018::year}} at New Delhi".into())
        );
        assert_eq!(
            card(text, 2),
            Cloze::Gap("COMCASA in 2018 at {{New Delhi}}".into())
        );
        assert_eq!(card(text, 3), Cloze::Missing);
    }

    #[test]
    fn a_repeated_cloze_number_stays_one_card() {
        let text = "{{c1::BECA}} followed; {{c1::BECA::pact}} completed the set in {{c2::2020}}";
        assert_eq!(
            card(text, 1),
            Cloze::Repeated {
                q: "[…] followed; [pact] completed the set in 2020".into(),
                a: "BECA; BECA".into()
            }
        );
    }

    #[test]
    fn numbers_are_listed_once_in_order_and_repeats_found() {
        let text = "{{c2::BECA}} then {{c1::LEMOA}} and {{c2::2020}}";
        assert_eq!(numbers(text), [1, 2]);
        assert!(has_repeats(text));
        assert!(!has_repeats("{{c1::LEMOA}} and {{c2::COMCASA}}"));
        assert!(!has_repeats("no gaps"));
    }
}
