//! Which journals a home holds, and whose: one per device under `<state>/devices/`, so a
//! home kept in Syncthing, Dropbox or a git repository is written by each machine only in its
//! own file and read by every machine whole (`merge` combines them).
//!
//! A device's id names its journal, `devices/<id>.tsv`. It is `SMRITI_DEVICE`, else
//! `device = "…"` in config.toml, else made once per machine (the host name and 32 random
//! bits) and kept in `<state>/device.<host>`. The file is named for the host, not just
//! `device`, because a sync tool copies whatever the user did not exclude: had the id lived in
//! one `device` file, the machine it was copied to would take the other's id (two machines
//! appending to one journal, which the sync tool then splits into conflict copies), or, if it
//! remade its own, write it back for the first machine to take, and so on. A file per host
//! name is read only on that host; the README still tells users to exclude it.
//!
//! Every other `.tsv` file in `devices/` is read as well: a sync tool's conflict copy
//! (`<id>.sync-conflict-….tsv`, `<id> (conflicted copy ….tsv`) is a journal of the device its
//! name starts with, merged without counting an answer twice. A single `journal.tsv` left
//! beside the device journals (an old machine's, copied back by a sync tool) is read too.
//! Nothing here ever writes into a journal but this device's own.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use jiff::tz::TimeZone;

use super::{StoreError, check_regular, io_err, sync_dir};
use crate::clock::{Clock, Millis};
use crate::schedule::Scheduler;

/// The folder of device journals, in the state folder.
pub const FOLDER: &str = "devices";
/// The single journal of earlier versions, in the state folder.
pub const LEGACY: &str = "journal.tsv";
/// Longest device id: a file name on any file system, with room for a conflict suffix.
const MAX_ID: usize = 64;

/// What the store needs from the config that is not the state folder: this machine's id
/// when set, and what a replay of answers from several devices schedules with. Set once by
/// the app before any command opens the store (the store is opened from a dozen commands;
/// the config is process-wide); without it, the defaults apply.
#[derive(Debug, Clone)]
pub struct Settings {
    pub device: Option<String>,
    pub parameters: Vec<f32>,
    pub retention: f32,
    pub tz: TimeZone,
    pub day_start_hour: u8,
}

impl Default for Settings {
    fn default() -> Self {
        let config = crate::config::Config::default();
        Settings {
            device: None,
            parameters: config.fsrs_parameters,
            retention: config.desired_retention,
            tz: crate::zone::system(),
            day_start_hour: config.day_start_hour,
        }
    }
}

static SETTINGS: OnceLock<Settings> = OnceLock::new();

/// Sets the process's settings; a second call changes nothing.
pub fn configure(settings: Settings) {
    let _ = SETTINGS.set(settings);
}

pub(crate) fn settings() -> &'static Settings {
    SETTINGS.get_or_init(Settings::default)
}

/// The seed of a replay's interval fuzz: fixed, so every device that merges the same answers
/// gets the same state, whatever seed its own sessions use.
const REPLAY_SEED: u64 = 0x736d_7269_7469;

/// The scheduler and the clock (at an instant) a replay answers with.
pub(crate) struct Replayer {
    scheduler: Scheduler,
    tz: TimeZone,
    day_start_hour: u8,
}

impl Replayer {
    pub(crate) fn new() -> Replayer {
        let s = settings();
        let scheduler = Scheduler::new(&s.parameters, s.retention, REPLAY_SEED)
            .or_else(|_| Scheduler::new(&[], s.retention, REPLAY_SEED));
        Replayer {
            // The default parameters always load; the config's were checked when it was read.
            scheduler: scheduler.unwrap_or_else(|_| default_scheduler()),
            tz: s.tz.clone(),
            day_start_hour: s.day_start_hour,
        }
    }

    pub(crate) fn answer(
        &self,
        prev: Option<&crate::schedule::CardState>,
        grade: crate::schedule::Grade,
        at: Millis,
        key: &str,
    ) -> crate::schedule::CardState {
        let now = jiff::Timestamp::from_millisecond(at).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
        let clock = Clock::new(now, self.tz.clone(), self.day_start_hour);
        self.scheduler.answer(prev, grade, &clock, key)
    }
}

fn default_scheduler() -> Scheduler {
    match Scheduler::new(&[], 0.9, REPLAY_SEED) {
        Ok(s) => s,
        // The fsrs crate's own defaults are valid by construction.
        Err(e) => unreachable!("default FSRS parameters rejected: {e}"),
    }
}

