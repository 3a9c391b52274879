//! Screens of every kind, before and after the answer, at 80×24 and at 40×12.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::*;
use crate::quiz::tui::fixtures::{self, BASIC, CLOZE, HINTED, MAINS, MCQ, TYPED};
use crate::quiz::tui::state::{MockInfo, Status, handle_key};
use crate::quiz::tui::wrap::{text, width};

/// The screen as text, one row a line, with its size on top.
fn screen(ui: &UiState, w: u16, h: u16) -> String {
    let rows = render(ui, w, h);
    assert_eq!(
        rows.len(),
        usize::from(h),
        "exactly one row per screen line"
    );
    for row in &rows {
        assert!(
            width(row) <= usize::from(w),
            "{:?} is wider than {w}",
            text(row)
        );
    }
    let mut out = format!("{w}x{h}\n");
    for row in &rows {
        out.push('|');
        out.push_str(&text(row));
        out.push('\n');
    }
    out
}

fn keys(ui: &mut UiState, keys: &str) {
    for c in keys.chars() {
        let code = if c == '\n' {
            KeyCode::Enter
        } else {
            KeyCode::Char(c)
        };
        handle_key(ui, KeyEvent::new(code, KeyModifiers::NONE));
    }
}

fn both_sizes(name: &str, ui: &UiState) {
    insta::assert_snapshot!(format!("{name}_80x24"), screen(ui, 80, 24));
    insta::assert_snapshot!(format!("{name}_40x12"), screen(ui, 40, 12));
}

#[test]
fn basic_card() {
    let mut ui = fixtures::ui(BASIC);
    ui.status = Some(Status {
        text: "good · next review in 3 days".into(),
        ok: Some(true),
    });
    both_sizes("basic_asking", &ui);
    keys(&mut ui, " ");
    both_sizes("basic_revealed", &ui);
}

#[test]
fn typed_card() {
    let mut ui = fixtures::ui(TYPED);
    keys(&mut ui, "Logistics Exchange");
    both_sizes("typed_typing", &ui);
    keys(&mut ui, "\n");
    both_sizes("typed_wrong", &ui);
}

#[test]
fn mcq_card() {
    let mut ui = fixtures::ui(MCQ);
    both_sizes("mcq_choosing", &ui);
    keys(&mut ui, "c");
    both_sizes("mcq_chosen", &ui);
    // A right answer: the grade keys, with the one recorded in bold.
    let mut ui = fixtures::ui(MCQ);
    keys(&mut ui, "b4");
    both_sizes("mcq_right", &ui);
}

#[test]
fn cloze_card() {
    let mut ui = fixtures::ui(CLOZE);
    both_sizes("cloze_asking", &ui);
    keys(&mut ui, " ");
    both_sizes("cloze_revealed", &ui);
}

#[test]
fn mains_card() {
    let mut ui = fixtures::ui(MAINS);
    both_sizes("mains_asking", &ui);
    keys(&mut ui, "  ");
    both_sizes("mains_ticking", &ui);
}

#[test]
fn mock_question() {
    let mut ui = fixtures::ui(MCQ);
    ui.mock = Some(MockInfo {
        number: 4,
        total: 10,
        secs_left: 9 * 60 + 5,
    });
    // Back on a question answered before: the answer marked then is shown.
    ui.phase = Phase::Paper {
        cursor: Some(2),
        guess: false,
        picked: Some(2),
    };
    keys(&mut ui, "g");
    both_sizes("mock_question", &ui);
}

#[test]
fn mock_hand_in() {
    let mut ui = fixtures::ui(MCQ);
    ui.mock = Some(MockInfo {
        number: 10,
        total: 10,
        secs_left: 65,
    });
    ui.phase = Phase::HandIn {
        answered: 7,
        blanks: vec![2, 5, 9],
    };
    both_sizes("mock_hand_in", &ui);
}

#[test]
fn help_screen() {
    let mut ui = fixtures::ui(BASIC);
    keys(&mut ui, "?");
    both_sizes("help", &ui);
}

#[test]
fn the_right_option_is_highlighted_after_an_mcq() {
    let mut ui = fixtures::ui(MCQ);
    keys(&mut ui, "c");
    let rows = render(&ui, 80, 24);
    let styled = |needle: &str| {
        rows.iter()
            .flatten()
            .find(|s| s.text == needle)
            .map(|s| s.style)
    };
    assert_eq!(
        styled("2018").map(|s| (s.tone, s.bold)),
        Some((Tone::Good, true))
    );
    assert_eq!(styled("2020").map(|s| s.tone), Some(Tone::Bad));
}

