//! Anki's review log to smriti answers. Which entries count follows the rules Anki itself
//! applies before computing FSRS memory states (rslib `reviews_for_fsrs`): a cram answer in a
//! filtered deck that does not reschedule (kind filtered, ease factor 0) is not a review;
//! a reset ("Forget": kind manual, ease factor 0) cuts off the history before it, unless the
//! card's last learning steps came after it; history starts at the last run of learning
//! steps, else at the first graded answer; and entries no button made (manual, set due date,
//! rescheduled) are dropped. The answers that remain are replayed through smriti's own
//! scheduler at the times they were given, with study days starting at the collection's
//! rollover hour, so each card's memory state and due date are what smriti would have made.

use std::collections::BTreeMap;

use super::collection::{FILTERED, LEARNING, MANUAL, RESCHEDULED, Review};
use crate::clock::{Clock, Millis, from_ms};
use crate::schedule::{CardState, Grade, Scheduler};

/// Why a log entry was not imported, for the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Dropped {
    Cram,
    Manual,
    BeforeReset,
    /// Already in the journal from an earlier import (or older than the card's last answer).
    AlreadyThere,
}

impl Dropped {
    pub fn describe(self) -> &'static str {
        match self {
            Dropped::Cram => "cram answers in filtered decks",
            Dropped::Manual => "manual or rescheduling entries",
            Dropped::BeforeReset => "before a reset or the last learning steps",
            Dropped::AlreadyThere => "already imported",
        }
    }
}

/// The answers of one card that count, and whether its history was cut at a reset.
#[derive(Debug, Default, PartialEq)]
pub struct Kept {
    pub answers: Vec<(Millis, Grade, u32)>,
    /// The history was cut (at a reset or at the start of the last learning steps): the
    /// answers stand on their own, not on any state before them.
    pub cut: bool,
}

/// Applies Anki's rules to one card's log (oldest first); counts what is dropped.
pub fn keep(entries: &[Review], dropped: &mut BTreeMap<Dropped, usize>) -> Kept {
    let cram = |e: &Review| e.kind == FILTERED && e.factor == 0;
    let graded = |e: &Review| (1..=4).contains(&e.ease);
    let mut first_of_last_learning = None;
    let mut first_graded = None;
    let mut start = None;
    for (i, e) in entries.iter().enumerate().rev() {
        if cram(e) {
            continue;
        }
        if graded(e) {
            first_graded = Some(i);
        }
        if graded(e) && e.kind == LEARNING {
            first_of_last_learning = Some(i);
        } else if first_of_last_learning.is_some() {
            break;
        } else if e.kind == MANUAL && e.factor == 0 {
            // A reset: nothing before it counts; with no grade after it, nothing at all.
            if first_graded.is_none() {
                start = Some(entries.len());
            }
            break;
        }
    }
    let start = start
        .or(first_of_last_learning)
        .or(first_graded)
        .unwrap_or(entries.len());
    let mut count = |why| *dropped.entry(why).or_insert(0) += 1;
    for e in &entries[..start] {
        count(if cram(e) {
            Dropped::Cram
        } else {
            Dropped::BeforeReset
        });
    }
    let mut kept = Kept {
        answers: Vec::new(),
        cut: start > 0,
    };
    for e in &entries[start..] {
        if cram(e) {
            count(Dropped::Cram);
        } else if e.kind == MANUAL || e.kind == RESCHEDULED || !graded(e) {
            count(Dropped::Manual);
        } else if let Some(grade) = Grade::from_number(e.ease) {
            let took = u32::try_from(e.took_ms.max(0)).unwrap_or(u32::MAX);
            kept.answers.push((e.at, grade, took));
        }
    }
    kept
}

/// One answer to record, with the card's state after it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Answer {
    pub at: Millis,
    pub grade: Grade,
    pub took_ms: u32,
    pub state: CardState,
}

