//! The full-screen quiz: the event loop between the terminal and the session. Keys become
//! actions in `state`, the screen is drawn from `render`; this module only reads events,
//! applies actions to the session, records every answer before the next card is drawn, and
//! paints rows. The terminal is held by `term::Guard`, so it is restored however the loop ends.

#[cfg(test)]
mod fixtures;
pub mod render;
pub mod state;
pub mod wrap;

use std::io::{self, BufWriter, Stdout, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::Result;
use crossterm::event::{self, Event, KeyEvent, KeyEventKind};
use crossterm::style::{Attribute, Color, Print, SetAttribute, SetForegroundColor};
use crossterm::{cursor, queue, terminal};

use self::render::{interval_label, render};
use self::state::{Action, CardView, MockInfo, Phase, Progress, Status, UiState, handle_key};
use self::wrap::{Span, Tone};
use super::mock::Report;
use super::options::letter;
use super::paper::{Paper, Stage};
use super::plain::{Ended, next_review};
use super::session::{Session, Shown, bury_until, proposed_grade};
use crate::clock::Clock;
use crate::deck::{Card, Library};
use crate::editor::{EditCard, Edited, Outcome};
use crate::sanitize::clean_line;
use crate::schedule::{CardState, Grade, Scheduler};
use crate::store::journal::Entry;
use crate::term::Guard;

/// What the front end needs besides the session.
pub struct Deps<'a> {
    pub library: &'a Library,
    pub sched: &'a Scheduler,
    /// The exam goals the session's cards were picked by (targets sized to the deck), so the
    /// interval previews show the day the card will really come back.
    pub goals: crate::quiz::queue::Goals,
    pub time: &'a crate::clock::TimeSource,
    /// Makes an entry durable (or, in a cram session, ignores it).
    pub record: &'a mut dyn FnMut(&Entry) -> Result<()>,
    pub color: bool,
    /// The state folder, whose journal the card info (`i`) reads the card's history from.
    pub state_dir: std::path::PathBuf,
    /// Edits a card in the user's editor (`E`), the terminal lent to it; none in a mock paper.
    pub edit: Option<&'a mut EditCard<'a>>,
}

/// Runs a study or cram session until it ends or the user quits.
pub fn run(session: &mut Session<'_>, deps: Deps<'_>) -> Result<Ended> {
    let guard = Guard::enter()?;
    let mut tui = Tui::new(session, deps)?;
    let ended = tui.study();
    drop(guard);
    ended
}

/// Runs a mock paper of every card the session holds.
pub fn run_mock(session: &mut Session<'_>, deps: Deps<'_>) -> Result<(Report, Ended)> {
    let guard = Guard::enter()?;
    let mut tui = Tui::new(session, deps)?;
    let done = tui.paper();
    drop(guard);
    done
}

struct Tui<'s, 'a, 'd> {
    session: &'s mut Session<'a>,
    deps: Deps<'d>,
    out: BufWriter<Stdout>,
    ui: Option<UiState>,
    /// When the card on screen was first shown, for the answer's time.
    shown_at: Instant,
    /// The key of the card on screen (it stays there after a verdict), for its info.
    shown_key: Option<String>,
    /// What the last action did, carried onto the next card's screen.
    status: Option<Status>,
    /// Set by SIGTERM (exit 143) and by SIGINT sent from outside (interrupt, exit 130).
    terminate: Arc<AtomicBool>,
    interrupt: Arc<AtomicBool>,
}

impl<'s, 'a, 'd> Tui<'s, 'a, 'd> {
    fn new(session: &'s mut Session<'a>, deps: Deps<'d>) -> Result<Self> {
        let terminate = Arc::new(AtomicBool::new(false));
        let interrupt = Arc::new(AtomicBool::new(false));
        #[cfg(unix)]
        {
            use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
            signal_hook::flag::register(SIGTERM, Arc::clone(&terminate))?;
            signal_hook::flag::register(SIGINT, Arc::clone(&interrupt))?;
            // A hangup means the terminal is gone: there is nothing to restore and nobody to
            // show a summary to, and crossterm may be stuck reading its end of file. Every
            // answer is already on disk, so end at once (the OS releases the lock).
            signal_hook::flag::register_conditional_shutdown(
                SIGHUP,
                129,
                Arc::new(AtomicBool::new(true)),
            )?;
        }
        Ok(Tui {
            session,
            deps,
            out: BufWriter::new(io::stdout()),
            ui: None,
            shown_at: Instant::now(),
            shown_key: None,
            status: None,
            terminate,
            interrupt,
        })
    }

