//! Cards of every kind as the UI state would hold them, for the key and rendering tests.

use super::state::{CardView, Progress, UiState};
use crate::deck::Origin;
use crate::deck::parse::parse_deck;

const DECK: &str = r#"
[deck]
id = "d"
name = "India–US 2+2 — Prelims"
exam = "prelims"

[[card]]
id = "meaning"
q = "What does a ‘2+2’ dialogue mean in India's foreign policy?"
a = "Foreign and defence ministers of both sides meet together (दो और दो)."
tags = ["2plus2-format"]
source = "s"
explain = "The two ministers holding the foreign and defence portfolios of each country meet their two counterparts to discuss strategic and security issues."

[[card]]
id = "lemoa"
kind = "typed"
q = "Which foundational agreement gives reciprocal access to military logistics?"
a = "Logistics Exchange Memorandum of Agreement"
accept = ["LEMOA"]
tags = ["foundational-pacts"]
source = "s"
explain = "Signed in 2016."

[[card]]
id = "comcasa-year"
kind = "mcq"
q = "In which year was COMCASA signed?"
a = "2018"
options = ["2016", "2018", "2020", "2002"]
tags = ["foundational-pacts", "editions"]
source = "s"
explain = "At the first 2+2 in New Delhi, 6 September 2018."

[[card]]
id = "first"
kind = "cloze"
text = "The first India–US 2+2 was held in {{New Delhi}} in {{2018}}."
tags = ["editions"]
source = "s"

[[card]]
id = "significance"
kind = "mains"
q = "Discuss the significance of the India–US 2+2 dialogue for India's strategic autonomy."
year = 2019
word_limit = 250
points = ["Brings foreign and defence ministers together", "Foundational pacts: LEMOA, COMCASA, BECA", "Indo-Pacific and Quad", "Limits: CAATSA and S-400"]
tags = ["strategic-autonomy"]
source = "s"

[[card]]
id = "regimes"
kind = "cloze"
text = "India joined the {{MTCR::regime}} in 2016."
source = "s"
"#;

/// The UI state for the deck's card `i` (0 basic, 1 typed, 2 mcq, 3 cloze gap 1, 5 mains,
/// 6 a cloze with a hint),
/// the mcq options in the order written, the answer second.
pub fn ui(i: usize) -> UiState {
    let deck = parse_deck(DECK, Origin::Builtin("t.toml")).expect("fixture deck parses");
    let card = &deck.cards[i];
    let options: Vec<String> = ["2016", "2018", "2020", "2002"].map(String::from).to_vec();
    let (options, right) = if i == 2 {
        (options, 1)
    } else {
        (Vec::new(), 0)
    };
    let view = CardView::new(card, &deck.name, "new", &options, right);
    let progress = Progress {
        done: 3,
        left: 12,
        due: 5,
        new: 7,
    };
    let mut ui = UiState::new(view, progress, None);
    ui.previews = Some(["10m", "1d", "3d", "8d"].map(String::from));
    ui
}

pub const BASIC: usize = 0;
pub const TYPED: usize = 1;
pub const MCQ: usize = 2;
pub const CLOZE: usize = 3;
pub const MAINS: usize = 5;
pub const HINTED: usize = 6;
