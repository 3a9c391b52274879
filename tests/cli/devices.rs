//! Two machines sharing a state folder the way a sync tool would: each home is one machine
//! (its own device id), and "syncing" copies journal files between their `state/devices/`
//! folders, whole, cut mid-line, twice under a conflict copy's name, or shorter than before.

use std::fs;
use std::path::PathBuf;

use assert_cmd::Command;
use serde_json::Value;

use crate::env::{Env, basic_deck, succeeded};

/// One machine: a home of its own, studying as device `id`.
struct Machine {
    env: Env,
    id: &'static str,
}

impl Machine {
    fn new(id: &'static str) -> Machine {
        let env = Env::new();
        env.write_deck("t.toml", &basic_deck(6));
        env.write_config("new_per_day = 1000\n");
        Machine { env, id }
    }

    fn cmd(&self, args: &[&str]) -> Command {
        let mut cmd = self.env.cmd(args);
        cmd.env("SMRITI_DEVICE", self.id);
        cmd
    }

    /// `quiz --plain --deck t` with `input`, at `now`; returns stderr.
    fn quiz(&self, now: &str, input: &str) -> String {
        let out = self
            .cmd(&["quiz", "--plain", "--deck", "t"])
            .env("SMRITI_NOW", now)
            .write_stdin(input.to_owned())
            .output()
            .unwrap();
        succeeded(&out);
        String::from_utf8(out.stderr).unwrap()
    }

    fn json(&self, args: &[&str]) -> (Value, String) {
        let out = self.cmd(args).output().unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let stderr = String::from_utf8(out.stderr).unwrap();
        (serde_json::from_slice(&out.stdout).unwrap(), stderr)
    }

    fn stats(&self) -> Value {
        self.json(&["stats", "--json"]).0
    }

    fn card(&self, key: &str) -> Value {
        self.json(&["card", key, "--json"]).0
    }

    fn folder(&self) -> PathBuf {
        let folder = self.env.path().join("state").join("devices");
        fs::create_dir_all(&folder).unwrap();
        folder
    }

    fn journal(&self) -> PathBuf {
        self.folder().join(format!("{}.tsv", self.id))
    }

    /// What a sync tool does: `other`'s journal copied here under `name` (its own by
    /// default), as `bytes` of it (all by default).
    fn receive(&self, other: &Machine, name: Option<&str>, bytes: Option<usize>) {
        let text = fs::read(other.journal()).unwrap();
        let cut = bytes.unwrap_or(text.len());
        let name = name.map_or_else(|| format!("{}.tsv", other.id), str::to_owned);
        fs::write(self.folder().join(name), &text[..cut]).unwrap();
    }
}

const DAY1: &str = "2026-11-24T10:00:00Z";
const DAY2: &str = "2026-11-25T10:00:00Z";

/// Answers given by `stats`: the sum of the cards' answer counts.
fn total(stats: &Value) -> u64 {
    stats["reviews_total"].as_u64().unwrap()
}

fn review_lines(path: &PathBuf) -> usize {
    fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| l.starts_with("r\t"))
        .count()
}

#[test]
fn answers_from_both_devices_appear_once_on_each() {
    let (laptop, desk) = (Machine::new("laptop"), Machine::new("desk"));
    laptop.quiz(DAY1, &"\n3\n".repeat(3));
    desk.quiz(DAY1, &"\n3\n".repeat(2));
    laptop.receive(&desk, None, None);
    desk.receive(&laptop, None, None);
    for m in [&laptop, &desk] {
        let stats = m.stats();
        assert_eq!(total(&stats), 5, "{}: 3 + 2 answers", m.id);
        assert_eq!(stats["devices"], 2);
    }
    // Syncing again (and studying on) counts nothing twice.
    laptop.receive(&desk, None, None);
    laptop.quiz(DAY2, "q\n");
    assert_eq!(total(&laptop.stats()), 5);
    let text = laptop.cmd(&["stats"]).output().unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(text.contains("merged from 2 devices"), "{text}");
}

