//! The deck index's file: every deck (built-in and the user's) as parsed, in a compact binary
//! form whose hot part (card keys, kinds, tags, mcq groups) is read on every start-up while
//! the cards' texts, after it in the file, are read only for the cards a command asks for
//! (`index`). A large collection so starts without re-parsing megabytes of TOML, decoding a
//! million strings, or even reading the three quarters of the file that are card text.
//!
//! Each deck's entry is keyed by its source (a file's path, or `builtin:<name>`) and stamped
//! with the source's length and modification time (a built-in deck's: its text's CRC-32C), so a
//! changed deck is parsed again. The cache is only an accelerator, and never trusted
//! unchecked: the hot part starts with a magic, a format number, its length and its CRC-32C,
//! then the smriti version with a fingerprint of the card layout; anything that does not match
//! is ignored (the decks are parsed again and the file rewritten). Each card's text carries
//! its own CRC-32C in the hot part, checked when it is read; one that fails removes the file,
//! so the next run rebuilds it. Failing to write it is not an error. `check` never uses it,
//! so validation always reads the files themselves.
//!
//! ```text
//! magic (16) · format u32 · hot length u64 · crc u32 (of the rest of the hot part) ·
//! str version · entries u32 · entries · texts (each entry's, in entry order)
//! entry: u32 length · u64 texts length · str source · u64 len · u128 stamp · str id ·
//!        str name · u8 exam · u32 + patch · u32 + renames · u32 tags · tags × str ·
//!        u32 cards · u32 tag ids · cards × CARD bytes · tag ids × u16 ·
//!        cards × u32 (its cards in ascending key order) · keys
//! card:  u64 text start · u32 text length · u32 text crc · u32 key start · u32 mcq group ·
//!        u32 first tag id · u16 key length · u16 tags · u8 kind · u8 first-of-its-answer ·
//!        2 bytes zero
//! ```
//! An entry's texts are its cards' texts, each postcard-encoded, one after the other.
//! Integers are little-endian; a `str` is a u32 length and UTF-8 bytes. The card records are
//! of one size so the index reads them where they lie (`Index::head`): start-up checks every
//! record once but builds nothing per card, which at 100k cards spared 8 MB of fresh memory.

use std::fs;
use std::io::{Read, Seek, Write};
use std::ops::Range;
use std::path::Path;

use rustc_hash::FxHashMap;

use super::{Body, Card, Choices, Deck, Exam, Kind, Patch};

const MAGIC: &[u8; 16] = b"smriti deck idx\n";
/// Bumped whenever the entry layout changes, so an old file is simply ignored.
const FORMAT: u32 = 7;
/// Magic, format, hot length and CRC.
const HEAD: usize = 16 + 4 + 8 + 4;
/// `group` of a card that is not a grouped mcq.
pub const NO_GROUP: u32 = u32::MAX;
/// A card record's size.
pub const CARD: usize = 8 + 4 * 5 + 2 * 2 + 2 + 2;

/// What a deck's source was when its entry was made: (length, modification time in ns) for a
/// file, (length, CRC-32C of the text) for a built-in deck.
pub type Stamp = (u64, u128);

/// The hot part of a cache file that verified: its bytes, each source's stamp, entry and
/// where its texts start (from the start of the texts); and the file, open, for the texts.
pub struct CacheFile {
    pub bytes: crate::mapped::Bytes,
    pub entries: FxHashMap<String, Cached>,
    pub file: fs::File,
    /// Where the texts start in the file, and their length.
    pub texts: (u64, u64),
    /// The hot part's CRC-32C (which names this file's content).
    pub crc: u32,
}

/// A deck's entry in the cache: its source's stamp, the entry's range in the hot part, where
/// its texts start (from the start of the texts) and their length.
pub type Cached = (Stamp, Range<usize>, u64, u64);

