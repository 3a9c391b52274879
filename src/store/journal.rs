//! The journal's line format, and its one reader: the store's start-up, the snapshot, the
//! review history and the v1 upgrade all read lines through `parse_line`, so one fast byte
//! parser is the one that is tested and fuzzed. Version 2, fields separated by tabs:
//!
//! ```text
//! # smriti journal v2
//! <kind> <id> <at> <key> <undoes> <grade> <answer ms> <intro> <last> <due> <stability> <difficulty> <phase> <reps> <lapses> <hold> <crc>
//! ```
//!
//! `kind` is `r` (an answer), `u` (an undo), or a card-control event: `s` suspend, `S`
//! unsuspend, `b` bury (until the next study day), `f` forget (reset to new; the answers
//! before stay in the history). Any other letter is a later event that this version applies
//! by the state it carries, and no event but `r` counts as an answer. `id` is 64 random bits in hex, unique across devices, so copies of one journal
//! merge without counting an answer twice. `undoes` is the id an undo takes back (`-`
//! otherwise; an undo may take back an answer or a card-control event); `grade` and `answer ms`
//! are `-` on lines that are not answers. The state fields and `hold` are the card's whole
//! state after the line (phase `n` = back to new): `hold` is `-` (studied as usual), `s`
//! (suspended: never shown until unsuspended) or `b<until ms>` (buried: not shown before that
//! time). An answer always leaves `-`. `crc`
//! is the CRC-32C, in 8 lowercase hex digits, of every byte of the line before its last tab:
//! a flipped byte is reported with its line, never read as an answer.
//!
//! Version 1 lines (`<kind> <at> <key> <grade> <answer ms> <8 state fields>`, no id and no
//! checksum) are still read, so a v1 journal works until its first write upgrades it.

use super::{Holds, States};
use crate::clock::Millis;
use crate::schedule::{CardState, Grade, Phase};

pub const VERSION: u32 = 2;
pub const HEADER: &str = "# smriti journal v2\n";
const HEADER_PREFIX: &[u8] = b"# smriti journal v";

/// What a session asks the store to record; the store gives it its id when it is written.
#[derive(Debug, Clone, PartialEq)]
pub enum Entry {
    Review {
        at: Millis,
        key: String,
        grade: Grade,
        took_ms: u32,
        state: CardState,
    },
    Undo {
        at: Millis,
        key: String,
        /// The state the card returns to; phase `New` means it was never answered.
        state: CardState,
        /// The hold the card returns to.
        hold: Hold,
    },
    /// A card-control event (suspend, bury, reset): the card's state and hold after it.
    Control {
        at: Millis,
        key: String,
        event: Event,
        state: CardState,
        hold: Hold,
    },
}

/// What a card-control line does, by its kind letter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    Suspend,
    Unsuspend,
    Bury,
    /// Back to new, the history kept.
    Forget,
}

impl Event {
    pub fn letter(self) -> char {
        match self {
            Event::Suspend => 's',
            Event::Unsuspend => 'S',
            Event::Bury => 'b',
            Event::Forget => 'f',
        }
    }

    /// The event a kind letter names; `None` for one this version does not know.
    pub fn of_letter(letter: u8) -> Option<Event> {
        [Event::Suspend, Event::Unsuspend, Event::Bury, Event::Forget]
            .into_iter()
            .find(|e| e.letter() as u8 == letter)
    }
}

#[derive(Debug, PartialEq)]
pub enum HeaderError {
    Newer(u32),
    Invalid(String),
}