    fn study(&mut self) -> Result<Ended> {
        let mut dirty = true;
        if let Some(note) = self.session.previous_note() {
            self.status = Some(Status {
                text: note,
                ok: None,
            });
        }
        loop {
            if self.ui.is_none() {
                if !self.load() {
                    // The end screen takes `u`, so the last answer can still be taken back.
                    if !self.session.records() || !self.session.can_undo() {
                        return Ok(Ended::Finished);
                    }
                    if let Some(ended) = self.end_screen()? {
                        return Ok(ended);
                    }
                    continue;
                }
                dirty = true;
            }
            if dirty {
                self.draw()?;
                panic_for_tests();
            }
            let key = match self.next_key(Duration::from_millis(500))? {
                Wait::Key(k) => k,
                Wait::Resized => {
                    dirty = true;
                    continue;
                }
                Wait::Nothing => {
                    dirty = false;
                    continue;
                }
                Wait::Signal(ended) => return Ok(ended),
            };
            dirty = true;
            let Some(ui) = self.ui.as_mut() else { continue };
            match handle_key(ui, key) {
                Action::None
                | Action::MockPick { .. }
                | Action::MockSkip
                | Action::MockPrevious
                | Action::MockNext
                | Action::HandIn
                | Action::Back => {}
                Action::Answer(g) => {
                    self.answer(g)?;
                    self.ui = None;
                }
                Action::AnswerAndShow(g) => self.answer_and_show(g)?,
                Action::Regrade(g) => self.regrade(g, false)?,
                Action::Next => self.ui = None,
                Action::Skip => {
                    self.session.skip();
                    self.status = Some(Status {
                        text: "Skipped.".to_owned(),
                        ok: None,
                    });
                    self.ui = None;
                }
                Action::Undo => self.undo()?,
                Action::Suspend => self.hold(None)?,
                Action::Bury => {
                    let until = bury_until(&self.deps.time.clock());
                    self.hold(Some(until))?;
                }
                Action::Overrule => {
                    if self.session.can_overrule() {
                        self.regrade(Grade::Good, true)?;
                    }
                }
                Action::Info => self.show_info(),
                Action::Edit => self.edit()?,
                Action::Quit => return Ok(Ended::Quit),
                Action::Interrupt => return Ok(Ended::Interrupted),
            }
        }
    }

    /// Puts the info of the card on screen over it; if its history cannot be read, says so
    /// in the status line instead (the quiz goes on).
    fn show_info(&mut self) {
        let Some(key) = self.shown_key.as_deref() else {
            return;
        };
        // The session's card: it may have been edited since the library was read.
        let Some(card) = self.session.find(key) else {
            return;
        };
        let Some(origin) = self.deps.library.written_in(card) else {
            return;
        };
        let lines = crate::deck::rename::reviews(&self.deps.state_dir, card).map(|reviews| {
            let info = crate::info::build(
                card,
                &origin,
                self.session.state(key).as_ref(),
                &reviews,
                self.deps.sched,
                &self.deps.time.clock(),
                self.deps.goals.of(card.exam),
            );
            crate::info::render(&info, false)
        });
        let Some(ui) = self.ui.as_mut() else { return };
        match lines {
            Ok(lines) => {
                ui.info = Some(lines);
                ui.scroll = 0;
            }
            Err(e) => {
                ui.status = Some(Status {
                    text: format!("cannot read the card's history: {}", crate::exit::chain(&e)),
                    ok: Some(false),
                });
            }
        }
    }

    /// Lends the terminal to the user's editor on the card on screen, then goes on with the
    /// card as edited. A Ctrl-C meant for the editor does not end the session.
    fn edit(&mut self) -> Result<()> {
        let Some(key) = self.shown_key.clone() else {
            return Ok(());
        };
        let (Some(edit), Some(card)) = (self.deps.edit.as_mut(), self.session.find(&key)) else {
            return Ok(());
        };
        crate::term::restore();
        let edited = edit(card);
        crate::term::resume()?;
        self.interrupt.store(false, Ordering::Relaxed);
        let status = match edited {
            Err(e) => Status {
                text: format!("cannot edit the card: {}", crate::exit::chain(e.as_ref())),
                ok: Some(false),
            },
            Ok(edited) => self.take_edit(&key, edited),
        };
        if let Some(ui) = self.ui.as_mut() {
            ui.status = Some(status);
        }
        Ok(())
    }

