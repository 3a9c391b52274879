use super::*;
use crate::deck::parse::parse_deck;
use crate::deck::{Deck, Origin};
use crate::plan::tests_support::plan_cards;
use crate::schedule::Phase;
use jiff::civil::date;

fn deck(id: &str, exam: &str, n: usize) -> Deck {
    let mut src = format!("[deck]\nid = \"{id}\"\nexam = \"{exam}\"\n");
    for i in 0..n {
        src.push_str(&format!(
            "[[card]]\nid = \"c{i}\"\nq = \"q{i}\"\na = \"a{i}\"\nsource = \"s\"\n"
        ));
    }
    parse_deck(&src, Origin::Builtin("t")).unwrap()
}

fn clock() -> Clock {
    crate::clock::utc("2027-01-01T10:00:00Z")
}

fn config(prelims_in: i32, budget: u32) -> Config {
    Config {
        prelims: Some(Clock::add_days(date(2027, 1, 1), prelims_in)),
        max_reviews_per_day: budget,
        ..Config::default()
    }
}

/// How many of `cards` prepare for prelims and for mains (the whole library, in a test).
fn exam_counts(cards: &[&Card]) -> [usize; 2] {
    crate::plan::tests_support::exam_counts(cards)
}

fn run(cards: &[&Card], states: &States, config: &Config) -> Plan {
    let sched = Scheduler::new(&[], 0.9, 5).unwrap();
    plan(&PlanInput {
        cards: &plan_cards(cards),
        states,
        sched: &sched,
        clock: &clock(),
        config,
        budget: Budget::new(config, 10.0),
        answered_today: 0,
        introduced_today: 0,
        exam_cards: exam_counts(cards),
        seed: 5,
        runs: 4,
        asked: None,
    })
}

/// A card reviewed `ago` days before the plan starts with `stability`, due `due_in` days after.
fn reviewed(ago: i64, stability: f32, lapses: u32, due_in: i64) -> CardState {
    let now = clock().now_ms();
    let day = 86_400_000;
    CardState {
        intro: now - 200 * day,
        last: now - ago * day,
        due: clock().day_start_ms(date(2027, 1, 1)) + due_in * day,
        stability,
        difficulty: 6.0,
        phase: Phase::Review,
        reps: 6,
        lapses,
    }
}

#[test]
fn no_day_goes_over_the_budget_and_the_last_days_are_not_a_spike() {
    let d = deck("d", "prelims", 400);
    let cards: Vec<&Card> = d.cards.iter().collect();
    let config = config(60, 40);
    let p = run(&cards, &States::default(), &config);
    assert_eq!(p.days.len(), 60);
    assert_eq!(p.days_over_budget, 0);
    assert!(p.days.iter().all(|d| d.cards <= 40), "{:?}", p.days);
    // The last three days ask no more than the busiest ordinary week did: no flood on the eve.
    let busiest_before = p.days[..53].iter().map(|d| d.cards).max().unwrap();
    let last_three = p.days[57..].iter().map(|d| d.cards).max().unwrap();
    assert!(
        last_three <= busiest_before,
        "last days {last_three} vs {busiest_before}"
    );
    let e = &p.exams[0];
    assert_eq!((e.days_left, e.cards), (60, 400));
    assert!(e.recall.low <= e.recall.median && e.recall.median <= e.recall.high);
}

#[test]
fn the_budget_slows_new_cards_and_the_plan_says_how_many_stay_new() {
    let d = deck("d", "prelims", 600);
    let cards: Vec<&Card> = d.cards.iter().collect();
    // 20 new a day for 20 days could introduce 400; a budget of 10 cards a day cannot.
    let tight = run(&cards, &States::default(), &config(20, 10));
    let roomy = run(&cards, &States::default(), &config(20, 200));
    assert!(tight.exams[0].introduced_by_exam < roomy.exams[0].introduced_by_exam);
    assert!(tight.exams[0].introduced_by_exam <= 200);
    assert!(tight.exams[0].recall.median < roomy.exams[0].recall.median);
}