/// The journal's version and the offset of its first line; `None` for a file with no
/// complete header (new, or torn while being created). Strict: `# smriti journal v` and a
/// version number without sign, space or leading zero, then the newline.
pub fn check_header(bytes: &[u8]) -> Result<Option<(u32, usize)>, HeaderError> {
    let invalid = || HeaderError::Invalid("the first line is not a smriti journal header".into());
    let Some(end) = memchr::memchr(b'\n', bytes) else {
        return if HEADER.as_bytes().starts_with(bytes) {
            Ok(None)
        } else {
            Err(invalid())
        };
    };
    let digits = bytes[..end]
        .strip_prefix(HEADER_PREFIX)
        .ok_or_else(invalid)?;
    let canonical = !digits.is_empty()
        && digits.len() <= 9
        && digits.iter().all(u8::is_ascii_digit)
        && digits[0] != b'0';
    if !canonical {
        return Err(invalid());
    }
    let version = digits
        .iter()
        .fold(0u32, |n, d| n * 10 + u32::from(d - b'0'));
    if version > VERSION {
        return Err(HeaderError::Newer(version));
    }
    Ok(Some((version, end + 1)))
}

/// What a line says happened.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kind {
    Review(Grade),
    Undo,
    /// A later event this version does not know: its state still applies.
    Other(u8),
}

/// Whether a card is kept out of study, as the card-control events leave it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Hold {
    #[default]
    None,
    Suspended,
    BuriedUntil(Millis),
}

impl Hold {
    /// Whether the card is kept out of study at `now` (a bury ends at its time).
    pub fn holds_at(self, now: Millis) -> bool {
        match self {
            Hold::None => false,
            Hold::Suspended => true,
            Hold::BuriedUntil(until) => now < until,
        }
    }

    pub(crate) fn field(self) -> String {
        match self {
            Hold::None => "-".to_owned(),
            Hold::Suspended => "s".to_owned(),
            Hold::BuriedUntil(until) => format!("b{until}"),
        }
    }
}

/// One journal line as read: the key borrows from the line.
#[derive(Debug, Clone, PartialEq)]
pub struct Line<'a> {
    pub kind: Kind,
    /// `None` on a v1 line.
    pub id: Option<u64>,
    pub at: Millis,
    pub key: &'a str,
    /// The answer an undo takes back; `None` on v1 lines (the card's latest answer is meant).
    pub undoes: Option<u64>,
    pub took_ms: u32,
    pub state: CardState,
    pub hold: Hold,
}

const V2_FIELDS: usize = 17;
const V1_FIELDS: usize = 13;

/// Reads one line (without its newline) of a journal of `version`.
pub fn parse_line(line: &[u8], version: u32) -> Result<Line<'_>, String> {
    parse(line, version, true)
}

/// `parse_line` without decoding the eight state fields (`state` is left as a new card's):
/// for the review history, which reads a million lines and needs none of them. A v2 line's
/// checksum still covers them.
pub fn parse_line_head(line: &[u8], version: u32) -> Result<Line<'_>, String> {
    parse(line, version, false)
}

fn parse(line: &[u8], version: u32, with_state: bool) -> Result<Line<'_>, String> {
    let state = |f: &[&[u8]]| {
        if with_state {
            parse_state(f)
        } else {
            Ok(new_card_state())
        }
    };
    let mut f: [&[u8]; V2_FIELDS] = [&[]; V2_FIELDS];
    let want = if version >= 2 { V2_FIELDS } else { V1_FIELDS };
    let n = split_tabs(line, &mut f);
    if n != want {
        return Err(format!("expected {want} tab-separated fields, found {n}"));
    }
    if version < 2 {
        let key = key_of(f[2])?;
        let state = state(&f[5..13])?;
        let kind = kind_of(f[0], f[3])?;
        if let Kind::Other(c) = kind {
            return Err(format!("unknown entry kind `{}`", char::from(c)));
        }
        return Ok(Line {
            kind,
            id: None,
            at: int(f[1], "time")?,
            key,
            undoes: None,
            took_ms: took_of(kind, f[4])?,
            state,
            hold: Hold::None,
        });
    }
    let body = line.len() - f[16].len() - 1;
    if hex(f[16]).map(|h| h as u32) != Some(crc32c::crc32c(&line[..body])) || f[16].len() != 8 {
        return Err("its checksum does not match (the line was changed or damaged)".into());
    }
    let kind = kind_of(f[0], f[5])?;
    Ok(Line {
        kind,
        id: Some(id_of(f[1]).ok_or_else(|| format!("bad id `{}`", text(f[1])))?),
        at: int(f[2], "time")?,
        key: key_of(f[3])?,
        undoes: match f[4] {
            b"-" => None,
            other => Some(id_of(other).ok_or_else(|| format!("bad undone id `{}`", text(other)))?),
        },
        took_ms: took_of(kind, f[6])?,
        state: state(&f[7..15])?,
        hold: hold_of(f[15])?,
    })
}

