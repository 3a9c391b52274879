//! The scheduler: (card state, grade, time) -> next card state. Pure; no I/O.
//!
//! Memory (stability, difficulty) comes from the `fsrs` crate, the FSRS-6 implementation Anki
//! uses, including its short-term model for same-day reviews. Around it sit Anki's habits:
//! a learning step for new and lapsed cards (so a failed card returns in the same session),
//! day-based intervals that start at the study day's start hour, Anki's interval fuzz seeded
//! per card, and leeches at 8 lapses. The stored due date is always the ordinary FSRS one;
//! `exam` turns it into the due date that serves an exam. `memory` holds the crate's review
//! step one grade at a time, to the bit (checked when the scheduler is made): an answer needs
//! one grade's memory, not the four `next_states` works out, and the exam planner weighs
//! hundreds of candidate days per card.

pub mod exam;
pub mod memory;

use fsrs::{FSRS, MemoryState};
use rand::{RngExt, SeedableRng};

use crate::clock::{Clock, Millis};
use exam::ExamGoal;
use memory::Model;

/// Lapses at which a card is flagged as a leech, as in Anki.
pub const LEECH_LAPSES: u32 = 8;
/// The single learning (and relearning) step.
pub const STEP_MS: Millis = 10 * 60 * 1000;
/// Longest interval, in days (Anki's default maximum).
pub const MAX_INTERVAL_DAYS: i32 = 36_500;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Grade {
    Again = 1,
    Hard = 2,
    Good = 3,
    Easy = 4,
}

impl Grade {
    pub const ALL: [Grade; 4] = [Grade::Again, Grade::Hard, Grade::Good, Grade::Easy];

    pub fn from_number(n: u8) -> Option<Grade> {
        Grade::ALL.get(usize::from(n).checked_sub(1)?).copied()
    }

    /// `1`–`4` or `again|hard|good|easy` (any case).
    /// Allocates nothing: the history reader calls it once per review, a million times.
    pub fn parse(s: &str) -> Option<Grade> {
        let s = s.trim();
        if let [digit] = s.as_bytes() {
            return digit.checked_sub(b'0').and_then(Grade::from_number);
        }
        Grade::ALL
            .into_iter()
            .find(|g| g.name().eq_ignore_ascii_case(s))
    }

    pub fn number(self) -> u8 {
        self as u8
    }

    pub fn name(self) -> &'static str {
        match self {
            Grade::Again => "again",
            Grade::Hard => "hard",
            Grade::Good => "good",
            Grade::Easy => "easy",
        }
    }

    pub fn passed(self) -> bool {
        self != Grade::Again
    }
}

/// Where a card is in its life, as Anki names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Phase {
    New,
    Learning,
    Review,
    Relearning,
}

impl Phase {
    pub fn code(self) -> char {
        match self {
            Phase::New => 'n',
            Phase::Learning => 'l',
            Phase::Review => 'r',
            Phase::Relearning => 'R',
        }
    }

    pub fn from_code(c: &str) -> Option<Phase> {
        match c {
            "n" => Some(Phase::New),
            "l" => Some(Phase::Learning),
            "r" => Some(Phase::Review),
            "R" => Some(Phase::Relearning),
            _ => None,
        }
    }
}

/// What the state file keeps per card.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CardState {
    /// When the card was first answered.
    pub intro: Millis,
    /// When it was last answered.
    pub last: Millis,
    pub due: Millis,
    pub stability: f32,
    pub difficulty: f32,
    pub phase: Phase,
    pub reps: u32,
    pub lapses: u32,
}

impl CardState {
    pub fn memory(&self) -> MemoryState {
        MemoryState {
            stability: self.stability,
            difficulty: self.difficulty,
        }
    }

    pub fn is_leech(&self) -> bool {
        self.lapses >= LEECH_LAPSES
    }

    /// In a learning step, due again within the day rather than on a later day.
    pub fn in_step(&self) -> bool {
        matches!(self.phase, Phase::Learning | Phase::Relearning)
    }
}

