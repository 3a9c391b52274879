//! What the full-screen quiz shows and how each key changes it. Pure: `handle_key` turns a
//! key press into a new UI state and an `Action` for the event loop (grade, skip, undo, quit),
//! so every key in every phase is unit-tested without a terminal.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::deck::{Body, Card, Kind, cloze, dated};
use crate::quiz::matching;
use crate::quiz::session::grade_from_points;
use crate::sanitize::{clean, clean_line};
use crate::schedule::Grade;

/// The card on screen, its deck text already cleaned of control characters.
#[derive(Debug, Clone, PartialEq)]
pub struct CardView {
    pub kind: Kind,
    pub deck: String,
    pub tags: Vec<String>,
    /// "new", "learning", "review" or "leech".
    pub status: &'static str,
    pub prompt: String,
    pub answer: String,
    pub accept: Vec<String>,
    pub options: Vec<String>,
    pub right: usize,
    /// Cloze: the text in pieces around the asked gap (None for other kinds).
    pub cloze: Option<ClozeView>,
    pub points: Vec<String>,
    pub year: Option<i64>,
    pub word_limit: Option<i64>,
    pub explain: Option<String>,
    /// "as of Apr 2022", shown with the answer of a time-sensitive card.
    pub as_of: Option<String>,
}

impl CardView {
    pub fn new(
        card: &Card,
        deck_name: &str,
        status: &'static str,
        options: &[String],
        right: usize,
    ) -> CardView {
        let (mut points, mut year, mut word_limit, mut accept, mut cloze_parts) =
            (Vec::new(), None, None, Vec::new(), None);
        match &card.body {
            Body::Mains {
                points: p,
                year: y,
                word_limit: w,
                ..
            } => {
                points = p.iter().map(|p| clean_line(p)).collect();
                (year, word_limit) = (*y, *w);
            }
            Body::Typed { accept: a, .. } => accept = a.clone(),
            Body::Cloze { text, gap } => cloze_parts = Some(cloze_pieces(text, *gap)),
            _ => {}
        }
        CardView {
            kind: card.kind(),
            deck: clean_line(deck_name),
            tags: card.tags.iter().map(|t| clean_line(t)).collect(),
            status,
            prompt: clean(&card.prompt()),
            answer: clean(&card.answer()),
            accept,
            options: options.iter().map(|o| clean_line(o)).collect(),
            right,
            cloze: cloze_parts,
            points,
            year,
            word_limit,
            explain: card.explain.as_deref().map(clean),
            as_of: card.as_of.as_deref().map(|d| clean_line(&dated::label(d))),
        }
    }
}

/// Cloze text split so the asked gap can be drawn on its own.
#[derive(Debug, Clone, PartialEq)]
pub struct ClozeView {
    /// The text around the gap with the other gaps filled in, and the asked gap's answer at
    /// `gap`.
    pub pieces: Vec<String>,
    pub gap: usize,
    /// What the deck says to show in the gap until it is revealed (`{{MTCR::regime}}`).
    pub hint: Option<String>,
}

fn cloze_pieces(text: &str, ask: usize) -> ClozeView {
    let gaps = cloze::gaps(text);
    let Some(asked) = gaps.get(ask) else {
        return ClozeView {
            pieces: vec![clean(&cloze::render(text, None))],
            gap: usize::MAX,
            hint: None,
        };
    };
    let before = cloze::render(&text[..asked.start], None);
    let after = cloze::render(&text[asked.end..], None);
    ClozeView {
        pieces: vec![clean(&before), clean(asked.answer), clean(&after)],
        gap: 1,
        hint: asked.hint.map(clean_line),
    }
}

/// Where the user is with the card on screen.
#[derive(Debug, Clone, PartialEq)]
pub enum Phase {
    /// Basic, cloze or mains: the question, before the answer is revealed.
    Asking,
    /// Basic or cloze: the answer is shown; waiting for a grade.
    Revealed,
    /// Mcq: choosing an option; no option is highlighted until the arrows move to one, so
    /// Enter cannot answer one the user never looked at.
    Choosing { cursor: Option<usize> },
    /// Mcq: answered; the right option is highlighted.
    /// `grade` is the one recorded: proposed from the verdict, then as the user changes it.
    Chosen { picked: usize, grade: Grade },
    /// Typed: editing the answer; `cursor` counts characters.
    Typing { input: String, cursor: usize },
    /// Typed: answered, with the verdict.
    Checked {
        input: String,
        correct: bool,
        overruled: bool,
        grade: Grade,
    },
    /// Mains: ticking the key points recalled; `grade` follows the ticks unless adjusted.
    Ticking {
        cursor: usize,
        ticked: Vec<bool>,
        grade: Grade,
    },
    /// Mock paper: choosing an option, no verdict until the end; `picked` is the answer
    /// marked on an earlier visit, which may be changed until the paper is handed in.
    Paper {
        cursor: Option<usize>,
        guess: bool,
        picked: Option<usize>,
    },
    /// Mock paper: asked whether to hand it in, with the questions still blank (numbers
    /// from 1).
    HandIn { answered: usize, blanks: Vec<usize> },
}