/// Splits at tabs into `out`; returns how many fields there are (counted past `out`'s size).
fn split_tabs<'a>(line: &'a [u8], out: &mut [&'a [u8]]) -> usize {
    let mut n = 0;
    let mut from = 0;
    for i in memchr::memchr_iter(b'\t', line) {
        if let Some(slot) = out.get_mut(n) {
            *slot = &line[from..i];
        }
        n += 1;
        from = i + 1;
    }
    if let Some(slot) = out.get_mut(n) {
        *slot = &line[from..];
    }
    n + 1
}

fn text(f: &[u8]) -> String {
    String::from_utf8_lossy(f).into_owned()
}

fn kind_of(kind: &[u8], grade: &[u8]) -> Result<Kind, String> {
    match kind {
        b"r" => {
            Ok(Kind::Review(grade_of(grade).ok_or_else(|| {
                format!("unknown grade `{}`", text(grade))
            })?))
        }
        b"u" => Ok(Kind::Undo),
        [c] if c.is_ascii_alphabetic() => Ok(Kind::Other(*c)),
        other => Err(format!("unknown entry kind `{}`", text(other))),
    }
}

fn grade_of(field: &[u8]) -> Option<Grade> {
    match field {
        [digit] => digit.checked_sub(b'0').and_then(Grade::from_number),
        _ => None,
    }
}

fn took_of(kind: Kind, field: &[u8]) -> Result<u32, String> {
    if !matches!(kind, Kind::Review(_)) {
        return Ok(0);
    }
    int_of_bytes(field)
        .and_then(|v| u32::try_from(v).ok())
        .ok_or_else(|| format!("bad answer time `{}`", text(field)))
}

pub(crate) fn hold_of(field: &[u8]) -> Result<Hold, String> {
    match field {
        b"-" => Ok(Hold::None),
        b"s" => Ok(Hold::Suspended),
        [b'b', until @ ..] => int_of_bytes(until)
            .map(Hold::BuriedUntil)
            .ok_or_else(|| format!("bad hold `{}`", text(field))),
        other => Err(format!("bad hold `{}`", text(other))),
    }
}

fn id_of(field: &[u8]) -> Option<u64> {
    (field.len() == 16).then_some(())?;
    hex(field)
}

/// Lowercase hex, at most 16 digits.
fn hex(field: &[u8]) -> Option<u64> {
    if field.is_empty() || field.len() > 16 {
        return None;
    }
    field.iter().try_fold(0u64, |n, b| {
        let d = match b {
            b'0'..=b'9' => b - b'0',
            b'a'..=b'f' => b - b'a' + 10,
            _ => return None,
        };
        Some(n << 4 | u64::from(d))
    })
}

fn key_of(field: &[u8]) -> Result<&str, String> {
    check_key(field)?;
    // Checked just above.
    std::str::from_utf8(field).map_err(|_| "a card key is not valid UTF-8".to_owned())
}

