//! The state files: every answer ever given, kept so that none is lost, and nothing read
//! from them trusted without a check.
//!
//! Each device appends only to its own journal, `<home>/state/devices/<id>.tsv` (`devices`
//! finds them all; `merge` makes one state of them): an append-only text file, one
//! checksummed line per answer (or undo), each line carrying the card's whole new state,
//! written and fsynced before the next card is shown. `snapshot.bin` is this machine's index
//! of every card's merged state (binary, versioned, with checksums of itself and of every
//! journal prefix it covers), so start-up reads 100k fixed-size records instead of replaying
//! a million answers; any mismatch means a full replay. `lock.<id>` keeps two sessions of one
//! machine from writing at once. `backups/` holds copies of this device's journal that
//! verified when taken. The format is in README.md and `journal`.

pub mod backup;
pub mod devices;
pub mod history;
pub mod journal;
pub mod last;
mod lock;
mod merge;
mod snapshot;
mod states;
#[cfg(test)]
mod tests;
mod upgrade;

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use crate::clock::{Clock, Millis};
use crate::schedule::CardState;
use journal::{Entry, HEADER};

/// Every card's latest state by card key (see `states`: the state index's sorted run, and
/// the few keys past it in a map).
pub use states::{Placed, States};

/// The cards suspended or buried (and only those), by card key: the journal's `hold` field.
/// Apart from `States` because a held card may be new, which `States` never holds.
pub type Holds = rustc_hash::FxHashMap<String, journal::Hold>;

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
    #[error("another smriti session is using {path} (pid {pid}); finish or quit it first")]
    Locked { path: String, pid: String },
    #[error(
        "{path} is not a regular file ({what}); smriti keeps its state in plain files, so it was left as it is: move it away"
    )]
    NotAFile { path: String, what: &'static str },
    #[error("card key `{key}` cannot be recorded: {reason}; nothing was written")]
    BadKey { key: String, reason: String },
    #[error("{path}")]
    Io { path: String, source: io::Error },
}

pub(crate) fn damaged_at(dir: &Path, path: &Path, line: usize, reason: String) -> StoreError {
    StoreError::Damaged {
        path: path.display().to_string(),
        line,
        reason,
        backup: backup::newest_clean(dir),
    }
}

fn backup_hint(backup: &Option<PathBuf>) -> String {
    match backup {
        Some(b) => format!(
            "The newest backup that reads clean is {}; `smriti restore` puts it back.",
            b.display()
        ),
        None => "There is no backup that reads clean.".to_owned(),
    }
}

pub(crate) fn io_err(path: &Path) -> impl FnOnce(io::Error) -> StoreError + '_ {
    move |source| StoreError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// Whether `path` exists; an error if it is there but not a regular file (a FIFO would hang
/// a read, a directory or device is never ours). Symbolic links to regular files are fine.
pub(crate) fn check_regular(path: &Path) -> Result<bool, StoreError> {
    match fs::metadata(path) {
        Ok(meta) if meta.is_file() => Ok(true),
        Ok(meta) => Err(StoreError::NotAFile {
            path: path.display().to_string(),
            what: file_kind(&meta),
        }),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(io_err(path)(e)),
    }
}

fn file_kind(meta: &fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_fifo() {
            return "a named pipe";
        }
        if t.is_socket() {
            return "a socket";
        }
        if t.is_block_device() || t.is_char_device() {
            return "a device";
        }
    }
    if meta.is_dir() {
        "a folder"
    } else {
        "not a plain file"
    }
}

/// Every card's latest state, and (when opened for writing) the journal to append to.
pub struct Store {
    dir: PathBuf,
    pub cards: States,
    pub holds: Holds,
    writer: Option<Writer>,
    /// Journal lines not covered by the snapshot: when many, the snapshot is refreshed.
    lines_since_snapshot: usize,
    /// Whether the snapshot on disk could not be used (missing, stale or damaged).
    snapshot_stale: bool,
    /// The answers and card-control events recorded in this session, newest last, so an undo
    /// names the one it takes back.
    answered: Vec<(String, u64)>,
    /// What the other devices' journals held when read, for the snapshot.
    others: Vec<snapshot::Covered>,
    /// How many devices' answers the state holds.
    pub devices: usize,
}