#[test]
fn a_card_answered_on_both_ends_as_replaying_both_histories_in_time_order() {
    let (laptop, desk) = (Machine::new("laptop"), Machine::new("desk"));
    // Again on the laptop; twenty minutes later the desk, not yet synced, sees the card as
    // new and answers Hard; twenty minutes after that the laptop, still unsynced, answers
    // Good (its card was due again after the learning step).
    let (t0, t20, t40) = (DAY1, "2026-11-24T10:20:00Z", "2026-11-24T10:40:00Z");
    laptop.quiz(t0, "\n1\n");
    desk.quiz(t20, "\n2\n");
    laptop.quiz(t40, "\n3\n");
    // The same answers given on one machine in time order.
    let one = Machine::new("one");
    one.quiz(t0, "\n1\n");
    one.quiz(t20, "\n2\n");
    one.quiz(t40, "\n3\n");
    let want = one.card("t/c0");
    assert_eq!(want["memory"]["reviews"], 3);
    laptop.receive(&desk, None, None);
    desk.receive(&laptop, None, None);
    let (on_laptop, on_desk) = (laptop.card("t/c0"), desk.card("t/c0"));
    assert_eq!(on_laptop["devices"], 2);
    for field in ["stability", "difficulty", "reviews", "lapses"] {
        assert_eq!(
            on_laptop["memory"][field], want["memory"][field],
            "{field}: {on_laptop:#}"
        );
    }
    let grades: Vec<&str> = on_laptop["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["grade"].as_str().unwrap())
        .collect();
    assert_eq!(grades, ["again", "hard", "good"], "in time order");
    // Whichever journal was read first, both machines hold the same state, due date included.
    assert_eq!(on_laptop["memory"], on_desk["memory"]);
    assert_eq!(on_laptop["history"], on_desk["history"]);
}

#[test]
fn a_torn_remote_tail_is_ignored_and_picked_up_once_complete() {
    let (laptop, desk) = (Machine::new("laptop"), Machine::new("desk"));
    desk.quiz(DAY1, &"\n3\n".repeat(3));
    laptop.quiz(DAY1, "\n3\n");
    let whole = fs::read(desk.journal()).unwrap();
    // Cut inside the desk's last line: a copy in progress.
    laptop.receive(&desk, None, Some(whole.len() - 20));
    let (stats, stderr) = laptop.json(&["stats", "--json"]);
    assert_eq!(total(&stats), 3, "the laptop's 1 and the desk's first 2");
    assert!(stderr.is_empty(), "a torn tail is no damage: {stderr}");
    // A session on the laptop meanwhile indexes the torn copy as it was.
    laptop.quiz(DAY2, "q\n");
    laptop.receive(&desk, None, None);
    assert_eq!(total(&laptop.stats()), 4, "the last line, once whole");
    assert_eq!(
        fs::read(laptop.folder().join("desk.tsv")).unwrap(),
        whole,
        "another device's journal is never written"
    );
}

#[test]
fn a_conflicted_copy_adds_nothing_twice() {
    let (laptop, desk) = (Machine::new("laptop"), Machine::new("desk"));
    desk.quiz(DAY1, &"\n3\n".repeat(2));
    laptop.quiz(DAY2, "\n3\n");
    laptop.receive(&desk, None, None);
    let before = laptop.card("t/c0");
    // Syncthing's and Dropbox's conflict copies of the desk's journal, one with a line more.
    let longer = fs::read(desk.journal()).unwrap();
    desk.quiz(DAY2, "\n3\n");
    laptop.receive(
        &desk,
        Some("desk.sync-conflict-20261125-101010-ABCDEFG.tsv"),
        None,
    );
    fs::write(
        laptop
            .folder()
            .join("desk (conflicted copy 2026-11-25).tsv"),
        &longer,
    )
    .unwrap();
    let stats = laptop.stats();
    assert_eq!(total(&stats), 4, "1 + 2 + the copy's one new answer");
    assert_eq!(stats["devices"], 2, "a copy is its device's, not a third");
    let after = laptop.card("t/c0");
    assert_eq!(after["history"], before["history"], "each answer once");
    assert_eq!(after["memory"], before["memory"]);
}

#[test]
fn a_shorter_remote_journal_is_a_full_replay_not_a_crash() {
    let (laptop, desk) = (Machine::new("laptop"), Machine::new("desk"));
    desk.quiz(DAY1, &"\n3\n".repeat(3));
    laptop.receive(&desk, None, None);
    laptop.quiz(DAY2, "\n3\n");
    assert_eq!(total(&laptop.stats()), 4);
    // The desk's journal rolled back to its header and first answer (a restore, a sync
    // tool's older version): what the laptop indexed no longer matches.
    let text = fs::read_to_string(desk.journal()).unwrap();
    let first_two: String = text.split_inclusive('\n').take(2).collect();
    fs::write(laptop.folder().join("desk.tsv"), first_two).unwrap();
    assert_eq!(total(&laptop.stats()), 2);
    laptop.quiz(DAY2, "q\n");
    assert_eq!(total(&laptop.stats()), 2);
}

#[test]
fn a_damaged_line_in_another_devices_journal_is_a_warning_and_study_goes_on() {
    let (laptop, desk) = (Machine::new("laptop"), Machine::new("desk"));
    desk.quiz(DAY1, &"\n3\n".repeat(3));
    let mut text = fs::read_to_string(desk.journal()).unwrap();
    // A flipped digit in the desk's third line (its second answer).
    let at = text.match_indices('\n').nth(1).unwrap().0 + 30;
    let flipped = if text.as_bytes()[at] == b'1' {
        "2"
    } else {
        "1"
    };
    text.replace_range(at..at + 1, flipped);
    fs::write(laptop.folder().join("desk.tsv"), &text).unwrap();
    let stderr = laptop.quiz(DAY2, "\n3\n");
    assert!(
        stderr.contains("devices/desk.tsv:3:") && stderr.contains("another device's journal"),
        "{stderr}"
    );
    let (stats, _) = laptop.json(&["stats", "--json"]);
    assert_eq!(total(&stats), 2, "the desk's first answer and the laptop's");
    assert_eq!(
        fs::read_to_string(laptop.folder().join("desk.tsv")).unwrap(),
        text,
        "left as it is"
    );
}

#[test]
fn the_single_journal_of_an_earlier_version_becomes_this_devices_with_every_answer() {
    let m = Machine::new("laptop");
    let old = Machine::new("old");
    old.quiz(DAY1, &"\n3\n".repeat(4));
    let journal = fs::read(old.journal()).unwrap();
    let state = m.env.path().join("state");
    fs::create_dir_all(&state).unwrap();
    fs::write(state.join("journal.tsv"), &journal).unwrap();
    // Read before any write: the old journal is this device's.
    assert_eq!(total(&m.stats()), 4);
    m.quiz(DAY2, "\n3\n");
    let moved = fs::read(m.journal()).unwrap();
    assert!(
        moved.starts_with(&journal),
        "the same bytes, then the new answer"
    );
    assert_eq!(review_lines(&m.journal()), 5);
    assert_eq!(
        fs::read_to_string(state.join("journal.tsv")).unwrap(),
        "# smriti journal v2\n",
        "left header-only, so the first smriti refuses the home as newer"
    );
    let stats = m.stats();
    assert_eq!((total(&stats), stats["devices"].as_u64()), (5, Some(1)));
    let log = m.cmd(&["export", "--history"]).output().unwrap();
    assert!(log.status.success());
    let rows = String::from_utf8(log.stdout).unwrap().lines().count();
    assert_eq!(rows, 1 + 5, "a header and every answer in the history");
}

#[test]
fn two_devices_study_one_home_at_once_each_under_its_own_lock() {
    let m = Machine::new("laptop");
    let mut first = m.env.spawn(&["quiz", "--plain", "--deck", "t"]);
    // The first session holds `lock.test` (the test device) until its input ends.
    let mut stdin = first.stdin.take().unwrap();
    let stdout = first.stdout.take().unwrap();
    let mut reader = std::io::BufReader::new(stdout);
    let mut line = String::new();
    while std::io::BufRead::read_line(&mut reader, &mut line).unwrap() > 0 {
        if line.starts_with("── ") {
            break;
        }
        line.clear();
    }
    m.quiz(DAY1, "\n3\n");
    std::io::Write::write_all(&mut stdin, b"\n3\n").unwrap();
    drop(stdin);
    assert!(first.wait().unwrap().success());
    let state = m.env.path().join("state");
    assert!(state.join("lock.test").exists() && state.join("lock.laptop").exists());
    assert_eq!(total(&m.stats()), 2);
}

#[test]
fn the_device_id_is_made_once_and_a_bad_one_is_refused() {
    let env = Env::new();
    env.write_deck("t.toml", &basic_deck(2));
    let mut cmd = env.cmd(&["quiz", "--plain"]);
    cmd.env_remove("SMRITI_DEVICE");
    cmd.write_stdin("\n3\n").assert().success();
    let out = env
        .cmd(&["paths", "--json"])
        .env_remove("SMRITI_DEVICE")
        .output();
    let json: Value = serde_json::from_slice(&out.unwrap().stdout).unwrap();
    let id = json["device"].as_str().unwrap().to_owned();
    assert!(
        env.path()
            .join("state/devices")
            .join(format!("{id}.tsv"))
            .exists(),
        "{json:#}"
    );
    env.write_config("device = \"../up\"\n");
    let err = env.fails(&["stats"], "");
    assert!(err.contains("`device` must be 1 to 64 letters"), "{err}");
}
