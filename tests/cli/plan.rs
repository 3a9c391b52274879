//! `smriti plan` end to end: the JSON schema the README documents, the text view, what the
//! budget does, and an exam figure that falls when answers are failed.

use serde_json::Value;

use crate::env::{Env, basic_deck, json_kind};

/// Eight days after the quiz; the exam is two weeks after that.
const LATER: &str = "2026-12-02T10:00:00Z";
const CONFIG: &str = "[exams]\nprelims = 2026-12-16\n";

/// Deck `t` of 12 cards, all answered once with `grade` on the test clock.
fn studied(grade: &str) -> Env {
    let mut env = Env::new();
    env.write_config(CONFIG);
    env.write_deck("t.toml", &basic_deck(12));
    env.quiz(&["--deck", "t"], &format!("\n{grade}\n").repeat(12));
    assert_eq!(env.reviews().len(), 12);
    env.now = LATER.to_owned();
    env
}

fn plan_json(env: &Env, args: &[&str]) -> Value {
    let mut all = vec!["plan", "--json", "--deck", "t"];
    all.extend_from_slice(args);
    env.json(&all)
}

/// Asserts `v` has exactly these keys, each of the given JSON type.
fn keys(v: &Value, expected: &[(&str, &str)]) {
    let obj = v
        .as_object()
        .unwrap_or_else(|| panic!("not an object: {v}"));
    let mut have: Vec<&str> = obj.keys().map(String::as_str).collect();
    have.sort_unstable();
    let mut want: Vec<&str> = expected.iter().map(|(k, _)| *k).collect();
    want.sort_unstable();
    assert_eq!(have, want, "keys of {v}");
    for (k, t) in expected {
        assert_eq!(json_kind(&obj[*k]), *t, "`{k}` in {v}");
    }
}

#[test]
fn the_json_matches_the_documented_schema() {
    let env = studied("3");
    let j = plan_json(&env, &[]);
    keys(
        &j,
        &[
            ("today", "string"),
            ("budget", "number"),
            ("secs_per_answer", "number"),
            ("runs", "number"),
            ("days", "array"),
            ("peak", "object"),
            ("days_over_budget", "number"),
            ("exams", "array"),
            // 12 cards, all seen: nothing to pace (see the pacing test for its entries).
            ("pace", "array"),
        ],
    );
    assert_eq!(j["pace"].as_array().map(Vec::len), Some(0));
    assert_eq!(j["today"], "2026-12-02");
    assert_eq!(j["budget"], 200);
    let days = j["days"].as_array().unwrap();
    assert_eq!(days.len(), 14, "one row per study day until the exam");
    let day = [
        ("date", "string"),
        ("cards", "number"),
        ("new", "number"),
        ("answers", "number"),
        ("minutes", "number"),
    ];
    for d in days {
        keys(d, &day);
    }
    keys(&j["peak"], &day);
    let exams = j["exams"].as_array().unwrap();
    assert_eq!(exams.len(), 1);
    keys(
        &exams[0],
        &[
            ("exam", "string"),
            ("date", "string"),
            ("days_left", "number"),
            ("cards", "number"),
            ("seen", "number"),
            ("introduced_by_exam", "number"),
            ("recall", "object"),
            ("recall_no_review", "number"),
            ("answers", "number"),
        ],
    );
    keys(
        &exams[0]["recall"],
        &[("median", "number"), ("low", "number"), ("high", "number")],
    );
    assert_eq!(exams[0]["days_left"], 14);
    assert_eq!(
        (exams[0]["cards"].as_u64(), exams[0]["seen"].as_u64()),
        (Some(12), Some(12))
    );
}

/// Deck `t` of 12 cards, answered with `grade` whenever due on five days in a row; the exam
/// is three days after.
fn studied_for_days(grade: &str) -> Env {
    let mut env = Env::new();
    env.write_config("[exams]\nprelims = 2026-12-02\n");
    env.write_deck("t.toml", &basic_deck(12));
    for day in 24..29 {
        env.now = format!("2026-11-{day}T10:00:00Z");
        env.quiz(&["--deck", "t"], &format!("\n{grade}\n").repeat(12));
    }
    env.now = "2026-11-29T10:00:00Z".to_owned();
    env
}

#[test]
fn failed_answers_lower_the_expected_recall_on_exam_morning() {
    let passed = plan_json(&studied_for_days("3"), &[]);
    let failed = plan_json(&studied_for_days("1"), &[]);
    let recall = |j: &Value| j["exams"][0]["recall"]["median"].as_f64().unwrap();
    assert!(
        recall(&failed) < recall(&passed) - 0.05,
        "failed {} vs passed {}",
        recall(&failed),
        recall(&passed)
    );
    // Failed cards also need more answers to get there.
    let answers = |j: &Value| j["exams"][0]["answers"].as_u64().unwrap();
    assert!(answers(&failed) > answers(&passed));
}

