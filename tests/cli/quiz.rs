//! The plain quiz end to end: answers are kept, scheduled and durable.

use std::io::{BufRead, BufReader, Write};

use crate::env::{Env, basic_deck, positional};

/// Input that answers each of `n` basic cards Good.
fn all_good(n: usize) -> String {
    "\n3\n".repeat(n)
}

#[test]
fn a_plain_quiz_answers_and_keeps_every_card() {
    let env = Env::new();
    env.write_deck("t.toml", &basic_deck(3));
    let out = env.quiz(&["--deck", "t"], &all_good(3));
    assert!(out.contains("Question 0?"), "{out}");
    assert!(out.contains("Answer: Answer 2"), "{out}");
    assert!(out.contains("3 answered (3 new)"), "{out}");
    let reviews = env.reviews();
    assert_eq!(reviews.len(), 3);
    assert!(reviews.iter().any(|r| r.contains("\tt/c1\t3\t")));
}

#[test]
fn cards_answered_good_are_not_asked_again_the_same_day_but_are_due_a_month_later() {
    let mut env = Env::new();
    env.write_deck("t.toml", &basic_deck(2));
    env.quiz(&["--deck", "t"], &all_good(2));
    let again = env.quiz(&["--deck", "t"], &all_good(2));
    assert!(again.contains("Nothing is due today"), "{again}");
    assert!(!again.contains("Question 0?"));

    env.now = "2026-12-24T10:00:00Z".to_owned();
    let later = env.quiz(&["--deck", "t"], &all_good(2));
    assert!(
        later.contains("Question 0?") && later.contains("Question 1?"),
        "{later}"
    );
    assert_eq!(env.reviews().len(), 4);
}

#[test]
fn a_failed_card_comes_back_in_the_same_session() {
    let env = Env::new();
    env.write_deck("t.toml", &basic_deck(2));
    let out = env.quiz(&["--deck", "t"], "\n1\n\n3\n\n3\n");
    assert_eq!(out.matches("Question 0?").count(), 2, "{out}");
    let reviews = env.reviews();
    assert_eq!(reviews.len(), 3);
    assert!(reviews[0].contains("\tt/c0\t1\t") && reviews[2].contains("\tt/c0\t3\t"));
}

#[test]
fn the_new_card_limit_holds_across_sessions_in_a_day() {
    let env = Env::new();
    env.write_config("new_per_day = 2\n");
    env.write_deck("t.toml", &basic_deck(5));
    env.quiz(&["--deck", "t"], &all_good(5));
    assert_eq!(env.reviews().len(), 2);
    let second = env.quiz(&["--deck", "t"], &all_good(5));
    assert!(second.contains("Nothing is due today"), "{second}");
    env.quiz(&["--deck", "t", "--new", "1"], &all_good(5));
    assert_eq!(env.reviews().len(), 3);
}

#[test]
fn filters_limit_and_tags_narrow_the_session() {
    let env = Env::new();
    env.write_deck("t.toml", &basic_deck(6));
    let out = env.quiz(
        &["--deck", "t", "--tag", "odd", "--limit", "2"],
        &all_good(6),
    );
    assert!(
        out.contains("Question 1?") && out.contains("Question 3?"),
        "{out}"
    );
    assert!(
        !out.contains("Question 0?") && !out.contains("Question 5?"),
        "{out}"
    );
    let mains_only = env.quiz(&["--exam", "mains", "--limit", "1"], "\n3\n");
    assert!(mains_only.contains("mains"), "{mains_only}");
    assert!(!mains_only.contains("Question"), "{mains_only}");
}

#[test]
fn skip_undo_and_quit_in_plain_mode() {
    let env = Env::new();
    env.write_deck("t.toml", &basic_deck(3));
    // Skip c0, answer c1 Again, undo it, answer it Good, quit at c2.
    let out = env.quiz(&["--deck", "t"], "s\n\n1\nu\n\n3\nq\n");
    assert!(out.contains("Skipped."), "{out}");
    assert!(out.contains("Undone: t/c1"), "{out}");
    let journal = std::fs::read_to_string(env.journal_path()).unwrap();
    let kinds: Vec<&str> = journal.lines().skip(1).map(|l| &l[..1]).collect();
    assert_eq!(kinds, ["r", "u", "r"]);
    assert!(positional(journal.lines().last().unwrap()).contains("\tt/c1\t3\t"));
    // c0 (skipped) and c2 (quit) are still new: a second session offers them.
    let next = env.quiz(&["--deck", "t"], "q\n");
    assert!(next.contains("Question 0?"), "{next}");
}