pub struct Scheduler {
    fsrs: FSRS,
    /// The crate's formulas one grade at a time, when they give its results to the bit.
    model: Option<Model>,
    decay: f32,
    /// Fixed when the scheduler is made: the model's interval scale is worked out from it.
    retention: f32,
    seed: u64,
    /// The FSRS parameters in full (defaults filled in), which name the scheduler in caches
    /// of what it works out (`quiz::exam_dues`).
    parameters: Vec<f32>,
    /// `0.9^(-1/decay) - 1` and `retention^(-1/decay) - 1`: the forgetting curve's scale and
    /// the interval's at the user's retention, worked out once rather than per card.
    curve: f32,
    scale: f32,
}

#[derive(Debug, thiserror::Error)]
#[error("invalid FSRS parameters in the config: {0}")]
pub struct ParamsError(String);

impl Scheduler {
    /// `parameters` empty means FSRS-6 defaults.
    pub fn new(parameters: &[f32], retention: f32, seed: u64) -> Result<Scheduler, ParamsError> {
        let filled =
            fsrs::check_and_fill_parameters(parameters).map_err(|e| ParamsError(e.to_string()))?;
        let fsrs = FSRS::new(&filled).map_err(|e| ParamsError(e.to_string()))?;
        let model = Model::new(&filled, retention).filter(|m| m.agrees_with(&fsrs, retention));
        let decay = filled.get(20).copied().unwrap_or(fsrs::FSRS6_DEFAULT_DECAY);
        Ok(Scheduler {
            fsrs,
            model,
            decay,
            retention,
            seed,
            parameters: filled,
            curve: 0.9f32.powf(-1.0 / decay) - 1.0,
            scale: retention.powf(-1.0 / decay) - 1.0,
        })
    }

