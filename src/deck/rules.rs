//! Rules that span more than one card: mcq groups must offer distractors.
//! (Per-card rules are checked while parsing, where the spans are.)

use std::collections::HashMap;

use super::{Body, Choices, Deck};

/// True when no entry appears twice.
pub fn distinct(list: &[String]) -> bool {
    list.iter().enumerate().all(|(i, x)| !list[..i].contains(x))
}

/// The answers of one mcq group, in card order, without repeats: what an mcq of that group
/// draws its wrong options from, each time it is shown.
pub fn answers_in_group<'a>(deck: &'a Deck, group: &str) -> Vec<&'a str> {
    let mut answers: Vec<&str> = Vec::new();
    for card in &deck.cards {
        if let Body::Mcq {
            a,
            choices: Choices::Group(g),
            ..
        } = &card.body
            && g == group
            && !answers.contains(&a.as_str())
        {
            answers.push(a);
        }
    }
    answers
}

/// The answers of each mcq group, in card order, without repeats.
pub fn group_answers(deck: &Deck) -> HashMap<&str, Vec<&str>> {
    let mut groups: HashMap<&str, Vec<&str>> = HashMap::new();
    for card in &deck.cards {
        if let Body::Mcq {
            a,
            choices: Choices::Group(group),
            ..
        } = &card.body
        {
            let answers = groups.entry(group.as_str()).or_default();
            if !answers.contains(&a.as_str()) {
                answers.push(a.as_str());
            }
        }
    }
    groups
}

/// `(line, card id, message)` for every mcq whose group offers no wrong answer to pick.
pub fn check_groups(deck: &Deck) -> Vec<(usize, String, String)> {
    let groups = group_answers(deck);
    deck.cards
        .iter()
        .filter_map(|card| match &card.body {
            Body::Mcq {
                choices: Choices::Group(group),
                ..
            } if groups[group.as_str()].len() < 2 => Some((
                card.line,
                card.id.clone(),
                format!(
                    "group \"{group}\" has no other answers to draw distractors from; \
                     give more cards the same group, or use `options`"
                ),
            )),
            _ => None,
        })
        .collect()
}
