//! `smriti completions SHELL`: a completion script for the shell, from the clap definition.

use std::io::Write;

use anyhow::Result;
use clap::CommandFactory;
use clap_complete::Shell;

use crate::cli::Cli;
use crate::exit::Exit;

pub fn completions(shell: Shell, out: &mut dyn Write) -> Result<Exit> {
    let mut cmd = Cli::command();
    clap_complete::generate(shell, &mut cmd, "smriti", out);
    Ok(Exit::Success)
}
