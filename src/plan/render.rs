//! `plan` as text: each exam's expected recall with its range, the daily load as a column
//! chart (a column a day, or a week when the road is long), the peak day, and what the budget
//! leaves undone.

use std::fmt::Write as _;

use super::{ExamPlan, Plan, PlanPace};
use crate::percent::show;
use crate::stats::charts;
use crate::stats::render::Look;

/// Columns the load chart may take.
const CHART_COLUMNS: usize = 72;

/// `other` is the same plan at the configured budget, when `--budget` asked for another.
pub fn render(plan: &Plan, other: Option<&Plan>, look: &Look) -> String {
    let mut out = String::new();
    if plan.exams.is_empty() {
        let _ = writeln!(
            out,
            "No exam ahead: add `[exams] prelims = YYYY-MM-DD` (and `mains`) to config.toml to plan towards it."
        );
        return out;
    }
    let _ = writeln!(
        out,
        "Plan at {} cards a day (~{:.0} s an answer; {} simulated runs)",
        plan.budget, plan.secs_per_answer, plan.runs
    );
    pace(&mut out, &plan.pace, "");
    for e in &plan.exams {
        exam(
            &mut out,
            e,
            other.and_then(|o| o.exams.iter().find(|x| x.exam == e.exam)),
        );
    }
    load(&mut out, plan, look);
    out
}

/// New cards paced to their exam, a line for each paced exam (`plan` and `stats` alike).
pub(crate) fn pace(out: &mut String, pace: &[PlanPace], pad: &str) {
    for p in pace {
        let _ = writeln!(
            out,
            "{pad}New {} cards: {} a day, to introduce them all by {}: the last weeks are\n{pad}for revision (faster than new_per_day, only in room reviews leave).",
            p.exam.as_str(),
            p.per_day,
            p.by
        );
    }
}

fn exam(out: &mut String, e: &ExamPlan, configured: Option<&ExamPlan>) {
    let pad = " ".repeat(11);
    let when = match e.days_left {
        1 => "tomorrow".to_owned(),
        n => format!("in {n} days"),
    };
    let _ = writeln!(out, "\n  {:<8} {}, {when}", e.exam.as_str(), e.date);
    let range = if e.recall.low == e.recall.high {
        String::new()
    } else {
        format!(" (runs: {} to {})", show(e.recall.low), show(e.recall.high))
    };
    let _ = writeln!(
        out,
        "{pad}{} of {} cards recalled on exam morning{range}",
        show(e.recall.median),
        e.cards,
    );
    if let Some(c) = configured {
        let _ = writeln!(
            out,
            "{pad}(at your configured budget: {}, introducing {} cards)",
            show(c.recall.median),
            c.introduced_by_exam
        );
    }
    let left_new = e.cards.saturating_sub(e.introduced_by_exam);
    let _ = writeln!(
        out,
        "{pad}{} with no more reviews; {} seen, {} by the exam; {} answers",
        show(e.recall_no_review),
        e.seen,
        e.introduced_by_exam,
        e.answers
    );
    caveats(out, e.seen, e.cards, left_new);
}

/// What an exam figure counts on, under it (`plan` and `stats` alike): that most cards are
/// still to learn, and how many the budget leaves new on the day.
pub(crate) fn caveats(out: &mut String, seen: usize, cards: usize, still_new: usize) {
    let pad = " ".repeat(11);
    if seen * 2 < cards {
        let _ = writeln!(
            out,
            "{pad}Most cards are not seen yet: that counts on learning them as planned."
        );
    }
    if still_new > 0 {
        let _ = writeln!(
            out,
            "{pad}{still_new} still new on exam day: the budget or new_per_day is too low."
        );
    }
}

fn load(out: &mut String, plan: &Plan, look: &Look) {
    if plan.days.is_empty() {
        return;
    }
    let per = plan.days.len().div_ceil(CHART_COLUMNS);
    let values: Vec<usize> = plan
        .days
        .chunks(per)
        .map(|c| c.iter().map(|d| d.answers).sum::<usize>() / c.len())
        .collect();
    let unit = if per == 1 {
        "a column a day".to_owned()
    } else {
        format!("a column per {per} days, their mean")
    };
    let _ = writeln!(out, "\nAnswers per day until the exam ({unit})");
    for line in charts::columns(&values, 5, 1, 0, &look.glyphs, look.color) {
        let _ = writeln!(out, " {line}");
    }
    let first = &plan.days[0].date;
    let last = &plan.days[plan.days.len() - 1].date;
    let gap = (values.len() + 1)
        .saturating_sub(first.len() + last.len())
        .max(1);
    let _ = writeln!(out, " {first}{}{last}", " ".repeat(gap));
    if let Some(p) = &plan.peak {
        let _ = writeln!(
            out,
            "Busiest day: {}, {} answers over {} cards (~{} min). Budget: {} cards a day.",
            p.date, p.answers, p.cards, p.minutes, plan.budget
        );
    }
    let total: usize = plan.days.iter().map(|d| d.minutes).sum();
    let _ = writeln!(
        out,
        "About {} minutes a day on average.",
        total / plan.days.len()
    );
}