    /// Everything that decides what this scheduler works out, as words: its parameters,
    /// retention and fuzz seed. A cache of its results is valid only for the same words.
    pub fn identity(&self) -> impl Iterator<Item = u64> + '_ {
        let params = self.parameters.iter().map(|p| u64::from(p.to_bits()));
        params.chain([u64::from(self.retention.to_bits()), self.seed])
    }

    /// A key that orders cards as `retrievability` at `at` does (lowest recall first) without
    /// its power: FSRS's recall falls with the time elapsed over the stability alone (the
    /// decay is one for every card), so ranking 100k due cards costs a division each.
    pub fn recall_order(&self, state: &CardState, at: Millis) -> f32 {
        if state.phase == Phase::New || state.stability <= 0.0 {
            return f32::NEG_INFINITY;
        }
        let days = (at - state.last).max(0) as f32 / 86_400_000.0;
        -(days / state.stability)
    }

    /// Probability of recall at `at` for a card that has been reviewed.
    pub fn retrievability(&self, state: &CardState, at: Millis) -> f32 {
        if state.phase == Phase::New || state.stability <= 0.0 {
            return 0.0;
        }
        let days = (at - state.last).max(0) as f32 / 86_400_000.0;
        self.recall_after(state.stability, days)
    }

    /// Days until recall falls to the desired retention, for a memory of `stability`.
    pub fn interval_for(&self, stability: f32) -> f32 {
        stability / self.curve * self.scale
    }

    /// Probability of recall `days` after a review that left `stability`.
    /// The crate's `current_retrievability`, with its scale (`curve`) worked out once.
    pub fn recall_after(&self, stability: f32, days: f32) -> f32 {
        (days / stability * self.curve + 1.0).powf(-self.decay)
    }

    /// The memory after a review `days` after the last one, for a card already seen.
    pub fn memory_after(&self, m: MemoryState, days: f32, grade: Grade) -> MemoryState {
        if let Some(model) = &self.model {
            return model.review(m, days, grade.number());
        }
        match self.fsrs.next_states(Some(m), self.retention, days as u32) {
            Ok(n) => match grade {
                Grade::Again => n.again.memory,
                Grade::Hard => n.hard.memory,
                Grade::Good => n.good.memory,
                Grade::Easy => n.easy.memory,
            },
            Err(_) => m,
        }
    }

    /// The stability a review `days` after the last one leaves when the card is recalled
    /// (Good), and when it is forgotten and relearnt the same day (Again, then Good): the
    /// exam planner's two outcomes of a final review, with the work they share done once.
    pub fn kept_or_relearnt(&self, m: MemoryState, days: f32) -> (f32, f32) {
        let Some(model) = &self.model else {
            let kept = self.memory_after(m, days, Grade::Good);
            let lapsed = self.memory_after(m, days, Grade::Again);
            return (
                kept.stability,
                self.memory_after(lapsed, 0.0, Grade::Good).stability,
            );
        };
        let recalled = model.recalled(m, days);
        let [again, good] = recalled.stabilities([1, 3]);
        let lapsed = MemoryState {
            stability: again,
            difficulty: recalled.difficulty(1),
        };
        (good, model.recalled(lapsed, 0.0).stability(3))
    }

    /// The state after answering `grade` now, with the ordinary FSRS due date (see `exam` for
    /// the date that serves an exam). `key` seeds the fuzz.
    pub fn answer(
        &self,
        prev: Option<&CardState>,
        grade: Grade,
        clock: &Clock,
        key: &str,
    ) -> CardState {
        self.answer_keyed(prev, grade, clock, self.fuzz_key(key))
    }

    /// What seeds a card's fuzz before its review count is mixed in (`answer_keyed`): worked
    /// out once per card by a caller answering the same cards again and again (`plan`).
    pub fn fuzz_key(&self, key: &str) -> FuzzKey {
        FuzzKey(fnv(0xcbf2_9ce4_8422_2325 ^ self.seed, key.bytes()))
    }

    /// `answer` for the card whose fuzz key is `fuzz`.
    pub fn answer_keyed(
        &self,
        prev: Option<&CardState>,
        grade: Grade,
        clock: &Clock,
        fuzz: FuzzKey,
    ) -> CardState {
        let now = clock.now_ms();
        let prev = prev.filter(|p| p.phase != Phase::New);
        let elapsed = prev.map_or(0, |p| clock.days_between(p.last, now).max(0) as u32);
        let reps = prev.map_or(0, |p| p.reps) + 1;
        let lapses = prev.map_or(0, |p| p.lapses);
        let intro = prev.map_or(now, |p| p.intro);
        let phase_before = prev.map_or(Phase::New, |p| p.phase);
        // A step or a lapse needs only its own grade's memory; a grade that sets whole days
        // needs the other passing grades' intervals too (`interval_days` orders them).
        let in_days = match (phase_before, grade) {
            (_, Grade::Again) => false,
            (Phase::Review, _) => true,
            (_, Grade::Hard) => false,
            _ => true,
        };
        // If FSRS rejects the input (a corrupt memory state), fall back to a fresh card's state
        // rather than fail the answer.
        let outcome = self
            .outcome(prev.map(CardState::memory), elapsed, grade, in_days)
            .unwrap_or(Outcome {
                memory: MemoryState {
                    stability: fsrs::DEFAULT_PARAMETERS[grade as usize - 1],
                    difficulty: 5.0,
                },
                intervals: None,
            });
        let base = CardState {
            intro,
            last: now,
            due: now,
            stability: outcome.memory.stability,
            difficulty: outcome.memory.difficulty,
            phase: phase_before,
            reps,
            lapses,
        };
        let step = |phase, ms| CardState {
            phase,
            due: now + ms,
            ..base
        };
        match (phase_before, grade) {
            (Phase::Review, Grade::Again) => CardState {
                lapses: lapses + 1,
                ..step(Phase::Relearning, STEP_MS)
            },
            (Phase::New | Phase::Learning, Grade::Again) => step(Phase::Learning, STEP_MS),
            (Phase::New | Phase::Learning, Grade::Hard) => step(Phase::Learning, STEP_MS * 3 / 2),
            (Phase::Relearning, Grade::Again) => step(Phase::Relearning, STEP_MS),
            (Phase::Relearning, Grade::Hard) => step(Phase::Relearning, STEP_MS * 3 / 2),
            _ => {
                let seed = fuzz_seed(fuzz, reps);
                let days = interval_days(outcome.intervals, grade, phase_before, seed);
                CardState {
                    phase: Phase::Review,
                    due: clock.day_start_ms(Clock::add_days(clock.today(), days)),
                    ..base
                }
            }
        }
    }

    /// The memory a review `elapsed` days after the last one leaves for `grade`, with the
    /// passing grades' intervals (hard, good, easy) when `intervals` asks for them: what the
    /// crate's `next_states` gives, or `None` where it fails (a memory that is not finite).
    fn outcome(
        &self,
        prev: Option<MemoryState>,
        elapsed: u32,
        grade: Grade,
        intervals: bool,
    ) -> Option<Outcome> {
        let Some(model) = &self.model else {
            let n = self.fsrs.next_states(prev, self.retention, elapsed).ok()?;
            let memory = [n.again.memory, n.hard.memory, n.good.memory, n.easy.memory];
            return Some(Outcome {
                memory: memory[grade as usize - 1],
                intervals: intervals.then_some([n.hard.interval, n.good.interval, n.easy.interval]),
            });
        };
        let (memory, passing) = match prev {
            None => {
                let passing = intervals.then(|| [2, 3, 4].map(|r| model.first(r).stability));
                (model.first(grade.number()), passing)
            }
            Some(m) => {
                let recalled = model.recalled(m, elapsed as f32);
                let passing = intervals.then(|| recalled.stabilities([2, 3, 4]));
                (recalled.memory(grade.number()), passing)
            }
        };
        let finite = memory.stability.is_finite() && memory.difficulty.is_finite();
        if !finite || passing.is_some_and(|p| p.iter().any(|s| !s.is_finite())) {
            return None;
        }
        Some(Outcome {
            memory,
            intervals: passing.map(|p| p.map(|s| model.interval(s))),
        })
    }

    /// What each grade would give now, for showing on the buttons as Anki does; with an exam
    /// ahead, the wait is the one that serves it.
    pub fn preview(
        &self,
        prev: Option<&CardState>,
        clock: &Clock,
        key: &str,
        exam: Option<&ExamGoal>,
    ) -> [Interval; 4] {
        Grade::ALL.map(|g| {
            let s = self.answer(prev, g, clock, key);
            if s.in_step() {
                Interval::Minutes((s.due - clock.now_ms()) / 60_000)
            } else {
                let due = exam.map_or(s.due, |goal| self.due_for_exam(&s, goal, clock));
                Interval::Days(clock.days_between(clock.now_ms(), due))
            }
        })
    }
}

