//! `smriti import`: Anki's text format and CSV/TSV of our fields into user decks (updated in
//! place on a second import, all or nothing, errors at file:line:col), and review logs put
//! back onto cards with `--history`.

use std::fs;
use std::path::PathBuf;

use crate::env::Env;

fn write(env: &Env, name: &str, text: &str) -> PathBuf {
    let path = env.path().join(name);
    fs::write(&path, text).unwrap();
    path
}

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

fn deck_text(env: &Env, id: &str) -> String {
    fs::read_to_string(env.path().join("decks").join(format!("{id}.toml"))).unwrap()
}

const CARDS: &str = "deck,id,q,a,options,tags,source\n\
                     pacts,lemoa-year,When was LEMOA signed?,2016,2016; 2018; 2020,pacts; us,MEA\n\
                     pacts,,What does BECA stand for?,Basic Exchange and Cooperation Agreement,,pacts,MEA\n";

#[test]
fn a_csv_becomes_a_deck_and_a_second_import_updates_it_in_place_keeping_progress() {
    let env = Env::new();
    let file = write(&env, "cards.csv", CARDS);
    let out = run(&env, &["import", file.to_str().unwrap()]);
    assert!(out.contains("new deck pacts"), "{out}");
    assert!(
        out.contains("2 new, 0 updated, 0 unchanged [1 basic, 1 mcq]"),
        "{out}"
    );
    let text = deck_text(&env, "pacts");
    assert!(
        text.contains("id = \"lemoa-year\"\nkind = \"mcq\""),
        "{text}"
    );
    assert!(
        text.contains("id = \"beca-stand\"\nkind = \"basic\""),
        "{text}"
    );
    assert!(run(&env, &["check"]).contains("no errors"));

    // Answer the mcq (the right option is `a`, `b` or `c`; any letter records an answer).
    env.quiz(&["--deck", "pacts", "--limit", "1"], "a\n");
    assert_eq!(env.reviews().len(), 1);
    let key = env.reviews()[0].split('\t').nth(2).unwrap().to_owned();
    assert_eq!(key, "pacts/lemoa-year");

    // The user comments the deck; the file then changes one answer's wording.
    let commented = format!("# my pacts\n{}", deck_text(&env, "pacts"));
    fs::write(env.path().join("decks/pacts.toml"), &commented).unwrap();
    fs::write(
        &file,
        CARDS.replace("Cooperation Agreement", "Cooperation Agreement (2020)"),
    )
    .unwrap();
    let out = run(&env, &["import", file.to_str().unwrap()]);
    assert!(out.contains("0 new, 1 updated, 1 unchanged"), "{out}");
    let text = deck_text(&env, "pacts");
    assert!(text.starts_with("# my pacts\n"), "{text}");
    assert_eq!(text.matches("[[card]]").count(), 2, "{text}");
    assert!(text.contains("Agreement (2020)"), "{text}");
    // The answered card kept its key, so its progress: it is not new any more.
    let card = run(&env, &["card", "pacts/lemoa-year", "--json"]);
    let json: serde_json::Value = serde_json::from_str(&card).unwrap();
    assert_eq!(json["memory"]["reviews"], 1, "{card}");
}

#[test]
fn a_dry_run_says_what_it_would_do_and_writes_nothing() {
    let env = Env::new();
    let file = write(
        &env,
        "cards.tsv",
        &CARDS.replace(',', "\t").replace("\t ", "\t"),
    );
    let out = run(
        &env,
        &[
            "import",
            "--dry-run",
            "--deck",
            "mine",
            file.to_str().unwrap(),
        ],
    );
    assert!(out.contains("new deck mine"), "{out}");
    assert!(out.contains("2 new"), "{out}");
    assert!(out.contains("--dry-run: nothing was written."), "{out}");
    assert!(!env.path().join("decks").exists());
}

