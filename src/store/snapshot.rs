//! A cache of every card's latest state, so start-up need not replay the whole journal.
//! Never trusted unchecked: its header holds the CRC-32C of its own content and of the
//! journal prefix it covers. A snapshot whose body does not match is ignored here; the store ignores
//! one whose journal prefix does not match (the journal was replaced, restored or damaged
//! there). Either way the state comes from a full replay and the snapshot is written again.
//!
//! ```text
//! # smriti snapshot v3 journal-bytes=<n> journal-crc=<8 hex> crc=<8 hex>
//! <card key> <the 8 state fields of the journal> <hold>
//! ```
//!
//! v3 added the hold (suspended, buried): a v2 snapshot, which cannot say which cards are
//! held, is not read (the journal is replayed once and a v3 written), and an older smriti does
//! the same with a v3 one.

use std::fs;
use std::io::Write;
use std::path::Path;

use super::journal::{Hold, apply_hold, hold_of, new_card_state, parse_state, state_fields};
use super::{Holds, States};
use super::{StoreError, check_regular, io_err, sync_dir};

/// Journal lines past the snapshot after which a session's end rewrites it.
pub const REFRESH_AFTER: usize = 2_000;
const PREFIX: &str = "# smriti snapshot v3 journal-bytes=";

pub struct Snapshot {
    pub cards: States,
    pub holds: Holds,
    /// The journal bytes it covers, and their CRC-32C.
    pub covered: u64,
    pub journal_crc: u32,
}

/// The snapshot, if there is one that verifies and covers no more than `journal_len` bytes,
/// and whose journal prefix `prefix_crc` (given the bytes covered) finds unchanged. The
/// prefix is checksummed on a second thread while this one parses the snapshot, so the
/// check costs start-up little time on a large journal. An error only for a state file that
/// is not a regular file.
pub fn read(
    dir: &Path,
    journal_len: u64,
    prefix_crc: impl FnOnce(u64) -> Option<u32> + Send,
) -> Result<Option<Snapshot>, StoreError> {
    let path = dir.join("snapshot.tsv");
    if !check_regular(&path)? {
        return Ok(None);
    }
    let Ok(bytes) = fs::read(&path) else {
        return Ok(None);
    };
    let Some(header) = parse_header(&bytes, journal_len) else {
        return Ok(None);
    };
    let (prefix, parsed) = std::thread::scope(|s| {
        let prefix = s.spawn(|| prefix_crc(header.covered));
        let parsed = parse_body(&bytes, &header);
        (prefix.join().ok().flatten(), parsed)
    });
    Ok(parsed.filter(|_| prefix == Some(header.journal_crc)))
}

struct Header {
    covered: u64,
    journal_crc: u32,
    /// Where the body starts, and the checksum the header and body must have.
    body_at: usize,
    crc: u32,
    checked_len: usize,
}

fn parse_header(bytes: &[u8], journal_len: u64) -> Option<Header> {
    let header_end = memchr::memchr(b'\n', bytes)?;
    let header = std::str::from_utf8(&bytes[..header_end]).ok()?;
    let (checked, crc) = header.rsplit_once(" crc=")?;
    let crc = hex32(crc)?;
    let (covered, journal_crc) = checked.strip_prefix(PREFIX)?.split_once(" journal-crc=")?;
    let covered: u64 = covered.parse().ok()?;
    (covered <= journal_len).then_some(())?;
    Some(Header {
        covered,
        journal_crc: hex32(journal_crc)?,
        body_at: header_end + 1,
        crc,
        checked_len: checked.len(),
    })
}

fn parse_body(bytes: &[u8], header: &Header) -> Option<Snapshot> {
    let body = &bytes[header.body_at..];
    let actual = crc32c::crc32c_append(crc32c::crc32c(&bytes[..header.checked_len]), body);
    if actual != header.crc {
        return None;
    }
    let mut cards = States::with_capacity_and_hasher(body.len() / 64, Default::default());
    let mut holds = Holds::default();
    // Start-up time on a large collection is mostly this loop: lines are found with memchr
    // and fields with a byte scan, and nothing is allocated but the key.
    let mut fields: [&[u8]; 10] = [&[]; 10];
    for line in body.split(|b| *b == b'\n') {
        if line.is_empty() {
            continue;
        }
        let mut n = 0;
        for field in line.split(|b| *b == b'\t') {
            *fields.get_mut(n)? = field;
            n += 1;
        }
        if n != fields.len() {
            return None;
        }
        let key = std::str::from_utf8(fields[0]).ok()?;
        let state = parse_state(&fields[1..9]).ok()?;
        // A held card that was never answered has a line for its hold alone.
        super::journal::apply(&mut cards, key, &state);
        apply_hold(&mut holds, key, hold_of(fields[9]).ok()?);
    }
    Some(Snapshot {
        cards,
        holds,
        covered: header.covered,
        journal_crc: header.journal_crc,
    })
}

