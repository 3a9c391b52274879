//! The line-by-line front end: used when stdin is not a terminal, or with `--plain`, so a
//! session can be scripted and tested. Each card is printed, then lines are read:
//! basic, cloze and mains cards read two (the attempt, which reveals the answer, then the
//! grade `1`–`4` or `again|hard|good|easy`; a mains grade may also be `k/n` points recalled),
//! an mcq reads its option letter and a typed card the answer. At any prompt `s` skips, `u`
//! undoes the last answer (or suspend or bury; with none in this session, the previous
//! session's last answer, once), `!` overrules a typed answer judged wrong (and asks again at
//! the same prompt), `@` suspends the card (after a `y` to confirm), `=` buries it and its
//! cloze siblings until the next study day, `q` quits; end of input, Ctrl-C and SIGTERM end
//! the session too. Progress is kept in every case, and the summary printed. `@` and `=` are
//! Anki's suspend and bury-note keys, and no answer a card asks for.

use std::io::Write;
use std::time::Instant;

use anyhow::Result;

use super::input::{Input, LineSource};
use super::matching;
use super::options::{letter, pick};
use super::queue::Goals;
use super::session::{Session, Shown, Undone, bury_until, grade_from_points};
use crate::clock::{Clock, Millis, TimeSource};
use crate::deck::{Body, Card, dated};
use crate::sanitize::{clean, clean_line};
use crate::schedule::{CardState, Grade, Scheduler};
use crate::store::journal::Entry;

/// How a session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    Finished,
    Quit,
    EndOfInput,
    /// Ctrl-C: progress is kept, and the exit code is 130.
    Interrupted,
    /// SIGTERM: progress is kept, and the exit code is 143 (128 + 15), as a shell reports a
    /// process ended by it.
    Terminated,
}

enum Line {
    Command(Command),
    Text(String),
}

enum Command {
    Quit,
    Skip,
    Undo,
    Suspend,
    Bury,
}

/// What the front end needs besides the session.
pub struct Deps<'a> {
    pub sched: &'a Scheduler,
    /// The exam goals the session's cards were picked by, so an answer's "next review" is
    /// the day the quiz will ask the card again.
    pub goals: Goals,
    pub time: &'a TimeSource,
    /// Makes an entry durable (or, in a cram session, ignores it).
    pub record: &'a mut dyn FnMut(&Entry) -> Result<()>,
}

struct Plain<'d, R, W> {
    input: R,
    out: W,
    deps: Deps<'d>,
}

pub fn run<R: LineSource, W: Write>(
    session: &mut Session<'_>,
    deps: Deps<'_>,
    input: R,
    out: W,
) -> Result<Ended> {
    let mut p = Plain { input, out, deps };
    if let Some(note) = session.previous_note() {
        writeln!(p.out, "{note}")?;
    }
    loop {
        let clock = p.deps.time.clock();
        let Some(shown) = session.current(clock.now_ms()).cloned() else {
            return Ok(Ended::Finished);
        };
        let started = Instant::now();
        p.show(session, &shown)?;
        let card = session.card(&shown);
        // A dated claim says so beside its answer, so it is not learned as timeless.
        let dated = clean_line(&dated::suffix(card.as_of.as_deref()));
        let outcome = match &card.body {
            Body::Mcq { .. } => p.ask_mcq(session, &shown, &dated)?,
            Body::Typed { a, accept, .. } => p.ask_typed(session, a, accept, &dated)?,
            _ => p.ask_flip(session, card, &dated)?,
        };
        let grade = match outcome {
            Step::Grade(g) => g,
            Step::Command(Command::Quit) => return Ok(Ended::Quit),
            Step::Command(Command::Skip) => {
                session.skip();
                writeln!(p.out, "Skipped.")?;
                continue;
            }
            Step::Command(Command::Undo) => {
                p.undo(session)?;
                continue;
            }
            Step::Command(Command::Suspend) => {
                p.suspend(session)?;
                continue;
            }
            Step::Command(Command::Bury) => {
                p.bury(session)?;
                continue;
            }
            Step::Eof => return Ok(Ended::EndOfInput),
            Step::Signal(ended) => return Ok(ended),
        };
        let took = started.elapsed().as_millis().min(u128::from(u32::MAX)) as u32;
        let clock = p.deps.time.clock();
        if let Some(entry) = session.answer(grade, took, p.deps.sched, &clock) {
            (p.deps.record)(&entry)?;
            if let Entry::Review { state, .. } = &entry {
                p.after(
                    session.card(&shown),
                    grade,
                    state,
                    &clock,
                    session.records(),
                )?;
            }
        }
    }
}

enum Step {
    Grade(Grade),
    Command(Command),
    Eof,
    Signal(Ended),
}

