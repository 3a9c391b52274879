//! Anki's text format ("Notes in Plain Text"): optional `#key:value` header lines (`#separator`,
//! `#html`, `#tags column`, `#deck column`, `#notetype column`, `#guid column`, `#columns`,
//! `#notetype`, `#deck`, `#tags`), then one note a row, its fields in the note type's order.
//! Notes become cards of our kinds: Basic → basic, Basic (and reversed card) → one basic per
//! direction, Basic (optional reversed card) → the reverse too when its third field is filled,
//! Basic (type in the answer) → typed, Cloze → cloze (Back Extra as the explanation), and any
//! other note type → basic from its first two fields, counted in the report.

use std::collections::BTreeMap;
use std::path::Path;

use super::anki_cloze::{self, Cloze};
use super::anki_notes::{card_id, cloze_from_anki, our_key};
use super::table::{self, Dialect, Row};
use super::{ImportError, Incoming, Parsed, Place, deck_id_from, html};
use crate::deck::Kind;
use crate::deck::draft::Draft;

/// The header lines Anki writes and reads, as found in a file.
#[derive(Debug, Default)]
struct Header {
    separator: Option<u8>,
    html: bool,
    /// 0-based columns.
    tags: Option<usize>,
    deck: Option<usize>,
    notetype: Option<usize>,
    guid: Option<usize>,
    notetype_name: Option<String>,
    deck_name: Option<String>,
    tags_all: Vec<String>,
}

/// Whether `text` starts like a file in Anki's text format (a `#separator:`, `#html:` … line).
pub fn looks_like_anki(text: &str) -> bool {
    text.lines().next().is_some_and(|l| {
        l.strip_prefix('#')
            .and_then(|l| l.split_once(':'))
            .is_some_and(|(key, _)| KEYS.contains(&key.trim()))
    })
}

const KEYS: &[&str] = &[
    "separator",
    "html",
    "tags column",
    "deck column",
    "notetype column",
    "guid column",
    "columns",
    "notetype",
    "deck",
    "tags",
    "if matches",
    "match scope",
];

