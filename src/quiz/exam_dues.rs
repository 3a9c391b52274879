//! Each card's exam-serving due date (`Goals::due`), kept between runs (`cache/exam_due.bin`).
//! With an exam ahead the quiz picks cards by it, and working it out for a card in review
//! takes a bisection over FSRS reviews: at 100k cards about 150 ms, five times the whole
//! start-up budget. It depends only on the card's state and exam and on what the file is
//! named for (both exams' goals, the scheduler's parameters, retention and seed, the time zone
//! and the hour a study day starts), not on today's date, so a card whose state is the one it
//! was worked out from takes it from here, and only cards answered since are worked out again.
//!
//! Only an accelerator, never trusted unchecked: the file names what it was worked out for
//! and ends with its CRC-32C, and each entry carries a fingerprint of the state and exam it
//! was worked out from, so an entry for another state (the card was answered, or its place
//! now holds another card) is worked out again. It is written again, best effort and unsynced,
//! when any entry was (`cache_file`).
//!
//! ```text
//! magic (16) · format u32 · key u64 · cards u32 · cards × (fingerprint u64 · due i64) · crc u32
//! ```

use std::path::{Path, PathBuf};

use super::queue::Goals;
use crate::cache_file;
use crate::clock::{Clock, Millis};
use crate::deck::Exam;
use crate::schedule::exam::ExamGoal;
use crate::schedule::{CardState, Phase, Scheduler};

/// The file's name in the cache folder.
pub const FILE: &str = "exam_due.bin";

const MAGIC: &[u8; 16] = b"smriti exam due\n";
/// 2: fingerprints by folded multiplies. 3: dates worked out with the crate's own review
/// step (`schedule::memory`), which can differ from 2's in the last bit and so by a day.
const FORMAT: u32 = 3;
const HEAD: usize = 16 + 4 + 8 + 4;
const ENTRY: usize = 16;
/// The fingerprint of no entry; `fingerprint` never gives it.
const EMPTY: u64 = 0;

/// The due date each card of `sel` (places in a deck index of `n` cards) is next asked on,
/// by its position in `sel`, as `goals.due` gives it (`Kept::due`); a new card's is
/// `Millis::MAX`.
#[allow(clippy::too_many_arguments)]
pub fn for_selection(
    file: &Path,
    n: usize,
    sel: &[usize],
    exam: impl Fn(usize) -> Exam + Sync,
    state: impl Fn(usize) -> Option<CardState> + Sync,
    goals: &Goals,
    sched: &Scheduler,
    clock: &Clock,
) -> Vec<Millis> {
    let mut kept = Kept::open(file.to_path_buf(), n, goals, sched, clock);
    // With no dates kept for these goals (the first start after they change), every review
    // card is worked out: a tenth of a second at 100k cards, split between the cores.
    let threads = if kept.bytes.is_none() && sel.len() >= SPLIT_FROM {
        std::thread::available_parallelism().map_or(1, |n| n.get().min(4))
    } else {
        1
    };
    let part_of = |part: &[usize]| {
        let mut worked = Vec::new();
        let dues: Vec<Millis> = part
            .iter()
            .map(|&i| {
                state(i).map_or(Millis::MAX, |s| {
                    let (due, fp) = kept.work(i, &s, exam(i));
                    if let Some(fp) = fp {
                        worked.push((i, fp, due));
                    }
                    due
                })
            })
            .collect();
        (dues, worked)
    };
    let parts: Vec<(Vec<Millis>, Vec<Worked>)> = if threads <= 1 {
        vec![part_of(sel)]
    } else {
        std::thread::scope(|scope| {
            let handles: Vec<_> = sel
                .chunks(sel.len().div_ceil(threads))
                .map(|part| scope.spawn(move || part_of(part)))
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                .collect()
        })
    };
    let mut dues = Vec::with_capacity(sel.len());
    for (part, worked) in parts {
        dues.extend(part);
        kept.worked.extend(worked);
    }
    kept.keep();
    dues
}

/// Cards to work out at once from which `for_selection` splits the work between threads.
const SPLIT_FROM: usize = 8192;

/// A date worked out for the file: the card's place, its fingerprint and the date.
type Worked = (usize, u64, Millis);

