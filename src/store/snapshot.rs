//! The state index: every card's latest state and hold in a compact binary file, so start-up
//! reads 100k fixed-size records instead of replaying a million journal lines (or parsing
//! 100k text lines with two floats each). Never trusted unchecked: it is versioned, its last
//! four bytes are the CRC-32C of everything before them, and its header names the prefix of
//! every device journal it covers (the journal's name under the state folder, length, CRC-32C,
//! the CRC-32C of its last 64 KiB and the file's identity). A file that fails any check, or one
//! of whose journal prefixes changed (a journal replaced, restored, rolled back by a sync
//! tool, damaged there, or gone), is ignored: the
//! state then comes from a full replay and the index is written again. Journals that only grew
//! past it (this device's answers, another device's appended ones) are read from the index
//! plus the lines past its ends, never by a full rebuild. The index is this machine's cache,
//! never synced: another machine's covers its own reading of the journals.
//!
//! ```text
//! magic "smriti state idx" (16 bytes) · format u32 · journals u32 ·
//! journals × (name bytes u16 · name · journal bytes u64 · journal crc u32 ·
//!   crc of the prefix's last TAIL bytes u32 · file identity u64) ·
//! records u32 · key bytes u32 · records × RECORD bytes · key bytes · crc u32
//! ```
//!
//! All integers are little-endian. A record holds a card's whole stored state (the journal's
//! eight state fields) and its hold, so a field added to the per-card state rides along by a
//! format bump; a held card that was never answered has phase new. Keys are concatenated; each
//! record says where its key ends. The file is mapped and its records stay where they lie
//! (`Records`): after the checks, `States` reads each card's state from its record.

use std::fs;
use std::io::Write;
use std::path::Path;

use super::journal::{Hold, apply_hold, check_key};
use super::{Holds, States};
use super::{StoreError, check_regular, io_err, sync_dir};
use crate::mapped::Bytes;
use crate::schedule::{CardState, Phase};

/// Journal lines past the index after which a session's end rewrites it.
pub const REFRESH_AFTER: usize = 2_000;
/// The file, in the state folder.
pub const FILE: &str = "snapshot.bin";
/// The text snapshot earlier versions kept; removed when the index is written.
const OLD_FILE: &str = "snapshot.tsv";
const MAGIC: &[u8; 16] = b"smriti state idx";
/// Bumped whenever the record layout changes: any other value is ignored (rebuilt).
const FORMAT: u32 = 3;
/// intro, last, due (i64) · stability, difficulty (f32) · reps, lapses (u32) · hold until
/// (i64) · key end (u32) · phase, hold kind (u8) · 2 bytes zero.
const RECORD: usize = 8 * 3 + 4 * 2 + 4 * 2 + 8 + 4 + 4;

pub struct Snapshot {
    pub cards: States,
    pub holds: Holds,
    /// The journal prefixes it covers.
    pub coverage: Vec<Covered>,
}

/// The first `len` bytes of a journal, whose CRC-32C is `crc`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Covered {
    /// The journal's path under the state folder (`devices/<id>.tsv`).
    pub name: String,
    pub len: u64,
    pub crc: u32,
    /// The CRC-32C of the prefix's last `TAIL` bytes (all of it when shorter), and the
    /// identity of the file it was read from (`file_id`; 0 where there is none). Checking
    /// these instead of the whole prefix is what keeps start-up from reading a 150 MB journal:
    /// see `super::unchanged`.
    pub tail: u32,
    pub file: u64,
}

/// How much of a covered prefix's end is checksummed on its own.
pub const TAIL: u64 = 64 << 10;

/// The identity of an open file: device, inode and creation time, hashed (0 where the
/// platform or file system gives no creation time: then every check is a whole one). A
/// journal rewritten by a rename (a restore, a sync tool's or git's new copy, an editor's
/// save) is a new file; one only appended to keeps its identity. The creation time is what
/// tells a new file that was given a freed inode number from the file that had it.
pub fn file_id(file: &std::fs::File) -> u64 {
    #[cfg(unix)]
    {
        use std::hash::{Hash, Hasher};
        use std::os::unix::fs::MetadataExt;
        let Ok(meta) = file.metadata() else { return 0 };
        let Ok(created) = meta.created() else {
            return 0;
        };
        let mut h = rustc_hash::FxHasher::default();
        (meta.dev(), meta.ino(), created).hash(&mut h);
        h.finish().max(1)
    }
    #[cfg(not(unix))]
    {
        let _ = file;
        0
    }
}

