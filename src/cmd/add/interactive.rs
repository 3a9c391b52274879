//! `smriti add` in a terminal: asks for the kind and the fields it needs, shows the card as
//! `quiz` will, and writes it only once the user confirms.
//!
//! Prompts come from `inquire`, which puts the terminal in raw mode only while a prompt is
//! open and restores it when the prompt ends, however it ends. In raw mode Ctrl-C arrives as
//! a key, not a signal, so it is reported here and turned into exit code 130 by `main`.
//! Flags given on the command line are taken as answers and not asked again.

use std::io::{self, Write};

use anyhow::Result;
use inquire::autocompletion::{Autocomplete, Replacement};
use inquire::ui::RenderConfig;
use inquire::validator::Validation;
use inquire::{Confirm, CustomUserError, InquireError, Select, Text};

use super::flags::{kind_hint, parse_as_of, tidy_tags, trimmed_all};
use super::{Prepared, Target, duplicate_of, prepare, preview};
use crate::app::App;
use crate::cli::AddArgs;
use crate::deck::draft::Draft;
use crate::deck::load::{builtin_decks, deck_files, load_file};
use crate::deck::{Body, Choices, Deck, Kind, cloze};
use crate::sanitize::clean_line;

pub enum Answer {
    Ready(Box<Prepared>),
    Cancelled,
    Interrupted,
}

/// Why the questions stopped early.
enum Stop {
    Cancelled,
    Interrupted,
    Failed(anyhow::Error),
}

impl From<InquireError> for Stop {
    fn from(e: InquireError) -> Stop {
        match e {
            InquireError::OperationCanceled => Stop::Cancelled,
            InquireError::OperationInterrupted => Stop::Interrupted,
            other => Stop::Failed(anyhow::anyhow!("cannot ask for the card: {other}")),
        }
    }
}

impl From<anyhow::Error> for Stop {
    fn from(e: anyhow::Error) -> Stop {
        Stop::Failed(e)
    }
}

impl From<io::Error> for Stop {
    fn from(e: io::Error) -> Stop {
        Stop::Failed(e.into())
    }
}

pub fn run(
    app: &App,
    args: &AddArgs,
    target: &Target,
    existing: Option<&Deck>,
    base: &str,
) -> Result<Answer> {
    if !app.color {
        inquire::set_global_render_config(RenderConfig::empty());
    }
    let outcome = Asker {
        app,
        args,
        target,
        existing,
        base,
    }
    .ask();
    let mut err = io::stderr();
    match outcome {
        Ok(prepared) => Ok(Answer::Ready(Box::new(prepared))),
        Err(Stop::Cancelled) => {
            writeln!(err, "cancelled; nothing was written")?;
            Ok(Answer::Cancelled)
        }
        Err(Stop::Interrupted) => {
            writeln!(err, "interrupted; nothing was written")?;
            Ok(Answer::Interrupted)
        }
        Err(Stop::Failed(e)) => Err(e),
    }
}

struct Asker<'a> {
    app: &'a App,
    args: &'a AddArgs,
    target: &'a Target,
    existing: Option<&'a Deck>,
    base: &'a str,
}

fn required(s: &str) -> Result<Validation, CustomUserError> {
    Ok(if s.trim().is_empty() {
        Validation::Invalid("this cannot be empty (Esc cancels)".into())
    } else {
        Validation::Valid
    })
}

fn positive_or_empty(s: &str) -> Result<Validation, CustomUserError> {
    Ok(match s.trim() {
        "" => Validation::Valid,
        n if n.parse::<i64>().is_ok_and(|n| n > 0) => Validation::Valid,
        _ => Validation::Invalid("type a positive whole number, or leave it empty".into()),
    })
}

fn cloze_text(s: &str) -> Result<Validation, CustomUserError> {
    Ok(if cloze::unclosed(s).is_some() {
        Validation::Invalid("a `{{` is never closed with `}}`".into())
    } else if cloze::gaps(s).is_empty() {
        Validation::Invalid("mark each gap with {{answer}} (or {{answer::hint}})".into())
    } else if cloze::gaps(s).iter().any(|g| g.answer.is_empty()) {
        Validation::Invalid("a gap `{{}}` is empty".into())
    } else {
        Validation::Valid
    })
}

