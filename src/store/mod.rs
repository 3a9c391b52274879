//! The state file: every answer ever given, kept so that none is lost.
//!
//! `<home>/state/journal.tsv` is the record: an append-only text file, one line per answer
//! (or undo), each line carrying the card's whole new state, written and fsynced before the
//! next card is shown. `snapshot.tsv` is a cache of every card's latest state and the journal
//! length it covers, so start-up reads 100k card lines instead of replaying a million answers;
//! it is rebuilt from the journal if missing or stale. `lock` keeps two sessions from writing
//! at once. `backups/` holds a daily copy of the journal. The format is in README.md.

pub mod history;
pub mod journal;
mod lock;
mod snapshot;

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use crate::clock::{Clock, Millis};
use crate::schedule::CardState;
use journal::{Entry, HEADER};

/// Every card's latest state by card key. Looked up once per card by every command on
/// 100k-card collections, so with a fast hasher (keys are the user's own deck ids, not
/// attacker-chosen input worth SipHash's flood resistance).
pub type States = rustc_hash::FxHashMap<String, CardState>;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{path}:{line}: the state file is damaged ({reason}); it was left as it is. {}", backup_hint(.backup))]
    Damaged {
        path: String,
        line: usize,
        reason: String,
        backup: Option<PathBuf>,
    },
    #[error(
        "{path}: written by a newer smriti (format v{found}; this one reads v{}); it was left as it is. Update smriti to use it. {}",
        journal::VERSION,
        backup_hint(.backup)
    )]
    Newer {
        path: String,
        found: u32,
        backup: Option<PathBuf>,
    },
    #[error("another smriti session is using {path}{}; finish or quit it first", .pid.as_ref().map(|p| format!(" (pid {p})")).unwrap_or_default())]
    Locked { path: String, pid: Option<String> },
    #[error("{path}")]
    Io { path: String, source: io::Error },
}

pub(crate) fn damaged_at(dir: &Path, path: &Path, line: usize, reason: String) -> StoreError {
    StoreError::Damaged {
        path: path.display().to_string(),
        line,
        reason,
        backup: latest_backup(dir),
    }
}

fn backup_hint(backup: &Option<PathBuf>) -> String {
    match backup {
        Some(b) => format!("The latest backup is {}.", b.display()),
        None => "There is no backup yet.".to_owned(),
    }
}

pub(crate) fn io_err(path: &Path) -> impl FnOnce(io::Error) -> StoreError + '_ {
    move |source| StoreError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// Every card's latest state, and (when opened for writing) the journal to append to.
pub struct Store {
    dir: PathBuf,
    pub cards: States,
    writer: Option<Writer>,
    /// Journal lines not covered by the snapshot: when many, the snapshot is refreshed.
    lines_since_snapshot: usize,
}

struct Writer {
    file: File,
    len: u64,
    _lock: lock::Lock,
}

impl Store {
    pub fn journal_path(dir: &Path) -> PathBuf {
        dir.join("journal.tsv")
    }

    /// Reads the state without taking the lock: for commands that only look.
    pub fn open_read(dir: &Path) -> Result<Store, StoreError> {
        let (cards, _, lines_since_snapshot) = load(dir)?;
        Ok(Store {
            dir: dir.to_path_buf(),
            cards,
            writer: None,
            lines_since_snapshot,
        })
    }

    /// Takes the lock, reads the state and readies the journal for appending.
    pub fn open_write(dir: &Path) -> Result<Store, StoreError> {
        fs::create_dir_all(dir).map_err(io_err(dir))?;
        let lock = lock::Lock::acquire(dir)?;
        let (cards, good_len, lines_since_snapshot) = load(dir)?;
        let path = Store::journal_path(dir);
        let mut file = OpenOptions::new()
            .create(true)
            .read(true)
            .append(true)
            .open(&path)
            .map_err(io_err(&path))?;
        let len = if good_len == 0 {
            // A new journal (or one torn inside its header): start it afresh.
            file.set_len(0).map_err(io_err(&path))?;
            file.write_all(HEADER.as_bytes()).map_err(io_err(&path))?;
            file.sync_all().map_err(io_err(&path))?;
            sync_dir(dir);
            HEADER.len() as u64
        } else {
            // Drop a line torn by a crash mid-write, so the next one starts on its own line.
            if file.metadata().map_err(io_err(&path))?.len() != good_len {
                file.set_len(good_len).map_err(io_err(&path))?;
                file.sync_all().map_err(io_err(&path))?;
            }
            good_len
        };
        Ok(Store {
            dir: dir.to_path_buf(),
            cards,
            writer: Some(Writer {
                file,
                len,
                _lock: lock,
            }),
            lines_since_snapshot,
        })
    }

    /// Appends one entry and makes it durable before returning. On failure nothing of the
    /// entry stays in the file, and the in-memory state is unchanged.
    pub fn record(&mut self, entry: &Entry) -> Result<(), StoreError> {
        let path = Store::journal_path(&self.dir);
        let Some(w) = self.writer.as_mut() else {
            return Err(StoreError::Io {
                path: path.display().to_string(),
                source: io::Error::other("the state was opened read-only"),
            });
        };
        let line = entry.to_line();
        let written = w
            .file
            .write_all(line.as_bytes())
            .and_then(|()| w.file.sync_data());
        if let Err(e) = written {
            // A full disk may have taken part of the line: cut it off again.
            let _ = w.file.set_len(w.len);
            let _ = w.file.sync_data();
            return Err(io_err(&path)(e));
        }
        w.len += line.len() as u64;
        self.lines_since_snapshot += 1;
        entry.apply(&mut self.cards);
        Ok(())
    }