    /// Puts an edited card in the session, its screen drawn again if it is still to answer.
    fn take_edit(&mut self, key: &str, edited: Edited) -> Status {
        let place = clean_line(&edited.file.display().to_string());
        let text = match (edited.outcome, edited.card) {
            (Outcome::Saved, Some(card)) => {
                let text = format!("Saved in {place}:{}.", card.line);
                // The session borrows its cards for its whole length; an edited card must
                // live as long. Edits are few (one per keypress of E), so it is leaked.
                let card: &'static Card = Box::leak(Box::new(card));
                // Not yet answered: asked again from the start, as edited. An answered card
                // keeps its verdict on screen; the edit shows when it comes back.
                let unanswered = self.ui.as_ref().is_some_and(|ui| {
                    !matches!(ui.phase, Phase::Chosen { .. } | Phase::Checked { .. })
                });
                self.session.replace_card(key, card);
                if unanswered {
                    self.ui = None;
                }
                self.shown_key = Some(card.key.clone());
                text
            }
            (Outcome::Saved, None) => format!(
                "Saved {place}, but the card is no longer in it; it stays as it was for this session."
            ),
            (Outcome::Unchanged, _) => "No change.".to_owned(),
            (Outcome::Restored, _) => format!("{place} had errors and was put back as it was."),
        };
        let status = Status {
            text,
            ok: Some(edited.outcome != Outcome::Restored),
        };
        self.status = Some(status.clone());
        status
    }

    /// Drives a `Paper`: every key becomes a move on it, and the screen is rebuilt whenever
    /// the question or the stage changes. The answers are recorded when it is handed in.
    fn paper(&mut self) -> Result<(Report, Ended)> {
        let started = Instant::now();
        let elapsed = || started.elapsed().as_millis().min(u128::from(u64::MAX)) as u64;
        let mut paper = Paper::draw(self.session, self.deps.time.clock().now_ms());
        let mut ended = Ended::Finished;
        // Which question and stage the screen shows, so it is rebuilt only when they change.
        let mut on_screen = None;
        while paper.tick(elapsed()) {
            let now_showing = Some((paper.number(), paper.stage()));
            if on_screen != now_showing {
                self.ui = self.paper_ui(&paper);
                on_screen = now_showing;
            }
            let Some(ui) = self.ui.as_mut() else { break };
            if let Some(m) = ui.mock.as_mut() {
                m.secs_left = paper.secs_left(elapsed());
            }
            self.draw()?;
            let key = match self.next_key(Duration::from_millis(250))? {
                Wait::Key(k) => k,
                Wait::Resized | Wait::Nothing => continue,
                Wait::Signal(e) => {
                    ended = e;
                    break;
                }
            };
            let Some(ui) = self.ui.as_mut() else { break };
            let number = paper.number();
            let now = elapsed();
            match handle_key(ui, key) {
                Action::MockPick { choice, guess } => {
                    paper.answer(choice, guess, now);
                    // No verdict before the end, as in the exam: only what was marked.
                    let marked = if guess { ", marked a guess" } else { "" };
                    self.status = Some(Status {
                        text: format!("Q{number}: answered {}{marked}", letter(choice)),
                        ok: None,
                    });
                }
                Action::MockSkip => {
                    paper.leave_blank(now);
                    self.status = Some(Status {
                        text: format!("Q{number}: left blank"),
                        ok: None,
                    });
                }
                Action::MockPrevious => paper.previous(now),
                Action::MockNext => paper.next(now),
                Action::Quit => paper.ask_hand_in(now),
                Action::Back => paper.back(now),
                Action::HandIn => paper.hand_in(now),
                Action::Interrupt => {
                    ended = Ended::Interrupted;
                    break;
                }
                _ => {}
            }
        }
        // Ctrl-C, a signal or the bell: the paper is handed in as it stands.
        paper.hand_in(elapsed());
        let clock = self.deps.time.clock();
        let (report, entries) = paper.finish(self.session, self.deps.sched, &clock);
        for entry in &entries {
            (self.deps.record)(entry)?;
        }
        Ok((report, ended))
    }

