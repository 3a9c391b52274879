//! The one-time upgrades on the first write after smriti was updated.
//!
//! The single `journal.tsv` of earlier versions becomes this device's journal,
//! `devices/<id>.tsv`, by one rename: the file is the same bytes, so every answer and the
//! history stay. A kill before the rename leaves the old layout (with perhaps an empty
//! `devices/`), which the next write moves again; after it, the new one. There is no step at
//! which both or neither hold the journal. An older smriti refuses a home with `devices/`
//! (and the first version a v2 header, which the header-only `journal.tsv` left behind has).
//!
//! A v1 journal becomes v2: every line is kept, given a random id and a checksum, and each
//! undo names the answer it takes back. The v1 file is copied into `backups/` first, and the
//! new journal replaces the old one by a rename, so a crash at any point leaves either whole
//! file.

use std::fs;
use std::path::Path;

use rustc_hash::FxHashMap;

use super::journal::{self, Entry, HEADER, Kind};
use super::{Store, StoreError, backup, damaged_at, devices, io_err, read_lines, sync_dir};

/// Moves an earlier version's `journal.tsv` to `devices/<id>.tsv`, unless this device has a
/// journal there already (then the old file, if a sync tool brings one back, is read as a
/// copy and never written); a device without either starts its journal empty. Then makes
/// sure a header-only `journal.tsv` is there, whatever step a kill interrupted. The caller
/// holds the lock.
pub fn to_device_journal(dir: &Path, id: &str) -> Result<(), StoreError> {
    let legacy = dir.join(devices::LEGACY);
    let folder = dir.join(devices::FOLDER);
    let own = folder.join(format!("{id}.tsv"));
    if !super::check_regular(&own)? {
        fs::create_dir_all(&folder).map_err(io_err(&folder))?;
        sync_dir(dir);
        if super::check_regular(&legacy)? {
            fs::rename(&legacy, &own).map_err(io_err(&legacy))?;
            sync_dir(&folder);
            sync_dir(dir);
        } else {
            backup::write_new(&folder, &own, HEADER.as_bytes())?;
        }
    }
    // A header-only journal where the old one was: the first smriti (v1) reads only that
    // file and would start afresh without it, but refuses a v2 header as newer. Later ones
    // refuse the home for its `devices/`. This version reads it as an empty copy.
    if !legacy.exists() {
        backup::write_new(dir, &legacy, HEADER.as_bytes())?;
    }
    Ok(())
}

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
