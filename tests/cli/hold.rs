//! Suspend, bury and reset (`smriti suspend|unsuspend|reset`, `@` and `=` in the quiz), and
//! undo after the last card and across sessions: each through the real binary, each run a
//! restart that reads the journal (and the snapshot) back.

use std::fs;

use crate::env::{Env, basic_deck};
use crate::pty::Term;

/// The `decks` row of deck `t`: (cards, new, due, held).
fn deck_counts(env: &Env, deck: &str) -> (u32, u32, u32, u32) {
    let out = env.cmd(&["decks"]).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let row = text
        .lines()
        .find(|l| l.split_whitespace().next() == Some(deck))
        .unwrap_or_else(|| panic!("no row for {deck}:\n{text}"));
    let n: Vec<u32> = row
        .split_whitespace()
        .skip(2)
        .take(4)
        .map(|f| f.parse().unwrap())
        .collect();
    (n[0], n[1], n[2], n[3])
}

fn stdout(env: &Env, args: &[&str]) -> String {
    let out = env.cmd(args).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn journal_kinds(env: &Env) -> Vec<String> {
    fs::read_to_string(env.journal_path())
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| l.split('\t').next().unwrap().to_owned())
        .collect()
}

/// A journal line's field by position (v2: 0 kind, 1 id, 3 key, 4 undone id, 15 hold).
fn field(line: &str, i: usize) -> String {
    line.split('\t').nth(i).unwrap().to_owned()
}

fn last_lines(env: &Env, n: usize) -> Vec<String> {
    let text = fs::read_to_string(env.journal_path()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len() - n..]
        .iter()
        .map(|l| l.to_string())
        .collect()
}

/// Answers every card of a plain session Good (reveal, grade), up to `n` cards, then quits.
fn answer_good(n: usize) -> String {
    let mut input = "\n3\n".repeat(n);
    input.push_str("q\n");
    input
}

#[test]
fn suspended_cards_leave_quiz_and_decks_until_unsuspended_across_restarts() {
    let env = Env::new();
    env.write_deck("t.toml", &basic_deck(4));
    assert_eq!(stdout(&env, &["suspend", "t/c0"]), "Suspended 1 card.\n");
    assert_eq!(deck_counts(&env, "t"), (4, 3, 0, 1));
    let quiz = env.quiz(&["--deck", "t"], &answer_good(3));
    assert!(!quiz.contains("Question 0?"), "{quiz}");
    assert!(quiz.contains("Question 1?") && quiz.contains("Question 3?"));
    // Read back from the snapshot the quiz wrote, and from a full replay without it.
    assert_eq!(deck_counts(&env, "t"), (4, 0, 0, 1));
    fs::remove_file(env.path().join("state").join("snapshot.bin")).unwrap();
    assert_eq!(deck_counts(&env, "t"), (4, 0, 0, 1));

    // The tag selector counts what it changed and what already was so.
    assert_eq!(
        stdout(&env, &["suspend", "--tag", "even"]),
        "Suspended 1 card (1 was already suspended).\n"
    );
    let info: serde_json::Value =
        serde_json::from_str(&stdout(&env, &["card", "t/c2", "--json"])).unwrap();
    assert_eq!(info["held"], "suspended", "{info}");
    assert!(
        stdout(&env, &["card", "t/c1"])
            .lines()
            .all(|l| !l.starts_with("held"))
    );
    let stats = stdout(&env, &["stats", "--deck", "t", "--json"]);
    let stats: serde_json::Value = serde_json::from_str(&stats).unwrap();
    assert_eq!(stats["counts"]["suspended"], 2, "{stats}");
    assert_eq!(
        stdout(&env, &["unsuspend", "t/c0", "t/c1"]),
        "Unsuspended 1 card (1 was not suspended).\n"
    );
    assert_eq!(deck_counts(&env, "t"), (4, 1, 0, 1));
    let quiz = env.quiz(&["--deck", "t"], &answer_good(1));
    assert!(quiz.contains("Question 0?"), "{quiz}");
}

