//! The simulated cards as the day's selection sees them, kept up to date card by card.
//!
//! The quiz gathers what a selection needs (`queue::Gathered`) in one pass over every card,
//! once a session. `plan` selects once per simulated day for each day to the last exam and in
//! each run, and a day answers a few hundred cards of maybe 100k: gathering by a pass over all
//! of them made the simulation cost runs × days × cards. The pool instead keeps the cards
//! where the selection looks for them: new cards by turn group in index order, cards in a
//! step apart, cards not yet due by due instant, and due reviews by stability band and last
//! review, so that the few a day's budget takes, the lowest recall order first, are found
//! without ranking a backlog of thousands. A card moves only when it is answered, its due date
//! is recomputed or its due day comes, so a day costs about what it answers. It gathers what
//! `queue::gather` would over the same states and due dates (the tests check this), so
//! `queue::decide` picks the same cards.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap};

use crate::clock::Millis;
use crate::deck::Exam;
use crate::quiz::queue::{self, Gathered, Limits, Window};
use crate::schedule::{CardState, Phase};

/// Low bits of a stability's f32 pattern a band ignores: 64 bands per doubling, so the cards
/// of one band differ in stability by at most 1.1%.
const BAND_SHIFT: u32 = 17;

/// Cards becoming due at once past which the pool is rebuilt from sorted lists rather than
/// card by card (today's backlog, when the pool is first split into due and coming cards).
const REBUILD_AT: usize = 4096;

#[derive(Clone)]
pub struct Pool {
    /// Each card's state (`None`: not yet introduced) and when it is due.
    states: Vec<Option<CardState>>,
    due: Vec<Millis>,
    exam: Vec<Exam>,
    group: Vec<usize>,
    /// The instant that splits due reviews from coming ones (`Window::cutoff`), as last
    /// gathered.
    cutoff: Millis,
    /// Seen cards not in a step and due at or after `cutoff`, by due instant, in no order
    /// within one. Review due dates are day starts, so there are one or a few instants a day:
    /// a card comes and goes at the cost of finding its instant among a few hundred, and a
    /// coming day's load is the length of its lists rather than a count over its cards.
    coming: BTreeMap<Millis, Vec<(u32, Waiting)>>,
    /// Where each coming card is in its instant's list.
    slot: Vec<u32>,
    /// Seen cards not in a step and due before `cutoff`, by stability band (`band`), then
    /// last review, then index.
    due_now: BTreeMap<u32, BTreeSet<(Millis, u32)>>,
    due_count: usize,
    /// Cards in a learning step.
    learning: BTreeSet<u32>,
    /// Cards not yet introduced, per turn group, in index order.
    new: Vec<BTreeSet<u32>>,
    /// Cards not yet introduced, of prelims and of mains.
    unseen: [usize; 2],
}

/// What a coming card carries, so that neither its day coming nor leveling reads its state
/// (a cache miss each, for hundreds of cards a day): where it goes when due, and its strength.
#[derive(Clone, Copy, PartialEq)]
struct Waiting {
    band: u32,
    last: Millis,
    stability: f32,
}

/// Where in the pool a card is kept.
#[derive(Clone, Copy, PartialEq)]
enum Place {
    New,
    Learning,
    Due { band: u32, last: Millis },
    Coming { due: Millis, waiting: Waiting },
}

/// A due review's stability band: cards whose stability has the same high bits (positive
/// floats order as their bit patterns do). Band 0 also takes the cards whose recall order is
/// lowest whatever the time (not yet reviewed, or no stability).
fn band(s: &CardState) -> u32 {
    if s.phase == Phase::New || s.stability <= 0.0 || s.stability.is_nan() {
        0
    } else {
        s.stability.to_bits() >> BAND_SHIFT
    }
}

/// An f32 as an integer of the same total order (`f32::total_cmp`); its own inverse.
fn ordered(x: i32) -> i32 {
    x ^ ((((x >> 31) as u32) >> 1) as i32)
}

fn key(x: f32) -> i32 {
    ordered(x.to_bits() as i32)
}

