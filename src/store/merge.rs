//! Several devices' journals made into one state. A line's stored state assumes its own
//! device's previous line of the card, so:
//! - a card whose lines all come from one device keeps the state of its last line, read in
//!   that device's order (the fast path, and the whole story for a home on one machine);
//! - a card with lines from more than one device is replayed: its answers and card-control
//!   events from every device, undone ones taken out, in time order (ties by answer id),
//!   answers through the scheduler, suspend/bury/unsuspend by the hold they leave, a reset
//!   back to new. The result depends on the lines only, never on which file was read first.
//!
//! Every line carries a random 64-bit id, so a line read twice (a conflict copy, an old
//! `journal.tsv` beside the device journals) counts once: files are fed own journal first,
//! then other devices', then copies, and a repeated id is skipped. An undo names the id it
//! takes back, always an answer of its own device. The merge of a set of cards depends on
//! those cards' lines only, so an index can be brought up to date by merging just the cards
//! another device's new lines touch (`only`).

use rustc_hash::{FxHashMap, FxHashSet};

use super::devices::Replayer;
use super::journal::{self, Event, Hold, Kind, Line};
use super::{Holds, States};
use crate::clock::Millis;
use crate::schedule::CardState;

/// One answer or card-control event of a card that may be replayed.
struct Ev {
    key: u32,
    at: Millis,
    id: u64,
    kind: Kind,
    hold: Hold,
}

struct Card {
    /// The devices with lines of the card, one bit each (the 64th and later share a bit).
    owners: u64,
    /// The state and hold after its latest line in reading order.
    state: CardState,
    hold: Hold,
    /// Its latest event, which a v1 undo (no id) takes back.
    last_event: Option<usize>,
}

/// Collects lines, then `finish` gives the merged states.
pub struct Merger {
    keys: FxHashMap<String, u32>,
    cards: Vec<(String, Card)>,
    events: Vec<Ev>,
    /// The stored state of each event this version does not know (applied as it says), by
    /// its place in `events`: few, so not carried by every event.
    unknown: FxHashMap<usize, CardState>,
    undone: FxHashSet<u64>,
    /// Ids read so far, when copies may repeat them.
    seen: Option<FxHashSet<u64>>,
    /// Ids given to v1 lines, which have none (counting down from the top).
    next_v1_id: u64,
}

impl Merger {
    /// `dedupe`: whether some line may be read twice (a copy is among the journals).
    pub fn new(dedupe: bool) -> Merger {
        Merger {
            keys: FxHashMap::default(),
            cards: Vec::new(),
            events: Vec::new(),
            unknown: FxHashMap::default(),
            undone: FxHashSet::default(),
            seen: dedupe.then(FxHashSet::default),
            next_v1_id: u64::MAX,
        }
    }

    /// Adds a line of the journal of device `owner` (a small index).
    pub fn add(&mut self, owner: usize, line: &Line) {
        let id = match line.id {
            Some(id) => id,
            None => {
                self.next_v1_id -= 1;
                self.next_v1_id
            }
        };
        if let Some(seen) = &mut self.seen
            && !seen.insert(id)
        {
            return;
        }
        let key = match self.keys.get(line.key) {
            Some(k) => *k,
            None => {
                let k = self.cards.len() as u32;
                self.keys.insert(line.key.to_owned(), k);
                self.cards.push((
                    line.key.to_owned(),
                    Card {
                        owners: 0,
                        state: journal::new_card_state(),
                        hold: Hold::None,
                        last_event: None,
                    },
                ));
                k
            }
        };
        let card = &mut self.cards[key as usize].1;
        card.owners |= 1 << owner.min(63);
        card.state = line.state;
        card.hold = line.hold;
        match line.kind {
            Kind::Undo => match line.undoes {
                Some(undone) => {
                    self.undone.insert(undone);
                }
                None => {
                    if let Some(ev) = card.last_event.and_then(|i| self.events.get(i)) {
                        self.undone.insert(ev.id);
                    }
                }
            },
            kind => {
                card.last_event = Some(self.events.len());
                if matches!(kind, Kind::Other(c) if Event::of_letter(c).is_none()) {
                    self.unknown.insert(self.events.len(), line.state);
                }
                self.events.push(Ev {
                    key,
                    at: line.at,
                    id,
                    kind,
                    hold: line.hold,
                });
            }
        }
    }

