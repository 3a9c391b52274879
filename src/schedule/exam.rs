//! Scheduling toward an exam: what a card's next review should be when the goal is its recall
//! on the morning of the exam, not at each review.
//!
//! A card keeps its ordinary FSRS reviews while more than one of them fits before the exam.
//! Its last review before the exam (the one whose next interval would reach the exam, or a
//! review already set after it) is its "final review", asked only if its recall on exam
//! morning without it would be below the exam target, and timed for that morning: on the
//! earliest day from which, counting the chance that it is forgotten and relearnt then, its
//! expected recall on exam morning reaches the target — or, for a card too weak to get there,
//! on the last day before the exam, which is the best it can do. A final review so moves
//! later than its ordinary day when the exam needs it, and a card safe without one is left
//! until the exam is over. Strong cards so take their final review weeks ahead, weak ones days ahead, and the
//! load spreads over the run-up instead of piling onto the eve; the daily budget
//! (`quiz::queue`) pulls work earlier where a day would still be over it.
//!
//! The target itself comes down for a deck too large for the run-up (`exam_target`): each
//! card wants about one final review, and asking every card for more recall than the budget
//! can give them all only crowds the last weeks, where the reviews that do not fit are lost.
//! For such a deck the ordinary reviews before the final one also aim at a lower retention
//! (`exam_retention`): the answers are what is short, and fewer, later ordinary reviews pay
//! for introducing every card before the run-up (`quiz::queue::Goals::pace`).
//!
//! The stored due date stays the ordinary FSRS one: this is a view over it, so once the exam
//! is past (or its date is removed) every card is back on ordinary FSRS scheduling at once.

use fsrs::MemoryState;
use jiff::civil::Date;

use super::{CardState, Grade, Phase, Scheduler};
use crate::clock::{Clock, Millis};

/// The recall on exam morning the schedule aims for. High, because exam-day recall is what
/// marks are made of, and reachable for most cards with one well-timed review (the exam
/// benchmark in `bench/` weighs it against the answers it costs).
pub const EXAM_TARGET: f32 = 0.98;

/// How far below the target a card's exam-morning recall may be and still be left alone. A
/// final review aims at the target, but one taken a little early (where the budget brought it
/// forward) leaves the card just short of it; chasing that last point with a second review
/// costs a whole answer for little, and under a tight budget it feeds on itself.
pub const ENOUGH_SHORT_BY: f32 = 0.015;

/// The lowest the exam target comes down to for a deck too large for the run-up.
pub const LOWEST_TARGET: f32 = 0.90;

/// The lowest retention ordinary reviews aim for ahead of an exam (`exam_retention`).
pub const LOWEST_ORDINARY_RETENTION: f32 = 0.80;

/// Stability, in days, of a card after its final review when it has been learnt for some
/// months: what sets how early a final review may be and still leave the card at a given
/// recall on exam morning (`exam_target`). At this stability a final review reaches
/// `EXAM_TARGET` 17 days ahead at the most, so a run-up that needs more days than that for
/// all its final reviews asks for less.
const SETTLED_STABILITY: f32 = 120.0;

/// An exam still ahead: the day, the instant that day's study day begins, the target, and
/// the retention its cards' ordinary reviews aim for (`None`: the user's own).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ExamGoal {
    pub day: Date,
    pub at: Millis,
    pub target: f32,
    pub ordinary: Option<f32>,
}

impl ExamGoal {
    /// The goal for an exam date, if that exam is still ahead of today's study day.
    pub fn ahead(date: Option<Date>, clock: &Clock) -> Option<ExamGoal> {
        let day = date.filter(|d| *d > clock.today())?;
        Some(ExamGoal {
            day,
            at: clock.day_start_ms(day),
            target: EXAM_TARGET,
            ordinary: None,
        })
    }
}

