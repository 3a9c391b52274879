//! The session state machine, shared by the plain and terminal front ends. It holds no I/O:
//! each answer or undo returns the journal entry the front end must make durable before it
//! asks for the next card.

use std::cell::Cell;
use std::collections::VecDeque;

use rand::SeedableRng;
use rand::rngs::StdRng;

use super::options;
use super::queue::Picked;
use crate::clock::{Clock, Millis};
use crate::deck::{Body, Card, Kind, Library};
use crate::schedule::{CardState, Grade, Scheduler};
use crate::store::States;
use crate::store::journal::{Entry, Event, Hold, new_card_state};
use crate::store::last::{Undoable, What};

/// A card failed in the session comes back after at least this many other cards.
const RETURN_AFTER: usize = 3;

/// The `intro` of a card first answered in a mock paper: before any study day, so it never
/// counts against a day's new cards (see `States::answered_since`).
pub const NOT_INTRODUCED: Millis = 0;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Answers change the schedule.
    Study,
    /// Practice: answers are not recorded.
    Cram,
    /// A mock paper: answers change the schedule, but each question is set once; a wrong
    /// answer does not bring the card back as a later question.
    Mock,
}

/// The card on screen, with its mcq options laid out once (so a redraw does not reshuffle).
#[derive(Debug, Clone)]
pub struct Shown {
    pub idx: usize,
    pub options: Vec<String>,
    pub right: usize,
    /// Whether it was taken from the learning steps (so undo can put it back there).
    from_step: Option<Millis>,
}

#[derive(Debug, Clone, Copy)]
pub struct Outcome {
    pub kind: Kind,
    pub grade: Grade,
    pub took_ms: u32,
    pub was_new: bool,
}

struct Answered {
    shown: Shown,
    prev: Option<CardState>,
    /// The learning step this answer queued, if any.
    queued_step: bool,
}

/// What an undo takes back, newest last.
enum Done {
    Answer(Answered),
    /// A suspend or bury: the cards taken out of the session, so an undo puts them back.
    Held(HeldAway),
}

struct HeldAway {
    /// The card that was on screen unanswered (it returns there), if it was.
    shown: Option<Shown>,
    event: Event,
    keys: Vec<String>,
    queue: Vec<usize>,
    steps: Vec<Step>,
}

/// What `undo` took back, for the front end to say.
#[derive(Debug, Clone, PartialEq)]
pub enum Undone {
    Answer,
    Event(Event),
    /// The previous session's last answer or event (its card key).
    Previous(String, What),
}

/// Finds the state and hold a card had before the previous session's last line (reading the
/// journal: given by the caller, so the session itself stays free of I/O); `None` if it
/// cannot be read.
pub type LookBack<'a> = Box<dyn FnOnce(&Undoable) -> Option<(CardState, Hold)> + 'a>;

#[derive(Debug, Clone, Copy)]
struct Step {
    idx: usize,
    due: Millis,
    /// Not before this many answers have been given in the session.
    after: usize,
}

pub struct Session<'a> {
    library: &'a Library,
    cards: Vec<&'a Card>,
    states: States,
    queue: VecDeque<usize>,
    steps: Vec<Step>,
    current: Option<Shown>,
    history: Vec<Done>,
    /// The previous session's last answer or event, which the first undo with nothing of this
    /// session left to take back takes back (once), with how to find the state it returns to.
    previous: Option<(Undoable, LookBack<'a>)>,
    /// The card shown last, whose cloze siblings are not shown right after it.
    last_shown: Option<usize>,
    pub outcomes: Vec<Outcome>,
    pub skipped: usize,
    pub mode: Mode,
    rng: StdRng,
    /// Cards the session started with, by reason: (due reviews incl. learning, new).
    pub planned: (usize, usize),
    /// How many of the cards still to come are new, while known: answering and skipping keep
    /// it, so the full-screen header costs nothing per card however long the queue; the rarer
    /// changes (undo, suspend, bury, edit) forget it and the next header counts again.
    new_waiting: Cell<Option<usize>>,
}