    /// The merged state and hold of every card read.
    pub fn finish(self) -> (States, Holds) {
        let mut states = States::default();
        let mut holds = Holds::default();
        let mut replayed: Vec<(usize, Ev)> = Vec::new();
        let mut many = vec![false; self.cards.len()];
        for (i, (key, card)) in self.cards.iter().enumerate() {
            if card.owners.count_ones() > 1 {
                many[i] = true;
            } else {
                journal::apply(&mut states, key, &card.state);
                journal::apply_hold(&mut holds, key, card.hold);
            }
        }
        if many.iter().any(|m| *m) {
            replayed.extend(
                self.events
                    .into_iter()
                    .enumerate()
                    .filter(|(_, e)| many[e.key as usize] && !self.undone.contains(&e.id)),
            );
            replayed.sort_unstable_by_key(|(_, e)| (e.key, e.at, e.id));
            let replayer = Replayer::new();
            for group in replayed.chunk_by(|a, b| a.1.key == b.1.key) {
                let key = &self.cards[group[0].1.key as usize].0;
                let (state, hold) = replay(&replayer, key, group, &self.unknown);
                journal::apply(&mut states, key, &state);
                journal::apply_hold(&mut holds, key, hold);
            }
        }
        (states, holds)
    }
}

/// A card's state and hold after `events` (its own, in time order, with their places) from
/// a new card.
fn replay(
    replayer: &Replayer,
    key: &str,
    events: &[(usize, Ev)],
    unknown: &FxHashMap<usize, CardState>,
) -> (CardState, Hold) {
    let mut state: Option<CardState> = None;
    let mut hold = Hold::None;
    for (place, e) in events {
        match e.kind {
            Kind::Review(grade) => {
                state = Some(replayer.answer(state.as_ref(), grade, e.at, key));
                hold = Hold::None;
            }
            Kind::Other(letter) => {
                match Event::of_letter(letter) {
                    Some(Event::Forget) => state = None,
                    Some(Event::Suspend | Event::Unsuspend | Event::Bury) => {}
                    // A later kind of event: its stored state is all this version knows.
                    None => state = unknown.get(place).copied().or(state),
                }
                hold = e.hold;
            }
            Kind::Undo => {}
        }
    }
    (state.unwrap_or_else(journal::new_card_state), hold)
}

/// The card key of a v2 journal line, found without parsing the rest (the 4th field).
pub fn key_of(line: &[u8]) -> Option<&[u8]> {
    let mut tabs = memchr::memchr_iter(b'\t', line);
    tabs.next()?;
    tabs.next()?;
    let from = tabs.next()? + 1;
    let to = tabs.next()?;
    line.get(from..to)
}

