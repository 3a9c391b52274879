//! `compute` on a small hand-made collection, with expectations worked out by hand.

use jiff::civil::date;
use jiff::tz::TimeZone;

use super::*;
use crate::deck::Card;
use crate::deck::parse::parse_deck;
use crate::deck::{Deck, Origin};
use crate::store::States;

const DAY: Millis = 86_400_000;
const HOUR: Millis = 3_600_000;

/// Saturday 2026-01-10, 12:00 UTC; days start at 04:00.
fn clock() -> Clock {
    Clock::new("2026-01-10T12:00:00Z".parse().unwrap(), TimeZone::UTC, 4)
}

/// Noon of the study day `offset` days from today.
fn noon(offset: i64) -> Millis {
    clock().now_ms() + offset * DAY
}

/// c0–c2 `weak`, c3–c5 `strong`, c6 `rare`, c7 untagged.
fn deck() -> Deck {
    let tags = [
        "[\"weak\"]",
        "[\"weak\"]",
        "[\"weak\"]",
        "[\"strong\"]",
        "[\"strong\"]",
        "[\"strong\"]",
        "[\"rare\"]",
        "[]",
    ];
    let mut src = String::from("[deck]\nid = \"d\"\nexam = \"prelims\"\n");
    for (i, t) in tags.iter().enumerate() {
        src.push_str(&format!(
            "[[card]]\nid = \"c{i}\"\nq = \"Question {i}?\"\na = \"a{i}\"\nsource = \"s\"\ntags = {t}\n"
        ));
    }
    parse_deck(&src, Origin::Builtin("t")).unwrap()
}

fn state(last: Millis, due: Millis, stability: f32, phase: Phase, lapses: u32) -> CardState {
    CardState {
        intro: last,
        last,
        due,
        stability,
        difficulty: 5.0,
        phase,
        reps: 3,
        lapses,
    }
}

fn states() -> States {
    let c = clock();
    let day_start = |offset: i32| c.day_start_ms(Clock::add_days(c.today(), offset));
    let mut s = States::default();
    // Weak: forgotten fast. c0 is an overdue leech, c1 relearning, c2 due the day after tomorrow.
    s.insert(
        "d/c0".into(),
        state(noon(-1), day_start(-1), 0.5, Phase::Review, 8),
    );
    s.insert(
        "d/c1".into(),
        state(noon(-1), noon(-1) + 600_000, 0.8, Phase::Relearning, 1),
    );
    s.insert(
        "d/c2".into(),
        state(noon(-1), day_start(2), 1.0, Phase::Review, 0),
    );
    // Strong: months of stability, due in 20 days (past the forecast).
    for k in ["d/c3", "d/c4", "d/c5"] {
        s.insert(
            k.into(),
            state(noon(-2), day_start(20), 100.0, Phase::Review, 0),
        );
    }
    // Rare: the weakest card of all, but seen once.
    s.insert(
        "d/c6".into(),
        state(noon(-1), day_start(13), 0.2, Phase::Review, 0),
    );
    s
}

fn history() -> History {
    let mut reviews: Vec<(Millis, &str, Grade, u32)> = Vec::new();
    for k in ["d/c0", "d/c1", "d/c2"] {
        reviews.push((noon(-40), k, Grade::Good, 0)); // outside the 30-day window
        reviews.push((noon(-5), k, Grade::Again, 0));
        reviews.push((noon(-1), k, Grade::Good, 0));
    }
    for k in ["d/c3", "d/c4", "d/c5"] {
        reviews.push((noon(-2), k, Grade::Good, 0));
    }
    // 03:00 today is before the 04:00 day start: yesterday's study day.
    reviews.push((noon(0) - 9 * HOUR, "d/c6", Grade::Again, 0));
    // A card no deck holds any more, reviewed today.
    reviews.push((noon(0) - HOUR, "gone/x", Grade::Good, 0));
    reviews.sort_by_key(|r| r.0);
    History::from_reviews(reviews)
}

fn config() -> Config {
    Config {
        prelims: Some(date(2026, 3, 1)),
        ..Config::default()
    }
}

fn run(all_reviews: bool, config: &Config) -> Stats {
    run_with(all_reviews, true, config)
}

fn run_with(all_reviews: bool, whole_history: bool, config: &Config) -> Stats {
    let d = deck();
    let cards: Vec<&Card> = d.cards.iter().collect();
    let sched = Scheduler::new(&[], 0.9, 1).unwrap();
    let c = clock();
    let states = states();
    let plan = crate::plan::plan(&crate::plan::PlanInput {
        cards: &crate::plan::tests_support::plan_cards(&cards),
        states: &states,
        sched: &sched,
        clock: &c,
        config,
        budget: crate::budget::Budget::new(config, 10.0),
        answered_today: 0,
        introduced_today: 0,
        exam_cards: crate::plan::tests_support::exam_counts(&cards),
        seed: 1,
        runs: 8,
        asked: None,
    });
    compute(&StatsInput {
        holds: &crate::store::Holds::default(),
        cards: &cards,
        states: &states,
        history: &history(),
        whole_history,
        all_reviews,
        sched: &sched,
        clock: &c,
        config,
        plan: Some(&plan),
        pace: &[],
        asked: None,
    })
}

