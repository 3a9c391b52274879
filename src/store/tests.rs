//! Damage against the store as a whole: any changed byte in the journal or the snapshot gives
//! either a clear error or exactly the state a full replay of the intact journal gives, never
//! a silently different state.

use std::fs;
use std::path::Path;

use proptest::prelude::*;

use super::journal::{Entry, new_card_state};
use super::{States, Store};
use crate::clock::Clock;
use crate::schedule::{CardState, Grade, Phase};

fn state(i: i64) -> CardState {
    CardState {
        intro: 1_000 + i,
        last: 2_000 + i,
        due: 3_000 + i,
        stability: 1.5 + i as f32,
        difficulty: 4.25,
        phase: Phase::Review,
        reps: i as u32 + 1,
        lapses: (i % 3) as u32,
    }
}

/// A state folder written through the store: answers and undos, a snapshot covering the
/// first session, and a second session past it. Returns the state every entry adds up to.
fn home(dir: &Path) -> States {
    let clock = Clock::new(
        "2026-11-24T10:00:00Z".parse().unwrap(),
        jiff::tz::TimeZone::UTC,
        4,
    );
    let mut want = States::default();
    for session in 0..2 {
        let mut store = Store::open_write(dir).unwrap();
        for i in 0..12i64 {
            let key = format!("d/c{}", (i + session * 5) % 7);
            let entry = if i % 5 == 4 {
                Entry::Undo {
                    at: i,
                    key,
                    state: new_card_state(),
                }
            } else {
                Entry::Review {
                    at: i,
                    key,
                    grade: Grade::Good,
                    took_ms: 900,
                    state: state(i + session * 100),
                }
            };
            store.record(&entry).unwrap();
            entry.apply(&mut want);
        }
        if session == 0 {
            store.finish(&clock).unwrap();
        }
    }
    want
}

/// Flips `mask` into byte `at` of `file` in a copy of `from`, and reads the state back.
fn read_flipped(from: &Path, file: &str, at: usize, mask: u8) -> Option<Result<States, String>> {
    let dir = tempfile::tempdir().unwrap();
    for name in ["journal.tsv", "snapshot.tsv"] {
        fs::copy(from.join(name), dir.path().join(name)).unwrap();
    }
    let path = dir.path().join(file);
    let mut bytes = fs::read(&path).unwrap();
    let at = at.checked_rem(bytes.len())?;
    bytes[at] ^= mask;
    fs::write(&path, bytes).unwrap();
    Some(
        Store::open_read(dir.path())
            .map(|s| s.cards)
            .map_err(|e| e.to_string()),
    )
}

fn clear_or_exact(got: Result<States, String>, want: &States, what: &str) -> bool {
    match got {
        Ok(cards) => {
            assert_eq!(
                &cards, want,
                "{what}: a changed byte gave a different state"
            );
            false
        }
        Err(e) => {
            assert!(
                e.contains("journal.tsv:") && (e.contains("damaged") || e.contains("newer")),
                "{what}: unclear error {e}"
            );
            true
        }
    }
}

#[test]
fn every_single_flip_in_journal_or_snapshot_is_an_error_or_the_full_replay_state() {
    let dir = tempfile::tempdir().unwrap();
    let want = home(dir.path());
    assert!(dir.path().join("snapshot.tsv").exists());
    let mut detected = 0;
    let mut same = 0;
    for file in ["journal.tsv", "snapshot.tsv"] {
        let len = fs::metadata(dir.path().join(file)).unwrap().len() as usize;
        for at in 0..len {
            for mask in [0x01, 0x10, 0x80] {
                let got = read_flipped(dir.path(), file, at, mask).unwrap();
                if clear_or_exact(got, &want, &format!("{file} byte {at} ^ {mask:#x}")) {
                    detected += 1;
                } else {
                    same += 1;
                }
            }
        }
    }
    // Every journal flip is damage; every snapshot flip is caught and replayed around.
    eprintln!("flips: {detected} reported as damage, {same} read as the full replay");
    let journal_flips = 3 * fs::metadata(dir.path().join("journal.tsv")).unwrap().len() as usize;
    assert_eq!(detected, journal_flips);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn any_byte_changed_in_journal_or_snapshot_is_caught(
        snapshot in any::<bool>(),
        at in any::<usize>(),
        mask in 1u8..=255,
    ) {
        let dir = tempfile::tempdir().unwrap();
        let want = home(dir.path());
        let file = if snapshot { "snapshot.tsv" } else { "journal.tsv" };
        let got = read_flipped(dir.path(), file, at, mask).unwrap();
        let detected = clear_or_exact(got, &want, file);
        prop_assert!(snapshot || detected, "a journal flip must be reported");
    }
}

