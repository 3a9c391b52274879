//! A card's `as_of`: the date a time-sensitive claim was last known true. Shown beside the
//! answer as "as of Apr 2022" (a month is what a reader needs; the day is noise), and compared
//! with today by `check --stale` so maintainers find the claims most likely to have changed.

use jiff::civil::Date;

use super::Card;

/// The date an `as_of` names (the date part of a date-time); None for anything else.
pub fn date_of(as_of: &str) -> Option<Date> {
    as_of.get(..10)?.parse().ok()
}

/// "as of Apr 2022"; the text as written when it is not a date.
pub fn label(as_of: &str) -> String {
    match date_of(as_of) {
        Some(date) => format!("as of {}", date.strftime("%b %Y")),
        None => format!("as of {as_of}"),
    }
}

/// " (as of Apr 2022)" to follow an answer, or nothing for an undated card.
pub fn suffix(as_of: Option<&str>) -> String {
    as_of.map_or_else(String::new, |d| format!(" ({})", label(d)))
}

/// The first day that is not stale: `months` months before `today`. A claim dated before it
/// is older than `months` months.
pub fn stale_before(today: Date, months: u32) -> Date {
    let Ok(span) = jiff::Span::new().try_months(i64::from(months)) else {
        return Date::MIN;
    };
    today.checked_sub(span).unwrap_or(Date::MIN)
}

/// The cards dated before `before`, oldest first (then in deck order), a cloze note once.
pub fn stale<'a>(cards: impl IntoIterator<Item = &'a Card>, before: Date) -> Vec<(Date, &'a Card)> {
    let mut found: Vec<(Date, &Card)> = Vec::new();
    for card in cards {
        let Some(date) = card.as_of.as_deref().and_then(date_of) else {
            continue;
        };
        let repeat = found
            .iter()
            .any(|(_, c)| c.deck == card.deck && c.id == card.id);
        if date < before && !repeat {
            found.push((date, card));
        }
    }
    // Stable, so cards of one date keep their deck order.
    found.sort_by_key(|(date, _)| *date);
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deck::Origin;
    use crate::deck::parse::parse_deck;
    use jiff::civil::date;

    #[test]
    fn stale_cards_come_oldest_first_and_a_cloze_note_once() {
        let deck = parse_deck(
            concat!(
                "[deck]\nid = \"d\"\nexam = \"prelims\"\n",
                "[[card]]\nid = \"new\"\nq = \"q\"\na = \"a\"\nsource = \"s\"\nas_of = 2026-06-01\n",
                "[[card]]\nid = \"mid\"\nq = \"q\"\na = \"a\"\nsource = \"s\"\nas_of = 2024-05-01\n",
                "[[card]]\nid = \"undated\"\nq = \"q\"\na = \"a\"\nsource = \"s\"\n",
                "[[card]]\nid = \"old\"\nkind = \"cloze\"\ntext = \"{{a}} {{b}}\"\nsource = \"s\"\nas_of = 2022-04-26\n",
                "[[card]]\nid = \"edge\"\nq = \"q\"\na = \"a\"\nsource = \"s\"\nas_of = 2025-11-24\n",
            ),
            Origin::Builtin("d.toml"),
        )
        .unwrap();
        let found: Vec<(String, &str)> = stale(&deck.cards, date(2025, 11, 24))
            .into_iter()
            .map(|(d, c)| (d.to_string(), c.id.as_str()))
            .collect();
        assert_eq!(
            found,
            [
                ("2022-04-26".to_owned(), "old"),
                ("2024-05-01".to_owned(), "mid")
            ]
        );
    }

    #[test]
    fn a_date_is_labelled_with_its_month_and_year() {
        assert_eq!(label("2022-04-26"), "as of Apr 2022");
        assert_eq!(label("2025-12-01"), "as of Dec 2025");
        assert_eq!(label("2024-03-01T10:00:00Z"), "as of Mar 2024");
        assert_eq!(suffix(Some("2022-04-26")), " (as of Apr 2022)");
        assert_eq!(suffix(None), "");
    }

    #[test]
    fn what_is_not_a_date_is_shown_as_written() {
        assert_eq!(label("10:00:00"), "as of 10:00:00");
        assert_eq!(date_of("2024-13-01"), None);
        assert_eq!(date_of("2024"), None);
    }

    #[test]
    fn stale_means_older_than_so_many_months_before_today() {
        let today = date(2026, 11, 24);
        assert_eq!(stale_before(today, 12), date(2025, 11, 24));
        assert_eq!(stale_before(today, 0), today);
        // The end of a shorter month is clamped, not overflowed.
        assert_eq!(stale_before(date(2026, 3, 31), 1), date(2026, 2, 28));
        assert_eq!(stale_before(today, u32::MAX), Date::MIN);
    }
}
