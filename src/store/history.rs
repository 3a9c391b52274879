//! The review history: every answer in the journal, with undone ones taken out. Read whole,
//! for the summary's streak, `stats` and `optimize`; the quiz itself never needs it.

use std::fs;
use std::io;
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

/// Days in a row with at least one review, ending today (or yesterday, if nothing yet today).
pub fn streak(reviews: &[Review], clock: &Clock) -> u32 {
    let mut days: Vec<jiff::civil::Date> =
        reviews.iter().map(|r| clock.study_day_ms(r.at)).collect();
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
}
