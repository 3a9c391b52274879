//! FSRS-6's memory formulas, one grade at a time, bit for bit the `fsrs` crate's.
//!
//! The crate is the reference. Its per-review step is `pub(crate)`, and `next_states` works
//! out all four grades with their intervals: four times the work an answer needs, and the
//! exam planner weighs hundreds of candidate review days per card while `plan` answers a
//! season of study many times over. So the step is written out here in the crate's own
//! expressions, in its order of operations, with what does not change between reviews (the
//! forgetting curve's scale, `exp(w8)`, …) worked out once. Floating point is not
//! reassociated in Rust, so the same expressions give the same bits; `Scheduler::new` still
//! uses the model only after checking that for the parameters in force (parameters the crate
//! would clip fail that check, and the scheduler then asks the crate).

use fsrs::{FSRS, MemoryState};

const S_MIN: f32 = 0.001;
const S_MAX: f32 = 36_500.0;
const D_MIN: f32 = 1.0;
const D_MAX: f32 = 10.0;

#[derive(Debug, Clone)]
pub struct Model {
    w: [f32; 21],
    /// The forgetting curve's scale as the crate's review step works it out,
    /// `exp(ln 0.9 / -decay) - 1`: recall is 0.9 at t = S.
    step_factor: f32,
    /// `exp(w8)`, the size of a successful review's stability gain.
    gain: f32,
    /// `exp(w17 · w18)`: a lapse leaves at most the old stability over this.
    lapse_cap: f32,
    /// The difficulty mean reversion pulls toward: a first Easy's.
    easy_difficulty: f32,
    /// `retention^(-1/decay) - 1` for the scheduler's retention: an interval's scale.
    interval_scale: f32,
}

impl Model {
    /// `filled` is a full set of 21 parameters (`fsrs::check_and_fill_parameters`), and
    /// `retention` the recall the intervals aim for.
    pub fn new(filled: &[f32], retention: f32) -> Option<Model> {
        let w: [f32; 21] = filled.try_into().ok()?;
        // The crate's own expressions for each constant (`model.rs`, `inference.rs`).
        let decay = -w[20];
        Some(Model {
            w,
            step_factor: (0.9f32.ln() / decay).exp() - 1.0,
            gain: w[8].exp(),
            lapse_cap: (w[17] * w[18]).exp(),
            easy_difficulty: w[4] - (w[5] * 3.0).exp() + 1.0,
            interval_scale: retention.powf(1.0 / decay) - 1.0,
        })
    }

    /// Days until recall falls to the scheduler's retention: the crate's interval for a
    /// stability, before rounding and fuzz.
    pub fn interval(&self, s: f32) -> f32 {
        s / self.step_factor * self.interval_scale
    }

    /// A new card's memory after its first answer, graded `rating` (1–4).
    pub fn first(&self, rating: u8) -> MemoryState {
        let w = &self.w;
        let r = usize::from(rating.clamp(1, 4));
        MemoryState {
            stability: w[r - 1].clamp(S_MIN, S_MAX),
            difficulty: (w[4] - (w[5] * (r - 1) as f32).exp() + 1.0).clamp(D_MIN, D_MAX),
        }
    }

    /// A seen card `days` after its last review, ready to be graded.
    pub fn recalled(&self, m: MemoryState, days: f32) -> Recalled<'_> {
        let s = m.stability.clamp(S_MIN, S_MAX);
        Recalled {
            model: self,
            s,
            d: m.difficulty.clamp(D_MIN, D_MAX),
            days,
            // Recall at the review, which a same-day review does not use: the crate's
            // expression gives exactly 1 there.
            r: if days == 0.0 {
                1.0
            } else {
                (days / s * self.step_factor + 1.0).powf(-self.w[20])
            },
        }
    }

    /// The memory after a review of a card already seen, `days` after its last review,
    /// graded `rating` (1–4): the crate's step for a card's second or later review.
    pub fn review(&self, m: MemoryState, days: f32, rating: u8) -> MemoryState {
        self.recalled(m, days).memory(rating)
    }

    /// Whether these formulas give the crate's answers, to the bit, over a spread of cards,
    /// delays and grades. False when the crate clips the parameters or computes otherwise.
    pub fn agrees_with(&self, fsrs: &FSRS, retention: f32) -> bool {
        let probes = [
            (0.3, 8.0),
            (2.5, 5.0),
            (18.0, 3.0),
            (240.0, 6.5),
            (3000.0, 9.5),
        ];
        let same = |ours: MemoryState, interval: f32, theirs: &fsrs::ItemState| {
            ours == theirs.memory && interval.to_bits() == theirs.interval.to_bits()
        };
        let first = fsrs.next_states(None, retention, 0).is_ok_and(|next| {
            let theirs = [next.again, next.hard, next.good, next.easy];
            theirs.iter().zip(1u8..).all(|(t, rating)| {
                let ours = self.first(rating);
                same(ours, self.interval(ours.stability), t)
            })
        });
        first
            && probes.iter().all(|&(stability, difficulty)| {
                let m = MemoryState {
                    stability,
                    difficulty,
                };
                [0u32, 1, 7, 45, 400].iter().all(|&days| {
                    let Ok(next) = fsrs.next_states(Some(m), retention, days) else {
                        return false;
                    };
                    let theirs = [next.again, next.hard, next.good, next.easy];
                    let recalled = self.recalled(m, days as f32);
                    theirs.iter().zip(1u8..).all(|(t, rating)| {
                        let ours = recalled.memory(rating);
                        same(ours, self.interval(ours.stability), t)
                    })
                })
            })
    }
}

