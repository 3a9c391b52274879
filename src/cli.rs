//! The command line, as clap derives it. One `///` line per flag, stating its default.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::deck::Exam;

#[derive(Debug, Parser)]
#[command(
    name = "smriti",
    version,
    about = "Spaced-repetition flashcards for UPSC Civil Services aspirants",
    after_help = "Environment: SMRITI_HOME and SMRITI_NOW as --home and --now; SMRITI_SEED=N fixes \
                  all randomness (option order, interval fuzz); NO_COLOR turns colour off. A \
                  variable set to the empty string counts as unset."
)]
pub struct Cli {
    /// Folder for state, decks and config.toml [default: $SMRITI_HOME, else the platform's data and config folders]
    #[arg(long, global = true, value_name = "DIR")]
    pub home: Option<PathBuf>,

    /// Fix the clock, as an RFC 3339 time (for tests and planning) [default: $SMRITI_NOW, else the system clock]
    #[arg(long, global = true, value_name = "TIME")]
    pub now: Option<String>,

    /// When to use colour (auto honours NO_COLOR)
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
    /// Write a new card into one of your decks (asks for it in a terminal)
    Add(Box<AddArgs>),
    /// Show weak topics, counts, the due forecast, a review heatmap and exam readiness
    Stats(StatsArgs),
    /// Simulate the road to each exam: expected recall on the day and the daily load
    Plan(PlanArgs),
    /// Fit the scheduler's FSRS-6 parameters to your own answers and save them if they predict better
    Optimize(OptimizeArgs),
    /// Show everything about one card: where it is written, its source, every answer, its memory now
    Card(CardArgs),
    /// Open a card in $VISUAL/$EDITOR at its line (a built-in card: copied into your patch deck first); the deck is checked when the editor exits
    Edit(EditArgs),
    /// Find cards by any of their text, ignoring case, accents and punctuation (exit 1 if none match)
    Search(SearchArgs),
    /// Keep cards out of study (quiz, plan, decks' counts) until they are unsuspended
    Suspend(HoldArgs),
    /// Bring suspended cards back into study
    Unsuspend(HoldArgs),
    /// Forget cards: back to new, their answers kept in the history (asks first unless --yes)
    Reset(ResetArgs),
    /// Show where state, decks, config, backups and caches live, and the settings in effect
    Paths(PathsArgs),
    /// List the journal's backups, or put one back (the current journal is kept aside)
    Restore(RestoreArgs),
    /// Bring in cards: Anki packages (.apkg, .colpkg) with their history, Anki's text format, CSV
    /// or TSV; or a review log with --history
    Import(ImportArgs),
    /// Write your cards (CSV, or Anki's text format) or your review history (--history)
    Export(ExportArgs),
    /// Print a completion script for a shell (bash, zsh, fish, elvish, powershell)
    Completions {
        /// The shell to complete for
        shell: clap_complete::Shell,
    },
}

#[derive(Debug, Args)]
pub struct CardArgs {
    /// The card's key, deck-id/card-id (deck-id/card-id#N for a cloze gap), as `search` lists it
    pub key: String,
    /// Print it as JSON (schema in the README) [default: text]
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
#[command(
    after_help = "The editor is $VISUAL, else $EDITOR, else vi. When the deck has an error after the editor exits, it says which and asks whether to edit again; no puts the file back as it was (exit 1)."
)]
pub struct EditArgs {
    /// The card's key, deck-id/card-id (a cloze gap's deck-id/card-id#N opens its note), as `search` lists it
    pub key: String,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Exit status: 0 when a card matches, 1 when none does (as grep), 2 on a usage error."
)]
pub struct SearchArgs {
    /// Text to look for in every field (question, answer, options, cloze text, points, explanation, source, tags); several words are one text
    #[arg(required = true, num_args = 1..)]
    pub text: Vec<String>,

    #[command(flatten)]
    pub filter: DeckFilter,

    /// Only cards with this tag (repeatable) [default: all tags]
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,

    /// Print the matches as a JSON array (schema in the README) [default: one line per card]
    #[arg(long)]
    pub json: bool,
}

