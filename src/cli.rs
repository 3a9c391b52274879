//! The command line, as clap derives it. One `///` line per flag, stating its default.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::deck::Exam;

#[derive(Debug, Parser)]
#[command(
    name = "smriti",
    version,
    about = "Spaced-repetition flashcards for UPSC Civil Services aspirants"
)]
pub struct Cli {
    /// Folder for state, decks and config.toml [default: the platform's data and config folders]
    #[arg(long, global = true, env = "SMRITI_HOME", value_name = "DIR")]
    pub home: Option<PathBuf>,

    /// Fix the clock, as an RFC 3339 time (for tests and planning) [default: the system clock]
    #[arg(long, global = true, env = "SMRITI_NOW", value_name = "TIME")]
    pub now: Option<String>,

    /// When to use colour [default: auto, which honours NO_COLOR]
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExamArg {
    Prelims,
    Mains,
}

impl From<ExamArg> for Exam {
    fn from(e: ExamArg) -> Exam {
        match e {
            ExamArg::Prelims => Exam::Prelims,
            ExamArg::Mains => Exam::Mains,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Study today's cards: due reviews first, then new ones
    Quiz(QuizArgs),
    /// Validate decks (all decks in reach when no path is given)
    Check(CheckArgs),
    /// List decks with their card, new and due counts
    Decks(DeckFilter),
    /// Show weak topics, counts, the due forecast, a review heatmap and exam readiness
    Stats(StatsArgs),
}

/// Which decks to use: all of them unless narrowed.
#[derive(Debug, Args, Default, Clone)]
pub struct DeckFilter {
    /// Only this deck: an id, or a path to a deck file (repeatable) [default: all decks]
    #[arg(long = "deck", value_name = "PATH|ID")]
    pub decks: Vec<String>,
}

#[derive(Debug, Args)]
pub struct QuizArgs {
    #[command(flatten)]
    pub filter: DeckFilter,

    /// Only cards with this tag (repeatable) [default: all tags]
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,

    /// Only cards for this exam [default: both]
    #[arg(long, value_enum)]
    pub exam: Option<ExamArg>,

    /// Show at most N cards this session [default: no limit]
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,

    /// Introduce at most N new cards this session, instead of what is left of the daily limit
    #[arg(long = "new", value_name = "N")]
    pub new_cards: Option<usize>,

    /// Practise every matching card, weakest first, without changing the schedule [default: off]
    #[arg(long)]
    pub cram: bool,

    /// Line-by-line mode, also used when stdin is not a terminal [default: off]
    #[arg(long)]
    pub plain: bool,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Deck files to check [default: the built-in decks and every deck in <home>/decks]
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub struct StatsArgs {
    #[command(flatten)]
    pub filter: DeckFilter,

    /// Only cards with this tag (repeatable) [default: all tags]
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,

    /// Only cards for this exam [default: both]
    #[arg(long, value_enum)]
    pub exam: Option<ExamArg>,

    /// Print the figures as JSON (schema in the README) [default: text with charts]
    #[arg(long)]
    pub json: bool,
}