#[test]
fn an_unknown_key_changes_nothing_and_a_selector_is_required() {
    let env = Env::new();
    env.write_deck("t.toml", &basic_deck(2));
    let err = env.fails(&["suspend", "t/c0", "t/c9"], "");
    assert!(err.contains("no card has the key `t/c9`"), "{err}");
    assert!(err.contains("nothing was changed"), "{err}");
    assert!(!env.journal_path().exists() || journal_kinds(&env).is_empty());
    let err = env.fails(&["unsuspend"], "");
    assert!(err.contains("--deck or --tag"), "{err}");
}

#[test]
fn reset_forgets_the_schedule_keeps_the_answers_and_asks_first() {
    let env = Env::new();
    env.write_deck("t.toml", &basic_deck(2));
    env.quiz(&["--deck", "t"], &answer_good(2));
    assert_eq!(deck_counts(&env, "t"), (2, 0, 0, 0));
    let before = fs::read(env.journal_path()).unwrap();

    // No terminal to ask on, no --yes: refused, nothing written.
    let err = env.fails(&["reset", "t/c0"], "y\n");
    assert!(
        err.contains("--yes") && err.contains("not a terminal"),
        "{err}"
    );
    assert_eq!(fs::read(env.journal_path()).unwrap(), before);

    assert_eq!(
        stdout(&env, &["reset", "--deck", "t", "--yes"]),
        "Reset 2 cards to new; their answers stay in the history.\n"
    );
    assert_eq!(deck_counts(&env, "t"), (2, 2, 0, 0));
    let info: serde_json::Value =
        serde_json::from_str(&stdout(&env, &["card", "t/c0", "--json"])).unwrap();
    assert!(info["memory"].is_null(), "{info}");
    assert_eq!(info["history"].as_array().unwrap().len(), 1, "{info}");
    assert_eq!(
        stdout(&env, &["reset", "t/c0", "--yes"]),
        "Reset 0 cards to new (1 was new already); their answers stay in the history.\n"
    );
    // Back to new: the quiz teaches them again.
    let quiz = env.quiz(&["--deck", "t"], &answer_good(2));
    assert!(quiz.contains("Question 0?") && quiz.contains("Question 1?"));
}

#[test]
fn reset_in_a_terminal_asks_and_a_no_changes_nothing() {
    let env = Env::new();
    env.write_deck("t.toml", &basic_deck(1));
    env.quiz(&["--deck", "t"], &answer_good(1));
    let mut t = Term::start(&env, &["reset", "t/c0"], &[], 80, 24);
    t.wait_for("Reset 1 card to new?");
    t.send("n\r");
    t.wait_for("Nothing changed.");
    assert_eq!(t.finish(), 1);
    assert_eq!(deck_counts(&env, "t"), (1, 0, 0, 0));
    let mut t = Term::start(&env, &["reset", "t/c0"], &[], 80, 24);
    t.wait_for("[y/N]");
    t.send("y\r");
    t.wait_for("Reset 1 card to new;");
    assert_eq!(t.finish(), 0);
    assert_eq!(deck_counts(&env, "t"), (1, 1, 0, 0));
}

/// A cloze of two gaps (`d/gaps#1`, `d/gaps#2`) between two basic cards.
fn cloze_deck() -> String {
    "[deck]\nid = \"d\"\nname = \"D\"\nexam = \"prelims\"\n\n\
     [[card]]\nid = \"gaps\"\nkind = \"cloze\"\ntext = \"{{Delhi}} hosted the {{2018}} dialogue\"\nsource = \"s\"\n\n\
     [[card]]\nid = \"one\"\nq = \"First basic?\"\na = \"A1\"\nsource = \"s\"\n\n\
     [[card]]\nid = \"two\"\nq = \"Second basic?\"\na = \"A2\"\nsource = \"s\"\n"
        .to_owned()
}

#[test]
fn cloze_siblings_are_not_shown_back_to_back() {
    let env = Env::new();
    env.write_deck("d.toml", &cloze_deck());
    env.write_config("new_order = \"deck\"\n");
    let quiz = env.quiz(&["--deck", "d"], &answer_good(4));
    let order: Vec<&str> = quiz
        .lines()
        .filter_map(|l| l.split_once("Card: ").map(|(_, rest)| rest))
        .map(|l| l.split(' ').next().unwrap())
        .collect();
    assert_eq!(order, ["d/gaps#1", "d/one", "d/gaps#2", "d/two"], "{quiz}");
}

