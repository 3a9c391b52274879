//! The state file as the real binary treats it: the v1 upgrade, verified snapshots, one
//! verdict on damage, backups and `restore`, and the small defences around the state folder.

use std::fs;

use crate::env::{Env, basic_deck, succeeded};

fn all_good(n: usize) -> String {
    "\n3\n".repeat(n)
}

/// A v1 journal of `n` answers to `t/c{i}` (Good) and an undo of the last one.
fn v1_journal(n: usize) -> String {
    let mut text = String::from("# smriti journal v1\n");
    for i in 0..n {
        let at = 1_795_000_000_000i64 + i as i64 * 60_000;
        text.push_str(&format!(
            "r\t{at}\tt/c{i}\t3\t1200\t{at}\t{at}\t{}\t3.1\t5.2\tr\t1\t0\n",
            at + 3 * 86_400_000
        ));
    }
    text.push_str(&format!(
        "u\t1795000900000\tt/c{}\t-\t-\t0\t0\t0\t0\t0\tn\t0\t0\n",
        n - 1
    ));
    text
}

fn state_file(env: &Env, name: &str) -> std::path::PathBuf {
    env.path().join("state").join(name)
}

#[test]
fn a_v1_journal_is_read_as_it_is_and_upgraded_on_the_first_write_with_every_answer_kept() {
    let env = Env::new();
    env.write_deck("t.toml", &basic_deck(8));
    fs::create_dir_all(env.path().join("state")).unwrap();
    let v1 = v1_journal(5);
    fs::write(env.journal_path(), &v1).unwrap();
    // Looking changes nothing.
    let before = env.json(&["stats", "--json"]);
    assert_eq!(fs::read_to_string(env.journal_path()).unwrap(), v1);
    // The first write upgrades: the v1 file is kept in backups/, every line carried over.
    env.quiz(&["--deck", "t"], &all_good(1));
    let text = fs::read_to_string(env.journal_path()).unwrap();
    assert!(text.starts_with("# smriti journal v2\n"), "{text}");
    assert_eq!(
        fs::read_to_string(state_file(&env, "backups/v1-journal.tsv")).unwrap(),
        v1
    );
    let lines: Vec<&str> = text.lines().skip(1).collect();
    assert_eq!(
        lines.len(),
        7,
        "5 answers, the undo, the new answer: {text}"
    );
    assert!(lines.iter().all(|l| l.split('\t').count() == 17));
    // The undo names the answer it takes back.
    let undone_id = lines[4].split('\t').nth(1).unwrap();
    assert_eq!(lines[5].split('\t').nth(4), Some(undone_id));
    let reviews = env.reviews();
    for (i, r) in reviews.iter().take(5).enumerate() {
        assert!(r.contains(&format!("\tt/c{i}\t3\t1200\t")), "{r}");
    }
    // The upgraded journal says the same as the v1 one did, plus the new answer.
    let after = env.json(&["stats", "--json"]);
    assert_eq!(
        after["reviews_total"].as_u64(),
        before["reviews_total"].as_u64().map(|n| n + 1),
        "{after}"
    );
}

#[test]
fn a_journal_of_a_newer_format_is_refused_and_v2_is_what_v1_called_newer() {
    // The v1 reader parsed the number after `v` and refused any above 1 with the "newer"
    // message; v2 keeps the header shape so that message fires for it.
    let env = Env::new();
    fs::create_dir_all(env.path().join("state")).unwrap();
    fs::write(env.journal_path(), "# smriti journal v3\n").unwrap();
    for args in [&["quiz", "--plain"][..], &["stats"], &["decks"]] {
        let err = env.fails(args, "");
        assert!(
            err.contains("written by a newer smriti (format v3; this one reads v2)"),
            "{err}"
        );
    }
}

