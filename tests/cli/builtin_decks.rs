//! The built-in decks: valid, sourced, answerable, and studied end to end as a new user would.

use std::collections::{HashMap, HashSet};
use std::io::{BufReader, Read, Write};
use std::process::Command;

use smriti::deck::load::builtin_decks;
use smriti::deck::{Body, Choices, Deck, Kind};

use crate::env::Env;

fn decks() -> Vec<Deck> {
    builtin_decks().expect("built-in decks parse")
}

#[test]
fn both_decks_are_large_enough_and_ids_unique() {
    let decks = decks();
    let prelims = decks
        .iter()
        .find(|d| d.id == "india-us-2plus2-prelims")
        .unwrap();
    let mains = decks
        .iter()
        .find(|d| d.id == "india-us-2plus2-mains")
        .unwrap();
    assert!(prelims.cards.len() >= 150, "{}", prelims.cards.len());
    let mains_cards = mains
        .cards
        .iter()
        .filter(|c| c.kind() == Kind::Mains)
        .count();
    assert!(mains_cards >= 20, "{mains_cards}");
    for deck in &decks {
        let keys: HashSet<&str> = deck.cards.iter().map(|c| c.key.as_str()).collect();
        assert_eq!(
            keys.len(),
            deck.cards.len(),
            "duplicate keys in {}",
            deck.id
        );
    }
    let kinds: HashSet<Kind> = prelims.cards.iter().map(|c| c.kind()).collect();
    for k in [Kind::Basic, Kind::Typed, Kind::Mcq, Kind::Cloze] {
        assert!(kinds.contains(&k), "prelims has no {k} card");
    }
}

/// A source a reader can look up: a publication and a year, never an internal file name.
fn readable_source(src: &str) -> Result<(), &'static str> {
    let lower = src.to_lowercase();
    if lower.ends_with(".txt") || lower.contains(".txt") {
        return Err("looks like a file name");
    }
    if lower.starts_with("external:") {
        return Err("has the internal \"external:\" prefix");
    }
    if lower.contains("seed") {
        return Err("names a seed instead of a publication");
    }
    let has_year = src
        .as_bytes()
        .windows(4)
        .any(|w| w.iter().all(u8::is_ascii_digit) && (w[0] == b'1' || w[0] == b'2'));
    if !has_year {
        return Err("has no year");
    }
    if src.chars().filter(|c| c.is_alphabetic()).count() < 4 {
        return Err("names no publication");
    }
    Ok(())
}

#[test]
fn readable_source_rejects_file_names_and_undated_sources() {
    assert!(readable_source("Drishti IAS, India–US 2+2 Ministerial Dialogue, Nov 2023").is_ok());
    assert!(readable_source("001_75cb2f307883afb3.txt").is_err());
    assert!(readable_source("external: PTI, 31 October 2025").is_err());
    assert!(readable_source("seed 004").is_err());
    assert!(readable_source("Drishti IAS explainer").is_err());
}

#[test]
fn every_card_names_a_readable_dated_source_and_explains_itself() {
    let decks = decks();
    assert_eq!(decks.len(), 2, "both built-in decks are checked");
    for card in decks.iter().flat_map(|d| &d.cards) {
        let src = card.source.as_str();
        if let Err(why) = readable_source(src) {
            panic!("{}: source {why}: {src}", card.key);
        }
        assert!(card.explain.is_some(), "{} has no explain", card.key);
    }
}

#[test]
fn every_mcq_is_answerable_and_every_group_offers_three_distractors() {
    for deck in decks() {
        let mut groups: HashMap<&str, HashSet<&str>> = HashMap::new();
        for card in &deck.cards {
            if let Body::Mcq { a, choices, .. } = &card.body {
                match choices {
                    Choices::Options(list) | Choices::InOrder(list) => {
                        assert!(list.contains(a), "{}", card.key)
                    }
                    Choices::Distractors(list) => assert!(!list.contains(a), "{}", card.key),
                    Choices::Group(g) => {
                        groups.entry(g).or_default().insert(a);
                    }
                }
            }
        }
        for card in &deck.cards {
            if let Body::Mcq {
                a,
                choices: Choices::Group(g),
                ..
            } = &card.body
            {
                let others = groups[g.as_str()].iter().filter(|x| **x != a).count();
                assert!(
                    others >= 3,
                    "{}: group {g} offers {others} distractors",
                    card.key
                );
            }
        }
    }
}

