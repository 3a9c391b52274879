//! The full-screen quiz through a real pseudo-terminal: keys in, screen out, answers saved,
//! and the terminal given back on quit, Ctrl-C and panic.

use crate::env::{Env, basic_deck};
use crate::pty::{LEAVE_ALTERNATE_SCREEN, SHOW_CURSOR, Term};

#[test]
fn cards_are_answered_by_keys_and_saved_and_the_terminal_is_restored() {
    let env = Env::new();
    env.write_deck("t.toml", &basic_deck(3));
    let mut t = Term::start(&env, &["quiz", "--deck", "t"], &[], 80, 24);
    let cooked = t.local_flags();
    t.wait_for("Question 0?");
    t.wait_for("space reveal");
    t.send(" ");
    t.wait_for("Answer 0");
    t.wait_for("3 good 2d");
    t.send("3");
    t.wait_for("Question 1?");
    t.wait_for("good · next review in 2 days");
    t.send(" ");
    t.wait_for("Answer 1");
    t.send("1");
    t.wait_for("Question 2?");
    t.wait_for("again · again in 10 minutes");
    t.send("q");
    t.wait_for("2 answered (2 new)");
    assert_eq!(t.finish(), 0, "{}", t.text());

    let raw = t.raw_text();
    assert!(raw.contains(LEAVE_ALTERNATE_SCREEN) && raw.contains(SHOW_CURSOR));
    assert_eq!(t.local_flags(), cooked, "raw mode was left on");
    let reviews = env.reviews();
    assert_eq!(reviews.len(), 2, "{reviews:?}");
    assert!(reviews[0].contains("\tt/c0\t3\t"), "{reviews:?}");
    assert!(reviews[1].contains("\tt/c1\t1\t"), "{reviews:?}");
}

#[test]
fn undo_takes_back_the_last_answer_in_the_state_file() {
    let env = Env::new();
    env.write_deck("t.toml", &basic_deck(2));
    let mut t = Term::start(&env, &["quiz", "--deck", "t"], &[], 80, 24);
    t.wait_for("Question 0?");
    t.send(" ");
    t.wait_for("Answer 0");
    t.send("4");
    t.wait_for("Question 1?");
    t.send("u");
    t.wait_for("Question 0?");
    t.wait_for("Undone");
    t.send(" ");
    t.wait_for("Answer 0");
    t.send("2");
    t.wait_for("Question 1?");
    t.send("q");
    assert_eq!(t.finish(), 0, "{}", t.text());
    let journal = std::fs::read_to_string(env.journal_path()).unwrap();
    let kinds: Vec<&str> = journal
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| l.split('\t').next().unwrap_or(""))
        .collect();
    assert_eq!(kinds, ["r", "u", "r"], "{journal}");
    assert!(env.reviews()[1].contains("\tt/c0\t2\t"));
}

#[test]
fn a_changed_grade_in_cram_says_the_schedule_is_unchanged() {
    let env = Env::new();
    env.write_deck(
        "k.toml",
        "[deck]\nid = \"k\"\nexam = \"prelims\"\n\n[[card]]\nid = \"mcq\"\nkind = \"mcq\"\n\
         q = \"COMCASA was signed in\"\na = \"2018\"\noptions = [\"2016\", \"2018\"]\nsource = \"s\"\n",
    );
    let mut t = Term::start(&env, &["quiz", "--cram", "--deck", "k"], &[], 80, 24);
    t.wait_for("COMCASA was signed in");
    t.wait_for("q quit");
    let screen = t.text();
    let letter = ["a", "b"]
        .into_iter()
        .rfind(|l| screen.contains(&format!("{l}) 2018")))
        .expect("2018 among the options");
    t.send(letter);
    t.wait_for("cram: the schedule is unchanged");
    t.send("2");
    t.wait_for("hard (changed) · cram: the schedule is unchanged");
    t.send("q");
    assert_eq!(t.finish(), 0, "{}", t.text());
    assert!(env.reviews().is_empty());
}

