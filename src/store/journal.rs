//! The journal's line format. One entry per line, fields separated by tabs:
//!
//! ```text
//! # smriti journal v1
//! r  <at>  <card key>  <grade 1-4>  <answer ms>  <intro> <last> <due> <stability> <difficulty> <phase> <reps> <lapses>
//! u  <at>  <card key>  -            -            <the state restored by the undo, same fields>
//! ```
//!
//! Instants are Unix milliseconds; phase is `n` new, `l` learning, `r` review, `R` relearning.
//! Each line carries the card's whole state after it, so the latest line of a card is its
//! state and nothing has to be recomputed to load. An undo restoring a never-seen card has
//! phase `n`.

use super::States;
use crate::clock::Millis;
use crate::schedule::{CardState, Grade, Phase};

pub const VERSION: u32 = 1;
pub const HEADER: &str = "# smriti journal v1\n";
const HEADER_PREFIX: &str = "# smriti journal v";

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
    },
}

#[derive(Debug, PartialEq)]
pub enum HeaderError {
    Newer(u32),
    Invalid(String),
}

/// Offset of the first entry, `None` for a file with no complete header (new, or torn while
/// being created).
pub fn check_header(bytes: &[u8]) -> Result<Option<usize>, HeaderError> {
    let Some(end) = bytes.iter().position(|b| *b == b'\n') else {
        return if HEADER.as_bytes().starts_with(bytes) {
            Ok(None)
        } else {
            Err(HeaderError::Invalid(
                "the first line is not a smriti journal header".into(),
            ))
        };
    };
    let line = std::str::from_utf8(&bytes[..end]).unwrap_or_default();
    let version = line
        .strip_prefix(HEADER_PREFIX)
        .and_then(|v| v.trim().parse::<u32>().ok())
        .ok_or_else(|| {
            HeaderError::Invalid("the first line is not a smriti journal header".into())
        })?;
    if version > VERSION {
        return Err(HeaderError::Newer(version));
    }
    Ok(Some(end + 1))
}

impl Entry {
    pub fn key(&self) -> &str {
        match self {
            Entry::Review { key, .. } | Entry::Undo { key, .. } => key,
        }
    }

    pub fn to_line(&self) -> String {
        let (tag, at, key, grade, took, state) = match self {
            Entry::Review {
                at,
                key,
                grade,
                took_ms,
                state,
            } => (
                'r',
                at,
                key,
                grade.number().to_string(),
                took_ms.to_string(),
                state,
            ),
            Entry::Undo { at, key, state } => ('u', at, key, "-".into(), "-".into(), state),
        };
        format!(
            "{tag}\t{at}\t{key}\t{grade}\t{took}\t{}\n",
            state_fields(state)
        )
    }

    pub fn parse(line: &[u8]) -> Result<Entry, String> {
        let line = std::str::from_utf8(line).map_err(|_| "a line is not valid UTF-8".to_owned())?;
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() != 13 {
            return Err(format!(
                "expected 13 tab-separated fields, found {}",
                f.len()
            ));
        }
        let at = int(f[1], "time")?;
        let key = f[2];
        if key.is_empty() || key.contains(char::is_whitespace) {
            return Err("a card key is empty or holds spaces".into());
        }
        let state = parse_state(&f[5..])?;
        match f[0] {
            "r" => Ok(Entry::Review {
                at,
                key: key.to_owned(),
                grade: Grade::parse(f[3]).ok_or_else(|| format!("unknown grade `{}`", f[3]))?,
                took_ms: f[4]
                    .parse()
                    .map_err(|_| format!("bad answer time `{}`", f[4]))?,
                state,
            }),
            "u" => Ok(Entry::Undo {
                at,
                key: key.to_owned(),
                state,
            }),
            other => Err(format!("unknown entry kind `{other}`")),
        }
    }

