//! The review history: every answer in the journal, with undone ones taken out. Read whole
//! (`read`), or only its recent part from the end of the journal (`read_recent`, for `stats`,
//! and `recent_streak` for the quiz summary); the quiz itself never needs it.

use std::fs;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use super::journal::{self, Kind, check_header};
use super::{Store, StoreError, io_err};
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
    let path = Store::journal_path(dir);
    if !super::check_regular(&path)? {
        return Ok(History::default());
    }
    let buf = fs::read(&path).map_err(io_err(&path))?;
    let Some((version, start)) = header(dir, &path, &buf)? else {
        return Ok(History::default());
    };
    let reviews = reviews_of(&buf, start, version)
        .map_err(|(i, r)| super::damaged_at(dir, &path, i + 2, r))?;
    Ok(History { buf, reviews })
}

/// The journal's version and first line, `None` for a journal with no whole header yet.
fn header(dir: &Path, path: &Path, head: &[u8]) -> Result<Option<(u32, usize)>, StoreError> {
    match check_header(head) {
        Ok(found) => Ok(found),
        Err(journal::HeaderError::Newer(found)) => Err(StoreError::Newer {
            path: path.display().to_string(),
            found,
            backup: super::backup::newest_clean(dir),
        }),
        Err(journal::HeaderError::Invalid(reason)) => Err(super::damaged_at(dir, path, 1, reason)),
    }
}

/// The reviews in `buf[start..]`, which holds whole journal lines of `version`. An undo takes
/// out the review it names (a v1 undo: the latest earlier review of its key). A damaged line
/// is an error with its index (0 for the line at `start`).
fn reviews_of(buf: &[u8], start: usize, version: u32) -> Result<Vec<Review>, (usize, String)> {
    // Journal lines are about 130 bytes: one allocation instead of twenty doublings.
    let mut reviews: Vec<Review> = Vec::with_capacity((buf.len() - start) / 128);
    let base = buf.as_ptr() as usize;
    super::read_lines_by(&buf[start..], version, journal::parse_line_head, |line| {
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
    Ok(reviews)
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
    let path = Store::journal_path(dir);
    if !super::check_regular(&path)? {
        return Ok(Vec::new());
    }
    let buf = fs::read(&path).map_err(io_err(&path))?;
    let Some((version, start)) = header(dir, &path, &buf)? else {
        return Ok(Vec::new());
    };
    let mut current = journal::new_card_state();
    // With each answer's id, which an undo names (0 on a v1 journal).
    let mut found: Vec<(u64, CardReview)> = Vec::new();
    super::read_lines_by(&buf[start..], version, journal::parse_line, |line| {
        if line.key != key {
            return;
        }
        match line.kind {
            Kind::Review(grade) => found.push((
                line.id.unwrap_or(0),
                CardReview {
                    at: line.at,
                    grade,
                    before: current,
                    after: line.state,
                },
            )),
            Kind::Undo => {
                let undone = match line.undoes {
                    Some(id) => found.iter().rposition(|(i, _)| *i == id),
                    None => found.len().checked_sub(1),
                };
                if let Some(i) = undone {
                    found.remove(i);
                }
            }
            Kind::Other(_) => {}
        }
        current = line.state;
    })
    .map_err(|(i, r)| super::damaged_at(dir, &path, i + 2, r))?;
    Ok(found.into_iter().map(|(_, r)| r).collect())
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
pub fn read_recent(dir: &Path, clock: &Clock, days_back: i32) -> Result<History, StoreError> {
    if dir.join(UNORDERED).exists() {
        return read(dir);
    }
    let path = Store::journal_path(dir);
    if !super::check_regular(&path)? {
        return Ok(History::default());
    }
    let mut file = fs::File::open(&path).map_err(io_err(&path))?;
    let len = file.metadata().map_err(io_err(&path))?.len();
    let read_at = |file: &mut fs::File, from: u64, to: u64| -> Result<Vec<u8>, StoreError> {
        let mut buf = vec![0; (to - from) as usize];
        file.seek(SeekFrom::Start(from)).map_err(io_err(&path))?;
        file.read_exact(&mut buf).map_err(io_err(&path))?;
        Ok(buf)
    };
    let head = read_at(&mut file, 0, len.min(HEAD_BYTES))?;
    let Some((version, body)) = header(dir, &path, &head)? else {
        return Ok(History::default());
    };
    let body = body as u64;
    let today = clock.today();
    let mut cursor = DayCursor::new(clock);
    // Bytes `tail_start..len` of the journal, starting at a line start.
    let mut tail: Vec<u8> = Vec::new();
    let mut tail_start = len;
    // The study days of the reviews read so far, undone ones included: their streak is at
    // least the true one, so reading back past it is enough.
    let mut days: Vec<i32> = Vec::new();
    let mut chunk: u64 = 64 * 1024;
    while tail_start > body {
        let from = tail_start.saturating_sub(chunk).max(body);
        let mut piece = read_at(&mut file, from, tail_start)?;
        // Unless at the first entry, the piece's first line may be cut: it is read again,
        // whole, with the next chunk.
        let skip = if from == body {
            0
        } else {
            memchr::memchr(b'\n', &piece).map_or(piece.len(), |i| i + 1)
        };
        let mut newest: Option<Millis> = None;
        for line in piece[skip..].split(|b| *b == b'\n') {
            if let Some(at) = review_time(line, version) {
                days.push(cursor.offset(at));
                newest = newest.max(Some(at));
            }
        }
        piece.drain(..skip);
        piece.extend_from_slice(&tail);
        tail = piece;
        tail_start = from + skip as u64;
        let streak = streak_of_days(days.clone()) as i32;
        let first_needed = Clock::add_days(today, -days_back.max(streak + 1));
        if newest.is_some_and(|t| t < clock.day_start_ms(first_needed)) {
            break;
        }
        chunk = chunk.saturating_mul(2);
    }
    let reviews = reviews_of(&tail, 0, version).map_err(|(i, r)| {
        // Only on this error path is the journal counted up to the tail, for the line number.
        let before =
            read_at(&mut file, 0, tail_start).map_or(0, |b| memchr::memchr_iter(b'\n', &b).count());
        super::damaged_at(dir, &path, before + i + 1, r)
    })?;
    Ok(History { buf: tail, reviews })
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