fn topic<'a>(s: &'a Stats, tag: &str) -> &'a Topic {
    s.topics.iter().find(|t| t.tag == tag).unwrap()
}

#[test]
fn topics_rank_weakest_first_and_need_enough_reviews() {
    let s = run(true, &config());
    let order: Vec<&str> = s.topics.iter().map(|t| t.tag.as_str()).collect();
    // `rare` has the lowest recall but one review and one card seen: ranked after the others.
    assert_eq!(order, ["weak", "strong", "rare", UNTAGGED]);
    let ranked: Vec<bool> = s.topics.iter().map(|t| t.row.ranked).collect();
    assert_eq!(ranked, [true, true, false, false]);
    assert!(topic(&s, "rare").row.recall_now < topic(&s, "weak").row.recall_now);
    assert_eq!(topic(&s, UNTAGGED).row.recall_now, None);
}

#[test]
fn topic_rows_count_cards_reviews_lapses_and_leeches() {
    let s = run(true, &config());
    let weak = &topic(&s, "weak").row;
    assert_eq!((weak.cards, weak.seen, weak.reviews), (3, 3, 9));
    assert_eq!(
        (weak.lapses, weak.leeches.clone()),
        (9, vec!["d/c0".to_owned()])
    );
    let strong = &topic(&s, "strong").row;
    assert_eq!(
        (strong.cards, strong.seen, strong.reviews, strong.lapses),
        (3, 3, 3, 0)
    );
    let untagged = &topic(&s, UNTAGGED).row;
    assert_eq!((untagged.cards, untagged.seen, untagged.reviews), (1, 0, 0));
}

#[test]
fn accuracy_covers_the_last_thirty_study_days_only() {
    let s = run(true, &config());
    // Weak: the day -40 reviews are out; of the 6 left, 3 were Again.
    let weak = &topic(&s, "weak").row;
    assert_eq!((weak.reviews_30d, weak.accuracy_30d), (6, Some(0.5)));
    assert_eq!(topic(&s, "strong").row.accuracy_30d, Some(1.0));
    assert_eq!(topic(&s, "rare").row.accuracy_30d, Some(0.0));
    assert_eq!(topic(&s, UNTAGGED).row.accuracy_30d, None);
}

#[test]
fn recall_is_the_mean_retrievability_now_and_on_the_exam_day() {
    let s = run(true, &config());
    let sched = Scheduler::new(&[], 0.9, 1).unwrap();
    let st = states();
    let exam = clock().day_start_ms(date(2026, 3, 1));
    let mean = |at: Millis| {
        ["d/c0", "d/c1", "d/c2"]
            .iter()
            .map(|k| f64::from(sched.retrievability(&st.of(k), at)))
            .sum::<f64>()
            / 3.0
    };
    let weak = &topic(&s, "weak").row;
    assert_eq!(weak.recall_now, Some(share(mean(clock().now_ms()))));
    assert_eq!(weak.recall_on_exam.prelims, Some(share(mean(exam))));
    assert_eq!(
        weak.recall_on_exam.mains, None,
        "no mains date, no mains card"
    );
    assert!(weak.recall_on_exam.prelims < weak.recall_now);
}

#[test]
fn counts_sort_cards_by_phase() {
    let s = run(true, &config());
    let c = &s.counts;
    assert_eq!(
        (c.cards, c.new, c.learning, c.review, c.leech, c.suspended),
        (8, 1, 1, 6, 1, 0)
    );
    // Reviews on today's study day: only the unknown card's (03:00 is yesterday's).
    assert_eq!(c.reviews_today, 1);
    assert_eq!(s.reviews_total, 14);
}

#[test]
fn forecast_puts_overdue_and_learning_cards_today() {
    let s = run(true, &config());
    let due: Vec<usize> = s.forecast.iter().map(|d| d.due).collect();
    // c0 overdue and c1 relearning today, c2 in 2 days, c6 in 13, the strong ones past day 13.
    let mut expect = vec![0; 14];
    expect[0] = 2;
    expect[2] = 1;
    expect[13] = 1;
    assert_eq!(due, expect);
    assert_eq!(s.counts.due_today, 2);
    assert_eq!(s.forecast[0].date, "2026-01-10");
    assert_eq!(s.forecast[13].date, "2026-01-23");
}

