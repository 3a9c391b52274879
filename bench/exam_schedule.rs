//! Exam scheduling benchmark (issue 9): does scheduling toward the exam get synthetic learners
//! to exam morning remembering more, for how many answers, without a flood on the eve?
//!
//! Each learner's true memory is FSRS-6 with their own parameters (every default weight
//! multiplied by a seeded factor in [0.7, 1.3]); smriti schedules them with the default
//! parameters, as it does a user who has not run `optimize`. One session a day; the learner
//! answers every card smriti shows, recalling it with the probability their true memory
//! gives. Three policies over the same learners:
//!   (a) plain FSRS at 0.90 retention, no exam date (with the daily budget, as Anki's limit);
//!   (b) the exam clamp smriti had before (no interval past the exam; cards due after it pulled
//!       into its last 3 days), with no budget, as it was;
//!   (c) the exam scheduler (`schedule::exam` + `quiz::queue`, new cards paced to the exam by
//!       `Goals::pace` as the quiz paces them) within the budget.
//! Reported per scenario, as the mean over learners: true recall on exam morning (a card never
//! introduced counts 0), total answers, answers in the last 7 days, and the busiest day.
//!
//! Run: `cargo bench --bench exam_schedule` (release build).

use fsrs::{FSRS, MemoryState};
use jiff::civil::{Date, date};
use jiff::tz::TimeZone;
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

use smriti::clock::{Clock, Millis, from_ms};
use smriti::deck::Exam;
use smriti::optimize::{self, Progress, Readiness};
use smriti::plan::weighted;
use smriti::quiz::queue::{Goals, Limits, Slot, pick_by};
use smriti::schedule::exam::ExamGoal;
use smriti::schedule::{CardState, Grade, STEP_MS, Scheduler};
use smriti::store::history::History;

const NEW_PER_DAY: usize = 20;
const LEARNERS: u64 = 5;

