//! Review logs in the open-spaced-repetition CSV form that py-fsrs, the FSRS optimizer and the
//! FSRS benchmarks use: a header row, then one review a row with `card_id`, `review_time`
//! (Unix milliseconds, or an RFC 3339 time), `review_rating` (1–4) and optionally
//! `review_duration` (milliseconds). We add `card_key` (our `deck-id/card-id`) when we write
//! one, and need it to put a review back on one of our cards; a log with only numeric card ids
//! can still be fitted on (`smriti optimize --log`). Other columns are ignored.
//!
//! Putting reviews back replays each card's answers through the scheduler, so its memory,
//! phase and due date are what answering them here would have given.

use std::collections::BTreeMap;
use std::path::Path;

use rustc_hash::FxHashMap;

use super::ImportError;
use super::table::{self, Dialect, RowRef};
use crate::clock::{Clock, Millis, from_ms};
use crate::schedule::{CardState, Grade, Phase, Scheduler};
use crate::store::States;
use crate::store::history::History;
use crate::store::journal::Entry;

/// The columns, in the order `export --history` writes them.
pub const COLUMNS: &[&str] = &[
    "card_id",
    "review_time",
    "review_rating",
    "review_duration",
    "card_key",
];

/// A review log as read. Card names are kept once each (a log of a million reviews names
/// a hundred thousand cards), and each review points at them by index.
#[derive(Debug, Default)]
pub struct Log {
    pub names: Vec<String>,
    index: FxHashMap<String, u32>,
    pub reviews: Vec<LogReview>,
}

/// One review of a log: its card's `card_id` and `card_key` as indexes into `Log::names`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LogReview {
    pub card_id: Option<u32>,
    pub card_key: Option<u32>,
    pub at: Millis,
    pub grade: Grade,
    pub took_ms: u32,
}

impl Log {
    fn intern(&mut self, name: &str) -> u32 {
        if let Some(&i) = self.index.get(name) {
            return i;
        }
        let i = self.names.len() as u32;
        self.names.push(name.to_owned());
        self.index.insert(name.to_owned(), i);
        i
    }

    pub fn name(&self, i: u32) -> &str {
        self.names.get(i as usize).map_or("", String::as_str)
    }

    pub fn len(&self) -> usize {
        self.reviews.len()
    }

    pub fn is_empty(&self) -> bool {
        self.reviews.is_empty()
    }
}

/// The columns a log's header row names, by position.
struct Columns {
    id: Option<usize>,
    key: Option<usize>,
    time: usize,
    rating: usize,
    duration: Option<usize>,
}

/// Reads a review log, streaming (a log may hold a million reviews). Every bad row is
/// reported with its line and column, up to `MAX_ERRORS` of them.
pub fn read(path: &Path, text: &str) -> Result<Log, Vec<ImportError>> {
    let dialect = Dialect {
        delimiter: if path.extension().is_some_and(|e| e == "tsv") {
            b'\t'
        } else {
            b','
        },
        comment: None,
    };
    let mut columns: Option<Columns> = None;
    let mut log = Log::default();
    log.reviews.reserve(text.len() / 48);
    let mut errors = Vec::new();
    table::for_each_row(path, text, 0, dialect, |row| {
        if errors.len() >= MAX_ERRORS {
            return;
        }
        let Some(c) = &columns else {
            match header(path, row) {
                Ok(c) => columns = Some(c),
                Err(e) => errors.push(e),
            }
            return;
        };
        if row.record.iter().all(|c| c.trim().is_empty()) {
            return;
        }
        match review(path, c, row, &mut log) {
            Ok(r) => log.reviews.push(r),
            Err(e) => errors.push(e),
        }
    })
    .map_err(|e| vec![e])?;
    if columns.is_none() && errors.is_empty() {
        errors.push(ImportError::at(
            path,
            1,
            1,
            format!(
                "the file is empty; expected a header row ({})",
                COLUMNS.join(",")
            ),
        ));
    }
    if errors.is_empty() {
        Ok(log)
    } else {
        Err(errors)
    }
}

/// Errors reported before reading stops: enough to see a pattern, not a screenful per row.
const MAX_ERRORS: usize = 20;

fn header(path: &Path, row: &RowRef<'_>) -> Result<Columns, ImportError> {
    let col = |name: &str| row.record.iter().position(|c| c.trim() == name);
    let (time, rating) = (col("review_time"), col("review_rating"));
    let (id, key) = (col("card_id"), col("card_key"));
    let missing: Vec<&str> = [("review_time", time), ("review_rating", rating)]
        .into_iter()
        .filter(|(_, c)| c.is_none())
        .map(|(n, _)| n)
        .chain((id.is_none() && key.is_none()).then_some("card_id or card_key"))
        .collect();
    match (time, rating) {
        (Some(time), Some(rating)) if missing.is_empty() => Ok(Columns {
            id,
            key,
            time,
            rating,
            duration: col("review_duration"),
        }),
        _ => Err(ImportError::at(
            path,
            1,
            1,
            format!(
                "the header row lacks {}; a review log needs card_id (or card_key), review_time and review_rating",
                missing.join(", ")
            ),
        )),
    }
}

