//! The mock paper in the line-by-line front end: each question is printed with the time left,
//! and a line is read: an option letter (`b`, or `b?` to mark it a guess), `s` to leave it
//! blank, `q` to hand the paper in. No verdict is shown until the end, as in the exam; every
//! answer is still recorded (right as Good, wrong as Again) before the next question.

use std::io::{BufRead, Write};
use std::time::Instant;

use anyhow::Result;

use super::mock::{self, Answer, Mark, Report};
use super::options::letter;
use super::plain::Deps;
use super::session::Session;
use crate::deck::dated;
use crate::sanitize::clean_line;
use crate::schedule::Grade;

/// Runs a paper of `questions` (the session holds exactly those cards).
pub fn run<R: BufRead, W: Write>(
    session: &mut Session<'_>,
    deps: Deps<'_>,
    questions: usize,
    mut input: R,
    mut out: W,
) -> Result<Report> {
    let limit = mock::time_limit_secs(questions);
    writeln!(
        out,
        "Mock paper: {questions} questions in {} (72 s each). +2 right, -2/3 wrong, 0 blank.",
        mock::minutes(limit)
    )?;
    writeln!(
        out,
        "Answer with a letter; add ? to mark a guess (b?). s leaves it blank, q hands the paper in."
    )?;
    let started = Instant::now();
    let mut answers = Vec::new();
    let mut out_of_time = false;
    'paper: for number in 1..=questions {
        let clock = deps.time.clock();
        let Some(shown) = session.current(clock.now_ms()).cloned() else {
            break;
        };
        let card = session.card(&shown);
        let elapsed = started.elapsed().as_secs();
        writeln!(out)?;
        writeln!(
            out,
            "── Q {number}/{questions} · {} left · {}",
            mock::minutes(limit.saturating_sub(elapsed)),
            clean_line(&card.deck)
        )?;
        writeln!(out, "{}", clean_line(&card.prompt()))?;
        for (i, option) in shown.options.iter().enumerate() {
            writeln!(out, "  {}) {}", letter(i), clean_line(option))?;
        }
        let asked = Instant::now();
        let picked = loop {
            write!(out, "answer> ")?;
            out.flush()?;
            let mut line = String::new();
            if input.read_line(&mut line)? == 0 {
                writeln!(out)?;
                break 'paper;
            }
            match line.trim() {
                "q" => break 'paper,
                "s" => break None,
                t => match mock::parse_pick(t, shown.options.len()) {
                    Some(p) => break Some(p),
                    None => writeln!(
                        out,
                        "Type a letter from a to {} (b? marks a guess), s or q.",
                        letter(shown.options.len().saturating_sub(1))
                    )?,
                },
            }
        };
        if started.elapsed().as_secs() > limit {
            // An answer given after the bell does not count.
            out_of_time = true;
            writeln!(out, "Time is up.")?;
            break;
        }
        let question = clean_line(&card.prompt());
        let right = clean_line(&shown.options[shown.right]);
        let as_of = card.as_of.as_deref().map(|d| clean_line(&dated::label(d)));
        let Some((choice, guess)) = picked else {
            session.skip();
            answers.push(Answer {
                mark: Mark::Blank,
                guess: false,
                question,
                right,
                as_of,
            });
            continue;
        };
        let (mark, grade) = if choice == shown.right {
            (Mark::Right, Grade::Good)
        } else {
            (Mark::Wrong, Grade::Again)
        };
        let took = asked.elapsed().as_millis().min(u128::from(u32::MAX)) as u32;
        if let Some(entry) = session.answer(grade, took, deps.sched, &deps.time.clock()) {
            (deps.record)(&entry)?;
        }
        answers.push(Answer {
            mark,
            guess,
            question,
            right,
            as_of,
        });
    }
    let took = started.elapsed().as_secs().min(limit);
    Ok(Report::new(questions, answers, took, out_of_time))
}