#[test]
fn burying_a_gap_buries_its_siblings_until_the_next_study_day() {
    let mut env = Env::new();
    env.write_deck("d.toml", &cloze_deck());
    env.write_config("new_order = \"deck\"\n");
    let quiz = env.quiz(&["--deck", "d"], &format!("=\n{}", answer_good(3)));
    assert!(
        quiz.contains("Buried until the next study day: d/gaps#1 and 1 cloze sibling"),
        "{quiz}"
    );
    assert!(
        !quiz.contains("Card: d/gaps"),
        "a buried gap was shown: {quiz}"
    );
    assert!(quiz.contains("Card: d/one") && quiz.contains("Card: d/two"));
    assert_eq!(deck_counts(&env, "d"), (4, 0, 0, 2));
    let info = stdout(&env, &["card", "d/gaps#2"]);
    assert!(
        info.contains("held     buried until 2026-11-25 04:00"),
        "{info}"
    );
    // Still buried later the same study day (before the 04:00 day start), back after it.
    env.now = "2026-11-25T03:59:00Z".to_owned();
    assert_eq!(deck_counts(&env, "d"), (4, 0, 0, 2));
    env.now = "2026-11-25T04:00:00Z".to_owned();
    assert_eq!(deck_counts(&env, "d"), (4, 2, 0, 0));
    let quiz = env.quiz(&["--deck", "d"], &answer_good(2));
    assert!(quiz.contains("Card: d/gaps#1") && quiz.contains("Card: d/gaps#2"));
}

#[test]
fn a_suspend_in_the_quiz_asks_first_and_undo_takes_it_back() {
    let env = Env::new();
    env.write_deck("t.toml", &basic_deck(2));
    // A "no" keeps the card; a "y" suspends it; u takes the suspend back.
    let quiz = env.quiz(
        &["--deck", "t"],
        &format!("@\nn\n@\ny\nu\n{}", answer_good(2)),
    );
    assert!(quiz.contains("Not suspended."), "{quiz}");
    assert!(quiz.contains("Suspended: t/c0 (u undoes)."), "{quiz}");
    assert!(
        quiz.contains("Undone: the card is no longer suspended."),
        "{quiz}"
    );
    assert_eq!(quiz.matches("Question 0?").count(), 3, "{quiz}");
    assert_eq!(deck_counts(&env, "t"), (2, 0, 0, 0));
    let kinds = journal_kinds(&env);
    assert_eq!(kinds, ["s", "u", "r", "r"], "{kinds:?}");
    let text = fs::read_to_string(env.journal_path()).unwrap();
    let lines: Vec<&str> = text.lines().skip(1).collect();
    assert_eq!(field(lines[0], 15), "s");
    assert_eq!(
        field(lines[1], 4),
        field(lines[0], 1),
        "the undo names the suspend"
    );
    assert_eq!(field(lines[1], 15), "-");
}

#[test]
fn the_next_session_can_undo_the_previous_sessions_last_answer_once() {
    let env = Env::new();
    env.write_deck("t.toml", &basic_deck(3));
    env.quiz(&["--deck", "t"], &answer_good(1));
    let answer = last_lines(&env, 1).remove(0);
    assert_eq!(field(&answer, 3), "t/c0");

    let quiz = env.quiz(&["--deck", "t"], "u\nu\nq\n");
    assert!(
        quiz.contains("u undoes the previous session's last answer (t/c0), once."),
        "{quiz}"
    );
    assert!(
        quiz.contains("Undone: the previous session's last answer (t/c0)."),
        "{quiz}"
    );
    assert!(quiz.contains("Nothing to undo."), "only once: {quiz}");
    // The card is new again and comes back on screen to be answered.
    let undo = last_lines(&env, 1).remove(0);
    assert_eq!(
        (field(&undo, 0), field(&undo, 4)),
        ("u".to_owned(), field(&answer, 1))
    );
    assert_eq!(deck_counts(&env, "t"), (3, 3, 0, 0));
    let after_undo = quiz.split("Undone").nth(1).unwrap();
    assert!(after_undo.contains("Question 0?"), "{quiz}");
    // An undo is not undone by the next session.
    let quiz = env.quiz(&["--deck", "t"], "q\n");
    assert!(!quiz.contains("undoes the previous"), "{quiz}");
}

