//! `stats` as text: the weak-topic table first, then the most at-risk cards, counts, the due
//! forecast, the heatmap and the exam view. Fits 80 columns; colour only when asked for; plain
//! ASCII when the terminal may not show Unicode blocks (see `Look::detect`).

use std::fmt::Write as _;

use crossterm::style::Color;
use unicode_width::UnicodeWidthChar;

use super::charts::{self, ASCII, Glyphs, UNICODE, paint};
use super::{FORECAST_DAYS, HEATMAP_WEEKS, Row, Stats};
use crate::deck::Exam;

/// How the text looks: which characters, and whether in colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Look {
    pub glyphs: Glyphs,
    pub color: bool,
}

impl Look {
    /// Unicode blocks when the locale says UTF-8, or when colour is on (a terminal that takes
    /// colour codes nearly always shows Unicode, and Windows sets no locale); ASCII otherwise.
    pub fn detect(color: bool) -> Look {
        let utf8 = utf8_locale(|k| std::env::var(k).ok());
        Look {
            glyphs: if color || utf8 { UNICODE } else { ASCII },
            color,
        }
    }
}

/// Whether the locale's character set is UTF-8: the first of LC_ALL, LC_CTYPE, LANG that is
/// set and non-empty decides, as in POSIX.
pub fn utf8_locale(var: impl Fn(&str) -> Option<String>) -> bool {
    ["LC_ALL", "LC_CTYPE", "LANG"]
        .iter()
        .filter_map(|k| var(k).filter(|v| !v.is_empty()))
        .next()
        .is_some_and(|v| {
            let v = v.to_ascii_lowercase();
            v.contains("utf-8") || v.contains("utf8")
        })
}

const NAME_WIDTH: usize = 24;
const WIDTH: usize = 80;

pub fn render(stats: &Stats, look: &Look) -> String {
    let mut out = String::new();
    let exams: Vec<Exam> = stats
        .exams
        .iter()
        .filter(|e| e.days_left >= 0)
        .map(|e| e.exam)
        .collect();
    if stats.reviews_total == 0 && stats.counts.new == stats.counts.cards {
        render_cards_only(stats, look, &mut out);
        return out;
    }
    let _ = writeln!(
        out,
        "{}",
        heading(
            "Weak topics, weakest first (recall: predicted now and on exam day)",
            look
        )
    );
    table(
        &mut out,
        "topic",
        stats.topics.iter().map(|t| (t.tag.as_str(), &t.row)),
        &exams,
        look,
    );
    out.push('\n');
    let _ = writeln!(out, "{}", heading("Decks", look));
    table(
        &mut out,
        "deck",
        stats.decks.iter().map(|d| (d.deck.as_str(), &d.row)),
        &exams,
        look,
    );
    at_risk(stats, look, &mut out);
    counts(stats, look, &mut out);
    forecast(stats, look, &mut out);
    heatmap(stats, look, &mut out);
    exam_view(stats, look, &mut out);
    out
}

fn heading(text: &str, look: &Look) -> String {
    paint(text, Color::Yellow, look.color)
}

/// Before the first review there is nothing to rank: the cards per topic, and how to start.
fn render_cards_only(stats: &Stats, look: &Look, out: &mut String) {
    let _ = writeln!(out, "{}", heading("Cards per topic", look));
    let _ = writeln!(out, "{:<NAME_WIDTH$} {:>6}", "topic", "cards");
    for t in &stats.topics {
        let _ = writeln!(
            out,
            "{} {:>6}",
            fit(&t.tag, NAME_WIDTH, &look.glyphs),
            t.row.cards
        );
    }
    let _ = writeln!(
        out,
        "\nNo reviews yet: run `smriti quiz` to start; weak topics show here after a few days."
    );
}

