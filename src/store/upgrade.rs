//! The one-time upgrade of a v1 journal to v2, on the first write after smriti was updated:
//! every line is kept, given a random id and a checksum, and each undo names the answer it
//! takes back. The v1 file is copied into `backups/` first, and the new journal replaces the
//! old one by a rename, so a crash at any point leaves either whole file.

use std::fs;
use std::path::Path;

use rustc_hash::FxHashMap;

use super::journal::{self, Entry, HEADER, Kind};
use super::{Store, StoreError, backup, damaged_at, io_err, read_lines};

/// Rewrites the v1 journal's first `good_len` bytes (its whole lines) as a v2 journal.
pub fn to_v2(dir: &Path, good_len: u64) -> Result<(), StoreError> {
    let path = Store::journal_path(dir);
    let bytes = fs::read(&path).map_err(io_err(&path))?;
    let whole = bytes.get(..good_len as usize).unwrap_or(&bytes);
    let start = match journal::check_header(whole) {
        Ok(Some((1, start))) => start,
        _ => {
            return Err(damaged_at(
                dir,
                &path,
                1,
                "the v1 header changed while upgrading".into(),
            ));
        }
    };
    backup::keep_v1(dir, &bytes)?;
    let mut out = String::with_capacity(whole.len() + whole.len() / 4);
    out.push_str(HEADER);
    // The answers not yet undone, per card, newest last: an undo takes back the newest.
    let mut answered: FxHashMap<&str, Vec<u64>> = FxHashMap::default();
    read_lines(&whole[start..], 1, |line| {
        let id = rand::random::<u64>();
        let (entry, undoes) = match line.kind {
            Kind::Review(grade) => {
                answered.entry(line.key).or_default().push(id);
                let entry = Entry::Review {
                    at: line.at,
                    key: line.key.to_owned(),
                    grade,
                    took_ms: line.took_ms,
                    state: line.state,
                };
                (entry, None)
            }
            Kind::Undo | Kind::Other(_) => {
                let undoes = answered.get_mut(line.key).and_then(Vec::pop);
                let entry = Entry::Undo {
                    at: line.at,
                    key: line.key.to_owned(),
                    state: line.state,
                    hold: journal::Hold::None,
                };
                (entry, undoes)
            }
        };
        out.push_str(&journal::write_line(&entry, id, undoes));
    })
    .map_err(|(index, reason)| {
        let line = memchr::memchr_iter(b'\n', &whole[..start]).count() + 1 + index;
        damaged_at(dir, &path, line, reason)
    })?;
    backup::write_new(dir, &path, out.as_bytes())
}
