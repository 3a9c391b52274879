//! Reading a deck's TOML into the model, reporting every error with its file, line and column.
//!
//! The document is parsed once into toml's spanned tree; each `[[card]]` is then deserialized
//! on its own, so one bad card does not hide the errors of the others.

use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;
use toml::de::{DeTable, DeValue, ValueDeserializer};

use super::lint::{self, Lint};
use super::{
    Body, Card, Choices, Deck, DeckError, Exam, Kind, Origin, Patch, cloze, limits, rename, rules,
};

/// Turns byte offsets into 1-based line and column (columns count characters).
pub struct Locator<'a> {
    src: &'a str,
    line_starts: Vec<usize>,
}

impl<'a> Locator<'a> {
    pub fn new(src: &'a str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(src.match_indices('\n').map(|(i, _)| i + 1));
        Locator { src, line_starts }
    }

    /// The byte offset where a 1-based line begins (the end of the text past the last line).
    pub fn line_start(&self, line: usize) -> usize {
        line.checked_sub(1)
            .and_then(|i| self.line_starts.get(i))
            .copied()
            .unwrap_or(self.src.len())
    }

    pub fn locate(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.src.len());
        let line = self.line_starts.partition_point(|&s| s <= offset);
        let start = self.line_starts[line - 1];
        let col = self
            .src
            .get(start..offset)
            .map_or(1, |s| s.chars().count() + 1);
        (line, col)
    }
}

/// Collects errors for one file, and warnings when asked to lint.
struct Report<'a> {
    path: String,
    locator: Locator<'a>,
    errors: Vec<DeckError>,
    lint: Option<Lint>,
    warnings: Vec<DeckError>,
}