fn review(
    path: &Path,
    c: &Columns,
    row: &RowRef<'_>,
    log: &mut Log,
) -> Result<LogReview, ImportError> {
    let bad = |i: usize, message: String| {
        let (line, col) = row.at(i);
        ImportError::at(path, line, col, message)
    };
    let cell = |i: Option<usize>| i.and_then(|i| row.cell(i));
    let time = cell(Some(c.time)).unwrap_or_default();
    let at = parse_time(time).ok_or_else(|| {
        bad(
            c.time,
            format!("`review_time` must be Unix milliseconds or an RFC 3339 time, not `{time}`"),
        )
    })?;
    let rating = cell(Some(c.rating)).unwrap_or_default();
    let grade = rating
        .parse::<u8>()
        .ok()
        .and_then(Grade::from_number)
        .ok_or_else(|| {
            bad(
                c.rating,
                format!("`review_rating` must be 1, 2, 3 or 4, not `{rating}`"),
            )
        })?;
    let took_ms = match cell(c.duration) {
        None => 0,
        Some(d) => match d.parse::<f64>() {
            Ok(ms) if (0.0..=f64::from(u32::MAX)).contains(&ms) => ms.round() as u32,
            _ => {
                return Err(bad(
                    c.duration.unwrap_or(0),
                    format!("`review_duration` must be milliseconds, not `{d}`"),
                ));
            }
        },
    };
    let card_key = cell(c.key).map(|k| log.intern(k));
    let card_id = cell(c.id).map(|i| log.intern(i));
    if card_key.is_none() && card_id.is_none() {
        return Err(bad(
            c.key.or(c.id).unwrap_or(0),
            "the row names no card".to_owned(),
        ));
    }
    Ok(LogReview {
        card_id,
        card_key,
        at,
        grade,
        took_ms,
    })
}

/// Unix milliseconds (digits), else an RFC 3339 time.
fn parse_time(s: &str) -> Option<Millis> {
    if s.bytes().all(|b| b.is_ascii_digit()) {
        return s.parse().ok();
    }
    s.parse::<jiff::Timestamp>()
        .ok()
        .map(|t| t.as_millisecond())
}

/// One review replayed: its card (an index into `Log::names`) and the state it leads to.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Replay {
    pub card: u32,
    pub at: Millis,
    pub grade: Grade,
    pub took_ms: u32,
    pub state: CardState,
}

/// What putting a log back onto cards did.
#[derive(Debug, Default, PartialEq)]
pub struct Replayed {
    /// The reviews to record, in time order.
    pub reviews: Vec<Replay>,
    pub cards: usize,
    /// Rows whose card key no deck has, by key.
    pub unknown: BTreeMap<String, usize>,
    /// Rows with no card key at all.
    pub keyless: usize,
    /// Reviews not after the card's latest answer here (already recorded, or older).
    pub older: usize,
}

impl Replayed {
    /// The journal entries, made one at a time as they are written.
    pub fn entries<'a>(&'a self, log: &'a Log) -> impl Iterator<Item = Entry> + 'a {
        self.reviews.iter().map(|r| Entry::Review {
            at: r.at,
            key: log.name(r.card).to_owned(),
            grade: r.grade,
            took_ms: r.took_ms,
            state: r.state,
        })
    }
}

/// Replays each known card's reviews, oldest first, from its state here through the
/// scheduler. A review at or before the card's last answer here is skipped, so importing the
/// same log twice changes nothing.
pub fn replay(
    log: &Log,
    known: impl Fn(&str) -> bool,
    states: &States,
    scheduler: &Scheduler,
    clock: &Clock,
) -> Replayed {
    let mut r = Replayed::default();
    let mut by_card: FxHashMap<u32, Vec<&LogReview>> = FxHashMap::default();
    for review in &log.reviews {
        match review.card_key {
            None => r.keyless += 1,
            Some(key) if !known(log.name(key)) => {
                *r.unknown.entry(log.name(key).to_owned()).or_default() += 1;
            }
            Some(key) => by_card.entry(key).or_default().push(review),
        }
    }
    r.reviews.reserve(by_card.values().map(Vec::len).sum());
    for (card, mut reviews) in by_card {
        let key = log.name(card);
        reviews.sort_by_key(|v| v.at);
        let mut state: Option<CardState> = states.get(key).filter(|s| s.phase != Phase::New);
        let mut any = false;
        for v in reviews {
            if state.is_some_and(|s| v.at <= s.last) {
                r.older += 1;
                continue;
            }
            let at = Clock::new(from_ms(v.at), clock.tz.clone(), clock.day_start_hour);
            let next = scheduler.answer(state.as_ref(), v.grade, &at, key);
            r.reviews.push(Replay {
                card,
                at: v.at,
                grade: v.grade,
                took_ms: v.took_ms,
                state: next,
            });
            state = Some(next);
            any = true;
        }
        r.cards += usize::from(any);
    }
    // The journal is kept in time order (the history's recent part is read from its end);
    // the card breaks ties so the order does not depend on the hash map's.
    r.reviews.sort_by_key(|v| (v.at, v.card));
    r
}

