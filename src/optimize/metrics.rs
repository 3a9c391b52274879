//! How well a set of parameters predicts answers: log loss and RMSE over bins, computed as the
//! `fsrs` crate computes them (its helpers are private). `optimize` needs them for the current
//! parameters on exactly the answers the crate's time-series evaluation of the fit is scored
//! on, so the two figures it shows side by side measure the same thing.

use std::collections::BTreeMap;

use fsrs::{FSRS, FSRSError, FSRSItem};

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Metrics {
    /// Mean binary cross-entropy of the predicted recall against recalled (grade > 1) or not.
    pub log_loss: f32,
    /// Root mean square of predicted minus actual recall over bins of similar answers
    /// (by gap, number of later-day answers and lapses), weighted by answers.
    pub rmse_bins: f32,
}

/// Scores `parameters` on `items`, each weighted by `weights` (1 each if `None`).
pub fn evaluate(
    parameters: &[f32],
    items: &[FSRSItem],
    weights: Option<&[f32]>,
) -> Result<Metrics, FSRSError> {
    if items.is_empty() {
        return Err(FSRSError::NotEnoughData);
    }
    let fsrs = FSRS::new(parameters)?;
    let decay = decay_of(parameters)?;
    // Ordered, so the sums (and the figures shown) are the same on every run.
    let mut bins: BTreeMap<(u32, u32, u32), Bin> = BTreeMap::new();
    let (mut loss, mut weight_sum) = (0.0f32, 0.0f32);
    for (n, item) in items.iter().enumerate() {
        let weight = weights.and_then(|w| w.get(n)).copied().unwrap_or(1.0);
        let p = predict(&fsrs, decay, item)?;
        let y = f32::from(item.reviews.last().is_some_and(|r| r.rating > 1));
        let bin = bins.entry(bin_of(item)).or_default();
        bin.predicted += p;
        bin.actual += y;
        bin.count += 1.0;
        bin.weight += weight;
        loss += (y * p.ln() + (1.0 - y) * (1.0 - p).ln()) * weight;
        weight_sum += weight;
    }
    let log_loss = -loss / weight_sum;
    let total: f32 = bins.values().map(|b| b.weight).sum();
    let rmse_bins = (bins
        .values()
        .map(|b| (b.predicted / b.count - b.actual / b.count).powi(2) * b.weight)
        .sum::<f32>()
        / total)
        .sqrt();
    if !log_loss.is_finite() || !rmse_bins.is_finite() {
        return Err(FSRSError::InvalidInput);
    }
    Ok(Metrics {
        log_loss,
        rmse_bins,
    })
}

/// The predicted recall at the item's last answer, from the answers before it.
pub fn predict(fsrs: &FSRS, decay: f32, item: &FSRSItem) -> Result<f32, FSRSError> {
    let (current, history) = item.reviews.split_last().ok_or(FSRSError::InvalidInput)?;
    let state = fsrs.memory_state(
        FSRSItem {
            reviews: history.to_vec(),
        },
        None,
    )?;
    let p = fsrs::current_retrievability(state, current.delta_t as f32, decay);
    if p.is_finite() {
        Ok(p)
    } else {
        Err(FSRSError::InvalidInput)
    }
}

/// The forgetting curve's decay as `FSRS::new` uses it: the 21st parameter, clipped as the
/// crate clips it.
pub fn decay_of(parameters: &[f32]) -> Result<f32, FSRSError> {
    let filled = fsrs::check_and_fill_parameters(parameters)?;
    Ok(filled[20].clamp(0.1, 0.8))
}

#[derive(Default)]
struct Bin {
    predicted: f32,
    actual: f32,
    count: f32,
    weight: f32,
}

