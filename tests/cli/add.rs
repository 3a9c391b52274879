//! `smriti add`: cards from flags and batch files land in the user's deck, the rest of the
//! file is untouched, and nothing at all is written on any error.

use std::fs;
use std::path::Path;

use assert_cmd::assert::Assert;
use predicates::prelude::*;

use crate::env::Env;

/// A deck written by hand, with comments, odd spacing, a literal string and no final newline.
const HAND_WRITTEN: &str = "# My notes — written by hand\n\
[deck]\n\
id   =   \"mine\"      # aligned, on purpose\n\
name = 'Mine'\n\
exam = \"prelims\"\n\
\n\
[[card]]\n\
  id = \"a1\"\n\
  kind = \"mcq\"\n\
  q = \"\"\"\n\
Which year?\"\"\"\n\
  a = \"2016\"   # trailing comment\n\
  group = \"years\"\n\
  tags = [ \"pacts\" ,\"years\" ]\n\
  source = \"book\"\n\
\n\
[[card]]\n\
id = \"a2\"\n\
kind = \"mcq\"\n\
q = \"And the next?\"\n\
a = \"2018\"\n\
group = \"years\"\n\
source = \"book\"\n\
# a comment at the very end";

impl Env {
    /// `smriti add ARGS` with nothing on stdin, so it never asks.
    fn add(&self, args: &[&str]) -> Assert {
        let mut all = vec!["add"];
        all.extend_from_slice(args);
        self.cmd(&all).write_stdin("").assert()
    }

    fn deck_path(&self, name: &str) -> std::path::PathBuf {
        self.path().join("decks").join(name)
    }
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap()
}

#[test]
fn adding_keeps_the_rest_of_a_hand_written_deck_byte_for_byte() {
    let env = Env::new();
    let path = env.write_deck("mine.toml", HAND_WRITTEN);
    env.add(&[
        "--deck",
        "mine",
        "--q",
        "What does BECA stand for?",
        "--a",
        "Basic Exchange and Cooperation Agreement",
        "--tag",
        "new-tag",
        "--source",
        "notes, p. 4",
    ])
    .success()
    .stdout(format!("added \"mine/beca-stand\" to {}\n", path.display()));
    let after = read(&path);
    assert_eq!(
        after,
        format!(
            "{HAND_WRITTEN}\n\n[[card]]\nid = \"beca-stand\"\nkind = \"basic\"\n\
             q = \"What does BECA stand for?\"\na = \"Basic Exchange and Cooperation Agreement\"\n\
             tags = [\"new-tag\"]\nsource = \"notes, p. 4\"\n"
        )
    );
    env.cmd(&["check"]).assert().success();
    let shown = env.quiz(&["--deck", "mine", "--tag", "new-tag"], "\n3\n");
    assert!(shown.contains("What does BECA stand for?"), "{shown}");
    assert!(
        shown.contains("Answer: Basic Exchange and Cooperation Agreement"),
        "{shown}"
    );
    assert_eq!(env.reviews().len(), 1, "the new card was answered as new");
}

#[test]
fn a_new_deck_is_created_in_the_home_folder() {
    let env = Env::new();
    env.add(&[
        "--deck",
        "gs2",
        "--exam",
        "mains",
        "--q",
        "Discuss the significance of the 2+2 dialogue.",
        "--point",
        "Brings foreign and defence ministers together",
        "--point",
        "Signals strategic trust",
        "--year",
        "2019",
        "--word-limit",
        "150",
        "--source",
        "PYQ",
    ])
    .success()
    .stdout(predicate::str::contains(
        "added \"gs2/discuss-significance-2-2-dialogue\"",
    ));
    let text = read(&env.deck_path("gs2.toml"));
    assert!(
        text.starts_with("[deck]\nid = \"gs2\"\nname = \"Gs2\"\nexam = \"mains\"\n\n[[card]]\n"),
        "{text}"
    );
    assert!(text.contains("kind = \"mains\"\n"));
    assert!(text.contains("year = 2019\n"));
    assert!(text.contains(
        "points = [\"Brings foreign and defence ministers together\", \"Signals strategic trust\"]\n"
    ));
    assert!(text.contains("word_limit = 150\n"));
    env.cmd(&["check"]).assert().success();
    let shown = env.quiz(&["--deck", "gs2"], "\n3\n");
    assert!(
        shown.contains("(UPSC 2019 · 150 words · 2 key points)"),
        "{shown}"
    );
}

