//! The review history: every answer in the journals of every device, with undone ones taken
//! out and each answer once (a conflict copy repeats ids). Read whole (`read`), or only its
//! recent part from the end of each journal (`read_recent`, for `stats`, and `recent_streak`
//! for the quiz summary); the quiz itself never needs it. With several devices the answers
//! are in time order; one device's stay in its journal's order. Another device's journal is
//! read up to a damaged line (the store reports it); this device's damage is an error.

use std::fs;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use super::journal::{self, Kind, check_header};
use super::{StoreError, devices, io_err};
use crate::clock::{Clock, DayCursor, Millis};
use crate::schedule::{CardState, Grade};

/// One answer. The card key lives in the history's buffer (see `History::key`), so reading a
/// million reviews allocates nothing per review.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Review {
    pub at: Millis,
    /// The answer's id (0 on a v1 journal, which has none), which an undo names.
    id: u64,
    key_at: usize,
    key_len: u32,
    pub grade: Grade,
    pub took_ms: u32,
}

/// Every review in the journal, oldest first, with undone ones taken out.
#[derive(Debug, Default)]
pub struct History {
    /// The journal's bytes: review keys point into it.
    buf: Vec<u8>,
    pub reviews: Vec<Review>,
}

impl History {
    pub fn key(&self, review: &Review) -> &str {
        let bytes = self
            .buf
            .get(review.key_at..review.key_at + review.key_len as usize)
            .unwrap_or_default();
        // Checked when read, so this never falls back.
        std::str::from_utf8(bytes).unwrap_or_default()
    }

    /// A history built in memory from `(at, key, grade, answer ms)` in time order, for tests
    /// and tools that do not read a journal.
    pub fn from_reviews<'k>(
        reviews: impl IntoIterator<Item = (Millis, &'k str, Grade, u32)>,
    ) -> History {
        let mut h = History::default();
        for (at, key, grade, took_ms) in reviews {
            h.reviews.push(Review {
                at,
                id: 0,
                key_at: h.buf.len(),
                key_len: key.len() as u32,
                grade,
                took_ms,
            });
            h.buf.extend_from_slice(key.as_bytes());
        }
        h
    }

    pub fn len(&self) -> usize {
        self.reviews.len()
    }

    pub fn is_empty(&self) -> bool {
        self.reviews.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &Review)> {
        self.reviews.iter().map(|r| (self.key(r), r))
    }
}

pub fn read(dir: &Path) -> Result<History, StoreError> {
    let mut buf = Vec::new();
    let mut parts = Vec::new();
    for j in devices::journals(dir)? {
        let bytes = fs::read(&j.path).map_err(io_err(&j.path))?;
        let Some((version, start)) = header(dir, &j, &bytes)? else {
            continue;
        };
        if bytes.len() == start {
            continue;
        }
        let at = buf.len();
        buf.extend_from_slice(&bytes[start..]);
        parts.push((j, at, buf.len(), version));
    }
    let mut reviews = Vec::with_capacity(buf.len() / 128);
    for (j, from, to, version) in &parts {
        let read = reviews_of(&buf, *from..*to, *version, &mut reviews);
        if let (Err((i, r)), true) = (read, j.own) {
            return Err(super::damaged_at(dir, &j.path, i + 2, r));
        }
    }
    let mut history = History { buf, reviews };
    history.merge(parts.iter().map(|p| &p.0));
    Ok(history)
}

impl History {
    /// With answers from more than one device: each once, in time order.
    fn merge<'j>(&mut self, journals: impl IntoIterator<Item = &'j devices::Journal>) {
        let journals: Vec<&devices::Journal> = journals.into_iter().collect();
        if journals.len() < 2 {
            return;
        }
        if journals.iter().any(|j| j.copy) {
            let mut seen = rustc_hash::FxHashSet::default();
            self.reviews.retain(|r| r.id == 0 || seen.insert(r.id));
        }
        self.reviews.sort_by_key(|r| (r.at, r.id));
    }
}

