//! `smriti optimize`: refuses with too little history, and on a synthetic learner's history
//! (written as a v1 journal) lowers the log loss and saves the parameters into config.toml,
//! keeping the user's comments; `--dry-run` writes nothing.

use std::fs;

use std::time::Instant;

use crate::env::{Env, basic_deck};
use crate::pty::Term;

#[path = "../../bench/learner.rs"]
pub mod learner;

const CONFIG: &str = "# my study settings\nnew_per_day = 10   # gentle\n\n[fsrs]\nparameters = []   # filled in by smriti optimize\n";

/// A learner who forgets clearly faster than FSRS-6's defaults assume: first-day stabilities
/// halved, and stability growing a quarter slower on each recall.
fn forgetful() -> Vec<f32> {
    let mut w = fsrs::DEFAULT_PARAMETERS.to_vec();
    for s in &mut w[..4] {
        *s *= 0.5;
    }
    w[8] *= 0.75;
    w
}

/// A home whose journal holds `answers` answers of a learner with these parameters, and
/// whose clock is the day after the last answer.
fn learner_home(parameters: Vec<f32>, answers: usize, seed: u64) -> Env {
    let mut env = Env::new();
    let day0: jiff::Timestamp = "2025-01-01T04:00:00Z".parse().unwrap();
    let mut learner = learner::Learner::new(parameters, seed);
    let history = learner.study(150, 8, answers, day0.as_millisecond());
    let mut text = String::from("# smriti journal v1\n");
    for a in &history {
        text.push_str(&a.journal_line());
    }
    fs::create_dir_all(env.path().join("state")).unwrap();
    fs::write(env.journal_path(), text).unwrap();
    let last = history.last().unwrap().at + learner::DAY_MS;
    env.now = jiff::Timestamp::from_millisecond(last).unwrap().to_string();
    env.write_config(CONFIG);
    env
}

fn optimize(env: &Env, args: &[&str]) -> String {
    let mut all = vec!["optimize"];
    all.extend_from_slice(args);
    let out = env.cmd(&all).output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}{stderr}");
    // No progress bar when stderr is not a terminal.
    assert!(stderr.is_empty(), "{stderr}");
    stdout
}

/// (log loss, RMSE) of the row starting with `name` in the report.
fn row(report: &str, name: &str) -> (f64, f64) {
    let line = report
        .lines()
        .find(|l| l.starts_with(name))
        .unwrap_or_else(|| panic!("no `{name}` row in\n{report}"));
    let nums: Vec<f64> = line
        .split_whitespace()
        .filter_map(|w| w.trim_end_matches('%').parse().ok())
        .collect();
    (nums[nums.len() - 2], nums[nums.len() - 1])
}

#[test]
fn too_little_history_changes_nothing_and_says_how_much_more_is_needed() {
    let env = Env::new();
    env.write_deck("t.toml", &basic_deck(4));
    env.quiz(&["--deck", "t"], &"\n3\n".repeat(4));
    assert_eq!(env.reviews().len(), 4);
    let out = optimize(&env, &[]);
    assert!(out.contains("Not enough history"), "{out}");
    assert!(
        out.contains("can use 0\nof your 4 answers and needs at least 64"),
        "{out}"
    );
    assert!(out.contains("Nothing was changed"), "{out}");
    assert!(!env.path().join("config.toml").exists());

    // A real history that is still short of what the crate needs: the config is untouched.
    let env = learner_home(forgetful(), 150, 3);
    let out = optimize(&env, &[]);
    assert!(out.contains("Not enough history"), "{out}");
    assert_eq!(
        fs::read_to_string(env.path().join("config.toml")).unwrap(),
        CONFIG
    );
}

#[test]
fn a_damaged_journal_is_an_error_naming_its_line_and_nothing_is_written() {
    let env = learner_home(forgetful(), 200, 4);
    let mut journal = fs::read_to_string(env.journal_path()).unwrap();
    journal.push_str("r\t12\tsynthetic/card-1\t9\t0\t0\t0\t0\t1\t1\tr\t1\t0\n");
    fs::write(env.journal_path(), &journal).unwrap();
    let err = env.fails(&["optimize"], "");
    assert!(err.contains("test.tsv:"), "{err}");
    assert!(err.contains("grade"), "{err}");
    assert_eq!(
        fs::read_to_string(env.path().join("config.toml")).unwrap(),
        CONFIG
    );
}

#[test]
fn fits_a_learners_history_lowers_the_log_loss_and_saves_keeping_comments() {
    let env = learner_home(forgetful(), 3000, 11);

    let dry = optimize(&env, &["--dry-run"]);
    assert!(dry.contains("--dry-run"), "{dry}");
    assert_eq!(
        fs::read_to_string(env.path().join("config.toml")).unwrap(),
        CONFIG,
        "--dry-run wrote the config"
    );
    // The deck cache (read to join renamed cards' answers) is not the user's data.
    let mut entries: Vec<String> = fs::read_dir(env.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name != "cache")
        .collect();
    entries.sort();
    assert_eq!(entries, ["config.toml", "state"]);

    let out = optimize(&env, &[]);
    let (before, _) = row(&out, "current (FSRS-6 defaults)");
    let (after, _) = row(&out, "fitted");
    assert!(
        after < before,
        "log loss {after} not below {before}:\n{out}"
    );
    assert!(out.contains("better. Saved to"), "{out}");
    // The same fit both times (the crate is deterministic), so the dry run showed what was saved.
    let saved_line = out
        .lines()
        .find(|l| l.starts_with("[fsrs] parameters"))
        .unwrap();
    assert!(dry.contains(saved_line), "{dry}\n{out}");

    let text = fs::read_to_string(env.path().join("config.toml")).unwrap();
    assert!(
        text.starts_with("# my study settings\nnew_per_day = 10   # gentle\n"),
        "{text}"
    );
    assert!(
        text.contains("   # filled in by smriti optimize\n"),
        "{text}"
    );
    let config = smriti::config::parse(&text, "config.toml").unwrap();
    assert_eq!(config.new_per_day, 10);
    assert_eq!(config.fsrs_parameters.len(), 21);
    assert_ne!(config.fsrs_parameters, fsrs::DEFAULT_PARAMETERS.to_vec());

    // Run again: now the current parameters are the fitted ones, read from config.toml.
    let again = optimize(&env, &["--dry-run"]);
    assert!(again.contains("current (config.toml)"), "{again}");
    let (current_now, _) = row(&again, "current (config.toml)");
    assert!(current_now < before, "{again}");
}

#[test]
fn a_progress_bar_on_a_terminal_when_the_fit_takes_over_a_second() {
    let env = learner_home(forgetful(), 3000, 5);
    let start = Instant::now();
    let mut term = Term::start(&env, &["optimize", "--dry-run"], &[], 100, 30);
    term.wait_for("was not changed");
    assert_eq!(term.finish(), 0);
    let took = start.elapsed().as_secs_f32();
    let text = term.raw_text();
    // The bar is drawn from one second on; whether this run got there depends on the
    // machine, so each side is checked only when the run was clearly on it.
    if took > 1.5 {
        assert!(text.contains("fitting ["), "{took} s:\n{text}");
        assert!(text.contains('%'), "{text}");
    } else if took < 0.9 {
        assert!(!text.contains("fitting ["), "{took} s:\n{text}");
    }
    assert_eq!(
        fs::read_to_string(env.path().join("config.toml")).unwrap(),
        CONFIG
    );
}