/// The kept dates of a deck index's cards under one set of goals, read once, for a caller to
/// ask card by card (a count needs no list of them all), then `keep` what was worked out.
pub struct Kept<'a> {
    file: PathBuf,
    n: usize,
    goals: &'a Goals,
    sched: &'a Scheduler,
    clock: &'a Clock,
    key: u64,
    bytes: Option<cache_file::Verified>,
    worked: Vec<Worked>,
}

impl<'a> Kept<'a> {
    /// The dates kept in `file` for a deck index of `n` cards under `goals` (none are read
    /// with no exam ahead: every card is then asked on its stored due).
    pub fn open(
        file: PathBuf,
        n: usize,
        goals: &'a Goals,
        sched: &'a Scheduler,
        clock: &'a Clock,
    ) -> Kept<'a> {
        let ahead = goals.prelims.is_some() || goals.mains.is_some();
        let key = if ahead { key(goals, sched, clock) } else { 0 };
        Kept {
            bytes: ahead.then(|| read(&file, key)).flatten(),
            file,
            n,
            goals,
            sched,
            clock,
            key,
            worked: Vec::new(),
        }
    }

    /// When the card at place `i`, of `exam` and in `state`, is next asked (`Goals::due`):
    /// from the file where it holds this state, else worked out.
    pub fn due(&mut self, i: usize, state: &CardState, exam: Exam) -> Millis {
        let (due, fp) = self.work(i, state, exam);
        if let Some(fp) = fp {
            self.worked.push((i, fp, due));
        }
        due
    }

    /// `due`, with the fingerprint to keep it under when it was worked out rather than read.
    fn work(&self, i: usize, state: &CardState, exam: Exam) -> (Millis, Option<u64>) {
        let goals = self.goals;
        let Some(goal) = goals.of(exam).filter(|_| state.phase == Phase::Review) else {
            // New cards, learning steps and cards of no exam ahead are asked when stored.
            return (goals.due(self.sched, state, exam, self.clock), None);
        };
        let fp = fingerprint(state, exam);
        let entry = self
            .bytes
            .as_deref()
            .and_then(|b| b.get(HEAD + i * ENTRY..HEAD + (i + 1) * ENTRY));
        if let Some(entry) = entry
            && u64_at(entry, 0) == fp
        {
            return (u64_at(entry, 8) as Millis, None);
        }
        (self.sched.due_for_exam(state, goal, self.clock), Some(fp))
    }

    /// Writes the file again with what was worked out, if anything was.
    pub fn keep(self) {
        if !self.worked.is_empty() {
            let kept = self.bytes.as_deref().unwrap_or_default();
            write(&self.file, self.key, self.n, kept, &self.worked);
        }
    }
}

/// What the entries were worked out for: both goals, the scheduler, the time zone (its name,
/// or its rule or offset where it has none) and the day's start hour.
fn key(goals: &Goals, sched: &Scheduler, clock: &Clock) -> u64 {
    let goal = |g: Option<ExamGoal>| {
        g.map_or([0; 4], |g| {
            [
                day_number(g.day),
                g.at as u64,
                u64::from(g.target.to_bits()),
                g.ordinary.map_or(0, |r| 1 + u64::from(r.to_bits())),
            ]
        })
    };
    let zone = format!("{:?}", clock.tz);
    let words = goal(goals.prelims)
        .into_iter()
        .chain(goal(goals.mains))
        .chain(sched.identity())
        .chain([u64::from(clock.day_start_hour)])
        .chain(zone.bytes().map(u64::from));
    mix_all(words)
}

/// A study day as a number that orders and differs as the days do.
fn day_number(day: jiff::civil::Date) -> u64 {
    (i64::from(day.year()) * 372 + i64::from(day.month()) * 31 + i64::from(day.day())) as u64
}

