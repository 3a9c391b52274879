//! `smriti search TEXT`: the cards whose text holds TEXT anywhere (question, answer, options,
//! cloze text, points, explanation, source, tags), ignoring case, accents and punctuation, one
//! line each with its key, kind, due date and recall now; exit 1 when none match, as `grep`.

use std::io::Write;

use anyhow::{Context, Result};
use serde::Serialize;

use crate::app::{App, known_tags};
use crate::cli::SearchArgs;
use crate::deck::rename::read_store;
use crate::deck::{Body, Card, Choices};
use crate::exit::Exit;
use crate::sanitize::clean_line;
use crate::schedule::Phase;
use crate::store::journal::Hold;

/// One matching card, as a line and as JSON.
#[derive(Debug, Serialize)]
pub struct Hit {
    pub key: String,
    pub kind: &'static str,
    /// The local date it is due by its stored schedule (plain FSRS's, which an exam ahead
    /// does not change), YYYY-MM-DD; `None` for a new card.
    pub due: Option<String>,
    /// The local date the quiz next asks it, YYYY-MM-DD: with its exam ahead, the day that
    /// serves the exam, else `due`; `None` for a new card. The line shows this one.
    pub next_review: Option<String>,
    /// Probability of recall now; `None` for a new card.
    pub recall: Option<f32>,
    /// `suspended` or `buried` when the card is kept out of study now; `None` otherwise.
    pub held: Option<&'static str>,
    pub prompt: String,
}

pub fn search(app: &App, args: &SearchArgs, out: &mut dyn Write) -> Result<Exit> {
    let (library, decks) = app.library(&args.filter)?;
    let tags = known_tags(&library, &args.tags)?;
    let text = args.text.join(" ");
    let wanted = fold(&text);
    let store = read_store(&app.home.state(), &library)?;
    let sched = app.scheduler()?;
    let clock = app.time.clock();
    let now = clock.now_ms();
    let goals = crate::cmd::plan::library_goals(app, &library, &store, &sched, &clock)?;
    let hits: Vec<Hit> = library
        .cards()
        .filter(|c| decks.is_empty() || decks.contains(&c.deck))
        .filter(|c| tags.iter().all(|t| c.has_tag(t)))
        .filter(|c| wanted.is_empty() || fields(c).any(|f| fold(f).contains(&wanted)))
        .map(|c| {
            let state = store.state(&c.key).filter(|s| s.phase != Phase::New);
            Hit {
                key: c.key.clone(),
                kind: c.kind().as_str(),
                due: state.map(|s| clock.study_day_ms(s.due).to_string()),
                next_review: state.map(|s| {
                    let asked = goals.due(&sched, &s, c.exam, &clock);
                    clock.study_day_ms(asked).to_string()
                }),
                recall: state.map(|s| (sched.retrievability(&s, now) * 100.0).round() / 100.0),
                held: match store.holds.get(&c.key) {
                    Some(h) if !h.holds_at(now) => None,
                    Some(Hold::Suspended) => Some("suspended"),
                    Some(Hold::BuriedUntil(_)) => Some("buried"),
                    _ => None,
                },
                prompt: c.prompt(),
            }
        })
        .collect();
    if args.json {
        let text = serde_json::to_string_pretty(&hits).context("cannot serialise the matches")?;
        writeln!(out, "{text}")?;
    } else if hits.is_empty() {
        writeln!(out, "No card matches `{}`.", clean_line(&text))?;
    } else {
        // Keys padded to the longest (up to 56 columns), so the other columns line up.
        let key_width = hits
            .iter()
            .map(|h| unicode_width::UnicodeWidthStr::width(clean_line(&h.key).as_str()))
            .max()
            .unwrap_or(0)
            .min(56);
        for hit in &hits {
            writeln!(out, "{}", line(hit, key_width))?;
        }
    }
    Ok(if hits.is_empty() {
        Exit::Failure
    } else {
        Exit::Success
    })
}

/// `key  kind  due  recall  prompt`, the key padded to `key_width` and the prompt cut so the
/// line fits 80 columns (unless the key alone is too long for that).
fn line(hit: &Hit, key_width: usize) -> String {
    let key = clean_line(&hit.key);
    let pad = key_width.saturating_sub(unicode_width::UnicodeWidthStr::width(key.as_str()));
    let head = format!(
        "{key}{}  {:<5}  {:<10}  {:>4}  ",
        " ".repeat(pad),
        hit.kind,
        // A held card shows why it is not asked in place of the day it is asked.
        hit.held.or(hit.next_review.as_deref()).unwrap_or("new"),
        hit.recall
            .map_or_else(|| "-".to_owned(), |r| format!("{:.0}%", r * 100.0)),
    );
    let room = 80usize.saturating_sub(unicode_width::UnicodeWidthStr::width(head.as_str()));
    format!("{head}{}", cut(&clean_line(&hit.prompt), room.max(10)))
}

/// `text` cut to `width` columns, with `…` when cut.
fn cut(text: &str, width: usize) -> String {
    use unicode_width::UnicodeWidthChar;
    if unicode_width::UnicodeWidthStr::width(text) <= width {
        return text.to_owned();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        used += w;
        out.push(c);
    }
    out.push('…');
    out
}

/// Every text of the card a search looks in.
fn fields(card: &Card) -> impl Iterator<Item = &str> {
    let mut f: Vec<&str> = vec![card.source.as_str()];
    f.extend(card.explain.as_deref());
    f.extend(card.tags.iter().map(String::as_str));
    match &card.body {
        Body::Basic { q, a } => f.extend([q.as_str(), a.as_str()]),
        Body::Typed { q, a, accept } => {
            f.extend([q.as_str(), a.as_str()]);
            f.extend(accept.iter().map(String::as_str));
        }
        Body::Mcq { q, a, choices } => {
            f.extend([q.as_str(), a.as_str()]);
            match choices {
                Choices::Options(o) | Choices::Distractors(o) | Choices::InOrder(o) => {
                    f.extend(o.iter().map(String::as_str));
                }
                Choices::Group(_) => {}
            }
        }
        Body::Cloze { text, .. } => f.push(text.as_str()),
        Body::Mains { q, points, .. } => {
            f.push(q.as_str());
            f.extend(points.iter().map(String::as_str));
        }
    }
    f.into_iter()
}

/// Lowercase ASCII letters and digits only: accents, case, punctuation and spacing fall away,
/// so "bharat ratna" finds "Bhārat-Ratna" and "lok sabhas" finds "Lok Sabhā's".
pub fn fold(text: &str) -> String {
    deunicode::deunicode(text)
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_drops_case_accents_and_punctuation() {
        assert_eq!(fold("Bhārat-Ratna, 2024!"), "bharatratna2024");
        assert!(fold("the Lok Sabhā's Speaker").contains(&fold("lok sabhas")));
    }

    #[test]
    fn a_long_prompt_is_cut_to_80_columns() {
        let hit = Hit {
            key: "d/c".into(),
            kind: "basic",
            due: None,
            next_review: None,
            recall: None,
            held: None,
            prompt: "word ".repeat(40),
        };
        let shown = line(&hit, 10);
        assert_eq!(unicode_width::UnicodeWidthStr::width(shown.as_str()), 80);
        assert!(shown.ends_with('…'));
    }
}
