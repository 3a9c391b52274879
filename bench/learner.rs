//! A synthetic learner for `optimize`'s benchmark and tests: its true memory is FSRS-6 with its
//! own parameters (each default weight times a seeded factor in [0.7, 1.3]); it studies one
//! session a day, shown what smriti with the default parameters would show (due reviews at
//! 0.90 retention, new cards, a 10-minute step after a failure), and recalls each card with
//! the probability its true memory gives. Seeded, so a run is reproducible.
//!
//! Shared by `bench/optimize.rs` and the integration tests (`tests/cli/optimize.rs`).

#![allow(dead_code)]

use fsrs::{FSRS, MemoryState, NextStates};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

pub const DAY_MS: i64 = 86_400_000;
const STEP_MS: i64 = 10 * 60_000;

/// FSRS-6's defaults, each times a factor drawn from [0.7, 1.3].
pub fn perturbed_parameters(seed: u64) -> Vec<f32> {
    let mut rng = StdRng::seed_from_u64(seed);
    fsrs::DEFAULT_PARAMETERS
        .iter()
        .map(|w| w * rng.random_range(0.7f32..=1.3))
        .collect()
}

/// One answer the learner gave.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    pub at: i64,
    pub card: usize,
    pub grade: u8,
    /// The true probability of recall at this answer (for a new card, of not failing it).
    pub p_true: f32,
    /// The card's state after the answer, as smriti's journal keeps it.
    pub intro: i64,
    pub due: i64,
    pub stability: f32,
    pub difficulty: f32,
    pub phase: char,
    pub reps: u32,
    pub lapses: u32,
}

impl Answer {
    pub fn key(&self) -> String {
        format!("synthetic/card-{}", self.card)
    }

