//! The deck index against the decks themselves, and the state read through it against a full
//! replay of the journal, with decks edited and caches removed or damaged between runs.

use std::fs;
use std::path::Path;

use proptest::prelude::*;

use super::*;
use crate::clock::Clock;
use crate::deck::load::load_file;
use crate::deck::rules::answers_in_group;
use crate::schedule::{CardState, Grade, Phase};
use crate::store::journal::{Entry, Event, Hold, new_card_state};
use crate::store::{Holds, States, Store};

const DECK: &str = "[deck]\nid = \"d\"\nexam = \"prelims\"\n[[card]]\nid = \"c\"\nq = \"Q\"\na = \"A\"\nsource = \"s\"\n";

/// A deck of `n` cards of every kind, cards `gone` left out and card `renamed` given another
/// id; `text` changes every prompt.
fn deck_src(n: usize, gone: &[usize], renamed: Option<usize>, text: u8) -> String {
    let mut src = String::from("[deck]\nid = \"p\"\nname = \"P\"\nexam = \"prelims\"\n");
    // The mcq cards (i % 4 == 1) stay: their group needs every answer it has to be valid, and
    // an invalid deck would leave the run without its deck.
    for i in (0..n).filter(|i| !gone.contains(i) || i % 4 == 1) {
        let id = if renamed == Some(i) {
            format!("r{i}")
        } else {
            format!("c{i}")
        };
        let head = format!(
            "\n[[card]]\nid = \"{id}\"\nsource = \"s\"\ntags = [\"t{}\", \"Both\"]\n",
            i % 3
        );
        let body = match i % 4 {
            0 => format!("q = \"Q{i} v{text}\"\na = \"A{i}\"\n"),
            1 => format!(
                "kind = \"mcq\"\nq = \"Year {i} v{text}?\"\na = \"{}\"\ngroup = \"years\"\n",
                1990 + i % 3
            ),
            2 => format!("kind = \"cloze\"\ntext = \"{{{{one {i}}}}} and {{{{two}}}} v{text}\"\n"),
            _ => format!("kind = \"typed\"\nq = \"T{i} v{text}\"\na = \"x{i}\"\n"),
        };
        src.push_str(&(head + &body));
    }
    src
}

fn index_of(home: &Path, cache: bool) -> Index {
    let file = home.join("cache/decks.bin");
    load_index(&home.join("decks"), &[], cache.then_some(file.as_path()))
        .unwrap()
        .0
}

/// Every card of the index, decoded, as text; and its hot fields as the decoded card has them.
fn cards_of(index: &Index) -> Vec<String> {
    (0..index.len())
        .map(|i| {
            let card = index.card(i).unwrap();
            assert_eq!(index.key(i), card.key);
            assert_eq!(index.deck(i).id, card.deck);
            assert_eq!((index.exam(i), index.kind(i)), (card.exam, card.kind()));
            assert_eq!(index.tags(i).collect::<Vec<_>>(), card.tags);
            format!("{card:?}")
        })
        .collect()
}

fn parsed(home: &Path) -> Vec<String> {
    let (library, _) = crate::deck::load::load_library(&home.join("decks"), &[], None).unwrap();
    library.cards().map(|c| format!("{c:?}")).collect()
}

#[test]
fn an_unchanged_file_comes_from_the_cache_and_a_changed_one_is_parsed_again() {
    let home = tempfile::tempdir().unwrap();
    let decks = home.path().join("decks");
    fs::create_dir_all(&decks).unwrap();
    let deck = decks.join("d.toml");
    fs::write(&deck, DECK).unwrap();
    let first = index_of(home.path(), true);
    assert!(home.path().join("cache/decks.bin").exists());
    let key = first
        .decks
        .iter()
        .find(|d| d.id == "d")
        .unwrap()
        .cards
        .start;
    assert_eq!(first.card(key).unwrap().prompt(), "Q");

    // Same length and modification time, other text: only the cache can still say "Q".
    let mtime = fs::metadata(&deck).unwrap().modified().unwrap();
    fs::write(&deck, DECK.replace("\"Q\"", "\"R\"")).unwrap();
    fs::File::options()
        .write(true)
        .open(&deck)
        .unwrap()
        .set_modified(mtime)
        .unwrap();
    assert_eq!(index_of(home.path(), true).card(key).unwrap().prompt(), "Q");

    // A change of length is parsed again.
    fs::write(&deck, DECK.replace("\"Q\"", "\"Changed question\"")).unwrap();
    let changed = index_of(home.path(), true);
    assert_eq!(changed.card(key).unwrap().prompt(), "Changed question");
    assert_eq!(cards_of(&changed), parsed(home.path()));
}

