//! The paper's flow without a terminal or a clock: answers changed before handing in, the
//! question before handing in, the bell, and what is graded.

use super::*;
use crate::clock::Clock;
use crate::deck::parse::parse_deck;
use crate::deck::{Card, Library, Origin};
use crate::quiz::queue::Picked;
use crate::quiz::session::{Mode, NOT_INTRODUCED};
use crate::store::States;

const SECOND: u64 = 1000;

fn library() -> Library {
    let mut src = String::from("[deck]\nid = \"m\"\nexam = \"prelims\"\n");
    for (id, a) in [("lemoa", "2016"), ("comcasa", "2018"), ("beca", "2020")] {
        src.push_str(&format!(
            "[[card]]\nid = \"{id}\"\nkind = \"mcq\"\nq = \"{id} signed in?\"\na = \"{a}\"\noptions = [\"2016\", \"2018\", \"2020\", \"2002\"]\nsource = \"s\"\n"
        ));
    }
    Library {
        decks: vec![parse_deck(&src, Origin::Builtin("t")).unwrap()],
    }
}

fn clock() -> Clock {
    crate::clock::utc("2026-01-10T10:00:00Z")
}

/// Runs `test` on a paper of the three questions, then hands it in and returns the report
/// and the grades recorded, by card id.
fn with_paper(test: impl FnOnce(&mut Paper)) -> (Report, Vec<(String, u8)>) {
    let lib = library();
    let cards: Vec<&Card> = lib.cards().collect();
    let sched = Scheduler::new(&[], 0.9, 0).unwrap();
    let clock = clock();
    let picked = Picked {
        due: vec![0, 1, 2],
        ..Picked::default()
    };
    let states = States::default();
    let mut session = Session::new(&lib, cards, &states, picked, Mode::Mock, 7);
    let mut paper = Paper::draw(&mut session, clock.now_ms());
    assert_eq!(paper.len(), 3);
    test(&mut paper);
    let (report, entries) = paper.finish(&mut session, &sched, &clock);
    let grades = entries
        .iter()
        .map(|e| match e {
            Entry::Review {
                key, grade, state, ..
            } => {
                assert_eq!(state.intro, NOT_INTRODUCED, "a paper introduces no card");
                (key.clone(), grade.number())
            }
            Entry::Undo { .. } | Entry::Control { .. } => {
                panic!("a paper records only answers: {e:?}")
            }
        })
        .collect();
    (report, grades)
}

fn right(p: &Paper) -> usize {
    p.current().unwrap().shown.right
}

fn wrong(p: &Paper) -> usize {
    (right(p) + 1) % 4
}

#[test]
fn answers_can_be_changed_before_handing_in_and_only_the_last_counts() {
    let (report, grades) = with_paper(|p| {
        p.answer(wrong(p), false, SECOND);
        assert_eq!(p.number(), 2, "an answer moves on");
        p.previous(2 * SECOND);
        assert_eq!(p.number(), 1);
        assert_eq!(p.current().unwrap().pick.map(|k| k.guess), Some(false));
        p.answer(right(p), true, 3 * SECOND);
        p.next(4 * SECOND);
        p.answer(right(p), false, 5 * SECOND);
        assert_eq!(
            p.stage(),
            Stage::Confirming,
            "past the last question, it asks"
        );
        p.hand_in(6 * SECOND);
    });
    assert_eq!(
        grades,
        [("m/lemoa".to_owned(), 3), ("m/beca".to_owned(), 3)],
        "one grade a question, from the answer handed in; none for the blank"
    );
    assert_eq!(
        (report.all().right, report.all().wrong, report.blank()),
        (2, 0, 1)
    );
    assert_eq!(report.guesses().right, 1);
    assert_eq!(report.took_secs, 6);
}

#[test]
fn an_answer_can_be_taken_back_to_blank() {
    let (report, grades) = with_paper(|p| {
        p.answer(right(p), false, SECOND);
        p.go_to(1, SECOND);
        p.leave_blank(SECOND);
        p.hand_in(SECOND);
    });
    assert!(grades.is_empty(), "{grades:?}");
    assert_eq!(report.blank(), 3);
}

#[test]
fn q_asks_before_handing_in_and_no_goes_back_to_the_question() {
    let (report, _) = with_paper(|p| {
        p.answer(wrong(p), false, SECOND);
        p.ask_hand_in(2 * SECOND);
        assert_eq!(p.stage(), Stage::Confirming);
        assert_eq!(p.blanks(), [2, 3]);
        p.back(3 * SECOND);
        assert_eq!((p.stage(), p.number()), (Stage::Answering, 2));
        p.ask_hand_in(4 * SECOND);
        assert!(p.go_to(3, 5 * SECOND), "a number goes to that question");
        assert_eq!((p.stage(), p.number()), (Stage::Answering, 3));
        assert!(!p.go_to(4, 5 * SECOND), "no such question");
        p.ask_hand_in(6 * SECOND);
        p.hand_in(7 * SECOND);
        assert_eq!(p.stage(), Stage::HandedIn { out_of_time: false });
        p.answer(0, false, 8 * SECOND);
    });
    assert_eq!(report.all().wrong, 1, "nothing is marked once handed in");
    assert_eq!(report.blank(), 2);
}

#[test]
fn the_bell_hands_the_paper_in_and_a_later_answer_does_not_count() {
    let limit = mock::time_limit_secs(3) * SECOND;
    let (report, grades) = with_paper(|p| {
        p.answer(right(p), false, SECOND);
        assert_eq!(p.secs_left(SECOND), 3 * 72 - 1);
        assert!(p.tick(limit - 1));
        p.answer(right(p), false, limit + 5);
        assert_eq!(p.stage(), Stage::HandedIn { out_of_time: true });
        assert_eq!(p.number(), 2, "the late answer was not taken");
    });
    assert_eq!(grades.len(), 1);
    assert!(report.out_of_time);
    assert_eq!(report.took_secs, 3 * 72);
}

#[test]
fn each_answer_is_timed_over_all_its_visits() {
    let lib = library();
    let cards: Vec<&Card> = lib.cards().collect();
    let picked = Picked {
        due: vec![0, 1],
        ..Picked::default()
    };
    let mut session = Session::new(&lib, cards, &States::default(), picked, Mode::Mock, 7);
    let mut p = Paper::draw(&mut session, clock().now_ms());
    p.next(4 * SECOND);
    p.previous(10 * SECOND);
    p.answer(0, false, 13 * SECOND);
    p.hand_in(20 * SECOND);
    let sched = Scheduler::new(&[], 0.9, 0).unwrap();
    let (_, entries) = p.finish(&mut session, &sched, &clock());
    let Entry::Review { took_ms, .. } = &entries[0] else {
        panic!("{entries:?}")
    };
    assert_eq!(
        *took_ms, 7000,
        "4 s on the first visit and 3 s on the second"
    );
}

#[test]
fn a_paper_of_no_questions_is_already_handed_in() {
    let mut p = Paper::new(Vec::new());
    assert!(!p.tick(0));
    assert!(p.current().is_none());
    p.answer(0, false, 0);
    p.next(0);
    assert!(p.blanks().is_empty());
}
