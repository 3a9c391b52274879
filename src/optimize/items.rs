//! The user's answers as the `fsrs` crate's training data: one `FSRSItem` per answer, holding
//! that card's answers up to and including it, with the gaps counted in whole study days (the
//! days the scheduler counts, which start at the configured hour).
//!
//! Only answers given on a later study day than the card's previous answer become items, as in
//! Anki: the crate panics on an item with no answer on a later day than the first
//! (`FSRSItem::first_long_term_review`, reached for every item while it filters outliers), and
//! it predicts a recall of exactly 1 for a same-day answer, so one failed learning step in the
//! evaluated part would make the log loss infinite (the crate then refuses the evaluation).
//! Same-day answers still count as history in the items that follow them. Every item has at
//! least two answers and a first gap of 0, as the crate requires.

use fsrs::{FSRSItem, FSRSReview};
use rustc_hash::FxHashMap;

use crate::clock::{Clock, DayCursor};
use crate::store::history::History;

/// Training data for `fsrs::compute_parameters`, in the time order of each item's last answer.
#[derive(Debug, Clone, Default)]
pub struct Dataset {
    pub items: Vec<FSRSItem>,
    /// The card of each item (aligned with `items`), so the crate can walk a card's history
    /// once instead of once per item.
    pub card_ids: Vec<i64>,
    /// Answers in the history, and cards they were given to.
    pub answers: usize,
    pub cards: usize,
}

