//! The environment variables smriti reads. A variable set to the empty string counts as unset,
//! as the `NO_COLOR` convention has it: `SMRITI_HOME= smriti quiz` (a cleared variable, an
//! empty line in a `.env` file) must not mean "a home folder called ''". clap's own `env`
//! support takes an empty value as given, so these are read here instead.

use std::ffi::OsString;
use std::path::PathBuf;

/// `--home` and `--now` fall back to these, in that order of precedence (the flag first).
pub const HOME: &str = "SMRITI_HOME";
pub const NOW: &str = "SMRITI_NOW";
/// Fixes all randomness (option order, interval fuzz), for tests and reproducible runs.
pub const SEED: &str = "SMRITI_SEED";
/// This machine's device id (its journal's name), over `device` in config.toml.
pub const DEVICE: &str = "SMRITI_DEVICE";

/// A variable's value, unless it is unset or empty.
pub fn get(name: &str) -> Option<OsString> {
    non_empty(std::env::var_os(name))
}

pub fn path(name: &str) -> Option<PathBuf> {
    get(name).map(PathBuf::from)
}

/// A variable as text; one that is not valid Unicode is shown lossily, so the error that
/// rejects it can still quote it.
pub fn text(name: &str) -> Option<String> {
    get(name).map(|v| v.to_string_lossy().into_owned())
}

fn non_empty(value: Option<OsString>) -> Option<OsString> {
    value.filter(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_value_counts_as_unset() {
        assert_eq!(non_empty(Some(OsString::new())), None);
        assert_eq!(non_empty(None), None);
        assert_eq!(non_empty(Some("x".into())), Some(OsString::from("x")));
    }
}