impl Report<'_> {
    fn located(
        &self,
        span: Option<Range<usize>>,
        card: Option<&str>,
        message: impl Into<String>,
    ) -> DeckError {
        let (line, col) = self.locator.locate(span.map_or(0, |s| s.start));
        DeckError {
            path: self.path.clone(),
            line,
            col,
            card: card.map(str::to_owned),
            message: message.into(),
        }
    }

    fn error(
        &mut self,
        span: Option<Range<usize>>,
        card: Option<&str>,
        message: impl Into<String>,
    ) {
        let e = self.located(span, card, message);
        self.errors.push(e);
    }

    fn warn(&mut self, span: Range<usize>, card: &str, message: impl Into<String>) {
        let w = self.located(Some(span), Some(card), message);
        self.warnings.push(w);
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHeader {
    id: Option<Spanned<String>>,
    name: Option<String>,
    exam: Option<Spanned<String>>,
    /// A patch deck names the deck it patches instead of having an id and exam of its own.
    patches: Option<Spanned<String>>,
    #[serde(default)]
    tags: Vec<String>,
    description: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawCard {
    id: Option<Spanned<String>>,
    kind: Option<Spanned<String>>,
    q: Option<Spanned<String>>,
    a: Option<Spanned<String>>,
    accept: Option<Spanned<Vec<String>>>,
    options: Option<Spanned<Vec<String>>>,
    distractors: Option<Spanned<Vec<String>>>,
    group: Option<Spanned<String>>,
    shuffle: Option<Spanned<bool>>,
    text: Option<Spanned<String>>,
    points: Option<Spanned<Vec<String>>>,
    year: Option<Spanned<i64>>,
    word_limit: Option<Spanned<i64>>,
    tags: Option<Vec<String>>,
    source: Option<Spanned<String>>,
    explain: Option<Spanned<String>>,
    as_of: Option<Spanned<toml::value::Datetime>>,
    was: Option<Spanned<Vec<String>>>,
    hidden: Option<Spanned<bool>>,
}

impl RawCard {
    /// The kind-specific fields present, with their spans, to refuse the ones a kind does not take.
    fn specific_fields(&self) -> Vec<(&'static str, Range<usize>)> {
        fn span<T>(f: &Option<Spanned<T>>) -> Option<Range<usize>> {
            f.as_ref().map(Spanned::span)
        }
        [
            ("q", span(&self.q)),
            ("a", span(&self.a)),
            ("accept", span(&self.accept)),
            ("options", span(&self.options)),
            ("distractors", span(&self.distractors)),
            ("group", span(&self.group)),
            ("shuffle", span(&self.shuffle)),
            ("text", span(&self.text)),
            ("points", span(&self.points)),
            ("year", span(&self.year)),
            ("word_limit", span(&self.word_limit)),
        ]
        .into_iter()
        .filter_map(|(name, s)| s.map(|s| (name, s)))
        .collect()
    }
}

fn allowed_fields(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::Basic => &["q", "a"],
        Kind::Typed => &["q", "a", "accept"],
        Kind::Mcq => &["q", "a", "options", "distractors", "group", "shuffle"],
        Kind::Cloze => &["text"],
        Kind::Mains => &["q", "points", "year", "word_limit"],
    }
}

/// A card id must survive being a key in the state file and part of `deck/card#N`.
pub fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 120
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// Parses and checks one deck file. On any error, returns all of them, in file order.
pub fn parse_deck(src: &str, origin: Origin) -> Result<Deck, Vec<DeckError>> {
    parse(src, origin, None).0
}

/// A deck, or every error in it; and the warnings about its valid cards.
pub type Linted = (Result<Deck, Vec<DeckError>>, Vec<DeckError>);

/// As `parse_deck`, with the warnings of `lint` about its valid cards (even when other
/// cards have errors), in file order.
pub fn parse_deck_linted(src: &str, origin: Origin, lint: Lint) -> Linted {
    parse(src, origin, Some(lint))
}

fn parse(src: &str, origin: Origin, lint: Option<Lint>) -> Linted {
    let mut report = Report {
        path: origin.to_string(),
        locator: Locator::new(src),
        errors: Vec::new(),
        lint,
        warnings: Vec::new(),
    };
    if let Some(too_large) = limits::file_too_large(src.len() as u64) {
        report.error(None, None, too_large);
        return (Err(report.errors), Vec::new());
    }
    if let Some(at) = limits::too_many_values(src) {
        report.error(
            Some(at..at + 1),
            None,
            format!(
                "the deck holds over {} values; split it into several decks",
                limits::MAX_VALUES
            ),
        );
        return (Err(report.errors), Vec::new());
    }
    let table = match DeTable::parse(src) {
        Ok(t) => t.into_inner(),
        Err(e) => {
            report.error(
                e.span(),
                None,
                format!("invalid TOML: {}", e.message().trim()),
            );
            return (Err(report.errors), Vec::new());
        }
    };

    let mut header = None;
    let mut raw_cards = Vec::new();
    for (key, value) in table {
        match key.get_ref().as_ref() {
            "deck" => header = read_header(value, &mut report),
            "card" => match value.into_inner() {
                DeValue::Array(items) => raw_cards.extend(items),
                _ => report.error(
                    Some(key.span()),
                    None,
                    "`card` must be an array of tables, written `[[card]]`",
                ),
            },
            other => report.error(
                Some(key.span()),
                None,
                format!(
                    "unknown key `{other}`; a deck has a `[deck]` table and `[[card]]` entries"
                ),
            ),
        }
    }
    let Some((header, deck_tags)) = header else {
        if report.errors.is_empty() {
            report.error(
                None,
                None,
                "missing the `[deck]` table (with `id`, `name` and `exam`)",
            );
        }
        return (Err(report.errors), Vec::new());
    };

    if let Some(extra) = raw_cards.get(limits::MAX_CARDS) {
        report.error(
            Some(extra.span()),
            None,
            format!(
                "a deck may hold at most {} cards; split it into several decks",
                limits::MAX_CARDS
            ),
        );
        return (Err(report.errors), Vec::new());
    }
    let mut cards = Vec::new();
    let mut hidden = Vec::new();
    let mut expanded = 0;
    // A map, not a list: a deck of 100k cards made this check quadratic (a minute to load).
    let mut seen_ids: std::collections::HashMap<String, Range<usize>> =
        std::collections::HashMap::new();
    for item in raw_cards {
        let span = item.span();
        let over = limits::check_card(&item);
        if !over.is_empty() {
            for (at, message) in over {
                let named = item.get_ref().as_table().and_then(|t| t.get("id"));
                let named = named
                    .and_then(|id| id.get_ref().as_str())
                    .map(str::to_owned);
                report.error(Some(at), named.as_deref(), message);
            }
            continue;
        }
        // Read before deserializing, so even a card with a wrong type in it is named, and its
        // id is taken: a later card reusing it is a duplicate whatever else is wrong.
        let id_value = item.get_ref().as_table().and_then(|t| t.get("id"));
        let named = id_value
            .and_then(|id| id.get_ref().as_str())
            .map(str::to_owned);
        let first_use = match (named.as_deref(), id_value) {
            (Some(id), Some(value)) if valid_id(id) => match seen_ids.get(id) {
                Some(first) => Some((first.start, value.span())),
                None => {
                    seen_ids.insert(id.to_owned(), value.span());
                    None
                }
            },
            _ => None,
        };
        if let (Some((first, at)), Some(id)) = (&first_use, &named) {
            let (line, _) = report.locator.locate(*first);
            report.error(
                Some(at.clone()),
                Some(id),
                format!("duplicate card id; it is already used on line {line}"),
            );
        }
        // In a patch deck, an entry with nothing but an id is most likely a mistyped id or
        // a forgotten `hidden = true`: neither replacing, adding nor hiding anything.
        let bare = item.get_ref().as_table().is_some_and(|t| t.len() == 1);
        if let (Some(id), true, true) = (&named, bare, header.patches.is_some()) {
            report.error(
                Some(span.clone()),
                Some(id),
                "an entry with only an `id` does nothing: give the whole card (to replace or \
                 add it) or `hidden = true` (to leave it out)",
            );
            continue;
        }
        let raw = match RawCard::deserialize(ValueDeserializer::from(item)) {
            Ok(raw) => raw,
            Err(e) => {
                let text = e.message().trim();
                let message = match field_of(&report.locator, e.span()) {
                    Some(field) if !text.contains(&format!("`{field}`")) => {
                        format!("`{field}`: {text}")
                    }
                    _ => text.to_owned(),
                };
                report.error(e.span().or(Some(span)), named.as_deref(), message);
                continue;
            }
        };
        let Some(id) = raw.id.clone() else {
            report.error(
                Some(span),
                None,
                "card has no `id` (a stable name, e.g. `id = \"lemoa-year\"`)",
            );
            continue;
        };
        if !valid_id(id.get_ref()) {
            report.error(
                Some(id.span()),
                Some(id.get_ref()),
                "a card id may only hold ASCII letters, digits, `-`, `_` and `.`",
            );
            continue;
        }
        if first_use.is_some() {
            continue;
        }
        let line = report.locator.locate(span.start).0;
        if let Some(flag) = &raw.hidden {
            if header.patches.is_none() {
                report.error(
                    Some(flag.span()),
                    Some(id.get_ref()),
                    "`hidden` only belongs in a patch deck (`[deck] patches = \"deck-id\"`), \
                     where it leaves out a card of the deck patched",
                );
                continue;
            }
            if *flag.get_ref() {
                // A hidden entry needs nothing but its id: whatever else it says is not shown.
                hidden.push((id.into_inner(), line));
                continue;
            }
        }
        if let Some(built) = build_card(raw, &header, &deck_tags, line, span.clone(), &mut report) {
            expanded += built.iter().map(limits::card_bytes).sum::<usize>();
            if expanded > limits::MAX_EXPANDED_BYTES {
                report.error(
                    Some(span),
                    Some(id.get_ref()),
                    format!(
                        "the deck's cards hold over {} MB of text once each cloze gap is its own card; split it into several decks",
                        limits::MAX_EXPANDED_BYTES / (1024 * 1024)
                    ),
                );
                return (Err(report.errors), Vec::new());
            }
            cards.extend(built);
        }
    }

    let patch = header.patches.clone().map(|(target, line)| Patch {
        target,
        line,
        hidden,
    });
    let deck = Deck {
        id: header.id,
        name: header.name,
        exam: header.exam,
        origin,
        cards,
        patch,
    };
    // A patch deck's groups and old ids are checked once it is merged into the deck it
    // patches (`patch::apply`): on its own it may hold one card of a group.
    let whole = if deck.patch.is_none() {
        rules::check_groups(&deck)
    } else {
        Vec::new()
    };
    for (line, card, message) in whole.into_iter().chain(rename::check(&deck)) {
        report.errors.push(DeckError {
            path: report.path.clone(),
            line,
            col: 1,
            card: Some(card),
            message,
        });
    }
    report.warnings.sort_by_key(|w| (w.line, w.col));
    if report.errors.is_empty() {
        (Ok(deck), report.warnings)
    } else {
        report.errors.sort_by_key(|e| (e.line, e.col));
        (Err(report.errors), report.warnings)
    }
}

/// The key of the `key = value` line an error points into, to name the field in the message.
pub(crate) fn field_of(locator: &Locator<'_>, span: Option<Range<usize>>) -> Option<String> {
    let at = span?.start;
    let line_start = locator.src[..at.min(locator.src.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let (key, _) = locator.src[line_start..].split_once('=')?;
    let key = key.trim();
    (!key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        .then(|| key.to_owned())
}

struct Header {
    id: String,
    name: String,
    exam: Exam,
    /// The deck patched and the line naming it, for a patch deck (whose `id` is then that
    /// deck's).
    patches: Option<(String, usize)>,
}

fn read_header(
    value: Spanned<DeValue<'_>>,
    report: &mut Report<'_>,
) -> Option<(Header, Vec<String>)> {
    let span = value.span();
    let raw = match RawHeader::deserialize(ValueDeserializer::from(value)) {
        Ok(raw) => raw,
        Err(e) => {
            report.error(
                e.span().or(Some(span)),
                None,
                format!("in `[deck]`: {}", e.message().trim()),
            );
            return None;
        }
    };
    let _ = raw.description;
    if let Some(target) = raw.patches {
        return read_patch_header(target, raw.id, raw.exam, raw.name, report)
            .map(|header| (header, raw.tags));
    }
    let (Some(id), Some(exam)) = (raw.id, raw.exam) else {
        report.error(
            Some(span),
            None,
            "in `[deck]`: a deck needs an `id` and an `exam` (or `patches = \"deck-id\"` to \
             patch another deck)",
        );
        return None;
    };
    if !valid_id(id.get_ref()) {
        report.error(
            Some(id.span()),
            None,
            "a deck id may only hold ASCII letters, digits, `-`, `_` and `.`",
        );
        return None;
    }
    let Some(parsed) = Exam::parse(exam.get_ref()) else {
        report.error(
            Some(exam.span()),
            None,
            format!(
                "unknown exam `{}`; expected \"prelims\" or \"mains\"",
                exam.get_ref()
            ),
        );
        return None;
    };
    let id = id.into_inner();
    let header = Header {
        name: raw.name.unwrap_or_else(|| id.clone()),
        id,
        exam: parsed,
        patches: None,
    };
    Some((header, raw.tags))
}

/// The header of a patch deck: it takes the id and exam of the deck it patches (its cards'
/// keys are that deck's), so it may not give its own.
fn read_patch_header(
    target: Spanned<String>,
    id: Option<Spanned<String>>,
    exam: Option<Spanned<String>>,
    name: Option<String>,
    report: &mut Report<'_>,
) -> Option<Header> {
    if let Some(field) = id
        .as_ref()
        .map(|f| ("id", f.span()))
        .or(exam.as_ref().map(|f| ("exam", f.span())))
    {
        report.error(
            Some(field.1),
            None,
            format!(
                "a patch deck takes its `{}` from the deck it patches (`{}`); remove it",
                field.0,
                target.get_ref()
            ),
        );
        return None;
    }
    if !valid_id(target.get_ref()) {
        report.error(
            Some(target.span()),
            None,
            "`patches` names a deck by its id, which holds only ASCII letters, digits, `-`, `_` and `.`",
        );
        return None;
    }
    let line = report.locator.locate(target.span().start).0;
    let target = target.into_inner();
    Some(Header {
        name: name.unwrap_or_else(|| format!("patches to {target}")),
        id: target.clone(),
        // Replaced by the patched deck's exam when the patch is applied.
        exam: Exam::Prelims,
        patches: Some((target, line)),
    })
}

fn build_card(
    raw: RawCard,
    header: &Header,
    deck_tags: &[String],
    line: usize,
    span: Range<usize>,
    report: &mut Report<'_>,
) -> Option<Vec<Card>> {
    let id = raw.id.clone().map(Spanned::into_inner).unwrap_or_default();
    let before = report.errors.len();
    let kind = match &raw.kind {
        None => Kind::Basic,
        Some(k) => match Kind::parse(k.get_ref()) {
            Some(kind) => kind,
            None => {
                report.error(
                    Some(k.span()),
                    Some(&id),
                    format!(
                        "unknown kind `{}`; expected one of basic, typed, mcq, cloze, mains",
                        k.get_ref()
                    ),
                );
                return None;
            }
        },
    };
    for (field, field_span) in raw.specific_fields() {
        if !allowed_fields(kind).contains(&field) {
            report.error(
                Some(field_span),
                Some(&id),
                format!(
                    "`{field}` does not belong on a {kind} card (it takes {})",
                    allowed_fields(kind).join(", ")
                ),
            );
        }
    }
    let source = match &raw.source {
        Some(s) if !s.get_ref().trim().is_empty() => s.get_ref().trim().to_owned(),
        Some(s) => {
            report.error(
                Some(s.span()),
                Some(&id),
                "`source` is empty; say where the fact comes from",
            );
            String::new()
        }
        None => {
            report.error(
                Some(span.clone()),
                Some(&id),
                "missing `source`: say where the fact comes from",
            );
            String::new()
        }
    };
    if let Some(as_of) = &raw.as_of
        && as_of.get_ref().date.is_none()
    {
        report.error(
            Some(as_of.span()),
            Some(&id),
            "`as_of` must be a date, e.g. `as_of = 2023-11-10`",
        );
    }
    let body = build_body(&raw, kind, &id, span, report);
    let was = old_ids(&raw, &id, report);
    if report.errors.len() > before {
        return None;
    }
    let body = body?;
    if let Some(lint) = report.lint {
        lint_card(&raw, &id, lint, report);
    }
    let mut tags: Vec<String> = deck_tags.to_vec();
    for tag in raw.tags.unwrap_or_default() {
        if !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    let template = Card {
        key: format!("{}/{}", header.id, id),
        id: id.clone(),
        deck: header.id.clone(),
        exam: header.exam,
        tags,
        source,
        explain: raw
            .explain
            .map(Spanned::into_inner)
            .filter(|e| !e.trim().is_empty()),
        as_of: raw.as_of.map(|d| d.into_inner().to_string()),
        line,
        body,
        was,
        patch_file: None,
    };
    Some(match &template.body {
        Body::Cloze { text, .. } => (0..cloze::gaps(text).len())
            .map(|gap| Card {
                key: format!("{}#{}", template.key, gap + 1),
                body: Body::Cloze {
                    text: text.clone(),
                    gap,
                },
                ..template.clone()
            })
            .collect(),
        _ => vec![template],
    })
}

/// The card's earlier ids (`was`), each a valid id other than its own, each once.
fn old_ids(raw: &RawCard, id: &str, report: &mut Report<'_>) -> Vec<String> {
    let Some(was) = &raw.was else {
        return Vec::new();
    };
    let mut ids: Vec<String> = Vec::new();
    for old in was.get_ref() {
        let old = old.trim();
        let problem = if !valid_id(old) {
            "holds an id that is not one (ASCII letters, digits, `-`, `_` and `.` only)"
        } else if old == id {
            "names the card's own id"
        } else if ids.iter().any(|i| i == old) {
            "names an id twice"
        } else {
            ids.push(old.to_owned());
            continue;
        };
        report.error(
            Some(was.span()),
            Some(id),
            format!("`was` {problem}: `{old}`; it lists the ids the card had before"),
        );
    }
    ids
}

/// Warns about a valid card's unreadable source and undated time-sensitive wording.
fn lint_card(raw: &RawCard, id: &str, lint: Lint, report: &mut Report<'_>) {
    if let Some(source) = &raw.source
        && let Some(file) = lint::file_like(source.get_ref())
    {
        report.warn(
            source.span(),
            id,
            format!(
                "`source` looks like a file name (`{file}`); name the publication and date \
                 instead, e.g. \"The Hindu, 30 Aug 2016\""
            ),
        );
    }
    if raw.as_of.is_some() {
        return;
    }
    let texts = [
        ("q", &raw.q),
        ("a", &raw.a),
        ("text", &raw.text),
        ("explain", &raw.explain),
    ];
    let mut fields: Vec<(&str, &str, Range<usize>)> = texts
        .into_iter()
        .filter_map(|(name, f)| f.as_ref().map(|f| (name, f.get_ref().as_str(), f.span())))
        .collect();
    if let Some(points) = &raw.points {
        fields.extend(
            points
                .get_ref()
                .iter()
                .map(|p| ("points", p.as_str(), points.span())),
        );
    }
    // One warning a field is enough to send the author to it.
    let mut warned: Vec<&str> = Vec::new();
    for (name, text, span) in fields {
        if warned.contains(&name) {
            continue;
        }
        if let Some(found) = lint::time_sensitive(text, lint) {
            warned.push(name);
            report.warn(
                span,
                id,
                format!(
                    "`{name}` says \"{found}\", which is true only at some time, but the card \
                     has no `as_of`; add the date it was true (`as_of = YYYY-MM-DD`)"
                ),
            );
        }
    }
}

fn required<'a, T>(
    field: &'a Option<Spanned<T>>,
    name: &str,
    kind: Kind,
    id: &str,
    span: &Range<usize>,
    report: &mut Report<'_>,
) -> Option<&'a Spanned<T>> {
    if field.is_none() {
        report.error(
            Some(span.clone()),
            Some(id),
            format!("a {kind} card needs `{name}`"),
        );
    }
    field.as_ref()
}

fn text_of(
    field: &Option<Spanned<String>>,
    name: &str,
    kind: Kind,
    id: &str,
    span: &Range<usize>,
    report: &mut Report<'_>,
) -> Option<String> {
    let value = required(field, name, kind, id, span, report)?;
    if value.get_ref().trim().is_empty() {
        report.error(Some(value.span()), Some(id), format!("`{name}` is empty"));
        return None;
    }
    Some(value.get_ref().trim().to_owned())
}

fn build_body(
    raw: &RawCard,
    kind: Kind,
    id: &str,
    span: Range<usize>,
    report: &mut Report<'_>,
) -> Option<Body> {
    match kind {
        Kind::Basic => {
            let q = text_of(&raw.q, "q", kind, id, &span, report);
            let a = text_of(&raw.a, "a", kind, id, &span, report);
            Some(Body::Basic { q: q?, a: a? })
        }
        Kind::Typed => {
            let q = text_of(&raw.q, "q", kind, id, &span, report);
            let a = text_of(&raw.a, "a", kind, id, &span, report);
            let accept = raw
                .accept
                .as_ref()
                .map(|a| a.get_ref().clone())
                .unwrap_or_default();
            Some(Body::Typed {
                q: q?,
                a: a?,
                accept,
            })
        }
        Kind::Mcq => {
            let q = text_of(&raw.q, "q", kind, id, &span, report);
            let a = text_of(&raw.a, "a", kind, id, &span, report);
            let choices = mcq_choices(raw, a.as_deref(), id, &span, report);
            Some(Body::Mcq {
                q: q?,
                a: a?,
                choices: choices?,
            })
        }
        Kind::Cloze => {
            let text = required(&raw.text, "text", kind, id, &span, report)?;
            if let Some(at) = cloze::unclosed(text.get_ref()) {
                report.error(Some(text.span()), Some(id), format!("cloze `text` has a `{{{{` at character {} that is never closed with `}}}}`", at + 1));
                return None;
            }
            let gaps = cloze::gaps(text.get_ref());
            if gaps.is_empty() {
                report.error(
                    Some(text.span()),
                    Some(id),
                    "cloze `text` has no gaps; mark each with `{{answer}}`",
                );
                return None;
            }
            if gaps.iter().any(|g| g.answer.is_empty()) {
                report.error(
                    Some(text.span()),
                    Some(id),
                    "cloze `text` has an empty gap `{{}}`",
                );
                return None;
            }
            Some(Body::Cloze {
                text: text.get_ref().trim().to_owned(),
                gap: 0,
            })
        }
        Kind::Mains => {
            let q = text_of(&raw.q, "q", kind, id, &span, report);
            let points = required(&raw.points, "points", kind, id, &span, report);
            if let Some(p) = points
                && (p.get_ref().is_empty() || p.get_ref().iter().any(|s| s.trim().is_empty()))
            {
                report.error(
                    Some(p.span()),
                    Some(id),
                    "`points` needs at least one key point, none empty",
                );
                return None;
            }
            for (name, field) in [("year", &raw.year), ("word_limit", &raw.word_limit)] {
                if let Some(v) = field
                    && *v.get_ref() <= 0
                {
                    report.error(
                        Some(v.span()),
                        Some(id),
                        format!("`{name}` must be a positive number"),
                    );
                    return None;
                }
            }
            Some(Body::Mains {
                q: q?,
                year: raw.year.as_ref().map(|y| *y.get_ref()),
                points: points?
                    .get_ref()
                    .iter()
                    .map(|p| p.trim().to_owned())
                    .collect(),
                word_limit: raw.word_limit.as_ref().map(|w| *w.get_ref()),
            })
        }
    }
}

fn mcq_choices(
    raw: &RawCard,
    a: Option<&str>,
    id: &str,
    span: &Range<usize>,
    report: &mut Report<'_>,
) -> Option<Choices> {
    let given = [
        raw.options.is_some(),
        raw.distractors.is_some(),
        raw.group.is_some(),
    ];
    if given.iter().filter(|g| **g).count() != 1 {
        report.error(
            Some(span.clone()),
            Some(id),
            "an mcq card needs exactly one of `options`, `distractors` or `group`",
        );
        return None;
    }
    let in_order = raw.shuffle.as_ref().filter(|s| !*s.get_ref());
    if let Some(shuffle) = in_order
        && raw.options.is_none()
    {
        report.error(
            Some(shuffle.span()),
            Some(id),
            "`shuffle = false` keeps the order of `options` as written; it needs `options`, \
             not `distractors` or `group`",
        );
        return None;
    }
    if let Some(options) = &raw.options {
        let list: Vec<String> = options
            .get_ref()
            .iter()
            .map(|o| o.trim().to_owned())
            .collect();
        if let Some(a) = a
            && !list.iter().any(|o| o == a)
        {
            let a_span = raw.a.as_ref().map(Spanned::span);
            report.error(
                a_span,
                Some(id),
                format!("mcq answer \"{a}\" is not among its options"),
            );
            return None;
        }
        if !rules::distinct(&list) || list.len() < 2 {
            report.error(
                Some(options.span()),
                Some(id),
                "`options` needs at least two different entries, each once",
            );
            return None;
        }
        return Some(if in_order.is_some() {
            Choices::InOrder(list)
        } else {
            Choices::Options(list)
        });
    }
    if let Some(distractors) = &raw.distractors {
        let list: Vec<String> = distractors
            .get_ref()
            .iter()
            .map(|o| o.trim().to_owned())
            .collect();
        if list.is_empty()
            || !rules::distinct(&list)
            || a.is_some_and(|a| list.iter().any(|d| d == a))
        {
            report.error(
                Some(distractors.span()),
                Some(id),
                "`distractors` needs at least one wrong option, each once, none equal to the answer",
            );
            return None;
        }
        return Some(Choices::Distractors(list));
    }
    let group = raw.group.as_ref()?;
    if group.get_ref().trim().is_empty() {
        report.error(Some(group.span()), Some(id), "`group` is empty");
        return None;
    }
    Some(Choices::Group(group.get_ref().trim().to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = "[deck]\nid = \"d\"\nname = \"D\"\nexam = \"prelims\"\ntags = [\"all\"]\n";

    fn parse(cards: &str) -> Result<Deck, Vec<DeckError>> {
        parse_deck(&format!("{HEAD}{cards}"), Origin::Builtin("d.toml"))
    }

    /// The single error of a deck, as displayed.
    fn error(cards: &str) -> String {
        let errors = parse(cards).expect_err("deck should be invalid");
        assert_eq!(errors.len(), 1, "{errors:?}");
        errors[0].to_string()
    }

    #[test]
    fn basic_cards_take_q_and_a_and_default_to_basic() {
        let d = parse("[[card]]\nid = \"c\"\nq = \"Q?\"\na = \"A\"\nsource = \"s\"\ntags = [\"x\"]\nexplain = \"why\"\nas_of = 2023-11-10\n").unwrap();
        let c = &d.cards[0];
        assert_eq!((c.key.as_str(), c.kind()), ("d/c", Kind::Basic));
        assert_eq!(c.tags, ["all", "x"]);
        assert_eq!(c.as_of.as_deref(), Some("2023-11-10"));
        assert_eq!((c.prompt(), c.answer()), ("Q?".to_owned(), "A".to_owned()));
        assert_eq!(c.line, 6);
    }

    #[test]
    fn typed_cards_keep_their_accepted_answers() {
        let d = parse("[[card]]\nid = \"t\"\nkind = \"typed\"\nq = \"Expand BECA\"\na = \"Basic Exchange and Cooperation Agreement\"\naccept = [\"BECA\"]\nsource = \"s\"\n").unwrap();
        let Body::Typed { accept, .. } = &d.cards[0].body else {
            panic!("not typed")
        };
        assert_eq!(accept, &["BECA"]);
    }

    #[test]
    fn mcq_cards_take_options_distractors_or_a_group() {
        let d = parse(concat!(
            "[[card]]\nid = \"o\"\nkind = \"mcq\"\nq = \"q\"\na = \"2016\"\noptions = [\"2016\", \"2018\"]\nsource = \"s\"\n",
            "[[card]]\nid = \"d\"\nkind = \"mcq\"\nq = \"q\"\na = \"2016\"\ndistractors = [\"2018\"]\nsource = \"s\"\n",
            "[[card]]\nid = \"g1\"\nkind = \"mcq\"\nq = \"q\"\na = \"2016\"\ngroup = \"years\"\nsource = \"s\"\n",
            "[[card]]\nid = \"g2\"\nkind = \"mcq\"\nq = \"q\"\na = \"2020\"\ngroup = \"years\"\nsource = \"s\"\n",
        ))
        .unwrap();
        let choices: Vec<_> = d
            .cards
            .iter()
            .map(|c| match &c.body {
                Body::Mcq { choices, .. } => choices.clone(),
                _ => panic!("not mcq"),
            })
            .collect();
        assert!(matches!(&choices[0], Choices::Options(o) if o.len() == 2));
        assert!(matches!(&choices[1], Choices::Distractors(o) if o == &["2018"]));
        assert!(matches!(&choices[2], Choices::Group(g) if g == "years"));
    }

    #[test]
    fn shuffle_false_keeps_an_mcqs_options_in_the_written_order() {
        let d = parse(concat!(
            "[[card]]\nid = \"s\"\nkind = \"mcq\"\nq = \"q\"\na = \"2 only\"\n",
            "options = [\"1 only\", \"2 only\", \"Both 1 and 2\"]\nshuffle = false\nsource = \"s\"\n",
            "[[card]]\nid = \"t\"\nkind = \"mcq\"\nq = \"q\"\na = \"2016\"\n",
            "options = [\"2016\", \"2018\"]\nshuffle = true\nsource = \"s\"\n",
        ))
        .unwrap();
        let choices: Vec<_> = d
            .cards
            .iter()
            .map(|c| match &c.body {
                Body::Mcq { choices, .. } => choices.clone(),
                _ => panic!("not mcq"),
            })
            .collect();
        assert!(
            matches!(&choices[0], Choices::InOrder(o) if o == &["1 only", "2 only", "Both 1 and 2"])
        );
        assert!(matches!(&choices[1], Choices::Options(_)));
    }

    #[test]
    fn shuffle_false_needs_options_and_an_mcq() {
        let e = error(
            "[[card]]\nid = \"c\"\nkind = \"mcq\"\nq = \"q\"\na = \"a\"\ndistractors = [\"b\"]\nshuffle = false\nsource = \"s\"\n",
        );
        assert!(
            e.starts_with("decks/d.toml:12:11: card \"c\": `shuffle = false`"),
            "{e}"
        );
        assert!(e.contains("needs `options`"), "{e}");
        let e =
            error("[[card]]\nid = \"c\"\nq = \"q\"\na = \"a\"\nshuffle = false\nsource = \"s\"\n");
        assert!(
            e.contains("10:11: card \"c\": `shuffle` does not belong on a basic card"),
            "{e}"
        );
    }

    #[test]
    fn a_cloze_note_becomes_one_card_per_gap() {
        let d = parse("[[card]]\nid = \"z\"\nkind = \"cloze\"\ntext = \"{{LEMOA}}, {{COMCASA}}, {{BECA}}\"\nsource = \"s\"\n").unwrap();
        let keys: Vec<_> = d.cards.iter().map(|c| c.key.as_str()).collect();
        assert_eq!(keys, ["d/z#1", "d/z#2", "d/z#3"]);
        assert_eq!(d.cards[1].prompt(), "LEMOA, […], BECA");
        assert_eq!(d.cards[1].answer(), "COMCASA");
        assert!(d.cards.iter().all(|c| c.id == "z"));
    }

    #[test]
    fn mains_cards_take_points_year_and_word_limit() {
        let d = parse("[[card]]\nid = \"m\"\nkind = \"mains\"\nq = \"Discuss.\"\nyear = 2019\nword_limit = 250\npoints = [\"one\", \"two\"]\nsource = \"s\"\n").unwrap();
        let Body::Mains {
            year,
            points,
            word_limit,
            ..
        } = &d.cards[0].body
        else {
            panic!("not mains")
        };
        assert_eq!(
            (*year, points.len(), *word_limit),
            (Some(2019), 2, Some(250))
        );
    }

    #[test]
    fn an_mcq_answer_missing_from_its_options_is_located_at_the_answer() {
        let e = error(
            "[[card]]\nid = \"lemoa-year\"\nkind = \"mcq\"\nq = \"q\"\na = \"2016\"\noptions = [\"2018\", \"2020\"]\nsource = \"s\"\n",
        );
        assert_eq!(
            e,
            "decks/d.toml:10:5: card \"lemoa-year\": mcq answer \"2016\" is not among its options"
        );
    }

    #[test]
    fn each_error_names_its_place_and_what_was_expected() {
        let cases = [
            (
                "[[card]]\nid = \"c\"\nkind = \"quiz\"\nq = \"q\"\na = \"a\"\nsource = \"s\"\n",
                "8:8",
                "unknown kind `quiz`; expected one of basic",
            ),
            (
                "[[card]]\nid = \"c\"\nq = \"q\"\na = \"a\"\noptions = [\"a\"]\nsource = \"s\"\n",
                "10:11",
                "`options` does not belong on a basic card",
            ),
            (
                "[[card]]\nid = \"c\"\nkind = \"typed\"\nq = \"q\"\nsource = \"s\"\n",
                "6:1",
                "a typed card needs `a`",
            ),
            (
                "[[card]]\nid = \"c\"\nq = \"  \"\na = \"a\"\nsource = \"s\"\n",
                "8:5",
                "`q` is empty",
            ),
            (
                "[[card]]\nid = \"c\"\nkind = \"mcq\"\nq = \"q\"\na = \"a\"\noptions = [\"a\", \"b\"]\ngroup = \"g\"\nsource = \"s\"\n",
                "6:1",
                "exactly one of `options`, `distractors` or `group`",
            ),
            (
                "[[card]]\nid = \"c\"\nkind = \"mcq\"\nq = \"q\"\na = \"a\"\ndistractors = [\"a\"]\nsource = \"s\"\n",
                "11:15",
                "none equal to the answer",
            ),
            (
                "[[card]]\nid = \"c\"\nkind = \"cloze\"\ntext = \"no gaps here\"\nsource = \"s\"\n",
                "9:8",
                "has no gaps",
            ),
            (
                "[[card]]\nid = \"c\"\nkind = \"cloze\"\ntext = \"{{open\"\nsource = \"s\"\n",
                "9:8",
                "never closed",
            ),
            (
                "[[card]]\nid = \"c\"\nkind = \"mains\"\nq = \"q\"\npoints = []\nsource = \"s\"\n",
                "10:10",
                "`points` needs at least one key point",
            ),
            (
                "[[card]]\nid = \"c\"\nkind = \"mains\"\nq = \"q\"\npoints = [\"p\"]\nyear = -3\nsource = \"s\"\n",
                "11:8",
                "`year` must be a positive number",
            ),
            (
                "[[card]]\nid = \"c\"\nq = \"q\"\na = \"a\"\n",
                "6:1",
                "missing `source`",
            ),
            (
                "[[card]]\nid = \"c\"\nq = 5\na = \"a\"\nsource = \"s\"\n",
                "8:5: card \"c\": `q`",
                "invalid type",
            ),
            (
                "[[card]]\nid = \"c\"\nq = \"q\"\na = \"a\"\nsource = \"s\"\nhint = \"h\"\n",
                "11:1",
                "unknown field `hint`",
            ),
            (
                "[[card]]\nq = \"q\"\na = \"a\"\nsource = \"s\"\n",
                "6:1",
                "card has no `id`",
            ),
            (
                "[[card]]\nid = \"a/b\"\nq = \"q\"\na = \"a\"\nsource = \"s\"\n",
                "7:6",
                "a card id may only hold",
            ),
        ];
        for (cards, at, expected) in cases {
            let e = error(cards);
            assert!(
                e.starts_with(&format!("decks/d.toml:{at}: ")),
                "{e} (expected at {at})"
            );
            assert!(e.contains(expected), "{e} (expected {expected:?})");
        }
    }

    #[test]
    fn as_of_must_be_a_date() {
        let e =
            error("[[card]]\nid = \"c\"\nq = \"q\"\na = \"a\"\nsource = \"s\"\nas_of = 10:30:00\n");
        assert_eq!(
            e,
            "decks/d.toml:11:9: card \"c\": `as_of` must be a date, e.g. `as_of = 2023-11-10`"
        );
    }

    #[test]
    fn linting_warns_at_the_field_and_plain_parsing_does_not() {
        let src = format!(
            "{HEAD}[[card]]\nid = \"c\"\nq = \"Who is negotiating now?\"\na = \"a\"\n\
             source = \"000_886ed8d482d9f58b.txt\"\n[[card]]\nid = \"bad\"\n"
        );
        let lint = Lint { this_year: 2026 };
        let (deck, warnings) = parse_deck_linted(&src, Origin::Builtin("d.toml"), lint);
        assert!(deck.is_err(), "the second card has no q, a or source");
        let at: Vec<String> = warnings
            .iter()
            .map(|w| format!("{}:{} {}", w.line, w.col, &w.message[..10]))
            .collect();
        assert_eq!(at, ["8:5 `q` says \"", "10:10 `source` l"]);
        assert!(warnings[0].message.contains("\"now\""), "{warnings:?}");
    }

    #[test]
    fn a_dated_card_may_say_now() {
        let src = format!(
            "{HEAD}[[card]]\nid = \"c\"\nq = \"Who leads now?\"\na = \"a\"\nsource = \"s\"\nas_of = 2026-01-02\n"
        );
        let (deck, warnings) =
            parse_deck_linted(&src, Origin::Builtin("d.toml"), Lint { this_year: 2026 });
        assert!(deck.is_ok() && warnings.is_empty(), "{warnings:?}");
    }

    #[test]
    fn a_duplicate_id_points_at_the_first_use() {
        let e = error(
            "[[card]]\nid = \"c\"\nq = \"q\"\na = \"a\"\nsource = \"s\"\n[[card]]\nid = \"c\"\nq = \"q2\"\na = \"a\"\nsource = \"s\"\n",
        );
        assert_eq!(
            e,
            "decks/d.toml:12:6: card \"c\": duplicate card id; it is already used on line 7"
        );
    }

    #[test]
    fn a_duplicate_id_is_reported_even_when_its_first_card_has_another_error() {
        let errors = parse(concat!(
            "[[card]]\nid = \"c\"\nq = 1\na = \"a\"\nsource = \"s\"\n",
            "[[card]]\nid = \"c\"\nq = \"q2\"\na = \"a\"\nsource = \"s\"\n",
        ))
        .unwrap_err();
        let messages: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(messages.len(), 2, "{messages:?}");
        assert!(messages[0].contains(":8:"), "{messages:?}");
        assert_eq!(
            messages[1],
            "decks/d.toml:12:6: card \"c\": duplicate card id; it is already used on line 7"
        );
    }

    #[test]
    fn a_card_with_a_duplicate_id_and_a_wrong_type_gets_both_errors() {
        let errors = parse(concat!(
            "[[card]]\nid = \"c\"\nq = \"q\"\na = \"a\"\nsource = \"s\"\n",
            "[[card]]\nid = \"c\"\nq = 2\na = \"a\"\nsource = \"s\"\n",
        ))
        .unwrap_err();
        let messages: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(messages.len(), 2, "{messages:?}");
        assert!(
            messages
                .iter()
                .any(|m| m.contains("already used on line 7")),
            "{messages:?}"
        );
    }

    #[test]
    fn every_error_is_listed_not_just_the_first() {
        let errors = parse(concat!(
            "[[card]]\nid = \"a\"\nq = \"q\"\na = \"a\"\n",
            "[[card]]\nid = \"b\"\nkind = \"nope\"\nsource = \"s\"\n",
            "[[card]]\nid = \"c\"\nq = 1\n",
        ))
        .unwrap_err();
        let lines: Vec<usize> = errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, [6, 12, 16], "{errors:?}");
    }

    #[test]
    fn deck_level_errors() {
        let no_deck = parse_deck("[[card]]\nid = \"c\"\n", Origin::Builtin("x.toml")).unwrap_err();
        assert!(
            no_deck[0]
                .to_string()
                .contains("missing the `[deck]` table"),
            "{no_deck:?}"
        );
        let bad_exam = parse_deck(
            "[deck]\nid = \"d\"\nexam = \"finals\"\n",
            Origin::Builtin("x.toml"),
        )
        .unwrap_err();
        assert_eq!(
            bad_exam[0].to_string(),
            "decks/x.toml:3:8: unknown exam `finals`; expected \"prelims\" or \"mains\""
        );
        let stray = parse_deck(
            "cards = 1\n[deck]\nid = \"d\"\nexam = \"mains\"\n",
            Origin::Builtin("x.toml"),
        )
        .unwrap_err();
        assert_eq!((stray[0].line, stray[0].col), (1, 1));
        let syntax = parse_deck("[deck\n", Origin::Builtin("x.toml")).unwrap_err();
        assert!(syntax[0].message.starts_with("invalid TOML"), "{syntax:?}");
        let group = parse("[[card]]\nid = \"g\"\nkind = \"mcq\"\nq = \"q\"\na = \"a\"\ngroup = \"lonely\"\nsource = \"s\"\n").unwrap_err();
        assert!(
            group[0]
                .to_string()
                .contains("group \"lonely\" has no other answers"),
            "{group:?}"
        );
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        let l = Locator::new("ab\n–x = 1\n");
        assert_eq!(l.locate(3), (2, 1));
        assert_eq!(l.locate(6), (2, 2));
    }
    #[test]
    fn every_repeat_of_a_card_id_points_at_its_first_use() {
        let card =
            |id: &str| format!("\n[[card]]\nid = \"{id}\"\nq = \"q\"\na = \"a\"\nsource = \"s\"\n");
        let src = format!(
            "[deck]\nid = \"d\"\nname = \"D\"\nexam = \"prelims\"\n{}{}{}{}",
            card("x"),
            card("y"),
            card("x"),
            card("x")
        );
        let errors = parse_deck(&src, Origin::Builtin("t")).unwrap_err();
        assert_eq!(errors.len(), 2, "{errors:?}");
        for e in &errors {
            assert!(e.message.contains("already used on line 7"), "{e}");
        }
    }
}
