//! The state index: every card's latest state and hold in a compact binary file, so start-up
//! reads 100k fixed-size records instead of replaying a million journal lines (or parsing
//! 100k text lines with two floats each). Never trusted unchecked: it is versioned, its last
//! four bytes are the CRC-32C of everything before them, and its header names the journal
//! prefix it covers (length and CRC-32C). A file that fails any check, or whose journal prefix
//! changed (the journal was replaced, restored or damaged there), is ignored: the state then
//! comes from a full replay and the index is written again. A journal that only grew past it
//! (this device's answers, or later another device's appended ones) is read from the index
//! plus the lines past its end, never by a full rebuild.
//!
//! ```text
//! magic "smriti state idx" (16 bytes) · format u32 · journal bytes u64 · journal crc u32 ·
//! records u32 · key bytes u32 · records × RECORD bytes · key bytes · crc u32
//! ```
//!
//! All integers are little-endian. A record holds a card's whole stored state (the journal's
//! eight state fields) and its hold, so a field added to the per-card state rides along by a
//! format bump; a held card that was never answered has phase new. Keys are concatenated; each
//! record says where its key ends.

use std::fs;
use std::io::Write;
use std::path::Path;

use super::journal::{Hold, apply_hold, check_key};
use super::{Holds, States};
use super::{StoreError, check_regular, io_err, sync_dir};
use crate::schedule::{CardState, Phase};

/// Journal lines past the index after which a session's end rewrites it.
pub const REFRESH_AFTER: usize = 2_000;
/// The file, in the state folder.
pub const FILE: &str = "snapshot.bin";
/// The text snapshot earlier versions kept; removed when the index is written.
const OLD_FILE: &str = "snapshot.tsv";
const MAGIC: &[u8; 16] = b"smriti state idx";
/// Bumped whenever the record layout changes: any other value is ignored (rebuilt).
const FORMAT: u32 = 1;
const HEADER: usize = 16 + 4 + 8 + 4 + 4 + 4;
/// intro, last, due (i64) · stability, difficulty (f32) · reps, lapses (u32) · hold until
/// (i64) · key end (u32) · phase, hold kind (u8) · 2 bytes zero.
const RECORD: usize = 8 * 3 + 4 * 2 + 4 * 2 + 8 + 4 + 4;

pub struct Snapshot {
    pub cards: States,
    pub holds: Holds,
    /// The journal bytes it covers, and their CRC-32C.
    pub covered: u64,
    pub journal_crc: u32,
}

/// The index, if there is one that verifies and covers no more than `journal_len` bytes, and
/// whose journal prefix `prefix_crc` (given the bytes covered) finds unchanged. The prefix is
/// checksummed on a second thread while this one decodes the index. An error only for a
/// state file that is not a regular file.
pub fn read(
    dir: &Path,
    journal_len: u64,
    prefix_crc: impl FnOnce(u64) -> Option<u32> + Send,
) -> Result<Option<Snapshot>, StoreError> {
    let path = dir.join(FILE);
    if !check_regular(&path)? {
        return Ok(None);
    }
    let Ok(bytes) = fs::read(&path) else {
        return Ok(None);
    };
    let Some(header) = parse_header(&bytes, journal_len) else {
        return Ok(None);
    };
    let (prefix, decoded) = std::thread::scope(|s| {
        let prefix = s.spawn(|| prefix_crc(header.covered));
        let decoded = decode(&bytes, &header);
        (prefix.join().ok().flatten(), decoded)
    });
    Ok(decoded.filter(|_| prefix == Some(header.journal_crc)))
}

struct Header {
    covered: u64,
    journal_crc: u32,
    records: usize,
    keys_len: usize,
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(*b.get(at..at + 4)?.first_chunk()?))
}

fn u64_at(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(*b.get(at..at + 8)?.first_chunk()?))
}

fn parse_header(bytes: &[u8], journal_len: u64) -> Option<Header> {
    (bytes.get(..16)? == MAGIC && u32_at(bytes, 16)? == FORMAT).then_some(())?;
    let header = Header {
        covered: u64_at(bytes, 20)?,
        journal_crc: u32_at(bytes, 28)?,
        records: u32_at(bytes, 32)? as usize,
        keys_len: u32_at(bytes, 36)? as usize,
    };
    let size = HEADER
        .checked_add(header.records.checked_mul(RECORD)?)?
        .checked_add(header.keys_len)?
        .checked_add(4)?;
    (size == bytes.len() && header.covered <= journal_len).then_some(header)
}

