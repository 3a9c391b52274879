//! Integration tests: the real binary against a temporary SMRITI_HOME.
//! One test binary (faster to build); one module per command.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod add;
mod add_tty;
mod bounds;
mod builtin_decks;
mod check;
mod env;
mod kill;
mod mock;
mod pty;
mod quiz;
mod stats;
mod store;
mod tui;
