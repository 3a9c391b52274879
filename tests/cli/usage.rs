//! The command line itself: environment variables, usage errors and exit statuses.

use crate::env::{Env, basic_deck, succeeded};

/// An empty variable is unset (the NO_COLOR convention): an empty SMRITI_HOME falls back to
/// the platform folders, an empty SMRITI_NOW to the system clock, an empty SMRITI_SEED to
/// fresh randomness.
#[test]
fn empty_environment_variables_count_as_unset() {
    let env = Env::new();
    let user = tempfile::tempdir().unwrap();
    let data = user.path().join("data");
    let out = env
        .cmd(&[
            "add",
            "--q",
            "Capital of Sikkim?",
            "--a",
            "Gangtok",
            "--source",
            "s",
        ])
        .env("SMRITI_HOME", "")
        .env("SMRITI_NOW", "")
        .env("SMRITI_SEED", "")
        .env("HOME", user.path())
        .env("XDG_DATA_HOME", &data)
        .env("XDG_CONFIG_HOME", user.path().join("config"))
        .output()
        .unwrap();
    succeeded(&out);
    assert!(data.join("smriti/decks/my-notes.toml").is_file());
    assert!(
        !env.path().join("decks").exists(),
        "the test home was not used"
    );
}

#[test]
fn completions_need_no_home_even_when_the_variables_are_empty_or_wrong() {
    let env = Env::new();
    let out = env
        .cmd(&["completions", "bash"])
        .env("SMRITI_HOME", "")
        .env("SMRITI_NOW", "not a time")
        .env("SMRITI_SEED", "not a number")
        .env_remove("HOME")
        .output()
        .unwrap();
    succeeded(&out);
    assert!(String::from_utf8_lossy(&out.stdout).contains("smriti"));
}

/// clap put a value taken from SMRITI_HOME into usage lines, as if `--home` were required.
#[test]
fn a_usage_error_does_not_show_home_as_required_when_smriti_home_is_set() {
    let env = Env::new();
    for args in [&["quiz", "--cram", "--mock", "3"][..], &["completions"]] {
        let out = env.cmd(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("Usage: smriti"), "{err}");
        assert!(!err.contains("--home"), "{args:?}: {err}");
    }
}

#[test]
fn a_limit_of_zero_is_a_usage_error() {
    let env = Env::new();
    let out = env
        .cmd(&["quiz", "--plain", "--limit", "0"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--limit"));
    assert!(env.reviews().is_empty());
}

#[test]
fn a_mock_paper_with_no_mcq_to_set_fails() {
    let env = Env::new();
    env.write_deck("t.toml", &basic_deck(3));
    for args in [
        &["quiz", "--plain", "--mock", "5", "--exam", "mains"][..],
        &["quiz", "--plain", "--mock", "5", "--deck", "t"],
    ] {
        let err = env.fails(args, "");
        assert!(err.contains("no MCQ cards match"), "{args:?}: {err}");
    }
    assert!(env.reviews().is_empty());
}

#[test]
fn tags_match_whatever_their_case() {
    let env = Env::new();
    env.write_deck("t.toml", &basic_deck(4));
    let out = env.quiz(&["--deck", "t", "--tag", "ODD"], "\n3\n".repeat(4).as_str());
    assert!(
        out.contains("Question 1?") && out.contains("Question 3?"),
        "{out}"
    );
    assert!(!out.contains("Question 0?"), "{out}");
    let stats = env.cmd(&["stats", "--tag", "Even"]).output().unwrap();
    assert!(stats.status.success());
}

/// Errors chain their cause instead of naming it in their own text, so every place that shows
/// one must print the chain: here the warning when the day's backup cannot be written.
#[test]
fn a_warning_after_a_session_names_its_cause() {
    let env = Env::new();
    env.write_deck("t.toml", &basic_deck(1));
    std::fs::create_dir_all(env.path().join("state")).unwrap();
    std::fs::write(env.path().join("state").join("backups"), "").unwrap();
    let out = env
        .cmd(&["quiz", "--plain", "--deck", "t"])
        .write_stdin("\n3\n")
        .output()
        .unwrap();
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    let warning = err
        .lines()
        .find(|l| l.starts_with("smriti: warning: "))
        .unwrap_or_else(|| panic!("no warning: {err}"));
    assert!(
        warning.contains("backups: ") && warning.contains("os error"),
        "{warning}"
    );
    assert_eq!(env.reviews().len(), 1, "the answer is kept");
}
