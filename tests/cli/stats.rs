//! `smriti stats` end to end: weak topics from real quiz sessions, the JSON schema, and a
//! stable text rendering under a fixed clock.

use serde_json::Value;

use crate::env::{Env, basic_deck, json_kind};

/// Three days after the quizzes, so the failed cards have had time to fade.
const LATER: &str = "2026-11-27T10:00:00Z";

/// Deck `t` of six cards: fails every `even` card (once each, then input ends, so they stay in
/// their learning step) and passes every `odd` one. Exams are set so the exam columns show.
fn studied() -> Env {
    let mut env = Env::new();
    env.write_config("[exams]\nprelims = 2027-05-23\n");
    env.write_deck("t.toml", &basic_deck(6));
    env.quiz(&["--deck", "t", "--tag", "even"], &"\n1\n".repeat(3));
    env.quiz(&["--deck", "t", "--tag", "odd"], &"\n3\n".repeat(3));
    assert_eq!(env.reviews().len(), 6);
    env.now = LATER.to_owned();
    env
}

fn stats(env: &Env, args: &[&str], locale: &str) -> String {
    let mut all = vec!["stats", "--color", "never"];
    all.extend_from_slice(args);
    let out = env.cmd(&all).env("LC_ALL", locale).output().unwrap();
    assert!(
        out.status.success(),
        "stats failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn json(env: &Env, args: &[&str]) -> Value {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    serde_json::from_str(&stats(env, &all, "C.UTF-8")).expect("stats --json is JSON")
}

#[test]
fn the_failed_tag_is_the_weakest_topic_in_text_and_json() {
    let env = studied();
    let text = stats(&env, &["--deck", "t"], "C.UTF-8");
    let rows: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.starts_with("topic"))
        .skip(1)
        .take(2)
        .collect();
    assert!(
        rows[0].starts_with("even ") && rows[1].starts_with("odd "),
        "{text}"
    );
    assert!(text.contains("Most at risk\n  even\n"), "{text}");

    let j = json(&env, &["--deck", "t"]);
    let topics = j["topics"].as_array().unwrap();
    assert_eq!(topics[0]["tag"], "even");
    assert_eq!(topics[0]["accuracy_30d"], 0.0);
    assert_eq!(topics[0]["ranked"], true);
    assert_eq!(topics[1]["tag"], "odd");
    assert_eq!(topics[1]["accuracy_30d"], 1.0);
    assert!(topics[0]["recall_now"].as_f64() < topics[1]["recall_now"].as_f64());
    assert_eq!(j["at_risk"][0]["tag"], "even");
    assert_eq!(j["counts"]["learning"], 3);
    assert_eq!(
        j["counts"]["due_today"], 6,
        "failed cards and overdue passes"
    );
    assert_eq!(j["reviews_total"], 6);
}