/// A seen card's memory at the moment of a review, with what every grade's outcome shares
/// (the clamped memory, its recall then) worked out once.
pub struct Recalled<'m> {
    model: &'m Model,
    s: f32,
    d: f32,
    days: f32,
    r: f32,
}

impl Recalled<'_> {
    /// The stability after grading `rating` (1–4).
    pub fn stability(&self, rating: u8) -> f32 {
        self.stabilities([rating])[0]
    }

    /// The stabilities after grading each of `ratings`, sharing the work between them.
    pub fn stabilities<const N: usize>(&self, ratings: [u8; N]) -> [f32; N] {
        let (w, s) = (&self.model.w, self.s);
        if self.days == 0.0 {
            // A same-day review: the short-term model, whatever the grade.
            let decline = s.powf(-w[19]);
            return ratings.map(|rating| {
                let g = f32::from(rating);
                let sinc = (w[17] * (g - 3.0 + w[18])).exp() * decline;
                (s * if rating >= 2 { sinc.max(1.0) } else { sinc }).clamp(S_MIN, S_MAX)
            });
        }
        let passed = ratings.iter().any(|&r| r != 1).then(|| {
            self.model.gain
                * (11.0 - self.d)
                * s.powf(-w[9])
                * (((1.0 - self.r) * w[10]).exp() - 1.0)
        });
        ratings.map(|rating| {
            let new_s = match passed {
                Some(base) if rating != 1 => {
                    let hard = if rating == 2 { w[15] } else { 1.0 };
                    let easy = if rating == 4 { w[16] } else { 1.0 };
                    s * (base * hard * easy + 1.0)
                }
                _ => {
                    let forgot = w[11]
                        * self.d.powf(-w[12])
                        * ((s + 1.0).powf(w[13]) - 1.0)
                        * ((1.0 - self.r) * w[14]).exp();
                    forgot.min(s / self.model.lapse_cap)
                }
            };
            new_s.clamp(S_MIN, S_MAX)
        })
    }

    /// The difficulty after grading `rating` (1–4).
    pub fn difficulty(&self, rating: u8) -> f32 {
        let w = &self.model.w;
        let d = self.d;
        let delta_d = -w[6] * (f32::from(rating) - 3.0);
        let next_d = d + (10.0 - d) * delta_d / 9.0;
        (w[7] * (self.model.easy_difficulty - next_d) + next_d).clamp(D_MIN, D_MAX)
    }

    /// The memory after grading `rating` (1–4).
    pub fn memory(&self, rating: u8) -> MemoryState {
        MemoryState {
            stability: self.stability(rating),
            difficulty: self.difficulty(rating),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::rngs::StdRng;
    use rand::{RngExt, SeedableRng};

    fn model(params: &[f32]) -> Model {
        Model::new(&fsrs::check_and_fill_parameters(params).unwrap(), 0.9).unwrap()
    }

    /// A fitted-looking set, every weight moved off its default.
    fn fitted() -> Vec<f32> {
        fsrs::DEFAULT_PARAMETERS
            .iter()
            .enumerate()
            .map(|(i, w)| w * if i % 2 == 0 { 0.85 } else { 1.12 })
            .collect()
    }

    #[test]
    fn agrees_with_the_crate_on_default_and_fitted_parameters() {
        assert!(model(&[]).agrees_with(&FSRS::new(&[]).unwrap(), 0.9));
        assert!(model(&fitted()).agrees_with(&FSRS::new(&fitted()).unwrap(), 0.9));
    }

    /// Every grade of every kind of review, to the bit: random memories (a new card's too),
    /// delays of none to years, at several retentions and parameter sets.
    #[test]
    fn each_grade_is_the_crates_to_the_bit() {
        let mut rng = StdRng::seed_from_u64(11);
        for params in [Vec::new(), fitted()] {
            let fsrs = FSRS::new(&params).unwrap();
            for retention in [0.8, 0.9, 0.97] {
                let filled = fsrs::check_and_fill_parameters(&params).unwrap();
                let m = Model::new(&filled, retention).unwrap();
                let first = fsrs.next_states(None, retention, 0).unwrap();
                for (rating, theirs) in (1..).zip([first.again, first.hard, first.good, first.easy])
                {
                    assert_eq!(m.first(rating), theirs.memory);
                    assert_eq!(m.interval(theirs.memory.stability), theirs.interval);
                }
                for _ in 0..3000 {
                    let memory = MemoryState {
                        stability: 10f32.powf(rng.random_range(-3.0..4.6)),
                        difficulty: rng.random_range(1.0..10.0),
                    };
                    let days = if rng.random_bool(0.2) {
                        0
                    } else {
                        rng.random_range(1..2000)
                    };
                    let next = fsrs.next_states(Some(memory), retention, days).unwrap();
                    let theirs = [next.again, next.hard, next.good, next.easy];
                    let recalled = m.recalled(memory, days as f32);
                    let passing = recalled.stabilities([2, 3, 4]);
                    for (rating, t) in (1u8..).zip(&theirs) {
                        let what = format!("{memory:?} after {days} days, grade {rating}");
                        assert_eq!(recalled.memory(rating), t.memory, "{what}");
                        assert_eq!(m.interval(t.memory.stability), t.interval, "{what}");
                        if rating > 1 {
                            assert_eq!(passing[usize::from(rating) - 2], t.memory.stability);
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn disagrees_when_the_crate_clips_the_parameters() {
        // w9 far above the crate's bound of 0.8: the crate clips it, these formulas do not.
        let mut odd = fsrs::DEFAULT_PARAMETERS.to_vec();
        odd[9] = 3.0;
        let fsrs = FSRS::new(&odd).unwrap();
        assert!(!model(&odd).agrees_with(&fsrs, 0.9));
    }
}