#[test]
fn a_key_that_would_break_its_line_is_refused_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    home(dir.path());
    let path = Store::journal_path(dir.path());
    let before = fs::read(&path).unwrap();
    let mut store = Store::open_write(dir.path()).unwrap();
    for key in ["d/a\tb", "d/a\nb", "d/a b", "", "d/\u{1b}[31m"] {
        let e = store
            .record(&Entry::Review {
                at: 1,
                key: key.into(),
                grade: Grade::Good,
                took_ms: 1,
                state: state(1),
            })
            .unwrap_err();
        assert!(e.to_string().contains("cannot be recorded"), "{e}");
    }
    drop(store);
    assert_eq!(fs::read(&path).unwrap(), before);
}

#[test]
fn an_intact_snapshot_is_used_and_covers_the_first_session() {
    let dir = tempfile::tempdir().unwrap();
    let want = home(dir.path());
    let store = Store::open_read(dir.path()).unwrap();
    assert!(!store.snapshot_stale, "the snapshot verified");
    assert_eq!(
        store.lines_since_snapshot, 12,
        "only the second session was replayed"
    );
    assert_eq!(store.cards, want);
    // After a session that ends with a fresh snapshot, nothing is left to replay.
    let clock = Clock::new(
        "2026-11-25T10:00:00Z".parse().unwrap(),
        jiff::tz::TimeZone::UTC,
        4,
    );
    let mut store = Store::open_write(dir.path()).unwrap();
    store.snapshot_stale = true;
    store.finish(&clock).unwrap();
    let store = Store::open_read(dir.path()).unwrap();
    assert!(!store.snapshot_stale);
    assert_eq!((store.lines_since_snapshot, &store.cards), (0, &want));
}

fn review(i: usize, key: &str) -> Entry {
    Entry::Review {
        at: i as i64,
        key: key.to_owned(),
        grade: Grade::Good,
        took_ms: 900,
        state: state(i as i64),
    }
}

#[test]
fn a_batch_is_recorded_whole_and_read_back_as_written() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_write(dir.path()).unwrap();
    store.record(&review(0, "d/first")).unwrap();
    store
        .record_all(3000, |i| review(i, &format!("d/c{}", i % 1000)))
        .unwrap();
    let mut want = States::default();
    review(0, "d/first").apply(&mut want);
    (0..3000).for_each(|i| review(i, &format!("d/c{}", i % 1000)).apply(&mut want));
    assert_eq!(store.cards, want);
    drop(store);
    assert_eq!(Store::open_read(dir.path()).unwrap().cards, want);
}

#[test]
fn a_batch_that_fails_midway_leaves_the_journal_and_state_as_they_were() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_write(dir.path()).unwrap();
    store.record(&review(0, "d/first")).unwrap();
    let journal = fs::read(Store::journal_path(dir.path())).unwrap();
    let before = store.cards.clone();
    // Far enough in that earlier chunks were already written when the bad key comes.
    let bad = 40_000;
    let err = store
        .record_all(50_000, |i| {
            review(i, if i == bad { "d/bad\tkey" } else { "d/ok" })
        })
        .unwrap_err();
    assert!(err.to_string().contains("cannot be recorded"), "{err}");
    assert_eq!(store.cards, before);
    assert_eq!(fs::read(Store::journal_path(dir.path())).unwrap(), journal);
    // The store goes on writing where it was.
    store.record(&review(1, "d/next")).unwrap();
    drop(store);
    let read = Store::open_read(dir.path()).unwrap();
    assert!(read.cards.contains_key("d/next") && !read.cards.contains_key("d/ok"));
}
