//! Styled text and word wrapping for the full-screen quiz. Widths are display columns
//! (`unicode-width`), so Devanagari, em dashes and CJK wrap where they should; a word wider
//! than the screen is broken between characters rather than cut off.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// A colour from the terminal's own palette; `Plain` is its default foreground. No background
/// is ever set, so the screen reads on light and dark themes alike.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Tone {
    #[default]
    Plain,
    Dim,
    Accent,
    Good,
    Bad,
    Warn,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Style {
    pub tone: Tone,
    pub bold: bool,
    pub reverse: bool,
}

impl Style {
    pub const PLAIN: Style = Style {
        tone: Tone::Plain,
        bold: false,
        reverse: false,
    };

    pub fn tone(tone: Tone) -> Style {
        Style {
            tone,
            ..Style::PLAIN
        }
    }

    pub fn bold(self) -> Style {
        Style { bold: true, ..self }
    }

    pub fn reverse(self) -> Style {
        Style {
            reverse: true,
            ..self
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    pub text: String,
    pub style: Style,
}

impl Span {
    pub fn new(text: impl Into<String>, style: Style) -> Span {
        Span {
            text: text.into(),
            style,
        }
    }

    pub fn plain(text: impl Into<String>) -> Span {
        Span::new(text, Style::PLAIN)
    }
}

/// One screen row.
pub type Line = Vec<Span>;

/// Display width of a row.
pub fn width(line: &[Span]) -> usize {
    line.iter().map(|s| s.text.width()).sum()
}

/// The text of a row without styles (for tests and snapshots).
pub fn text(line: &[Span]) -> String {
    line.iter().map(|s| s.text.as_str()).collect()
}

enum Token {
    /// A run without whitespace, possibly in several styles (`[…],`).
    Word(Vec<Span>),
    Space(Style),
    Break,
}

fn tokenize(spans: &[Span]) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut word: Vec<Span> = Vec::new();
    let flush = |word: &mut Vec<Span>, tokens: &mut Vec<Token>| {
        if !word.is_empty() {
            tokens.push(Token::Word(std::mem::take(word)));
        }
    };
    for span in spans {
        let mut run = String::new();
        for c in span.text.chars() {
            // A no-break space (U+00A0) binds a key to its label in the hints.
            if c == '\n' || (c.is_whitespace() && c != '\u{a0}') {
                if !run.is_empty() {
                    word.push(Span::new(std::mem::take(&mut run), span.style));
                }
                flush(&mut word, &mut tokens);
                tokens.push(if c == '\n' {
                    Token::Break
                } else {
                    Token::Space(span.style)
                });
            } else {
                run.push(c);
            }
        }
        if !run.is_empty() {
            word.push(Span::new(run, span.style));
        }
    }
    flush(&mut word, &mut tokens);
    tokens
}

/// Wraps styled text to `width` columns on word boundaries; continuation lines start with
/// `indent` spaces (a hanging indent, for `a) …` options and checklists). Newlines in the
/// text start new lines; runs of spaces collapse to one.
pub fn wrap(spans: &[Span], width: usize, indent: usize) -> Vec<Line> {
    let width = width.max(1);
    let indent = if indent * 2 > width { 0 } else { indent };
    let mut lines: Vec<Line> = Vec::new();
    let mut line: Line = Vec::new();
    let mut used = 0;
    let mut pending_space: Option<Style> = None;
    let new_line = |lines: &mut Vec<Line>, line: &mut Line, used: &mut usize| {
        lines.push(std::mem::take(line));
        if indent > 0 {
            line.push(Span::plain(" ".repeat(indent)));
        }
        *used = indent;
    };
    for token in tokenize(spans) {
        match token {
            Token::Break => {
                new_line(&mut lines, &mut line, &mut used);
                pending_space = None;
            }
            Token::Space(style) => {
                if used > line_start(&lines, indent) {
                    pending_space = Some(style);
                } else if lines.is_empty() && used < width {
                    // Leading spaces of the text are kept: they align marks like `✓ `.
                    line.push(Span::new(" ", style));
                    used += 1;
                }
            }
            Token::Word(parts) => {
                let w: usize = parts.iter().map(|p| p.text.width()).sum();
                let space = usize::from(pending_space.is_some());
                if used + space + w > width && used > line_start(&lines, indent) {
                    new_line(&mut lines, &mut line, &mut used);
                } else if let Some(style) = pending_space {
                    line.push(Span::new(" ", style));
                    used += 1;
                }
                pending_space = None;
                for part in parts {
                    place(part, width, indent, &mut lines, &mut line, &mut used);
                }
            }
        }
    }
    lines.push(line);
    lines
}

/// Columns at the start of the current line (its indent, none on the first line).
fn line_start(lines: &[Line], indent: usize) -> usize {
    if lines.is_empty() { 0 } else { indent }
}

/// Puts a piece of a word on the line, breaking it between characters if it cannot fit.
fn place(
    part: Span,
    width: usize,
    indent: usize,
    lines: &mut Vec<Line>,
    line: &mut Line,
    used: &mut usize,
) {
    let mut chunk = String::new();
    for c in part.text.chars() {
        let cw = c.width().unwrap_or(0);
        if *used + cw > width && *used > 0 {
            if !chunk.is_empty() {
                line.push(Span::new(std::mem::take(&mut chunk), part.style));
            }
            lines.push(std::mem::take(line));
            if indent > 0 {
                line.push(Span::plain(" ".repeat(indent)));
            }
            *used = indent;
        }
        chunk.push(c);
        *used += cw;
    }
    if !chunk.is_empty() {
        line.push(Span::new(chunk, part.style));
    }
}

/// Cuts a row to `width` columns, ending it with `…` when something was cut.
pub fn truncate(line: Line, width: usize) -> Line {
    if self::width(&line) <= width {
        return line;
    }
    let mut out = Vec::new();
    let mut used = 0;
    let room = width.saturating_sub(1);
    'spans: for span in line {
        let mut kept = String::new();
        for c in span.text.chars() {
            let cw = c.width().unwrap_or(0);
            if used + cw > room {
                out.push(Span::new(kept, span.style));
                break 'spans;
            }
            kept.push(c);
            used += cw;
        }
        out.push(Span::new(kept, span.style));
    }
    if width > 0 {
        out.push(Span::new("…", Style::tone(Tone::Dim)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(lines: &[Line]) -> Vec<String> {
        lines.iter().map(|l| text(l)).collect()
    }

    #[test]
    fn wraps_on_word_boundaries() {
        let lines = wrap(&[Span::plain("the quick brown fox jumps")], 10, 0);
        assert_eq!(texts(&lines), ["the quick", "brown fox", "jumps"]);
    }

    #[test]
    fn wide_characters_count_by_display_width() {
        // Each CJK character is two columns: four of them fill eight.
        let lines = wrap(&[Span::plain("日本語です 日本")], 8, 0);
        assert_eq!(texts(&lines), ["日本語で", "す 日本"]);
        for l in &lines {
            assert!(width(l) <= 8);
        }
    }

    #[test]
    fn devanagari_and_dashes_wrap_within_the_width() {
        let text = "India–US 2+2 — भारत और अमेरिका के बीच रक्षा और विदेश मंत्रियों की वार्ता";
        for w in [12, 20, 40] {
            let lines = wrap(&[Span::plain(text)], w, 0);
            for l in &lines {
                assert!(width(l) <= w, "{:?} wider than {w}", super::text(l));
            }
            let joined = texts(&lines).join(" ");
            assert_eq!(joined, text);
        }
    }

    #[test]
    fn a_word_wider_than_the_screen_is_broken() {
        let lines = wrap(&[Span::plain("abcdefghij")], 4, 0);
        assert_eq!(texts(&lines), ["abcd", "efgh", "ij"]);
    }

    #[test]
    fn continuation_lines_take_the_hanging_indent() {
        let lines = wrap(&[Span::plain("a) one two three")], 8, 3);
        assert_eq!(texts(&lines), ["a) one", "   two", "   three"]);
        let lines = wrap(&[Span::plain("  c) four")], 8, 0);
        assert_eq!(texts(&lines), ["  c)", "four"], "leading spaces stay");
    }

    #[test]
    fn styles_survive_inside_a_word_and_newlines_break() {
        let spans = [
            Span::plain("signed in "),
            Span::new("[…]", Style::PLAIN.bold()),
            Span::plain(".\nnext"),
        ];
        let lines = wrap(&spans, 40, 0);
        assert_eq!(texts(&lines), ["signed in […].", "next"]);
        assert!(lines[0].iter().any(|s| s.text == "[…]" && s.style.bold));
    }

    #[test]
    fn truncation_marks_the_cut() {
        let line = truncate(vec![Span::plain("abcdefgh")], 5);
        assert_eq!(text(&line), "abcd…");
        assert_eq!(text(&truncate(vec![Span::plain("abc")], 5)), "abc");
    }
}
