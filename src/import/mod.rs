//! Bringing cards and their history in from other tools. Each format keeps to its own
//! module; `smriti import` picks one by the file's extension (`cmd::import`).

pub mod apkg;