#[test]
fn failed_cards_plan_lower_than_well_known_ones() {
    let d = deck("d", "prelims", 50);
    let cards: Vec<&Card> = d.cards.iter().collect();
    let config = config(5, 200);
    let states_of = |s: CardState| -> States { cards.iter().map(|c| (c.key.clone(), s)).collect() };
    // Known: reviewed 10 days ago, stability 60, next due in 50 days (after the exam).
    // Failed: the exam is five days off, too soon to build the memory back up.
    let known = run(&cards, &states_of(reviewed(10, 60.0, 0, 50)), &config);
    // Failed again and again: low stability, many lapses, due today.
    let failed = run(&cards, &states_of(reviewed(3, 0.8, 7, 0)), &config);
    let (k, f) = (known.exams[0].recall.median, failed.exams[0].recall.median);
    assert!(f < k, "failed {f} vs known {k}");
    // Recall is drawn from the model, not assumed: a learner who keeps failing is less safe.
    assert!(f < k - 0.01, "failed {f} vs known {k}");
}

#[test]
fn a_card_already_safe_for_the_exam_is_not_asked_again_before_it() {
    let d = deck("d", "prelims", 1);
    let cards: Vec<&Card> = d.cards.iter().collect();
    // Stability 2,000 days, reviewed yesterday: recall on exam morning ~99%.
    let states: States = [(cards[0].key.clone(), reviewed(1, 2000.0, 0, 900))]
        .into_iter()
        .collect();
    let p = run(&cards, &states, &config(30, 200));
    assert!(p.days.iter().all(|d| d.answers == 0), "{:?}", p.days);
    assert_eq!(p.exams[0].answers, 0);
}

#[test]
fn each_exam_plans_to_its_own_date() {
    let pre = deck("pre", "prelims", 30);
    let mains = deck("mains", "mains", 30);
    let cards: Vec<&Card> = pre.cards.iter().chain(&mains.cards).collect();
    let config = Config {
        mains: Some(date(2027, 3, 2)),
        ..config(30, 200)
    };
    let p = run(&cards, &States::default(), &config);
    let days: Vec<(Exam, i32, usize)> = p
        .exams
        .iter()
        .map(|e| (e.exam, e.days_left, e.cards))
        .collect();
    assert_eq!(days, [(Exam::Prelims, 30, 30), (Exam::Mains, 60, 30)]);
    // The road runs to the later exam.
    assert_eq!(p.days.len(), 60);
}

#[test]
fn new_cards_of_both_exams_start_together_when_decks_take_turns() {
    let p = deck("p", "prelims", 100);
    let m = deck("m", "mains", 40);
    let cards: Vec<&Card> = p.cards.iter().chain(&m.cards).collect();
    let mains_introduced = |new_order| {
        let config = Config {
            prelims: Some(date(2027, 1, 11)),
            mains: Some(date(2027, 1, 13)),
            new_per_day: 4,
            new_order,
            ..Config::default()
        };
        let plan = run(&cards, &States::default(), &config);
        let mains = plan.exams.iter().find(|e| e.exam == Exam::Mains).unwrap();
        mains.introduced_by_exam
    };
    // Twelve study days before mains, four new cards a day, the two decks in turn: as the quiz
    // picks them (two of each a day), not one deck after the other.
    assert_eq!(mains_introduced(crate::config::NewOrder::Interleave), 24);
    assert_eq!(mains_introduced(crate::config::NewOrder::Deck), 0);
}