#[test]
fn the_gap_is_blank_until_revealed() {
    let mut ui = fixtures::ui(CLOZE);
    let all = |ui: &UiState| {
        render(ui, 80, 24)
            .iter()
            .map(|r| text(r))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert!(all(&ui).contains("held in […] in 2018."), "{}", all(&ui));
    keys(&mut ui, " ");
    assert!(all(&ui).contains("held in [New Delhi] in 2018."));
}

/// The screen's text, rows joined.
fn all_text(ui: &UiState) -> String {
    render(ui, 80, 24)
        .iter()
        .map(|r| text(r))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn a_cloze_hint_shows_in_the_gap() {
    let mut ui = fixtures::ui(HINTED);
    assert!(
        all_text(&ui).contains("joined the [regime] in 2016."),
        "{}",
        all_text(&ui)
    );
    keys(&mut ui, " ");
    assert!(all_text(&ui).contains("joined the [MTCR] in 2016."));
}

#[test]
fn the_revealed_gap_is_marked_without_colour() {
    // Bold alone does not set it apart (the question is bold), nor does a colour that may be
    // off: the brackets mark the words that were asked.
    let mut ui = fixtures::ui(CLOZE);
    keys(&mut ui, " ");
    let shown = all_text(&ui);
    assert!(shown.contains("held in [New Delhi] in 2018."), "{shown}");
}

#[test]
fn a_window_too_small_says_so_instead_of_hiding_the_question() {
    let ui = fixtures::ui(BASIC);
    for (w, h) in [(20, 5), (29, 12), (80, 7)] {
        let shown = screen(&ui, w, h);
        assert!(shown.contains("too small"), "{shown}");
    }
    insta::assert_snapshot!("too_small_20x5", screen(&ui, 20, 5));
    let fits = screen(&ui, 30, 8);
    assert!(!fits.contains("too small"), "{fits}");
    assert!(fits.contains("What does a"), "{fits}");
}

#[test]
fn a_long_card_scrolls_and_keeps_the_focus_in_view() {
    let mut ui = fixtures::ui(MAINS);
    keys(&mut ui, " ");
    // Tick down to the last point on a tiny screen: it must be on screen.
    keys(&mut ui, "   ");
    let shown = screen(&ui, 40, 12);
    assert!(shown.contains("S-400"), "{shown}");
    assert!(
        shown.contains("more lines") || shown.contains("PgUp"),
        "{shown}"
    );
}

#[test]
fn intervals_are_labelled_as_anki_labels_them() {
    use crate::schedule::Interval::{Days, Minutes};
    assert_eq!(interval_label(Minutes(10)), "10m");
    assert_eq!(interval_label(Minutes(15)), "15m");
    assert_eq!(interval_label(Days(3)), "3d");
    assert_eq!(interval_label(Days(45)), "1.5mo");
    assert_eq!(interval_label(Days(730)), "2.0y");
}

/// Card `i` of the fixtures, dated as a time-sensitive claim is.
fn dated(i: usize) -> UiState {
    let deck = crate::deck::parse::parse_deck(
        "[deck]\nid = \"d\"\nexam = \"prelims\"\n[[card]]\nid = \"c\"\nq = \"q\"\na = \"a\"\n\
         source = \"s\"\nas_of = 2022-04-11\n",
        crate::deck::Origin::Builtin("t.toml"),
    )
    .expect("dated deck parses");
    let mut ui = fixtures::ui(i);
    ui.card.as_of = super::super::state::CardView::new(&deck.cards[0], "d", "new", &[], 0).as_of;
    ui
}

#[test]
fn a_dated_card_shows_its_month_and_year_beside_the_answer_only() {
    let mut ui = dated(BASIC);
    assert!(
        !screen(&ui, 80, 24).contains("as of"),
        "the date belongs to the answer"
    );
    keys(&mut ui, " ");
    both_sizes("dated_basic_revealed", &ui);

    let mut ui = dated(MCQ);
    keys(&mut ui, "c");
    insta::assert_snapshot!("dated_mcq_chosen_80x24", screen(&ui, 80, 24));

    let mut ui = dated(TYPED);
    keys(&mut ui, "LEMO\n");
    insta::assert_snapshot!("dated_typed_wrong_80x24", screen(&ui, 80, 24));

    let mut ui = dated(CLOZE);
    keys(&mut ui, " ");
    insta::assert_snapshot!("dated_cloze_revealed_80x24", screen(&ui, 80, 24));

    let mut ui = dated(MAINS);
    keys(&mut ui, "  ");
    insta::assert_snapshot!("dated_mains_ticking_80x24", screen(&ui, 80, 24));
}