fn table<'a>(
    out: &mut String,
    what: &str,
    rows: impl Iterator<Item = (&'a str, &'a Row)>,
    exams: &[Exam],
    look: &Look,
) {
    let mut header = format!(
        "{what:<NAME_WIDTH$} {:>9} {:>6} {:>7} {:>6}",
        "seen", "lapses", "acc 30d", "recall"
    );
    for e in exams {
        let _ = write!(header, " {:>7}", e.as_str());
    }
    let _ = write!(header, " {:>5}", "leech");
    let _ = writeln!(out, "{header}");
    let mut tier = 0;
    for (name, row) in rows {
        let row_tier = match (row.ranked, row.recall_now) {
            (true, _) => 0,
            (false, Some(_)) => 1,
            (false, None) => 2,
        };
        if row_tier != tier {
            tier = row_tier;
            let note = if tier == 1 {
                "too few reviews to rank:"
            } else {
                "not started:"
            };
            let _ = writeln!(out, "  {}", paint(note, Color::DarkGrey, look.color));
        }
        let _ = write!(
            out,
            "{} {:>9} {:>6} {:>7} {}",
            fit(name, NAME_WIDTH, &look.glyphs),
            format!("{}/{}", row.seen, row.cards),
            row.lapses,
            percent(row.accuracy_30d),
            recall(row.recall_now, 6, look)
        );
        for e in exams {
            let _ = write!(out, " {}", recall(row.recall_on_exam.get(*e), 7, look));
        }
        let _ = writeln!(out, " {:>5}", row.leeches.len());
    }
}

/// A share as a whole percentage, or `-` when there is none.
fn percent(share: Option<f64>) -> String {
    share.map_or_else(|| "-".to_owned(), crate::percent::show)
}

/// A recall share, right-aligned in `width`, coloured by how safe it is.
fn recall(share: Option<f64>, width: usize, look: &Look) -> String {
    let text = format!("{:>width$}", percent(share));
    let color = match share {
        Some(s) if s < 0.7 => Color::Red,
        Some(s) if s < 0.85 => Color::Yellow,
        Some(_) => Color::Green,
        None => return text,
    };
    paint(&text, color, look.color)
}

/// `text` cut or padded to exactly `width` terminal columns.
fn fit(text: &str, width: usize, glyphs: &Glyphs) -> String {
    let mut out = String::new();
    let mut used = 0;
    let total: usize = text.chars().map(|c| c.width().unwrap_or(0)).sum();
    if total <= width {
        out.push_str(text);
        used = total;
    } else {
        for c in text.chars() {
            let w = c.width().unwrap_or(0);
            if used + w + 1 > width {
                break;
            }
            out.push(c);
            used += w;
        }
        out.push(glyphs.ellipsis);
        used += 1;
    }
    out.push_str(&" ".repeat(width.saturating_sub(used)));
    out
}

fn at_risk(stats: &Stats, look: &Look, out: &mut String) {
    if stats.at_risk.iter().all(|t| t.cards.is_empty()) {
        return;
    }
    let _ = writeln!(out, "\n{}", heading("Most at risk", look));
    for topic in &stats.at_risk {
        let _ = writeln!(out, "  {}", topic.tag);
        // The prompt says which card it is; the key, on its own line so it is never cut
        // short, says where to find it.
        for card in &topic.cards {
            let lead = format!("    {:>4}  ", percent(Some(card.recall_now)));
            let leech = if card.leech { "[leech] " } else { "" };
            let room = WIDTH - 1 - lead.chars().count();
            let prompt = fit(&format!("{leech}{}", card.prompt), room, &look.glyphs);
            let _ = writeln!(out, "{lead}{}", prompt.trim_end());
            let key = fit(&card.key, room, &look.glyphs);
            let _ = writeln!(
                out,
                "{:width$}{}",
                "",
                key.trim_end(),
                width = lead.chars().count()
            );
        }
    }
}

fn counts(stats: &Stats, look: &Look, out: &mut String) {
    let c = &stats.counts;
    let dot = look.glyphs.dot;
    let _ = writeln!(
        out,
        "\nCards: {} new {dot} {} learning {dot} {} review {dot} {} leech {dot} {} suspended",
        c.new, c.learning, c.review, c.leech, c.suspended
    );
    let _ = writeln!(
        out,
        "Today: {} review{} done {dot} {} due {dot} streak {} day{} {dot} {} review{} in all",
        c.reviews_today,
        plural(c.reviews_today),
        c.due_today,
        stats.streak,
        plural(u64::from(stats.streak)),
        stats.reviews_total,
        plural(stats.reviews_total)
    );
}