fn unkey(k: i32) -> f32 {
    f32::from_bits(ordered(k) as u32)
}

impl Pool {
    /// The pool of cards with these states and due dates, turn groups (`queue::new_groups`)
    /// and exams, all of one length.
    pub fn new(
        states: Vec<Option<CardState>>,
        due: Vec<Millis>,
        group: Vec<usize>,
        exam: Vec<Exam>,
    ) -> Pool {
        let groups = group.iter().max().map_or(0, |g| g + 1);
        let n = states.len();
        let mut pool = Pool {
            states,
            due,
            exam,
            new: vec![BTreeSet::new(); groups],
            group,
            // Before any instant: no review is due until the first gathering says so.
            cutoff: Millis::MIN,
            coming: BTreeMap::new(),
            slot: vec![0; n],
            due_now: BTreeMap::new(),
            due_count: 0,
            learning: BTreeSet::new(),
            unseen: [0; 2],
        };
        pool.rebuild();
        pool
    }

    pub fn state(&self, i: usize) -> Option<CardState> {
        self.states[i]
    }

    pub fn states(&self) -> &[Option<CardState>] {
        &self.states
    }

    /// Cards not yet introduced, of prelims and of mains.
    pub fn unseen(&self) -> [usize; 2] {
        self.unseen
    }

    /// Every card's due date given anew by `due` (from its index, state and current due
    /// date), as when an exam's goal changes: the pool is rebuilt once rather than card by
    /// card, since most cards may move.
    pub fn redate(&mut self, mut due: impl FnMut(usize, Option<CardState>, Millis) -> Millis) {
        let mut changed = false;
        for i in 0..self.states.len() {
            let d = due(i, self.states[i], self.due[i]);
            changed |= d != self.due[i];
            self.due[i] = d;
        }
        if changed {
            self.rebuild();
        }
    }

    /// Every card put where it belongs, from sorted lists that fill each set at once rather
    /// than by a search per card.
    fn rebuild(&mut self) {
        let mut new = vec![Vec::new(); self.new.len()];
        let n = self.states.len();
        let (mut learning, mut coming, mut due_now) =
            (Vec::new(), Vec::with_capacity(n), Vec::with_capacity(n));
        self.unseen = [0; 2];
        for i in 0..self.states.len() {
            let key = i as u32;
            match self.place(i) {
                Place::New => {
                    new[self.group[i]].push(key);
                    self.unseen[queue::exam_slot(self.exam[i])] += 1;
                }
                Place::Learning => learning.push(key),
                Place::Coming { due, waiting } => coming.push((due, (key, waiting))),
                Place::Due { band, last } => due_now.push((band, last, key)),
            }
        }
        coming.sort_unstable_by_key(|&(due, _)| due);
        due_now.sort_unstable();
        self.due_count = due_now.len();
        self.due_now = BTreeMap::new();
        for band in due_now.chunk_by(|a, b| a.0 == b.0) {
            let cards = band.iter().map(|&(_, last, i)| (last, i)).collect();
            self.due_now.insert(band[0].0, cards);
        }
        self.coming = BTreeMap::new();
        for cards in coming.chunk_by(|a, b| a.0 == b.0) {
            let list: Vec<(u32, Waiting)> = cards.iter().map(|&(_, card)| card).collect();
            for (at, &(i, _)) in list.iter().enumerate() {
                self.slot[i as usize] = at as u32;
            }
            self.coming.insert(cards[0].0, list);
        }
        self.learning = learning.into_iter().collect();
        self.new = new.into_iter().map(BTreeSet::from_iter).collect();
    }

    /// Card `i` now has `state`, due at `due`: it moves to where the selection looks for it.
    pub fn set(&mut self, i: usize, state: Option<CardState>, due: Millis) {
        let before = self.place(i);
        let old = (self.states[i], self.due[i]);
        (self.states[i], self.due[i]) = (state, due);
        if self.place(i) == before {
            return;
        }
        (self.states[i], self.due[i]) = old;
        self.remove(i);
        (self.states[i], self.due[i]) = (state, due);
        self.add(i);
    }

