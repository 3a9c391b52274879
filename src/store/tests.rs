//! Damage against the store as a whole: any changed byte in the journal or the snapshot gives
//! either a clear error or exactly the state a full replay of the intact journal gives, never
//! a silently different state.

use std::fs;
use std::path::Path;

use proptest::prelude::*;

use super::journal::{Entry, Event, Hold, new_card_state};
use super::{Holds, States, Store};
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

/// Every card's state and hold.
type Both = (States, Holds);

/// A state folder written through the store: answers, undos, suspends and burials (of
/// answered and new cards), a snapshot covering the first session, and a second session past
/// it. Returns the state and holds every entry adds up to.
fn home(dir: &Path) -> Both {
    let clock = Clock::new(
        "2026-11-24T10:00:00Z".parse().unwrap(),
        jiff::tz::TimeZone::UTC,
        4,
    );
    let (mut want, mut holds) = (States::default(), Holds::default());
    for session in 0..2 {
        let mut store = Store::open_write(dir).unwrap();
        for i in 0..12i64 {
            let key = format!("d/c{}", (i + session * 5) % 7);
            let entry = if i % 5 == 4 {
                Entry::Undo {
                    at: i,
                    key,
                    state: new_card_state(),
                    hold: Hold::None,
                }
            } else if i % 4 == 2 {
                let (event, hold) = match i % 3 {
                    0 => (Event::Suspend, Hold::Suspended),
                    _ => (Event::Bury, Hold::BuriedUntil(5_000 + i)),
                };
                Entry::Control {
                    at: i,
                    state: want.get(&key).unwrap_or_else(new_card_state),
                    key,
                    event,
                    hold,
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
            entry.apply(&mut want, &mut holds);
        }
        if session == 0 {
            store.finish(&clock).unwrap();
        }
    }
    assert!(!holds.is_empty(), "the journal holds cards");
    (want, holds)
}

/// Copies a state folder's files (its device id, journals and snapshot; not the lock).
pub(crate) fn copy_state(from: &Path, to: &Path) {
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().into_owned();
        let target = to.join(&name);
        if entry.file_type().unwrap().is_dir() {
            fs::create_dir_all(&target).unwrap();
            copy_state(&entry.path(), &target);
        } else if !name.starts_with("lock") {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// This device's journal under the state folder.
fn journal_name(dir: &Path) -> String {
    let path = Store::journal_path(dir);
    let name = path.strip_prefix(dir).unwrap();
    name.to_string_lossy().into_owned()
}

/// Flips `mask` into byte `at` of `file` in a copy of `from`, and reads the state back.
fn read_flipped(from: &Path, file: &str, at: usize, mask: u8) -> Option<Result<Both, String>> {
    let dir = tempfile::tempdir().unwrap();
    copy_state(from, dir.path());
    let path = dir.path().join(file);
    let mut bytes = fs::read(&path).unwrap();
    let at = at.checked_rem(bytes.len())?;
    bytes[at] ^= mask;
    fs::write(&path, bytes).unwrap();
    Some(
        Store::open_read(dir.path())
            .map(|s| (s.cards, s.holds))
            .map_err(|e| e.to_string()),
    )
}

fn clear_or_exact(got: Result<Both, String>, want: &Both, what: &str) -> bool {
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
                e.contains(".tsv:") && (e.contains("damaged") || e.contains("newer")),
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
    assert!(dir.path().join("snapshot.bin").exists());
    let mut detected = 0;
    let mut same = 0;
    let journal = journal_name(dir.path());
    for file in [journal.as_str(), "snapshot.bin"] {
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
    let journal_flips = 3 * fs::metadata(dir.path().join(&journal)).unwrap().len() as usize;
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
        let journal = journal_name(dir.path());
        let file = if snapshot { "snapshot.bin" } else { journal.as_str() };
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
    assert_eq!((&store.cards, &store.holds), (&want.0, &want.1));
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
    assert_eq!((store.lines_since_snapshot, &store.cards), (0, &want.0));
    assert_eq!(store.holds, want.1);
}

#[test]
fn a_batch_is_appended_whole_and_reads_back_as_single_answers_do() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_write(dir.path()).unwrap();
    store
        .record(&Entry::Review {
            at: 1,
            key: "d/a".into(),
            grade: Grade::Good,
            took_ms: 5,
            state: state(1),
        })
        .unwrap();
    let batch: Vec<Entry> = (2..2_000i64)
        .map(|i| Entry::Review {
            at: i,
            key: format!("d/c{}", i % 30),
            grade: Grade::Hard,
            took_ms: 7,
            state: state(i),
        })
        .collect();
    assert_eq!(store.record_all(batch.clone()).unwrap(), batch.len());
    let in_memory = store.cards.clone();
    drop(store);
    let reread = Store::open_read(dir.path()).unwrap();
    assert_eq!(reread.cards, in_memory);
    assert_eq!(reread.cards.len(), 31);
    assert_eq!(reread.state("d/c19"), Some(state(1_999)));
    let history = super::history::read(dir.path()).unwrap();
    assert_eq!(history.len(), 1_999);

    // A bad key anywhere in a batch writes none of it.
    let mut store = Store::open_write(dir.path()).unwrap();
    let before = fs::read(Store::journal_path(dir.path())).unwrap();
    let mut bad = batch[..3].to_vec();
    bad.push(Entry::Review {
        at: 9,
        key: "has\ttab".into(),
        grade: Grade::Good,
        took_ms: 0,
        state: state(9),
    });
    assert!(store.record_all(bad).is_err());
    assert_eq!(store.cards.len(), 31, "the in-memory state is unchanged");
    assert_eq!(fs::read(Store::journal_path(dir.path())).unwrap(), before);
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
        .record_all((0..3000).map(|i| review(i, &format!("d/c{}", i % 1000))))
        .unwrap();
    let (mut want, mut holds) = (States::default(), super::Holds::default());
    review(0, "d/first").apply(&mut want, &mut holds);
    (0..3000).for_each(|i| review(i, &format!("d/c{}", i % 1000)).apply(&mut want, &mut holds));
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
        .record_all((0..50_000).map(|i| review(i, if i == bad { "d/bad\tkey" } else { "d/ok" })))
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

/// Lines another device wrote: answers (and a suspend) of `keys` at `times`, with ids from
/// `first_id`.
fn other_lines(keys: &[&str], times: &[i64], first_id: u64) -> String {
    let mut text = String::new();
    for (n, (key, at)) in keys.iter().zip(times).enumerate() {
        let entry = if n % 4 == 3 {
            Entry::Control {
                at: *at,
                key: (*key).to_owned(),
                event: Event::Suspend,
                state: state(*at),
                hold: Hold::Suspended,
            }
        } else {
            Entry::Review {
                at: *at,
                key: (*key).to_owned(),
                grade: if n % 3 == 0 {
                    Grade::Again
                } else {
                    Grade::Good
                },
                took_ms: 700,
                state: state(*at),
            }
        };
        text.push_str(&super::journal::write_line(
            &entry,
            first_id + n as u64,
            None,
        ));
    }
    text
}

/// The state a full replay of the journals gives: a copy without the index.
fn full_replay(dir: &Path) -> Both {
    let copy = tempfile::tempdir().unwrap();
    copy_state(dir, copy.path());
    let _ = fs::remove_file(copy.path().join("snapshot.bin"));
    let store = Store::open_read(copy.path()).unwrap();
    (store.cards, store.holds)
}

#[test]
fn another_devices_new_lines_over_the_index_give_the_full_replay_state() {
    const T: i64 = 1_790_000_000_000;
    const DAY: i64 = 86_400_000;
    let dir = tempfile::tempdir().unwrap();
    let clock = Clock::new(
        "2026-11-24T10:00:00Z".parse().unwrap(),
        jiff::tz::TimeZone::UTC,
        4,
    );
    let answer = |store: &mut Store, key: &str, at: i64| {
        store
            .record(&Entry::Review {
                at,
                key: key.into(),
                grade: Grade::Good,
                took_ms: 900,
                state: state(at),
            })
            .unwrap();
    };
    let mut store = Store::open_write(dir.path()).unwrap();
    for (i, key) in ["d/a", "d/b", "d/c", "d/d"].into_iter().enumerate() {
        answer(&mut store, key, T + i as i64 * DAY);
    }
    store.finish(&clock).unwrap();
    drop(store);
    let folder = dir.path().join("devices");
    let other = folder.join("other.tsv");
    // The other device's first lines: two cards this device answered too, one of its own.
    let first = other_lines(&["d/a", "d/e", "d/c"], &[T + DAY / 2, T, T + 9 * DAY], 1);
    fs::write(&other, format!("{}{first}", super::journal::HEADER)).unwrap();
    let read = |dir: &Path| {
        let s = Store::open_read(dir).unwrap();
        (s.devices, (s.cards, s.holds))
    };
    let (devices, incremental) = read(dir.path());
    assert_eq!(devices, 2);
    let replayed = full_replay(dir.path());
    assert_eq!(incremental, replayed, "a new journal over the index");
    assert_ne!(
        incremental.0.of("d/a"),
        state(T + DAY / 2),
        "d/a was answered on both devices: replayed, not a stored state"
    );
    assert_eq!(
        incremental.0.of("d/b"),
        state(T + DAY),
        "one device: as stored"
    );
    // A session here indexes both journals; then the other device appends, its journal
    // appears again as a conflict copy with a line more, and this device answers on.
    let mut store = Store::open_write(dir.path()).unwrap();
    answer(&mut store, "d/e", T + 10 * DAY);
    store.finish(&clock).unwrap();
    drop(store);
    let more = other_lines(
        &["d/b", "d/d", "d/f", "d/b"],
        &[T + 11 * DAY, T + 3 * DAY, T + 12 * DAY, T + 13 * DAY],
        10,
    );
    let whole = format!("{}{first}{more}", super::journal::HEADER);
    fs::write(&other, &whole).unwrap();
    let extra = other_lines(&["d/g"], &[T + 14 * DAY], 20);
    fs::write(
        folder.join("other.sync-conflict-20261124-100000-ABCDEFG.tsv"),
        format!("{whole}{extra}"),
    )
    .unwrap();
    let (devices, incremental) = read(dir.path());
    assert_eq!(devices, 2, "a conflict copy is its device's");
    assert_eq!(
        incremental,
        full_replay(dir.path()),
        "appended lines and a copy"
    );
    assert_eq!(incremental.1.get("d/b"), Some(&Hold::Suspended));
    // And a rolled-back journal (shorter than the index covers) is read afresh.
    fs::write(&other, format!("{}{first}", super::journal::HEADER)).unwrap();
    let (_, rolled_back) = read(dir.path());
    assert_eq!(rolled_back, full_replay(dir.path()));
    assert!(
        rolled_back.0.contains_key("d/g"),
        "the copy still holds its lines"
    );
}

#[test]
fn the_move_of_the_single_journal_survives_a_kill_at_every_step() {
    let dir = tempfile::tempdir().unwrap();
    let want = home(dir.path());
    let journal = fs::read(Store::journal_path(dir.path())).unwrap();
    let id = super::devices::id(dir.path()).unwrap();
    let own = dir.path().join("devices").join(format!("{id}.tsv"));
    let legacy = dir.path().join(super::devices::LEGACY);
    let as_old = |copy: &Path| {
        copy_state(dir.path(), copy);
        let _ = fs::remove_file(copy.join("snapshot.bin"));
        fs::remove_dir_all(copy.join("devices")).unwrap();
        fs::write(copy.join(super::devices::LEGACY), &journal).unwrap();
    };
    // Killed before anything (the old layout), after `devices/` was made, and after the
    // rename but before the header-only `journal.tsv` was written.
    let steps: [&dyn Fn(&Path); 3] = [
        &|_| {},
        &|copy| fs::create_dir_all(copy.join("devices")).unwrap(),
        &|copy| {
            fs::create_dir_all(copy.join("devices")).unwrap();
            fs::rename(
                copy.join(super::devices::LEGACY),
                copy.join("devices").join(format!("{id}.tsv")),
            )
            .unwrap();
        },
    ];
    for (n, killed_after) in steps.into_iter().enumerate() {
        let copy = tempfile::tempdir().unwrap();
        as_old(copy.path());
        killed_after(copy.path());
        let read = Store::open_read(copy.path()).unwrap();
        assert_eq!((read.cards, read.holds), want, "read after step {n}");
        let store = Store::open_write(copy.path()).unwrap();
        assert_eq!((store.cards.clone(), store.holds.clone()), want, "step {n}");
        drop(store);
        let moved = copy.path().join("devices").join(format!("{id}.tsv"));
        assert_eq!(
            fs::read(&moved).unwrap(),
            journal,
            "step {n}: the same bytes"
        );
        assert_eq!(
            fs::read_to_string(copy.path().join(super::devices::LEGACY)).unwrap(),
            super::journal::HEADER
        );
    }
    // A home this version made has the header-only `journal.tsv` too.
    assert!(own.exists());
    assert_eq!(fs::read_to_string(&legacy).unwrap(), super::journal::HEADER);
}

#[test]
fn a_read_that_had_to_replay_the_whole_journal_writes_the_index_again() {
    let dir = tempfile::tempdir().unwrap();
    let want = home(dir.path());
    let index = dir.path().join("snapshot.bin");
    for damage in [None, Some(0x01u8)] {
        match damage {
            None => fs::remove_file(&index).unwrap(),
            Some(mask) => {
                let mut bytes = fs::read(&index).unwrap();
                bytes[40] ^= mask;
                fs::write(&index, bytes).unwrap();
            }
        }
        let store = Store::open_read(dir.path()).unwrap();
        assert_eq!((&store.cards, &store.holds), (&want.0, &want.1));
        assert!(index.exists(), "written again by a read");
        let store = Store::open_read(dir.path()).unwrap();
        assert!(
            !store.snapshot_stale,
            "the index written by a read verifies"
        );
        assert_eq!(store.lines_since_snapshot, 0, "no line replayed");
        assert_eq!((&store.cards, &store.holds), (&want.0, &want.1));
    }
}

/// A journal copied to another file (a home copied or restored) is checked whole once: the
/// index is then written again naming the new file, so later starts check its tail alone.
#[test]
fn an_index_naming_a_copied_journal_is_written_again_for_the_copy() {
    let dir = tempfile::tempdir().unwrap();
    let want = home(dir.path());
    let journal = dir.path().join(journal_name(dir.path()));
    let copy = dir.path().join("copy");
    fs::copy(&journal, &copy).unwrap();
    fs::rename(&copy, &journal).unwrap();
    let id = super::snapshot::file_id(&fs::File::open(&journal).unwrap());
    let named = |dir: &Path| {
        let mut files = Vec::new();
        let read = super::snapshot::read(dir, |c| {
            files = c.iter().map(|c| c.file).collect();
            true
        });
        assert!(read.unwrap().is_some(), "the index reads");
        files
    };
    if id == 0 {
        // No file identities here: every start checks the prefix whole anyway.
        return;
    }
    assert!(
        !named(dir.path()).contains(&id),
        "the index names the old file"
    );
    let store = Store::open_read(dir.path()).unwrap();
    assert_eq!((&store.cards, &store.holds), (&want.0, &want.1));
    assert!(!store.snapshot_stale, "the index was used");
    assert_eq!(named(dir.path()), vec![id], "written again for the copy");
    let store = Store::open_read(dir.path()).unwrap();
    assert_eq!((&store.cards, &store.holds), (&want.0, &want.1));
}

/// The journal prefix an index covers is checked by its last 64 KiB while the journal is the
/// same file, and whole when it is another (renamed over it): either way a prefix with other
/// bytes where they are checked is not taken for the one indexed.
#[test]
fn a_covered_prefix_is_checked_by_its_tail_in_the_same_file_and_whole_in_another() {
    use std::io::{Seek, SeekFrom, Write};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("j.tsv");
    let bytes: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    fs::write(&path, &bytes).unwrap();
    let len = bytes.len() as u64;
    let c = super::covered(
        &fs::File::open(&path).unwrap(),
        "j".into(),
        len,
        crc32c::crc32c(&bytes),
    );
    let journals = || vec![("j".to_owned(), path.clone(), len, 0)];
    let same = || super::unchanged(std::slice::from_ref(&c), &journals());
    assert!(same());
    // Appended to, in place: the prefix is still there.
    fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .unwrap()
        .write_all(b"more\n")
        .unwrap();
    let grown = vec![("j".to_owned(), path.clone(), len + 5, 0)];
    assert!(super::unchanged(std::slice::from_ref(&c), &grown));
    // Where the file system gives creation times, the same file is checked by its tail alone
    // (what spares start-up reading the whole journal): a change in place far from the end is
    // left to the daily backup's check.
    if c.file != 0 {
        let mut file = fs::OpenOptions::new().write(true).open(&path).unwrap();
        file.write_all(&[bytes[0] ^ 1]).unwrap();
        drop(file);
        assert!(same());
        let mut file = fs::OpenOptions::new().write(true).open(&path).unwrap();
        file.write_all(&bytes[..1]).unwrap();
    }
    // A byte changed in place near the prefix's end is seen.
    let mut file = fs::OpenOptions::new().write(true).open(&path).unwrap();
    file.seek(SeekFrom::Start(len - 10)).unwrap();
    file.write_all(&[bytes[len as usize - 10] ^ 1]).unwrap();
    drop(file);
    assert!(!same());
    // Another file with the same bytes, renamed over it: checked whole, and the same.
    let copy = dir.path().join("copy");
    fs::write(&copy, &bytes).unwrap();
    fs::rename(&copy, &path).unwrap();
    assert!(same());
    // Another file with one byte changed far from the end: checked whole, so seen.
    let mut other = bytes.clone();
    other[10] ^= 1;
    fs::write(&copy, &other).unwrap();
    fs::rename(&copy, &path).unwrap();
    assert!(!same());
}