/// The index, if there is one that verifies and whose journal prefixes `unchanged` finds
/// unchanged (it checksums them on a second thread while this one decodes the index). An
/// error only for a state file that is not a regular file.
pub fn read(
    dir: &Path,
    unchanged: impl FnOnce(&[Covered]) -> bool + Send,
) -> Result<Option<Snapshot>, StoreError> {
    let path = dir.join(FILE);
    if !check_regular(&path)? {
        return Ok(None);
    }
    let Ok(bytes) = fs::File::open(&path).and_then(|mut f| {
        let len = usize::try_from(f.metadata()?.len()).map_err(std::io::Error::other)?;
        crate::mapped::Bytes::read(&mut f, len)
    }) else {
        return Ok(None);
    };
    let Some(mut header) = parse_header(&bytes) else {
        return Ok(None);
    };
    let coverage = std::mem::take(&mut header.coverage);
    let (same, decoded) = std::thread::scope(|s| {
        let same = s.spawn(|| unchanged(&coverage));
        let decoded = decode(bytes, &header);
        (same.join().unwrap_or(false), decoded)
    });
    Ok(decoded
        .filter(|_| same)
        .map(|snap| Snapshot { coverage, ..snap }))
}

struct Header {
    coverage: Vec<Covered>,
    /// Where the records start.
    body: usize,
    records: usize,
    keys_len: usize,
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(*b.get(at..at + 4)?.first_chunk()?))
}

fn u64_at(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(*b.get(at..at + 8)?.first_chunk()?))
}

fn parse_header(bytes: &[u8]) -> Option<Header> {
    (bytes.get(..16)? == MAGIC && u32_at(bytes, 16)? == FORMAT).then_some(())?;
    let (coverage, at) = parse_coverage(bytes, 20)?;
    let header = Header {
        coverage,
        body: at + 8,
        records: u32_at(bytes, at)? as usize,
        keys_len: u32_at(bytes, at + 4)? as usize,
    };
    let size = header
        .body
        .checked_add(header.records.checked_mul(RECORD)?)?
        .checked_add(header.keys_len)?
        .checked_add(4)?;
    (size == bytes.len()).then_some(header)
}

/// The journal prefixes listed from `at`, and where the list ends.
fn parse_coverage(bytes: &[u8], mut at: usize) -> Option<(Vec<Covered>, usize)> {
    let count = u32_at(bytes, at)? as usize;
    at += 4;
    // Each entry takes at least 26 bytes: a count past the file is damage, not an allocation.
    let mut coverage = Vec::with_capacity(count.min(bytes.len() / 26));
    for _ in 0..count {
        let n = u16::from_le_bytes(*bytes.get(at..at + 2)?.first_chunk()?) as usize;
        let name = std::str::from_utf8(bytes.get(at + 2..at + 2 + n)?).ok()?;
        at += 2 + n;
        coverage.push(Covered {
            name: name.to_owned(),
            len: u64_at(bytes, at)?,
            crc: u32_at(bytes, at + 8)?,
            tail: u32_at(bytes, at + 12)?,
            file: u64_at(bytes, at + 16)?,
        });
        at += 24;
    }
    Some((coverage, at))
}

fn write_coverage(bytes: &mut Vec<u8>, coverage: &[Covered]) -> Option<()> {
    bytes.extend_from_slice(&u32::try_from(coverage.len()).ok()?.to_le_bytes());
    for c in coverage {
        bytes.extend_from_slice(&u16::try_from(c.name.len()).ok()?.to_le_bytes());
        bytes.extend_from_slice(c.name.as_bytes());
        bytes.extend_from_slice(&c.len.to_le_bytes());
        bytes.extend_from_slice(&c.crc.to_le_bytes());
        bytes.extend_from_slice(&c.tail.to_le_bytes());
        bytes.extend_from_slice(&c.file.to_le_bytes());
    }
    Some(())
}

fn decode(bytes: Bytes, header: &Header) -> Option<Snapshot> {
    let (checked, crc) = bytes.split_last_chunk::<4>()?;
    if crc32c::crc32c(checked) != u32::from_le_bytes(*crc) {
        return None;
    }
    // The file's checksum and length name the run it holds (`States::origin`).
    let origin = u64::from(u32::from_le_bytes(*crc)) | (checked.len() as u64) << 32;
    let records = Records {
        at: header.body,
        keys_at: header.body + header.records * RECORD,
        len: header.records,
        bytes,
    };
    let (live, holds) = records.check()?;
    Some(Snapshot {
        cards: States::from_run(std::sync::Arc::new(records), live).read_from(origin),
        holds,
        coverage: Vec::new(),
    })
}