impl Phase {
    /// The phase a card of this kind starts in.
    pub fn start(kind: Kind, mock: bool) -> Phase {
        match kind {
            _ if mock => Phase::Paper {
                cursor: None,
                guess: false,
                picked: None,
            },
            Kind::Mcq => Phase::Choosing { cursor: None },
            Kind::Typed => Phase::Typing {
                input: String::new(),
                cursor: 0,
            },
            _ => Phase::Asking,
        }
    }

    /// Whether the answer is showing, so the explanation may be too.
    pub fn answered(&self) -> bool {
        matches!(
            self,
            Phase::Revealed | Phase::Chosen { .. } | Phase::Checked { .. } | Phase::Ticking { .. }
        )
    }
}

/// Cards done and left, and of those left how many are reviews and how many new.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Progress {
    pub done: usize,
    pub left: usize,
    pub due: usize,
    pub new: usize,
}

/// The mock paper's header: which question, the time left, whether a guess is being marked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MockInfo {
    pub number: usize,
    pub total: usize,
    pub secs_left: u64,
}

/// A line about what just happened ("good · next review in 3 days", "nothing to undo").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub text: String,
    pub ok: Option<bool>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct UiState {
    pub card: CardView,
    pub phase: Phase,
    pub progress: Progress,
    /// Interval labels for grades 1–4 ("<10m", "3d"), or None when answers change nothing.
    pub previews: Option<[String; 4]>,
    pub status: Option<Status>,
    pub show_explain: bool,
    pub help: bool,
    /// The card info (`i`) on screen instead of the card: its lines, as `info::render` gives.
    pub info: Option<Vec<String>>,
    /// Body rows scrolled past (PgDn/PgUp), for cards taller than the screen.
    pub scroll: usize,
    pub mock: Option<MockInfo>,
    /// `@` was pressed: the next key confirms (y, enter) or cancels the suspend.
    pub confirm_suspend: bool,
}

impl UiState {
    pub fn new(card: CardView, progress: Progress, mock: Option<MockInfo>) -> UiState {
        UiState {
            phase: Phase::start(card.kind, mock.is_some()),
            card,
            progress,
            previews: None,
            status: None,
            show_explain: true,
            help: false,
            info: None,
            scroll: 0,
            mock,
            confirm_suspend: false,
        }
    }
}

/// What the event loop must do after a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Only the screen changed (or nothing did).
    None,
    /// Record this grade and show the next card.
    Answer(Grade),
    /// Record this grade and keep the card on screen with its verdict (mcq, typed).
    AnswerAndShow(Grade),
    /// Show the next card (after a verdict).
    Next,
    Skip,
    Undo,
    /// `@`, confirmed: suspend the card on screen.
    Suspend,
    /// `=`: bury the card on screen and its cloze siblings until the next study day.
    Bury,
    /// Count the typed answer just judged wrong as right.
    Overrule,
    /// Record this grade instead of the one just given (after a right mcq or typed answer).
    Regrade(Grade),
    /// Mock paper: this option, and whether it is marked as a guess.
    MockPick {
        choice: usize,
        guess: bool,
    },
    /// Mock paper: leave the question blank (taking back an earlier answer) and move on.
    MockSkip,
    /// Mock paper: the previous or next question, the answer left as it is.
    MockPrevious,
    MockNext,
    /// Mock paper: yes to handing it in.
    HandIn,
    /// Mock paper: no, back to the question.
    Back,
    /// i: show the card's info (key, source, history) over the card.
    Info,
    /// E: edit the card in the user's editor (`e` is the explanation).
    Edit,
    /// q or Esc: end the session, progress kept.
    Quit,
    /// Ctrl-C: as Quit, but the process exits with 130.
    Interrupt,
}

