//! The join of the deck index to the state index, kept between runs (`cache/join.bin`). Every
//! start-up joins each card to its state by merging the two key-sorted indexes, which at 100k
//! cards is a third of a million key comparisons; while neither index file has changed the
//! join is the same, so it is kept and read back instead (4 bytes a card).
//!
//! It is only an accelerator and never trusted unchecked: it names the deck cache it was made
//! from (its checksum and its decks' layout, `Index::identity`) and the state index (its
//! checksum and length, `States::origin`), and ends with its own CRC-32C; anything that does
//! not match is ignored and the join is made again. It holds only the join to the state
//! index's sorted run: answers past it, removals and holds are applied each time.
//!
//! ```text
//! magic (16) · format u32 · deck index u64 · state index u64 · cards u32 · cards × u32 · crc u32
//! ```

use std::path::Path;

use crate::cache_file;

const MAGIC: &[u8; 16] = b"smriti join idx\n";
/// 2: a place in the run counts the state index's records of held cards never answered too
/// (the run is now the index's records as they lie).
const FORMAT: u32 = 2;
const HEAD: usize = 16 + 4 + 8 + 8 + 4;

/// The kept join for these two indexes, if there is one that verifies.
pub fn read(file: &Path, index: u64, states: u64, cards: usize) -> Option<Vec<u32>> {
    let body = cache_file::read(file)?;
    (body.len() == HEAD.checked_add(cards.checked_mul(4)?)?).then_some(())?;
    let mut head = Vec::with_capacity(HEAD);
    put_head(&mut head, index, states, cards)?;
    (body[..HEAD] == head[..]).then_some(())?;
    Some(
        body[HEAD..]
            .chunks_exact(4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect(),
    )
}

fn put_head(out: &mut Vec<u8>, index: u64, states: u64, cards: usize) -> Option<()> {
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT.to_le_bytes());
    out.extend_from_slice(&index.to_le_bytes());
    out.extend_from_slice(&states.to_le_bytes());
    out.extend_from_slice(&u32::try_from(cards).ok()?.to_le_bytes());
    Some(())
}

/// Keeps `run` as the join of these two indexes (`cache_file::write`).
pub fn write(file: &Path, index: u64, states: u64, run: &[u32]) {
    let mut bytes = Vec::with_capacity(HEAD + 4 * run.len() + 4);
    if put_head(&mut bytes, index, states, run.len()).is_none() {
        return;
    }
    for x in run {
        bytes.extend_from_slice(&x.to_le_bytes());
    }
    cache_file::write(file, bytes);
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn a_kept_join_reads_back_only_for_the_same_indexes_and_undamaged() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("join.bin");
        let run = [3, u32::MAX, 0, 1];
        write(&file, 7, 9, &run);
        assert_eq!(read(&file, 7, 9, 4).as_deref(), Some(&run[..]));
        assert_eq!(read(&file, 8, 9, 4), None, "another deck index");
        assert_eq!(read(&file, 7, 10, 4), None, "another state index");
        assert_eq!(read(&file, 7, 9, 5), None, "another number of cards");
        let good = fs::read(&file).unwrap();
        for at in 0..good.len() {
            let mut bad = good.clone();
            bad[at] ^= 0x10;
            fs::write(&file, &bad).unwrap();
            assert_eq!(read(&file, 7, 9, 4), None, "byte {at}");
        }
    }
}
