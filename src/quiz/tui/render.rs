//! Draws the UI state as styled rows for a screen of a given size. Pure, so every kind and
//! phase is snapshot-tested at 80×24 and 40×12 without a terminal. Layout: a header (progress,
//! deck and tags), the card (scrolling when taller than the screen), and a footer with what
//! just happened and the keys that work now.

use super::state::{Phase, UiState};
use super::wrap::{Line, Span, Style, Tone, truncate, wrap};
use crate::deck::Kind;
use crate::quiz::mock;
use crate::quiz::options::letter;
use crate::schedule::Grade;
use crate::schedule::Interval;

/// Below this size the question and its keys do not fit together: the screen says so
/// rather than showing a header and a footer with the question squeezed out between them.
pub const MIN_WIDTH: usize = 30;
pub const MIN_HEIGHT: usize = 8;

/// Exactly `height` rows (blank ones at the end of short cards), none wider than `width`.
pub fn render(ui: &UiState, width: u16, height: u16) -> Vec<Line> {
    let (w, h) = (usize::from(width).max(1), usize::from(height).max(1));
    if w < MIN_WIDTH || h < MIN_HEIGHT {
        return too_small(w, h);
    }
    let mut header = header(ui, w, h);
    let footer = footer(ui, w);
    let room = h.saturating_sub(header.len() + footer.len()).max(1);
    let (body, focus) = if ui.help {
        (help(w), None)
    } else if let Some(info) = &ui.info {
        (info_rows(info, w), None)
    } else {
        body(ui, w)
    };
    header.extend(visible(body, focus, ui.scroll, room, w));
    header.resize(h.saturating_sub(footer.len()), Vec::new());
    header.extend(footer);
    header.truncate(h);
    header
}

/// The rows of the body that fit, scrolled so the focus row (the chosen option, the point
/// being ticked) stays in view, with a marker when more is below.
fn visible(
    body: Vec<Line>,
    focus: Option<usize>,
    scroll: usize,
    room: usize,
    w: usize,
) -> Vec<Line> {
    if body.len() <= room {
        return body;
    }
    let page = room.saturating_sub(1).max(1);
    let max = body.len().saturating_sub(page);
    let mut top = scroll.min(max);
    if let Some(f) = focus {
        if f < top {
            top = f;
        } else if f >= top + page {
            top = f + 1 - page;
        }
    }
    let below = body.len().saturating_sub(top + page);
    let mut rows: Vec<Line> = body.into_iter().skip(top).take(page).collect();
    if room > 1 || below > 0 {
        let marker = if below > 0 {
            format!("↓ {below} more lines · PgDn")
        } else {
            "↑ PgUp".to_owned()
        };
        rows.push(truncate(vec![Span::new(marker, Style::tone(Tone::Dim))], w));
    }
    rows
}

/// What a window under the minimum size shows: why, and what size would do.
fn too_small(w: usize, h: usize) -> Vec<Line> {
    let text = [
        Span::new("Window too small ", Style::tone(Tone::Warn).bold()),
        Span::plain(format!(
            "({w}×{h}): make it at least {MIN_WIDTH}×{MIN_HEIGHT}. "
        )),
        dim("q quits, progress kept."),
    ];
    let mut rows = wrap(&text, w, 0);
    rows.resize(h, Vec::new());
    rows.truncate(h);
    rows
}

fn dim(text: impl Into<String>) -> Span {
    Span::new(text, Style::tone(Tone::Dim))
}

fn header(ui: &UiState, w: usize, h: usize) -> Vec<Line> {
    let mut top: Line = Vec::new();
    if let Some(m) = ui.mock {
        top.push(Span::new(
            format!("Mock Q {}/{}", m.number, m.total),
            Style::PLAIN.bold(),
        ));
        let tone = if m.secs_left < 60 {
            Tone::Bad
        } else {
            Tone::Accent
        };
        top.push(dim(" · "));
        top.push(Span::new(
            format!("{} left", mock::minutes(m.secs_left)),
            Style::tone(tone).bold(),
        ));
    } else {
        let p = ui.progress;
        top.push(Span::new(
            format!("{} done · {} left", p.done, p.left),
            Style::PLAIN.bold(),
        ));
        top.push(dim(format!(" ({} due, {} new)", p.due, p.new)));
        if ui.previews.is_none() {
            top.push(Span::new(" · cram", Style::tone(Tone::Warn)));
        }
    }
    let mut about: Line = vec![Span::new(ui.card.deck.clone(), Style::tone(Tone::Accent))];
    if !ui.card.tags.is_empty() {
        about.push(dim(format!(" · {}", ui.card.tags.join(", "))));
    }
    about.push(dim(format!(" · {} · {}", ui.card.kind, ui.card.status)));
    let mut rows = vec![truncate(top, w), truncate(about, w)];
    // A rule under the header, when the screen has rows to spare.
    if h >= 16 {
        rows.push(vec![dim("─".repeat(w))]);
    }
    rows
}

