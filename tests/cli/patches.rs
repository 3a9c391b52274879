//! Cards the user owns: a patch deck replaces, adds and hides built-in cards with their
//! progress kept, and `was = [...]` keeps a renamed card's progress.

use std::fs;

use crate::env::{Env, basic_deck};

const PRELIMS: &str = "india-us-2plus2-prelims";

/// Runs `smriti ARGS`, asserts it succeeded, returns (stdout, stderr).
fn runs(env: &Env, args: &[&str]) -> (String, String) {
    let out = env.cmd(args).output().unwrap();
    let (stdout, stderr) = (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    );
    assert!(out.status.success(), "{args:?}: {stderr}\n{stdout}");
    (stdout, stderr)
}

/// The `decks` columns `cards new due` of deck `id`.
fn counts(env: &Env, id: &str) -> Vec<String> {
    let (out, _) = runs(env, &["decks"]);
    let row = out
        .lines()
        .find(|l| l.starts_with(&format!("{id} ")))
        .unwrap_or_else(|| panic!("no row for {id}: {out}"));
    row.split_whitespace()
        .skip(2)
        .take(3)
        .map(str::to_owned)
        .collect()
}

const PATCH: &str = r#"[deck]
patches = "india-us-2plus2-prelims"

[[card]]
id = "two-plus-two-meaning"
q = "In one line: what is a 2+2 dialogue?"
a = "Foreign and defence ministers of two countries meeting together"
source = "My own notes, 2026"

[[card]]
id = "my-extra-card"
q = "Where was the first India–US 2+2 held?"
a = "New Delhi"
source = "MEA, 6 Sep 2018"

[[card]]
id = "india-side-ministries"
hidden = true
"#;

#[test]
fn a_patch_deck_replaces_adds_and_hides_built_in_cards_and_keeps_their_progress() {
    let env = Env::new();
    env.quiz(&["--deck", PRELIMS, "--new", "1"], "\n3\n");
    let key = format!("{PRELIMS}/two-plus-two-meaning");
    assert!(env.reviews()[0].contains(&key), "{:?}", env.reviews());
    let before = counts(&env, PRELIMS);
    let total: usize = before[0].parse().unwrap();

    let patch = env.write_deck("mine.toml", PATCH);
    // One card replaced, one added, one hidden: as many cards; the answered one still seen.
    let after = counts(&env, PRELIMS);
    assert_eq!(after[0], total.to_string(), "{after:?}");
    assert_eq!(after[1], (total - 1).to_string(), "{after:?}");

    let (card, _) = runs(&env, &["card", &key]);
    assert!(
        card.contains("In one line: what is a 2+2 dialogue?"),
        "{card}"
    );
    assert!(card.contains("My own notes, 2026"), "{card}");
    assert!(card.contains(&format!("{}:4", patch.display())), "{card}");
    assert!(
        card.contains("good"),
        "the answer before the patch is kept: {card}"
    );

    let (found, _) = runs(&env, &["search", "first India US 2+2 held"]);
    assert!(
        found.contains(&format!("{PRELIMS}/my-extra-card")),
        "{found}"
    );
    let hidden = env
        .cmd(&["card", &format!("{PRELIMS}/india-side-ministries")])
        .output()
        .unwrap();
    assert_eq!(hidden.status.code(), Some(1), "a hidden card is gone");
    let (checked, _) = runs(&env, &["check"]);
    assert!(checked.contains("no errors"), "{checked}");

    // The quiz shows the patched text under the same key.
    let out = env.quiz(
        &["--deck", PRELIMS, "--cram", "--limit", "300"],
        &"\n3\n".repeat(300),
    );
    assert!(
        out.contains("In one line: what is a 2+2 dialogue?"),
        "{out}"
    );
    assert!(!out.contains("What does a ‘2+2’ dialogue mean"), "{out}");
}

