//! `plan`: the road to each exam, by simulation. Pure: no I/O, no clock reads.
//!
//! The simulation runs the real scheduler: each study day from today to the last exam picks
//! its cards with the quiz's own selection, `queue::decide` (budget, exam-serving due dates,
//! leveling), and answers them through `Scheduler::answer`, so what `plan` shows is what `quiz`
//! will ask. The cards are kept in a `pool::Pool` that follows each answer, so a simulated day
//! costs what it answers rather than a pass over the whole collection. Whether a card is
//! recalled is drawn from the model's own probability of recall at that moment (and a new
//! card's first grade from FSRS's simulator defaults), never assumed Good, and the whole run
//! is repeated with different draws: the exam-day figure is the median of the runs with their
//! range. Recall on exam morning is the model's predicted recall of each of that exam's cards
//! at the start of the exam day; a card never introduced by then counts as not recalled.

mod pool;
pub mod render;

use std::borrow::Cow;

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use serde::Serialize;

use crate::budget::Budget;
use crate::clock::{Clock, Millis, from_ms};
use crate::config::Config;
use crate::deck::index::Index;
use crate::deck::{Card, Exam};
use crate::quiz::queue::{self, Goals, Limits, Window};
use crate::schedule::exam::ExamGoal;
use crate::schedule::{CardState, FuzzKey, Grade, STEP_MS, Scheduler};
use crate::store::States;
use pool::Pool;

/// Simulated runs behind each figure.
pub const RUNS: usize = 8;
/// A simulated day's session starts this long after the study day does.
const SESSION_OFFSET_MS: Millis = 3 * 3_600_000;
/// The longest road simulated, in days; an exam further off is shown as not yet planned.
pub const MAX_DAYS: i32 = 3 * 366;

/// What the simulation needs of a card: its key (its interval fuzz is seeded by it), its exam,
/// and its deck (new cards of several decks take turns). `plan` takes them from the deck
/// index: decoding 100k cards' text for them was a tenth of its time.
#[derive(Debug, Clone, Copy)]
pub struct PlanCard<'a> {
    pub key: &'a str,
    pub exam: Exam,
    pub deck: &'a str,
}

impl<'a> PlanCard<'a> {
    pub fn of(card: &'a Card) -> PlanCard<'a> {
        PlanCard {
            key: &card.key,
            exam: card.exam,
            deck: &card.deck,
        }
    }

    /// The card at place `i` of `index`.
    pub fn placed(index: &'a Index, i: usize) -> PlanCard<'a> {
        PlanCard {
            key: index.key(i),
            exam: index.exam(i),
            deck: &index.deck(i).id,
        }
    }
}

pub struct PlanInput<'a> {
    /// The selected cards, in deck order (new cards are introduced in this order within a
    /// deck, decks taking turns as `config.new_order` says).
    pub cards: &'a [PlanCard<'a>],
    pub states: &'a States,
    pub sched: &'a Scheduler,
    pub clock: &'a Clock,
    pub config: &'a Config,
    pub budget: Budget,
    /// Cards already answered today, and new cards introduced today (today's limits).
    pub answered_today: usize,
    pub introduced_today: usize,
    /// Cards of the whole library (suspended ones left out) preparing for prelims and for
    /// mains, whatever the selection: what each exam's target is sized to, as the quiz sizes
    /// it (`cmd::plan::exam_cards`).
    pub exam_cards: [usize; 2],
    pub seed: u64,
    pub runs: usize,
    /// Each card's due date as the quiz asks it today, by position, and the goals it was
    /// worked out under (kept between runs by `quiz::exam_dues`): where those are the goals
    /// the simulation sizes, it starts from these instead of working each card's out again,
    /// which at 100k cards was a tenth of its time.
    pub asked: Option<(Goals, &'a [Millis])>,
}

/// The top-level object of `smriti plan --json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Plan {
    /// The study day the plan starts on (`YYYY-MM-DD`).
    pub today: String,
    /// Cards (reviews and new) a study day may ask.
    pub budget: usize,
    /// Seconds an answer is taken to cost: the user's median answer time, or 12 before
    /// there are 20 timed answers.
    pub secs_per_answer: f64,
    /// Simulated runs behind each figure.
    pub runs: usize,
    /// One row per study day from today to the day before the last exam.
    pub days: Vec<PlanDay>,
    /// The day with the most answers (`null` with no day to plan).
    pub peak: Option<PlanDay>,
    /// Days on which a run asked more cards than the budget (0 unless `--new` style overrides).
    pub days_over_budget: usize,
    /// One entry per exam with a date ahead and selected cards.
    pub exams: Vec<ExamPlan>,
    /// New cards paced faster than `new_per_day` to be all introduced before the run-up to
    /// their exam (`queue::Goals::pace`), as of today: one entry per paced exam, none when
    /// `new_per_day` keeps up.
    pub pace: Vec<PlanPace>,
}

