//! A mock paper's flow, free of I/O like `Session`, driven by both front ends: the questions
//! set once, in order; an answer marked against each that the user may go back and change
//! until the paper is handed in, as on the real answer sheet; the question asked before
//! handing in; and the clock. The front ends pass the time elapsed since the paper began with
//! every move, so the bell is tested without waiting for it. Once handed in, the marked
//! answers become the session's grades (right as Good, wrong as Again, blank nothing) and the
//! paper's report.

use super::mock::{self, Answer, Mark, Report};
use super::session::{Session, Shown};
use crate::clock::Clock;
use crate::sanitize::clean_line;
use crate::schedule::{Grade, Scheduler};
use crate::store::journal::Entry;

/// The option marked for a question, and whether the user marked it a guess.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pick {
    pub choice: usize,
    pub guess: bool,
}

/// One question of the paper.
#[derive(Debug, Clone)]
pub struct Question {
    pub shown: Shown,
    pub pick: Option<Pick>,
    /// Time spent on it over every visit, for the answer's time in the journal.
    spent_ms: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// A question is on screen.
    Answering,
    /// Asked whether to hand the paper in (after `q`, or after moving on from the last
    /// question); it goes back to the question it came from if the user says no.
    Confirming,
    HandedIn {
        out_of_time: bool,
    },
}

#[derive(Debug, Clone)]
pub struct Paper {
    questions: Vec<Question>,
    at: usize,
    stage: Stage,
    limit_ms: u64,
    /// When the question on screen was opened, in elapsed ms.
    opened_ms: u64,
    /// When the paper was handed in, in elapsed ms (at most the limit).
    ended_ms: u64,
}

impl Paper {
    /// A paper of these questions, in this order, with UPSC's time for their number.
    pub fn new(questions: Vec<Shown>) -> Paper {
        let limit_ms = mock::time_limit_secs(questions.len()) * 1000;
        let stage = if questions.is_empty() {
            Stage::HandedIn { out_of_time: false }
        } else {
            Stage::Answering
        };
        Paper {
            questions: questions
                .into_iter()
                .map(|shown| Question {
                    shown,
                    pick: None,
                    spent_ms: 0,
                })
                .collect(),
            at: 0,
            stage,
            limit_ms,
            opened_ms: 0,
            ended_ms: 0,
        }
    }

    /// A paper of every card the session holds.
    pub fn draw(session: &mut Session<'_>, now: crate::clock::Millis) -> Paper {
        Paper::new(session.draw_all(now))
    }

    pub fn len(&self) -> usize {
        self.questions.len()
    }

    pub fn is_empty(&self) -> bool {
        self.questions.is_empty()
    }

    /// The question on screen (or the one the confirmation came from); None only for a
    /// paper of no questions.
    pub fn current(&self) -> Option<&Question> {
        self.questions.get(self.at)
    }

    /// The current question's number, from 1.
    pub fn number(&self) -> usize {
        self.at + 1
    }

    pub fn stage(&self) -> Stage {
        self.stage
    }

    pub fn answered(&self) -> usize {
        self.questions.iter().filter(|q| q.pick.is_some()).count()
    }

    /// The numbers (from 1) of the questions with no answer marked.
    pub fn blanks(&self) -> Vec<usize> {
        (1..=self.len())
            .filter(|n| self.questions[n - 1].pick.is_none())
            .collect()
    }

    pub fn secs_left(&self, elapsed_ms: u64) -> u64 {
        self.limit_ms.saturating_sub(elapsed_ms).div_ceil(1000)
    }

    /// Checks the clock; at the bell the paper is handed in as it stands. Whether it is still
    /// open.
    pub fn tick(&mut self, elapsed_ms: u64) -> bool {
        if matches!(self.stage, Stage::HandedIn { .. }) {
            return false;
        }
        if elapsed_ms >= self.limit_ms {
            self.end(self.limit_ms, true);
            return false;
        }
        true
    }

    /// Marks an option for the question on screen and moves to the next question. An answer
    /// given after the bell does not count.
    pub fn answer(&mut self, choice: usize, guess: bool, elapsed_ms: u64) {
        let exists = self
            .current()
            .is_some_and(|q| choice < q.shown.options.len());
        if exists && self.answering(elapsed_ms) {
            self.questions[self.at].pick = Some(Pick { choice, guess });
            self.advance(elapsed_ms);
        }
    }

    /// Leaves the question on screen blank (taking back an answer marked before) and moves
    /// on.
    pub fn leave_blank(&mut self, elapsed_ms: u64) {
        if self.answering(elapsed_ms) {
            self.questions[self.at].pick = None;
            self.advance(elapsed_ms);
        }
    }

