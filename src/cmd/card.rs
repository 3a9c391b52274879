//! `smriti card KEY`: everything about one card (where it is written, its source, every
//! answer and its memory now), as text or `--json`; an unknown key suggests the close ones.

use std::io::Write;

use anyhow::{Context, Result, bail};

use crate::app::App;
use crate::cli::{CardArgs, DeckFilter};
use crate::deck::{Card, Library};
use crate::exit::Exit;
use crate::info;
use crate::quiz::matching::edit_distance;
use crate::sanitize::clean_line;
use crate::store::{Store, history};

pub fn card(app: &App, args: &CardArgs, out: &mut dyn Write) -> Result<Exit> {
    let (library, _) = app.library(&DeckFilter::default())?;
    let Some(card) = library.cards().find(|c| c.key == args.key) else {
        let close = close_keys(&library, &args.key);
        if close.is_empty() {
            bail!(
                "no card has the key `{}` (keys are deck-id/card-id; `smriti search` finds cards)",
                args.key
            );
        }
        bail!(
            "no card has the key `{}`; did you mean: {}",
            args.key,
            close.join(", ")
        );
    };
    let origin = library
        .deck(&card.deck)
        .map(|d| d.origin.clone())
        .context("a card without its deck")?;
    let state_dir = app.home.state();
    let store = Store::open_read(&state_dir)?;
    let reviews = history::card_reviews(&state_dir, &card.key)?;
    let clock = app.time.clock();
    let mut info = info::build(
        card,
        &origin,
        store.state(&card.key),
        &reviews,
        &app.scheduler()?,
        &clock,
    );
    let hold = store.holds.get(&card.key).copied().unwrap_or_default();
    info.held = info::held(hold, &clock);
    if args.json {
        let text = serde_json::to_string_pretty(&info).context("cannot serialise the card")?;
        writeln!(out, "{text}")?;
    } else {
        for line in info::render(&info, true) {
            writeln!(out, "{line}")?;
        }
    }
    Ok(Exit::Success)
}

/// Up to five keys like `key`: those containing it or its card id, then the nearest by edits.
pub(crate) fn close_keys(library: &Library, key: &str) -> Vec<String> {
    let wanted = key.to_lowercase();
    let id = wanted.rsplit('/').next().unwrap_or(&wanted).to_owned();
    let mut scored: Vec<(usize, &Card)> = library
        .cards()
        .filter_map(|c| {
            let k = c.key.to_lowercase();
            let d = if k.contains(&wanted) || (!id.is_empty() && k.contains(&id)) {
                0
            } else {
                edit_distance(&k, &wanted)
            };
            (d <= 3.max(wanted.chars().count() / 4)).then_some((d, c))
        })
        .collect();
    scored.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.key.cmp(&b.1.key)));
    scored
        .into_iter()
        .take(5)
        .map(|(_, c)| clean_line(&c.key))
        .collect()
}