/// The line recording `entry` under `id`, with its checksum and newline.
pub fn write_line(entry: &Entry, id: u64, undoes: Option<u64>) -> String {
    let undoes = undoes.map_or_else(|| "-".to_owned(), |u| format!("{u:016x}"));
    let mut line = match entry {
        Entry::Review {
            at,
            key,
            grade,
            took_ms,
            state,
        } => format!(
            "r\t{id:016x}\t{at}\t{key}\t-\t{}\t{took_ms}\t{}\t-",
            grade.number(),
            state_fields(state)
        ),
        Entry::Undo {
            at,
            key,
            state,
            hold,
        } => format!(
            "u\t{id:016x}\t{at}\t{key}\t{undoes}\t-\t-\t{}\t{}",
            state_fields(state),
            hold.field()
        ),
        Entry::Control {
            at,
            key,
            event,
            state,
            hold,
        } => format!(
            "{}\t{id:016x}\t{at}\t{key}\t-\t-\t-\t{}\t{}",
            event.letter(),
            state_fields(state),
            hold.field()
        ),
    };
    let crc = crc32c::crc32c(line.as_bytes());
    line.push_str(&format!("\t{crc:08x}\n"));
    line
}

impl Entry {
    /// When it happened (an imported answer: when it was given).
    pub fn at(&self) -> Millis {
        match self {
            Entry::Review { at, .. } | Entry::Undo { at, .. } | Entry::Control { at, .. } => *at,
        }
    }

    pub fn key(&self) -> &str {
        match self {
            Entry::Review { key, .. } | Entry::Undo { key, .. } | Entry::Control { key, .. } => key,
        }
    }

    pub fn state(&self) -> &CardState {
        match self {
            Entry::Review { state, .. }
            | Entry::Undo { state, .. }
            | Entry::Control { state, .. } => state,
        }
    }

    /// The card's hold after the entry: an answer leaves none.
    pub fn hold(&self) -> Hold {
        match self {
            Entry::Review { .. } => Hold::None,
            Entry::Undo { hold, .. } | Entry::Control { hold, .. } => *hold,
        }
    }

    /// Makes the entry's state and hold the card's.
    pub fn apply(&self, cards: &mut States, holds: &mut Holds) {
        apply(cards, self.key(), self.state());
        apply_hold(holds, self.key(), self.hold());
    }
}

/// Makes `hold` the card's hold. Costs nothing while no card was ever held, so replaying a
/// journal of answers only stays as fast as before.
pub fn apply_hold(holds: &mut Holds, key: &str, hold: Hold) {
    match hold {
        Hold::None if holds.is_empty() => {}
        Hold::None => {
            holds.remove(key);
        }
        hold => {
            holds.insert(key.to_owned(), hold);
        }
    }
}

/// Makes `state` the card's state (a new-card state forgets the card).
pub fn apply(cards: &mut States, key: &str, state: &CardState) {
    if state.phase == Phase::New {
        cards.remove(key);
    } else if cards.update(key, |s| *s = *state).is_none() {
        cards.insert(key.to_owned(), *state);
    }
}

/// The state of a card that was never answered, as an undo line writes it.
pub fn new_card_state() -> CardState {
    CardState {
        intro: 0,
        last: 0,
        due: 0,
        stability: 0.0,
        difficulty: 0.0,
        phase: Phase::New,
        reps: 0,
        lapses: 0,
    }
}

pub fn state_fields(s: &CardState) -> String {
    format!(
        "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
        s.intro,
        s.last,
        s.due,
        s.stability,
        s.difficulty,
        s.phase.code(),
        s.reps,
        s.lapses
    )
}

