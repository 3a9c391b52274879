//! Every deck in reach as an index of its cards' hot fields (key, deck, exam, kind, tags, mcq
//! group), with each card's text left encoded until it is asked for. Start-up commands
//! (`quiz`, `decks`) select over the index and decode only the cards they show, so a 100k-card
//! collection costs them a few fixed-size reads per card rather than a dozen allocations.
//! `load_library` builds the full `Library` through it too, so both see the same decks.
//!
//! The index comes from the deck cache (`cache`) where a deck's source is unchanged, else
//! from parsing the deck; the cache file is rewritten when anything was parsed or dropped.

use std::borrow::Cow;
use std::fs::{self, File};
use std::io::{self, Read, Seek, SeekFrom};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::UNIX_EPOCH;

use super::cache::{self, CARD, Head, Layout, NO_GROUP, Stamp};
use super::join_cache;
use super::load::{BUILTIN, Broken, LoadError, deck_files, load_file};
use super::parse::parse_deck;
use super::{Card, Deck, DeckError, Exam, Kind, Library, Origin, Patch, patch};
use crate::store::{Holds, Placed, States};

/// The decks, in load order; each card addressed by its place in the whole index.
#[derive(Default)]
pub struct Index {
    /// The cache file's hot part and the entries of decks parsed in this run, after it.
    buf: crate::mapped::Bytes,
    /// The cache file, open for the texts of its decks' cards, with where they start in it
    /// and their length; a card's text offset below that length is in the file, one past it
    /// in `texts` (less that length).
    file: Option<(Mutex<File>, PathBuf)>,
    file_texts: (u64, u64),
    /// The texts of the decks parsed in this run.
    texts: Vec<u8>,
    /// All the cache file's texts, once read whole for a command that decodes many cards
    /// (one read instead of one per card).
    file_all: std::sync::OnceLock<Option<Vec<u8>>>,
    pub decks: Vec<IndexDeck>,
    /// How many cards the decks hold together.
    len: usize,
    /// Each card's deck, by place.
    deck_of: Vec<u16>,
    /// Where the join to the state index is kept, and what names this index's cards there
    /// (`identity`): set when every deck came unchanged from the cache file.
    join_file: Option<(PathBuf, u64)>,
    /// The cache file's hot part's CRC-32C, when one was read.
    cache_crc: Option<u32>,
}

pub struct IndexDeck {
    pub id: String,
    pub name: String,
    pub exam: Exam,
    pub origin: Origin,
    /// Set on a patch deck, only while the index is built: `Builder::apply_patches` merges
    /// patch decks into the decks they patch, so a finished index holds none.
    pub patch: Option<Patch>,
    /// Renamed cards: place in the index and an old key (see `rename`).
    pub renames: Vec<(usize, String)>,
    /// Its cards' places in the index.
    pub cards: Range<usize>,
    tags: Vec<String>,
    /// Where its cards' records, tag ids, key order and keys are in the index's buffer.
    layout: Layout,
}

/// The cards of `Index::library_of`, decoded, and where each card asked for is in it.
pub struct Decoded {
    pub library: Library,
    /// (deck, card) in `library` of each card asked for, in the order asked.
    pub places: Vec<(usize, usize)>,
}

impl Decoded {
    pub fn cards(&self) -> Vec<&Card> {
        self.places
            .iter()
            .map(|&(d, c)| &self.library.decks[d].cards[c])
            .collect()
    }
}

/// The kept join's file, beside the deck cache.
const JOIN_FILE: &str = "join.bin";

/// Cards decoded at once past which the cache file's texts are read whole.
const READ_WHOLE_FROM: usize = 2_000;

fn damaged() -> LoadError {
    LoadError::Io {
        path: "the deck cache".into(),
        source: io::Error::other(
            "a card in it does not decode; run the command again to rebuild it",
        ),
    }
}

impl Index {
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The place of card `i`'s deck among the index's decks.
    pub fn deck_number(&self, i: usize) -> usize {
        usize::from(self.deck_of[i])
    }

    /// Card `i`'s record, read where it lies in the buffer (`cache::decode` checked it).
    fn head(&self, i: usize) -> Head {
        self.head_in(self.deck(i), i)
    }

