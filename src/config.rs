//! `config.toml`: the user's study settings. A missing file means defaults; an invalid one is
//! an error that names the file and line, never silently ignored.

use std::fs;
use std::path::Path;

use jiff::civil::Date;
use jiff::tz::TimeZone;
use serde::Deserialize;

use crate::deck::Exam;
use crate::deck::parse::Locator;

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Probability of recall the schedule aims for at each review.
    pub desired_retention: f32,
    pub new_per_day: u32,
    /// Local hour at which a study day begins, as in Anki (4 = 4 a.m.).
    pub day_start_hour: u8,
    pub prelims: Option<Date>,
    pub mains: Option<Date>,
    /// FSRS parameters from `optimize`; empty means the crate's defaults.
    pub fsrs_parameters: Vec<f32>,
    /// Most cards (reviews and new) a study day asks, as Anki's review limit.
    pub max_reviews_per_day: u32,
    /// Minutes a day the user can give; with it, the day's cards are also limited to what fits
    /// at the user's own median answer time.
    pub minutes_per_day: Option<u32>,
    /// The zone whose clock decides the study day; `None` means the system's zone.
    pub timezone: Option<TimeZone>,
    /// The order new cards are introduced in across decks.
    pub new_order: NewOrder,
    /// This machine's device id (its journal's name), when set; else the one made once per
    /// machine (see `store::devices`).
    pub device: Option<String>,
}

/// The order new cards of several decks are introduced in. Within a deck it is always the
/// deck's own order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum NewOrder {
    /// Round-robin across decks, so prelims and mains both start in the first week.
    #[default]
    Interleave,
    /// All of the first deck's new cards, then the next deck's.
    Deck,
}

impl NewOrder {
    pub fn name(self) -> &'static str {
        match self {
            NewOrder::Interleave => "interleave",
            NewOrder::Deck => "deck",
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            desired_retention: 0.9,
            new_per_day: 20,
            day_start_hour: 4,
            prelims: None,
            mains: None,
            fsrs_parameters: Vec::new(),
            max_reviews_per_day: 200,
            minutes_per_day: None,
            timezone: None,
            new_order: NewOrder::default(),
            device: None,
        }
    }
}

impl Config {
    pub fn exam_date(&self, exam: Exam) -> Option<Date> {
        match exam {
            Exam::Prelims => self.prelims,
            Exam::Mains => self.mains,
        }
    }
}