/// Replays `kept` through the scheduler for the card `key`. A card smriti already knows
/// (`known`, from an earlier import or its own answers) keeps its state and only the newer
/// answers are added, unless Anki's history was cut after its last answer (a reset in Anki
/// since), in which case the kept answers start it afresh.
pub fn replay(
    scheduler: &Scheduler,
    clock: &Clock,
    key: &str,
    known: Option<&CardState>,
    kept: &Kept,
    dropped: &mut BTreeMap<Dropped, usize>,
) -> Vec<Answer> {
    let first = kept.answers.first().map(|a| a.0);
    let mut state = match (known, first) {
        (Some(k), Some(first)) if kept.cut && first > k.last => None,
        (k, _) => k.copied(),
    };
    // Answers up to the known state's last one are in the journal already.
    let recorded_until = state.map(|s| s.last);
    let mut out = Vec::with_capacity(kept.answers.len());
    for &(at, grade, took_ms) in &kept.answers {
        if recorded_until.is_some_and(|last| at <= last) {
            *dropped.entry(Dropped::AlreadyThere).or_insert(0) += 1;
            continue;
        }
        let at_clock = Clock::new(from_ms(at), clock.tz.clone(), clock.day_start_hour);
        let next = scheduler.answer(state.as_ref(), grade, &at_clock, key);
        out.push(Answer {
            at,
            grade,
            took_ms,
            state: next,
        });
        state = Some(next);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 86_400_000;

    fn e(day: i64, ease: u8, kind: u8, factor: i32) -> Review {
        Review {
            at: 1_790_848_800_000 + day * DAY,
            card: 1,
            ease,
            kind,
            factor,
            took_ms: 5000,
        }
    }

    fn grades(k: &Kept) -> Vec<u8> {
        k.answers.iter().map(|a| a.1.number()).collect()
    }

    #[test]
    fn cram_and_manual_entries_are_dropped_and_counted() {
        let log = [
            e(0, 3, 0, 0),
            e(2, 3, 1, 2500),
            e(3, 3, FILTERED, 0),
            e(4, 0, MANUAL, 2500),
            e(5, 2, 1, 2500),
            e(6, 3, RESCHEDULED, 2500),
        ];
        let mut dropped = BTreeMap::new();
        let k = keep(&log, &mut dropped);
        assert_eq!(grades(&k), [3, 3, 2]);
        assert!(!k.cut);
        assert_eq!(dropped[&Dropped::Cram], 1);
        assert_eq!(dropped[&Dropped::Manual], 2);
    }

    #[test]
    fn a_reset_cuts_the_history_before_it() {
        let log = [
            e(0, 3, 0, 0),
            e(3, 3, 1, 2500),
            e(9, 4, 1, 2500),
            e(15, 0, MANUAL, 0),
            e(16, 3, 0, 0),
            e(18, 3, 1, 2500),
        ];
        let mut dropped = BTreeMap::new();
        let k = keep(&log, &mut dropped);
        assert_eq!(grades(&k), [3, 3]);
        assert!(k.cut);
        assert_eq!(k.answers[0].0, log[4].at);
        assert_eq!(
            dropped[&Dropped::BeforeReset],
            4,
            "three answers and the reset itself"
        );
    }

    #[test]
    fn a_reset_with_nothing_after_it_leaves_no_history() {
        let log = [e(0, 3, 0, 0), e(3, 3, 1, 2500), e(5, 0, MANUAL, 0)];
        let k = keep(&log, &mut BTreeMap::new());
        assert!(k.answers.is_empty());
    }

    #[test]
    fn history_starts_at_the_last_run_of_learning_steps() {
        // Reviewed without learning (e.g. imported into Anki), then learnt again from new.
        let log = [
            e(0, 3, 1, 2500),
            e(4, 1, 1, 2500),
            e(5, 3, 0, 0),
            e(5, 3, 0, 0),
            e(7, 3, 1, 2500),
        ];
        let k = keep(&log, &mut BTreeMap::new());
        assert_eq!(k.answers.len(), 3);
        assert!(k.cut);
    }

    #[test]
    fn replay_matches_answering_one_by_one_and_skips_what_is_known() {
        let s = Scheduler::new(&[], 0.9, 7).unwrap();
        let clock = crate::clock::utc("2026-12-01T10:00:00Z");
        let log = [
            e(0, 1, 0, 0),
            e(0, 3, 0, 0),
            e(1, 3, 1, 2500),
            e(5, 3, 1, 2500),
        ];
        let kept = keep(&log, &mut BTreeMap::new());
        let mut dropped = BTreeMap::new();
        let all = replay(&s, &clock, "d/c", None, &kept, &mut dropped);
        let mut by_hand: Option<CardState> = None;
        for (at, grade, _) in &kept.answers {
            let c = Clock::new(from_ms(*at), clock.tz.clone(), 4);
            by_hand = Some(s.answer(by_hand.as_ref(), *grade, &c, "d/c"));
        }
        assert_eq!(all.last().map(|a| a.state), by_hand);
        assert_eq!(all.len(), 4);
        // A second import on top of the first adds nothing.
        let known = all.last().map(|a| a.state);
        let again = replay(&s, &clock, "d/c", known.as_ref(), &kept, &mut dropped);
        assert!(again.is_empty());
        assert_eq!(dropped[&Dropped::AlreadyThere], 4);
    }
}