#[test]
fn tags_form_a_small_shared_vocabulary() {
    let tags: HashSet<String> = decks()
        .iter()
        .flat_map(|d| &d.cards)
        .flat_map(|c| c.tags.clone())
        .collect();
    assert!(
        (8..=15).contains(&tags.len()),
        "{} tags: {tags:?}",
        tags.len()
    );
    for card in decks().iter().flat_map(|d| &d.cards) {
        assert!(!card.tags.is_empty(), "{} has no tags", card.key);
    }
}

/// Reads the child's output up to the next prompt (`"> "` at the end), returning all of it.
fn read_to_prompt(out: &mut impl Read, seen: &mut String) -> Option<String> {
    let mut chunk = Vec::new();
    let mut byte = [0u8];
    loop {
        match out.read(&mut byte) {
            Ok(0) | Err(_) => {
                seen.push_str(&String::from_utf8_lossy(&chunk));
                return None;
            }
            Ok(_) => chunk.push(byte[0]),
        }
        if chunk.ends_with(b"> ") {
            let text = String::from_utf8_lossy(&chunk).into_owned();
            seen.push_str(&text);
            return Some(text);
        }
    }
}

/// An answer as shown without the " (as of Apr 2022)" of a dated card.
fn undated(answer: &str) -> &str {
    match answer.rsplit_once(" (as of ") {
        Some((text, date)) if date.ends_with(')') => text,
        _ => answer,
    }
}

/// A new user's first full pass through both built-in decks, in plain mode: flip cards are
/// graded Good; for mcq and typed cards the first try is a guess, and when a card comes back
/// the answer shown after the miss is given. The session must end by itself, with every card
/// answered and no error.
#[test]
fn a_full_plain_pass_through_both_decks_answers_every_card() {
    let env = Env::new();
    let mut child = env.spawn(&["quiz", "--plain", "--new", "1000"]);
    let pid = child.id();
    // A failure guard only: a protocol bug would otherwise hang the test run.
    let (done, finished) = std::sync::mpsc::channel::<()>();
    std::thread::spawn(move || {
        if finished
            .recv_timeout(std::time::Duration::from_secs(300))
            .is_err()
        {
            let _ = Command::new("kill").arg("-9").arg(pid.to_string()).status();
        }
    });
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut transcript = String::new();
    let mut learned: HashMap<String, String> = HashMap::new();
    let mut last_prompt = String::new();
    while let Some(chunk) = read_to_prompt(&mut stdout, &mut transcript) {
        // Learn the answers shown after a miss, keyed by the question shown before it.
        for line in chunk.lines() {
            if let Some(ans) = line.strip_prefix("✗ Wrong. Answer: ") {
                learned.insert(
                    last_prompt.clone(),
                    undated(ans.get(3..).unwrap_or_default()).to_owned(),
                );
            }
            if let Some((_, expected)) = line.split_once(" · expected: ") {
                learned.insert(last_prompt.clone(), undated(expected).to_owned());
            }
        }
        if let Some(header) = chunk.find("── ") {
            last_prompt = chunk[header..]
                .lines()
                .nth(1)
                .unwrap_or_default()
                .to_owned();
        }
        let reply = if chunk.ends_with("answer (letter)> ") {
            let want = learned.get(&last_prompt);
            chunk
                .lines()
                .filter_map(|l| l.strip_prefix("  ").and_then(|l| l.split_once(") ")))
                .find(|(_, text)| want.is_some_and(|w| w == text))
                .map_or("a".to_owned(), |(letter, _)| letter.to_owned())
        } else if chunk.ends_with("\nanswer> ")
            || chunk.ends_with("answer> ") && !chunk.ends_with("your answer (enter to reveal)> ")
        {
            learned
                .get(&last_prompt)
                .cloned()
                .unwrap_or_else(|| "no idea".to_owned())
        } else if chunk.ends_with("(enter to reveal)> ") {
            String::new()
        } else {
            "3".to_owned()
        };
        writeln!(stdin, "{reply}").unwrap();
    }
    let status = child.wait().unwrap();
    let _ = done.send(());
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert!(status.success(), "{err}");
    assert!(err.is_empty(), "{err}");
    assert!(
        transcript.contains("Session done:"),
        "{}",
        &transcript[transcript.len().saturating_sub(2000)..]
    );

    let answered: HashSet<String> = env
        .reviews()
        .iter()
        .map(|r| r.split('\t').nth(2).unwrap().to_owned())
        .collect();
    let all: HashSet<String> = decks()
        .iter()
        .flat_map(|d| &d.cards)
        .map(|c| c.key.clone())
        .collect();
    let missing: Vec<_> = all.difference(&answered).collect();
    assert!(missing.is_empty(), "never answered: {missing:?}");
    // Nothing is left for today: every card graduated.
    let again = env.quiz(&[], "");
    assert!(again.contains("Nothing is due today"), "{again}");
}