/// The journal's version and first line, `None` for a journal with no whole header yet (and
/// for another device's journal that cannot be read: the store reports it).
fn header(
    dir: &Path,
    j: &devices::Journal,
    head: &[u8],
) -> Result<Option<(u32, usize)>, StoreError> {
    let path = &j.path;
    match check_header(head) {
        Ok(found) => Ok(found),
        Err(_) if !j.own => Ok(None),
        Err(journal::HeaderError::Newer(found)) => Err(StoreError::Newer {
            path: path.display().to_string(),
            found,
            backup: super::backup::newest_clean(dir),
        }),
        Err(journal::HeaderError::Invalid(reason)) => Err(super::damaged_at(dir, path, 1, reason)),
    }
}

/// Adds the reviews in `buf[range]`, which holds whole journal lines of `version`, to
/// `reviews`. An undo takes out the review it names (a v1 undo: the latest earlier review of
/// its key). A damaged line is an error with its index (0 for the line at the range's
/// start), the reviews before it added.
fn reviews_of(
    buf: &[u8],
    range: std::ops::Range<usize>,
    version: u32,
    reviews: &mut Vec<Review>,
) -> Result<(), (usize, String)> {
    let base = buf.as_ptr() as usize;
    super::read_lines_by(&buf[range], version, journal::parse_line_head, |line| {
        let key_at = line.key.as_ptr() as usize - base;
        let key_len = line.key.len() as u32;
        match line.kind {
            Kind::Review(grade) => reviews.push(Review {
                at: line.at,
                id: line.id.unwrap_or(0),
                key_at,
                key_len,
                grade,
                took_ms: line.took_ms,
            }),
            Kind::Undo => {
                let key = line.key.as_bytes();
                let undone = match line.undoes {
                    Some(id) => reviews.iter().rposition(|r| r.id == id),
                    None => reviews.iter().rposition(|r| {
                        buf.get(r.key_at..r.key_at + r.key_len as usize) == Some(key)
                    }),
                };
                if let Some(i) = undone {
                    reviews.remove(i);
                }
            }
            Kind::Other(_) => {}
        }
    })?;
    Ok(())
}

/// One answer of one card with the card's state before and after it, so its interval and the
/// recall it was given at can be shown (`smriti card`, the quiz's `i`).
#[derive(Debug, Clone, PartialEq)]
pub struct CardReview {
    pub at: Millis,
    pub grade: Grade,
    /// The state the answer found: a new card's (phase `New`) for the first answer.
    pub before: CardState,
    pub after: CardState,
}

/// Every answer of the card `key`, oldest first, with undone ones taken out. Reads the whole
/// journal: it is for one card on demand, not for the quiz loop.
pub fn card_reviews(dir: &Path, key: &str) -> Result<Vec<CardReview>, StoreError> {
    Ok(card_history(dir, key)?.0)
}

