//! Reading an unpacked Anki collection with SQLite: note types, decks, notes, cards, the
//! review log and the day's rollover hour. Two schemas: 11 (legacy packages; note types and
//! decks as JSON in the `col` row) and 15–18 (current ones; their own tables, with protobuf
//! blobs of which `proto` reads the few fields needed). The result is plain data for
//! `convert` and `history`.

use std::collections::HashMap;
use std::path::Path;

use rusqlite::{Connection, OpenFlags};
use serde::Deserialize;

use super::{ApkgError, proto};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteType {
    pub name: String,
    pub cloze: bool,
    pub fields: Vec<String>,
    /// By ordinal.
    pub templates: Vec<Template>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    pub ord: u32,
    pub qfmt: String,
    pub afmt: String,
}

#[derive(Debug, Clone)]
pub struct Note {
    pub id: i64,
    pub guid: String,
    pub notetype: i64,
    pub tags: Vec<String>,
    pub fields: Vec<String>,
}

#[derive(Debug, Clone, Copy)]
pub struct Card {
    pub id: i64,
    pub note: i64,
    /// Its own deck: the original one while it sits in a filtered deck.
    pub deck: i64,
    pub ord: u32,
    /// Anki's queue: -1 suspended, -2/-3 buried, 0 new, …
    pub queue: i8,
}

/// One line of Anki's review log (`revlog`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Review {
    /// Milliseconds since the epoch: the row's id.
    pub at: i64,
    pub card: i64,
    /// The button: 1–4, or 0 for an entry no button made (reset, set due date).
    pub ease: u8,
    /// 0 learning, 1 review, 2 relearning, 3 filtered, 4 manual, 5 rescheduled.
    pub kind: u8,
    /// The ease factor; 0 on a reset and on a filtered-deck answer that did not reschedule.
    pub factor: i32,
    pub took_ms: i64,
}

pub const LEARNING: u8 = 0;
pub const FILTERED: u8 = 3;
pub const MANUAL: u8 = 4;
pub const RESCHEDULED: u8 = 5;

pub struct Collection {
    pub notetypes: HashMap<i64, NoteType>,
    /// Deck names by id, levels joined with `::` as Anki shows them.
    pub decks: HashMap<i64, String>,
    pub notes: Vec<Note>,
    /// Ordered by note, then ordinal.
    pub cards: Vec<Card>,
    /// Ordered by card, then time.
    pub reviews: Vec<Review>,
    /// The hour Anki's day starts (its "next day starts at"), when the collection sets it.
    pub rollover: Option<u8>,
    pub schema: i64,
}

pub fn read(db: &Path, package: &Path, member: &str) -> Result<Collection, ApkgError> {
    let bad = |e: rusqlite::Error| super::package::corrupt(package, member, &e.to_string());
    let conn = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY).map_err(bad)?;
    // Current collections index names with Anki's own case-folding collation; SQLite refuses
    // to plan a query on such a table until a collation of that name exists.
    conn.create_collation("unicase", |a: &str, b: &str| {
        a.to_lowercase().cmp(&b.to_lowercase())
    })
    .map_err(bad)?;
    let schema: i64 = conn
        .query_row("select ver from col", [], |r| r.get(0))
        .map_err(bad)?;
    let (notetypes, decks, rollover) = match schema {
        11 => legacy_meta(&conn).map_err(bad)?,
        15..=18 => current_meta(&conn).map_err(bad)?,
        other => {
            return Err(ApkgError::UnknownSchema {
                path: package.to_path_buf(),
                schema: other,
            });
        }
    };
    Ok(Collection {
        notetypes,
        decks,
        notes: notes(&conn).map_err(bad)?,
        cards: cards(&conn).map_err(bad)?,
        reviews: reviews(&conn).map_err(bad)?,
        rollover,
        schema,
    })
}

type Meta = (HashMap<i64, NoteType>, HashMap<i64, String>, Option<u8>);

#[derive(Deserialize)]
struct LegacyModel {
    name: String,
    #[serde(rename = "type", default)]
    kind: i64,
    #[serde(default)]
    flds: Vec<LegacyField>,
    #[serde(default)]
    tmpls: Vec<LegacyTemplate>,
}

#[derive(Deserialize)]
struct LegacyField {
    name: String,
    #[serde(default)]
    ord: u32,
}

#[derive(Deserialize)]
struct LegacyTemplate {
    #[serde(default)]
    ord: u32,
    #[serde(default)]
    qfmt: String,
    #[serde(default)]
    afmt: String,
}

#[derive(Deserialize)]
struct LegacyDeck {
    name: String,
}

fn json_err(e: serde_json::Error) -> rusqlite::Error {
    rusqlite::Error::ToSqlConversionFailure(Box::new(e))
}