/// The cache at `file`, if it reads and verifies; `None` for any problem. Only its hot part
/// is read.
pub fn read(file: &Path) -> Option<CacheFile> {
    let mut f = fs::File::open(file).ok()?;
    let file_len = f.metadata().ok()?.len();
    let mut head = [0u8; HEAD];
    f.read_exact(&mut head).ok()?;
    let mut r = Reader { b: &head, at: 0 };
    (r.take(16)? == MAGIC && r.u32()? == FORMAT).then_some(())?;
    let hot = usize::try_from(r.u64()?).ok()?;
    let crc = r.u32()?;
    // A length past the file is damage, not an allocation to make.
    (hot >= HEAD && hot as u64 <= file_len).then_some(())?;
    f.rewind().ok()?;
    let bytes = crate::mapped::Bytes::read(&mut f, hot).ok()?;
    (bytes[..HEAD] == head && crc32c::crc32c(&bytes[HEAD..]) == crc).then_some(())?;
    let mut r = Reader {
        b: &bytes,
        at: HEAD,
    };
    (r.str()? == version()).then_some(())?;
    let count = r.u32()?;
    let mut entries = FxHashMap::default();
    let mut texts = 0u64;
    for _ in 0..count {
        let start = r.at;
        let len = r.u32()? as usize;
        let end = start.checked_add(4 + len)?;
        let texts_len = r.u64()?;
        let source = r.str()?.to_owned();
        let stamp = (r.u64()?, r.u128()?);
        bytes.get(start..end)?;
        r.at = end;
        entries.insert(source, (stamp, start..end, texts, texts_len));
        texts = texts.checked_add(texts_len)?;
    }
    (r.at == bytes.len() && (hot as u64).checked_add(texts)? == file_len).then_some(())?;
    Some(CacheFile {
        bytes,
        entries,
        file: f,
        texts: (hot as u64, texts),
        crc,
    })
}

/// The smriti version and a fingerprint of how a card is encoded: a build whose `Card` differs
/// in any field reads no older cache.
fn version() -> String {
    let sample = sample_cards();
    let layout = postcard::to_allocvec(&sample).map_or(0, |b| crc32c::crc32c(&b));
    format!("{} {layout:08x}", env!("CARGO_PKG_VERSION"))
}

/// One card of every body, each field set, for the layout fingerprint.
fn sample_cards() -> Vec<Card> {
    let s = || "s".to_owned();
    let bodies = [
        Body::Basic { q: s(), a: s() },
        Body::Typed {
            q: s(),
            a: s(),
            accept: vec![s()],
        },
        Body::Mcq {
            q: s(),
            a: s(),
            choices: Choices::Group(s()),
        },
        Body::Cloze { text: s(), gap: 1 },
        Body::Mains {
            q: s(),
            year: Some(1),
            points: vec![s()],
            word_limit: Some(1),
        },
    ];
    bodies
        .into_iter()
        .map(|body| Card {
            key: s(),
            id: s(),
            deck: s(),
            exam: Exam::Mains,
            tags: vec![s()],
            source: s(),
            explain: Some(s()),
            as_of: Some(s()),
            line: 1,
            was: vec![s()],
            patch_file: Some(s().into()),
            body,
        })
        .collect()
}

/// Writes the cache from entries of `buf`, in order, with their `texts` (each entry's, in
/// the same order); best effort (a cache that cannot be written is simply not used next
/// time).
pub fn write(file: &Path, buf: &[u8], entries: &[Range<usize>], texts: &[u8]) {
    let mut hot = Vec::with_capacity(entries.iter().map(|e| e.len()).sum::<usize>() + 64);
    hot.extend_from_slice(MAGIC);
    hot.extend_from_slice(&FORMAT.to_le_bytes());
    hot.extend_from_slice(&[0; 12]);
    put_str(&mut hot, &version());
    hot.extend_from_slice(&(entries.len() as u32).to_le_bytes());
    for e in entries {
        hot.extend_from_slice(&buf[e.clone()]);
    }
    let hot_len = hot.len() as u64;
    hot[20..28].copy_from_slice(&hot_len.to_le_bytes());
    let crc = crc32c::crc32c(&hot[HEAD..]);
    hot[28..32].copy_from_slice(&crc.to_le_bytes());
    let Some(dir) = file.parent() else {
        return;
    };
    if fs::create_dir_all(dir).is_err() {
        return;
    }
    remove_stale_temp_files(dir);
    if let Ok(mut tmp) = tempfile::NamedTempFile::new_in(dir)
        && tmp
            .write_all(&hot)
            .and_then(|()| tmp.write_all(texts))
            .is_ok()
    {
        let _ = tmp.persist(file);
    }
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    out.extend_from_slice(&(s.len() as u32).to_le_bytes());
    out.extend_from_slice(s.as_bytes());
}

