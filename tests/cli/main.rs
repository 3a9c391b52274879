//! Integration tests: the real binary against a temporary SMRITI_HOME.
//! One test binary (faster to build); one module per command.

#![allow(clippy::unwrap_used, clippy::expect_used)]
mod check;
mod env;
mod quiz;
mod stats;
