//! A cache of parsed user decks, so a large collection starts in milliseconds instead of
//! re-parsing megabytes of TOML on every run. Each file's entry is keyed by its length and
//! modification time; a changed file is parsed again. The cache is only an accelerator, and
//! never trusted unchecked: the file starts with the CRC-32C of the rest, and a cache that
//! does not verify, cannot be decoded or is stale is ignored (the decks are parsed again and
//! the cache rewritten). Failing to write it is not an error.
//! `check` never uses it, so validation always reads the files themselves.

use std::collections::HashMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use serde::{Deserialize, Serialize};

use super::load::{LoadError, load_file};
use super::{Card, Deck, Exam, Origin, Patch};

/// Bumped whenever the cached layout changes, so an old cache is simply ignored.
const FORMAT: u32 = 3;

/// The cache's bytes without their checksum, if the checksum matches.
fn verified(bytes: &[u8]) -> Option<&[u8]> {
    let (crc, payload) = bytes.split_first_chunk::<4>()?;
    (u32::from_le_bytes(*crc) == crc32c::crc32c(payload)).then_some(payload)
}

#[derive(Serialize, Deserialize)]
struct CacheFile {
    format: u32,
    version: String,
    entries: Vec<Entry>,
}

#[derive(Serialize, Deserialize, Clone)]
struct Entry {
    path: PathBuf,
    len: u64,
    mtime_ns: u128,
    id: String,
    name: String,
    exam: Exam,
    cards: Vec<Card>,
    patch: Option<Patch>,
}

pub struct DeckCache {
    file: PathBuf,
    /// Entries not yet asked for; a hit takes its entry out (no copy of the cards).
    entries: HashMap<PathBuf, Entry>,
    /// The stamp of every file loaded, to write the cache again from the decks themselves.
    stamps: HashMap<PathBuf, (u64, u128)>,
    dirty: bool,
}

fn stamp(path: &Path) -> Option<(u64, u128)> {
    let meta = fs::metadata(path).ok()?;
    let mtime = meta
        .modified()
        .ok()?
        .duration_since(UNIX_EPOCH)
        .ok()?
        .as_nanos();
    Some((meta.len(), mtime))
}

impl DeckCache {
    /// Opens the cache at `file`; any problem reading it means an empty cache.
    pub fn open(file: &Path) -> DeckCache {
        let entries = fs::read(file)
            .ok()
            .and_then(|bytes| postcard::from_bytes::<CacheFile>(verified(&bytes)?).ok())
            .filter(|c| c.format == FORMAT && c.version == env!("CARGO_PKG_VERSION"))
            .map(|c| c.entries.into_iter().map(|e| (e.path.clone(), e)).collect())
            .unwrap_or_default();
        DeckCache {
            file: file.to_path_buf(),
            entries,
            stamps: HashMap::new(),
            dirty: false,
        }
    }

    /// The deck in `path`, from the cache when the file is unchanged, else parsed.
    pub fn load(&mut self, path: &Path) -> Result<Deck, LoadError> {
        let stamp = stamp(path);
        let cached = self.entries.remove(path);
        if let Some(stamp) = stamp {
            self.stamps.insert(path.to_path_buf(), stamp);
        }
        if let (Some((len, mtime_ns)), Some(e)) = (stamp, cached)
            && e.len == len
            && e.mtime_ns == mtime_ns
        {
            return Ok(Deck {
                id: e.id,
                name: e.name,
                exam: e.exam,
                origin: Origin::File(path.to_path_buf()),
                cards: e.cards,
                patch: e.patch,
            });
        }
        self.dirty = true;
        load_file(path)
    }

    /// Writes the cache again if any file was parsed or dropped, from the decks loaded.
    /// Best effort: a cache that cannot be written is simply not used next time.
    pub fn save(self, decks: &[Deck]) {
        if !self.dirty && self.entries.is_empty() {
            return;
        }
        let entries = decks
            .iter()
            .filter_map(|d| {
                let Origin::File(path) = &d.origin else {
                    return None;
                };
                let (len, mtime_ns) = *self.stamps.get(path)?;
                Some(Entry {
                    path: path.clone(),
                    len,
                    mtime_ns,
                    id: d.id.clone(),
                    name: d.name.clone(),
                    exam: d.exam,
                    cards: d.cards.clone(),
                    patch: d.patch.clone(),
                })
            })
            .collect();
        let cache = CacheFile {
            format: FORMAT,
            version: env!("CARGO_PKG_VERSION").to_owned(),
            entries,
        };
        let Ok(payload) = postcard::to_allocvec(&cache) else {
            return;
        };
        let mut bytes = crc32c::crc32c(&payload).to_le_bytes().to_vec();
        bytes.extend_from_slice(&payload);
        let Some(dir) = self.file.parent() else {
            return;
        };
        if fs::create_dir_all(dir).is_err() {
            return;
        }
        remove_stale_temp_files(dir);
        if let Ok(mut tmp) = tempfile::NamedTempFile::new_in(dir)
            && tmp.write_all(&bytes).is_ok()
        {
            let _ = tmp.persist(&self.file);
        }
    }
}

