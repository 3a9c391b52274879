//! A file's bytes for reading, mapped into memory instead of copied. Start-up reads two index
//! files of 10–25 MB at 100k cards (`store::snapshot`, `deck::cache`); copying them out of the
//! page cache into fresh memory was over a third of its CPU time (the copy, and a page fault
//! for every 4 KiB of the buffer). Mapped with `populate`, the kernel hands over the cached
//! pages in one call. Both maps live as long as the command: the card states and the cards'
//! fields are read where they lie in them (`store::States`, `deck::Index`).
//!
//! Why a map is safe here: smriti writes these files only to a temporary file renamed over
//! the old one, so a file it has mapped is never changed under it (the rename leaves the old
//! file whole until it is unmapped). Every byte is still checked (CRC-32C) before use. Where
//! mapping fails, or on platforms where a mapped file cannot be replaced while it is open
//! (Windows), the bytes are read into memory instead.

use std::fs::File;
use std::io::{Read, Seek};
use std::ops::Deref;

/// Read-only bytes: a mapped file, or memory owned by the process (which a caller may grow).
pub enum Bytes {
    Mapped(memmap2::Mmap),
    Owned(Vec<u8>),
}

impl Default for Bytes {
    fn default() -> Bytes {
        Bytes::Owned(Vec::new())
    }
}

impl Bytes {
    /// The first `len` bytes of `file` (from its start), or an error if there are fewer.
    pub fn read(file: &mut File, len: usize) -> std::io::Result<Bytes> {
        // A map past the file's end would fault when read: such a file is short, not bytes.
        if file.metadata()?.len() < len as u64 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        #[cfg(unix)]
        if len > 0 {
            // SAFETY: see the module note: smriti never writes a mapped file in place, and
            // the bytes are checked before they are trusted.
            let map = unsafe { memmap2::MmapOptions::new().len(len).populate().map(&*file) };
            if let Ok(map) = map
                && map.len() == len
            {
                return Ok(Bytes::Mapped(map));
            }
        }
        let mut bytes = Vec::with_capacity(len);
        file.rewind()?;
        file.take(len as u64).read_to_end(&mut bytes)?;
        if bytes.len() != len {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        Ok(Bytes::Owned(bytes))
    }

    /// The bytes as memory of the process's own, copied out of the map the first time.
    pub fn to_mut(&mut self) -> &mut Vec<u8> {
        if let Bytes::Mapped(map) = self {
            *self = Bytes::Owned(map.to_vec());
        }
        match self {
            Bytes::Owned(v) => v,
            Bytes::Mapped(_) => unreachable!("replaced just above"),
        }
    }
}

impl Deref for Bytes {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        match self {
            Bytes::Mapped(map) => map,
            Bytes::Owned(v) => v,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn a_files_bytes_read_back_and_grow_as_owned_memory() {
        let mut tmp = tempfile::NamedTempFile::new().unwrap();
        tmp.write_all(b"hello, smriti").unwrap();
        let mut f = File::open(tmp.path()).unwrap();
        let mut bytes = Bytes::read(&mut f, 5).unwrap();
        assert_eq!(&*bytes, b"hello");
        bytes.to_mut().extend_from_slice(b"!");
        assert_eq!(&*bytes, b"hello!");
    }

    #[test]
    fn asking_for_more_than_the_file_holds_is_an_error() {
        let mut tmp = tempfile::NamedTempFile::new().unwrap();
        tmp.write_all(b"short").unwrap();
        let mut f = File::open(tmp.path()).unwrap();
        assert!(Bytes::read(&mut f, 6).is_err());
        assert_eq!(&*Bytes::read(&mut f, 0).unwrap(), b"");
    }
}