    fn place(&self, i: usize) -> Place {
        match self.states[i] {
            None => Place::New,
            Some(s) if s.in_step() => Place::Learning,
            Some(s) if self.due[i] < self.cutoff => Place::Due {
                band: band(&s),
                last: s.last,
            },
            Some(s) => Place::Coming {
                due: self.due[i],
                waiting: Waiting {
                    band: band(&s),
                    last: s.last,
                    stability: s.stability,
                },
            },
        }
    }

    fn add(&mut self, i: usize) {
        let key = i as u32;
        match self.place(i) {
            Place::New => {
                self.new[self.group[i]].insert(key);
                self.unseen[queue::exam_slot(self.exam[i])] += 1;
            }
            Place::Learning => {
                self.learning.insert(key);
            }
            Place::Due { band, last } => {
                self.due_now.entry(band).or_default().insert((last, key));
                self.due_count += 1;
            }
            Place::Coming { due, waiting } => {
                let list = self.coming.entry(due).or_default();
                self.slot[i] = list.len() as u32;
                list.push((key, waiting));
            }
        }
    }

    fn remove(&mut self, i: usize) {
        let key = i as u32;
        match self.place(i) {
            Place::New => {
                self.new[self.group[i]].remove(&key);
                self.unseen[queue::exam_slot(self.exam[i])] -= 1;
            }
            Place::Learning => {
                self.learning.remove(&key);
            }
            Place::Due { band, last } => {
                if let Some(cards) = self.due_now.get_mut(&band) {
                    cards.remove(&(last, key));
                    self.due_count -= 1;
                    if cards.is_empty() {
                        self.due_now.remove(&band);
                    }
                }
            }
            Place::Coming { due, .. } => {
                if let Some(list) = self.coming.get_mut(&due) {
                    let at = self.slot[i] as usize;
                    list.swap_remove(at);
                    if let Some(&(moved, _)) = list.get(at) {
                        self.slot[moved as usize] = at as u32;
                    }
                    if list.is_empty() {
                        self.coming.remove(&due);
                    }
                }
            }
        }
    }

    /// Splits due reviews from coming ones at `cutoff`: as the days go by, the cards whose day
    /// has come become due.
    pub fn split_at(&mut self, cutoff: Millis) {
        if cutoff < self.cutoff {
            // Back in time (a simulation only goes forward): every card is placed again.
            self.cutoff = cutoff;
            self.rebuild();
            return;
        }
        // The coming cards before the cutoff, split off at once, become due.
        let later = self.coming.split_off(&cutoff);
        let now_due = std::mem::replace(&mut self.coming, later);
        self.cutoff = cutoff;
        let count: usize = now_due.values().map(Vec::len).sum();
        if count > REBUILD_AT {
            self.rebuild();
            return;
        }
        self.due_count += count;
        for (i, Waiting { band, last, .. }) in now_due.into_values().flatten() {
            self.due_now.entry(band).or_default().insert((last, i));
        }
    }

    /// What `queue::gather` would gather over these cards, with only the `limits.today` first
    /// due reviews. `recall_order` must be the scheduler's (`Scheduler::recall_order` at some
    /// instant), or any that never falls as a card's stability or last review time rises and
    /// is lowest for an unreviewed card or one without stability: the due reviews are found
    /// band by band from bounds that rest on this.
    pub fn gather(
        &mut self,
        recall_order: impl Fn(&CardState) -> f32,
        window: &Window,
        limits: Limits,
    ) -> Gathered {
        self.split_at(window.cutoff);
        let learning = self
            .learning
            .iter()
            .filter_map(|&i| Some((i as usize, self.states[i as usize]?.due)))
            .collect();
        let due = self.lowest_due(&recall_order, limits.today);
        let mut load = vec![0; window.horizon];
        for (&due, cards) in self.coming.range(window.cutoff..) {
            match usize::try_from(window.day_number(due)) {
                Ok(day) if day >= window.horizon => break,
                Ok(day) if day >= 1 => load[day] += cards.len(),
                _ => {}
            }
        }
        let per_group = limits.per_group();
        let mut new: Vec<Vec<usize>> = self
            .new
            .iter()
            .map(|g| g.iter().take(per_group).map(|&i| i as usize).collect())
            .collect();
        // `gather` keeps a list for each group up to the last with a new card.
        while new.last().is_some_and(|l| l.is_empty()) && self.new[new.len() - 1].is_empty() {
            new.pop();
        }
        Gathered {
            learning,
            due,
            due_count: self.due_count,
            load,
            new,
        }
    }

