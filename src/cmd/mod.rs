//! One file per subcommand, each with one entry function named for its verb.

pub mod add;
pub mod asked;
pub mod card;
pub mod check;
pub mod completions;
pub mod decks;
pub mod edit;
pub mod export;
pub mod hold;
pub mod import;
pub mod optimize;
pub mod paths;
pub mod plan;
pub mod quiz;
pub mod restore;
pub mod search;
pub mod stats;

/// Reads the answer to a `[y/N]` question: only `y` or `yes` (any case) is yes, so a stray
/// key or the end of input changes nothing.
pub(crate) fn confirmed(input: &mut dyn std::io::BufRead) -> std::io::Result<bool> {
    let mut reply = String::new();
    input.read_line(&mut reply)?;
    Ok(matches!(reply.trim().to_lowercase().as_str(), "y" | "yes"))
}