fn body(ui: &UiState, w: usize) -> (Vec<Line>, Option<usize>) {
    if let Phase::HandIn { answered, blanks } = &ui.phase {
        return (hand_in(*answered, blanks, w), None);
    }
    let card = &ui.card;
    let mut rows: Vec<Line> = Vec::new();
    let mut focus = None;
    let bold = Style::PLAIN.bold();
    let answered = ui.phase.answered();

    // The question.
    match (&card.cloze, answered) {
        (Some(cloze), _) => {
            // The gap keeps its brackets once revealed, so the asked words stand out without
            // colour too.
            let spans: Vec<Span> = cloze
                .pieces
                .iter()
                .enumerate()
                .map(|(i, p)| match (i == cloze.gap, answered) {
                    (true, false) => Span::new(
                        format!("[{}]", cloze.hint.as_deref().unwrap_or("…")),
                        Style::tone(Tone::Accent).bold(),
                    ),
                    (true, true) => Span::new(format!("[{p}]"), Style::tone(Tone::Good).bold()),
                    _ => Span::new(p.clone(), bold),
                })
                .collect();
            rows.extend(wrap(&spans, w, 0));
        }
        _ => rows.extend(wrap(&[Span::new(card.prompt.clone(), bold)], w, 0)),
    }
    if card.kind == Kind::Mains {
        let meta = crate::deck::mains_meta(card.year, card.word_limit, card.points.len());
        rows.extend(wrap(&[dim(meta)], w, 0));
    }
    rows.push(Vec::new());
    // A dated claim says so beside its answer, so it is not learned as timeless. No-break
    // spaces keep "(as of Apr 2022)" on one row.
    let dated = card
        .as_of
        .as_ref()
        .map(|d| dim(format!(" ({})", d.replace(' ', "\u{a0}"))));

    match &ui.phase {
        Phase::Asking => {}
        Phase::Revealed => {
            if card.cloze.is_none() {
                let mut answer = vec![
                    Span::new("Answer: ", Style::tone(Tone::Dim)),
                    Span::new(card.answer.clone(), Style::tone(Tone::Good).bold()),
                ];
                answer.extend(dated);
                rows.extend(wrap(&answer, w, 0));
            } else if let Some(as_of) = &card.as_of {
                rows.extend(wrap(&[dim(format!("({as_of})"))], w, 0));
            }
        }
        Phase::Choosing { cursor } | Phase::Paper { cursor, .. } => {
            let picked = match &ui.phase {
                Phase::Paper { picked, .. } => *picked,
                _ => None,
            };
            for (i, o) in card.options.iter().enumerate() {
                let style = if Some(i) == *cursor {
                    focus = Some(rows.len());
                    Style::PLAIN.reverse()
                } else {
                    Style::PLAIN
                };
                let mut spans = vec![Span::new(format!("{}) {o}", letter(i)), style)];
                if Some(i) == picked {
                    spans.push(Span::new(
                        "  ← your answer",
                        Style::tone(Tone::Accent).bold(),
                    ));
                }
                rows.extend(wrap(&spans, w, 3));
            }
        }
        Phase::HandIn { .. } => {}
        Phase::Chosen { picked, .. } => {
            for (i, o) in card.options.iter().enumerate() {
                let (mark, style) = if i == card.right {
                    ("✓", Style::tone(Tone::Good).bold())
                } else if i == *picked {
                    ("✗", Style::tone(Tone::Bad))
                } else {
                    (" ", Style::tone(Tone::Dim))
                };
                let mut option = vec![Span::new(format!("{mark} {}) {o}", letter(i)), style)];
                if i == card.right {
                    option.extend(dated.clone());
                }
                rows.extend(wrap(&option, w, 5));
            }
        }
        Phase::Typing { input, cursor } => rows.extend(input_line(input, *cursor, w)),
        Phase::Checked {
            input,
            correct,
            overruled,
            ..
        } => {
            let (text, tone) = match (correct, overruled) {
                (true, _) => ("✓ Correct", Tone::Good),
                (false, true) => ("✓ Overruled: counted as right", Tone::Good),
                (false, false) => ("✗ Not quite", Tone::Bad),
            };
            rows.push(vec![Span::new(text, Style::tone(tone).bold())]);
            let you = if input.trim().is_empty() {
                "(nothing)".to_owned()
            } else {
                input.clone()
            };
            // No-break spaces, so the padding that aligns the two answers survives wrapping.
            rows.extend(wrap(
                &[dim("You:\u{a0}\u{a0}\u{a0}\u{a0}\u{a0} "), Span::plain(you)],
                w,
                10,
            ));
            let mut expected = vec![
                dim("Expected: "),
                Span::new(card.answer.clone(), Style::tone(Tone::Good).bold()),
            ];
            expected.extend(dated);
            rows.extend(wrap(&expected, w, 10));
            if !card.accept.is_empty() {
                rows.extend(wrap(
                    &[dim(format!("Also right: {}", card.accept.join(", ")))],
                    w,
                    12,
                ));
            }
        }
        Phase::Ticking {
            cursor,
            ticked,
            grade,
        } => {
            let mut title = vec![dim("Key points: tick what you recalled")];
            title.extend(dated);
            rows.extend(wrap(&title, w, 0));
            for (i, p) in card.points.iter().enumerate() {
                let on = ticked.get(i).copied().unwrap_or(false);
                let mut style = if on {
                    Style::tone(Tone::Good)
                } else {
                    Style::PLAIN
                };
                if i == *cursor {
                    focus = Some(rows.len());
                    style = style.reverse();
                }
                let mark = if on { "[x]" } else { "[ ]" };
                rows.extend(wrap(&[Span::new(format!("{mark} {p}"), style)], w, 4));
            }
            let n = ticked.iter().filter(|t| **t).count();
            rows.push(Vec::new());
            rows.extend(wrap(
                &[
                    Span::plain(format!("Recalled {n}/{} → ", ticked.len())),
                    Span::new(grade.name(), grade_style(*grade).bold()),
                ],
                w,
                0,
            ));
        }
    }

    if answered
        && ui.show_explain
        && let Some(explain) = &card.explain
    {
        rows.push(Vec::new());
        rows.extend(wrap(
            &[
                Span::new("Why: ", Style::PLAIN.bold()),
                Span::plain(explain.clone()),
            ],
            w,
            0,
        ));
    }
    (rows, focus)
}

