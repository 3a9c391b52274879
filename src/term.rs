//! The terminal: whether to use colour (`--color`, `NO_COLOR`).

use std::io::IsTerminal;

use crate::cli::ColorChoice;

/// `always` and `never` are obeyed; `auto` means colour on a terminal unless `NO_COLOR` is set
/// and non-empty (no-color.org).
pub fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::io::stdout().is_terminal()
        }
    }
}
