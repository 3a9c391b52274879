//! Copies of this device's journal in `<state>/backups/` (each machine backs up its own;
//! the folder is not synced), kept so that a damaged or lost journal is one
//! `smriti restore` away from a good copy. A daily copy is taken only of a journal that
//! verified (the store's writer checked it when it opened it), only when it holds something
//! the newest copy does not, and rotation never deletes the longest copy: a journal that
//! shrank cannot push every good copy out. Every copy is checked again before it is named as
//! clean or restored.

use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use super::journal::{self, HeaderError, Kind};
use super::{Store, StoreError, check_regular, io_err, read_lines, sync_dir};
use crate::clock::Clock;

/// Daily copies kept besides the longest one.
const KEPT: usize = 3;
const DAILY: &str = "journal-";

/// What a backup holds, once read through.
#[derive(Debug, Clone, PartialEq)]
pub struct Backup {
    pub path: PathBuf,
    /// Answers in it (undone ones taken out), or why it does not read clean.
    pub verdict: Result<usize, String>,
    pub modified: Option<std::time::SystemTime>,
}

fn backup_dir(dir: &Path) -> PathBuf {
    dir.join("backups")
}

/// Every `.tsv` file in `backups/`, oldest first (by modification time, then name).
fn files(dir: &Path) -> Vec<(PathBuf, Option<std::time::SystemTime>, u64)> {
    let mut list: Vec<_> = fs::read_dir(backup_dir(dir))
        .map(|rd| {
            rd.filter_map(Result::ok)
                .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
                .filter(|e| e.file_name().to_string_lossy().ends_with(".tsv"))
                .map(|e| {
                    let meta = e.metadata().ok();
                    let modified = meta.as_ref().and_then(|m| m.modified().ok());
                    (e.path(), modified, meta.map_or(0, |m| m.len()))
                })
                .collect()
        })
        .unwrap_or_default();
    list.sort_by(|a, b| (a.1, &a.0).cmp(&(b.1, &b.0)));
    list
}

/// Every backup with its answer count or damage, oldest first.
pub fn list(dir: &Path) -> Vec<Backup> {
    files(dir)
        .into_iter()
        .map(|(path, modified, _)| Backup {
            verdict: verify(&path),
            path,
            modified,
        })
        .collect()
}

/// The newest backup that reads clean from its first line to its last.
pub fn newest_clean(dir: &Path) -> Option<PathBuf> {
    files(dir)
        .into_iter()
        .rev()
        .map(|(path, ..)| path)
        .find(|path| verify(path).is_ok())
}

/// The answers in a journal file (undone ones taken out), or what is wrong with it.
pub fn verify(path: &Path) -> Result<usize, String> {
    let mut bytes = Vec::new();
    fs::File::open(path)
        .and_then(|mut f| f.read_to_end(&mut bytes))
        .map_err(|e| format!("cannot be read: {e}"))?;
    verify_bytes(&bytes)
}

/// The answers in a whole journal's bytes, or what is wrong with them: the journal reader
/// from header to last line (the fuzz target's entry point).
pub fn verify_bytes(bytes: &[u8]) -> Result<usize, String> {
    let (version, start) = match journal::check_header(bytes) {
        Ok(Some(found)) => found,
        Ok(None) => return Err("it has no header".into()),
        Err(HeaderError::Newer(v)) => return Err(format!("written by a newer smriti (v{v})")),
        Err(HeaderError::Invalid(r)) => return Err(r),
    };
    let body = &bytes[start..];
    let mut answers: isize = 0;
    let (end, _) = read_lines(body, version, |line| match line.kind {
        Kind::Review(_) => answers += 1,
        Kind::Undo => answers -= 1,
        Kind::Other(_) => {}
    })
    .map_err(|(index, reason)| format!("line {}: {reason}", index + 2))?;
    if end != body.len() {
        return Err("its last line is cut short".into());
    }
    Ok(answers.max(0) as usize)
}

/// Keeps a copy of a v1 journal before the upgrade rewrites it.
pub fn keep_v1(dir: &Path, bytes: &[u8]) -> Result<PathBuf, StoreError> {
    let backups = backup_dir(dir);
    fs::create_dir_all(&backups).map_err(io_err(&backups))?;
    let target = (1..)
        .map(|n| match n {
            1 => backups.join("v1-journal.tsv"),
            n => backups.join(format!("v1-journal-{n}.tsv")),
        })
        .find(|p| !p.exists())
        .unwrap_or_else(|| backups.join("v1-journal.tsv"));
    write_new(&backups, &target, bytes)?;
    Ok(target)
}