    /// At the end of a session: refresh the snapshot when the journal has grown past it, and
    /// keep a daily backup. Failures here lose nothing (the journal is the record), so they
    /// are reported but not fatal.
    pub fn finish(&mut self, clock: &Clock) -> Result<(), StoreError> {
        let Some(w) = &self.writer else { return Ok(()) };
        if self.lines_since_snapshot >= snapshot::REFRESH_AFTER {
            snapshot::write(&self.dir, &self.cards, w.len)?;
            self.lines_since_snapshot = 0;
        }
        backup_daily(&self.dir, clock)
    }

    pub fn state(&self, key: &str) -> Option<&CardState> {
        self.cards.get(key)
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

/// Card states, the byte length of the journal's intact part, and lines read past the snapshot.
fn load(dir: &Path) -> Result<(States, u64, usize), StoreError> {
    let path = Store::journal_path(dir);
    let mut file = match File::open(&path) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok((States::default(), 0, 0)),
        Err(e) => return Err(io_err(&path)(e)),
    };
    let len = file.metadata().map_err(io_err(&path))?.len();
    let mut head = Vec::with_capacity(64);
    (&mut file)
        .take(64)
        .read_to_end(&mut head)
        .map_err(io_err(&path))?;
    let damaged = |line: usize, reason: String| damaged_at(dir, &path, line, reason);
    let body_start = match journal::check_header(&head) {
        Ok(Some(start)) => start as u64,
        // Empty, or a header cut short by a crash while the journal was being created.
        Ok(None) => return Ok((States::default(), 0, 0)),
        Err(journal::HeaderError::Newer(found)) => {
            return Err(StoreError::Newer {
                path: path.display().to_string(),
                found,
                backup: latest_backup(dir),
            });
        }
        Err(journal::HeaderError::Invalid(reason)) => return Err(damaged(1, reason)),
    };
    // Only the part of the journal past the snapshot is read.
    let (mut cards, from) = match snapshot::read(dir, len) {
        Some((cards, offset)) if offset >= body_start && ends_line(&mut file, offset) => {
            (cards, offset)
        }
        _ => (States::default(), body_start),
    };
    let mut bytes = Vec::with_capacity((len - from) as usize);
    file.seek(SeekFrom::Start(from)).map_err(io_err(&path))?;
    file.read_to_end(&mut bytes).map_err(io_err(&path))?;
    let mut lines = 0;
    let mut offset = 0;
    for raw in bytes.split_inclusive(|b| *b == b'\n') {
        if raw.last() != Some(&b'\n') {
            break; // torn by a crash mid-write: the answer being written, never a saved one
        }
        let entry = Entry::parse(&raw[..raw.len() - 1])
            .map_err(|reason| damaged(line_number(&path, from + offset as u64), reason))?;
        entry.apply(&mut cards);
        offset += raw.len();
        lines += 1;
    }
    Ok((cards, from + offset as u64, lines))
}

/// Whether the byte before `offset` ends a line (a snapshot must cover whole lines).
fn ends_line(file: &mut File, offset: u64) -> bool {
    let mut byte = [0u8];
    offset > 0
        && file.seek(SeekFrom::Start(offset - 1)).is_ok()
        && file.read_exact(&mut byte).is_ok()
        && byte[0] == b'\n'
}

/// The 1-based line at a byte offset; only computed for an error message.
fn line_number(path: &Path, offset: u64) -> usize {
    let mut prefix = Vec::new();
    if let Ok(f) = File::open(path) {
        let _ = f.take(offset).read_to_end(&mut prefix);
    }
    prefix.iter().filter(|b| **b == b'\n').count() + 1
}

pub(crate) fn sync_dir(dir: &Path) {
    // Makes a new or renamed file's directory entry durable; not possible on every platform.
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

const BACKUPS_KEPT: usize = 3;

fn backups(dir: &Path) -> Vec<PathBuf> {
    let mut list: Vec<PathBuf> = fs::read_dir(dir.join("backups"))
        .map(|rd| rd.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    list.retain(|p| {
        p.file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with("journal-"))
    });
    list.sort();
    list
}

fn latest_backup(dir: &Path) -> Option<PathBuf> {
    backups(dir).pop()
}

fn backup_daily(dir: &Path, clock: &Clock) -> Result<(), StoreError> {
    let target = dir
        .join("backups")
        .join(format!("journal-{}.tsv", clock.today()));
    if target.exists() {
        return Ok(());
    }
    let backup_dir = dir.join("backups");
    fs::create_dir_all(&backup_dir).map_err(io_err(&backup_dir))?;
    let tmp = tempfile::NamedTempFile::new_in(&backup_dir).map_err(io_err(&backup_dir))?;
    fs::copy(Store::journal_path(dir), tmp.path()).map_err(io_err(&target))?;
    tmp.as_file().sync_all().map_err(io_err(&target))?;
    tmp.persist(&target).map_err(|e| io_err(&target)(e.error))?;
    let all = backups(dir);
    for old in &all[..all.len().saturating_sub(BACKUPS_KEPT)] {
        let _ = fs::remove_file(old);
    }
    Ok(())
}

/// Reviews given since `since` (used for the new-card limit): cards first answered then.
pub fn introduced_since(cards: &States, since: Millis) -> usize {
    cards.values().filter(|c| c.intro >= since).count()
}
