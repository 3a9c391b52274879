//! `smriti quiz`: today's session (or a cram session), in the plain line-by-line front end.

use std::io::Write;

use anyhow::Result;

use crate::app::{App, select};
use crate::cli::QuizArgs;
use crate::quiz::plain::{self, Deps};
use crate::quiz::queue::{self, Filter};
use crate::quiz::session::{Mode, Session};
use crate::quiz::summary::Summary;
use crate::store::{Store, history, introduced_since};

pub fn quiz(app: &App, args: &QuizArgs, out: &mut dyn Write) -> Result<()> {
    let (library, deck_ids) = app.library(&args.filter)?;
    let filter = Filter {
        decks: deck_ids,
        tags: args.tags.clone(),
        exam: args.exam.map(Into::into),
    };
    let cards = select(&library, |c| filter.matches(c));
    if cards.is_empty() {
        writeln!(
            out,
            "No cards match (check --deck, --tag and --exam; `smriti decks` lists the decks)."
        )?;
        return Ok(());
    }
    let sched = app.scheduler()?;
    let mut store = if args.cram {
        Store::open_read(&app.home.state())?
    } else {
        Store::open_write(&app.home.state())?
    };
    let clock = app.time.clock();
    let mut session = if args.cram {
        let mut order = queue::pick_cram(&cards, &store.cards, &sched, &clock);
        if let Some(limit) = args.limit {
            order.truncate(limit);
        }
        Session::cram(&library, cards, &store.cards, order, &app.config, app.seed)
    } else {
        let introduced = introduced_since(&store.cards, clock.day_start_ms(clock.today()));
        let new_allowed = args
            .new_cards
            .unwrap_or_else(|| (app.config.new_per_day as usize).saturating_sub(introduced));
        let mut picked = queue::pick(&cards, &store.cards, &sched, &clock, new_allowed);
        if let Some(limit) = args.limit {
            picked.truncate(limit);
        }
        if picked.is_empty() {
            writeln!(
                out,
                "Nothing is due today. Practise anyway with `smriti quiz --cram`, or learn more with `--new N`."
            )?;
            return Ok(());
        }
        Session::new(
            &library,
            cards,
            &store.cards,
            picked,
            &app.config,
            Mode::Study,
            app.seed,
        )
    };

    {
        let cram = args.cram;
        let mut record = |entry: &crate::store::journal::Entry| -> Result<()> {
            if !cram {
                store.record(entry)?;
            }
            Ok(())
        };
        let deps = Deps {
            sched: &sched,
            time: &app.time,
            record: &mut record,
        };
        // However the session ends (finished, quit, end of input), every answer is saved.
        plain::run(&mut session, deps, std::io::stdin().lock(), &mut *out)?;
    }

    let clock = app.time.clock();
    if let Err(e) = store.finish(&clock) {
        eprintln!("smriti: warning: {e}");
    }
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
    Ok(())
}
