//! Cloze text: `{{answer}}` or `{{answer::hint}}` gaps, Anki's notation, each gap its own card.

/// One `{{…}}` gap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gap<'a> {
    pub answer: &'a str,
    pub hint: Option<&'a str>,
    /// Byte range of the whole `{{…}}` in the text.
    pub start: usize,
    pub end: usize,
}

/// The gaps of a cloze text, in order. An unclosed `{{` is not a gap (`unclosed` reports it).
pub fn gaps(text: &str) -> Vec<Gap<'_>> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(open) = text[from..].find("{{").map(|i| i + from) {
        let Some(close) = text[open + 2..].find("}}").map(|i| i + open + 2) else {
            break;
        };
        let inner = &text[open + 2..close];
        let (answer, hint) = match inner.split_once("::") {
            Some((a, h)) => (a.trim(), Some(h.trim())),
            None => (inner.trim(), None),
        };
        out.push(Gap {
            answer,
            hint,
            start: open,
            end: close + 2,
        });
        from = close + 2;
    }
    out
}

/// Byte offset of a `{{` that is never closed, if any.
pub fn unclosed(text: &str) -> Option<usize> {
    let last = gaps(text).last().map_or(0, |g| g.end);
    text[last..].find("{{").map(|i| i + last)
}

/// The text with gap `ask` blanked (`[…]` or `[hint]`) and every other gap filled in;
/// with `ask = None`, every gap filled in.
pub fn render(text: &str, ask: Option<usize>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for (i, gap) in gaps(text).iter().enumerate() {
        out.push_str(&text[last..gap.start]);
        if Some(i) == ask {
            out.push('[');
            out.push_str(gap.hint.unwrap_or("…"));
            out.push(']');
        } else {
            out.push_str(gap.answer);
        }
        last = gap.end;
    }
    out.push_str(&text[last..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_gaps_with_and_without_hints() {
        let g = gaps("{{LEMOA}} then {{ COMCASA :: 2018 pact }} then {{BECA}}");
        let answers: Vec<_> = g.iter().map(|g| g.answer).collect();
        assert_eq!(answers, ["LEMOA", "COMCASA", "BECA"]);
        assert_eq!(g[1].hint, Some("2018 pact"));
        assert_eq!(g[0].hint, None);
    }

    #[test]
    fn renders_the_asked_gap_blank_and_the_others_filled() {
        let text = "{{LEMOA}}, {{COMCASA::2018}}, {{BECA}}";
        assert_eq!(render(text, Some(1)), "LEMOA, [2018], BECA");
        assert_eq!(render(text, Some(0)), "[…], COMCASA, BECA");
        assert_eq!(render(text, None), "LEMOA, COMCASA, BECA");
    }

    #[test]
    fn reports_an_unclosed_gap() {
        assert_eq!(unclosed("a {{b}} c {{d"), Some(10));
        assert_eq!(unclosed("a {{b}} c"), None);
        assert!(gaps("no gaps").is_empty());
    }
}