/// One exam's paced new cards: how many a day, and the day by which all are introduced.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanPace {
    pub exam: Exam,
    pub per_day: usize,
    pub by: String,
}

impl PlanPace {
    pub fn all(paces: &queue::Paces) -> Vec<PlanPace> {
        paces
            .iter()
            .map(|p| PlanPace {
                exam: p.exam,
                per_day: p.per_day,
                by: p.by.to_string(),
            })
            .collect()
    }
}

/// One study day, averaged over the runs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanDay {
    pub date: String,
    /// Cards asked (due reviews and new cards), mean over the runs, rounded.
    pub cards: usize,
    /// Of those, new cards.
    pub new: usize,
    /// Answers given, counting a failed card's relearning answer; mean over the runs.
    pub answers: usize,
    /// `answers` at the user's answer time, rounded up.
    pub minutes: usize,
}

/// The road to one exam.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExamPlan {
    pub exam: Exam,
    pub date: String,
    /// Study days from today to the exam day.
    pub days_left: i32,
    /// Selected cards for this exam, and how many have been seen.
    pub cards: usize,
    pub seen: usize,
    /// Cards introduced by the exam morning (median over the runs).
    pub introduced_by_exam: usize,
    /// Share of the exam's cards recalled on exam morning, by simulation: the median of the
    /// runs, and the lowest and highest run.
    pub recall: Spread,
    /// Share recalled on exam morning if no card were reviewed again (new cards: 0).
    pub recall_no_review: f64,
    /// Answers this exam's cards take until the exam (mean over the runs).
    pub answers: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Spread {
    pub median: f64,
    pub low: f64,
    pub high: f64,
}

/// What one run found.
struct RunResult {
    /// Per day: cards asked, new cards, answers.
    days: Vec<[usize; 3]>,
    /// Per exam slot: (recall share on exam morning, introduced by then, answers to it).
    exams: [Option<(f64, usize, usize)>; 2],
}