/// The crate's bin of an item: its gap, its number of later-day answers and its lapses, each
/// on a log scale.
fn bin_of(item: &FSRSItem) -> (u32, u32, u32) {
    let Some((current, history)) = item.reviews.split_last() else {
        return (0, 0, 0);
    };
    let delta_t = f64::from(current.delta_t);
    let delta_t_bin = (2.48 * 3.62f64.powf(delta_t.log(3.62).floor()) * 100.0).round() as u32;
    let length = item.long_term_review_cnt() as f64 + 1.0;
    let length_bin = (1.99 * 1.89f64.powf(length.log(1.89).floor())).round() as u32;
    let lapses = history
        .iter()
        .filter(|r| r.rating == 1 && r.delta_t > 0)
        .count();
    if lapses == 0 {
        return (delta_t_bin, length_bin, 0);
    }
    let lapse_bin = (1.65 * 1.73f64.powf((lapses as f64).log(1.73).floor())).round() as u32;
    (delta_t_bin, length_bin, lapse_bin)
}

#[cfg(test)]
mod tests {
    use super::*;
    use fsrs::FSRSReview;

    /// Items of a few made-up cards: every prefix ending on a later day.
    fn items() -> Vec<FSRSItem> {
        let cards: [&[(u32, u32)]; 4] = [
            &[(3, 0), (3, 2), (3, 6), (1, 15), (3, 1), (3, 3), (4, 9)],
            &[(1, 0), (3, 0), (2, 1), (3, 3), (3, 8)],
            &[(4, 0), (3, 12), (1, 40), (1, 0), (3, 1)],
            &[(3, 0), (1, 3), (3, 0), (3, 2), (2, 4), (3, 10)],
        ];
        let mut out = Vec::new();
        for card in cards {
            let reviews: Vec<FSRSReview> = card
                .iter()
                .map(|&(rating, delta_t)| FSRSReview { rating, delta_t })
                .collect();
            for end in 2..=reviews.len() {
                if reviews[end - 1].delta_t > 0 {
                    out.push(FSRSItem {
                        reviews: reviews[..end].to_vec(),
                    });
                }
            }
        }
        out
    }

    #[test]
    fn matches_the_crates_own_evaluation_with_its_recency_weights() {
        let items = items();
        // `FSRS::evaluate` weighs the i-th of n items by 0.25 + 0.75 (i / (n - 1))^3.
        let n = items.len() as f32;
        let weights: Vec<f32> = (0..items.len())
            .map(|i| 0.25 + 0.75 * (i as f32 / (n - 1.0)).powi(3))
            .collect();
        let mut perturbed = fsrs::DEFAULT_PARAMETERS.to_vec();
        perturbed[20] = 0.3;
        perturbed[8] *= 1.2;
        for parameters in [&[][..], &perturbed[..]] {
            let crate_says = FSRS::new(parameters)
                .unwrap()
                .evaluate(items.clone(), |_| true)
                .unwrap();
            let ours = evaluate(parameters, &items, Some(&weights)).unwrap();
            assert!(
                (ours.log_loss - crate_says.log_loss).abs() < 1e-5,
                "{ours:?} {crate_says:?}"
            );
            assert!(
                (ours.rmse_bins - crate_says.rmse_bins).abs() < 1e-5,
                "{ours:?} {crate_says:?}"
            );
        }
    }

    #[test]
    fn unweighted_means_every_answer_counts_once_and_a_same_day_failure_is_refused() {
        let items = items();
        let ones = vec![1.0; items.len()];
        assert_eq!(
            evaluate(&[], &items, None).unwrap(),
            evaluate(&[], &items, Some(&ones)).unwrap()
        );
        // The crate predicts a recall of exactly 1 with no day between: a failure there has
        // an infinite loss, which is an error rather than a figure.
        let same_day_failure = FSRSItem {
            reviews: vec![
                FSRSReview {
                    rating: 3,
                    delta_t: 0,
                },
                FSRSReview {
                    rating: 1,
                    delta_t: 0,
                },
            ],
        };
        assert_eq!(
            evaluate(&[], &[same_day_failure], None),
            Err(FSRSError::InvalidInput)
        );
    }
}