#[test]
fn lenient_headers_are_damage_not_v1() {
    let env = Env::new();
    fs::create_dir_all(env.path().join("state")).unwrap();
    for header in [
        "# smriti journal v0\n",
        "# smriti journal v 1\n",
        "# smriti journal v01\n",
    ] {
        fs::write(env.journal_path(), header).unwrap();
        let err = env.fails(&["stats"], "");
        assert!(
            err.contains("test.tsv:1: the state file is damaged"),
            "{header}: {err}"
        );
    }
}

/// A home with a journal of `n` answers and a snapshot covering them all.
fn studied(n: usize) -> Env {
    let env = Env::new();
    env.write_deck("t.toml", &basic_deck(n + 2));
    env.write_config("new_per_day = 1000\n");
    env.quiz(&["--deck", "t"], &all_good(n));
    assert!(state_file(&env, "snapshot.bin").exists());
    env
}

fn decks_out(env: &Env) -> String {
    let out = env.cmd(&["decks"]).output().unwrap();
    succeeded(&out);
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn a_truncated_or_edited_snapshot_is_not_trusted() {
    let env = studied(6);
    let want = decks_out(&env);
    let snap = state_file(&env, "snapshot.bin");
    let bytes = fs::read(&snap).unwrap();
    let key_at = bytes.windows(4).position(|w| w == b"t/c0").unwrap();
    let mut other_key = bytes.clone();
    other_key[key_at + 3] = b'9';
    let mut other_phase = bytes.clone();
    // The first record's phase byte: after the header (magic, format, one journal covered:
    // `devices/test.tsv` with its length, CRCs and file identity, record and key counts) and 52 bytes of
    // fields.
    let header = 16 + 4 + 4 + (2 + "devices/test.tsv".len() + 24) + 8;
    other_phase[header + 52] = b'n';
    for damaged in [bytes[..header].to_vec(), other_key, other_phase, Vec::new()] {
        fs::write(&snap, &damaged).unwrap();
        assert_eq!(decks_out(&env), want, "{damaged:?}");
        // The read that replayed the journal around it wrote it again, as it was.
        assert_eq!(fs::read(&snap).unwrap(), bytes, "{damaged:?}");
    }
}

#[test]
fn damage_inside_the_snapshot_covered_part_is_one_verdict_for_every_command() {
    let env = studied(4);
    let path = env.journal_path();
    let mut bytes = fs::read(&path).unwrap();
    // A digit of the second answer's time, well inside the snapshot's prefix.
    let second = bytes.iter().position(|b| *b == b'\n').unwrap() + 1;
    let line_2_end = second + bytes[second..].iter().position(|b| *b == b'\n').unwrap();
    let at = line_2_end + 25;
    bytes[at] = if bytes[at] == b'1' { b'2' } else { b'1' };
    fs::write(&path, &bytes).unwrap();
    for args in [
        &["quiz", "--plain", "--deck", "t"][..],
        &["stats"],
        &["decks"],
    ] {
        let err = env.fails(args, "\n3\n");
        assert!(
            err.contains("test.tsv:3: the state file is damaged"),
            "{args:?}: {err}"
        );
        assert!(err.contains("checksum"), "{err}");
    }
    assert_eq!(fs::read(&path).unwrap(), bytes, "nothing was appended");
}

/// Start-up checks only the end of the journal prefix the state index covers, so damage in
/// place far from the end is found by the next daily backup, which refuses to copy it and
/// says where it is while the good copies are still there.
#[test]
fn damage_in_place_far_from_the_journals_end_is_found_by_the_next_daily_backup() {
    use std::io::{Seek, SeekFrom, Write};
    let mut env = Env::new();
    env.write_deck("t.toml", &basic_deck(1600));
    env.write_config("new_per_day = 2000\nmax_reviews_per_day = 2000\n");
    env.quiz(&["--deck", "t"], &all_good(1500));
    let path = env.journal_path();
    let bytes = fs::read(&path).unwrap();
    assert!(bytes.len() > 2 * 65_536, "{} bytes", bytes.len());
    let backups_dir = state_file(&env, "backups");
    let backups = || fs::read_dir(&backups_dir).unwrap().count();
    let kept = backups();
    // A digit of the second answer's time, changed in the same file.
    let second = bytes.iter().position(|b| *b == b'\n').unwrap() + 1;
    let line_2_end = second + bytes[second..].iter().position(|b| *b == b'\n').unwrap();
    let at = line_2_end + 25;
    let mut file = fs::OpenOptions::new().write(true).open(&path).unwrap();
    file.seek(SeekFrom::Start(at as u64)).unwrap();
    file.write_all(&[if bytes[at] == b'1' { b'2' } else { b'1' }])
        .unwrap();
    drop(file);
    // The index stands for the intact journal: the state it gives is the one before. (A file
    // system without creation times has every prefix checked whole: the damage is found at
    // once.)
    let out = env.cmd(&["decks"]).output().unwrap();
    if fs::metadata(&path).unwrap().created().is_err() {
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("test.tsv:3: the state file is damaged"),
            "{err}"
        );
        return;
    }
    succeeded(&out);
    // Two days on, the session's end takes no copy of it and names the damaged line.
    env.now = "2026-11-26T10:00:00Z".to_owned();
    let out = env
        .cmd(&["quiz", "--plain", "--deck", "t"])
        .write_stdin("\n3\n")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("test.tsv:3: the state file is damaged"),
        "{err}"
    );
    assert_eq!(backups(), kept, "no copy of the damaged journal");
}

