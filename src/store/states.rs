//! Every card's latest state by card key, held as the state index (`snapshot`) gave it: one
//! sorted run of keys and a `Vec` of states, with the few keys the index did not hold (the
//! journal lines past it, this session's answers) in a small hash map beside it. Start-up so
//! costs one sequential decode of the index instead of an allocation and a hash insertion
//! per card, and the start-up commands join the sorted run to the deck index once, by a
//! merge (`by_place`), instead of looking each card up by key.
//!
//! A key is in at most one of the two parts: a key of the sorted run is updated in place, and
//! its removal (a card forgotten, or carried to its new key) only marks it removed.

use std::fmt;

use std::hash::BuildHasher;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

use rustc_hash::{FxBuildHasher, FxHashMap};

use super::Holds;
use super::journal::Hold;
use crate::clock::Millis;
use crate::schedule::CardState;

#[derive(Default)]
pub struct States {
    /// The sorted run: key `i` is `keys[ends[i - 1]..ends[i]]` (from 0 for the first).
    keys: Vec<u8>,
    ends: Vec<u32>,
    base: Vec<CardState>,
    removed: Vec<bool>,
    removed_count: usize,
    /// Keys not in the sorted run.
    more: FxHashMap<String, CardState>,
    /// Lookups by key in the sorted run so far, and past `HASH_AFTER` of them a hash of each
    /// of its keys to its place (`SEVERAL` for a hash two keys share), so that a command that
    /// looks every card up (`plan`, `search`) does not pay a binary search for each.
    lookups: AtomicUsize,
    hashed: OnceLock<FxHashMap<u64, u32>>,
    /// What the sorted run was read from (the state index's checksum and length), so a join
    /// worked out against the same run can be used again (`deck::join_cache`).
    origin: Option<u64>,
}

/// Lookups by binary search before the sorted run's keys are hashed: at least this many, and
/// at least a quarter of the run, so that hashing it (about as costly as an eighth of its
/// keys looked up by binary search) pays for itself and never falls on a session's answer:
/// a session looks up only the cards it shows (it joins the run by place to select them).
const HASH_AFTER: usize = 4_096;
const SEVERAL: u32 = u32::MAX;

impl Clone for States {
    fn clone(&self) -> States {
        States {
            keys: self.keys.clone(),
            ends: self.ends.clone(),
            base: self.base.clone(),
            removed: self.removed.clone(),
            removed_count: self.removed_count,
            more: self.more.clone(),
            lookups: AtomicUsize::new(self.lookups.load(Relaxed)),
            hashed: self.hashed.clone(),
            origin: self.origin,
        }
    }
}

/// Marks a place that has no state in `Placed::at`.
const NONE: u32 = u32::MAX;
/// Marks a place whose state is in `Placed::more`.
const MORE: u32 = 1 << 31;

impl States {
    /// The states of `keys` (ascending, each once, as `sorted_key` checks them), one per key.
    pub(crate) fn from_sorted(keys: Vec<u8>, ends: Vec<u32>, base: Vec<CardState>) -> States {
        debug_assert_eq!(ends.len(), base.len());
        States {
            keys,
            removed: vec![false; base.len()],
            ends,
            base,
            removed_count: 0,
            more: FxHashMap::default(),
            lookups: AtomicUsize::new(0),
            hashed: OnceLock::new(),
            origin: None,
        }
    }

    /// Names what the sorted run was read from (see `origin`).
    pub(crate) fn read_from(mut self, origin: u64) -> States {
        self.origin = Some(origin);
        self
    }

    /// What the sorted run was read from, if it came from a state index.
    pub fn origin(&self) -> Option<u64> {
        self.origin
    }

    fn base_key(&self, i: usize) -> &[u8] {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.keys[start..self.ends[i] as usize]
    }

    /// The place of `key` in the sorted run.
    fn find(&self, key: &str) -> Option<usize> {
        if self.base.is_empty() {
            return None;
        }
        let hashed = match self.hashed.get() {
            Some(h) => Some(h),
            None if self.lookups.fetch_add(1, Relaxed) >= HASH_AFTER.max(self.base.len() / 4) => {
                Some(self.hashed.get_or_init(|| self.hash_keys()))
            }
            None => None,
        };
        if let Some(hashed) = hashed {
            match hashed.get(&FxBuildHasher.hash_one(key.as_bytes())) {
                None => return None,
                Some(&i) if i != SEVERAL => {
                    let i = i as usize;
                    return (self.base_key(i) == key.as_bytes()).then_some(i);
                }
                Some(_) => {}
            }
        }
        self.search(key.as_bytes())
    }

