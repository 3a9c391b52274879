//! Which cards a session shows and in what order: learning steps left from earlier, then due
//! reviews (lowest predicted recall first, so the most at-risk are seen even in a short
//! session), then new cards up to the day's limit. Cram orders everything weakest first.
//!
//! A day never asks more than the daily budget (`max_reviews_per_day`, or what fits in
//! `minutes_per_day`): reviews over it wait for the next days, most at-risk first, and new
//! cards only take what room reviews leave, so they are the first to slow down. With an exam
//! ahead it is the other way round, because a card never introduced counts nothing on exam
//! morning: new cards up to the day's limit come first, and reviews over the budget wait. A
//! card is then due when its exam-serving date comes (`schedule::exam`), and where the days
//! before the exam already hold more than the budget, the excess is pulled forward into today,
//! strongest cards first (they lose the least by an early review, and the last days are left
//! to the weak), so the run-up is level instead of a spike on the eve. A deck that
//! `new_per_day` cannot introduce before the run-up is paced faster (`Pace`), each exam on its
//! own and with its own cards, in room due reviews leave.
//! New cards are introduced in deck order within each deck and, with `new_order =
//! "interleave"`, in turn across decks (`new_groups`), so a first week holds both prelims and
//! mains. `decide` is the one selection the quiz and `plan`'s simulation both use: the quiz
//! gathers what it needs in one pass over the cards (`pick_by`), the simulation keeps it up to
//! date as its cards are answered (`plan::pool`).

use std::cmp::Reverse;

use jiff::civil::Date;

use crate::clock::{Clock, Millis};
use crate::config::{Config, NewOrder};
use crate::deck::{Card, Exam};
use crate::schedule::exam::ExamGoal;
use crate::schedule::{CardState, Scheduler};
use crate::store::States;

/// Share of the daily budget that leveling plans the coming days to at most: the rest is room
/// for the reviews that answers given in between will add (failed cards, new cards' first
/// intervals).
const LEVEL_SHARE: f64 = 0.85;
/// Reviews a day at full new-card pace holds, per new card a day (a new card and its first
/// reviews): the run-up to an exam is levelled to such an ordinary learning day.
const LEVEL_PER_NEW_CARD: usize = 3;
const DAY_MS: Millis = 86_400_000;
/// With an exam ahead, new cards are paced to all be introduced this many days before it
/// (`Goals::pace`): every card then gets its first reviews and a settled final review, and
/// the run-up is for revision. 3,000 cards, exam in 150 days, 150 cards a day (the exam
/// benchmark, with `exam_retention`): finishing 14 days ahead gave 0.942 on exam morning for
/// 18,074 answers, 18 days 0.946 / 18,636, 21 days 0.948 / 18,876, 24 days 0.951 / 19,233,
/// 28 days 0.952 / 19,708 (plain FSRS: 0.895 / 19,561).
pub const FINISH_NEW_BEFORE_DAYS: i32 = 24;

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
    /// Due reviews the day's budget leaves for the coming days.
    pub held_back: usize,
    /// New cards the new-card limit allowed but the budget kept out.
    pub new_held_back: usize,
    /// Reviews due on later days that were brought into today to keep the run-up to an exam
    /// within the budget (counted in `due`).
    pub pulled_forward: usize,
    /// The exam of each new card past the day's limit that pacing added (`Pace`): the tail
    /// of `new`, in its order.
    pub paced: Vec<Exam>,
    /// Paced new cards the budget kept out (the room due reviews left was too small).
    pub paced_held_back: usize,
}

impl Picked {
    pub fn len(&self) -> usize {
        self.learning.len() + self.due.len() + self.new.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The cards in the order a session first shows them: steps, due reviews, new cards.
    pub fn in_order(&self) -> impl Iterator<Item = usize> + '_ {
        self.learning
            .iter()
            .map(|(i, _)| *i)
            .chain(self.due.iter().copied())
            .chain(self.new.iter().copied())
    }

    /// Keeps at most `limit` cards, dropping new cards first (paced ones before the day's
    /// own), then the least urgent reviews.
    pub fn truncate(&mut self, limit: usize) {
        let own_new = self.new.len() - self.paced.len();
        self.learning.truncate(limit);
        self.due.truncate(limit - self.learning.len());
        self.new
            .truncate(limit - self.learning.len() - self.due.len());
        self.paced.truncate(self.new.len().saturating_sub(own_new));
    }

    /// How many new cards of `exam` pacing added today.
    pub fn paced_of(&self, exam: Exam) -> usize {
        self.paced.iter().filter(|e| **e == exam).count()
    }

    /// What a user should be told about the budget, if it held anything back.
    pub fn budget_note(&self) -> Option<String> {
        if self.held_back == 0 && self.new_held_back == 0 && self.paced_held_back == 0 {
            return None;
        }
        let mut parts = Vec::new();
        if self.held_back > 0 {
            parts.push(format!(
                "{} due {} left for the coming days",
                self.held_back,
                plural(self.held_back, "review", "reviews")
            ));
        }
        if self.new_held_back > 0 {
            parts.push(format!(
                "{} new {} postponed",
                self.new_held_back,
                plural(self.new_held_back, "card", "cards")
            ));
        }
        if self.paced_held_back > 0 {
            parts.push(format!(
                "{} paced new {} (ahead of the exam) postponed",
                self.paced_held_back,
                plural(self.paced_held_back, "card", "cards")
            ));
        }
        Some(format!(
            "The daily budget is full: {}. Raise `max_reviews_per_day` (or `minutes_per_day`) in config.toml, or see `smriti plan`.",
            parts.join(", ")
        ))
    }
}

fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}

