//! The study day follows the configured time zone, not the machine's (a UTC cloud machine or
//! WSL), nor the offset written in `--now`.

use crate::env::{Env, succeeded};

/// The `today` of `stats --json`.
fn today(env: &Env) -> String {
    let out = env.cmd(&["stats", "--json"]).output().unwrap();
    succeeded(&out);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    json["today"].as_str().unwrap().to_owned()
}

#[test]
fn the_configured_timezone_decides_the_study_day() {
    let mut env = Env::new();
    // 23:00 UTC on the 24th is 04:30 on the 25th in India, past the 04:00 day start.
    env.now = "2026-11-24T23:00:00Z".to_owned();
    assert_eq!(today(&env), "2026-11-24", "the machine's zone (TZ=UTC)");
    env.write_config("timezone = \"Asia/Kolkata\"\n");
    assert_eq!(today(&env), "2026-11-25");
    // The same instant written with another offset is the same study day: the offset of
    // --now only fixes the instant.
    env.now = "2026-11-24T18:00:00-05:00".to_owned();
    assert_eq!(today(&env), "2026-11-25");
}

#[test]
fn an_unknown_timezone_is_a_located_config_error() {
    let env = Env::new();
    env.write_config("timezone = \"India/Delhi\"\n");
    let err = env.fails(&["decks"], "");
    assert!(
        err.contains("config.toml:1:12: `timezone` `India/Delhi` is not a time zone"),
        "{err}"
    );
}