/// The wait a grade leads to: a same-day learning step, or whole days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Interval {
    Minutes(i64),
    Days(i32),
}

/// What a review leads to: the memory for the grade given, and the passing grades'
/// intervals (hard, good, easy) in days before rounding, where the grade sets whole days.
struct Outcome {
    memory: MemoryState,
    intervals: Option<[f32; 3]>,
}

/// Whole days until the next review for a passing grade, ordered as Anki orders the buttons
/// (hard ≤ good < easy), then fuzzed.
fn interval_days(intervals: Option<[f32; 3]>, grade: Grade, phase: Phase, seed: u64) -> i32 {
    let Some([hard, good, easy]) = intervals else {
        return 1;
    };
    let days = |ivl: f32| (ivl.round() as i32).clamp(1, MAX_INTERVAL_DAYS);
    let (mut hard, mut good, mut easy) = (days(hard), days(good), days(easy));
    if phase == Phase::Review {
        hard = hard.min(good);
        good = good.max(hard + 1);
    }
    good = good.max(hard);
    easy = easy.max(good + 1);
    let chosen = match grade {
        Grade::Hard => hard,
        Grade::Good => good,
        _ => easy,
    };
    fuzz(chosen, seed)
}

/// Anki's fuzz ranges: none under 2.5 days, then ±15% to a week, ±10% to 20 days, ±5% beyond,
/// plus one day.
pub fn fuzz_range(days: i32) -> (i32, i32) {
    let ivl = days as f32;
    if ivl < 2.5 {
        return (days, days);
    }
    let mut delta = 1.0;
    for (start, end, factor) in [(2.5, 7.0, 0.15), (7.0, 20.0, 0.1), (20.0, f32::MAX, 0.05)] {
        delta += factor * (ivl.min(end) - start).max(0.0);
    }
    let max = ((ivl + delta).round() as i32).min(MAX_INTERVAL_DAYS);
    let min = ((ivl - delta).round() as i32).max(2).min(max);
    (min, max)
}

