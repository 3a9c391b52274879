//! The files under `cache/` that only speed a command up (`deck::join_cache`,
//! `quiz::exam_dues`): each ends with a CRC-32C of everything before it, is read mapped and
//! believed only when that verifies, and is written whole to a temporary file renamed over
//! the old one. Writing is best effort and unsynced: a file lost or torn is only made again
//! next time, and the rename means a reader never sees half of one.

use std::fs;
use std::io::Write;
use std::path::Path;

use crate::mapped::Bytes;

/// The bytes of `file` without its CRC, if it verifies.
pub fn read(file: &Path) -> Option<Verified> {
    let mut f = fs::File::open(file).ok()?;
    let len = usize::try_from(f.metadata().ok()?.len()).ok()?;
    let bytes = Bytes::read(&mut f, len).ok()?;
    let (body, crc) = bytes.split_last_chunk::<4>()?;
    (crc32c::crc32c(body) == u32::from_le_bytes(*crc)).then_some(Verified(bytes))
}

/// A cache file's bytes whose CRC verified, without it.
pub struct Verified(Bytes);

impl std::ops::Deref for Verified {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        &self.0[..self.0.len() - 4]
    }
}

/// Keeps `body` and its CRC as `file`.
pub fn write(file: &Path, mut body: Vec<u8>) {
    let crc = crc32c::crc32c(&body);
    body.extend_from_slice(&crc.to_le_bytes());
    let Some(dir) = file.parent() else {
        return;
    };
    if let Ok(mut tmp) = tempfile::NamedTempFile::new_in(dir)
        && tmp.write_all(&body).is_ok()
    {
        let _ = tmp.persist(file);
    }
}
