//! `smriti export`: cards as CSV of our fields and as Anki's text format, each read back by
//! `import` to the same cards; the review history as a review log, which `import --history`
//! puts back so a fresh home has the same card states and `stats`; and `optimize` on a log.

use std::fs;

use crate::env::{Env, basic_deck};
use crate::optimize::learner;

fn run(env: &Env, args: &[&str]) -> String {
    let out = env.cmd(args).output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// One card of every kind and every optional field, with text that CSV must quote.
const EVERY_KIND: &str = r#"[deck]
id = "mix"
name = "Mixed, \"quoted\""
exam = "mains"
tags = ["deck-tag"]

[[card]]
id = "b"
q = "Two\nlines, and \"quotes\""
a = "A; with semicolon"
tags = ["t one", "t;two"]
source = "MEA"
explain = "why"
as_of = 2024-03-01

[[card]]
id = "t"
kind = "typed"
q = "Expand BECA"
a = "Basic Exchange and Cooperation Agreement"
accept = ["BECA", "B.E.C.A."]
tags = []
source = "MEA"

[[card]]
id = "m"
kind = "mcq"
q = "Which is correct?"
a = "2 only"
options = ["1 only", "2 only", "Both"]
shuffle = false
tags = []
source = "UPSC 2020"

[[card]]
id = "g"
kind = "mcq"
q = "LEMOA year?"
a = "2016"
group = "years"
tags = []
source = "MEA"

[[card]]
id = "g2"
kind = "mcq"
q = "COMCASA year?"
a = "2018"
group = "years"
tags = []
source = "MEA"

[[card]]
id = "d"
kind = "mcq"
q = "BECA year?"
a = "2020"
distractors = ["2019", "2021"]
tags = []
source = "MEA"

[[card]]
id = "c"
kind = "cloze"
text = "{{LEMOA}} was signed in {{2016::year}}"
tags = []
source = "MEA"

[[card]]
id = "p"
kind = "mains"
q = "Discuss the 2+2 dialogue."
year = 2019
points = ["strategic", "defence; trade"]
word_limit = 250
tags = []
source = "UPSC"
"#;

#[test]
fn csv_export_imports_back_to_the_same_cards() {
    let a = Env::new();
    a.write_deck("mix.toml", EVERY_KIND);
    let csv = run(&a, &["export"]);
    assert!(csv.starts_with("deck,exam,id,kind,q,a,"), "{csv}");
    assert_eq!(csv.matches("\nmix,mains,").count(), 8, "{csv}");

    let b = Env::new();
    let file = b.path().join("mix.csv");
    fs::write(&file, &csv).unwrap();
    let out = run(&b, &["import", file.to_str().unwrap()]);
    assert!(out.contains("8 new"), "{out}");
    assert!(run(&b, &["check"]).contains("no errors"));
    assert_eq!(run(&b, &["export"]), csv);
    let search = |env: &Env| run(env, &["search", "--json", "--deck", "mix", "a"]);
    assert_eq!(
        search(&b).replace(b.path().to_str().unwrap(), "H"),
        search(&a).replace(a.path().to_str().unwrap(), "H")
    );

    // To a file: the same bytes, and TSV for a .tsv name.
    let out = run(&a, &["export", a.path().join("x.csv").to_str().unwrap()]);
    assert!(out.contains("Exported 8 cards of 1 deck"), "{out}");
    assert_eq!(fs::read_to_string(a.path().join("x.csv")).unwrap(), csv);
    run(&a, &["export", a.path().join("x.tsv").to_str().unwrap()]);
    let tsv = fs::read_to_string(a.path().join("x.tsv")).unwrap();
    assert!(tsv.starts_with("deck\texam\tid\tkind\t"), "{tsv}");
}

#[test]
fn anki_text_export_has_anki_headers_and_imports_back() {
    let a = Env::new();
    a.write_deck("mix.toml", EVERY_KIND);
    let out = a.cmd(&["export", "--format", "anki"]).output().unwrap();
    assert!(out.status.success());
    let anki = String::from_utf8(out.stdout).unwrap();
    assert!(
        anki.starts_with("#separator:tab\n#html:false\n#guid column:1\n#notetype column:2\n#deck column:3\n#tags column:6\n"),
        "{anki}"
    );
    assert!(anki.contains("mix/c\tCloze\t\"Mixed, \"\"quoted\"\"\"\t{{c1::LEMOA}} was signed in {{c2::2016::year}}\t\tdeck-tag\n"), "{anki}");
    assert!(
        anki.contains("mix/t\tBasic (type in the answer)\t"),
        "{anki}"
    );
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("5 mcq and mains cards were written as Basic notes")
    );

    let b = Env::new();
    let file = b.path().join("mix.txt");
    fs::write(&file, &anki).unwrap();
    let out = run(&b, &["import", file.to_str().unwrap()]);
    assert!(out.contains("new deck mix"), "{out}");
    assert!(out.contains("8 new"), "{out}");
    // Our GUIDs gave back our deck and card ids, and the deck its name.
    assert_eq!(run(&b, &["export", "--format", "anki"]), anki);
}

/// Answers some cards on three days, with an undo and a lapse.
fn study(env: &mut Env) {
    for (day, input) in [
        ("2026-11-20", "x\n3\nx\n1\nu\nx\n4\nx\n3\nx\n3\n"),
        ("2026-11-21", "x\n3\nx\n2\nx\n3\nx\n1\nx\n3\n"),
        ("2026-11-23", "x\n3\nx\n3\nx\n1\nx\n4\nx\n3\nx\n3\n"),
    ] {
        env.now = format!("{day}T10:00:00Z");
        env.quiz(&["--deck", "t", "--limit", "8"], input);
    }
    env.now = "2026-11-24T10:00:00Z".to_owned();
}