#[test]
fn each_kind_can_be_added_with_flags() {
    let env = Env::new();
    let cases: &[&[&str]] = &[
        &["--q", "Capital of India?", "--a", "New Delhi"],
        &[
            "--kind",
            "typed",
            "--q",
            "LEMOA expands to?",
            "--a",
            "Logistics Exchange Memorandum of Agreement",
            "--accept",
            "LEMOA",
        ],
        &[
            "--q",
            "When was COMCASA signed?",
            "--a",
            "2018",
            "--option",
            "2016",
            "--option",
            "2018",
            "--option",
            "2020",
        ],
        &[
            "--q",
            "When was BECA signed?",
            "--a",
            "2020",
            "--distractor",
            "2016",
            "--distractor",
            "2019",
        ],
        &["--text", "{{LEMOA}} was signed in {{2016::year}}."],
        &["--q", "Examine CAATSA.", "--point", "Sanctions law of 2017"],
    ];
    for args in cases {
        let mut all = vec!["--source", "notes", "--tag", "t"];
        all.extend_from_slice(args);
        env.add(&all).success();
    }
    let text = read(&env.deck_path("my-notes.toml"));
    for kind in ["basic", "typed", "mcq", "cloze", "mains"] {
        assert!(
            text.contains(&format!("kind = \"{kind}\"\n")),
            "{kind}: {text}"
        );
    }
    assert!(text.contains("accept = [\"LEMOA\"]\n"));
    assert!(text.contains("options = [\"2016\", \"2018\", \"2020\"]\n"));
    assert!(text.contains("distractors = [\"2016\", \"2019\"]\n"));
    assert!(text.contains("id = \"lemoa-signed-2016\"\n"), "{text}");
    env.cmd(&["check"])
        .assert()
        .success()
        .stdout(predicate::str::contains("3 decks"));
    // Six notes, one of them a cloze of two gaps: seven new cards, all quizzable.
    let out = env
        .cmd(&["decks"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    let line = out.lines().find(|l| l.contains("my-notes")).unwrap();
    assert!(line.contains('7'), "{line}");
}

/// Runs `add` with `args` against the hand-written deck and checks it fails with `message`
/// and leaves the file exactly as it was.
fn refused(args: &[&str], message: &str) {
    let env = Env::new();
    let path = env.write_deck("mine.toml", HAND_WRITTEN);
    let mut all = vec!["--deck", "mine"];
    all.extend_from_slice(args);
    env.add(&all)
        .code(1)
        .stdout("")
        .stderr(predicate::str::contains(message))
        .stderr(predicate::str::contains("nothing was written"));
    assert_eq!(read(&path), HAND_WRITTEN, "file changed for {args:?}");
    assert_eq!(fs::read_dir(env.path().join("decks")).unwrap().count(), 1);
}

#[test]
fn keep_order_writes_shuffle_false_and_the_quiz_keeps_that_order() {
    let env = Env::new();
    let statements = ["1 only", "2 only", "Both 1 and 2", "Neither 1 nor 2"];
    let mut args = vec![
        "--q",
        "Which statements are correct?",
        "--a",
        "Neither 1 nor 2",
        "--keep-order",
        "--source",
        "notes",
    ];
    for s in &statements {
        args.extend(["--option", s]);
    }
    env.add(&args).success();
    let text = read(&env.deck_path("my-notes.toml"));
    assert!(text.contains("shuffle = false\n"), "{text}");
    let out = env.quiz(&["--deck", "my-notes"], "d\n");
    let shown = statements
        .iter()
        .enumerate()
        .map(|(i, s)| format!("  {}) {s}\n", (b'a' + i as u8) as char))
        .collect::<String>();
    assert!(out.contains(&shown), "{out}");
    assert!(out.contains("✓ Correct: d) Neither 1 nor 2"), "{out}");
}

#[test]
fn keep_order_needs_options() {
    refused(
        &[
            "--q",
            "Year?",
            "--a",
            "2016",
            "--distractor",
            "2018",
            "--keep-order",
            "--source",
            "s",
        ],
        "`shuffle = false` keeps the order of `options` as written",
    );
    refused(
        &[
            "--q",
            "Q?",
            "--a",
            "A",
            "--keep-order",
            "--kind",
            "basic",
            "--source",
            "s",
        ],
        "--keep-order does not apply to a basic card",
    );
}

#[test]
fn a_missing_answer_is_refused() {
    refused(
        &["--q", "Q?", "--source", "s"],
        "smriti: a basic card needs --a",
    );
}

#[test]
fn a_flag_the_kind_does_not_take_is_refused() {
    refused(
        &[
            "--q", "Q?", "--a", "A", "--point", "p", "--kind", "basic", "--source", "s",
        ],
        "--point does not apply to a basic card (it takes --q, --a)",
    );
}

#[test]
fn a_missing_source_is_refused() {
    refused(&["--q", "Q?", "--a", "A"], "--source is required");
}

#[test]
fn an_mcq_answer_not_among_its_options_is_refused_with_its_line() {
    refused(
        &[
            "--q", "Year?", "--a", "2016", "--option", "2018", "--option", "2020", "--source", "s",
        ],
        "mine.toml:30:5: card \"year\": mcq answer \"2016\" is not among its options",
    );
}

#[test]
fn an_unclosed_cloze_gap_is_refused() {
    refused(
        &["--text", "{{LEMOA}} in {{2016", "--source", "s"],
        "never closed",
    );
}

#[test]
fn a_cloze_text_whose_only_gap_is_unclosed_says_so() {
    refused(
        &["--text", "{{COMCASA was signed", "--source", "s"],
        "--text has a `{{` that is never closed with `}}` (at character 1)",
    );
}

#[test]
fn a_bad_date_is_refused() {
    refused(
        &[
            "--q", "Q?", "--a", "A", "--source", "s", "--as-of", "May 2024",
        ],
        "--as-of `May 2024` is not a date; write it as YYYY-MM-DD",
    );
}

#[test]
fn an_invalid_or_taken_id_is_refused() {
    refused(
        &["--q", "Q?", "--a", "A", "--source", "s", "--id", "a b"],
        "a card id may only hold ASCII letters",
    );
    refused(
        &["--q", "Q?", "--a", "A", "--source", "s", "--id", "a1"],
        "card \"a1\": duplicate card id; it is already used on line 8",
    );
}

#[test]
fn a_group_with_no_other_answers_is_refused() {
    refused(
        &[
            "--q", "Q?", "--a", "A", "--group", "lonely", "--source", "s",
        ],
        "group \"lonely\" has no other answers",
    );
}

#[test]
fn a_non_positive_year_is_refused() {
    refused(
        &[
            "--q", "Discuss.", "--point", "p", "--year", "0", "--source", "s",
        ],
        "`year` must be a positive number",
    );
}

#[test]
fn a_duplicate_question_is_refused_unless_forced() {
    let env = Env::new();
    let path = env.write_deck("mine.toml", HAND_WRITTEN);
    env.add(&[
        "--deck",
        "mine",
        "--q",
        "  and THE   next? ",
        "--a",
        "2018",
        "--source",
        "s",
    ])
    .code(1)
    .stderr(predicate::str::contains(
        "card \"a2\" on line 17 already asks \"and THE   next?\"",
    ))
    .stderr(predicate::str::contains("--force"));
    assert_eq!(read(&path), HAND_WRITTEN);

    env.add(&[
        "--deck",
        "mine",
        "--q",
        "And the next?",
        "--a",
        "2018",
        "--source",
        "s",
        "--force",
    ])
    .success()
    .stdout(predicate::str::contains("added \"mine/next\""));
    env.add(&["--deck", "mine", "--q", "Next", "--a", "x", "--source", "s"])
        .success()
        .stdout(predicate::str::contains("added \"mine/next-2\""));
    assert!(read(&path).starts_with(HAND_WRITTEN));
}

/// Punctuation does not make a question new either, and a question asked by another deck (a
/// built-in one here) is added with a warning, not refused.
#[test]
fn duplicates_are_found_despite_punctuation_and_across_decks() {
    let env = Env::new();
    let path = env.write_deck("mine.toml", HAND_WRITTEN);
    env.add(&[
        "--deck",
        "mine",
        "--q",
        "And the next",
        "--a",
        "x",
        "--source",
        "s",
    ])
    .code(1)
    .stderr(predicate::str::contains(
        "card \"a2\" on line 17 already asks",
    ));
    assert_eq!(read(&path), HAND_WRITTEN);

    let builtin_question = "what does a 2+2 dialogue mean in India’s foreign policy";
    // The built-in card's `[[card]]` line, wherever the deck's edits have put it.
    let source = fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("decks/india-us-2plus2-prelims.toml"),
    )
    .unwrap();
    let id_line = source
        .lines()
        .position(|l| l == "id = \"two-plus-two-meaning\"")
        .unwrap();
    env.add(&["--q", builtin_question, "--a", "x", "--source", "s"])
        .success()
        .stdout(predicate::str::contains("added \"my-notes/"))
        .stderr(predicate::str::contains(format!(
            "asks what \"india-us-2plus2-prelims/two-plus-two-meaning\" already asks \
             (decks/india-us-2plus2-prelims.toml:{id_line})"
        )));
}

#[test]
fn a_deck_file_in_a_missing_folder_is_refused_and_one_outside_the_home_is_warned_about() {
    let env = Env::new();
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("typo").join("notes.toml");
    env.add(&[
        "--deck",
        &missing.display().to_string(),
        "--q",
        "Q?",
        "--a",
        "A",
        "--source",
        "s",
    ])
    .code(1)
    .stderr(predicate::str::contains(format!(
        "the folder {} does not exist",
        dir.path().join("typo").display()
    )));
    assert!(!dir.path().join("typo").exists());

    let outside = dir.path().join("notes.toml");
    env.add(&[
        "--deck",
        &outside.display().to_string(),
        "--q",
        "Q?",
        "--a",
        "A",
        "--source",
        "s",
    ])
    .success()
    .stderr(predicate::str::contains(format!(
        "smriti: warning: {} is outside {}",
        outside.display(),
        env.path().join("decks").display()
    )));
    let inside = env.path().join("decks").join("notes.toml");
    env.add(&[
        "--deck",
        &inside.display().to_string(),
        "--q",
        "Q?",
        "--a",
        "A",
        "--source",
        "s",
    ])
    .success()
    .stderr("");

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(&outside).unwrap().permissions().mode() & 0o777;
        let plain = dir.path().join("plain");
        fs::write(&plain, "").unwrap();
        assert_eq!(
            mode,
            fs::metadata(&plain).unwrap().permissions().mode() & 0o777
        );
    }
}

