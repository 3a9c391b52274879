//! Where smriti keeps things: `--home DIR`, else `$SMRITI_HOME`, else the platform's folders.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::vars;

#[derive(Debug, Clone)]
pub struct Home {
    /// State and user decks live here.
    pub data: PathBuf,
    /// `config.toml`.
    pub config: PathBuf,
}

impl Home {
    /// `--home` wins over `$SMRITI_HOME` (unless empty), which wins over the platform's data
    /// and config folders.
    pub fn resolve(home: Option<&Path>) -> Result<Home> {
        let from_env = vars::path(vars::HOME);
        if let Some(dir) = home.or(from_env.as_deref()) {
            return Ok(Home::at(dir));
        }
        let data = dirs::data_dir()
            .context("cannot find a data folder for this user; set SMRITI_HOME or pass --home DIR")?
            .join("smriti");
        let config = dirs::config_dir()
            .map(|c| c.join("smriti").join("config.toml"))
            .unwrap_or_else(|| data.join("config.toml"));
        Ok(Home { data, config })
    }

    /// Everything under one folder, as tests and `--home` want it.
    pub fn at(dir: &Path) -> Home {
        Home {
            data: dir.to_path_buf(),
            config: dir.join("config.toml"),
        }
    }

    pub fn decks(&self) -> PathBuf {
        self.data.join("decks")
    }

    pub fn state(&self) -> PathBuf {
        self.data.join("state")
    }

    /// Daily copies of the journal (the store keeps the last few study days).
    pub fn backups(&self) -> PathBuf {
        self.state().join("backups")
    }

    /// What can be rebuilt from the decks and the journal, so is safe to delete.
    pub fn cache(&self) -> PathBuf {
        self.data.join("cache")
    }
}