fn kind_code(kind: Kind) -> u8 {
    Kind::ALL.iter().position(|k| *k == kind).unwrap_or(0) as u8
}

/// Appends the entry of `deck` (from `source`, as it was at `stamp`) to `out` and its cards'
/// texts to `texts`; returns the entry's range in `out`, or `None` for a deck too large for
/// the format (then it is not cached).
pub fn encode(
    out: &mut Vec<u8>,
    texts: &mut Vec<u8>,
    source: &str,
    stamp: Stamp,
    deck: &Deck,
) -> Option<Range<usize>> {
    let start = out.len();
    let texts_start = texts.len();
    out.extend_from_slice(&[0; 12]);
    put_str(out, source);
    out.extend_from_slice(&stamp.0.to_le_bytes());
    out.extend_from_slice(&stamp.1.to_le_bytes());
    put_str(out, &deck.id);
    put_str(out, &deck.name);
    out.push(match deck.exam {
        Exam::Prelims => 0,
        Exam::Mains => 1,
    });
    let patch = postcard::to_allocvec(&deck.patch).ok()?;
    out.extend_from_slice(&u32::try_from(patch.len()).ok()?.to_le_bytes());
    out.extend_from_slice(&patch);
    // Renamed cards' old keys, so commands that decode no card still find their progress.
    let renames: Vec<(u32, String)> = deck
        .cards
        .iter()
        .enumerate()
        .filter(|(_, c)| !c.was.is_empty())
        .flat_map(|(i, c)| super::rename::old_keys(c).map(move |old| (i as u32, old)))
        .collect();
    let renames = postcard::to_allocvec(&renames).ok()?;
    out.extend_from_slice(&u32::try_from(renames.len()).ok()?.to_le_bytes());
    out.extend_from_slice(&renames);
    let mut tags: Vec<&str> = Vec::new();
    let mut groups: Vec<&str> = Vec::new();
    let mut answers: Vec<(usize, &str)> = Vec::new();
    let mut heads = Vec::with_capacity(deck.cards.len() * CARD);
    let mut tag_ids: Vec<u8> = Vec::new();
    let mut key_start = 0u32;
    for card in &deck.cards {
        let body = postcard::to_allocvec(card).ok()?;
        let (group, first) = match &card.body {
            Body::Mcq {
                a,
                choices: Choices::Group(g),
                ..
            } => {
                let id = groups.iter().position(|x| x == g).unwrap_or_else(|| {
                    groups.push(g);
                    groups.len() - 1
                });
                let first = !answers.contains(&(id, a.as_str()));
                if first {
                    answers.push((id, a));
                }
                (id as u32, first)
            }
            _ => (NO_GROUP, false),
        };
        let key_len = u16::try_from(card.key.len()).ok()?;
        let text = (texts.len() - texts_start) as u64;
        heads.extend_from_slice(&text.to_le_bytes());
        heads.extend_from_slice(&u32::try_from(body.len()).ok()?.to_le_bytes());
        heads.extend_from_slice(&crc32c::crc32c(&body).to_le_bytes());
        heads.extend_from_slice(&key_start.to_le_bytes());
        heads.extend_from_slice(&group.to_le_bytes());
        heads.extend_from_slice(&u32::try_from(tag_ids.len() / 2).ok()?.to_le_bytes());
        heads.extend_from_slice(&key_len.to_le_bytes());
        heads.extend_from_slice(&u16::try_from(card.tags.len()).ok()?.to_le_bytes());
        heads.push(kind_code(card.kind()));
        heads.push(u8::from(first));
        heads.extend_from_slice(&[0, 0]);
        key_start = key_start.checked_add(u32::from(key_len))?;
        for t in &card.tags {
            let id = tags.iter().position(|x| x == t).unwrap_or_else(|| {
                tags.push(t);
                tags.len() - 1
            });
            tag_ids.extend_from_slice(&u16::try_from(id).ok()?.to_le_bytes());
        }
        texts.extend_from_slice(&body);
    }
    out.extend_from_slice(&u32::try_from(tags.len()).ok()?.to_le_bytes());
    for t in &tags {
        put_str(out, t);
    }
    out.extend_from_slice(&u32::try_from(deck.cards.len()).ok()?.to_le_bytes());
    out.extend_from_slice(&u32::try_from(tag_ids.len() / 2).ok()?.to_le_bytes());
    out.extend_from_slice(&heads);
    out.extend_from_slice(&tag_ids);
    // The key order, so start-up joins the cards to the key-sorted state index by a merge
    // rather than sorting 100k keys each time.
    let mut order: Vec<usize> = (0..deck.cards.len()).collect();
    order.sort_by(|&a, &b| deck.cards[a].key.cmp(&deck.cards[b].key));
    for i in order {
        out.extend_from_slice(&u32::try_from(i).ok()?.to_le_bytes());
    }
    for card in &deck.cards {
        out.extend_from_slice(card.key.as_bytes());
    }
    let len = u32::try_from(out.len() - start - 4).ok()?;
    out[start..start + 4].copy_from_slice(&len.to_le_bytes());
    let texts_len = (texts.len() - texts_start) as u64;
    out[start + 4..start + 12].copy_from_slice(&texts_len.to_le_bytes());
    Some(start..out.len())
}

