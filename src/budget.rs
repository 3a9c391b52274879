//! The daily budget: how many cards (reviews and new) a study day may ask. It is
//! `max_reviews_per_day`, or fewer when `minutes_per_day` is set and the user's own median
//! answer time says fewer fit. Pure: the caller reads the history.

use crate::config::Config;
use crate::store::history::History;

/// Seconds an answer is taken to cost before the user has given enough answers to measure
/// (Anki's simulator assumes a few seconds for a review and more for a new card; flashcards
/// of dense exam facts take longer).
pub const DEFAULT_ANSWER_SECS: f64 = 12.0;
/// Answers needed before the median of the user's own times is trusted.
const MIN_TIMED_ANSWERS: usize = 20;
/// Answers slower than this are a user who walked away, not a measure of effort.
const LONGEST_ANSWER_MS: u32 = 5 * 60 * 1000;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Budget {
    /// Cards a study day may ask.
    pub cards: usize,
    /// Seconds an answer is expected to take, for turning answers into minutes.
    pub secs_per_answer: f64,
}

impl Budget {
    pub fn new(config: &Config, secs_per_answer: f64) -> Budget {
        Budget::with_cards(config, config.max_reviews_per_day as usize, secs_per_answer)
    }

    /// `cards` in place of `max_reviews_per_day` (for `plan --budget N`); `minutes_per_day`
    /// still applies.
    pub fn with_cards(config: &Config, cards: usize, secs_per_answer: f64) -> Budget {
        let by_time = config
            .minutes_per_day
            .map(|m| (f64::from(m) * 60.0 / secs_per_answer).floor() as usize);
        Budget {
            cards: by_time.map_or(cards, |t| t.min(cards)).max(1),
            secs_per_answer,
        }
    }
}

/// The median time the user takes to answer, in seconds, from their history; the default
/// before there are enough timed answers.
pub fn answer_secs(history: &History) -> f64 {
    let mut times: Vec<u32> = history
        .reviews
        .iter()
        .map(|r| r.took_ms)
        .filter(|ms| (1..=LONGEST_ANSWER_MS).contains(ms))
        .collect();
    if times.len() < MIN_TIMED_ANSWERS {
        return DEFAULT_ANSWER_SECS;
    }
    let mid = times.len() / 2;
    let (_, median, _) = times.select_nth_unstable(mid);
    f64::from(*median) / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::Grade;

    fn history(times: &[u32]) -> History {
        History::from_reviews(times.iter().map(|&t| (0, "d/c", Grade::Good, t)))
    }

    #[test]
    fn the_median_answer_time_comes_from_the_users_own_answers() {
        let times: Vec<u32> = (1..=41).map(|i| i * 1000).collect();
        assert_eq!(answer_secs(&history(&times)), 21.0);
        // Too few answers: the default.
        assert_eq!(answer_secs(&history(&[3000; 5])), DEFAULT_ANSWER_SECS);
        // Walk-aways are not counted.
        let mut long = vec![4000; 25];
        long.extend([3_600_000; 30]);
        assert_eq!(answer_secs(&history(&long)), 4.0);
    }

    #[test]
    fn minutes_per_day_lower_the_budget_at_the_users_pace() {
        let config = Config {
            minutes_per_day: Some(20),
            ..Config::default()
        };
        // 20 minutes at 10 s an answer is 120 cards, under the default 200.
        assert_eq!(Budget::new(&config, 10.0).cards, 120);
        // At 2 s an answer 600 would fit: the review limit still holds.
        assert_eq!(Budget::new(&config, 2.0).cards, 200);
        assert_eq!(Budget::new(&Config::default(), 10.0).cards, 200);
        assert_eq!(Budget::with_cards(&Config::default(), 50, 10.0).cards, 50);
    }
}
