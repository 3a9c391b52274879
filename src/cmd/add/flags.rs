//! A draft for scripts: one card from `smriti add` flags.
//!
//! Mistakes a flag can make (a flag the kind does not take, a required one missing) are
//! reported here by flag name; everything else is left to the deck parser, which sees the
//! cards exactly as they will be written.

use anyhow::{Result, bail};

use crate::app::DeckErrors;
use crate::cli::AddArgs;
use crate::deck::draft::Draft;
use crate::deck::{Kind, cloze};

/// Each card flag: its name, whether it is given, and the kinds that take it.
fn kind_flags(args: &AddArgs) -> [(&'static str, bool, &'static [Kind]); 11] {
    use Kind::*;
    [
        ("--q", args.q.is_some(), &[Basic, Typed, Mcq, Mains]),
        ("--a", args.a.is_some(), &[Basic, Typed, Mcq]),
        ("--accept", !args.accept.is_empty(), &[Typed]),
        ("--option", !args.options.is_empty(), &[Mcq]),
        ("--distractor", !args.distractors.is_empty(), &[Mcq]),
        ("--group", args.group.is_some(), &[Mcq]),
        ("--keep-order", args.keep_order, &[Mcq]),
        ("--text", args.text.is_some(), &[Cloze]),
        ("--point", !args.points.is_empty(), &[Mains]),
        ("--year", args.year.is_some(), &[Mains]),
        ("--word-limit", args.word_limit.is_some(), &[Mains]),
    ]
}

/// `--kind`, or the kind the given fields point to; `None` when nothing says (a question
/// alone fits four kinds, so it is not enough).
pub fn kind_hint(args: &AddArgs) -> Option<Kind> {
    let given = kind_flags(args)
        .iter()
        .any(|(flag, given, _)| *given && *flag != "--q");
    (args.kind.is_some() || given).then(|| kind_of(args))
}

/// `--kind`, else the kind the given fields point to, else basic.
fn kind_of(args: &AddArgs) -> Kind {
    if let Some(kind) = args.kind.as_deref().and_then(Kind::parse) {
        return kind;
    }
    if args.text.is_some() {
        Kind::Cloze
    } else if !args.points.is_empty() || args.year.is_some() || args.word_limit.is_some() {
        Kind::Mains
    } else if !args.options.is_empty() || !args.distractors.is_empty() || args.group.is_some() {
        Kind::Mcq
    } else if !args.accept.is_empty() {
        Kind::Typed
    } else {
        Kind::Basic
    }
}

pub fn trimmed(s: &Option<String>) -> Option<String> {
    s.as_ref().map(|s| s.trim().to_owned())
}

pub fn trimmed_all(list: &[String]) -> Vec<String> {
    list.iter().map(|s| s.trim().to_owned()).collect()
}

/// Tags without blanks or repeats, in the order given.
pub fn tidy_tags<'a>(tags: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for tag in tags.into_iter().map(str::trim).filter(|t| !t.is_empty()) {
        if !out.iter().any(|t| t == tag) {
            out.push(tag.to_owned());
        }
    }
    out
}

/// `YYYY-MM-DD`, as decks write `as_of`.
pub fn parse_as_of(s: &str) -> Result<toml_edit::Datetime> {
    match s.trim().parse::<toml_edit::Datetime>() {
        Ok(d) if d.date.is_some() && d.time.is_none() && d.offset.is_none() => Ok(d),
        _ => bail!("--as-of `{s}` is not a date; write it as YYYY-MM-DD"),
    }
}

/// Whether the flags describe a whole card, so there is nothing to ask.
pub fn complete(args: &AddArgs) -> bool {
    let kind = kind_of(args);
    let has_source = args.source.as_deref().is_some_and(|s| !s.trim().is_empty());
    let has_body = match kind {
        Kind::Basic | Kind::Typed => args.q.is_some() && args.a.is_some(),
        Kind::Mcq => {
            args.q.is_some()
                && args.a.is_some()
                && (!args.options.is_empty()
                    || !args.distractors.is_empty()
                    || args.group.is_some())
        }
        Kind::Cloze => args.text.is_some(),
        Kind::Mains => args.q.is_some() && !args.points.is_empty(),
    };
    has_source && has_body
}

