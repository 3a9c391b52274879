//! The mock paper in the line-by-line front end, a thin driver of `Paper`: each question is
//! printed with the time left, and a line is read: an option letter (`b`, or `b?` to mark it a
//! guess), `s` to leave it blank, `n`/`p` for the next or previous question, a number to go to
//! that question, `q` to hand the paper in (after asking). No verdict is shown until the end,
//! as in the exam; the answers are graded when the paper is handed in, at the end of input
//! or on a signal too.

use std::io::Write;
use std::time::Instant;

use anyhow::Result;

use super::input::{Input, LineSource};
use super::mock::{self, Report};
use super::options::letter;
use super::paper::{Paper, Stage};
use super::plain::{Deps, Ended};
use super::session::Session;
use crate::sanitize::{clean, clean_line};

/// Runs a paper of every card the session holds; how it ended (a signal ends it early).
pub fn run<W: Write>(
    session: &mut Session<'_>,
    deps: Deps<'_>,
    mut input: impl LineSource,
    mut out: W,
) -> Result<(Report, Ended)> {
    let started = Instant::now();
    let elapsed = || started.elapsed().as_millis().min(u128::from(u64::MAX)) as u64;
    let mut paper = Paper::draw(session, deps.time.clock().now_ms());
    let limit = mock::time_limit_secs(paper.len());
    writeln!(
        out,
        "Mock paper: {} questions in {} (72 s each). +2 right, -2/3 wrong, 0 blank.",
        paper.len(),
        mock::minutes(limit)
    )?;
    writeln!(
        out,
        "Answer with a letter; add ? to mark a guess (b?). s leaves it blank, n and p move on \
         and back, a number goes to that question, q hands the paper in."
    )?;
    let mut ended = Ended::Finished;
    while paper.tick(elapsed()) {
        let confirming = paper.stage() == Stage::Confirming;
        if confirming {
            ask_hand_in(&paper, &mut out)?;
        } else {
            show(session, &paper, elapsed(), &mut out)?;
        }
        let line = match input.next_input()? {
            Input::Line(line) => line,
            Input::End => {
                writeln!(out)?;
                paper.hand_in(elapsed());
                break;
            }
            Input::Signal(signal) => {
                writeln!(out)?;
                ended = signal;
                paper.hand_in(elapsed());
                break;
            }
        };
        let now = elapsed();
        let t = line.trim();
        if let Ok(number) = t.parse::<usize>() {
            if !paper.go_to(number, now) {
                writeln!(out, "There is no question {number}: 1 to {}.", paper.len())?;
            }
        } else if confirming {
            match t {
                "y" | "yes" | "q" => paper.hand_in(now),
                "n" | "no" | "" => paper.back(now),
                _ => writeln!(
                    out,
                    "Type y to hand in, n to go back, or a question number."
                )?,
            }
        } else {
            let count = paper.current().map_or(0, |q| q.shown.options.len());
            match t {
                "q" => paper.ask_hand_in(now),
                "s" => paper.leave_blank(now),
                "n" => paper.next(now),
                "p" => paper.previous(now),
                t => match mock::parse_pick(t, count) {
                    Some((choice, guess)) => paper.answer(choice, guess, now),
                    None => writeln!(
                        out,
                        "Type a letter from a to {} (b? marks a guess), s, n, p, a number or q.",
                        letter(count.saturating_sub(1))
                    )?,
                },
            }
        }
    }
    if paper.stage() == (Stage::HandedIn { out_of_time: true }) {
        // An answer given after the bell does not count.
        writeln!(out, "Time is up.")?;
    }
    let (report, entries) = paper.finish(session, deps.sched, &deps.time.clock());
    for entry in &entries {
        (deps.record)(entry)?;
    }
    Ok((report, ended))
}

fn show(session: &Session<'_>, paper: &Paper, elapsed_ms: u64, out: &mut impl Write) -> Result<()> {
    let Some(q) = paper.current() else {
        return Ok(());
    };
    let card = session.card(&q.shown);
    writeln!(out)?;
    writeln!(
        out,
        "── Q {}/{} · {} left · {}",
        paper.number(),
        paper.len(),
        mock::minutes(paper.secs_left(elapsed_ms)),
        clean_line(&card.deck)
    )?;
    // Statement questions are laid out in lines ("1. … 2. …"): keep them.
    writeln!(out, "{}", clean(&card.prompt()))?;
    for (i, option) in q.shown.options.iter().enumerate() {
        writeln!(out, "  {}) {}", letter(i), clean_line(option))?;
    }
    if let Some(pick) = q.pick {
        let guess = if pick.guess { ", marked a guess" } else { "" };
        writeln!(out, "(your answer: {}{guess})", letter(pick.choice))?;
    }
    write!(out, "answer> ")?;
    out.flush()?;
    Ok(())
}

fn ask_hand_in(paper: &Paper, out: &mut impl Write) -> Result<()> {
    writeln!(out)?;
    let blanks = paper.blanks();
    if blanks.is_empty() {
        writeln!(out, "All {} questions answered.", paper.len())?;
    } else {
        let list: Vec<String> = blanks.iter().map(|n| format!("Q{n}")).collect();
        writeln!(
            out,
            "{} of {} answered; left blank: {}.",
            paper.answered(),
            paper.len(),
            list.join(", ")
        )?;
    }
    write!(
        out,
        "hand in the paper? y, n (back), or a question number> "
    )?;
    out.flush()?;
    Ok(())
}