#[derive(Debug, thiserror::Error)]
#[error("{path}:{line}:{col}: {message}")]
pub struct ConfigError {
    pub path: String,
    pub line: usize,
    pub col: usize,
    pub message: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    desired_retention: Option<toml::Spanned<f64>>,
    new_per_day: Option<toml::Spanned<i64>>,
    day_start_hour: Option<toml::Spanned<i64>>,
    max_reviews_per_day: Option<toml::Spanned<i64>>,
    minutes_per_day: Option<toml::Spanned<i64>>,
    exams: Option<RawExams>,
    fsrs: Option<RawFsrs>,
    timezone: Option<toml::Spanned<String>>,
    new_order: Option<toml::Spanned<String>>,
    device: Option<toml::Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawExams {
    prelims: Option<toml::Spanned<toml::value::Datetime>>,
    mains: Option<toml::Spanned<toml::value::Datetime>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFsrs {
    parameters: Option<toml::Spanned<Vec<f32>>>,
}

/// Loads the config, or the defaults when the file does not exist.
pub fn load(path: &Path) -> Result<Config, ConfigError> {
    match fs::read_to_string(path) {
        Ok(src) => parse(&src, &path.display().to_string()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Config::default()),
        Err(e) => Err(ConfigError {
            path: path.display().to_string(),
            line: 1,
            col: 1,
            message: format!("cannot read: {e}"),
        }),
    }
}

pub fn parse(src: &str, path: &str) -> Result<Config, ConfigError> {
    let locator = Locator::new(src);
    let fail = |span: Option<std::ops::Range<usize>>, message: String| {
        let (line, col) = locator.locate(span.map_or(0, |s| s.start));
        ConfigError {
            path: path.to_owned(),
            line,
            col,
            message,
        }
    };
    let raw: RawConfig =
        toml::from_str(src).map_err(|e| fail(e.span(), e.message().trim().to_owned()))?;
    let mut config = Config::default();
    if let Some(r) = raw.desired_retention {
        if !(0.7..=0.99).contains(r.get_ref()) {
            return Err(fail(
                Some(r.span()),
                "`desired_retention` must be between 0.70 and 0.99".into(),
            ));
        }
        config.desired_retention = *r.get_ref() as f32;
    }
    if let Some(n) = raw.new_per_day {
        config.new_per_day = u32::try_from(*n.get_ref())
            .ok()
            .filter(|n| *n <= 10_000)
            .ok_or_else(|| {
                fail(
                    Some(n.span()),
                    "`new_per_day` must be a whole number from 0 to 10000".into(),
                )
            })?;
    }
    if let Some(n) = raw.max_reviews_per_day {
        config.max_reviews_per_day = u32::try_from(*n.get_ref())
            .ok()
            .filter(|n| (1..=100_000).contains(n))
            .ok_or_else(|| {
                fail(
                    Some(n.span()),
                    "`max_reviews_per_day` must be a whole number from 1 to 100000".into(),
                )
            })?;
    }
    if let Some(m) = raw.minutes_per_day {
        config.minutes_per_day = Some(
            u32::try_from(*m.get_ref())
                .ok()
                .filter(|m| (1..=1440).contains(m))
                .ok_or_else(|| {
                    fail(
                        Some(m.span()),
                        "`minutes_per_day` must be a whole number of minutes from 1 to 1440".into(),
                    )
                })?,
        );
    }
    if let Some(h) = raw.day_start_hour {
        config.day_start_hour = u8::try_from(*h.get_ref())
            .ok()
            .filter(|h| *h < 24)
            .ok_or_else(|| {
                fail(
                    Some(h.span()),
                    "`day_start_hour` must be an hour from 0 to 23".into(),
                )
            })?;
    }
    if let Some(exams) = raw.exams {
        let date = |d: toml::Spanned<toml::value::Datetime>| -> Result<Date, ConfigError> {
            let span = d.span();
            match (d.get_ref().date, d.get_ref().time) {
                (Some(day), None) => Date::new(day.year as i16, day.month as i8, day.day as i8)
                    .map_err(|e| fail(Some(span), format!("invalid date: {e}"))),
                _ => Err(fail(
                    Some(span),
                    "an exam date is a plain date, e.g. `prelims = 2027-05-23`".into(),
                )),
            }
        };
        config.prelims = exams.prelims.map(date).transpose()?;
        config.mains = exams.mains.map(date).transpose()?;
    }
    if let Some(params) = raw.fsrs.and_then(|f| f.parameters) {
        let span = params.span();
        let list = params.into_inner();
        if !list.is_empty() && fsrs::FSRS::new(&list).is_err() {
            return Err(fail(
                Some(span),
                "`parameters` are not valid FSRS parameters (19 or 21 numbers expected)".into(),
            ));
        }
        config.fsrs_parameters = list;
    }
    if let Some(name) = raw.timezone {
        // Looked up in the system's zone database (/usr/share/zoneinfo; bundled on Windows).
        let zone = crate::zone::named(name.get_ref().trim()).map_err(|_| {
            fail(
                Some(name.span()),
                format!(
                    "`timezone` `{}` is not a time zone this system knows; use an IANA name \
                     such as \"Asia/Kolkata\" or \"UTC\" (if none works, install the system's \
                     tzdata package)",
                    name.get_ref()
                ),
            )
        })?;
        config.timezone = Some(zone);
    }
    if let Some(order) = raw.new_order {
        config.new_order = [NewOrder::Interleave, NewOrder::Deck]
            .into_iter()
            .find(|o| o.name() == order.get_ref().as_str())
            .ok_or_else(|| {
                fail(
                    Some(order.span()),
                    format!(
                        "`new_order` must be \"interleave\" (new cards taken in turn from each \
                         deck) or \"deck\" (one deck after another), not \"{}\"",
                        order.get_ref()
                    ),
                )
            })?;
    }
    if let Some(device) = raw.device {
        crate::store::devices::check_id(device.get_ref())
            .map_err(|reason| fail(Some(device.span()), format!("`device` {reason}")))?;
        config.device = Some(device.into_inner());
    }
    Ok(config)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_keys_take_defaults() {
        assert_eq!(parse("", "c.toml").unwrap(), Config::default());
    }

    #[test]
    fn reads_every_setting() {
        let c = parse(
            "desired_retention = 0.85\nnew_per_day = 5\nday_start_hour = 3\nmax_reviews_per_day = 150\nminutes_per_day = 30\n[exams]\nprelims = 2027-05-23\nmains = 2027-08-20\n",
            "c.toml",
        )
        .unwrap();
        assert_eq!(c.max_reviews_per_day, 150);
        assert_eq!(c.minutes_per_day, Some(30));
        assert_eq!(c.desired_retention, 0.85);
        assert_eq!(c.new_per_day, 5);
        assert_eq!(c.day_start_hour, 3);
        assert_eq!(c.prelims, Some(jiff::civil::date(2027, 5, 23)));
        assert_eq!(c.mains, Some(jiff::civil::date(2027, 8, 20)));
    }

    #[test]
    fn out_of_range_values_name_the_line() {
        let e = parse("new_per_day = 5\nday_start_hour = 25\n", "c.toml").unwrap_err();
        assert_eq!((e.line, e.col), (2, 18));
        assert!(
            e.to_string().starts_with("c.toml:2:18: `day_start_hour`"),
            "{e}"
        );
    }

    #[test]
    fn unknown_keys_and_bad_syntax_are_errors() {
        let e = parse("retention = 0.9\n", "c.toml").unwrap_err();
        assert_eq!(e.line, 1);
        assert!(e.message.contains("retention"), "{e}");
        let e = parse("a = \n", "c.toml").unwrap_err();
        assert_eq!(e.line, 1);
    }

    #[test]
    fn a_budget_of_zero_is_refused() {
        let e = parse("max_reviews_per_day = 0\n", "c.toml").unwrap_err();
        assert!(e.message.contains("max_reviews_per_day"), "{e}");
        let e = parse("minutes_per_day = -5\n", "c.toml").unwrap_err();
        assert!(e.message.contains("minutes_per_day"), "{e}");
    }

    #[test]
    fn a_timezone_is_an_iana_name_the_system_knows() {
        let c = parse("timezone = \"Asia/Kolkata\"\n", "c.toml").unwrap();
        let zone = c.timezone.unwrap();
        assert_eq!(zone.iana_name(), Some("Asia/Kolkata"));
        let e = parse("new_per_day = 5\ntimezone = \"Asia/Kolkatta\"\n", "c.toml").unwrap_err();
        assert_eq!((e.line, e.col), (2, 12));
        assert!(e.message.contains("`Asia/Kolkatta`"), "{e}");
    }

    #[test]
    fn new_order_is_interleave_unless_set_to_deck() {
        assert_eq!(parse("", "c.toml").unwrap().new_order, NewOrder::Interleave);
        let c = parse("new_order = \"deck\"\n", "c.toml").unwrap();
        assert_eq!(c.new_order, NewOrder::Deck);
        let e = parse("new_per_day = 5\nnew_order = \"random\"\n", "c.toml").unwrap_err();
        assert_eq!((e.line, e.col), (2, 13));
        assert!(e.message.contains("`new_order`"), "{e}");
    }

    #[test]
    fn exam_dates_must_be_plain_dates() {
        let e = parse("[exams]\nprelims = 2027-05-23T10:00:00Z\n", "c.toml").unwrap_err();
        assert_eq!(e.line, 2);
    }
}