struct Writer {
    file: File,
    /// This device's journal, as the snapshot names it.
    name: String,
    len: u64,
    /// The CRC-32C of the journal's first `len` bytes.
    crc: u32,
    _lock: lock::Lock,
}

impl Store {
    /// This device's journal: `devices/<id>.tsv` (or, until the first write moves it there,
    /// an earlier version's single `journal.tsv`).
    pub fn journal_path(dir: &Path) -> PathBuf {
        let id = devices::known_id(dir).ok().flatten();
        devices::own_journal(dir, id.as_deref())
    }

    /// Reads the state without taking the lock: for commands that only look. When the state
    /// index could not be used, it is written again (see `refresh_index`).
    pub fn open_read(dir: &Path) -> Result<Store, StoreError> {
        let loaded = load(dir)?;
        let loaded = refresh_index(dir, loaded);
        Ok(Store {
            dir: dir.to_path_buf(),
            cards: loaded.cards,
            holds: loaded.holds,
            writer: None,
            lines_since_snapshot: loaded.lines,
            snapshot_stale: !loaded.from_snapshot,
            answered: Vec::new(),
            others: loaded.others,
            devices: loaded.devices,
        })
    }

    /// Takes this machine's lock, reads the state and readies this device's journal for
    /// appending. An earlier version's single journal becomes this device's first, and a v1
    /// journal is upgraded to v2 (after a copy of it is kept in `backups/`).
    pub fn open_write(dir: &Path) -> Result<Store, StoreError> {
        fs::create_dir_all(dir).map_err(io_err(dir))?;
        let id = devices::id(dir)?;
        let lock = lock::Lock::acquire(dir, &id)?;
        remove_temp_files(dir);
        remove_temp_files(&dir.join("backups"));
        upgrade::to_device_journal(dir, &id)?;
        let mut loaded = load(dir)?;
        if loaded.version == 1 {
            upgrade::to_v2(dir, loaded.good_len)?;
            loaded = load(dir)?;
        }
        let path = devices::own_journal(dir, Some(&id));
        let folder = dir.join(devices::FOLDER);
        fs::create_dir_all(&folder).map_err(io_err(&folder))?;
        let mut file = OpenOptions::new()
            .create(true)
            .read(true)
            .append(true)
            .open(&path)
            .map_err(io_err(&path))?;
        let (len, crc) = if loaded.good_len == 0 {
            // A new journal (or one torn inside its header): start it afresh.
            file.set_len(0).map_err(io_err(&path))?;
            file.write_all(HEADER.as_bytes()).map_err(io_err(&path))?;
            file.sync_all().map_err(io_err(&path))?;
            sync_dir(&folder);
            (HEADER.len() as u64, crc32c::crc32c(HEADER.as_bytes()))
        } else {
            // Drop a line torn by a crash mid-write, so the next one starts on its own line.
            if file.metadata().map_err(io_err(&path))?.len() != loaded.good_len {
                file.set_len(loaded.good_len).map_err(io_err(&path))?;
                file.sync_all().map_err(io_err(&path))?;
            }
            (loaded.good_len, loaded.crc)
        };
        Ok(Store {
            dir: dir.to_path_buf(),
            cards: loaded.cards,
            holds: loaded.holds,
            writer: Some(Writer {
                file,
                name: format!("{}/{id}.tsv", devices::FOLDER),
                len,
                crc,
                _lock: lock,
            }),
            lines_since_snapshot: loaded.lines,
            snapshot_stale: !loaded.from_snapshot,
            answered: Vec::new(),
            // The device counted once it has written something.
            devices: loaded.devices.max(usize::from(len > HEADER.len() as u64)),
            others: loaded.others,
        })
    }

