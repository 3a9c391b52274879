//! One file per subcommand, each with one entry function named for its verb.

pub mod add;
pub mod card;
pub mod check;
pub mod completions;
pub mod decks;
pub mod import;
pub mod optimize;
pub mod paths;
pub mod plan;
pub mod quiz;
pub mod restore;
pub mod search;
pub mod stats;
