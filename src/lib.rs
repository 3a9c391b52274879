//! smriti: spaced-repetition flashcards for UPSC Civil Services aspirants.
//!
//! The binary (`main.rs`) is a thin shell over this library, so integration tests and the
//! benchmark can use the same modules.

pub mod app;
pub mod budget;
pub mod cache_file;
pub mod cli;
pub mod clock;
pub mod cmd;
pub mod config;
pub mod deck;
pub mod editor;
pub mod exit;
pub mod export;
pub mod import;
pub mod info;
pub mod mapped;
pub mod optimize;
pub mod paths;
pub mod percent;
pub mod plan;
pub mod quiz;
pub mod sanitize;
pub mod schedule;
pub mod stats;
pub mod store;
pub mod term;
pub mod vars;
pub mod zone;
