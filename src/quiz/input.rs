//! Lines for the plain front ends, with the signals that end a session among them. A read of
//! stdin is restarted after a signal, so a Ctrl-C or SIGTERM caught while waiting for a line
//! would only be seen after the next one: stdin is read on a thread instead, and the signal
//! arrives as an input of its own, so the session ends at once with its summary printed and
//! every answer saved, as the full-screen quiz does. Tests and scripts pass any `BufRead`.

use std::io::{self, BufRead};
use std::sync::Arc;
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::mpsc::{Receiver, channel};

#[cfg(unix)]
use signal_hook::consts::SIGINT;

use super::plain::Ended;

/// Where no signal is caught, none is ever pending; the number keeps `signal` the same.
#[cfg(not(unix))]
const SIGINT: i32 = 2;

/// What the front end reads next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// A line, without its line ending.
    Line(String),
    /// End of input.
    End,
    /// A signal asked the session to end (Ctrl-C, SIGTERM).
    Signal(Ended),
}

pub trait LineSource {
    fn next_input(&mut self) -> io::Result<Input>;
}

impl<R: BufRead> LineSource for R {
    fn next_input(&mut self) -> io::Result<Input> {
        let mut buf = String::new();
        if self.read_line(&mut buf)? == 0 {
            return Ok(Input::End);
        }
        Ok(Input::Line(buf.trim_end_matches(['\n', '\r']).to_owned()))
    }
}

/// Stdin read on a thread, with SIGINT and SIGTERM caught for as long as it lives (on Unix;
/// elsewhere Ctrl-C ends the process as before).
pub struct SignalledStdin {
    /// Lines from the reading thread; `None` is a signal's wake-up.
    lines: Receiver<Option<io::Result<Input>>>,
    /// The last signal caught and not yet reported; 0 for none. A signal is reported before
    /// any line already read, so a session does not go on answering from a piped script.
    pending: Arc<AtomicI32>,
    #[cfg(unix)]
    handle: signal_hook::iterator::Handle,
}

impl SignalledStdin {
    pub fn start() -> io::Result<SignalledStdin> {
        let (tx, lines) = channel();
        let pending = Arc::new(AtomicI32::new(0));
        #[cfg(unix)]
        let handle = {
            use signal_hook::consts::{SIGINT, SIGTERM};
            let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM])?;
            let handle = signals.handle();
            let (tx, pending) = (tx.clone(), Arc::clone(&pending));
            std::thread::spawn(move || {
                for signal in signals.forever() {
                    pending.store(signal, Ordering::SeqCst);
                    // Wakes a reader waiting on a line; the signal itself is read from
                    // `pending`.
                    if tx.send(None).is_err() {
                        break;
                    }
                }
            });
            handle
        };
        std::thread::spawn(move || {
            let mut stdin = io::stdin().lock();
            loop {
                let next = stdin.next_input();
                let last = !matches!(next, Ok(Input::Line(_)));
                if tx.send(Some(next)).is_err() || last {
                    break;
                }
            }
        });
        Ok(SignalledStdin {
            lines,
            pending,
            #[cfg(unix)]
            handle,
        })
    }

    fn signal(&self) -> Option<Ended> {
        match self.pending.swap(0, Ordering::SeqCst) {
            0 => None,
            SIGINT => Some(Ended::Interrupted),
            _ => Some(Ended::Terminated),
        }
    }
}

impl LineSource for SignalledStdin {
    fn next_input(&mut self) -> io::Result<Input> {
        if let Some(ended) = self.signal() {
            return Ok(Input::Signal(ended));
        }
        loop {
            let next = self.lines.recv().unwrap_or(Some(Ok(Input::End)));
            // A line that raced with a signal comes after it.
            if let Some(ended) = self.signal() {
                return Ok(Input::Signal(ended));
            }
            if let Some(next) = next {
                return next;
            }
        }
    }
}

#[cfg(unix)]
impl Drop for SignalledStdin {
    fn drop(&mut self) {
        self.handle.close();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reader_gives_lines_without_their_endings_then_the_end() {
        let mut input: &[u8] = b"b?\r\n\nq";
        let mut next = || input.next_input().unwrap();
        assert_eq!(next(), Input::Line("b?".into()));
        assert_eq!(next(), Input::Line(String::new()));
        assert_eq!(next(), Input::Line("q".into()));
        assert_eq!(next(), Input::End);
    }
}
