//! Bounded work on any deck: each limit is a clear error with the file and line, reached
//! without first doing the work the limit is there to prevent.

use crate::env::{Env, basic_deck};

const HEAD: &str = "[deck]\nid = \"h\"\nname = \"Hostile\"\nexam = \"prelims\"\n\n";

fn check_fails(env: &Env, deck: &str) -> String {
    let path = env.write_deck("h.toml", deck);
    let err = env.fails(&["check", path.to_str().unwrap()], "");
    assert!(err.contains("h.toml:"), "{err}");
    err
}

#[test]
fn a_cloze_with_thousands_of_gaps_is_refused_at_its_line() {
    let env = Env::new();
    let cloze = |gaps: usize| {
        let text = "{{x}} ".repeat(gaps);
        format!("{HEAD}[[card]]\nid = \"c\"\nkind = \"cloze\"\ntext = \"{text}\"\nsource = \"s\"\n")
    };
    let err = check_fails(&env, &cloze(60));
    assert!(
        err.contains("h.toml:9:8: card \"c\": the cloze has 60 gaps; a card may have at most 50"),
        "{err}"
    );
    // The 120 KB cloze of 20,000 gaps stops at the field's length.
    let err = check_fails(&env, &cloze(20_000));
    assert!(
        err.contains("h.toml:9:8: card \"c\": `text` is 120000 bytes long"),
        "{err}"
    );
}

#[test]
fn an_mcq_with_a_hundred_thousand_options_is_refused() {
    let env = Env::new();
    let options: Vec<String> = (0..100_001).map(|i| format!("\"o{i}\"")).collect();
    let deck = format!(
        "{HEAD}[[card]]\nid = \"m\"\nkind = \"mcq\"\nq = \"Q?\"\na = \"o1\"\noptions = [{}]\nsource = \"s\"\n",
        options.join(", ")
    );
    let err = check_fails(&env, &deck);
    assert!(
        err.contains(
            "h.toml:11:11: card \"m\": `options` has 100001 items; it may have at most 26"
        ),
        "{err}"
    );
}

#[test]
fn a_field_past_its_length_limit_is_refused() {
    let env = Env::new();
    let long = "a".repeat(20_000);
    let deck = format!("{HEAD}[[card]]\nid = \"b\"\nq = \"Q?\"\na = \"{long}\"\nsource = \"s\"\n");
    let err = check_fails(&env, &deck);
    assert!(
        err.contains(
            "h.toml:9:5: card \"b\": `a` is 20000 bytes long; a field may hold at most 16384"
        ),
        "{err}"
    );
}

#[test]
fn a_deck_of_too_many_cards_is_refused_at_the_first_card_past_the_limit() {
    let env = Env::new();
    let deck = basic_deck(50_001).replace("id = \"t\"", "id = \"h\"");
    let err = check_fails(&env, &deck);
    let line = deck.lines().count() - 5;
    assert!(
        err.contains(&format!(
            "h.toml:{line}:1: a deck may hold at most 50000 cards"
        )),
        "{err}"
    );
}

#[test]
fn a_deck_file_past_the_size_limit_is_refused_before_it_is_read() {
    let env = Env::new();
    let deck = format!("{HEAD}# {}\n", "x".repeat(17 * 1024 * 1024));
    let err = check_fails(&env, &deck);
    assert!(
        err.contains("h.toml:1:1: the file is 17 MB; a deck may be at most 16 MB"),
        "{err}"
    );
    // Where decks are used, it is left out with a warning rather than stopping the command.
    let out = env.cmd(&["decks"]).output().unwrap();
    assert!(out.status.success());
    let warned = String::from_utf8_lossy(&out.stderr);
    assert!(warned.contains("the file is 17 MB"), "{warned}");
}

#[cfg(unix)]
#[test]
fn a_dangling_deck_link_is_a_warning_where_decks_are_used_and_an_error_in_check() {
    let env = Env::new();
    env.write_deck("t.toml", &basic_deck(1));
    let link = env.path().join("decks").join("gone.toml");
    std::os::unix::fs::symlink(env.path().join("nowhere.toml"), &link).unwrap();
    let out = env.cmd(&["decks"]).output().unwrap();
    assert!(out.status.success());
    let warned = String::from_utf8_lossy(&out.stderr);
    assert!(
        warned.contains("warning:")
            && warned.contains("gone.toml: a symbolic link to a file that does not exist"),
        "{warned}"
    );
    let err = env.fails(&["check"], "");
    assert!(
        err.contains("gone.toml:1:1: a symbolic link to a file that does not exist"),
        "{err}"
    );
}
