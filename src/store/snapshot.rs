//! A cache of every card's latest state, so start-up need not replay the whole journal.
//! It records how many journal bytes it covers; if the journal is shorter (replaced, or
//! restored from a backup) or the snapshot is unreadable, it is ignored and rebuilt.

use std::fs;
use std::io::Write;
use std::path::Path;

use super::States;
use super::journal::{parse_state, state_fields};
use super::{StoreError, io_err, sync_dir};

/// Journal lines past the snapshot after which a session's end rewrites it.
pub const REFRESH_AFTER: usize = 2_000;
const PREFIX: &str = "# smriti snapshot v1 journal-bytes=";

pub fn read(dir: &Path, journal_len: u64) -> Option<(States, u64)> {
    let text = fs::read_to_string(dir.join("snapshot.tsv")).ok()?;
    let header_end = text.find('\n').unwrap_or(text.len());
    let covered: u64 = text[..header_end].strip_prefix(PREFIX)?.parse().ok()?;
    if covered > journal_len {
        return None;
    }
    let mut cards = States::with_capacity_and_hasher(text.len() / 64, Default::default());
    // Start-up time on a large collection is mostly this loop: lines are found with memchr
    // and fields with a byte scan (a tab is never inside a UTF-8 sequence, so the cuts are
    // char boundaries), and nothing is allocated but the key.
    let body = text.get(header_end + 1..).unwrap_or_default();
    let bytes = body.as_bytes();
    let mut fields = [""; 9];
    let mut start = 0;
    while start < bytes.len() {
        let end = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |i| start + i);
        let mut n = 0;
        let mut from = start;
        for (i, b) in bytes[start..end].iter().enumerate() {
            if *b == b'\t' {
                *fields.get_mut(n)? = &body[from..start + i];
                n += 1;
                from = start + i + 1;
            }
        }
        *fields.get_mut(n)? = &body[from..end];
        if n + 1 != fields.len() {
            return None;
        }
        cards.insert(fields[0].to_owned(), parse_state(&fields[1..]).ok()?);
        start = end + 1;
    }
    Some((cards, covered))
}

/// Written to a temporary file and renamed over the old one, so a crash leaves either.
pub fn write(dir: &Path, cards: &States, journal_len: u64) -> Result<(), StoreError> {
    let path = dir.join("snapshot.tsv");
    let mut out = String::with_capacity(cards.len() * 80);
    out.push_str(PREFIX);
    out.push_str(&journal_len.to_string());
    out.push('\n');
    for (key, state) in cards {
        out.push_str(key);
        out.push('\t');
        out.push_str(&state_fields(state));
        out.push('\n');
    }
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(io_err(dir))?;
    tmp.write_all(out.as_bytes()).map_err(io_err(&path))?;
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
        write(dir.path(), &states(), 100).unwrap();
        assert_eq!(read(dir.path(), 100), Some((states(), 100)));
        assert_eq!(read(dir.path(), 99), None, "covers more than the journal");
        let path = dir.path().join("snapshot.tsv");
        let text = fs::read_to_string(&path).unwrap();
        for damaged in [
            text.replacen("\t", "", 1),
            text.replacen("\t", "\t\t", 1),
            format!("{text}\n"),
            text.replacen("1.25", "x", 1),
        ] {
            fs::write(&path, damaged).unwrap();
            assert_eq!(read(dir.path(), 100), None);
        }
    }
}