/// How much today may still ask.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    /// New cards the new-card limit (or `--new`) allows.
    pub new: usize,
    /// Whether new cards may go past the budget (`--new N` asks for them explicitly).
    pub new_over_budget: bool,
    /// Cards (reviews and new) left in today's budget.
    pub today: usize,
    /// Reviews a coming day is planned to hold at most (see `level_for`); more are brought
    /// forward into today.
    pub level: usize,
    /// New cards of each exam (prelims, mains) that pacing toward it wants today, counting
    /// those of the day's limit `new` (`Paces::today`): what the limit does not give that
    /// exam comes on top of it, from that exam's own unseen cards, and only in the room due
    /// reviews and the day's own new cards leave, never a review's place.
    pub paced: [usize; 2],
}

impl Limits {
    /// No budget: everything due, and new cards up to `new`.
    pub fn unbounded(new: usize) -> Limits {
        Limits {
            new,
            new_over_budget: false,
            today: usize::MAX,
            level: usize::MAX,
            paced: [0; 2],
        }
    }
}

/// The exams still ahead, each the goal of its own cards.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Goals {
    pub prelims: Option<ExamGoal>,
    pub mains: Option<ExamGoal>,
}

impl Goals {
    pub fn new(config: &Config, clock: &Clock) -> Goals {
        Goals {
            prelims: ExamGoal::ahead(config.prelims, clock),
            mains: ExamGoal::ahead(config.mains, clock),
        }
    }

    pub fn of(&self, exam: Exam) -> Option<&ExamGoal> {
        match exam {
            Exam::Prelims => self.prelims.as_ref(),
            Exam::Mains => self.mains.as_ref(),
        }
    }

    /// When a card of `exam` in `state` is next asked: its exam-serving date while its exam is
    /// ahead (`Scheduler::due_for_exam`), else the stored FSRS due. The selection picks by it,
    /// so what a front end says of a card's next review is this too.
    pub fn due(&self, sched: &Scheduler, state: &CardState, exam: Exam, clock: &Clock) -> Millis {
        self.of(exam)
            .map_or(state.due, |g| sched.due_for_exam(state, g, clock))
    }

    /// Each exam's target brought down to what its cards can reach within the run-up
    /// (`Scheduler::exam_target`): `cards` is how many prepare for prelims and for mains,
    /// `level` the reviews a day the run-up is levelled to (`level_for`).
    pub fn sized(mut self, sched: &Scheduler, cards: [usize; 2], level: usize) -> Goals {
        for (goal, n) in [&mut self.prelims, &mut self.mains].into_iter().zip(cards) {
            if let Some(g) = goal {
                g.target = sched.exam_target(n, level);
                g.ordinary = sched.exam_retention(g.target);
            }
        }
        self
    }

    /// The pace of new cards that introduces each exam's `unseen` cards (prelims, mains)
    /// `FINISH_NEW_BEFORE_DAYS` before it, when `new_per_day` would not (see `Pace`): each
    /// exam still before its run-up gets its own pace when the exams' paces together are
    /// more than `new_per_day`. None also with `new_per_day` 0 (the user asked for no new
    /// cards) and inside an exam's last `FINISH_NEW_BEFORE_DAYS`, where its new cards keep
    /// `new_per_day`.
    pub fn pace(&self, unseen: [usize; 2], new_per_day: usize, clock: &Clock) -> Paces {
        let mut paces = Paces::default();
        if new_per_day == 0 {
            return paces;
        }
        let today = clock.today();
        let exams = [(Exam::Prelims, self.prelims), (Exam::Mains, self.mains)];
        for ((exam, goal), (n, pace)) in exams.into_iter().zip(unseen.into_iter().zip(&mut paces.0))
        {
            let Some(g) = goal.filter(|_| n > 0) else {
                continue;
            };
            let by = Clock::add_days(g.day, -FINISH_NEW_BEFORE_DAYS);
            let days = match usize::try_from((by - today).get_days()) {
                Ok(d) if d > 0 => d,
                _ => continue,
            };
            *pace = Some(Pace {
                exam,
                per_day: n.div_ceil(days),
                by,
            });
        }
        let total: usize = paces.iter().map(|p| p.per_day).sum();
        if total <= new_per_day {
            return Paces::default();
        }
        paces
    }

    /// Study days from today to the last exam ahead; 0 with none.
    pub fn horizon(&self, clock: &Clock) -> i32 {
        [self.prelims, self.mains]
            .iter()
            .flatten()
            .map(|g| (g.day - clock.today()).get_days())
            .max()
            .unwrap_or(0)
    }
}

/// New cards faster than `new_per_day`, to introduce an exam's deck before the run-up to it
/// (`Goals::pace`). With 20 new cards a day a 3,000-card deck takes the 150 days to an exam to
/// introduce, so its last cards arrive in the final weeks, get few reviews, and crowd the
/// final reviews of the rest; introducing them earlier, in room the budget has idle then,
/// leaves the last weeks to revision (a coaching plan's "finish the syllabus, then revise").
/// The extra cards only take room due reviews leave, so no review waits for them, and the
/// user is told (`note`), as with any change the budget makes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pace {
    pub exam: Exam,
    /// New cards of this exam a day that finish in time.
    pub per_day: usize,
    /// The day by which they are all introduced.
    pub by: Date,
}

impl Pace {
    pub fn note(&self, new_per_day: usize) -> String {
        format!(
            "With {} ahead, its new cards come up to {} a day (new_per_day is {new_per_day}) so that all are introduced by {}, leaving the last weeks for revision; the extra ones only take room reviews leave.",
            self.exam.as_str(),
            self.per_day,
            self.by
        )
    }
}

/// Each exam's pace (prelims, mains), where it has one: pacing is per exam, so a paced
/// exam's extra new cards are its own, whichever decks take turns.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Paces(pub [Option<Pace>; 2]);