#[test]
fn bad_rows_are_errors_at_file_line_and_column_and_nothing_is_written() {
    let env = Env::new();
    let text = "deck,q,a,kind,options\n\
                good,Fine?,Yes,,\n\
                pacts,Kind?,x,flip,\n\
                pacts,Year?,2016,mcq,2018; 2020\n\
                other,Year?,2016,,\n";
    let file = write(&env, "bad.csv", text);
    let err = env.fails(&["import", file.to_str().unwrap()], "");
    assert!(err.contains("bad.csv:3:15: unknown kind `flip`"), "{err}");
    assert!(
        !err.contains("mcq answer"),
        "cell errors come first:\n{err}"
    );
    assert!(err.contains("nothing was imported"), "{err}");
    assert!(!env.path().join("decks").exists());

    // Cells that read fine but make an invalid card: the deck parser's error, located at
    // the row and cell it came from.
    fs::write(&file, text.replace("x,flip", "x,basic")).unwrap();
    let err = env.fails(&["import", file.to_str().unwrap()], "");
    assert!(
        err.contains("bad.csv:4:13: card \"year\": mcq answer \"2016\" is not among its options"),
        "{err}"
    );
    assert!(
        !env.path().join("decks").exists(),
        "a valid deck was written"
    );
}

#[test]
fn anki_text_notes_become_cards_of_our_kinds() {
    let env = Env::new();
    let text = "#separator:tab\n#html:true\n#guid column:1\n#notetype column:2\n#deck column:3\n#tags column:6\n\
                f&Gq1\tBasic\tUPSC::Polity\t<b>Article 370</b> gave?\tspecial status to J&amp;K<br>(till 2019)\tpolity constitution::art\n\
                h2Xp\tBasic (and reversed card)\tUPSC::Polity\tLEMOA\tLogistics Exchange MoA\tpacts\n\
                k9\tBasic (type in the answer)\tUPSC::Polity\tCapital of India?\tNew Delhi\t\n\
                Zz0\tCloze\tUPSC::Polity\t{{c1::COMCASA}} was signed in {{c2::2018::year}}\tat the first 2+2\t\n\
                q7\tImage Occlusion\tUPSC::Polity\tMap <img src=\"map.png\">\tKerala\t\n";
    let file = write(&env, "Polity.txt", text);
    let out = run(&env, &["import", file.to_str().unwrap()]);
    assert!(out.contains("new deck upsc-polity"), "{out}");
    assert!(out.contains("6 new"), "{out}");
    assert!(
        out.contains("1 note of type `Image Occlusion` became basic cards"),
        "{out}"
    );
    assert!(out.contains("map.png"), "{out}");
    let deck = deck_text(&env, "upsc-polity");
    assert!(deck.contains("name = \"UPSC::Polity\""), "{deck}");
    assert!(
        deck.contains("id = \"anki-f.26.Gq1\"\nkind = \"basic\"\nq = \"Article 370 gave?\""),
        "{deck}"
    );
    assert!(
        deck.contains("special status to J&K\n(till 2019)"),
        "{deck}"
    );
    assert!(
        deck.contains("tags = [\"polity\", \"constitution::art\"]"),
        "{deck}"
    );
    assert!(
        deck.contains("id = \"anki-h2Xp-2\"\nkind = \"basic\"\nq = \"Logistics Exchange MoA\""),
        "{deck}"
    );
    assert!(
        deck.contains("kind = \"typed\"\nq = \"Capital of India?\""),
        "{deck}"
    );
    assert!(
        deck.contains("text = \"{{COMCASA}} was signed in {{2018::year}}\""),
        "{deck}"
    );
    assert!(deck.contains("explain = \"at the first 2+2\""), "{deck}");
    assert!(deck.contains("q = \"Map [image: map.png]\""), "{deck}");
    assert!(run(&env, &["check"]).contains("no errors"));
    // The cloze note is two cards.
    let decks = run(&env, &["decks"]);
    assert!(
        decks
            .lines()
            .any(|l| l.contains("upsc-polity") && l.contains(" 7 ")),
        "{decks}"
    );

    // Again: nothing changes.
    let out = run(&env, &["import", file.to_str().unwrap()]);
    assert!(out.contains("0 new, 0 updated, 6 unchanged"), "{out}");
}

#[test]
fn a_built_in_deck_is_never_written_and_an_unknown_type_is_refused() {
    let env = Env::new();
    let file = write(&env, "b.csv", "deck,q,a\nindia-us-2plus2-prelims,Q?,A\n");
    let err = env.fails(&["import", file.to_str().unwrap()], "");
    assert!(
        err.contains("b.csv:2:1: deck `india-us-2plus2-prelims` is built in"),
        "{err}"
    );
    let file = write(&env, "deck.json", "{}");
    let err = env.fails(&["import", file.to_str().unwrap()], "");
    assert!(err.contains("cannot import a file of this type"), "{err}");
    assert!(!env.path().join("decks").exists());
}

