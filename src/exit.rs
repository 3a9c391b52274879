//! How a command ends, one type for every command (as fd's `ExitCode`), and how an error is
//! printed: its chain once, `outer: cause: cause` (as `{:#}` prints an anyhow error). A
//! message either names its cause or chains it, so nothing is stripped by guesswork.

use std::error::Error;

/// The end of a command that ran; an error (exit 1) and a usage error (exit 2) are apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Done as asked: 0.
    Success,
    /// The command ran and the answer is no (a deck is invalid, the user cancelled, there was
    /// nothing to do that was asked for): 1, so scripts can tell.
    Failure,
    /// Ctrl-C: 130, as a shell reports a process that SIGINT ended.
    Interrupted,
    /// SIGTERM: 143, likewise, after the terminal is restored and the answers saved.
    Terminated,
}

impl From<Exit> for std::process::ExitCode {
    fn from(exit: Exit) -> Self {
        match exit {
            Exit::Success => std::process::ExitCode::SUCCESS,
            Exit::Failure => std::process::ExitCode::FAILURE,
            Exit::Interrupted => std::process::ExitCode::from(130),
            Exit::Terminated => std::process::ExitCode::from(143),
        }
    }
}

/// An error and every cause under it, each once, joined by `: `.
pub fn chain(e: &(dyn Error + 'static)) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        text.push_str(": ");
        text.push_str(&c.to_string());
        cause = c.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use anyhow::Context;

    fn io(text: &str) -> std::io::Error {
        std::io::Error::other(text.to_owned())
    }

    #[test]
    fn a_cause_is_printed_even_when_the_message_happens_to_contain_its_text() {
        let e = Err::<(), _>(io("denied"))
            .context("cannot open denied.toml")
            .unwrap_err();
        assert_eq!(chain(e.as_ref()), "cannot open denied.toml: denied");
    }

    #[test]
    fn every_level_of_the_chain_is_printed_once_in_order() {
        let e = Err::<(), _>(io("disk full"))
            .context("cannot write state/journal.tsv")
            .context("cannot save the answer")
            .unwrap_err();
        assert_eq!(
            chain(e.as_ref()),
            "cannot save the answer: cannot write state/journal.tsv: disk full"
        );
        assert_eq!(chain(e.as_ref()), format!("{e:#}"));
    }

    #[test]
    fn located_errors_do_not_repeat_their_io_cause() {
        let e = crate::store::StoreError::Io {
            path: "state/journal.tsv".into(),
            source: io("disk full"),
        };
        assert_eq!(chain(&e), "state/journal.tsv: disk full");
        let e = crate::deck::load::LoadError::Io {
            path: "d.toml".into(),
            source: io("gone"),
        };
        assert_eq!(chain(&e), "cannot read d.toml: gone");
        let e = crate::deck::edit::EditError::Write {
            path: "d.toml".into(),
            source: io("read-only file system"),
        };
        assert_eq!(chain(&e), "cannot write d.toml: read-only file system");
    }

    #[test]
    fn exits_map_to_the_conventional_statuses() {
        use std::process::ExitCode;
        assert_eq!(ExitCode::from(Exit::Success), ExitCode::SUCCESS);
        assert_eq!(ExitCode::from(Exit::Failure), ExitCode::FAILURE);
        assert_eq!(ExitCode::from(Exit::Interrupted), ExitCode::from(130));
    }
}
