//! Shares shown as whole percentages, by one rule wherever smriti shows one (`stats`, `plan`,
//! the quiz summary, the mock paper's report).

/// A share rounded to the nearest whole percent (2/3 is 67%, not 66%), except that only all
/// is 100% and only none is 0%: 99.6% predicted recall still leaves cards to forget.
pub fn whole_percent(share: f64) -> u32 {
    let share = share.clamp(0.0, 1.0);
    let rounded = (share * 100.0).round() as u32;
    match rounded {
        100 if share < 1.0 => 99,
        0 if share > 0.0 => 1,
        n => n,
    }
}

/// `whole_percent` with its sign: `67%`.
pub fn show(share: f64) -> String {
    format!("{}%", whole_percent(share))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_round_to_the_nearest_but_only_all_is_100() {
        assert_eq!(whole_percent(2.0 / 3.0), 67);
        assert_eq!(whole_percent(0.125), 13);
        assert_eq!(whole_percent(0.124), 12);
        assert_eq!(whole_percent(0.996), 99);
        assert_eq!(whole_percent(1.0), 100);
        assert_eq!(whole_percent(0.001), 1);
        assert_eq!(whole_percent(0.0), 0);
        // An empty f64 sum is -0.0: still 0%, never "-0%".
        assert_eq!(show(-0.0), "0%");
    }
}