#[test]
fn a_review_log_goes_onto_matching_cards_and_unknown_ones_are_counted() {
    let env = Env::new();
    let file = write(&env, "cards.csv", CARDS);
    run(&env, &["import", file.to_str().unwrap()]);
    let log = write(
        &env,
        "log.csv",
        "card_key,review_time,review_rating,review_duration\n\
         pacts/lemoa-year,2026-11-01T09:00:00Z,3,4000\n\
         pacts/lemoa-year,1793696400000,3,2500\n\
         pacts/gone,2026-11-01T09:00:00Z,1,1000\n",
    );
    let dry = run(
        &env,
        &["import", "--history", "--dry-run", log.to_str().unwrap()],
    );
    assert!(dry.contains("Would put back 2 reviews of 1 cards"), "{dry}");
    assert!(env.reviews().is_empty());

    let out = run(&env, &["import", "--history", log.to_str().unwrap()]);
    assert!(out.contains("Put back 2 reviews of 1 cards"), "{out}");
    assert!(
        out.contains("Skipped 1 reviews of 1 cards that no deck has (pacts/gone)"),
        "{out}"
    );
    let reviews = env.reviews();
    assert_eq!(reviews.len(), 2);
    let fields: Vec<&str> = reviews[1].split('\t').collect();
    // Time, key, grade, answer ms, then the state: reviewed twice, on the review phase.
    assert_eq!(
        &fields[1..5],
        ["1793696400000", "pacts/lemoa-year", "3", "2500"]
    );
    assert_eq!((fields[10], fields[11], fields[12]), ("r", "2", "0"));

    // Importing it again adds nothing.
    let out = run(&env, &["import", "--history", log.to_str().unwrap()]);
    assert!(out.contains("Put back 0 reviews"), "{out}");
    assert!(out.contains("Skipped 2 reviews not later than"), "{out}");
    assert_eq!(env.reviews().len(), 2);
}

#[test]
fn a_bad_review_log_is_located_and_the_journal_untouched() {
    let env = Env::new();
    let file = write(&env, "cards.csv", CARDS);
    run(&env, &["import", file.to_str().unwrap()]);
    let log = write(
        &env,
        "log.csv",
        "card_key,review_time,review_rating\npacts/lemoa-year,1762160400000,3\npacts/lemoa-year,soon,3\n",
    );
    let err = env.fails(&["import", "--history", log.to_str().unwrap()], "");
    assert!(err.contains("log.csv:3:18: `review_time` must be"), "{err}");
    assert!(!env.journal_path().exists());
}

#[test]
fn an_imported_history_older_than_todays_answers_leaves_the_streak_and_heatmap_whole() {
    let env = Env::new();
    let file = write(&env, "cards.csv", CARDS);
    run(&env, &["import", file.to_str().unwrap()]);
    // The mcq first: its letter answers it.
    env.quiz(&["--deck", "pacts"], "a\nq\n");
    let before: serde_json::Value = serde_json::from_str(&run(&env, &["stats", "--json"])).unwrap();
    assert_eq!(before["streak"], 1);
    // A long log of the other card, all of it from before the heatmap's half year: appended
    // after today's answer, it is far more than the last chunk the recent reader looks at.
    let mut log = String::from("card_key,review_time,review_rating,review_duration\n");
    let day0 = 1_672_560_000_000i64; // 2023-01-01T08:00:00Z
    for d in 0..1200 {
        log.push_str(&format!(
            "pacts/beca-stand,{},3,4000\n",
            day0 + d * 86_400_000 / 2
        ));
    }
    let log = write(&env, "log.csv", &log);
    let out = run(&env, &["import", "--history", log.to_str().unwrap()]);
    assert!(out.contains("Put back 1200 reviews"), "{out}");
    let after: serde_json::Value = serde_json::from_str(&run(&env, &["stats", "--json"])).unwrap();
    assert_eq!(after["streak"], 1, "today's answer still counts");
    assert_eq!(
        after["heatmap"], before["heatmap"],
        "the old answers fall outside it"
    );
}
