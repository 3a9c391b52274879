//! `smriti restore`: the way back from a damaged or lost journal. Without an argument it
//! lists the backups (newest first) with their dates and answer counts, or what is wrong with
//! each; with one it puts that backup back as the journal after asking (or with `--yes`),
//! keeping the current journal aside in `backups/` so the restore itself can be undone.

use std::io::{BufRead, Write};
use std::path::PathBuf;

use anyhow::{Result, bail};

use crate::app::App;
use crate::cli::RestoreArgs;
use crate::exit::Exit;
use crate::store::Store;
use crate::store::backup::{self, Backup};

/// Whether the restore happened (false: listed, or the user said no).
pub fn restore(
    app: &App,
    args: &RestoreArgs,
    input: &mut dyn BufRead,
    out: &mut dyn Write,
) -> Result<Exit> {
    let dir = app.home.state();
    let clock = app.time.clock();
    let mut backups = backup::list(&dir);
    backups.reverse();
    let date = |b: &Backup| {
        b.modified
            .and_then(|t| jiff::Timestamp::try_from(t).ok())
            .map(|t| {
                t.to_zoned_datetime(clock.tz.clone())
                    .strftime("%Y-%m-%d %H:%M")
                    .to_string()
            })
            .unwrap_or_else(|| "date unknown".to_owned())
    };
    let name = |b: &Backup| {
        b.path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    let Some(wanted) = &args.backup else {
        if backups.is_empty() {
            writeln!(out, "No backups yet in {}.", dir.join("backups").display())?;
            return Ok(Exit::Success);
        }
        writeln!(
            out,
            "Backups in {}, newest first:",
            dir.join("backups").display()
        )?;
        for b in &backups {
            let verdict = match &b.verdict {
                Ok(n) => format!("{n} answers"),
                Err(reason) => format!("damaged: {reason}"),
            };
            writeln!(out, "  {:<28} {}  {verdict}", name(b), date(b))?;
        }
        writeln!(
            out,
            "`smriti restore NAME` puts one back (the current journal is kept aside)."
        )?;
        return Ok(Exit::Success);
    };
    let exact = backups.iter().find(|b| name(b) == *wanted);
    let partial: Vec<&Backup> = backups
        .iter()
        .filter(|b| name(b).contains(wanted.as_str()))
        .collect();
    if exact.is_none() && partial.len() > 1 {
        let names: Vec<String> = partial.iter().map(|b| name(b)).collect();
        bail!(
            "`{}` matches several backups ({}); give one whole name",
            crate::sanitize::clean(wanted),
            names.join(", ")
        );
    }
    let Some(chosen) = exact.or(partial.first().copied()) else {
        let names: Vec<String> = backups.iter().map(name).collect();
        bail!(
            "no backup `{}` in {} (there are: {})",
            crate::sanitize::clean(wanted),
            dir.join("backups").display(),
            if names.is_empty() {
                "none".to_owned()
            } else {
                names.join(", ")
            }
        );
    };
    let answers = match &chosen.verdict {
        Ok(n) => *n,
        Err(reason) => bail!(
            "{} does not read clean ({reason}); choose another backup",
            chosen.path.display()
        ),
    };
    let journal = Store::journal_path(&dir);
    let current = match backup::verify(&journal) {
        Ok(n) => format!("{n} answers"),
        Err(_) if !journal.exists() => "none yet".to_owned(),
        Err(reason) => reason,
    };
    let stamp = jiff::Timestamp::from_millisecond(clock.now_ms())
        .map(|t| t.strftime("%Y-%m-%dT%H%M%S").to_string())
        .unwrap_or_else(|_| clock.now_ms().to_string());
    // A second restore within the same second keeps both journals it replaced.
    let aside = (1..)
        .map(|n| match n {
            1 => format!("before-restore-{stamp}.tsv"),
            n => format!("before-restore-{stamp}-{n}.tsv"),
        })
        .find(|name| !dir.join("backups").join(name).exists())
        .unwrap_or_else(|| format!("before-restore-{stamp}.tsv"));
    if !args.yes {
        write!(
            out,
            "Put {} ({answers} answers, {}) back as the journal? The current one ({current}) is kept as backups/{aside}. [y/N] ",
            name(chosen),
            date(chosen)
        )?;
        out.flush()?;
        if !super::confirmed(input)? {
            writeln!(out, "Nothing changed.")?;
            return Ok(Exit::Failure);
        }
    }
    let kept: Option<PathBuf> = Store::restore(&dir, &chosen.path, &aside)?;
    writeln!(out, "Restored {} ({answers} answers).", name(chosen))?;
    if let Some(kept) = kept {
        writeln!(
            out,
            "The journal it replaced is kept as {}.",
            kept.display()
        )?;
    }
    Ok(Exit::Success)
}