impl Paces {
    pub fn iter(&self) -> impl Iterator<Item = &Pace> {
        self.0.iter().flatten()
    }

    pub fn is_empty(&self) -> bool {
        self.iter().next().is_none()
    }

    /// New cards each exam wants today (`Limits::paced`), with `introduced` of its cards
    /// already introduced today.
    pub fn today(&self, introduced: [usize; 2]) -> [usize; 2] {
        let mut want = [0; 2];
        for (w, (p, i)) in want.iter_mut().zip(self.0.iter().zip(introduced)) {
            *w = p.map_or(0, |p| p.per_day.saturating_sub(i));
        }
        want
    }
}

/// Which of a `[prelims, mains]` pair an exam's figure is.
pub fn exam_slot(exam: Exam) -> usize {
    match exam {
        Exam::Prelims => 0,
        Exam::Mains => 1,
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

/// A seen card as the selection sees it: its state and when it is due (the exam-serving date
/// when its exam is ahead).
#[derive(Debug, Clone, Copy)]
pub struct Slot {
    pub state: CardState,
    pub due: Millis,
}

/// Which turn group each card's new cards take: with `Interleave`, its deck's place among
/// the decks of `cards` (in the order they first appear), so new cards alternate between
/// decks; with `Deck`, one group, so they come in the cards' own order.
pub fn new_groups(cards: &[&Card], order: NewOrder) -> Vec<usize> {
    new_groups_by(cards.len(), |i| cards[i].deck.as_str(), order)
}

/// `new_groups` over `n` cards given by their deck id.
pub fn new_groups_by<'c>(n: usize, deck: impl Fn(usize) -> &'c str, order: NewOrder) -> Vec<usize> {
    match order {
        NewOrder::Deck => vec![0; n],
        NewOrder::Interleave => {
            let mut decks: Vec<&str> = Vec::new();
            // Cards come deck by deck: the last card's deck is the one to try first.
            let mut last: Option<(&str, usize)> = None;
            (0..n)
                .map(|i| {
                    let d = deck(i);
                    if let Some((l, g)) = last
                        && std::ptr::eq(l, d)
                    {
                        return g;
                    }
                    let g = decks.iter().position(|x| *x == d).unwrap_or_else(|| {
                        decks.push(d);
                        decks.len() - 1
                    });
                    last = Some((d, g));
                    g
                })
                .collect()
        }
    }
}

pub fn pick(
    cards: &[&Card],
    states: &States,
    sched: &Scheduler,
    clock: &Clock,
    limits: Limits,
    goals: &Goals,
    order: NewOrder,
) -> Picked {
    let groups = new_groups(cards, order);
    let card = |i: usize| (cards[i].key.as_str(), cards[i].exam);
    pick_keyed(
        cards.len(),
        card,
        &groups,
        states,
        sched,
        clock,
        limits,
        goals,
    )
}

/// `pick` over `n` cards given by their key and exam (the deck index gives them without
/// decoding any card), with their new-card `groups`.
#[allow(clippy::too_many_arguments)]
pub fn pick_keyed<'c>(
    n: usize,
    card: impl Fn(usize) -> (&'c str, Exam),
    groups: &[usize],
    states: &States,
    sched: &Scheduler,
    clock: &Clock,
    limits: Limits,
    goals: &Goals,
) -> Picked {
    let exam = |i: usize| card(i).1;
    let state = |i: usize| states.get(card(i).0);
    let due = |i: usize, s: &CardState| goals.due(sched, s, exam(i), clock);
    pick_placed(n, exam, state, due, groups, sched, clock, limits, goals)
}

/// `pick` over `n` cards given by their exam, state and the day each is asked (`Goals::due`,
/// which the quiz keeps between runs: `exam_dues`), with their new-card `groups`: the deck
/// index gives all of them by place, without a lookup by key.
#[allow(clippy::too_many_arguments)]
pub fn pick_placed(
    n: usize,
    exam: impl Fn(usize) -> Exam,
    state: impl Fn(usize) -> Option<CardState>,
    due: impl Fn(usize, &CardState) -> Millis,
    groups: &[usize],
    sched: &Scheduler,
    clock: &Clock,
    limits: Limits,
    goals: &Goals,
) -> Picked {
    let now = clock.now_ms();
    let exam = &exam;
    let slot = |i: usize| {
        state(i).map(|state| Slot {
            due: due(i, &state),
            state,
        })
    };
    pick_by(
        n,
        slot,
        |i| groups[i],
        exam,
        |s| sched.recall_order(s, now),
        clock,
        limits,
        goals.horizon(clock),
    )
}

/// The day's selection over `n` cards, each given by `slot` (`None` for a new card). New
/// cards are introduced in index order within their `group` (see `new_groups`), the groups
/// taking turns; paced new cards (`Limits::paced`) are each of its `exam`. `horizon` is how
/// many days ahead to level (0: none). One pass gathers the cards (`gather`), `decide` picks
/// from what it gathered.
#[allow(clippy::too_many_arguments)]
pub fn pick_by(
    n: usize,
    slot: impl Fn(usize) -> Option<Slot>,
    group: impl Fn(usize) -> usize,
    exam: impl Fn(usize) -> Exam,
    recall_order: impl Fn(&CardState) -> f32,
    clock: &Clock,
    limits: Limits,
    horizon: i32,
) -> Picked {
    let window = Window::new(clock, horizon);
    let gathered = gather(n, &slot, group, recall_order, &window, limits);
    decide(gathered, exam, limits, &window, || {
        // Rarely needed, so the cards ahead are gathered only when it is.
        (0..n)
            .filter_map(|i| {
                let s = slot(i)?;
                window.ahead(&s)?;
                Some(strength(s.state.stability, i))
            })
            .collect()
    })
}

/// The days a selection sees from its clock's today: which due instants are due today, and
/// which coming day within the levelled `horizon` a later one falls on.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Window {
    /// Reviews due before this instant are due today (`due_cutoff`).
    pub cutoff: Millis,
    today_start: Millis,
    /// Days ahead to level (0: none).
    pub horizon: usize,
}