#[test]
fn every_kind_is_studied_with_the_keyboard() {
    let env = Env::new();
    env.write_deck(
        "k.toml",
        r#"[deck]
id = "k"
name = "Kinds"
exam = "prelims"

[[card]]
id = "typed"
kind = "typed"
q = "Expand LEMOA"
a = "Logistics Exchange Memorandum of Agreement"
accept = ["LEMOA"]
source = "s"

[[card]]
id = "mcq"
kind = "mcq"
q = "COMCASA was signed in"
a = "2018"
options = ["2016", "2018", "2020", "2002"]
source = "s"

[[card]]
id = "cloze"
kind = "cloze"
text = "BECA was signed in {{2020}}."
source = "s"

[[card]]
id = "mains"
kind = "mains"
q = "Discuss the 2+2 dialogue."
year = 2019
word_limit = 150
points = ["Ministers of both portfolios", "Foundational pacts", "Indo-Pacific"]
source = "s"
"#,
    );
    let mut t = Term::start(&env, &["quiz", "--deck", "k"], &[], 80, 24);
    t.wait_for("Expand LEMOA");
    t.send("beca\r");
    t.wait_for("Not quite");
    t.wait_for("Logistics Exchange Memorandum of Agreement");
    t.send("o");
    t.wait_for("Overruled");
    t.send(" ");
    t.wait_for("COMCASA was signed in");
    // Pick by letter: find which letter 2018 got after the shuffle.
    t.wait_for("q quit");
    let screen = t.text();
    let letter = ["a", "b", "c", "d"]
        .into_iter()
        .rfind(|l| screen.contains(&format!("{l}) 2018")))
        .expect("2018 among the options");
    t.send(letter);
    t.wait_for("✓");
    // A right answer proposes Good, or Easy when given at once; the grade keys change it.
    t.wait_for("4 easy");
    t.send("2");
    t.wait_for("hard (changed)");
    t.send("4");
    t.wait_for("easy (changed)");
    t.send(" ");
    t.wait_for("BECA was signed in […].");
    t.send(" ");
    t.wait_for("BECA was signed in [2020].");
    t.send("3");
    t.wait_for("Discuss the 2+2 dialogue.");
    t.wait_for("UPSC 2019 · 150 words · 3 key points");
    t.send(" ");
    t.wait_for("[ ] Foundational pacts");
    t.send("  ");
    t.wait_for("Recalled 2/3 → good");
    t.send("\r");
    // The end screen still takes u; any other key ends the session.
    t.wait_for("u: undo the last answer");
    t.send("q");
    t.wait_for("4 answered");
    assert_eq!(t.finish(), 0, "{}", t.text());
    let grades: Vec<String> = env
        .reviews()
        .iter()
        .map(|r| r.split('\t').skip(2).take(2).collect::<Vec<_>>().join(" "))
        .collect();
    // Each change of grade is an undo and a new answer; the mcq's first grade depends on how
    // fast the answer came (Good or Easy), its last is the one chosen.
    let mut last: Vec<&String> = Vec::new();
    for g in &grades {
        let key = g.split(' ').next();
        last.retain(|l| l.split(' ').next() != key);
        last.push(g);
    }
    assert_eq!(
        last,
        ["k/typed 3", "k/mcq 4", "k/cloze#1 3", "k/mains 3"],
        "{grades:?}"
    );
    assert_eq!(
        grades[..2],
        ["k/typed 1", "k/typed 3"],
        "the overruled answer is undone and redone as good"
    );
}

#[test]
fn ctrl_c_keeps_progress_and_exits_130() {
    let env = Env::new();
    env.write_deck("t.toml", &basic_deck(3));
    let mut t = Term::start(&env, &["quiz", "--deck", "t"], &[], 40, 12);
    t.wait_for("Question 0?");
    t.send(" ");
    t.send("3");
    t.wait_for("Question 1?");
    t.send("\u{3}");
    assert_eq!(t.finish(), 130, "{}", t.text());
    assert!(t.raw_text().contains(LEAVE_ALTERNATE_SCREEN));
    assert_eq!(env.reviews().len(), 1);
}

/// A dropped SSH connection or a closed window: smriti must end, not spin holding the lock.
#[test]
fn a_hung_up_terminal_ends_the_session_with_answers_kept_and_the_lock_freed() {
    let env = Env::new();
    env.write_deck("t.toml", &basic_deck(3));
    let mut t = Term::start(&env, &["quiz", "--deck", "t"], &[], 80, 24);
    t.wait_for("Question 0?");
    t.send(" ");
    t.send("3");
    t.wait_for("Question 1?");
    assert!(
        t.hang_up().is_some(),
        "smriti kept running after its terminal went away"
    );
    assert_eq!(env.reviews().len(), 1);
    // The lock went with the process: a new session can start at once.
    let out = env.quiz(&["--deck", "t"], "q\n");
    assert!(out.contains("Question 1?"), "{out}");
}