pub fn read(path: &Path, text: &str) -> Result<Parsed, Vec<ImportError>> {
    let (header, body_start) = read_header(path, text).map_err(|e| vec![e])?;
    let delimiter = header
        .separator
        .unwrap_or_else(|| guess_separator(&text[body_start..]));
    let dialect = Dialect {
        delimiter,
        comment: Some(b'#'),
    };
    let rows = table::rows(path, text, body_start, dialect).map_err(|e| vec![e])?;
    let mut parsed = Parsed::default();
    let mut errors = Vec::new();
    let mut other_types: BTreeMap<String, usize> = BTreeMap::new();
    let mut media: Vec<String> = Vec::new();
    for row in &rows {
        if row.cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        match note(path, &header, row, &mut media) {
            Ok((cards, known)) => {
                if !known {
                    *other_types.entry(notetype_of(&header, row)).or_default() += 1;
                }
                parsed.cards.extend(cards);
            }
            Err(e) => errors.push(e),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    for (name, n) in other_types {
        parsed.notes.push(format!(
            "{n} note{} of type `{name}` became basic cards from their first two fields",
            if n == 1 { "" } else { "s" }
        ));
    }
    media.sort();
    media.dedup();
    if !media.is_empty() {
        parsed.notes.push(format!(
            "media files referred to (left as [image: …] text, not imported): {}",
            media.join(", ")
        ));
    }
    Ok(parsed)
}

fn notetype_of(header: &Header, row: &Row) -> String {
    header
        .notetype
        .and_then(|i| row.cell(i))
        .map(str::to_owned)
        .or_else(|| header.notetype_name.clone())
        .unwrap_or_else(|| "Basic".to_owned())
}

/// The header lines and the byte offset of the first row.
fn read_header(path: &Path, text: &str) -> Result<(Header, usize), ImportError> {
    let mut h = Header::default();
    let mut offset = 0;
    for (line_no, line) in (1..).zip(text.split_inclusive('\n')) {
        let Some((key, value)) = line
            .strip_prefix('#')
            .and_then(|l| l.split_once(':'))
            .filter(|(k, _)| KEYS.contains(&k.trim()))
        else {
            break;
        };
        let value = value.trim_end_matches(['\n', '\r']);
        let col = key.chars().count() + 3;
        let bad = |what: &str| ImportError::at(path, line_no, col, what.to_owned());
        let column = || -> Result<Option<usize>, ImportError> {
            match value.trim().parse::<usize>() {
                Ok(n) if n >= 1 => Ok(Some(n - 1)),
                _ => Err(bad(&format!(
                    "`#{key}` must be a column number from 1, not `{}`",
                    value.trim()
                ))),
            }
        };
        match key.trim() {
            "separator" => h.separator = Some(separator(value).ok_or_else(|| {
                bad(&format!(
                    "unknown separator `{value}`; expected Comma, Semicolon, Tab, Space, Pipe, Colon or one character"
                ))
            })?),
            "html" => {
                h.html = match value.trim() {
                    "true" => true,
                    "false" => false,
                    other => return Err(bad(&format!("`#html` must be true or false, not `{other}`"))),
                }
            }
            "tags column" => h.tags = column()?,
            "deck column" => h.deck = column()?,
            "notetype column" => h.notetype = column()?,
            "guid column" => h.guid = column()?,
            "notetype" => h.notetype_name = Some(value.trim().to_owned()),
            "deck" => h.deck_name = Some(value.trim().to_owned()),
            "tags" => h.tags_all = value.split_whitespace().map(str::to_owned).collect(),
            // Column names and Anki's duplicate handling say nothing our import needs.
            _ => {}
        }
        offset += line.len();
    }
    Ok((h, offset))
}

fn separator(value: &str) -> Option<u8> {
    let named = match value.to_ascii_lowercase().as_str() {
        "comma" => Some(b','),
        "semicolon" => Some(b';'),
        "tab" => Some(b'\t'),
        "space" => Some(b' '),
        "pipe" => Some(b'|'),
        "colon" => Some(b':'),
        _ => None,
    };
    named.or_else(|| match value.as_bytes() {
        [b] if b.is_ascii() => Some(*b),
        _ => None,
    })
}

/// As Anki guesses: the first of tab, pipe, semicolon, colon, comma and space in the first row.
fn guess_separator(body: &str) -> u8 {
    let first = body
        .lines()
        .find(|l| !l.starts_with('#'))
        .unwrap_or_default();
    [b'\t', b'|', b';', b':', b',', b' ']
        .into_iter()
        .find(|b| first.as_bytes().contains(b))
        .unwrap_or(b'\t')
}

/// One row read as an Anki note: its fields (as text) and what the special columns say.
struct Note {
    notetype: String,
    fields: Vec<Option<String>>,
    /// The row's column of each field, to locate errors.
    field_cols: Vec<usize>,
    tags: Vec<String>,
    guid: Option<String>,
    deck_name: Option<String>,
}

impl Note {
    fn read(h: &Header, row: &Row, media: &mut Vec<String>) -> Note {
        let special = [h.tags, h.deck, h.notetype, h.guid];
        let field_cols: Vec<usize> = (0..row.cells.len())
            .filter(|i| !special.contains(&Some(*i)))
            .collect();
        let fields = field_cols
            .iter()
            .map(|&i| {
                let raw = &row.cells[i];
                let text = if h.html {
                    let (text, found) = html::to_text(raw);
                    media.extend(found);
                    text
                } else {
                    raw.clone()
                };
                Some(text).filter(|t| !t.trim().is_empty())
            })
            .collect();
        let mut tags = h.tags_all.clone();
        for t in h
            .tags
            .and_then(|i| row.cell(i))
            .unwrap_or_default()
            .split_whitespace()
        {
            if !tags.iter().any(|x| x == t) {
                tags.push(t.to_owned());
            }
        }
        Note {
            notetype: notetype_of(h, row),
            fields,
            field_cols,
            tags,
            guid: h
                .guid
                .and_then(|i| row.cell(i))
                .map(|g| g.trim().to_owned()),
            deck_name: h
                .deck
                .and_then(|i| row.cell(i))
                .map(str::to_owned)
                .or_else(|| h.deck_name.clone()),
        }
    }

    fn field(&self, n: usize) -> Option<String> {
        self.fields.get(n).cloned().flatten()
    }

    /// The deck id and, for a GUID we wrote, the card id it names.
    fn ids(&self) -> (String, Option<String>) {
        match self.guid.as_deref().and_then(our_key) {
            Some((deck, card)) => (deck.to_owned(), Some(card.to_owned())),
            None => (
                self.deck_name
                    .as_deref()
                    .map(deck_id_from)
                    .unwrap_or_default(),
                None,
            ),
        }
    }

    /// The id of the note's card `ord`: from the GUID, else left for a slug of the question.
    fn card_id(&self, ours: Option<&str>, ord: usize) -> String {
        match (ours, &self.guid) {
            (Some(card), _) if ord == 0 => card.to_owned(),
            (Some(card), _) => format!("{card}-{}", ord + 1),
            (None, Some(g)) => card_id(g, ord),
            (None, None) => String::new(),
        }
    }
}

/// One card a note gives: its ordinal, its fields, and which note field each of ours is from.
type Planned = (usize, Draft, &'static [(&'static str, usize)]);