/// The index's records, read where they lie in the file's bytes (mapped, see
/// `crate::mapped`): start-up copies no state and allocates nothing per card. `check` has
/// looked at every record once, so the accessors below cannot meet a malformed one.
#[derive(Default)]
pub struct Records {
    bytes: Bytes,
    /// Where the first record starts, and the keys.
    at: usize,
    keys_at: usize,
    len: usize,
}

impl Records {
    pub fn len(&self) -> usize {
        self.len
    }

    fn record(&self, i: usize) -> Option<&[u8; RECORD]> {
        self.bytes.get(self.at + i * RECORD..)?.first_chunk()
    }

    fn key_end(&self, i: usize) -> usize {
        self.record(i)
            .and_then(|r| u32_at(r, 48))
            .map_or(0, |end| end as usize)
    }

    /// Record `i`'s key (empty past the end).
    pub fn key(&self, i: usize) -> &[u8] {
        let start = if i == 0 { 0 } else { self.key_end(i - 1) };
        let end = self.key_end(i);
        self.bytes
            .get(self.keys_at + start..self.keys_at + end)
            .unwrap_or_default()
    }

    /// Record `i`'s card state: `None` for a card that has only a hold (never answered).
    pub fn state(&self, i: usize) -> Option<CardState> {
        let r = self.record(i)?;
        let phase = phase_of(r[52])?;
        if phase == Phase::New {
            return None;
        }
        Some(CardState {
            intro: u64_at(r, 0)? as i64,
            last: u64_at(r, 8)? as i64,
            due: u64_at(r, 16)? as i64,
            stability: f32::from_bits(u32_at(r, 24)?),
            difficulty: f32::from_bits(u32_at(r, 28)?),
            phase,
            reps: u32_at(r, 32)?,
            lapses: u32_at(r, 36)?,
        })
    }

    /// Checks every record once: keys ascending (so each once), in bounds and valid card keys;
    /// phases and holds known; stability and difficulty finite and not negative; each record
    /// saying something (a state, a hold, or both). Gives the number of records with a state,
    /// and the holds.
    fn check(&self) -> Option<(usize, Holds)> {
        let keys = self
            .bytes
            .get(self.keys_at..self.bytes.len().checked_sub(4)?)?;
        // Printable ASCII but space throughout (the usual keys) settles each key's characters
        // at once; otherwise each key is checked on its own.
        let plain = keys.iter().all(|b| (b'!'..=b'~').contains(b));
        let mut live = 0;
        let mut holds = Holds::default();
        let mut key_start = 0;
        let mut previous: &[u8] = &[];
        for i in 0..self.len {
            let r = self.record(i)?;
            let key_end = u32_at(r, 48)? as usize;
            let key = keys.get(key_start..key_end)?;
            key_start = key_end;
            if !before(previous, key) || key.is_empty() || !plain && check_key(key).is_err() {
                return None;
            }
            previous = key;
            let phase = phase_of(r[52])?;
            let hold = match r[53] {
                b'-' => Hold::None,
                b's' => Hold::Suspended,
                b'b' => Hold::BuriedUntil(u64_at(r, 40)? as i64),
                _ => return None,
            };
            let sane = |at| {
                u32_at(r, at)
                    .map(f32::from_bits)
                    .is_some_and(|v| v.is_finite() && v >= 0.0)
            };
            let empty = phase == Phase::New && hold == Hold::None;
            if !sane(24) || !sane(28) || empty || r[54..56] != [0, 0] {
                return None;
            }
            live += usize::from(phase != Phase::New);
            if hold != Hold::None {
                apply_hold(&mut holds, std::str::from_utf8(key).ok()?, hold);
            }
        }
        (key_start == keys.len()).then_some((live, holds))
    }
}

/// `a < b` as slices compare, 8 bytes at a time inline: keys are short, and a call into the
/// C library's `memcmp` for each of 100k keys cost more than the comparing.
fn before(a: &[u8], b: &[u8]) -> bool {
    let (mut x, mut y) = (a, b);
    while let (Some((p, rest_x)), Some((q, rest_y))) =
        (x.split_first_chunk::<8>(), y.split_first_chunk::<8>())
    {
        if p != q {
            return u64::from_be_bytes(*p) < u64::from_be_bytes(*q);
        }
        (x, y) = (rest_x, rest_y);
    }
    x < y
}

fn phase_of(code: u8) -> Option<Phase> {
    match code {
        b'n' => Some(Phase::New),
        b'l' => Some(Phase::Learning),
        b'r' => Some(Phase::Review),
        b'R' => Some(Phase::Relearning),
        _ => None,
    }
}

/// Written to a temporary file and renamed over the old one, so a crash leaves either.
/// `coverage` lists the journal prefixes the state was read from. Records are sorted by key,
/// so the same state always gives the same bytes.
pub fn write(
    dir: &Path,
    cards: &States,
    holds: &Holds,
    coverage: &[Covered],
) -> Result<(), StoreError> {
    write_synced(dir, cards, holds, coverage, true)
}