fn decode(bytes: &[u8], header: &Header) -> Option<Snapshot> {
    let (checked, crc) = bytes.split_last_chunk::<4>()?;
    if crc32c::crc32c(checked) != u32::from_le_bytes(*crc) {
        return None;
    }
    let records = &checked[HEADER..HEADER + header.records * RECORD];
    let keys = &checked[HEADER + header.records * RECORD..];
    // The states come out as `States`' sorted run: the records are in ascending key order
    // (checked), so no key is hashed or allocated on its own.
    let mut keys_out = Vec::with_capacity(keys.len());
    let mut ends = Vec::with_capacity(header.records);
    let mut states = Vec::with_capacity(header.records);
    let mut holds = Holds::default();
    let mut key_start = 0;
    let mut previous: &[u8] = &[];
    for r in records.chunks_exact(RECORD) {
        let i64_at = |at| u64_at(r, at).map(|v| v as i64);
        let f32_at = |at| u32_at(r, at).map(f32::from_bits);
        let key_end = u32_at(r, 48)? as usize;
        let key = keys.get(key_start..key_end)?;
        key_start = key_end;
        // Ascending, so each key once.
        if key <= previous {
            return None;
        }
        previous = key;
        // A key that passes is UTF-8 too.
        check_key(key).ok()?;
        let phase = match r[52] {
            b'n' => Phase::New,
            b'l' => Phase::Learning,
            b'r' => Phase::Review,
            b'R' => Phase::Relearning,
            _ => return None,
        };
        let hold = match r[53] {
            b'-' => Hold::None,
            b's' => Hold::Suspended,
            b'b' => Hold::BuriedUntil(i64_at(40)?),
            _ => return None,
        };
        let state = CardState {
            intro: i64_at(0)?,
            last: i64_at(8)?,
            due: i64_at(16)?,
            stability: f32_at(24)?,
            difficulty: f32_at(28)?,
            phase,
            reps: u32_at(r, 32)?,
            lapses: u32_at(r, 36)?,
        };
        let sane = |v: f32| v.is_finite() && v >= 0.0;
        // A record says something: a state, a hold, or both; and each key once.
        let empty = phase == Phase::New && hold == Hold::None;
        if !sane(state.stability) || !sane(state.difficulty) || empty || r[54..56] != [0, 0] {
            return None;
        }
        if phase != Phase::New {
            keys_out.extend_from_slice(key);
            ends.push(u32::try_from(keys_out.len()).ok()?);
            states.push(state);
        }
        if hold != Hold::None {
            apply_hold(&mut holds, std::str::from_utf8(key).ok()?, hold);
        }
    }
    (key_start == keys.len()).then(|| Snapshot {
        cards: States::from_sorted(keys_out, ends, states),
        holds,
        covered: header.covered,
        journal_crc: header.journal_crc,
    })
}

/// Written to a temporary file and renamed over the old one, so a crash leaves either.
/// `journal_crc` is the CRC-32C of the journal's first `journal_len` bytes. Records are
/// sorted by key, so the same state always gives the same bytes.
pub fn write(
    dir: &Path,
    cards: &States,
    holds: &Holds,
    journal_len: u64,
    journal_crc: u32,
) -> Result<(), StoreError> {
    write_synced(dir, cards, holds, journal_len, journal_crc, true)
}

/// `write`, made durable (synced) or not: a command that only reads writes the index it had
/// to rebuild without syncing, as the index is only an accelerator: one cut short by a crash
/// fails its checksum and is rebuilt.
pub fn write_synced(
    dir: &Path,
    cards: &States,
    holds: &Holds,
    journal_len: u64,
    journal_crc: u32,
    sync: bool,
) -> Result<(), StoreError> {
    let path = dir.join(FILE);
    let new = super::journal::new_card_state();
    let mut all: Vec<(&str, &CardState, Hold)> = cards
        .iter()
        .map(|(k, s)| (k, s, holds.get(k).copied().unwrap_or(Hold::None)))
        .chain(
            holds
                .iter()
                .filter(|(k, _)| !cards.contains_key(k))
                .map(|(k, h)| (k.as_str(), &new, *h)),
        )
        .collect();
    all.sort_unstable_by_key(|(k, _, _)| *k);
    let keys_len: usize = all.iter().map(|(k, _, _)| k.len()).sum();
    let too_big = || StoreError::Io {
        path: path.display().to_string(),
        source: std::io::Error::other("the state is too large for the index"),
    };
    let mut bytes = Vec::with_capacity(HEADER + all.len() * RECORD + keys_len + 4);
    bytes.extend_from_slice(MAGIC);
    bytes.extend_from_slice(&FORMAT.to_le_bytes());
    bytes.extend_from_slice(&journal_len.to_le_bytes());
    bytes.extend_from_slice(&journal_crc.to_le_bytes());
    let count = u32::try_from(all.len()).map_err(|_| too_big())?;
    bytes.extend_from_slice(&count.to_le_bytes());
    let keys_len = u32::try_from(keys_len).map_err(|_| too_big())?;
    bytes.extend_from_slice(&keys_len.to_le_bytes());
    let mut key_end = 0u32;
    for (key, s, hold) in &all {
        key_end += key.len() as u32;
        let (hold_kind, until) = match hold {
            Hold::None => (b'-', 0),
            Hold::Suspended => (b's', 0),
            Hold::BuriedUntil(t) => (b'b', *t),
        };
        bytes.extend_from_slice(&s.intro.to_le_bytes());
        bytes.extend_from_slice(&s.last.to_le_bytes());
        bytes.extend_from_slice(&s.due.to_le_bytes());
        bytes.extend_from_slice(&s.stability.to_bits().to_le_bytes());
        bytes.extend_from_slice(&s.difficulty.to_bits().to_le_bytes());
        bytes.extend_from_slice(&s.reps.to_le_bytes());
        bytes.extend_from_slice(&s.lapses.to_le_bytes());
        bytes.extend_from_slice(&until.to_le_bytes());
        bytes.extend_from_slice(&key_end.to_le_bytes());
        bytes.extend_from_slice(&[s.phase.code() as u8, hold_kind, 0, 0]);
    }
    for (key, _, _) in &all {
        bytes.extend_from_slice(key.as_bytes());
    }
    let crc = crc32c::crc32c(&bytes);
    bytes.extend_from_slice(&crc.to_le_bytes());
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(io_err(dir))?;
    tmp.write_all(&bytes).map_err(io_err(&path))?;
    if sync {
        tmp.as_file().sync_all().map_err(io_err(&path))?;
    }
    tmp.persist(&path).map_err(|e| io_err(&path)(e.error))?;
    if sync {
        sync_dir(dir);
    }
    // The text snapshot of earlier versions is never read again.
    let _ = fs::remove_file(dir.join(OLD_FILE));
    Ok(())
}

