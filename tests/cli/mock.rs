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
fn an_answer_can_be_changed_before_handing_in() {
    let scout = Env::new();
    scout.write_deck("m.toml", &mcq_deck());
    let paper = letters(&scout.quiz(&["--deck", "m", "--mock", "3"], "s\ns\ns\n"));

    let env = Env::new();
    env.write_deck("m.toml", &mcq_deck());
    // Q1 wrong, back to it and right this time, Q2 right, Q3 blank; then hand in.
    let input = format!("{}\np\n{}\n{}\ns\ny\n", paper[0].1, paper[0].0, paper[1].0);
    let out = env.quiz(&["--deck", "m", "--mock", "3"], &input);
    assert!(
        out.contains(&format!("(your answer: {})", paper[0].1)),
        "the earlier answer is shown: {out}"
    );
    assert!(out.contains("2 of 3 answered; left blank: Q3."), "{out}");
    assert!(
        out.contains("+4.00 / +6.00 marks (2 right, 0 wrong, 1 blank of 3)"),
        "{out}"
    );
    let grades: Vec<String> = env
        .reviews()
        .iter()
        .map(|r| r.split('\t').nth(3).unwrap_or("").to_owned())
        .collect();
    assert_eq!(grades, ["3", "3"], "only the answers handed in are graded");
}

#[test]
fn q_asks_before_handing_in_and_blanks_are_listed_in_the_report() {
    let env = Env::new();
    env.write_deck("m.toml", &mcq_deck());
    let out = env.quiz(&["--deck", "m", "--mock", "2"], "q\nn\nq\nmaybe\n5\ny\n");
    let asked = out
        .find("0 of 2 answered; left blank: Q1, Q2.")
        .expect(&out);
    assert!(
        out[asked..].contains("── Q 1/2"),
        "no goes back to the question: {out}"
    );
    assert!(
        out.contains("Type y to hand in, n to go back, or a question number."),
        "{out}"
    );
    assert!(out.contains("There is no question 5: 1 to 2."), "{out}");
    let report = &out[out.find("Mock paper: 0.00").expect(&out)..];
    let blank = report.find("Left blank:").expect(report);
    assert_eq!(
        report[blank..]
            .lines()
            .filter(|l| l.contains(" → "))
            .count(),
        2,
        "{report}"
    );
}

#[test]
fn a_statement_question_keeps_its_lines_in_a_mock_paper() {
    let env = Env::new();
    env.write_deck(
        "s.toml",
        "[deck]\nid = \"s\"\nname = \"S\"\nexam = \"prelims\"\n\n[[card]]\nid = \"st\"\nkind = \"mcq\"\nq = \"\"\"\nConsider the following statements:\n1. LEMOA was signed in 2016.\n2. BECA was signed in 2020.\nWhich of the statements given above is/are correct?\"\"\"\na = \"Both 1 and 2\"\noptions = [\"1 only\", \"2 only\", \"Both 1 and 2\", \"Neither 1 nor 2\"]\nsource = \"s\"\n",
    );
    let out = env.quiz(&["--deck", "s", "--mock", "1"], "s\ny\n");
    assert!(
        out.contains(
            "statements:\n1. LEMOA was signed in 2016.\n2. BECA was signed in 2020.\nWhich"
        ),
        "{out}"
    );
}

#[test]
fn a_mock_paper_does_not_use_up_the_days_new_cards() {
    let env = Env::new();
    env.write_deck("m.toml", &mcq_deck());
    env.write_config("new_per_day = 2\n");
    let scout = Env::new();
    scout.write_deck("m.toml", &mcq_deck());
    let paper = letters(&scout.quiz(&["--deck", "m", "--mock", "3"], "s\ns\ns\n"));
    let input = format!("{}\n{}\n{}\ny\n", paper[0].0, paper[1].0, paper[2].1);
    env.quiz(&["--deck", "m", "--mock", "3"], &input);
    assert_eq!(env.reviews().len(), 3);
    // Two cards were never met: the day's two new cards are both still allowed.
    let out = env.quiz(&["--deck", "m"], &"s\n".repeat(20));
    assert!(out.contains("Not an mcq"), "{out}");
    let new_shown = ["LEMOA", "COMCASA", "BECA", "GSOMIA", "Not an mcq"]
        .iter()
        .filter(|q| out.contains(&format!("\n{q}")) && !paper_has(&scout, q))
        .count();
    assert_eq!(new_shown, 2, "{out}");
}

/// Whether the scout's paper of three asked this question.
fn paper_has(scout: &Env, q: &str) -> bool {
    scout
        .quiz(&["--deck", "m", "--mock", "3"], "s\ns\ns\n")
        .contains(&format!("\n{q}"))
}

#[test]
fn mock_and_cram_do_not_mix() {
    let env = Env::new();
    env.cmd(&["quiz", "--mock", "5", "--cram"]).assert().code(2);
    env.cmd(&["quiz", "--mock", "0"]).assert().code(2);
}
