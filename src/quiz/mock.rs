//! A mock prelims paper (`quiz --mock N`): N MCQs against a clock, scored as UPSC scores
//! General Studies paper I: +2 for a right answer, −2/3 for a wrong one, 0 for one left
//! blank. Pure: the front ends feed it answers and print its report. Marks are counted in
//! thirds so the arithmetic is exact.

use std::fmt::Write as _;

use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;

use crate::percent::whole_percent;

/// UPSC gives 2 hours for 100 questions.
pub const SECS_PER_QUESTION: u64 = 72;
/// A right answer earns +2 marks, in thirds.
const RIGHT_THIRDS: i64 = 6;
/// A wrong answer costs a third of a question's marks: −2/3, in thirds.
const WRONG_THIRDS: i64 = -2;

/// How one question went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    Right,
    Wrong,
    /// Skipped, or not reached before time ran out.
    Blank,
}

/// One question's result, with whether the user marked the answer as a guess.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub mark: Mark,
    pub guess: bool,
    /// The question and the right option, for the list of what to revise.
    pub question: String,
    pub right: String,
    /// "as of Apr 2022" for a dated claim, shown beside the right option.
    pub as_of: Option<String>,
}

/// Right and wrong answers of one sort (guesses, or the sure ones).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub right: usize,
    pub wrong: usize,
}

impl Tally {
    fn add(&mut self, mark: Mark) {
        match mark {
            Mark::Right => self.right += 1,
            Mark::Wrong => self.wrong += 1,
            Mark::Blank => {}
        }
    }

    pub fn attempted(&self) -> usize {
        self.right + self.wrong
    }

    /// Net marks, in thirds.
    pub fn net_thirds(&self) -> i64 {
        self.right as i64 * RIGHT_THIRDS + self.wrong as i64 * WRONG_THIRDS
    }

    /// Percent of attempted answers that were right.
    pub fn accuracy(&self) -> Option<u32> {
        let n = self.attempted();
        (n > 0).then(|| whole_percent(self.right as f64 / n as f64))
    }
}

/// The paper's result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub questions: usize,
    pub answers: Vec<Answer>,
    pub took_secs: u64,
    pub out_of_time: bool,
}

impl Report {
    pub fn new(questions: usize, answers: Vec<Answer>, took_secs: u64, out_of_time: bool) -> Self {
        Report {
            questions,
            answers,
            took_secs,
            out_of_time,
        }
    }

    pub fn all(&self) -> Tally {
        let mut t = Tally::default();
        self.answers.iter().for_each(|a| t.add(a.mark));
        t
    }

    pub fn guesses(&self) -> Tally {
        let mut t = Tally::default();
        self.answers
            .iter()
            .filter(|a| a.guess)
            .for_each(|a| t.add(a.mark));
        t
    }

    /// Questions left blank, including those never reached.
    pub fn blank(&self) -> usize {
        self.questions - self.all().attempted()
    }

    pub fn net_thirds(&self) -> i64 {
        self.all().net_thirds()
    }

    pub fn max_thirds(&self) -> i64 {
        self.questions as i64 * RIGHT_THIRDS
    }