const CLOZE: &[(&str, usize)] = &[("text", 0), ("explain", 1)];

/// A cloze note with a number used at several places, as the package import makes it (Anki
/// asks one card per number): a number used once becomes a cloze card with that one gap, a
/// repeated one a basic card with every occurrence blanked.
fn cloze_by_number(text: &str, explain: Option<String>) -> Vec<Planned> {
    const BASIC: &[(&str, usize)] = &[("q", 0), ("explain", 1)];
    anki_cloze::numbers(text)
        .into_iter()
        .enumerate()
        .filter_map(|(ord, n)| {
            let (draft, fields) = match anki_cloze::card(text, n) {
                Cloze::Gap(text) => (
                    Draft {
                        text: Some(text),
                        ..Draft::new(Kind::Cloze)
                    },
                    CLOZE,
                ),
                Cloze::Repeated { q, a } => (
                    Draft {
                        q: Some(q),
                        a: Some(a),
                        ..Draft::new(Kind::Basic)
                    },
                    BASIC,
                ),
                Cloze::Missing => return None,
            };
            let draft = Draft {
                explain: explain.clone(),
                ..draft
            };
            Some((ord, draft, fields))
        })
        .collect()
}

/// The cards of a note by its type, and whether the type is one we map (rather than falling
/// back to its first two fields).
fn cards_by_type(note: &Note) -> (Vec<Planned>, bool) {
    const FRONT_BACK: &[(&str, usize)] = &[("q", 0), ("a", 1)];
    const BACK_FRONT: &[(&str, usize)] = &[("q", 1), ("a", 0)];
    let (f0, f1) = (note.field(0), note.field(1));
    let qa = |kind, q: &Option<String>, a: &Option<String>| Draft {
        q: q.clone(),
        a: a.clone(),
        ..Draft::new(kind)
    };
    let forward = (0, qa(Kind::Basic, &f0, &f1), FRONT_BACK);
    let reverse = (1, qa(Kind::Basic, &f1, &f0), BACK_FRONT);
    match note.notetype.as_str() {
        "Basic" => (vec![forward], true),
        "Basic (and reversed card)" => (vec![forward, reverse], true),
        "Basic (optional reversed card)" if note.field(2).is_some() => {
            (vec![forward, reverse], true)
        }
        "Basic (optional reversed card)" => (vec![forward], true),
        "Basic (type in the answer)" => (vec![(0, qa(Kind::Typed, &f0, &f1), FRONT_BACK)], true),
        "Cloze" => match f0.as_deref().filter(|t| anki_cloze::has_repeats(t)) {
            Some(text) => (cloze_by_number(text, f1), true),
            None => {
                let draft = Draft {
                    text: f0.as_deref().map(cloze_from_anki),
                    explain: f1,
                    ..Draft::new(Kind::Cloze)
                };
                (vec![(0, draft, CLOZE)], true)
            }
        },
        _ => (vec![forward], false),
    }
}

