//! Time as the scheduler sees it: the current instant (fixed by `--now`/`SMRITI_NOW` for tests
//! and planning) and study days that roll over at the configured local hour, as in Anki.

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};

/// Milliseconds since the Unix epoch: how the state file stores instants.
pub type Millis = i64;

#[derive(Debug, Clone)]
pub struct Clock {
    pub now: Timestamp,
    pub tz: TimeZone,
    pub day_start_hour: u8,
}

impl Clock {
    pub fn new(now: Timestamp, tz: TimeZone, day_start_hour: u8) -> Clock {
        Clock {
            now,
            tz,
            day_start_hour,
        }
    }

    pub fn now_ms(&self) -> Millis {
        self.now.as_millisecond()
    }

    /// The study day an instant belongs to: before the day-start hour it is still yesterday.
    pub fn study_day(&self, at: Timestamp) -> Date {
        // The local date and time without a zoned value: making one clones the zone, a
        // shared counter that `plan`'s threads would contend on for every answer.
        let local = self.tz.to_datetime(at);
        let date = local.date();
        if local.hour() < self.day_start_hour as i8 {
            date.yesterday().unwrap_or(date)
        } else {
            date
        }
    }

    pub fn study_day_ms(&self, at: Millis) -> Date {
        self.study_day(from_ms(at))
    }

    pub fn today(&self) -> Date {
        self.study_day(self.now)
    }

    /// The instant a study day begins (resolving a DST gap the way Anki's clock does: later).
    pub fn day_start(&self, day: Date) -> Timestamp {
        self.tz
            .to_timestamp(day.at(self.day_start_hour as i8, 0, 0, 0))
            .unwrap_or(self.now)
    }

    pub fn day_start_ms(&self, day: Date) -> Millis {
        self.day_start(day).as_millisecond()
    }

    /// Whole study days from `earlier`'s day to `later`'s day.
    pub fn days_between(&self, earlier: Millis, later: Millis) -> i32 {
        let a = self.study_day_ms(earlier);
        let b = self.study_day_ms(later);
        (b - a).get_days()
    }

    pub fn add_days(day: Date, n: i32) -> Date {
        day.checked_add(n.days()).unwrap_or(day)
    }
}

/// A clock at `at` (RFC 3339) in UTC with Anki's 4 a.m. day start, for tests.
#[cfg(test)]
pub(crate) fn utc(at: &str) -> Clock {
    Clock::new(at.parse().expect("an RFC 3339 time"), TimeZone::UTC, 4)
}

pub fn from_ms(ms: Millis) -> Timestamp {
    Timestamp::from_millisecond(ms).unwrap_or(Timestamp::UNIX_EPOCH)
}

/// Maps instants to study days, relative to today, cheaply when they come mostly in time order
/// (as a journal's do): the bounds of the last day seen are kept, so most lookups are two
/// comparisons instead of a time-zone conversion. Stats runs a million reviews through this.
#[derive(Debug, Clone)]
pub struct DayCursor<'a> {
    clock: &'a Clock,
    today: Date,
    start: Millis,
    end: Millis,
    offset: i32,
}

impl<'a> DayCursor<'a> {
    pub fn new(clock: &'a Clock) -> DayCursor<'a> {
        DayCursor {
            clock,
            today: clock.today(),
            start: 0,
            end: 0,
            offset: 0,
        }
    }

    /// The study day `at` falls in, as days from today (0 today, -1 yesterday, 1 tomorrow).
    pub fn offset(&mut self, at: Millis) -> i32 {
        if at < self.start || at >= self.end {
            let day = self.clock.study_day_ms(at);
            self.start = self.clock.day_start_ms(day);
            self.end = self.clock.day_start_ms(Clock::add_days(day, 1));
            self.offset = (day - self.today).get_days();
            if self.start > at || self.end <= self.start {
                // A day the time zone cannot start cleanly (a DST gap at the start hour):
                // answer this one lookup without caching it.
                self.end = self.start;
            }
        }
        self.offset
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clock_at(rfc3339: &str) -> Clock {
        Clock::new(
            rfc3339.parse().unwrap(),
            TimeZone::get("Asia/Kolkata").unwrap(),
            4,
        )
    }

    #[test]
    fn before_the_day_start_hour_it_is_still_yesterday() {
        // 03:59 IST on the 10th belongs to the 9th; 04:00 starts the 10th.
        let c = clock_at("2026-03-09T22:29:00Z");
        assert_eq!(c.today(), jiff::civil::date(2026, 3, 9));
        let c = clock_at("2026-03-09T22:30:00Z");
        assert_eq!(c.today(), jiff::civil::date(2026, 3, 10));
    }

    #[test]
    fn day_start_is_the_configured_local_hour() {
        let c = clock_at("2026-03-10T12:00:00Z");
        let start = c.day_start(jiff::civil::date(2026, 3, 10));
        assert_eq!(start.to_string(), "2026-03-09T22:30:00Z");
    }

    #[test]
    fn days_between_counts_study_days_not_24_hour_periods() {
        let c = clock_at("2026-03-10T12:00:00Z");
        let late_evening: Timestamp = "2026-03-09T17:00:00Z".parse().unwrap(); // 22:30 IST on the 9th
        let next_morning: Timestamp = "2026-03-09T23:00:00Z".parse().unwrap(); // 04:30 IST on the 10th
        assert_eq!(
            c.days_between(late_evening.as_millisecond(), next_morning.as_millisecond()),
            1
        );
        let after_midnight: Timestamp = "2026-03-09T20:00:00Z".parse().unwrap(); // 01:30 IST on the 10th
        assert_eq!(
            c.days_between(
                late_evening.as_millisecond(),
                after_midnight.as_millisecond()
            ),
            0
        );
    }

    #[test]
    fn the_day_cursor_agrees_with_study_days_in_any_order() {
        let c = clock_at("2026-03-10T12:00:00Z");
        let mut cursor = DayCursor::new(&c);
        let hour = 3_600_000;
        let base = c.now_ms() - 5 * 24 * hour;
        // Forwards, then backwards and jumping, across several day starts.
        let times: Vec<Millis> = (0..200)
            .map(|i| base + i * hour / 2)
            .chain([base, c.now_ms(), base - 40 * 24 * hour, base + 17 * hour])
            .collect();
        for at in times {
            let expect = (c.study_day_ms(at) - c.today()).get_days();
            assert_eq!(cursor.offset(at), expect, "at {at}");
        }
    }
}

/// Where "now" comes from: fixed by `--now`/`SMRITI_NOW`, or the system clock at each call.
#[derive(Debug, Clone)]
pub struct TimeSource {
    pub fixed: Option<Timestamp>,
    pub tz: TimeZone,
    pub day_start_hour: u8,
}

impl TimeSource {
    pub fn clock(&self) -> Clock {
        Clock::new(
            self.fixed.unwrap_or_else(Timestamp::now),
            self.tz.clone(),
            self.day_start_hour,
        )
    }
}