/// A 64-bit fingerprint of everything in a card's state and its exam. Three independent
/// folded multiplies (as wyhash mixes) and a last one to spread them: every start with an
/// exam ahead takes one per card, and six SplitMix rounds in a chain were half the dates' cost.
fn fingerprint(s: &CardState, exam: Exam) -> u64 {
    let counts = u64::from(s.reps) | u64::from(s.lapses) << 32;
    let memory = u64::from(s.stability.to_bits()) | u64::from(s.difficulty.to_bits()) << 32;
    let kind = u64::from(s.phase.code() as u32) << 8 | exam as u64;
    let a = fold(s.intro as u64 ^ SEEDS[0], s.last as u64 ^ SEEDS[1]);
    let b = fold(s.due as u64 ^ SEEDS[2], memory ^ SEEDS[3]);
    let c = fold(counts ^ SEEDS[4], kind ^ SEEDS[5]);
    fold(a ^ b.rotate_left(21) ^ c.rotate_left(42), SEEDS[6]).max(EMPTY + 1)
}

/// wyhash's secrets: odd, with half their bits set and high bits in both halves, so no field
/// of a state (times, counts and small codes; stabilities and difficulties that are numbers)
/// cancels one to zero.
const SEEDS: [u64; 7] = [
    0xa076_1d64_78bd_642f,
    0xe703_7ed1_a0b4_28db,
    0x8ebc_6af0_9c88_c6e3,
    0x5899_65cc_7537_4cc3,
    0x1d8e_4e27_c47d_124f,
    0x9e37_79b9_7f4a_7c15,
    0xbf58_476d_1ce4_e5b9,
];

/// The 128-bit product of `a` and `b`, its halves folded together.
fn fold(a: u64, b: u64) -> u64 {
    let p = u128::from(a) * u128::from(b);
    (p as u64) ^ (p >> 64) as u64
}

/// The words folded with SplitMix64's finalizer: every bit of each word moves the whole hash.
fn mix_all(words: impl IntoIterator<Item = u64>) -> u64 {
    words.into_iter().fold(0x9e37_79b9_7f4a_7c15, |h, w| {
        let mut z = (h ^ w).wrapping_add(0x9e37_79b9_7f4a_7c15);
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    })
}

fn u64_at(b: &[u8], at: usize) -> u64 {
    let mut w = [0; 8];
    w.copy_from_slice(&b[at..at + 8]);
    u64::from_le_bytes(w)
}

/// The kept file's head and entries if it verifies and was worked out for `key`.
fn read(file: &Path, key: u64) -> Option<cache_file::Verified> {
    let body = cache_file::read(file)?;
    let head = body.get(..HEAD)?;
    let cards = u32::from_le_bytes(head[28..32].try_into().ok()?) as usize;
    let fits = body.len() == HEAD + cards * ENTRY;
    (fits && head[..16] == MAGIC[..] && head[16..20] == FORMAT.to_le_bytes()).then_some(())?;
    (u64_at(head, 20) == key).then_some(body)
}

