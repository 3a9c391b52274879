//! An mcq's options as shown: the answer and up to three wrong ones, shuffled each time,
//! unless the card keeps its options in the order written (`shuffle = false`).

use rand::Rng;
use rand::seq::{IndexedRandom, SliceRandom};

use crate::deck::{Choices, Library};

/// Options shown for one mcq (at most this many).
pub const MAX_OPTIONS: usize = 4;

/// The options, shuffled (or as written, for `shuffle = false`), and the index of the right one.
pub fn lay_out(
    library: &Library,
    deck: &str,
    answer: &str,
    choices: &Choices,
    rng: &mut impl Rng,
) -> (Vec<String>, usize) {
    if let Choices::InOrder(list) = choices {
        let right = list.iter().position(|o| o == answer).unwrap_or(0);
        return (list.clone(), right);
    }
    let mut wrong: Vec<String> = match choices {
        Choices::InOrder(list) | Choices::Options(list) | Choices::Distractors(list) => list
            .iter()
            .filter(|o| o.as_str() != answer)
            .cloned()
            .collect(),
        Choices::Group(group) => group_pool(library, deck, group)
            .into_iter()
            .filter(|a| *a != answer)
            .map(str::to_owned)
            .collect(),
    };
    // Given options are all shown (the author chose them, e.g. UPSC's four); drawn ones are sampled.
    if !matches!(choices, Choices::Options(_)) && wrong.len() > MAX_OPTIONS - 1 {
        wrong = wrong.sample(rng, MAX_OPTIONS - 1).cloned().collect();
    }
    let mut all = wrong;
    all.push(answer.to_owned());
    all.shuffle(rng);
    let right = all.iter().position(|o| o == answer).unwrap_or(0);
    (all, right)
}

fn group_pool<'a>(library: &'a Library, deck: &str, group: &str) -> Vec<&'a str> {
    library
        .deck(deck)
        .map(|d| crate::deck::rules::answers_in_group(d, group))
        .unwrap_or_default()
}

/// `a`, `b`, … for option `i`.
pub fn letter(i: usize) -> char {
    (b'a' + (i as u8 % 26)) as char
}

/// The option a typed letter (`b`, `B`, `b)`) picks, if any.
pub fn pick(input: &str, count: usize) -> Option<usize> {
    let t = input
        .trim()
        .trim_end_matches([')', '.'])
        .to_ascii_lowercase();
    let mut chars = t.chars();
    let c = chars.next()?;
    if chars.next().is_some() || !c.is_ascii_lowercase() {
        return None;
    }
    let i = (c as u8 - b'a') as usize;
    (i < count).then_some(i)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deck::parse::parse_deck;
    use crate::deck::{Body, Origin};
    use rand::SeedableRng;

    fn library() -> Library {
        let src = r#"
[deck]
id = "d"
exam = "prelims"
[[card]]
id = "a"
kind = "mcq"
q = "LEMOA?"
a = "2016"
group = "years"
source = "s"
[[card]]
id = "b"
kind = "mcq"
q = "COMCASA?"
a = "2018"
group = "years"
source = "s"
[[card]]
id = "c"
kind = "mcq"
q = "BECA?"
a = "2020"
group = "years"
source = "s"
[[card]]
id = "e"
kind = "mcq"
q = "First 2+2?"
a = "2018"
group = "years"
source = "s"
[[card]]
id = "f"
kind = "mcq"
q = "x"
a = "2002"
group = "years"
source = "s"
[[card]]
id = "g"
kind = "mcq"
q = "x"
a = "2023"
group = "years"
source = "s"
"#;
        Library {
            decks: vec![parse_deck(src, Origin::Builtin("t")).unwrap()],
        }
    }

    #[test]
    fn group_distractors_come_from_other_answers_of_the_group() {
        let lib = library();
        let Body::Mcq { a, choices, .. } = &lib.decks[0].cards[0].body else {
            panic!()
        };
        let mut rng = rand::rngs::StdRng::seed_from_u64(1);
        for _ in 0..20 {
            let (opts, right) = lay_out(&lib, "d", a, choices, &mut rng);
            assert_eq!(opts.len(), 4);
            assert_eq!(opts[right], "2016");
            let unique: std::collections::HashSet<_> = opts.iter().collect();
            assert_eq!(unique.len(), 4, "no answer twice: {opts:?}");
            for o in &opts {
                assert!(["2016", "2018", "2020", "2002", "2023"].contains(&o.as_str()));
            }
        }
    }

    #[test]
    fn options_are_shuffled() {
        let lib = library();
        let Body::Mcq { a, choices, .. } = &lib.decks[0].cards[0].body else {
            panic!()
        };
        let mut rng = rand::rngs::StdRng::seed_from_u64(2);
        let positions: std::collections::HashSet<usize> = (0..40)
            .map(|_| lay_out(&lib, "d", a, choices, &mut rng).1)
            .collect();
        assert!(positions.len() > 1);
    }

    #[test]
    fn options_kept_in_order_are_never_shuffled() {
        let lib = library();
        let written: Vec<String> = ["1 only", "2 only", "Both 1 and 2", "Neither 1 nor 2"]
            .map(String::from)
            .to_vec();
        let choices = Choices::InOrder(written.clone());
        let mut rng = rand::rngs::StdRng::seed_from_u64(3);
        for _ in 0..20 {
            let (opts, right) = lay_out(&lib, "d", "Both 1 and 2", &choices, &mut rng);
            assert_eq!(opts, written);
            assert_eq!(right, 2);
        }
    }

    #[test]
    fn letters_pick_options() {
        assert_eq!(pick("b", 4), Some(1));
        assert_eq!(pick(" C) ", 4), Some(2));
        assert_eq!(pick("e", 4), None);
        assert_eq!(pick("ab", 4), None);
        assert_eq!(letter(3), 'd');
    }
}