#[test]
fn a_review_undone_from_the_next_session_returns_to_its_earlier_state() {
    let mut env = Env::new();
    env.write_deck("t.toml", &basic_deck(2));
    env.quiz(&["--deck", "t"], &answer_good(1));
    let first = last_lines(&env, 1).remove(0);
    // Two days on, t/c0 is due before the new t/c1: its second answer ends the session.
    env.now = "2026-11-27T10:00:00Z".to_owned();
    env.quiz(&["--deck", "t"], &answer_good(1));
    assert_eq!(field(&last_lines(&env, 1)[0], 3), "t/c0");
    env.now = "2026-11-27T11:00:00Z".to_owned();
    let quiz = env.quiz(&["--deck", "t"], "u\nq\n");
    assert!(
        quiz.contains("Undone: the previous session's last answer (t/c0)."),
        "{quiz}"
    );
    let undo = last_lines(&env, 1).remove(0);
    // The undo line carries the state the first answer left (fields 7..15).
    let state = |l: &str| l.split('\t').skip(7).take(8).collect::<Vec<_>>().join("\t");
    assert_eq!(field(&undo, 0), "u");
    assert_eq!(state(&undo), state(&first));
}

#[test]
fn the_full_screen_quiz_suspends_buries_and_undoes_at_the_end_and_across_sessions() {
    let env = Env::new();
    env.write_deck("t.toml", &basic_deck(3));
    let mut t = Term::start(&env, &["quiz", "--deck", "t"], &[], 80, 24);
    t.wait_for("Question 0?");
    t.send("@");
    t.wait_for("Suspend this card?");
    t.send("y");
    t.wait_for("Question 1?");
    t.wait_for("Suspended (u undoes).");
    t.send("=");
    t.wait_for("Question 2?");
    t.wait_for("Buried until the next study day (u undoes).");
    t.send(" ");
    t.wait_for("Answer 2");
    t.send("3");
    // The last card answered: the end screen still takes u.
    t.wait_for("u: undo the last answer");
    t.send("u");
    t.wait_for("Question 2?");
    t.send(" ");
    t.wait_for("Answer 2");
    t.send("4");
    t.wait_for("u: undo the last answer");
    t.send("q");
    t.wait_for("1 answered");
    assert_eq!(t.finish(), 0, "{}", t.text());
    assert_eq!(journal_kinds(&env), ["s", "b", "r", "u", "r"]);
    assert_eq!(deck_counts(&env, "t"), (3, 0, 0, 2));

    // Nothing is due, but the next session opens on its end screen to undo the last answer.
    let mut t = Term::start(&env, &["quiz", "--deck", "t"], &[], 80, 24);
    t.wait_for("u undoes the previous session's last answer (t/c2), once.");
    t.send("u");
    t.wait_for("Question 2?");
    t.wait_for("Undone: the previous session's last answer (t/c2).");
    t.send("q");
    assert_eq!(t.finish(), 0, "{}", t.text());
    assert_eq!(deck_counts(&env, "t"), (3, 1, 0, 2));
}

#[test]
fn search_says_which_cards_are_suspended() {
    let env = Env::new();
    env.write_deck("t.toml", &basic_deck(2));
    stdout(&env, &["suspend", "t/c0"]);
    let text = stdout(&env, &["search", "--deck", "t", "Question"]);
    let row = |key: &str| {
        text.lines()
            .find(|l| l.starts_with(key))
            .unwrap_or_else(|| panic!("{text}"))
            .split_whitespace()
            .nth(2)
            .map(str::to_owned)
    };
    assert_eq!(row("t/c0").as_deref(), Some("suspended"));
    assert_eq!(row("t/c1").as_deref(), Some("new"));
    let json: serde_json::Value = serde_json::from_str(&stdout(
        &env,
        &["search", "--json", "--deck", "t", "Question"],
    ))
    .unwrap();
    let held: Vec<&serde_json::Value> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|h| &h["held"])
        .collect();
    assert_eq!(
        held,
        [&serde_json::json!("suspended"), &serde_json::Value::Null]
    );
}