    /// A few lines of plain text: score, accuracy, the guesses' worth, what to revise.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let all = self.all();
        let _ = writeln!(
            out,
            "Mock paper: {} / {} marks ({} right, {} wrong, {} blank of {})",
            marks(self.net_thirds()),
            marks(self.max_thirds()),
            all.right,
            all.wrong,
            self.blank(),
            self.questions
        );
        let accuracy = all
            .accuracy()
            .map_or_else(|| "no answers".to_owned(), |a| format!("{a}% of attempted"));
        let _ = writeln!(
            out,
            "Accuracy: {accuracy} · time: {} of {}{}",
            minutes(self.took_secs),
            minutes(self.questions as u64 * SECS_PER_QUESTION),
            if self.out_of_time {
                " (time ran out)"
            } else {
                ""
            }
        );
        let g = self.guesses();
        if g.attempted() == 0 {
            let _ = writeln!(out, "Guesses: none marked");
        } else {
            let verdict = match g.net_thirds() {
                n if n > 0 => "they paid",
                0 => "they broke even",
                _ => "they cost you marks",
            };
            let _ = writeln!(
                out,
                "Guesses: {} right, {} wrong, net {}: {verdict}",
                g.right,
                g.wrong,
                marks(g.net_thirds())
            );
        }
        self.list(&mut out, Mark::Wrong, "To revise:");
        self.list(&mut out, Mark::Blank, "Left blank:");
        out
    }

    /// The questions with this mark and their right answers, under a heading.
    fn list(&self, out: &mut String, mark: Mark, heading: &str) {
        let mut these = self.answers.iter().filter(|a| a.mark == mark).peekable();
        if these.peek().is_some() {
            let _ = writeln!(out, "{heading}");
            for a in these {
                // A dated claim carries its date, so it is not revised as timeless.
                let dated = a.as_of.as_ref().map(|d| format!(" ({d})"));
                let _ = writeln!(
                    out,
                    "  {} → {}{}",
                    a.question,
                    a.right,
                    dated.unwrap_or_default()
                );
            }
        }
    }
}

/// Marks from thirds, as UPSC prints them: `+12.67`, `-0.67`, `0.00`.
pub fn marks(thirds: i64) -> String {
    let sign = match thirds {
        t if t > 0 => "+",
        t if t < 0 => "-",
        _ => "",
    };
    // Hundredths, rounded half away from zero, from exact thirds.
    let hundredths = (thirds.abs() * 100 + 1) / 3;
    format!("{sign}{}.{:02}", hundredths / 100, hundredths % 100)
}

/// `mm:ss`.
pub fn minutes(secs: u64) -> String {
    format!("{}:{:02}", secs / 60, secs % 60)
}

/// The time allowed for a paper of `n` questions.
pub fn time_limit_secs(n: usize) -> u64 {
    n as u64 * SECS_PER_QUESTION
}

/// The questions of a paper: `n` of the candidates (indices), drawn at random under `seed`.
pub fn choose(mut candidates: Vec<usize>, n: usize, seed: u64) -> Vec<usize> {
    candidates.shuffle(&mut StdRng::seed_from_u64(seed));
    candidates.truncate(n);
    candidates
}