    fn head_in(&self, deck: &IndexDeck, i: usize) -> Head {
        Head::read(self.record(deck, i), deck.layout.texts_at)
    }

    /// Card `i`'s record, where it lies in the buffer. Every deck of the index is an entry
    /// `cache::decode` checked against this buffer (`add` takes nothing else), and the buffer
    /// only grows after: so each of its cards' records is there, whole. The blank record
    /// stands in only so that a broken invariant is no panic in a release build.
    fn record(&self, deck: &IndexDeck, i: usize) -> &cache::Record {
        let at = deck.layout.records + (i - deck.cards.start) * CARD;
        let record = self.buf.get(at..).and_then(<[u8]>::first_chunk::<CARD>);
        debug_assert!(record.is_some(), "card {i}'s record is not in the buffer");
        record.unwrap_or(&cache::BLANK)
    }

    pub fn key(&self, i: usize) -> &str {
        std::str::from_utf8(self.key_bytes(i)).unwrap_or_default()
    }

    /// Card `i`'s key as bytes, as the join compares them: without checking it is UTF-8
    /// again (`cache::decode` checked each deck's keys as a whole).
    fn key_bytes(&self, i: usize) -> &[u8] {
        // Only the key's two fields of the record: the join reads every card's key.
        let deck = self.deck(i);
        let r = self.record(deck, i);
        let start = u32::from_le_bytes([r[16], r[17], r[18], r[19]]) as usize;
        let len = usize::from(u16::from_le_bytes([r[28], r[29]]));
        let at = deck.layout.keys.start + start;
        self.buf.get(at..at + len).unwrap_or_default()
    }

    /// The place of the card whose key is `key`: in its deck (the one whose id and a `/`
    /// start the key), by binary search in the deck's key order.
    pub fn find(&self, key: &str) -> Option<usize> {
        self.decks.iter().find_map(|d| {
            key.strip_prefix(d.id.as_str())?.strip_prefix('/')?;
            let at = d.layout.order;
            let order = self.buf.get(at..at + 4 * d.cards.len())?;
            let place = |o: usize| {
                let b = &order[4 * o..4 * o + 4];
                d.cards.start + u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize
            };
            let (mut lo, mut hi) = (0, d.cards.len());
            while lo < hi {
                let mid = lo + (hi - lo) / 2;
                match self.key_bytes(place(mid)).cmp(key.as_bytes()) {
                    std::cmp::Ordering::Less => lo = mid + 1,
                    std::cmp::Ordering::Greater => hi = mid,
                    std::cmp::Ordering::Equal => return Some(place(mid)),
                }
            }
            // A deck whose key order does not hold: every card compared.
            d.cards
                .clone()
                .find(|&p| self.key_bytes(p) == key.as_bytes())
        })
    }

    pub fn deck(&self, i: usize) -> &IndexDeck {
        &self.decks[self.deck_number(i)]
    }

    pub fn exam(&self, i: usize) -> Exam {
        self.deck(i).exam
    }

    pub fn kind(&self, i: usize) -> Kind {
        self.head(i).kind
    }

    pub fn tags(&self, i: usize) -> impl Iterator<Item = &str> {
        self.numbered_tags(i).map(|(_, t)| t)
    }

    /// Card `i`'s tags, each with its number among its deck's tags.
    pub fn numbered_tags(&self, i: usize) -> impl Iterator<Item = (u16, &str)> {
        let deck = self.deck(i);
        let h = self.head_in(deck, i);
        let at = deck.layout.tag_ids + 2 * h.tags as usize;
        self.buf
            .get(at..at + 2 * usize::from(h.tag_count))
            .unwrap_or_default()
            .chunks_exact(2)
            .filter_map(|t| {
                let n = u16::from_le_bytes([t[0], t[1]]);
                Some((n, deck.tags.get(usize::from(n))?.as_str()))
            })
    }

    /// As `Card::has_tag`: whatever its case.
    pub fn has_tag(&self, i: usize, tag: &str) -> bool {
        let folded = |s: &str| s.chars().flat_map(char::to_lowercase).collect::<String>();
        let wanted = folded(tag);
        self.tags(i).any(|t| t == tag || folded(t) == wanted)
    }

