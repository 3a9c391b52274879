//! What is shown about one card: its key, where it is written, its source and date, its tags,
//! every answer it was given and its memory now. Built purely from the card, its state and its
//! history, so the quiz's `i` screen, `smriti card` and `smriti card --json` show one thing.

use jiff::Timestamp;
use serde::Serialize;

use crate::clock::{Clock, Millis, from_ms};
use crate::deck::{Card, Origin};
use crate::sanitize::clean_line;
use crate::schedule::exam::ExamGoal;
use crate::schedule::{CardState, Phase, Scheduler};
use crate::store::history::CardReview;
use crate::store::journal::Hold;

const DAY_MS: f64 = 86_400_000.0;

#[derive(Debug, Clone, Serialize)]
pub struct CardInfo {
    pub key: String,
    pub kind: &'static str,
    pub deck: String,
    /// The user deck file the card is written in; `None` for a built-in card.
    pub file: Option<String>,
    /// The line of its `[[card]]` header in that file.
    pub line: Option<usize>,
    pub prompt: String,
    pub answer: String,
    pub source: String,
    pub as_of: Option<String>,
    pub tags: Vec<String>,
    /// "suspended", or "buried until YYYY-MM-DD HH:MM"; `None` for a card studied as usual
    /// (set by `held`, since only the store knows).
    pub held: Option<String>,
    /// How many devices answered the card (their journals merged); set by `smriti card`.
    pub devices: usize,
    /// `None` for a card never answered.
    pub memory: Option<Memory>,
    pub history: Vec<Answer>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Memory {
    /// Days for recall to fall to 90%.
    pub stability: f32,
    /// 1 (easy) to 10 (hard).
    pub difficulty: f32,
    /// Probability of recall now, 0 to 1.
    pub recall_now: f32,
    /// The local date the card is due by its stored schedule, YYYY-MM-DD: plain FSRS's, which
    /// an exam ahead does not change (`schedule::exam`).
    pub due: String,
    /// The local date the quiz next asks it, YYYY-MM-DD: with its exam ahead, the day that
    /// serves the exam (`quiz::queue::Goals::due`), which may differ from `due`; else `due`.
    pub next_review: String,
    pub reviews: u32,
    pub lapses: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct Answer {
    /// Local time of the answer, YYYY-MM-DD HH:MM.
    pub at: String,
    pub grade: &'static str,
    /// Days until the card was due again after this answer.
    pub interval_days: f64,
    /// The predicted recall when answered; `None` for the first answer.
    pub recall: Option<f32>,
}

/// The card's info. `origin` is its deck's; `reviews` its history oldest first; `goal` its
/// exam's goal while that exam is ahead, sized as the quiz sizes it, so the info's next review
/// is the day the quiz asks the card.
pub fn build(
    card: &Card,
    origin: &Origin,
    state: Option<&CardState>,
    reviews: &[CardReview],
    sched: &Scheduler,
    clock: &Clock,
    goal: Option<&ExamGoal>,
) -> CardInfo {
    let (file, line) = match origin {
        Origin::File(path) => (Some(path.display().to_string()), Some(card.line)),
        Origin::Builtin(_) => (None, None),
    };
    let now = clock.now_ms();
    let memory = state.filter(|s| s.phase != Phase::New).map(|s| Memory {
        stability: round2(s.stability),
        difficulty: round2(s.difficulty),
        recall_now: round2(sched.retrievability(s, now)),
        due: clock.study_day_ms(s.due).to_string(),
        next_review: clock
            .study_day_ms(goal.map_or(s.due, |g| sched.due_for_exam(s, g, clock)))
            .to_string(),
        reviews: s.reps,
        lapses: s.lapses,
    });
    let history = reviews
        .iter()
        .map(|r| Answer {
            at: local_minute(r.at, clock),
            grade: r.grade.name(),
            interval_days: ((r.after.due - r.at) as f64 / DAY_MS * 100.0).round() / 100.0,
            recall: (r.before.phase != Phase::New)
                .then(|| round2(sched.retrievability(&r.before, r.at))),
        })
        .collect();
    CardInfo {
        key: card.key.clone(),
        kind: card.kind().as_str(),
        deck: card.deck.clone(),
        file,
        line,
        prompt: card.prompt(),
        answer: card.answer(),
        source: card.source.clone(),
        as_of: card.as_of.clone(),
        tags: card.tags.clone(),
        held: None,
        devices: 0,
        memory,
        history,
    }
}

/// How a hold reads in the card's info, if it keeps the card out of study now.
pub fn held(hold: Hold, clock: &Clock) -> Option<String> {
    match hold {
        _ if !hold.holds_at(clock.now_ms()) => None,
        Hold::BuriedUntil(until) => Some(format!("buried until {}", local_minute(until, clock))),
        _ => Some("suspended".to_owned()),
    }
}

fn round2(x: f32) -> f32 {
    (x * 100.0).round() / 100.0
}

fn local_minute(at: Millis, clock: &Clock) -> String {
    let t: Timestamp = from_ms(at);
    t.to_zoned_datetime(clock.tz.clone())
        .strftime("%Y-%m-%d %H:%M")
        .to_string()
}

/// An interval as a person reads it: minutes within the day, else days.
fn interval_text(days: f64) -> String {
    if days < 1.0 {
        format!("{}m", (days * 1440.0).round().max(0.0))
    } else if days < 10.0 {
        format!("{days:.1}d")
    } else {
        format!("{}d", days.round())
    }
}

/// The info as text lines (terminal-safe), for `smriti card` and the quiz's `i` screen; the
/// quiz leaves the answer out (`with_answer` false), so `i` never gives it away.
pub fn render(info: &CardInfo, with_answer: bool) -> Vec<String> {
    let mut out = vec![
        format!("card     {}", clean_line(&info.key)),
        format!("kind     {}", info.kind),
    ];
    match (&info.file, info.line) {
        (Some(file), Some(line)) => out.push(format!("file     {}:{line}", clean_line(file))),
        _ => out.push(format!("deck     {} (built-in)", clean_line(&info.deck))),
    }
    out.push(format!("prompt   {}", clean_line(&info.prompt)));
    if with_answer {
        out.push(format!("answer   {}", clean_line(&info.answer)));
    }
    out.push(format!("source   {}", clean_line(&info.source)));
    if let Some(as_of) = &info.as_of {
        out.push(format!("as of    {}", clean_line(as_of)));
    }
    if !info.tags.is_empty() {
        out.push(format!("tags     {}", clean_line(&info.tags.join(", "))));
    }
    if let Some(held) = &info.held {
        out.push(format!("held     {held}"));
    }
    if info.devices > 1 {
        out.push(format!(
            "devices  answered on {} devices (merged in time order)",
            info.devices
        ));
    }
    match &info.memory {
        None => out.push("memory   new: never answered".to_owned()),
        Some(m) => {
            out.push(format!(
                "memory   recall now {:.0}%, stability {:.1} days, difficulty {:.1}",
                m.recall_now * 100.0,
                m.stability,
                m.difficulty
            ));
            if m.next_review == m.due {
                out.push(format!("due      {}", m.due));
            } else {
                // The day the quiz asks it, and the stored one it returns to after the exam.
                out.push(format!(
                    "due      {} for the exam (plain FSRS: {})",
                    m.next_review, m.due
                ));
            }
            out.push(format!("reviews  {}, lapses {}", m.reviews, m.lapses));
        }
    }
    if !info.history.is_empty() {
        out.push(String::new());
        out.push(format!(
            "{:<16}  {:<5}  {:>8}  {:>6}",
            "answered", "grade", "interval", "recall"
        ));
        for a in &info.history {
            let recall = a
                .recall
                .map_or_else(|| "-".to_owned(), |r| format!("{:.0}%", r * 100.0));
            out.push(format!(
                "{:<16}  {:<5}  {:>8}  {:>6}",
                a.at,
                a.grade,
                interval_text(a.interval_days),
                recall
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deck::parse::parse_deck;
    use crate::schedule::Grade;
    use jiff::tz::TimeZone;

    const DAY: Millis = 86_400_000;
    /// When the card was first answered.
    const T0: Millis = 1_800_000_000_000;

    /// A prelims deck of one card, `d/c`, at line 6 of d.toml.
    fn deck() -> crate::deck::Deck {
        let src = "[deck]\nid = \"d\"\nname = \"D\"\nexam = \"prelims\"\n\n[[card]]\nid = \"c\"\nq = \"Q?\"\na = \"A\"\nsource = \"s\"\nas_of = 2024-01-02\n";
        parse_deck(src, Origin::File("d.toml".into())).expect("parses")
    }

    fn sched() -> Scheduler {
        Scheduler::new(&[], 0.9, 1).expect("default parameters")
    }

    /// A review card last answered at `T0`, due `due_in` days later.
    fn answered_at_t0(due_in: Millis, stability: f32, reps: u32) -> CardState {
        CardState {
            intro: T0,
            last: T0,
            due: T0 + due_in * DAY,
            stability,
            difficulty: 5.0,
            phase: Phase::Review,
            reps,
            lapses: 0,
        }
    }

    #[test]
    fn the_history_gives_each_answers_interval_and_the_recall_it_was_given_at() {
        let (deck, sched) = (deck(), sched());
        let clock = Clock::new(from_ms(T0 + 10 * DAY), TimeZone::UTC, 4);
        let new = crate::store::journal::new_card_state();
        let first = answered_at_t0(3, 3.0, 1);
        let second = CardState {
            last: T0 + 4 * DAY,
            due: T0 + 14 * DAY,
            stability: 9.0,
            reps: 2,
            ..first
        };
        let reviews = [
            CardReview {
                at: T0,
                grade: Grade::Good,
                before: new,
                after: first,
            },
            CardReview {
                at: T0 + 4 * DAY,
                grade: Grade::Good,
                before: first,
                after: second,
            },
        ];
        let info = build(
            &deck.cards[0],
            &deck.origin,
            Some(&second),
            &reviews,
            &sched,
            &clock,
            None,
        );
        assert_eq!(info.key, "d/c");
        assert_eq!((info.file.as_deref(), info.line), (Some("d.toml"), Some(6)));
        assert_eq!(info.as_of.as_deref(), Some("2024-01-02"));
        assert_eq!(info.history[0].interval_days, 3.0);
        assert_eq!(info.history[0].recall, None);
        assert_eq!(info.history[1].interval_days, 10.0);
        let then = info.history[1]
            .recall
            .expect("a second answer has a recall");
        assert!((then - round2(sched.retrievability(&first, T0 + 4 * DAY))).abs() < 1e-6);
        assert!(then < 0.95 && then > 0.5, "{then}");
        let memory = info.memory.clone().expect("answered");
        assert_eq!(memory.due, clock.study_day_ms(T0 + 14 * DAY).to_string());
        let now = round2(sched.retrievability(&second, T0 + 10 * DAY));
        assert!((memory.recall_now - now).abs() < 1e-6 && now < 1.0);
        let text = render(&info, false).join("\n");
        assert!(
            text.contains("file     d.toml:6") && !text.contains("answer   A"),
            "{text}"
        );
        // No exam ahead: the quiz asks it on its stored due date.
        assert_eq!(memory.next_review, memory.due);
        assert!(
            text.contains(&format!("due      {}\n", memory.due)),
            "{text}"
        );
    }

    #[test]
    fn with_an_exam_ahead_the_next_review_is_the_exam_serving_day_and_the_stored_due_stays() {
        let (deck, sched) = (deck(), sched());
        let clock = Clock::new(from_ms(T0 + DAY), TimeZone::UTC, 4);
        let state = answered_at_t0(10, 9.0, 2);
        // An exam far ahead whose ordinary reviews aim lower (a deck too large for the run-up):
        // the next review comes later than the stored one.
        let goal = ExamGoal {
            ordinary: Some(0.8),
            ..ExamGoal::ahead(Some(Clock::add_days(clock.today(), 200)), &clock).expect("ahead")
        };
        let card = &deck.cards[0];
        let info = build(
            card,
            &deck.origin,
            Some(&state),
            &[],
            &sched,
            &clock,
            Some(&goal),
        );
        let m = info.memory.clone().expect("answered");
        assert_eq!(m.due, clock.study_day_ms(state.due).to_string());
        let asked = sched.due_for_exam(&state, &goal, &clock);
        assert_eq!(m.next_review, clock.study_day_ms(asked).to_string());
        assert!(m.next_review > m.due, "{} vs {}", m.next_review, m.due);
        let text = render(&info, true).join("\n");
        let line = format!(
            "due      {} for the exam (plain FSRS: {})",
            m.next_review, m.due
        );
        assert!(text.contains(&line), "{text}");
    }
}
