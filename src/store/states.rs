//! Every card's latest state by card key, held as the state index (`snapshot`) gave it: its
//! records, read where they lie in the mapped file (one sorted run of keys with a state
//! each), and the few keys the index did not hold (the journal lines past it, this session's
//! answers) in a small hash map beside it. Start-up so costs one check of the index instead
//! of a copy of every state, or an allocation and a hash insertion per card, and the
//! start-up commands join the sorted run to the deck index once, by a merge (`by_place`),
//! instead of looking each card up by key. States are handed out by value: a record is
//! decoded where it is read.
//!
//! A key is in at most one of the two parts: a key of the sorted run that changes (answered
//! again, forgotten, or carried to its new key) keeps its place, its new state (or none) in
//! `changed`.

use std::fmt;

use std::hash::BuildHasher;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::sync::{Arc, OnceLock};

use rustc_hash::{FxBuildHasher, FxHashMap};

use super::Holds;
use super::journal::Hold;
use super::snapshot::Records;
use crate::clock::Millis;
use crate::schedule::CardState;

#[derive(Default)]
pub struct States {
    /// The sorted run (the state index's records).
    run: Arc<Records>,
    /// The run's places whose state changed since it was read (`None`: it has none now), each
    /// also marked in `marked` (a bit per place), so that a pass over every card asks the map
    /// only for those.
    changed: FxHashMap<u32, Option<CardState>>,
    marked: Vec<u64>,
    /// How many of the run's places have a state now.
    live: usize,
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
            run: Arc::clone(&self.run),
            changed: self.changed.clone(),
            marked: self.marked.clone(),
            live: self.live,
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
    /// The states of a state index's records, `live` of which have a state.
    pub(crate) fn from_run(run: Arc<Records>, live: usize) -> States {
        States {
            run,
            live,
            ..States::default()
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

    /// The state at place `i` of the sorted run.
    fn at(&self, i: usize) -> Option<CardState> {
        if self.is_marked(i) {
            return self.changed.get(&(i as u32)).copied().flatten();
        }
        self.run.state(i)
    }

    fn is_marked(&self, i: usize) -> bool {
        !self.changed.is_empty()
            && self
                .marked
                .get(i / 64)
                .is_some_and(|w| w >> (i % 64) & 1 == 1)
    }

    /// Sets the state at place `i` of the sorted run; gives the one it had.
    fn set(&mut self, i: usize, state: Option<CardState>) -> Option<CardState> {
        let old = self.at(i);
        if self.marked.is_empty() {
            self.marked = vec![0; self.run.len().div_ceil(64)];
        }
        self.marked[i / 64] |= 1 << (i % 64);
        self.changed.insert(i as u32, state);
        self.live = self.live + usize::from(state.is_some()) - usize::from(old.is_some());
        old
    }

    /// The place of `key` in the sorted run.
    fn find(&self, key: &str) -> Option<usize> {
        if self.run.len() == 0 {
            return None;
        }
        let hashed = match self.hashed.get() {
            Some(h) => Some(h),
            None if self.lookups.fetch_add(1, Relaxed) >= HASH_AFTER.max(self.run.len() / 4) => {
                Some(self.hashed.get_or_init(|| self.hash_keys()))
            }
            None => None,
        };
        if let Some(hashed) = hashed {
            match hashed.get(&FxBuildHasher.hash_one(key.as_bytes())) {
                None => return None,
                Some(&i) if i != SEVERAL => {
                    let i = i as usize;
                    return (self.run.key(i) == key.as_bytes()).then_some(i);
                }
                Some(_) => {}
            }
        }
        self.search(key.as_bytes())
    }

    fn hash_keys(&self) -> FxHashMap<u64, u32> {
        let mut hashed = FxHashMap::with_capacity_and_hasher(self.run.len(), FxBuildHasher);
        for i in 0..self.run.len() {
            let h = FxBuildHasher.hash_one(self.run.key(i));
            hashed
                .entry(h)
                .and_modify(|at| *at = SEVERAL)
                .or_insert(i as u32);
        }
        hashed
    }

    /// `find` by binary search.
    fn search(&self, key: &[u8]) -> Option<usize> {
        let (mut lo, mut hi) = (0, self.run.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            match self.run.key(mid).cmp(key) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Some(mid),
            }
        }
        None
    }

    pub fn get(&self, key: &str) -> Option<CardState> {
        match self.find(key) {
            Some(i) => self.at(i),
            None => self.more.get(key).copied(),
        }
    }

    /// Changes the state of `key` in place, if it has one; gives what `change` gives.
    pub fn update<T>(&mut self, key: &str, change: impl FnOnce(&mut CardState) -> T) -> Option<T> {
        match self.find(key) {
            Some(i) => {
                let mut state = self.at(i)?;
                let out = change(&mut state);
                self.set(i, Some(state));
                Some(out)
            }
            None => self.more.get_mut(key).map(change),
        }
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// Sets the state of `key`; returns the one it had.
    pub fn insert(&mut self, key: String, state: CardState) -> Option<CardState> {
        match self.find(&key) {
            Some(i) => self.set(i, Some(state)),
            None => self.more.insert(key, state),
        }
    }

    pub fn remove(&mut self, key: &str) -> Option<CardState> {
        match self.find(key) {
            Some(i) => {
                self.at(i)?;
                self.set(i, None)
            }
            None => self.more.remove(key),
        }
    }

    pub fn len(&self) -> usize {
        self.live + self.more.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every key with its state: the sorted run first (in key order), then the others.
    pub fn iter(&self) -> impl Iterator<Item = (&str, CardState)> {
        (0..self.run.len())
            .filter_map(|i| {
                // The run's keys were checked as UTF-8 when it was read.
                let key = std::str::from_utf8(self.run.key(i)).unwrap_or_default();
                self.at(i).map(|s| (key, s))
            })
            .chain(self.more.iter().map(|(k, s)| (k.as_str(), *s)))
    }

    /// The cards answered since `since` (today's share of the budget already used), and of
    /// them those first answered then (today's new cards, for the new-card limit): one pass.
    pub fn answered_since(&self, since: Millis) -> Answered {
        let mut count = Answered::default();
        for s in self.values() {
            count.cards += usize::from(s.last >= since);
            count.new += usize::from(s.intro >= since);
        }
        count
    }

    /// The cards in a learning step or due before `cutoff`.
    pub fn due_before(&self, cutoff: Millis) -> usize {
        self.values()
            .filter(|s| s.in_step() || s.due < cutoff)
            .count()
    }

    pub fn values(&self) -> impl Iterator<Item = CardState> {
        (0..self.run.len())
            .filter_map(|i| self.at(i))
            .chain(self.more.values().copied())
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

    /// The merge of `by_place`, before it looks at changes and the keys outside the sorted
    /// run: each place's index in the run, or `u32::MAX`. It depends only on the run's keys
    /// and the cards' keys, so it can be kept (`deck::join_cache`) and given to `placed_from`
    /// again while both are unchanged.
    pub fn join_run<'k>(
        &self,
        n: usize,
        order: &[u32],
        key: impl Fn(usize) -> &'k [u8],
    ) -> Option<Vec<u32>> {
        if order.len() != n || self.run.len() >= (MORE - 1) as usize {
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
            while j < self.run.len() {
                match self.run.key(j).cmp(k) {
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

    /// `by_place` from the run's places (`join_run`), made now or kept: the changed places'
    /// states and the keys outside the run found by binary search in `order` (the cards'
    /// places in ascending key order). `None` if `run` does not fit: a place for each card,
    /// each in the run or none.
    pub fn placed_from<'k>(
        &self,
        run: Vec<u32>,
        order: &[u32],
        key: impl Fn(usize) -> &'k [u8],
    ) -> Option<Placed<'_>> {
        let fits = |x: &u32| *x == NONE || (*x as usize) < self.run.len();
        if run.len() != order.len() || !run.iter().all(fits) {
            return None;
        }
        let mut at = run;
        let mut more = Vec::with_capacity(self.more.len() + self.changed.len());
        let place_of = |k: &[u8]| {
            let o = order.binary_search_by(|&p| key(p as usize).cmp(k)).ok()?;
            Some(order[o] as usize)
        };
        for (&i, s) in &self.changed {
            if let Some(p) = place_of(self.run.key(i as usize))
                && at[p] == i
            {
                at[p] = match s {
                    Some(s) => {
                        more.push(*s);
                        MORE | (more.len() - 1) as u32
                    }
                    None => NONE,
                };
            }
        }
        for (k, s) in &self.more {
            if let Some(p) = place_of(k.as_bytes()) {
                at[p] = MORE | more.len() as u32;
                more.push(*s);
            }
        }
        Some(Placed {
            run: &self.run,
            more,
            at,
            holds: FxHashMap::default(),
        })
    }
}

/// What `States::answered_since` counts.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Answered {
    /// Cards answered since then.
    pub cards: usize,
    /// Cards first answered since then (introduced).
    pub new: usize,
}

/// The states and holds of the cards of a deck index, by place (`States::by_place`).
pub struct Placed<'s> {
    run: &'s Records,
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
            run: &states.run,
            more: Vec::new(),
            at: vec![NONE; n],
            holds: FxHashMap::default(),
        };
        for p in 0..n {
            if let Some(s) = states.get(key(p)) {
                placed.at[p] = MORE | placed.more.len() as u32;
                placed.more.push(s);
            }
            if let Some(h) = holds.get(key(p)) {
                placed.holds.insert(p as u32, *h);
            }
        }
        placed
    }

    pub fn get(&self, place: usize) -> Option<CardState> {
        match self.at[place] {
            NONE => None,
            x if x & MORE != 0 => self.more.get((x & !MORE) as usize).copied(),
            x => self.run.state(x as usize),
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

#[cfg(test)]
impl States {
    /// The state of `key`, for tests: panics on a key without one.
    pub fn of(&self, key: &str) -> CardState {
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

    /// `keys` with states 0, 1, … as the sorted run of a state index written and read back,
    /// with `held` (keys never answered) holding a hold only.
    fn sorted_with(keys: &[&str], held: &[&str]) -> States {
        let states: States = (0..keys.len())
            .map(|i| (keys[i].to_string(), state(i as i64)))
            .collect();
        let holds: Holds = held
            .iter()
            .map(|k| (k.to_string(), Hold::Suspended))
            .collect();
        let dir = tempfile::tempdir().unwrap();
        super::super::snapshot::write(dir.path(), &states, &holds, &[]).unwrap();
        let read = super::super::snapshot::read(dir.path(), |_| true)
            .unwrap()
            .unwrap();
        assert_eq!(
            read.cards.run.len(),
            keys.len() + held.len(),
            "all in the run"
        );
        read.cards
    }

    fn sorted(keys: &[&str]) -> States {
        sorted_with(keys, &[])
    }

    #[test]
    fn the_sorted_run_and_the_map_answer_as_one_map() {
        // "a/15" is held but was never answered: in the run, without a state.
        let mut s = sorted_with(&["a/1", "a/2", "b/1"], &["a/15"]);
        let mut want: FxHashMap<String, CardState> = s.iter().map(|(k, v)| (k.into(), v)).collect();
        assert_eq!(want.len(), 3);
        assert_eq!(s.get("a/2"), Some(state(1)));
        assert_eq!((s.get("a/3"), s.get("a/15")), (None, None));
        assert_eq!(s.remove("a/15"), None);
        let mut edits: Vec<(&str, Option<i64>)> = vec![
            ("a/15", Some(4)),
            ("a/2", Some(9)),
            ("a/15", None),
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
                assert_eq!(s.get(k), Some(*v));
            }
            let mut got: Vec<(&str, CardState)> = s.iter().collect();
            got.sort_by_key(|(k, _)| *k);
            let mut all: Vec<(&str, CardState)> =
                want.iter().map(|(k, v)| (k.as_str(), *v)).collect();
            all.sort_by_key(|(k, _)| *k);
            assert_eq!(got, all);
            assert_eq!(s.values().count(), want.len());
        }
        // A state changed in place, in the run and beside it.
        for k in ["a/2", "0/0"] {
            let reps = s.update(k, |st| {
                st.reps += 1;
                st.reps
            });
            assert_eq!(reps, Some(2), "{k}");
            assert_eq!(s.get(k).map(|st| st.reps), Some(2));
        }
        assert_eq!(s.update("b/1", |_| ()), None, "removed: nothing to change");
    }

    #[test]
    fn answered_since_counts_the_run_as_changed_and_the_keys_beside_it() {
        // Run states: a/1 0, a/2 1, a/3 2, a/4 3 (intro = last); a/0 held, never answered.
        let mut s = sorted_with(&["a/1", "a/2", "a/3", "a/4"], &["a/0"]);
        s.insert(
            "a/2".into(),
            CardState {
                last: 10,
                ..state(1)
            },
        );
        s.remove("a/4");
        s.insert("a/0".into(), state(8));
        s.insert(
            "b/1".into(),
            CardState {
                intro: 5,
                last: 7,
                ..state(0)
            },
        );
        let got = s.answered_since(2);
        // Answered since 2: a/2 (10), a/3, a/0, b/1; first answered since 2: a/3, a/0, b/1.
        assert_eq!(got, Answered { cards: 4, new: 3 });
        let by_value = |s: &States, f: fn(&CardState) -> bool| s.values().filter(&f).count();
        assert_eq!(got.cards, by_value(&s, |v| v.last >= 2));
        assert_eq!(got.new, by_value(&s, |v| v.intro >= 2));
        // Due before 3 (a/1 0, a/2 1, a/3 2, b/1 0); a/0 (due 8) only once in a learning step.
        assert_eq!(s.due_before(3), 4);
        s.update("a/0", |st| st.phase = crate::schedule::Phase::Learning);
        assert_eq!(s.due_before(3), 5);
        assert_eq!(s.due_before(3), by_value(&s, |v| v.in_step() || v.due < 3));
    }

    #[test]
    fn past_many_lookups_the_keys_are_hashed_and_answer_the_same() {
        let keys: Vec<String> = (0..300).map(|i| format!("d/c{i}")).collect();
        let mut sorted_keys: Vec<&str> = keys.iter().map(String::as_str).collect();
        sorted_keys.sort();
        let mut s = sorted(&sorted_keys);
        let want: FxHashMap<String, CardState> = s.iter().map(|(k, v)| (k.into(), v)).collect();
        for round in 0..(HASH_AFTER / 300 + 2) {
            for k in &keys {
                assert_eq!(s.get(k).as_ref(), want.get(k), "round {round}");
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
            (Some(state(70)), Some(state(71)))
        );
        assert_eq!(s.len(), 301);
    }

    #[test]
    fn by_place_joins_every_key_and_refuses_an_order_out_of_order() {
        // "c/1" is held, never answered: in the run without a state.
        let mut s = sorted_with(&["a/1", "a/3", "b/1", "old/1"], &["c/1"]);
        s.insert("a/2".into(), state(10));
        s.remove("b/1");
        s.insert("a/1".into(), state(20));
        // Places: 0 b/1, 1 a/3, 2 a/2, 3 c/1, 4 a/1.
        let keys = ["b/1", "a/3", "a/2", "c/1", "a/1"];
        let key = |p: usize| keys[p].as_bytes();
        let placed = s.by_place(5, &[4, 2, 1, 0, 3], key).unwrap();
        let got: Vec<Option<i64>> = (0..5).map(|p| placed.get(p).map(|s| s.due)).collect();
        assert_eq!(got, [None, Some(1), Some(10), None, Some(20)]);
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