#[test]
fn a_flipped_final_newline_is_damage_not_a_torn_line() {
    let env = studied(2);
    let path = env.journal_path();
    let mut bytes = fs::read(&path).unwrap();
    let last = bytes.len() - 1;
    bytes[last] = b'x';
    fs::write(&path, &bytes).unwrap();
    let err = env.fails(&["stats"], "");
    assert!(
        err.contains("test.tsv:3: the state file is damaged"),
        "{err}"
    );
}

#[test]
fn a_state_file_that_is_not_a_regular_file_is_refused_with_a_clear_error() {
    let env = Env::new();
    let state = env.path().join("state");
    fs::create_dir_all(&state).unwrap();
    fs::create_dir(env.journal_path()).unwrap();
    for args in [&["stats"][..], &["quiz", "--plain"]] {
        let err = env.fails(args, "");
        assert!(
            err.contains("test.tsv is not a regular file (a folder)"),
            "{err}"
        );
    }
}

#[cfg(unix)]
#[test]
fn a_named_pipe_as_the_journal_is_refused_instead_of_hanging() {
    let env = Env::new();
    fs::create_dir_all(env.path().join("state")).unwrap();
    let made = std::process::Command::new("mkfifo")
        .arg(env.journal_path())
        .status()
        .unwrap();
    assert!(made.success());
    for args in [&["stats"][..], &["quiz", "--plain"]] {
        let err = env.fails(args, "");
        assert!(
            err.contains("is not a regular file (a named pipe)"),
            "{err}"
        );
    }
}

#[cfg(unix)]
#[test]
fn a_symbolic_link_as_the_lock_is_refused_and_its_target_untouched() {
    let env = Env::new();
    env.write_deck("t.toml", &basic_deck(2));
    let state = env.path().join("state");
    fs::create_dir_all(&state).unwrap();
    let target = env.path().join("precious.txt");
    fs::write(&target, "keep me").unwrap();
    std::os::unix::fs::symlink(&target, state.join("lock.test")).unwrap();
    let err = env.fails(&["quiz", "--plain", "--deck", "t"], "\n3\n");
    assert!(
        err.contains("lock.test is not a regular file (a symbolic link)"),
        "{err}"
    );
    assert_eq!(fs::read_to_string(&target).unwrap(), "keep me");
}