#[test]
fn a_built_in_deck_is_read_only() {
    let env = Env::new();
    env.add(&[
        "--deck",
        "india-us-2plus2-prelims",
        "--q",
        "Q?",
        "--a",
        "A",
        "--source",
        "s",
    ])
    .code(1)
    .stderr(predicate::str::contains(
        "built-in decks are read-only; add to your own deck with --deck my-notes",
    ));
    assert!(!env.path().join("decks").exists());
}

#[test]
fn a_deck_given_by_path_is_found_or_created() {
    let env = Env::new();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("elsewhere.toml");
    let shown = path.display().to_string();
    for q in ["First?", "Second?"] {
        env.add(&["--deck", &shown, "--q", q, "--a", "A", "--source", "s"])
            .success()
            .stdout(predicate::str::contains("added \"elsewhere/"));
    }
    env.cmd(&["check", &shown]).assert().success();
    assert_eq!(read(&path).matches("[[card]]").count(), 2);
}

#[test]
fn a_batch_file_is_added_whole_or_not_at_all() {
    let env = Env::new();
    let path = env.write_deck("mine.toml", HAND_WRITTEN);
    let dir = tempfile::tempdir().unwrap();
    let batch = dir.path().join("batch.toml");
    let good = "[[card]]\nkind = \"mcq\"\nq = \"Year of LEMOA?\"\na = \"2016\"\ngroup = \"new\"\nsource = \"s\"\n\n\
                [[card]]\nkind = \"mcq\"\nq = \"Year of BECA?\"\na = \"2020\"\ngroup = \"new\"\nsource = \"s\"\n\n\
                [[card]]\nid = \"own-id\"\nkind = \"cloze\"\ntext = \"{{COMCASA}}\"\nsource = \"s\"\nas_of = 2024-01-02\n";
    // One bad card (no source) spoils the batch.
    fs::write(&batch, format!("{good}\n[[card]]\nq = \"x\"\na = \"y\"\n")).unwrap();
    let shown = batch.display().to_string();
    env.add(&["--deck", "mine", "--from-file", &shown])
        .code(1)
        .stderr(predicate::str::contains("missing `source`"));
    assert_eq!(read(&path), HAND_WRITTEN);

    fs::write(&batch, good).unwrap();
    env.add(&["--deck", "mine", "--from-file", &shown])
        .success()
        .stdout(
            predicate::str::contains("added \"mine/year-lemoa\"")
                .and(predicate::str::contains("added \"mine/year-beca\""))
                .and(predicate::str::contains("added \"mine/own-id\"")),
        );
    let text = read(&path);
    assert!(text.starts_with(HAND_WRITTEN));
    assert!(text.contains("as_of = 2024-01-02\n"));
    env.cmd(&["check"]).assert().success();
}