impl<'a> Session<'a> {
    /// `states` are the current states (only those of `cards` are used).
    pub fn new(
        library: &'a Library,
        cards: Vec<&'a Card>,
        states: &States,
        picked: Picked,
        mode: Mode,
        seed: u64,
    ) -> Session<'a> {
        // Only the cards the session will show need their state copied.
        let states = picked
            .learning
            .iter()
            .map(|(i, _)| *i)
            .chain(picked.due.iter().copied())
            .filter_map(|i| states.get(&cards[i].key).map(|s| (cards[i].key.clone(), s)))
            .collect();
        let planned = (picked.learning.len() + picked.due.len(), picked.new.len());
        Session {
            library,
            queue: picked.due.iter().chain(&picked.new).copied().collect(),
            steps: picked
                .learning
                .iter()
                .map(|&(idx, due)| Step { idx, due, after: 0 })
                .collect(),
            cards,
            states,
            current: None,
            history: Vec::new(),
            previous: None,
            last_shown: None,
            outcomes: Vec::new(),
            skipped: 0,
            mode,
            rng: StdRng::seed_from_u64(seed),
            planned,
            new_waiting: Cell::new(None),
        }
    }

    /// A cram session: `order` is every card to practise, weakest first.
    pub fn cram(
        library: &'a Library,
        cards: Vec<&'a Card>,
        states: &States,
        order: Vec<usize>,
        seed: u64,
    ) -> Session<'a> {
        let picked = Picked {
            due: order,
            ..Picked::default()
        };
        Session::new(library, cards, states, picked, Mode::Cram, seed)
    }

    pub fn card(&self, shown: &Shown) -> &'a Card {
        self.cards[shown.idx]
    }

    pub fn state(&self, key: &str) -> Option<CardState> {
        self.states.get(key)
    }

    /// The card to answer now, choosing the next one if none is on screen.
    pub fn current(&mut self, now: Millis) -> Option<&Shown> {
        if self.current.is_none() {
            self.current = self.choose(now);
        }
        self.current.as_ref()
    }

    fn choose(&mut self, now: Millis) -> Option<Shown> {
        let answered = self.outcomes.len();
        let ready = self
            .steps
            .iter()
            .enumerate()
            .filter(|(_, s)| s.due <= now && s.after <= answered)
            .filter(|(_, s)| !self.follows_sibling(s.idx))
            .min_by_key(|(_, s)| s.due)
            .map(|(i, _)| i);
        // With nothing else left, a card in a learning step is shown early (Anki's learn-ahead)
        // rather than ending the session with it unrevised.
        let step = ready.or_else(|| {
            if self.queue.is_empty() {
                self.steps
                    .iter()
                    .enumerate()
                    .min_by_key(|(_, s)| (s.due, s.after))
                    .map(|(i, _)| i)
            } else {
                None
            }
        });
        let (idx, from_step) = match step {
            Some(i) => {
                let s = self.steps.remove(i);
                (s.idx, Some(s.due))
            }
            None => {
                // Cloze siblings are never shown back to back while another card can go between.
                let at = self
                    .queue
                    .iter()
                    .position(|&i| !self.follows_sibling(i))
                    .unwrap_or(0);
                (self.queue.remove(at)?, None)
            }
        };
        self.last_shown = Some(idx);
        Some(self.show(idx, from_step))
    }

    /// Whether card `idx` is a sibling of the card shown last (another gap of its cloze).
    fn follows_sibling(&self, idx: usize) -> bool {
        self.last_shown
            .is_some_and(|last| last != idx && self.siblings(last, idx))
    }

    fn siblings(&self, a: usize, b: usize) -> bool {
        let (a, b) = (self.cards[a], self.cards[b]);
        a.deck == b.deck && a.id == b.id
    }

    fn show(&mut self, idx: usize, from_step: Option<Millis>) -> Shown {
        let card = self.cards[idx];
        let (options, right) = match &card.body {
            Body::Mcq { a, choices, .. } => {
                options::lay_out(self.library, &card.deck, a, choices, &mut self.rng)
            }
            _ => (Vec::new(), 0),
        };
        Shown {
            idx,
            options,
            right,
            from_step,
        }
    }

    /// Takes every card still to come off the queue, each laid out once: the questions of a
    /// mock paper, which the paper sets in this order and grades when it is handed in.
    pub fn draw_all(&mut self, now: Millis) -> Vec<Shown> {
        self.new_waiting.set(None);
        let mut all = Vec::new();
        while self.current(now).is_some() {
            all.extend(self.current.take());
        }
        all
    }

    /// Grades the card on screen. Returns the entry to record (in a cram session, to ignore).
    pub fn answer(
        &mut self,
        grade: Grade,
        took_ms: u32,
        sched: &Scheduler,
        clock: &Clock,
    ) -> Option<Entry> {
        let shown = self.current.take()?;
        Some(self.answer_card(shown, grade, took_ms, sched, clock))
    }

    /// Grades a card taken off the screen (or drawn with `draw_all`).
    pub fn answer_card(
        &mut self,
        shown: Shown,
        grade: Grade,
        took_ms: u32,
        sched: &Scheduler,
        clock: &Clock,
    ) -> Entry {
        let card = self.cards[shown.idx];
        let prev = self.states.get(&card.key);
        // The card leaves the cards to come, or stays as a learning step: either way, not new.
        // A paper's cards were drawn all at once (`draw_all`), so there the count is unknown.
        if self.mode == Mode::Mock {
            self.new_waiting.set(None);
        } else if prev.is_none() {
            self.count_new(-1);
        }
        let mut state = sched.answer(prev.as_ref(), grade, clock, &card.key);
        if self.mode == Mode::Mock && prev.is_none() {
            // A paper tests; it does not introduce cards. `intro` only counts cards against
            // the day's new-card allowance, so a card first met in a paper is marked as never
            // introduced, and the day's study still gets its full allowance of new cards.
            state.intro = NOT_INTRODUCED;
        }
        self.states.insert(card.key.clone(), state);
        let queued_step = match self.mode {
            Mode::Study => state.in_step(),
            Mode::Cram => grade == Grade::Again,
            Mode::Mock => false,
        };
        if queued_step {
            self.steps.push(Step {
                idx: shown.idx,
                due: if self.mode == Mode::Cram {
                    clock.now_ms()
                } else {
                    state.due
                },
                after: self.outcomes.len() + 1 + RETURN_AFTER,
            });
        }
        self.outcomes.push(Outcome {
            kind: card.kind(),
            grade,
            took_ms,
            was_new: prev.is_none(),
        });
        self.history.push(Done::Answer(Answered {
            shown,
            prev,
            queued_step,
        }));
        Entry::Review {
            at: clock.now_ms(),
            key: card.key.clone(),
            grade,
            took_ms,
            state,
        }
    }

    /// Moves on without grading; the card stays as it was in the schedule.
    pub fn skip(&mut self) {
        if let Some(skipped) = self.current.take() {
            if !self.states.contains_key(&self.cards[skipped.idx].key) {
                self.count_new(-1);
            }
            self.skipped += 1;
        }
    }

    /// Adds `by` to the count of new cards to come, if it is known.
    fn count_new(&self, by: isize) {
        let known = self.new_waiting.get();
        self.new_waiting
            .set(known.and_then(|n| n.checked_add_signed(by)));
    }

    /// Suspends (`bury_until` None) or buries the card on screen, or, on a verdict screen,
    /// the card just answered: it leaves the session, and the entries returned record it.
    /// Burying takes the card's cloze siblings still to come in the session with it.
    /// Nothing in a cram session, which changes nothing in the state (and a mock paper has no
    /// card on screen between its questions' answers to hold).
    pub fn hold(&mut self, bury_until: Option<Millis>, now: Millis) -> Vec<Entry> {
        if self.mode != Mode::Study {
            return Vec::new();
        }
        self.new_waiting.set(None);
        let (idx, shown) = match self.current.take() {
            Some(shown) => (shown.idx, Some(shown)),
            None => match self.history.last() {
                Some(Done::Answer(a)) => (a.shown.idx, None),
                _ => return Vec::new(),
            },
        };
        let (event, hold) = match bury_until {
            Some(until) => (Event::Bury, Hold::BuriedUntil(until)),
            None => (Event::Suspend, Hold::Suspended),
        };
        let mut targets = vec![idx];
        if event == Event::Bury {
            let waiting = self
                .queue
                .iter()
                .copied()
                .chain(self.steps.iter().map(|s| s.idx));
            let siblings: Vec<usize> = waiting
                .filter(|&i| i != idx && self.siblings(idx, i))
                .collect();
            targets.extend(siblings);
            targets.dedup();
        }
        let mut away = HeldAway {
            shown,
            event,
            keys: Vec::new(),
            queue: Vec::new(),
            steps: Vec::new(),
        };
        self.queue.retain(|i| {
            let out = targets.contains(i);
            if out {
                away.queue.push(*i);
            }
            !out
        });
        self.steps.retain(|s| {
            let out = targets.contains(&s.idx);
            if out {
                away.steps.push(*s);
            }
            !out
        });
        let mut entries = Vec::new();
        for &i in &targets {
            let key = self.cards[i].key.clone();
            if away.keys.contains(&key) {
                continue;
            }
            entries.push(Entry::Control {
                at: now,
                key: key.clone(),
                event,
                state: self.state_or_new(&key),
                hold,
            });
            away.keys.push(key);
        }
        self.history.push(Done::Held(away));
        entries
    }

    fn state_or_new(&self, key: &str) -> CardState {
        self.states.get(key).unwrap_or_else(new_card_state)
    }

    /// Lets the first undo with nothing of this session to take back take back `previous`,
    /// the previous session's last answer or event.
    pub fn set_previous(&mut self, previous: Undoable, look_back: LookBack<'a>) {
        self.previous = Some((previous, look_back));
    }

    /// Whether `undo` has anything to take back.
    pub fn can_undo(&self) -> bool {
        !self.history.is_empty() || self.previous.is_some()
    }

    /// The note a session starts with when its first undo can take back the previous
    /// session's last answer or event.
    pub fn previous_note(&self) -> Option<String> {
        self.previous.as_ref().map(|(p, _)| previous_note(p))
    }

    /// Takes back the last answer, suspend or bury: the card returns to the screen as it
    /// was, and the entries returned restore its previous state in the journal. With nothing
    /// of this session left, the previous session's last answer (once).
    pub fn undo(&mut self, now: Millis) -> Option<(Undone, Vec<Entry>)> {
        self.new_waiting.set(None);
        let Some(last) = self.history.pop() else {
            return self.undo_previous(now);
        };
        match last {
            Done::Answer(last) => {
                self.put_back_current();
                if last.queued_step
                    && let Some(i) = self.steps.iter().rposition(|s| s.idx == last.shown.idx)
                {
                    self.steps.remove(i);
                }
                self.outcomes.pop();
                let key = self.cards[last.shown.idx].key.clone();
                match last.prev {
                    Some(p) => self.states.insert(key.clone(), p),
                    None => self.states.remove(&key),
                };
                let state = last.prev.unwrap_or_else(new_card_state);
                self.current = Some(last.shown);
                let entry = Entry::Undo {
                    at: now,
                    key,
                    state,
                    hold: Hold::None,
                };
                Some((Undone::Answer, vec![entry]))
            }
            Done::Held(away) => {
                if away.shown.is_some() {
                    self.put_back_current();
                    self.current = away.shown;
                }
                for i in away.queue.into_iter().rev() {
                    self.queue.push_front(i);
                }
                self.steps.extend(away.steps);
                let entries = away
                    .keys
                    .into_iter()
                    .map(|key| Entry::Undo {
                        at: now,
                        state: self.state_or_new(&key),
                        key,
                        hold: Hold::None,
                    })
                    .collect();
                Some((Undone::Event(away.event), entries))
            }
        }
    }

    /// The card on screen goes back where it came from, so another can take its place.
    fn put_back_current(&mut self) {
        if let Some(current) = self.current.take() {
            match current.from_step {
                Some(due) => self.steps.push(Step {
                    idx: current.idx,
                    due,
                    after: 0,
                }),
                None => self.queue.push_front(current.idx),
            }
        }
    }

    /// Undoes the previous session's last answer or event; its card, if this session has it
    /// and it is not held after the undo, comes on screen to be answered again.
    fn undo_previous(&mut self, now: Millis) -> Option<(Undone, Vec<Entry>)> {
        let (prev, look_back) = self.previous.take()?;
        let (before, hold_before) = look_back(&prev)?;
        let key = prev.key.clone();
        let entry = Entry::Undo {
            at: now,
            key: key.clone(),
            state: before,
            hold: hold_before,
        };
        let idx = self.cards.iter().position(|c| c.key == key);
        if before.phase == crate::schedule::Phase::New {
            self.states.remove(&key);
        } else if idx.is_some() {
            self.states.insert(key.clone(), before);
        }
        if let Some(idx) = idx.filter(|_| !hold_before.holds_at(now)) {
            self.queue.retain(|&i| i != idx);
            self.steps.retain(|s| s.idx != idx);
            self.put_back_current();
            self.current = Some(self.show(idx, None));
        }
        Some((Undone::Previous(key, prev.what), vec![entry]))
    }

    /// Whether the last answer was a typed card judged wrong (which the user may overrule).
    pub fn can_overrule(&self) -> bool {
        self.history.last().is_some_and(|done| {
            let Done::Answer(a) = done else { return false };
            self.cards[a.shown.idx].kind() == Kind::Typed
                && self
                    .outcomes
                    .last()
                    .is_some_and(|o| o.grade == Grade::Again)
        })
    }

    /// Turns the last typed answer's "wrong" into "right": the undo entry and the new answer.
    pub fn overrule(&mut self, sched: &Scheduler, clock: &Clock) -> Option<[Entry; 2]> {
        if !self.can_overrule() {
            return None;
        }
        self.regrade(Grade::Good, sched, clock)
    }

    /// Gives the last answer another grade (the user changed the one proposed): the undo
    /// entry and the new answer.
    pub fn regrade(
        &mut self,
        grade: Grade,
        sched: &Scheduler,
        clock: &Clock,
    ) -> Option<[Entry; 2]> {
        if !matches!(self.history.last(), Some(Done::Answer(_))) {
            return None;
        }
        let took = self.outcomes.last().map_or(0, |o| o.took_ms);
        // The card on screen (in plain mode, the next one, at any of its prompts) stays there
        // as it was laid out; only the last answer is redone.
        let on_screen = self.current.take();
        let undo = self
            .undo(clock.now_ms())
            .and_then(|(_, mut entries)| entries.pop());
        let redo = undo
            .is_some()
            .then(|| self.answer(grade, took, sched, clock))
            .flatten();
        self.current = on_screen;
        Some([undo?, redo?])
    }

    /// Cards answered, and cards still to come (including learning steps).
    pub fn progress(&self) -> (usize, usize) {
        let left = self.queue.len() + self.steps.len() + usize::from(self.current.is_some());
        (self.outcomes.len(), left)
    }

    /// Of the cards still to come, how many have been answered before (reviews and learning
    /// steps) and how many are new.
    pub fn left_by_reason(&self) -> (usize, usize) {
        let new = match self.new_waiting.get() {
            Some(n) => {
                debug_assert_eq!(n, self.recount_new(), "the count of new cards went wrong");
                n
            }
            None => {
                let n = self.recount_new();
                self.new_waiting.set(Some(n));
                n
            }
        };
        (self.progress().1 - new, new)
    }

    /// The new cards still to come, counted one by one.
    fn recount_new(&self) -> usize {
        self.queue
            .iter()
            .copied()
            .chain(self.steps.iter().map(|s| s.idx))
            .chain(self.current.as_ref().map(|c| c.idx))
            .filter(|&idx| !self.states.contains_key(&self.cards[idx].key))
            .count()
    }

    pub fn records(&self) -> bool {
        self.mode != Mode::Cram
    }

    /// The session's card of `key`, if it holds it.
    pub fn find(&self, key: &str) -> Option<&'a Card> {
        self.cards.iter().copied().find(|c| c.key == key)
    }

    /// Puts `card` (just edited) in place of the card of `old_key`; one on screen is laid out
    /// again. A card whose key changed (renamed with `was`) keeps its state.
    pub fn replace_card(&mut self, old_key: &str, card: &'a Card) {
        self.new_waiting.set(None);
        for c in self.cards.iter_mut().filter(|c| c.key == old_key) {
            *c = card;
        }
        if card.key != old_key
            && let Some(state) = self.states.get(old_key)
        {
            self.states.insert(card.key.clone(), state);
        }
        if let Some(current) = self.current.take() {
            self.current = Some(if self.cards[current.idx].key == card.key {
                self.show(current.idx, current.from_step)
            } else {
                current
            });
        }
    }
}