/// Whether a line of a v2 journal is of one of the cards in `only`.
pub fn wanted(line: &[u8], only: &FxHashSet<Vec<u8>>) -> bool {
    key_of(line).is_some_and(|k| only.contains(k))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::{Grade, Phase};
    use crate::store::journal::{Entry, parse_line, write_line};

    fn stored(reps: u32) -> CardState {
        CardState {
            intro: 1,
            last: 2,
            due: 3,
            stability: 9.0,
            difficulty: 5.0,
            phase: Phase::Review,
            reps,
            lapses: 0,
        }
    }

    fn answer(at: Millis, key: &str, grade: Grade, reps: u32) -> Entry {
        Entry::Review {
            at,
            key: key.into(),
            grade,
            took_ms: 1,
            state: stored(reps),
        }
    }

    /// Merges `(owner, line text)` in the order given.
    fn merge(lines: &[(usize, String)], dedupe: bool) -> (States, Holds) {
        let mut m = Merger::new(dedupe);
        for (owner, text) in lines {
            let line = parse_line(text.trim_end().as_bytes(), 2).unwrap();
            m.add(*owner, &line);
        }
        m.finish()
    }

    const DAY: Millis = 86_400_000;
    const T0: Millis = 1_790_000_000_000;

    #[test]
    fn a_card_of_one_device_keeps_its_stored_state() {
        let a = write_line(&answer(T0, "d/a", Grade::Good, 7), 1, None);
        let (states, _) = merge(&[(0, a)], false);
        assert_eq!(states.of("d/a"), stored(7));
    }

    #[test]
    fn a_card_answered_on_two_devices_is_replayed_in_time_order_whatever_the_file_order() {
        let first = write_line(&answer(T0, "d/a", Grade::Good, 1), 1, None);
        let second = write_line(&answer(T0 + 3 * DAY, "d/a", Grade::Again, 1), 2, None);
        let third = write_line(&answer(T0 + 4 * DAY, "d/a", Grade::Easy, 2), 3, None);
        let one = merge(
            &[(0, first.clone()), (0, third.clone()), (1, second.clone())],
            false,
        );
        let other = merge(&[(1, second), (0, first), (0, third)], false);
        assert_eq!(one, other);
        let r = Replayer::new();
        let s1 = r.answer(None, Grade::Good, T0, "d/a");
        let s2 = r.answer(Some(&s1), Grade::Again, T0 + 3 * DAY, "d/a");
        let s3 = r.answer(Some(&s2), Grade::Easy, T0 + 4 * DAY, "d/a");
        assert_eq!(one.0.of("d/a"), s3);
        assert_eq!((s3.reps, s3.lapses), (3, 1), "every answer counted once");
    }

    #[test]
    fn a_line_read_twice_counts_once_and_an_undo_takes_back_its_answer() {
        let a = write_line(&answer(T0, "d/a", Grade::Good, 1), 1, None);
        let b = write_line(&answer(T0 + DAY, "d/a", Grade::Good, 1), 2, None);
        let slip = write_line(&answer(T0 + DAY + 5, "d/a", Grade::Again, 2), 3, None);
        let undo = write_line(
            &Entry::Undo {
                at: T0 + DAY + 9,
                key: "d/a".into(),
                state: stored(1),
                hold: Hold::None,
            },
            4,
            Some(3),
        );
        let copied = merge(
            &[
                (0, a.clone()),
                (1, b.clone()),
                (1, slip.clone()),
                (1, undo.clone()),
                (1, b.clone()),
                (1, slip.clone()),
            ],
            true,
        );
        let once = merge(&[(0, a), (1, b), (1, slip), (1, undo)], false);
        assert_eq!(copied, once);
        assert_eq!(once.0.of("d/a").reps, 2);
        assert_eq!(once.0.of("d/a").lapses, 0, "the undone again is gone");
    }

    #[test]
    fn holds_merge_by_time() {
        let a = write_line(&answer(T0, "d/a", Grade::Good, 1), 1, None);
        let suspend = Entry::Control {
            at: T0 + 2 * DAY,
            key: "d/a".into(),
            event: Event::Suspend,
            state: stored(1),
            hold: Hold::Suspended,
        };
        let later = write_line(&answer(T0 + DAY, "d/a", Grade::Good, 2), 2, None);
        let s = write_line(&suspend, 3, None);
        let (_, holds) = merge(&[(1, s.clone()), (0, a.clone()), (0, later.clone())], false);
        assert_eq!(holds.get("d/a"), Some(&Hold::Suspended), "suspended last");
        let after = write_line(&answer(T0 + 3 * DAY, "d/a", Grade::Good, 2), 4, None);
        let (_, holds) = merge(&[(0, a), (0, after), (1, s)], false);
        assert!(holds.is_empty(), "answered after the suspend");
    }

    #[test]
    fn the_key_is_found_without_parsing() {
        let a = write_line(&answer(T0, "d/a#2", Grade::Good, 1), 1, None);
        assert_eq!(key_of(a.as_bytes()), Some(&b"d/a#2"[..]));
        assert_eq!(key_of(b"r\t1\t2"), None);
    }
}