/// A kind, as the selection list shows it.
struct KindChoice(Kind);

impl std::fmt::Display for KindChoice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let what = match self.0 {
            Kind::Basic => "question and answer; you flip and grade yourself",
            Kind::Typed => "you type the answer; forgiving match",
            Kind::Mcq => "multiple choice",
            Kind::Cloze => "fill in the {{gaps}} of a sentence",
            Kind::Mains => "a descriptive question and the key points of its answer",
        };
        write!(f, "{:<6} {what}", self.0.as_str())
    }
}

impl Asker<'_> {
    fn ask(&self) -> Result<Prepared, Stop> {
        let mut err = io::stderr();
        writeln!(
            err,
            "New card for deck `{}` ({}). Esc cancels; nothing is written until you confirm.",
            clean_line(&self.target.id),
            self.target.path.display()
        )?;
        let args = self.args;
        let kind = match kind_hint(args) {
            Some(kind) => kind,
            None => {
                let choices = Kind::ALL.into_iter().map(KindChoice).collect();
                Select::new("Kind:", choices).prompt()?.0
            }
        };
        let mut draft = Draft::new(kind);
        let mut force = args.force;
        match kind {
            Kind::Cloze => {
                draft.text = Some(given_or(&args.text, || {
                    Text::new("Text with {{gaps}}:")
                        .with_validator(cloze_text)
                        .prompt()
                })?);
            }
            _ => {
                draft.q = Some(given_or(&args.q, || {
                    Text::new("Question:").with_validator(required).prompt()
                })?);
            }
        }
        if !force && let Some((id, line)) = duplicate_of(self.existing, &draft.question()) {
            let message = format!(
                "This deck already asks that (card \"{}\", line {line}). Add it anyway?",
                clean_line(&id)
            );
            if !Confirm::new(&message).with_default(false).prompt()? {
                return Err(Stop::Cancelled);
            }
            force = true;
        }
        match kind {
            Kind::Basic | Kind::Typed | Kind::Mcq => {
                draft.a = Some(given_or(&args.a, || {
                    Text::new("Answer:").with_validator(required).prompt()
                })?);
            }
            Kind::Cloze | Kind::Mains => {}
        }
        match kind {
            Kind::Typed if args.accept.is_empty() => {
                draft.accept = lines("Also accept (optional)", false)?;
            }
            Kind::Typed => draft.accept = trimmed_all(&args.accept),
            Kind::Mcq
                if args.options.is_empty()
                    && args.distractors.is_empty()
                    && args.group.is_none() =>
            {
                self.ask_choices(&mut draft)?;
            }
            Kind::Mcq => {
                draft.options = trimmed_all(&args.options);
                draft.distractors = trimmed_all(&args.distractors);
                draft.group = args.group.as_ref().map(|g| g.trim().to_owned());
                draft.shuffle = !args.keep_order;
            }
            Kind::Mains if args.points.is_empty() => {
                draft.year = match args.year {
                    Some(y) => Some(y),
                    None => number("Year of the UPSC question (optional):")?,
                };
                draft.points = lines("Key point", true)?;
                draft.word_limit = match args.word_limit {
                    Some(w) => Some(w),
                    None => number("Word limit (optional):")?,
                };
            }
            Kind::Mains => {
                draft.year = args.year;
                draft.points = trimmed_all(&args.points);
                draft.word_limit = args.word_limit;
            }
            Kind::Basic | Kind::Cloze => {}
        }
        self.ask_common(&mut draft)?;

        let prepared = prepare(self.base, self.target, self.existing, vec![draft], force)?;
        writeln!(err)?;
        write!(
            err,
            "{}",
            preview::render(&prepared.deck, &prepared.ids, self.app.seed)
        )?;
        writeln!(err)?;
        if Confirm::new("Add this card?").with_default(true).prompt()? {
            Ok(prepared)
        } else {
            Err(Stop::Cancelled)
        }
    }

    /// An mcq's wrong options: a group of the deck, or typed one by one.
    fn ask_choices(&self, draft: &mut Draft) -> Result<(), Stop> {
        let groups = self.groups();
        let group = if groups.is_empty() {
            String::new()
        } else {
            Text::new("Group to draw wrong options from (empty to type them):")
                .with_help_message(&format!("groups in this deck: {}", groups.join(", ")))
                .with_autocomplete(Completer::words(groups.clone(), false))
                .prompt()?
        };
        if group.trim().is_empty() {
            let answer = draft.a.clone().unwrap_or_default();
            loop {
                let wrong = lines("Wrong option", true)?;
                if wrong.iter().any(|w| w == answer.trim()) {
                    writeln!(io::stderr(), "A wrong option cannot be the answer itself.")?;
                    continue;
                }
                draft.distractors = wrong;
                break;
            }
        } else {
            draft.group = Some(group.trim().to_owned());
        }
        Ok(())
    }

    /// Tags, source and explanation, unless given as flags.
    fn ask_common(&self, draft: &mut Draft) -> Result<(), Stop> {
        draft.id = self.args.id.clone().unwrap_or_default();
        draft.as_of = self.args.as_of.as_deref().map(parse_as_of).transpose()?;
        draft.tags = if self.args.tags.is_empty() {
            let typed = Text::new("Tags:")
                .with_help_message("separate with spaces or commas; Tab completes a known tag")
                .with_autocomplete(Completer::words(self.known_tags(), true))
                .prompt()?;
            tidy_tags(typed.split([',', ' ']))
        } else {
            tidy_tags(self.args.tags.iter().map(String::as_str))
        };
        draft.source = Some(match &self.args.source {
            Some(s) => s.trim().to_owned(),
            None => {
                // Cards written in one sitting usually share their source.
                let last = self
                    .existing
                    .and_then(|d| d.cards.last())
                    .map(|c| c.source.clone())
                    .unwrap_or_default();
                let mut prompt = Text::new("Source:").with_validator(required);
                if !last.is_empty() {
                    prompt = prompt.with_default(&last);
                }
                prompt.prompt()?.trim().to_owned()
            }
        });
        draft.explain = match &self.args.explain {
            Some(e) => Some(e.trim().to_owned()),
            None => Some(Text::new("Explanation (optional):").prompt()?),
        }
        .filter(|e| !e.trim().is_empty());
        Ok(())
    }

    fn groups(&self) -> Vec<String> {
        let mut groups: Vec<String> = Vec::new();
        for card in self.existing.iter().flat_map(|d| d.cards.iter()) {
            if let Body::Mcq {
                choices: Choices::Group(g),
                ..
            } = &card.body
                && !groups.contains(g)
            {
                groups.push(g.clone());
            }
        }
        groups
    }

    /// Every tag used in any deck in reach, sorted. Decks that do not load are skipped here:
    /// completion is a convenience, and the target deck is checked properly later.
    fn known_tags(&self) -> Vec<String> {
        let mut decks = builtin_decks().unwrap_or_default();
        for path in deck_files(&self.app.home.decks()).unwrap_or_default() {
            if let Ok(deck) = load_file(&path) {
                decks.push(deck);
            }
        }
        let mut tags: Vec<String> = decks
            .iter()
            .flat_map(|d| d.cards.iter())
            .chain(self.existing.iter().flat_map(|d| d.cards.iter()))
            .flat_map(|c| c.tags.iter().cloned())
            .collect();
        tags.sort();
        tags.dedup();
        tags
    }
}