/// The question before a mock paper is handed in, with what is still blank.
fn hand_in(answered: usize, blanks: &[usize], w: usize) -> Vec<Line> {
    let total = answered + blanks.len();
    let mut rows = wrap(
        &[Span::new("Hand in the paper?", Style::PLAIN.bold())],
        w,
        0,
    );
    rows.push(Vec::new());
    rows.extend(wrap(
        &[Span::plain(format!("{answered} of {total} answered."))],
        w,
        0,
    ));
    if !blanks.is_empty() {
        let list: Vec<String> = blanks.iter().map(|n| format!("Q{n}")).collect();
        rows.extend(wrap(
            &[
                Span::new("Left blank: ", Style::tone(Tone::Warn)),
                Span::plain(list.join(", ")),
            ],
            w,
            2,
        ));
    }
    rows
}

/// The typed answer with a block cursor (the terminal's own cursor stays hidden).
fn input_line(input: &str, cursor: usize, w: usize) -> Vec<Line> {
    let before: String = input.chars().take(cursor).collect();
    let at: String = input.chars().skip(cursor).take(1).collect();
    let after: String = input.chars().skip(cursor + 1).collect();
    let at = if at.is_empty() { " ".to_owned() } else { at };
    let spans = [
        Span::new("› ", Style::tone(Tone::Accent).bold()),
        Span::plain(before),
        Span::new(at, Style::PLAIN.reverse()),
        Span::plain(after),
    ];
    wrap(&spans, w, 2)
}