impl Undone {
    /// What the front ends say after the undo.
    pub fn describe(&self) -> String {
        match self {
            Undone::Answer => "Undone: the last card is back.".to_owned(),
            Undone::Event(Event::Bury) => "Undone: the card is no longer buried.".to_owned(),
            Undone::Event(_) => "Undone: the card is no longer suspended.".to_owned(),
            Undone::Previous(key, what) => format!(
                "Undone: the previous session's last {} ({}).",
                what_name(*what),
                crate::sanitize::clean_line(key)
            ),
        }
    }
}

fn what_name(what: What) -> &'static str {
    match what {
        What::Answer(_) => "answer",
        What::Event(Event::Suspend) => "suspend",
        What::Event(Event::Unsuspend) => "unsuspend",
        What::Event(Event::Bury) => "bury",
        What::Event(Event::Forget) => "reset",
    }
}

/// The note a session starts with when it can take back the previous session's last answer.
pub fn previous_note(previous: &Undoable) -> String {
    format!(
        "u undoes the previous session's last {} ({}), once.",
        what_name(previous.what),
        crate::sanitize::clean_line(&previous.key)
    )
}

/// When a card buried now comes back: the start of the next study day (the configured day
/// start, in the configured time zone, as the quiz counts days).
pub fn bury_until(clock: &Clock) -> Millis {
    clock.day_start_ms(Clock::add_days(clock.today(), 1))
}

