//! `smriti add` in a terminal, driven through a real pseudo-terminal: the prompts are read
//! as they appear and answered with keystrokes, so no test waits on a clock.

use std::fs;

use crate::env::Env;
use crate::pty::Term;

/// `smriti ARGS` on a 120×40 pseudo-terminal, without colour.
fn spawn(env: &Env, args: &[&str]) -> Term {
    Term::start(env, args, &[("NO_COLOR", "1")], 120, 40)
}

#[test]
fn a_card_is_asked_for_previewed_and_written_after_confirming() {
    let env = Env::new();
    let mut tty = spawn(&env, &["add", "--deck", "my-notes"]);
    tty.wait_for("Kind:");
    tty.wait_for("basic");
    tty.send("\r");
    tty.wait_for("Question:");
    tty.send("What does BECA stand for?\r");
    tty.wait_for("Answer:");
    tty.send("Basic Exchange and Cooperation Agreement\r");
    tty.wait_for("Tags:");
    // Tab completes a tag of the built-in decks from its prefix.
    tty.send("foundational-p\t");
    tty.wait_for("foundational-pacts");
    tty.send("\r");
    tty.wait_for("Source:");
    tty.send("class notes\r");
    tty.wait_for("Explanation (optional):");
    tty.send("\r");
    tty.wait_for("── my-notes/beca-stand · foundational-pacts · basic");
    tty.wait_for("Answer: Basic Exchange and Cooperation Agreement");
    tty.wait_for("Add this card?");
    tty.send("y\r");
    tty.wait_for("added \"my-notes/beca-stand\"");
    assert_eq!(tty.finish(), 0, "{}", tty.text());

    let text = fs::read_to_string(env.path().join("decks/my-notes.toml")).unwrap();
    assert!(
        text.ends_with(
            "[[card]]\nid = \"beca-stand\"\nkind = \"basic\"\nq = \"What does BECA stand for?\"\n\
             a = \"Basic Exchange and Cooperation Agreement\"\ntags = [\"foundational-pacts\"]\n\
             source = \"class notes\"\n"
        ),
        "{text}"
    );
    env.cmd(&["check"]).assert().success();
}

#[test]
fn ctrl_c_at_a_prompt_writes_nothing_and_exits_130() {
    let env = Env::new();
    let mut tty = spawn(&env, &["add"]);
    tty.wait_for("Kind:");
    tty.send("\r");
    tty.wait_for("Question:");
    tty.send("Half a question");
    tty.wait_for("Half a question");
    tty.send("\x03");
    tty.wait_for("nothing was written");
    assert_eq!(tty.finish(), 130, "{}", tty.text());
    assert!(!env.path().join("decks").exists());
}

#[test]
fn esc_cancels_and_leaves_the_deck_as_it_was() {
    let env = Env::new();
    let deck = "# mine\n[deck]\nid = \"mine\"\nexam = \"prelims\"\n";
    let path = env.write_deck("mine.toml", deck);
    let mut tty = spawn(&env, &["add", "--deck", "mine", "--kind", "cloze"]);
    tty.wait_for("Text with {{gaps}}:");
    tty.send("\x1b");
    tty.wait_for("cancelled; nothing was written");
    assert_eq!(tty.finish(), 1, "{}", tty.text());
    assert_eq!(fs::read_to_string(path).unwrap(), deck);
}

#[test]
fn flags_given_in_a_terminal_are_not_asked_again() {
    let env = Env::new();
    let deck = "[deck]\nid = \"mine\"\nexam = \"prelims\"\n\n[[card]]\nid = \"old\"\nq = \"Old?\"\na = \"A\"\nsource = \"book, ch. 2\"\n";
    let path = env.write_deck("mine.toml", deck);
    let args = [
        "add",
        "--deck",
        "mine",
        "--q",
        "New?",
        "--a",
        "B",
        "--tag",
        "t",
        "--explain",
        "",
    ];
    let mut tty = spawn(&env, &args);
    // Only the source is missing; the last card's source is offered, Enter takes it.
    tty.wait_for("Source:");
    tty.wait_for("book, ch. 2");
    tty.send("\r");
    tty.wait_for("── mine/new · t · basic");
    tty.wait_for("Add this card?");
    tty.send("y\r");
    tty.wait_for("added \"mine/new\"");
    assert_eq!(tty.finish(), 0, "{}", tty.text());
    assert!(!tty.text().contains("Kind:") && !tty.text().contains("Question:"));
    let text = fs::read_to_string(path).unwrap();
    assert!(text.starts_with(deck));
    assert!(
        text.ends_with("tags = [\"t\"]\nsource = \"book, ch. 2\"\n"),
        "{text}"
    );
}
