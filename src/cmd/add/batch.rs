//! `smriti add --from-file`: a batch of `[[card]]` entries in the deck format. Every error is
//! located in the batch file itself, at its line and column, and all of them are listed: the
//! batch's own mistakes (bad TOML, a wrong type, an unknown kind) are found here card by card,
//! and the deck parser's verdict on the cards as they will be written is mapped back to the
//! field the user wrote.

use std::ops::Range;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde::Deserialize;
use toml::de::{DeTable, DeValue, ValueDeserializer};

use super::flags::{tidy_tags, trimmed, trimmed_all};
use crate::app::DeckErrors;
use crate::deck::draft::Draft;
use crate::deck::parse::{Locator, field_of};
use crate::deck::{DeckError, Kind};

/// A batch file read: its text and where each card and each of its keys are, to locate errors.
#[derive(Debug)]
pub struct Batch {
    path: PathBuf,
    text: String,
    cards: Vec<CardSpans>,
}

#[derive(Debug)]
struct CardSpans {
    start: usize,
    /// Each key of the card with the offset it starts at.
    keys: Vec<(String, usize)>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileCard {
    #[serde(default)]
    id: String,
    kind: Option<String>,
    q: Option<String>,
    a: Option<String>,
    #[serde(default)]
    accept: Vec<String>,
    #[serde(default)]
    options: Vec<String>,
    #[serde(default)]
    distractors: Vec<String>,
    group: Option<String>,
    shuffle: Option<bool>,
    text: Option<String>,
    #[serde(default)]
    points: Vec<String>,
    year: Option<i64>,
    word_limit: Option<i64>,
    as_of: Option<toml::value::Datetime>,
    #[serde(default)]
    tags: Vec<String>,
    source: Option<String>,
    explain: Option<String>,
}

/// Every card of a batch file, or every error in it; a `[deck]` table, if copied along from a
/// deck, is ignored.
pub fn read(path: &Path) -> Result<(Batch, Vec<Draft>)> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let locator = Locator::new(&text);
    let mut errors = Vec::new();
    let located = |span: Option<Range<usize>>, card: Option<&str>, message: String| {
        let (line, col) = locator.locate(span.map_or(0, |s| s.start));
        DeckError {
            path: path.display().to_string(),
            line,
            col,
            card: card.map(str::to_owned),
            message,
        }
    };
    let table = match DeTable::parse(&text) {
        Ok(table) => table.into_inner(),
        Err(e) => {
            errors.push(located(
                e.span(),
                None,
                format!("invalid TOML: {}", e.message().trim()),
            ));
            return Err(refusal(errors));
        }
    };
    let mut items = Vec::new();
    for (key, value) in table {
        match key.get_ref().as_ref() {
            "card" => match value.into_inner() {
                DeValue::Array(cards) => items.extend(cards),
                _ => errors.push(located(
                    Some(key.span()),
                    None,
                    "`card` must be an array of tables, written `[[card]]`".into(),
                )),
            },
            "deck" => {}
            other => errors.push(located(
                Some(key.span()),
                None,
                format!("unknown key `{other}`; a batch file holds `[[card]]` entries"),
            )),
        }
    }
    if items.is_empty() && errors.is_empty() {
        bail!(
            "{} has no `[[card]]` entries; nothing was written",
            path.display()
        );
    }
    let mut cards = Vec::new();
    let mut drafts = Vec::new();
    for item in items {
        let span = item.span();
        let table = item.get_ref().as_table();
        let keys = table
            .map(|t| {
                t.iter()
                    .map(|(k, _)| (k.get_ref().to_string(), k.span().start))
                    .collect()
            })
            .unwrap_or_default();
        let named = table
            .and_then(|t| t.get("id"))
            .and_then(|id| id.get_ref().as_str())
            .map(str::to_owned);
        let kind_span = table.and_then(|t| t.get("kind")).map(|k| k.span());
        cards.push(CardSpans {
            start: span.start,
            keys,
        });
        let card = match FileCard::deserialize(ValueDeserializer::from(item)) {
            Ok(card) => card,
            Err(e) => {
                let message = e.message().trim();
                let message = match field_of(&locator, e.span()) {
                    Some(field) if !message.contains(&format!("`{field}`")) => {
                        format!("`{field}`: {message}")
                    }
                    _ => message.to_owned(),
                };
                errors.push(located(e.span().or(Some(span)), named.as_deref(), message));
                continue;
            }
        };
        let kind = match card.kind.as_deref() {
            None => Kind::Basic,
            Some(k) => match Kind::parse(k) {
                Some(kind) => kind,
                None => {
                    errors.push(located(
                        kind_span.or(Some(span)),
                        named.as_deref(),
                        format!(
                            "unknown kind `{k}`; expected one of basic, typed, mcq, cloze, mains"
                        ),
                    ));
                    continue;
                }
            },
        };
        drafts.push(draft(card, kind));
    }
    if !errors.is_empty() {
        return Err(refusal(errors));
    }
    let batch = Batch {
        path: path.to_path_buf(),
        text,
        cards,
    };
    Ok((batch, drafts))
}