/// With dates the quiz asks by other than the stored ones (an exam ahead), due today and the
/// forecast count each card on its asked day, and the at-risk list names it; learning steps
/// stay today, and a card in no day of the forecast stays out of it.
#[test]
fn due_counts_follow_the_day_the_quiz_asks_each_card() {
    let d = deck();
    let cards: Vec<&Card> = d.cards.iter().collect();
    let states = states();
    let sched = Scheduler::new(&[], 0.9, 1).unwrap();
    let c = clock();
    let day_start = |offset: i32| c.day_start_ms(Clock::add_days(c.today(), offset));
    // c0 (overdue by its stored due) asked in 3 days, c1 (relearning) by a date past the
    // forecast, c2 (stored: in 2 days) today, c6 (stored: in 13) in 5.
    let mut asked: Vec<Millis> = (0..cards.len())
        .map(|i| cards.state(i, &states).map_or(Millis::MAX, |s| s.due))
        .collect();
    asked[0] = day_start(3);
    asked[1] = day_start(40);
    asked[2] = day_start(-1);
    asked[6] = day_start(5);
    let s = compute(&StatsInput {
        holds: &crate::store::Holds::default(),
        cards: &cards,
        states: &states,
        history: &History::default(),
        whole_history: true,
        all_reviews: true,
        sched: &sched,
        clock: &c,
        config: &config(),
        plan: None,
        pace: &[],
        asked: Some(&asked),
    });
    let due: Vec<usize> = s.forecast.iter().map(|d| d.due).collect();
    let mut expect = vec![0; 14];
    expect[0] = 2;
    expect[3] = 1;
    expect[5] = 1;
    assert_eq!(due, expect);
    assert_eq!(s.counts.due_today, 2);
    let listed: Vec<(&str, &str)> = s
        .at_risk
        .iter()
        .flat_map(|t| t.cards.iter().map(|c| (c.key.as_str(), c.due.as_str())))
        .collect();
    assert!(listed.contains(&("d/c0", "2026-01-13")), "{listed:?}");
}

#[test]
fn streak_runs_across_the_day_start_hour_and_follows_the_filter() {
    // Review days: -40, -5, -2, -1 (c6 at 03:00 today), 0 (the unknown card).
    assert_eq!(run(true, &config()).streak, 3);
    // Filtered: the unknown card's review is out, so the streak ends yesterday.
    let filtered = run(false, &config());
    assert_eq!(filtered.streak, 2);
    assert_eq!(filtered.reviews_total, 13);
    assert_eq!(filtered.counts.reviews_today, 0);
}

#[test]
fn heatmap_places_each_day_under_its_weekday_in_week_columns() {
    let s = run(true, &config());
    let h = &s.heatmap;
    // Today is Saturday 2026-01-10; 26 week columns end with this week, so the grid starts on
    // Monday 2025-07-14 and holds 25 full weeks plus this week's Monday to Saturday.
    assert_eq!(h.first_day, "2025-07-14");
    assert_eq!(h.last_day, "2026-01-10");
    assert_eq!(h.reviews.len(), 25 * 7 + 6);
    let n = h.reviews.len();
    assert_eq!(h.reviews[n - 1], 1, "today: the unknown card");
    assert_eq!(
        h.reviews[n - 2],
        4,
        "Friday: three weak cards and c6 at 03:00 Saturday"
    );
    assert_eq!(h.reviews[n - 3], 3, "Thursday: three strong cards");
    assert_eq!(h.reviews[n - 6], 3, "Monday the 5th: three Again");
    // Day -40 (2025-12-01, a Monday) is row 0 of its week.
    let idx = (date(2025, 12, 1) - date(2025, 7, 14)).get_days() as usize;
    assert_eq!((idx % 7, h.reviews[idx]), (0, 3));
    assert_eq!(h.max, 4);
    assert_eq!(h.reviews.iter().sum::<u32>(), 14);
}

#[test]
fn at_risk_lists_the_lowest_recall_cards_of_the_weakest_ranked_topics() {
    let s = run(true, &config());
    let tags: Vec<&str> = s.at_risk.iter().map(|a| a.tag.as_str()).collect();
    assert_eq!(tags, ["weak", "strong"], "only ranked topics");
    let keys: Vec<&str> = s.at_risk[0].cards.iter().map(|c| c.key.as_str()).collect();
    // Lowest stability, same last review: c0 (0.5) < c1 (0.8) < c2 (1.0).
    assert_eq!(keys, ["d/c0", "d/c1", "d/c2"]);
    assert!(s.at_risk[0].cards[0].leech);
    assert_eq!(s.at_risk[0].cards[0].prompt, "Question 0?");
    assert_eq!(s.at_risk[0].cards[0].due, "2026-01-09");
}