/// Learners per row: `LEARNERS=n` runs fewer (or more) while exploring.
fn learners() -> u64 {
    std::env::var("LEARNERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(LEARNERS)
}
const START: Date = date(2027, 1, 1);
const REFIT_DAYS: i32 = 30;

#[derive(Clone, Copy, PartialEq, Debug)]
enum Policy {
    Plain,
    Clamp,
    Exam,
}

struct Card {
    key: String,
    state: Option<CardState>,
    due: Millis,
    truth: Option<MemoryState>,
    truth_last: Millis,
}

#[derive(Default, Clone, Copy)]
struct Outcome {
    recall: f64,
    answers: f64,
    last7: f64,
    busiest: f64,
    over_budget_days: f64,
}

fn learner_params(seed: u64) -> Vec<f32> {
    let mut rng = StdRng::seed_from_u64(seed);
    fsrs::DEFAULT_PARAMETERS
        .iter()
        .map(|w| w * rng.random_range(0.7f32..1.3))
        .collect()
}

fn days(ms: Millis) -> f32 {
    ms.max(0) as f32 / 86_400_000.0
}

/// One learner's run. With `refit` set, the learner runs `smriti optimize` every that many
/// days, and the fitted parameters are used from then on when optimize would save them.
fn run(
    policy: Policy,
    n: usize,
    to_exam: i32,
    budget: Option<usize>,
    refit: Option<i32>,
    seed: u64,
) -> Outcome {
    let tz = TimeZone::UTC;
    let truth_params = learner_params(seed);
    let truth = FSRS::new(&truth_params).expect("perturbed parameters are valid");
    let decay = truth_params[20];
    let mut sched = Scheduler::new(&[], 0.9, seed).expect("default parameters");
    let mut parameters: Vec<f32> = Vec::new();
    let mut log: Vec<(Millis, usize, Grade)> = Vec::new();
    let sim = fsrs::SimulatorConfig::default();
    let mut rng = StdRng::seed_from_u64(seed ^ 0x5eed);
    let exam_day = Clock::add_days(START, to_exam);
    let mut cards: Vec<Card> = (0..n)
        .map(|i| Card {
            key: format!("bench/c{i}"),
            state: None,
            due: Millis::MAX,
            truth: None,
            truth_last: 0,
        })
        .collect();
    let mut per_day = Vec::new();
    let mut over = 0;
    for d in 0..to_exam {
        let today = Clock::add_days(START, d);
        let base = Clock::new(from_ms(0), tz.clone(), 4);
        let at = base.day_start_ms(today) + 3 * 3_600_000;
        let clock = Clock::new(from_ms(at), tz.clone(), 4);
        let level = budget.map_or(usize::MAX, |b| {
            smriti::quiz::queue::level_for(b, NEW_PER_DAY)
        });
        // The exam's target and ordinary retention sized to the deck, as the quiz sizes them.
        let goals = Goals {
            prelims: ExamGoal::ahead(Some(exam_day), &clock),
            mains: None,
        }
        .sized(&sched, [n, 0], level);
        let goal = goals.prelims;
        if refit.is_some_and(|every| d > 0 && d % every == 0)
            && let Some(fitted) = refit_parameters(&log, &cards, &parameters, &clock)
        {
            parameters = fitted;
            sched = Scheduler::new(&parameters, 0.9, seed).expect("fitted parameters");
            for c in &mut cards {
                if let (Some(state), Policy::Exam, Some(g)) = (&c.state, policy, goal.as_ref()) {
                    c.due = sched.due_for_exam(state, g, &clock);
                }
            }
        }
        let window_open = clock.day_start_ms(Clock::add_days(exam_day, -3));
        let exam_at = clock.day_start_ms(exam_day);
        let in_window = at >= window_open;
        // New cards paced to the exam as the quiz paces them (`Goals::pace`).
        let unseen = cards.iter().filter(|c| c.state.is_none()).count();
        let paced = match policy {
            Policy::Exam => goals.pace([unseen, 0], NEW_PER_DAY, &clock).today([0; 2]),
            _ => [0; 2],
        };
        let limits = match budget {
            Some(b) => Limits {
                new: NEW_PER_DAY,
                new_over_budget: false,
                today: b,
                level,
                paced,
            },
            None => Limits::unbounded(NEW_PER_DAY),
        };
        let horizon = if policy == Policy::Exam {
            to_exam - d
        } else {
            0
        };
        let picked = pick_by(
            n,
            |i| {
                let c = &cards[i];
                c.state.as_ref().map(|s| {
                    let mut due = c.due;
                    if policy == Policy::Clamp
                        && in_window
                        && s.due >= exam_at
                        && s.last < window_open
                    {
                        due = at;
                    }
                    Slot { state: *s, due }
                })
            },
            // One deck: new cards in index order.
            |_| 0,
            |_| Exam::Prelims,
            |s| sched.recall_order(s, at),
            &clock,
            limits,
            horizon,
        );
        let shown = picked.len();
        if budget.is_some_and(|b| shown > b) {
            over += 1;
        }
        let mut answers = 0;
        for i in picked.in_order() {
            let mut now = at;
            loop {
                let c = &mut cards[i];
                let now_clock = Clock::new(from_ms(now), tz.clone(), 4);
                let (grade, memory) = match c.truth {
                    None => {
                        let g = weighted(&sim.first_rating_prob, &mut rng);
                        let next = truth.next_states(None, 0.9, 0).expect("first review");
                        (Grade::ALL[g], pick_memory(&next, g))
                    }
                    Some(m) => {
                        let elapsed = days(now - c.truth_last);
                        let p = fsrs::current_retrievability(m, elapsed, decay);
                        let g = if c.state.is_some_and(|s| s.in_step()) {
                            2
                        } else if rng.random::<f32>() < p {
                            1 + weighted(&sim.review_rating_prob, &mut rng)
                        } else {
                            0
                        };
                        let whole_days = now_clock.days_between(c.truth_last, now).max(0) as u32;
                        let next = truth.next_states(Some(m), 0.9, whole_days).expect("review");
                        (Grade::ALL[g], pick_memory(&next, g))
                    }
                };
                c.truth = Some(memory);
                c.truth_last = now;
                let mut next = sched.answer(c.state.as_ref(), grade, &now_clock, &c.key);
                log.push((now, i, grade));
                answers += 1;
                if policy == Policy::Clamp && !next.in_step() {
                    next.due = old_clamp(&now_clock, next.due, exam_day, &c.key);
                }
                c.state = Some(next);
                c.due = match (policy, goal.as_ref()) {
                    (Policy::Exam, Some(g)) => sched.due_for_exam(&next, g, &now_clock),
                    _ => next.due,
                };
                if !next.in_step() {
                    break;
                }
                now = next.due.max(now + STEP_MS);
            }
        }
        per_day.push(answers);
        if tracing() && seed == 1 && policy != Policy::Clamp {
            let tomorrow = at + 86_400_000;
            let left: Vec<&CardState> = cards
                .iter()
                .filter(|c| c.due < tomorrow)
                .filter_map(|c| c.state.as_ref())
                .collect();
            eprintln!(
                "{policy:?} day {d}: answers {answers}, new {}, due {} (pulled forward {}), held back {}, due by tomorrow {}",
                picked.new.len(),
                picked.due.len(),
                picked.pulled_forward,
                picked.held_back,
                left.len()
            );
            if d + 2 == to_exam {
                trace_eve(&left, exam_at);
            }
        }
    }
    let exam_at = Clock::new(from_ms(0), tz, 4).day_start_ms(exam_day);
    let recall: f64 = cards
        .iter()
        .filter_map(|c| {
            c.truth.map(|m| {
                f64::from(fsrs::current_retrievability(
                    m,
                    days(exam_at - c.truth_last),
                    decay,
                ))
            })
        })
        .sum::<f64>()
        / n as f64;
    if tracing() {
        let introduced = cards.iter().filter(|c| c.state.is_some()).count();
        eprintln!(
            "{policy:?} learner {seed}: {introduced} of {n} cards introduced, {} answers",
            per_day.iter().sum::<usize>()
        );
        trace_ages(
            &cards,
            exam_at,
            decay,
            &format!("{policy:?} learner {seed}"),
        );
    }
    let total: usize = per_day.iter().sum();
    let last7: usize = per_day.iter().rev().take(7).sum();
    Outcome {
        recall,
        answers: total as f64,
        last7: last7 as f64,
        busiest: per_day.iter().copied().max().unwrap_or(0) as f64,
        over_budget_days: over as f64,
    }
}

/// What `smriti optimize` would save after the answers in `log`, if anything.
fn refit_parameters(
    log: &[(Millis, usize, Grade)],
    cards: &[Card],
    current: &[f32],
    clock: &Clock,
) -> Option<Vec<f32>> {
    let history = History::from_reviews(
        log.iter()
            .map(|(at, i, grade)| (*at, cards[*i].key.as_str(), *grade, 8000)),
    );
    let data = optimize::dataset(&history, clock);
    if optimize::readiness(&data) != Readiness::Ready {
        return None;
    }
    let fit = optimize::fit(&data, current, &Progress::default()).ok()?;
    fit.is_better().then_some(fit.parameters)
}

/// `TRACE=1` prints, for the first learner, what each day did and what was left for the eve:
/// the diagnostics behind bench/README.md's notes on the 3,000-card run.
fn tracing() -> bool {
    std::env::var_os("TRACE").is_some()
}

/// The cards left for the exam's eve, counted by (stability in 5-day bands, lapses, days
/// since their last review in 5-day bands).
fn trace_eve(left: &[&CardState], exam_at: Millis) {
    let mut bands = std::collections::BTreeMap::new();
    for s in left {
        let band = |x: f32| (x as i32).clamp(0, 40) / 5 * 5;
        let key = (
            band(s.stability),
            s.lapses.min(2),
            band(days(exam_at - s.last)),
        );
        *bands.entry(key).or_insert(0) += 1;
    }
    eprintln!("left for the eve (stability, lapses, days since last review): {bands:?}");
}

/// Mean true exam-morning recall of the cards introduced, by days between introduction and
/// the exam.
fn trace_ages(cards: &[Card], exam_at: Millis, decay: f32, who: &str) {
    const EDGES: [usize; 8] = [0, 3, 7, 14, 30, 60, 90, 120];
    let mut sums = [(0.0f64, 0usize); EDGES.len()];
    for c in cards {
        let (Some(m), Some(s)) = (c.truth, c.state) else {
            continue;
        };
        let age = days(exam_at - s.intro) as usize;
        let b = EDGES.iter().rposition(|e| age >= *e).unwrap_or(0);
        let r = fsrs::current_retrievability(m, days(exam_at - c.truth_last), decay);
        sums[b].0 += f64::from(r);
        sums[b].1 += 1;
    }
    let cells: Vec<String> = EDGES
        .iter()
        .zip(sums)
        .map(|(e, (r, k))| format!("{e}+ d: {:.3} ({k} cards)", r / k.max(1) as f64))
        .collect();
    eprintln!("{who}: exam-morning recall by age: {}", cells.join(", "));
}

/// The clamp smriti had before the exam scheduler: a review that would land on or after the
/// exam moves into its last 3 days.
fn old_clamp(clock: &Clock, due: Millis, exam: Date, key: &str) -> Millis {
    let today = clock.today();
    let to_exam = (exam - today).get_days();
    let days = clock.days_between(clock.now_ms(), due);
    if to_exam <= 1 || days < to_exam {
        return due;
    }
    let spread = key
        .bytes()
        .fold(0u64, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b)))
        % 3;
    clock.day_start_ms(Clock::add_days(today, (to_exam - 1 - spread as i32).max(1)))
}