/// `card_reviews`, and how many devices answered the card. When more than one did, the
/// states before and after each answer are the replay's (as the store merges the card),
/// not what each device stored.
pub fn card_history(dir: &Path, key: &str) -> Result<(Vec<CardReview>, usize), StoreError> {
    // Each answer with its id (0 on a v1 journal), device and time; a reset as an answer of
    // none, for the replay.
    let mut found: Vec<(u64, usize, Millis, Option<CardReview>)> = Vec::new();
    let mut owners: Vec<String> = Vec::new();
    let mut copies = false;
    for j in devices::journals(dir)? {
        let buf = fs::read(&j.path).map_err(io_err(&j.path))?;
        let Some((version, start)) = header(dir, &j, &buf)? else {
            continue;
        };
        copies |= j.copy;
        let owner = owners
            .iter()
            .position(|o| *o == j.owner)
            .unwrap_or(owners.len());
        if owner == owners.len() {
            owners.push(j.owner.clone());
        }
        let mut current = journal::new_card_state();
        let mine = found.len();
        let read = super::read_lines_by(&buf[start..], version, journal::parse_line, |line| {
            if line.key != key {
                return;
            }
            let review = match line.kind {
                Kind::Review(grade) => Some(CardReview {
                    at: line.at,
                    grade,
                    before: current,
                    after: line.state,
                }),
                Kind::Undo => {
                    let undone = match line.undoes {
                        Some(id) => found[mine..].iter().rposition(|(i, ..)| *i == id),
                        None => found[mine..].iter().rposition(|f| f.3.is_some()),
                    };
                    if let Some(i) = undone {
                        found.remove(mine + i);
                    }
                    None
                }
                Kind::Other(c) if journal::Event::of_letter(c) == Some(journal::Event::Forget) => {
                    found.push((line.id.unwrap_or(0), owner, line.at, None));
                    None
                }
                Kind::Other(_) => None,
            };
            if let Some(r) = review {
                found.push((line.id.unwrap_or(0), owner, line.at, Some(r)));
            }
            current = line.state;
        });
        if let (Err((i, r)), true) = (read, j.own) {
            return Err(super::damaged_at(dir, &j.path, i + 2, r));
        }
    }
    if copies {
        let mut seen = rustc_hash::FxHashSet::default();
        found.retain(|(id, ..)| *id == 0 || seen.insert(*id));
    }
    let mut answered: Vec<usize> = found
        .iter()
        .filter(|f| f.3.is_some())
        .map(|f| f.1)
        .collect();
    answered.sort_unstable();
    answered.dedup();
    if answered.len() > 1 {
        replay_card(key, &mut found);
    }
    let reviews = found.into_iter().filter_map(|f| f.3).collect();
    Ok((reviews, answered.len()))
}

/// Puts a card answered on several devices in time order and recomputes each answer's
/// before and after as the store's merge replays them.
fn replay_card(key: &str, found: &mut [(u64, usize, Millis, Option<CardReview>)]) {
    found.sort_by_key(|f| (f.2, f.0));
    let replayer = super::devices::Replayer::new();
    let mut state: Option<CardState> = None;
    for (.., r) in found.iter_mut() {
        match r {
            Some(r) => {
                r.before = state.unwrap_or_else(journal::new_card_state);
                r.after = replayer.answer(state.as_ref(), r.grade, r.at, key);
                state = Some(r.after);
            }
            None => state = None,
        }
    }
}

/// A file in the state folder whose presence says the journal is not in time order (an
/// imported history was appended after newer answers), so no reader may stop early.
pub const UNORDERED: &str = "unordered";

/// The recent part of the history: every review from the start of the study day `days_back`
/// days before today, and further back as far as the streak reaches (so `streak` of it is
/// the whole history's streak). Read from the end of the journal in growing chunks, so
/// `stats` costs the same on a journal of years as on one of months.
///
/// The journal is appended in time order, but a clock set wrong may have written a line out
/// of order, so reading stops only once a whole chunk is older than what is needed; after an
/// import of older answers (`UNORDERED`) the whole journal is read. An undo
/// takes out the review it names within what was read: if that review is older, it is
/// outside the returned part anyway.
///
/// With several devices' journals, each is read back this way in turn, until every one has
/// reached what the streak of all of them together needs (one device's days fill another's
/// gaps).
pub fn read_recent(dir: &Path, clock: &Clock, days_back: i32) -> Result<History, StoreError> {
    if dir.join(UNORDERED).exists() {
        return read(dir);
    }
    let mut tails = Vec::new();
    for j in devices::journals(dir)? {
        if let Some(tail) = Tail::open(dir, j)?
            && tail.start > tail.body
        {
            tails.push(tail);
        }
    }
    let today = clock.today();
    let mut cursor = DayCursor::new(clock);
    // The study days of the reviews read so far, undone ones included: their streak is at
    // least the true one, so reading back past it is enough.
    let mut days: Vec<i32> = Vec::new();
    loop {
        let streak = streak_of_days(days.clone()) as i32;
        let first_needed = clock.day_start_ms(Clock::add_days(today, -days_back.max(streak + 1)));
        let mut more = false;
        for t in &mut tails {
            if t.start > t.body && t.newest.is_none_or(|n| n >= first_needed) {
                t.step(&mut cursor, &mut days)?;
                more = true;
            }
        }
        if !more {
            break;
        }
    }
    // One journal's tail is kept as it is; several are put end to end in a buffer sized once.
    let mut parts = Vec::with_capacity(tails.len());
    let buf = if let [t] = &mut tails[..] {
        parts.push((0, t.tail.len()));
        std::mem::take(&mut t.tail)
    } else {
        let mut buf = Vec::with_capacity(tails.iter().map(|t| t.tail.len()).sum());
        for t in &tails {
            let at = buf.len();
            buf.extend_from_slice(&t.tail);
            parts.push((at, buf.len()));
        }
        buf
    };
    // Sized once: grown by doubling, at 100k cards the list took (and the allocator cleared)
    // twice the memory it keeps.
    let mut reviews = Vec::with_capacity(memchr::memchr_iter(b'\n', &buf).count());
    for (t, (from, to)) in tails.iter_mut().zip(&parts) {
        let read = reviews_of(&buf, *from..*to, t.version, &mut reviews);
        if let (Err((i, r)), true) = (read, t.journal.own) {
            // Only on this error path is the journal counted up to the tail, for the line number.
            let start = t.start;
            let before = t
                .read_at(0, start)
                .map_or(0, |b| memchr::memchr_iter(b'\n', &b).count());
            return Err(super::damaged_at(dir, &t.journal.path, before + i + 1, r));
        }
    }
    let mut history = History { buf, reviews };
    history.merge(tails.iter().map(|t| &t.journal));
    Ok(history)
}