impl Scheduler {
    /// The exam-morning recall to aim for with `cards` cards preparing for the exam and the
    /// run-up levelled to `level` reviews a day (`quiz::queue::level_for`). Each card wants
    /// about one final review, so the final reviews take at least `cards / level` days; a
    /// settled card reviewed that long before the exam has fallen to this recall by its
    /// morning, so this is what the whole deck can be brought to. Aiming higher would time
    /// every final review within the last weeks, more than the budget can take there: the
    /// excess is pulled forward or held back past the exam, and the cards that lose their
    /// review are the weak ones (the 3,000-card benchmark: 0.917 at 0.98, 0.941 at 0.95).
    pub fn exam_target(&self, cards: usize, level: usize) -> f32 {
        let days = cards.div_ceil(level.max(1)) as f32;
        self.recall_after(SETTLED_STABILITY, days)
            .clamp(LOWEST_TARGET, EXAM_TARGET)
    }

    /// The retention ordinary reviews (those before a card's final review) aim for ahead of an
    /// exam whose target is `target`: the user's own while the deck fits the run-up (`None`),
    /// and lower by as much as the target was brought down for a deck that does not
    /// (`exam_target`), never under `LOWEST_ORDINARY_RETENTION`. A deck too large for the
    /// run-up is short of answers, not of days: a review at lower retention comes later and
    /// raises stability more, so each card needs fewer of them, and the answers saved go to
    /// pacing new cards to finish before the run-up (`quiz::queue::Goals::pace`) and to the
    /// final reviews, which set exam-morning recall. The 3,000-card benchmark: 0.940 / 19,758
    /// answers before, 0.951 / 19,233 with both (plain FSRS: 0.895 / 19,561); at the user's
    /// retention pacing alone costs 2,000 answers more.
    pub fn exam_retention(&self, target: f32) -> Option<f32> {
        let short = EXAM_TARGET - target;
        (short > 0.0)
            .then(|| (self.retention - short).max(LOWEST_ORDINARY_RETENTION.min(self.retention)))
    }

    /// How much longer an interval is at `retention` than at the user's retention.
    fn stretch_to(&self, retention: f32) -> f32 {
        (retention.powf(-1.0 / self.decay) - 1.0) / self.scale
    }

    /// Days from a card's last review to its ordinary review at `retention`, for a card of
    /// `stability` whose stored interval (at the user's retention, fuzzed) is `stored` days:
    /// the interval at `retention`, fuzzed by the same ratio as the stored one.
    fn ordinary_days(&self, stability: f32, stored: i32, retention: f32) -> i32 {
        let own = self.interval_for(stability).round().max(1.0);
        let wanted = (self.interval_for(stability) * self.stretch_to(retention)).round();
        ((wanted * stored as f32 / own).round() as i32).max(1)
    }

    /// When a card is next due with the exam in view (see the module's doc). New cards and
    /// learning steps keep their due instant.
    pub fn due_for_exam(&self, state: &CardState, goal: &ExamGoal, clock: &Clock) -> Millis {
        if state.phase == Phase::New || state.in_step() {
            return state.due;
        }
        let last_day = clock.study_day_ms(state.last);
        let to_exam = (goal.day - last_day).get_days();
        let m = state.memory();
        let stored = clock.days_between(state.last, state.due);
        // Ordinary reviews at the exam's retention when it has one of its own.
        let ordinary = match goal.ordinary {
            Some(r) => self.ordinary_days(state.stability, stored, r),
            None => stored,
        };
        let stretch = goal.ordinary.map_or(1.0, |r| self.stretch_to(r));
        let before_exam = ordinary < to_exam;
        if before_exam && !self.is_last_before_exam(m, ordinary, to_exam, stretch) {
            return if ordinary == stored {
                state.due
            } else {
                clock.day_start_ms(Clock::add_days(last_day, ordinary))
            };
        }
        match self.final_review_day(m, to_exam, goal.target) {
            // A last review due before the exam is not brought earlier than its ordinary day
            // (expected exam recall only grows as it moves later), only moved later to the day
            // the exam needs.
            Some(x) if before_exam => {
                clock.day_start_ms(Clock::add_days(last_day, x.max(ordinary)))
            }
            // Only the exam's longer ordinary interval reaches past the exam: the stored one
            // (plain FSRS's own review) ends before it, and the final review is not brought
            // earlier than that either.
            Some(x) if stored < to_exam => {
                clock.day_start_ms(Clock::add_days(last_day, x.max(stored)))
            }
            Some(x) => clock.day_start_ms(Clock::add_days(last_day, x)),
            // Safe for the exam without it: the review waits until the exam is over (also when
            // only the exam's longer ordinary interval, not the stored one, reaches past it).
            None => state.due.max(goal.at),
        }
    }