    /// Whether card `i` passes the `--deck`, `--tag` and `--exam` filters (as
    /// `queue::Filter::matches` on the decoded card).
    pub fn matches(&self, i: usize, decks: &[String], tags: &[String], exam: Option<Exam>) -> bool {
        (decks.is_empty() || decks.contains(&self.deck(i).id))
            && (tags.is_empty() || tags.iter().any(|t| self.has_tag(i, t)))
            && exam.is_none_or(|e| self.exam(i) == e)
    }

    /// The places of the cards that `matches` takes, in order: sized once (at 100k cards a
    /// list grown by doubling allocates twice what it keeps).
    pub fn matching(&self, decks: &[String], tags: &[String], exam: Option<Exam>) -> Vec<usize> {
        let mut places = Vec::with_capacity(self.len());
        places.extend((0..self.len()).filter(|&i| self.matches(i, decks, tags, exam)));
        places
    }

    /// Every distinct tag, sorted.
    pub fn all_tags(&self) -> Vec<&str> {
        let mut all: Vec<&str> = self
            .decks
            .iter()
            .flat_map(|d| d.tags.iter().map(String::as_str))
            .collect();
        all.sort_unstable();
        all.dedup();
        all
    }

    pub fn deck_by_id(&self, id: &str) -> Option<&IndexDeck> {
        self.decks.iter().find(|d| d.id == id)
    }

    /// Each renamed card's key with one of its old keys.
    pub fn renames(&self) -> impl Iterator<Item = (&str, &str)> {
        self.decks.iter().flat_map(|d| {
            d.renames
                .iter()
                .map(|(i, old)| (self.key(*i), old.as_str()))
        })
    }