/// Removes the index (and an earlier version's text snapshot), as a restore does.
pub fn remove(dir: &Path) -> Result<(), StoreError> {
    for name in [FILE, OLD_FILE] {
        let path = dir.join(name);
        match fs::remove_file(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(io_err(&path)(e)),
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn states() -> States {
        let mut s = States::default();
        for (i, key) in ["d/a", "d/b#2", "deck-ü/c"].into_iter().enumerate() {
            s.insert(
                key.into(),
                CardState {
                    intro: 1,
                    last: 2 + i as i64,
                    due: -3,
                    stability: 1.25,
                    difficulty: 5.5,
                    phase: Phase::Review,
                    reps: 4,
                    lapses: i as u32,
                },
            );
        }
        s
    }

    fn holds() -> Holds {
        let mut holds = Holds::default();
        holds.insert("d/a".into(), Hold::Suspended);
        holds.insert("d/new".into(), Hold::BuriedUntil(99));
        holds
    }

    #[test]
    fn a_written_index_reads_back_and_a_damaged_one_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join(OLD_FILE), "old").unwrap();
        let crc = crc32c::crc32c(&[b'x'; 100]);
        write(dir.path(), &states(), &holds(), 100, crc).unwrap();
        assert!(
            !dir.path().join(OLD_FILE).exists(),
            "the text snapshot goes"
        );
        let read = |len| read(dir.path(), len, |n| (n == 100).then_some(crc));
        let got = read(100).unwrap().unwrap();
        assert_eq!((got.cards, got.covered), (states(), 100));
        assert_eq!(got.holds, holds(), "holds of new cards included");
        assert_eq!(got.journal_crc, crc);
        assert!(read(99).unwrap().is_none(), "covers more than the journal");
        let path = dir.path().join(FILE);
        let bytes = fs::read(&path).unwrap();
        // Every single changed byte is caught.
        for at in 0..bytes.len() {
            let mut bad = bytes.clone();
            bad[at] ^= 0x01;
            fs::write(&path, &bad).unwrap();
            assert!(read(100).unwrap().is_none(), "byte {at}");
        }
        for cut in [0, 10, HEADER, bytes.len() - 1] {
            fs::write(&path, &bytes[..cut]).unwrap();
            assert!(read(100).unwrap().is_none(), "cut at {cut}");
        }
        fs::write(&path, &bytes).unwrap();
        let other_prefix = super::read(dir.path(), 100, |_| Some(7)).unwrap();
        assert!(other_prefix.is_none(), "the journal prefix changed");
    }

    #[test]
    fn another_format_is_not_read_even_with_a_right_checksum() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), &states(), &Holds::default(), 0, 0).unwrap();
        let path = dir.path().join(FILE);
        let mut bytes = fs::read(&path).unwrap();
        bytes[16..20].copy_from_slice(&(FORMAT + 1).to_le_bytes());
        let n = bytes.len() - 4;
        let crc = crc32c::crc32c(&bytes[..n]);
        bytes[n..].copy_from_slice(&crc.to_le_bytes());
        fs::write(&path, &bytes).unwrap();
        assert!(read(dir.path(), 0, |_| Some(0)).unwrap().is_none());
    }
}
