//! Which cards a session shows and in what order: learning steps left from earlier, then due
//! reviews (lowest predicted recall first, so the most at-risk are seen even in a short
//! session), then new cards up to the day's limit. Cram orders everything weakest first.

use crate::clock::{Clock, Millis};
use crate::config::Config;
use crate::deck::{Card, Exam};
use crate::schedule::{CardState, EXAM_WINDOW_DAYS, Scheduler};
use crate::store::States;
use jiff::civil::Date;

/// The `--deck`, `--tag` and `--exam` filters. Empty lists match everything.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub decks: Vec<String>,
    pub tags: Vec<String>,
    pub exam: Option<Exam>,
}

impl Filter {
    pub fn matches(&self, card: &Card) -> bool {
        (self.decks.is_empty() || self.decks.contains(&card.deck))
            && (self.tags.is_empty() || self.tags.iter().any(|t| card.has_tag(t)))
            && self.exam.is_none_or(|e| card.exam == e)
    }
}

/// Indices into the session's cards, by the reason each is shown.
#[derive(Debug, Default, PartialEq)]
pub struct Picked {
    /// Cards in a learning step, with when the step ends.
    pub learning: Vec<(usize, Millis)>,
    pub due: Vec<usize>,
    pub new: Vec<usize>,
}

impl Picked {
    pub fn len(&self) -> usize {
        self.learning.len() + self.due.len() + self.new.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Keeps at most `limit` cards, dropping new cards first, then the least urgent reviews.
    pub fn truncate(&mut self, limit: usize) {
        self.learning.truncate(limit);
        self.due.truncate(limit - self.learning.len());
        self.new
            .truncate(limit - self.learning.len() - self.due.len());
    }
}

pub fn is_due(state: &CardState, clock: &Clock) -> bool {
    is_due_before(state, due_cutoff(clock))
}

/// Reviews due before this instant (the start of tomorrow's study day) are due today.
pub fn due_cutoff(clock: &Clock) -> Millis {
    clock.day_start_ms(Clock::add_days(clock.today(), 1))
}

pub fn is_due_before(state: &CardState, cutoff: Millis) -> bool {
    !state.in_step() && state.due < cutoff
}

/// Where the last days before each exam begin: a card whose next review falls on or after the
/// exam, and that has not been reviewed since this window opened, is due now, so no card
/// reaches the exam without a review just before it (even one scheduled before the date was set).
#[derive(Debug, Clone, Copy, Default)]
pub struct ExamWindows {
    prelims: Option<(Millis, Millis)>,
    mains: Option<(Millis, Millis)>,
}

impl ExamWindows {
    pub fn new(config: &Config, clock: &Clock) -> ExamWindows {
        let today = clock.today();
        let window = |exam: Option<Date>| {
            let exam = exam?;
            let opens = Clock::add_days(exam, -EXAM_WINDOW_DAYS);
            (opens <= today && today < exam)
                .then(|| (clock.day_start_ms(opens), clock.day_start_ms(exam)))
        };
        ExamWindows {
            prelims: window(config.prelims),
            mains: window(config.mains),
        }
    }