/// One journal read back from its end in growing chunks.
struct Tail {
    journal: devices::Journal,
    file: fs::File,
    version: u32,
    body: u64,
    /// Bytes `start..` of the journal (to its length when opened), from a line start.
    tail: Vec<u8>,
    start: u64,
    chunk: u64,
    /// The newest review of the chunk read last.
    newest: Option<Millis>,
}

impl Tail {
    fn open(dir: &Path, journal: devices::Journal) -> Result<Option<Tail>, StoreError> {
        let path = journal.path.clone();
        let file = fs::File::open(&path).map_err(io_err(&path))?;
        let len = file.metadata().map_err(io_err(&path))?.len();
        let mut tail = Tail {
            journal,
            file,
            version: 0,
            body: 0,
            tail: Vec::new(),
            start: len,
            chunk: 64 * 1024,
            newest: None,
        };
        let head = tail.read_at(0, len.min(HEAD_BYTES))?;
        let Some((version, body)) = header(dir, &tail.journal, &head)? else {
            return Ok(None);
        };
        (tail.version, tail.body) = (version, body as u64);
        Ok(Some(tail))
    }

    fn read_at(&mut self, from: u64, to: u64) -> Result<Vec<u8>, StoreError> {
        let path = &self.journal.path;
        let mut buf = vec![0; (to - from) as usize];
        self.file
            .seek(SeekFrom::Start(from))
            .map_err(io_err(path))?;
        self.file.read_exact(&mut buf).map_err(io_err(path))?;
        Ok(buf)
    }

    /// Reads the next chunk back, adding the study days of its reviews to `days`.
    fn step(&mut self, cursor: &mut DayCursor, days: &mut Vec<i32>) -> Result<(), StoreError> {
        let from = self.start.saturating_sub(self.chunk).max(self.body);
        let mut piece = self.read_at(from, self.start)?;
        // Unless at the first entry, the piece's first line may be cut: it is read again,
        // whole, with the next chunk.
        let skip = if from == self.body {
            0
        } else {
            memchr::memchr(b'\n', &piece).map_or(piece.len(), |i| i + 1)
        };
        self.newest = None;
        for line in piece[skip..].split(|b| *b == b'\n') {
            if let Some(at) = review_time(line, self.version) {
                days.push(cursor.offset(at));
                self.newest = self.newest.max(Some(at));
            }
        }
        piece.drain(..skip);
        piece.extend_from_slice(&self.tail);
        self.tail = piece;
        self.start = from + skip as u64;
        self.chunk = self.chunk.saturating_mul(2);
        Ok(())
    }
}