#[test]
fn the_exam_view_predicts_more_recall_when_kept_to_the_schedule() {
    let s = run(true, &config());
    assert_eq!(s.exams.len(), 1);
    let e = &s.exams[0];
    assert_eq!(
        (e.exam, e.days_left, e.cards, e.seen),
        (Exam::Prelims, 50, 8, 7)
    );
    assert_eq!(e.new_introduced, 1);
    let no_review = e.recall_no_review.unwrap();
    let kept = e.recall_on_schedule.unwrap();
    let [low, high] = e.recall_on_schedule_range.unwrap();
    assert!(low <= kept && kept <= high, "{low} {kept} {high}");
    // With no review the weak cards are long forgotten by March; kept to the schedule (each
    // card's final review timed for exam morning), nearly everything is held.
    assert!(no_review < 0.65, "{no_review}");
    assert!(kept > 0.9 && kept <= 1.0, "{kept}");
    assert!(kept > no_review + 0.25, "{kept} vs {no_review}");
}

#[test]
fn a_past_exam_has_no_prediction_and_no_exam_date_means_no_exam_view() {
    let past = Config {
        prelims: Some(date(2026, 1, 1)),
        ..Config::default()
    };
    let s = run(true, &past);
    assert_eq!(s.exams[0].days_left, -9);
    assert_eq!(s.exams[0].recall_on_schedule, None);
    assert_eq!(topic(&s, "weak").row.recall_on_exam.prelims, None);
    assert!(run(true, &Config::default()).exams.is_empty());
}

/// `compute` over `cards` and `states` alone, at `clock()`: no history, no holds, the default
/// config, no plan.
fn compute_bare(cards: &Vec<&Card>, states: &States, whole_history: bool) -> Stats {
    let sched = Scheduler::new(&[], 0.9, 1).unwrap();
    compute(&StatsInput {
        holds: &crate::store::Holds::default(),
        cards,
        states,
        history: &History::default(),
        whole_history,
        all_reviews: true,
        sched: &sched,
        clock: &clock(),
        config: &Config::default(),
        plan: None,
        pace: &[],
        asked: None,
    })
}

#[test]
fn nothing_reviewed_gives_empty_figures() {
    let d = deck();
    let cards: Vec<&Card> = d.cards.iter().collect();
    let s = compute_bare(&cards, &States::default(), true);
    assert_eq!((s.counts.new, s.reviews_total, s.streak), (8, 0, 0));
    assert!(
        s.topics
            .iter()
            .all(|t| !t.row.ranked && t.row.recall_now.is_none())
    );
    assert!(s.at_risk.is_empty());
    assert_eq!(s.heatmap.max, 0);
}

#[test]
fn with_only_recent_history_review_counts_come_from_the_card_states() {
    let whole = run_with(true, true, &config());
    let recent = run_with(true, false, &config());
    // Every state says 3 answers kept; the history gives `strong` cards one each.
    assert_eq!(topic(&whole, "strong").row.reviews, 3);
    assert_eq!(topic(&recent, "strong").row.reviews, 9);
    // 7 states of 3 reps; `gone/x` has no state here.
    assert_eq!(recent.reviews_total, 21);
    assert_eq!(run_with(false, false, &config()).reviews_total, 21);
    // The windowed figures still come from the history.
    assert_eq!(recent.heatmap, whole.heatmap);
    assert_eq!(recent.streak, whole.streak);
    assert_eq!(recent.counts, whole.counts);
    assert_eq!(
        topic(&recent, "weak").row.accuracy_30d,
        topic(&whole, "weak").row.accuracy_30d
    );
}

/// A topic of many seen cards lists its three lowest, in order, whatever order the cards come
/// in (the list is gathered card by card, keeping the three lowest so far).
#[test]
fn at_risk_keeps_the_three_lowest_of_a_large_topic() {
    let mut src = String::from("[deck]\nid = \"d\"\nexam = \"prelims\"\n");
    for i in 0..12 {
        src.push_str(&format!(
            "[[card]]\nid = \"c{i}\"\nq = \"Q{i}?\"\na = \"a\"\nsource = \"s\"\ntags = [\"t\"]\n"
        ));
    }
    let d = parse_deck(&src, Origin::Builtin("t")).unwrap();
    let cards: Vec<&Card> = d.cards.iter().collect();
    // Stabilities in a scrambled order: c7 weakest, then c2, c10, c4 ...
    let stability = [
        9.0, 6.0, 2.0, 11.0, 4.0, 12.0, 8.0, 1.0, 10.0, 5.0, 3.0, 7.0,
    ];
    let mut states = States::default();
    for (i, st) in stability.iter().enumerate() {
        let s = state(noon(-3), noon(30), *st, Phase::Review, 0);
        states.insert(format!("d/c{i}"), s);
    }
    let s = compute_bare(&cards, &states, false);
    let keys: Vec<&str> = s.at_risk[0].cards.iter().map(|c| c.key.as_str()).collect();
    assert_eq!(keys, ["d/c7", "d/c2", "d/c10"]);
}
