//! `smriti quiz`: today's session, a cram session or a mock paper, in the full-screen front
//! end when stdin and stdout are terminals (and `--plain` is not given), else line by line.

use std::io::Write;

use anyhow::{Result, bail};

use crate::app::{App, select};
use crate::cli::QuizArgs;
use crate::deck::rename::{self, read_store};
use crate::deck::{Card, DeckError, Kind, Library};
use crate::editor::{EditCard, Edited, ask_again};
use crate::exit::Exit;
use crate::quiz::input::SignalledStdin;
use crate::quiz::plain::{self, Deps, Ended};
use crate::quiz::queue::{self, Filter, Picked};
use crate::quiz::session::{Mode, Session};
use crate::quiz::summary::Summary;
use crate::quiz::{mock, plain_mock, tui};
use crate::schedule::Scheduler;
use crate::store::journal::Entry;
use crate::store::{Store, history, introduced_since, last};

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
    let (library, deck_ids) = app.library(&args.filter)?;
    let filter = Filter {
        decks: deck_ids,
        tags: crate::app::known_tags(&library, &args.tags)?,
        exam: args.exam.map(Into::into),
    };
    let mut cards = select(&library, |c| filter.matches(c));
    if args.mock.is_some() {
        cards.retain(|c| c.kind() == Kind::Mcq);
    }
    if cards.is_empty() && args.mock.is_some() {
        // A paper was asked for and none can be set: a script must not take that for one sat.
        bail!(
            "no MCQ cards match, so there is no paper to set (mains decks have none; check \
             --deck, --tag and --exam; `smriti decks` lists the decks)"
        );
    }
    if cards.is_empty() {
        writeln!(
            out,
            "No cards match (check --deck, --tag and --exam; `smriti decks` lists the decks)."
        )?;
        return Ok(Ended::Finished);
    }
    let sched = app.scheduler()?;
    let mut store = if args.cram {
        read_store(&app.home.state(), &library)?
    } else {
        let mut store = Store::open_write(&app.home.state())?;
        let store_ = &mut store;
        rename::carry(
            &library,
            &mut store_.cards,
            &mut store_.holds,
            rename::OldKeys::Keep,
        );
        store
    };
    let clock = app.time.clock();
    let terminal = !args.plain && crate::term::is_interactive();
    // Suspended cards, and buried ones until their study day ends, are for no session.
    cards.retain(|c| !is_held(&store, &c.key, clock.now_ms()));

    if let Some(n) = args.mock {
        let chosen = mock::choose((0..cards.len()).collect(), usize::from(n), app.seed);
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
        let mut session = Session::new(&library, cards, &store.cards, picked, Mode::Mock, app.seed);
        let (report, ended) = {
            let mut record = |e: &Entry| -> Result<()> { Ok(store.record(e)?) };
            if terminal {
                let deps = tui_deps(app, &library, &sched, &mut record, None);
                tui::run_mock(&mut session, deps)?
            } else {
                let deps = Deps {
                    sched: &sched,
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
    let mut session = if args.cram {
        let mut order = queue::pick_cram(&cards, &store.cards, &sched, &clock);
        if let Some(limit) = args.limit {
            order.truncate(limit as usize);
        }
        Session::cram(&library, cards, &store.cards, order, app.seed)
    } else {
        let day_start = clock.day_start_ms(clock.today());
        let introduced = introduced_since(&store.cards, day_start);
        let budget = app.budget()?.cards;
        let limits = queue::Limits {
            new: args
                .new_cards
                .unwrap_or_else(|| (app.config.new_per_day as usize).saturating_sub(introduced)),
            new_over_budget: args.new_cards.is_some(),
            today: budget.saturating_sub(queue::answered_since(&store.cards, day_start)),
            level: queue::level_for(budget, app.config.new_per_day as usize),
        };
        let goals = queue::Goals::new(&app.config, &clock);
        let mut picked = queue::pick(
            &cards,
            &store.cards,
            &sched,
            &clock,
            limits,
            &goals,
            app.config.new_order,
        );
        if let Some(limit) = args.limit {
            picked.truncate(limit as usize);
        }
        budget_note = picked.budget_note();
        // The previous session's last answer can be taken back once (if the journal cannot
        // be read for it, the session only goes without that); only the journal's tail is
        // read now, the state to return to when it is asked for. With nothing due, the full
        // screen still opens on its end screen for it: the answer may have been the day's
        // last card.
        let previous = last::undoable(&app.home.state()).ok().flatten();
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
        let mut session =
            Session::new(&library, cards, &store.cards, picked, Mode::Study, app.seed);
        if let Some(previous) = previous {
            store.allow_undo_of(&previous.key, previous.id);
            let dir = app.home.state();
            session.set_previous(previous, Box::new(move |p| last::before(&dir, p).ok()));
        }
        session
    };

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
                crate::cmd::edit::edit_card(app, &library, card, &files, &mut again)
            };
            let deps = tui_deps(app, &library, &sched, &mut record, Some(&mut edit));
            tui::run(&mut session, deps)?
        } else {
            let deps = Deps {
                sched: &sched,
                time: &app.time,
                record: &mut record,
            };
            plain::run(&mut session, deps, SignalledStdin::start()?, &mut *out)?
        }
    };

    finish(&mut store, app);
    let clock = app.time.clock();
    let streak = history::recent_streak(&app.home.state(), &clock).unwrap_or(0);
    // The store has applied every recorded answer, so its states are the ones to count.
    let summary = Summary::new(
        &session.outcomes,
        session.skipped,
        &store.cards,
        &clock,
        streak,
    );
    writeln!(out)?;
    write!(out, "{}", summary.render())?;
    if args.cram {
        writeln!(out, "(cram: the schedule was not changed)")?;
    }
    if let Some(note) = budget_note {
        writeln!(out, "{note}")?;
    }
    Ok(ended)
}

fn tui_deps<'a>(
    app: &'a App,
    library: &'a Library,
    sched: &'a Scheduler,
    record: &'a mut dyn FnMut(&Entry) -> Result<()>,
    edit: Option<&'a mut EditCard<'a>>,
) -> tui::Deps<'a> {
    tui::Deps {
        library,
        config: &app.config,
        sched,
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

/// Whether the card is kept out of study at `now` (suspended, or buried until later).
pub fn is_held(store: &Store, key: &str, now: crate::clock::Millis) -> bool {
    store.holds.get(key).is_some_and(|h| h.holds_at(now))
}

/// Refreshes the snapshot and backup; the journal already holds every answer, so a failure
/// here is only a warning.
fn finish(store: &mut Store, app: &App) {
    if let Err(e) = store.finish(&app.time.clock()) {
        eprintln!("smriti: warning: {}", crate::exit::chain(&e));
    }
}