impl Window {
    pub fn new(clock: &Clock, horizon: i32) -> Window {
        Window {
            cutoff: due_cutoff(clock),
            today_start: clock.day_start_ms(clock.today()),
            horizon: usize::try_from(horizon).unwrap_or(0),
        }
    }

    /// The study day (from today) a due instant falls on, if within the leveled days; review
    /// due dates are day starts, so rounding to the nearest day finds it across DST shifts.
    pub fn day_ahead(&self, due: Millis) -> Option<usize> {
        let day = self.day_number(due);
        (day >= 1 && (day as usize) < self.horizon).then_some(day as usize)
    }

    /// The study day (from today, rounded) of a due instant, unbounded: never decreases as
    /// `due` grows, so a walk over cards in due order can stop at the first past the horizon.
    pub fn day_number(&self, due: Millis) -> i64 {
        (due - self.today_start + DAY_MS / 2).div_euclid(DAY_MS)
    }

    /// The coming day a card not in a step and not due today counts towards, for leveling.
    pub fn ahead(&self, s: &Slot) -> Option<usize> {
        if s.state.in_step() || s.due < self.cutoff {
            None
        } else {
            self.day_ahead(s.due)
        }
    }
}

/// A card's key among those a review may be brought forward from: strongest first, then by
/// index. Stabilities are positive, so their bit patterns order as the numbers do.
pub fn strength(stability: f32, i: usize) -> (Reverse<u32>, usize) {
    (Reverse(stability.to_bits()), i)
}

/// What a selection needs of the cards, gathered in one pass (`gather`) by the quiz, or kept
/// up to date card by card by `plan`'s simulation; `decide` picks from it.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Gathered {
    /// Cards in a learning step, with when the step ends, in any order.
    pub learning: Vec<(usize, Millis)>,
    /// Due reviews with their recall order (`recall_order`), in any order: all of them, or at
    /// least the `Limits::today` first by (order, index), the only ones a day can take.
    pub due: Vec<(f32, u32)>,
    /// How many reviews are due (`due` may leave some out).
    pub due_count: usize,
    /// Per coming day within the window, reviews due that day (`Window::day_ahead`).
    pub load: Vec<usize>,
    /// New cards by turn group, in index order, each at most `Limits::per_group`.
    pub new: Vec<Vec<usize>>,
}

impl Limits {
    /// New cards any one turn group can give: the day's limit and the paced.
    pub fn per_group(&self) -> usize {
        let paced_total = self.paced[0].saturating_add(self.paced[1]);
        self.new.saturating_add(paced_total)
    }
}

/// One pass over `n` cards gathering what `decide` needs (see `pick_by`).
pub fn gather(
    n: usize,
    slot: impl Fn(usize) -> Option<Slot>,
    group: impl Fn(usize) -> usize,
    recall_order: impl Fn(&CardState) -> f32,
    window: &Window,
    limits: Limits,
) -> Gathered {
    let mut g = Gathered {
        // Sized once, and the card's place as u32: at 100k cards a list grown by doubling
        // allocates (and the allocator clears) twice what it keeps.
        due: Vec::with_capacity(n),
        load: vec![0usize; window.horizon],
        ..Gathered::default()
    };
    let per_group = limits.per_group();
    for i in 0..n {
        match slot(i) {
            None => {
                let gr = group(i);
                if g.new.len() <= gr {
                    g.new.resize_with(gr + 1, Vec::new);
                }
                if g.new[gr].len() < per_group {
                    g.new[gr].push(i);
                }
            }
            Some(s) if s.state.in_step() => g.learning.push((i, s.state.due)),
            Some(s) if s.due < window.cutoff => g.due.push((recall_order(&s.state), i as u32)),
            Some(s) if window.horizon > 0 => {
                if let Some(day) = window.day_ahead(s.due) {
                    g.load[day] += 1;
                }
            }
            Some(_) => {}
        }
    }
    g.due_count = g.due.len();
    g
}