/// Removes temporary files a killed run left while writing the cache. Cache writes take no
/// lock, so only files older than any write could take are removed (and removing a live one
/// would only make that best-effort write fail).
fn remove_stale_temp_files(dir: &Path) {
    let stale = |e: &fs::DirEntry| {
        e.file_name().to_string_lossy().starts_with(".tmp")
            && e.metadata()
                .ok()
                .and_then(|m| m.modified().ok())
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age > std::time::Duration::from_secs(600))
    };
    if let Ok(entries) = fs::read_dir(dir) {
        for e in entries.filter_map(Result::ok).filter(stale) {
            let _ = fs::remove_file(e.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DECK: &str = "[deck]\nid = \"d\"\nexam = \"prelims\"\n[[card]]\nid = \"c\"\nq = \"Q\"\na = \"A\"\nsource = \"s\"\n";

    #[test]
    fn an_unchanged_file_comes_from_the_cache_and_a_changed_one_is_parsed_again() {
        let dir = tempfile::tempdir().unwrap();
        let deck = dir.path().join("d.toml");
        let cache_file = dir.path().join("cache/decks.bin");
        fs::write(&deck, DECK).unwrap();
        let mut cache = DeckCache::open(&cache_file);
        let loaded = cache.load(&deck).unwrap();
        assert_eq!(loaded.cards[0].prompt(), "Q");
        cache.save(&[loaded]);
        assert!(cache_file.exists());

        // Prove the second load is served from the cache: the entry is there and matches.
        let mut cache = DeckCache::open(&cache_file);
        assert!(cache.entries.contains_key(&deck));
        let d = cache.load(&deck).unwrap();
        assert!(cache.entries.is_empty(), "the hit took its entry");
        assert_eq!((d.id.as_str(), d.cards.len()), ("d", 1));
        assert_eq!(d.origin, Origin::File(deck.clone()));
        assert!(!cache.dirty);

        // A change of content (and so of length) is parsed again.
        fs::write(&deck, DECK.replace("\"Q\"", "\"Changed question\"")).unwrap();
        let mut cache = DeckCache::open(&cache_file);
        assert_eq!(
            cache.load(&deck).unwrap().cards[0].prompt(),
            "Changed question"
        );
        assert!(cache.dirty);
    }

    #[test]
    fn a_broken_cache_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let deck = dir.path().join("d.toml");
        let cache_file = dir.path().join("decks.bin");
        fs::write(&deck, DECK).unwrap();
        fs::write(&cache_file, b"not a cache").unwrap();
        let mut cache = DeckCache::open(&cache_file);
        assert!(cache.entries.is_empty());
        assert_eq!(cache.load(&deck).unwrap().id, "d");
    }

    #[test]
    fn old_temporary_files_of_killed_cache_writes_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let deck = dir.path().join("d.toml");
        fs::write(&deck, DECK).unwrap();
        let cache_dir = dir.path().join("cache");
        fs::create_dir_all(&cache_dir).unwrap();
        let (old, fresh) = (cache_dir.join(".tmpOld123"), cache_dir.join(".tmpNew456"));
        fs::write(&old, "half a cache").unwrap();
        fs::write(&fresh, "a cache being written").unwrap();
        let hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
        fs::File::options()
            .write(true)
            .open(&old)
            .unwrap()
            .set_modified(hour_ago)
            .unwrap();
        let mut cache = DeckCache::open(&cache_dir.join("decks.bin"));
        let loaded = cache.load(&deck).unwrap();
        cache.save(&[loaded]);
        assert!(!old.exists());
        assert!(
            fresh.exists(),
            "a write that may still be going on is left alone"
        );
    }

    #[test]
    fn a_cache_with_any_byte_changed_is_not_used() {
        let dir = tempfile::tempdir().unwrap();
        let deck = dir.path().join("d.toml");
        let cache_file = dir.path().join("decks.bin");
        fs::write(&deck, DECK).unwrap();
        let mut cache = DeckCache::open(&cache_file);
        let loaded = cache.load(&deck).unwrap();
        cache.save(&[loaded]);
        let good = fs::read(&cache_file).unwrap();
        assert!(!DeckCache::open(&cache_file).entries.is_empty());
        for at in 0..good.len() {
            let mut bad = good.clone();
            bad[at] ^= 0x04;
            fs::write(&cache_file, &bad).unwrap();
            assert!(DeckCache::open(&cache_file).entries.is_empty(), "byte {at}");
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

        /// Whatever byte changes, the cards loaded are the deck file's own.
        #[test]
        fn a_damaged_cache_gives_the_cards_of_the_file(at in 0usize..4096, mask in 1u8..=255) {
            let dir = tempfile::tempdir().unwrap();
            let deck = dir.path().join("d.toml");
            let cache_file = dir.path().join("decks.bin");
            fs::write(&deck, DECK.replace("\"A\"", "\"An answer\"")).unwrap();
            let mut cache = DeckCache::open(&cache_file);
            let loaded = cache.load(&deck).unwrap();
            cache.save(&[loaded]);
            let mut bytes = fs::read(&cache_file).unwrap();
            let at = at % bytes.len();
            bytes[at] ^= mask;
            fs::write(&cache_file, &bytes).unwrap();
            let got = DeckCache::open(&cache_file).load(&deck).unwrap();
            let want = load_file(&deck).unwrap();
            proptest::prop_assert_eq!(format!("{:?}", got.cards), format!("{:?}", want.cards));
            proptest::prop_assert_eq!((got.id, got.name), (want.id, want.name));
        }
    }

    #[test]
    fn an_invalid_deck_is_reported_not_cached() {
        let dir = tempfile::tempdir().unwrap();
        let deck = dir.path().join("d.toml");
        fs::write(&deck, "[deck]\nid = \"d\"\n").unwrap();
        let mut cache = DeckCache::open(&dir.path().join("decks.bin"));
        assert!(cache.load(&deck).is_err());
        let cache_file = cache.file.clone();
        cache.save(&[]);
        assert!(DeckCache::open(&cache_file).entries.is_empty());
    }
}