/// The cards of one note, and whether its note type is one we map.
fn note(
    path: &Path,
    h: &Header,
    row: &Row,
    media: &mut Vec<String>,
) -> Result<(Vec<Incoming>, bool), ImportError> {
    let note = Note::read(h, row, media);
    let at = |n: usize| row.at(note.field_cols.get(n).copied().unwrap_or(0));
    if note.field(0).is_none() {
        let (line, col) = at(0);
        return Err(ImportError::at(
            path,
            line,
            col,
            format!("a `{}` note with an empty first field", note.notetype),
        ));
    }
    let (deck, ours) = note.ids();
    let (planned, known) = cards_by_type(&note);
    let cards = planned
        .into_iter()
        .map(|(ord, draft, fields)| Incoming {
            deck: deck.clone(),
            deck_name: note.deck_name.clone(),
            exam: None,
            draft: Draft {
                id: note.card_id(ours.as_deref(), ord),
                tags: note.tags.clone(),
                ..draft
            },
            at: Place {
                line: row.line,
                col: 1,
                fields: fields
                    .iter()
                    .map(|&(f, n)| (f, at(n)))
                    .chain(h.tags.map(|i| ("tags", row.at(i))))
                    .map(|(f, (l, c))| (f, l, c))
                    .collect(),
            },
        })
        .collect();
    Ok((cards, known))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Parsed, Vec<ImportError>> {
        read(Path::new("n.txt"), text)
    }

    #[test]
    fn anki_export_headers_are_followed() {
        let text = "#separator:tab\n#html:true\n#guid column:1\n#notetype column:2\n#deck column:3\n#tags column:6\n\
                    Ab%1\tBasic\tUPSC::Polity\t<b>Article 370</b>?\tJ&amp;K<br>special status\tpolity constitution::art\n\
                    Cd2\tCloze\tUPSC::Polity\t{{c1::LEMOA}} in {{c2::2016::year}}\tsigned in Delhi\t\n";
        let p = parse(text).unwrap();
        assert_eq!(p.cards.len(), 2);
        let basic = &p.cards[0];
        assert_eq!(basic.deck, "upsc-polity");
        assert_eq!(basic.deck_name.as_deref(), Some("UPSC::Polity"));
        assert_eq!(basic.draft.id, "anki-Ab.25.1");
        assert_eq!(basic.draft.q.as_deref(), Some("Article 370?"));
        assert_eq!(basic.draft.a.as_deref(), Some("J&K\nspecial status"));
        assert_eq!(basic.draft.tags, ["polity", "constitution::art"]);
        assert_eq!(basic.at.of("q"), (7, 25));
        let cloze = &p.cards[1];
        assert_eq!(cloze.draft.kind, Kind::Cloze);
        assert_eq!(
            cloze.draft.text.as_deref(),
            Some("{{LEMOA}} in {{2016::year}}")
        );
        assert_eq!(cloze.draft.explain.as_deref(), Some("signed in Delhi"));
    }

    #[test]
    fn a_cloze_number_used_twice_is_one_card_as_in_the_package_import() {
        let text = "#separator:tab\n#guid column:1\n#notetype column:2\n\
                    Cd2\tCloze\t{{c1::BECA}} followed; {{c1::BECA::pact}} in {{c2::2020}}\tnote\n";
        let p = parse(text).unwrap();
        let cards: Vec<_> = p
            .cards
            .iter()
            .map(|c| {
                let d = &c.draft;
                (
                    d.id.as_str(),
                    d.kind,
                    d.q.as_deref(),
                    d.a.as_deref(),
                    d.text.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            cards,
            [
                (
                    "anki-Cd2",
                    Kind::Basic,
                    Some("[…] followed; [pact] in 2020"),
                    Some("BECA; BECA"),
                    None
                ),
                (
                    "anki-Cd2-2",
                    Kind::Cloze,
                    None,
                    None,
                    Some("BECA followed; BECA in {{2020}}")
                ),
            ]
        );
        assert!(
            p.cards
                .iter()
                .all(|c| c.draft.explain.as_deref() == Some("note"))
        );
    }

    #[test]
    fn reversed_typed_and_other_note_types() {
        let text = "#separator:Comma\n#notetype column:1\n\
                    Basic (and reversed card),LEMOA,2016\n\
                    Basic (type in the answer),Capital?,Delhi\n\
                    Japanese,猫,cat,neko\n";
        let p = parse(text).unwrap();
        let kinds: Vec<(Kind, &str)> = p
            .cards
            .iter()
            .map(|c| (c.draft.kind, c.draft.q.as_deref().unwrap_or("")))
            .collect();
        assert_eq!(
            kinds,
            [
                (Kind::Basic, "LEMOA"),
                (Kind::Basic, "2016"),
                (Kind::Typed, "Capital?"),
                (Kind::Basic, "猫")
            ]
        );
        assert_eq!(
            p.notes,
            ["1 note of type `Japanese` became basic cards from their first two fields"]
        );
    }

    #[test]
    fn our_guids_give_back_our_deck_and_card_ids() {
        let p = parse("#separator:tab\n#guid column:1\npacts/lemoa-year\tLEMOA?\t2016\n").unwrap();
        assert_eq!(
            (p.cards[0].deck.as_str(), p.cards[0].draft.id.as_str()),
            ("pacts", "lemoa-year")
        );
    }

    #[test]
    fn the_separator_is_guessed_without_a_header() {
        let p = parse("Q one;A one\nQ two;A two\n").unwrap();
        assert_eq!(p.cards[1].draft.a.as_deref(), Some("A two"));
    }

    #[test]
    fn header_and_row_errors_are_located() {
        let e = parse("#separator:Comma\n#tags column:zero\nq,a\n").unwrap_err();
        assert_eq!(
            e[0].to_string(),
            "n.txt:2:14: `#tags column` must be a column number from 1, not `zero`"
        );
        let e = parse("#separator:Comma\nq,a\n,a\n").unwrap_err();
        assert_eq!(
            e[0].to_string(),
            "n.txt:3:1: a `Basic` note with an empty first field"
        );
    }
}