/// The one card the flags describe.
pub fn from_flags(args: &AddArgs) -> Result<Draft> {
    let kind = kind_of(args);
    let mut problems = Vec::new();
    let takes: Vec<&str> = kind_flags(args)
        .iter()
        .filter(|(_, _, kinds)| kinds.contains(&kind))
        .map(|(flag, _, _)| *flag)
        .collect();
    for (flag, given, kinds) in kind_flags(args) {
        if given && !kinds.contains(&kind) {
            problems.push(format!(
                "{flag} does not apply to a {kind} card (it takes {})",
                takes.join(", ")
            ));
        }
    }
    let needs: &[(&str, bool)] = match kind {
        Kind::Basic | Kind::Typed | Kind::Mcq => {
            &[("--q", args.q.is_some()), ("--a", args.a.is_some())]
        }
        Kind::Cloze => &[("--text", args.text.is_some())],
        Kind::Mains => &[
            ("--q", args.q.is_some()),
            ("--point", !args.points.is_empty()),
        ],
    };
    for (flag, given) in needs {
        if !given {
            problems.push(format!("a {kind} card needs {flag}"));
        }
    }
    if kind == Kind::Mcq
        && args.options.is_empty()
        && args.distractors.is_empty()
        && args.group.is_none()
    {
        problems.push(
            "an mcq card needs its wrong options: --option (repeated, the answer among them), \
             --distractor (repeated) or --group"
                .to_owned(),
        );
    }
    if args.source.as_deref().is_none_or(|s| s.trim().is_empty()) {
        problems.push("--source is required: say where the fact comes from".to_owned());
    }
    if let Some(text) = &args.text {
        if let Some(at) = cloze::unclosed(text) {
            problems.push(format!(
                "--text has a `{{{{` that is never closed with `}}}}` (at character {})",
                text[..at].chars().count() + 1
            ));
        } else if cloze::gaps(text).is_empty() {
            problems.push("--text has no gaps; mark each with {{answer}}".to_owned());
        }
    }
    let as_of = match args.as_of.as_deref().map(parse_as_of).transpose() {
        Ok(d) => d,
        Err(e) => {
            problems.push(e.to_string());
            None
        }
    };
    if !problems.is_empty() {
        problems.push("nothing was written".to_owned());
        return Err(anyhow::Error::new(DeckErrors(problems)));
    }
    Ok(Draft {
        id: args
            .id
            .as_deref()
            .map(str::trim)
            .unwrap_or_default()
            .to_owned(),
        kind,
        q: trimmed(&args.q),
        a: trimmed(&args.a),
        accept: trimmed_all(&args.accept),
        options: trimmed_all(&args.options),
        distractors: trimmed_all(&args.distractors),
        group: trimmed(&args.group),
        shuffle: !args.keep_order,
        text: trimmed(&args.text),
        points: trimmed_all(&args.points),
        year: args.year,
        word_limit: args.word_limit,
        as_of,
        tags: tidy_tags(args.tags.iter().map(String::as_str)),
        source: trimmed(&args.source),
        explain: trimmed(&args.explain).filter(|e| !e.is_empty()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kind_follows_the_fields_given() {
        let mut args = AddArgs {
            text: Some("{{x}}".into()),
            ..AddArgs::default()
        };
        assert_eq!(kind_of(&args), Kind::Cloze);
        args.text = None;
        args.points = vec!["p".into()];
        assert_eq!(kind_of(&args), Kind::Mains);
        args.points.clear();
        args.group = Some("years".into());
        assert_eq!(kind_of(&args), Kind::Mcq);
        args.group = None;
        args.accept = vec!["x".into()];
        assert_eq!(kind_of(&args), Kind::Typed);
        args.accept.clear();
        assert_eq!(kind_of(&args), Kind::Basic);
    }

    #[test]
    fn as_of_must_be_a_plain_date() {
        assert!(parse_as_of("2024-03-01").is_ok());
        assert!(parse_as_of("2024-03-01T10:00:00Z").is_err());
        assert!(parse_as_of("March 2024").is_err());
    }

    #[test]
    fn tags_are_trimmed_and_not_repeated() {
        assert_eq!(tidy_tags([" a", "b", "a ", ""]), ["a", "b"]);
    }
}