#[test]
fn a_smaller_budget_is_kept_every_day_and_shown_beside_the_configured_one() {
    let mut env = Env::new();
    env.write_config(CONFIG);
    env.write_deck("t.toml", &basic_deck(60));
    env.now = LATER.to_owned();
    let j = plan_json(&env, &["--budget", "5"]);
    assert_eq!(j["budget"], 5);
    assert_eq!(j["days_over_budget"], 0);
    assert!(
        j["days"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["cards"].as_u64().unwrap() <= 5)
    );
    // 5 cards a day for 14 days cannot introduce all 60 cards.
    assert!(j["exams"][0]["introduced_by_exam"].as_u64().unwrap() < 60);

    let out = env
        .cmd(&["plan", "--deck", "t", "--budget", "5", "--color", "never"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Plan at 5 cards a day"), "{text}");
    assert!(text.contains("at your configured budget:"), "{text}");
    assert!(text.contains("still new on exam day"), "{text}");
    assert!(text.lines().all(|l| l.chars().count() <= 80), "{text}");
}

#[test]
fn a_deck_new_per_day_cannot_introduce_before_the_run_up_is_paced_and_the_user_is_told() {
    // 60 cards, 2 new a day, the exam 40 days out: at 2 a day the last cards would arrive in
    // the final weeks; paced, all are in 24 days before the exam (by 2026-12-10), 4 a day.
    let env = Env::new();
    env.write_config("new_per_day = 2\n[exams]\nprelims = 2027-01-03\n");
    env.write_deck("t.toml", &basic_deck(60));
    let j = plan_json(&env, &[]);
    assert_eq!(j["pace"].as_array().map(Vec::len), Some(1), "{}", j["pace"]);
    let pace = &j["pace"][0];
    keys(
        pace,
        &[("exam", "string"), ("per_day", "number"), ("by", "string")],
    );
    assert_eq!(
        (
            pace["exam"].as_str(),
            pace["per_day"].as_u64(),
            pace["by"].as_str()
        ),
        (Some("prelims"), Some(4), Some("2026-12-10"))
    );
    assert_eq!(j["days"][0]["new"], 4);
    assert_eq!(j["exams"][0]["introduced_by_exam"], 60);
    let out = env.cmd(&["plan", "--deck", "t"]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("New prelims cards: 4 a day, to introduce them all by 2026-12-10"),
        "{text}"
    );

    let out = env.quiz(&["--deck", "t"], &"\n3\n".repeat(10));
    assert_eq!(env.reviews().len(), 4, "{out}");
    assert!(
        out.contains("With prelims ahead, its new cards come up to 4 a day (new_per_day is 2)"),
        "{out}"
    );
    // A second session the same day adds no paced card, so it says nothing of pacing.
    let again = env.quiz(&["--deck", "t"], &"\n3\n".repeat(10));
    assert!(!again.contains("new cards come up to"), "{again}");
    let stats = env.cmd(&["stats", "--deck", "t"]).output().unwrap();
    let stats = String::from_utf8(stats.stdout).unwrap();
    assert!(stats.contains("New prelims cards: 4 a day"), "{stats}");
    let json = env.json(&["stats", "--deck", "t", "--json"]);
    assert_eq!(json["new_pace"][0]["per_day"], 4, "{}", json["new_pace"]);

    // Without the exam, new_per_day is the pace.
    let plain = Env::new();
    plain.write_config("new_per_day = 2\n");
    plain.write_deck("t.toml", &basic_deck(60));
    let out = plain.quiz(&["--deck", "t"], &"\n3\n".repeat(10));
    assert_eq!(plain.reviews().len(), 2, "{out}");
    assert!(!out.contains("new cards come up to"), "{out}");
}

#[test]
fn a_buried_new_card_counts_in_the_quizs_pace_as_in_plans_and_stats() {
    // 65 cards, all to be introduced in the 16 days before 2026-12-10: 5 a day (64 would be
    // 4). The first card is buried unseen; it is back tomorrow, so it still counts.
    let env = Env::new();
    env.write_config("new_per_day = 2\n[exams]\nprelims = 2027-01-03\n");
    env.write_deck("t.toml", &basic_deck(65));
    let first = env.quiz(&["--deck", "t"], "=\nq\n");
    assert!(first.contains("Buried until the next study day"), "{first}");
    assert!(env.reviews().is_empty(), "{first}");
    assert_eq!(plan_json(&env, &[])["pace"][0]["per_day"], 5);
    let stats = env.json(&["stats", "--deck", "t", "--json"]);
    assert_eq!(stats["new_pace"][0]["per_day"], 5, "{}", stats["new_pace"]);
    let out = env.quiz(&["--deck", "t"], &"\n3\n".repeat(10));
    assert!(out.contains("its new cards come up to 5 a day"), "{out}");
    assert_eq!(env.reviews().len(), 5, "{out}");
}

#[test]
fn without_an_exam_date_plan_says_how_to_set_one() {
    let env = Env::new();
    let out = env.cmd(&["plan"]).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("[exams] prelims = YYYY-MM-DD"), "{text}");
}

#[test]
fn stats_tells_the_pace_also_above_the_cards_it_simulates() {
    // More cards than `stats` simulates (5,000): the pace is still worked out and shown.
    let env = Env::new();
    env.write_config("new_per_day = 2\n[exams]\nprelims = 2027-06-01\n");
    env.write_deck("t.toml", &basic_deck(5_001));
    env.quiz(&["--deck", "t", "--new", "1"], "\n3\n");
    let out = env.cmd(&["stats", "--deck", "t"]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("New prelims cards:"), "{text}");
    let j = env.json(&["stats", "--deck", "t", "--json"]);
    assert_eq!(j["exams"][0]["recall_on_schedule"], Value::Null);
    assert_eq!(j["new_pace"][0]["exam"], "prelims", "{}", j["new_pace"]);
    assert!(j["new_pace"][0]["per_day"].as_u64().unwrap() > 2);
}