    /// Every place in ascending key order, as the decks' entries give it: a deck's keys all
    /// start with its id and a `/`, so the decks go in that order, each in its own key
    /// order. Not checked here: `States::by_place` checks it as it joins.
    pub fn key_order(&self) -> Vec<u32> {
        let mut decks: Vec<&IndexDeck> = self.decks.iter().collect();
        fn prefix(d: &IndexDeck) -> impl Iterator<Item = u8> + '_ {
            d.id.bytes().chain(std::iter::once(b'/'))
        }
        decks.sort_by(|a, b| prefix(a).cmp(prefix(b)));
        let mut order = Vec::with_capacity(self.len());
        for d in decks {
            let at = d.layout.order;
            let bytes = self.buf.get(at..at + 4 * d.cards.len()).unwrap_or_default();
            order.extend(
                bytes
                    .chunks_exact(4)
                    .map(|i| d.cards.start as u32 + u32::from_le_bytes([i[0], i[1], i[2], i[3]])),
            );
        }
        order
    }

    /// The state and hold of every card, by place: `states` joined to the cards in key order
    /// by one merge. Should the decks' key order not hold (it is checked as the merge goes),
    /// the places are sorted by key, and failing that each card is looked up by key.
    pub fn join<'s>(&self, states: &'s States, holds: &Holds) -> Placed<'s> {
        let key = |p: usize| self.key_bytes(p);
        let mut order = self.key_order();
        // The join kept from an earlier run, while both indexes are the ones it was made of
        // (`join_cache`); else it is made, and kept when the decks' key order held.
        let kept = self.join_file.as_ref().zip(states.origin());
        if let Some(((file, index), origin)) = kept
            && let Some(run) = join_cache::read(file, *index, origin, self.len())
            && let Some(mut placed) = states.placed_from(run, &order, key)
        {
            placed.set_holds(holds, &order, key);
            return placed;
        }
        let first = states.join_run(self.len(), &order, key).and_then(|run| {
            if let Some(((file, index), origin)) = kept {
                join_cache::write(file, *index, origin, &run);
            }
            states.placed_from(run, &order, key)
        });
        let joined = first.or_else(|| {
            order = (0..self.len() as u32).collect();
            order.sort_unstable_by(|&a, &b| {
                self.key_bytes(a as usize).cmp(self.key_bytes(b as usize))
            });
            states.by_place(self.len(), &order, key)
        });
        match joined {
            Some(mut placed) => {
                placed.set_holds(holds, &order, key);
                placed
            }
            None => Placed::by_key(states, holds, self.len(), |p| self.key(p)),
        }
    }

    /// The card at `i`, its text read (from the cache file, for a cached deck), checked and
    /// decoded. A text that fails its check removes the cache file, so the next run parses
    /// the decks again rather than meeting the same damage.
    pub fn card(&self, i: usize) -> Result<Card, LoadError> {
        let h = self.head(i);
        let card = self
            .text(h.text, h.text_len as usize)
            .filter(|b| crc32c::crc32c(b) == h.text_crc)
            .and_then(|b| postcard::from_bytes(&b).ok());
        card.ok_or_else(|| {
            if let Some((_, path)) = &self.file {
                let _ = fs::remove_file(path);
            }
            damaged()
        })
    }

    /// The `len` bytes of text at `at` (see `Index::file`).
    fn text(&self, at: u64, len: usize) -> Option<Cow<'_, [u8]>> {
        let (start, in_file) = self.file_texts;
        if at >= in_file {
            let at = usize::try_from(at - in_file).ok()?;
            return self.texts.get(at..at.checked_add(len)?).map(Cow::Borrowed);
        }
        (at.checked_add(len as u64)? <= in_file).then_some(())?;
        if let Some(Some(all)) = self.file_all.get() {
            let at = usize::try_from(at).ok()?;
            return all.get(at..at.checked_add(len)?).map(Cow::Borrowed);
        }
        let mut file = self.file.as_ref()?.0.lock().ok()?;
        file.seek(SeekFrom::Start(start.checked_add(at)?)).ok()?;
        let mut bytes = vec![0; len];
        file.read_exact(&mut bytes).ok()?;
        Some(Cow::Owned(bytes))
    }

    /// Reads all the cache file's texts into `file_all` (each card's is still checked when
    /// decoded); if that fails, cards are read one by one as before.
    fn read_all_texts(&self) {
        self.file_all.get_or_init(|| {
            let (start, len) = self.file_texts;
            let mut file = self.file.as_ref()?.0.lock().ok()?;
            file.seek(SeekFrom::Start(start)).ok()?;
            let mut all = vec![0; usize::try_from(len).ok()?];
            file.read_exact(&mut all).ok()?;
            Some(all)
        });
    }

    /// Where the next text appended to `texts` will be.
    fn next_text(&self) -> u64 {
        self.file_texts.1 + self.texts.len() as u64
    }

    /// Every deck with every card decoded.
    pub fn library(&self) -> Result<Library, LoadError> {
        let all: Vec<usize> = (0..self.len()).collect();
        Ok(self.library_of(&all)?.library)
    }

    /// Every deck, holding only the cards of `wanted` (index places, each once) and what
    /// showing them needs: for a grouped mcq, the first card of each answer of its group in
    /// its deck, so `rules::answers_in_group` gives the options it gives on the whole deck.
    pub fn library_of(&self, wanted: &[usize]) -> Result<Decoded, LoadError> {
        // The few cards a session shows, not a pass over the whole library.
        let mut taken: Vec<usize> = wanted.to_vec();
        let mut groups: Vec<(u16, u32)> = Vec::new();
        for &i in wanted {
            let (deck, h) = (self.deck_number(i) as u16, self.head(i));
            if h.group != NO_GROUP && !groups.contains(&(deck, h.group)) {
                groups.push((deck, h.group));
            }
        }
        for &(deck, group) in &groups {
            for j in self.decks[usize::from(deck)].cards.clone() {
                let h = self.head(j);
                if h.group == group && h.first_of_answer {
                    taken.push(j);
                }
            }
        }
        // Ascending and each once, so each deck's are together and in the order its cards
        // are decoded.
        taken.sort_unstable();
        taken.dedup();
        // Many cards: the cache file's texts are read whole, once.
        if taken.len() > READ_WHOLE_FROM {
            self.read_all_texts();
        }
        // Where each deck's cards start in `taken`: a card's place in its decoded deck is
        // its place in `taken` less that.
        let mut first = Vec::with_capacity(self.decks.len());
        let mut decks = Vec::with_capacity(self.decks.len());
        let mut next = taken.iter().peekable();
        for deck in &self.decks {
            first.push(taken.len() - next.len());
            let mut cards = Vec::new();
            while let Some(&j) = next.next_if(|&&j| deck.cards.contains(&j)) {
                cards.push(self.card(j)?);
            }
            decks.push(Deck {
                id: deck.id.clone(),
                name: deck.name.clone(),
                exam: deck.exam,
                origin: deck.origin.clone(),
                cards,
                patch: deck.patch.clone(),
            });
        }
        Ok(Decoded {
            library: Library { decks },
            places: wanted
                .iter()
                .map(|&i| {
                    let d = self.deck_number(i);
                    let at = taken.binary_search(&i).unwrap_or_else(|at| at);
                    (d, at.saturating_sub(first[d]))
                })
                .collect(),
        })
    }

    /// Adds the deck of `entry`, read from this index's buffer; `None` past 65,536 decks.
    fn add(&mut self, entry: cache::Entry, origin: Origin) -> Option<()> {
        u16::try_from(self.decks.len()).ok()?;
        let start = self.len;
        self.len = start.checked_add(entry.layout.cards)?;
        self.deck_of.resize(self.len, self.decks.len() as u16);
        self.decks.push(IndexDeck {
            id: entry.id,
            name: entry.name,
            exam: entry.exam,
            origin,
            patch: entry.patch,
            renames: entry
                .renames
                .into_iter()
                .map(|(i, old)| (start + i as usize, old))
                .collect(),
            cards: start..self.len,
            tags: entry.tags,
            layout: entry.layout,
        });
        Some(())
    }
}

