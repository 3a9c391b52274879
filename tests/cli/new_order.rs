//! `new_order`: new cards of several decks take turns (the default), or come one deck after
//! another; `paths` shows which, and a bad value is a config error naming its line.

use crate::env::{Env, basic_deck};

/// Decks `t` and `u` of six cards each; answers the first four new cards of a session with
/// `config` and returns the decks of the cards asked, in order.
fn first_new_decks(config: &str) -> Vec<String> {
    let env = Env::new();
    env.write_deck("t.toml", &basic_deck(6));
    env.write_deck("u.toml", &basic_deck(6).replace("id = \"t\"", "id = \"u\""));
    env.write_config(&format!("new_per_day = 4\n{config}"));
    let out = env.quiz(&["--deck", "t", "--deck", "u"], &"\n3\n".repeat(4));
    assert!(out.contains("4 answered (4 new)"), "{out}");
    env.reviews()
        .iter()
        .map(|r| {
            r.split('\t')
                .nth(2)
                .unwrap()
                .split('/')
                .next()
                .unwrap()
                .to_owned()
        })
        .collect()
}

#[test]
fn new_cards_of_two_decks_take_turns_by_default() {
    assert_eq!(first_new_decks(""), ["t", "u", "t", "u"]);
    assert_eq!(
        first_new_decks("new_order = \"interleave\"\n"),
        ["t", "u", "t", "u"]
    );
}

#[test]
fn deck_order_takes_the_first_deck_first() {
    assert_eq!(first_new_decks("new_order = \"deck\"\n"), ["t"; 4]);
}

#[test]
fn paths_shows_the_new_order_and_a_bad_one_is_a_config_error_with_its_line() {
    let env = Env::new();
    let out = env.cmd(&["paths"]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("new_order          interleave"), "{text}");
    env.write_config("new_order = \"deck\"\n");
    let out = env.cmd(&["paths", "--json"]).output().unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["settings"]["new_order"], "deck");

    env.write_config("new_per_day = 4\nnew_order = \"shuffled\"\n");
    let err = env.fails(&["decks"], "");
    assert!(
        err.contains("config.toml:2:13: `new_order` must be \"interleave\""),
        "{err}"
    );
}
