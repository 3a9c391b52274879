//! Fitting FSRS-6 to the user's own answers (`smriti optimize`): the training data, whether
//! there is enough of it, the fit itself and the fair before/after comparison. No I/O: the
//! command reads the journal and writes the config; the benchmark calls `fit` directly.
//!
//! The comparison: the crate's time-series evaluation cuts the items, in time order, into six
//! parts and, for each of the last five, fits parameters to the parts before it and scores
//! them on it. The current parameters are scored on the same five parts, so "before" and
//! "after" are figures on the same answers (current parameters from an earlier fit to some
//! of them are favoured by that, which errs on the side of keeping them).

pub mod items;
pub mod metrics;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use fsrs::{CombinedProgressState, ComputeParametersInput, FSRSError, FSRSItem, TrainingConfig};

pub use items::{Dataset, dataset, dataset_renamed};
pub use metrics::Metrics;

/// Training items the crate needs, after its outlier filter, to fit all 21 parameters: with
/// fewer it returns the defaults (under 8) or fits only the four first-answer stabilities.
pub const MIN_ITEMS: usize = 64;
/// The crate's time-series evaluation scores the last `FOLDS` of `FOLDS + 1` parts.
const FOLDS: usize = 5;
/// Gradient steps a fit should take at least. The crate's 5 epochs of batches of 512 suit
/// Anki collections of tens of thousands of answers; on a few thousand that is some 50 steps,
/// and the benchmark (bench/README.md) shows the fit then stays close to where it started.
/// More epochs on a small history reach the steps a large one gets in 5.
const MIN_STEPS: usize = 500;
/// The epochs stay within these.
const EPOCHS: std::ops::RangeInclusive<usize> = 5..=64;
/// The single relearning step the scheduler gives a failed card (`schedule::STEP_MS`).
const RELEARNING_STEPS: usize = 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Readiness {
    Ready,
    /// Only `usable` items are left after the crate's filter, fewer than `MIN_ITEMS`.
    TooFew {
        usable: usize,
    },
    /// Enough items, but each is a card's first answer on a later day: the crate would fit
    /// only the first-answer stabilities.
    NoLaterAnswers {
        usable: usize,
    },
}