fn file_stamp(path: &Path) -> Option<Stamp> {
    let meta = fs::metadata(path).ok()?;
    let mtime = meta
        .modified()
        .ok()?
        .duration_since(UNIX_EPOCH)
        .ok()?
        .as_nanos();
    Some((meta.len(), mtime))
}

/// Builds an index, deck by deck, from the cache where it can.
struct Builder {
    index: Index,
    cached: rustc_hash::FxHashMap<String, cache::Cached>,
    /// The entries of the decks kept, with where their texts are and their length, to write
    /// the cache again.
    kept: Vec<(Range<usize>, u64, u64)>,
    /// The entry of each deck of the index, in its order (cached or not), with where its
    /// texts start.
    ranges: Vec<(Range<usize>, u64)>,
    dirty: bool,
}

impl Builder {
    /// The entry of the deck from `source`: the cached one if its stamp matches, else the
    /// deck `parse` gives, encoded. An entry of the cache that does not decode is parsed.
    fn entry(
        &mut self,
        source: &str,
        stamp: Option<Stamp>,
        parse: impl FnOnce() -> Result<Deck, LoadError>,
    ) -> Result<(Range<usize>, u64, cache::Entry), LoadError> {
        if let Some((s, range, at, _)) = self.cached.remove(source)
            && Some(s) == stamp
            && let Some(entry) = cache::decode(&self.index.buf, range.clone(), at)
        {
            return Ok((range, at, entry));
        }
        self.dirty = true;
        let deck = parse()?;
        let too_large = || {
            LoadError::Invalid(vec![DeckError {
                path: deck.origin.to_string(),
                line: 1,
                col: 1,
                card: None,
                message: "the deck is too large to index".into(),
            }])
        };
        let at = self.index.next_text();
        let index = &mut self.index;
        let stamp = stamp.unwrap_or((0, 0));
        let range = cache::encode(index.buf.to_mut(), &mut index.texts, source, stamp, &deck)
            .ok_or_else(too_large)?;
        let entry = cache::decode(&index.buf, range.clone(), at).ok_or_else(too_large)?;
        Ok((range, at, entry))
    }

    fn keep(
        &mut self,
        (range, at, entry): (Range<usize>, u64, cache::Entry),
        origin: Origin,
        cacheable: bool,
    ) -> Result<(), LoadError> {
        if self.index.decks.len() > usize::from(u16::MAX) {
            return Err(LoadError::Invalid(vec![DeckError {
                path: origin.to_string(),
                line: 1,
                col: 1,
                card: None,
                message: "one deck too many: at most 65,536 are read".into(),
            }]));
        }
        let texts_len = entry.texts_len;
        self.index.add(entry, origin).ok_or_else(damaged)?;
        self.ranges.push((range.clone(), at));
        if cacheable {
            self.kept.push((range, at, texts_len));
        }
        Ok(())
    }