    /// Appends one entry and makes it durable before returning. On failure nothing of the
    /// entry stays in the file, and the in-memory state is unchanged.
    pub fn record(&mut self, entry: &Entry) -> Result<(), StoreError> {
        let Some(w) = self.writer.as_mut() else {
            return Err(StoreError::Io {
                path: Store::journal_path(&self.dir).display().to_string(),
                source: io::Error::other("the state was opened read-only"),
            });
        };
        // The writer's own journal, named without reading the device id file again.
        let path = self.dir.join(&w.name);
        journal::check_key(entry.key().as_bytes()).map_err(|reason| StoreError::BadKey {
            key: crate::sanitize::clean(entry.key()),
            reason,
        })?;
        let id = rand::random::<u64>();
        let undoes = match entry {
            Entry::Review { .. } | Entry::Control { .. } => None,
            Entry::Undo { key, .. } => self
                .answered
                .iter()
                .rposition(|(k, _)| k == key)
                .map(|i| self.answered.remove(i).1),
        };
        let line = journal::write_line(entry, id, undoes);
        let written = w
            .file
            .write_all(line.as_bytes())
            .and_then(|()| w.file.sync_data());
        if let Err(e) = written {
            // A full disk may have taken part of the line: cut it off again.
            let _ = w.file.set_len(w.len);
            let _ = w.file.sync_data();
            if let Some(u) = undoes {
                self.answered.push((entry.key().to_owned(), u));
            }
            return Err(io_err(&path)(e));
        }
        w.len += line.len() as u64;
        w.crc = crc32c::crc32c_append(w.crc, line.as_bytes());
        self.lines_since_snapshot += 1;
        if let Entry::Review { key, .. } | Entry::Control { key, .. } = entry {
            self.answered.push((key.clone(), id));
        }
        entry.apply(&mut self.cards, &mut self.holds);
        Ok(())
    }

    /// Appends many entries as one write, made durable once (an import of a long review
    /// history cannot afford a sync per line). All or nothing: on failure (a bad key, a full
    /// disk) the journal is cut back to where it was and the in-memory state is unchanged.
    /// The entries are made as they are written, a megabyte of lines at a time, so a million
    /// of them are never all in memory. They are not a session's answers, so an undo in the
    /// same session does not take them back. Returns how many were written.
    pub fn record_all(
        &mut self,
        entries: impl IntoIterator<Item = Entry>,
    ) -> Result<usize, StoreError> {
        let Some(w) = self.writer.as_mut() else {
            return Err(StoreError::Io {
                path: Store::journal_path(&self.dir).display().to_string(),
                source: io::Error::other("the state was opened read-only"),
            });
        };
        // The writer's own journal, named without reading the device id file again.
        let path = self.dir.join(&w.name);
        // The latest state and hold of each card written, applied once the whole batch is
        // durable.
        let mut latest: rustc_hash::FxHashMap<String, (CardState, journal::Hold)> =
            Default::default();
        let mut count = 0;
        let mut oldest = Millis::MAX;
        let written = || -> Result<(u64, u32), StoreError> {
            let (mut len, mut crc) = (0u64, w.crc);
            let mut chunk = String::with_capacity(1 << 20);
            let mut flush = |chunk: &mut String| -> Result<(), StoreError> {
                w.file.write_all(chunk.as_bytes()).map_err(io_err(&path))?;
                len += chunk.len() as u64;
                crc = crc32c::crc32c_append(crc, chunk.as_bytes());
                chunk.clear();
                Ok(())
            };
            for entry in entries {
                journal::check_key(entry.key().as_bytes()).map_err(|reason| {
                    StoreError::BadKey {
                        key: crate::sanitize::clean(entry.key()),
                        reason,
                    }
                })?;
                chunk.push_str(&journal::write_line(&entry, rand::random::<u64>(), None));
                count += 1;
                oldest = oldest.min(entry.at());
                if chunk.len() >= 1 << 20 {
                    flush(&mut chunk)?;
                }
                let after = (*entry.state(), entry.hold());
                match latest.get_mut(entry.key()) {
                    Some(slot) => *slot = after,
                    None => {
                        latest.insert(entry.key().to_owned(), after);
                    }
                }
            }
            flush(&mut chunk)?;
            w.file.sync_data().map_err(io_err(&path))?;
            Ok((len, crc))
        };
        match written() {
            Ok((len, crc)) => {
                w.len += len;
                w.crc = crc;
            }
            Err(e) => {
                let _ = w.file.set_len(w.len);
                let _ = w.file.sync_data();
                return Err(e);
            }
        }
        // Answers older than some already in the journal (an imported history) break its
        // time order, which the recent-history reader relies on to stop early: it is told to
        // read the whole journal from now on.
        let newest = self
            .cards
            .values()
            .map(|s| s.last)
            .max()
            .unwrap_or(Millis::MIN);
        if oldest < newest {
            let marker = self.dir.join(history::UNORDERED);
            File::create(&marker).map_err(io_err(&marker))?;
        }
        self.lines_since_snapshot += count;
        for (key, (state, hold)) in &latest {
            journal::apply(&mut self.cards, key, state);
            journal::apply_hold(&mut self.holds, key, *hold);
        }
        Ok(count)
    }

