//! The terminal: whether to use colour (`--color`, `NO_COLOR`), and the one place that takes
//! it over for the full-screen quiz. Raw mode, the alternate screen and the hidden cursor are
//! entered by `Guard::enter` and undone when the guard drops, and by a panic hook as well, so a
//! panic, an error or Ctrl-C never leaves the user's terminal broken (gitui's main.rs does
//! the same).

use std::io::{self, IsTerminal, Write};
use std::sync::Once;

use crossterm::{cursor, execute, style, terminal};

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

/// Whether both ends of the session are a terminal, so the full-screen front end can run.
pub fn is_interactive() -> bool {
    io::stdin().is_terminal() && io::stdout().is_terminal()
}

/// Holds the terminal in raw mode on the alternate screen; restores it when dropped.
pub struct Guard {
    _private: (),
}

impl Guard {
    /// Takes over the terminal. The panic hook is installed first, so even a panic between
    /// here and the guard's drop restores the screen.
    pub fn enter() -> io::Result<Guard> {
        install_panic_hook();
        terminal::enable_raw_mode()?;
        let guard = Guard { _private: () };
        execute!(
            io::stdout(),
            terminal::EnterAlternateScreen,
            cursor::Hide,
            terminal::DisableLineWrap
        )?;
        Ok(guard)
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        restore();
    }
}

/// Takes the terminal over again after `restore` lent it to another program (the user's
/// editor); the guard still gives it back at the end.
pub fn resume() -> io::Result<()> {
    terminal::enable_raw_mode()?;
    execute!(
        io::stdout(),
        terminal::EnterAlternateScreen,
        cursor::Hide,
        terminal::DisableLineWrap,
        terminal::Clear(terminal::ClearType::All)
    )
}

/// Undoes everything `Guard::enter` did. Safe to call more than once, and when nothing was
/// entered: each step is harmless on a terminal already in that state.
pub fn restore() {
    let _ = write_restore(&mut io::stdout());
    let _ = terminal::disable_raw_mode();
}

/// The sequences that give the screen back: colours reset, line wrap on, cursor shown, the
/// alternate screen left. Apart from `restore` so a test can see them with a fake writer.
pub fn write_restore(out: &mut impl Write) -> io::Result<()> {
    execute!(
        out,
        style::ResetColor,
        style::SetAttribute(style::Attribute::Reset),
        terminal::EnableLineWrap,
        cursor::Show,
        terminal::LeaveAlternateScreen
    )
}

/// Restores the terminal before the default hook prints the panic message, so the message
/// lands on the normal screen where the user can read it.
fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore();
            previous(info);
        }));
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn restoring_leaves_the_alternate_screen_and_shows_the_cursor() {
        let mut out = Vec::new();
        write_restore(&mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.contains("\u{1b}[?1049l"),
            "leave alternate screen: {text:?}"
        );
        assert!(text.contains("\u{1b}[?25h"), "show cursor: {text:?}");
        assert!(text.contains("\u{1b}[?7h"), "line wrap back on: {text:?}");
    }
}