/// The day's selection from what was gathered. `ahead` gives the cards a review may be
/// brought forward from (`Window::ahead`, keyed by `strength`), asked for only when leveling
/// needs them.
pub fn decide(
    gathered: Gathered,
    exam: impl Fn(usize) -> Exam,
    limits: Limits,
    window: &Window,
    ahead: impl FnOnce() -> Vec<(Reverse<u32>, usize)>,
) -> Picked {
    let Gathered {
        learning,
        mut due,
        due_count,
        load,
        new,
    } = gathered;
    let mut picked = Picked {
        learning,
        ..Picked::default()
    };
    let paced_total = limits.paced[0].saturating_add(limits.paced[1]);
    let mut extra = Vec::new();
    if paced_total == 0 {
        picked.new = take_turns(&new, limits.new);
    } else {
        picked.new = take_turns(&new, usize::MAX);
        let rest = picked.new.split_off(picked.new.len().min(limits.new));
        // Each paced exam gets what the day's limit did not give it, from its own cards.
        let mut want = limits.paced;
        for &i in &picked.new {
            let w = &mut want[exam_slot(exam(i))];
            *w = w.saturating_sub(1);
        }
        for i in rest {
            let w = &mut want[exam_slot(exam(i))];
            if *w > 0 {
                *w -= 1;
                extra.push(i);
            }
        }
    }
    // Indices are unique, so an unstable sort gives the same order as a stable one. Only the
    // reviews today's budget takes are put in order: the rest wait for the coming days.
    let order = |a: &(f32, u32), b: &(f32, u32)| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1));
    if limits.today < due.len() {
        due.select_nth_unstable_by(limits.today, order);
    }
    let taken = due.len().min(limits.today);
    due[..taken].sort_unstable_by(order);
    // Only the budget's reviews are kept; the others are counted as held back below.
    picked.due = due[..taken].iter().map(|&(_, i)| i as usize).collect();
    let all_due = due_count;
    picked.learning.sort_by_key(|(i, due)| (*due, *i));

    let room = limits.today;
    // With an exam ahead, new cards take their room before due reviews, up to the share of
    // the budget a learning day gives them (one card in 1 + `LEVEL_PER_NEW_CARD`): exam-morning
    // recall is summed over the whole deck, a card never introduced counts nothing, and a
    // card's first answers bring it to about 0.9 for the exam, more than a review adds to a
    // card already learnt. Reviews over the budget then wait, the most at-risk kept; beyond
    // that share new cards take what room reviews leave, so a budget too small for the deck
    // still reviews what it has introduced.
    let review_room = if window.horizon > 0 {
        room - picked.new.len().min(room / (1 + LEVEL_PER_NEW_CARD))
    } else {
        room
    };
    picked.held_back = all_due.saturating_sub(review_room);
    picked.due.truncate(review_room);
    let new_room = if limits.new_over_budget {
        usize::MAX
    } else {
        room - picked.due.len()
    };
    picked.new_held_back = picked.new.len().saturating_sub(new_room);
    picked.new.truncate(new_room);
    // New cards past the day's limit, from pacing toward an exam (`Pace`): only in the room
    // left after due reviews and the day's own new cards, before reviews brought forward.
    let fits = room.saturating_sub(picked.due.len() + picked.new.len());
    picked.paced_held_back = extra.len().saturating_sub(fits);
    extra.truncate(fits);
    picked.paced = extra.iter().map(|&i| exam(i)).collect();
    picked.new.extend(extra);
    // Reviews brought forward take only the room left after due reviews and new cards: they
    // are not due yet, and a card never introduced is worth more than a review brought early.
    let spare = room.saturating_sub(picked.due.len() + picked.new.len());
    let pull = excess_ahead(&load, limits.level).min(spare);
    if pull > 0 {
        // The strongest cards first: a review brought forward costs a strong card the least
        // exam-morning recall, and it leaves the days nearest the exam to the weak cards
        // that most need them (issue 9's "strongest first, weakest last").
        let mut ahead = ahead();
        if pull < ahead.len() {
            ahead.select_nth_unstable(pull);
            ahead.truncate(pull);
        }
        ahead.sort_unstable();
        picked.due.extend(ahead.iter().map(|(_, i)| *i));
        picked.pulled_forward = ahead.len();
    }
    picked
}

/// At most `limit` items, the lists taking turns: the first of each, then the second of each.
fn take_turns(lists: &[Vec<usize>], limit: usize) -> Vec<usize> {
    let longest = lists.iter().map(Vec::len).max().unwrap_or(0);
    (0..longest)
        .flat_map(|rank| lists.iter().filter_map(move |l| l.get(rank).copied()))
        .take(limit)
        .collect()
}

/// The most reviews a coming day is planned to hold: an ordinary learning day's load at
/// `new_per_day`, and never more than 85% of the daily budget. No day of the run-up to an exam
/// is so busier than a day of learning new cards.
pub fn level_for(budget: usize, new_per_day: usize) -> usize {
    let share = (budget as f64 * LEVEL_SHARE).floor() as usize;
    if new_per_day == 0 {
        return share.max(1);
    }
    share.min(LEVEL_PER_NEW_CARD * new_per_day).max(1)
}

/// Reviews the coming days hold beyond the level, that must so be done today: each day's
/// excess moves to the day before, from the last day back.
fn excess_ahead(load: &[usize], cap: usize) -> usize {
    if cap == usize::MAX {
        return 0;
    }
    load.iter()
        .skip(1)
        .rev()
        .fold(0, |carry, l| (l + carry).saturating_sub(cap))
}

/// Every card, weakest first: seen cards by predicted recall now, then the unseen.
pub fn pick_cram(cards: &[&Card], states: &States, sched: &Scheduler, clock: &Clock) -> Vec<usize> {
    pick_cram_keyed(cards.len(), |i| cards[i].key.as_str(), states, sched, clock)
}

/// `pick_cram` over `n` cards given by their key.
pub fn pick_cram_keyed<'c>(
    n: usize,
    key: impl Fn(usize) -> &'c str,
    states: &States,
    sched: &Scheduler,
    clock: &Clock,
) -> Vec<usize> {
    pick_cram_by(n, |i| states.get(key(i)), sched, clock)
}

