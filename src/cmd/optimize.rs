//! `smriti optimize`: fits FSRS-6 to the user's own answers, shows how well the current and
//! the fitted parameters predict them, and saves the fitted ones to `config.toml` when they
//! predict better (not with `--dry-run`). With too little history it says how much more is
//! needed and changes nothing. `--log FILE` fits on another tool's review log instead.

pub(crate) mod progress;
pub mod write;

use std::io::Write;

use crate::exit::Exit;
use anyhow::{Result, anyhow};
use fsrs::FSRSError;
use rustc_hash::FxHashMap;

use crate::app::App;
use crate::cli::{DeckFilter, OptimizeArgs};
use crate::optimize::{self, Fit, MIN_ITEMS, Progress, Readiness};
use crate::store::history;

pub fn optimize(app: &App, args: &OptimizeArgs, out: &mut dyn Write) -> Result<Exit> {
    let clock = app.time.clock();
    let history = match &args.log {
        Some(path) => {
            let text = crate::import::read_text(path)?;
            let log =
                crate::import::history::read(path, &text).map_err(crate::import::ImportErrors)?;
            writeln!(
                out,
                "Fitting on the review log {} ({} reviews); nothing is imported.",
                path.display(),
                log.len()
            )?;
            crate::import::history::as_history(&log)
        }
        None => history::read(&app.home.state())?,
    };
    // Renamed cards (`was = [...]`) keep their answers under the old keys. Decks that do not
    // load only lose this joining: the history itself is still fitted.
    let index = match &args.log {
        None => app
            .index(&DeckFilter::default())
            .ok()
            .map(|(index, _)| index),
        Some(_) => None,
    };
    let renamed: FxHashMap<&str, &str> = index
        .iter()
        .flat_map(|index| index.renames().map(|(key, old)| (old, key)))
        .collect();
    let data = optimize::dataset_renamed(&history, &clock, &renamed);
    drop(history);
    let config_path = app.home.config.display();
    match optimize::readiness(&data) {
        Readiness::Ready => {}
        Readiness::TooFew { usable } => {
            writeln!(
                out,
                "Not enough history to fit your own parameters yet: the optimiser can use {usable}\n\
                 of your {} answers and needs at least {MIN_ITEMS}. An answer counts when its card was\n\
                 last answered on an earlier study day (and rare first gaps are set aside).\n\
                 Keep studying, about {} more such answers, and run `smriti optimize` again.\n\
                 Nothing was changed.",
                data.answers,
                MIN_ITEMS - usable,
            )?;
            return Ok(Exit::Success);
        }
        Readiness::NoLaterAnswers { usable } => {
            writeln!(
                out,
                "Not enough history to fit your own parameters yet: all {usable} usable answers\n\
                 are cards' first reviews after the day they were learned. The optimiser also\n\
                 needs cards reviewed again after that. Keep studying and run `smriti optimize`\n\
                 again. Nothing was changed."
            )?;
            return Ok(Exit::Success);
        }
    }
    writeln!(
        out,
        "Fitting FSRS-6 to {} answers of {} cards ({} after a gap of a day or more)…",
        data.answers,
        data.cards,
        data.len()
    )?;
    out.flush()?;
    let current = &app.config.fsrs_parameters;
    let progress = Progress::default();
    let fit = std::thread::scope(|s| {
        let worker = s.spawn(|| optimize::fit(&data, current, &progress));
        progress::watch(&progress, || worker.is_finished());
        worker.join()
    })
    .map_err(|_| anyhow!("the optimiser stopped unexpectedly; nothing was changed"))?;
    let fit = match fit {
        Ok(fit) => fit,
        Err(FSRSError::NotEnoughData) => {
            writeln!(
                out,
                "Not enough history to fit and test your own parameters yet. Keep studying and\n\
                 run `smriti optimize` again. Nothing was changed."
            )?;
            return Ok(Exit::Success);
        }
        Err(e) => {
            return Err(anyhow!(
                "the optimiser could not fit this history ({e:?}); nothing was changed"
            ));
        }
    };
    report(&fit, current.is_empty(), out)?;
    let params = format!("[fsrs] parameters = {}", parameters_list(&fit.parameters));
    if !fit.is_better() {
        writeln!(
            out,
            "The fitted parameters predict your answers no better than the current ones;\n\
             {config_path} was not changed."
        )?;
    } else if args.dry_run {
        writeln!(
            out,
            "The fitted parameters predict your answers better.\n{params}\n\
             --dry-run: {config_path} was not changed."
        )?;
    } else {
        write::write_parameters(&app.home.config, &fit.parameters)?;
        writeln!(
            out,
            "The fitted parameters predict your answers better. Saved to {config_path}:\n\
             {params}\nThe scheduler uses them from your next answer."
        )?;
    }
    Ok(Exit::Success)
}

fn report(fit: &Fit, defaults: bool, out: &mut dyn Write) -> Result<()> {
    let current = if defaults {
        "current (FSRS-6 defaults)"
    } else {
        "current (config.toml)"
    };
    writeln!(out)?;
    writeln!(out, "{:<27} {:>9} {:>12}", "", "log loss", "RMSE (bins)")?;
    for (name, m) in [(current, fit.before), ("fitted", fit.after)] {
        writeln!(
            out,
            "{name:<27} {:>9.4} {:>11.2}%",
            m.log_loss,
            m.rmse_bins * 100.0
        )?;
    }
    writeln!(
        out,
        "Scored on your last {} later-day answers (lower is better): the current parameters\n\
         as they are, the fitted ones in five rounds, each fitted only to the answers before\n\
         the ones it is scored on.\n",
        fit.scored
    )?;
    Ok(())
}

fn parameters_list(parameters: &[f32]) -> String {
    let items: Vec<String> = parameters.iter().map(|w| format!("{w:.4}")).collect();
    format!("[{}]", items.join(", "))
}