#[test]
fn a_cache_with_any_byte_changed_is_not_used() {
    let home = tempfile::tempdir().unwrap();
    fs::create_dir_all(home.path().join("decks")).unwrap();
    fs::write(home.path().join("decks/p.toml"), deck_src(6, &[], None, 0)).unwrap();
    index_of(home.path(), true);
    let file = home.path().join("cache/decks.bin");
    let good = fs::read(&file).unwrap();
    let hot = cache::read(&file).unwrap().texts.0 as usize;
    // The hot part: every byte of its head and of the user deck's entry (the last one), and a
    // sample of the built-in decks' entries.
    let user_entry = hot - 400;
    let ats = (0..64)
        .chain(user_entry..hot)
        .chain((64..user_entry).step_by(997));
    for at in ats {
        let mut bad = good.clone();
        bad[at] ^= 0x04;
        fs::write(&file, &bad).unwrap();
        assert!(cache::read(&file).is_none(), "byte {at}");
    }
    // The texts, read only for the cards asked for: every one checked as it is read. A card
    // whose text fails is an error that removes the file; the next run parses the decks.
    let want = parsed(home.path());
    let user_texts = good.len() - 600;
    for at in (hot..user_texts).step_by(331).chain(user_texts..good.len()) {
        let mut bad = good.clone();
        bad[at] ^= 0x04;
        fs::write(&file, &bad).unwrap();
        let index = index_of(home.path(), true);
        let all: Result<Vec<Card>, _> = (0..index.len()).map(|i| index.card(i)).collect();
        assert!(all.is_err(), "text byte {at}");
        assert!(!file.exists(), "text byte {at}: the cache is removed");
        assert_eq!(cards_of(&index_of(home.path(), true)), want);
    }
    // Cut short in its texts.
    fs::write(&file, &good[..good.len() - 1]).unwrap();
    assert!(cache::read(&file).is_none());
    fs::write(&file, b"not a cache").unwrap();
    assert_eq!(cards_of(&index_of(home.path(), true)), want);
}

#[test]
fn a_grouped_mcq_decoded_alone_has_the_options_of_its_whole_deck() {
    let home = tempfile::tempdir().unwrap();
    fs::create_dir_all(home.path().join("decks")).unwrap();
    fs::write(home.path().join("decks/p.toml"), deck_src(40, &[], None, 0)).unwrap();
    let index = index_of(home.path(), true);
    let full = index.library().unwrap();
    let whole = answers_in_group(full.deck("p").unwrap(), "years");
    assert_eq!(whole.len(), 3);
    let p = index.deck_by_id("p").unwrap().cards.clone();
    // The last mcq card of the deck: its group's first answers come earlier.
    let last = p.rev().find(|&i| index.kind(i) == Kind::Mcq).unwrap();
    let decoded = index.library_of(&[last]).unwrap();
    let deck = decoded.library.deck("p").unwrap();
    assert_eq!(answers_in_group(deck, "years"), whole);
    assert!(
        deck.cards.len() <= 4,
        "only the first card of each answer, and the card"
    );
    assert_eq!(decoded.cards()[0].key, index.key(last));
}

