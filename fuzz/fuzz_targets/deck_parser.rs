//! The deck parser on any text: it returns a deck or located errors, never panics, and
//! stays within its limits.
#![no_main]

use libfuzzer_sys::fuzz_target;
use smriti::deck::Origin;
use smriti::deck::parse::parse_deck;

fuzz_target!(|data: &[u8]| {
    if let Ok(src) = std::str::from_utf8(data)
        && let Err(errors) = parse_deck(src, Origin::Builtin("fuzz.toml"))
    {
        assert!(errors.iter().all(|e| e.line >= 1 && e.col >= 1));
    }
});