#[test]
fn temporary_files_left_by_a_killed_write_are_removed_at_the_next_start() {
    let env = studied(1);
    let state = env.path().join("state");
    fs::create_dir_all(state.join("backups")).unwrap();
    fs::write(state.join(".tmpAbC123"), "half a snapshot").unwrap();
    fs::write(state.join("backups/.tmpXyZ789"), "half a backup").unwrap();
    env.quiz(&["--deck", "t"], &all_good(1));
    assert!(!state.join(".tmpAbC123").exists());
    assert!(!state.join("backups/.tmpXyZ789").exists());
}

fn backups(env: &Env) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(state_file(env, "backups"))
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

fn on_day(env: &mut Env, day: u32) {
    env.now = format!("2026-11-{day:02}T10:00:00Z");
}

#[test]
fn a_backup_is_taken_only_when_the_journal_holds_something_new() {
    let mut env = Env::new();
    env.write_deck("t.toml", &basic_deck(20));
    on_day(&mut env, 10);
    env.quiz(&["--deck", "t"], &all_good(2));
    assert_eq!(backups(&env), ["journal-2026-11-10.tsv"]);
    // A day with no answers keeps no copy of its own.
    on_day(&mut env, 11);
    env.quiz(&["--deck", "t"], "q\n");
    assert_eq!(backups(&env), ["journal-2026-11-10.tsv"]);
    on_day(&mut env, 12);
    env.quiz(&["--deck", "t"], &all_good(1));
    assert_eq!(
        backups(&env),
        ["journal-2026-11-10.tsv", "journal-2026-11-12.tsv"]
    );
}

#[test]
fn rotation_never_replaces_the_longest_good_copy_with_shorter_ones() {
    let mut env = Env::new();
    env.write_deck("t.toml", &basic_deck(40));
    for day in 10..14 {
        on_day(&mut env, day);
        env.quiz(&["--deck", "t"], &all_good(3));
    }
    let longest = "journal-2026-11-13.tsv";
    assert!(
        backups(&env).contains(&longest.to_owned()),
        "{:?}",
        backups(&env)
    );
    // The journal shrinks (an old copy is put back), then three days of study follow.
    on_day(&mut env, 14);
    let out = env
        .cmd(&["restore", "2026-11-11", "--yes"])
        .output()
        .unwrap();
    succeeded(&out);
    for day in 15..18 {
        on_day(&mut env, day);
        env.quiz(&["--deck", "t"], &all_good(1));
    }
    let kept = backups(&env);
    assert!(kept.contains(&longest.to_owned()), "{kept:?}");
    let dailies = kept.iter().filter(|n| n.starts_with("journal-")).count();
    assert_eq!(dailies, 4, "three newest and the longest: {kept:?}");
}

#[test]
fn restore_lists_backups_and_puts_one_back_after_asking_keeping_the_current_aside() {
    let mut env = Env::new();
    env.write_deck("t.toml", &basic_deck(20));
    on_day(&mut env, 10);
    env.quiz(&["--deck", "t"], &all_good(2));
    on_day(&mut env, 11);
    env.quiz(&["--deck", "t"], &all_good(3));
    let out = env.cmd(&["restore"]).output().unwrap();
    let list = String::from_utf8(out.stdout).unwrap();
    assert!(out.status.success(), "{list}");
    let first = list.find("journal-2026-11-11.tsv").unwrap();
    let second = list.find("journal-2026-11-10.tsv").unwrap();
    assert!(first < second, "newest first: {list}");
    assert!(
        list.contains("5 answers") && list.contains("2 answers"),
        "{list}"
    );
    assert!(list.contains("2026-"), "dates: {list}");

    let current = fs::read(env.journal_path()).unwrap();
    let err = env.fails(&["restore", "2026-11-1", "--yes"], "");
    assert!(err.contains("matches several backups"), "{err}");
    // Declining changes nothing.
    let err_out = env
        .cmd(&["restore", "2026-11-10"])
        .write_stdin("n\n")
        .output()
        .unwrap();
    assert_eq!(err_out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&err_out.stdout).contains("Nothing changed."));
    assert_eq!(fs::read(env.journal_path()).unwrap(), current);

    let out = env
        .cmd(&["restore", "journal-2026-11-10.tsv"])
        .write_stdin("y\n")
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{said}");
    assert!(
        said.contains("Restored journal-2026-11-10.tsv (2 answers)"),
        "{said}"
    );
    assert_eq!(
        fs::read(env.journal_path()).unwrap(),
        fs::read(state_file(&env, "backups/journal-2026-11-10.tsv")).unwrap()
    );
    let aside: Vec<String> = backups(&env)
        .into_iter()
        .filter(|n| n.starts_with("before-restore-"))
        .collect();
    assert_eq!(aside.len(), 1, "{:?}", backups(&env));
    assert_eq!(
        fs::read(state_file(&env, &format!("backups/{}", aside[0]))).unwrap(),
        current
    );
    // The stale snapshot of the longer journal is not trusted: 2 answers, not 5.
    assert_eq!(
        env.json(&["stats", "--json"])["reviews_total"].as_u64(),
        Some(2)
    );
}

