//! With an exam ahead, every "due" count (the `due` column of `decks`, the session summary's
//! "Due tomorrow", `stats`' due today and forecast, text and JSON) counts a card on the day
//! the quiz will ask it (its exam-serving due date), not on its stored plain-FSRS due date:
//! a count that says a card is due must mean the quiz asks it that day.

use jiff::civil::Date;

use crate::env::{Env, basic_deck};
// The exam setup of tests/cli/next_review.rs: an exam far enough ahead, and at one new card a
// day too many cards for the run-up, so ordinary reviews come later than the stored FSRS due.
use crate::next_review::{CARDS, EXAM, card_days, days_later, today};

fn day(days: i64) -> Date {
    today().checked_add(jiff::Span::new().days(days)).unwrap()
}

/// How many cards `quiz --new 0` asks today (the N of its first "── 1/N"), 0 when it says
/// nothing is due; nothing is answered.
fn asked(env: &Env) -> usize {
    let out = env.quiz(&["--new", "0"], "q\n");
    if out.contains("Nothing is due today.") {
        return 0;
    }
    let at = out.find("── 1/").expect(&out) + "── 1/".len();
    let rest = &out[at..];
    rest[..rest.find(' ').expect(rest)].parse().expect(rest)
}

/// The `due` column of deck `t` in `smriti decks`, which lists every deck: the cards of
/// the built-in ones come before and after t's in the deck index.
fn decks_due(env: &Env) -> usize {
    decks_due_with(env, &[])
}

/// `decks_due` for `smriti decks ARGS`.
fn decks_due_with(env: &Env, args: &[&str]) -> usize {
    let out = env.cmd(&[&["decks"], args].concat()).output().unwrap();
    assert!(out.status.success(), "{out:?}");
    let text = String::from_utf8(out.stdout).unwrap();
    let line = text.lines().find(|l| l.starts_with("t ")).expect(&text);
    // deck, exam, cards, new, due, held, source
    line.split_whitespace().nth(4).unwrap().parse().expect(line)
}

/// The "N due" of `stats`' "Today:" line.
fn stats_text_due(env: &Env) -> usize {
    let out = env.cmd(&["stats"]).output().unwrap();
    assert!(out.status.success(), "{out:?}");
    let text = String::from_utf8(out.stdout).unwrap();
    let line = text.lines().find(|l| l.starts_with("Today:")).expect(&text);
    let before = &line[..line.find(" due").expect(line)];
    before.rsplit(' ').next().unwrap().parse().expect(line)
}

/// The forecast's count for `date` in `stats --json`.
fn forecast_on(stats: &serde_json::Value, date: Date) -> u64 {
    let days = stats["forecast"].as_array().unwrap();
    let d = days.iter().find(|d| d["date"] == date.to_string().as_str());
    d.expect("date in the forecast")["due"].as_u64().unwrap()
}

/// The N of "Due tomorrow: N" in a session's summary.
fn due_tomorrow(out: &str) -> usize {
    let at = out.find("Due tomorrow: ").expect(out) + "Due tomorrow: ".len();
    let rest = &out[at..];
    rest[..rest.find(' ').expect(rest)].parse().expect(rest)
}

#[test]
fn with_an_exam_ahead_each_due_count_says_what_the_quiz_asks_that_day() {
    let mut env = Env::new();
    env.write_deck("t.toml", &basic_deck(CARDS));
    env.write_config(&format!("new_per_day = 1\n{EXAM}"));
    let out = env.quiz(&["--deck", "t"], "\n3\n");
    assert!(out.contains("good · next review in "), "{out}");
    // The setup is one where the stored due comes first and the exam day later.
    let stored = card_days(&env, "t/c0", "due");
    let exam_day = card_days(&env, "t/c0", "next_review");
    assert!(
        stored >= 1 && exam_day > stored,
        "stored {stored}, exam day {exam_day}"
    );

    // The day before the stored due: a session (of one new card, answered Easy so that it is
    // not due for days) ends saying how many cards are due tomorrow; tomorrow's quiz asks
    // that many. The stored due alone would count t/c0.
    env.now = days_later(stored - 1);
    let out = env.quiz(&["--deck", "t", "--new", "1"], "\n4\n");
    assert!(out.contains("easy · next review in "), "{out}");
    let said_tomorrow = due_tomorrow(&out);
    assert!(card_days(&env, "t/c1", "next_review") > exam_day);

    // On the stored due day, nothing is asked and no count says anything is due.
    env.now = days_later(stored);
    assert_eq!(asked(&env), 0);
    assert_eq!(said_tomorrow, 0, "{out}");
    assert_eq!(decks_due(&env), 0);
    assert_eq!(stats_text_due(&env), 0);
    let stats = env.json(&["stats", "--json"]);
    assert_eq!(stats["counts"]["due_today"], 0, "{stats}");
    assert_eq!(forecast_on(&stats, day(stored)), 0, "{stats}");
    // The forecast puts t/c0 on its exam day (within its 14 days here), where the quiz asks it.
    let forecast = forecast_on(&stats, day(exam_day));
    assert!(forecast >= 1, "{stats}");

    // On the exam day, the quiz asks it, and every count says so.
    env.now = days_later(exam_day);
    let n = asked(&env);
    assert!(n >= 1);
    assert_eq!(forecast as usize, n);
    assert_eq!(decks_due(&env), n);
    assert_eq!(decks_due_with(&env, &["--deck", "t"]), n);
    assert_eq!(stats_text_due(&env), n);
    assert_eq!(
        env.json(&["stats", "--json"])["counts"]["due_today"],
        n as u64
    );
}

/// Without exam dates, the counts are the stored due's, as the quiz's are.
#[test]
fn without_an_exam_each_due_count_follows_the_stored_due() {
    let mut env = Env::new();
    env.write_deck("t.toml", &basic_deck(CARDS));
    env.write_config("new_per_day = 1\n");
    env.quiz(&["--deck", "t"], "\n3\n");
    let stored = card_days(&env, "t/c0", "due");
    env.now = days_later(stored - 1);
    let out = env.quiz(&["--deck", "t", "--new", "1"], "\n4\n");
    assert_eq!(due_tomorrow(&out), 1, "{out}");
    env.now = days_later(stored);
    assert_eq!(asked(&env), 1);
    assert_eq!(decks_due(&env), 1);
    assert_eq!(stats_text_due(&env), 1);
    assert_eq!(env.json(&["stats", "--json"])["counts"]["due_today"], 1);
}