    /// The screen for the paper's current question, or for the question before handing in.
    fn paper_ui(&mut self, paper: &Paper) -> Option<UiState> {
        let q = paper.current()?;
        let view = self.card_view(&q.shown);
        let info = MockInfo {
            number: paper.number(),
            total: paper.len(),
            secs_left: 0,
        };
        let mut ui = UiState::new(view, Progress::default(), Some(info));
        ui.phase = match paper.stage() {
            Stage::Confirming => Phase::HandIn {
                answered: paper.answered(),
                blanks: paper.blanks(),
            },
            _ => Phase::Paper {
                cursor: q.pick.map(|p| p.choice),
                guess: q.pick.is_some_and(|p| p.guess),
                picked: q.pick.map(|p| p.choice),
            },
        };
        ui.status = self.status.take();
        Some(ui)
    }

    /// Puts the session's current card on screen; false when the session is over.
    fn load(&mut self) -> bool {
        let clock = self.deps.time.clock();
        let Some(shown) = self.session.current(clock.now_ms()).cloned() else {
            return false;
        };
        let card = self.session.card(&shown);
        let state = self.session.state(&card.key);
        self.shown_key = Some(card.key.clone());
        let view = self.card_view(&shown);
        let (done, left) = self.session.progress();
        let (due, new) = self.session.left_by_reason();
        let mut ui = UiState::new(
            view,
            Progress {
                done,
                left,
                due,
                new,
            },
            None,
        );
        if self.session.records() {
            let goals = &self.deps.goals;
            let days =
                self.deps
                    .sched
                    .preview(state.as_ref(), &clock, &card.key, goals.of(card.exam));
            ui.previews = Some(days.map(interval_label));
        }
        ui.status = self.status.take();
        self.ui = Some(ui);
        self.shown_at = Instant::now();
        true
    }

    /// What the screen shows of a card: its text cleaned, its deck's name, where it stands.
    fn card_view(&self, shown: &Shown) -> CardView {
        let card = self.session.card(shown);
        let state = self.session.state(&card.key);
        let deck_name = self
            .deps
            .library
            .deck(&card.deck)
            .map_or(card.deck.as_str(), |d| d.name.as_str());
        CardView::new(
            card,
            deck_name,
            status_of(state),
            &shown.options,
            shown.right,
        )
    }

    /// Grades the card on screen and makes the answer durable before anything else is drawn.
    fn answer(&mut self, grade: Grade) -> Result<()> {
        let took = self.took_ms();
        let clock = self.deps.time.clock();
        let Some(entry) = self.session.answer(grade, took, self.deps.sched, &clock) else {
            return Ok(());
        };
        (self.deps.record)(&entry)?;
        let text = match (&entry, self.session.records()) {
            (Entry::Review { key, state, .. }, true) => {
                format!(
                    "{} · {}",
                    grade.name(),
                    self.next_review_of(key, state, &clock)
                )
            }
            _ => format!("{} · cram: the schedule is unchanged", grade.name()),
        };
        self.set_status(text, Some(grade.passed()));
        Ok(())
    }

    fn undo(&mut self) -> Result<()> {
        match self.session.undo(self.deps.time.clock().now_ms()) {
            Some((undone, entries)) => {
                for e in &entries {
                    (self.deps.record)(e)?;
                }
                self.status = Some(Status {
                    text: undone.describe(),
                    ok: None,
                });
                self.ui = None;
            }
            None => self.set_status("Nothing to undo.".to_owned(), None),
        }
        Ok(())
    }

    /// Suspends (`bury_until` None) or buries the card on screen, recorded before the next
    /// card is drawn.
    fn hold(&mut self, bury_until: Option<crate::clock::Millis>) -> Result<()> {
        let entries = self
            .session
            .hold(bury_until, self.deps.time.clock().now_ms());
        for e in &entries {
            (self.deps.record)(e)?;
        }
        let text = match (bury_until, entries.len()) {
            (_, 0) => {
                let text = "Suspend and bury are for study sessions (cram changes nothing).";
                self.set_status(text.to_owned(), None);
                return Ok(());
            }
            (None, _) => "Suspended (u undoes).".to_owned(),
            (Some(_), 1) => "Buried until the next study day (u undoes).".to_owned(),
            (Some(_), n) => format!(
                "Buried until the next study day, with {} cloze {} (u undoes).",
                n - 1,
                if n == 2 { "sibling" } else { "siblings" }
            ),
        };
        self.status = Some(Status { text, ok: None });
        self.ui = None;
        Ok(())
    }

