//! Every key in every phase, without a terminal.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::*;
use crate::quiz::tui::fixtures::{self, BASIC, CLOZE, MAINS, MCQ, TYPED};

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

fn ch(c: char) -> KeyEvent {
    key(KeyCode::Char(c))
}

fn ctrl(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
}

fn press(ui: &mut UiState, keys: &[KeyEvent]) -> Vec<Action> {
    keys.iter().map(|k| handle_key(ui, *k)).collect()
}

fn typed(ui: &mut UiState, text: &str) {
    for c in text.chars() {
        assert_eq!(handle_key(ui, ch(c)), Action::None);
    }
}

#[test]
fn a_basic_card_reveals_on_space_or_enter_then_takes_a_grade() {
    for reveal in [ch(' '), key(KeyCode::Enter)] {
        let mut ui = fixtures::ui(BASIC);
        assert_eq!(ui.phase, Phase::Asking);
        assert_eq!(handle_key(&mut ui, reveal), Action::None);
        assert_eq!(ui.phase, Phase::Revealed);
    }
    for (c, g) in [
        ('1', Grade::Again),
        ('2', Grade::Hard),
        ('3', Grade::Good),
        ('4', Grade::Easy),
    ] {
        let mut ui = fixtures::ui(BASIC);
        handle_key(&mut ui, ch(' '));
        assert_eq!(handle_key(&mut ui, ch(c)), Action::Answer(g));
    }
    let mut ui = fixtures::ui(BASIC);
    handle_key(&mut ui, ch(' '));
    assert_eq!(
        handle_key(&mut ui, ch(' ')),
        Action::Answer(Grade::Good),
        "space takes Good"
    );
}

#[test]
fn grades_are_ignored_before_the_answer_is_revealed() {
    let mut ui = fixtures::ui(BASIC);
    assert_eq!(
        press(&mut ui, &[ch('3'), ch('5'), ch('x')]),
        [Action::None; 3]
    );
    assert_eq!(ui.phase, Phase::Asking);
}

#[test]
fn skip_undo_quit_and_interrupt_work_in_every_phase_but_typing() {
    for (i, reveal) in [
        (BASIC, false),
        (BASIC, true),
        (MCQ, false),
        (CLOZE, true),
        (MAINS, true),
    ] {
        let mut ui = fixtures::ui(i);
        if reveal {
            handle_key(&mut ui, ch(' '));
        }
        let before = ui.phase.clone();
        assert_eq!(handle_key(&mut ui, ch('s')), Action::Skip, "{before:?}");
        assert_eq!(handle_key(&mut ui, ch('u')), Action::Undo, "{before:?}");
        assert_eq!(handle_key(&mut ui, ch('q')), Action::Quit);
        assert_eq!(handle_key(&mut ui, key(KeyCode::Esc)), Action::Quit);
        assert_eq!(handle_key(&mut ui, ctrl('c')), Action::Interrupt);
        assert_eq!(ui.phase, before, "commands leave the phase alone");
    }
}

#[test]
fn help_opens_on_question_mark_and_any_key_closes_it() {
    let mut ui = fixtures::ui(BASIC);
    handle_key(&mut ui, ch('?'));
    assert!(ui.help);
    assert_eq!(
        handle_key(&mut ui, ch('q')),
        Action::None,
        "the key only closes help"
    );
    assert!(!ui.help);
    assert_eq!(handle_key(&mut ui, ctrl('c')), Action::Interrupt);
}

#[test]
fn page_keys_scroll_a_long_help_and_closing_it_returns_to_the_card_top() {
    let mut ui = fixtures::ui(BASIC);
    handle_key(&mut ui, ch('?'));
    handle_key(&mut ui, key(KeyCode::PageDown));
    assert!(ui.help, "PgDn scrolls the help");
    assert_eq!(ui.scroll, 5);
    handle_key(&mut ui, ch('x'));
    assert!(!ui.help);
    assert_eq!(ui.scroll, 0);
}

#[test]
fn e_toggles_the_explanation() {
    let mut ui = fixtures::ui(BASIC);
    assert!(ui.show_explain);
    handle_key(&mut ui, ch('e'));
    assert!(!ui.show_explain);
    handle_key(&mut ui, ch('e'));
    assert!(ui.show_explain);
}

#[test]
fn page_keys_and_arrows_scroll_a_long_card() {
    let mut ui = fixtures::ui(BASIC);
    handle_key(&mut ui, key(KeyCode::PageDown));
    handle_key(&mut ui, key(KeyCode::Down));
    assert_eq!(ui.scroll, 6);
    handle_key(&mut ui, key(KeyCode::PageUp));
    handle_key(&mut ui, key(KeyCode::Up));
    handle_key(&mut ui, key(KeyCode::Up));
    assert_eq!(ui.scroll, 0);
}