/// The eight state fields, as the journal and the snapshot write them.
pub fn parse_state(f: &[&[u8]]) -> Result<CardState, String> {
    if f.len() != 8 {
        return Err(format!("expected 8 state fields, found {}", f.len()));
    }
    let float = |s: &[u8], what: &str| -> Result<f32, String> {
        std::str::from_utf8(s)
            .ok()
            .and_then(|s| s.parse::<f32>().ok())
            .filter(|v| v.is_finite() && *v >= 0.0)
            .ok_or_else(|| format!("bad {what} `{}`", text(s)))
    };
    let count = |s: &[u8], what: &str| -> Result<u32, String> {
        int_of_bytes(s)
            .and_then(|v| u32::try_from(v).ok())
            .ok_or_else(|| format!("bad {what} `{}`", text(s)))
    };
    let phase = match f[5] {
        b"n" => Phase::New,
        b"l" => Phase::Learning,
        b"r" => Phase::Review,
        b"R" => Phase::Relearning,
        other => return Err(format!("unknown phase `{}`", text(other))),
    };
    Ok(CardState {
        intro: int(f[0], "intro time")?,
        last: int(f[1], "last time")?,
        due: int(f[2], "due time")?,
        stability: float(f[3], "stability")?,
        difficulty: float(f[4], "difficulty")?,
        phase,
        reps: count(f[6], "reps")?,
        lapses: count(f[7], "lapses")?,
    })
}

fn int(s: &[u8], what: &str) -> Result<Millis, String> {
    int_of_bytes(s).ok_or_else(|| format!("bad {what} `{}`", text(s)))
}

/// A decimal integer with an optional sign, as `str::parse::<i64>` reads it, without a UTF-8
/// check first: the journal's readers parse millions of them.
pub fn int_of_bytes(bytes: &[u8]) -> Option<i64> {
    let (negative, digits) = match bytes {
        [b'-', rest @ ..] => (true, rest),
        [b'+', rest @ ..] => (false, rest),
        _ => (false, bytes),
    };
    if digits.is_empty() {
        return None;
    }
    let mut n: i64 = 0;
    for b in digits {
        let d = i64::from(b.checked_sub(b'0').filter(|d| *d < 10)?);
        n = n.checked_mul(10)?;
        n = if negative {
            n.checked_sub(d)?
        } else {
            n.checked_add(d)?
        };
    }
    Some(n)
}

