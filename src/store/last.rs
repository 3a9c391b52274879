//! The journal's last line, when a new session may take it back: the previous session's last
//! answer (or suspend, bury, reset) can be undone once from the next session, so quitting
//! right after a slip of the finger loses nothing. Start-up reads only the journal's tail
//! (`undoable`); the state the undo returns to is looked up only when the user asks for it
//! (`before`), from the end of the journal in growing chunks back to the card's previous
//! line, so a large journal costs a session's start nothing more. Only this device's journal
//! is read: an undo only ever takes back this device's own answer (another device's lines
//! are that device's to undo), and the merge takes the undone answer out by its id.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use super::journal::{self, Event, Hold, Kind, check_header, new_card_state};
use super::{Store, StoreError, check_regular, io_err};
use crate::clock::Millis;
use crate::schedule::{CardState, Grade};

/// The last line of the journal, which an undo may take back.
#[derive(Debug, Clone, PartialEq)]
pub struct Undoable {
    /// Its id, which the undo names.
    pub id: u64,
    pub key: String,
    pub at: Millis,
    /// An answer's grade, or the card-control event.
    pub what: What,
    /// A card's first answer (`reps` 1: the scheduler counts from a new card): the card was
    /// new before it, with no line to look back for.
    pub(crate) first: bool,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum What {
    Answer(Grade),
    Event(Event),
}

/// First read this much from the end; then four times as much, and so on.
const FIRST_CHUNK: u64 = 64 << 10;

/// The journal's last line if an undo may take it back: an answer or a known card-control
/// event of a v2 journal (an undo line, a v1 line without an id, or an unknown event is not).
pub fn undoable(dir: &Path) -> Result<Option<Undoable>, StoreError> {
    let mut found = None;
    scan(dir, |lines, _| {
        let Some(body) = lines.strip_suffix(b"\n") else {
            return false;
        };
        let from = memchr::memrchr(b'\n', body).map_or(0, |i| i + 1);
        found = last_line(&body[from..]);
        true
    })?;
    Ok(found)
}

/// The card's state and hold before `last` (the journal's last line): after the card's
/// previous line, or a new card's when it has none.
pub fn before(dir: &Path, last: &Undoable) -> Result<(CardState, Hold), StoreError> {
    let new = (new_card_state(), Hold::None);
    if last.first {
        return Ok(new);
    }
    let mut found = None;
    scan(dir, |lines, whole| {
        found = before_in(lines, &last.key);
        found.is_some() || whole
    })?;
    Ok(found.unwrap_or(new))
}

/// Calls `done` on the whole lines of ever larger chunks from the end of a v2 journal (and
/// whether the chunk reaches its first line) until it says it is done or the whole journal
/// was read. A missing, damaged or v1 journal has no lines here: the store reports what is
/// wrong with it when it is opened.
fn scan(dir: &Path, mut done: impl FnMut(&[u8], bool) -> bool) -> Result<(), StoreError> {
    let path = Store::journal_path(dir);
    if !check_regular(&path)? {
        return Ok(());
    }
    let mut file = File::open(&path).map_err(io_err(&path))?;
    let len = file.metadata().map_err(io_err(&path))?.len();
    let mut head = Vec::with_capacity(64);
    (&mut file)
        .take(64)
        .read_to_end(&mut head)
        .map_err(io_err(&path))?;
    let Ok(Some((2, body_start))) = check_header(&head) else {
        return Ok(());
    };
    let body_start = body_start as u64;
    let mut chunk = FIRST_CHUNK;
    loop {
        let from = len.saturating_sub(chunk).max(body_start);
        let mut buf = Vec::with_capacity((len - from) as usize);
        file.seek(SeekFrom::Start(from)).map_err(io_err(&path))?;
        (&mut file)
            .take(len - from)
            .read_to_end(&mut buf)
            .map_err(io_err(&path))?;
        // Whole lines only: a chunk that starts mid-line skips to the next line.
        let start = if from > body_start {
            memchr::memchr(b'\n', &buf).map_or(buf.len(), |i| i + 1)
        } else {
            0
        };
        // A line torn by a crash (no newline) was never saved: it is not part of the journal.
        let end = memchr::memrchr(b'\n', &buf).map_or(0, |i| i + 1);
        let whole = from == body_start;
        if done(buf.get(start..end).unwrap_or_default(), whole) || whole {
            return Ok(());
        }
        chunk = chunk.saturating_mul(4);
    }
}

fn last_line(line: &[u8]) -> Option<Undoable> {
    let line = journal::parse_line(line, 2).ok()?;
    let what = match line.kind {
        Kind::Review(grade) => What::Answer(grade),
        Kind::Other(c) => What::Event(Event::of_letter(c)?),
        Kind::Undo => return None,
    };
    Some(Undoable {
        id: line.id?,
        key: line.key.to_owned(),
        at: line.at,
        what,
        first: matches!(what, What::Answer(_)) && line.state.reps == 1,
    })
}

/// The state and hold after the latest line of `key` in `lines` but the last (every chunk
/// ends with the journal's last line, the one to undo).
fn before_in(lines: &[u8], key: &str) -> Option<(CardState, Hold)> {
    let body = lines.strip_suffix(b"\n").unwrap_or(lines);
    let hay = &lines[..memchr::memrchr(b'\n', body).map_or(0, |i| i + 1)];
    let needle = format!("\t{key}\t");
    for at in memchr::memmem::rfind_iter(hay, needle.as_bytes()) {
        let from = memchr::memrchr(b'\n', &hay[..at]).map_or(0, |i| i + 1);
        let to = memchr::memchr(b'\n', &hay[at..]).map_or(hay.len(), |i| at + i);
        if let Ok(line) = journal::parse_line(&hay[from..to], 2)
            && line.key == key
        {
            return Some((line.state, line.hold));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::Phase;
    use crate::store::journal::{Entry, HEADER, write_line};

    fn state(reps: u32) -> CardState {
        CardState {
            intro: 1,
            last: 2,
            due: 3 + i64::from(reps),
            stability: 1.5,
            difficulty: 5.0,
            phase: Phase::Review,
            reps,
            lapses: 0,
        }
    }

    fn review(key: &str, reps: u32) -> Entry {
        Entry::Review {
            at: 10,
            key: key.into(),
            grade: Grade::Good,
            took_ms: 1,
            state: state(reps),
        }
    }

    fn control(key: &str, event: Event, hold: Hold) -> Entry {
        Entry::Control {
            at: 11,
            key: key.into(),
            event,
            state: state(1),
            hold,
        }
    }

    /// A journal of `entries` with ids 1, 2, …, and far more than a first chunk of other
    /// cards' answers after the first `far` of them.
    fn journal(dir: &Path, entries: &[Entry], far: usize) {
        let mut text = HEADER.to_owned();
        let mut id = 0;
        let mut line = |e: &Entry, text: &mut String| {
            id += 1;
            text.push_str(&write_line(e, id, None));
        };
        for e in &entries[..far] {
            line(e, &mut text);
        }
        for i in 0..2 * FIRST_CHUNK as usize / 100 {
            line(&review(&format!("other/c{i}"), 1), &mut text);
        }
        for e in &entries[far..] {
            line(e, &mut text);
        }
        std::fs::write(Store::journal_path(dir), text).unwrap();
    }

    #[test]
    fn the_state_before_the_last_answer_is_found_however_far_back() {
        let dir = tempfile::tempdir().unwrap();
        journal(dir.path(), &[review("d/x", 1), review("d/x", 2)], 1);
        let got = undoable(dir.path()).unwrap().unwrap();
        assert_eq!(
            (got.key.as_str(), got.what),
            ("d/x", What::Answer(Grade::Good))
        );
        assert_eq!(before(dir.path(), &got).unwrap(), (state(1), Hold::None));
        assert!(got.id > 1, "the last line's id");
    }

    #[test]
    fn an_event_returns_to_the_hold_before_it() {
        let dir = tempfile::tempdir().unwrap();
        let bury = control("d/y", Event::Bury, Hold::BuriedUntil(99));
        let suspend = control("d/y", Event::Suspend, Hold::Suspended);
        journal(dir.path(), &[bury, suspend], 1);
        let got = undoable(dir.path()).unwrap().unwrap();
        assert_eq!(got.what, What::Event(Event::Suspend));
        assert_eq!(before(dir.path(), &got).unwrap().1, Hold::BuriedUntil(99));
    }

    #[test]
    fn a_first_answer_was_new_and_an_undo_is_not_undone() {
        let dir = tempfile::tempdir().unwrap();
        journal(dir.path(), &[review("d/z", 1)], 0);
        let got = undoable(dir.path()).unwrap().unwrap();
        assert!(got.first);
        let new = (new_card_state(), Hold::None);
        assert_eq!(before(dir.path(), &got).unwrap(), new);
        // With no line before, a card that is not at its first answer was new too.
        let not_first = Undoable {
            first: false,
            ..got
        };
        assert_eq!(before(dir.path(), &not_first).unwrap(), new);
        let undo = Entry::Undo {
            at: 12,
            key: "d/z".into(),
            state: new_card_state(),
            hold: Hold::None,
        };
        journal(dir.path(), &[review("d/z", 1), undo], 1);
        assert_eq!(undoable(dir.path()).unwrap(), None);
        assert_eq!(undoable(&dir.path().join("none")).unwrap(), None);
    }
}