/// A device id: 1 to 64 letters, digits, `-` or `_`, so it is a safe file name everywhere and
/// a conflict copy's name (`<id>.sync-conflict-…`, `<id> (conflicted copy …)`) still starts
/// with it.
pub fn check_id(id: &str) -> Result<(), String> {
    let ok = !id.is_empty()
        && id.len() <= MAX_ID
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "must be 1 to {MAX_ID} letters, digits, `-` or `_` (it names this device's journal file), not \"{}\"",
            crate::sanitize::clean(id)
        ))
    }
}

/// The device a journal's file name says wrote it: the id it starts with.
fn owner_of(name: &str) -> Option<&str> {
    let end = name
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        .unwrap_or(name.len());
    let id = &name[..end];
    check_id(id).ok().map(|()| id)
}

/// The file keeping this machine's made id: named for the host (see the module docs).
fn id_file(dir: &Path) -> PathBuf {
    dir.join(format!("device.{}", host()))
}

/// This machine's host name as a file-name part (`host` when there is none to read).
fn host() -> String {
    let name = host_name().unwrap_or_default();
    let safe: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .take(32)
        .collect();
    let safe = safe.trim_matches('-').to_owned();
    if safe.is_empty() {
        "host".to_owned()
    } else {
        safe
    }
}

#[cfg(unix)]
fn host_name() -> Option<String> {
    let uname = rustix::system::uname();
    Some(uname.nodename().to_string_lossy().into_owned())
}

#[cfg(not(unix))]
fn host_name() -> Option<String> {
    std::env::var("COMPUTERNAME").ok()
}

/// This device's id when it is set or was made already; `None` on a machine that never wrote
/// (it has no journal of its own yet).
pub fn known_id(dir: &Path) -> Result<Option<String>, StoreError> {
    if let Some(id) = &settings().device {
        return Ok(Some(id.clone()));
    }
    let path = id_file(dir);
    if !check_regular(&path)? {
        return Ok(None);
    }
    let text = fs::read_to_string(&path).map_err(io_err(&path))?;
    let id = text.trim();
    check_id(id).map_err(|reason| StoreError::Damaged {
        path: path.display().to_string(),
        line: 1,
        reason: format!("the device id {reason}; remove the file to make a new one"),
        backup: None,
    })?;
    Ok(Some(id.to_owned()))
}

/// This device's id, made and kept now if it has none yet. Two sessions making one at once
/// agree: the file is created only if absent, and the one that lost reads the winner's.
pub fn id(dir: &Path) -> Result<String, StoreError> {
    if let Some(id) = known_id(dir)? {
        return Ok(id);
    }
    let made = format!("{}-{:08x}", host(), rand::random::<u32>());
    let path = id_file(dir);
    let mut tmp = tempfile::Builder::new()
        .prefix(".tmp")
        .tempfile_in(dir)
        .map_err(io_err(dir))?;
    tmp.write_all(format!("{made}\n").as_bytes())
        .and_then(|()| tmp.as_file().sync_all())
        .map_err(io_err(&path))?;
    match tmp.persist_noclobber(&path) {
        Ok(_) => {
            sync_dir(dir);
            Ok(made)
        }
        Err(e) if path.exists() => {
            drop(e);
            known_id(dir)?.ok_or_else(|| io_err(&path)(std::io::ErrorKind::NotFound.into()))
        }
        Err(e) => Err(io_err(&path)(e.error)),
    }
}

/// Where this device's journal is: `devices/<id>.tsv`, or the single `journal.tsv` of an
/// earlier version until the first write moves it there.
pub fn own_journal(dir: &Path, id: Option<&str>) -> PathBuf {
    let legacy = dir.join(LEGACY);
    match id {
        Some(id) => {
            let own = dir.join(FOLDER).join(format!("{id}.tsv"));
            if own.exists() || !legacy.exists() {
                own
            } else {
                legacy
            }
        }
        None => legacy,
    }
}

/// One journal of the home.
#[derive(Debug, Clone, PartialEq)]
pub struct Journal {
    pub path: PathBuf,
    /// Its path under the state folder, as the index names what it covers.
    pub name: String,
    /// The device that wrote it.
    pub owner: String,
    /// This device's own journal, the only one written.
    pub own: bool,
    /// A second copy of some device's journal (a conflict copy, an old `journal.tsv`): its
    /// lines are read after every device's own file, so the ones it shares count once.
    pub copy: bool,
}

