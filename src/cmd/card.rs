//! `smriti card KEY`: everything about one card (where it is written, its source, every
//! answer and its memory now), as text or `--json`; an unknown key suggests the close ones.

use std::io::Write;

use anyhow::{Context, Result, bail};

use crate::app::App;
use crate::cli::{CardArgs, DeckFilter};
use crate::deck::rename;
use crate::deck::{Card, Library};
use crate::exit::Exit;
use crate::info;
use crate::quiz::matching::edit_distance;
use crate::sanitize::clean_line;

pub fn card(app: &App, args: &CardArgs, out: &mut dyn Write) -> Result<Exit> {
    let (library, _) = app.library(&DeckFilter::default())?;
    let card = find(&library, &args.key)?;
    let origin = library
        .written_in(card)
        .context("a card without its deck")?;
    let state_dir = app.home.state();
    let store = rename::read_store(&state_dir, &library)?;
    let reviews = rename::reviews(&state_dir, card)?;
    let clock = app.time.clock();
    let sched = app.scheduler()?;
    let goals = crate::cmd::plan::library_goals(app, &library, &store, &sched, &clock)?;
    let mut info = info::build(
        card,
        &origin,
        store.state(&card.key).as_ref(),
        &reviews,
        &sched,
        &clock,
        goals.of(card.exam),
    );
    let hold = store.holds.get(&card.key).copied().unwrap_or_default();
    info.held = info::held(hold, &clock);
    info.devices = crate::store::history::card_history(&state_dir, &card.key)?.1;
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

/// The card of `key` (or of a key it had before a rename); an unknown key is an error that
/// suggests the close ones.
pub(crate) fn find<'l>(library: &'l Library, key: &str) -> Result<&'l Card> {
    if let Some(card) = rename::find(library, key) {
        return Ok(card);
    }
    let close = close_keys(library, key);
    if close.is_empty() {
        bail!(
            "no card has the key `{key}` (keys are deck-id/card-id; `smriti search` finds cards)"
        );
    }
    bail!(
        "no card has the key `{key}`; did you mean: {}",
        close.join(", ")
    );
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