/// The flag's value when given, else the user's answer; trimmed either way.
fn given_or(
    flag: &Option<String>,
    ask: impl FnOnce() -> Result<String, InquireError>,
) -> Result<String, Stop> {
    Ok(match flag {
        Some(value) => value.trim().to_owned(),
        None => ask()?.trim().to_owned(),
    })
}

/// Lines until an empty one; with `at_least_one`, the first may not be empty.
fn lines(label: &str, at_least_one: bool) -> Result<Vec<String>, Stop> {
    let mut out: Vec<String> = Vec::new();
    loop {
        let message = format!("{label} {} (empty line to finish):", out.len() + 1);
        let mut prompt = Text::new(&message);
        if at_least_one && out.is_empty() {
            prompt = prompt.with_validator(required);
        }
        let line = prompt.prompt()?;
        if line.trim().is_empty() {
            return Ok(out);
        }
        out.push(line.trim().to_owned());
    }
}

fn number(message: &str) -> Result<Option<i64>, Stop> {
    let typed = Text::new(message)
        .with_validator(positive_or_empty)
        .prompt()?;
    Ok(typed.trim().parse().ok())
}

/// Completes the word being typed from a fixed list: a tag (the last of several words, when
/// `several`), or a group name (the whole input).
#[derive(Clone)]
struct Completer {
    words: Vec<String>,
    several: bool,
}