/// Applies one key press. Releases and repeats must be filtered out before.
pub fn handle_key(ui: &mut UiState, key: KeyEvent) -> Action {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    if ctrl && matches!(key.code, KeyCode::Char('c' | 'C')) {
        return Action::Interrupt;
    }
    if ui.help {
        // PgUp/PgDn scroll a help taller than the screen; any other key closes it, and does
        // nothing else.
        if !matches!(key.code, KeyCode::PageUp | KeyCode::PageDown) {
            ui.help = false;
            ui.scroll = 0;
            return Action::None;
        }
    }
    if ui.confirm_suspend {
        ui.confirm_suspend = false;
        ui.status = None;
        return match key.code {
            KeyCode::Char('y' | 'Y') | KeyCode::Enter => Action::Suspend,
            _ => Action::None,
        };
    }
    if ui.info.is_some() {
        // Any key closes the info and does nothing else.
        ui.info = None;
        ui.scroll = 0;
        return Action::None;
    }
    if let Phase::HandIn { .. } = ui.phase {
        return hand_in_key(key.code);
    }
    if scroll(ui, key.code) {
        return Action::None;
    }
    let typing = matches!(ui.phase, Phase::Typing { .. });
    match key.code {
        KeyCode::Esc => return Action::Quit,
        KeyCode::F(1) => {
            ui.help = true;
            return Action::None;
        }
        _ if typing => {}
        KeyCode::Char('q') => return Action::Quit,
        KeyCode::Char('?') => {
            ui.help = true;
            return Action::None;
        }
        KeyCode::Char('e') => {
            ui.show_explain = !ui.show_explain;
            return Action::None;
        }
        // Not in a mock paper: its history and stability would give hints an exam does not.
        KeyCode::Char('i') if ui.mock.is_none() => return Action::Info,
        // Not in a mock paper either: a paper is sat, not revised.
        KeyCode::Char('E') if ui.mock.is_none() => return Action::Edit,
        // Anki's suspend and bury-note keys; no phase but typing (where they are text) and
        // the paper uses them.
        KeyCode::Char('@') if ui.mock.is_none() => {
            ui.confirm_suspend = true;
            ui.status = Some(Status {
                text: "Suspend this card? It is not shown again until `smriti unsuspend`. y: suspend, any other key: keep it".to_owned(),
                ok: Some(false),
            });
            return Action::None;
        }
        KeyCode::Char('=') if ui.mock.is_none() => return Action::Bury,
        _ => {}
    }
    let phase = std::mem::replace(&mut ui.phase, Phase::Asking);
    let (phase, action) = match phase {
        Phase::Asking => asking(key.code),
        Phase::Revealed => (Phase::Revealed, grade_key(key.code, Action::Answer)),
        Phase::Choosing { cursor } => choosing(ui, cursor, key.code),
        Phase::Chosen { picked, grade } => {
            let right = picked == ui.card.right;
            let (grade, action) = regrade(grade, right, key.code);
            (Phase::Chosen { picked, grade }, action)
        }
        Phase::Typing { input, cursor } => typing_key(ui, input, cursor, key),
        Phase::Checked {
            input,
            correct,
            overruled,
            grade,
        } => {
            let (grade, action) = match key.code {
                KeyCode::Char('o' | '!') if !correct && !overruled => (grade, Action::Overrule),
                code => regrade(grade, correct || overruled, code),
            };
            (
                Phase::Checked {
                    input,
                    correct,
                    overruled,
                    grade,
                },
                action,
            )
        }
        Phase::Ticking {
            cursor,
            ticked,
            grade,
        } => ticking(cursor, ticked, grade, key.code),
        Phase::Paper {
            cursor,
            guess,
            picked,
        } => paper(ui, cursor, guess, picked, key.code),
        phase @ Phase::HandIn { .. } => (phase, Action::None),
    };
    ui.phase = match (phase, ui.card.kind) {
        // Revealing a mains card opens its checklist.
        (Phase::Revealed, Kind::Mains) => Phase::Ticking {
            cursor: 0,
            ticked: vec![false; ui.card.points.len()],
            grade: grade_from_points(0, ui.card.points.len()),
        },
        (p, _) => p,
    };
    action
}

/// PgUp/PgDn always scroll; arrows and j/k too where they choose nothing.
fn scroll(ui: &mut UiState, code: KeyCode) -> bool {
    let arrows_free = matches!(
        ui.phase,
        Phase::Asking | Phase::Revealed | Phase::Chosen { .. } | Phase::Checked { .. }
    );
    match code {
        KeyCode::PageDown => ui.scroll += 5,
        KeyCode::PageUp => ui.scroll = ui.scroll.saturating_sub(5),
        KeyCode::Down | KeyCode::Char('j') if arrows_free => ui.scroll += 1,
        KeyCode::Up | KeyCode::Char('k') if arrows_free => ui.scroll = ui.scroll.saturating_sub(1),
        _ => return false,
    }
    true
}