impl<R: LineSource, W: Write> Plain<'_, R, W> {
    /// A line at this prompt. `!` overrules the last typed answer and asks again at the same
    /// prompt, so the card on screen stays at its step (and a script stays in step with it).
    fn read(&mut self, session: &mut Session<'_>, prompt: &str) -> Result<Result<Line, Step>> {
        loop {
            write!(self.out, "{prompt}> ")?;
            self.out.flush()?;
            let text = match self.input.next_input()? {
                Input::Line(text) => text,
                Input::End => {
                    writeln!(self.out)?;
                    return Ok(Err(Step::Eof));
                }
                Input::Signal(ended) => {
                    writeln!(self.out)?;
                    return Ok(Err(Step::Signal(ended)));
                }
            };
            return Ok(Ok(match text.trim() {
                "q" => Line::Command(Command::Quit),
                "s" => Line::Command(Command::Skip),
                "u" => Line::Command(Command::Undo),
                "@" => Line::Command(Command::Suspend),
                "=" => Line::Command(Command::Bury),
                "!" => {
                    self.overrule(session)?;
                    continue;
                }
                _ => Line::Text(text),
            }));
        }
    }

    fn show(&mut self, session: &Session<'_>, shown: &Shown) -> Result<()> {
        let card = session.card(shown);
        let (done, left) = session.progress();
        writeln!(self.out)?;
        let tags = if card.tags.is_empty() {
            String::new()
        } else {
            format!(" · {}", card.tags.join(", "))
        };
        writeln!(
            self.out,
            "── {}/{} · {}{} · {}",
            done + 1,
            done + left,
            clean_line(&card.deck),
            clean_line(&tags),
            card.kind()
        )?;
        writeln!(self.out, "{}", clean(&card.prompt()))?;
        if let Body::Mains {
            year,
            word_limit,
            points,
            ..
        } = &card.body
        {
            let meta = crate::deck::mains_meta(*year, *word_limit, points.len());
            writeln!(self.out, "({meta})")?;
        }
        for (i, option) in shown.options.iter().enumerate() {
            writeln!(self.out, "  {}) {}", letter(i), clean_line(option))?;
        }
        Ok(())
    }

    fn ask_mcq(&mut self, session: &mut Session<'_>, shown: &Shown, dated: &str) -> Result<Step> {
        loop {
            let line = match self.read(session, "answer (letter)")? {
                Err(step) => return Ok(step),
                Ok(Line::Text(t)) => t,
                Ok(Line::Command(cmd)) => return Ok(Step::Command(cmd)),
            };
            let Some(i) = pick(&line, shown.options.len()) else {
                writeln!(
                    self.out,
                    "Type a letter from a to {}.",
                    letter(shown.options.len().saturating_sub(1))
                )?;
                continue;
            };
            let right = &shown.options[shown.right];
            return Ok(Step::Grade(if i == shown.right {
                writeln!(
                    self.out,
                    "✓ Correct: {}) {}{dated}",
                    letter(i),
                    clean_line(right)
                )?;
                Grade::Good
            } else {
                writeln!(
                    self.out,
                    "✗ Wrong. Answer: {}) {}{dated}",
                    letter(shown.right),
                    clean_line(right)
                )?;
                Grade::Again
            }));
        }
    }

    fn ask_typed(
        &mut self,
        session: &mut Session<'_>,
        answer: &str,
        accept: &[String],
        dated: &str,
    ) -> Result<Step> {
        let line = match self.read(session, "answer")? {
            Err(step) => return Ok(step),
            Ok(Line::Text(t)) => t,
            Ok(Line::Command(cmd)) => return Ok(Step::Command(cmd)),
        };
        Ok(Step::Grade(
            if matching::is_correct(&line, answer, accept) {
                writeln!(self.out, "✓ Correct: {}{dated}", clean_line(answer))?;
                Grade::Good
            } else {
                writeln!(
                    self.out,
                    "✗ Not quite. You: {} · expected: {}{dated}",
                    clean_line(line.trim()),
                    clean_line(answer)
                )?;
                writeln!(self.out, "(type ! at the next prompt if you were right)")?;
                Grade::Again
            },
        ))
    }

    fn ask_flip(&mut self, session: &mut Session<'_>, card: &Card, dated: &str) -> Result<Step> {
        match self.read(session, "your answer (enter to reveal)")? {
            Err(step) => return Ok(step),
            Ok(Line::Text(_)) => {}
            Ok(Line::Command(cmd)) => return Ok(Step::Command(cmd)),
        }
        match &card.body {
            Body::Mains { points, .. } => {
                writeln!(self.out, "Key points{dated}:")?;
                for (i, p) in points.iter().enumerate() {
                    writeln!(self.out, "  {}. {}", i + 1, clean_line(p))?;
                }
            }
            Body::Cloze { text, .. } => {
                writeln!(self.out, "Answer: {}{dated}", clean_line(&card.answer()))?;
                writeln!(
                    self.out,
                    "{}",
                    clean(&crate::deck::cloze::render(text, None))
                )?;
            }
            _ => writeln!(self.out, "Answer: {}{dated}", clean(&card.answer()))?,
        }
        let points = match &card.body {
            Body::Mains { points, .. } => Some(points.len()),
            _ => None,
        };
        let prompt = match points {
            Some(n) => {
                format!("grade 1 again · 2 hard · 3 good · 4 easy, or k/{n} points recalled")
            }
            None => "grade 1 again · 2 hard · 3 good · 4 easy".to_owned(),
        };
        loop {
            let line = match self.read(session, &prompt)? {
                Err(step) => return Ok(step),
                Ok(Line::Text(t)) => t,
                Ok(Line::Command(cmd)) => return Ok(Step::Command(cmd)),
            };
            if let Some(g) = Grade::parse(&line) {
                return Ok(Step::Grade(g));
            }
            if let (Some(total), Some((k, _))) = (points, line.trim().split_once('/'))
                && let Ok(k) = k.trim().parse::<usize>()
            {
                return Ok(Step::Grade(grade_from_points(k, total)));
            }
            writeln!(self.out, "Type 1, 2, 3 or 4 (again, hard, good, easy).")?;
        }
    }

    fn after(
        &mut self,
        card: &Card,
        grade: Grade,
        state: &CardState,
        clock: &Clock,
        records: bool,
    ) -> Result<()> {
        if let Some(explain) = &card.explain {
            writeln!(self.out, "Why: {}", clean(explain))?;
        }
        // So a wrong card can be found (`smriti card KEY`) and reported with where it came from.
        writeln!(
            self.out,
            "Card: {} · source: {}",
            clean_line(&card.key),
            clean_line(&card.source)
        )?;
        if records {
            let due = self
                .deps
                .goals
                .due(self.deps.sched, state, card.exam, clock);
            writeln!(
                self.out,
                "{} · {}",
                grade.name(),
                next_review(state, due, clock)
            )?;
        }
        Ok(())
    }

    fn undo(&mut self, session: &mut Session<'_>) -> Result<()> {
        match session.undo(self.deps.time.clock().now_ms()) {
            Some((undone, entries)) => {
                for e in &entries {
                    (self.deps.record)(e)?;
                }
                match (undone, entries.first()) {
                    (Undone::Answer, Some(e)) => writeln!(self.out, "Undone: {}", e.key())?,
                    (undone, _) => writeln!(self.out, "{}", undone.describe())?,
                }
            }
            None => writeln!(self.out, "Nothing to undo.")?,
        }
        Ok(())
    }

    /// Suspends the card on screen once the user confirms; any other answer keeps it.
    fn suspend(&mut self, session: &mut Session<'_>) -> Result<()> {
        if !session.records() {
            return self.hold(session, None);
        }
        write!(
            self.out,
            "Suspend this card? It is not shown again until `smriti unsuspend`. (y/n)> "
        )?;
        self.out.flush()?;
        let yes = matches!(
            self.input.next_input()?,
            Input::Line(l) if matches!(l.trim(), "y" | "yes")
        );
        if !yes {
            writeln!(self.out, "Not suspended.")?;
            return Ok(());
        }
        self.hold(session, None)
    }

    fn bury(&mut self, session: &mut Session<'_>) -> Result<()> {
        let until = bury_until(&self.deps.time.clock());
        self.hold(session, Some(until))
    }

    fn hold(
        &mut self,
        session: &mut Session<'_>,
        until: Option<crate::clock::Millis>,
    ) -> Result<()> {
        let entries = session.hold(until, self.deps.time.clock().now_ms());
        for e in &entries {
            (self.deps.record)(e)?;
        }
        let Some(first) = entries.first() else {
            writeln!(
                self.out,
                "Suspend and bury are for study sessions (cram changes nothing)."
            )?;
            return Ok(());
        };
        let key = clean_line(first.key());
        match (until, entries.len()) {
            (None, _) => writeln!(self.out, "Suspended: {key} (u undoes).")?,
            (Some(_), 1) => writeln!(
                self.out,
                "Buried until the next study day: {key} (u undoes)."
            )?,
            (Some(_), n) => writeln!(
                self.out,
                "Buried until the next study day: {key} and {} cloze {} (u undoes).",
                n - 1,
                if n == 2 { "sibling" } else { "siblings" }
            )?,
        }
        Ok(())
    }

    fn overrule(&mut self, session: &mut Session<'_>) -> Result<()> {
        let clock = self.deps.time.clock();
        match session.overrule(self.deps.sched, &clock) {
            Some(entries) => {
                for e in &entries {
                    (self.deps.record)(e)?;
                }
                writeln!(self.out, "Overruled: counted as right.")?;
            }
            None => writeln!(
                self.out,
                "Only a typed answer judged wrong can be overruled."
            )?,
        }
        Ok(())
    }
}

/// "again in 10 minutes", "next review tomorrow", "next review in 12 days": for a card just
/// answered into `state`, asked next at `due` (`Goals::due`: with its exam ahead, the
/// exam-serving day the quiz picks it on, not the stored FSRS due, which only comes into play
/// once the exam is past).
pub fn next_review(state: &CardState, due: Millis, clock: &Clock) -> String {
    if state.in_step() {
        let mins = ((due - clock.now_ms()) / 60_000).max(1);
        return format!("again in {mins} minutes");
    }
    match clock.days_between(clock.now_ms(), due) {
        d if d <= 1 => "next review tomorrow".to_owned(),
        d => format!("next review in {d} days"),
    }
}