    fn hash_keys(&self) -> FxHashMap<u64, u32> {
        let mut hashed = FxHashMap::with_capacity_and_hasher(self.base.len(), FxBuildHasher);
        for i in 0..self.base.len() {
            let h = FxBuildHasher.hash_one(self.base_key(i));
            hashed
                .entry(h)
                .and_modify(|at| *at = SEVERAL)
                .or_insert(i as u32);
        }
        hashed
    }

    /// `find` by binary search.
    fn search(&self, key: &[u8]) -> Option<usize> {
        let (mut lo, mut hi) = (0, self.base.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            match self.base_key(mid).cmp(key) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Some(mid),
            }
        }
        None
    }

    pub fn get(&self, key: &str) -> Option<&CardState> {
        match self.find(key) {
            Some(i) => (!self.removed[i]).then_some(&self.base[i]),
            None => self.more.get(key),
        }
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut CardState> {
        match self.find(key) {
            Some(i) => (!self.removed[i]).then_some(&mut self.base[i]),
            None => self.more.get_mut(key),
        }
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// Sets the state of `key`; returns the one it had.
    pub fn insert(&mut self, key: String, state: CardState) -> Option<CardState> {
        match self.find(&key) {
            Some(i) => {
                let old = (!self.removed[i]).then_some(self.base[i]);
                if self.removed[i] {
                    self.removed[i] = false;
                    self.removed_count -= 1;
                }
                self.base[i] = state;
                old
            }
            None => self.more.insert(key, state),
        }
    }

    pub fn remove(&mut self, key: &str) -> Option<CardState> {
        match self.find(key) {
            Some(i) if self.removed[i] => None,
            Some(i) => {
                self.removed[i] = true;
                self.removed_count += 1;
                Some(self.base[i])
            }
            None => self.more.remove(key),
        }
    }

    pub fn len(&self) -> usize {
        self.base.len() - self.removed_count + self.more.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every key with its state: the sorted run first (in key order), then the others.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &CardState)> {
        (0..self.base.len())
            .filter(|&i| !self.removed[i])
            // The run's keys were checked as UTF-8 when it was made.
            .map(|i| {
                (
                    std::str::from_utf8(self.base_key(i)).unwrap_or_default(),
                    &self.base[i],
                )
            })
            .chain(self.more.iter().map(|(k, s)| (k.as_str(), s)))
    }

    pub fn values(&self) -> impl Iterator<Item = &CardState> {
        self.base
            .iter()
            .zip(&self.removed)
            .filter(|(_, r)| !**r)
            .map(|(s, _)| s)
            .chain(self.more.values())
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.iter().map(|(k, _)| k)
    }

    /// The state of each of `n` cards by its place, given the places in ascending key order
    /// (`order`) and each place's key. The sorted run is joined to them by one merge; the
    /// other keys (few) are found by binary search in `order`. Keys that are not cards'
    /// (cards deleted, or their decks broken) are passed over. `None` if `order` is not in
    /// strictly ascending key order or names a place twice or past `n`.
    pub fn by_place<'k>(
        &self,
        n: usize,
        order: &[u32],
        key: impl Fn(usize) -> &'k [u8] + Copy,
    ) -> Option<Placed<'_>> {
        let run = self.join_run(n, order, key)?;
        self.placed_from(run, order, key)
    }

    /// The merge of `by_place`, before it looks at removals and the keys outside the sorted
    /// run: each place's index in the run, or `u32::MAX`. It depends only on the run's keys
    /// and the cards' keys, so it can be kept (`deck::join_cache`) and given to `placed_from`
    /// again while both are unchanged.
    pub fn join_run<'k>(
        &self,
        n: usize,
        order: &[u32],
        key: impl Fn(usize) -> &'k [u8],
    ) -> Option<Vec<u32>> {
        if order.len() != n || self.base.len() >= (MORE - 1) as usize {
            return None;
        }
        let mut at = vec![NONE; n];
        let mut j = 0;
        let mut previous: Option<&[u8]> = None;
        for &p in order {
            let p = p as usize;
            if *at.get(p)? != NONE {
                return None;
            }
            let k = key(p);
            if previous.is_some_and(|prev| prev >= k) {
                return None;
            }
            previous = Some(k);
            // Marked as seen even without a state, so a place named twice is caught.
            at[p] = NONE - 1;
            while j < self.base.len() {
                match self.base_key(j).cmp(k) {
                    std::cmp::Ordering::Less => j += 1,
                    std::cmp::Ordering::Equal => {
                        at[p] = j as u32;
                        break;
                    }
                    _ => break,
                }
            }
        }
        for x in &mut at {
            if *x == NONE - 1 {
                *x = NONE;
            }
        }
        Some(at)
    }

    /// `by_place` from the run's places (`join_run`), made now or kept: the removed keys
    /// taken out, the keys outside the run found by binary search in `order` (the cards'
    /// places in ascending key order). `None` if `run` does not fit: a place for each card,
    /// each in the run or none.
    pub fn placed_from<'k>(
        &self,
        run: Vec<u32>,
        order: &[u32],
        key: impl Fn(usize) -> &'k [u8],
    ) -> Option<Placed<'_>> {
        let fits = |x: &u32| *x == NONE || (*x as usize) < self.base.len();
        if run.len() != order.len() || !run.iter().all(fits) {
            return None;
        }
        let mut at = run;
        if self.removed_count > 0 {
            for x in &mut at {
                if *x != NONE && self.removed[*x as usize] {
                    *x = NONE;
                }
            }
        }
        let mut more = Vec::with_capacity(self.more.len());
        for (k, s) in &self.more {
            let found = order.binary_search_by(|&p| key(p as usize).cmp(k.as_bytes()));
            if let Ok(o) = found {
                at[order[o] as usize] = MORE | more.len() as u32;
                more.push(*s);
            }
        }
        Some(Placed {
            base: &self.base,
            more,
            at,
            holds: FxHashMap::default(),
        })
    }
}

