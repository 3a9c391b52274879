//! `smriti quiz`: today's session, a cram session or a mock paper, in the full-screen front
//! end when stdin and stdout are terminals (and `--plain` is not given), else line by line.

use std::io::Write;

use anyhow::{Result, bail};

use crate::app::App;
use crate::cli::QuizArgs;
use crate::clock::Millis;
use crate::cmd::asked;
use crate::deck::index::{Decoded, Index};
use crate::deck::rename::{self, OldKeys};
use crate::deck::{Card, DeckError, Kind, Library};
use crate::editor::{EditCard, Edited, ask_again};
use crate::exit::Exit;
use crate::quiz::input::SignalledStdin;
use crate::quiz::plain::{self, Deps, Ended};
use crate::quiz::queue::{self, Filter, Picked};
use crate::quiz::session::{Mode, Session};
use crate::quiz::summary::Summary;
use crate::quiz::{mock, plain_mock, tui};
use crate::schedule::{CardState, Scheduler};

use crate::store::journal::{Entry, Hold};
use crate::store::{Store, history, last};

/// Runs the quiz; says how it ended, so Ctrl-C can exit with 130 and SIGTERM with 143.
pub fn quiz(app: &App, args: &QuizArgs, out: &mut dyn Write) -> Result<Exit> {
    study(app, args, out).map(exit)
}

/// Quitting and running out of input end a session as finishing it does: every answer is kept.
fn exit(ended: Ended) -> Exit {
    match ended {
        Ended::Finished | Ended::Quit | Ended::EndOfInput => Exit::Success,
        Ended::Interrupted => Exit::Interrupted,
        Ended::Terminated => Exit::Terminated,
    }
}

