//! A study session: which cards, in what order, and what each answer does to the schedule.
//!
//! `session` is the state machine, free of I/O, shared by both front ends, and `paper` its
//! counterpart for a prelims-style mock paper, which `mock` scores; `queue` picks and orders
//! the cards (with an exam ahead, by the due dates `exam_dues` keeps between runs); `options`
//! lays out an mcq; `matching` grades typed answers; `plain` is the line-by-line front end
//! (scripts, tests, no terminal), reading lines and signals through `input`, and `tui` the
//! full-screen one.

pub mod exam_dues;
pub mod input;
pub mod matching;
pub mod mock;
pub mod options;
pub mod paper;
pub mod plain;
pub mod plain_mock;
pub mod queue;
pub mod session;
pub mod summary;
pub mod tui;