pub fn plan(input: &PlanInput) -> Plan {
    let clock = input.clock;
    let today = clock.today();
    let level = queue::level_for(input.budget.cards, input.config.new_per_day as usize);
    let goals = Goals::new(input.config, clock).sized(input.sched, input.exam_cards, level);
    let wanted: Vec<ExamGoal> = [Exam::Prelims, Exam::Mains]
        .into_iter()
        .filter_map(|e| {
            let g = goals.of(e)?;
            input.cards.iter().any(|c| c.exam == e).then_some(*g)
        })
        .collect();
    let horizon = wanted
        .iter()
        .map(|g| (g.day - today).get_days())
        .max()
        .unwrap_or(0)
        .min(MAX_DAYS);
    let runs = input.runs.max(1);
    // Each card's state, looked up by key once for all the runs.
    let known: Vec<Option<CardState>> = input
        .cards
        .iter()
        .map(|c| input.states.get(c.key))
        .collect();
    // The cards as each run starts them: due when the exam serves them, new cards by turn
    // (the quiz's own turns between decks, so they are introduced in the order it would).
    let due = match input.asked {
        Some((asked_under, asked)) if asked_under == goals && asked.len() == input.cards.len() => {
            asked.to_vec()
        }
        _ => input
            .cards
            .iter()
            .zip(&known)
            .map(|(c, s)| asked_on(input.sched, s.as_ref(), &goals, c.exam, clock))
            .collect(),
    };
    let cards = input.cards;
    let groups = queue::new_groups_by(cards.len(), |i| cards[i].deck, input.config.new_order);
    // Each card's exam, in one list: read for every card on an exam's morning, it is a
    // cache miss each through the cards.
    let exams: Vec<Exam> = input.cards.iter().map(|c| c.exam).collect();
    let mut start = Pool::new(known.clone(), due, groups, exams.clone());
    // Today's due reviews found once, not again by each run on its first day.
    start.split_at(queue::due_cutoff(clock));
    // What seeds each card's fuzz, hashed from its key once rather than at every answer.
    let fuzz: Vec<FuzzKey> = input
        .cards
        .iter()
        .map(|c| input.sched.fuzz_key(c.key))
        .collect();
    let fixed = Fixed {
        exams: &exams,
        fuzz: &fuzz,
    };
    let results = run_all(input, &start, fixed, horizon, runs);
    let pace = PlanPace::all(&goals.pace(start.unseen(), input.config.new_per_day as usize, clock));

    let days: Vec<PlanDay> = (0..horizon as usize)
        .map(|d| {
            let mean = |k: usize| {
                (results.iter().map(|r| r.days[d][k]).sum::<usize>() as f64 / runs as f64).round()
                    as usize
            };
            let answers = mean(2);
            PlanDay {
                date: Clock::add_days(today, d as i32).to_string(),
                cards: mean(0),
                new: mean(1),
                answers,
                minutes: (answers as f64 * input.budget.secs_per_answer / 60.0).ceil() as usize,
            }
        })
        .collect();
    let peak = days
        .iter()
        .max_by_key(|d| (d.answers, usize::MAX - d.cards))
        .cloned();
    let days_over_budget = (0..horizon as usize)
        .filter(|d| results.iter().any(|r| r.days[*d][0] > input.budget.cards))
        .count();

    let exams = [Exam::Prelims, Exam::Mains]
        .into_iter()
        .filter_map(|e| exam_plan(input, e, goals.of(e)?, &results))
        .collect();
    Plan {
        today: today.to_string(),
        budget: input.budget.cards,
        secs_per_answer: input.budget.secs_per_answer,
        runs,
        days,
        peak,
        days_over_budget,
        exams,
        pace,
    }
}

fn exam_plan(
    input: &PlanInput,
    exam: Exam,
    goal: &ExamGoal,
    results: &[RunResult],
) -> Option<ExamPlan> {
    let of_exam: Vec<CardState> = input
        .cards
        .iter()
        .filter(|c| c.exam == exam)
        .filter_map(|c| input.states.get(c.key))
        .collect();
    let cards = input.cards.iter().filter(|c| c.exam == exam).count();
    if cards == 0 {
        return None;
    }
    let no_review: f64 = of_exam
        .iter()
        .map(|s| f64::from(input.sched.retrievability(s, goal.at)))
        .sum();
    let mut recalls: Vec<f64> = Vec::new();
    let mut introduced: Vec<usize> = Vec::new();
    let mut answers = 0;
    for r in results {
        if let Some((recall, intro, ans)) = r.exams[queue::exam_slot(exam)] {
            recalls.push(recall);
            introduced.push(intro);
            answers += ans;
        }
    }
    if recalls.is_empty() {
        return None;
    }
    recalls.sort_by(f64::total_cmp);
    introduced.sort_unstable();
    Some(ExamPlan {
        exam,
        date: goal.day.to_string(),
        days_left: (goal.day - input.clock.today()).get_days(),
        cards,
        seen: of_exam.len(),
        introduced_by_exam: introduced[introduced.len() / 2],
        recall: Spread {
            median: share(recalls[recalls.len() / 2]),
            low: share(recalls[0]),
            high: share(recalls[recalls.len() - 1]),
        },
        recall_no_review: share(no_review / cards as f64),
        answers: answers / recalls.len(),
    })
}

fn share(x: f64) -> f64 {
    // `+ 0.0` turns the -0 that an empty f64 sum starts from into 0.
    (x * 10_000.0).round() / 10_000.0 + 0.0
}