    /// Makes the entry's state the card's state.
    pub fn apply(&self, cards: &mut States) {
        let (key, state) = match self {
            Entry::Review { key, state, .. } | Entry::Undo { key, state, .. } => (key, state),
        };
        if state.phase == Phase::New {
            cards.remove(key);
        } else if let Some(slot) = cards.get_mut(key) {
            *slot = *state;
        } else {
            cards.insert(key.clone(), *state);
        }
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

pub fn parse_state(f: &[&str]) -> Result<CardState, String> {
    if f.len() != 8 {
        return Err(format!("expected 8 state fields, found {}", f.len()));
    }
    let float = |s: &str, what: &str| -> Result<f32, String> {
        s.parse::<f32>()
            .ok()
            .filter(|v| v.is_finite() && *v >= 0.0)
            .ok_or_else(|| format!("bad {what} `{s}`"))
    };
    Ok(CardState {
        intro: int(f[0], "intro time")?,
        last: int(f[1], "last time")?,
        due: int(f[2], "due time")?,
        stability: float(f[3], "stability")?,
        difficulty: float(f[4], "difficulty")?,
        phase: Phase::from_code(f[5]).ok_or_else(|| format!("unknown phase `{}`", f[5]))?,
        reps: f[6].parse().map_err(|_| format!("bad reps `{}`", f[6]))?,
        lapses: f[7].parse().map_err(|_| format!("bad lapses `{}`", f[7]))?,
    })
}

fn int(s: &str, what: &str) -> Result<Millis, String> {
    int_of_bytes(s.as_bytes()).ok_or_else(|| format!("bad {what} `{s}`"))
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

/// A card key as the journal may hold it: not empty, no whitespace, valid UTF-8. Keys are
/// ASCII by construction (deck and card ids), so that case is checked byte by byte and only
/// other keys pay for decoding.
pub fn check_key(key: &[u8]) -> Result<(), String> {
    // Printable ASCII but space: the usual key, settled without decoding.
    let spaced = if key.iter().all(|b| (b'!'..=b'~').contains(b)) {
        false
    } else {
        std::str::from_utf8(key)
            .map_err(|_| "a card key is not valid UTF-8")?
            .contains(char::is_whitespace)
    };
    if key.is_empty() || spaced {
        return Err("a card key is empty or holds spaces".into());
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

    #[test]
    fn entries_round_trip_through_their_line() {
        let review = Entry::Review {
            at: 1_700_000_100_000,
            key: "deck/card#2".into(),
            grade: Grade::Hard,
            took_ms: 4200,
            state: state(),
        };
        let undo = Entry::Undo {
            at: 1_700_000_200_000,
            key: "deck/card#2".into(),
            state: new_card_state(),
        };
        for e in [review, undo] {
            let line = e.to_line();
            assert!(line.ends_with('\n'));
            assert_eq!(Entry::parse(line.trim_end().as_bytes()).unwrap(), e);
        }
    }

    #[test]
    fn damaged_lines_say_what_is_wrong() {
        assert!(Entry::parse(b"r\t1\tk").unwrap_err().contains("13"));
        let bad_grade = "r\t1\tk\t9\t0\t0\t0\t0\t1\t1\tr\t1\t0";
        assert!(
            Entry::parse(bad_grade.as_bytes())
                .unwrap_err()
                .contains("grade")
        );
        let nan = "r\t1\tk\t3\t0\t0\t0\t0\tNaN\t1\tr\t1\t0";
        assert!(
            Entry::parse(nan.as_bytes())
                .unwrap_err()
                .contains("stability")
        );
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
    fn keys_with_spaces_or_bad_utf8_are_refused() {
        assert!(check_key(b"deck/card#2").is_ok());
        assert!(check_key("deck/kārd".as_bytes()).is_ok());
        for bad in [
            &b""[..],
            b"a b",
            b"a\x0bb",
            "a\u{a0}b".as_bytes(),
            b"a\xffb",
        ] {
            assert!(check_key(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn headers_are_versioned() {
        assert_eq!(check_header(HEADER.as_bytes()), Ok(Some(HEADER.len())));
        assert_eq!(
            check_header(b"# smriti journal v2\n"),
            Err(HeaderError::Newer(2))
        );
        assert_eq!(check_header(b"# smriti jou"), Ok(None));
        assert_eq!(check_header(b""), Ok(None));
        assert!(matches!(
            check_header(b"hello\n"),
            Err(HeaderError::Invalid(_))
        ));
    }

    #[test]
    fn an_undo_to_new_forgets_the_card() {
        let mut cards = States::default();
        Entry::Review {
            at: 1,
            key: "k".into(),
            grade: Grade::Good,
            took_ms: 0,
            state: state(),
        }
        .apply(&mut cards);
        assert!(cards.contains_key("k"));
        Entry::Undo {
            at: 2,
            key: "k".into(),
            state: new_card_state(),
        }
        .apply(&mut cards);
        assert!(cards.is_empty());
    }
}