#[test]
fn the_damage_message_names_the_newest_backup_that_reads_clean() {
    let mut env = Env::new();
    env.write_deck("t.toml", &basic_deck(20));
    on_day(&mut env, 10);
    env.quiz(&["--deck", "t"], &all_good(2));
    on_day(&mut env, 11);
    env.quiz(&["--deck", "t"], &all_good(2));
    // The newest backup is damaged too: the message names the one before it.
    let newest = state_file(&env, "backups/journal-2026-11-11.tsv");
    let mut text = fs::read_to_string(&newest).unwrap();
    text.push_str("r\tgarbage\n");
    fs::write(&newest, text).unwrap();
    let mut journal = fs::read_to_string(env.journal_path()).unwrap();
    journal.push_str("r\tgarbage\n");
    fs::write(env.journal_path(), journal).unwrap();
    let err = env.fails(&["stats"], "");
    assert!(
        err.contains("test.tsv:6: the state file is damaged"),
        "{err}"
    );
    assert!(err.contains("journal-2026-11-10.tsv"), "{err}");
    assert!(err.contains("smriti restore"), "{err}");
    let list = String::from_utf8(env.cmd(&["restore"]).output().unwrap().stdout).unwrap();
    assert!(list.contains("damaged: line 6"), "{list}");
    let err = env.fails(&["restore", "2026-11-11", "--yes"], "");
    assert!(err.contains("does not read clean"), "{err}");
}

#[test]
fn a_second_session_is_told_the_pid_of_the_first() {
    use std::io::{BufRead, BufReader};
    let env = Env::new();
    env.write_deck("t.toml", &basic_deck(2));
    let mut first = env.spawn(&["quiz", "--plain", "--deck", "t"]);
    let mut stdout = BufReader::new(first.stdout.take().unwrap());
    let mut line = String::new();
    while stdout.read_line(&mut line).unwrap() > 0 && !line.contains("Question") {
        line.clear();
    }
    let err = env.fails(&["quiz", "--plain", "--deck", "t"], "");
    assert!(err.contains(&format!("(pid {})", first.id())), "{err}");
    drop(first.stdin.take());
    first.wait().unwrap();
}

#[cfg(unix)]
#[test]
fn the_upgrade_keeps_the_journal_s_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let env = Env::new();
    env.write_deck("t.toml", &basic_deck(8));
    fs::create_dir_all(env.path().join("state")).unwrap();
    fs::write(env.journal_path(), v1_journal(2)).unwrap();
    fs::set_permissions(env.journal_path(), fs::Permissions::from_mode(0o640)).unwrap();
    env.quiz(&["--deck", "t"], &all_good(1));
    let mode = fs::metadata(env.journal_path())
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o640);
}
