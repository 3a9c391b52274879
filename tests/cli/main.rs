//! Integration tests: the real binary against a temporary SMRITI_HOME.
//! One test binary (faster to build); one module per command.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod add;
mod add_tty;
mod bounds;
mod budget;
mod builtin_decks;
mod cards;
mod check;
mod check_dates;
mod dates_on_screen;
mod devices;
mod edit;
mod env;
mod exam_counts;
mod export;
mod hold;
mod import;
mod import_anki;
mod kill;
mod mock;
mod new_order;
mod next_review;
mod optimize;
mod patches;
mod paths;
mod plan;
mod pty;
mod quiz;
mod resilient;
mod signals;
mod stats;
mod store;
mod timezone;
mod tui;
mod tui_previews;
mod usage;