/// Keeps the entries of `kept` (a file read for `key`, or nothing) with those `worked` out
/// now over them, for a deck index of `n` cards: by a temporary file renamed over the old one.
fn write(file: &Path, key: u64, n: usize, kept: &[u8], worked: &[Worked]) {
    let Ok(cards) = u32::try_from(n) else {
        return;
    };
    let mut bytes = Vec::with_capacity(HEAD + n * ENTRY + 4);
    bytes.extend_from_slice(MAGIC);
    bytes.extend_from_slice(&FORMAT.to_le_bytes());
    bytes.extend_from_slice(&key.to_le_bytes());
    bytes.extend_from_slice(&cards.to_le_bytes());
    // The kept entries stay at their places (their fingerprints say whether they still
    // hold); places past the kept file's end start empty.
    let old = kept.get(HEAD..).unwrap_or_default();
    let keep = old.len().min(n * ENTRY);
    bytes.extend_from_slice(&old[..keep]);
    bytes.resize(HEAD + n * ENTRY, 0);
    for &(i, fp, due) in worked {
        let at = HEAD + i * ENTRY;
        bytes[at..at + 8].copy_from_slice(&fp.to_le_bytes());
        bytes[at + 8..at + 16].copy_from_slice(&due.to_le_bytes());
    }
    cache_file::write(file, bytes);
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use jiff::tz::TimeZone;
    use std::fs;

    const DAY: Millis = 86_400_000;

    fn clock(tz: TimeZone) -> Clock {
        Clock::new("2027-01-10T10:00:00Z".parse().unwrap(), tz, 4)
    }

    fn goals(c: &Clock) -> Goals {
        Goals {
            prelims: ExamGoal::ahead(Some(date(2027, 5, 23)), c),
            mains: ExamGoal::ahead(Some(date(2027, 8, 20)), c),
        }
    }

    /// New cards, learning steps and review cards of every strength, of both exams.
    fn cards(c: &Clock) -> (Vec<Option<CardState>>, Vec<Exam>) {
        let now = c.now_ms();
        let states = (0..60)
            .map(|i| {
                let last = now - (i % 9) as Millis * DAY;
                (i % 5 != 0).then(|| CardState {
                    intro: last - 30 * DAY,
                    last,
                    due: last + (1 + i % 40) as Millis * DAY,
                    stability: 0.5 + (i * i % 97) as f32 * 2.5,
                    difficulty: 1.0 + (i % 9) as f32,
                    phase: if i % 7 == 0 {
                        Phase::Learning
                    } else {
                        Phase::Review
                    },
                    reps: 3 + i as u32 % 4,
                    lapses: i as u32 % 3,
                })
            })
            .collect();
        let exams = (0..60)
            .map(|i| {
                if i % 3 == 0 {
                    Exam::Mains
                } else {
                    Exam::Prelims
                }
            })
            .collect();
        (states, exams)
    }

    struct Case {
        sched: Scheduler,
        clock: Clock,
        goals: Goals,
        states: Vec<Option<CardState>>,
        exams: Vec<Exam>,
    }

    impl Case {
        fn new() -> Case {
            let clock = clock(TimeZone::UTC);
            let (states, exams) = cards(&clock);
            Case {
                sched: Scheduler::new(&[], 0.9, 3).unwrap(),
                goals: goals(&clock),
                clock,
                states,
                exams,
            }
        }

        fn dues(&self, file: &Path, sel: &[usize]) -> Vec<Millis> {
            for_selection(
                file,
                self.states.len(),
                sel,
                |i| self.exams[i],
                |i| self.states[i],
                &self.goals,
                &self.sched,
                &self.clock,
            )
        }

        fn all(&self) -> Vec<usize> {
            (0..self.states.len()).collect()
        }

        /// What `Goals::due` says of each card of `sel`, worked out afresh.
        fn want(&self, sel: &[usize]) -> Vec<Millis> {
            sel.iter()
                .map(|&i| {
                    self.states[i].map_or(Millis::MAX, |s| {
                        self.goals.due(&self.sched, &s, self.exams[i], &self.clock)
                    })
                })
                .collect()
        }

        /// The place of a review card whose exam-serving due differs from its stored one.
        fn moved(&self) -> usize {
            let want = self.want(&self.all());
            (0..self.states.len())
                .find(|&i| {
                    self.states[i].is_some_and(|s| s.phase == Phase::Review && s.due != want[i])
                })
                .unwrap()
        }
    }

    /// Sets the kept due of place `i` to `due`, with a CRC that verifies: a file that says
    /// something no working-out would, to see when it is believed.
    fn forge(file: &Path, i: usize, due: Millis) {
        let mut bytes = fs::read(file).unwrap();
        let at = HEAD + i * ENTRY + 8;
        bytes[at..at + 8].copy_from_slice(&due.to_le_bytes());
        let body = bytes.len() - 4;
        let crc = crc32c::crc32c(&bytes[..body]);
        bytes[body..].copy_from_slice(&crc.to_le_bytes());
        fs::write(file, bytes).unwrap();
    }

    /// Enough cards for the work to be split between threads: each part's dates are the
    /// ones `Goals::due` gives, and every part's are kept.
    #[test]
    fn a_selection_worked_out_in_parts_is_worked_out_and_kept_whole() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join(FILE);
        let small = Case::new();
        let n = SPLIT_FROM + 1000;
        let case = Case {
            states: (0..n).map(|i| small.states[i % 60]).collect(),
            exams: (0..n).map(|i| small.exams[i % 60]).collect(),
            ..Case::new()
        };
        let all = case.all();
        assert_eq!(case.dues(&file, &all), case.want(&all));
        let kept = Kept::open(file, n, &case.goals, &case.sched, &case.clock);
        let mut read = 0;
        for i in all {
            if let Some(s) = case.states[i].filter(|s| s.phase == Phase::Review) {
                assert_eq!(
                    kept.work(i, &s, case.exams[i]).1,
                    None,
                    "card {i} was not kept"
                );
                read += 1;
            }
        }
        assert!(read > n / 2, "{read}");
    }

    #[test]
    fn each_card_is_asked_when_goals_due_says_whether_worked_out_or_kept() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join(FILE);
        let case = Case::new();
        let all = case.all();
        assert_eq!(case.dues(&file, &all), case.want(&all));
        assert!(file.exists());
        assert_eq!(case.dues(&file, &all), case.want(&all));
        // A selection reads the same entries, and one that works some out keeps the others.
        let some: Vec<usize> = all.iter().copied().filter(|i| i % 4 == 1).collect();
        assert_eq!(case.dues(&file, &some), case.want(&some));
        // A file from a smaller deck index: its entries hold where they are.
        let fewer = Case {
            states: case.states[..30].to_vec(),
            exams: case.exams[..30].to_vec(),
            ..Case::new()
        };
        assert_eq!(fewer.dues(&file, &fewer.all()), fewer.want(&fewer.all()));
        assert_eq!(case.dues(&file, &all), case.want(&all));
        // With no exam ahead nothing is worked out or written: the stored due stands.
        let none = Case {
            goals: Goals::default(),
            ..Case::new()
        };
        let stored: Vec<Millis> = none
            .states
            .iter()
            .map(|s| s.map_or(Millis::MAX, |s| s.due))
            .collect();
        assert_eq!(none.dues(&dir.path().join("other.bin"), &all), stored);
        assert!(!dir.path().join("other.bin").exists());
    }

    #[test]
    fn a_kept_due_is_taken_only_for_the_state_and_exam_it_was_worked_out_for() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join(FILE);
        let mut case = Case::new();
        let all = case.all();
        let i = case.moved();
        case.dues(&file, &all);
        forge(&file, i, 12_345);
        // The file is read: its (forged) entry is what the card gets.
        assert_eq!(case.dues(&file, &all)[i], 12_345);
        // Answered since: another state, so it is worked out again (and kept so).
        let s = case.states[i].as_mut().unwrap();
        s.last += 1;
        s.reps += 1;
        assert_eq!(case.dues(&file, &all), case.want(&all));
        forge(&file, i, 12_345);
        assert_eq!(case.dues(&file, &all)[i], 12_345);
        // The card moved to the other exam: another goal, worked out again.
        case.exams[i] = match case.exams[i] {
            Exam::Prelims => Exam::Mains,
            Exam::Mains => Exam::Prelims,
        };
        assert_eq!(case.dues(&file, &all), case.want(&all));
    }

    #[test]
    fn a_file_damaged_or_worked_out_for_other_goals_scheduler_or_zone_is_not_believed() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join(FILE);
        let case = Case::new();
        let all = case.all();
        let i = case.moved();
        case.dues(&file, &all);
        forge(&file, i, 12_345);
        let forged = fs::read(&file).unwrap();
        for at in 0..forged.len() {
            let mut bad = forged.clone();
            bad[at] ^= 0x04;
            fs::write(&file, &bad).unwrap();
            assert_eq!(case.dues(&file, &all), case.want(&all), "byte {at}");
        }
        let others = [
            Case {
                goals: Goals {
                    mains: None,
                    ..case.goals
                },
                ..Case::new()
            },
            Case {
                goals: case.goals.sized(&case.sched, [3000, 500], 60),
                ..Case::new()
            },
            Case {
                sched: Scheduler::new(&[], 0.85, 3).unwrap(),
                ..Case::new()
            },
            Case {
                clock: clock(crate::zone::named("Asia/Kolkata").unwrap()),
                ..Case::new()
            },
        ];
        for other in others {
            fs::write(&file, &forged).unwrap();
            assert_eq!(other.dues(&file, &all), other.want(&all));
        }
        fs::write(&file, &forged).unwrap();
        assert_eq!(
            case.dues(&file, &all)[i],
            12_345,
            "the forged file itself is read"
        );
    }
}