/// The states and holds of the cards of a deck index, by place (`States::by_place`).
pub struct Placed<'s> {
    base: &'s [CardState],
    more: Vec<CardState>,
    at: Vec<u32>,
    /// The held cards' holds by place (few).
    holds: FxHashMap<u32, Hold>,
}

impl<'s> Placed<'s> {
    /// The cards' holds, found by binary search in `order` (as `by_place` took it).
    pub fn set_holds<'k>(&mut self, holds: &Holds, order: &[u32], key: impl Fn(usize) -> &'k [u8]) {
        self.holds.clear();
        for (k, h) in holds {
            if let Ok(o) = order.binary_search_by(|&p| key(p as usize).cmp(k.as_bytes())) {
                self.holds.insert(order[o], *h);
            }
        }
    }

    /// Each of `n` cards looked up by its key: where no key order can be had.
    pub fn by_key<'k>(
        states: &'s States,
        holds: &Holds,
        n: usize,
        key: impl Fn(usize) -> &'k str,
    ) -> Placed<'s> {
        let mut placed = Placed {
            base: &[],
            more: Vec::new(),
            at: vec![NONE; n],
            holds: FxHashMap::default(),
        };
        for p in 0..n {
            if let Some(s) = states.get(key(p)) {
                placed.at[p] = MORE | placed.more.len() as u32;
                placed.more.push(*s);
            }
            if let Some(h) = holds.get(key(p)) {
                placed.holds.insert(p as u32, *h);
            }
        }
        placed
    }

    pub fn get(&self, place: usize) -> Option<&CardState> {
        match self.at[place] {
            NONE => None,
            x if x & MORE != 0 => self.more.get((x & !MORE) as usize),
            x => self.base.get(x as usize),
        }
    }

    /// The card's hold (suspended, or buried until some instant), if any.
    pub fn hold(&self, place: usize) -> Option<Hold> {
        if self.holds.is_empty() {
            return None;
        }
        self.holds.get(&(place as u32)).copied()
    }

    /// Whether the card is kept out of study at `now` (as `cmd::quiz::is_held`).
    pub fn is_held(&self, place: usize, now: Millis) -> bool {
        self.hold(place).is_some_and(|h| h.holds_at(now))
    }
}

impl PartialEq for States {
    fn eq(&self, other: &States) -> bool {
        self.len() == other.len() && self.iter().all(|(k, s)| other.get(k) == Some(s))
    }
}