/// Every journal of the home, this device's first, then the other devices' by name, then
/// copies by name. Hidden files (a sync tool's temporary files) and anything but regular
/// `.tsv` files are not journals.
pub fn journals(dir: &Path) -> Result<Vec<Journal>, StoreError> {
    let id = known_id(dir)?;
    let own_path = own_journal(dir, id.as_deref());
    let mut list = Vec::new();
    if check_regular(&own_path)? {
        list.push(Journal {
            name: name_in(dir, &own_path),
            path: own_path.clone(),
            owner: id.clone().unwrap_or_else(|| LEGACY.to_owned()),
            own: true,
            copy: false,
        });
    }
    let folder = dir.join(FOLDER);
    let mut found = Vec::new();
    match fs::read_dir(&folder) {
        Ok(entries) => {
            for e in entries.filter_map(Result::ok) {
                let name = e.file_name().to_string_lossy().into_owned();
                let path = e.path();
                let regular = fs::metadata(&path).is_ok_and(|m| m.is_file());
                if name.starts_with('.') || !name.ends_with(".tsv") || !regular || path == own_path
                {
                    continue;
                }
                let Some(owner) = owner_of(&name) else {
                    continue;
                };
                let copy = name != format!("{owner}.tsv");
                found.push(Journal {
                    name: format!("{FOLDER}/{name}"),
                    owner: owner.to_owned(),
                    own: false,
                    copy,
                    path,
                });
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(io_err(&folder)(e)),
    }
    found.sort_by(|a, b| (a.copy, &a.name).cmp(&(b.copy, &b.name)));
    list.extend(found);
    let legacy = dir.join(LEGACY);
    if legacy != own_path && check_regular(&legacy)? {
        list.push(Journal {
            name: LEGACY.to_owned(),
            path: legacy,
            owner: LEGACY.to_owned(),
            own: false,
            copy: true,
        });
    }
    Ok(list)
}

fn name_in(dir: &Path, path: &Path) -> String {
    path.strip_prefix(dir)
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .unwrap_or_else(|_| path.display().to_string())
}

/// How many devices wrote the journals with something in them.
pub fn count(owners: impl IntoIterator<Item = String>) -> usize {
    let mut owners: Vec<String> = owners.into_iter().collect();
    owners.sort();
    owners.dedup();
    owners.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_safe_file_names() {
        for good in ["laptop", "lib-desk_2", "A1", &"x".repeat(64)] {
            assert!(check_id(good).is_ok(), "{good}");
        }
        for bad in ["", "a b", "../x", "a.b", "a/b", "ā", &"x".repeat(65), "a\n"] {
            assert!(check_id(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn a_conflict_copy_belongs_to_the_device_its_name_starts_with() {
        assert_eq!(owner_of("laptop.tsv"), Some("laptop"));
        assert_eq!(
            owner_of("laptop.sync-conflict-20261201-101010-ABCDEFG.tsv"),
            Some("laptop")
        );
        assert_eq!(
            owner_of("desk-1 (conflicted copy 2026-12-01).tsv"),
            Some("desk-1")
        );
        assert_eq!(owner_of(".syncthing.laptop.tsv.tmp"), None);
    }

    #[test]
    fn journals_are_found_own_first_then_others_then_copies() {
        let dir = tempfile::tempdir().unwrap();
        let state = dir.path();
        let id = id(state).unwrap();
        assert_eq!(super::id(state).unwrap(), id, "made once, then kept");
        let folder = state.join(FOLDER);
        fs::create_dir_all(&folder).unwrap();
        for name in [
            format!("{id}.tsv"),
            "zz.tsv".into(),
            "aa.sync-conflict-1.tsv".into(),
            "aa.tsv".into(),
            ".syncthing.aa.tsv.tmp".into(),
            "notes.txt".into(),
        ] {
            fs::write(folder.join(name), "").unwrap();
        }
        fs::write(state.join(LEGACY), "").unwrap();
        let got: Vec<(String, String, bool, bool)> = journals(state)
            .unwrap()
            .into_iter()
            .map(|j| (j.name, j.owner, j.own, j.copy))
            .collect();
        let want = [
            (format!("devices/{id}.tsv"), id.clone(), true, false),
            ("devices/aa.tsv".into(), "aa".into(), false, false),
            ("devices/zz.tsv".into(), "zz".into(), false, false),
            (
                "devices/aa.sync-conflict-1.tsv".into(),
                "aa".into(),
                false,
                true,
            ),
            (LEGACY.into(), LEGACY.into(), false, true),
        ];
        assert_eq!(got, want);
    }

    #[test]
    fn before_the_move_the_single_journal_is_this_devices() {
        let dir = tempfile::tempdir().unwrap();
        let state = dir.path();
        fs::write(state.join(LEGACY), "").unwrap();
        assert_eq!(own_journal(state, Some("me")), state.join(LEGACY));
        assert_eq!(own_journal(state, None), state.join(LEGACY));
        fs::create_dir_all(state.join(FOLDER)).unwrap();
        fs::write(state.join(FOLDER).join("me.tsv"), "").unwrap();
        assert_eq!(
            own_journal(state, Some("me")),
            state.join(FOLDER).join("me.tsv")
        );
    }
}
