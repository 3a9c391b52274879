//! A card about to be added, as the user gave it, and its TOML text in a deck's own style.
//!
//! A draft is not checked here: it is rendered, appended to the deck text and the whole
//! result is run through `parse_deck`, so `add` applies exactly the rules `check` does.

use toml_edit::{Array, ArrayOfTables, DocumentMut, Item, Table, Value};

use super::{Kind, cloze};

/// Every field a card may have; the ones a kind does not take stay empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    pub id: String,
    pub kind: Kind,
    pub q: Option<String>,
    pub a: Option<String>,
    pub accept: Vec<String>,
    pub options: Vec<String>,
    pub distractors: Vec<String>,
    pub group: Option<String>,
    /// False keeps an mcq's `options` in the order given (written as `shuffle = false`).
    pub shuffle: bool,
    pub text: Option<String>,
    pub points: Vec<String>,
    pub year: Option<i64>,
    pub word_limit: Option<i64>,
    pub as_of: Option<toml_edit::Datetime>,
    pub tags: Vec<String>,
    pub source: Option<String>,
    pub explain: Option<String>,
}

impl Draft {
    pub fn new(kind: Kind) -> Draft {
        Draft {
            id: String::new(),
            kind,
            q: None,
            a: None,
            accept: Vec::new(),
            options: Vec::new(),
            distractors: Vec::new(),
            group: None,
            shuffle: true,
            text: None,
            points: Vec::new(),
            year: None,
            word_limit: None,
            as_of: None,
            tags: Vec::new(),
            source: None,
            explain: None,
        }
    }

    /// What the card asks, for its id and for spotting a duplicate: the question, or for a
    /// cloze the text with its gaps filled in (no braces).
    pub fn question(&self) -> String {
        match (&self.q, &self.text) {
            (Some(q), _) => q.clone(),
            (None, Some(text)) => cloze::render(text, None),
            (None, None) => String::new(),
        }
    }
}

/// How a deck file is written, so an added card looks like its neighbours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    /// `"\r\n"` for a file written on Windows, else `"\n"`.
    pub newline: &'static str,
    /// Cards are separated by a blank line.
    pub blank_line: bool,
    /// Arrays of more than one entry are written one entry a line.
    pub tall_arrays: bool,
}

impl Default for Style {
    fn default() -> Style {
        Style {
            newline: "\n",
            blank_line: true,
            tall_arrays: false,
        }
    }
}

impl Style {
    /// The style of an existing deck text; the default for what it does not show.
    pub fn of(src: &str) -> Style {
        let lines: Vec<&str> = src.lines().map(|l| l.trim_end_matches('\r')).collect();
        let headers: Vec<usize> = (0..lines.len())
            .filter(|&i| lines[i].trim() == "[[card]]")
            .collect();
        let blank_line = match headers.first() {
            // With no card yet, follow the default: a blank line reads better.
            None => true,
            Some(_) => headers
                .iter()
                .any(|&i| i > 0 && lines[i - 1].trim().is_empty()),
        };
        Style {
            newline: if src.contains("\r\n") { "\r\n" } else { "\n" },
            blank_line,
            tall_arrays: lines.iter().any(|l| l.trim_end().ends_with("= [")),
        }
    }
}

