//! Random SIGKILLs against the real binary: every answer the quiz acknowledged (by showing
//! the next card, which it does only after the answer is fsynced) is in the journal
//! afterwards, and the state always loads. A modest count runs in CI; `kill_many` (ignored)
//! runs `SMRITI_KILLS` of them, e.g. `SMRITI_KILLS=2000 cargo test --release --test cli
//! kill_many -- --ignored --nocapture`.

use std::io::{BufRead, BufReader, Write};
use std::time::Duration;

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

use crate::env::{Env, basic_deck};

/// Kills `kills` sessions at random moments; returns (acknowledged answers, answers found).
/// With `others`, other devices' journals lie beside this one's (one with a torn tail, one
/// conflict copy), and they must come through every kill unchanged.
fn kill_sessions(kills: usize, seed: u64, others: bool) -> (usize, usize) {
    let env = Env::new();
    env.write_deck("t.toml", &basic_deck(4000));
    env.write_config("new_per_day = 10000\n");
    let devices = env.path().join("state").join("devices");
    if others {
        for (device, answers) in [("desk", 5), ("phone", 3)] {
            env.cmd(&["quiz", "--plain", "--deck", "t"])
                .env("SMRITI_DEVICE", device)
                .write_stdin("\n3\n".repeat(answers))
                .assert()
                .success();
        }
        let phone = std::fs::read(devices.join("phone.tsv")).unwrap();
        std::fs::write(devices.join("phone.tsv"), &phone[..phone.len() - 7]).unwrap();
        std::fs::copy(
            devices.join("desk.tsv"),
            devices.join("desk.sync-conflict-20261124-100000-ABCDEFG.tsv"),
        )
        .unwrap();
    }
    let theirs = || {
        let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(&devices)
            .map(|rd| {
                rd.filter_map(Result::ok)
                    .filter(|e| e.file_name() != "test.tsv")
                    .map(|e| {
                        let name = e.file_name().to_string_lossy().into_owned();
                        (name, std::fs::read(e.path()).unwrap())
                    })
                    .collect()
            })
            .unwrap_or_default();
        files.sort();
        files
    };
    let before = theirs();
    assert_eq!(before.len(), if others { 3 } else { 0 });
    let mut rng = StdRng::seed_from_u64(seed);
    let mut acknowledged = 0;
    for _ in 0..kills {
        let mut child = env.spawn(&["quiz", "--plain", "--deck", "t"]);
        let mut stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        // Some sessions end on their own (end of input), so kills also land in the snapshot
        // and backup writes at a session's end.
        let answers = rng.random_range(0..12usize);
        let writer = std::thread::spawn(move || {
            for _ in 0..answers {
                if stdin.write_all(b"\n3\n").is_err() {
                    return;
                }
            }
        });
        let (seen, cards_shown) = std::sync::mpsc::channel();
        let reader = std::thread::spawn(move || {
            let mut shown = 0usize;
            let mut line = String::new();
            let mut out = BufReader::new(stdout);
            while out.read_line(&mut line).is_ok_and(|n| n > 0) {
                if line.starts_with("── ") {
                    shown += 1;
                    let _ = seen.send(shown);
                }
                line.clear();
            }
            shown
        });
        // Mostly while answers are being saved: after a random number of cards were shown,
        // a few milliseconds more. Sometimes at any moment, start-up and the end included.
        if rng.random_range(0..4) > 0 {
            let target = rng.random_range(1..=answers + 1);
            while cards_shown
                .recv_timeout(Duration::from_secs(10))
                .is_ok_and(|n| n < target)
            {}
            std::thread::sleep(Duration::from_micros(rng.random_range(0..4_000)));
        } else {
            std::thread::sleep(Duration::from_micros(rng.random_range(0..150_000)));
        }
        let _ = child.kill();
        child.wait().unwrap();
        writer.join().unwrap();
        // Each card shown after the first acknowledges the answer before it.
        acknowledged += reader.join().unwrap().saturating_sub(1);
        let out = env.cmd(&["stats"]).output().unwrap();
        assert!(
            out.status.success(),
            "the state must load after a kill: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let found = env.reviews().len();
    let state = env.path().join("state");
    let temps = || {
        std::fs::read_dir(&state)
            .map(|rd| {
                rd.filter_map(Result::ok)
                    .filter(|e| e.file_name().to_string_lossy().starts_with(".tmp"))
                    .count()
            })
            .unwrap_or(0)
    };
    let temp_left = temps();
    // One more write session cleans whatever a kill left mid-write.
    env.quiz(&["--deck", "t"], "q\n");
    assert_eq!(temps(), 0, "{temp_left} temp files were left before");
    assert!(theirs() == before, "another device's journal was written");
    (acknowledged, found)
}

#[test]
fn random_kills_lose_no_acknowledged_answer() {
    let (acknowledged, found) = kill_sessions(25, 7, false);
    assert!(acknowledged > 0, "some answers were given before the kills");
    assert!(
        found >= acknowledged,
        "{found} answers found of {acknowledged} acknowledged"
    );
}

#[test]
fn random_kills_with_other_devices_journals_present_lose_nothing_and_touch_them_not() {
    let (acknowledged, found) = kill_sessions(10, 13, true);
    assert!(acknowledged > 0, "some answers were given before the kills");
    assert!(
        found >= acknowledged,
        "{found} answers found of {acknowledged} acknowledged"
    );
}

#[test]
#[ignore = "long: run with SMRITI_KILLS=N -- --ignored"]
fn kill_many() {
    let kills = std::env::var("SMRITI_KILLS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(2000);
    let (acknowledged, found) = kill_sessions(kills, 11, true);
    let lost = acknowledged.saturating_sub(found);
    eprintln!("kills: {kills}, answers acknowledged: {acknowledged}, found: {found}, lost: {lost}");
    assert_eq!(lost, 0);
}