    /// The `k` due reviews lowest by (recall order, index). Each band is walked from its
    /// earliest last review; a band's next card has a recall order no lower than a card with
    /// the band's least stability and that last review would, so the walk takes the band
    /// whose bound is lowest, and stops once no band can hold a card before the `k`th found.
    fn lowest_due(&self, recall_order: impl Fn(&CardState) -> f32, k: usize) -> Vec<(f32, u32)> {
        let bound = |band: u32, last: Millis| {
            let probe = CardState {
                intro: last,
                last,
                due: last,
                stability: f32::from_bits(band << BAND_SHIFT),
                difficulty: 5.0,
                phase: Phase::Review,
                reps: 1,
                lapses: 0,
            };
            key(recall_order(&probe))
        };
        let mut walks = Vec::with_capacity(self.due_now.len());
        let mut next = BinaryHeap::with_capacity(self.due_now.len());
        for (&band, cards) in &self.due_now {
            let mut walk = cards.iter().peekable();
            if let Some(&&(last, _)) = walk.peek() {
                next.push(Reverse((bound(band, last), walks.len())));
            }
            walks.push((band, walk));
        }
        // The lowest found so far, the highest of them on top.
        let mut found: BinaryHeap<(i32, u32)> = BinaryHeap::with_capacity(k.min(self.due_count));
        while let Some(Reverse((low, w))) = next.pop() {
            if found.len() == k {
                match found.peek() {
                    Some(&(kth, _)) if low <= kth => {}
                    _ => break,
                }
            }
            let (band, walk) = &mut walks[w];
            let Some(&(_, i)) = walk.next() else {
                continue;
            };
            if let Some(s) = self.states[i as usize] {
                let entry = (key(recall_order(&s)), i);
                if found.len() < k {
                    found.push(entry);
                } else if found.peek().is_some_and(|top| entry < *top) {
                    found.pop();
                    found.push(entry);
                }
            }
            if let Some(&&(last, _)) = walk.peek() {
                next.push(Reverse((bound(*band, last), w)));
            }
        }
        found.into_iter().map(|(k, i)| (unkey(k), i)).collect()
    }

    /// The cards a review may be brought forward from (`Window::ahead`), by strength.
    pub fn ahead(&self, window: &Window) -> Vec<(Reverse<u32>, usize)> {
        let mut ahead = Vec::new();
        for (&due, cards) in self.coming.range(window.cutoff..) {
            let day = window.day_number(due);
            if day >= window.horizon as i64 {
                break;
            }
            if day >= 1 {
                let strengths = cards
                    .iter()
                    .map(|(i, w)| queue::strength(w.stability, *i as usize));
                ahead.extend(strengths);
            }
        }
        ahead
    }
}

#[cfg(test)]
impl Pool {
    /// Panics unless every coming card is where its slot says, and every card the pool
    /// places as coming is in its instant's list once.
    fn check_slots(&self) {
        let mut listed = 0;
        for (&due, list) in &self.coming {
            assert!(!list.is_empty(), "an empty list kept at {due}");
            for (at, &(i, _)) in list.iter().enumerate() {
                assert_eq!(self.slot[i as usize] as usize, at, "card {i}'s slot");
                assert!(
                    matches!(self.place(i as usize), Place::Coming { due: d, .. } if d == due),
                    "card {i} listed at {due}"
                );
                listed += 1;
            }
        }
        let coming = (0..self.states.len())
            .filter(|&i| matches!(self.place(i), Place::Coming { .. }))
            .count();
        assert_eq!(listed, coming);
    }
}

#[cfg(test)]
mod tests;