/// The `[[card]]` table of a draft, keys in the order decks use: id, kind, the question and
/// answer fields, then as_of, tags, source, explain. Ends with a newline.
pub fn render(draft: &Draft, style: Style) -> String {
    let mut t = Table::new();
    t.insert("id", Item::Value(draft.id.as_str().into()));
    t.insert("kind", Item::Value(draft.kind.as_str().into()));
    let text = |t: &mut Table, key: &str, v: &Option<String>| {
        if let Some(v) = v {
            t.insert(key, Item::Value(v.as_str().into()));
        }
    };
    let list = |t: &mut Table, key: &str, v: &[String]| {
        if !v.is_empty() {
            t.insert(key, Item::Value(Value::Array(array(v, style))));
        }
    };
    text(&mut t, "q", &draft.q);
    text(&mut t, "a", &draft.a);
    list(&mut t, "accept", &draft.accept);
    list(&mut t, "options", &draft.options);
    list(&mut t, "distractors", &draft.distractors);
    text(&mut t, "group", &draft.group);
    if !draft.shuffle {
        t.insert("shuffle", Item::Value(false.into()));
    }
    text(&mut t, "text", &draft.text);
    if let Some(year) = draft.year {
        t.insert("year", Item::Value(year.into()));
    }
    list(&mut t, "points", &draft.points);
    if let Some(limit) = draft.word_limit {
        t.insert("word_limit", Item::Value(limit.into()));
    }
    if let Some(as_of) = draft.as_of {
        t.insert("as_of", Item::Value(as_of.into()));
    }
    // Tags are written even when empty, as a reminder that `stats` groups by them.
    t.insert("tags", Item::Value(Value::Array(array(&draft.tags, style))));
    text(&mut t, "source", &draft.source);
    text(&mut t, "explain", &draft.explain);

    let mut cards = ArrayOfTables::new();
    cards.push(t);
    let mut doc = DocumentMut::new();
    doc.insert("card", Item::ArrayOfTables(cards));
    let out = doc.to_string();
    if style.newline == "\n" {
        out
    } else {
        out.replace('\n', style.newline)
    }
}

fn array(items: &[String], style: Style) -> Array {
    let mut array: Array = items.iter().map(String::as_str).collect();
    if style.tall_arrays && items.len() > 1 {
        for value in array.iter_mut() {
            value.decor_mut().set_prefix("\n    ");
            value.decor_mut().set_suffix("");
        }
        array.set_trailing_comma(true);
        array.set_trailing("\n");
    }
    array
}

/// The text of a new deck file holding only its `[deck]` table.
pub fn new_deck(id: &str, name: &str, exam: super::Exam) -> String {
    let mut t = Table::new();
    t.insert("id", Item::Value(id.into()));
    t.insert("name", Item::Value(name.into()));
    t.insert("exam", Item::Value(exam.as_str().into()));
    let mut doc = DocumentMut::new();
    doc.insert("deck", Item::Table(t));
    doc.to_string()
}

