//! A real pseudo-terminal for tests of the terminal front ends: keys in, screen text out.
//! Every wait reads until the expected text appears; the time limit only turns a hang into
//! a failure.

use std::io::{Read, Write};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

use crate::env::{Env, NOW, bin};

/// Only a guard against a hung test: every wait ends as soon as the text appears.
pub const GIVE_UP_AFTER: Duration = Duration::from_secs(60);

pub const LEAVE_ALTERNATE_SCREEN: &str = "\u{1b}[?1049l";
pub const SHOW_CURSOR: &str = "\u{1b}[?25h";

pub struct Term {
    master: Box<dyn MasterPty + Send>,
    child: Box<dyn Child + Send + Sync>,
    writer: Box<dyn Write + Send>,
    output: Receiver<Vec<u8>>,
    /// Everything read so far, raw.
    raw: Vec<u8>,
    /// How much of the text (escape sequences removed) earlier waits have used up.
    seen: usize,
}

impl Term {
    pub fn start(
        env: &Env,
        args: &[&str],
        extra_env: &[(&str, &str)],
        cols: u16,
        rows: u16,
    ) -> Term {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("open a pseudo-terminal");
        let mut cmd = CommandBuilder::new(bin());
        cmd.env_clear();
        cmd.env("SMRITI_HOME", env.path());
        cmd.env("SMRITI_NOW", NOW);
        cmd.env("SMRITI_SEED", "42");
        cmd.env("SMRITI_DEVICE", "test");
        cmd.env("TZ", "UTC");
        cmd.env("TERM", "xterm-256color");
        for (k, v) in extra_env {
            cmd.env(k, v);
        }
        for a in args {
            cmd.arg(a);
        }
        let child = pair.slave.spawn_command(cmd).expect("spawn smriti");
        // Our copy of the terminal's other end must close, so reading ends when smriti exits.
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().expect("pty reader");
        let writer = pair.master.take_writer().expect("pty writer");
        let (tx, output) = channel();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            loop {
                match reader.read(&mut buf) {
                    Ok(0) => break,
                    Ok(n) => {
                        if tx.send(buf[..n].to_vec()).is_err() {
                            break;
                        }
                    }
                    // A signal landing in the test process must not end the reading early.
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(e) => {
                        let _ = tx.send(format!("\n[pty read failed: {e}]").into_bytes());
                        break;
                    }
                }
            }
        });
        Term {
            master: pair.master,
            child,
            writer,
            output,
            raw: Vec::new(),
            seen: 0,
        }
    }

    /// The output as text: escape sequences removed, the no-break spaces of the key hints
    /// read as spaces.
    pub fn text(&self) -> String {
        strip_escapes(&String::from_utf8_lossy(&self.raw)).replace('\u{a0}', " ")
    }

    /// Reads until `needle` appears in the text after what earlier waits matched.
    pub fn wait_for(&mut self, needle: &str) {
        let deadline = Instant::now() + GIVE_UP_AFTER;
        loop {
            let text = self.text();
            if let Some(at) = text[self.seen.min(text.len())..].find(needle) {
                self.seen += at + needle.len();
                return;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            match self.output.recv_timeout(left) {
                Ok(bytes) => self.raw.extend(bytes),
                Err(RecvTimeoutError::Timeout) => {
                    panic!("{needle:?} never appeared; the screen so far:\n{text}")
                }
                Err(RecvTimeoutError::Disconnected) => {
                    let status = self.child.wait().map(|s| s.exit_code());
                    panic!(
                        "{needle:?} never appeared before the terminal closed (smriti's exit: \
                         {status:?}); the screen so far:\n{text}"
                    )
                }
            }
        }
    }

    /// Reveals the answer of the card on screen, `question` and then `answer` waited for, and
    /// gives the last drawing of the grade keys' row on (rows are drawn by cursor moves, so
    /// the text runs on from it).
    pub fn reveal_keys(&mut self, question: &str, answer: &str) -> String {
        self.wait_for(question);
        self.send(" ");
        self.wait_for(answer);
        // The row after the grade keys: the keys' row is all there by then.
        self.wait_for("e why");
        let text = self.text();
        let at = text.rfind("1 again ").expect(&text);
        text[at..].to_string()
    }

    pub fn send(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).expect("write keys");
        self.writer.flush().expect("flush keys");
    }

    /// Waits for smriti to exit and for the rest of its output; returns the exit code.
    pub fn finish(&mut self) -> u32 {
        let status = self.child.wait().expect("wait for smriti");
        while let Ok(bytes) = self.output.recv_timeout(GIVE_UP_AFTER) {
            self.raw.extend(bytes);
        }
        status.exit_code()
    }

    /// The process id of smriti, to send it a signal.
    pub fn pid(&self) -> u32 {
        self.child.process_id().expect("smriti is running")
    }

    pub fn raw_text(&self) -> String {
        String::from_utf8_lossy(&self.raw).into_owned()
    }

    /// The terminal's line discipline flags, to compare before and after a run.
    pub fn local_flags(&self) -> String {
        self.master
            .get_termios()
            .map(|t| format!("{:?}", t.local_flags))
            .unwrap_or_default()
    }
}

/// The text of the output with escape sequences (CSI, OSC, others) removed.
pub fn strip_escapes(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\u{1b}' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('[') => {
                for c in chars.by_ref() {
                    if ('\u{40}'..='\u{7e}').contains(&c) {
                        break;
                    }
                }
            }
            Some(']') => {
                while let Some(c) = chars.next() {
                    if c == '\u{7}' || (c == '\u{1b}' && chars.next_if_eq(&'\\').is_some()) {
                        break;
                    }
                }
            }
            _ => {}
        }
    }
    out
}

impl Term {
    /// Hangs up the terminal, as a dropped SSH connection or a closed window does: the
    /// kernel sends SIGHUP to the terminal's session. (Closing our end here would not do it,
    /// since the reader thread holds a copy of it.) Returns smriti's exit code, or `None` if
    /// it did not exit within the limit.
    pub fn hang_up(self) -> Option<u32> {
        let Term { mut child, .. } = self;
        let pid = child.process_id()?;
        let _ = std::process::Command::new("kill")
            .args(["-HUP", &pid.to_string()])
            .status();
        let deadline = Instant::now() + GIVE_UP_AFTER;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = child.try_wait() {
                return Some(status.exit_code());
            }
            std::thread::yield_now();
        }
        let _ = child.kill();
        None
    }
}
