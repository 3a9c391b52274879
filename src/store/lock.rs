//! One writer at a time: an exclusive OS lock on `<state>/lock`, released when the process
//! ends however it ends, so a killed session never leaves a stale lock behind.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;

use super::{StoreError, io_err};

pub struct Lock {
    _file: File,
}

impl Lock {
    pub fn acquire(dir: &Path) -> Result<Lock, StoreError> {
        let path = dir.join("lock");
        let mut file = OpenOptions::new()
            .create(true)
            .read(true)
            .write(true)
            .truncate(false)
            .open(&path)
            .map_err(io_err(&path))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                let mut pid = String::new();
                let _ = file.read_to_string(&mut pid);
                let pid = pid.trim();
                return Err(StoreError::Locked {
                    path: dir.display().to_string(),
                    pid: (!pid.is_empty()).then(|| pid.to_owned()),
                });
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(io_err(&path)(e)),
        }
        // The pid is only for the message another session shows.
        let _ = file.set_len(0);
        let _ = file.seek(SeekFrom::Start(0));
        let _ = write!(file, "{}", std::process::id());
        Ok(Lock { _file: file })
    }
}
