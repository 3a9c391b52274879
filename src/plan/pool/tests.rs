use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

use super::*;
use crate::clock::{Clock, from_ms};
use crate::quiz::queue::{Picked, Slot};
use crate::schedule::Phase;

const DAY: Millis = 86_400_000;

/// A random card state around `now`: a third new, some in a learning step, the rest reviews
/// due from three weeks ago to two months ahead, mostly at day starts (as reviews are) but some at
/// any instant.
fn random_state(rng: &mut StdRng, clock: &Clock) -> (Option<CardState>, Millis) {
    let now = clock.now_ms();
    let kind = rng.random_range(0..10);
    if kind < 3 {
        return (None, Millis::MAX);
    }
    let day = rng.random_range(-20..60);
    let due = if kind == 3 {
        now + rng.random_range(-DAY..60 * DAY)
    } else {
        clock.day_start_ms(Clock::add_days(clock.today(), day))
    };
    let phase = match kind {
        4 => Phase::Learning,
        5 => Phase::Relearning,
        _ => Phase::Review,
    };
    // Stabilities a power of two apart and whole days since the last review give cards of
    // different bands the same recall order, so ties across bands are ordered by index.
    let stability = if rng.random_range(0..2) == 0 {
        [2.5, 5.0, 10.0, 20.0][rng.random_range(0..4)]
    } else {
        rng.random_range(0.5f32..200.0)
    };
    let state = CardState {
        intro: now - 100 * DAY,
        last: now - rng.random_range(0..90) * DAY,
        due: if phase == Phase::Review {
            due
        } else {
            now + 600_000
        },
        stability,
        difficulty: 5.0,
        phase,
        reps: 3,
        lapses: 0,
    };
    // The simulation's due date may differ from the stored one (an exam-serving date).
    let exam_due = if rng.random_range(0..3) == 0 {
        due + DAY
    } else {
        state.due
    };
    (Some(state), exam_due)
}

fn random_limits(rng: &mut StdRng) -> Limits {
    let today = rng.random_range(0..40);
    Limits {
        new: rng.random_range(0..12),
        new_over_budget: rng.random_range(0..5) == 0,
        today,
        level: queue::level_for(today, rng.random_range(0..8)),
        paced: [rng.random_range(0..6) * 2, rng.random_range(0..3)],
    }
}

/// A gathering's lists in one order, for comparing: `gather` lists cards by index, the pool
/// by where it keeps them; of the due reviews only the `today` first count.
fn sorted(mut g: Gathered, today: usize) -> Gathered {
    g.learning.sort_unstable_by_key(|(i, _)| *i);
    g.due
        .sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    g.due.truncate(today);
    g
}

/// Over random cards answered day after day, in a zone with a DST change, the pool gathers
/// exactly what a pass over every card does, offers the same cards to bring forward, and so
/// the day's selection is `pick_by`'s.
#[test]
fn the_pool_gathers_what_a_pass_over_every_card_does() {
    let tz = jiff::tz::TimeZone::get("America/New_York").unwrap();
    let start = crate::clock::utc("2026-02-20T15:00:00Z").now_ms();
    let mut pulled = 0;
    // The scheduler's own recall order: the pool's bounds rest on how it rises.
    let sched = crate::schedule::Scheduler::new(&[], 0.9, 0).unwrap();
    for seed in 0..20 {
        let mut rng = StdRng::seed_from_u64(seed);
        let clock = |d: i64| Clock::new(from_ms(start + d * DAY), tz.clone(), 4);
        let n = rng.random_range(50..400);
        let groups: Vec<usize> = (0..n)
            .map(|i| i * 3 / n + usize::from(i % 7 == 0))
            .collect();
        let exams: Vec<Exam> = (0..n)
            .map(|i| {
                if i % 5 == 0 {
                    Exam::Mains
                } else {
                    Exam::Prelims
                }
            })
            .collect();
        let (mut states, mut due): (Vec<_>, Vec<_>) =
            (0..n).map(|_| random_state(&mut rng, &clock(0))).unzip();
        let mut pool = Pool::new(states.clone(), due.clone(), groups.clone(), exams.clone());
        for d in 0..40 {
            let day_clock = clock(d);
            let at = day_clock.now_ms();
            let horizon = rng.random_range(0..45);
            let window = Window::new(&day_clock, horizon);
            let limits = random_limits(&mut rng);
            let slot = |i: usize| states[i].map(|state| Slot { state, due: due[i] });
            let recall = |s: &CardState| sched.recall_order(s, at);
            let full = queue::gather(n, slot, |i| groups[i], recall, &window, limits);
            let today = limits.today;
            let mine = pool.gather(recall, &window, limits);
            assert_eq!(mine.due.len(), today.min(full.due_count));
            assert_eq!(sorted(mine, today), sorted(full, today));
            let mut every: Vec<_> = (0..n)
                .filter_map(|i| {
                    let s = slot(i)?;
                    window.ahead(&s)?;
                    Some(queue::strength(s.state.stability, i))
                })
                .collect();
            every.sort_unstable();
            let mut ahead = pool.ahead(&window);
            ahead.sort_unstable();
            assert_eq!(ahead, every);
            let exam = |i: usize| exams[i];
            let picked: Picked = queue::decide(
                pool.gather(recall, &window, limits),
                exam,
                limits,
                &window,
                || pool.ahead(&window),
            );
            let by = queue::pick_by(
                n,
                slot,
                |i| groups[i],
                exam,
                recall,
                &day_clock,
                limits,
                horizon,
            );
            assert_eq!(picked, by, "seed {seed} day {d}");
            pulled += by.pulled_forward;
            assert_eq!(pool.unseen(), {
                let mut u = [0; 2];
                for i in (0..n).filter(|i| states[*i].is_none()) {
                    u[queue::exam_slot(exams[i])] += 1;
                }
                u
            });
            // Now and then every due date moves (as when an exam passes).
            if d % 9 == 8 {
                pool.redate(|i, _, du| {
                    if i % 3 == 0 {
                        du.saturating_add(DAY)
                    } else {
                        du
                    }
                });
                for (i, du) in due.iter_mut().enumerate() {
                    if i % 3 == 0 {
                        *du = du.saturating_add(DAY);
                    }
                }
            }
            // The day's cards answered, and a few others' due dates moved.
            let mut changed: Vec<usize> = picked.in_order().collect();
            changed.extend((0..5).map(|_| rng.random_range(0..n)));
            for i in changed {
                let (mut s, mut du) = random_state(&mut rng, &clock(d + 1));
                if s.is_none() {
                    // A card once seen stays seen; a new one may stay new.
                    (s, du) = (states[i], due[i]);
                }
                states[i] = s;
                due[i] = du;
                pool.set(i, s, du);
            }
            pool.check_slots();
        }
    }
    // The cases include days where reviews are brought forward.
    assert!(pulled > 0);
}