#[test]
fn an_invalid_deck_is_reported_not_cached() {
    let home = tempfile::tempdir().unwrap();
    fs::create_dir_all(home.path().join("decks")).unwrap();
    fs::write(home.path().join("decks/b.toml"), "[deck]\nid = \"b\"\n").unwrap();
    let file = home.path().join("cache/decks.bin");
    let (index, broken) = load_index(&home.path().join("decks"), &[], Some(&file)).unwrap();
    assert_eq!(broken.len(), 1);
    assert!(index.deck_by_id("b").is_none());
    let cached = cache::read(&file).unwrap();
    assert!(cached.entries.keys().all(|k| k.starts_with("builtin:")));
}

#[test]
fn old_temporary_files_of_killed_cache_writes_are_removed() {
    let home = tempfile::tempdir().unwrap();
    fs::create_dir_all(home.path().join("decks")).unwrap();
    fs::write(home.path().join("decks/d.toml"), DECK).unwrap();
    let cache_dir = home.path().join("cache");
    fs::create_dir_all(&cache_dir).unwrap();
    let (old, fresh) = (cache_dir.join(".tmpOld123"), cache_dir.join(".tmpNew456"));
    fs::write(&old, "half a cache").unwrap();
    fs::write(&fresh, "a cache being written").unwrap();
    let hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    fs::File::options()
        .write(true)
        .open(&old)
        .unwrap()
        .set_modified(hour_ago)
        .unwrap();
    index_of(home.path(), true);
    assert!(!old.exists());
    assert!(
        fresh.exists(),
        "a write that may still be going on is left alone"
    );
    assert!(load_file(&home.path().join("decks/d.toml")).is_ok());
}

