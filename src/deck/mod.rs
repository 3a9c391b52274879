//! The deck model: what a card is once its TOML has been read and checked.
//!
//! Parsing (with file, line and column for every error) lives in `parse`, the rules
//! `check` enforces in `rules` (and the warnings it gives in `lint`), cloze gap handling in
//! `cloze`, `as_of` dates in `dated`, and finding decks on disk or in the binary in `load`.
//! Adding cards (`draft`, `slug`, `edit`) writes a deck in place without disturbing the rest
//! of it. Everything here is plain data, so the
//! scheduler, the session and stats can work on it without knowing about files.

pub mod as_draft;
pub mod cache;
pub mod cloze;
pub mod dated;
pub mod draft;
pub mod edit;
pub mod fork;
pub mod index;
pub mod join_cache;
pub mod limits;
pub mod lint;
pub mod load;
pub mod parse;
pub mod patch;
pub mod rename;
pub mod rules;
pub mod slug;

use std::fmt;
use std::path::PathBuf;

pub use load::Library;

/// Which paper a deck prepares for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Exam {
    Prelims,
    Mains,
}

impl Exam {
    pub fn parse(s: &str) -> Option<Exam> {
        match s {
            "prelims" => Some(Exam::Prelims),
            "mains" => Some(Exam::Mains),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Exam::Prelims => "prelims",
            Exam::Mains => "mains",
        }
    }
}

impl fmt::Display for Exam {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a deck came from: compiled in, or a file the user owns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// A deck compiled into the binary; the name is its file name in `decks/`.
    Builtin(&'static str),
    File(PathBuf),
}

impl Origin {
    pub fn is_builtin(&self) -> bool {
        matches!(self, Origin::Builtin(_))
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Builtin(name) => write!(f, "decks/{name}"),
            Origin::File(path) => write!(f, "{}", path.display()),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Deck {
    pub id: String,
    pub name: String,
    pub exam: Exam,
    pub origin: Origin,
    pub cards: Vec<Card>,
    /// Set on a patch deck (`[deck] patches = "…"`): what it does to the deck it patches.
    /// Its cards carry that deck's id already; `patch::apply` merges them in on load.
    pub patch: Option<Patch>,
}

/// What a patch deck does besides replacing and adding cards: the cards it hides.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Patch {
    /// The id of the deck patched.
    pub target: String,
    /// The line of `patches = …`, for messages.
    pub line: usize,
    /// The ids of the patched deck's cards left out (`hidden = true`), each with the line of
    /// its entry, for messages.
    pub hidden: Vec<(String, usize)>,
}

/// One thing to recall. A cloze note with three gaps becomes three cards.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Card {
    /// `deck-id/card-id` (`deck-id/card-id#2` for a cloze gap): the identity progress is keyed by.
    pub key: String,
    /// The card's id within its deck, as written (without the gap suffix).
    pub id: String,
    pub deck: String,
    pub exam: Exam,
    pub tags: Vec<String>,
    pub source: String,
    pub explain: Option<String>,
    pub as_of: Option<String>,
    /// 1-based line of the card's `[[card]]` header, for messages.
    pub line: usize,
    pub body: Body,
    /// Ids the card had before (`was = [...]`): their progress is this card's (see `rename`).
    pub was: Vec<String>,
    /// The patch deck the card is written in, when it replaces or adds to another deck's
    /// cards: `line` is in that file, not in its deck's.
    pub patch_file: Option<PathBuf>,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub enum Body {
    Basic {
        q: String,
        a: String,
    },
    Typed {
        q: String,
        a: String,
        accept: Vec<String>,
    },
    Mcq {
        q: String,
        a: String,
        choices: Choices,
    },
    Cloze {
        text: String,
        /// 0-based index of the gap this card asks for.
        gap: usize,
    },
    Mains {
        q: String,
        year: Option<i64>,
        points: Vec<String>,
        word_limit: Option<i64>,
    },
}

/// Where an mcq's wrong options come from.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub enum Choices {
    /// The full list, the answer among them, shuffled each time.
    Options(Vec<String>),
    /// Only the wrong ones.
    Distractors(Vec<String>),
    /// The answers of the other mcq cards of this group in the same deck.
    Group(String),
    /// The full list, the answer among them, always shown in the order written
    /// (`shuffle = false`): UPSC's statement questions keep "1 only … Neither 1 nor 2" in order.
    InOrder(Vec<String>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Basic,
    Typed,
    Mcq,
    Cloze,
    Mains,
}

impl Kind {
    pub const ALL: [Kind; 5] = [
        Kind::Basic,
        Kind::Typed,
        Kind::Mcq,
        Kind::Cloze,
        Kind::Mains,
    ];

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Basic => "basic",
            Kind::Typed => "typed",
            Kind::Mcq => "mcq",
            Kind::Cloze => "cloze",
            Kind::Mains => "mains",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Card {
    pub fn kind(&self) -> Kind {
        match self.body {
            Body::Basic { .. } => Kind::Basic,
            Body::Typed { .. } => Kind::Typed,
            Body::Mcq { .. } => Kind::Mcq,
            Body::Cloze { .. } => Kind::Cloze,
            Body::Mains { .. } => Kind::Mains,
        }
    }

    /// The prompt as shown before the answer.
    pub fn prompt(&self) -> String {
        match &self.body {
            Body::Basic { q, .. }
            | Body::Typed { q, .. }
            | Body::Mcq { q, .. }
            | Body::Mains { q, .. } => q.clone(),
            Body::Cloze { text, gap } => cloze::render(text, Some(*gap)),
        }
    }

    /// The answer in one line (for mains, the points joined).
    pub fn answer(&self) -> String {
        match &self.body {
            Body::Basic { a, .. } | Body::Typed { a, .. } | Body::Mcq { a, .. } => a.clone(),
            Body::Cloze { text, gap } => cloze::gaps(text)
                .get(*gap)
                .map(|g| g.answer.to_string())
                .unwrap_or_default(),
            Body::Mains { points, .. } => points.join("; "),
        }
    }

    /// Tags match whatever their case: `--tag polity` finds cards tagged `Polity`.
    pub fn has_tag(&self, tag: &str) -> bool {
        let folded = |s: &str| s.chars().flat_map(char::to_lowercase).collect::<String>();
        let wanted = folded(tag);
        self.tags.iter().any(|t| t == tag || folded(t) == wanted)
    }
}

/// The line under a mains question: "UPSC 2019 · 250 words · 6 key points".
pub fn mains_meta(year: Option<i64>, word_limit: Option<i64>, points: usize) -> String {
    let mut meta = Vec::new();
    if let Some(y) = year {
        meta.push(format!("UPSC {y}"));
    }
    if let Some(w) = word_limit {
        meta.push(format!("{w} words"));
    }
    meta.push(format!(
        "{points} key point{}",
        if points == 1 { "" } else { "s" }
    ));
    meta.join(" · ")
}

/// An error in a deck, located in its file. Displays as `path:line:col: card "id": message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeckError {
    pub path: String,
    pub line: usize,
    pub col: usize,
    pub card: Option<String>,
    pub message: String,
}

impl fmt::Display for DeckError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: ", self.path, self.line, self.col)?;
        if let Some(card) = &self.card {
            write!(f, "card \"{card}\": ")?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for DeckError {}