    /// Whether an ordinary review `days` after the last one would be the card's last before
    /// the exam: answered Good then, its next interval would reach the exam.
    fn is_last_before_exam(&self, m: MemoryState, days: i32, to_exam: i32, stretch: f32) -> bool {
        let after = self.memory_after(m, days as f32, Grade::Good);
        let next = self.interval_for(after.stability) * stretch;
        days as f32 + next >= to_exam as f32
    }

    /// Days after its last review on which a card `to_exam` days from the exam takes its final
    /// review, or `None` when it needs none (its exam-morning recall already meets `target`, or
    /// no day is left between).
    pub fn final_review_day(&self, m: MemoryState, to_exam: i32, target: f32) -> Option<i32> {
        if to_exam < 2 {
            return None;
        }
        let untouched = self.recall_after(m.stability, to_exam as f32);
        if untouched >= target - ENOUGH_SHORT_BY {
            return None;
        }
        let eve = to_exam - 1;
        let best = self.exam_recall_with_review(m, eve, to_exam);
        if best <= untouched {
            return None;
        }
        if best < target {
            return Some(eve);
        }
        // Expected exam recall rises as the review moves towards the exam (a later review
        // leaves less time to forget), so the earliest day that reaches the target is found
        // by bisection.
        let (mut lo, mut hi) = (1, eve);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if self.exam_recall_with_review(m, mid, to_exam) >= target {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        Some(lo)
    }

    /// Expected recall on exam morning for a card reviewed once more `x` days after its last
    /// review and `to_exam - x` days before the exam: recalled then (Good) or forgotten and
    /// relearnt the same day (Again, then Good).
    pub fn exam_recall_with_review(&self, m: MemoryState, x: i32, to_exam: i32) -> f32 {
        let x_days = x as f32;
        let left = (to_exam - x) as f32;
        let p = self.recall_after(m.stability, x_days);
        let (kept, relearnt) = self.kept_or_relearnt(m, x_days);
        p * self.recall_after(kept, left) + (1.0 - p) * self.recall_after(relearnt, left)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::tz::TimeZone;

    fn sched() -> Scheduler {
        Scheduler::new(&[], 0.9, 3).unwrap()
    }

    fn mem(stability: f32) -> MemoryState {
        MemoryState {
            stability,
            difficulty: 5.0,
        }
    }

    fn clock(at: &str) -> Clock {
        Clock::new(at.parse().unwrap(), TimeZone::UTC, 4)
    }

    /// A review card answered now, due at the start of `due`.
    fn answered_now(c: &Clock, due: jiff::civil::Date, stability: f32, reps: u32) -> CardState {
        CardState {
            intro: 0,
            last: c.now_ms(),
            due: c.day_start_ms(due),
            stability,
            difficulty: 5.0,
            phase: Phase::Review,
            reps,
            lapses: 0,
        }
    }

    #[test]
    fn a_card_already_at_target_on_exam_morning_needs_no_final_review() {
        let s = sched();
        // Stability 400 days, 5 days to the exam: recall then is well above the target.
        assert!(s.recall_after(400.0, 5.0) > EXAM_TARGET);
        assert_eq!(s.final_review_day(mem(400.0), 5, EXAM_TARGET), None);
    }

    #[test]
    fn a_card_just_short_of_the_target_is_left_alone_but_one_well_short_is_not() {
        let s = sched();
        let recall = |st: f32| s.recall_after(st, 20.0);
        let just_short = (1..4000)
            .map(|i| i as f32 / 4.0)
            .find(|st| recall(*st) >= EXAM_TARGET - ENOUGH_SHORT_BY && recall(*st) < EXAM_TARGET)
            .unwrap();
        assert_eq!(s.final_review_day(mem(just_short), 20, EXAM_TARGET), None);
        let well_short = (1..4000)
            .map(|i| i as f32 / 4.0)
            .find(|st| recall(*st) >= EXAM_TARGET - 3.0 * ENOUGH_SHORT_BY)
            .unwrap();
        assert!(recall(well_short) < EXAM_TARGET - ENOUGH_SHORT_BY);
        assert!(
            s.final_review_day(mem(well_short), 20, EXAM_TARGET)
                .is_some()
        );
    }

    #[test]
    fn strong_cards_take_their_final_review_earlier_than_weak_ones() {
        let s = sched();
        let to_exam = 60;
        let days: Vec<i32> = [3.0, 20.0, 60.0, 150.0]
            .iter()
            .map(|&st| s.final_review_day(mem(st), to_exam, EXAM_TARGET).unwrap())
            .collect();
        // Measured as days before the exam, stronger cards go earlier.
        let before: Vec<i32> = days.iter().map(|x| to_exam - x).collect();
        assert!(before.windows(2).all(|w| w[0] <= w[1]), "{before:?}");
        assert!(before[0] < before[3], "{before:?}");
        // The weakest cannot reach the target: their best day is the eve.
        assert_eq!(days[0], to_exam - 1);
    }

    #[test]
    fn the_chosen_day_reaches_the_target_and_the_day_before_does_not() {
        let s = sched();
        for st in [25.0, 60.0, 120.0, 300.0] {
            let Some(x) = s.final_review_day(mem(st), 90, EXAM_TARGET) else {
                continue;
            };
            if x < 89 {
                assert!(s.exam_recall_with_review(mem(st), x, 90) >= EXAM_TARGET);
            }
            if x > 1 {
                assert!(s.exam_recall_with_review(mem(st), x - 1, 90) < EXAM_TARGET);
            }
        }
    }

    #[test]
    fn the_target_comes_down_only_for_a_deck_the_run_up_cannot_hold() {
        let s = sched();
        // 300 cards at 60 reviews a day: 5 days of final reviews, the full target.
        assert_eq!(s.exam_target(300, 60), EXAM_TARGET);
        // 3,000: 50 days of them; less is asked, and less again of a larger deck.
        let big = s.exam_target(3000, 60);
        assert!(big < EXAM_TARGET - 0.02 && big > LOWEST_TARGET, "{big}");
        assert!(s.exam_target(6000, 60) < big);
        assert_eq!(s.exam_target(1_000_000, 60), LOWEST_TARGET);
        // A larger budget holds more.
        assert!(s.exam_target(3000, 200) > big);
    }

    #[test]
    fn ordinary_reviews_aim_lower_only_for_a_deck_too_large_for_the_run_up() {
        let s = sched();
        // A deck the run-up holds keeps the user's retention.
        assert_eq!(s.exam_retention(s.exam_target(300, 60)), None);
        // 3,000 cards: lower by as much as the target came down.
        let target = s.exam_target(3000, 60);
        let r = s.exam_retention(target).unwrap();
        assert!((r - (0.9 - (EXAM_TARGET - target))).abs() < 1e-6, "{r}");
        // Never under the floor, nor above the user's own retention if that is lower still.
        let low = Scheduler::new(&[], 0.81, 3).unwrap();
        assert_eq!(
            low.exam_retention(LOWEST_TARGET),
            Some(LOWEST_ORDINARY_RETENTION)
        );
        let lower = Scheduler::new(&[], 0.75, 3).unwrap();
        assert_eq!(lower.exam_retention(LOWEST_TARGET), Some(0.75));
    }

    #[test]
    fn at_a_lower_retention_an_ordinary_review_comes_later_and_the_stored_due_stays() {
        let s = sched();
        let c = clock("2027-04-01T10:00:00Z");
        let goal = ExamGoal::ahead(Some(jiff::civil::date(2027, 5, 1)), &c).unwrap();
        // A young card, its ordinary review 2 days out, with more to come before the exam.
        let young = answered_now(&c, jiff::civil::date(2027, 4, 3), 2.0, 2);
        assert_eq!(s.due_for_exam(&young, &goal, &c), young.due);
        let lower = ExamGoal {
            ordinary: Some(0.85),
            ..goal
        };
        let later = s.due_for_exam(&young, &lower, &c);
        assert!(later > young.due && later < goal.at, "{later}");
        // The day is the interval at 0.85 (fuzzed as the stored one is).
        let want = (s.interval_for(2.0) * s.stretch_to(0.85)).round() as i32;
        assert_eq!(
            later,
            c.day_start_ms(Clock::add_days(c.today(), want.max(1)))
        );
    }

    #[test]
    fn a_final_review_is_not_brought_earlier_than_plain_fsrss_own_review() {
        let s = sched();
        let c = clock("2027-04-01T10:00:00Z");
        // Stored interval 20 days at 0.9, the exam 24 days away; at 0.87 the ordinary
        // interval would reach past the exam, so this is the final review.
        let goal = ExamGoal {
            target: 0.95,
            ordinary: Some(0.87),
            ..ExamGoal::ahead(Some(jiff::civil::date(2027, 4, 25)), &c).unwrap()
        };
        let state = answered_now(&c, jiff::civil::date(2027, 4, 21), 20.0, 4);
        assert!(s.ordinary_days(20.0, 20, 0.87) >= 24);
        let x = s.final_review_day(mem(20.0), 24, goal.target).unwrap();
        assert!(x < 20, "the exam alone would ask on day {x}");
        let due = s.due_for_exam(&state, &goal, &c);
        assert!(due >= state.due && due < goal.at, "{due} vs {}", state.due);
    }

    #[test]
    fn a_review_that_would_cross_the_exam_comes_back_before_it() {
        let s = sched();
        let c = clock("2027-04-01T10:00:00Z");
        let goal = ExamGoal::ahead(Some(jiff::civil::date(2027, 5, 1)), &c).unwrap();
        let state = answered_now(&c, jiff::civil::date(2027, 7, 1), 60.0, 4);
        let due = s.due_for_exam(&state, &goal, &c);
        assert!(due < goal.at && due > c.now_ms(), "{due}");
        // A weak card's ordinary review, with more to come before the exam: left alone.
        let weak = CardState {
            due: c.day_start_ms(jiff::civil::date(2027, 4, 4)),
            stability: 3.0,
            ..state
        };
        assert_eq!(s.due_for_exam(&weak, &goal, &c), weak.due);
        // A strong card's ordinary review before the exam that would be its last: moved later,
        // to the day exam-morning recall needs, still before the exam.
        let last = CardState {
            due: c.day_start_ms(jiff::civil::date(2027, 4, 10)),
            ..state
        };
        let moved = s.due_for_exam(&last, &goal, &c);
        assert!(moved > last.due && moved < goal.at, "{moved}");
        // A card safe on exam morning without it: its review waits until the exam is over.
        let safe = CardState {
            stability: 3000.0,
            ..last
        };
        assert_eq!(s.due_for_exam(&safe, &goal, &c), goal.at);
        // After the exam there is no goal, and the stored due stands.
        let after = clock("2027-05-02T10:00:00Z");
        assert_eq!(ExamGoal::ahead(Some(goal.day), &after), None);
    }
}