/// The cards `suspend`, `unsuspend` and `reset` act on: the keys given, and every card the
/// `--deck`/`--tag` selectors match.
#[derive(Debug, Args)]
pub struct HoldArgs {
    /// Card keys, deck-id/card-id (deck-id/card-id#N for a cloze gap), as `search` lists them [default: none]
    pub keys: Vec<String>,

    /// Also every card of this deck: an id, or a path to a deck file (repeatable; with --tag, the deck's cards with the tag) [default: none]
    #[arg(long = "deck", value_name = "PATH|ID")]
    pub decks: Vec<String>,

    /// Also every card with this tag (repeatable) [default: none]
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
}

#[derive(Debug, Args)]
pub struct ResetArgs {
    #[command(flatten)]
    pub cards: HoldArgs,

    /// Reset without asking first (needed when stdin is not a terminal) [default: ask]
    #[arg(long)]
    pub yes: bool,
}

#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// The backup to put back: its name or date as the list shows it [default: list them]
    pub backup: Option<String>,
    /// Restore without asking first
    #[arg(long)]
    pub yes: bool,
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

    /// Show at most N cards this session, N at least 1 [default: no limit]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub limit: Option<u32>,

    /// Introduce at most N new cards this session, instead of what is left of the daily limit
    #[arg(long = "new", value_name = "N")]
    pub new_cards: Option<usize>,

    /// Practise every matching card, weakest first, without changing the schedule [default: off]
    #[arg(long)]
    pub cram: bool,

    /// A mock prelims paper of N MCQs against the clock (72 s each), scored +2/-2/3 [default: off]
    #[arg(long, value_name = "N", conflicts_with = "cram", value_parser = clap::value_parser!(u16).range(1..))]
    pub mock: Option<u16>,

    /// Line-by-line mode, also used when stdin is not a terminal [default: off]
    #[arg(long)]
    pub plain: bool,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Deck files to check [default: the built-in decks and every deck in <home>/decks]
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Also list the cards whose `as_of` is older than MONTHS, oldest first [default: off; 12
    /// when given without a number]
    #[arg(long, value_name = "MONTHS", num_args = 0..=1, default_missing_value = "12", value_parser = months)]
    pub stale: Option<u32>,
}

/// `--stale`'s value. A deck path right after the flag lands here, so say where paths go.
fn months(s: &str) -> Result<u32, String> {
    s.parse()
        .map_err(|_| "expected a whole number of months; put deck paths before --stale".to_owned())
}

#[derive(Debug, Args, Default)]
pub struct AddArgs {
    /// Deck to add to: a deck id (created in <home>/decks if new) or a path [default: my-notes]
    #[arg(long, value_name = "PATH|ID")]
    pub deck: Option<String>,

    /// Exam of a deck this command creates [default: prelims]
    #[arg(long, value_enum)]
    pub exam: Option<ExamArg>,

    /// Card kind [default: guessed from the fields given, else basic]
    #[arg(long, value_parser = ["basic", "typed", "mcq", "cloze", "mains"])]
    pub kind: Option<String>,

    /// The question (basic, typed, mcq, mains)
    #[arg(long = "q", value_name = "TEXT")]
    pub q: Option<String>,

    /// The answer (basic, typed, mcq)
    #[arg(long = "a", value_name = "TEXT")]
    pub a: Option<String>,

    /// Another accepted answer of a typed card (repeatable)
    #[arg(long = "accept", value_name = "TEXT")]
    pub accept: Vec<String>,

    /// An option of an mcq, the answer among them (repeatable)
    #[arg(long = "option", value_name = "TEXT")]
    pub options: Vec<String>,

    /// A wrong option of an mcq (repeatable)
    #[arg(long = "distractor", value_name = "TEXT")]
    pub distractors: Vec<String>,

    /// Draw an mcq's wrong options from the answers of this group's cards
    #[arg(long, value_name = "NAME")]
    pub group: Option<String>,

    /// Show an mcq's --option entries in the order given, never shuffled [default: off]
    #[arg(long = "keep-order")]
    pub keep_order: bool,

    /// Cloze text with {{gaps}}
    #[arg(long, value_name = "TEXT")]
    pub text: Option<String>,

    /// A key point of a mains answer (repeatable)
    #[arg(long = "point", value_name = "TEXT")]
    pub points: Vec<String>,

