//! `smriti check` and deck errors.

use predicates::prelude::*;

use crate::env::{Env, basic_deck};

#[test]
fn built_in_decks_pass_check() {
    let env = Env::new();
    env.cmd(&["check"])
        .assert()
        .success()
        .stdout(predicate::str::contains("no errors"));
}

#[test]
fn an_invalid_deck_fails_with_file_line_and_card() {
    let env = Env::new();
    let path = env.write_deck(
        "bad.toml",
        r#"[deck]
id = "bad"
exam = "prelims"

[[card]]
id = "lemoa-year"
kind = "mcq"
q = "LEMOA?"
a = "2016"
options = ["2018", "2020"]
source = "s"

[[card]]
id = "no-source"
q = "q"
a = "a"
"#,
    );
    let shown = path.display().to_string();
    env.cmd(&["check", &shown])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(format!(
            "smriti: {shown}:9:5: card \"lemoa-year\": mcq answer \"2016\" is not among its options"
        )))
        .stderr(predicate::str::contains(format!(
            "{shown}:13:1: card \"no-source\": missing `source`"
        )))
        .stderr(predicate::str::contains("2 errors found"));
}

#[test]
fn check_without_paths_covers_the_users_decks() {
    let env = Env::new();
    env.write_deck("ok.toml", &basic_deck(2));
    env.write_deck(
        "broken.toml",
        "[deck]\nid = \"x\"\nexam = \"prelims\"\n[[card]]\nid = \"a b\"\n",
    );
    env.cmd(&["check"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "broken.toml:5:6: card \"a b\": a card id may only hold",
        ));
}

#[test]
fn a_toml_syntax_error_is_located() {
    let env = Env::new();
    let path = env.write_deck(
        "syntax.toml",
        "[deck]\nid = \"x\"\nexam = \"prelims\"\n[[card]]\nq = \"unterminated\n",
    );
    env.cmd(&["check", &path.display().to_string()])
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("syntax.toml:5:")
                .and(predicate::str::contains("invalid TOML")),
        );
}

#[test]
fn an_invalid_config_is_an_error_with_its_line() {
    let env = Env::new();
    env.write_config("new_per_day = 20\ndesired_retention = 2\n");
    env.cmd(&["decks"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "config.toml:2:21: `desired_retention` must be between",
        ));
}

#[test]
fn usage_errors_exit_2() {
    let env = Env::new();
    env.cmd(&["quiz", "--limit", "many"]).assert().code(2);
    env.cmd(&["frobnicate"]).assert().code(2);
}

#[test]
fn completions_are_printed_for_each_shell_even_with_a_broken_config() {
    let env = Env::new();
    env.write_config("desired_retention = 7\n");
    env.cmd(&["completions", "bash"])
        .assert()
        .success()
        .stdout(predicate::str::contains("_smriti()").and(predicate::str::contains("quiz")));
    env.cmd(&["completions", "fish"])
        .assert()
        .success()
        .stdout(predicate::str::contains("complete -c smriti"));
    env.cmd(&["completions", "tcsh"]).assert().code(2);
}

#[test]
fn deck_text_in_an_error_cannot_reach_the_terminal_as_control_sequences() {
    let env = Env::new();
    let path = env.write_deck(
        "esc.toml",
        "[deck]\nid = \"esc\"\nexam = \"prelims\"\n[[card]]\nid = \"c\"\nkind = \"\\u001b]0;pwned\\u0007\"\nsource = \"s\"\n",
    );
    let checked = env.fails(&["check", path.to_str().unwrap()], "");
    // `decks` leaves the deck out with a warning, which is cleaned the same way.
    let out = env.cmd(&["decks"]).output().unwrap();
    assert!(out.status.success());
    let warned = String::from_utf8(out.stderr).unwrap();
    for err in [checked, warned] {
        assert!(err.contains("unknown kind"), "{err}");
        assert!(!err.contains('\u{1b}') && !err.contains('\u{7}'), "{err:?}");
    }
}

#[test]
fn check_refuses_a_user_deck_that_reuses_a_built_in_id() {
    let env = Env::new();
    env.write_deck(
        "a.toml",
        "[deck]\nid = \"india-us-2plus2-prelims\"\nexam = \"prelims\"\n",
    );
    env.cmd(&["check"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "deck id `india-us-2plus2-prelims` is already used by decks/india-us-2plus2-prelims.toml",
        ));
}

#[test]
fn an_io_error_is_said_once() {
    let env = Env::new();
    std::fs::write(env.path().join("decks"), "not a folder").unwrap();
    let err = env.fails(&["decks"], "");
    assert_eq!(err.matches("Not a directory").count(), 1, "{err}");
}