    /// Writes the cache file again from the decks kept, their texts read from where they
    /// are (the old cache file, or this run's parse); not written if one cannot be read.
    fn write(&self, file: &Path) {
        let mut texts = Vec::new();
        for (_, at, len) in &self.kept {
            let Some(len) = usize::try_from(*len).ok() else {
                return;
            };
            match self.index.text(*at, len) {
                Some(t) => texts.extend_from_slice(&t),
                None => return,
            }
        }
        let ranges: Vec<Range<usize>> = self.kept.iter().map(|(r, _, _)| r.clone()).collect();
        cache::write(file, &self.index.buf, &ranges, &texts);
    }

    /// Merges the patch decks into the decks they patch (`patch::apply`) and rebuilds the
    /// index without them. Only the decks a patch touches are decoded; their merged entries
    /// are appended to the buffer and not cached (each source stays cached as itself, and
    /// the merge is made again on the next run). Returns the patches that did not fit.
    fn apply_patches(&mut self) -> Result<Vec<patch::Failed>, LoadError> {
        let old = std::mem::take(&mut self.index);
        let targets: Vec<&str> = old
            .decks
            .iter()
            .filter_map(|d| d.patch.as_ref().map(|p| p.target.as_str()))
            .collect();
        let involved: Vec<usize> = (0..old.decks.len())
            .filter(|&d| {
                old.decks[d].patch.is_some() || targets.contains(&old.decks[d].id.as_str())
            })
            .collect();
        let mut decks = Vec::with_capacity(involved.len());
        for &d in &involved {
            let deck = &old.decks[d];
            decks.push(Deck {
                id: deck.id.clone(),
                name: deck.name.clone(),
                exam: deck.exam,
                origin: deck.origin.clone(),
                cards: deck
                    .cards
                    .clone()
                    .map(|j| old.card(j))
                    .collect::<Result<_, _>>()?,
                patch: deck.patch.clone(),
            });
        }
        let (mut merged, failed) = patch::apply(decks);
        let mut fresh = Index {
            buf: old.buf,
            file: old.file,
            file_texts: old.file_texts,
            texts: old.texts,
            ..Index::default()
        };
        let ranges = std::mem::take(&mut self.ranges);
        for (d, deck) in old.decks.into_iter().enumerate() {
            if deck.patch.is_some() {
                continue;
            }
            let (range, at) = match merged.iter().position(|m| m.id == deck.id) {
                Some(at) if involved.contains(&d) => {
                    let m = merged.swap_remove(at);
                    let text_at = fresh.next_text();
                    let f = &mut fresh;
                    let range = cache::encode(f.buf.to_mut(), &mut f.texts, "", (0, 0), &m)
                        .ok_or_else(damaged)?;
                    (range, text_at)
                }
                _ => ranges[d].clone(),
            };
            let entry = cache::decode(&fresh.buf, range.clone(), at).ok_or_else(damaged)?;
            fresh.add(entry, deck.origin).ok_or_else(damaged)?;
            self.ranges.push((range, at));
        }
        self.index = fresh;
        Ok(failed)
    }
}

