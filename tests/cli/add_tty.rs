//! `smriti add` in a terminal, driven through a real pseudo-terminal: the prompts are read
//! as they appear and answered with keystrokes, so no test waits on a clock.

use std::fs;
use std::io::{Read, Write};
use std::sync::mpsc::{self, Receiver};
use std::time::Duration;

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

use crate::env::{Env, NOW, bin};

/// A running `smriti` on a pseudo-terminal, and everything it has written so far.
struct Tty {
    child: Box<dyn Child + Send + Sync>,
    _master: Box<dyn MasterPty + Send>,
    writer: Box<dyn Write + Send>,
    output: Receiver<Vec<u8>>,
    seen: String,
    /// Where the next `expect` starts looking, so an old prompt is not matched twice.
    from: usize,
}

impl Tty {
    fn spawn(env: &Env, args: &[&str]) -> Tty {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows: 40,
                cols: 120,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        let mut cmd = CommandBuilder::new(bin());
        cmd.env_clear();
        cmd.env("SMRITI_HOME", env.path());
        cmd.env("SMRITI_NOW", NOW);
        cmd.env("SMRITI_SEED", "42");
        cmd.env("TZ", "UTC");
        cmd.env("TERM", "xterm");
        cmd.env("NO_COLOR", "1");
        cmd.args(args);
        let child = pair.slave.spawn_command(cmd).unwrap();
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().unwrap();
        let writer = pair.master.take_writer().unwrap();
        let (send, output) = mpsc::channel();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 || send.send(buf[..n].to_vec()).is_err() {
                    break;
                }
            }
        });
        Tty {
            child,
            _master: pair.master,
            writer,
            output,
            seen: String::new(),
            from: 0,
        }
    }

    /// Reads until `text` appears after the last match. The timeout only turns a hang into
    /// a failure; nothing depends on how fast the program is.
    fn expect(&mut self, text: &str) {
        loop {
            if let Some(i) = self.seen[self.from..].find(text) {
                self.from += i + text.len();
                return;
            }
            match self.output.recv_timeout(Duration::from_secs(60)) {
                Ok(bytes) => self.seen.push_str(&String::from_utf8_lossy(&bytes)),
                Err(_) => panic!("never saw {text:?}; output so far:\n{}", self.seen),
            }
        }
    }

    fn send(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }

    fn exit_code(&mut self) -> u32 {
        self.child.wait().unwrap().exit_code()
    }
}

#[test]
fn a_card_is_asked_for_previewed_and_written_after_confirming() {
    let env = Env::new();
    let mut tty = Tty::spawn(&env, &["add", "--deck", "my-notes"]);
    tty.expect("Kind:");
    tty.expect("basic");
    tty.send("\r");
    tty.expect("Question:");
    tty.send("What does BECA stand for?\r");
    tty.expect("Answer:");
    tty.send("Basic Exchange and Cooperation Agreement\r");
    tty.expect("Tags:");
    // Tab completes a tag of the built-in decks from its prefix.
    tty.send("foundational-p\t");
    tty.expect("foundational-pacts");
    tty.send("\r");
    tty.expect("Source:");
    tty.send("class notes\r");
    tty.expect("Explanation (optional):");
    tty.send("\r");
    tty.expect("── my-notes/beca-stand · foundational-pacts · basic");
    tty.expect("Answer: Basic Exchange and Cooperation Agreement");
    tty.expect("Add this card?");
    tty.send("y\r");
    tty.expect("added \"my-notes/beca-stand\"");
    assert_eq!(tty.exit_code(), 0, "{}", tty.seen);

    let text = fs::read_to_string(env.path().join("decks/my-notes.toml")).unwrap();
    assert!(
        text.ends_with(
            "[[card]]\nid = \"beca-stand\"\nkind = \"basic\"\nq = \"What does BECA stand for?\"\n\
             a = \"Basic Exchange and Cooperation Agreement\"\ntags = [\"foundational-pacts\"]\n\
             source = \"class notes\"\n"
        ),
        "{text}"
    );
    env.cmd(&["check"]).assert().success();
}

#[test]
fn ctrl_c_at_a_prompt_writes_nothing_and_exits_130() {
    let env = Env::new();
    let mut tty = Tty::spawn(&env, &["add"]);
    tty.expect("Kind:");
    tty.send("\r");
    tty.expect("Question:");
    tty.send("Half a question");
    tty.expect("Half a question");
    tty.send("\x03");
    tty.expect("nothing was written");
    assert_eq!(tty.exit_code(), 130, "{}", tty.seen);
    assert!(!env.path().join("decks").exists());
}

#[test]
fn esc_cancels_and_leaves_the_deck_as_it_was() {
    let env = Env::new();
    let deck = "# mine\n[deck]\nid = \"mine\"\nexam = \"prelims\"\n";
    let path = env.write_deck("mine.toml", deck);
    let mut tty = Tty::spawn(&env, &["add", "--deck", "mine", "--kind", "cloze"]);
    tty.expect("Text with {{gaps}}:");
    tty.send("\x1b");
    tty.expect("cancelled; nothing was written");
    assert_eq!(tty.exit_code(), 1, "{}", tty.seen);
    assert_eq!(fs::read_to_string(path).unwrap(), deck);
}

#[test]
fn flags_given_in_a_terminal_are_not_asked_again() {
    let env = Env::new();
    let deck = "[deck]\nid = \"mine\"\nexam = \"prelims\"\n\n[[card]]\nid = \"old\"\nq = \"Old?\"\na = \"A\"\nsource = \"book, ch. 2\"\n";
    let path = env.write_deck("mine.toml", deck);
    let args = [
        "add",
        "--deck",
        "mine",
        "--q",
        "New?",
        "--a",
        "B",
        "--tag",
        "t",
        "--explain",
        "",
    ];
    let mut tty = Tty::spawn(&env, &args);
    // Only the source is missing; the last card's source is offered, Enter takes it.
    tty.expect("Source:");
    tty.expect("book, ch. 2");
    tty.send("\r");
    tty.expect("── mine/new · t · basic");
    tty.expect("Add this card?");
    tty.send("y\r");
    tty.expect("added \"mine/new\"");
    assert_eq!(tty.exit_code(), 0, "{}", tty.seen);
    assert!(!tty.seen.contains("Kind:") && !tty.seen.contains("Question:"));
    let text = fs::read_to_string(path).unwrap();
    assert!(text.starts_with(deck));
    assert!(
        text.ends_with("tags = [\"t\"]\nsource = \"book, ch. 2\"\n"),
        "{text}"
    );
}