impl fmt::Debug for States {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

/// As a map's, for tests: panics on a key without a state.
#[cfg(test)]
impl std::ops::Index<&str> for States {
    type Output = CardState;
    fn index(&self, key: &str) -> &CardState {
        match self.get(key) {
            Some(s) => s,
            None => panic!("no state for {key}"),
        }
    }
}

impl FromIterator<(String, CardState)> for States {
    fn from_iter<I: IntoIterator<Item = (String, CardState)>>(iter: I) -> States {
        let mut states = States::default();
        for (k, s) in iter {
            states.insert(k, s);
        }
        states
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::Phase;

    fn state(n: i64) -> CardState {
        CardState {
            intro: n,
            last: n,
            due: n,
            stability: 1.0,
            difficulty: 5.0,
            phase: Phase::Review,
            reps: 1,
            lapses: 0,
        }
    }

    fn sorted(keys: &[&str]) -> States {
        let mut bytes = Vec::new();
        let mut ends = Vec::new();
        for k in keys {
            bytes.extend_from_slice(k.as_bytes());
            ends.push(bytes.len() as u32);
        }
        let base = (0..keys.len() as i64).map(state).collect();
        States::from_sorted(bytes, ends, base)
    }

    #[test]
    fn the_sorted_run_and_the_map_answer_as_one_map() {
        let mut s = sorted(&["a/1", "a/2", "b/1"]);
        let mut want: FxHashMap<String, CardState> =
            s.iter().map(|(k, v)| (k.into(), *v)).collect();
        assert_eq!(s.get("a/2"), Some(&state(1)));
        assert_eq!(s.get("a/3"), None);
        let mut edits: Vec<(&str, Option<i64>)> = vec![
            ("a/2", Some(9)),
            ("a/1", None),
            ("z/1", Some(7)),
            ("a/1", Some(8)),
            ("b/1", None),
            ("z/1", None),
            ("b/1", None),
            ("0/0", Some(3)),
        ];
        for (k, v) in edits.drain(..) {
            match v {
                Some(n) => assert_eq!(
                    s.insert(k.into(), state(n)),
                    want.insert(k.into(), state(n))
                ),
                None => assert_eq!(s.remove(k), want.remove(k)),
            }
            assert_eq!(s.len(), want.len(), "after {k}");
            for (k, v) in &want {
                assert_eq!(s.get(k), Some(v));
            }
            let mut got: Vec<(&str, &CardState)> = s.iter().collect();
            got.sort_by_key(|(k, _)| *k);
            let mut all: Vec<(&str, &CardState)> =
                want.iter().map(|(k, v)| (k.as_str(), v)).collect();
            all.sort_by_key(|(k, _)| *k);
            assert_eq!(got, all);
            assert_eq!(s.values().count(), want.len());
        }
    }

    #[test]
    fn past_many_lookups_the_keys_are_hashed_and_answer_the_same() {
        let keys: Vec<String> = (0..300).map(|i| format!("d/c{i}")).collect();
        let mut sorted_keys: Vec<&str> = keys.iter().map(String::as_str).collect();
        sorted_keys.sort();
        let mut s = sorted(&sorted_keys);
        let want: FxHashMap<String, CardState> = s.iter().map(|(k, v)| (k.into(), *v)).collect();
        for round in 0..(HASH_AFTER / 300 + 2) {
            for k in &keys {
                assert_eq!(s.get(k), want.get(k), "round {round}");
                assert_eq!(s.get(&format!("{k}x")), None);
            }
        }
        assert!(s.hashed.get().is_some(), "hashed by now");
        assert_eq!(s.remove("d/c7"), want.get("d/c7").copied());
        assert_eq!(s.get("d/c7"), None);
        s.insert("d/c7".into(), state(70));
        s.insert("e/new".into(), state(71));
        assert_eq!(
            (s.get("d/c7"), s.get("e/new")),
            (Some(&state(70)), Some(&state(71)))
        );
        assert_eq!(s.len(), 301);
    }

    #[test]
    fn by_place_joins_every_key_and_refuses_an_order_out_of_order() {
        let mut s = sorted(&["a/1", "a/3", "b/1", "old/1"]);
        s.insert("a/2".into(), state(10));
        s.remove("b/1");
        // Places: 0 b/1, 1 a/3, 2 a/2, 3 c/1, 4 a/1.
        let keys = ["b/1", "a/3", "a/2", "c/1", "a/1"];
        let key = |p: usize| keys[p].as_bytes();
        let placed = s.by_place(5, &[4, 2, 1, 0, 3], key).unwrap();
        let got: Vec<Option<i64>> = (0..5).map(|p| placed.get(p).map(|s| s.due)).collect();
        assert_eq!(got, [None, Some(1), Some(10), None, Some(0)]);
        assert!(
            s.by_place(5, &[2, 4, 1, 0, 3], key).is_none(),
            "not ascending"
        );
        assert!(
            s.by_place(5, &[4, 4, 1, 0, 3], key).is_none(),
            "a place twice"
        );
        assert!(
            s.by_place(5, &[4, 2, 1, 0, 9], key).is_none(),
            "a place past the end"
        );
        assert!(
            s.by_place(5, &[4, 2, 1, 0], key).is_none(),
            "a place left out"
        );
    }
}
