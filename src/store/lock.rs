//! One writer at a time on each machine: an exclusive OS lock on `<state>/lock.<device id>`,
//! released when the process ends however it ends, so a killed session never leaves a stale
//! lock behind. The lock is per device, since each device writes only its own journal: two
//! machines sharing a synced home each study at once, and a sync tool never replaces the lock
//! file under a holder (no other machine writes a file of that name). The file is
//! opened without following a symbolic link (a planted link must not have its target
//! written) and must be a regular file; it holds the pid of the session holding it, for the
//! message another session shows.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;
use std::time::{Duration, Instant};

use super::{StoreError, io_err};

pub struct Lock {
    _file: File,
}

/// The pid is written in place, padded, never after truncating: a reader sees either the
/// old text or the new, not an empty file.
const PID_WIDTH: usize = 20;

/// How long a second session waits for the holder to have written its pid (it does so right
/// after taking the lock).
const PID_WAIT: Duration = Duration::from_millis(500);

impl Lock {
    pub fn acquire(dir: &Path, device: &str) -> Result<Lock, StoreError> {
        let path = dir.join(format!("lock.{device}"));
        let mut file = open(&path)?;
        let started = Instant::now();
        loop {
            match file.try_lock() {
                Ok(()) => break,
                Err(std::fs::TryLockError::WouldBlock) => {
                    let mut text = String::new();
                    let _ = file.seek(SeekFrom::Start(0));
                    let _ = file.read_to_string(&mut text);
                    let pid = text.trim();
                    let known = !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit());
                    if known || started.elapsed() > PID_WAIT {
                        return Err(StoreError::Locked {
                            path: dir.display().to_string(),
                            pid: if known {
                                pid.to_owned()
                            } else {
                                "unknown".to_owned()
                            },
                        });
                    }
                    // The holder has the lock but has not written its pid yet.
                    std::thread::sleep(Duration::from_millis(2));
                }
                Err(std::fs::TryLockError::Error(e)) => return Err(io_err(&path)(e)),
            }
        }
        let pid = format!("{:<PID_WIDTH$}\n", std::process::id());
        let _ = file
            .seek(SeekFrom::Start(0))
            .and_then(|_| file.write_all(pid.as_bytes()))
            .and_then(|()| file.set_len(pid.len() as u64));
        Ok(Lock { _file: file })
    }
}

/// Opens (creating) the lock file, refusing a symbolic link or anything but a regular file.
fn open(path: &Path) -> Result<File, StoreError> {
    let mut options = OpenOptions::new();
    options.create(true).read(true).write(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // Non-blocking, so a named pipe planted as the lock cannot hang the open.
        let flags = rustix::fs::OFlags::NOFOLLOW | rustix::fs::OFlags::NONBLOCK;
        options.custom_flags(flags.bits() as i32);
    }
    let file = match options.open(path) {
        Ok(f) => f,
        Err(e) if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) => {
            let _ = e;
            return Err(StoreError::NotAFile {
                path: path.display().to_string(),
                what: "a symbolic link",
            });
        }
        Err(e) => return Err(io_err(path)(e)),
    };
    let meta = file.metadata().map_err(io_err(path))?;
    if !meta.is_file() {
        return Err(StoreError::NotAFile {
            path: path.display().to_string(),
            what: super::file_kind(&meta),
        });
    }
    Ok(file)
}