fn draft(card: FileCard, kind: Kind) -> Draft {
    Draft {
        id: card.id.trim().to_owned(),
        kind,
        q: trimmed(&card.q),
        a: trimmed(&card.a),
        accept: trimmed_all(&card.accept),
        options: trimmed_all(&card.options),
        distractors: trimmed_all(&card.distractors),
        group: trimmed(&card.group),
        shuffle: card.shuffle.unwrap_or(true),
        text: trimmed(&card.text),
        points: trimmed_all(&card.points),
        year: card.year,
        word_limit: card.word_limit,
        as_of: card.as_of,
        tags: tidy_tags(card.tags.iter().map(String::as_str)),
        source: trimmed(&card.source),
        explain: trimmed(&card.explain).filter(|e| !e.is_empty()),
    }
}

fn refusal(errors: Vec<DeckError>) -> anyhow::Error {
    let mut lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
    lines.push("nothing was written".to_owned());
    anyhow::Error::new(DeckErrors(lines))
}

impl Batch {
    /// The deck parser's errors on `combined` (the deck with the batch's cards appended), each
    /// new card's error moved to the batch file: to the key it names, else to the card.
    pub fn relocate(&self, combined: &str, errors: &[DeckError], deck: &Path) -> anyhow::Error {
        let in_deck = Locator::new(combined);
        let in_batch = Locator::new(&self.text);
        // The new cards were appended last, each rendered from a `[[card]]` line of its own.
        let headers: Vec<usize> = combined
            .lines()
            .enumerate()
            .filter(|(_, l)| l.trim() == "[[card]]")
            .map(|(i, _)| i + 1)
            .collect();
        let new = headers
            .len()
            .checked_sub(self.cards.len())
            .map_or(&[][..], |first| &headers[first..]);
        let mut lines: Vec<String> = errors
            .iter()
            .map(|e| {
                let Some(card) = new.iter().rposition(|&header| header <= e.line) else {
                    // An error in the deck's own cards (a group the batch made too small).
                    return e.to_string();
                };
                let start = in_deck.line_start(e.line);
                let field = field_of(&in_deck, Some(start..start));
                let spans = &self.cards[card];
                let at = field
                    .and_then(|f| spans.keys.iter().find(|(k, _)| *k == f))
                    .map_or(spans.start, |(_, at)| *at);
                let (line, col) = in_batch.locate(at);
                DeckError {
                    path: self.path.display().to_string(),
                    line,
                    col,
                    ..e.clone()
                }
                .to_string()
            })
            .collect();
        lines.push(format!("nothing was written to {}", deck.display()));
        anyhow::Error::new(DeckErrors(lines))
    }
}