/// A deck's entry as read: its fields, and where its cards' records, tag ids, key order and
/// keys lie in the buffer it was read from (`Index` reads each card there when asked).
pub struct Entry {
    pub id: String,
    pub name: String,
    pub exam: Exam,
    /// Set on a patch deck: what it does to the deck it patches.
    pub patch: Option<Patch>,
    /// Each renamed card's place in the deck with one of its old keys.
    pub renames: Vec<(u32, String)>,
    pub tags: Vec<String>,
    pub layout: Layout,
    /// The length of its cards' texts.
    pub texts_len: u64,
}

/// Where an entry's per-card parts lie in the buffer, all checked by `decode`.
#[derive(Debug, Clone)]
pub struct Layout {
    pub cards: usize,
    /// The card records, `CARD` bytes each.
    pub records: usize,
    /// The tag ids, two bytes each.
    pub tag_ids: usize,
    /// Its cards (places in the deck) in ascending key order, four bytes each.
    pub order: usize,
    /// Every card's key, one after the other.
    pub keys: Range<usize>,
    /// Where its texts start (in whatever space the caller keeps them).
    pub texts_at: u64,
}

/// What every start-up reads of a card; its text stays encoded at `text`.
#[derive(Debug, Clone, Copy)]
pub struct Head {
    /// Where its key starts in its entry's keys.
    pub key: u32,
    pub key_len: u16,
    pub kind: Kind,
    /// The first card of its mcq group with its answer (see `rules::answers_in_group`).
    pub first_of_answer: bool,
    pub tag_count: u16,
    pub group: u32,
    /// Where its text starts: from the start of its entry's texts plus `Layout::texts_at`.
    pub text: u64,
    pub text_len: u32,
    /// The CRC-32C of its text.
    pub text_crc: u32,
    /// Where its tag ids start among its entry's.
    pub tags: u32,
}

/// A card record as it lies in an entry.
pub type Record = [u8; CARD];

/// The record of no card: no key, text or tags, in no mcq group (see `Index::record`).
pub const BLANK: Record = {
    let mut r = [0; CARD];
    let group = NO_GROUP.to_le_bytes();
    r[20] = group[0];
    r[21] = group[1];
    r[22] = group[2];
    r[23] = group[3];
    r
};