/// Enough of the journal's start to hold its header line.
const HEAD_BYTES: u64 = 4096;

/// The time of a review line, read loosely: only to decide how far back to read (the lines
/// kept are then read in full).
fn review_time(line: &[u8], version: u32) -> Option<Millis> {
    let mut fields = line.strip_prefix(b"r\t")?.split(|b| *b == b'\t');
    if version >= 2 {
        fields.next()?;
    }
    journal::int_of_bytes(fields.next()?)
}

/// The streak, read from the end of the journal only as far back as it reaches (the same
/// backwards read `stats` uses), so a long history costs nothing at the end of a session.
pub fn recent_streak(dir: &Path, clock: &Clock) -> Result<u32, StoreError> {
    Ok(streak(&read_recent(dir, clock, 0)?, clock))
}

/// Days in a row with at least one review, ending today (or yesterday, if nothing yet today).
pub fn streak(history: &History, clock: &Clock) -> u32 {
    let mut cursor = DayCursor::new(clock);
    let mut days: Vec<i32> = Vec::new();
    for r in &history.reviews {
        let day = cursor.offset(r.at);
        if days.last() != Some(&day) {
            days.push(day);
        }
    }
    streak_of_days(days)
}

/// The streak from the study days (as offsets from today, 0 = today) that had a review.
pub fn streak_of_days(mut days: Vec<i32>) -> u32 {
    days.sort_unstable();
    days.dedup();
    let mut expect = if days.last() == Some(&0) { 0 } else { -1 };
    let mut n = 0;
    for day in days.iter().rev() {
        if *day == expect {
            n += 1;
            expect -= 1;
        } else if *day < expect {
            break;
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;
    use crate::store::journal::{Entry, HEADER, new_card_state, write_line};

    /// The v1 header, for journals written line by line in the v1 format.
    const V1: &str = "# smriti journal v1\n";

    fn line(e: &Entry) -> String {
        write_line(e, rand::random(), None)
    }

    fn review_entry(at: &str, key: &str, grade: Grade) -> Entry {
        let ts: jiff::Timestamp = at.parse().unwrap();
        Entry::Review {
            at: ts.as_millisecond(),
            key: key.into(),
            grade,
            took_ms: 1500,
            state: crate::schedule::CardState {
                phase: crate::schedule::Phase::Review,
                stability: 1.0,
                ..new_card_state()
            },
        }
    }

    /// Writes a journal of `entries` into a temp folder and reads it back.
    fn history_of(entries: &[Entry]) -> History {
        let dir = tempfile::tempdir().unwrap();
        let mut text = String::from(HEADER);
        for e in entries {
            text.push_str(&line(e));
        }
        fs::write(Store::journal_path(dir.path()), text).unwrap();
        read(dir.path()).unwrap()
    }

    fn reviews_at(times: &[&str]) -> History {
        let entries: Vec<Entry> = times
            .iter()
            .map(|t| review_entry(t, "k", Grade::Good))
            .collect();
        history_of(&entries)
    }

    #[test]
    fn reads_reviews_with_their_keys_and_takes_out_undone_ones() {
        let h = history_of(&[
            review_entry("2026-01-07T12:00:00Z", "d/a", Grade::Again),
            review_entry("2026-01-07T12:01:00Z", "d/b#2", Grade::Good),
            Entry::Undo {
                at: 0,
                key: "d/a".into(),
                state: new_card_state(),
                hold: crate::store::journal::Hold::None,
            },
            review_entry("2026-01-07T12:02:00Z", "d/a", Grade::Hard),
        ]);
        let got: Vec<(&str, Grade, u32)> = h.iter().map(|(k, r)| (k, r.grade, r.took_ms)).collect();
        assert_eq!(
            got,
            [("d/b#2", Grade::Good, 1500), ("d/a", Grade::Hard, 1500)]
        );
    }

    #[test]
    fn a_damaged_line_is_an_error_naming_the_line() {
        let dir = tempfile::tempdir().unwrap();
        let good = line(&review_entry("2026-01-07T12:00:00Z", "d/a", Grade::Good));
        let bad = good.replacen("\t3\t1500\t", "\t9\t1500\t", 1);
        let text = format!("{HEADER}{good}{bad}");
        fs::write(Store::journal_path(dir.path()), text).unwrap();
        let e = read(dir.path()).unwrap_err().to_string();
        assert!(e.contains(":3:") && e.contains("checksum"), "{e}");
    }

    #[test]
    fn a_torn_last_line_is_ignored_and_a_missing_journal_is_empty() {
        let dir = tempfile::tempdir().unwrap();
        assert!(read(dir.path()).unwrap().is_empty());
        let good = line(&review_entry("2026-01-07T12:00:00Z", "d/a", Grade::Good));
        fs::write(
            Store::journal_path(dir.path()),
            format!("{HEADER}{good}r\t12\td/"),
        )
        .unwrap();
        assert_eq!(read(dir.path()).unwrap().len(), 1);
    }

    #[test]
    fn streak_counts_study_days_in_a_row_across_the_day_start_hour() {
        let clock = Clock::new(
            "2026-01-10T12:00:00Z".parse().unwrap(),
            jiff::tz::TimeZone::UTC,
            4,
        );
        let reviews = reviews_at(&[
            "2026-01-07T12:00:00Z",
            // 02:00 on the 9th is still the 8th's study day.
            "2026-01-09T02:00:00Z",
            "2026-01-09T12:00:00Z",
            "2026-01-10T05:00:00Z",
        ]);
        assert_eq!(streak(&reviews, &clock), 4);
        let gap = reviews_at(&["2026-01-07T12:00:00Z", "2026-01-09T12:00:00Z"]);
        assert_eq!(
            streak(&gap, &clock),
            1,
            "yesterday still counts until today ends"
        );
        assert_eq!(streak(&reviews_at(&["2026-01-05T12:00:00Z"]), &clock), 0);
        // 03:00 on the 10th is the 9th's study day: the streak ends yesterday.
        assert_eq!(streak(&reviews_at(&["2026-01-10T03:00:00Z"]), &clock), 1);
    }

    #[test]
    fn streak_of_days_ignores_order_and_repeats() {
        assert_eq!(streak_of_days(vec![-1, 0, -2, 0, -5]), 3);
        assert_eq!(streak_of_days(vec![-2, -3]), 0);
        assert_eq!(streak_of_days(vec![]), 0);
    }

    #[test]
    fn the_streak_read_from_the_end_matches_the_whole_history() {
        let dir = tempfile::tempdir().unwrap();
        let clock = Clock::new(
            "2026-03-01T12:00:00Z".parse().unwrap(),
            jiff::tz::TimeZone::UTC,
            4,
        );
        let mut text = String::from(V1);
        let state = "0\t0\t0\t1\t5\tr\t1\t0";
        // 40 days of many answers each, a gap, then 10 more: long enough to need several chunks.
        let mut times = Vec::new();
        for day in (0..60).filter(|d| *d != 45) {
            for i in 0..200 {
                let at = clock.now_ms() - (60 - day) * 86_400_000 + i * 1000;
                text.push_str(&format!("r\t{at}\tdeck/card-{i}\t3\t100\t{state}\n"));
                times.push(at);
            }
        }
        let reviews = History::from_reviews(times.iter().map(|at| (*at, "k", Grade::Good, 100)));
        std::fs::create_dir_all(dir.path()).unwrap();
        std::fs::write(Store::journal_path(dir.path()), text).unwrap();
        let whole = streak(&read(dir.path()).unwrap(), &clock);
        assert_eq!(whole, streak(&reviews, &clock));
        assert_eq!(recent_streak(dir.path(), &clock).unwrap(), whole);
        assert_eq!(whole, 14);
    }

    /// A journal of `per_day` answers a day for `days` days up to the clock's day, skipping
    /// the days in `gaps` (days back from today), with keys `deck/card-{i}`.
    fn long_journal(clock: &Clock, days: i64, per_day: i64, gaps: &[i64]) -> String {
        let mut text = String::from(V1);
        let state = "0\t0\t0\t1\t5\tr\t1\t0";
        for back in (0..days).rev().filter(|d| !gaps.contains(d)) {
            for i in 0..per_day {
                let at = clock.now_ms() - back * 86_400_000 - 3_600_000 + i * 10;
                text.push_str(&format!("r\t{at}\tdeck/card-{i}\t3\t100\t{state}\n"));
            }
        }
        text
    }

    fn recent_of(text: &str, clock: &Clock, days_back: i32) -> (History, History) {
        let dir = tempfile::tempdir().unwrap();
        fs::write(Store::journal_path(dir.path()), text).unwrap();
        (
            read(dir.path()).unwrap(),
            read_recent(dir.path(), clock, days_back).unwrap(),
        )
    }

    fn clock() -> Clock {
        Clock::new(
            "2026-03-01T12:00:00Z".parse().unwrap(),
            jiff::tz::TimeZone::UTC,
            4,
        )
    }

    /// The reviews of `whole` from the start of the day `days_back` days ago.
    fn since(whole: &History, clock: &Clock, days_back: i32) -> Vec<(String, Millis)> {
        let from = clock.day_start_ms(Clock::add_days(clock.today(), -days_back));
        whole
            .iter()
            .filter(|(_, r)| r.at >= from)
            .map(|(k, r)| (k.to_owned(), r.at))
            .collect()
    }

    #[test]
    fn the_recent_part_holds_every_review_of_the_window_and_not_much_more() {
        let clock = clock();
        // 400 days of 300 answers (~30 kB a day): the window needs several chunks.
        let text = long_journal(&clock, 400, 300, &[5]);
        let (whole, recent) = recent_of(&text, &clock, 30);
        let got: Vec<(String, Millis)> = recent.iter().map(|(k, r)| (k.to_owned(), r.at)).collect();
        let want = since(&whole, &clock, 30);
        assert_eq!(got[got.len() - want.len()..], want[..]);
        assert!(recent.len() < whole.len() / 2, "{} read", recent.len());
        assert_eq!(streak(&recent, &clock), 5);
    }

    #[test]
    fn the_recent_part_reaches_back_as_far_as_the_streak() {
        let clock = clock();
        let text = long_journal(&clock, 400, 300, &[300]);
        let (whole, recent) = recent_of(&text, &clock, 10);
        assert_eq!(streak(&whole, &clock), 300);
        assert_eq!(streak(&recent, &clock), 300);
    }

    #[test]
    fn an_undo_in_the_recent_part_takes_out_its_review_and_a_short_journal_is_read_whole() {
        let clock = clock();
        let mut text = long_journal(&clock, 3, 2, &[]);
        text.push_str("u\t0\tdeck/card-1\t-\t-\t0\t0\t0\t0\t0\tn\t0\t0\n");
        let (whole, recent) = recent_of(&text, &clock, 30);
        assert_eq!(whole.len(), 5);
        let keys = |h: &History| -> Vec<(String, Millis)> {
            h.iter().map(|(k, r)| (k.to_owned(), r.at)).collect()
        };
        assert_eq!(keys(&recent), keys(&whole));
    }

    #[test]
    fn a_damaged_line_in_the_recent_part_is_named_by_its_line_in_the_journal() {
        let clock = clock();
        let mut text = long_journal(&clock, 400, 300, &[]);
        let lines = text.lines().count();
        text.push_str("r\t12\td/a\t9\t0\t0\t0\t0\t1\t1\tr\t1\t0\n");
        let dir = tempfile::tempdir().unwrap();
        fs::write(Store::journal_path(dir.path()), text).unwrap();
        let e = read_recent(dir.path(), &clock, 30).unwrap_err().to_string();
        assert!(e.contains(&format!(":{}:", lines + 1)), "{e}");
        assert!(
            read_recent(tempfile::tempdir().unwrap().path(), &clock, 30)
                .unwrap()
                .is_empty()
        );
    }
}