impl Dataset {
    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

/// Builds the items from the history (already without undone answers; cram answers never
/// reach the journal).
pub fn dataset(history: &History, clock: &Clock) -> Dataset {
    dataset_renamed(history, clock, &FxHashMap::default())
}

/// `dataset`, with the answers given under a renamed card's old keys (`renamed`: old key →
/// current key) counted as that card's: the journal is never rewritten, so without this a
/// renamed card's history would split in two and its first answer under the new key would
/// look like a first review of a new card.
pub fn dataset_renamed(
    history: &History,
    clock: &Clock,
    renamed: &FxHashMap<&str, &str>,
) -> Dataset {
    // Study days are found in journal order, where the day cursor's cache hits almost always.
    let mut cursor = DayCursor::new(clock);
    let days: Vec<i32> = history
        .reviews
        .iter()
        .map(|r| cursor.offset(r.at))
        .collect();
    let mut by_card: FxHashMap<&str, usize> = FxHashMap::default();
    let mut cards: Vec<Vec<usize>> = Vec::new();
    for (i, (key, _)) in history.iter().enumerate() {
        let key = renamed.get(key).copied().unwrap_or(key);
        let next = cards.len();
        let card = *by_card.entry(key).or_insert(next);
        if card == next {
            cards.push(Vec::new());
        }
        cards[card].push(i);
    }
    // (time of the item's last answer, its index in the history, card, item)
    let mut dated: Vec<(i64, usize, i64, FSRSItem)> = Vec::new();
    for (card_id, answers) in cards.iter_mut().enumerate() {
        // A clock set wrong may have written a line out of order; a card's answers are taken
        // in time order (stable, so equal times keep the journal's order).
        answers.sort_by_key(|&i| history.reviews[i].at);
        let mut reviews: Vec<FSRSReview> = Vec::with_capacity(answers.len());
        for (n, &i) in answers.iter().enumerate() {
            let delta_t = match n {
                0 => 0,
                _ => (days[i] - days[answers[n - 1]]).max(0) as u32,
            };
            let review = &history.reviews[i];
            reviews.push(FSRSReview {
                rating: u32::from(review.grade.number()),
                delta_t,
            });
            if delta_t > 0 {
                dated.push((
                    review.at,
                    i,
                    card_id as i64,
                    FSRSItem {
                        reviews: reviews.clone(),
                    },
                ));
            }
        }
    }
    dated.sort_by_key(|(at, i, _, _)| (*at, *i));
    let (card_ids, items) = dated.into_iter().map(|(_, _, c, item)| (c, item)).unzip();
    Dataset {
        items,
        card_ids,
        answers: history.len(),
        cards: cards.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::Grade;
    use jiff::tz::TimeZone;

    const HOUR: i64 = 3_600_000;

    fn clock() -> Clock {
        // 2026-11-24 10:00 UTC; the study day starts at 04:00 UTC.
        Clock::new("2026-11-24T10:00:00Z".parse().unwrap(), TimeZone::UTC, 4)
    }

    fn at(day: i64, hour: i64) -> i64 {
        // Day 0 is 2026-11-01.
        let start: jiff::Timestamp = "2026-11-01T00:00:00Z".parse().unwrap();
        start.as_millisecond() + day * 24 * HOUR + hour * HOUR
    }

    fn shape(d: &Dataset) -> Vec<(i64, Vec<(u32, u32)>)> {
        d.items
            .iter()
            .zip(&d.card_ids)
            .map(|(item, c)| {
                (
                    *c,
                    item.reviews.iter().map(|r| (r.rating, r.delta_t)).collect(),
                )
            })
            .collect()
    }

    #[test]
    fn one_item_per_answer_after_a_later_day_in_time_order() {
        let h = History::from_reviews([
            (at(0, 10), "d/a", Grade::Again, 0),
            (at(0, 10) + 600_000, "d/a", Grade::Good, 0),
            (at(0, 11), "d/b", Grade::Good, 0),
            (at(2, 10), "d/b", Grade::Hard, 0),
            (at(3, 10), "d/a", Grade::Good, 0),
            (at(3, 10) + 1, "d/a", Grade::Again, 0),
            (at(5, 10), "d/c", Grade::Easy, 0),
            (at(5, 11), "d/a", Grade::Good, 0),
        ]);
        let d = dataset(&h, &clock());
        assert_eq!((d.answers, d.cards), (8, 3));
        assert_eq!(
            shape(&d),
            [
                (1, vec![(3, 0), (2, 2)]),
                (0, vec![(1, 0), (3, 0), (3, 3)]),
                // A same-day answer is not an item but is history for the next one.
                (0, vec![(1, 0), (3, 0), (3, 3), (1, 0), (3, 2)]),
            ]
        );
        for item in &d.items {
            assert!(item.reviews.last().unwrap().delta_t > 0);
        }
    }

    #[test]
    fn gaps_are_study_days_which_start_at_the_configured_hour() {
        // 23:00 and 03:00 the next morning are one study day; 05:00 is the next one.
        let h = History::from_reviews([
            (at(0, 23), "d/a", Grade::Good, 0),
            (at(1, 3), "d/a", Grade::Good, 0),
            (at(1, 5), "d/a", Grade::Good, 0),
        ]);
        let d = dataset(&h, &clock());
        assert_eq!(shape(&d), [(0, vec![(3, 0), (3, 0), (3, 1)])]);
        // A single card answered only on one day gives nothing to learn from.
        let h = History::from_reviews([
            (at(0, 10), "d/a", Grade::Again, 0),
            (at(0, 11), "d/a", Grade::Good, 0),
        ]);
        assert!(dataset(&h, &clock()).is_empty());
    }

    #[test]
    fn answers_out_of_time_order_are_put_back_in_order() {
        let h = History::from_reviews([
            (at(4, 10), "d/a", Grade::Hard, 0),
            (at(0, 10), "d/a", Grade::Good, 0),
        ]);
        let d = dataset(&h, &clock());
        assert_eq!(shape(&d), [(0, vec![(3, 0), (2, 4)])]);
    }

    #[test]
    fn answers_under_a_renamed_cards_old_key_are_that_cards_history() {
        let h = History::from_reviews([
            (at(0, 10), "d/old", Grade::Good, 0),
            (at(3, 10), "d/new", Grade::Hard, 0),
            (at(5, 10), "d/b", Grade::Good, 0),
            (at(6, 10), "d/b", Grade::Good, 0),
        ]);
        let renamed = FxHashMap::from_iter([("d/old", "d/new")]);
        let d = dataset_renamed(&h, &clock(), &renamed);
        assert_eq!((d.answers, d.cards), (4, 2));
        assert_eq!(
            shape(&d),
            [(0, vec![(3, 0), (2, 3)]), (1, vec![(3, 0), (3, 1)])]
        );
        // Without the renames the card's history splits and its first gap is lost.
        assert_eq!(dataset(&h, &clock()).cards, 3);
    }
}
