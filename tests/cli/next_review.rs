//! What the user is told of an answered card's next review, in both front ends of the quiz and
//! in `card` and `search`: with an exam ahead, the day the quiz will actually ask the card
//! again (its exam-serving due date, by the sized exam goals the session was picked by), not
//! the stored plain-FSRS due date (which `--json` still gives as `due`).

use jiff::civil::Date;

use crate::env::{Env, NOW, basic_deck};
use crate::pty::Term;

/// An exam ahead of `NOW` (2026-11-24), far enough that a first answer's wait is an ordinary
/// review well before it.
pub(crate) const EXAM: &str = "[exams]\nprelims = 2027-11-20\n";

/// At one new card a day the run-up cannot give each of these cards a final review near the
/// exam, so its goal is sized down and ordinary reviews aim at a lower retention: they come
/// later than the stored FSRS due (see tests/cli/tui_previews.rs).
pub(crate) const CARDS: usize = 400;

fn exam_env() -> Env {
    let env = Env::new();
    env.write_deck("t.toml", &basic_deck(CARDS));
    env.write_config(&format!("new_per_day = 1\n{EXAM}"));
    env
}

pub(crate) fn today() -> Date {
    // `NOW` is in UTC, as the tests' time zone is.
    NOW[..10].parse().unwrap()
}

/// Days from today to a date field of `key`'s memory in `smriti card --json`: `due` (the
/// stored, plain FSRS one) or `next_review`.
pub(crate) fn card_days(env: &Env, key: &str, field: &str) -> i64 {
    let out = env.cmd(&["card", key, "--json"]).output().unwrap();
    assert!(out.status.success(), "{out:?}");
    let info: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let date: Date = info["memory"][field].as_str().unwrap().parse().unwrap();
    i64::from((date - today()).get_days())
}

fn stored_days(env: &Env, key: &str) -> i64 {
    card_days(env, key, "due")
}

/// The N of "next review in N days" in `text`.
fn next_review_days(text: &str) -> i64 {
    let at = text.find("next review in ").expect(text) + "next review in ".len();
    let rest = &text[at..];
    rest[..rest.find(' ').expect(rest)].parse().expect(rest)
}

/// `NOW` moved on by `days`.
pub(crate) fn days_later(days: i64) -> String {
    let now: jiff::Timestamp = NOW.parse().unwrap();
    (now + jiff::SignedDuration::from_hours(24 * days)).to_string()
}

#[test]
fn with_an_exam_ahead_plain_mode_card_and_search_name_the_day_the_quiz_asks_the_card() {
    let mut env = exam_env();
    let out = env.quiz(&["--deck", "t"], "\n3\n");
    assert!(out.contains("good · next review in "), "{out}");
    let said = next_review_days(&out);
    // The setup is one where the exam-serving day and the stored due date differ.
    let stored = stored_days(&env, "t/c0");
    assert!(said > stored, "said {said} days, stored due in {stored}");
    // `smriti card` names the same day, beside the stored one.
    assert_eq!(card_days(&env, "t/c0", "next_review"), said);
    let text = env.cmd(&["card", "t/c0"]).output().unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(text.contains(" for the exam (plain FSRS: "), "{text}");
    // `search` lists it on that day too, the stored due kept in its JSON `due`.
    let day = today()
        .checked_add(jiff::Span::new().days(said))
        .unwrap()
        .to_string();
    let out = env
        .cmd(&["search", "Question 0?", "--json"])
        .output()
        .unwrap();
    let hits: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let hit = hits.as_array().unwrap().iter().find(|h| h["key"] == "t/c0");
    assert_eq!(hit.unwrap()["next_review"], day.as_str(), "{hits}");
    let out = env.cmd(&["search", "Question 0?"]).output().unwrap();
    let lines = String::from_utf8(out.stdout).unwrap();
    assert!(lines.contains(&format!("t/c0  basic  {day}")), "{lines}");

    // The quiz asks it on the day the line named, and not the day before (`--new 0`: only the
    // cards due then are picked).
    env.now = days_later(said - 1);
    let before = env.quiz(&["--deck", "t", "--new", "0"], "q\n");
    assert!(!before.contains("Question 0?"), "{before}");
    env.now = days_later(said);
    let on = env.quiz(&["--deck", "t", "--new", "0"], "q\n");
    assert!(on.contains("Question 0?"), "{on}");
}

#[test]
fn with_an_exam_ahead_the_full_screens_status_line_agrees_with_its_good_preview() {
    let env = exam_env();
    let mut t = Term::start(&env, &["quiz", "--deck", "t"], &[], 100, 24);
    let keys = t.reveal_keys("Question 0?", "Answer 0");
    let keys = &keys[keys.find("3 good ").expect(&keys) + "3 good ".len()..];
    let preview: i64 = keys[..keys.find('d').expect(keys)].parse().expect(keys);
    t.send("3");
    t.wait_for("Question 1?");
    t.wait_for(&format!("good · next review in {preview} days"));
    t.send("q");
    assert_eq!(t.finish(), 0, "{}", t.text());
    let stored = stored_days(&env, "t/c0");
    assert!(
        preview > stored,
        "preview {preview}d, stored due in {stored}"
    );
}

#[test]
fn with_an_exam_ahead_crams_info_screen_names_the_day_the_quiz_asks_the_card() {
    let env = exam_env();
    env.quiz(&["--deck", "t"], "\n3\n");
    let want = today()
        .checked_add(jiff::Span::new().days(card_days(&env, "t/c0", "next_review")))
        .unwrap();
    // Cram takes the weakest first: the one card answered, then the new ones.
    let mut t = Term::start(&env, &["quiz", "--cram", "--deck", "t"], &[], 100, 40);
    t.wait_for("Question 0?");
    t.send("i");
    // Cells the screen skips over read as nothing: the text runs on without the padding.
    t.wait_for(&format!("{want} for the exam (plain FSRS: "));
    t.send(" ");
    t.send("q");
    assert_eq!(t.finish(), 0, "{}", t.text());
}

/// The quiz keeps each card's exam-serving day between runs (`cache/exam_due.bin`), as a
/// cache: damaged, emptied or removed, the card is still asked on its day and not before.
#[test]
fn the_day_a_card_is_asked_holds_with_its_kept_exam_day_damaged_or_gone() {
    let mut env = exam_env();
    let out = env.quiz(&["--deck", "t"], "\n3\n");
    let said = next_review_days(&out);
    let kept = env.path().join("cache/exam_due.bin");
    let asked_on = |env: &mut Env, days: i64| {
        env.now = days_later(days);
        env.quiz(&["--deck", "t", "--new", "0"], "q\n")
            .contains("Question 0?")
    };
    assert!(!asked_on(&mut env, said - 1));
    assert!(kept.exists(), "a review card's day is kept");
    let whole = std::fs::read(&kept).unwrap();
    let mut flipped = whole.clone();
    let mid = flipped.len() / 2;
    flipped[mid] ^= 1;
    for damage in [Some(flipped), Some(Vec::new()), Some(whole), None] {
        for days in [said - 1, said] {
            match &damage {
                Some(bytes) => std::fs::write(&kept, bytes).unwrap(),
                None => {
                    let _ = std::fs::remove_file(&kept);
                }
            }
            assert_eq!(asked_on(&mut env, days), days == said, "day {days}");
        }
    }
}