/// Writes `bytes` to `target` through a temporary file, durably, keeping the permissions of
/// the file it replaces.
pub(crate) fn write_new(folder: &Path, target: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    let mut tmp = tempfile::NamedTempFile::new_in(folder).map_err(io_err(folder))?;
    tmp.write_all(bytes).map_err(io_err(target))?;
    if let Ok(meta) = fs::metadata(target) {
        let _ = tmp.as_file().set_permissions(meta.permissions());
    }
    tmp.as_file().sync_all().map_err(io_err(target))?;
    tmp.persist(target).map_err(|e| io_err(target)(e.error))?;
    sync_dir(folder);
    Ok(())
}

/// Today's copy of the journal's first `len` bytes (its verified, whole lines), unless there
/// is one already or the newest copy holds the same. Then the oldest daily copies past
/// `KEPT` are removed, except the longest of all.
pub fn take_daily(dir: &Path, clock: &Clock, len: u64) -> Result<(), StoreError> {
    let backups = backup_dir(dir);
    let target = backups.join(format!("{DAILY}{}.tsv", clock.today()));
    let daily = |p: &Path| {
        p.file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with(DAILY))
    };
    let existing: Vec<_> = files(dir).into_iter().filter(|f| daily(&f.0)).collect();
    if target.exists() || existing.last().is_some_and(|f| f.2 == len) {
        return Ok(());
    }
    let journal = Store::journal_path(dir);
    let mut bytes = Vec::new();
    fs::File::open(&journal)
        .and_then(|f| f.take(len).read_to_end(&mut bytes))
        .map_err(io_err(&journal))?;
    if bytes.len() as u64 != len {
        return Ok(());
    }
    // Start-up checks only the end of the journal prefix the state index covers (see
    // `unchanged` in the store), so this is where damage in place in the middle is found:
    // a copy of a damaged journal is never taken (it would rotate the good ones out), and
    // the damage is reported while good copies remain.
    if let Err(reason) = verify_bytes(&bytes) {
        // "line N: what" for a damaged line; anything else is about the header.
        let (line, what) = reason
            .strip_prefix("line ")
            .and_then(|r| r.split_once(": "))
            .and_then(|(n, what)| Some((n.parse().ok()?, what.to_owned())))
            .unwrap_or((1, reason));
        return Err(super::damaged_at(dir, &journal, line, what));
    }
    fs::create_dir_all(&backups).map_err(io_err(&backups))?;
    write_new(&backups, &target, &bytes)?;
    let mut all: Vec<_> = files(dir).into_iter().filter(|f| daily(&f.0)).collect();
    // By date (the name), not by modification time: a restored clock must not reorder them.
    all.sort_by(|a, b| a.0.cmp(&b.0));
    let longest = all.iter().max_by_key(|f| f.2).map(|f| f.0.clone());
    for old in &all[..all.len().saturating_sub(KEPT)] {
        if Some(&old.0) != longest.as_ref() {
            let _ = fs::remove_file(&old.0);
        }
    }
    Ok(())
}

/// Puts `backup` back as the journal, after checking it reads clean; the current journal
/// (if any) is kept aside in `backups/` under `aside_name`, and the snapshot is dropped. The
/// caller holds the lock.
pub fn restore(dir: &Path, backup: &Path, aside_name: &str) -> Result<Option<PathBuf>, StoreError> {
    if let Err(reason) = verify(backup) {
        return Err(StoreError::Damaged {
            path: backup.display().to_string(),
            line: reason
                .strip_prefix("line ")
                .and_then(|r| r.split(':').next())
                .and_then(|n| n.parse().ok())
                .unwrap_or(1),
            reason,
            backup: None,
        });
    }
    let bytes = fs::read(backup).map_err(io_err(backup))?;
    let journal = Store::journal_path(dir);
    let backups = backup_dir(dir);
    fs::create_dir_all(&backups).map_err(io_err(&backups))?;
    let aside = if check_regular(&journal)? {
        let current = fs::read(&journal).map_err(io_err(&journal))?;
        let aside = backups.join(aside_name);
        write_new(&backups, &aside, &current)?;
        Some(aside)
    } else {
        None
    };
    super::snapshot::remove(dir)?;
    write_new(dir, &journal, &bytes)?;
    Ok(aside)
}
