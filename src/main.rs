//! The `smriti` command: parse the command line, run the command, map the result to an exit code.

use std::io::{self, Write};
use std::process::ExitCode;

use clap::Parser;

use smriti::cli::{Cli, Command};
use smriti::{app, cmd, sanitize};

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    match run(&cli) {
        Ok(code) => code,
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            let mut err = io::stderr().lock();
            for line in message(&e).lines() {
                let _ = writeln!(err, "smriti: {}", sanitize::clean_line(line));
            }
            ExitCode::FAILURE
        }
    }
}

fn run(cli: &Cli) -> anyhow::Result<ExitCode> {
    let mut out = io::stdout().lock();
    // Completions need no home, config or clock: they must work even when those are broken.
    if let Command::Completions { shell } = &cli.command {
        cmd::completions::completions(*shell, &mut out)?;
        return Ok(ExitCode::SUCCESS);
    }
    let app = app::App::new(cli)?;
    match &cli.command {
        Command::Quiz(args) => {
            if cmd::quiz::quiz(&app, args, &mut out)? == cmd::quiz::Ended::Interrupted {
                out.flush()?;
                return Ok(ExitCode::from(130));
            }
        }
        Command::Check(args) => {
            if !cmd::check::check(&app, args, &mut out, &mut io::stderr().lock())? {
                return Ok(ExitCode::FAILURE);
            }
        }
        Command::Decks(filter) => cmd::decks::decks(&app, filter, &mut out)?,
        Command::Add(args) => match cmd::add::add(&app, args, &mut out)? {
            cmd::add::Outcome::Added => {}
            cmd::add::Outcome::Cancelled => return Ok(ExitCode::FAILURE),
            cmd::add::Outcome::Interrupted => return Ok(ExitCode::from(130)),
        },
        Command::Stats(args) => cmd::stats::stats(&app, args, &mut out)?,
        Command::Restore(args) => {
            let mut input = io::stdin().lock();
            if !cmd::restore::restore(&app, args, &mut input, &mut out)? && args.backup.is_some() {
                out.flush()?;
                return Ok(ExitCode::FAILURE);
            }
        }
        Command::Completions { .. } => {}
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// The error and its causes, each cause added only if the message does not already say it
/// (many errors name their cause in their own text).
fn message(e: &anyhow::Error) -> String {
    let mut text = e.to_string();
    for cause in e.chain().skip(1) {
        let cause = cause.to_string();
        if !text.contains(&cause) {
            text.push_str(": ");
            text.push_str(&cause);
        }
    }
    text
}

/// `smriti stats | head` closes the pipe early; that is not an error.
fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain()
        .filter_map(|c| c.downcast_ref::<io::Error>())
        .any(|io| io.kind() == io::ErrorKind::BrokenPipe)
}