/// A log as a history to fit on, each card named by its id (or key), in time order.
pub fn as_history(log: &Log) -> History {
    let mut sorted: Vec<&LogReview> = log.reviews.iter().collect();
    sorted.sort_by_key(|v| v.at);
    History::from_reviews(sorted.into_iter().map(|v| {
        let name = v.card_id.or(v.card_key).map_or("", |i| log.name(i));
        (v.at, name, v.grade, v.took_ms)
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::tz::TimeZone;

    fn log(text: &str) -> Result<Log, Vec<ImportError>> {
        read(Path::new("log.csv"), text)
    }

    #[test]
    fn times_are_millis_or_rfc_3339_and_extra_columns_are_ignored() {
        let log = log(
            "card_id,review_th,review_time,review_rating,review_duration\n\
             7,1,1700000000000,3,5400\n7,2,2023-11-15T22:13:20Z,1,\n",
        )
        .unwrap();
        let rows = &log.reviews;
        assert_eq!(rows[0].at, 1_700_000_000_000);
        assert_eq!(rows[1].at, 1_700_086_400_000);
        assert_eq!((rows[0].grade, rows[0].took_ms), (Grade::Good, 5400));
        assert_eq!((rows[1].grade, rows[1].took_ms), (Grade::Again, 0));
        assert_eq!(rows[0].card_id.map(|i| log.name(i)), Some("7"));
        assert_eq!(rows[1].card_id, rows[0].card_id, "one name per card");
        assert_eq!(log.names.len(), 1);
    }

    #[test]
    fn bad_rows_are_located() {
        let e = log("card_key,review_time,review_rating\nd/a,yesterday,3\nd/a,1700000000000,5\n")
            .unwrap_err();
        let shown: Vec<String> = e.iter().map(ToString::to_string).collect();
        assert_eq!(
            shown[0],
            "log.csv:2:5: `review_time` must be Unix milliseconds or an RFC 3339 time, not `yesterday`"
        );
        assert_eq!(
            shown[1],
            "log.csv:3:19: `review_rating` must be 1, 2, 3 or 4, not `5`"
        );
        let e = log("card_key,review_rating\nd/a,3\n").unwrap_err();
        assert!(e[0].to_string().contains("lacks review_time"), "{}", e[0]);
    }

    #[test]
    fn replay_skips_unknown_cards_and_what_is_already_here() {
        let clock = Clock::new("2026-11-24T10:00:00Z".parse().unwrap(), TimeZone::UTC, 4);
        let sched = Scheduler::new(&[], 0.9, 1).unwrap();
        let day = 86_400_000;
        let t0 = clock.now_ms() - 10 * day;
        let log = log(&format!(
            "card_id,card_key,review_time,review_rating,review_duration\n\
             ,d/a,{t0},3,1\n,d/x,{t0},3,0\n9,,{t0},3,0\n,d/a,{},1,2\n",
            t0 + 3 * day
        ))
        .unwrap();
        let known = |k: &str| k == "d/a";
        let r = replay(&log, known, &States::default(), &sched, &clock);
        assert_eq!((r.reviews.len(), r.cards, r.keyless, r.older), (2, 1, 1, 0));
        assert_eq!(r.unknown.get("d/x"), Some(&1));
        let entries: Vec<Entry> = r.entries(&log).collect();
        let Entry::Review {
            state,
            key,
            took_ms,
            ..
        } = &entries[1]
        else {
            panic!("{entries:?}")
        };
        assert_eq!((key.as_str(), *took_ms), ("d/a", 2));
        assert_eq!(
            (state.reps, state.lapses, state.phase),
            (2, 1, Phase::Relearning)
        );
        // Once they are here, the same rows are all older than the card's last answer.
        let mut states = States::default();
        states.insert("d/a".into(), *state);
        let again = replay(&log, known, &states, &sched, &clock);
        assert_eq!((again.reviews.len(), again.older), (0, 2));
    }
}
