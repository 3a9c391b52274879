//! When the quiz asks each card, for the quiz and for every count of cards due (`decks`'s
//! `due` column, `stats`' due today and forecast, the session summary's "Due tomorrow"). With
//! an exam ahead the quiz picks a card of that exam by its exam-serving due date (`Goals::due`,
//! kept between runs by `exam_dues`), under the exam goals sized to the library and the day's
//! budget, not by the stored FSRS due; a count by the stored due would name cards the quiz
//! does not ask that day and miss ones it does. The goals and the dates all come from here, so
//! the quiz and the counts cannot drift apart. Without an exam ahead (or for a card whose exam
//! has no date) the date is the stored due, so nothing changes; learning steps and new cards
//! are counted as before. The stored due stays where the memory model itself is described
//! (`card --json`'s `due`, beside its `next_review`).

use anyhow::Result;

use crate::app::App;
use crate::clock::{Clock, Millis};
use crate::config::Config;
use crate::deck::index::Index;
use crate::quiz::exam_dues;
use crate::quiz::queue::{self, Goals, due_cutoff};
use crate::schedule::{CardState, Scheduler};
use crate::store::{Holds, Placed, States};

/// The exam goals of the exams ahead at `clock`, sized as the quiz picks by them: each exam's
/// target to its cards (`exam_cards`: every unsuspended card of the library that prepares for
/// it, as `cmd::plan::exam_cards` counts them; not counted with no exam ahead) at the run-up's
/// level for `budget` cards a day (`queue::level_for`).
pub fn sized_goals(
    config: &Config,
    sched: &Scheduler,
    clock: &Clock,
    budget: usize,
    exam_cards: impl FnOnce() -> [usize; 2],
) -> Goals {
    let goals = Goals::new(config, clock);
    if goals == Goals::default() {
        return goals;
    }
    let level = queue::level_for(budget, config.new_per_day as usize);
    goals.sized(sched, exam_cards(), level)
}

/// `sized_goals` for a command that has not read the budget, with `exam_cards` counting the
/// library's cards of each exam: with no exam ahead, neither is read.
pub fn app_goals(
    app: &App,
    sched: &Scheduler,
    clock: &Clock,
    exam_cards: impl FnOnce() -> [usize; 2],
) -> Result<Goals> {
    if Goals::new(&app.config, clock) == Goals::default() {
        return Ok(Goals::default());
    }
    let budget = app.budget()?.cards;
    Ok(sized_goals(&app.config, sched, clock, budget, exam_cards))
}

/// `app_goals` over the deck index (`placed`: its states and holds).
pub fn index_goals(
    app: &App,
    index: &Index,
    placed: &Placed,
    sched: &Scheduler,
    clock: &Clock,
) -> Result<Goals> {
    app_goals(app, sched, clock, || {
        crate::cmd::plan::exam_cards(index, placed)
    })
}

/// When each card of `sel` (places of `index`) is next asked under `goals`, by its position in
/// `sel` (`Millis::MAX` for a new card): the dates kept in the home's cache where they hold,
/// the others worked out and kept (`exam_dues::for_selection`).
pub fn dues(
    app: &App,
    index: &Index,
    placed: &Placed,
    sel: &[usize],
    goals: &Goals,
    sched: &Scheduler,
    clock: &Clock,
) -> Vec<Millis> {
    exam_dues::for_selection(
        &kept_file(app),
        index.len(),
        sel,
        |i| index.exam(i),
        |i| placed.get(i),
        goals,
        sched,
        clock,
    )
}

/// The dates the home keeps for the cards of `index` under `goals` (`exam_dues::Kept`), to
/// ask card by card.
pub fn kept<'a>(
    app: &App,
    index: &Index,
    goals: &'a Goals,
    sched: &'a Scheduler,
    clock: &'a Clock,
) -> exam_dues::Kept<'a> {
    exam_dues::Kept::open(kept_file(app), index.len(), goals, sched, clock)
}

fn kept_file(app: &App) -> std::path::PathBuf {
    app.home.cache().join(exam_dues::FILE)
}

/// Whether a card in `state`, asked on `due` (from `dues`), is due before `cutoff`: a card in
/// a learning step always is, as the quiz takes every one of them.
pub fn is_due_before(state: &CardState, due: Millis, cutoff: Millis) -> bool {
    state.in_step() || due < cutoff
}

/// How many cards of the library the quiz asks tomorrow as things stand, for the summary at a
/// session's end: those due before tomorrow's study day ends (learning steps left over
/// included) by tomorrow's goals sized for `budget` cards a day, the held ones (suspended, or
/// buried past tomorrow's start) left out. The cards answered in the session miss their kept
/// dates and are worked out (and kept, for the next session); the others' are read back.
pub fn due_tomorrow(
    app: &App,
    index: &Index,
    (states, holds): (&States, &Holds),
    sched: &Scheduler,
    clock: &Clock,
    budget: usize,
) -> usize {
    let tomorrow = Clock::new(
        clock.day_start(Clock::add_days(clock.today(), 1)),
        clock.tz.clone(),
        clock.day_start_hour,
    );
    let cutoff = due_cutoff(&tomorrow);
    let placed = index.join(states, holds);
    let starts = tomorrow.now_ms();
    let goals = sized_goals(&app.config, sched, &tomorrow, budget, || {
        crate::cmd::plan::exam_cards(index, &placed)
    });
    let mut kept = kept(app, index, &goals, sched, &tomorrow);
    let mut due = 0;
    for i in 0..index.len() {
        if let Some(s) = placed.get(i).filter(|_| !placed.is_held(i, starts))
            && is_due_before(&s, kept.due(i, &s, index.exam(i)), cutoff)
        {
            due += 1;
        }
    }
    kept.keep();
    due
}