#[test]
fn end_of_input_quits_with_progress_kept() {
    let env = Env::new();
    env.write_deck("t.toml", &basic_deck(3));
    let out = env.quiz(&["--deck", "t"], "\n3\n\n");
    assert!(out.contains("1 answered"), "{out}");
    assert_eq!(env.reviews().len(), 1);
}

#[test]
fn mcq_typed_and_cloze_cards_in_plain_mode() {
    let env = Env::new();
    env.write_deck(
        "k.toml",
        r#"[deck]
id = "k"
exam = "prelims"

[[card]]
id = "typed"
kind = "typed"
q = "Expand LEMOA."
a = "Logistics Exchange Memorandum of Agreement"
accept = ["LEMOA"]
source = "s"

[[card]]
id = "mcq"
kind = "mcq"
q = "Which pact came first?"
a = "LEMOA"
distractors = ["COMCASA", "BECA"]
source = "s"

[[card]]
id = "gaps"
kind = "cloze"
text = "{{LEMOA}} then {{COMCASA}}"
source = "s"
"#,
    );
    let out = env.quiz(
        &["--deck", "k"],
        "logistics exchange memorandum of agreement.\n",
    );
    assert!(
        out.contains("✓ Correct: Logistics Exchange Memorandum of Agreement"),
        "{out}"
    );

    // The mcq is next. With a fixed seed the layout repeats, so look, then answer.
    let look = env.quiz(&["--deck", "k"], "q\n");
    let letter = look
        .lines()
        .find_map(|l| l.trim().strip_suffix(") LEMOA"))
        .expect("LEMOA among the options");
    let options = look
        .lines()
        .filter(|l| l.starts_with("  ") && l.get(3..5) == Some(") "))
        .count();
    assert_eq!(options, 3, "three options: {look}");
    let out = env.quiz(&["--deck", "k"], &format!("{letter}\n"));
    assert!(out.contains("✓ Correct"), "{out}");

    // Two cloze gaps are two cards; each shows its own blank.
    let out = env.quiz(&["--deck", "k"], "\n3\n\n4\n");
    assert!(out.contains("[…] then COMCASA"), "{out}");
    assert!(out.contains("LEMOA then […]"), "{out}");
    let keys: Vec<String> = env
        .reviews()
        .iter()
        .map(|r| r.split('\t').nth(2).unwrap().to_owned())
        .collect();
    assert_eq!(keys, ["k/typed", "k/mcq", "k/gaps#1", "k/gaps#2"]);
}

#[test]
fn a_wrong_typed_verdict_can_be_overruled() {
    let env = Env::new();
    env.write_deck(
        "k.toml",
        "[deck]\nid = \"k\"\nexam = \"prelims\"\n[[card]]\nid = \"t\"\nkind = \"typed\"\nq = \"Expand BECA.\"\na = \"Basic Exchange and Cooperation Agreement\"\nsource = \"s\"\n",
    );
    let out = env.quiz(
        &["--deck", "k"],
        "basic exchange & co-operation agreement\n!\n",
    );
    assert!(out.contains("✗ Not quite"), "{out}");
    assert!(out.contains("Overruled"), "{out}");
    let journal = std::fs::read_to_string(env.journal_path()).unwrap();
    let last = positional(journal.lines().last().unwrap());
    assert!(
        last.starts_with("r\t") && last.contains("\tk/t\t3\t"),
        "{journal}"
    );
}

#[test]
fn a_bang_with_nothing_to_overrule_is_an_error_that_keeps_the_card_at_its_step() {
    let env = Env::new();
    env.write_deck("t.toml", &basic_deck(2));
    // At the grade prompt of a basic card: `!` is refused and the grade is asked again.
    let out = env.quiz(&["--deck", "t"], "\n!\n4\n\n3\n");
    assert!(
        out.contains("Only a typed answer judged wrong can be overruled."),
        "{out}"
    );
    assert_eq!(out.matches("Question 0?").count(), 1, "{out}");
    let grades: Vec<String> = env
        .reviews()
        .iter()
        .map(|r| r.split('\t').skip(2).take(2).collect::<Vec<_>>().join(" "))
        .collect();
    assert_eq!(grades, ["t/c0 4", "t/c1 3"], "the script stays in step");
}

#[test]
fn a_typed_answer_is_overruled_from_the_next_cards_grade_prompt() {
    let env = Env::new();
    env.write_deck(
        "k.toml",
        "[deck]\nid = \"k\"\nexam = \"prelims\"\n[[card]]\nid = \"t\"\nkind = \"typed\"\nq = \"Expand BECA.\"\na = \"Basic Exchange and Cooperation Agreement\"\nsource = \"s\"\n[[card]]\nid = \"b\"\nq = \"Basic?\"\na = \"yes\"\nsource = \"s\"\n",
    );
    let out = env.quiz(&["--deck", "k"], "beca pact\n\n!\n4\n");
    assert!(out.contains("Overruled"), "{out}");
    assert_eq!(out.matches("Basic?").count(), 1, "{out}");
    let grades: Vec<String> = env
        .reviews()
        .iter()
        .map(|r| r.split('\t').skip(2).take(2).collect::<Vec<_>>().join(" "))
        .collect();
    assert_eq!(grades, ["k/t 1", "k/t 3", "k/b 4"]);
}

