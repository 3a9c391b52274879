//! `smriti plan`: the road to each exam with a date ahead, by simulating the real scheduler
//! (see `plan`); `--budget N` shows what another daily budget would give.

use std::io::Write;

use anyhow::{Context, Result};

use crate::app::App;
use crate::budget::Budget;
use crate::cli::PlanArgs;
use crate::clock::Clock;
use crate::cmd;
use crate::deck::index::Index;
use crate::deck::rename;
use crate::deck::{Card, Library};
use crate::exit::Exit;
use crate::plan::{self, Plan, PlanCard, PlanInput, render};
use crate::quiz::queue::{self, Goals};
use crate::schedule::Scheduler;
use crate::stats::render::Look;
use crate::store::journal::Hold;
use crate::store::{Placed, States, Store};

pub fn plan(app: &App, args: &PlanArgs, out: &mut dyn Write) -> Result<Exit> {
    let (index, deck_ids) = app.index(&args.filter)?;
    // The simulation needs each card's key, exam and deck, which the index gives without
    // decoding a card.
    let mut places = index.matching(&deck_ids, &[], args.exam.map(Into::into));
    let mut store = Store::open_read(&app.home.state())?;
    rename::carry_indexed(&index, &mut store);
    let placed = index.join(&store.cards, &store.holds);
    places.retain(|&i| placed.hold(i) != Some(Hold::Suspended));
    let cards: Vec<PlanCard> = places
        .iter()
        .map(|&i| PlanCard::placed(&index, i))
        .collect();
    let exam_cards = exam_cards(&index, &placed);
    let clock = app.time.clock();
    let sched = app.scheduler()?;
    let configured = app.budget()?;
    let asked = args
        .budget
        .map(|n| Budget::with_cards(&app.config, n as usize, configured.secs_per_answer));
    // Today's due dates as the quiz asks them, kept between runs, for the simulation to start
    // from at the configured budget (another budget sizes other goals: worked out afresh,
    // without writing over the quiz's kept dates).
    let goals =
        cmd::asked::sized_goals(&app.config, &sched, &clock, configured.cards, || exam_cards);
    let kept = (goals != Goals::default())
        .then(|| cmd::asked::dues(app, &index, &placed, &places, &goals, &sched, &clock));
    let run = |budget: Budget| {
        let kept = kept
            .as_deref()
            .filter(|_| budget == configured)
            .map(|dues| (goals, dues));
        simulate(
            app,
            &cards,
            &store.cards,
            &sched,
            &clock,
            budget,
            exam_cards,
            kept,
        )
    };
    let shown = run(asked.unwrap_or(configured));
    if args.json {
        let text = serde_json::to_string_pretty(&shown).context("cannot serialise the plan")?;
        writeln!(out, "{text}")?;
        return Ok(Exit::Success);
    }
    let other = asked
        .filter(|a| a.cards != configured.cards)
        .map(|_| run(configured));
    write!(
        out,
        "{}",
        render::render(&shown, other.as_ref(), &Look::detect(app.color))
    )?;
    Ok(Exit::Success)
}

/// `plan`'s simulation of `cards` from today, for `plan` and the exam view of `stats`;
/// `exam_cards` as `exam_cards` counts them.
#[allow(clippy::too_many_arguments)]
pub fn simulate(
    app: &App,
    cards: &[PlanCard],
    states: &States,
    sched: &Scheduler,
    clock: &Clock,
    budget: Budget,
    exam_cards: [usize; 2],
    asked: Option<(Goals, &[crate::clock::Millis])>,
) -> Plan {
    let today = states.answered_since(clock.day_start_ms(clock.today()));
    plan::plan(&PlanInput {
        cards,
        states,
        sched,
        clock,
        config: &app.config,
        budget,
        answered_today: today.cards,
        introduced_today: today.new,
        exam_cards,
        seed: app.seed,
        runs: plan::RUNS,
        asked,
    })
}