    /// The screen after the last card, while something can still be undone: `u` undoes it
    /// (the card comes back: `None`), any other key ends the session.
    fn end_screen(&mut self) -> Result<Option<Ended>> {
        loop {
            self.draw_end()?;
            let key = match self.next_key(Duration::from_millis(500))? {
                Wait::Key(k) => k,
                Wait::Resized | Wait::Nothing => continue,
                Wait::Signal(ended) => return Ok(Some(ended)),
            };
            let ctrl = key
                .modifiers
                .contains(crossterm::event::KeyModifiers::CONTROL);
            return Ok(match key.code {
                crossterm::event::KeyCode::Char('c') if ctrl => Some(Ended::Interrupted),
                crossterm::event::KeyCode::Char('u') => {
                    self.undo()?;
                    None
                }
                _ => Some(Ended::Finished),
            });
        }
    }

    fn draw_end(&mut self) -> Result<()> {
        let (w, _) = terminal::size()?;
        let outcomes = &self.session.outcomes;
        let new = outcomes.iter().filter(|o| o.was_new).count();
        let mut rows = vec![
            vec![Span::new(
                format!("Session done: {} answered ({new} new)", outcomes.len()),
                wrap::Style::PLAIN.bold(),
            )],
            Vec::new(),
        ];
        if let Some(s) = &self.status {
            rows.push(vec![Span::new(
                s.text.clone(),
                wrap::Style::tone(Tone::Dim),
            )]);
        }
        rows.push(vec![Span::plain(
            "u: undo the last answer · any other key: finish and see the summary",
        )]);
        let out = &mut self.out;
        queue!(
            out,
            terminal::BeginSynchronizedUpdate,
            terminal::Clear(terminal::ClearType::All)
        )?;
        for (y, row) in rows.iter().enumerate() {
            queue!(out, cursor::MoveTo(0, y as u16))?;
            for span in row {
                let mut span = span.clone();
                span.text = span.text.chars().take(usize::from(w)).collect();
                paint(out, &span, self.deps.color)?;
            }
        }
        queue!(out, terminal::EndSynchronizedUpdate)?;
        out.flush()?;
        Ok(())
    }

    /// An mcq or typed answer, its verdict on screen: records the grade it proposes (a right
    /// answer given at once proposes Easy), which the user may then change.
    fn answer_and_show(&mut self, verdict: Grade) -> Result<()> {
        let grade = proposed_grade(verdict.passed(), self.took_ms());
        self.answer(grade)?;
        self.set_shown_grade(grade);
        Ok(())
    }

    /// Replaces the last answer's grade: the user's change, or an overrule of a typed verdict.
    fn regrade(&mut self, grade: Grade, overrule: bool) -> Result<()> {
        let clock = self.deps.time.clock();
        let Some(entries) = self.session.regrade(grade, self.deps.sched, &clock) else {
            return Ok(());
        };
        for e in &entries {
            (self.deps.record)(e)?;
        }
        if let Some(ui) = self.ui.as_mut()
            && let Phase::Checked { overruled, .. } = &mut ui.phase
            && overrule
        {
            *overruled = true;
        }
        self.set_shown_grade(grade);
        if let Entry::Review { key, state, .. } = &entries[1] {
            let why = if overrule { "overruled" } else { "changed" };
            // As a first answer's status says: cram changes no schedule, so it has no next
            // review to tell.
            let next = if self.session.records() {
                self.next_review_of(key, state, &clock)
            } else {
                "cram: the schedule is unchanged".to_owned()
            };
            let text = format!("{} ({why}) · {next}", grade.name());
            self.set_status(text, Some(grade.passed()));
        }
        Ok(())
    }

    /// The grade the verdict screen shows as recorded.
    fn set_shown_grade(&mut self, recorded: Grade) {
        if let Some(ui) = self.ui.as_mut()
            && let Phase::Chosen { grade, .. } | Phase::Checked { grade, .. } = &mut ui.phase
        {
            *grade = recorded;
        }
    }

    /// What the status line says of an answered card's next review: the day the quiz will ask
    /// it, by the goals the session was picked by (`Goals::due`), as the grade keys' previews
    /// show it, not the stored FSRS due.
    fn next_review_of(&self, key: &str, state: &CardState, clock: &Clock) -> String {
        let due = self.session.find(key).map_or(state.due, |card| {
            self.deps
                .goals
                .due(self.deps.sched, state, card.exam, clock)
        });
        next_review(state, due, clock)
    }

    /// Time since the card on screen was first shown.
    fn took_ms(&self) -> u32 {
        self.shown_at
            .elapsed()
            .as_millis()
            .min(u128::from(u32::MAX)) as u32
    }