/// Whether the crate would fit the full model to this data. Runs the crate's own outlier
/// filter (it drops rare first-grade/first-gap pairs, so an answer does not always count).
pub fn readiness(data: &Dataset) -> Readiness {
    let first: Vec<FSRSItem> = data
        .items
        .iter()
        .filter(|i| i.long_term_review_cnt() == 1)
        .cloned()
        .collect();
    let (first, train) = fsrs::filter_outlier(first, data.items.clone());
    let usable = train.len();
    if usable < MIN_ITEMS {
        Readiness::TooFew { usable }
    } else if usable == first.len() {
        Readiness::NoLaterAnswers { usable }
    } else {
        Readiness::Ready
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Fit {
    /// Fitted to all the items.
    pub parameters: Vec<f32>,
    /// The current parameters on the scored items.
    pub before: Metrics,
    /// The time-series fits on the same items.
    pub after: Metrics,
    /// How many items were scored.
    pub scored: usize,
}

impl Fit {
    /// The fitted parameters predict the user's answers better (lower log loss, the quantity
    /// the crate minimises) than the current ones.
    pub fn is_better(&self) -> bool {
        self.after.log_loss < self.before.log_loss
    }
}

/// Fits parameters to `data` and scores them against `current` (empty: the defaults).
/// CPU heavy: six fits, five of them in parallel. Call only when `readiness` says `Ready`.
pub fn fit(data: &Dataset, current: &[f32], progress: &Progress) -> Result<Fit, FSRSError> {
    let input = ComputeParametersInput {
        train_set: data.items.clone(),
        card_ids: Some(data.card_ids.clone()),
        progress: None,
        enable_short_term: true,
        num_relearning_steps: Some(RELEARNING_STEPS),
        training_config: Some(training_config(data.len())),
    };
    let scored = &data.items[data.len() / (FOLDS + 1)..];
    let before = metrics::evaluate(current, scored, None)?;
    let after = fsrs::evaluate_with_time_series_splits(input.clone(), |p| {
        progress.folds_done.store(p.current, Ordering::Relaxed);
        true
    })?;
    let parameters = fsrs::compute_parameters(ComputeParametersInput {
        progress: Some(Arc::clone(&progress.final_fit)),
        ..input
    })?;
    Ok(Fit {
        parameters,
        before,
        after: Metrics {
            log_loss: after.log_loss,
            rmse_bins: after.rmse_bins,
        },
        scored: scored.len(),
    })
}

/// The crate's training settings, with enough epochs for `MIN_STEPS` on `items` items.
pub fn training_config(items: usize) -> TrainingConfig {
    let defaults = TrainingConfig::default();
    let batches = items.div_ceil(defaults.batch_size).max(1);
    TrainingConfig {
        num_epochs: MIN_STEPS
            .div_ceil(batches)
            .clamp(*EPOCHS.start(), *EPOCHS.end()),
        ..defaults
    }
}

/// How far `fit` has got, readable from another thread.
#[derive(Debug, Default)]
pub struct Progress {
    folds_done: AtomicUsize,
    final_fit: Arc<Mutex<CombinedProgressState>>,
}

impl Progress {
    /// From 0 to 1, by training work: the folds fit 1/6 to 5/6 of the items (2.5 in all), the
    /// final fit all of them.
    pub fn fraction(&self) -> f32 {
        let folds = self.folds_done.load(Ordering::Relaxed).min(FOLDS);
        let fold_work: f32 = (1..=folds).map(|i| i as f32 / (FOLDS + 1) as f32).sum();
        let final_part = self
            .final_fit
            .lock()
            .map(|s| {
                if s.finished() {
                    1.0
                } else if s.total() > 0 {
                    s.current() as f32 / s.total() as f32
                } else {
                    0.0
                }
            })
            .unwrap_or(0.0);
        ((fold_work + final_part) / 3.5).clamp(0.0, 1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use fsrs::FSRSReview;

    /// One card per entry of `cards`, each a list of (grade, days since the previous answer):
    /// an item per later-day answer, as `dataset` builds them.
    fn data(cards: &[Vec<(u32, u32)>]) -> Dataset {
        let mut d = Dataset::default();
        for (id, card) in cards.iter().enumerate() {
            let reviews: Vec<FSRSReview> = card
                .iter()
                .map(|&(rating, delta_t)| FSRSReview { rating, delta_t })
                .collect();
            for end in 2..=reviews.len() {
                if reviews[end - 1].delta_t > 0 {
                    d.items.push(FSRSItem {
                        reviews: reviews[..end].to_vec(),
                    });
                    d.card_ids.push(id as i64);
                }
            }
            d.answers += card.len();
        }
        d.cards = cards.len();
        d
    }

    #[test]
    fn readiness_follows_the_crates_thresholds_and_filter() {
        let twice = vec![vec![(3, 0), (3, 1)]; 100];
        let thrice = vec![vec![(3, 0), (3, 1), (3, 3)]; 40];
        assert_eq!(
            readiness(&data(&thrice[..25])),
            Readiness::TooFew { usable: 50 }
        );
        // Fewer than 20 cards sharing a first grade are all taken as outliers.
        assert_eq!(
            readiness(&data(&thrice[..19])),
            Readiness::TooFew { usable: 0 }
        );
        // 100 items, but all first later-day answers: only the first stabilities could be fitted.
        assert_eq!(
            readiness(&data(&twice)),
            Readiness::NoLaterAnswers { usable: 100 }
        );
        assert_eq!(readiness(&data(&thrice)), Readiness::Ready);
        // The crate drops first answers whose (grade, gap) pair is rare: 30 cards each first
        // seen again after a different gap leave nothing to fit, however many answers follow.
        let scattered: Vec<Vec<(u32, u32)>> = (1..=30)
            .map(|gap| vec![(3, 0), (3, gap), (3, 5), (3, 9)])
            .collect();
        assert_eq!(data(&scattered).len(), 90);
        assert_eq!(
            readiness(&data(&scattered)),
            Readiness::TooFew { usable: 0 }
        );
    }

    #[test]
    fn small_histories_get_more_epochs_large_ones_the_crates_five() {
        assert_eq!(training_config(100).num_epochs, 64);
        assert_eq!(training_config(4_000).num_epochs, 63);
        assert_eq!(training_config(24_000).num_epochs, 11);
        assert_eq!(training_config(1_000_000).num_epochs, 5);
        assert_eq!(training_config(4_000).batch_size, 512);
    }
}