/// A right mcq or typed answer given within this time proposes Easy rather than Good.
pub const EASY_WITHIN_MS: u32 = 5_000;

/// The grade an mcq or typed answer proposes: Again when wrong, Good when right, Easy when
/// right at once. The user may change it on the verdict screen.
pub fn proposed_grade(right: bool, took_ms: u32) -> Grade {
    match (right, took_ms < EASY_WITHIN_MS) {
        (false, _) => Grade::Again,
        (true, true) => Grade::Easy,
        (true, false) => Grade::Good,
    }
}

/// The grade a mains answer earns from the share of key points recalled: under a quarter is a
/// miss, under 60% hard, under 90% good, the rest easy.
pub fn grade_from_points(recalled: usize, total: usize) -> Grade {
    let share = if total == 0 {
        0.0
    } else {
        recalled.min(total) as f32 / total as f32
    };
    match share {
        s if s < 0.25 => Grade::Again,
        s if s < 0.6 => Grade::Hard,
        s if s < 0.9 => Grade::Good,
        _ => Grade::Easy,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deck::Origin;
    use crate::deck::parse::parse_deck;
    use crate::quiz::queue;

    fn library() -> Library {
        let mut src = String::from("[deck]\nid = \"d\"\nexam = \"prelims\"\n");
        for i in 0..4 {
            src.push_str(&format!(
                "[[card]]\nid = \"c{i}\"\nq = \"q{i}\"\na = \"a{i}\"\nsource = \"s\"\n"
            ));
        }
        Library {
            decks: vec![parse_deck(&src, Origin::Builtin("t")).unwrap()],
        }
    }

    fn clock() -> Clock {
        crate::clock::utc("2026-01-10T10:00:00Z")
    }

    fn with_session(test: impl FnOnce(&mut Session<'_>, &Scheduler, &Clock)) {
        let lib = library();
        let cards: Vec<&Card> = lib.cards().collect();
        let sched = Scheduler::new(&[], 0.9, 0).unwrap();
        let clock = clock();
        let states = States::default();
        let picked = queue::pick(
            &cards,
            &states,
            &sched,
            &clock,
            queue::Limits::unbounded(10),
            &queue::Goals::default(),
            crate::config::NewOrder::Deck,
        );
        let mut s = Session::new(&lib, cards, &states, picked, Mode::Study, 1);
        test(&mut s, &sched, &clock);
    }

    fn key(s: &mut Session<'_>, now: Millis) -> Option<String> {
        let shown = s.current(now)?.clone();
        Some(s.card(&shown).key.clone())
    }

    #[test]
    fn the_headers_counts_follow_answers_skips_undos_and_burials() {
        with_session(|s, sched, clock| {
            let now = clock.now_ms();
            assert_eq!(s.left_by_reason(), (0, 4));
            key(s, now);
            // A new card failed: it waits as a learning step, seen.
            s.answer(Grade::Again, 0, sched, clock);
            assert_eq!(s.left_by_reason(), (1, 3));
            key(s, now);
            s.answer(Grade::Good, 0, sched, clock);
            assert_eq!(s.left_by_reason(), (1, 2));
            key(s, now);
            s.skip();
            assert_eq!(s.left_by_reason(), (1, 1));
            s.undo(now);
            assert_eq!(s.left_by_reason(), (1, 2));
            key(s, now);
            s.hold(Some(now + 86_400_000), now);
            assert_eq!(s.left_by_reason(), (1, 1));
            key(s, now);
            s.answer(Grade::Good, 0, sched, clock);
            assert_eq!(s.left_by_reason(), (1, 0));
        });
    }

    #[test]
    fn a_failed_card_comes_back_later_in_the_same_session() {
        with_session(|s, sched, clock| {
            let now = clock.now_ms();
            assert_eq!(key(s, now).as_deref(), Some("d/c0"));
            s.answer(Grade::Again, 0, sched, clock);
            let mut seen = Vec::new();
            while let Some(k) = key(s, now) {
                seen.push(k);
                s.answer(Grade::Good, 0, sched, clock);
            }
            assert_eq!(seen, ["d/c1", "d/c2", "d/c3", "d/c0"]);
        });
    }

    #[test]
    fn undo_restores_the_card_and_its_state() {
        with_session(|s, sched, clock| {
            let now = clock.now_ms();
            key(s, now);
            let e = s.answer(Grade::Good, 0, sched, clock).unwrap();
            assert!(matches!(e, Entry::Review { .. }));
            assert!(s.state("d/c0").is_some());
            assert_eq!(key(s, now).as_deref(), Some("d/c1"));
            let (what, mut undo) = s.undo(now).unwrap();
            assert_eq!(what, Undone::Answer);
            let Some(Entry::Undo { key: k, state, .. }) = undo.pop() else {
                panic!()
            };
            assert_eq!(
                (k.as_str(), state.phase),
                ("d/c0", crate::schedule::Phase::New)
            );
            assert!(s.state("d/c0").is_none());
            assert_eq!(key(s, now).as_deref(), Some("d/c0"));
            s.answer(Grade::Good, 0, sched, clock);
            assert_eq!(
                key(s, now).as_deref(),
                Some("d/c1"),
                "the card that was on screen comes next"
            );
            assert_eq!(s.progress(), (1, 3));
        });
    }

    #[test]
    fn undo_of_a_failed_answer_drops_its_learning_step() {
        with_session(|s, sched, clock| {
            let now = clock.now_ms();
            key(s, now);
            s.answer(Grade::Again, 0, sched, clock);
            s.undo(now);
            s.answer(Grade::Good, 0, sched, clock);
            let mut rest = Vec::new();
            while let Some(k) = key(s, now) {
                rest.push(k);
                s.answer(Grade::Good, 0, sched, clock);
            }
            assert_eq!(rest, ["d/c1", "d/c2", "d/c3"]);
        });
    }

    #[test]
    fn a_right_answer_proposes_good_or_easy_when_fast_and_a_wrong_one_again() {
        assert_eq!(proposed_grade(false, 100), Grade::Again);
        assert_eq!(proposed_grade(true, EASY_WITHIN_MS - 1), Grade::Easy);
        assert_eq!(proposed_grade(true, EASY_WITHIN_MS), Grade::Good);
        assert_eq!(proposed_grade(false, 60_000), Grade::Again);
    }

    #[test]
    fn regrade_replaces_the_last_answer_and_keeps_the_card_on_screen() {
        with_session(|s, sched, clock| {
            let now = clock.now_ms();
            key(s, now);
            s.answer(Grade::Good, 0, sched, clock);
            assert_eq!(key(s, now).as_deref(), Some("d/c1"));
            let [undo, redo] = s.regrade(Grade::Easy, sched, clock).unwrap();
            assert!(matches!(undo, Entry::Undo { ref key, .. } if key == "d/c0"));
            assert!(
                matches!(redo, Entry::Review { grade: Grade::Easy, ref key, .. } if key == "d/c0")
            );
            assert_eq!(s.outcomes.len(), 1);
            assert_eq!(s.outcomes[0].grade, Grade::Easy);
            assert_eq!(
                key(s, now).as_deref(),
                Some("d/c1"),
                "the card on screen stays"
            );
        });
    }

    #[test]
    fn mains_grades_follow_the_share_of_points_recalled() {
        assert_eq!(grade_from_points(0, 6), Grade::Again);
        assert_eq!(grade_from_points(2, 6), Grade::Hard);
        assert_eq!(grade_from_points(4, 6), Grade::Good);
        assert_eq!(grade_from_points(6, 6), Grade::Easy);
        assert_eq!(grade_from_points(9, 6), Grade::Easy);
        assert_eq!(grade_from_points(0, 0), Grade::Again);
    }

    #[test]
    fn a_mock_paper_sets_each_question_once_even_when_answered_wrong() {
        let lib = library();
        let cards: Vec<&Card> = lib.cards().collect();
        let sched = Scheduler::new(&[], 0.9, 0).unwrap();
        let clock = clock();
        let picked = Picked {
            due: vec![0, 1],
            ..Picked::default()
        };
        let mut s = Session::new(&lib, cards, &States::default(), picked, Mode::Mock, 1);
        // Even once the learning step is over, the wrong one does not come back.
        let later = clock.now_ms() + crate::schedule::STEP_MS * 10;
        assert_eq!(key(&mut s, later).as_deref(), Some("d/c0"));
        assert!(s.answer(Grade::Again, 0, &sched, &clock).is_some());
        assert_eq!(key(&mut s, later).as_deref(), Some("d/c1"));
        s.answer(Grade::Good, 0, &sched, &clock);
        assert_eq!(key(&mut s, later), None);
        assert!(s.records());
    }

    /// A session over a cloze of three gaps (`d/z#1..3`) then a basic card `d/b`.
    fn with_cloze_session(test: impl FnOnce(&mut Session<'_>, &Scheduler, &Clock)) {
        let src = "[deck]\nid = \"d\"\nexam = \"prelims\"\n\
                   [[card]]\nid = \"z\"\nkind = \"cloze\"\ntext = \"{{a}} {{b}} {{c}}\"\nsource = \"s\"\n\
                   [[card]]\nid = \"b\"\nq = \"q\"\na = \"a\"\nsource = \"s\"\n";
        let lib = Library {
            decks: vec![parse_deck(src, Origin::Builtin("t")).unwrap()],
        };
        let cards: Vec<&Card> = lib.cards().collect();
        let sched = Scheduler::new(&[], 0.9, 0).unwrap();
        let picked = Picked {
            new: (0..cards.len()).collect(),
            ..Picked::default()
        };
        let mut s = Session::new(&lib, cards, &States::default(), picked, Mode::Study, 1);
        test(&mut s, &sched, &clock());
    }

    fn keys(entries: &[Entry]) -> Vec<&str> {
        entries.iter().map(Entry::key).collect()
    }

    #[test]
    fn cloze_siblings_wait_for_another_card_between_them() {
        with_cloze_session(|s, sched, clock| {
            let now = clock.now_ms();
            let mut seen = Vec::new();
            while let Some(k) = key(s, now) {
                seen.push(k);
                s.answer(Grade::Good, 0, sched, clock);
            }
            assert_eq!(seen, ["d/z#1", "d/b", "d/z#2", "d/z#3"]);
        });
    }

    #[test]
    fn burying_a_gap_takes_its_siblings_and_undo_brings_all_back() {
        with_cloze_session(|s, _, clock| {
            let now = clock.now_ms();
            assert_eq!(key(s, now).as_deref(), Some("d/z#1"));
            let entries = s.hold(Some(now + 1000), now);
            assert_eq!(keys(&entries), ["d/z#1", "d/z#2", "d/z#3"]);
            assert!(entries.iter().all(|e| matches!(
                e,
                Entry::Control { event: Event::Bury, hold: Hold::BuriedUntil(t), .. } if *t == now + 1000
            )));
            assert_eq!(s.progress(), (0, 1));
            assert_eq!(key(s, now).as_deref(), Some("d/b"));
            let (what, undo) = s.undo(now).unwrap();
            assert_eq!(what, Undone::Event(Event::Bury));
            assert_eq!(keys(&undo), ["d/z#1", "d/z#2", "d/z#3"]);
            assert!(undo.iter().all(|e| e.hold() == Hold::None));
            assert_eq!(key(s, now).as_deref(), Some("d/z#1"), "back on screen");
            assert_eq!(s.progress(), (0, 4));
        });
    }

    #[test]
    fn a_suspend_on_the_verdict_screen_holds_the_card_just_answered() {
        with_session(|s, sched, clock| {
            let now = clock.now_ms();
            key(s, now);
            s.answer(Grade::Again, 0, sched, clock);
            let answered = s.state("d/c0").unwrap();
            let entries = s.hold(None, now);
            let [
                Entry::Control {
                    key: k,
                    state,
                    hold,
                    ..
                },
            ] = entries.as_slice()
            else {
                panic!("{entries:?}")
            };
            assert_eq!((k.as_str(), *hold), ("d/c0", Hold::Suspended));
            assert_eq!(*state, answered, "the state the answer left");
            // Its learning step is gone: the failed card does not come back.
            let mut rest = Vec::new();
            while let Some(k) = key(s, now + crate::schedule::STEP_MS * 10) {
                rest.push(k);
                s.answer(Grade::Good, 0, sched, clock);
            }
            assert_eq!(rest, ["d/c1", "d/c2", "d/c3"]);
        });
    }

    #[test]
    fn the_previous_sessions_last_answer_is_undone_once_after_this_sessions_own() {
        with_session(|s, sched, clock| {
            let now = clock.now_ms();
            let before = sched.answer(None, Grade::Good, clock, "d/c3");
            let previous = Undoable {
                id: 7,
                key: "d/c3".into(),
                at: now - 1,
                what: What::Answer(Grade::Again),
                first: false,
            };
            s.set_previous(previous, Box::new(move |_| Some((before, Hold::None))));
            assert!(s.previous_note().unwrap().contains("d/c3"));
            key(s, now);
            s.answer(Grade::Good, 0, sched, clock);
            assert_eq!(
                s.undo(now).unwrap().0,
                Undone::Answer,
                "this session's first"
            );
            let (what, entries) = s.undo(now).unwrap();
            assert!(matches!(what, Undone::Previous(ref k, _) if k == "d/c3"));
            assert!(
                matches!(&entries[..], [Entry::Undo { state, .. }] if *state == before),
                "{entries:?}"
            );
            assert_eq!(key(s, now).as_deref(), Some("d/c3"), "its card comes back");
            assert_eq!(s.state("d/c3"), Some(before));
            assert!(s.undo(now).is_none(), "once");
        });
    }

    #[test]
    fn skip_leaves_the_card_unanswered() {
        with_session(|s, _, clock| {
            let now = clock.now_ms();
            key(s, now);
            s.skip();
            assert_eq!(s.skipped, 1);
            assert!(s.state("d/c0").is_none());
            assert_eq!(key(s, now).as_deref(), Some("d/c1"));
            assert!(s.undo(now).is_none(), "nothing was answered");
        });
    }

    #[test]
    fn an_edited_card_takes_the_place_of_the_one_on_screen_and_a_renamed_one_its_state() {
        with_session(|s, sched, clock| {
            let first = s.current(clock.now_ms()).cloned().unwrap();
            let key = s.card(&first).key.clone();
            // The session borrows its cards for as long as it lives, as the quiz's are.
            let edited: &Card = Box::leak(Box::new(Card {
                body: Body::Basic {
                    q: "edited q".into(),
                    a: "edited a".into(),
                },
                ..s.card(&first).clone()
            }));
            s.replace_card(&key, edited);
            let shown = s.current(clock.now_ms()).cloned().unwrap();
            assert_eq!(s.card(&shown).prompt(), "edited q");
            s.answer(Grade::Good, 1000, sched, clock).unwrap();
            assert!(s.state(&key).is_some());

            let renamed: &Card = Box::leak(Box::new(Card {
                key: "d/renamed".into(),
                ..edited.clone()
            }));
            s.replace_card(&key, renamed);
            assert!(s.find(&key).is_none());
            assert_eq!(
                s.state("d/renamed"),
                s.state(&key),
                "the answer goes with it"
            );
        });
    }
}