#[test]
fn filters_narrow_the_figures() {
    let env = studied();
    let j = json(&env, &["--deck", "t", "--tag", "odd"]);
    let tags: Vec<&str> = j["topics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["tag"].as_str().unwrap())
        .collect();
    assert_eq!(tags, ["odd"]);
    assert_eq!(j["counts"]["cards"], 3);
    assert_eq!(j["reviews_total"], 3);
    let mains = stats(&env, &["--deck", "t", "--exam", "mains"], "C.UTF-8");
    assert!(mains.contains("No cards match"), "{mains}");
}

/// Checks `v[key]` exists and has one of the JSON types named.
fn has(v: &Value, key: &str, types: &[&str]) {
    let field = v
        .get(key)
        .unwrap_or_else(|| panic!("missing key `{key}` in {v}"));
    let kind = json_kind(field);
    assert!(
        types.contains(&kind),
        "`{key}` is {kind}, expected {types:?}"
    );
}

fn check_row(row: &Value) {
    for k in ["cards", "seen", "reviews", "lapses", "reviews_30d"] {
        has(row, k, &["number"]);
    }
    has(row, "leeches", &["array"]);
    has(row, "accuracy_30d", &["number", "null"]);
    has(row, "recall_now", &["number", "null"]);
    has(row, "recall_on_exam", &["object"]);
    has(&row["recall_on_exam"], "prelims", &["number", "null"]);
    has(&row["recall_on_exam"], "mains", &["number", "null"]);
    has(row, "ranked", &["bool"]);
}

#[test]
fn the_json_matches_the_documented_schema() {
    let env = studied();
    let j = json(&env, &[]);
    has(&j, "today", &["string"]);
    for k in ["topics", "decks", "at_risk", "forecast", "exams"] {
        has(&j, k, &["array"]);
    }
    for k in ["counts", "heatmap"] {
        has(&j, k, &["object"]);
    }
    has(&j, "streak", &["number"]);
    has(&j, "reviews_total", &["number"]);
    has(&j, "devices", &["number"]);
    for t in j["topics"].as_array().unwrap() {
        has(t, "tag", &["string"]);
        check_row(t);
    }
    for d in j["decks"].as_array().unwrap() {
        has(d, "deck", &["string"]);
        check_row(d);
    }
    let risk = &j["at_risk"][0];
    has(risk, "tag", &["string"]);
    let card = &risk["cards"][0];
    for k in ["key", "prompt", "due"] {
        has(card, k, &["string"]);
    }
    has(card, "recall_now", &["number"]);
    has(card, "lapses", &["number"]);
    has(card, "leech", &["bool"]);
    for k in [
        "cards",
        "new",
        "learning",
        "review",
        "leech",
        "suspended",
        "due_today",
        "reviews_today",
    ] {
        has(&j["counts"], k, &["number"]);
    }
    let forecast = j["forecast"].as_array().unwrap();
    assert_eq!(forecast.len(), 14);
    has(&forecast[0], "date", &["string"]);
    has(&forecast[0], "due", &["number"]);
    let heat = &j["heatmap"];
    has(heat, "first_day", &["string"]);
    has(heat, "last_day", &["string"]);
    has(heat, "max", &["number"]);
    has(heat, "reviews", &["array"]);
    assert!(
        heat["reviews"]
            .as_array()
            .unwrap()
            .iter()
            .all(Value::is_u64)
    );
    let exam = &j["exams"][0];
    has(exam, "exam", &["string"]);
    has(exam, "date", &["string"]);
    for k in ["days_left", "cards", "seen", "new_introduced"] {
        has(exam, k, &["number"]);
    }
    has(exam, "recall_no_review", &["number", "null"]);
    has(exam, "recall_on_schedule", &["number", "null"]);
    assert_eq!(exam["exam"], "prelims");
    assert_eq!(exam["days_left"], 177);
}

#[test]
fn the_text_is_stable_under_a_fixed_clock() {
    let env = studied();
    insta::assert_snapshot!("stats_unicode", stats(&env, &["--deck", "t"], "C.UTF-8"));
    insta::assert_snapshot!("stats_ascii", stats(&env, &["--deck", "t"], "C"));
}

#[test]
fn the_text_fits_80_columns_and_has_no_escape_codes_without_colour() {
    let env = studied();
    let text = stats(&env, &[], "C.UTF-8");
    for line in text.lines() {
        assert!(line.chars().count() <= 80, "too wide: {line:?}");
    }
    assert!(!text.contains('\u{1b}'));
    let coloured = env
        .cmd(&["stats", "--color", "always", "--deck", "t"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&coloured.stdout).contains('\u{1b}'));
}

#[test]
fn before_any_review_only_the_cards_per_topic_and_how_to_start() {
    let env = Env::new();
    env.write_deck("t.toml", &basic_deck(4));
    let text = stats(&env, &["--deck", "t"], "C.UTF-8");
    assert!(text.contains("even") && text.contains("odd"), "{text}");
    assert!(text.contains("smriti quiz"), "{text}");
    assert!(!text.contains("Due in the next"), "{text}");
    assert!(!text.contains("Reviews, last"), "{text}");
}

#[test]
fn above_five_thousand_cards_stats_leaves_the_simulation_to_plan() {
    let mut env = Env::new();
    env.write_config("[exams]\nprelims = 2027-05-23\n");
    env.write_deck(
        "t.toml",
        &basic_deck(smriti::cmd::stats::SIMULATE_UP_TO + 1),
    );
    // One card answered, so the text shows the full view with its exam section.
    env.quiz(&["--deck", "t", "--limit", "1"], "\n3\n");
    env.now = LATER.to_owned();
    let j = json(&env, &["--deck", "t"]);
    let exam = &j["exams"][0];
    assert_eq!(exam["recall_on_schedule"], Value::Null, "{exam}");
    assert!(exam["recall_no_review"].is_number(), "{exam}");
    let text = stats(&env, &["--deck", "t"], "C.UTF-8");
    assert!(
        text.contains("`smriti plan` shows what keeping to the schedule gives"),
        "{text}"
    );
    // At the limit, the figure is there.
    let env = Env::new();
    env.write_config("[exams]\nprelims = 2027-05-23\n");
    env.write_deck("t.toml", &basic_deck(20));
    assert!(json(&env, &["--deck", "t"])["exams"][0]["recall_on_schedule"].is_number());
}

/// Topics are counted by tag name across decks, whatever order each deck met its tags in:
/// the index numbers a deck's tags in the order its cards use them, and `stats` remembers
/// each deck's numbers apart.
#[test]
fn a_tag_counts_as_one_topic_across_decks_that_number_their_tags_differently() {
    let env = Env::new();
    let card = |deck: &str, id: usize, tags: &str| {
        format!(
            "[[card]]\nid = \"{deck}{id}\"\nq = \"Q{id}\"\na = \"A\"\nsource = \"s\"\ntags = [{tags}]\n"
        )
    };
    let deck = |id: &str, cards: &[&str]| {
        let mut src = format!("[deck]\nid = \"{id}\"\nexam = \"prelims\"\n");
        for (i, tags) in cards.iter().enumerate() {
            src.push_str(&card(id, i, tags));
        }
        src
    };
    env.write_deck("a.toml", &deck("a", &["\"x\"", "\"x\", \"y\"", "\"y\""]));
    env.write_deck("b.toml", &deck("b", &["\"y\"", "\"z\"", "\"x\""]));
    // Twice: the second run reads the deck cache the first one wrote.
    for _ in 0..2 {
        let j = json(&env, &["--deck", "a", "--deck", "b"]);
        let mut topics: Vec<(String, u64)> = j["topics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| {
                (
                    t["tag"].as_str().unwrap().to_owned(),
                    t["cards"].as_u64().unwrap(),
                )
            })
            .collect();
        topics.sort();
        let want = [("x", 3), ("y", 3), ("z", 1)].map(|(t, n)| (t.to_owned(), n));
        assert_eq!(topics, want);
    }
}