/// A card key as the journal may hold it: not empty, valid UTF-8, no whitespace and no
/// control characters (a tab in a key would shift every field after it). Keys are ASCII by
/// construction (deck and card ids), so that case is checked byte by byte and only other keys
/// pay for decoding. The writer checks keys with this before anything is written.
pub fn check_key(key: &[u8]) -> Result<(), String> {
    // Printable ASCII but space: the usual key, settled without decoding.
    let bad = if key.iter().all(|b| (b'!'..=b'~').contains(b)) {
        false
    } else {
        std::str::from_utf8(key)
            .map_err(|_| "a card key is not valid UTF-8")?
            .contains(|c: char| c.is_whitespace() || c.is_control())
    };
    if key.is_empty() || bad {
        return Err("a card key is empty or holds spaces or control characters".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state() -> CardState {
        CardState {
            intro: 1_700_000_000_000,
            last: 1_700_000_100_000,
            due: 1_700_500_000_000,
            stability: 2.3065,
            difficulty: 2.118104,
            phase: Phase::Review,
            reps: 3,
            lapses: 1,
        }
    }

    fn review() -> Entry {
        Entry::Review {
            at: 1_700_000_100_000,
            key: "deck/card#2".into(),
            grade: Grade::Hard,
            took_ms: 4200,
            state: state(),
        }
    }

    fn parse(line: &str) -> Result<Line<'_>, String> {
        parse_line(line.strip_suffix('\n').unwrap_or(line).as_bytes(), VERSION)
    }

    #[test]
    fn entries_round_trip_through_their_line() {
        let line = write_line(&review(), 0xabc, None);
        assert!(line.ends_with('\n'));
        let got = parse(&line).unwrap();
        assert_eq!(got.kind, Kind::Review(Grade::Hard));
        assert_eq!(
            (got.id, got.at, got.key),
            (Some(0xabc), 1_700_000_100_000, "deck/card#2")
        );
        assert_eq!((got.took_ms, got.state, got.undoes), (4200, state(), None));
        let undo = Entry::Undo {
            at: 1_700_000_200_000,
            key: "deck/card#2".into(),
            state: new_card_state(),
            hold: Hold::None,
        };
        let line = write_line(&undo, u64::MAX, Some(0xabc));
        let got = parse(&line).unwrap();
        assert_eq!((got.kind, got.undoes), (Kind::Undo, Some(0xabc)));
        assert_eq!(got.state, new_card_state());
    }

    #[test]
    fn any_changed_byte_fails_the_checksum_or_the_shape() {
        let line = write_line(&review(), 7, None);
        let body = line.trim_end().as_bytes();
        for at in 0..body.len() {
            for flip in [1u8, 0x20, 0x80] {
                let mut bad = body.to_vec();
                bad[at] ^= flip;
                assert!(parse_line(&bad, VERSION).is_err(), "byte {at} ^ {flip}");
            }
        }
    }

    #[test]
    fn damaged_lines_say_what_is_wrong() {
        assert!(parse("r\t1\tk").unwrap_err().contains("17"));
        let mut line = write_line(&review(), 7, None);
        line.replace_range(line.len() - 3..line.len() - 1, "00");
        assert!(parse(&line).unwrap_err().contains("checksum"));
        let v1 = "r\t1\tk\t9\t0\t0\t0\t0\t1\t1\tr\t1\t0";
        assert!(parse_line(v1.as_bytes(), 1).unwrap_err().contains("grade"));
        let nan = "r\t1\tk\t3\t0\t0\t0\t0\tNaN\t1\tr\t1\t0";
        assert!(
            parse_line(nan.as_bytes(), 1)
                .unwrap_err()
                .contains("stability")
        );
    }

    #[test]
    fn a_later_kind_of_event_applies_its_state_and_is_not_an_answer() {
        let line = write_line(&review(), 7, None).replacen('r', "s", 1);
        let body = &line[..line.rfind('\t').unwrap()];
        let line = format!("{body}\t{:08x}", crc32c::crc32c(body.as_bytes()));
        let got = parse(&line).unwrap();
        assert_eq!((got.kind, got.state), (Kind::Other(b's'), state()));
    }

    #[test]
    fn the_head_reader_is_the_same_reader_without_the_state() {
        let line = write_line(&review(), 7, None);
        let body = line.trim_end().as_bytes();
        let (full, head) = (
            parse_line(body, 2).unwrap(),
            parse_line_head(body, 2).unwrap(),
        );
        assert_eq!(
            Line {
                state: full.state,
                ..head
            },
            full
        );
        assert_eq!(head.state, new_card_state());
        for at in 0..body.len() {
            let mut bad = body.to_vec();
            bad[at] ^= 0x01;
            assert!(parse_line_head(&bad, 2).is_err(), "byte {at}");
        }
    }

    #[test]
    fn v1_lines_are_still_read() {
        let v1 = "r\t12\td/a\t3\t900\t1\t2\t3\t1.5\t5\tr\t1\t0";
        let got = parse_line(v1.as_bytes(), 1).unwrap();
        assert_eq!(
            (got.kind, got.id, got.at, got.key),
            (Kind::Review(Grade::Good), None, 12, "d/a")
        );
        assert_eq!(got.took_ms, 900);
    }

    #[test]
    fn integers_read_from_bytes_as_str_parse_reads_them() {
        for s in [
            "0",
            "42",
            "-7",
            "+7",
            "",
            "-",
            "+",
            "1a",
            " 1",
            "9223372036854775807",
            "9223372036854775808",
            "-9223372036854775808",
            "-9223372036854775809",
            "١",
        ] {
            assert_eq!(int_of_bytes(s.as_bytes()), s.parse::<i64>().ok(), "{s:?}");
        }
    }

    #[test]
    fn keys_with_spaces_control_characters_or_bad_utf8_are_refused() {
        assert!(check_key(b"deck/card#2").is_ok());
        assert!(check_key("deck/kārd".as_bytes()).is_ok());
        for bad in [
            &b""[..],
            b"a b",
            b"a\tb",
            b"a\x0bb",
            b"a\x7fb",
            "a\u{85}b".as_bytes(),
            "a\u{a0}b".as_bytes(),
            b"a\xffb",
        ] {
            assert!(check_key(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn headers_are_versioned_and_strict() {
        assert_eq!(check_header(HEADER.as_bytes()), Ok(Some((2, HEADER.len()))));
        assert_eq!(check_header(b"# smriti journal v1\n"), Ok(Some((1, 20))));
        assert_eq!(
            check_header(b"# smriti journal v3\n"),
            Err(HeaderError::Newer(3))
        );
        assert_eq!(check_header(b"# smriti jou"), Ok(None));
        assert_eq!(check_header(b""), Ok(None));
        for bad in [
            &b"hello\n"[..],
            b"# smriti journal v0\n",
            b"# smriti journal v 1\n",
            b"# smriti journal v01\n",
            b"# smriti journal v1 \n",
            b"# smriti journal v+1\n",
            b"# smriti journal v\n",
        ] {
            assert!(
                matches!(check_header(bad), Err(HeaderError::Invalid(_))),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn an_undo_to_new_forgets_the_card() {
        let (mut cards, mut holds) = (States::default(), Holds::default());
        review().apply(&mut cards, &mut holds);
        assert!(cards.contains_key("deck/card#2"));
        Entry::Undo {
            at: 2,
            key: "deck/card#2".into(),
            state: new_card_state(),
            hold: Hold::None,
        }
        .apply(&mut cards, &mut holds);
        assert!(cards.is_empty());
    }

    #[test]
    fn card_control_events_round_trip_with_their_hold() {
        for (event, hold) in [
            (Event::Suspend, Hold::Suspended),
            (Event::Unsuspend, Hold::None),
            (Event::Bury, Hold::BuriedUntil(1_700_086_400_000)),
            (Event::Forget, Hold::Suspended),
        ] {
            let entry = Entry::Control {
                at: 5,
                key: "d/c#1".into(),
                event,
                state: state(),
                hold,
            };
            let line = write_line(&entry, 9, None);
            let got = parse(&line).unwrap();
            assert_eq!(got.kind, Kind::Other(event.letter() as u8), "{event:?}");
            assert_eq!(Event::of_letter(event.letter() as u8), Some(event));
            assert_eq!((got.state, got.hold, got.took_ms), (state(), hold, 0));
        }
        let undo = Entry::Undo {
            at: 6,
            key: "d/c".into(),
            state: state(),
            hold: Hold::BuriedUntil(77),
        };
        let line = write_line(&undo, 10, Some(9));
        let got = parse(&line).unwrap();
        assert_eq!((got.hold, got.undoes), (Hold::BuriedUntil(77), Some(9)));
    }

    #[test]
    fn a_hold_keeps_a_card_out_until_it_ends_and_an_answer_lifts_it() {
        assert!(Hold::Suspended.holds_at(i64::MAX));
        assert!(Hold::BuriedUntil(10).holds_at(9));
        assert!(!Hold::BuriedUntil(10).holds_at(10));
        assert!(!Hold::None.holds_at(0));
        let (mut cards, mut holds) = (States::default(), Holds::default());
        let suspend = Entry::Control {
            at: 1,
            key: "deck/card#2".into(),
            event: Event::Suspend,
            state: new_card_state(),
            hold: Hold::Suspended,
        };
        suspend.apply(&mut cards, &mut holds);
        assert!(cards.is_empty(), "a held new card is still new");
        assert_eq!(holds.get("deck/card#2"), Some(&Hold::Suspended));
        review().apply(&mut cards, &mut holds);
        assert!(holds.is_empty());
    }
}