#[test]
fn an_mcq_is_answered_by_letter_and_the_verdict_stays() {
    let mut ui = fixtures::ui(MCQ);
    assert_eq!(
        handle_key(&mut ui, ch('b')),
        Action::AnswerAndShow(Grade::Good)
    );
    assert_eq!(
        ui.phase,
        Phase::Chosen {
            picked: 1,
            grade: Grade::Good
        }
    );
    assert_eq!(handle_key(&mut ui, ch(' ')), Action::Next);

    let mut ui = fixtures::ui(MCQ);
    assert_eq!(
        handle_key(&mut ui, ch('c')),
        Action::AnswerAndShow(Grade::Again)
    );
    assert_eq!(
        handle_key(&mut ui, ch('u')),
        Action::Undo,
        "an answer can be taken back"
    );
    assert_eq!(handle_key(&mut ui, key(KeyCode::Enter)), Action::Next);
    assert_eq!(
        handle_key(&mut ui, ch('s')),
        Action::Next,
        "skip after a verdict moves on"
    );
}

#[test]
fn an_mcq_is_answered_by_arrows_and_enter_but_not_by_space() {
    let mut ui = fixtures::ui(MCQ);
    assert_eq!(handle_key(&mut ui, ch(' ')), Action::None);
    press(
        &mut ui,
        &[key(KeyCode::Down), key(KeyCode::Down), key(KeyCode::Up)],
    );
    assert_eq!(ui.phase, Phase::Choosing { cursor: Some(0) });
    press(&mut ui, &[key(KeyCode::Down); 9]);
    assert_eq!(
        ui.phase,
        Phase::Choosing { cursor: Some(3) },
        "the cursor stops at the last option"
    );
    press(&mut ui, &[key(KeyCode::Up); 2]);
    assert_eq!(
        handle_key(&mut ui, key(KeyCode::Enter)),
        Action::AnswerAndShow(Grade::Good)
    );
    assert_eq!(handle_key(&mut ui, ch('z')), Action::None);
}

#[test]
fn enter_does_not_answer_an_mcq_before_an_option_is_chosen() {
    let mut ui = fixtures::ui(MCQ);
    assert_eq!(handle_key(&mut ui, key(KeyCode::Enter)), Action::None);
    assert_eq!(ui.phase, Phase::Choosing { cursor: None });
    // Up from nowhere goes to the last option.
    handle_key(&mut ui, key(KeyCode::Up));
    assert_eq!(ui.phase, Phase::Choosing { cursor: Some(3) });
}

#[test]
fn typing_edits_the_line_and_command_letters_are_text() {
    let mut ui = fixtures::ui(TYPED);
    typed(&mut ui, "squ");
    press(&mut ui, &[key(KeyCode::Left), key(KeyCode::Backspace)]);
    assert_eq!(
        ui.phase,
        Phase::Typing {
            input: "su".into(),
            cursor: 1
        }
    );
    press(
        &mut ui,
        &[key(KeyCode::Home), key(KeyCode::Delete), key(KeyCode::End)],
    );
    typed(&mut ui, "e? lemoa");
    assert_eq!(
        ui.phase,
        Phase::Typing {
            input: "ue? lemoa".into(),
            cursor: 9
        }
    );
    handle_key(&mut ui, ctrl('w'));
    assert_eq!(
        ui.phase,
        Phase::Typing {
            input: "ue? ".into(),
            cursor: 4
        }
    );
    handle_key(&mut ui, ctrl('u'));
    assert_eq!(
        ui.phase,
        Phase::Typing {
            input: String::new(),
            cursor: 0
        }
    );
    assert!(
        !ui.help && ui.show_explain,
        "? and e were typed, not obeyed"
    );
}

#[test]
fn typing_handles_multibyte_characters() {
    let mut ui = fixtures::ui(TYPED);
    typed(&mut ui, "दो—");
    press(&mut ui, &[key(KeyCode::Left), key(KeyCode::Backspace)]);
    assert_eq!(
        ui.phase,
        Phase::Typing {
            input: "द—".into(),
            cursor: 1
        }
    );
}

