//! A card with `as_of` says "as of Apr 2022" beside its answer in the plain front end and in
//! the mock paper's report; and statement questions keep their options in the written order.

use crate::env::Env;

/// A deck `id` of one card, dated 11 April 2022.
fn one_card(env: &Env, id: &str, card: &str) {
    env.write_deck(
        &format!("{id}.toml"),
        &format!(
            "[deck]\nid = \"{id}\"\nexam = \"prelims\"\n\n[[card]]\nid = \"c\"\n{card}\
             source = \"s\"\nas_of = 2022-04-11\n"
        ),
    );
}

#[test]
fn the_plain_front_end_dates_each_kind_of_answer() {
    let env = Env::new();
    one_card(&env, "basic", "q = \"Who?\"\na = \"Blinken\"\n");
    one_card(
        &env,
        "typed",
        "kind = \"typed\"\nq = \"Expand CAATSA.\"\na = \"Countering America's Adversaries Through Sanctions Act\"\n",
    );
    one_card(
        &env,
        "mcq",
        "kind = \"mcq\"\nq = \"Rate?\"\na = \"18%\"\noptions = [\"25%\", \"18%\"]\nshuffle = false\n",
    );
    one_card(
        &env,
        "cloze",
        "kind = \"cloze\"\ntext = \"Rate: {{18%}}\"\n",
    );
    one_card(
        &env,
        "mains",
        "kind = \"mains\"\nq = \"Discuss.\"\npoints = [\"one\", \"two\"]\n",
    );
    let cases = [
        ("basic", "\n3\n", "Answer: Blinken (as of Apr 2022)\n"),
        (
            "typed",
            "CAATSA\n",
            "expected: Countering America's Adversaries Through Sanctions Act (as of Apr 2022)\n",
        ),
        ("mcq", "b\n", "✓ Correct: b) 18% (as of Apr 2022)\n"),
        ("mcq", "a\n", "✗ Wrong. Answer: b) 18% (as of Apr 2022)\n"),
        ("cloze", "\n3\n", "Answer: 18% (as of Apr 2022)\n"),
        ("mains", "\n2/2\n", "Key points (as of Apr 2022):\n"),
    ];
    for (deck, input, expected) in cases {
        let out = env.quiz(&["--deck", deck, "--cram"], input);
        assert!(out.contains(expected), "{deck}: {out}");
        assert_eq!(
            out.matches("as of").count(),
            1,
            "{deck}: only beside the answer\n{out}"
        );
    }
}

#[test]
fn a_mock_paper_keeps_statement_options_in_order_and_dates_what_to_revise() {
    let env = Env::new();
    let options = ["1 only", "2 only", "Both 1 and 2", "Neither 1 nor 2"];
    let mut deck = String::from("[deck]\nid = \"m\"\nexam = \"prelims\"\n");
    for (id, a) in [
        ("s1", "1 only"),
        ("s2", "Neither 1 nor 2"),
        ("s3", "Both 1 and 2"),
    ] {
        deck.push_str(&format!(
            "\n[[card]]\nid = \"{id}\"\nkind = \"mcq\"\nq = \"Statements {id}: which are correct?\"\n\
             a = \"{a}\"\noptions = {options:?}\nshuffle = false\nsource = \"s\"\nas_of = 2026-02-07\n"
        ));
    }
    env.write_deck("m.toml", &deck);
    // Answer every question `c`: right only for s3.
    let out = env.quiz(&["--deck", "m", "--mock", "3"], "c\nc\nc\n");
    let in_order: String = options
        .iter()
        .enumerate()
        .map(|(i, o)| format!("  {}) {o}\n", (b'a' + i as u8) as char))
        .collect();
    assert_eq!(out.matches(&in_order).count(), 3, "{out}");
    assert!(
        out.contains("  Statements s1: which are correct? → 1 only (as of Feb 2026)\n"),
        "{out}"
    );
    assert!(
        out.contains("  Statements s2: which are correct? → Neither 1 nor 2 (as of Feb 2026)\n"),
        "{out}"
    );
    assert!(
        !out.contains("Statements s3: which are correct? →"),
        "{out}"
    );
}
