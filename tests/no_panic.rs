//! Property tests: no input makes the deck parser, the journal reader, the config parser or
//! an import reader panic; each either succeeds or returns a located error.

use proptest::prelude::*;
use smriti::deck::Origin;
use smriti::deck::parse::parse_deck;
use smriti::store::journal::parse_line;

const VALID: &str = r#"[deck]
id = "d"
exam = "prelims"

[[card]]
id = "a"
kind = "mcq"
q = "LEMOA?"
a = "2016"
options = ["2016", "2018"]
source = "s"

[[card]]
id = "z"
kind = "cloze"
text = "{{LEMOA}} then {{COMCASA::2018}}"
source = "s"

[[card]]
id = "m"
kind = "mains"
q = "Discuss."
points = ["one"]
year = 2019
source = "s"
"#;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn any_text_parses_or_errors_with_a_location(src in "\\PC{0,300}") {
        if let Err(errors) = parse_deck(&src, Origin::Builtin("p.toml")) {
            prop_assert!(!errors.is_empty());
            for e in errors {
                prop_assert!(e.line >= 1 && e.col >= 1);
            }
        }
    }

    #[test]
    fn a_mutated_valid_deck_never_panics(at in 0usize..VALID.len(), insert in "[\\[\\]{}\"=#\\n a-z0-9:.,]{0,6}", cut in 0usize..8) {
        let mut src = VALID.to_owned();
        let at = (0..=at).rev().find(|i| src.is_char_boundary(*i)).unwrap_or(0);
        let end = (at..=(at + cut).min(src.len())).rev().find(|i| src.is_char_boundary(*i)).unwrap_or(at);
        src.replace_range(at..end, &insert);
        let _ = parse_deck(&src, Origin::Builtin("p.toml"));
    }

    #[test]
    fn any_journal_line_parses_or_is_refused(line in proptest::collection::vec(any::<u8>(), 0..200)) {
        let _ = parse_line(&line, 1);
        let _ = parse_line(&line, 2);
    }

    #[test]
    fn journal_lines_with_the_right_shape_but_odd_values_never_panic(
        fields in proptest::collection::vec("[-0-9a-zA-Z.#/]{0,17}", 13..=17)
    ) {
        let line = fields.join("\t");
        let _ = parse_line(line.as_bytes(), 1);
        let _ = parse_line(line.as_bytes(), 2);
    }

    #[test]
    fn any_config_parses_or_errors(src in "\\PC{0,200}") {
        let _ = smriti::config::parse(&src, "config.toml");
    }

    #[test]
    fn any_import_file_reads_or_errors_with_a_location(
        src in "(#separator:(Tab|Comma|x)\n|#html:true\n|#guid column:1\n|[\"\t,;<>&#{}:c0-9a-z \n]|\\PC){0,200}"
    ) {
        let path = std::path::Path::new("f.csv");
        let located = |errors: Vec<smriti::import::ImportError>| {
            errors.iter().all(|e| e.line >= 1 && e.col >= 1)
        };
        if let Err(e) = smriti::import::csv_cards::read(path, &src, b',') {
            prop_assert!(!e.is_empty() && located(e));
        }
        if let Err(e) = smriti::import::text::read(path, &src) {
            prop_assert!(!e.is_empty() && located(e));
        }
        if let Err(e) = smriti::import::history::read(path, &src) {
            prop_assert!(!e.is_empty() && located(e));
        }
        let _ = smriti::import::html::to_text(&src);
        let _ = smriti::import::anki_notes::cloze_from_anki(&src);
    }
}