fn legacy_meta(conn: &Connection) -> rusqlite::Result<Meta> {
    let (models, decks, conf): (String, String, String) =
        conn.query_row("select models, decks, conf from col", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?;
    let models: HashMap<String, LegacyModel> = serde_json::from_str(&models).map_err(json_err)?;
    let decks: HashMap<String, LegacyDeck> = serde_json::from_str(&decks).map_err(json_err)?;
    let conf: serde_json::Value = serde_json::from_str(&conf).map_err(json_err)?;
    let notetypes = models
        .into_iter()
        .filter_map(|(id, m)| {
            let mut fields = m.flds;
            fields.sort_by_key(|f| f.ord);
            let mut templates: Vec<Template> = m
                .tmpls
                .into_iter()
                .map(|t| Template {
                    ord: t.ord,
                    qfmt: t.qfmt,
                    afmt: t.afmt,
                })
                .collect();
            templates.sort_by_key(|t| t.ord);
            Some((
                id.parse().ok()?,
                NoteType {
                    name: m.name,
                    cloze: m.kind == 1,
                    fields: fields.into_iter().map(|f| f.name).collect(),
                    templates,
                },
            ))
        })
        .collect();
    let decks = decks
        .into_iter()
        .filter_map(|(id, d)| Some((id.parse().ok()?, d.name)))
        .collect();
    Ok((notetypes, decks, rollover_of(conf.get("rollover"))))
}

fn current_meta(conn: &Connection) -> rusqlite::Result<Meta> {
    let mut notetypes = HashMap::new();
    let mut stmt = conn.prepare("select id, name, config from notetypes")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let config: Vec<u8> = r.get(2)?;
        let kind = proto::fields(&config).map_or(0, |f| proto::varint_field(&f, 1));
        notetypes.insert(
            r.get::<_, i64>(0)?,
            NoteType {
                name: r.get(1)?,
                cloze: kind == 1,
                fields: Vec::new(),
                templates: Vec::new(),
            },
        );
    }
    let mut stmt = conn.prepare("select ntid, name from fields order by ntid, ord")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        if let Some(nt) = notetypes.get_mut(&r.get::<_, i64>(0)?) {
            nt.fields.push(r.get(1)?);
        }
    }
    let mut stmt = conn.prepare("select ntid, ord, config from templates order by ntid, ord")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        if let Some(nt) = notetypes.get_mut(&r.get::<_, i64>(0)?) {
            let config: Vec<u8> = r.get(2)?;
            let f = proto::fields(&config).unwrap_or_default();
            nt.templates.push(Template {
                ord: r.get(1)?,
                qfmt: proto::text_field(&f, 1).to_owned(),
                afmt: proto::text_field(&f, 2).to_owned(),
            });
        }
    }
    let mut decks = HashMap::new();
    let mut stmt = conn.prepare("select id, name from decks")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        // Levels are stored apart by 0x1f; Anki shows them joined by `::`.
        let name: String = r.get(1)?;
        decks.insert(r.get::<_, i64>(0)?, name.replace('\x1f', "::"));
    }
    let rollover = conn
        .query_row("select val from config where key = 'rollover'", [], |r| {
            r.get::<_, Vec<u8>>(0)
        })
        .ok()
        .and_then(|v| serde_json::from_slice::<serde_json::Value>(&v).ok());
    Ok((notetypes, decks, rollover_of(rollover.as_ref())))
}

fn rollover_of(v: Option<&serde_json::Value>) -> Option<u8> {
    v.and_then(serde_json::Value::as_u64)
        .filter(|h| *h < 24)
        .and_then(|h| u8::try_from(h).ok())
}

fn notes(conn: &Connection) -> rusqlite::Result<Vec<Note>> {
    // No `order by` in these three, and `not indexed`: SQLite would otherwise walk an index
    // and look every row up in the table (a million revlog rows took seconds that way);
    // one pass over each table and a sort in memory are far cheaper.
    let mut stmt = conn.prepare("select id, guid, mid, tags, flds from notes not indexed")?;
    let rows = stmt.query_map([], |r| {
        let tags: String = r.get(3)?;
        let flds: String = r.get(4)?;
        Ok(Note {
            id: r.get(0)?,
            guid: r.get(1)?,
            notetype: r.get(2)?,
            tags: tags.split_whitespace().map(str::to_owned).collect(),
            fields: flds.split('\x1f').map(str::to_owned).collect(),
        })
    })?;
    let mut notes: Vec<Note> = rows.collect::<rusqlite::Result<_>>()?;
    notes.sort_unstable_by_key(|n| n.id);
    Ok(notes)
}

fn cards(conn: &Connection) -> rusqlite::Result<Vec<Card>> {
    let mut stmt = conn.prepare(
        "select id, nid, case when odid != 0 then odid else did end, ord, queue from cards not indexed",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(Card {
            id: r.get(0)?,
            note: r.get(1)?,
            deck: r.get(2)?,
            ord: r.get(3)?,
            queue: r.get::<_, i64>(4)?.clamp(-3, 4) as i8,
        })
    })?;
    let mut cards: Vec<Card> = rows.collect::<rusqlite::Result<_>>()?;
    cards.sort_unstable_by_key(|c| (c.note, c.ord, c.id));
    Ok(cards)
}

fn reviews(conn: &Connection) -> rusqlite::Result<Vec<Review>> {
    let mut stmt =
        conn.prepare("select id, cid, ease, type, factor, time from revlog not indexed")?;
    let rows = stmt.query_map([], |r| {
        Ok(Review {
            at: r.get(0)?,
            card: r.get(1)?,
            ease: r.get::<_, i64>(2)?.clamp(0, 255) as u8,
            kind: r.get::<_, i64>(3)?.clamp(0, 255) as u8,
            factor: r
                .get::<_, i64>(4)?
                .clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32,
            took_ms: r.get(5)?,
        })
    })?;
    let mut reviews: Vec<Review> = rows.collect::<rusqlite::Result<_>>()?;
    reviews.sort_unstable_by_key(|r| (r.card, r.at));
    Ok(reviews)
}