    /// Moves to the next question, the answer as it is; from the last, asks to hand in.
    pub fn next(&mut self, elapsed_ms: u64) {
        if self.answering(elapsed_ms) {
            self.advance(elapsed_ms);
        }
    }

    pub fn previous(&mut self, elapsed_ms: u64) {
        if self.answering(elapsed_ms) && self.at > 0 {
            self.open(self.at - 1, elapsed_ms);
        }
    }

    /// Opens question `number` (from 1), from a question or from the confirmation. False when
    /// the paper has no such question.
    pub fn go_to(&mut self, number: usize, elapsed_ms: u64) -> bool {
        if !self.tick(elapsed_ms) || number == 0 || number > self.len() {
            return false;
        }
        self.open(number - 1, elapsed_ms);
        true
    }

    /// `q`: asks before handing in, as a slip of the key must not end the paper.
    pub fn ask_hand_in(&mut self, elapsed_ms: u64) {
        if self.answering(elapsed_ms) {
            self.leave(elapsed_ms);
            self.stage = Stage::Confirming;
        }
    }

    /// "No" to the confirmation: back to the question it came from.
    pub fn back(&mut self, elapsed_ms: u64) {
        if self.tick(elapsed_ms) && self.stage == Stage::Confirming {
            self.open(self.at, elapsed_ms);
        }
    }

    /// Hands the paper in as it stands (confirmed, or at the end of input or a signal).
    pub fn hand_in(&mut self, elapsed_ms: u64) {
        if self.tick(elapsed_ms) {
            self.leave(elapsed_ms);
            self.end(elapsed_ms, false);
        }
    }

    /// Grades the marked answers in the session and scores the paper: the entries to record,
    /// in question order, and the report.
    pub fn finish(
        mut self,
        session: &mut Session<'_>,
        sched: &Scheduler,
        clock: &Clock,
    ) -> (Report, Vec<Entry>) {
        if let Stage::Answering | Stage::Confirming = self.stage {
            // Not handed in by the caller: whatever ended the run hands it in now.
            self.end(self.ended_ms.max(self.opened_ms), false);
        }
        let out_of_time = matches!(self.stage, Stage::HandedIn { out_of_time: true });
        let mut answers = Vec::with_capacity(self.len());
        let mut entries = Vec::new();
        for q in self.questions {
            let card = session.card(&q.shown);
            let mut answer = Answer {
                mark: Mark::Blank,
                guess: false,
                question: clean_line(&card.prompt()),
                right: clean_line(
                    q.shown
                        .options
                        .get(q.shown.right)
                        .map_or("", String::as_str),
                ),
                as_of: card
                    .as_of
                    .as_deref()
                    .map(|d| clean_line(&crate::deck::dated::label(d))),
            };
            if let Some(pick) = q.pick {
                let right = pick.choice == q.shown.right;
                answer.mark = if right { Mark::Right } else { Mark::Wrong };
                answer.guess = pick.guess;
                let grade = if right { Grade::Good } else { Grade::Again };
                let took = q.spent_ms.min(u64::from(u32::MAX)) as u32;
                entries.push(session.answer_card(q.shown, grade, took, sched, clock));
            }
            answers.push(answer);
        }
        let report = Report::new(answers.len(), answers, self.ended_ms / 1000, out_of_time);
        (report, entries)
    }

    /// Whether a question is on screen and the bell has not gone.
    fn answering(&mut self, elapsed_ms: u64) -> bool {
        self.tick(elapsed_ms) && self.stage == Stage::Answering
    }

    fn advance(&mut self, elapsed_ms: u64) {
        if self.at + 1 < self.len() {
            self.open(self.at + 1, elapsed_ms);
        } else {
            self.ask_hand_in(elapsed_ms);
        }
    }

    fn open(&mut self, index: usize, elapsed_ms: u64) {
        self.leave(elapsed_ms);
        self.at = index;
        self.stage = Stage::Answering;
        self.opened_ms = elapsed_ms;
    }

    /// Adds the time on the question on screen to it (nothing when none is on screen).
    fn leave(&mut self, elapsed_ms: u64) {
        if self.stage == Stage::Answering {
            let spent = elapsed_ms.saturating_sub(self.opened_ms);
            self.questions[self.at].spent_ms += spent;
            self.opened_ms = elapsed_ms;
        }
    }

    fn end(&mut self, elapsed_ms: u64, out_of_time: bool) {
        self.leave(elapsed_ms.min(self.limit_ms));
        self.ended_ms = elapsed_ms.min(self.limit_ms);
        self.stage = Stage::HandedIn { out_of_time };
    }
}

#[cfg(test)]
mod tests;
