//! Deck text is shown in a terminal, so it must not be able to drive it: control characters
//! (escape sequences, carriage returns, bells) are replaced before anything is printed.

/// Keeps newlines, turns tabs into spaces, and shows every other control character as `�`.
pub fn clean(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\n' => '\n',
            '\t' => ' ',
            c if c.is_control() => '\u{FFFD}',
            // Bidi overrides can reorder what the user sees; show them too.
            '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => '\u{FFFD}',
            c => c,
        })
        .collect()
}

/// As `clean`, for text that must stay on one line.
pub fn clean_line(text: &str) -> String {
    clean(text).replace('\n', " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_cannot_reach_the_terminal() {
        let evil = "LEMOA\u{1b}[2J\u{1b}]0;pwned\u{7}\r2016\u{9b}";
        let shown = clean(evil);
        assert!(!shown.chars().any(|c| c.is_control()), "{shown:?}");
        assert!(shown.starts_with("LEMOA"));
        assert!(shown.contains("2016"));
    }

    #[test]
    fn newlines_stay_and_tabs_become_spaces() {
        assert_eq!(clean("1. a\n2.\tb"), "1. a\n2. b");
        assert_eq!(clean_line("a\nb"), "a b");
    }

    #[test]
    fn plain_text_is_unchanged() {
        let t = "India–US 2+2 — भारत";
        assert_eq!(clean(t), t);
    }
}