impl Completer {
    fn words(words: Vec<String>, several: bool) -> Completer {
        Completer { words, several }
    }

    /// The input before the word being typed, and that word.
    fn split<'i>(&self, input: &'i str) -> (&'i str, &'i str) {
        if !self.several {
            return ("", input);
        }
        match input.rfind([',', ' ']) {
            Some(i) => input.split_at(i + 1),
            None => ("", input),
        }
    }

    fn matches(&self, input: &str) -> (String, Vec<&String>) {
        let (head, word) = self.split(input);
        let done: Vec<&str> = head
            .split([',', ' '])
            .map(str::trim)
            .filter(|w| !w.is_empty())
            .collect();
        let found = self
            .words
            .iter()
            .filter(|w| w.starts_with(word) && !done.contains(&w.as_str()))
            .collect();
        (head.to_owned(), found)
    }
}

impl Autocomplete for Completer {
    fn get_suggestions(&mut self, input: &str) -> Result<Vec<String>, CustomUserError> {
        let (_, word) = self.split(input);
        if word.is_empty() {
            return Ok(Vec::new());
        }
        let (head, found) = self.matches(input);
        Ok(found.into_iter().map(|w| format!("{head}{w}")).collect())
    }

    /// Tab: the highlighted suggestion, else the longest prefix all matches share.
    fn get_completion(
        &mut self,
        input: &str,
        highlighted: Option<String>,
    ) -> Result<Replacement, CustomUserError> {
        if highlighted.is_some() {
            return Ok(highlighted);
        }
        let (head, found) = self.matches(input);
        let Some(first) = found.first() else {
            return Ok(None);
        };
        let common = found.iter().fold(first.as_str(), |acc, w| {
            let len = acc
                .char_indices()
                .zip(w.chars())
                .take_while(|((_, a), b)| a == b)
                .last()
                .map_or(0, |((i, a), _)| i + a.len_utf8());
            &acc[..len]
        });
        let (_, word) = self.split(input);
        if common.len() <= word.len() {
            return Ok(None);
        }
        let end = if found.len() == 1 && self.several {
            " "
        } else {
            ""
        };
        Ok(Some(format!("{head}{common}{end}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags() -> Completer {
        Completer::words(
            vec![
                "editions".into(),
                "foundational-pacts".into(),
                "foundational-rules".into(),
                "partners".into(),
            ],
            true,
        )
    }

    #[test]
    fn tab_completes_a_unique_tag_prefix_and_adds_a_space() {
        let mut c = tags();
        assert_eq!(
            c.get_completion("editions par", None).unwrap(),
            Some("editions partners ".into())
        );
    }

    #[test]
    fn tab_completes_the_common_prefix_of_several_tags() {
        let mut c = tags();
        assert_eq!(
            c.get_completion("fo", None).unwrap(),
            Some("foundational-".into())
        );
        assert_eq!(c.get_completion("foundational-", None).unwrap(), None);
        assert_eq!(c.get_completion("zzz", None).unwrap(), None);
    }

    #[test]
    fn suggestions_leave_out_tags_already_typed() {
        let mut c = tags();
        assert_eq!(
            c.get_suggestions("partners,p").unwrap(),
            Vec::<String>::new()
        );
        assert_eq!(
            c.get_suggestions("partners e").unwrap(),
            vec!["partners editions".to_owned()]
        );
        assert!(c.get_suggestions("").unwrap().is_empty());
    }

    #[test]
    fn numbers_must_be_positive() {
        assert!(matches!(positive_or_empty("12"), Ok(Validation::Valid)));
        assert!(matches!(positive_or_empty(""), Ok(Validation::Valid)));
        assert!(matches!(
            positive_or_empty("-3"),
            Ok(Validation::Invalid(_))
        ));
    }
}
