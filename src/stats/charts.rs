//! Terminal charts for `stats`: a column chart (the due forecast) and a calendar heatmap (the
//! review history). Drawn with Unicode blocks, or with plain ASCII where the terminal may not
//! show them; colour is added only when asked for. Each returns lines without newlines, so the
//! renderer lays them out and tests read them.

use crossterm::style::{Color, Stylize};
use jiff::civil::Date;

use crate::clock::Clock;

/// The characters a chart is drawn with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Glyphs {
    /// Column fill in eighths: 0 (empty) to 8 (full).
    pub bars: [char; 9],
    /// Heatmap cells: no review, then four levels up to the busiest day.
    pub shades: [char; 5],
    /// Marks text cut short.
    pub ellipsis: char,
    /// Separates items on one line.
    pub dot: char,
}

pub const UNICODE: Glyphs = Glyphs {
    bars: [' ', '▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'],
    shades: ['·', '░', '▒', '▓', '█'],
    ellipsis: '…',
    dot: '·',
};

pub const ASCII: Glyphs = Glyphs {
    bars: [' ', '.', '.', '_', '_', '=', '=', '#', '#'],
    shades: ['.', '-', '+', '*', '#'],
    ellipsis: '~',
    dot: '-',
};

/// Wraps `text` in a colour when `on`.
pub fn paint(text: &str, color: Color, on: bool) -> String {
    if on {
        text.with(color).to_string()
    } else {
        text.to_owned()
    }
}

/// A column chart: one column of `width` characters per value, `gap` spaces apart, `height`
/// rows tall, scaled so the largest value fills the height. Any value above zero shows at
/// least an eighth, so a day with one card due is not drawn empty.
pub fn columns(
    values: &[usize],
    height: usize,
    width: usize,
    gap: usize,
    glyphs: &Glyphs,
    color: bool,
) -> Vec<String> {
    let max = values.iter().copied().max().unwrap_or(0);
    let eighths: Vec<usize> = values
        .iter()
        .map(|v| {
            if *v == 0 || max == 0 {
                0
            } else {
                (v * height * 8).div_ceil(max).max(1)
            }
        })
        .collect();
    (0..height)
        .map(|row| {
            let floor = (height - 1 - row) * 8;
            let mut line = String::new();
            for (i, e) in eighths.iter().enumerate() {
                if i > 0 {
                    line.push_str(&" ".repeat(gap));
                }
                let fill = e.saturating_sub(floor).min(8);
                let cell: String = std::iter::repeat_n(glyphs.bars[fill], width).collect();
                line.push_str(&paint(&cell, Color::Cyan, color && fill > 0));
            }
            line.trim_end().to_owned()
        })
        .collect()
}

/// The heatmap cell level for `value` (0 = none, 1–4 by quarters of `max`).
pub fn level(value: u32, max: u32) -> usize {
    if value == 0 || max == 0 {
        return 0;
    }
    1 + ((u64::from(value) * 4 - 1) / u64::from(max)).min(3) as usize
}