#[test]
fn a_killed_session_keeps_every_answer_given_before_the_kill() {
    let env = Env::new();
    env.write_deck("t.toml", &basic_deck(5));
    let mut child = env.spawn(&["quiz", "--plain", "--deck", "t"]);
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    // Answer two cards; wait until the third card is on screen (the second answer is then durable).
    stdin.write_all(b"\n3\n\n3\n").unwrap();
    stdin.flush().unwrap();
    while stdout.read_line(&mut line).unwrap() > 0 {
        if line.contains("── 3/") {
            break;
        }
        line.clear();
    }
    child.kill().unwrap(); // SIGKILL: no chance to clean up
    child.wait().unwrap();
    let reviews = env.reviews();
    assert_eq!(reviews.len(), 2, "{reviews:?}");
    // The next session starts cleanly from the kept state.
    let out = env.quiz(&["--deck", "t"], &all_good(3));
    assert!(
        out.contains("Question 2?") && !out.contains("Question 0?"),
        "{out}"
    );
    assert_eq!(env.reviews().len(), 5);
}

#[test]
fn a_second_session_at_once_is_refused_with_a_clear_message() {
    let env = Env::new();
    env.write_deck("t.toml", &basic_deck(2));
    let mut first = env.spawn(&["quiz", "--plain", "--deck", "t"]);
    let mut stdout = BufReader::new(first.stdout.take().unwrap());
    let mut line = String::new();
    while stdout.read_line(&mut line).unwrap() > 0 && !line.contains("Question") {
        line.clear();
    }
    let err = env.fails(&["quiz", "--plain", "--deck", "t"], "\n3\n");
    assert!(err.contains("another smriti session is using"), "{err}");
    drop(first.stdin.take());
    first.wait().unwrap();
    assert_eq!(env.reviews().len(), 0, "the refused session wrote nothing");
}

#[test]
fn a_damaged_state_file_is_never_overwritten() {
    let env = Env::new();
    env.write_deck("t.toml", &basic_deck(2));
    env.quiz(&["--deck", "t"], &all_good(1));
    let path = env.journal_path();
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str("r\tgarbage\n");
    text.push_str(&env.reviews()[0]);
    text.push('\n');
    std::fs::write(&path, &text).unwrap();
    let err = env.fails(&["quiz", "--plain", "--deck", "t"], "\n3\n");
    assert!(
        err.contains("test.tsv:3: the state file is damaged"),
        "{err}"
    );
    assert!(err.contains("backup"), "{err}");
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        text,
        "left as it was"
    );
}

#[test]
fn a_state_file_from_a_newer_version_is_refused() {
    let env = Env::new();
    std::fs::create_dir_all(env.path().join("state")).unwrap();
    std::fs::write(env.journal_path(), "# smriti journal v9\n").unwrap();
    let err = env.fails(&["quiz", "--plain"], "");
    assert!(
        err.contains("written by a newer smriti (format v9"),
        "{err}"
    );
    assert!(
        err.contains("There is no backup that reads clean."),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(env.journal_path()).unwrap(),
        "# smriti journal v9\n"
    );
}

#[test]
fn a_line_torn_by_a_crash_is_dropped_and_the_rest_kept() {
    let env = Env::new();
    env.write_deck("t.toml", &basic_deck(3));
    env.quiz(&["--deck", "t"], &all_good(1));
    let path = env.journal_path();
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str("r\t17955");
    std::fs::write(&path, &text).unwrap();
    env.quiz(&["--deck", "t"], &all_good(1));
    let reviews = env.reviews();
    assert_eq!(reviews.len(), 2, "{reviews:?}");
    assert!(reviews[1].contains("\tt/c1\t"), "{reviews:?}");
}

#[test]
fn an_unknown_tag_is_an_error_that_lists_the_tags() {
    let env = Env::new();
    env.write_deck("t.toml", &basic_deck(2));
    for args in [
        &["quiz", "--plain", "--tag", "evn"][..],
        &["stats", "--tag", "evn"],
    ] {
        let err = env.fails(args, "");
        assert!(
            err.contains("no card has the tag `evn`") && err.contains("even"),
            "{err}"
        );
    }
}
