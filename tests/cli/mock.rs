//! `quiz --mock N` in the plain front end: the paper, its UPSC score, and the schedule fed.

use crate::env::Env;

/// Four MCQs whose answers are their years.
fn mcq_deck() -> String {
    let mut s = String::from("[deck]\nid = \"m\"\nname = \"Mock\"\nexam = \"prelims\"\n");
    for (id, q, a) in [
        ("lemoa", "LEMOA signed in?", "2016"),
        ("comcasa", "COMCASA signed in?", "2018"),
        ("beca", "BECA signed in?", "2020"),
        ("gsomia", "GSOMIA signed in?", "2002"),
    ] {
        s.push_str(&format!(
            "\n[[card]]\nid = \"{id}\"\nkind = \"mcq\"\nq = \"{q}\"\na = \"{a}\"\noptions = [\"2016\", \"2018\", \"2020\", \"2002\"]\nsource = \"s\"\n"
        ));
    }
    s.push_str("\n[[card]]\nid = \"basic\"\nq = \"Not an mcq\"\na = \"x\"\nsource = \"s\"\n");
    s
}

/// For each question of the paper as printed: the letter of its right option and of a wrong one.
fn letters(out: &str) -> Vec<(String, String)> {
    let answers = [
        ("LEMOA", "2016"),
        ("COMCASA", "2018"),
        ("BECA", "2020"),
        ("GSOMIA", "2002"),
    ];
    let mut found = Vec::new();
    let mut answer = "";
    let mut right = None;
    let mut wrong = None;
    for line in out.lines() {
        if let Some((_, a)) = answers
            .iter()
            .find(|(q, _)| line.starts_with(&format!("{q} signed")))
        {
            answer = a;
        }
        if let Some((letter, option)) = line.trim().split_once(") ") {
            if option == answer {
                right = Some(letter.to_owned());
            } else {
                wrong = Some(letter.to_owned());
            }
            if letter == "d" {
                found.push((right.take().unwrap(), wrong.take().unwrap()));
            }
        }
    }
    found
}

#[test]
fn a_mock_paper_is_scored_as_upsc_scores_it_and_feeds_the_schedule() {
    // A first run in another home shows the paper as the same seed will lay it out.
    let scout = Env::new();
    scout.write_deck("m.toml", &mcq_deck());
    let first = scout.quiz(&["--deck", "m", "--mock", "3"], "s\ns\ns\n");
    assert!(!first.contains("Not an mcq"), "only MCQs: {first}");
    let paper = letters(&first);
    assert_eq!(paper.len(), 3, "{first}");
    assert!(
        first.contains("0.00 / +6.00 marks (0 right, 0 wrong, 3 blank of 3)"),
        "{first}"
    );
    assert!(scout.reviews().is_empty(), "a blank answer changes nothing");

    let env = Env::new();
    env.write_deck("m.toml", &mcq_deck());
    // Right, wrong but marked a guess, blank.
    let input = format!("{}\n{}?\ns\n", paper[0].0, paper[1].1);
    let out = env.quiz(&["--deck", "m", "--mock", "3"], &input);
    assert!(out.contains("Mock paper: 3 questions in 3:36"), "{out}");
    assert!(out.contains("── Q 1/3 · 3:36 left"), "{out}");
    assert!(
        out.contains("+1.33 / +6.00 marks (1 right, 1 wrong, 1 blank of 3)"),
        "{out}"
    );
    assert!(out.contains("Accuracy: 50% of attempted"), "{out}");
    assert!(
        out.contains("Guesses: 0 right, 1 wrong, net -0.67: they cost you marks"),
        "{out}"
    );
    assert!(out.contains("To revise:"), "{out}");

    let grades: Vec<String> = env
        .reviews()
        .iter()
        .map(|r| r.split('\t').nth(3).unwrap_or("").to_owned())
        .collect();
    assert_eq!(
        grades,
        ["3", "1"],
        "right is Good, wrong Again, blank nothing"
    );
}

#[test]
fn a_mock_paper_can_be_handed_in_early_and_says_when_there_are_too_few_mcqs() {
    let env = Env::new();
    env.write_deck("m.toml", &mcq_deck());
    let out = env.quiz(&["--deck", "m", "--mock", "10"], "q\n");
    assert!(
        out.contains("Only 4 MCQ cards match: the paper has 4 questions."),
        "{out}"
    );
    assert!(out.contains("(0 right, 0 wrong, 4 blank of 4)"), "{out}");
}

#[test]
fn mock_and_cram_do_not_mix() {
    let env = Env::new();
    env.cmd(&["quiz", "--mock", "5", "--cram"]).assert().code(2);
    env.cmd(&["quiz", "--mock", "0"]).assert().code(2);
}
