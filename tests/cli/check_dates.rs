//! `smriti check` warnings (unreadable sources, undated time-sensitive claims) and
//! `check --stale`, the list of dated claims old enough to verify again.

use crate::env::Env;

const HEAD: &str = "[deck]\nid = \"mine\"\nexam = \"prelims\"\n";

/// Runs `smriti ARGS`, asserting its exit code; returns stdout and stderr.
fn run(env: &Env, args: &[&str], code: i32) -> (String, String) {
    let out = env.cmd(args).output().expect("run smriti");
    let (stdout, stderr) = (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    );
    assert_eq!(
        out.status.code(),
        Some(code),
        "{args:?}\n{stdout}\n{stderr}"
    );
    (stdout, stderr)
}

#[test]
fn a_source_that_is_a_file_name_is_a_warning_with_its_place() {
    let env = Env::new();
    let path = env.write_deck(
        "mine.toml",
        &format!(
            "{HEAD}\n[[card]]\nid = \"seed\"\nq = \"q\"\na = \"a\"\nsource = \"001_75cb2f307883afb3.txt\"\n\
             \n[[card]]\nid = \"ok\"\nq = \"q2\"\na = \"a\"\nsource = \"The Hindu, 30 Aug 2016\"\n"
        ),
    );
    let shown = path.display().to_string();
    let (stdout, stderr) = run(&env, &["check", &shown], 0);
    assert_eq!(
        stderr,
        format!(
            "warning: {shown}:9:10: card \"seed\": `source` looks like a file name \
             (`001_75cb2f307883afb3.txt`); name the publication and date instead, e.g. \
             \"The Hindu, 30 Aug 2016\"\n"
        )
    );
    assert_eq!(stdout, "1 deck and 2 cards checked: no errors, 1 warning\n");
}

#[test]
fn undated_time_sensitive_wording_is_a_warning_and_as_of_silences_it() {
    let env = Env::new();
    // The test clock is November 2026: 2025 is recent, 2018 is not.
    let path = env.write_deck(
        "mine.toml",
        &format!(
            "{HEAD}\n[[card]]\nid = \"talks\"\nq = \"What are India and the US negotiating?\"\n\
             a = \"A trade deal\"\nexplain = \"They are currently negotiating it.\"\nsource = \"s\"\n\
             \n[[card]]\nid = \"tariff\"\nkind = \"mains\"\nq = \"Examine the tariffs.\"\n\
             points = [\"Old ties\", \"Tariffs of August 2025\"]\nsource = \"s\"\n\
             \n[[card]]\nid = \"dated\"\nq = \"What is ongoing now?\"\na = \"Talks\"\nsource = \"s\"\n\
             as_of = 2025-02-13\n\
             \n[[card]]\nid = \"old\"\nq = \"What was signed in 2018?\"\na = \"COMCASA\"\nsource = \"s\"\n"
        ),
    );
    let shown = path.display().to_string();
    let (stdout, stderr) = run(&env, &["check", &shown], 0);
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{stderr}");
    assert!(
        lines[0].starts_with(&format!(
            "warning: {shown}:9:11: card \"talks\": `explain` says \"currently\""
        )),
        "{stderr}"
    );
    assert!(
        lines[0].ends_with(
            "but the card has no `as_of`; add the date it was true (`as_of = YYYY-MM-DD`)"
        )
    );
    assert!(
        lines[1].starts_with(&format!(
            "warning: {shown}:16:10: card \"tariff\": `points` says \"2025\""
        )),
        "{stderr}"
    );
    assert!(stdout.ends_with("no errors, 2 warnings\n"), "{stdout}");

    // The same deck a year later: 2025 is no longer within the last two years.
    let mut later = Env::new();
    later.now = "2027-12-01T10:00:00Z".to_owned();
    let path = later.write_deck("mine.toml", &std::fs::read_to_string(&path).unwrap());
    let (_, stderr) = run(&later, &["check", &path.display().to_string()], 0);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}

#[test]
fn warnings_are_counted_beside_errors_and_do_not_change_the_exit_code() {
    let env = Env::new();
    let path = env.write_deck(
        "mine.toml",
        &format!(
            "{HEAD}\n[[card]]\nid = \"seed\"\nq = \"q\"\na = \"a\"\nsource = \"notes.md\"\n\
             \n[[card]]\nid = \"bad\"\nq = \"q2\"\n"
        ),
    );
    let (_, stderr) = run(&env, &["check", &path.display().to_string()], 1);
    assert!(stderr.contains("warning: "), "{stderr}");
    assert!(
        stderr.contains("card \"bad\": a basic card needs `a`"),
        "{stderr}"
    );
    assert!(stderr.ends_with("2 errors found, 1 warning\n"), "{stderr}");
}