/// What happens between two runs of smriti.
#[derive(Debug, Clone)]
enum Step {
    /// A session answers these cards (by place in the deck's index) with these grades, and
    /// undoes its last answer if asked.
    Session(Vec<(usize, u8)>, bool),
    /// A card suspended (or, with `false`, unsuspended), as `smriti suspend` records it.
    Suspend(usize, bool),
    /// The deck is written again: cards dropped, one renamed, every prompt changed.
    EditDeck(Vec<usize>, Option<usize>, u8),
    Remove(&'static str),
    Damage(&'static str, usize, u8),
}

const CACHES: [&str; 3] = ["state/snapshot.bin", "cache/decks.bin", "cache/join.bin"];

fn step() -> impl Strategy<Value = Step> {
    let file = prop::sample::select(CACHES.to_vec());
    prop_oneof![
        4 => (prop::collection::vec((0usize..40, 1u8..=4), 0..30), any::<bool>())
            .prop_map(|(a, u)| Step::Session(a, u)),
        1 => (prop::collection::vec(0usize..12, 0..3), prop::option::of(0usize..12), any::<u8>())
            .prop_map(|(g, r, t)| Step::EditDeck(g, r, t)),
        1 => (0usize..40, any::<bool>()).prop_map(|(c, s)| Step::Suspend(c, s)),
        1 => file.clone().prop_map(Step::Remove),
        2 => (file, any::<usize>(), 1u8..=255).prop_map(|(f, at, m)| Step::Damage(f, at, m)),
    ]
}

/// The states and holds a full replay of the journal gives: the journal alone, elsewhere.
fn replayed(state: &Path) -> (States, Holds) {
    let dir = tempfile::tempdir().unwrap();
    fs::copy(Store::journal_path(state), Store::journal_path(dir.path())).unwrap();
    let store = Store::open_read(dir.path()).unwrap();
    (store.cards, store.holds)
}

fn run_steps(steps: &[Step]) {
    let home = tempfile::tempdir().unwrap();
    let (decks, state) = (home.path().join("decks"), home.path().join("state"));
    fs::create_dir_all(&decks).unwrap();
    fs::write(decks.join("p.toml"), deck_src(12, &[], None, 0)).unwrap();
    let clock = Clock::new(
        "2026-11-24T10:00:00Z".parse().unwrap(),
        jiff::tz::TimeZone::UTC,
        4,
    );
    let sched = crate::schedule::Scheduler::new(&[], 0.9, 1).unwrap();
    for (n, step) in steps.iter().enumerate() {
        match step {
            Step::Session(answers, undo) => {
                let index = index_of(home.path(), true);
                let p = index.deck_by_id("p").unwrap().cards.clone();
                let mut store = Store::open_write(&state).unwrap();
                let mut last: Option<(String, Option<CardState>)> = None;
                for (k, (card, grade)) in answers.iter().enumerate() {
                    let i = p.start + card % p.len();
                    let key = index.key(i).to_owned();
                    let prev = store.state(&key);
                    let grade = Grade::from_number(*grade).unwrap();
                    let at = clock.now_ms() + (n * 100 + k) as i64 * 60_000;
                    let state = sched.answer(prev.as_ref(), grade, &clock, &key);
                    let entry = Entry::Review {
                        at,
                        key: key.clone(),
                        grade,
                        took_ms: 1000,
                        state,
                    };
                    store.record(&entry).unwrap();
                    last = Some((key, prev));
                }
                if let (true, Some((key, prev))) = (*undo, last) {
                    let state = prev.unwrap_or_else(new_card_state);
                    let hold = store.holds.get(&key).copied().unwrap_or_default();
                    let undo = Entry::Undo {
                        at: 1,
                        key,
                        state,
                        hold,
                    };
                    store.record(&undo).unwrap();
                }
                store.finish(&clock).unwrap();
            }
            Step::Suspend(card, suspend) => {
                let index = index_of(home.path(), true);
                let p = index.deck_by_id("p").unwrap().cards.clone();
                let key = index.key(p.start + card % p.len()).to_owned();
                let mut store = Store::open_write(&state).unwrap();
                let state = store.state(&key).unwrap_or_else(new_card_state);
                let (event, hold) = if *suspend {
                    (Event::Suspend, Hold::Suspended)
                } else {
                    (Event::Unsuspend, Hold::None)
                };
                let entry = Entry::Control {
                    at: clock.now_ms() + n as i64,
                    key,
                    event,
                    state,
                    hold,
                };
                store.record(&entry).unwrap();
                store.finish(&clock).unwrap();
            }
            Step::EditDeck(gone, renamed, text) => {
                fs::write(decks.join("p.toml"), deck_src(12, gone, *renamed, *text)).unwrap();
            }
            Step::Remove(file) => {
                let _ = fs::remove_file(home.path().join(file));
            }
            Step::Damage(file, at, mask) => {
                let path = home.path().join(file);
                if let Ok(mut bytes) = fs::read(&path)
                    && !bytes.is_empty()
                {
                    let at = at % bytes.len();
                    bytes[at] ^= mask;
                    fs::write(&path, bytes).unwrap();
                }
            }
        }
        // What a start-up command reads: every card's state through the index's key.
        let index = index_of(home.path(), true);
        let store = Store::open_read(&state).unwrap();
        let (want, want_holds) = if Store::journal_path(&state).exists() {
            replayed(&state)
        } else {
            Default::default()
        };
        assert_eq!(store.cards, want, "after step {n}: {step:?}");
        assert_eq!(store.holds, want_holds, "holds after step {n}: {step:?}");
        // And as the start-up commands read it: joined to the index by place (the join kept
        // from the step before where both indexes are unchanged, which is then checked too).
        let placed = index.join(&store.cards, &store.holds);
        if store.cards.origin().is_some() && index.join_file.is_some() {
            assert!(
                home.path().join("cache/join.bin").exists(),
                "the join is kept"
            );
        }
        let now = clock.now_ms();
        for i in 0..index.len() {
            let key = index.key(i);
            assert_eq!(store.state(key), want.get(key), "card {i}");
            assert_eq!(placed.get(i), want.get(key), "card {i} by place");
            let hold = want_holds.get(key).copied();
            assert_eq!(placed.hold(i), hold, "card {i}'s hold by place");
            let held = hold.is_some_and(|h| h.holds_at(now));
            assert_eq!(placed.is_held(i, now), held, "card {i} held");
        }
        // A card text damaged in the cache fails its check when read, which removes the
        // cache: the next run parses the decks again.
        let all: Result<Vec<Card>, _> = (0..index.len()).map(|i| index.card(i)).collect();
        let index = match all {
            Ok(_) => index,
            Err(_) => {
                assert!(!home.path().join("cache/decks.bin").exists());
                index_of(home.path(), true)
            }
        };
        assert_eq!(cards_of(&index), parsed(home.path()), "after step {n}");
        assert!(store.cards.values().all(|s| s.phase != Phase::New));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn the_state_through_the_index_is_the_full_replay(steps in prop::collection::vec(step(), 1..10)) {
        run_steps(&steps);
    }
}

/// The join by place gives each card's state and hold as a lookup by key does, whether the
/// decks' key order is right or wrong (reversed, or a card in it twice): it is checked as
/// the merge goes, and the places are then sorted by key.
#[test]
fn a_wrong_key_order_still_joins_and_finds_each_card() {
    let home = tempfile::tempdir().unwrap();
    fs::create_dir_all(home.path().join("decks")).unwrap();
    fs::write(home.path().join("decks/p.toml"), deck_src(20, &[], None, 0)).unwrap();
    let mut index = index_of(home.path(), true);
    let mut states = States::default();
    let mut holds = Holds::default();
    let mut state = new_card_state();
    state.phase = Phase::Review;
    for i in (0..index.len()).step_by(3) {
        state.due = i as i64;
        states.insert(index.key(i).to_owned(), state);
    }
    holds.insert(index.key(1).to_owned(), Hold::Suspended);
    states.insert("gone/card".into(), state);
    let check = |index: &Index, what: &str| {
        let placed = index.join(&states, &holds);
        assert_eq!(index.find("gone/card"), None, "{what}");
        assert_eq!(index.find("p/nothing"), None, "{what}");
        for i in 0..index.len() {
            assert_eq!(index.find(index.key(i)), Some(i), "{what}: card {i}");
            assert_eq!(placed.get(i), states.get(index.key(i)), "{what}: card {i}");
            assert_eq!(
                placed.hold(i),
                holds.get(index.key(i)).copied(),
                "{what}: {i}"
            );
        }
    };
    check(&index, "as cached");
    let p = index.decks.iter().position(|d| d.id == "p").unwrap();
    // The deck's key order, as it lies in the index's buffer.
    let order = index.decks[p].layout.order..index.decks[p].layout.order + 4 * 20;
    let mut places: Vec<[u8; 4]> = index.buf[order.clone()]
        .chunks_exact(4)
        .map(|c| c.try_into().unwrap())
        .collect();
    places.reverse();
    index.buf.to_mut()[order.clone()].copy_from_slice(&places.concat());
    check(&index, "reversed");
    places[1] = places[0];
    index.buf.to_mut()[order].copy_from_slice(&places.concat());
    check(&index, "a card twice");
}

/// The join kept in `cache/join.bin` is what `join` gives while it names both indexes, and
/// not made again: one that differs from the merge's (two cards' places in the state index
/// swapped, kept by `join_cache::write` under the right names) shows through. One damaged,
/// or naming another deck index or state index, is not used: the merge's join is given, and
/// kept in its place.
#[test]
fn a_kept_join_is_read_back_while_it_names_both_indexes_and_only_then() {
    let home = tempfile::tempdir().unwrap();
    fs::create_dir_all(home.path().join("decks")).unwrap();
    fs::write(home.path().join("decks/p.toml"), deck_src(8, &[], None, 0)).unwrap();
    index_of(home.path(), true);
    // Every deck as the cache file has it: the index names its cards for the kept join.
    let index = index_of(home.path(), true);
    let (file, names_cards) = index.join_file.clone().expect("every deck from the cache");
    // Two cards answered differently, so their states differ; a snapshot holds them.
    let p = index.deck_by_id("p").unwrap().cards.clone();
    let (a, b) = (p.start, p.start + 1);
    let state = home.path().join("state");
    let clock = Clock::new(
        "2026-11-24T10:00:00Z".parse().unwrap(),
        jiff::tz::TimeZone::UTC,
        4,
    );
    let sched = crate::schedule::Scheduler::new(&[], 0.9, 1).unwrap();
    let mut store = Store::open_write(&state).unwrap();
    for (i, grade) in [(a, Grade::Again), (b, Grade::Easy)] {
        let key = index.key(i).to_owned();
        let entry = Entry::Review {
            at: clock.now_ms(),
            state: sched.answer(None, grade, &clock, &key),
            key,
            grade,
            took_ms: 1000,
        };
        store.record(&entry).unwrap();
    }
    store.finish(&clock).unwrap();
    drop(store);
    let store = Store::open_read(&state).unwrap();
    let names_states = store
        .cards
        .origin()
        .expect("the states from the state index");
    let joined = |index: &Index| -> Vec<Option<i64>> {
        let placed = index.join(&store.cards, &store.holds);
        (0..index.len())
            .map(|i| placed.get(i).map(|s| s.due))
            .collect()
    };
    let want: Vec<Option<i64>> = (0..index.len())
        .map(|i| store.cards.get(index.key(i)).map(|s| s.due))
        .collect();
    assert!(want[a].is_some() && want[b].is_some() && want[a] != want[b]);
    let kept = || join_cache::read(&file, names_cards, names_states, index.len());

    assert_eq!(joined(&index), want, "made by the merge");
    let made = kept().expect("the merge's join is kept");
    let mut other = made.clone();
    other.swap(a, b);
    let mut swapped = want.clone();
    swapped.swap(a, b);
    join_cache::write(&file, names_cards, names_states, &other);
    assert_eq!(joined(&index), swapped, "the kept join is read");
    assert_eq!(
        joined(&index_of(home.path(), true)),
        swapped,
        "by the next start-up too"
    );
    assert_eq!(kept(), Some(other.clone()), "and left as it is");

    let mut damaged = fs::read(&file).unwrap();
    let in_run = damaged.len() - 4 - 4 * (index.len() - a);
    damaged[in_run] ^= 0x01;
    fs::write(&file, &damaged).unwrap();
    assert_eq!(joined(&index), want, "a damaged one is not");
    assert_eq!(kept(), Some(made.clone()), "the merge's is kept instead");
    for (cards, states, what) in [
        (names_cards ^ 1, names_states, "another deck index"),
        (names_cards, names_states ^ 1, "another state index"),
    ] {
        join_cache::write(&file, cards, states, &other);
        assert_eq!(joined(&index), want, "{what}: not used");
        assert_eq!(kept(), Some(made.clone()), "{what}: the merge's is kept");
    }
}

/// A command that decodes many cards reads the cache's texts whole, once; each card's text is
/// still checked, and one that fails removes the cache as a card read alone does.
#[test]
fn many_cards_decoded_at_once_read_the_texts_whole_and_still_check_each() {
    let home = tempfile::tempdir().unwrap();
    fs::create_dir_all(home.path().join("decks")).unwrap();
    let src = deck_src(READ_WHOLE_FROM + 100, &[], None, 0);
    fs::write(home.path().join("decks/p.toml"), src).unwrap();
    index_of(home.path(), true);
    let decoded = |index: &Index| -> Result<Vec<String>, LoadError> {
        let library = index.library()?;
        Ok(library.cards().map(|c| format!("{c:?}")).collect())
    };
    let want = parsed(home.path());
    let index = index_of(home.path(), true);
    assert_eq!(decoded(&index).unwrap(), want);
    assert!(matches!(index.file_all.get(), Some(Some(_))), "read whole");
    let file = home.path().join("cache/decks.bin");
    let mut bytes = fs::read(&file).unwrap();
    let last = bytes.len() - 3;
    bytes[last] ^= 0x04;
    fs::write(&file, bytes).unwrap();
    assert!(decoded(&index_of(home.path(), true)).is_err());
    assert!(!file.exists(), "the cache is removed");
    assert_eq!(decoded(&index_of(home.path(), true)).unwrap(), want);
}