/// `write`, made durable (synced) or not: a command that only reads writes the index it had
/// to rebuild without syncing, as the index is only an accelerator: one cut short by a crash
/// fails its checksum and is rebuilt.
pub fn write_synced(
    dir: &Path,
    cards: &States,
    holds: &Holds,
    coverage: &[Covered],
    sync: bool,
) -> Result<(), StoreError> {
    let path = dir.join(FILE);
    let new = super::journal::new_card_state();
    let mut all: Vec<(&str, CardState, Hold)> = cards
        .iter()
        .map(|(k, s)| (k, s, holds.get(k).copied().unwrap_or(Hold::None)))
        .chain(
            holds
                .iter()
                .filter(|(k, _)| !cards.contains_key(k))
                .map(|(k, h)| (k.as_str(), new, *h)),
        )
        .collect();
    all.sort_unstable_by_key(|(k, _, _)| *k);
    let keys_len: usize = all.iter().map(|(k, _, _)| k.len()).sum();
    let too_big = || StoreError::Io {
        path: path.display().to_string(),
        source: std::io::Error::other("the state is too large for the index"),
    };
    let mut bytes = Vec::with_capacity(64 + all.len() * RECORD + keys_len + 4);
    bytes.extend_from_slice(MAGIC);
    bytes.extend_from_slice(&FORMAT.to_le_bytes());
    write_coverage(&mut bytes, coverage).ok_or_else(too_big)?;
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

    fn coverage(len: u64, crc: u32) -> Vec<Covered> {
        vec![
            Covered {
                name: "devices/me.tsv".into(),
                len,
                crc,
                tail: crc,
                file: 3,
            },
            Covered {
                name: "devices/other.tsv".into(),
                len: 20,
                crc: 7,
                tail: 7,
                file: 0,
            },
        ]
    }

    #[test]
    fn a_written_index_reads_back_and_a_damaged_one_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join(OLD_FILE), "old").unwrap();
        let crc = crc32c::crc32c(&[b'x'; 100]);
        write(dir.path(), &states(), &holds(), &coverage(100, crc)).unwrap();
        assert!(
            !dir.path().join(OLD_FILE).exists(),
            "the text snapshot goes"
        );
        let read = || read(dir.path(), |c| c == coverage(100, crc));
        let got = read().unwrap().unwrap();
        assert_eq!(got.cards, states());
        assert_eq!(got.holds, holds(), "holds of new cards included");
        assert_eq!(got.coverage, coverage(100, crc));
        let path = dir.path().join(FILE);
        let bytes = fs::read(&path).unwrap();
        // Every single changed byte is caught.
        for at in 0..bytes.len() {
            let mut bad = bytes.clone();
            bad[at] ^= 0x01;
            fs::write(&path, &bad).unwrap();
            assert!(read().unwrap().is_none(), "byte {at}");
        }
        for cut in [0, 10, 40, bytes.len() - 1] {
            fs::write(&path, &bytes[..cut]).unwrap();
            assert!(read().unwrap().is_none(), "cut at {cut}");
        }
        fs::write(&path, &bytes).unwrap();
        let other_prefix = super::read(dir.path(), |_| false).unwrap();
        assert!(other_prefix.is_none(), "a journal prefix changed");
    }

    #[test]
    fn keys_compare_eight_bytes_at_a_time_as_slices_do() {
        let keys: [&[u8]; 12] = [
            b"",
            b"a",
            b"a/1",
            b"a/10",
            b"a/2",
            b"bench-01/card-000001",
            b"bench-01/card-000002",
            b"bench-01/card-0000020",
            b"bench-01/card-00001",
            b"bench-01/card-1",
            b"bench-01/card-\xff",
            b"deck-\xc3\xbc/c",
        ];
        for a in keys {
            for b in keys {
                assert_eq!(before(a, b), a < b, "{a:?} {b:?}");
            }
        }
    }

    #[test]
    fn another_format_is_not_read_even_with_a_right_checksum() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), &states(), &Holds::default(), &[]).unwrap();
        let path = dir.path().join(FILE);
        let mut bytes = fs::read(&path).unwrap();
        bytes[16..20].copy_from_slice(&(FORMAT + 1).to_le_bytes());
        let n = bytes.len() - 4;
        let crc = crc32c::crc32c(&bytes[..n]);
        bytes[n..].copy_from_slice(&crc.to_le_bytes());
        fs::write(&path, &bytes).unwrap();
        assert!(read(dir.path(), |_| true).unwrap().is_none());
    }
}