/// Keys every phase but typing shares: skip and undo.
fn common(code: KeyCode) -> Action {
    match code {
        KeyCode::Char('s') => Action::Skip,
        KeyCode::Char('u') => Action::Undo,
        _ => Action::None,
    }
}

fn asking(code: KeyCode) -> (Phase, Action) {
    match code {
        KeyCode::Char(' ') | KeyCode::Enter => (Phase::Revealed, Action::None),
        code => (Phase::Asking, common(code)),
    }
}

fn grade_key(code: KeyCode, then: fn(Grade) -> Action) -> Action {
    match code {
        KeyCode::Char(c @ '1'..='4') => {
            Grade::from_number(c as u8 - b'0').map_or(Action::None, then)
        }
        // Space and enter take the usual answer, as in Anki.
        KeyCode::Char(' ') | KeyCode::Enter => then(Grade::Good),
        code => common(code),
    }
}

/// On a verdict screen: after a right answer, 1–4 change the grade just recorded (the spec's
/// grade keys, for an answer that was hard to find or too easy); a wrong one stays Again
/// (a typed one can be overruled first).
fn regrade(grade: Grade, right: bool, code: KeyCode) -> (Grade, Action) {
    match code {
        KeyCode::Char(c @ '1'..='4') if right => match Grade::from_number(c as u8 - b'0') {
            Some(g) if g != grade => (g, Action::Regrade(g)),
            _ => (grade, Action::None),
        },
        code => (grade, after_verdict(code)),
    }
}

fn after_verdict(code: KeyCode) -> Action {
    match code {
        KeyCode::Char(' ') | KeyCode::Enter | KeyCode::Char('s') => Action::Next,
        code => common(code),
    }
}

fn choosing(ui: &UiState, cursor: Option<usize>, code: KeyCode) -> (Phase, Action) {
    let count = ui.card.options.len();
    let pick = |i: usize| {
        let grade = if i == ui.card.right {
            Grade::Good
        } else {
            Grade::Again
        };
        (
            Phase::Chosen { picked: i, grade },
            Action::AnswerAndShow(grade),
        )
    };
    match code {
        KeyCode::Char(c @ 'a'..='z') if ((c as u8 - b'a') as usize) < count => {
            pick((c as u8 - b'a') as usize)
        }
        // Only enter picks, and only an option the arrows moved to: space is "next" on the
        // verdict screen, and a second press must not answer the next question.
        KeyCode::Enter => match cursor {
            Some(i) if i < count => pick(i),
            _ => (Phase::Choosing { cursor }, Action::None),
        },
        KeyCode::Up | KeyCode::Down => (
            Phase::Choosing {
                cursor: move_cursor(cursor, code, count),
            },
            Action::None,
        ),
        code => (Phase::Choosing { cursor }, common(code)),
    }
}

/// The highlighted option after an arrow: the first one moves onto the options (down to the
/// first, up to the last), then the arrows stop at either end.
fn move_cursor(cursor: Option<usize>, code: KeyCode, count: usize) -> Option<usize> {
    let last = count.checked_sub(1)?;
    Some(match (cursor, code) {
        (None, KeyCode::Up) => last,
        (None, _) => 0,
        (Some(i), KeyCode::Up) => i.saturating_sub(1),
        (Some(i), _) => (i + 1).min(last),
    })
}

fn paper(
    ui: &UiState,
    cursor: Option<usize>,
    guess: bool,
    picked: Option<usize>,
    code: KeyCode,
) -> (Phase, Action) {
    let count = ui.card.options.len();
    let stay = |cursor, guess| Phase::Paper {
        cursor,
        guess,
        picked,
    };
    let go = |action| (stay(cursor, guess), action);
    match code {
        KeyCode::Char(c @ 'a'..='z') if ((c as u8 - b'a') as usize) < count => {
            go(Action::MockPick {
                choice: (c as u8 - b'a') as usize,
                guess,
            })
        }
        // A capital letter answers and marks it a guess in one key.
        KeyCode::Char(c @ 'A'..='Z') if ((c as u8 - b'A') as usize) < count => {
            go(Action::MockPick {
                choice: (c as u8 - b'A') as usize,
                guess: true,
            })
        }
        KeyCode::Enter => match cursor {
            Some(choice) if choice < count => go(Action::MockPick { choice, guess }),
            _ => go(Action::None),
        },
        KeyCode::Char('g') => (stay(cursor, !guess), Action::None),
        KeyCode::Char('s') => go(Action::MockSkip),
        KeyCode::Left | KeyCode::Char('p') => go(Action::MockPrevious),
        KeyCode::Right | KeyCode::Char('n') => go(Action::MockNext),
        KeyCode::Up | KeyCode::Down => {
            (stay(move_cursor(cursor, code, count), guess), Action::None)
        }
        _ => go(Action::None),
    }
}