impl Head {
    /// The card record `r`, each field read as it lies, so that any record reads; `decode`
    /// refuses an entry with a record that does not hold together (a kind or a
    /// first-of-its-answer byte out of range among them, which read here as some kind and
    /// as set). A text start past `u64::MAX` reads as `u64::MAX`, where no text is.
    /// (`Index::key_bytes` reads the key's start at 16 and length at 28 on its own.)
    pub fn read(r: &Record, texts_at: u64) -> Head {
        let u32_at = |at: usize| u32::from_le_bytes([r[at], r[at + 1], r[at + 2], r[at + 3]]);
        let u16_at = |at: usize| u16::from_le_bytes([r[at], r[at + 1]]);
        let text = u64::from_le_bytes([r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7]]);
        Head {
            text: texts_at.saturating_add(text),
            text_len: u32_at(8),
            text_crc: u32_at(12),
            key: u32_at(16),
            group: u32_at(20),
            tags: u32_at(24),
            key_len: u16_at(28),
            tag_count: u16_at(30),
            kind: Kind::ALL[usize::from(r[32]) % Kind::ALL.len()],
            first_of_answer: r[33] != 0,
        }
    }

    /// Whether `r`'s kind and first-of-its-answer byte are ones `read` gives as written,
    /// and its padding is zero.
    fn well_formed(r: &Record) -> bool {
        usize::from(r[32]) < Kind::ALL.len() && r[33] <= 1 && r[34..] == [0, 0]
    }
}

/// Reads the entry at `range` of `buf`, its texts starting at `texts_at` (in whatever space
/// the caller keeps them), and checks every card record, tag id, key order place and key
/// against the rest, so the index can read them later without failing. `None` if it does not
/// decode (the cache is then not used).
pub fn decode(buf: &[u8], range: Range<usize>, texts_at: u64) -> Option<Entry> {
    let mut r = Reader {
        b: buf.get(..range.end)?,
        at: range.start + 4,
    };
    let texts_len = r.u64()?;
    r.str()?;
    r.u64()?;
    r.u128()?;
    let id = r.str()?.to_owned();
    let name = r.str()?.to_owned();
    let exam = match r.u8()? {
        0 => Exam::Prelims,
        1 => Exam::Mains,
        _ => return None,
    };
    let patch_len = r.u32()? as usize;
    let patch = postcard::from_bytes(r.take(patch_len)?).ok()?;
    let renames_len = r.u32()? as usize;
    let renames: Vec<(u32, String)> = postcard::from_bytes(r.take(renames_len)?).ok()?;
    let tags = (0..r.u32()?)
        .map(|_| r.str().map(str::to_owned))
        .collect::<Option<Vec<_>>>()?;
    let cards = r.u32()? as usize;
    // A renamed card is one of the deck's, or the index would read past the deck.
    renames
        .iter()
        .all(|(i, _)| (*i as usize) < cards)
        .then_some(())?;
    let tag_count = r.u32()? as usize;
    let records_at = r.at;
    let records = r.take(cards.checked_mul(CARD)?)?;
    let tag_ids_at = r.at;
    let tag_ids = r.take(tag_count.checked_mul(2)?)?;
    let order_at = r.at;
    let order = r.take(cards.checked_mul(4)?)?;
    // Each record where the ones before it end: its key, text and tag ids.
    let (mut key, mut text, mut tag) = (0u64, 0u64, 0u64);
    for rec in records.chunks_exact(CARD) {
        let rec: &Record = rec.try_into().ok()?;
        let h = Head::read(rec, 0);
        (u64::from(h.key) == key && h.text == text && u64::from(h.tags) == tag).then_some(())?;
        Head::well_formed(rec).then_some(())?;
        key += u64::from(h.key_len);
        text += u64::from(h.text_len);
        tag += u64::from(h.tag_count);
        if h.key_len == 0 {
            return None;
        }
    }
    (tag == tag_count as u64).then_some(())?;
    for t in tag_ids.chunks_exact(2) {
        (usize::from(u16::from_le_bytes([t[0], t[1]])) < tags.len()).then_some(())?;
    }
    for i in order.chunks_exact(4) {
        ((u32::from_le_bytes([i[0], i[1], i[2], i[3]]) as usize) < cards).then_some(())?;
    }
    let keys_at = r.at;
    let keys = r.take(usize::try_from(key).ok()?)?;
    // Checked as UTF-8 once for the whole deck; each key is checked again where it is cut.
    std::str::from_utf8(keys).ok()?;
    (r.at == range.end && text == texts_len).then_some(Entry {
        id,
        name,
        exam,
        patch,
        renames,
        tags,
        layout: Layout {
            cards,
            records: records_at,
            tag_ids: tag_ids_at,
            order: order_at,
            keys: keys_at..r.at,
            texts_at,
        },
        texts_len,
    })
}

