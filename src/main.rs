//! The `smriti` command: parse the command line, run the command, map the result to an exit code.

use std::io::{self, Write};
use std::process::ExitCode;

use clap::Parser;

use smriti::cli::{Cli, Command};
use smriti::exit::{Exit, chain};
use smriti::{app, cmd, sanitize};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
        Ok(exit) => exit.into(),
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            let mut err = io::stderr().lock();
            for line in chain(e.as_ref()).lines() {
                let _ = writeln!(err, "smriti: {}", sanitize::clean_line(line));
            }
            ExitCode::FAILURE
        }
    }
}

fn run(cli: &Cli) -> anyhow::Result<Exit> {
    let mut out = io::stdout().lock();
    // Completions need no home, config or clock: they must work even when those are broken.
    if let Command::Completions { shell } = &cli.command {
        return cmd::completions::completions(*shell, &mut out);
    }
    // Paths need no clock or seed, and show where the config is even when it is invalid.
    if let Command::Paths(args) = &cli.command {
        let exit = cmd::paths::paths(cli, args, &mut out)?;
        out.flush()?;
        return Ok(exit);
    }
    let app = app::App::new(cli)?;
    let exit = match &cli.command {
        Command::Quiz(args) => cmd::quiz::quiz(&app, args, &mut out)?,
        Command::Check(args) => cmd::check::check(&app, args, &mut out, &mut io::stderr().lock())?,
        Command::Decks(filter) => cmd::decks::decks(&app, filter, &mut out)?,
        Command::Add(args) => cmd::add::add(&app, args, &mut out)?,
        Command::Stats(args) => cmd::stats::stats(&app, args, &mut out)?,
        Command::Plan(args) => cmd::plan::plan(&app, args, &mut out)?,
        Command::Optimize(args) => cmd::optimize::optimize(&app, args, &mut out)?,
        Command::Card(args) => cmd::card::card(&app, args, &mut out)?,
        Command::Search(args) => cmd::search::search(&app, args, &mut out)?,
        Command::Edit(args) => cmd::edit::edit(&app, args, &mut out)?,
        Command::Import(args) => cmd::import::import(&app, args, &mut out)?,
        Command::Export(args) => cmd::export::export(&app, args, &mut out)?,
        Command::Suspend(args) => cmd::hold::suspend(&app, args, &mut out)?,
        Command::Unsuspend(args) => cmd::hold::unsuspend(&app, args, &mut out)?,
        Command::Reset(args) => {
            let mut input = io::stdin().lock();
            cmd::hold::reset(&app, args, &mut input, &mut out)?
        }
        Command::Restore(args) => {
            let mut input = io::stdin().lock();
            cmd::restore::restore(&app, args, &mut input, &mut out)?
        }
        Command::Completions { .. } | Command::Paths(_) => Exit::Success,
    };
    out.flush()?;
    Ok(exit)
}

/// `smriti stats | head` closes the pipe early; that is not an error.
fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain()
        .filter_map(|c| c.downcast_ref::<io::Error>())
        .any(|io| io.kind() == io::ErrorKind::BrokenPipe)
}