/// The question before handing in: yes (enter, y, or q again) or no (esc, n, ←).
fn hand_in_key(code: KeyCode) -> Action {
    match code {
        KeyCode::Enter | KeyCode::Char('y' | 'q') => Action::HandIn,
        KeyCode::Esc | KeyCode::Char('n') | KeyCode::Left => Action::Back,
        _ => Action::None,
    }
}

fn typing_key(
    ui: &UiState,
    mut input: String,
    mut cursor: usize,
    key: KeyEvent,
) -> (Phase, Action) {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let len = input.chars().count();
    let byte = |s: &str, i: usize| s.char_indices().nth(i).map_or(s.len(), |(b, _)| b);
    match key.code {
        KeyCode::Enter => {
            let correct = matching::is_correct(&input, &ui.card.answer, &ui.card.accept);
            let grade = if correct { Grade::Good } else { Grade::Again };
            return (
                Phase::Checked {
                    input,
                    correct,
                    overruled: false,
                    grade,
                },
                Action::AnswerAndShow(grade),
            );
        }
        KeyCode::Char('s') if ctrl => {
            return (Phase::Typing { input, cursor }, Action::Skip);
        }
        KeyCode::Char('z') if ctrl => {
            return (Phase::Typing { input, cursor }, Action::Undo);
        }
        KeyCode::Char('a') if ctrl => cursor = 0,
        KeyCode::Char('e') if ctrl => cursor = len,
        KeyCode::Char('u') if ctrl => {
            input.replace_range(..byte(&input, cursor), "");
            cursor = 0;
        }
        KeyCode::Char('w') if ctrl => {
            let chars: Vec<char> = input.chars().collect();
            let mut start = cursor;
            while start > 0 && chars[start - 1] == ' ' {
                start -= 1;
            }
            while start > 0 && chars[start - 1] != ' ' {
                start -= 1;
            }
            input.replace_range(byte(&input, start)..byte(&input, cursor), "");
            cursor = start;
        }
        KeyCode::Char(c) if !ctrl && !c.is_control() => {
            input.insert(byte(&input, cursor), c);
            cursor += 1;
        }
        KeyCode::Backspace if cursor > 0 => {
            let at = byte(&input, cursor - 1);
            input.remove(at);
            cursor -= 1;
        }
        KeyCode::Delete if cursor < len => {
            input.remove(byte(&input, cursor));
        }
        KeyCode::Left => cursor = cursor.saturating_sub(1),
        KeyCode::Right => cursor = (cursor + 1).min(len),
        KeyCode::Home => cursor = 0,
        KeyCode::End => cursor = len,
        _ => {}
    }
    (Phase::Typing { input, cursor }, Action::None)
}

fn ticking(cursor: usize, mut ticked: Vec<bool>, grade: Grade, code: KeyCode) -> (Phase, Action) {
    let count = ticked.len();
    let regrade = |t: &[bool]| grade_from_points(t.iter().filter(|x| **x).count(), t.len());
    let mut cursor = cursor;
    let mut grade = grade;
    let action = match code {
        KeyCode::Up | KeyCode::Char('k') => {
            cursor = cursor.saturating_sub(1);
            Action::None
        }
        KeyCode::Down | KeyCode::Char('j') => {
            cursor = (cursor + 1).min(count.saturating_sub(1));
            Action::None
        }
        KeyCode::Char(' ' | 'x') if count > 0 => {
            ticked[cursor] = !ticked[cursor];
            grade = regrade(&ticked);
            // Move on, so ticking a list is one key per point.
            cursor = (cursor + 1).min(count - 1);
            Action::None
        }
        KeyCode::Char('a') => {
            let all = !ticked.iter().all(|t| *t);
            ticked.iter_mut().for_each(|t| *t = all);
            grade = regrade(&ticked);
            Action::None
        }
        KeyCode::Left | KeyCode::Char('-') => {
            grade = Grade::from_number(grade.number().saturating_sub(1)).unwrap_or(grade);
            Action::None
        }
        KeyCode::Right | KeyCode::Char('+') => {
            grade = Grade::from_number(grade.number() + 1).unwrap_or(grade);
            Action::None
        }
        KeyCode::Enter => Action::Answer(grade),
        KeyCode::Char(c @ '1'..='4') => {
            Grade::from_number(c as u8 - b'0').map_or(Action::None, Action::Answer)
        }
        code => common(code),
    };
    (
        Phase::Ticking {
            cursor,
            ticked,
            grade,
        },
        action,
    )
}

#[cfg(test)]
mod tests;