struct Reader<'a> {
    b: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let s = self.b.get(self.at..self.at.checked_add(n)?)?;
        self.at += n;
        Some(s)
    }
    fn array<const N: usize>(&mut self) -> Option<[u8; N]> {
        self.take(N)?.try_into().ok()
    }
    fn u8(&mut self) -> Option<u8> {
        Some(self.take(1)?[0])
    }
    fn u32(&mut self) -> Option<u32> {
        self.array().map(u32::from_le_bytes)
    }
    fn u64(&mut self) -> Option<u64> {
        self.array().map(u64::from_le_bytes)
    }
    fn u128(&mut self) -> Option<u128> {
        self.array().map(u128::from_le_bytes)
    }
    fn str(&mut self) -> Option<&'a str> {
        let n = self.u32()? as usize;
        std::str::from_utf8(self.take(n)?).ok()
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
    use crate::deck::parse::parse_deck;

    const DECK: &str = "[deck]\nid = \"d\"\nexam = \"prelims\"\n\
        [[card]]\nid = \"a\"\nwas = [\"old\"]\nq = \"Q\"\na = \"A\"\nsource = \"s\"\ntags = [\"x\"]\n\
        [[card]]\nid = \"b\"\nq = \"Q2\"\na = \"A2\"\nsource = \"s\"\ntags = [\"x\", \"y\"]\n";

    /// The entry of `DECK`, its range, and where its renames' bytes start.
    fn entry() -> (Vec<u8>, Range<usize>, usize) {
        let deck = parse_deck(DECK, crate::deck::Origin::Builtin("t")).unwrap();
        let (mut buf, mut texts) = (Vec::new(), Vec::new());
        let range = encode(&mut buf, &mut texts, "src", (1, 2), &deck).unwrap();
        // As decode reads it: past the head, source, stamp, id, name, exam and patch.
        let mut r = Reader { b: &buf, at: 12 };
        r.str().unwrap();
        r.u64().unwrap();
        r.u128().unwrap();
        r.str().unwrap();
        r.str().unwrap();
        r.u8().unwrap();
        let patch = r.u32().unwrap() as usize;
        r.take(patch).unwrap();
        r.u32().unwrap();
        let renames = r.at;
        (buf, range, renames)
    }

    /// The record `Index` falls back on should a card's be missing (it cannot be, see
    /// `Index::record`): no card's, so nothing is read for it, and in no mcq group, so no
    /// other card is decoded with it.
    #[test]
    fn the_blank_record_reads_as_no_card_in_no_group() {
        let h = Head::read(&BLANK, 7);
        assert_eq!((h.key_len, h.text_len, h.tag_count), (0, 0, 0));
        assert_eq!((h.group, h.first_of_answer), (NO_GROUP, false));
        assert!(Head::well_formed(&BLANK));
    }

    /// What `read` checks by CRC is damage; a file that passes it yet does not hold together
    /// (made by a bug, or by hand) must still not be read: each part the index later reads in
    /// place is checked once here.
    #[test]
    fn an_entry_whose_parts_do_not_hold_together_is_not_decoded() {
        let (buf, range, renames) = entry();
        let e = decode(&buf, range.clone(), 0).unwrap();
        assert_eq!((e.layout.cards, e.renames.len(), e.tags.len()), (2, 1, 2));
        let l = e.layout;
        let second = l.records + CARD;
        let damaged: [(&str, usize, u8); 8] = [
            ("a kind past the last", l.records + 32, 99),
            ("first-of-its-answer neither 0 nor 1", l.records + 33, 2),
            ("the padding", l.records + 34, 1),
            (
                "a key that does not start where the last ended",
                second + 16,
                0,
            ),
            ("a text that does not start where the last ended", second, 0),
            ("a tag id past the deck's tags", l.tag_ids, 2),
            ("a key-order place past the cards", l.order, 2),
            // Postcard: the list's length (1), then the renamed card's place.
            ("a renamed card past the deck's cards", renames + 1, 2),
        ];
        for (what, at, byte) in damaged {
            let mut bad = buf.clone();
            assert_ne!(bad[at], byte, "{what}: the byte already holds that");
            bad[at] = byte;
            assert!(decode(&bad, range.clone(), 0).is_none(), "{what}");
        }
    }
}