    /// The answer as a line of smriti's journal (format v1, see the README's state file).
    pub fn journal_line(&self) -> String {
        format!(
            "r\t{}\t{}\t{}\t4000\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\n",
            self.at,
            self.key(),
            self.grade,
            self.intro,
            self.at,
            self.due,
            self.stability,
            self.difficulty,
            self.phase,
            self.reps,
            self.lapses
        )
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Phase {
    New,
    Learning,
    Review,
    Relearning,
}

#[derive(Clone)]
struct Card {
    phase: Phase,
    intro: i64,
    last_at: i64,
    last_day: i64,
    due_day: i64,
    /// The memory smriti's scheduler believes in (default parameters).
    believed: Option<MemoryState>,
    /// The learner's real memory.
    truth: Option<MemoryState>,
    reps: u32,
    lapses: u32,
}

pub struct Learner {
    pub parameters: Vec<f32>,
    truth: FSRS,
    decay: f32,
    scheduler: FSRS,
    rng: StdRng,
}

impl Learner {
    pub fn new(parameters: Vec<f32>, seed: u64) -> Learner {
        let truth = FSRS::new(&parameters).expect("valid parameters");
        let decay = parameters[20].clamp(0.1, 0.8);
        Learner {
            parameters,
            truth,
            decay,
            scheduler: FSRS::new(&[]).expect("defaults"),
            rng: StdRng::seed_from_u64(seed ^ 0x5eed),
        }
    }

    /// `answers` answers (the last session is finished, so a few more) from `cards` cards,
    /// `new_per_day` new a day, the first session on the study day that starts at `day0`
    /// (a day start, in ms); each session starts six hours into its day and takes 8 s an
    /// answer. One day in ten is skipped, as people do.
    pub fn study(
        &mut self,
        cards: usize,
        new_per_day: usize,
        answers: usize,
        day0: i64,
    ) -> Vec<Answer> {
        let mut deck = vec![
            Card {
                phase: Phase::New,
                intro: 0,
                last_at: 0,
                last_day: 0,
                due_day: 0,
                believed: None,
                truth: None,
                reps: 0,
                lapses: 0,
            };
            cards
        ];
        let mut out = Vec::with_capacity(answers + 500);
        let mut next_new = 0;
        let mut day = 0i64;
        while out.len() < answers && day < 100_000 {
            if self.rng.random_bool(0.1) {
                day += 1;
                continue;
            }
            let mut queue: Vec<usize> = (0..cards)
                .filter(|&c| deck[c].phase == Phase::Review && deck[c].due_day <= day)
                .collect();
            let new_end = (next_new + new_per_day).min(cards);
            queue.extend(next_new..new_end);
            next_new = new_end;
            let mut t = day0 + day * DAY_MS + 6 * 3_600_000;
            // (due time, card) of cards in a learning step, answered when due.
            let mut steps: Vec<(i64, usize)> = Vec::new();
            let mut i = 0;
            loop {
                let card = if i < queue.len() {
                    i += 1;
                    queue[i - 1]
                } else if let Some(pos) = (0..steps.len()).min_by_key(|&p| steps[p].0) {
                    let (due, card) = steps.remove(pos);
                    t = t.max(due);
                    card
                } else {
                    break;
                };
                let answer = self.answer(&mut deck[card], card, t, day, day0);
                if matches!(deck[card].phase, Phase::Learning | Phase::Relearning) {
                    steps.push((answer.due, card));
                }
                out.push(answer);
                t += 8_000;
            }
            day += 1;
        }
        out
    }

    fn answer(&mut self, card: &mut Card, id: usize, at: i64, day: i64, day0: i64) -> Answer {
        let elapsed_days = if card.phase == Phase::New {
            0
        } else {
            (day - card.last_day) as u32
        };
        let p_true = match card.truth {
            None => 0.75,
            Some(memory) => {
                // Within the day the forgetting curve runs on the hours since the last answer.
                let days = if elapsed_days == 0 {
                    (at - card.last_at) as f32 / DAY_MS as f32
                } else {
                    elapsed_days as f32
                };
                fsrs::current_retrievability(memory, days, self.decay)
            }
        };
        let grade: u8 = if !self.rng.random_bool(f64::from(p_true)) {
            1
        } else {
            match self.rng.random::<f32>() {
                x if x < 0.15 => 2,
                x if x < 0.9 => 3,
                _ => 4,
            }
        };
        let pick = |n: NextStates| match grade {
            1 => n.again,
            2 => n.hard,
            3 => n.good,
            _ => n.easy,
        };
        let truth = self
            .truth
            .next_states(card.truth, 0.9, elapsed_days)
            .expect("true memory");
        card.truth = Some(pick(truth).memory);
        let believed = pick(
            self.scheduler
                .next_states(card.believed, 0.9, elapsed_days)
                .expect("scheduler memory"),
        );
        card.believed = Some(believed.memory);
        if card.phase == Phase::New {
            card.intro = at;
        }
        card.reps += 1;
        card.last_at = at;
        card.last_day = day;
        let mut due = at + STEP_MS;
        card.phase = match (card.phase, grade) {
            (Phase::Review, 1) => {
                card.lapses += 1;
                Phase::Relearning
            }
            (Phase::New | Phase::Learning, 1 | 2) => Phase::Learning,
            (Phase::Relearning, 1 | 2) => Phase::Relearning,
            _ => {
                let mut days = believed.interval.round().max(1.0) as i64;
                if days >= 3 {
                    let spread = (days as f32 * 0.05).ceil() as i64;
                    days += self.rng.random_range(-spread..=spread);
                }
                card.due_day = day + days.max(1);
                due = day0 + card.due_day * DAY_MS;
                Phase::Review
            }
        };
        Answer {
            at,
            card: id,
            grade,
            p_true,
            intro: card.intro,
            due,
            stability: believed.memory.stability,
            difficulty: believed.memory.difficulty,
            phase: match card.phase {
                Phase::New => 'n',
                Phase::Learning => 'l',
                Phase::Review => 'r',
                Phase::Relearning => 'R',
            },
            reps: card.reps,
            lapses: card.lapses,
        }
    }
}