fn study(app: &App, args: &QuizArgs, out: &mut dyn Write) -> Result<Ended> {
    // Cards are selected over the deck index; only those the session shows are decoded.
    let (index, deck_ids) = app.index(&args.filter)?;
    let filter = Filter {
        decks: deck_ids,
        tags: crate::app::known_tags_in(&index, &args.tags)?,
        exam: args.exam.map(Into::into),
    };
    let mut sel = index.matching(&filter.decks, &filter.tags, filter.exam);
    if args.mock.is_some() {
        sel.retain(|&i| index.kind(i) == Kind::Mcq);
    }
    if sel.is_empty() && args.mock.is_some() {
        // A paper was asked for and none can be set: a script must not take that for one sat.
        bail!(
            "no MCQ cards match, so there is no paper to set (mains decks have none; check \
             --deck, --tag and --exam; `smriti decks` lists the decks)"
        );
    }
    if sel.is_empty() {
        writeln!(
            out,
            "No cards match (check --deck, --tag and --exam; `smriti decks` lists the decks)."
        )?;
        return Ok(Ended::Finished);
    }
    let sched = app.scheduler()?;
    // A writing session keeps the old keys' states too: its snapshot must stay what the
    // journal says (see `rename::OldKeys`).
    let (mut store, old_keys) = if args.cram {
        (Store::open_read(&app.home.state())?, OldKeys::Drop)
    } else {
        (Store::open_write(&app.home.state())?, OldKeys::Keep)
    };
    {
        let store = &mut store;
        rename::carry_keys(
            index.renames(),
            &mut store.cards,
            &mut store.holds,
            old_keys,
        );
    }
    let clock = app.time.clock();
    let terminal = !args.plain && crate::term::is_interactive();
    // Each card's state and hold by its place, joined once: the selection looks none up by
    // key. It borrows the store's states, so it is gone before the first answer is recorded.
    let placed = index.join(&store.cards, &store.holds);
    // Suspended cards, and buried ones until their study day ends, are for no session. A
    // buried card is back tomorrow, so new cards are paced over it as `plan` and `stats`
    // pace them: its exam's unseen cards (or those introduced today) count it.
    let day_start = clock.day_start_ms(clock.today());
    let mut buried = Pacing::default();
    sel.retain(|&i| {
        let held = placed.is_held(i, clock.now_ms());
        if held && placed.hold(i) != Some(Hold::Suspended) {
            buried.count(queue::exam_slot(index.exam(i)), placed.get(i), day_start);
        }
        !held
    });
    let state = |p: usize| placed.get(sel[p]);
    let budget = app.budget()?.cards;
    let new_per_day = app.config.new_per_day as usize;
    let level = queue::level_for(budget, new_per_day);
    // The exam goals the cards are picked by (and the full screen's interval previews and both
    // front ends' "next review" show), each exam's target sized to its cards as `plan` sizes it.
    let sized_goals = || {
        asked::sized_goals(&app.config, &sched, &clock, budget, || {
            crate::cmd::plan::exam_cards(&index, &placed)
        })
    };

    if let Some(n) = args.mock {
        let chosen = mock::choose((0..sel.len()).collect(), usize::from(n), app.seed);
        let questions = chosen.len();
        if questions < usize::from(n) {
            writeln!(
                out,
                "Only {questions} MCQ cards match: the paper has {questions} questions."
            )?;
        }
        let picked = Picked {
            due: chosen,
            ..Picked::default()
        };
        let (decoded, picked) = decode(&index, &sel, picked, None)?;
        let cards = decoded.cards();
        let library = &decoded.library;
        let mut session = Session::new(library, cards, &store.cards, picked, Mode::Mock, app.seed);
        let (report, ended) = {
            let mut record = |e: &Entry| -> Result<()> { Ok(store.record(e)?) };
            if terminal {
                // A paper shows no interval previews (it is graded when handed in), so no
                // goals: sized ones would be worked out for nothing.
                let goals = queue::Goals::default();
                let deps = tui_deps(app, library, &sched, goals, &mut record, None);
                tui::run_mock(&mut session, deps)?
            } else {
                let deps = Deps {
                    sched: &sched,
                    goals: queue::Goals::default(),
                    time: &app.time,
                    record: &mut record,
                };
                plain_mock::run(&mut session, deps, SignalledStdin::start()?, &mut *out)?
            }
        };
        finish(&mut store, app);
        writeln!(out)?;
        write!(out, "{}", report.render())?;
        return Ok(ended);
    }

    let mut budget_note = None;
    let mut pace_notes = Vec::new();
    let mut previous = None;
    let goals;
    let (picked, mode) = if args.cram {
        // Cram records nothing, so it shows no previews; its `i` screen still names the day
        // the quiz will ask each card, as everywhere else.
        goals = sized_goals();
        let mut order = queue::pick_cram_by(sel.len(), state, &sched, &clock);
        if let Some(limit) = args.limit {
            order.truncate(limit as usize);
        }
        let picked = Picked {
            due: order,
            ..Picked::default()
        };
        (picked, Mode::Cram)
    } else {
        let answered = store.cards.answered_since(day_start);
        goals = sized_goals();
        // With `--new N` the user chose today's new cards: no pacing on top of them.
        let (pace, introduced_of) = if args.new_cards.is_some() {
            (queue::Paces::default(), [0; 2])
        } else {
            // The selected cards' (as `plan` paces them, buried ones too): what this session
            // introduces from, and each exam's cards already introduced today.
            let mut pacing = buried;
            for &i in &sel {
                pacing.count(queue::exam_slot(index.exam(i)), placed.get(i), day_start);
            }
            (
                goals.pace(pacing.unseen, new_per_day, &clock),
                pacing.introduced_today,
            )
        };
        let limits = queue::Limits {
            new: args
                .new_cards
                .unwrap_or_else(|| new_per_day.saturating_sub(answered.new)),
            new_over_budget: args.new_cards.is_some(),
            today: budget.saturating_sub(answered.cards),
            level,
            paced: pace.today(introduced_of),
        };
        let groups = queue::new_groups_by(
            sel.len(),
            |p| index.deck(sel[p]).id.as_str(),
            app.config.new_order,
        );
        // Each card's exam-serving due date, kept between runs: working it out for every
        // card is most of a start-up's time with an exam ahead.
        let dues = asked::dues(app, &index, &placed, &sel, &goals, &sched, &clock);
        let mut picked = queue::pick_placed(
            sel.len(),
            |p| index.exam(sel[p]),
            state,
            |p, _| dues[p],
            &groups,
            &sched,
            &clock,
            limits,
            &goals,
        );
        if let Some(limit) = args.limit {
            picked.truncate(limit as usize);
        }
        budget_note = picked.budget_note();
        // Told only where paced cards were added today.
        pace_notes = pace
            .iter()
            .filter(|p| picked.paced_of(p.exam) > 0)
            .map(|p| p.note(new_per_day))
            .collect();
        // The previous session's last answer can be taken back once (if the journal cannot
        // be read for it, the session only goes without that); only the journal's tail is
        // read now, the state to return to when it is asked for. With nothing due, the full
        // screen still opens on its end screen for it: the answer may have been the day's
        // last card.
        previous = last::undoable(&app.home.state()).ok().flatten();
        if picked.is_empty() && !(terminal && previous.is_some()) {
            match &budget_note {
                Some(note) => writeln!(out, "{note}")?,
                None => writeln!(
                    out,
                    "Nothing is due today. Practise anyway with `smriti quiz --cram`, or learn more with `--new N`."
                )?,
            }
            return Ok(Ended::Finished);
        }
        (picked, Mode::Study)
    };
    // The previous session's last card is decoded too, though not asked: undoing its answer
    // brings it back on screen.
    let previous_place = previous
        .as_ref()
        .and_then(|p| index.find(&p.key))
        .and_then(|place| sel.iter().position(|&i| i == place));
    let (decoded, picked) = decode(&index, &sel, picked, previous_place)?;
    let library = &decoded.library;
    let mut session = Session::new(
        library,
        decoded.cards(),
        &store.cards,
        picked,
        mode,
        app.seed,
    );
    if let Some(previous) = previous {
        store.allow_undo_of(&previous.key, previous.id);
        let dir = app.home.state();
        session.set_previous(previous, Box::new(move |p| last::before(&dir, p).ok()));
    }

    let ended = {
        let cram = args.cram;
        let mut record = |entry: &Entry| -> Result<()> {
            if !cram {
                store.record(entry)?;
            }
            Ok(())
        };
        // However the session ends (finished, quit, end of input), every answer is saved.
        if terminal {
            let files = deck_files_named(&args.filter);
            let mut edit = |card: &Card| -> Result<Edited> {
                let stdin = std::io::stdin();
                let mut again = |errors: &[DeckError]| {
                    ask_again(errors, &mut stdin.lock(), &mut std::io::stderr())
                };
                crate::cmd::edit::edit_card(app, library, card, &files, &mut again)
            };
            let deps = tui_deps(app, library, &sched, goals, &mut record, Some(&mut edit));
            tui::run(&mut session, deps)?
        } else {
            let deps = Deps {
                sched: &sched,
                goals,
                time: &app.time,
                record: &mut record,
            };
            plain::run(&mut session, deps, SignalledStdin::start()?, &mut *out)?
        }
    };

    finish(&mut store, app);
    let clock = app.time.clock();
    let streak = history::recent_streak(&app.home.state(), &clock).unwrap_or(0);
    // The store has applied every recorded answer, so its states are the ones to count, by
    // the day the quiz asks each card (see `cmd::asked`).
    let states = (&store.cards, &store.holds);
    let due_tomorrow = asked::due_tomorrow(app, &index, states, &sched, &clock, budget);
    let summary = Summary::new(&session.outcomes, session.skipped, due_tomorrow, streak);
    writeln!(out)?;
    write!(out, "{}", summary.render())?;
    if args.cram {
        writeln!(out, "(cram: the schedule was not changed)")?;
    }
    for note in pace_notes.into_iter().chain(budget_note) {
        writeln!(out, "{note}")?;
    }
    // The process ends right after: the index and 100k card states go back to the OS at once
    // rather than one allocation at a time. The store itself is dropped, releasing its lock.
    drop(session);
    std::mem::forget((index, decoded, std::mem::take(&mut store.cards)));
    Ok(ended)
}

