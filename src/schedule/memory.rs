//! FSRS-6's memory formulas in plain arithmetic, for the exam planner's inner loops.
//!
//! The `fsrs` crate is the reference and does the scheduling of every real answer; its
//! per-review step is `pub(crate)`, and `next_states` works out all four grades with their
//! intervals, about four times the work the planner needs when it weighs hundreds of
//! candidate review days per card and `plan` simulates a season of study many times over. So
//! the two formulas the planner needs (stability after a review, recall after some days) are
//! written out here from the FSRS-6 paper and the crate's source, and `Scheduler::new` uses
//! them only after checking that they agree with the crate for the parameters in force
//! (parameters the crate would clip fail that check, and the planner then asks the crate).

use fsrs::{FSRS, MemoryState};

const S_MIN: f32 = 0.001;
const S_MAX: f32 = 36_500.0;
const D_MIN: f32 = 1.0;
const D_MAX: f32 = 10.0;

#[derive(Debug, Clone)]
pub struct Model {
    w: [f32; 21],
    /// `0.9^(-1/decay) - 1`: the forgetting curve's scale, so that recall is 0.9 at t = S.
    factor: f32,
}

impl Model {
    /// `filled` is a full set of 21 parameters (`fsrs::check_and_fill_parameters`).
    pub fn new(filled: &[f32]) -> Option<Model> {
        let w: [f32; 21] = filled.try_into().ok()?;
        let decay = w[20];
        Some(Model {
            w,
            factor: 0.9f32.powf(-1.0 / decay) - 1.0,
        })
    }

    /// Probability of recall `days` after a review that left stability `s`.
    pub fn recall(&self, days: f32, s: f32) -> f32 {
        (days / s * self.factor + 1.0).powf(-self.w[20])
    }

    /// The memory after a review of a card already seen, `days` after its last review, graded
    /// `rating` (1–4). The same as the crate's step for a card's second or later review.
    pub fn review(&self, m: MemoryState, days: f32, rating: u8) -> MemoryState {
        let w = &self.w;
        let s = m.stability.clamp(S_MIN, S_MAX);
        let d = m.difficulty.clamp(D_MIN, D_MAX);
        let g = f32::from(rating);
        let new_s = if days == 0.0 {
            let sinc = (w[17] * (g - 3.0 + w[18])).exp() * s.powf(-w[19]);
            s * if rating >= 2 { sinc.max(1.0) } else { sinc }
        } else {
            let r = self.recall(days, s);
            if rating == 1 {
                let forgot = w[11]
                    * d.powf(-w[12])
                    * ((s + 1.0).powf(w[13]) - 1.0)
                    * ((1.0 - r) * w[14]).exp();
                forgot.min(s / (w[17] * w[18]).exp())
            } else {
                let hard = if rating == 2 { w[15] } else { 1.0 };
                let easy = if rating == 4 { w[16] } else { 1.0 };
                s * (w[8].exp()
                    * (11.0 - d)
                    * s.powf(-w[9])
                    * (((1.0 - r) * w[10]).exp() - 1.0)
                    * hard
                    * easy
                    + 1.0)
            }
        };
        let delta_d = -w[6] * (g - 3.0);
        let next_d = d + (10.0 - d) * delta_d / 9.0;
        let init_easy = w[4] - (w[5] * 3.0).exp() + 1.0;
        let reverted = w[7] * (init_easy - next_d) + next_d;
        MemoryState {
            stability: new_s.clamp(S_MIN, S_MAX),
            difficulty: reverted.clamp(D_MIN, D_MAX),
        }
    }

    /// Whether these formulas give the crate's answers (to rounding) over a spread of cards,
    /// delays and grades. False when the crate clips the parameters or computes otherwise.
    pub fn agrees_with(&self, fsrs: &FSRS) -> bool {
        let probes = [
            (0.3, 8.0),
            (2.5, 5.0),
            (18.0, 3.0),
            (240.0, 6.5),
            (3000.0, 9.5),
        ];
        probes.iter().all(|&(stability, difficulty)| {
            let m = MemoryState {
                stability,
                difficulty,
            };
            [0u32, 1, 7, 45, 400].iter().all(|&days| {
                let Ok(next) = fsrs.next_states(Some(m), 0.9, days) else {
                    return false;
                };
                let theirs = [next.again, next.hard, next.good, next.easy];
                theirs.iter().zip(1u8..).all(|(t, rating)| {
                    let ours = self.review(m, days as f32, rating);
                    close(ours.stability, t.memory.stability)
                        && close(ours.difficulty, t.memory.difficulty)
                })
            })
        })
    }
}

fn close(a: f32, b: f32) -> bool {
    (a - b).abs() <= 1e-4 * b.abs().max(1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model(params: &[f32]) -> Model {
        Model::new(&fsrs::check_and_fill_parameters(params).unwrap()).unwrap()
    }

    #[test]
    fn agrees_with_the_crate_on_default_and_fitted_parameters() {
        let m = model(&[]);
        assert!(m.agrees_with(&FSRS::new(&[]).unwrap()));
        // A fitted-looking set, every weight moved off its default.
        let fitted: Vec<f32> = fsrs::DEFAULT_PARAMETERS
            .iter()
            .enumerate()
            .map(|(i, w)| w * if i % 2 == 0 { 0.85 } else { 1.12 })
            .collect();
        assert!(model(&fitted).agrees_with(&FSRS::new(&fitted).unwrap()));
    }

    #[test]
    fn disagrees_when_the_crate_clips_the_parameters() {
        // w9 far above the crate's bound of 0.8: the crate clips it, these formulas do not.
        let mut odd = fsrs::DEFAULT_PARAMETERS.to_vec();
        odd[9] = 3.0;
        let fsrs = FSRS::new(&odd).unwrap();
        assert!(!model(&odd).agrees_with(&fsrs));
    }

    #[test]
    fn recall_is_ninety_percent_after_one_stability() {
        let m = model(&[]);
        assert!((m.recall(10.0, 10.0) - 0.9).abs() < 1e-5);
        assert!((m.recall(0.0, 10.0) - 1.0).abs() < 1e-6);
        let crate_r = fsrs::current_retrievability(
            MemoryState {
                stability: 7.0,
                difficulty: 5.0,
            },
            20.0,
            fsrs::FSRS6_DEFAULT_DECAY,
        );
        assert!((m.recall(20.0, 7.0) - crate_r).abs() < 1e-6);
    }
}