#[test]
fn typing_has_control_keys_for_skip_undo_help_and_quit() {
    let mut ui = fixtures::ui(TYPED);
    assert_eq!(handle_key(&mut ui, ctrl('s')), Action::Skip);
    assert_eq!(handle_key(&mut ui, ctrl('z')), Action::Undo);
    assert_eq!(handle_key(&mut ui, key(KeyCode::Esc)), Action::Quit);
    assert_eq!(handle_key(&mut ui, ctrl('c')), Action::Interrupt);
    handle_key(&mut ui, key(KeyCode::F(1)));
    assert!(ui.help);
}

#[test]
fn a_typed_answer_is_matched_forgivingly() {
    let mut ui = fixtures::ui(TYPED);
    typed(&mut ui, "  lemoa. ");
    assert_eq!(
        handle_key(&mut ui, key(KeyCode::Enter)),
        Action::AnswerAndShow(Grade::Good)
    );
    assert!(matches!(ui.phase, Phase::Checked { correct: true, .. }));
    assert_eq!(
        handle_key(&mut ui, ch('o')),
        Action::None,
        "nothing to overrule"
    );
    assert_eq!(handle_key(&mut ui, ch(' ')), Action::Next);
}

#[test]
fn a_wrong_typed_answer_can_be_overruled_once() {
    let mut ui = fixtures::ui(TYPED);
    typed(&mut ui, "BECA");
    assert_eq!(
        handle_key(&mut ui, key(KeyCode::Enter)),
        Action::AnswerAndShow(Grade::Again)
    );
    assert!(matches!(ui.phase, Phase::Checked { correct: false, .. }));
    assert_eq!(handle_key(&mut ui, ch('o')), Action::Overrule);
    assert_eq!(handle_key(&mut ui, ch('!')), Action::Overrule);
    // The event loop marks it overruled once the session has regraded it.
    if let Phase::Checked { overruled, .. } = &mut ui.phase {
        *overruled = true;
    }
    assert_eq!(handle_key(&mut ui, ch('o')), Action::None);
}

#[test]
fn an_empty_typed_answer_counts_as_not_known() {
    let mut ui = fixtures::ui(TYPED);
    assert_eq!(
        handle_key(&mut ui, key(KeyCode::Enter)),
        Action::AnswerAndShow(Grade::Again)
    );
}

#[test]
fn a_cloze_card_reveals_and_grades_like_a_basic_one() {
    let mut ui = fixtures::ui(CLOZE);
    assert_eq!(
        ui.card.cloze.as_ref().map(|c| c.pieces[c.gap].as_str()),
        Some("New Delhi")
    );
    handle_key(&mut ui, ch(' '));
    assert_eq!(ui.phase, Phase::Revealed);
    assert_eq!(handle_key(&mut ui, ch('2')), Action::Answer(Grade::Hard));
}

#[test]
fn a_mains_card_reveals_a_checklist_whose_ticks_propose_the_grade() {
    let mut ui = fixtures::ui(MAINS);
    handle_key(&mut ui, ch(' '));
    let Phase::Ticking { grade, .. } = &ui.phase else {
        panic!("{:?}", ui.phase)
    };
    assert_eq!(*grade, Grade::Again, "nothing ticked yet");
    // Space ticks and moves down: points 1 and 2 of 4.
    press(&mut ui, &[ch(' '), ch(' ')]);
    let Phase::Ticking {
        cursor,
        ticked,
        grade,
    } = &ui.phase
    else {
        panic!()
    };
    assert_eq!(
        (*cursor, ticked.as_slice(), *grade),
        (2, &[true, true, false, false][..], Grade::Hard)
    );
    press(&mut ui, &[key(KeyCode::Up), ch('x')]);
    let Phase::Ticking { ticked, grade, .. } = &ui.phase else {
        panic!()
    };
    assert_eq!(
        (ticked.as_slice(), *grade),
        (&[true, false, false, false][..], Grade::Hard)
    );
    handle_key(&mut ui, ch('a'));
    let Phase::Ticking { grade, .. } = &ui.phase else {
        panic!()
    };
    assert_eq!(*grade, Grade::Easy, "a ticks every point");
    assert_eq!(
        handle_key(&mut ui, key(KeyCode::Enter)),
        Action::Answer(Grade::Easy)
    );
}

#[test]
fn the_proposed_mains_grade_can_be_adjusted_or_overridden() {
    let mut ui = fixtures::ui(MAINS);
    handle_key(&mut ui, ch(' '));
    press(
        &mut ui,
        &[key(KeyCode::Right), key(KeyCode::Right), key(KeyCode::Left)],
    );
    let Phase::Ticking { grade, .. } = &ui.phase else {
        panic!()
    };
    assert_eq!(*grade, Grade::Hard);
    press(&mut ui, &[key(KeyCode::Left), key(KeyCode::Left)]);
    let Phase::Ticking { grade, .. } = &ui.phase else {
        panic!()
    };
    assert_eq!(*grade, Grade::Again, "stops at again");
    assert_eq!(handle_key(&mut ui, ch('3')), Action::Answer(Grade::Good));
    assert_eq!(handle_key(&mut ui, ch('s')), Action::Skip);
}