    /// Shows a status on the current screen and carries it to the next card.
    fn set_status(&mut self, text: String, ok: Option<bool>) {
        let status = Status { text, ok };
        if let Some(ui) = self.ui.as_mut() {
            ui.status = Some(status.clone());
        }
        self.status = Some(status);
    }

    /// Waits for a key press (releases and repeats of other keys are not answers).
    fn next_key(&mut self, wait: Duration) -> Result<Wait> {
        if self.terminate.load(Ordering::Relaxed) {
            return Ok(Wait::Signal(Ended::Terminated));
        }
        if self.interrupt.load(Ordering::Relaxed) {
            return Ok(Wait::Signal(Ended::Interrupted));
        }
        if !event::poll(wait)? {
            return Ok(Wait::Nothing);
        }
        // Reading a terminal that has hung up would spin on its end of file for ever.
        if terminal_hung_up() {
            return Ok(Wait::Signal(Ended::Quit));
        }
        Ok(match event::read()? {
            Event::Key(k) if k.kind == KeyEventKind::Press => Wait::Key(k),
            Event::Resize(..) => Wait::Resized,
            _ => Wait::Nothing,
        })
    }

    fn draw(&mut self) -> Result<()> {
        let Some(ui) = &self.ui else { return Ok(()) };
        let (w, h) = terminal::size()?;
        let rows = render(ui, w, h);
        let out = &mut self.out;
        queue!(out, terminal::BeginSynchronizedUpdate)?;
        for (y, row) in rows.iter().enumerate() {
            queue!(out, cursor::MoveTo(0, y as u16))?;
            for span in row {
                paint(out, span, self.deps.color)?;
            }
            // Clearing from the last column would erase the character written there.
            if wrap::width(row) < usize::from(w) {
                queue!(out, terminal::Clear(terminal::ClearType::UntilNewLine))?;
            }
        }
        queue!(out, terminal::EndSynchronizedUpdate)?;
        out.flush()?;
        Ok(())
    }
}

/// Whether the terminal we read keys from (stdin: the terminal front end only runs on one)
/// has gone away, its other end closed.
#[cfg(unix)]
fn terminal_hung_up() -> bool {
    use rustix::event::{PollFd, PollFlags, Timespec, poll};
    let stdin = io::stdin();
    let mut fds = [PollFd::new(&stdin, PollFlags::IN)];
    let now = Timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    matches!(poll(&mut fds, Some(&now)), Ok(n) if n > 0)
        && fds[0]
            .revents()
            .intersects(PollFlags::HUP | PollFlags::ERR | PollFlags::NVAL)
}

#[cfg(not(unix))]
fn terminal_hung_up() -> bool {
    false
}

enum Wait {
    Key(KeyEvent),
    Resized,
    Nothing,
    Signal(Ended),
}

fn status_of(state: Option<CardState>) -> &'static str {
    match state {
        None => "new",
        Some(s) if s.is_leech() => "leech",
        Some(s) if s.in_step() => "learning",
        Some(_) => "review",
    }
}

/// Writes one span; colours only when allowed, bold and reverse always (they carry meaning
/// without colour: the chosen option, the proposed grade).
fn paint(out: &mut impl Write, span: &Span, color: bool) -> io::Result<()> {
    let s = span.style;
    if s.bold {
        queue!(out, SetAttribute(Attribute::Bold))?;
    }
    if s.reverse {
        queue!(out, SetAttribute(Attribute::Reverse))?;
    }
    let fg = match s.tone {
        Tone::Plain => None,
        Tone::Dim => {
            queue!(out, SetAttribute(Attribute::Dim))?;
            None
        }
        Tone::Accent => Some(Color::Cyan),
        Tone::Good => Some(Color::Green),
        Tone::Bad => Some(Color::Red),
        Tone::Warn => Some(Color::Yellow),
    };
    if let (Some(fg), true) = (fg, color) {
        queue!(out, SetForegroundColor(fg))?;
    }
    // Deck text was cleaned when the card view was built; this catches anything else.
    queue!(
        out,
        Print(clean_line(&span.text)),
        SetAttribute(Attribute::Reset)
    )
}

/// Lets the pseudo-terminal test check that a panic leaves the terminal restored. Debug
/// builds only, so a release binary has no such switch.
fn panic_for_tests() {
    #[cfg(debug_assertions)]
    if std::env::var_os("SMRITI_TEST_PANIC").is_some_and(|v| !v.is_empty()) {
        panic!("SMRITI_TEST_PANIC is set: panicking inside the terminal front end");
    }
}