/// A GitHub-style calendar: a month row, then 7 rows (Monday to Sunday) of one cell per week,
/// from `first` (a Monday) over `reviews.len()` days; days past the last are left blank.
pub fn heatmap(
    first: Date,
    reviews: &[u32],
    weeks: usize,
    glyphs: &Glyphs,
    color: bool,
) -> Vec<String> {
    const LABEL: usize = 4;
    let max = reviews.iter().copied().max().unwrap_or(0);
    let mut months = String::from(&" ".repeat(LABEL));
    let mut last_month = 0;
    for week in 0..weeks {
        let monday = Clock::add_days(first, 7 * week as i32);
        let col = LABEL + 2 * week;
        if monday.month() != last_month && months.chars().count() <= col {
            months.push_str(&" ".repeat(col - months.chars().count()));
            months.push_str(month_name(monday.month()));
            last_month = monday.month();
        }
    }
    let mut lines = vec![months.trim_end().to_owned()];
    for (row, name) in ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
        .iter()
        .enumerate()
    {
        let mut line = format!("{name} ");
        for week in 0..weeks {
            match reviews.get(week * 7 + row) {
                Some(v) => {
                    let lvl = level(*v, max);
                    let cell = glyphs.shades[lvl].to_string();
                    let shade = if lvl == 0 {
                        Color::DarkGrey
                    } else {
                        Color::Green
                    };
                    line.push_str(&paint(&cell, shade, color));
                    line.push(' ');
                }
                None => line.push_str("  "),
            }
        }
        lines.push(line.trim_end().to_owned());
    }
    let mut legend = format!("{}less ", " ".repeat(LABEL));
    for (lvl, g) in glyphs.shades.iter().enumerate() {
        let shade = if lvl == 0 {
            Color::DarkGrey
        } else {
            Color::Green
        };
        legend.push_str(&paint(&g.to_string(), shade, color));
        legend.push(' ');
    }
    legend.push_str(&format!(
        "more  (busiest day: {max} review{})",
        if max == 1 { "" } else { "s" }
    ));
    lines.push(legend);
    lines
}

fn month_name(month: i8) -> &'static str {
    const NAMES: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    NAMES
        .get(usize::try_from(month - 1).unwrap_or(0))
        .copied()
        .unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_scale_to_the_largest_value_and_show_any_nonzero_value() {
        let rows = columns(&[8, 4, 0, 1], 2, 1, 1, &UNICODE, false);
        assert_eq!(rows, ["█", "█ █   ▂"]);
        let ascii = columns(&[8, 4], 1, 2, 1, &ASCII, false);
        assert_eq!(ascii, ["## __"]);
    }

    #[test]
    fn columns_of_nothing_are_blank() {
        assert_eq!(columns(&[0, 0], 2, 3, 2, &UNICODE, false), ["", ""]);
    }

    #[test]
    fn heat_levels_are_quarters_of_the_busiest_day() {
        assert_eq!(
            [0, 1, 25, 26, 50, 75, 76, 100].map(|v| level(v, 100)),
            [0, 1, 1, 2, 2, 3, 4, 4]
        );
        assert_eq!(level(3, 0), 0);
    }

    #[test]
    fn heatmap_places_days_by_weekday_and_week() {
        // Monday 2026-01-05, two weeks; the 2nd week's Wednesday (day 9) is the busiest.
        let mut reviews = vec![0; 10];
        reviews[0] = 1; // week 1, Monday
        reviews[9] = 4; // week 2, Wednesday
        let lines = heatmap(jiff::civil::date(2026, 1, 5), &reviews, 2, &ASCII, false);
        assert_eq!(lines[0], "    Jan");
        assert_eq!(lines[1], "Mon - .");
        assert_eq!(lines[3], "Wed . #");
        assert_eq!(lines[4], "Thu .", "days after the last are blank");
        assert_eq!(lines[7], "Sun .");
        assert!(lines[8].contains("less . - + * # more"), "{}", lines[8]);
    }

    #[test]
    fn a_busiest_day_of_one_review_is_singular() {
        let lines = heatmap(jiff::civil::date(2026, 1, 5), &[1, 0], 1, &ASCII, false);
        assert!(
            lines[8].ends_with("(busiest day: 1 review)"),
            "{}",
            lines[8]
        );
        let lines = heatmap(jiff::civil::date(2026, 1, 5), &[2, 0], 1, &ASCII, false);
        assert!(
            lines[8].ends_with("(busiest day: 2 reviews)"),
            "{}",
            lines[8]
        );
    }

    #[test]
    fn colour_only_when_asked() {
        assert!(!columns(&[1], 1, 1, 0, &UNICODE, false)[0].contains('\u{1b}'));
        assert!(columns(&[1], 1, 1, 0, &UNICODE, true)[0].contains('\u{1b}'));
    }
}
