//! The review history: every answer in the journal, with undone ones taken out. Read whole,
//! for the summary's streak, `stats` and `optimize`; the quiz itself never needs it.

use std::fs;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::Path;

use super::journal::{Entry, check_header};
use super::{Store, StoreError, io_err};
use crate::clock::{Clock, Millis};
use crate::schedule::Grade;

#[derive(Debug, Clone, PartialEq)]
pub struct Review {
    pub at: Millis,
    pub key: String,
    pub grade: Grade,
    pub took_ms: u32,
}

pub fn read(dir: &Path) -> Result<Vec<Review>, StoreError> {
    let path = Store::journal_path(dir);
    let bytes = match fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(io_err(&path)(e)),
    };
    let start = match check_header(&bytes) {
        Ok(Some(start)) => start,
        Ok(None) => return Ok(Vec::new()),
        Err(_) => {
            return Err(super::damaged_at(
                dir,
                &path,
                1,
                "the first line is not a smriti journal header".into(),
            ));
        }
    };
    let mut reviews: Vec<Review> = Vec::new();
    for (line_no, raw) in (2..).zip(bytes[start..].split_inclusive(|b| *b == b'\n')) {
        if raw.last() != Some(&b'\n') {
            break;
        }
        match Entry::parse(&raw[..raw.len() - 1])
            .map_err(|r| super::damaged_at(dir, &path, line_no, r))?
        {
            Entry::Review {
                at,
                key,
                grade,
                took_ms,
                ..
            } => reviews.push(Review {
                at,
                key,
                grade,
                took_ms,
            }),
            Entry::Undo { key, .. } => {
                if let Some(i) = reviews.iter().rposition(|r| r.key == key) {
                    reviews.remove(i);
                }
            }
        }
    }
    Ok(reviews)
}

/// The streak, read from the end of the journal only as far back as it reaches, so a long
/// history costs nothing at the end of a session. Days with an answer that was later undone
/// still count: the user studied that day.
pub fn recent_streak(dir: &Path, clock: &Clock) -> Result<u32, StoreError> {
    let path = Store::journal_path(dir);
    let mut file = match fs::File::open(&path) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(io_err(&path)(e)),
    };
    let len = file.metadata().map_err(io_err(&path))?.len();
    let mut end = len;
    let mut chunk: u64 = 64 * 1024;
    let mut times: Vec<Millis> = Vec::new();
    loop {
        let start = end.saturating_sub(chunk);
        let mut buf = vec![0; (end - start) as usize];
        file.seek(SeekFrom::Start(start)).map_err(io_err(&path))?;
        file.read_exact(&mut buf).map_err(io_err(&path))?;
        // Unless at the start of the file, the first line may be cut: leave it for the next chunk.
        let skip = if start == 0 {
            0
        } else {
            buf.iter()
                .position(|b| *b == b'\n')
                .map_or(buf.len(), |i| i + 1)
        };
        for line in buf[skip..].split(|b| *b == b'\n') {
            let mut fields = line.split(|b| *b == b'\t');
            if fields.next() == Some(b"r")
                && let Some(at) = fields
                    .next()
                    .and_then(|f| std::str::from_utf8(f).ok()?.parse().ok())
            {
                times.push(at);
            }
        }
        let streak = streak_of_times(&times, clock);
        let oldest = times.iter().min().map(|t| clock.study_day_ms(*t));
        let reached = Clock::add_days(clock.today(), -(streak as i32) - 1);
        if start == 0 || oldest.is_some_and(|d| d < reached) {
            return Ok(streak);
        }
        end = start + skip as u64;
        chunk = chunk.saturating_mul(2);
    }
}

/// Days in a row with at least one review, ending today (or yesterday, if nothing yet today).
pub fn streak(reviews: &[Review], clock: &Clock) -> u32 {
    streak_of_times(&reviews.iter().map(|r| r.at).collect::<Vec<_>>(), clock)
}

fn streak_of_times(times: &[Millis], clock: &Clock) -> u32 {
    let mut days: Vec<jiff::civil::Date> = times.iter().map(|t| clock.study_day_ms(*t)).collect();
    days.sort_unstable();
    days.dedup();
    let today = clock.today();
    let mut expect = if days.last() == Some(&today) {
        today
    } else {
        Clock::add_days(today, -1)
    };
    let mut n = 0;
    for day in days.iter().rev() {
        if *day == expect {
            n += 1;
            expect = Clock::add_days(expect, -1);
        } else if *day < expect {
            break;
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    fn review(at: &str) -> Review {
        let ts: jiff::Timestamp = at.parse().unwrap();
        Review {
            at: ts.as_millisecond(),
            key: "k".into(),
            grade: Grade::Good,
            took_ms: 0,
        }
    }

    #[test]
    fn streak_counts_study_days_in_a_row_across_the_day_start_hour() {
        let clock = Clock::new(
            "2026-01-10T12:00:00Z".parse().unwrap(),
            jiff::tz::TimeZone::UTC,
            4,
        );
        let reviews = vec![
            review("2026-01-07T12:00:00Z"),
            // 02:00 on the 9th is still the 8th's study day.
            review("2026-01-09T02:00:00Z"),
            review("2026-01-09T12:00:00Z"),
            review("2026-01-10T05:00:00Z"),
        ];
        assert_eq!(streak(&reviews, &clock), 4);
        let gap = vec![
            review("2026-01-07T12:00:00Z"),
            review("2026-01-09T12:00:00Z"),
        ];
        assert_eq!(
            streak(&gap, &clock),
            1,
            "yesterday still counts until today ends"
        );
        assert_eq!(streak(&[review("2026-01-05T12:00:00Z")], &clock), 0);
    }

    #[test]
    fn the_streak_read_from_the_end_matches_the_whole_history() {
        let dir = tempfile::tempdir().unwrap();
        let clock = Clock::new(
            "2026-03-01T12:00:00Z".parse().unwrap(),
            jiff::tz::TimeZone::UTC,
            4,
        );
        let mut text = String::from(crate::store::journal::HEADER);
        let state = "0\t0\t0\t1\t5\tr\t1\t0";
        // 40 days of many answers each, a gap, then 10 more: long enough to need several chunks.
        let mut reviews = Vec::new();
        for day in (0..60).filter(|d| *d != 45) {
            for i in 0..200 {
                let at = clock.now_ms() - (60 - day) * 86_400_000 + i * 1000;
                text.push_str(&format!("r\t{at}\tdeck/card-{i}\t3\t100\t{state}\n"));
                reviews.push(Review {
                    at,
                    key: format!("deck/card-{i}"),
                    grade: Grade::Good,
                    took_ms: 100,
                });
            }
        }
        std::fs::create_dir_all(dir.path()).unwrap();
        std::fs::write(Store::journal_path(dir.path()), text).unwrap();
        let whole = streak(&read(dir.path()).unwrap(), &clock);
        assert_eq!(whole, streak(&reviews, &clock));
        assert_eq!(recent_streak(dir.path(), &clock).unwrap(), whole);
        assert_eq!(whole, 14);
    }
}