fn grade_style(g: Grade) -> Style {
    Style::tone(match g {
        Grade::Again => Tone::Bad,
        Grade::Hard => Tone::Warn,
        Grade::Good => Tone::Good,
        Grade::Easy => Tone::Accent,
    })
}

fn footer(ui: &UiState, w: usize) -> Vec<Line> {
    let mut rows = Vec::new();
    if let Some(s) = &ui.status {
        let tone = match s.ok {
            Some(true) => Tone::Good,
            Some(false) => Tone::Bad,
            None => Tone::Dim,
        };
        rows.push(truncate(
            vec![Span::new(s.text.clone(), Style::tone(tone))],
            w,
        ));
    }
    let keys: Vec<Span> = match (&ui.phase, ui.help) {
        (_, true) => hints(&[("PgUp PgDn", "scroll"), ("any key", "back to the card")]),
        _ if ui.info.is_some() => hints(&[("any key", "back to the card")]),
        (Phase::Asking, _) => hints(&[
            ("space", "reveal"),
            ("s", "skip"),
            ("u", "undo"),
            ("?", "help"),
            ("q", "quit"),
        ]),
        (Phase::Revealed, _) => grade_keys(
            ui,
            Grade::Good,
            &[("e", "why"), ("s", "skip"), ("u", "undo"), ("q", "quit")],
        ),
        (Phase::Ticking { grade, .. }, _) => grade_keys(
            ui,
            *grade,
            &[
                ("space", "tick"),
                ("←→", "adjust"),
                ("enter", grade.name()),
                ("u", "undo"),
                ("q", "quit"),
            ],
        ),
        (Phase::Choosing { .. }, _) => hints(&[
            ("a–d", "answer"),
            ("↑↓ enter", "choose"),
            ("s", "skip"),
            ("u", "undo"),
            ("q", "quit"),
        ]),
        (Phase::Chosen { picked, grade }, _) if *picked == ui.card.right => grade_keys(
            ui,
            *grade,
            &[
                ("space", "next"),
                ("e", "why"),
                ("u", "undo"),
                ("q", "quit"),
            ],
        ),
        (Phase::Chosen { .. }, _) => hints(&[
            ("space", "next"),
            ("e", "why"),
            ("u", "undo"),
            ("q", "quit"),
        ]),
        (
            Phase::Checked {
                correct,
                overruled,
                grade,
                ..
            },
            _,
        ) if *correct || *overruled => grade_keys(
            ui,
            *grade,
            &[
                ("space", "next"),
                ("e", "why"),
                ("u", "undo"),
                ("q", "quit"),
            ],
        ),
        (Phase::Typing { .. }, _) => hints(&[
            ("enter", "check"),
            ("^S", "skip"),
            ("^Z", "undo"),
            ("F1", "help"),
            ("esc", "quit"),
        ]),
        (
            Phase::Checked {
                correct, overruled, ..
            },
            _,
        ) => {
            let mut k = vec![("space", "next")];
            if !correct && !overruled {
                k.push(("o", "I was right"));
            }
            k.extend([("e", "why"), ("u", "undo"), ("q", "quit")]);
            hints(&k)
        }
        (Phase::HandIn { .. }, _) => hints(&[("enter", "hand in"), ("esc", "back to the paper")]),
        (Phase::Paper { guess, .. }, _) => {
            let mut k = hints(&[
                ("a–d", "answer"),
                ("A–D", "as a guess"),
                ("s", "blank"),
                ("←→", "move"),
                ("q", "hand in"),
            ]);
            k.push(dim(" · "));
            k.push(if *guess {
                Span::new("g guess: ON", Style::tone(Tone::Warn).bold())
            } else {
                dim("g mark guess")
            });
            k
        }
    };
    rows.extend(wrap(&keys, w, 0));
    rows
}