/// What each card keeps through every run: its exam, and what seeds its fuzz.
#[derive(Clone, Copy)]
struct Fixed<'a> {
    exams: &'a [Exam],
    fuzz: &'a [FuzzKey],
}

/// The runs, spread over the machine's cores (each run is independent).
fn run_all(
    input: &PlanInput,
    start: &Pool,
    fixed: Fixed,
    horizon: i32,
    runs: usize,
) -> Vec<RunResult> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, runs);
    if threads == 1 {
        return (0..runs)
            .map(|r| simulate(input, start, fixed, horizon, r))
            .collect();
    }
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                scope.spawn(move || {
                    (t..runs)
                        .step_by(threads)
                        .map(|r| (r, simulate(input, start, fixed, horizon, r)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        let mut all: Vec<(usize, RunResult)> = handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect();
        all.sort_by_key(|(r, _)| *r);
        all.into_iter().map(|(_, r)| r).collect()
    })
}

/// One simulated season: every study day from today until the last exam, from the cards'
/// cards as they are today, `start`.
fn simulate(input: &PlanInput, start: &Pool, fixed: Fixed, horizon: i32, run: usize) -> RunResult {
    let exams = fixed.exams;
    let sched = input.sched;
    let clock = input.clock;
    let cards = input.cards;
    let today = clock.today();
    let mut rng =
        StdRng::seed_from_u64(input.seed ^ (run as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15));
    let sim = fsrs::SimulatorConfig::default();
    let exam_cards = input.exam_cards;
    let level = queue::level_for(input.budget.cards, input.config.new_per_day as usize);
    let goals_on = |clock: &Clock| Goals::new(input.config, clock).sized(sched, exam_cards, level);
    let mut goals = goals_on(clock);
    let mut pool = start.clone();
    let mut result = RunResult {
        days: Vec::with_capacity(horizon as usize),
        exams: [None, None],
    };
    let mut exam_answers = [0usize; 2];
    // Each exam's cards introduced earlier today (the pace counts them).
    let day_start = clock.day_start_ms(today);
    let mut introduced_today = [0; 2];
    for (exam, state) in exams.iter().zip(pool.states()) {
        if state.is_some_and(|s| s.intro >= day_start) {
            introduced_today[queue::exam_slot(*exam)] += 1;
        }
    }
    for d in 0..=horizon {
        let day = Clock::add_days(today, d);
        let at = if d == 0 {
            clock.now_ms()
        } else {
            clock.day_start_ms(day) + SESSION_OFFSET_MS
        };
        let day_clock = Clock::new(from_ms(at), clock.tz.clone(), clock.day_start_hour);
        // On an exam's morning: record where its cards stand, then schedule them as usual.
        for exam in [Exam::Prelims, Exam::Mains] {
            if let Some(g) = goals.of(exam).filter(|g| g.day == day) {
                let goal_at = g.at;
                let slot = queue::exam_slot(exam);
                let (mut n, mut sum, mut intro) = (0, 0.0, 0);
                for (e, state) in exams.iter().zip(pool.states()) {
                    if *e != exam {
                        continue;
                    }
                    n += 1;
                    if let Some(s) = state {
                        sum += f64::from(sched.retrievability(s, goal_at));
                        intro += 1;
                    }
                }
                let recall = sum / n.max(1) as f64;
                result.exams[slot] = Some((recall, intro, exam_answers[slot]));
            }
        }
        if d == horizon {
            break;
        }
        let before = goals;
        goals = goals_on(&day_clock);
        if goals != before {
            // A card whose exam's goal is the same keeps its date: it was reckoned from the
            // same state and goal, and `due_for_exam` reads the clock's zone and day start,
            // not its time.
            pool.redate(|i, state, due| {
                if goals.of(exams[i]) == before.of(exams[i]) {
                    due
                } else {
                    asked_on(sched, state.as_ref(), &goals, exams[i], &day_clock)
                }
            });
        }
        let (answered, introduced, introduced_of) = if d == 0 {
            (
                input.answered_today,
                input.introduced_today,
                introduced_today,
            )
        } else {
            (0, 0, [0; 2])
        };
        let new_per_day = input.config.new_per_day as usize;
        let pace = goals.pace(pool.unseen(), new_per_day, &day_clock);
        let limits = Limits {
            new: new_per_day.saturating_sub(introduced),
            new_over_budget: false,
            today: input.budget.cards.saturating_sub(answered),
            level,
            paced: pace.today(introduced_of),
        };
        // `queue::pick_by`'s selection, from the pool instead of a pass over every card.
        let window = Window::new(&day_clock, goals.horizon(&day_clock));
        let gathered = pool.gather(|s| sched.recall_order(s, at), &window, limits);
        let picked = queue::decide(
            gathered,
            |i| exams[i],
            limits,
            &window,
            || pool.ahead(&window),
        );
        let mut answers = 0;
        for i in picked.in_order() {
            let card = cards[i];
            let mut state = pool.state(i);
            let mut now = at;
            // The day's clock for the first answer; a learning step's own (a new clock
            // shares the zone, a counter the threads would contend on at every answer).
            let mut now_clock = Cow::Borrowed(&day_clock);
            loop {
                let grade = draw_grade(sched, state.as_ref(), now, &sim, &mut rng);
                let next = sched.answer_keyed(state.as_ref(), grade, &now_clock, fixed.fuzz[i]);
                answers += 1;
                exam_answers[queue::exam_slot(card.exam)] += 1;
                state = Some(next);
                if !next.in_step() {
                    break;
                }
                // A learning step comes back later in the same session.
                now = next.due.max(now + STEP_MS);
                now_clock = Cow::Owned(Clock::new(
                    from_ms(now),
                    clock.tz.clone(),
                    clock.day_start_hour,
                ));
            }
            let due = asked_on(sched, state.as_ref(), &goals, card.exam, &day_clock);
            pool.set(i, state, due);
        }
        result.days.push([picked.len(), picked.new.len(), answers]);
    }
    result
}

/// An index drawn with the given weights.
pub fn weighted(probs: &[f32], rng: &mut StdRng) -> usize {
    let mut x = rng.random::<f32>() * probs.iter().sum::<f32>();
    for (i, p) in probs.iter().enumerate() {
        if x < *p {
            return i;
        }
        x -= p;
    }
    probs.len() - 1
}

/// When the quiz asks a card (`Goals::due`); one not yet introduced, never by date.
fn asked_on(
    sched: &Scheduler,
    state: Option<&CardState>,
    goals: &Goals,
    exam: Exam,
    clock: &Clock,
) -> Millis {
    state.map_or(Millis::MAX, |s| goals.due(sched, s, exam, clock))
}

/// A grade drawn as a learner would give it: a new card's first grade from FSRS's simulator
/// defaults; a step's answer Good; a review recalled with the model's probability of recall
/// (then Hard, Good or Easy in the simulator's proportions), else Again.
fn draw_grade(
    sched: &Scheduler,
    state: Option<&CardState>,
    now: Millis,
    sim: &fsrs::SimulatorConfig,
    rng: &mut StdRng,
) -> Grade {
    match state {
        None => Grade::ALL[weighted(&sim.first_rating_prob, rng)],
        Some(s) if s.in_step() => Grade::Good,
        Some(s) => {
            if rng.random::<f32>() < sched.retrievability(s, now) {
                Grade::ALL[1 + weighted(&sim.review_rating_prob, rng)]
            } else {
                Grade::Again
            }
        }
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
pub(crate) mod tests_support {
    use super::PlanCard;
    use crate::deck::Card;

    /// A test's cards as the simulation takes them.
    pub fn plan_cards<'c>(cards: &[&'c Card]) -> Vec<PlanCard<'c>> {
        cards.iter().map(|c| PlanCard::of(c)).collect()
    }

    /// How many of `cards` prepare for prelims and for mains: a test's whole library.
    pub fn exam_counts(cards: &[&Card]) -> [usize; 2] {
        let mut n = [0; 2];
        for c in cards {
            n[crate::quiz::queue::exam_slot(c.exam)] += 1;
        }
        n
    }
}
