//! Writing a deck file the user also edits by hand: atomically, and never over a change
//! made since it was read.
//!
//! The new text goes to a temporary file in the same folder, is flushed to disk, and only
//! then renamed over the deck, so a crash leaves either the old deck or the new one, never
//! half of one. Just before the rename the deck is read again: if it differs from what the
//! new text was built on (someone saved it in an editor meanwhile), nothing is written.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// A deck file as it was read: what the new text is built on.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub path: PathBuf,
    /// `None` when the file did not exist.
    pub text: Option<String>,
    modified: Option<SystemTime>,
    permissions: Option<fs::Permissions>,
}

#[derive(Debug, thiserror::Error)]
pub enum EditError {
    #[error("cannot read {}", .path.display())]
    Read { path: PathBuf, source: io::Error },
    #[error("cannot write {}", .path.display())]
    Write { path: PathBuf, source: io::Error },
    #[error(
        "{} changed on disk while the card was being added; nothing was written, run the command again",
        .0.display()
    )]
    Changed(PathBuf),
    #[error("{} is not valid UTF-8 text", .0.display())]
    NotText(PathBuf),
    #[error("{} is read-only; nothing was written", .0.display())]
    ReadOnly(PathBuf),
}

impl Snapshot {
    /// Reads the deck at `path`, which may not exist yet. A symbolic link is followed, so
    /// the write goes to the file it points at rather than replacing the link.
    pub fn read(path: &Path) -> Result<Snapshot, EditError> {
        let resolved = fs::canonicalize(path).ok();
        let path = resolved.as_deref().unwrap_or(path);
        let read_err = |source| EditError::Read {
            path: path.to_path_buf(),
            source,
        };
        let (bytes, meta) = match fs::read(path) {
            Ok(bytes) => (Some(bytes), Some(fs::metadata(path).map_err(read_err)?)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => (None, None),
            Err(e) => return Err(read_err(e)),
        };
        let text = bytes
            .map(String::from_utf8)
            .transpose()
            .map_err(|_| EditError::NotText(path.to_path_buf()))?;
        Ok(Snapshot {
            path: path.to_path_buf(),
            text,
            modified: meta.as_ref().and_then(|m| m.modified().ok()),
            permissions: meta.map(|m| m.permissions()),
        })
    }

    /// Whether the file on disk is still what was read.
    fn unchanged(&self) -> Result<bool, EditError> {
        let now = Snapshot::read(&self.path).map_err(|e| match e {
            EditError::NotText(_) => EditError::Changed(self.path.clone()),
            other => other,
        })?;
        Ok(now.text == self.text && now.modified == self.modified)
    }

    /// Replaces the file with `text`, atomically, unless it changed since it was read.
    pub fn replace(&self, text: &str) -> Result<(), EditError> {
        let path = &self.path;
        // Renaming over a read-only file would succeed; the user's protection must hold.
        if self
            .permissions
            .as_ref()
            .is_some_and(fs::Permissions::readonly)
        {
            return Err(EditError::ReadOnly(path.clone()));
        }
        let write_err = |source| EditError::Write {
            path: path.clone(),
            source,
        };
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        fs::create_dir_all(&dir).map_err(write_err)?;
        // Not named `*.toml`, so a deck loader running meanwhile never reads it.
        let mut builder = tempfile::Builder::new();
        builder.prefix(".smriti-add-").suffix(".tmp");
        // A new deck is an ordinary file of the user's, readable as the umask says (0644 on
        // most systems), not tempfile's private 0600; an existing deck keeps its own below.
        #[cfg(unix)]
        if self.permissions.is_none() {
            use std::os::unix::fs::PermissionsExt;
            builder.permissions(fs::Permissions::from_mode(0o666));
        }
        let mut tmp = builder.tempfile_in(&dir).map_err(write_err)?;
        tmp.write_all(text.as_bytes()).map_err(write_err)?;
        if let Some(perms) = &self.permissions {
            tmp.as_file()
                .set_permissions(perms.clone())
                .map_err(write_err)?;
        }
        tmp.as_file().sync_all().map_err(write_err)?;
        if !self.unchanged()? {
            return Err(EditError::Changed(path.clone()));
        }
        if self.text.is_some() {
            tmp.persist(path).map_err(|e| write_err(e.error))?;
        } else {
            // A file created meanwhile is someone else's: do not replace it.
            tmp.persist_noclobber(path).map_err(|e| {
                if e.error.kind() == io::ErrorKind::AlreadyExists {
                    EditError::Changed(path.clone())
                } else {
                    write_err(e.error)
                }
            })?;
        }
        sync_dir(&dir).map_err(write_err)
    }
}

/// Makes the rename itself durable.
#[cfg(unix)]
fn sync_dir(dir: &Path) -> io::Result<()> {
    fs::File::open(dir)?.sync_all()
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_the_file_and_leaves_no_temporary_behind() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("d.toml");
        fs::write(&path, "old\n").unwrap();
        let snap = Snapshot::read(&path).unwrap();
        snap.replace("old\nnew\n").unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "old\nnew\n");
        let names: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1);
    }

    #[test]
    fn a_read_only_deck_is_refused_and_a_link_is_written_through() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ro.toml");
        fs::write(&path, "old\n").unwrap();
        let mut perms = fs::metadata(&path).unwrap().permissions();
        perms.set_readonly(true);
        fs::set_permissions(&path, perms).unwrap();
        let snap = Snapshot::read(&path).unwrap();
        assert!(matches!(
            snap.replace("old\nnew\n"),
            Err(EditError::ReadOnly(_))
        ));
        assert_eq!(fs::read_to_string(&path).unwrap(), "old\n");

        #[cfg(unix)]
        {
            let real = dir.path().join("real.toml");
            let link = dir.path().join("link.toml");
            fs::write(&real, "old\n").unwrap();
            std::os::unix::fs::symlink(&real, &link).unwrap();
            Snapshot::read(&link)
                .unwrap()
                .replace("old\nnew\n")
                .unwrap();
            assert!(
                fs::symlink_metadata(&link)
                    .unwrap()
                    .file_type()
                    .is_symlink()
            );
            assert_eq!(fs::read_to_string(&real).unwrap(), "old\nnew\n");
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_new_deck_gets_the_permissions_the_umask_gives_any_new_file() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let plain = dir.path().join("plain.toml");
        fs::write(&plain, "x\n").unwrap();
        let path = dir.path().join("new.toml");
        Snapshot::read(&path).unwrap().replace("x\n").unwrap();
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), mode(&plain));
    }

    #[test]
    fn creates_a_missing_file_and_its_folder() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("decks").join("new.toml");
        let snap = Snapshot::read(&path).unwrap();
        assert!(snap.text.is_none());
        snap.replace("x\n").unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "x\n");
    }

    #[test]
    fn refuses_to_clobber_an_edit_made_after_reading() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("d.toml");
        fs::write(&path, "old\n").unwrap();
        let snap = Snapshot::read(&path).unwrap();
        fs::write(&path, "old\nhand edit\n").unwrap();
        let err = snap.replace("old\nnew\n").unwrap_err();
        assert!(matches!(err, EditError::Changed(_)), "{err}");
        assert_eq!(fs::read_to_string(&path).unwrap(), "old\nhand edit\n");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn refuses_to_replace_a_file_created_after_reading() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("d.toml");
        let snap = Snapshot::read(&path).unwrap();
        fs::write(&path, "someone else's\n").unwrap();
        assert!(matches!(snap.replace("mine\n"), Err(EditError::Changed(_))));
        assert_eq!(fs::read_to_string(&path).unwrap(), "someone else's\n");
    }

    #[cfg(unix)]
    #[test]
    fn keeps_the_files_permissions() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("d.toml");
        fs::write(&path, "old\n").unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
        Snapshot::read(&path).unwrap().replace("new\n").unwrap();
        let mode = fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o644);
    }
}