/// The built-in decks, the user's deck folder and the extra files, read together, as
/// `load::load_library` describes; `cache` is the deck cache file to read and refresh.
pub fn load_index(
    user_dir: &Path,
    extra: &[PathBuf],
    cache_file: Option<&Path>,
) -> Result<(Index, Vec<Broken>), LoadError> {
    let mut index = Index::default();
    let mut cached = Default::default();
    if let Some(path) = cache_file
        && let Some(c) = cache::read(path)
    {
        index.buf = c.bytes;
        index.cache_crc = Some(c.crc);
        index.file = Some((Mutex::new(c.file), path.to_path_buf()));
        index.file_texts = c.texts;
        cached = c.entries;
        // Each card has a record in the cache's hot part, so its length bounds the cards:
        // sized once instead of grown deck by deck (at 100k cards, copies and page faults).
        index.deck_of.reserve(index.buf.len() / cache::CARD);
    }
    let mut b = Builder {
        index,
        cached,
        kept: Vec::new(),
        ranges: Vec::new(),
        dirty: false,
    };
    let mut errors = Vec::new();
    let mut broken = Vec::new();
    for (name, src) in BUILTIN {
        let source = format!("builtin:{name}");
        let stamp = (src.len() as u64, u128::from(crc32c::crc32c(src.as_bytes())));
        let parse = || parse_deck(src, Origin::Builtin(name)).map_err(LoadError::Invalid);
        match b.entry(&source, Some(stamp), parse) {
            Ok(entry) => b.keep(entry, Origin::Builtin(name), true)?,
            Err(LoadError::Invalid(e)) => errors.extend(e),
            Err(io) => return Err(io),
        }
    }
    let mut files: Vec<(PathBuf, bool)> = deck_files(user_dir)?
        .into_iter()
        .map(|f| {
            let named = extra.iter().any(|p| same_file(&f, p));
            (f, named)
        })
        .collect();
    for path in extra {
        if !files.iter().any(|(f, _)| same_file(f, path)) {
            files.push((path.clone(), true));
        }
    }
    for (path, named) in files {
        // A path that is not UTF-8 cannot be a cache key: such a deck is parsed every time.
        let source = path.to_str().map(str::to_owned);
        let stamp = source.as_ref().and_then(|_| file_stamp(&path));
        let loaded = b.entry(source.as_deref().unwrap_or(""), stamp, || load_file(&path));
        let failed = match loaded {
            // A patch deck carries the id of the deck it patches: that is no clash.
            Ok((range, at, entry)) => match b
                .index
                .decks
                .iter()
                .find(|d| d.id == entry.id && d.patch.is_none() && entry.patch.is_none())
            {
                Some(other) => vec![DeckError {
                    path: path.display().to_string(),
                    line: 1,
                    col: 1,
                    card: None,
                    message: format!("deck id `{}` is already used by {}", entry.id, other.origin),
                }],
                None => {
                    b.keep(
                        (range, at, entry),
                        Origin::File(path.clone()),
                        stamp.is_some(),
                    )?;
                    continue;
                }
            },
            Err(LoadError::Invalid(e)) => e,
            Err(LoadError::Io { source, .. }) if !named => vec![DeckError {
                path: path.display().to_string(),
                line: 1,
                col: 1,
                card: None,
                message: format!("cannot be read ({source})"),
            }],
            Err(io) => return Err(io),
        };
        if named {
            errors.extend(failed);
        } else if let Some(first) = failed.first().cloned() {
            broken.push(Broken {
                first,
                errors: failed.len(),
            });
        }
    }
    if let Some(file) = cache_file
        && (b.dirty || !b.cached.is_empty())
    {
        b.write(file);
    } else if let (Some(file), Some(crc)) = (cache_file, b.index.cache_crc) {
        // Every deck as the cache file has it, in its order: the file's checksum and where
        // each deck's entry lies name the cards' places, for the kept join.
        use std::hash::{Hash, Hasher};
        let mut h = rustc_hash::FxHasher::default();
        crc.hash(&mut h);
        b.ranges.iter().for_each(|(r, _)| r.start.hash(&mut h));
        b.index.len.hash(&mut h);
        b.index.join_file = file.parent().map(|dir| (dir.join(JOIN_FILE), h.finish()));
    }
    if b.index.decks.iter().any(|d| d.patch.is_some()) {
        for failure in b.apply_patches()? {
            if extra.iter().any(|p| same_file(p, &failure.path)) {
                errors.extend(failure.errors);
            } else if let Some(first) = failure.errors.first().cloned() {
                broken.push(Broken {
                    first,
                    errors: failure.errors.len(),
                });
            }
        }
    }
    if errors.is_empty() {
        Ok((b.index, broken))
    } else {
        Err(LoadError::Invalid(errors))
    }
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

#[cfg(test)]
#[path = "index_tests.rs"]
mod tests;
