//! A card back as the fields it was written with: what `export` writes out and what an
//! import compares with, to tell a changed card from one it already has.

use super::draft::Draft;
use super::{Body, Card, Choices};

/// The card's fields. A cloze gap gives its note's (every gap of a note gives the same).
pub fn draft_of(card: &Card) -> Draft {
    let mut d = Draft::new(card.kind());
    d.id = card.id.clone();
    d.tags = card.tags.clone();
    d.source = Some(card.source.clone()).filter(|s| !s.is_empty());
    d.explain = card.explain.clone();
    d.as_of = card.as_of.as_deref().and_then(|s| s.parse().ok());
    match &card.body {
        Body::Basic { q, a } => {
            d.q = Some(q.clone());
            d.a = Some(a.clone());
        }
        Body::Typed { q, a, accept } => {
            d.q = Some(q.clone());
            d.a = Some(a.clone());
            d.accept = accept.clone();
        }
        Body::Mcq { q, a, choices } => {
            d.q = Some(q.clone());
            d.a = Some(a.clone());
            match choices {
                Choices::Options(o) => d.options = o.clone(),
                Choices::Distractors(o) => d.distractors = o.clone(),
                Choices::Group(g) => d.group = Some(g.clone()),
                Choices::InOrder(o) => {
                    d.options = o.clone();
                    d.shuffle = false;
                }
            }
        }
        Body::Cloze { text, .. } => d.text = Some(text.clone()),
        Body::Mains {
            q,
            year,
            points,
            word_limit,
        } => {
            d.q = Some(q.clone());
            d.year = *year;
            d.points = points.clone();
            d.word_limit = *word_limit;
        }
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deck::draft::append;
    use crate::deck::{Kind, Origin, parse::parse_deck};

    #[test]
    fn a_card_rendered_from_its_draft_parses_back_to_the_same_draft() {
        let deck = "[deck]\nid = \"d\"\nexam = \"prelims\"\n\n\
            [[card]]\nid = \"m\"\nkind = \"mcq\"\nq = \"Which?\"\na = \"2 only\"\noptions = [\"1 only\", \"2 only\"]\nshuffle = false\ntags = [\"x\"]\nsource = \"s\"\nas_of = 2024-01-02\n\n\
            [[card]]\nid = \"c\"\nkind = \"cloze\"\ntext = \"{{a}} and {{b::h}}\"\ntags = []\nsource = \"s\"\nexplain = \"e\"\n\n\
            [[card]]\nid = \"p\"\nkind = \"mains\"\nq = \"Discuss\"\nyear = 2019\npoints = [\"one\"]\nword_limit = 150\ntags = []\nsource = \"s\"\n";
        let parsed = parse_deck(deck, Origin::File("d.toml".into())).unwrap();
        let drafts: Vec<Draft> = [0, 1, 3]
            .iter()
            .map(|&i| draft_of(&parsed.cards[i]))
            .collect();
        assert_eq!(drafts[0].kind, Kind::Mcq);
        assert!(!drafts[0].shuffle);
        assert_eq!(drafts[1].text.as_deref(), Some("{{a}} and {{b::h}}"));
        let again = append("[deck]\nid = \"d\"\nexam = \"prelims\"\n", &drafts);
        let reparsed = parse_deck(&again, Origin::File("d.toml".into())).unwrap();
        let back: Vec<Draft> = [0, 1, 3]
            .iter()
            .map(|&i| draft_of(&reparsed.cards[i]))
            .collect();
        assert_eq!(back, drafts);
    }
}