#[test]
fn a_batch_file_that_is_not_toml_names_its_line() {
    let env = Env::new();
    let dir = tempfile::tempdir().unwrap();
    let batch = dir.path().join("batch.toml");
    fs::write(&batch, "[[card]]\nq = \"x\"\nbogus = 1\n").unwrap();
    let shown = batch.display().to_string();
    env.add(&["--from-file", &shown])
        .code(1)
        .stderr(predicate::str::contains(format!(
            "{shown}:3:1: unknown field `bogus`"
        )));
    assert!(!env.path().join("decks").exists());
}

/// Every error of a batch is listed, each at its own line and column in the batch file: the
/// batch's own mistakes (unknown kinds) and then the deck rules (a missing field, an answer
/// not among the options, located at the key the user wrote).
#[test]
fn a_batch_file_lists_every_error_at_its_own_line() {
    let env = Env::new();
    let path = env.write_deck("mine.toml", HAND_WRITTEN);
    let dir = tempfile::tempdir().unwrap();
    let batch = dir.path().join("batch.toml");
    let shown = batch.display().to_string();
    let cards = |first: &str, second: &str| {
        format!(
            "[[card]]\nq = \"Capital?\"\na = \"Delhi\"\nsource = \"s\"\n\n\
             [[card]]\nkind = \"{first}\"\ntext = \"{{{{x}}}}\"\nsource = \"s\"\n\n\
             [[card]]\nkind = \"{second}\"\nq = \"Year?\"\n  a = \"2016\"\noptions = [\"2018\", \"2020\"]\nsource = \"s\"\n\n\
             [[card]]\nkind = \"typed\"\nq = \"T\"\na = \"A\"\n"
        )
    };
    fs::write(&batch, cards("clozee", "flash")).unwrap();
    let err = env.fails(&["add", "--deck", "mine", "--from-file", &shown], "");
    assert!(
        err.contains(&format!("{shown}:7:8: unknown kind `clozee`")),
        "{err}"
    );
    assert!(
        err.contains(&format!("{shown}:12:8: unknown kind `flash`")),
        "{err}"
    );

    fs::write(&batch, cards("cloze", "mcq")).unwrap();
    let err = env.fails(&["add", "--deck", "mine", "--from-file", &shown], "");
    assert!(
        err.contains(&format!(
            "{shown}:14:3: card \"year\": mcq answer \"2016\" is not among its options"
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!("{shown}:18:1: card \"t\": missing `source`")),
        "{err}"
    );
    assert!(!err.contains("mine.toml:"), "{err}");
    assert_eq!(read(&path), HAND_WRITTEN);
}

#[test]
fn a_new_deck_may_not_reuse_a_deck_id() {
    let env = Env::new();
    let dir = tempfile::tempdir().unwrap();
    let clash = dir.path().join("india-us-2plus2-prelims.toml");
    let shown = clash.display().to_string();
    env.add(&["--deck", &shown, "--q", "Q?", "--a", "A", "--source", "s"])
        .code(1)
        .stderr(predicate::str::contains("taken by a built-in deck"));
    assert!(!clash.exists());

    env.write_deck("notes.toml", "[deck]\nid = \"mine\"\nexam = \"prelims\"\n");
    let other = dir.path().join("mine.toml");
    let shown = other.display().to_string();
    env.add(&["--deck", &shown, "--q", "Q?", "--a", "A", "--source", "s"])
        .code(1)
        .stderr(predicate::str::contains(
            "deck id `mine` is already used by",
        ));
    assert!(!other.exists());
    // By id, the existing file is found instead.
    env.add(&["--deck", "mine", "--q", "Q?", "--a", "A", "--source", "s"])
        .success()
        .stdout(predicate::str::contains("notes.toml"));
}

#[test]
fn a_batch_file_does_not_mix_with_card_flags() {
    let env = Env::new();
    env.add(&["--from-file", "x.toml", "--q", "Q?"])
        .code(2)
        .stderr(predicate::str::contains("cannot be used with"));
}

#[test]
fn a_deck_that_is_already_invalid_is_not_touched() {
    let env = Env::new();
    let broken =
        "[deck]\nid = \"mine\"\nexam = \"prelims\"\n\n[[card]]\nid = \"x\"\nq = \"Q\"\na = \"A\"\n";
    let path = env.write_deck("mine.toml", broken);
    env.add(&["--deck", "mine", "--q", "New?", "--a", "B", "--source", "s"])
        .code(1)
        .stderr(predicate::str::contains(
            "mine.toml:5:1: card \"x\": missing `source`",
        ))
        .stderr(predicate::str::contains(
            "already has errors; fix them first",
        ));
    assert_eq!(read(&path), broken);
}