    /// Lets this session's first undo of `key` name the answer (or event) `id` of an earlier
    /// session, as `last::undoable` found it.
    pub fn allow_undo_of(&mut self, key: &str, id: u64) {
        self.answered.insert(0, (key.to_owned(), id));
    }

    /// At the end of a session: refresh the snapshot when the journal has grown past it (or
    /// it could not be used), and keep a daily backup. Failures here lose nothing (the journal
    /// is the record), so they are reported but not fatal.
    pub fn finish(&mut self, clock: &Clock) -> Result<(), StoreError> {
        let Some(w) = &self.writer else { return Ok(()) };
        // With several journals, lines past the index cost a merge of the cards they touch at
        // every start, so the index is kept up to date after every session that read any.
        let several = !self.others.is_empty();
        if self.lines_since_snapshot >= snapshot::REFRESH_AFTER
            || ((self.snapshot_stale || several) && self.lines_since_snapshot > 0)
        {
            let mut coverage = self.others.clone();
            coverage.push(covered(&w.file, w.name.clone(), w.len, w.crc));
            snapshot::write(&self.dir, &self.cards, &self.holds, &coverage)?;
            self.lines_since_snapshot = 0;
            self.snapshot_stale = false;
        }
        // The journal verified when it was opened and only whole lines were added since,
        // under the lock: it is a good copy to keep.
        backup::take_daily(&self.dir, clock, w.len)
    }

    /// Puts `backup` back as the journal under the lock (no session may be writing), keeping
    /// the current journal aside as `backups/<aside_name>`; returns where it was kept.
    pub fn restore(
        dir: &Path,
        backup: &Path,
        aside_name: &str,
    ) -> Result<Option<PathBuf>, StoreError> {
        fs::create_dir_all(dir).map_err(io_err(dir))?;
        let id = devices::id(dir)?;
        let _lock = lock::Lock::acquire(dir, &id)?;
        remove_temp_files(dir);
        upgrade::to_device_journal(dir, &id)?;
        let folder = dir.join(devices::FOLDER);
        fs::create_dir_all(&folder).map_err(io_err(&folder))?;
        backup::restore(dir, backup, aside_name)
    }