/// `pick_cram` over `n` cards given by their state.
pub fn pick_cram_by(
    n: usize,
    state: impl Fn(usize) -> Option<CardState>,
    sched: &Scheduler,
    clock: &Clock,
) -> Vec<usize> {
    let now = clock.now_ms();
    let mut seen: Vec<(f32, usize)> = Vec::new();
    let mut unseen = Vec::new();
    for i in 0..n {
        match state(i) {
            Some(s) => seen.push((sched.retrievability(&s, now), i)),
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
        let clock = crate::clock::utc("2026-01-10T10:00:00Z");
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
        let picked = pick(
            &cards,
            &states,
            &sched,
            &clock,
            Limits::unbounded(1),
            &Goals::default(),
            NewOrder::Deck,
        );
        assert_eq!(picked.learning, vec![(3, now + 60_000)]);
        assert_eq!(picked.due, vec![1, 0]);
        assert_eq!(picked.new, vec![4]);
    }

    #[test]
    fn with_an_exam_ahead_a_card_that_would_miss_its_target_is_due_before_it() {
        let d = deck(3);
        let cards: Vec<&Card> = d.cards.iter().collect();
        let clock = crate::clock::utc("2027-05-21T10:00:00Z");
        let day = 86_400_000;
        let now = clock.now_ms();
        let mut states = States::default();
        // Reviewed long ago, next due months after the exam, below target on exam day.
        states.insert(
            "d/c0".into(),
            state(now + 200 * day, now - 100 * day, 300.0, Phase::Review),
        );
        // Reviewed yesterday: recall on exam day is above the target, so it is left alone.
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
        let goals = Goals::new(&config, &clock);
        let picked = pick(
            &cards,
            &states,
            &sched,
            &clock,
            Limits::unbounded(0),
            &goals,
            NewOrder::Deck,
        );
        assert_eq!(picked.due, vec![0]);
        // Without an exam date nothing is due; after the exam, plain FSRS again.
        let plain = pick(
            &cards,
            &states,
            &sched,
            &clock,
            Limits::unbounded(0),
            &Goals::default(),
            NewOrder::Deck,
        );
        assert!(plain.due.is_empty());
        let after = crate::clock::utc("2027-05-24T10:00:00Z");
        assert_eq!(Goals::new(&config, &after), Goals::default());
    }

    #[test]
    fn the_budget_keeps_the_most_at_risk_reviews_and_slows_new_cards_first() {
        let d = deck(6);
        let cards: Vec<&Card> = d.cards.iter().collect();
        let clock = crate::clock::utc("2026-01-10T10:00:00Z");
        let day = 86_400_000;
        let now = clock.now_ms();
        let mut states = States::default();
        for (i, st) in [(0, 40.0), (1, 2.0), (2, 10.0)] {
            states.insert(
                format!("d/c{i}"),
                state(now - day, now - 10 * day, st, Phase::Review),
            );
        }
        let sched = Scheduler::new(&[], 0.9, 0).unwrap();
        let limits = Limits {
            new: 3,
            new_over_budget: false,
            today: 2,
            level: 2,
            paced: [0; 2],
        };
        let picked = pick(
            &cards,
            &states,
            &sched,
            &clock,
            limits,
            &Goals::default(),
            NewOrder::Deck,
        );
        assert_eq!(picked.due, vec![1, 2]);
        assert_eq!(picked.held_back, 1);
        assert!(picked.new.is_empty());
        assert_eq!(picked.new_held_back, 3);
        assert!(picked.budget_note().unwrap().contains("1 due review left"));
        // Room left after the reviews goes to new cards; `--new` goes past the budget.
        let roomy = Limits { today: 4, ..limits };
        let picked = pick(
            &cards,
            &states,
            &sched,
            &clock,
            roomy,
            &Goals::default(),
            NewOrder::Deck,
        );
        assert_eq!((picked.due.len(), picked.new.len()), (3, 1));
        let asked = Limits {
            new_over_budget: true,
            ..limits
        };
        let picked = pick(
            &cards,
            &states,
            &sched,
            &clock,
            asked,
            &Goals::default(),
            NewOrder::Deck,
        );
        assert_eq!(picked.new.len(), 3);
    }

    #[test]
    fn days_before_an_exam_over_the_budget_pull_their_excess_into_today() {
        let clock = crate::clock::utc("2026-01-10T10:00:00Z");
        let day_start = |d: i32| clock.day_start_ms(Clock::add_days(clock.today(), d));
        // 10 cards due tomorrow and 10 the day after, stronger the later the index; budget 10
        // a day, levelled to 8.
        let states: Vec<CardState> = (0..20)
            .map(|i| state(day_start(1 + i / 10), 0, 10.0 + i as f32, Phase::Review))
            .collect();
        let limits = Limits {
            new: 0,
            new_over_budget: false,
            today: 10,
            level: level_for(10, 0),
            paced: [0; 2],
        };
        let slot = |i: usize| {
            Some(Slot {
                state: states[i],
                due: states[i].due,
            })
        };
        let picked = one_group(20, slot, |_| 0.9, &clock, limits, 6);
        // The day after tomorrow holds 2 over, which tomorrow takes; tomorrow then holds 4
        // over: those come today, the strongest first, whichever day they were due.
        assert_eq!(picked.pulled_forward, 4);
        assert_eq!(picked.due, vec![19, 18, 17, 16]);
        // Without an exam ahead nothing is pulled.
        assert!(
            one_group(20, slot, |_| 0.9, &clock, limits, 0)
                .due
                .is_empty()
        );
    }

    /// `pick_by` over cards of one turn group, all for prelims.
    fn one_group(
        n: usize,
        slot: impl Fn(usize) -> Option<Slot>,
        recall: impl Fn(&CardState) -> f32,
        clock: &Clock,
        limits: Limits,
        horizon: i32,
    ) -> Picked {
        pick_by(
            n,
            slot,
            |_| 0,
            |_| Exam::Prelims,
            recall,
            clock,
            limits,
            horizon,
        )
    }

    /// Card `i` as the selection sees it: `states[i]` at its own due date; new past them.
    fn slots(states: &[CardState]) -> impl Fn(usize) -> Option<Slot> + Copy + '_ {
        move |i| {
            states.get(i).map(|s| Slot {
                state: *s,
                due: s.due,
            })
        }
    }

    /// A clock, and ten review cards all due since yesterday, card 0 the most at risk.
    fn ten_due() -> (Clock, Vec<CardState>) {
        let clock = crate::clock::utc("2026-01-10T10:00:00Z");
        let yesterday = clock.day_start_ms(Clock::add_days(clock.today(), -1));
        let states = (0..10)
            .map(|i| state(yesterday, 0, 1.0 + i as f32, Phase::Review))
            .collect();
        (clock, states)
    }

    #[test]
    fn with_an_exam_ahead_new_cards_keep_their_room_and_reviews_wait() {
        // Cards 0–9 due (card 0 the most at risk), 10–14 new; 12 cards a day, 3 of them new.
        let (clock, states) = ten_due();
        let slot = slots(&states);
        let limits = Limits {
            new: 3,
            new_over_budget: false,
            today: 12,
            level: level_for(12, 3),
            paced: [0; 2],
        };
        let recall = |s: &CardState| s.stability / 100.0;
        let exam = one_group(15, slot, recall, &clock, limits, 30);
        assert_eq!(exam.new, vec![10, 11, 12]);
        assert_eq!(exam.due, (0..9).collect::<Vec<_>>());
        assert_eq!((exam.held_back, exam.new_held_back), (1, 0));
        // Without an exam, reviews first and new cards slow down.
        let plain = one_group(15, slot, recall, &clock, limits, 0);
        assert_eq!(plain.due, (0..10).collect::<Vec<_>>());
        assert_eq!(plain.new, vec![10, 11]);
        assert_eq!((plain.held_back, plain.new_held_back), (0, 1));
        // New cards keep only a learning day's share of a budget too small for the deck: of 4
        // cards, 1 new and 3 reviews.
        let small = Limits { today: 4, ..limits };
        let tight = one_group(15, slot, recall, &clock, small, 30);
        assert_eq!((tight.due, tight.new), (vec![0, 1, 2], vec![10]));
    }

    #[test]
    fn new_cards_are_paced_to_finish_before_the_run_up_only_when_new_per_day_would_not() {
        let clock = crate::clock::utc("2027-01-01T10:00:00Z");
        let config = Config {
            prelims: Some(jiff::civil::date(2027, 5, 31)),
            ..Config::default()
        };
        let goals = Goals::new(&config, &clock);
        let by = Clock::add_days(jiff::civil::date(2027, 5, 31), -FINISH_NEW_BEFORE_DAYS);
        let days = (by - clock.today()).get_days() as usize;
        // 3,000 cards over the days before the run-up: faster than 20 a day.
        let pace = goals.pace([3000, 0], 20, &clock);
        let prelims = Pace {
            exam: Exam::Prelims,
            per_day: 3000usize.div_ceil(days),
            by,
        };
        assert_eq!(pace, Paces([Some(prelims), None]));
        assert!(prelims.per_day > 20);
        // Today's share, less what was already introduced of the exam's cards today.
        assert_eq!(pace.today([0, 0]), [prelims.per_day, 0]);
        assert_eq!(pace.today([prelims.per_day - 1, 7]), [1, 0]);
        assert!(prelims.note(20).contains(&by.to_string()));
        assert!(prelims.note(20).contains("prelims"));
        // A deck new_per_day introduces in time, no new cards asked for, or the run-up itself:
        // no pace.
        assert!(goals.pace([20 * days, 0], 20, &clock).is_empty());
        assert!(goals.pace([3000, 0], 0, &clock).is_empty());
        let late = crate::clock::utc("2027-05-10T10:00:00Z");
        assert!(
            Goals::new(&config, &late)
                .pace([3000, 0], 20, &late)
                .is_empty()
        );
        // Mains cards count towards their own, later date; no date, no pace for them.
        assert!(goals.pace([0, 3000], 20, &clock).is_empty());
        let both = Config {
            mains: Some(jiff::civil::date(2027, 9, 1)),
            ..config
        };
        let two = Goals::new(&both, &clock).pace([1500, 3000], 20, &clock);
        let mains_by = Clock::add_days(jiff::civil::date(2027, 9, 1), -FINISH_NEW_BEFORE_DAYS);
        let mains_days = (mains_by - clock.today()).get_days() as usize;
        // Each exam its own pace and its own date.
        assert_eq!(
            two,
            Paces([
                Some(Pace {
                    exam: Exam::Prelims,
                    per_day: 1500usize.div_ceil(days),
                    by
                }),
                Some(Pace {
                    exam: Exam::Mains,
                    per_day: 3000usize.div_ceil(mains_days),
                    by: mains_by
                }),
            ])
        );
        // Paced together when new_per_day cannot keep up with both, though with either alone.
        let each = Goals::new(&both, &clock).pace([15 * days, 15 * mains_days], 20, &clock);
        assert_eq!(each.iter().map(|p| p.per_day).collect::<Vec<_>>(), [15, 15]);
        assert!(
            Goals::new(&both, &clock)
                .pace([15 * days, 0], 20, &clock)
                .is_empty()
        );
    }

    #[test]
    fn paced_new_cards_go_to_the_exam_that_is_behind_not_by_deck_turn() {
        let clock = crate::clock::utc("2026-01-10T10:00:00Z");
        // A prelims deck (cards 0–19) and a mains deck (20–39), all new, taking turns; 4 new a
        // day, and pacing wants 10 prelims cards today, mains none past its share.
        let exam = |i: usize| if i < 20 { Exam::Prelims } else { Exam::Mains };
        let group = |i: usize| usize::from(i >= 20);
        let limits = Limits {
            new: 4,
            new_over_budget: false,
            today: 100,
            level: level_for(100, 4),
            paced: [10, 2],
        };
        let picked = pick_by(40, |_| None, group, exam, |_| 0.9, &clock, limits, 30);
        // The day's 4 by turn (2 of each), then 8 more prelims cards: 10 prelims in all, and
        // mains already has its 2.
        assert_eq!(picked.new, [0, 20, 1, 21, 2, 3, 4, 5, 6, 7, 8, 9]);
        assert_eq!(picked.paced, [Exam::Prelims; 8]);
        assert_eq!(
            (picked.paced_of(Exam::Prelims), picked.paced_of(Exam::Mains)),
            (8, 0)
        );
        // A budget that leaves room for 3 of them: the 5 dropped are counted and told.
        let small = Limits { today: 7, ..limits };
        let tight = pick_by(40, |_| None, group, exam, |_| 0.9, &clock, small, 30);
        assert_eq!(tight.new.len(), 7);
        assert_eq!((tight.paced.len(), tight.paced_held_back), (3, 5));
        let note = tight.budget_note().unwrap();
        assert!(note.contains("5 paced new cards"), "{note}");
        // --limit drops the paced cards first.
        let mut limited = tight;
        limited.truncate(5);
        assert_eq!((limited.new.len(), limited.paced.len()), (5, 1));
    }

    #[test]
    fn paced_new_cards_take_only_the_room_due_reviews_leave() {
        // Cards 0–9 due, 10–29 new; 3 new a day and up to 5 more by pace.
        let (clock, states) = ten_due();
        let slot = slots(&states);
        let limits = |today: usize| Limits {
            new: 3,
            new_over_budget: false,
            today,
            level: level_for(today, 3),
            paced: [8, 0],
        };
        let recall = |s: &CardState| s.stability / 100.0;
        // Room for all: 10 reviews, 3 new and the 5 paced.
        let roomy = one_group(30, slot, recall, &clock, limits(40), 30);
        assert_eq!(roomy.due.len(), 10);
        assert_eq!(roomy.new, (10..18).collect::<Vec<_>>());
        // 14 cards: the reviews and the day's 3 new cards come first, 1 paced card fits.
        let tight = one_group(30, slot, recall, &clock, limits(14), 30);
        assert_eq!((tight.due.len(), tight.new.len()), (10, 4));
        // 12: a review already waits, so no paced card.
        let full = one_group(30, slot, recall, &clock, limits(12), 30);
        assert_eq!(full.held_back, 1);
        assert_eq!(full.new, vec![10, 11, 12]);
    }

    #[test]
    fn an_exams_target_is_sized_to_its_own_cards() {
        let sched = Scheduler::new(&[], 0.9, 0).unwrap();
        let clock = crate::clock::utc("2027-01-10T10:00:00Z");
        let config = Config {
            prelims: Some(jiff::civil::date(2027, 6, 1)),
            mains: Some(jiff::civil::date(2027, 9, 1)),
            ..Config::default()
        };
        let goals = Goals::new(&config, &clock).sized(&sched, [3000, 300], 60);
        let target = |e| goals.of(e).unwrap().target;
        assert!(target(Exam::Prelims) < target(Exam::Mains));
        assert_eq!(target(Exam::Mains), crate::schedule::exam::EXAM_TARGET);
        // No date, no goal to size.
        let none = Goals::default().sized(&sched, [3000, 300], 60);
        assert_eq!(none, Goals::default());
    }

    #[test]
    fn a_review_due_later_today_counts_as_due() {
        let clock = crate::clock::utc("2026-01-10T10:00:00Z");
        let tonight = clock.now_ms() + 3 * 3_600_000;
        assert!(is_due(&state(tonight, 0, 1.0, Phase::Review), &clock));
        let tomorrow_morning = clock.day_start_ms(jiff::civil::date(2026, 1, 11));
        assert!(!is_due(
            &state(tomorrow_morning, 0, 1.0, Phase::Review),
            &clock
        ));
    }

    #[test]
    fn new_cards_of_several_decks_take_turns_unless_in_deck_order() {
        let d = deck(3);
        let mut e = deck(3);
        for c in &mut e.cards {
            c.deck = "e".into();
            c.key = format!("e/{}", c.id);
        }
        let cards: Vec<&Card> = d.cards.iter().chain(&e.cards).collect();
        assert_eq!(new_groups(&cards, NewOrder::Interleave), [0, 0, 0, 1, 1, 1]);
        assert_eq!(new_groups(&cards, NewOrder::Deck), [0; 6]);
        let clock = crate::clock::utc("2026-01-10T10:00:00Z");
        let now = clock.now_ms();
        // d/c0 is seen: the turns are over each deck's new cards, so e does not wait for d.
        let mut states = States::default();
        states.insert(
            "d/c0".into(),
            state(now + 86_400_000, now, 5.0, Phase::Review),
        );
        let sched = Scheduler::new(&[], 0.9, 0).unwrap();
        let new = |order| {
            let limits = Limits::unbounded(4);
            pick(
                &cards,
                &states,
                &sched,
                &clock,
                limits,
                &Goals::default(),
                order,
            )
            .new
        };
        assert_eq!(new(NewOrder::Interleave), [1, 3, 2, 4]);
        assert_eq!(new(NewOrder::Deck), [1, 2, 3, 4]);
    }

    #[test]
    fn turns_take_the_first_of_each_list_then_the_second() {
        assert_eq!(
            take_turns(&[vec![1, 2, 3], vec![], vec![7]], 9),
            [1, 7, 2, 3]
        );
        assert_eq!(take_turns(&[vec![1, 2], vec![5, 6]], 3), [1, 5, 2]);
        assert!(take_turns(&[], 3).is_empty());
    }

    #[test]
    fn truncate_drops_new_cards_first() {
        let mut p = Picked {
            learning: vec![(0, 0)],
            due: vec![1, 2],
            new: vec![3, 4],
            ..Picked::default()
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