pub fn fuzz(days: i32, seed: u64) -> i32 {
    let (min, max) = fuzz_range(days);
    if min == max {
        return days;
    }
    rand::rngs::StdRng::seed_from_u64(seed).random_range(min..=max)
}

/// A card's fuzz seed before its review count: `SMRITI_SEED` and the card's key, hashed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FuzzKey(u64);

/// Per card and per review, like Anki's (card id + reps), mixed with `SMRITI_SEED`.
/// FNV-1a rather than std's hasher, whose output may change between Rust releases.
fn fuzz_seed(key: FuzzKey, reps: u32) -> u64 {
    fnv(key.0, reps.to_le_bytes())
}

/// FNV-1a over `bytes`, from the hash `h` so far.
fn fnv(mut h: u64, bytes: impl IntoIterator<Item = u8>) -> u64 {
    for b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::tz::TimeZone;

    fn clock(at: &str) -> Clock {
        Clock::new(at.parse().unwrap(), TimeZone::UTC, 4)
    }

    fn sched() -> Scheduler {
        Scheduler::new(&[], 0.9, 7).unwrap()
    }

    #[test]
    fn memory_states_match_the_fsrs_crate() {
        let s = sched();
        let fsrs = FSRS::new(&[]).unwrap();
        let c0 = clock("2026-01-01T10:00:00Z");
        let first = s.answer(None, Grade::Good, &c0, "d/c");
        let expect = fsrs.next_states(None, 0.9, 0).unwrap().good.memory;
        assert_eq!(first.memory(), expect);

        let c1 = clock("2026-01-04T10:00:00Z");
        let second = s.answer(Some(&first), Grade::Hard, &c1, "d/c");
        let expect2 = fsrs.next_states(Some(expect), 0.9, 3).unwrap().hard.memory;
        assert_eq!(second.memory(), expect2);

        // The same history through the crate's own replay gives the same state.
        let item = fsrs::FSRSItem {
            reviews: vec![
                fsrs::FSRSReview {
                    rating: 3,
                    delta_t: 0,
                },
                fsrs::FSRSReview {
                    rating: 2,
                    delta_t: 3,
                },
            ],
        };
        let replayed = fsrs.memory_state(item, None).unwrap();
        assert!((replayed.stability - second.stability).abs() < 1e-4);
        assert!((replayed.difficulty - second.difficulty).abs() < 1e-4);
    }

    /// `answer` gives what the crate's `next_states` gives, to the bit, for every grade and
    /// phase: a scheduler on the model against one that asks the crate, with default and
    /// fitted parameters, at several retentions, and for memories the crate rejects.
    #[test]
    fn answers_are_the_crates_to_the_bit() {
        use rand::rngs::StdRng;
        let fitted: Vec<f32> = fsrs::DEFAULT_PARAMETERS
            .iter()
            .enumerate()
            .map(|(i, w)| w * if i % 2 == 0 { 0.85 } else { 1.12 })
            .collect();
        let mut rng = StdRng::seed_from_u64(5);
        let c0 = clock("2026-01-01T10:00:00Z");
        for params in [Vec::new(), fitted] {
            for retention in [0.8, 0.9, 0.97] {
                let ours = Scheduler::new(&params, retention, 7).unwrap();
                assert!(
                    ours.model.is_some(),
                    "these parameters must run on the model"
                );
                let theirs = Scheduler {
                    model: None,
                    ..Scheduler::new(&params, retention, 7).unwrap()
                };
                for i in 0..1500 {
                    let phase = [
                        Phase::New,
                        Phase::Learning,
                        Phase::Review,
                        Phase::Relearning,
                    ][i % 4];
                    let last = c0.now_ms() - rng.random_range(0..400 * 86_400_000i64);
                    let odd = [f32::NAN, f32::INFINITY, 0.0, -3.0, 1e30];
                    let state = CardState {
                        intro: last,
                        last,
                        due: last + 86_400_000,
                        stability: if i % 50 == 7 {
                            odd[i / 50 % odd.len()]
                        } else {
                            10f32.powf(rng.random_range(-2.0..4.0))
                        },
                        difficulty: if i % 50 == 9 {
                            odd[i / 50 % odd.len()]
                        } else {
                            rng.random_range(1.0..10.0)
                        },
                        phase,
                        reps: rng.random_range(1..30),
                        lapses: rng.random_range(0..9),
                    };
                    let prev = (i % 9 != 0).then_some(&state);
                    for grade in Grade::ALL {
                        let key = format!("d/{i}");
                        let (a, b) = (
                            ours.answer(prev, grade, &c0, &key),
                            theirs.answer(prev, grade, &c0, &key),
                        );
                        let bits = |s: &CardState| (s.stability.to_bits(), s.difficulty.to_bits());
                        assert_eq!(
                            (a.due, a.phase, bits(&a)),
                            (b.due, b.phase, bits(&b)),
                            "{prev:?} {grade:?}"
                        );
                    }
                }
            }
        }
    }

    /// Recall is the crate's, to the bit, whatever the decay.
    #[test]
    fn recall_is_the_crates() {
        let fitted: Vec<f32> = fsrs::DEFAULT_PARAMETERS.iter().map(|w| w * 1.12).collect();
        for params in [Vec::new(), fitted] {
            let s = Scheduler::new(&params, 0.9, 7).unwrap();
            assert!((s.recall_after(10.0, 10.0) - 0.9).abs() < 1e-5);
            for (stability, days) in [(7.0, 20.0), (0.4, 3.0), (300.0, 1.0), (2.0, 900.0)] {
                let m = MemoryState {
                    stability,
                    difficulty: 5.0,
                };
                let theirs = fsrs::current_retrievability(m, days, s.decay);
                assert_eq!(s.recall_after(stability, days).to_bits(), theirs.to_bits());
            }
        }
    }

    /// The exam planner's two outcomes of a review, shared work and all, are the crate's.
    #[test]
    fn kept_or_relearnt_is_the_crates_to_the_bit() {
        use rand::rngs::StdRng;
        let (ours, theirs) = (
            sched(),
            Scheduler {
                model: None,
                ..sched()
            },
        );
        let mut rng = StdRng::seed_from_u64(8);
        for _ in 0..3000 {
            let m = MemoryState {
                stability: 10f32.powf(rng.random_range(-2.0..4.0)),
                difficulty: rng.random_range(1.0..10.0),
            };
            let days = rng.random_range(0..500) as f32;
            let (a, b) = (
                ours.kept_or_relearnt(m, days),
                theirs.kept_or_relearnt(m, days),
            );
            assert_eq!(
                (a.0.to_bits(), a.1.to_bits()),
                (b.0.to_bits(), b.1.to_bits()),
                "{m:?} {days}"
            );
        }
    }

    #[test]
    fn same_day_reviews_use_the_short_term_model() {
        let s = sched();
        let c = clock("2026-01-01T10:00:00Z");
        let failed = s.answer(None, Grade::Again, &c, "d/c");
        assert_eq!(failed.phase, Phase::Learning);
        assert_eq!(failed.due, c.now_ms() + STEP_MS);
        let later = clock("2026-01-01T10:11:00Z");
        let passed = s.answer(Some(&failed), Grade::Good, &later, "d/c");
        let fsrs = FSRS::new(&[]).unwrap();
        let expect = fsrs
            .next_states(Some(failed.memory()), 0.9, 0)
            .unwrap()
            .good
            .memory;
        assert_eq!(passed.memory(), expect);
        assert_eq!(passed.phase, Phase::Review);
        assert_eq!(passed.reps, 2);
    }

    /// `recall_order` ranks cards exactly as their recall does, new cards lowest.
    #[test]
    fn the_recall_order_ranks_cards_as_their_recall_does() {
        let sched = Scheduler::new(&[], 0.9, 1).unwrap();
        let at = 1_800_000_000_000;
        let mut states = Vec::new();
        for (i, stability) in [0.3f32, 1.0, 2.5, 7.0, 30.0, 120.0, 400.0]
            .iter()
            .enumerate()
        {
            for days in [0i64, 1, 3, 10, 45, 200] {
                states.push(CardState {
                    intro: 0,
                    last: at - days * 86_400_000 - i as i64 * 3_600_000,
                    due: at,
                    stability: *stability,
                    difficulty: 5.0,
                    phase: Phase::Review,
                    reps: 2,
                    lapses: 0,
                });
            }
        }
        states.push(CardState {
            phase: Phase::New,
            ..states[0]
        });
        for a in &states {
            for b in &states {
                let (ra, rb) = (sched.retrievability(a, at), sched.retrievability(b, at));
                let (ka, kb) = (sched.recall_order(a, at), sched.recall_order(b, at));
                if ra != rb {
                    assert_eq!(ra < rb, ka < kb, "{a:?} against {b:?}");
                }
            }
        }
    }

    #[test]
    fn a_failed_review_is_a_lapse_and_relearns_the_same_day() {
        let s = sched();
        let c0 = clock("2026-01-01T10:00:00Z");
        let learned = s.answer(None, Grade::Good, &c0, "d/c");
        assert_eq!(learned.phase, Phase::Review);
        let c1 = clock("2026-01-10T10:00:00Z");
        let lapsed = s.answer(Some(&learned), Grade::Again, &c1, "d/c");
        assert_eq!((lapsed.phase, lapsed.lapses), (Phase::Relearning, 1));
        assert_eq!(lapsed.due, c1.now_ms() + STEP_MS);
        assert!(lapsed.stability < learned.stability);
    }

    #[test]
    fn leech_after_eight_lapses() {
        let state = CardState {
            intro: 0,
            last: 0,
            due: 0,
            stability: 1.0,
            difficulty: 5.0,
            phase: Phase::Review,
            reps: 20,
            lapses: 7,
        };
        assert!(!state.is_leech());
        let s = sched();
        let lapsed = s.answer(
            Some(&state),
            Grade::Again,
            &clock("2026-01-10T10:00:00Z"),
            "k",
        );
        assert!(lapsed.is_leech());
    }

    #[test]
    fn review_intervals_are_whole_days_from_the_day_start() {
        let s = sched();
        let c = clock("2026-01-01T22:00:00Z");
        let st = s.answer(None, Grade::Easy, &c, "d/c");
        // Easy on a new card: FSRS gives ~8.3 days, fuzzed within Anki's range.
        let days = c.days_between(c.now_ms(), st.due);
        let (lo, hi) = fuzz_range(8);
        assert!((lo..=hi).contains(&days), "{days}");
        assert_eq!(
            crate::clock::from_ms(st.due).to_string().split('T').nth(1),
            Some("04:00:00Z")
        );
    }

    #[test]
    fn fuzz_stays_in_ankis_ranges_and_is_deterministic() {
        assert_eq!(fuzz_range(1), (1, 1));
        assert_eq!(fuzz_range(2), (2, 2));
        assert_eq!(fuzz_range(5), (4, 6)); // delta 1 + 0.15*2.5 = 1.375
        assert_eq!(fuzz_range(10), (8, 12)); // delta 1 + 0.675 + 0.3 = 1.975
        assert_eq!(fuzz_range(100), (93, 107)); // delta 1 + 0.675 + 1.3 + 4 = 6.975
        for seed in 0..200 {
            let f = fuzz(30, seed);
            let (lo, hi) = fuzz_range(30);
            assert!((lo..=hi).contains(&f));
            assert_eq!(f, fuzz(30, seed));
        }
        let spread: std::collections::HashSet<_> = (0..200).map(|s| fuzz(30, s)).collect();
        assert!(spread.len() > 3, "fuzz should vary across cards");
    }

    #[test]
    fn grades_parse_from_numbers_and_names() {
        assert_eq!(Grade::parse("3"), Some(Grade::Good));
        assert_eq!(Grade::parse(" Easy "), Some(Grade::Easy));
        assert_eq!(Grade::parse("5"), None);
        assert_eq!(Grade::parse("0"), None);
        assert_eq!(Grade::parse("hARD"), Some(Grade::Hard));
        assert_eq!(Grade::parse("goody"), None);
        assert_eq!(Grade::parse(""), None);
        assert_eq!(Grade::from_number(1), Some(Grade::Again));
        assert_eq!(Grade::from_number(0), None);
    }
}
