//! Seeing and finding cards: `smriti card`, `smriti search`, the quiz's `i` screen and the
//! key and source the plain quiz prints with each answer.

use serde_json::Value;

use crate::env::{Env, succeeded};
use crate::pty::Term;

const DECK: &str = r#"[deck]
id = "polity"
name = "Polity"
exam = "prelims"

[[card]]
id = "speaker"
q = "Who presides over the Lok Sabhā?"
a = "The Speaker"
tags = ["parliament"]
source = "Constitution of India, Article 93"
as_of = 2024-06-26

[[card]]
id = "bharat-ratna"
q = "Which award is India's highest civilian honour?"
a = "Bhārat Ratna"
tags = ["awards"]
source = "Ministry of Home Affairs"

[[card]]
id = "rajya"
q = "How many members may the President nominate to the upper house?"
a = "12"
tags = ["parliament"]
source = "Article 80"
"#;

fn env_with_deck() -> Env {
    let env = Env::new();
    env.write_deck("polity.toml", DECK);
    env
}

#[test]
fn card_shows_key_file_line_source_as_of_and_each_answer() {
    let env = env_with_deck();
    env.quiz(&["--deck", "polity", "--limit", "1"], "\n3\n");
    let out = env.cmd(&["card", "polity/speaker"]).output().unwrap();
    succeeded(&out);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("card     polity/speaker"), "{text}");
    assert!(text.contains("polity.toml:6"), "{text}");
    assert!(
        text.contains("source   Constitution of India, Article 93"),
        "{text}"
    );
    assert!(text.contains("as of    2024-06-26"), "{text}");
    assert!(text.contains("tags     parliament"), "{text}");
    assert!(text.contains("answer   The Speaker"), "{text}");
    assert!(text.contains("2026-11-24 10:00  good"), "{text}");
    assert!(text.contains("due      2026-11-26"), "{text}");
}

#[test]
fn card_json_has_the_same_fields_and_a_new_card_has_no_memory() {
    let env = env_with_deck();
    env.quiz(&["--deck", "polity", "--limit", "1"], "\n1\n");
    let out = env
        .cmd(&["card", "polity/speaker", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["key"], "polity/speaker");
    assert_eq!(v["line"], 6);
    assert!(v["file"].as_str().unwrap().ends_with("polity.toml"));
    assert_eq!(v["as_of"], "2024-06-26");
    assert_eq!(v["history"].as_array().unwrap().len(), 1);
    assert_eq!(v["history"][0]["grade"], "again");
    assert_eq!(v["memory"]["lapses"], 0);
    assert!(v["memory"]["recall_now"].as_f64().unwrap() > 0.5);

    let out = env
        .cmd(&["card", "polity/rajya", "--json"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["memory"].is_null(), "{v}");
    assert_eq!(v["history"].as_array().unwrap().len(), 0);
}

#[test]
fn an_unknown_card_key_fails_and_suggests_close_ones() {
    let env = env_with_deck();
    let err = env.fails(&["card", "polity/speakr"], "");
    assert!(err.contains("no card has the key `polity/speakr`"), "{err}");
    assert!(err.contains("polity/speaker"), "{err}");
}

#[test]
fn search_ignores_case_accents_and_punctuation() {
    let env = env_with_deck();
    // "sabha" has no accent, the card "Sabhā": found; "BHARAT-ratna" in another case and form.
    let out = env
        .cmd(&["search", "LOK", "sabha", "--deck", "polity"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(text.starts_with("polity/speaker  basic  new"), "{text}");
    assert!(text.contains("Who presides over the Lok Sabhā?"), "{text}");

    let out = env
        .cmd(&["search", "bharat ratna", "--json", "--deck", "polity"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let keys: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["polity/bharat-ratna"]);
    assert!(v[0]["due"].is_null());
    assert_eq!(v[0]["kind"], "basic");

    // The source is searched too.
    let out = env
        .cmd(&["search", "article", "--deck", "polity"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.lines().count(), 2, "{text}");
}

#[test]
fn search_shows_due_and_recall_of_answered_cards() {
    let env = env_with_deck();
    env.quiz(&["--deck", "polity", "--limit", "1"], "\n3\n");
    let out = env.cmd(&["search", "speaker"]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with("polity/speaker  basic  2026-11-26  100%"),
        "{text}"
    );
}

#[test]
fn search_respects_deck_and_tag_and_exits_1_when_nothing_matches() {
    let env = env_with_deck();
    let out = env
        .cmd(&["search", "the", "--tag", "parliament", "--json"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let keys: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["polity/speaker", "polity/rajya"]);

    // The built-in decks say "India" too; --deck narrows to the user deck.
    let all = env.cmd(&["search", "india"]).output().unwrap();
    let narrowed = env
        .cmd(&["search", "india", "--deck", "polity"])
        .output()
        .unwrap();
    let count = |o: &std::process::Output| String::from_utf8_lossy(&o.stdout).lines().count();
    assert_eq!(count(&narrowed), 2);
    assert!(count(&all) > 2);

    let out = env.cmd(&["search", "zzqx"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("No card matches `zzqx`"));
    let out = env.cmd(&["search", "zzqx", "--json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "[]");
}

#[test]
fn plain_quiz_prints_the_key_and_source_with_the_answer() {
    let env = env_with_deck();
    let out = env.quiz(&["--deck", "polity", "--limit", "1"], "\n3\n");
    assert!(
        out.contains("Card: polity/speaker · source: Constitution of India, Article 93"),
        "{out}"
    );
}

#[test]
fn i_in_the_quiz_shows_key_source_and_as_of_and_any_key_closes_it() {
    let env = env_with_deck();
    let mut t = Term::start(&env, &["quiz", "--deck", "polity"], &[], 100, 30);
    t.wait_for("Who presides over the Lok Sabhā?");
    t.send("i");
    t.wait_for("Card info");
    t.wait_for("polity/speaker");
    t.wait_for("polity.toml:6");
    t.wait_for("Constitution of India, Article 93");
    t.wait_for("2024-06-26");
    t.wait_for("new: never answered");
    // The answer is not given away before it is revealed.
    assert!(!t.text().contains("The Speaker"), "{}", t.text());
    t.send("x");
    t.wait_for("Who presides over the Lok Sabhā?");
    t.send(" ");
    t.wait_for("The Speaker");
    t.send("q");
    assert_eq!(t.finish(), 0, "{}", t.text());
    // The key that closed the info did nothing else: nothing was answered.
    assert!(env.reviews().is_empty());
}

#[test]
fn an_undone_answer_is_not_in_the_cards_history() {
    let env = env_with_deck();
    // Good on the first card, undo it at the second, then Again on it.
    let out = env.quiz(&["--deck", "polity", "--limit", "2"], "\n3\nu\n\n1\nq\n");
    assert!(out.contains("Undone: polity/speaker"), "{out}");
    let out = env
        .cmd(&["card", "polity/speaker", "--json"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let grades: Vec<&str> = v["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["grade"].as_str().unwrap())
        .collect();
    assert_eq!(grades, ["again"], "{v}");
}