#[cfg(debug_assertions)]
#[test]
fn a_panic_in_the_front_end_leaves_the_terminal_restored() {
    let env = Env::new();
    env.write_deck("t.toml", &basic_deck(1));
    let mut t = Term::start(
        &env,
        &["quiz", "--deck", "t"],
        &[("SMRITI_TEST_PANIC", "1")],
        80,
        24,
    );
    let cooked = t.local_flags();
    t.wait_for("Question 0?");
    t.wait_for("panicking inside the terminal front end");
    let code = t.finish();
    assert_ne!(code, 0);
    let raw = t.raw_text();
    let restored = raw
        .find(LEAVE_ALTERNATE_SCREEN)
        .expect("left the alternate screen");
    let message = raw.find("SMRITI_TEST_PANIC").expect("the panic message");
    assert!(
        restored < message,
        "the message is printed on the normal screen"
    );
    assert!(raw.contains(SHOW_CURSOR));
    assert_eq!(t.local_flags(), cooked, "raw mode was left on");
}

#[test]
fn a_mock_paper_runs_against_the_clock_in_the_terminal() {
    let env = Env::new();
    env.write_deck(
        "m.toml",
        "[deck]\nid = \"m\"\nname = \"Mock\"\nexam = \"prelims\"\n\n[[card]]\nid = \"a\"\nkind = \"mcq\"\nq = \"COMCASA signed in?\"\na = \"2018\"\noptions = [\"2016\", \"2018\", \"2020\", \"2002\"]\nsource = \"s\"\n\n[[card]]\nid = \"b\"\nkind = \"mcq\"\nq = \"BECA signed in?\"\na = \"2020\"\noptions = [\"2016\", \"2018\", \"2020\", \"2002\"]\nsource = \"s\"\n",
    );
    let mut t = Term::start(&env, &["quiz", "--deck", "m", "--mock", "2"], &[], 80, 24);
    t.wait_for("Mock Q 1/2");
    t.wait_for("2:24 left");
    t.wait_for("q hand in");
    let screen = t.text();
    let (first, answer) = if screen.contains("BECA signed in?") {
        ("m/b", "2020")
    } else {
        ("m/a", "2018")
    };
    let right = ["a", "b", "c", "d"]
        .into_iter()
        .find(|l| screen.contains(&format!("{l}) {answer}")))
        .expect("the answer among the options");
    t.send("s");
    t.wait_for("Mock Q 2/2");
    t.wait_for("Q1: left blank");
    t.send("a");
    // After the last question it asks before handing in; no goes back to it.
    t.wait_for("Hand in the paper?");
    t.wait_for("Left blank: Q1");
    t.send("n");
    t.wait_for("← your answer");
    // Back to the first question, answered now; then the second taken back to blank.
    t.send("p");
    t.wait_for("Mock Q 1/2");
    t.send(right);
    t.wait_for("Mock Q 2/2");
    t.send("s");
    t.wait_for("Left blank: Q2");
    t.send("q");
    t.wait_for("+2.00 / +4.00 marks (1 right, 0 wrong, 1 blank of 2)");
    t.wait_for("Left blank:");
    assert_eq!(t.finish(), 0, "{}", t.text());
    let reviews = env.reviews();
    assert_eq!(reviews.len(), 1, "{reviews:?}");
    assert!(
        reviews[0].contains(&format!("\t{first}\t3\t")),
        "{reviews:?}"
    );
}

#[test]
fn q_in_a_mock_paper_asks_before_handing_in() {
    let env = Env::new();
    env.write_deck(
        "m.toml",
        "[deck]\nid = \"m\"\nname = \"Mock\"\nexam = \"prelims\"\n\n[[card]]\nid = \"a\"\nkind = \"mcq\"\nq = \"COMCASA signed in?\"\na = \"2018\"\noptions = [\"2016\", \"2018\", \"2020\", \"2002\"]\nsource = \"s\"\n",
    );
    let mut t = Term::start(&env, &["quiz", "--deck", "m", "--mock", "1"], &[], 80, 24);
    t.wait_for("Mock Q 1/1");
    t.send("q");
    t.wait_for("Hand in the paper?");
    t.wait_for("0 of 1 answered.");
    t.send("n");
    t.wait_for("COMCASA signed in?");
    t.send("q");
    t.wait_for("Hand in the paper?");
    t.send("\r");
    t.wait_for("0.00 / +2.00 marks (0 right, 0 wrong, 1 blank of 1)");
    assert_eq!(t.finish(), 0, "{}", t.text());
}
