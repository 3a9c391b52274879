//! The review history as a review log in the open-spaced-repetition CSV form (the columns of
//! `import::history::COLUMNS`): every answer in time order, undone ones left out. `card_id`
//! numbers the cards in the order they were first answered (the form wants a number), and
//! `card_key` names the card, so `smriti import --history` can put the reviews back.

use rustc_hash::FxHashMap;

use super::csv_error;
use crate::import::history::COLUMNS;
use crate::store::history::History;

/// The file's bytes and the number of cards it covers.
pub fn write(history: &History) -> std::io::Result<(Vec<u8>, usize)> {
    let mut w = csv::Writer::from_writer(Vec::with_capacity(history.len() * 48));
    w.write_record(COLUMNS).map_err(csv_error)?;
    let mut ids: FxHashMap<&str, usize> = FxHashMap::default();
    for (key, review) in history.iter() {
        let next = ids.len() + 1;
        let id = *ids.entry(key).or_insert(next);
        w.write_record([
            id.to_string(),
            review.at.to_string(),
            review.grade.number().to_string(),
            review.took_ms.to_string(),
            key.to_owned(),
        ])
        .map_err(csv_error)?;
    }
    let cards = ids.len();
    let bytes = w
        .into_inner()
        .map_err(|e| std::io::Error::other(e.to_string()))?;
    Ok((bytes, cards))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::history::read;
    use crate::schedule::Grade;

    #[test]
    fn a_written_log_reads_back() {
        let h = History::from_reviews([
            (1_700_000_000_000, "d/a", Grade::Good, 4000),
            (1_700_000_100_000, "d/b#2", Grade::Again, 0),
            (1_800_000_000_000, "d/a", Grade::Easy, 12),
        ]);
        let (bytes, cards) = write(&h).unwrap();
        assert_eq!(cards, 2);
        let text = String::from_utf8(bytes).unwrap();
        assert!(text.starts_with("card_id,review_time,review_rating,review_duration,card_key\n1,1700000000000,3,4000,d/a\n2,"), "{text}");
        let back = read(std::path::Path::new("h.csv"), &text).unwrap();
        let got: Vec<(Option<&str>, i64, Grade, u32)> = back
            .reviews
            .iter()
            .map(|r| (r.card_key.map(|k| back.name(k)), r.at, r.grade, r.took_ms))
            .collect();
        assert_eq!(
            got,
            [
                (Some("d/a"), 1_700_000_000_000, Grade::Good, 4000),
                (Some("d/b#2"), 1_700_000_100_000, Grade::Again, 0),
                (Some("d/a"), 1_800_000_000_000, Grade::Easy, 12),
            ]
        );
    }
}
