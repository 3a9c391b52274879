//! `smriti paths`: where the data lives and the settings in effect, as text and JSON.

use crate::env::Env;

#[test]
fn paths_lists_every_folder_under_the_home_and_the_defaults() {
    let env = Env::new();
    let out = env.cmd(&["paths"]).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let home = env.path().display().to_string();
    for (name, path) in [
        ("home", home.clone()),
        ("state", format!("{home}/state")),
        ("journal", format!("{home}/state/devices/test.tsv")),
        ("backups", format!("{home}/state/backups")),
        ("decks", format!("{home}/decks")),
        ("config", format!("{home}/config.toml")),
        ("cache", format!("{home}/cache")),
    ] {
        assert!(
            text.lines()
                .any(|l| l.starts_with(name) && l.contains(&format!(" {path}  ("))),
            "{name}: {text}"
        );
    }
    assert!(text.contains("device    test  (this machine"), "{text}");
    assert!(text.contains("no config file: the defaults"), "{text}");
    assert!(text.contains("new_per_day        20"), "{text}");
    assert!(text.contains("timezone           UTC (system)"), "{text}");
    assert!(
        text.contains("parameters         default (21 values)"),
        "{text}"
    );
    assert!(!env.path().join("state").exists(), "paths creates nothing");
}

#[test]
fn paths_json_gives_the_settings_the_config_sets() {
    let env = Env::new();
    env.write_config(
        "new_per_day = 7\nday_start_hour = 3\ntimezone = \"Asia/Kolkata\"\n[exams]\nprelims = 2027-05-23\n",
    );
    let out = env.cmd(&["paths", "--json"]).output().unwrap();
    assert!(out.status.success());
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["config_exists"], true);
    assert_eq!(json["device"], "test");
    assert_eq!(
        json["paths"]["decks"],
        env.path().join("decks").display().to_string()
    );
    let s = &json["settings"];
    assert_eq!(s["new_per_day"], 7);
    assert_eq!(s["day_start_hour"], 3);
    assert_eq!(s["timezone"], "Asia/Kolkata");
    assert_eq!(s["timezone_from"], "config");
    assert_eq!(s["prelims"], "2027-05-23");
    assert_eq!(s["mains"], serde_json::Value::Null);
    assert_eq!(s["parameters_from"], "default");
    assert_eq!(s["parameters"].as_array().unwrap().len(), 21);
}

/// The user looks for the config file most when it is broken.
#[test]
fn paths_shows_where_the_config_is_even_when_it_is_invalid() {
    let env = Env::new();
    env.write_config("new_per_day = -1\n");
    let out = env.cmd(&["paths"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains(&env.path().join("config.toml").display().to_string()),
        "{text}"
    );
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("config.toml:1:15: `new_per_day`"), "{err}");
}
