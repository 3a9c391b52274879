//! One broken user deck never stops a day's study: it is left out with one warning, its
//! cards' progress untouched, while `check` still fails on it.

use std::fs;

use crate::env::{Env, basic_deck};

const LEFT_OUT: &str = "its cards are left out until it is fixed; run smriti check";

/// Runs `smriti ARGS`, asserts it succeeded, returns (stdout, stderr).
fn runs(env: &Env, args: &[&str], input: &str) -> (String, String) {
    let out = env
        .cmd(args)
        .write_stdin(input.to_owned())
        .output()
        .unwrap();
    let (stdout, stderr) = (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    );
    assert!(out.status.success(), "{args:?}: {stderr}\n{stdout}");
    (stdout, stderr)
}

/// The `decks` row of deck `id`, split into its columns.
fn row(env: &Env, id: &str) -> Vec<String> {
    let (out, _) = runs(env, &["decks"], "");
    out.lines()
        .find(|l| l.starts_with(&format!("{id} ")))
        .unwrap_or_else(|| panic!("no row for {id}: {out}"))
        .split_whitespace()
        .map(str::to_owned)
        .collect()
}

#[test]
fn a_broken_user_deck_is_one_warning_and_its_progress_is_kept_until_it_is_fixed() {
    let env = Env::new();
    let good = basic_deck(2);
    let path = env.write_deck("t.toml", &good);
    env.quiz(&["--deck", "t"], &"\n3\n".repeat(2));
    assert_eq!(row(&env, "t")[2..5], ["2", "0", "0"]);
    let before = fs::read_to_string(env.journal_path()).unwrap();

    // Two errors in the file, still one warning, at the first.
    let broken = good
        .replace("q = \"Question 0?\"", "q = 7")
        .replace("q = \"Question 1?\"", "q = 8");
    fs::write(&path, broken).unwrap();
    for args in [
        &["decks"][..],
        &["stats"],
        &["plan"],
        &["quiz", "--plain", "--limit", "1"],
    ] {
        let (_, err) = runs(&env, args, "\n3\n");
        let warnings: Vec<&str> = err.lines().filter(|l| l.contains("warning")).collect();
        assert_eq!(warnings.len(), 1, "{args:?}: {err}");
        assert!(
            warnings[0].starts_with("smriti: warning: ")
                && warnings[0].contains("t.toml:8:5: ")
                && warnings[0].contains("(and 1 more)")
                && warnings[0].ends_with(LEFT_OUT),
            "{args:?}: {err}"
        );
    }
    // The built-in quiz ran and recorded its answer; the broken deck's lines are as they were
    // and nothing was written for its cards.
    let after = fs::read_to_string(env.journal_path()).unwrap();
    assert!(after.starts_with(&before));
    let added = &after[before.len()..];
    assert!(added.contains("\tindia-us-2plus2-"), "{added}");
    assert!(!added.contains("\tt/"), "{added}");
    env.fails(&["check"], "");

    fs::write(&path, &good).unwrap();
    let (_, err) = runs(&env, &["decks"], "");
    assert!(!err.contains("warning"), "{err}");
    assert_eq!(row(&env, "t")[2..5], ["2", "0", "0"], "progress kept");
}

#[test]
fn a_deck_reusing_an_id_is_left_out_with_a_warning_and_refused_by_check() {
    let env = Env::new();
    env.write_deck(
        "copy.toml",
        "[deck]\nid = \"india-us-2plus2-mains\"\nexam = \"mains\"\n",
    );
    let (out, err) = runs(&env, &["decks"], "");
    assert!(
        err.contains("copy.toml:1:1: deck id `india-us-2plus2-mains` is already used by")
            && err.contains(LEFT_OUT),
        "{err}"
    );
    assert_eq!(out.matches("india-us-2plus2-mains").count(), 1, "{out}");
    let err = env.fails(&["check"], "");
    assert!(err.contains("is already used by"), "{err}");
}

#[test]
fn a_broken_deck_named_with_deck_is_still_an_error() {
    let env = Env::new();
    let path = env.write_deck("bad.toml", "[deck]\nid = \"x\"\nexam = \"finals\"\n");
    let err = env.fails(&["quiz", "--plain", "--deck", path.to_str().unwrap()], "");
    assert!(err.contains("bad.toml:3:8: unknown exam `finals`"), "{err}");
    assert!(!err.contains(LEFT_OUT), "{err}");
    assert!(!env.journal_path().exists());
}

#[test]
fn check_on_the_built_in_deck_source_checks_it_as_that_deck() {
    let env = Env::new();
    let source = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/decks/india-us-2plus2-prelims.toml"
    );
    let (out, _) = runs(&env, &["check", source], "");
    assert!(out.starts_with("1 deck and "), "{out}");

    // A copy elsewhere with the same text is the same deck; an edited copy is a user deck
    // reusing the built-in id.
    let text = fs::read_to_string(source).unwrap();
    let copy = env.path().join("same.toml");
    fs::write(&copy, &text).unwrap();
    runs(&env, &["check", copy.to_str().unwrap()], "");
    let edited = env.path().join("edited.toml");
    fs::write(&edited, format!("{text}\n# mine\n")).unwrap();
    let err = env.fails(&["check", edited.to_str().unwrap()], "");
    assert!(
        err.contains("deck id `india-us-2plus2-prelims` is already used by"),
        "{err}"
    );
}