fn tui_deps<'a>(
    app: &'a App,
    library: &'a Library,
    sched: &'a Scheduler,
    goals: queue::Goals,
    record: &'a mut dyn FnMut(&Entry) -> Result<()>,
    edit: Option<&'a mut EditCard<'a>>,
) -> tui::Deps<'a> {
    tui::Deps {
        library,
        sched,
        goals,
        time: &app.time,
        record,
        color: app.color,
        state_dir: app.home.state(),
        edit,
    }
}

/// The deck files `--deck` named (not ids): an edit checks them as the session loaded them.
fn deck_files_named(filter: &crate::cli::DeckFilter) -> Vec<std::path::PathBuf> {
    filter
        .decks
        .iter()
        .map(std::path::PathBuf::from)
        .filter(|p| p.is_file())
        .collect()
}

/// What new cards are paced over, per exam slot: cards not yet introduced, and cards
/// introduced today.
#[derive(Debug, Default, Clone, Copy)]
struct Pacing {
    unseen: [usize; 2],
    introduced_today: [usize; 2],
}

impl Pacing {
    fn count(&mut self, slot: usize, state: Option<CardState>, day_start: Millis) {
        match state {
            None => self.unseen[slot] += 1,
            Some(s) if s.intro >= day_start => self.introduced_today[slot] += 1,
            Some(_) => {}
        }
    }
}

/// Whether the card is kept out of study at `now` (suspended, or buried until later).
pub fn is_held(store: &Store, key: &str, now: crate::clock::Millis) -> bool {
    store.holds.get(key).is_some_and(|h| h.holds_at(now))
}

/// Decodes the cards `picked` holds (places in `sel`, the selected places of the index) and
/// renumbers it over the decoded cards, in the order `Picked::in_order` gives; `extra`, a
/// place not picked, is decoded after them.
fn decode(
    index: &Index,
    sel: &[usize],
    picked: Picked,
    extra: Option<usize>,
) -> Result<(Decoded, Picked)> {
    let order: Vec<usize> = picked.in_order().collect();
    let mut wanted: Vec<usize> = order.iter().map(|&p| sel[p]).collect();
    wanted.extend(extra.filter(|p| !order.contains(p)).map(|p| sel[p]));
    let decoded = index.library_of(&wanted)?;
    let mut at = vec![usize::MAX; sel.len()];
    for (k, &p) in order.iter().enumerate() {
        at[p] = k;
    }
    let renumbered = Picked {
        learning: picked
            .learning
            .iter()
            .map(|&(p, due)| (at[p], due))
            .collect(),
        due: picked.due.iter().map(|&p| at[p]).collect(),
        new: picked.new.iter().map(|&p| at[p]).collect(),
        ..picked
    };
    Ok((decoded, renumbered))
}

/// Refreshes the snapshot and backup; the journal already holds every answer, so a failure
/// here is only a warning.
fn finish(store: &mut Store, app: &App) {
    if let Err(e) = store.finish(&app.time.clock()) {
        eprintln!("smriti: warning: {}", crate::exit::chain(&e));
    }
}