/// `key label · key label`, keys bold.
fn hints(pairs: &[(&str, &str)]) -> Vec<Span> {
    let mut spans = Vec::new();
    for (i, (key, label)) in pairs.iter().enumerate() {
        if i > 0 {
            spans.push(dim(" · "));
        }
        spans.push(Span::new(format!("{key}\u{a0}"), Style::PLAIN.bold()));
        spans.push(dim(label.replace(' ', "\u{a0}")));
    }
    spans
}

/// `1 again <10m · 2 hard 2d · 3 good 4d · 4 easy 9d`, the proposed grade in bold, then on
/// the next row the other keys that work.
fn grade_keys(ui: &UiState, proposed: Grade, then: &[(&str, &str)]) -> Vec<Span> {
    let mut spans = Vec::new();
    for g in Grade::ALL {
        if g != Grade::Again {
            spans.push(dim(" · "));
        }
        let mut style = grade_style(g);
        if g == proposed {
            style = style.bold();
        }
        let label = match &ui.previews {
            Some(p) => format!(
                "{}\u{a0}{}\u{a0}{}",
                g.number(),
                g.name(),
                p[g as usize - 1]
            ),
            None => format!("{}\u{a0}{}", g.number(), g.name()),
        };
        spans.push(Span::new(label, style));
    }
    spans.push(Span::plain("\n"));
    spans.extend(hints(then));
    spans
}

fn help(w: usize) -> Vec<Line> {
    let text = [
        ("space, enter", "reveal the answer; then grade it Good"),
        (
            "1 2 3 4",
            "grade: again, hard, good, easy (the interval each gives is shown beside it)",
        ),
        ("a–d, ↑↓ enter", "answer a multiple-choice question"),
        (
            "typing",
            "enter checks; ^S skips, ^Z undoes; o after a wrong verdict: I was right",
        ),
        (
            "after a right answer",
            "1–4 change the grade proposed (good, or easy when answered at once)",
        ),
        (
            "mains",
            "space ticks the key point, ←→ adjusts the grade, enter grades",
        ),
        (
            "mock paper",
            "a–d answer (A–D or g: as a guess), s leaves blank, ←→ move, q hands in",
        ),
        (
            "u",
            "undo the last answer, suspend or bury (the card comes back); with none yet, the previous session's last answer, once; also on the end screen",
        ),
        (
            "@",
            "suspend this card (asks to confirm): not shown until `smriti unsuspend`",
        ),
        (
            "=",
            "bury this card and its cloze siblings until the next study day",
        ),
        ("s", "skip this card"),
        ("e", "show or hide the explanation"),
        (
            "i",
            "card info: its key, deck file and line, source, as-of date, tags, every answer, memory now",
        ),
        (
            "E",
            "edit this card in $VISUAL/$EDITOR (a built-in one in your patch deck)",
        ),
        ("PgUp PgDn", "scroll a long card"),
        ("q, esc, ^C", "quit; every answer so far is saved"),
    ];
    let mut rows = vec![vec![Span::new("Keys", Style::PLAIN.bold())], Vec::new()];
    for (k, v) in text {
        rows.extend(wrap(
            &[
                Span::new(format!("{k}: "), Style::PLAIN.bold()),
                Span::plain(v),
            ],
            w,
            2,
        ));
    }
    rows
}

/// The card info screen: a title, then the lines `info::render` gives, wrapped to the width.
fn info_rows(info: &[String], w: usize) -> Vec<Line> {
    let mut rows = vec![
        vec![Span::new("Card info", Style::PLAIN.bold())],
        Vec::new(),
    ];
    for line in info {
        if line.is_empty() {
            rows.push(Vec::new());
        } else {
            rows.extend(wrap(&[Span::plain(line.clone())], w, 9));
        }
    }
    rows
}

/// "<10m", "3d", "1.5mo", "2.1y": an interval as Anki labels its buttons.
pub fn interval_label(interval: Interval) -> String {
    let days = match interval {
        Interval::Minutes(m) => return format!("{}m", m.max(1)),
        Interval::Days(d) => d,
    };
    match days {
        d if d <= 0 => "<1d".to_owned(),
        d if d < 30 => format!("{d}d"),
        d if d < 365 => format!("{:.1}mo", f64::from(d) / 30.0),
        d => format!("{:.1}y", f64::from(d) / 365.0),
    }
}

#[cfg(test)]
mod tests;