fn hex32(s: &str) -> Option<u32> {
    (s.len() == 8).then_some(())?;
    u32::from_str_radix(s, 16).ok()
}

/// Written to a temporary file and renamed over the old one, so a crash leaves either.
/// `journal_crc` is the CRC-32C of the journal's first `journal_len` bytes.
pub fn write(
    dir: &Path,
    cards: &States,
    holds: &Holds,
    journal_len: u64,
    journal_crc: u32,
) -> Result<(), StoreError> {
    let path = dir.join("snapshot.tsv");
    let mut body = String::with_capacity(cards.len() * 80);
    let mut line = |key: &str, state: &_, hold: Hold| {
        body.push_str(key);
        body.push('\t');
        body.push_str(&state_fields(state));
        body.push('\t');
        body.push_str(&hold.field());
        body.push('\n');
    };
    for (key, state) in cards {
        line(key, state, holds.get(key).copied().unwrap_or_default());
    }
    let new = new_card_state();
    for (key, hold) in holds.iter().filter(|(k, _)| !cards.contains_key(*k)) {
        line(key, &new, *hold);
    }
    // The checksum covers the header before it too, so no changed byte goes unnoticed.
    let checked = format!("{PREFIX}{journal_len} journal-crc={journal_crc:08x}");
    let crc = crc32c::crc32c_append(crc32c::crc32c(checked.as_bytes()), body.as_bytes());
    let header = format!("{checked} crc={crc:08x}\n");
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(io_err(dir))?;
    tmp.write_all(header.as_bytes())
        .and_then(|()| tmp.write_all(body.as_bytes()))
        .map_err(io_err(&path))?;
    tmp.as_file().sync_all().map_err(io_err(&path))?;
    tmp.persist(&path).map_err(|e| io_err(&path)(e.error))?;
    sync_dir(dir);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::{CardState, Phase};

    fn states() -> States {
        let mut s = States::default();
        for (i, key) in ["d/a", "d/b#2", "deck-ü/c"].into_iter().enumerate() {
            s.insert(
                key.into(),
                CardState {
                    intro: 1,
                    last: 2 + i as i64,
                    due: 3,
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

    #[test]
    fn a_written_snapshot_reads_back_and_a_damaged_one_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let journal = crate::store::Store::journal_path(dir.path());
        fs::write(&journal, vec![b'x'; 100]).unwrap();
        let mut holds = Holds::default();
        holds.insert("d/a".into(), Hold::Suspended);
        holds.insert("d/new".into(), Hold::BuriedUntil(99));
        write(
            dir.path(),
            &states(),
            &holds,
            100,
            crc32c::crc32c(&[b'x'; 100]),
        )
        .unwrap();
        let read = |len| {
            read(dir.path(), len, |n| {
                (n == 100).then(|| crc32c::crc32c(&[b'x'; 100]))
            })
        };
        let got = read(100).unwrap().unwrap();
        assert_eq!((got.cards, got.covered), (states(), 100));
        assert_eq!(got.holds, holds, "holds of new cards included");
        assert_eq!(got.journal_crc, crc32c::crc32c(&[b'x'; 100]));
        assert!(read(99).unwrap().is_none(), "covers more than the journal");
        let path = dir.path().join("snapshot.tsv");
        let bytes = fs::read(&path).unwrap();
        let header_end = bytes.iter().position(|b| *b == b'\n').unwrap();
        // Every single changed byte is caught.
        for at in 0..bytes.len() {
            let mut bad = bytes.clone();
            bad[at] ^= 0x01;
            fs::write(&path, &bad).unwrap();
            assert!(read(100).unwrap().is_none(), "byte {at}");
        }
        fs::write(&path, &bytes[..header_end + 5]).unwrap();
        assert!(read(100).unwrap().is_none(), "cut short");
        fs::write(&path, &bytes).unwrap();
        let other_prefix = super::read(dir.path(), 100, |_| Some(7)).unwrap();
        assert!(other_prefix.is_none(), "the journal prefix changed");
    }
}
