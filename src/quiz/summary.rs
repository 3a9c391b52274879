//! The end-of-session summary: what was done, how well, and what comes next.

use std::fmt::Write as _;

use super::session::Outcome;
use crate::deck::Kind;
use crate::percent::whole_percent;

#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    pub answered: usize,
    pub passed: usize,
    pub new: usize,
    pub skipped: usize,
    pub took_ms: u64,
    /// Per kind: (answered, passed).
    pub by_kind: Vec<(Kind, usize, usize)>,
    /// Cards the quiz asks tomorrow as things stand (with an exam ahead, by their
    /// exam-serving due dates), learning steps left over included.
    pub due_tomorrow: usize,
    pub streak: u32,
}

impl Summary {
    /// `due_tomorrow`: how many cards the quiz asks tomorrow (`cmd::asked::due_tomorrow`).
    pub fn new(outcomes: &[Outcome], skipped: usize, due_tomorrow: usize, streak: u32) -> Summary {
        let by_kind = Kind::ALL
            .into_iter()
            .filter_map(|k| {
                let of_kind: Vec<_> = outcomes.iter().filter(|o| o.kind == k).collect();
                (!of_kind.is_empty()).then(|| {
                    (
                        k,
                        of_kind.len(),
                        of_kind.iter().filter(|o| o.grade.passed()).count(),
                    )
                })
            })
            .collect();
        Summary {
            answered: outcomes.len(),
            passed: outcomes.iter().filter(|o| o.grade.passed()).count(),
            new: outcomes.iter().filter(|o| o.was_new).count(),
            skipped,
            took_ms: outcomes.iter().map(|o| u64::from(o.took_ms)).sum(),
            by_kind,
            due_tomorrow,
            streak,
        }
    }

    pub fn accuracy(&self) -> Option<u32> {
        (self.answered > 0).then(|| whole_percent(self.passed as f64 / self.answered as f64))
    }

    /// Plain text, a few lines.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let secs = self.took_ms / 1000;
        let _ = write!(
            out,
            "Session done: {} answered ({} new)",
            self.answered, self.new
        );
        if self.skipped > 0 {
            let _ = write!(out, ", {} skipped", self.skipped);
        }
        let _ = write!(out, " in {}m {:02}s", secs / 60, secs % 60);
        if let Some(acc) = self.accuracy() {
            let _ = write!(out, ", {acc}% correct");
        }
        out.push('\n');
        if self.by_kind.len() > 1 {
            let parts: Vec<String> = self
                .by_kind
                .iter()
                .map(|(k, n, ok)| {
                    format!("{k} {ok}/{n} ({}%)", whole_percent(*ok as f64 / *n as f64))
                })
                .collect();
            let _ = writeln!(out, "By kind: {}", parts.join(", "));
        }
        let _ = writeln!(
            out,
            "Due tomorrow: {} · streak: {} day{}",
            self.due_tomorrow,
            self.streak,
            if self.streak == 1 { "" } else { "s" }
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accuracy_rounds_to_the_nearest_percent_and_says_so_per_kind() {
        let summary = Summary {
            answered: 3,
            passed: 2,
            new: 0,
            skipped: 0,
            took_ms: 0,
            by_kind: vec![(Kind::Basic, 3, 2), (Kind::Mcq, 3, 1)],
            due_tomorrow: 0,
            streak: 0,
        };
        assert_eq!(summary.accuracy(), Some(67));
        let text = summary.render();
        assert!(text.contains("(67%)") && text.contains("(33%)"), "{text}");
    }
}