#[test]
fn a_paced_deck_at_a_lower_ordinary_retention_stays_in_budget_and_leaves_a_safe_card_alone() {
    // 600 cards, 30 a day, 5 new a day, the exam 60 days out: 5 a day would leave most unseen
    // by the run-up (paced), and the run-up cannot hold 600 final reviews (a lower target,
    // and ordinary reviews at a lower retention).
    let d = deck("d", "prelims", 600);
    let cards: Vec<&Card> = d.cards.iter().collect();
    let config = Config {
        new_per_day: 5,
        ..config(60, 30)
    };
    let sched = Scheduler::new(&[], 0.9, 5).unwrap();
    let clock = clock();
    let level = queue::level_for(30, 5);
    let goal = Goals::new(&config, &clock)
        .sized(&sched, [600, 0], level)
        .prelims
        .unwrap();
    assert!(goal.ordinary.is_some(), "{goal:?}");
    let p = run(&cards, &States::default(), &config);
    assert_eq!(p.pace.len(), 1, "{:?}", p.pace);
    assert!(p.pace[0].per_day > 5);
    assert_eq!(p.days_over_budget, 0);
    assert!(p.days.iter().all(|d| d.cards <= 30), "{:?}", p.days);
    let busiest_before = p.days[..53].iter().map(|d| d.cards).max().unwrap();
    let last_three = p.days[57..].iter().map(|d| d.cards).max().unwrap();
    assert!(
        last_three <= busiest_before,
        "last days {last_three} vs {busiest_before}"
    );
    // More introduced than 5 a day could (300), in the room the budget leaves.
    assert!(p.exams[0].introduced_by_exam > 300, "{:?}", p.exams[0]);

    // A card whose exam-morning recall is at this exam's (lowered) target, though short of
    // the full one: not asked again before the exam.
    let lone = deck("lone", "prelims", 1);
    let one: Vec<&Card> = lone.cards.iter().collect();
    let recall = |st: f32| sched.recall_after(st, 61.0);
    let stability = (1..40_000)
        .map(|i| i as f32 / 10.0)
        .find(|&st| recall(st) >= goal.target)
        .unwrap();
    assert!(recall(stability) < crate::schedule::exam::EXAM_TARGET - 0.015);
    let states: States = [(one[0].key.clone(), reviewed(1, stability, 0, 400))]
        .into_iter()
        .collect();
    let plan_of = |exam_cards| {
        plan(&PlanInput {
            cards: &plan_cards(&one),
            states: &states,
            sched: &sched,
            clock: &clock,
            config: &config,
            budget: Budget::new(&config, 10.0),
            answered_today: 0,
            introduced_today: 0,
            exam_cards,
            seed: 5,
            runs: 4,
            asked: None,
        })
    };
    // Sized as in the 600-card library it belongs to.
    let alone = plan_of([601, 0]);
    assert!(
        alone.days.iter().all(|d| d.answers == 0),
        "{:?}",
        alone.days
    );
    // Sized to itself alone, the full target asks it once.
    assert_eq!(plan_of([1, 0]).exams[0].answers, 1);
}

/// The kept due dates the quiz asks by are where the simulation starts, but only when worked
/// out under the goals it sizes: then the plan is the one it works out itself.
#[test]
fn the_quizs_kept_dates_are_started_from_only_under_the_same_goals() {
    let d = deck("d", "prelims", 120);
    let cards: Vec<&Card> = d.cards.iter().collect();
    let states: States = cards
        .iter()
        .enumerate()
        .filter(|(i, _)| i % 2 == 0)
        .map(|(i, c)| {
            (
                c.key.clone(),
                reviewed(3, 5.0 + i as f32, 0, 2 + i as i64 % 30),
            )
        })
        .collect();
    let config = config(60, 30);
    let sched = Scheduler::new(&[], 0.9, 5).unwrap();
    let c = clock();
    let budget = Budget::new(&config, 10.0);
    let level = queue::level_for(budget.cards, config.new_per_day as usize);
    let exam_cards = exam_counts(&cards);
    let goals = Goals::new(&config, &c).sized(&sched, exam_cards, level);
    let plan_cards = plan_cards(&cards);
    let with = |asked: Option<(Goals, &[Millis])>| {
        plan(&PlanInput {
            cards: &plan_cards,
            states: &states,
            sched: &sched,
            clock: &c,
            config: &config,
            budget,
            answered_today: 0,
            introduced_today: 0,
            exam_cards,
            seed: 5,
            runs: 4,
            asked,
        })
    };
    let own = with(None);
    let asked: Vec<Millis> = cards
        .iter()
        .map(|card| {
            states
                .get(&card.key)
                .map_or(Millis::MAX, |s| goals.due(&sched, &s, card.exam, &c))
        })
        .collect();
    assert_eq!(with(Some((goals, &asked))), own);
    // Dates that say every seen card is due today: started from under the same goals, not
    // under others.
    let today: Vec<Millis> = asked
        .iter()
        .map(|&d| if d == Millis::MAX { d } else { c.now_ms() })
        .collect();
    assert_ne!(with(Some((goals, &today))), own);
    let other = Goals::new(&config, &c).sized(&sched, [5000, 0], level);
    assert_ne!(other, goals);
    assert_eq!(with(Some((other, &today))), own);
}