/// A deck of five dated cards and one undated, dates out of order.
fn dated_deck(env: &Env) -> String {
    let card = |id: &str, date: &str, q: &str| {
        format!(
            "\n[[card]]\nid = \"{id}\"\nq = \"{q}\"\na = \"a\"\nsource = \"s\"\nas_of = {date}\n"
        )
    };
    let mut text = HEAD.to_owned();
    text.push_str(&card("recent", "2026-06-01", "Recent claim?"));
    text.push_str(&card(
        "twenty-two",
        "2022-04-11",
        "What did the April 2022 2+2 say about the long and winding road of the partnership?",
    ));
    text.push_str(&card("edge", "2025-11-24", "Exactly a year old?"));
    text.push_str(&card("twenty-four", "2024-05-01", "Mid-2024 claim?"));
    text.push_str("\n[[card]]\nid = \"note\"\nkind = \"cloze\"\ntext = \"{{LEMOA}} and {{COMCASA}}\"\nsource = \"s\"\nas_of = 2018-09-06\n");
    text.push_str("\n[[card]]\nid = \"undated\"\nq = \"Timeless?\"\na = \"a\"\nsource = \"s\"\n");
    env.write_deck("mine.toml", &text).display().to_string()
}

#[test]
fn stale_lists_cards_older_than_a_year_oldest_first_with_their_place() {
    let env = Env::new();
    let shown = dated_deck(&env);
    let (stdout, _) = run(&env, &["check", &shown, "--stale"], 0);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines[0],
        "3 cards with an `as_of` older than 12 months (before 2025-11-24), oldest first:"
    );
    let key = |l: &str| l.split_whitespace().next().unwrap_or("").to_owned();
    assert_eq!(
        lines[1..4].iter().map(|l| key(l)).collect::<Vec<_>>(),
        ["mine/note", "mine/twenty-two", "mine/twenty-four"],
        "{stdout}"
    );
    let fields: Vec<&str> = lines[2].split_whitespace().take(3).collect();
    assert_eq!(
        fields,
        ["mine/twenty-two", "2022-04-11", &format!("{shown}:12")]
    );
    assert!(
        lines[2].ends_with("What did the April 2022 2+2 say about the long and winding…"),
        "{}",
        lines[2]
    );
    assert!(lines[1].ends_with("LEMOA and COMCASA"), "{}", lines[1]);
    assert_eq!(lines[4], "1 deck and 7 cards checked: no errors");
}

#[test]
fn stale_takes_a_number_of_months_and_follows_the_clock() {
    let env = Env::new();
    let shown = dated_deck(&env);
    let (stdout, _) = run(&env, &["check", "--stale", "36", &shown], 0);
    assert!(
        stdout.starts_with("2 cards with an `as_of` older than 36 months (before 2023-11-24)"),
        "{stdout}"
    );
    assert!(stdout.contains("mine/twenty-two "), "{stdout}");
    assert!(!stdout.contains("mine/twenty-four "), "{stdout}");

    let (stdout, _) = run(&env, &["check", "--stale", "120", &shown], 0);
    assert!(
        stdout.starts_with("No card has an `as_of` older than 120 months (before 2016-11-24)."),
        "{stdout}"
    );

    let mut later = Env::new();
    later.now = "2027-03-01T10:00:00Z".to_owned();
    let shown = dated_deck(&later);
    let (stdout, _) = run(&later, &["check", &shown, "--stale"], 0);
    assert!(stdout.starts_with("4 cards"), "{stdout}");
    assert!(stdout.contains("mine/edge "), "{stdout}");
    assert!(!stdout.contains("mine/recent "), "{stdout}");
}

#[test]
fn plain_check_does_not_list_stale_cards() {
    let env = Env::new();
    let shown = dated_deck(&env);
    env.cmd(&["check", &shown])
        .assert()
        .success()
        .stdout("1 deck and 7 cards checked: no errors\n");
}

#[test]
fn a_path_after_stale_is_taken_for_months_and_says_so() {
    let env = Env::new();
    let shown = dated_deck(&env);
    let (_, stderr) = run(&env, &["check", "--stale", &shown], 2);
    assert!(
        stderr.contains("expected a whole number of months; put deck paths before --stale"),
        "{stderr}"
    );
}
