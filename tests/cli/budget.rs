//! The daily budget through the real quiz: no more cards than `max_reviews_per_day`, new cards
//! held back first, and the user told.

use crate::env::{Env, basic_deck};

#[test]
fn a_day_asks_no_more_than_the_budget_and_says_what_waits() {
    let env = Env::new();
    env.write_config("max_reviews_per_day = 3\n");
    env.write_deck("t.toml", &basic_deck(10));
    let out = env.quiz(&["--deck", "t"], &"\n3\n".repeat(10));
    assert_eq!(env.reviews().len(), 3, "{out}");
    assert!(
        out.contains("The daily budget is full: 7 new cards postponed."),
        "{out}"
    );
    // The same day, the budget is spent: nothing more is asked, and the quiz says why.
    let again = env.quiz(&["--deck", "t"], &"\n3\n".repeat(10));
    assert_eq!(env.reviews().len(), 3, "{again}");
    assert!(again.contains("The daily budget is full"), "{again}");
    // `--new N` asks for new cards explicitly, past the budget.
    env.quiz(&["--deck", "t", "--new", "2"], &"\n3\n".repeat(2));
    assert_eq!(env.reviews().len(), 5);
}

#[test]
fn minutes_per_day_limit_the_day_at_the_default_answer_time() {
    let env = Env::new();
    // One minute at 12 s an answer (no history yet) is 5 cards.
    env.write_config("minutes_per_day = 1\n");
    env.write_deck("t.toml", &basic_deck(10));
    let out = env.quiz(&["--deck", "t"], &"\n3\n".repeat(10));
    assert_eq!(env.reviews().len(), 5, "{out}");
}

#[test]
fn an_invalid_budget_names_its_line() {
    let env = Env::new();
    env.write_config("new_per_day = 5\nmax_reviews_per_day = 0\n");
    let err = env.fails(&["quiz", "--plain"], "");
    assert!(err.contains("config.toml:2:"), "{err}");
    assert!(err.contains("max_reviews_per_day"), "{err}");
}