    /// Year of a previous-year mains question
    #[arg(long, value_name = "N")]
    pub year: Option<i64>,

    /// Word limit of a mains answer
    #[arg(long = "word-limit", value_name = "N")]
    pub word_limit: Option<i64>,

    /// A tag (repeatable) [default: none]
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,

    /// Where the fact comes from
    #[arg(long, value_name = "TEXT")]
    pub source: Option<String>,

    /// Shown after answering [default: none]
    #[arg(long, value_name = "TEXT")]
    pub explain: Option<String>,

    /// The date a time-sensitive claim was true, YYYY-MM-DD [default: none]
    #[arg(long = "as-of", value_name = "DATE")]
    pub as_of: Option<String>,

    /// The card's id [default: made from the question]
    #[arg(long, value_name = "ID")]
    pub id: Option<String>,

    /// Add even if the deck already asks the same question [default: off]
    #[arg(long)]
    pub force: bool,

    /// Add every `[[card]]` of this TOML file, all or none
    #[arg(long = "from-file", value_name = "FILE", conflicts_with_all = [
        "kind", "q", "a", "accept", "options", "distractors", "group", "keep_order", "text", "points", "year",
        "word_limit", "tags", "source", "explain", "as_of", "id",
    ])]
    pub from_file: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct PathsArgs {
    /// Print them as JSON (schema in the README) [default: text]
    #[arg(long)]
    pub json: bool,
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

#[derive(Debug, Args)]
pub struct PlanArgs {
    #[command(flatten)]
    pub filter: DeckFilter,

    /// Only this exam [default: every exam with a date ahead]
    #[arg(long, value_enum)]
    pub exam: Option<ExamArg>,

    /// Plan at N cards a day instead of `max_reviews_per_day`, to see what it would give
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub budget: Option<u32>,

    /// Print the plan as JSON (schema in the README) [default: text with a chart]
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct OptimizeArgs {
    /// Fit and compare, but do not write config.toml [default: off]
    #[arg(long)]
    pub dry_run: bool,

    /// Fit on this review log (open-spaced-repetition CSV) instead of your own answers; nothing is imported [default: your journal]
    #[arg(long, value_name = "FILE")]
    pub log: Option<PathBuf>,
}

#[derive(Debug, Args)]
#[command(
    after_help = "FILE.apkg and FILE.colpkg are Anki packages: notes become cards (one deck file per \
                  Anki deck) and their review history is replayed. FILE.txt is Anki's text format (its #separator, #html, #guid column, … header lines are \
                  followed); FILE.csv and FILE.tsv name our fields in a header row (q,a,tags,source,kind,\
                  options,…), unless they start with Anki's header lines. With --history, FILE is a review \
                  log: card_key,review_time,review_rating[,review_duration]."
)]
pub struct ImportArgs {
    /// Put every card into this deck (created in <home>/decks if new) [default: the deck the file names (each Anki deck its own), else one named after the file]
    #[arg(long, value_name = "ID")]
    pub deck: Option<String>,

    /// Say what would be created, updated and skipped, and write nothing [default: off]
    #[arg(long)]
    pub dry_run: bool,

    /// FILE is a review log to put back onto your cards, whose states are rebuilt from it [default: off]
    #[arg(long, conflicts_with = "deck")]
    pub history: bool,

    /// The file to import
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// Our own fields, one card a row (`smriti import` reads it back)
    Csv,
    /// Anki's text format with a GUID column, for File > Import in Anki
    Anki,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// What to write the cards as
    #[arg(long, value_enum, default_value_t = ExportFormat::Csv)]
    pub format: ExportFormat,

    /// Only this deck, by id; built-in decks too (repeatable) [default: all your own decks]
    #[arg(long = "deck", value_name = "ID")]
    pub decks: Vec<String>,

    /// Write the review history (every answer, undone ones left out) as an open-spaced-repetition review log instead of cards [default: off]
    #[arg(long, conflicts_with_all = ["format", "decks"])]
    pub history: bool,

    /// The file to write (replaced if it exists; `.tsv` gives tab-separated CSV) [default: stdout]
    #[arg(value_name = "FILE")]
    pub file: Option<PathBuf>,
}
