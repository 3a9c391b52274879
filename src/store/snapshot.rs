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
    let mut lines = text.split_terminator('\n');
    let covered: u64 = lines.next()?.strip_prefix(PREFIX)?.parse().ok()?;
    if covered > journal_len {
        return None;
    }
    let mut cards = States::with_capacity_and_hasher(text.len() / 64, Default::default());
    // Start-up time on a large collection is mostly this loop: split without allocating.
    let mut fields = [""; 9];
    for line in lines {
        let mut n = 0;
        for field in line.split('\t') {
            *fields.get_mut(n)? = field;
            n += 1;
        }
        if n != fields.len() {
            return None;
        }
        cards.insert(fields[0].to_owned(), parse_state(&fields[1..]).ok()?);
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