fn plural(n: u64) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// One cell of 5 columns a day (14 days in 70): the count, a bar 3 wide, the day of the month.
fn forecast(stats: &Stats, look: &Look, out: &mut String) {
    let _ = writeln!(
        out,
        "\n{}",
        heading(
            &format!("Due in the next {FORECAST_DAYS} days (overdue counted today)"),
            look
        )
    );
    let values: Vec<usize> = stats.forecast.iter().map(|d| d.due).collect();
    let mut numbers = String::new();
    let mut days = String::new();
    for (i, day) in stats.forecast.iter().enumerate() {
        let _ = write!(numbers, "{:^5}", day.due);
        let label = if i == 0 {
            "today"
        } else {
            day.date.get(8..10).unwrap_or("")
        };
        let _ = write!(days, "{label:^5}");
    }
    let _ = writeln!(out, "{}", numbers.trim_end());
    for line in charts::columns(&values, 4, 3, 2, &look.glyphs, look.color) {
        let _ = writeln!(out, " {line}");
    }
    let _ = writeln!(out, "{}", days.trim_end());
}

fn heatmap(stats: &Stats, look: &Look, out: &mut String) {
    let _ = writeln!(
        out,
        "\n{}",
        heading(&format!("Reviews, last {HEATMAP_WEEKS} weeks"), look)
    );
    let Ok(first) = stats.heatmap.first_day.parse() else {
        return;
    };
    for line in charts::heatmap(
        first,
        &stats.heatmap.reviews,
        HEATMAP_WEEKS as usize,
        &look.glyphs,
        look.color,
    ) {
        let _ = writeln!(out, "{line}");
    }
}

fn exam_view(stats: &Stats, look: &Look, out: &mut String) {
    if stats.exams.is_empty() {
        let _ = writeln!(
            out,
            "\nNo exam date set: add `[exams] prelims = YYYY-MM-DD` (and `mains`) to config.toml."
        );
        return;
    }
    let _ = writeln!(out, "\n{}", heading("Exams", look));
    crate::plan::render::pace(out, &stats.new_pace, "  ");
    for e in &stats.exams {
        if e.days_left < 0 {
            let _ = writeln!(out, "  {:<8} {}  (past)", e.exam.as_str(), e.date);
            continue;
        }
        let when = match e.days_left {
            0 => "today".to_owned(),
            1 => "tomorrow".to_owned(),
            n => format!("in {n} days"),
        };
        let pad = " ".repeat(11);
        let _ = writeln!(out, "  {:<8} {}, {when}", e.exam.as_str(), e.date);
        let range = match e.recall_on_schedule_range {
            Some([low, high]) if percent(Some(low)) != percent(Some(high)) => {
                format!(" (runs: {} to {})", percent(Some(low)), percent(Some(high)))
            }
            _ => String::new(),
        };
        if e.recall_on_schedule.is_some() {
            let _ = writeln!(
                out,
                "{pad}{} recalled if you keep to the schedule{range}",
                recall(e.recall_on_schedule, 0, look),
            );
        } else {
            let _ = writeln!(
                out,
                "{pad}`smriti plan` shows what keeping to the schedule gives"
            );
        }
        let _ = writeln!(
            out,
            "{pad}{} with no more reviews; {}/{} cards seen, {} new to come",
            percent(e.recall_no_review),
            e.seen,
            e.cards,
            e.new_introduced
        );
        if e.recall_on_schedule.is_some() {
            let still_new = e.cards.saturating_sub(e.seen + e.new_introduced);
            crate::plan::render::caveats(out, e.seen, e.cards, still_new);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_locale_decides_unicode_with_lc_all_first() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(name, _)| *name == k)
                    .map(|(_, v)| (*v).to_owned())
            }
        };
        assert!(utf8_locale(env(&[("LANG", "en_IN.UTF-8")])));
        assert!(utf8_locale(env(&[("LC_CTYPE", "C.utf8"), ("LANG", "C")])));
        assert!(!utf8_locale(env(&[
            ("LC_ALL", "C"),
            ("LANG", "en_IN.UTF-8")
        ])));
        assert!(utf8_locale(env(&[("LC_ALL", ""), ("LANG", "en_IN.UTF-8")])));
        assert!(!utf8_locale(env(&[])));
    }

    #[test]
    fn a_missing_share_is_a_dash() {
        assert_eq!(percent(Some(0.5)), "50%");
        assert_eq!(percent(None), "-");
    }

    #[test]
    fn fit_pads_or_cuts_to_the_width() {
        assert_eq!(fit("abc", 5, &UNICODE), "abc  ");
        assert_eq!(fit("abcdefgh", 5, &UNICODE), "abcd…");
        assert_eq!(fit("abcdefgh", 5, &ASCII), "abcd~");
        let cut = fit("भारत-अमेरिका-संबंध", 6, &UNICODE);
        assert_eq!(unicode_width::UnicodeWidthStr::width(cut.as_str()), 6);
    }
}
