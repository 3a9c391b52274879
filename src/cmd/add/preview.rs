//! The new cards as `quiz` will show them, for the user to confirm before anything is written.

use std::fmt::Write as _;

use rand::SeedableRng;
use rand::rngs::StdRng;

use crate::deck::{Body, Card, Deck, Library};
use crate::quiz::options::{lay_out, letter};
use crate::sanitize::{clean, clean_line};

/// The cards of `deck` with these ids (a cloze gives one per gap), prompt then answer.
/// `seed` fixes the order of mcq options.
pub fn render(deck: &Deck, ids: &[String], seed: u64) -> String {
    let library = Library {
        decks: vec![deck.clone()],
    };
    let mut rng = StdRng::seed_from_u64(seed);
    let mut out = String::new();
    for card in deck.cards.iter().filter(|c| ids.contains(&c.id)) {
        card_text(&mut out, &library, card, &mut rng);
    }
    out
}

fn card_text(out: &mut String, library: &Library, card: &Card, rng: &mut StdRng) {
    let tags = if card.tags.is_empty() {
        String::new()
    } else {
        format!(" · {}", card.tags.join(", "))
    };
    // Writing to a String cannot fail.
    let _ = writeln!(
        out,
        "── {}{} · {}",
        clean_line(&card.key),
        clean_line(&tags),
        card.kind()
    );
    let _ = writeln!(out, "{}", clean(&card.prompt()));
    match &card.body {
        Body::Mcq { a, choices, .. } => {
            let (options, right) = lay_out(library, &card.deck, a, choices, rng);
            for (i, option) in options.iter().enumerate() {
                let mark = if i == right { "  ✓" } else { "" };
                let _ = writeln!(out, "  {}) {}{mark}", letter(i), clean_line(option));
            }
        }
        Body::Mains {
            year,
            points,
            word_limit,
            ..
        } => {
            let meta = crate::deck::mains_meta(*year, *word_limit, points.len());
            let _ = writeln!(out, "({meta})");
            let _ = writeln!(out, "Key points:");
            for (i, p) in points.iter().enumerate() {
                let _ = writeln!(out, "  {}. {}", i + 1, clean_line(p));
            }
        }
        Body::Typed { a, accept, .. } => {
            let _ = writeln!(out, "Answer: {}", clean_line(a));
            if !accept.is_empty() {
                let _ = writeln!(out, "Also accepted: {}", clean_line(&accept.join(", ")));
            }
        }
        Body::Basic { .. } | Body::Cloze { .. } => {
            let _ = writeln!(out, "Answer: {}", clean(&card.answer()));
        }
    }
    if let Some(explain) = &card.explain {
        let _ = writeln!(out, "Why: {}", clean(explain));
    }
    if let Some(as_of) = &card.as_of {
        let _ = writeln!(out, "({})", clean_line(&crate::deck::dated::label(as_of)));
    }
    let _ = writeln!(out, "Source: {}", clean_line(&card.source));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deck::Origin;
    use crate::deck::parse::parse_deck;

    #[test]
    fn shows_each_cloze_gap_and_mcq_options_with_the_answer_marked() {
        let deck = parse_deck(
            "[deck]\nid = \"d\"\nexam = \"prelims\"\n\
             [[card]]\nid = \"c\"\nkind = \"cloze\"\ntext = \"{{LEMOA}} in {{2016}}\"\nsource = \"s\"\n\
             [[card]]\nid = \"m\"\nkind = \"mcq\"\nq = \"Year?\"\na = \"2016\"\ndistractors = [\"2018\"]\nsource = \"s\"\n\
             [[card]]\nid = \"other\"\nq = \"not shown\"\na = \"x\"\nsource = \"s\"\n",
            Origin::File("d.toml".into()),
        )
        .unwrap();
        let shown = render(&deck, &["c".to_owned(), "m".to_owned()], 1);
        assert!(
            shown.contains("── d/c#1 · cloze\n[…] in 2016\nAnswer: LEMOA\n"),
            "{shown}"
        );
        assert!(
            shown.contains("── d/c#2 · cloze\nLEMOA in […]\nAnswer: 2016\n"),
            "{shown}"
        );
        assert!(shown.contains("2016  ✓"), "{shown}");
        assert!(shown.contains(") 2018\n"), "{shown}");
        assert!(!shown.contains("not shown"));
    }

    #[test]
    fn deck_text_cannot_drive_the_terminal() {
        let deck = parse_deck(
            "[deck]\nid = \"d\"\nexam = \"prelims\"\n[[card]]\nid = \"x\"\nq = \"a\\u001b[2Jb\"\na = \"c\"\nsource = \"s\"\n",
            Origin::File("d.toml".into()),
        )
        .unwrap();
        let shown = render(&deck, &["x".to_owned()], 1);
        assert!(!shown.contains('\u{1b}'));
    }
}