    fn wants_review(&self, exam: Exam, state: &CardState) -> bool {
        let window = match exam {
            Exam::Prelims => self.prelims,
            Exam::Mains => self.mains,
        };
        window.is_some_and(|(opens, exam_day)| state.due >= exam_day && state.last < opens)
    }
}

pub fn pick(
    cards: &[&Card],
    states: &States,
    sched: &Scheduler,
    clock: &Clock,
    new_allowed: usize,
    exams: ExamWindows,
) -> Picked {
    let now = clock.now_ms();
    let cutoff = due_cutoff(clock);
    let mut picked = Picked::default();
    let mut due: Vec<(f32, usize)> = Vec::new();
    for (i, card) in cards.iter().enumerate() {
        match states.get(&card.key) {
            None if picked.new.len() < new_allowed => picked.new.push(i),
            None => {}
            Some(s) if s.in_step() => picked.learning.push((i, s.due)),
            Some(s) if is_due_before(s, cutoff) || exams.wants_review(card.exam, s) => {
                due.push((sched.retrievability(s, now), i))
            }
            Some(_) => {}
        }
    }
    due.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    picked.due = due.into_iter().map(|(_, i)| i).collect();
    picked.learning.sort_by_key(|(i, due)| (*due, *i));
    picked
}

/// Every card, weakest first: seen cards by predicted recall now, then the unseen.
pub fn pick_cram(cards: &[&Card], states: &States, sched: &Scheduler, clock: &Clock) -> Vec<usize> {
    let now = clock.now_ms();
    let mut seen: Vec<(f32, usize)> = Vec::new();
    let mut unseen = Vec::new();
    for (i, card) in cards.iter().enumerate() {
        match states.get(&card.key) {
            Some(s) => seen.push((sched.retrievability(s, now), i)),
            None => unseen.push(i),
        }
    }
    seen.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    seen.into_iter().map(|(_, i)| i).chain(unseen).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deck::parse::parse_deck;
    use crate::deck::{Deck, Origin};
    use crate::schedule::Phase;

    fn deck(n: usize) -> Deck {
        let mut src = String::from("[deck]\nid = \"d\"\nexam = \"prelims\"\n");
        for i in 0..n {
            src.push_str(&format!("[[card]]\nid = \"c{i}\"\nq = \"q{i}\"\na = \"a{i}\"\nsource = \"s\"\ntags = [\"t{}\"]\n", i % 2));
        }
        parse_deck(&src, Origin::Builtin("t")).unwrap()
    }

    fn state(due: Millis, last: Millis, stability: f32, phase: Phase) -> CardState {
        CardState {
            intro: last,
            last,
            due,
            stability,
            difficulty: 5.0,
            phase,
            reps: 1,
            lapses: 0,
        }
    }

    #[test]
    fn learning_then_due_by_lowest_recall_then_new_up_to_the_limit() {
        let d = deck(6);
        let cards: Vec<&Card> = d.cards.iter().collect();
        let clock = Clock::new(
            "2026-01-10T10:00:00Z".parse().unwrap(),
            jiff::tz::TimeZone::UTC,
            4,
        );
        let day = 86_400_000;
        let now = clock.now_ms();
        let mut states = States::default();
        states.insert(
            "d/c0".into(),
            state(now - day, now - 10 * day, 20.0, Phase::Review),
        ); // strong
        states.insert(
            "d/c1".into(),
            state(now - day, now - 10 * day, 2.0, Phase::Review),
        ); // weak
        states.insert(
            "d/c2".into(),
            state(now + 10 * day, now - day, 20.0, Phase::Review),
        ); // not due
        states.insert(
            "d/c3".into(),
            state(now + 60_000, now, 0.5, Phase::Learning),
        );
        let sched = Scheduler::new(&[], 0.9, 0).unwrap();
        let picked = pick(&cards, &states, &sched, &clock, 1, ExamWindows::default());
        assert_eq!(picked.learning, vec![(3, now + 60_000)]);
        assert_eq!(picked.due, vec![1, 0]);
        assert_eq!(picked.new, vec![4]);
    }

    #[test]
    fn in_the_last_days_before_the_exam_a_review_set_after_it_is_due_now() {
        let d = deck(3);
        let cards: Vec<&Card> = d.cards.iter().collect();
        let clock = Clock::new(
            "2027-05-21T10:00:00Z".parse().unwrap(),
            jiff::tz::TimeZone::UTC,
            4,
        );
        let day = 86_400_000;
        let now = clock.now_ms();
        let mut states = States::default();
        // Reviewed long ago, next due months after the exam: must be reviewed now.
        states.insert(
            "d/c0".into(),
            state(now + 200 * day, now - 100 * day, 300.0, Phase::Review),
        );
        // Already reviewed inside the window: left alone.
        states.insert(
            "d/c1".into(),
            state(now + 200 * day, now - day, 300.0, Phase::Review),
        );
        // Due before the exam anyway, but not today.
        states.insert(
            "d/c2".into(),
            state(now + day, now - 10 * day, 30.0, Phase::Review),
        );
        let sched = Scheduler::new(&[], 0.9, 0).unwrap();
        let config = Config {
            prelims: Some(jiff::civil::date(2027, 5, 23)),
            ..Config::default()
        };
        let picked = pick(
            &cards,
            &states,
            &sched,
            &clock,
            0,
            ExamWindows::new(&config, &clock),
        );
        assert_eq!(picked.due, vec![0]);
        // Without an exam date, or before the window opens, nothing is due.
        assert!(
            pick(&cards, &states, &sched, &clock, 0, ExamWindows::default())
                .due
                .is_empty()
        );
        let early = Clock::new(
            "2027-05-01T10:00:00Z".parse().unwrap(),
            jiff::tz::TimeZone::UTC,
            4,
        );
        assert!(ExamWindows::new(&config, &early).prelims.is_none());
    }

    #[test]
    fn a_review_due_later_today_counts_as_due() {
        let clock = Clock::new(
            "2026-01-10T10:00:00Z".parse().unwrap(),
            jiff::tz::TimeZone::UTC,
            4,
        );
        let tonight = clock.now_ms() + 3 * 3_600_000;
        assert!(is_due(&state(tonight, 0, 1.0, Phase::Review), &clock));
        let tomorrow_morning = clock.day_start_ms(jiff::civil::date(2026, 1, 11));
        assert!(!is_due(
            &state(tomorrow_morning, 0, 1.0, Phase::Review),
            &clock
        ));
    }

    #[test]
    fn truncate_drops_new_cards_first() {
        let mut p = Picked {
            learning: vec![(0, 0)],
            due: vec![1, 2],
            new: vec![3, 4],
        };
        p.truncate(4);
        assert_eq!((p.due.len(), p.new.len()), (2, 1));
        p.truncate(2);
        assert_eq!((p.learning.len(), p.due.len(), p.new.len()), (1, 1, 0));
    }

    #[test]
    fn filters_by_deck_tag_and_exam() {
        let d = deck(2);
        let f = Filter {
            tags: vec!["t1".into()],
            ..Filter::default()
        };
        assert!(!f.matches(&d.cards[0]));
        assert!(f.matches(&d.cards[1]));
        let f = Filter {
            exam: Some(Exam::Mains),
            ..Filter::default()
        };
        assert!(!f.matches(&d.cards[0]));
        let f = Filter {
            decks: vec!["d".into()],
            ..Filter::default()
        };
        assert!(f.matches(&d.cards[0]));
    }
}