/// An answer as typed in plain mode: an option letter, with a trailing `?` when it is a guess
/// (`b`, `B)`, `c?`). None when it names no option.
pub fn parse_pick(input: &str, count: usize) -> Option<(usize, bool)> {
    let t = input.trim();
    let (t, guess) = match t.strip_suffix('?') {
        Some(rest) => (rest, true),
        None => (t, false),
    };
    super::options::pick(t, count).map(|i| (i, guess))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(mark: Mark, guess: bool) -> Answer {
        Answer {
            mark,
            guess,
            question: "q".into(),
            right: "a".into(),
            as_of: None,
        }
    }

    #[test]
    fn accuracy_rounds_to_the_nearest_percent() {
        let two_of_three = Report::new(
            3,
            vec![
                answer(Mark::Right, false),
                answer(Mark::Right, false),
                answer(Mark::Wrong, false),
            ],
            60,
            false,
        );
        assert_eq!(two_of_three.all().accuracy(), Some(67));
    }

    #[test]
    fn right_earns_two_wrong_costs_two_thirds_blank_nothing() {
        let r = Report::new(
            4,
            vec![
                answer(Mark::Right, false),
                answer(Mark::Wrong, false),
                answer(Mark::Blank, false),
            ],
            60,
            false,
        );
        assert_eq!(r.net_thirds(), 6 - 2);
        assert_eq!(marks(r.net_thirds()), "+1.33");
        assert_eq!(r.blank(), 2, "the question never reached is blank too");
        assert_eq!(marks(r.max_thirds()), "+8.00");
        assert_eq!(r.all().accuracy(), Some(50));
    }

    #[test]
    fn marks_print_as_upsc_prints_them() {
        assert_eq!(marks(0), "0.00");
        assert_eq!(marks(-2), "-0.67");
        assert_eq!(marks(-4), "-1.33");
        assert_eq!(marks(38), "+12.67");
        assert_eq!(marks(600), "+200.00");
    }

    #[test]
    fn guesses_are_tallied_apart_and_judged() {
        // One right guess (+2) against two wrong ones (−4/3): the guesses paid.
        let paid = Report::new(
            3,
            vec![
                answer(Mark::Right, true),
                answer(Mark::Wrong, true),
                answer(Mark::Wrong, true),
            ],
            10,
            false,
        );
        assert_eq!(paid.guesses().net_thirds(), 2);
        assert!(
            paid.render().contains("net +0.67: they paid"),
            "{}",
            paid.render()
        );

        // Four wrong guesses and none right: they cost marks.
        let cost = Report::new(4, vec![answer(Mark::Wrong, true); 4], 10, false);
        assert!(cost.render().contains("net -2.67: they cost you marks"));

        let none = Report::new(1, vec![answer(Mark::Right, false)], 10, false);
        assert!(none.render().contains("Guesses: none marked"));
    }

    #[test]
    fn three_wrong_guesses_for_one_right_break_even() {
        let mut answers = vec![answer(Mark::Wrong, true); 3];
        answers.push(answer(Mark::Right, true));
        let r = Report::new(4, answers, 10, false);
        assert_eq!(r.guesses().net_thirds(), 0);
        assert!(r.render().contains("broke even"));
    }

    #[test]
    fn the_report_lists_wrong_answers_to_revise_and_the_time() {
        let mut wrong = answer(Mark::Wrong, false);
        wrong.question = "LEMOA signed in?".into();
        wrong.right = "2016".into();
        let mut dated = answer(Mark::Wrong, false);
        dated.question = "Reciprocal tariff?".into();
        dated.right = "18%".into();
        dated.as_of = Some("as of Feb 2026".into());
        let r = Report::new(3, vec![wrong, answer(Mark::Right, false), dated], 75, true);
        let text = r.render();
        assert!(text.contains("  LEMOA signed in? → 2016\n"), "{text}");
        assert!(
            text.contains("  Reciprocal tariff? → 18% (as of Feb 2026)\n"),
            "{text}"
        );
        assert!(text.contains("time: 1:15 of 3:36 (time ran out)"), "{text}");
    }

    #[test]
    fn the_report_lists_the_questions_left_blank_with_their_answers() {
        let mut blank = answer(Mark::Blank, false);
        blank.question = "BECA signed in?".into();
        blank.right = "2020".into();
        let r = Report::new(2, vec![answer(Mark::Right, false), blank], 10, false);
        let text = r.render();
        assert!(
            text.contains("Left blank:\n  BECA signed in? → 2020"),
            "{text}"
        );
        assert!(!text.contains("To revise"), "{text}");
    }

    #[test]
    fn the_clock_gives_72_seconds_a_question() {
        assert_eq!(time_limit_secs(100), 2 * 60 * 60);
    }

    #[test]
    fn a_question_mark_after_the_letter_marks_a_guess() {
        assert_eq!(parse_pick("b", 4), Some((1, false)));
        assert_eq!(parse_pick(" C? ", 4), Some((2, true)));
        assert_eq!(parse_pick("e?", 4), None);
        assert_eq!(parse_pick("?", 4), None);
    }

    #[test]
    fn a_paper_draws_n_distinct_questions_reproducibly() {
        let a = choose((0..50).collect(), 10, 7);
        assert_eq!(a.len(), 10);
        assert_eq!(a, choose((0..50).collect(), 10, 7));
        let mut sorted = a.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), 10);
        assert_eq!(choose(vec![1, 2], 5, 0).len(), 2);
    }
}