#[test]
fn a_home_exported_and_imported_into_a_fresh_one_has_the_same_states_and_stats() {
    let mut a = Env::new();
    a.write_deck("t.toml", &basic_deck(12));
    study(&mut a);
    let journal = fs::read_to_string(a.journal_path()).unwrap();
    assert!(
        journal.lines().any(|l| l.starts_with("u\t")),
        "the undo was recorded"
    );

    let cards = a.path().join("cards.csv");
    let log = a.path().join("log.csv");
    run(&a, &["export", cards.to_str().unwrap()]);
    let out = run(&a, &["export", "--history", log.to_str().unwrap()]);
    let answers = a.reviews().len() - 1;
    assert!(
        out.contains(&format!("Exported {answers} reviews")),
        "{out}"
    );
    let text = fs::read_to_string(&log).unwrap();
    assert!(text.starts_with("card_id,review_time,review_rating,review_duration,card_key\n"));
    assert_eq!(
        text.lines().count(),
        answers + 1,
        "undone answer left out:\n{text}"
    );

    let b = Env::new();
    run(&b, &["import", cards.to_str().unwrap()]);
    let out = run(&b, &["import", "--history", log.to_str().unwrap()]);
    assert!(
        out.contains(&format!("Put back {answers} reviews")),
        "{out}"
    );
    let stats = |env: &Env| run(env, &["stats", "--json"]);
    assert_eq!(stats(&b), stats(&a));
    // Card by card: the same memory, due date and history.
    for i in 0..12 {
        let key = format!("t/c{i}");
        let card = |env: &Env| {
            let mut json: serde_json::Value =
                serde_json::from_str(&run(env, &["card", &key, "--json"])).unwrap();
            // Where the card is written differs (the import writes `kind`); what it is must not.
            json["line"] = serde_json::Value::Null;
            json["file"] = serde_json::Value::Null;
            json
        };
        assert_eq!(card(&b), card(&a), "{key}");
    }
}

#[test]
fn an_imported_review_log_can_be_fitted_and_a_log_fitted_without_importing() {
    let day0: jiff::Timestamp = "2025-01-01T04:00:00Z".parse().unwrap();
    let mut learner = learner::Learner::new(fsrs::DEFAULT_PARAMETERS.to_vec(), 7);
    let answers = learner.study(150, 8, 3000, day0.as_millisecond());
    let mut keyed = String::from("card_key,review_time,review_rating,review_duration\n");
    let mut numeric = String::from("card_id,review_time,review_rating\n");
    for a in &answers {
        keyed.push_str(&format!("{},{},{},4000\n", a.key(), a.at, a.grade));
        numeric.push_str(&format!("{},{},{}\n", a.card + 1000, a.at, a.grade));
    }
    let mut deck = String::from("[deck]\nid = \"synthetic\"\nexam = \"prelims\"\n");
    for i in 0..150 {
        deck.push_str(&format!(
            "\n[[card]]\nid = \"card-{i}\"\nq = \"Q{i}\"\na = \"A{i}\"\nsource = \"s\"\n"
        ));
    }
    let last = answers.last().unwrap().at + learner::DAY_MS;
    let now = jiff::Timestamp::from_millisecond(last).unwrap().to_string();

    let mut home = Env::new();
    home.now = now.clone();
    home.write_deck("synthetic.toml", &deck);
    let log = home.path().join("log.csv");
    fs::write(&log, &keyed).unwrap();
    let out = run(&home, &["import", "--history", log.to_str().unwrap()]);
    assert!(
        out.contains(&format!("Put back {} reviews of 150 cards", answers.len())),
        "{out}"
    );
    let fitted = run(&home, &["optimize", "--dry-run"]);
    assert!(fitted.contains("--dry-run"), "{fitted}");
    let params = |report: &str| {
        report
            .lines()
            .find(|l| l.starts_with("[fsrs] parameters") || l.contains("no better"))
            .map(str::to_owned)
            .unwrap_or_else(|| panic!("no fit in\n{report}"))
    };

    // The same reviews under numeric ids, fitted in an empty home: the same fit, nothing imported.
    let mut other = Env::new();
    other.now = now;
    let numeric_log = other.path().join("outside.csv");
    fs::write(&numeric_log, &numeric).unwrap();
    let outside = run(
        &other,
        &[
            "optimize",
            "--dry-run",
            "--log",
            numeric_log.to_str().unwrap(),
        ],
    );
    assert!(outside.contains("nothing is imported"), "{outside}");
    assert_eq!(params(&outside), params(&fitted));
    assert!(!other.journal_path().exists());
}

#[test]
fn with_no_deck_of_ones_own_export_says_how_to_name_a_built_in_one() {
    let env = Env::new();
    let err = env.fails(&["export"], "");
    assert!(err.contains("no decks of your own"), "{err}");
    assert!(err.contains("--deck ID"), "{err}");
    let csv = run(&env, &["export", "--deck", "india-us-2plus2-prelims"]);
    assert!(
        csv.matches("\nindia-us-2plus2-prelims,prelims,").count() > 10,
        "{csv}"
    );
    assert!(!csv.contains("\nindia-us-2plus2-mains,"), "{csv}");
    // Into another home under a deck of one's own (the built-in id is taken there).
    let other = Env::new();
    let file = other.path().join("copy.csv");
    fs::write(&file, &csv).unwrap();
    let err = other.fails(&["import", file.to_str().unwrap()], "");
    assert!(err.contains("is built in"), "{err}");
    let out = run(
        &other,
        &["import", "--deck", "my-copy", file.to_str().unwrap()],
    );
    assert!(out.contains("new deck my-copy"), "{out}");
    assert!(run(&other, &["check"]).contains("no errors"));
}
