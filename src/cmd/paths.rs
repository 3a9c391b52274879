//! `smriti paths`: where everything lives and which settings are in effect, so a user can find
//! and back up their data and see what the config file changed. It needs only the home and
//! the config, and shows the paths even when the config is invalid (then exits 1 with the
//! config's error), since finding that file is what the user needs then.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result};
use jiff::tz::TimeZone;
use serde::Serialize;

use crate::cli::{Cli, PathsArgs};
use crate::config::{self, Config};
use crate::exit::Exit;
use crate::paths::Home;
use crate::store::devices;

#[derive(Debug, Serialize)]
pub struct Report {
    /// Where each thing lives.
    pub paths: Paths,
    /// Whether `config.toml` exists; without it the defaults apply.
    pub config_exists: bool,
    /// This machine's device id (its journal is `state/devices/<id>.tsv`); null until the
    /// first answer makes one, unless it is set.
    pub device: Option<String>,
    pub settings: Settings,
}

#[derive(Debug, Serialize)]
pub struct Paths {
    /// The home folder: state, decks and caches (back this up, with the config).
    pub home: PathBuf,
    pub state: PathBuf,
    pub journal: PathBuf,
    pub backups: PathBuf,
    pub decks: PathBuf,
    pub config: PathBuf,
    pub cache: PathBuf,
}

#[derive(Debug, Serialize)]
pub struct Settings {
    pub desired_retention: f32,
    pub new_per_day: u32,
    pub day_start_hour: u8,
    /// Most cards a study day asks, and the minutes a day if set (null otherwise).
    pub max_reviews_per_day: u32,
    pub minutes_per_day: Option<u32>,
    /// The zone that decides the study day.
    pub timezone: String,
    /// `config` or `system`.
    pub timezone_from: &'static str,
    /// Exam dates as YYYY-MM-DD, or null.
    pub prelims: Option<String>,
    pub mains: Option<String>,
    /// `interleave` or `deck`: how new cards of several decks take turns.
    pub new_order: crate::config::NewOrder,
    /// `fitted` (from the config) or `default` (the fsrs crate's).
    pub parameters_from: &'static str,
    pub parameters: Vec<f32>,
}

pub fn paths(cli: &Cli, args: &PathsArgs, out: &mut dyn Write) -> Result<Exit> {
    let home = Home::resolve(cli.home.as_deref())?;
    let config = config::load(&home.config);
    let set = config
        .as_ref()
        .ok()
        .and_then(|c| crate::app::device(c).ok().flatten());
    let device = set.or_else(|| devices::known_id(&home.state()).ok().flatten());
    let paths = Paths {
        home: home.data.clone(),
        state: home.state(),
        journal: devices::own_journal(&home.state(), device.as_deref()),
        backups: home.backups(),
        decks: home.decks(),
        config: home.config.clone(),
        cache: home.cache(),
    };
    let config = match config {
        Ok(config) => config,
        Err(e) => {
            write_paths(&paths, out)?;
            write_device(device.as_deref(), out)?;
            return Err(e).context("the settings cannot be shown until the config is fixed");
        }
    };
    let report = Report {
        config_exists: home.config.is_file(),
        device,
        settings: settings(&config),
        paths,
    };
    if args.json {
        let text = serde_json::to_string_pretty(&report).context("cannot serialise the paths")?;
        writeln!(out, "{text}")?;
    } else {
        write_text(&report, out)?;
    }
    Ok(Exit::Success)
}

fn settings(config: &Config) -> Settings {
    let (zone, timezone_from) = match &config.timezone {
        Some(zone) => (zone.clone(), "config"),
        None => (crate::zone::system(), "system"),
    };
    let fitted = !config.fsrs_parameters.is_empty();
    Settings {
        desired_retention: config.desired_retention,
        new_per_day: config.new_per_day,
        day_start_hour: config.day_start_hour,
        max_reviews_per_day: config.max_reviews_per_day,
        minutes_per_day: config.minutes_per_day,
        timezone: zone_name(&zone),
        timezone_from,
        prelims: config.prelims.map(|d| d.to_string()),
        mains: config.mains.map(|d| d.to_string()),
        new_order: config.new_order,
        parameters_from: if fitted { "fitted" } else { "default" },
        parameters: if fitted {
            config.fsrs_parameters.clone()
        } else {
            fsrs::DEFAULT_PARAMETERS.to_vec()
        },
    }
}

/// The zone's IANA name; a zone without one (a `TZ` rule string) by its offset now.
fn zone_name(zone: &TimeZone) -> String {
    zone.iana_name().map_or_else(
        || format!("UTC{}", zone.to_offset(jiff::Timestamp::now())),
        str::to_owned,
    )
}

fn write_paths(p: &Paths, out: &mut dyn Write) -> Result<()> {
    let rows = [
        ("home", &p.home, "back this folder up, with the config"),
        ("state", &p.state, "your answers and schedule"),
        ("journal", &p.journal, "this machine's answers, appended"),
        ("backups", &p.backups, "daily copies of the journal"),
        ("decks", &p.decks, "your decks, studied by default"),
        ("config", &p.config, "settings"),
        ("cache", &p.cache, "rebuilt when missing; safe to delete"),
    ];
    for (name, path, note) in rows {
        writeln!(out, "{name:<9} {}  ({note})", path.display())?;
    }
    Ok(())
}

fn write_device(device: Option<&str>, out: &mut dyn Write) -> Result<()> {
    match device {
        Some(id) => writeln!(
            out,
            "{:<9} {id}  (this machine; its journal is devices/{id}.tsv)",
            "device"
        )?,
        None => writeln!(
            out,
            "{:<9} none yet  (made at this machine's first answer)",
            "device"
        )?,
    }
    Ok(())
}

fn write_text(r: &Report, out: &mut dyn Write) -> Result<()> {
    write_paths(&r.paths, out)?;
    write_device(r.device.as_deref(), out)?;
    let s = &r.settings;
    writeln!(out)?;
    let from_file = if r.config_exists {
        "settings in effect"
    } else {
        "settings in effect (no config file: the defaults)"
    };
    writeln!(out, "{from_file}:")?;
    let date = |d: &Option<String>| d.clone().unwrap_or_else(|| "not set".to_owned());
    let rows = [
        ("desired_retention", format!("{:.2}", s.desired_retention)),
        ("new_per_day", s.new_per_day.to_string()),
        ("day_start_hour", s.day_start_hour.to_string()),
        ("max_reviews_per_day", s.max_reviews_per_day.to_string()),
        (
            "minutes_per_day",
            s.minutes_per_day
                .map_or_else(|| "not set".to_owned(), |m| m.to_string()),
        ),
        ("timezone", format!("{} ({})", s.timezone, s.timezone_from)),
        ("prelims", date(&s.prelims)),
        ("mains", date(&s.mains)),
        ("new_order", s.new_order.name().to_owned()),
        (
            "parameters",
            format!("{} ({} values)", s.parameters_from, s.parameters.len()),
        ),
    ];
    for (name, value) in rows {
        writeln!(out, "  {name:<18} {value}")?;
    }
    Ok(())
}