fn pick_memory(next: &fsrs::NextStates, g: usize) -> MemoryState {
    [&next.again, &next.hard, &next.good, &next.easy][g].memory
}

fn mean(
    policy: Policy,
    n: usize,
    to_exam: i32,
    budget: Option<usize>,
    refit: Option<i32>,
) -> Outcome {
    let mut sum = Outcome::default();
    for seed in 1..=learners() {
        let o = run(policy, n, to_exam, budget, refit, seed);
        sum.recall += o.recall;
        sum.answers += o.answers;
        sum.last7 += o.last7;
        sum.busiest = sum.busiest.max(o.busiest);
        sum.over_budget_days += o.over_budget_days;
    }
    let k = learners() as f64;
    Outcome {
        recall: sum.recall / k,
        answers: sum.answers / k,
        last7: sum.last7 / k,
        ..sum
    }
}

fn main() {
    println!(
        "{} synthetic learners per row; busiest = the busiest day of any learner; recall is true recall on exam morning",
        learners()
    );
    println!();
    println!(
        "| cards | exam in | budget | policy | recall | answers | last 7 days | busiest day | days over budget |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    // `cargo bench --bench exam_schedule -- 3000` runs only the scenarios of that many cards.
    let only: Option<usize> = std::env::args().skip(1).find_map(|a| a.parse().ok());
    // `--refit` adds rows where the learner runs `smriti optimize` every 30 days.
    let with_refit = std::env::args().any(|a| a == "--refit");
    for (n, to_exam, budget) in [(300, 60, 200), (300, 120, 200), (3000, 150, 150)] {
        if only.is_some_and(|o| o != n) {
            continue;
        }
        let rows = [
            ("(a) plain FSRS", Policy::Plain, Some(budget), None),
            ("(b) old clamp, no budget", Policy::Clamp, None, None),
            ("(c) exam scheduler", Policy::Exam, Some(budget), None),
            (
                "(a) + optimize every 30 days",
                Policy::Plain,
                Some(budget),
                Some(REFIT_DAYS),
            ),
            (
                "(c) + optimize every 30 days",
                Policy::Exam,
                Some(budget),
                Some(REFIT_DAYS),
            ),
        ];
        for (name, policy, b, refit) in rows {
            if refit.is_some() && !with_refit {
                continue;
            }
            let o = mean(policy, n, to_exam, b, refit);
            println!(
                "| {n} | {to_exam} d | {} | {name} | {:.4} | {:.0} | {:.0} | {:.0} | {:.0} |",
                b.map_or("none".to_owned(), |b| b.to_string()),
                o.recall,
                o.answers,
                o.last7,
                o.busiest,
                o.over_budget_days
            );
        }
    }
}