#[test]
fn a_patch_that_does_not_fit_is_left_out_with_a_warning_and_fails_check() {
    let env = Env::new();
    env.write_deck(
        "mine.toml",
        &PATCH.replace("id = \"india-side-ministries\"", "id = \"no-such-card\""),
    );
    let (_, err) = runs(&env, &["decks"]);
    assert!(
        err.contains("mine.toml:16:1: card \"no-such-card\": `hidden = true`, but deck")
            && err.contains("its cards are left out until it is fixed"),
        "{err}"
    );
    assert_eq!(
        counts(&env, PRELIMS)[0],
        "279",
        "the built-in deck as shipped"
    );
    let err = env.fails(&["check"], "");
    assert!(err.contains("has no card `no-such-card` to hide"), "{err}");

    env.write_deck("mine.toml", "[deck]\npatches = \"no-deck\"\n");
    let err = env.fails(&["check"], "");
    assert!(
        err.contains("mine.toml:2:1: `patches` names deck `no-deck`, which does not exist"),
        "{err}"
    );
}

#[test]
fn was_keeps_progress_across_a_rename_and_check_refuses_a_live_old_id() {
    let env = Env::new();
    let deck = basic_deck(2);
    let path = env.write_deck("t.toml", &deck);
    env.quiz(&["--deck", "t"], &"\n3\n".repeat(2));
    assert_eq!(counts(&env, "t"), ["2", "0", "0"]);

    fs::write(
        &path,
        deck.replace("id = \"c0\"\n", "id = \"first\"\nwas = [\"c0\"]\n"),
    )
    .unwrap();
    assert_eq!(
        counts(&env, "t"),
        ["2", "0", "0"],
        "the renamed card is not new"
    );
    let (card, _) = runs(&env, &["card", "t/first"]);
    assert!(card.contains("card     t/first"), "{card}");
    assert!(
        card.contains("good"),
        "its answer under the old key: {card}"
    );
    let (old, _) = runs(&env, &["card", "t/c0"]);
    assert!(
        old.contains("card     t/first"),
        "an old key finds the card: {old}"
    );

    // Answered again under its new key, and reloaded: still one card's progress.
    let later = Env {
        now: "2026-12-24T10:00:00Z".to_owned(),
        ..env
    };
    let out = later.quiz(&["--deck", "t"], &"\n3\n".repeat(2));
    assert!(out.contains("Question 0?"), "{out}");
    assert!(later.reviews().iter().any(|r| r.contains("\tt/first\t")));
    assert_eq!(counts(&later, "t"), ["2", "0", "0"]);

    fs::write(
        &path,
        deck.replace("id = \"c0\"\n", "id = \"c0\"\nwas = [\"c1\"]\n"),
    )
    .unwrap();
    let err = later.fails(&["check"], "");
    assert!(
        err.contains("t.toml:6:1: card \"c0\": `was` names `c1`, which is the id of a live card"),
        "{err}"
    );
}

#[test]
fn built_in_ids_carry_no_file_numbers_and_old_ones_still_find_their_card() {
    let env = Env::new();
    for deck in ["india-us-2plus2-prelims", "india-us-2plus2-mains"] {
        let (out, _) = runs(&env, &["search", "--deck", deck, "--json", "2"]);
        let cards: serde_json::Value = serde_json::from_str(&out).unwrap();
        for card in cards.as_array().unwrap() {
            let key = card["key"].as_str().unwrap();
            assert!(!key.contains("/seed"), "{key} carries a seed file number");
        }
    }
    let (out, _) = runs(
        &env,
        &["card", &format!("{PRELIMS}/seed000-ministerial-only-us")],
    );
    assert!(
        out.contains(&format!("{PRELIMS}/ministerial-only-us-claim")),
        "{out}"
    );
}

#[test]
fn a_patch_deck_checked_alone_may_patch_a_users_deck() {
    let env = Env::new();
    env.write_deck("t.toml", &basic_deck(2));
    let patch = env.write_deck(
        "t-patch.toml",
        "[deck]\npatches = \"t\"\n\n[[card]]\nid = \"c1\"\nhidden = true\n",
    );
    let (out, _) = runs(&env, &["check", &patch.display().to_string()]);
    assert!(out.contains("no errors"), "{out}");
    assert_eq!(counts(&env, "t")[0], "1", "c1 is hidden");
    let bad = env.write_deck(
        "t-patch.toml",
        "[deck]\npatches = \"t\"\n\n[[card]]\nid = \"c9\"\nhidden = true\n",
    );
    let err = env.fails(&["check", &bad.display().to_string()], "");
    assert!(err.contains("deck `t` has no card `c9` to hide"), "{err}");
}