    pub fn state(&self, key: &str) -> Option<CardState> {
        self.cards.get(key)
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

/// Writes the state index a read found missing, stale or damaged, so the next command does
/// not replay the whole journal again; best effort and without the lock. That is safe: the
/// index is written to a temporary file and renamed into place, and it names the journal
/// prefixes it covers, which a reader checks, so whatever a session holding the lock appends,
/// restores or writes meanwhile, an index from a journal no longer there is ignored.
fn refresh_index(dir: &Path, mut loaded: Loaded) -> Loaded {
    if !loaded.from_snapshot && loaded.lines > 0 && loaded.version == journal::VERSION {
        write_index(dir, &mut loaded);
    }
    loaded
}

/// Writes the state index of what `loaded` read (best effort, unsynced: see `refresh_index`).
fn write_index(dir: &Path, loaded: &mut Loaded) {
    let mut coverage = loaded.others.clone();
    coverage.extend(loaded.own.clone().filter(|_| loaded.good_len > 0));
    let written = snapshot::write_synced(dir, &loaded.cards, &loaded.holds, &coverage, false);
    if written.is_ok() {
        loaded.from_snapshot = true;
        loaded.lines = 0;
    }
}

/// What reading the journals found.
struct Loaded {
    cards: States,
    holds: Holds,
    /// This device's journal's version.
    version: u32,
    /// The byte length of this device's journal's intact part (0: no journal of its own, or
    /// a torn header).
    good_len: u64,
    /// Lines read past the snapshot, in every journal.
    lines: usize,
    from_snapshot: bool,
    /// The CRC-32C of the intact part, kept up to date as lines are added, for the snapshot.
    crc: u32,
    /// What the journals of other devices (and copies) held when read, for the snapshot.
    others: Vec<snapshot::Covered>,
    /// How many devices wrote the journals read.
    devices: usize,
    /// What of this device's journal (`devices/<id>.tsv`, or an earlier version's
    /// `journal.tsv`) was read, if it has one, for the snapshot.
    own: Option<snapshot::Covered>,
}

/// How much of a journal the merge of touched cards reads at a time.
#[cfg(not(test))]
const CHUNK: usize = 1 << 20;
/// Less than a line in tests, so lines cut by a chunk's end are the rule there.
#[cfg(test)]
const CHUNK: usize = 100;

/// A journal opened for reading.
struct Source {
    journal: devices::Journal,
    file: File,
    len: u64,
    version: u32,
    /// Where its first line starts, and the CRC-32C of the header before it.
    body: u64,
    header_crc: u32,
}

/// Opens a journal and reads its header. `None` for a journal with no whole header yet, and
/// for another device's journal that cannot be read (it is reported, and left out).
fn open_source(dir: &Path, journal: devices::Journal) -> Result<Option<Source>, StoreError> {
    let path = &journal.path;
    let mut file = File::open(path).map_err(io_err(path))?;
    let len = file.metadata().map_err(io_err(path))?.len();
    let mut head = Vec::with_capacity(64);
    (&mut file)
        .take(64)
        .read_to_end(&mut head)
        .map_err(io_err(path))?;
    let (version, body) = match journal::check_header(&head) {
        Ok(Some(found)) => found,
        // Empty, or a header cut short by a crash (or a sync) while the journal was created.
        Ok(None) => return Ok(None),
        Err(journal::HeaderError::Newer(found)) if journal.own => {
            return Err(StoreError::Newer {
                path: path.display().to_string(),
                found,
                backup: backup::newest_clean(dir),
            });
        }
        Err(journal::HeaderError::Invalid(reason)) if journal.own => {
            return Err(damaged_at(dir, path, 1, reason));
        }
        Err(e) => {
            let why = match e {
                journal::HeaderError::Newer(v) => {
                    format!("it was written by a newer smriti (v{v}); update smriti to merge it")
                }
                journal::HeaderError::Invalid(reason) => reason,
            };
            warn_other(path, 1, &why);
            return Ok(None);
        }
    };
    Ok(Some(Source {
        journal,
        file,
        len,
        version,
        body: body as u64,
        header_crc: crc32c::crc32c(&head[..body]),
    }))
}

/// Says on stderr that another device's journal is left out from `line` on.
fn warn_other(path: &Path, line: usize, reason: &str) {
    eprintln!(
        "smriti: warning: {}:{line}: another device's journal is damaged ({reason}); its answers from this line on are left out until it reads clean (it is never written here)",
        path.display()
    );
}

/// Reads every journal: the snapshot's state when it verifies (its own checksum, and the
/// checksum of every journal prefix it covers), then every line past it; else every line.
fn load(dir: &Path) -> Result<Loaded, StoreError> {
    let mut sources = Vec::new();
    for journal in devices::journals(dir)? {
        // A journal with no line yet (another device's new one, the header-only `journal.tsv`
        // an upgrade leaves) adds nothing, and a home with one device keeps its fast path.
        if let Some(source) = open_source(dir, journal)?
            && (source.len > source.body || source.journal.own)
        {
            sources.push(source);
        }
    }
    let snap = if sources.iter().all(|s| s.version == journal::VERSION) {
        let paths: Vec<(String, PathBuf, u64, u64)> = sources
            .iter()
            .map(|s| {
                (
                    s.journal.name.clone(),
                    s.journal.path.clone(),
                    s.len,
                    s.body,
                )
            })
            .collect();
        snapshot::read(dir, move |coverage| unchanged(coverage, &paths))?
    } else {
        None
    };
    let from_snapshot = snap.is_some();
    // An index taken after checksumming a journal's whole prefix, because the journal is now
    // another file than the one it names (a home copied or restored, a sync tool's copy):
    // written again below naming the files as they are, or every start would read the whole
    // journal again until a session writes one.
    let renamed = snap.as_ref().is_some_and(|s| {
        sources.iter().any(|src| {
            let id = snapshot::file_id(&src.file);
            id != 0
                && s.coverage
                    .iter()
                    .any(|c| c.name == src.journal.name && c.file != id)
        })
    });
    let (mut cards, mut holds, coverage) = match snap {
        Some(s) => (s.cards, s.holds, s.coverage),
        None => (States::default(), Holds::default(), Vec::new()),
    };
    let single = sources.len() <= 1;
    let owners: Vec<String> = {
        let mut o: Vec<String> = sources.iter().map(|s| s.journal.owner.clone()).collect();
        o.sort();
        o.dedup();
        o
    };
    let owner_of = |s: &Source| owners.binary_search(&s.journal.owner).unwrap_or(0);
    let dedupe = sources.iter().any(|s| s.journal.copy);
    // Without an index and with several journals, every line goes into one merge as read.
    let mut merger = (!single && !from_snapshot).then(|| merge::Merger::new(dedupe));
    let mut touched: rustc_hash::FxHashSet<Vec<u8>> = Default::default();
    let mut lines = 0;
    let mut read = Vec::with_capacity(sources.len());
    for source in &mut sources {
        let covered = coverage.iter().find(|c| c.name == source.journal.name);
        let (from, crc) = match covered {
            Some(c) => (c.len, c.crc),
            None => (source.body, source.header_crc),
        };
        let mut bytes = Vec::with_capacity((source.len - from) as usize);
        source
            .file
            .seek(SeekFrom::Start(from))
            .map_err(io_err(&source.journal.path))?;
        source
            .file
            .read_to_end(&mut bytes)
            .map_err(io_err(&source.journal.path))?;
        let owner = owner_of(source);
        let (end, n) = read_source(dir, source, from, &bytes, |line| {
            if single {
                journal::apply(&mut cards, line.key, &line.state);
                journal::apply_hold(&mut holds, line.key, line.hold);
            } else if let Some(m) = &mut merger {
                m.add(owner, &line);
            } else if !touched.contains(line.key.as_bytes()) {
                touched.insert(line.key.as_bytes().to_vec());
            }
        })?;
        lines += n;
        read.push((
            from,
            from + end as u64,
            crc32c::crc32c_append(crc, &bytes[..end]),
        ));
    }
    if let Some(m) = merger {
        (cards, holds) = m.finish();
    } else if !touched.is_empty() {
        // Cards another device's new lines touched are merged again from all their lines.
        let mut m = merge::Merger::new(dedupe);
        // Read a megabyte at a time into one buffer: the journals are read whole here, and
        // a buffer each would cost their size in fresh pages.
        let mut chunk: Vec<u8> = Vec::with_capacity(CHUNK + 4096);
        for (source, (_, end, _)) in sources.iter_mut().zip(&read) {
            let path = &source.journal.path;
            source
                .file
                .seek(SeekFrom::Start(source.body))
                .map_err(io_err(path))?;
            let owner = owner_of(source);
            let mut file = (&mut source.file).take(end - source.body);
            loop {
                let kept = chunk.len();
                let got = (&mut file)
                    .take(CHUNK as u64)
                    .read_to_end(&mut chunk)
                    .map_err(io_err(path))?;
                let mut start = 0;
                for end in memchr::memchr_iter(b'\n', &chunk[kept..]).map(|i| kept + i) {
                    let line = &chunk[start..end];
                    start = end + 1;
                    if merge::wanted(line, &touched)
                        && let Ok(line) = journal::parse_line(line, source.version)
                    {
                        m.add(owner, &line);
                    }
                }
                // A line cut by the chunk's end is read whole with the next.
                chunk.drain(..start);
                if got == 0 {
                    break;
                }
            }
            chunk.clear();
        }
        let (new_cards, new_holds) = m.finish();
        for key in &touched {
            if let Ok(key) = std::str::from_utf8(key) {
                let state = new_cards.get(key).unwrap_or_else(journal::new_card_state);
                journal::apply(&mut cards, key, &state);
                let hold = new_holds.get(key).copied().unwrap_or_default();
                journal::apply_hold(&mut holds, key, hold);
            }
        }
    }
    let mut loaded = Loaded {
        cards,
        holds,
        version: journal::VERSION,
        good_len: 0,
        lines,
        from_snapshot,
        crc: 0,
        others: Vec::new(),
        own: None,
        devices: devices::count(
            sources
                .iter()
                .zip(&read)
                .filter(|(s, r)| r.1 > s.body)
                .map(|(s, _)| s.journal.owner.clone()),
        ),
    };
    for (source, (_, end, crc)) in sources.iter().zip(read) {
        if source.journal.own {
            (loaded.version, loaded.good_len, loaded.crc) = (source.version, end, crc);
            loaded.own = Some(covered(&source.file, source.journal.name.clone(), end, crc));
        } else {
            let read = covered(&source.file, source.journal.name.clone(), end, crc);
            loaded.others.push(read);
        }
    }
    if renamed && loaded.version == journal::VERSION {
        write_index(dir, &mut loaded);
    }
    Ok(loaded)
}

/// Whether every journal prefix the index covers is still there unchanged: `journals` are
/// the journals read (name, path, length, first line's offset).
///
/// A journal is only ever appended to in place; anything that puts other bytes there (a
/// restore, a sync tool's or git's copy, an editor's save, a rollback) writes a new file, or
/// a shorter one. So a journal that is still the same file, at least as long, with the same
/// last 64 KiB of the prefix, is the same prefix, and only that tail is read: checksumming
/// the whole prefix took a third of start-up at a million answers. A different file (or a
/// platform without file identities) has its whole prefix checksummed, and the index is
/// used if that matches. Damage to the middle of a journal in place is not looked for here;
/// the daily backup verifies every line before it copies the journal, and reports it.
fn unchanged(coverage: &[snapshot::Covered], journals: &[(String, PathBuf, u64, u64)]) -> bool {
    coverage.iter().all(|c| {
        journals
            .iter()
            .find(|j| j.0 == c.name)
            .is_some_and(|(_, path, len, body)| {
                if c.len > *len || c.len < *body {
                    return false;
                }
                let Ok(mut file) = File::open(path) else {
                    return false;
                };
                if c.file != 0 && snapshot::file_id(&file) == c.file {
                    tail_crc(&mut file, c.len) == Some(c.tail)
                } else {
                    prefix_crc(&mut file, c.len) == Some(c.crc)
                }
            })
    })
}

/// What the snapshot records of the first `len` bytes of the journal open as `file` (whose
/// CRC-32C is `crc`): read from the same open file, so the tail and identity are those of the
/// bytes that were read.
fn covered(file: &File, name: String, len: u64, crc: u32) -> snapshot::Covered {
    let mut reader = file;
    match tail_crc(&mut reader, len) {
        Some(tail) => snapshot::Covered {
            name,
            len,
            crc,
            tail,
            file: snapshot::file_id(file),
        },
        // Then the whole prefix is checked when the index is read.
        None => snapshot::Covered {
            name,
            len,
            crc,
            tail: 0,
            file: 0,
        },
    }
}

/// The CRC-32C of the last `snapshot::TAIL` bytes of the file's first `len` (all of them when
/// fewer).
fn tail_crc(file: &mut (impl Read + Seek), len: u64) -> Option<u32> {
    let from = len.saturating_sub(snapshot::TAIL);
    file.seek(SeekFrom::Start(from)).ok()?;
    let mut buf = vec![0u8; (len - from) as usize];
    file.read_exact(&mut buf).ok()?;
    Some(crc32c::crc32c(&buf))
}

/// Reads the whole lines of `bytes` (a journal from byte `from`, a line start), calling
/// `each` on every one; returns their length and count. A damaged line of this device's
/// journal is an error; one of another device's (or a copy's) ends what is read of it, with a
/// warning, so a sync tool mid-copy never stops this device. A last line without its newline
/// is left out: torn by a crash, or still being copied.
fn read_source<'b>(
    dir: &Path,
    source: &Source,
    from: u64,
    bytes: &'b [u8],
    mut each: impl FnMut(journal::Line<'b>),
) -> Result<(usize, usize), StoreError> {
    let path = &source.journal.path;
    if source.journal.own {
        return read_lines(bytes, source.version, each).map_err(|(index, reason)| {
            damaged_at(dir, path, line_number(path, from) + index, reason)
        });
    }
    let mut offset = 0;
    let mut count = 0;
    for end in memchr::memchr_iter(b'\n', bytes) {
        match journal::parse_line(&bytes[offset..end], source.version) {
            Ok(line) => each(line),
            Err(reason) => {
                warn_other(path, line_number(path, from) + count, &reason);
                break;
            }
        }
        offset = end + 1;
        count += 1;
    }
    Ok((offset, count))
}

/// Calls `each` on every whole line of `buf` (which starts at a line start), in order. Returns
/// the byte length of the whole lines and their count, or the index (from 0) of the first
/// damaged line with what is wrong. A last line without its newline is one torn by a crash
/// mid-write, the answer being written and never a saved one: it is left out.
pub(crate) fn read_lines<'b>(
    buf: &'b [u8],
    version: u32,
    each: impl FnMut(journal::Line<'b>),
) -> Result<(usize, usize), (usize, String)> {
    read_lines_by(buf, version, journal::parse_line, each)
}

/// `read_lines` with the line reader given (`journal::parse_line_head` for the history).
pub(crate) fn read_lines_by<'b>(
    buf: &'b [u8],
    version: u32,
    parse: fn(&'b [u8], u32) -> Result<journal::Line<'b>, String>,
    mut each: impl FnMut(journal::Line<'b>),
) -> Result<(usize, usize), (usize, String)> {
    let mut offset = 0;
    let mut index = 0;
    for end in memchr::memchr_iter(b'\n', buf) {
        let line = parse(&buf[offset..end], version).map_err(|r| (index, r))?;
        each(line);
        offset = end + 1;
        index += 1;
    }
    // A crash cuts a line short; it never adds to one. A whole line with a byte where its
    // newline should be is damage (a flipped newline), not a torn write.
    if let [whole @ .., _] = &buf[offset..]
        && version >= 2
        && journal::parse_line(whole, version).is_ok()
    {
        return Err((
            index,
            "its last line ends in a stray byte instead of a newline".into(),
        ));
    }
    Ok((offset, index))
}

/// The CRC-32C of the journal's first `len` bytes, read in chunks so a large journal costs
/// no memory; `None` if it is shorter.
fn prefix_crc(file: &mut File, len: u64) -> Option<u32> {
    file.seek(SeekFrom::Start(0)).ok()?;
    let mut crc = 0;
    // A buffer that stays in the L2 cache: the copy from the page cache and the checksum
    // then both run from it.
    let mut buf = vec![0u8; 128 << 10];
    let mut left = len;
    while left > 0 {
        let want = left.min(buf.len() as u64) as usize;
        file.read_exact(&mut buf[..want]).ok()?;
        crc = crc32c::crc32c_append(crc, &buf[..want]);
        left -= want as u64;
    }
    Some(crc)
}

/// The 1-based line at a byte offset; only computed for an error message.
fn line_number(path: &Path, offset: u64) -> usize {
    let mut prefix = Vec::new();
    if let Ok(f) = File::open(path) {
        let _ = f.take(offset).read_to_end(&mut prefix);
    }
    memchr::memchr_iter(b'\n', &prefix).count() + 1
}

pub(crate) fn sync_dir(dir: &Path) {
    // Makes a new or renamed file's directory entry durable; not possible on every platform.
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

/// Removes temporary files a killed session left while writing a snapshot or backup; only
/// called under the lock, so none of them is being written.
fn remove_temp_files(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for e in entries.filter_map(Result::ok) {
        let temp = e.file_name().to_string_lossy().starts_with(".tmp");
        if temp && e.file_type().is_ok_and(|t| t.is_file()) {
            let _ = fs::remove_file(e.path());
        }
    }
}