#[test]
fn a_mock_question_is_answered_by_letter_with_guesses_marked() {
    let mut ui = fixtures::ui(MCQ);
    ui.phase = Phase::start(Kind::Mcq, true);
    assert_eq!(
        handle_key(&mut ui, ch('a')),
        Action::MockPick {
            choice: 0,
            guess: false
        }
    );
    assert_eq!(
        handle_key(&mut ui, ch('C')),
        Action::MockPick {
            choice: 2,
            guess: true
        }
    );
    assert_eq!(
        handle_key(&mut ui, key(KeyCode::Enter)),
        Action::None,
        "no option chosen yet"
    );
    handle_key(&mut ui, ch('g'));
    assert_eq!(
        ui.phase,
        Phase::Paper {
            cursor: None,
            guess: true,
            picked: None,
        }
    );
    press(&mut ui, &[key(KeyCode::Down), key(KeyCode::Down)]);
    assert_eq!(
        handle_key(&mut ui, key(KeyCode::Enter)),
        Action::MockPick {
            choice: 1,
            guess: true
        }
    );
    assert_eq!(handle_key(&mut ui, ch('s')), Action::MockSkip);
    assert_eq!(
        handle_key(&mut ui, ch('u')),
        Action::None,
        "no undo in an exam"
    );
    assert_eq!(handle_key(&mut ui, ch('q')), Action::Quit);
}

#[test]
fn a_mock_paper_moves_between_questions_with_the_arrows() {
    let mut ui = fixtures::ui(MCQ);
    ui.phase = Phase::start(Kind::Mcq, true);
    assert_eq!(
        press(
            &mut ui,
            &[key(KeyCode::Left), ch('p'), key(KeyCode::Right), ch('n')]
        ),
        [
            Action::MockPrevious,
            Action::MockPrevious,
            Action::MockNext,
            Action::MockNext
        ]
    );
}

#[test]
fn handing_in_is_confirmed_or_taken_back() {
    let hand_in = || {
        let mut ui = fixtures::ui(MCQ);
        ui.phase = Phase::HandIn {
            answered: 1,
            blanks: vec![2],
        };
        ui
    };
    for k in [key(KeyCode::Enter), ch('y'), ch('q')] {
        assert_eq!(handle_key(&mut hand_in(), k), Action::HandIn, "{k:?}");
    }
    for k in [key(KeyCode::Esc), ch('n'), key(KeyCode::Left)] {
        assert_eq!(handle_key(&mut hand_in(), k), Action::Back, "{k:?}");
    }
    assert_eq!(handle_key(&mut hand_in(), ch('a')), Action::None);
    assert_eq!(handle_key(&mut hand_in(), ctrl('c')), Action::Interrupt);
}

#[test]
fn i_asks_for_the_card_info_which_any_key_closes_but_not_while_typing() {
    let mut ui = fixtures::ui(BASIC);
    assert_eq!(handle_key(&mut ui, ch('i')), Action::Info);
    ui.info = Some(vec!["card     d/meaning".to_owned()]);
    assert_eq!(
        handle_key(&mut ui, ch('q')),
        Action::None,
        "the key only closes the info"
    );
    assert!(ui.info.is_none());

    let mut ui = fixtures::ui(TYPED);
    typed(&mut ui, "i");
    assert!(ui.info.is_none());
}

#[test]
fn capital_e_asks_to_edit_the_card_but_not_while_typing_or_in_a_mock_paper() {
    let mut ui = fixtures::ui(BASIC);
    assert_eq!(handle_key(&mut ui, ch('E')), Action::Edit);
    let shown = ui.show_explain;
    assert_eq!(
        handle_key(&mut ui, ch('e')),
        Action::None,
        "e is the explanation"
    );
    assert_ne!(ui.show_explain, shown);

    let mut ui = fixtures::ui(TYPED);
    typed(&mut ui, "E");

    let mut ui = fixtures::ui(MCQ);
    ui.mock = Some(MockInfo {
        number: 1,
        total: 1,
        secs_left: 60,
    });
    ui.phase = Phase::start(Kind::Mcq, true);
    assert_ne!(handle_key(&mut ui, ch('E')), Action::Edit);
}