/// How many cards of the whole library prepare for prelims and for mains, suspended ones left
/// out: what each exam's target and ordinary retention are sized to (`Goals::sized`), by the
/// quiz, `plan` and `stats` alike, whatever their filters select (`index` is every deck).
pub fn exam_cards(index: &Index, placed: &Placed) -> [usize; 2] {
    let mut n = [0; 2];
    for i in 0..index.len() {
        if placed.hold(i) != Some(Hold::Suspended) {
            n[queue::exam_slot(index.exam(i))] += 1;
        }
    }
    n
}

/// The exam goals of the exams ahead, sized as the quiz sizes them (`cmd::asked`): each to
/// every unsuspended card of the library that prepares for it (as `exam_cards` counts them),
/// at the run-up's level for today's budget, so a card's next review is the day the quiz
/// will ask it.
pub fn library_goals(
    app: &App,
    library: &Library,
    store: &Store,
    sched: &Scheduler,
    clock: &Clock,
) -> Result<Goals> {
    cmd::asked::app_goals(app, sched, clock, || {
        let mut cards = [0; 2];
        for c in library.cards() {
            if store.holds.get(&c.key) != Some(&Hold::Suspended) {
                cards[queue::exam_slot(c.exam)] += 1;
            }
        }
        cards
    })
}

/// The cards without the suspended ones, which no day will study (a buried card is only out
/// for the rest of today: the simulation keeps it), as the simulation takes them.
pub fn unsuspended<'c>(cards: &[&'c Card], store: &Store) -> Vec<PlanCard<'c>> {
    let suspended = |c: &Card| store.holds.get(&c.key) == Some(&Hold::Suspended);
    cards
        .iter()
        .filter(|c| !suspended(c))
        .map(|c| PlanCard::of(c))
        .collect()
}

/// Whether any selected card has an exam ahead, so that a simulation has something to show.
pub fn has_exam_ahead(app: &App, cards: &[&Card], clock: &Clock) -> bool {
    let goals = Goals::new(&app.config, clock);
    cards.iter().any(|c| goals.of(c.exam).is_some())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deck::index::load_index;
    use crate::store::Holds;
    use crate::store::journal::Hold;

    fn deck(id: &str, exam: &str, n: usize) -> String {
        let mut src = format!("[deck]\nid = \"{id}\"\nexam = \"{exam}\"\n");
        for i in 0..n {
            src.push_str(&format!(
                "[[card]]\nid = \"c{i}\"\nq = \"q{i}\"\na = \"a{i}\"\nsource = \"s\"\n"
            ));
        }
        src
    }

    #[test]
    fn exams_are_sized_to_every_unsuspended_card_of_the_library() {
        let home = tempfile::tempdir().unwrap();
        let decks = home.path().join("decks");
        std::fs::create_dir_all(&decks).unwrap();
        std::fs::write(decks.join("big.toml"), deck("big", "prelims", 30)).unwrap();
        std::fs::write(decks.join("small.toml"), deck("small", "prelims", 3)).unwrap();
        std::fs::write(decks.join("m.toml"), deck("m", "mains", 5)).unwrap();
        let (index, _) = load_index(&decks, &[], None).unwrap();
        let states = States::default();
        let mut holds = Holds::default();
        // The built-in decks are in the library too.
        let all = exam_cards(&index, &index.join(&states, &holds));
        assert!(all[0] >= 33 && all[1] >= 5, "{all:?}");
        // Suspended cards count for no exam; a buried one is back tomorrow and counts.
        holds.insert("big/c0".into(), Hold::Suspended);
        holds.insert("big/c1".into(), Hold::Suspended);
        holds.insert("m/c0".into(), Hold::Suspended);
        holds.insert("small/c0".into(), Hold::BuriedUntil(i64::MAX));
        assert_eq!(
            exam_cards(&index, &index.join(&states, &holds)),
            [all[0] - 2, all[1] - 1]
        );
    }
}