/// The deck text with the drafts appended: `old` is kept byte for byte, so comments, order
/// and hand formatting elsewhere in the file are untouched.
pub fn append(old: &str, drafts: &[Draft]) -> String {
    let style = Style::of(old);
    let mut out = String::from(old);
    if !out.is_empty() && !out.ends_with('\n') {
        out.push_str(style.newline);
    }
    for draft in drafts {
        let ends_blank = out.is_empty()
            || out.ends_with("\n\n")
            || out.ends_with("\r\n\r\n")
            || out.lines().last().is_some_and(|l| l.trim().is_empty());
        if style.blank_line && !ends_blank {
            out.push_str(style.newline);
        }
        out.push_str(&render(draft, style));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deck::{Body, Exam, Origin, parse::parse_deck};

    fn basic(id: &str, q: &str) -> Draft {
        Draft {
            id: id.to_owned(),
            q: Some(q.to_owned()),
            a: Some("2016".to_owned()),
            tags: vec!["pacts".to_owned()],
            source: Some("notes".to_owned()),
            ..Draft::new(Kind::Basic)
        }
    }

    #[test]
    fn a_card_renders_with_keys_in_deck_order() {
        let mut d = basic("lemoa-year", "LEMOA?");
        d.explain = Some("Logistics".to_owned());
        assert_eq!(
            render(&d, Style::default()),
            "[[card]]\nid = \"lemoa-year\"\nkind = \"basic\"\nq = \"LEMOA?\"\na = \"2016\"\n\
             tags = [\"pacts\"]\nsource = \"notes\"\nexplain = \"Logistics\"\n"
        );
    }

    #[test]
    fn text_with_newlines_is_written_as_a_multi_line_string() {
        let mut d = basic("x", "first line\nsecond line");
        d.a = Some("say \"hi\"".to_owned());
        let out = render(&d, Style::default());
        assert!(
            out.contains("q = \"\"\"\nfirst line\nsecond line\"\"\""),
            "{out}"
        );
        let deck = format!("[deck]\nid = \"d\"\nexam = \"prelims\"\n\n{out}");
        let parsed = parse_deck(&deck, Origin::File("d.toml".into())).unwrap();
        match &parsed.cards[0].body {
            Body::Basic { q, a } => {
                assert_eq!(q, "first line\nsecond line");
                assert_eq!(a, "say \"hi\"");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn appending_keeps_the_old_text_and_its_blank_line_habit() {
        let old = "# mine\n[deck]\nid = \"d\"\nexam = \"prelims\"\n[[card]]\nid = \"a\"\nq = \"q\"\na = \"a\"\nsource = \"s\"\n";
        let new = append(old, &[basic("b", "other")]);
        assert!(new.starts_with(old));
        assert!(new[old.len()..].starts_with("[[card]]\n"), "{new}");

        let spaced = old.replace("[[card]]", "\n[[card]]");
        let new = append(&spaced, &[basic("b", "other")]);
        assert!(new[spaced.len()..].starts_with("\n[[card]]\n"), "{new}");
    }

    #[test]
    fn a_file_without_a_final_newline_gets_one_before_the_card() {
        let old = "[deck]\nid = \"d\"\nexam = \"prelims\"";
        let new = append(old, &[basic("b", "q")]);
        assert!(new.starts_with("[deck]\nid = \"d\"\nexam = \"prelims\"\n\n[[card]]"));
    }

    #[test]
    fn crlf_files_stay_crlf() {
        let old = "[deck]\r\nid = \"d\"\r\nexam = \"prelims\"\r\n";
        let new = append(old, &[basic("b", "q")]);
        assert!(new.starts_with(old));
        assert!(!new.replace("\r\n", "").contains('\n'), "{new:?}");
        assert!(parse_deck(&new, Origin::File("d.toml".into())).is_ok());
    }

    #[test]
    fn tall_arrays_follow_the_deck() {
        let old = "[deck]\nid = \"d\"\nexam = \"mains\"\n\n[[card]]\nid = \"m\"\nkind = \"mains\"\nq = \"Q\"\npoints = [\n    \"one\",\n    \"two\",\n]\ntags = []\nsource = \"s\"\n";
        let d = Draft {
            id: "n".to_owned(),
            q: Some("Discuss.".to_owned()),
            points: vec!["first".to_owned(), "second".to_owned()],
            source: Some("s".to_owned()),
            ..Draft::new(Kind::Mains)
        };
        let new = append(old, &[d]);
        assert!(
            new.ends_with(
                "points = [\n    \"first\",\n    \"second\",\n]\ntags = []\nsource = \"s\"\n"
            ),
            "{new}"
        );
        assert!(parse_deck(&new, Origin::File("d.toml".into())).is_ok());
    }

    #[test]
    fn a_new_deck_is_valid_once_it_has_a_card() {
        let text = append(
            &new_deck("my-notes", "My notes", Exam::Prelims),
            &[basic("b", "q")],
        );
        assert!(text.starts_with(
            "[deck]\nid = \"my-notes\"\nname = \"My notes\"\nexam = \"prelims\"\n\n[[card]]"
        ));
        let deck = parse_deck(&text, Origin::File("d.toml".into())).unwrap();
        assert_eq!(deck.cards.len(), 1);
    }

    #[test]
    fn an_mcq_kept_in_order_is_written_with_shuffle_false() {
        let d = Draft {
            id: "s".to_owned(),
            q: Some("Which is correct?".to_owned()),
            a: Some("2 only".to_owned()),
            options: vec!["1 only".to_owned(), "2 only".to_owned()],
            shuffle: false,
            source: Some("s".to_owned()),
            ..Draft::new(Kind::Mcq)
        };
        let out = render(&d, Style::default());
        assert!(
            out.contains("options = [\"1 only\", \"2 only\"]\nshuffle = false\n"),
            "{out}"
        );
        let deck = format!("[deck]\nid = \"d\"\nexam = \"prelims\"\n\n{out}");
        let parsed = parse_deck(&deck, Origin::File("d.toml".into())).unwrap();
        assert!(matches!(
            &parsed.cards[0].body,
            Body::Mcq {
                choices: crate::deck::Choices::InOrder(_),
                ..
            }
        ));
    }

    #[test]
    fn the_question_of_a_cloze_has_no_braces() {
        let d = Draft {
            text: Some("{{LEMOA}} was signed in {{2016::year}}".to_owned()),
            ..Draft::new(Kind::Cloze)
        };
        assert_eq!(d.question(), "LEMOA was signed in 2016");
    }
}
