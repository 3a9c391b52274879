//! `smriti stats`: weak topics first, then counts, the due forecast, the review heatmap and
//! where the user stands for each exam; `--json` prints the same data for scripts.

use std::io::Write;

use anyhow::{Context, Result};

use crate::app::App;
use crate::cli::StatsArgs;
use crate::clock::Clock;
use crate::cmd::asked;
use crate::deck::index::{Decoded, Index};
use crate::deck::rename;
use crate::exit::Exit;
use crate::plan::PlanPace;
use crate::quiz::queue::{self, Filter, Goals};
use crate::stats::cards::Indexed;
use crate::stats::render::{Look, render};
use crate::stats::{StatsInput, compute, window_days};
use crate::store::journal::Hold;
use crate::store::{Placed, Store, history};

/// Most selected cards for which `stats` runs `plan`'s simulation for its exam view.
pub const SIMULATE_UP_TO: usize = 5_000;

pub fn stats(app: &App, args: &StatsArgs, out: &mut dyn Write) -> Result<Exit> {
    // Counted over the deck index: no card is decoded but the few at-risk ones listed (and,
    // for a small selection, those `plan`'s simulation needs). The state is read on another
    // core meanwhile; its errors come after the decks' as before.
    let state_dir = app.home.state();
    let (indexed, store) = std::thread::scope(|s| {
        let store = s.spawn(|| Store::open_read(&state_dir));
        (app.index(&args.filter), store.join())
    });
    let (index, deck_ids) = indexed?;
    let filter = Filter {
        decks: deck_ids,
        tags: crate::app::known_tags_in(&index, &args.tags)?,
        exam: args.exam.map(Into::into),
    };
    let places = index.matching(&filter.decks, &filter.tags, filter.exam);
    if places.is_empty() && !args.json {
        writeln!(
            out,
            "No cards match (check --deck, --tag and --exam; `smriti decks` lists the decks)."
        )?;
        return Ok(Exit::Success);
    }
    let mut store = store.map_err(|_| anyhow::anyhow!("reading the state failed"))??;
    rename::carry_indexed(&index, &mut store);
    let clock = app.time.clock();
    // Only the recent reviews are read: counts over all time come from the card states.
    let history = history::read_recent(&state_dir, &clock, window_days())?;
    let sched = app.scheduler()?;
    // The simulation costs about a second per 10,000 cards: beyond this, `stats` stays quick
    // and leaves the figure to `smriti plan`.
    let simulate = places.len() <= SIMULATE_UP_TO;
    let decoded = if simulate {
        Some(index.library_of(&places)?)
    } else {
        None
    };
    let cards = decoded.as_ref().map(Decoded::cards).unwrap_or_default();
    // Each card's state by its place, joined once: no lookup by key per card.
    let placed = index.join(&store.cards, &store.holds);
    let plan = if simulate && crate::cmd::plan::has_exam_ahead(app, &cards, &clock) {
        let budget = app.budget()?;
        Some(crate::cmd::plan::simulate(
            app,
            &crate::cmd::plan::unsuspended(&cards, &store),
            &store.cards,
            &sched,
            &clock,
            budget,
            crate::cmd::plan::exam_cards(&index, &placed),
            None,
        ))
    } else {
        None
    };
    let pace = pace(app, &index, &places, &placed, &clock);
    // The day the quiz asks each selected card: what "due" counts by (see `cmd::asked`).
    let goals = asked::index_goals(app, &index, &placed, &sched, &clock)?;
    let asked_on = (goals != Goals::default())
        .then(|| asked::dues(app, &index, &placed, &places, &goals, &sched, &clock));
    let indexed = Indexed {
        index: &index,
        places: &places,
        placed: &placed,
    };
    let stats = compute(&StatsInput {
        cards: &indexed,
        states: &store.cards,
        holds: &store.holds,
        history: &history,
        whole_history: false,
        all_reviews: filter.decks.is_empty() && filter.tags.is_empty() && filter.exam.is_none(),
        sched: &sched,
        clock: &clock,
        config: &app.config,
        plan: plan.as_ref(),
        pace: &pace,
        asked: asked_on.as_deref(),
    });
    if args.json {
        // Serialised first, so a closed pipe surfaces as the io error main treats as success.
        let mut json = serde_json::to_value(&stats).context("cannot serialise the stats")?;
        // How many devices' journals the figures merge (see `store::devices`).
        json["devices"] = store.devices.into();
        let text = serde_json::to_string_pretty(&json).context("cannot serialise the stats")?;
        writeln!(out, "{text}")?;
    } else {
        write!(out, "{}", render(&stats, &Look::detect(app.color)))?;
        if store.devices > 1 {
            writeln!(
                out,
                "\nAnswers merged from {} devices' journals.",
                store.devices
            )?;
        }
    }
    // The process ends right after: freeing 100k cards and a million reviews one allocation
    // at a time would cost more than computing the stats, and the OS takes it all back at once.
    // The store was opened read-only, so it holds no lock to release.
    std::mem::forget(placed);
    std::mem::forget((index, store, history));
    Ok(Exit::Success)
}

/// New cards paced to their exams (`Goals::pace`) over the selected unseen cards, suspended
/// ones left out, as `plan` paces them: one pass, whether or not `plan`'s simulation ran.
fn pace(
    app: &App,
    index: &Index,
    places: &[usize],
    placed: &Placed,
    clock: &Clock,
) -> Vec<PlanPace> {
    let mut unseen = [0; 2];
    for &i in places {
        if placed.get(i).is_none() && placed.hold(i) != Some(Hold::Suspended) {
            unseen[queue::exam_slot(index.exam(i))] += 1;
        }
    }
    let goals = Goals::new(&app.config, clock);
    PlanPace::all(&goals.pace(unseen, app.config.new_per_day as usize, clock))
}
