//! The interval previews on the full screen's grade keys, through a real pseudo-terminal:
//! with an exam ahead, the wait each grade leads to as the exam goals sized to the deck set
//! it; and none on a mock paper, which is graded only when it is handed in.

use crate::env::{Env, basic_deck};
use crate::pty::Term;

/// An exam ahead of `NOW` (2026-11-24), far enough that a first answer's wait is an ordinary
/// review well before it.
const EXAM: &str = "[exams]\nprelims = 2027-11-20\n";

/// Cards enough that at one new card a day (levelled to three reviews a day) the run-up
/// cannot give each a final review near the exam: its target is sized down, and with it the
/// retention its ordinary reviews aim for (`Scheduler::exam_target`, `exam_retention`).
const CARDS: usize = 400;

/// The grade keys' previews for the first card of a `CARDS`-card deck, once revealed, as
/// the screen shows them ("10m", "2d", ...), with `config`.
fn previews(config: &str) -> [String; 4] {
    let env = Env::new();
    env.write_deck("t.toml", &basic_deck(CARDS));
    env.write_config(config);
    let mut t = Term::start(&env, &["quiz", "--deck", "t"], &[], 100, 24);
    let keys = &t.reveal_keys("Question 0?", "Answer 0");
    let preview = |grade: &str| {
        let at = keys.find(&format!(" {grade} ")).expect(keys) + grade.len() + 2;
        label(&keys[at..])
    };
    let shown = ["again", "hard", "good", "easy"].map(preview);
    t.send("q");
    assert_eq!(t.finish(), 0, "{}", t.text());
    shown
}

/// The interval label `s` starts with, as `interval_label` writes them: "<1d", "10m", "3d",
/// "1.5mo", "2.1y".
fn label(s: &str) -> String {
    let number = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '<'))
        .unwrap_or(s.len());
    let unit = ["mo", "m", "d", "y"]
        .into_iter()
        .find(|u| s[number..].starts_with(u))
        .unwrap_or("");
    s[..number + unit.len()].to_owned()
}

/// Whole days of a preview such as "12d"; `None` for minutes.
fn days(preview: &str) -> Option<u32> {
    preview.strip_suffix('d')?.parse().ok()
}

#[test]
fn with_an_exam_ahead_the_previews_are_the_waits_the_sized_exam_goal_gives() {
    let config = "new_per_day = 1\n";
    let plain = previews(config);
    let sized = previews(&format!("{config}{EXAM}"));
    // Unsized, the exam's goal keeps ordinary reviews at the user's retention: a first answer
    // (whose next review is long before the exam) waits as plain FSRS has it. Sized to a deck
    // the run-up cannot hold, ordinary reviews aim lower and so come later.
    assert_eq!(sized[0], plain[0], "again is a learning step either way");
    for g in [2, 3] {
        let (p, s) = (days(&plain[g]), days(&sized[g]));
        assert!(
            p.zip(s).is_some_and(|(p, s)| s > p),
            "grade {}: sized {sized:?}, plain {plain:?}",
            g + 1
        );
    }
}

#[test]
fn a_mock_paper_shows_no_interval_previews_even_with_an_exam_ahead() {
    let env = Env::new();
    let mut deck = String::from("[deck]\nid = \"m\"\nname = \"Mock\"\nexam = \"prelims\"\n");
    for (id, q, a) in [("a", "COMCASA", "2018"), ("b", "BECA", "2020")] {
        deck.push_str(&format!(
            "\n[[card]]\nid = \"{id}\"\nkind = \"mcq\"\nq = \"{q} signed in?\"\na = \"{a}\"\noptions = [\"2016\", \"2018\", \"2020\", \"2002\"]\nsource = \"s\"\n"
        ));
    }
    env.write_deck("m.toml", &deck);
    env.write_config(&format!("new_per_day = 1\n{EXAM}"));
    let mut t = Term::start(&env, &["quiz", "--deck", "m", "--mock", "2"], &[], 100, 24);
    t.wait_for("Mock Q 1/2");
    t.wait_for("g mark guess");
    // An answer picked: the next question's screen, like the first, shows the paper's keys
    // and no grade or the wait it would give (the paper is graded when it is handed in).
    t.send("a");
    t.wait_for("Mock Q 2/2");
    t.wait_for("Q1: answered a");
    t.wait_for("g mark guess");
    let paper = t.text();
    assert!(paper.contains("a–d answer"), "{paper}");
    for grade in ["again", "hard", "good", "easy", "next review"] {
        assert!(!paper.contains(grade), "{grade:?} on the paper:\n{paper}");
    }
    t.send("q");
    t.wait_for("Hand in the paper?");
    t.send("\r");
    t.wait_for("1 blank of 2)");
    assert_eq!(t.finish(), 0, "{}", t.text());
}
