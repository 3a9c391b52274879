//! Ctrl-C and SIGTERM end a session the way `q` does (every answer kept, the summary or the
//! paper's report printed), with the exit code a shell expects: 130 and 143.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdout};

use crate::env::{Env, basic_deck};
use crate::pty::{LEAVE_ALTERNATE_SCREEN, Term};

/// Sends `signal` (`INT`, `TERM`) to the process.
fn signal(pid: u32, signal: &str) {
    let status = std::process::Command::new("kill")
        .args([&format!("-{signal}"), &pid.to_string()])
        .status()
        .expect("run kill");
    assert!(status.success());
}

/// Reads lines until one contains `needle`; returns everything read.
fn read_until(stdout: &mut BufReader<ChildStdout>, needle: &str) -> String {
    let mut all = String::new();
    let mut line = String::new();
    while stdout.read_line(&mut line).expect("read stdout") > 0 {
        all.push_str(&line);
        if line.contains(needle) {
            return all;
        }
        line.clear();
    }
    panic!("{needle:?} never appeared:\n{all}")
}

/// Starts a plain session, feeds `input`, waits for `needle`, sends `sig`; returns the exit
/// code and the whole output.
fn signalled(env: &Env, args: &[&str], input: &str, needle: &str, sig: &str) -> (i32, String) {
    let mut child: Child = env.spawn(args);
    // Keep stdin open: the session must end on the signal, not at the end of input.
    let mut stdin = child.stdin.take().expect("stdin");
    stdin.write_all(input.as_bytes()).expect("write input");
    stdin.flush().expect("flush input");
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let mut out = read_until(&mut stdout, needle);
    signal(child.id(), sig);
    stdout.read_to_string(&mut out).expect("read the rest");
    let status = child.wait().expect("wait");
    drop(stdin);
    (status.code().unwrap_or(-1), out)
}

#[test]
fn ctrl_c_or_sigterm_in_plain_mode_prints_the_summary_and_exits_128_plus_the_signal() {
    for (sig, code_wanted) in [("INT", 130), ("TERM", 143)] {
        let env = Env::new();
        env.write_deck("t.toml", &basic_deck(3));
        let (code, out) = signalled(
            &env,
            &["quiz", "--plain", "--deck", "t"],
            "\n3\n",
            "Question 1?",
            sig,
        );
        assert_eq!(code, code_wanted, "SIG{sig}: {out}");
        assert!(out.contains("Session done: 1 answered"), "SIG{sig}: {out}");
        assert_eq!(env.reviews().len(), 1, "SIG{sig}");
    }
}

#[test]
fn sigterm_hands_a_mock_paper_in_and_exits_143() {
    let env = Env::new();
    env.write_deck(
        "m.toml",
        "[deck]\nid = \"m\"\nname = \"Mock\"\nexam = \"prelims\"\n\n[[card]]\nid = \"a\"\nkind = \"mcq\"\nq = \"COMCASA signed in?\"\na = \"2018\"\noptions = [\"2016\", \"2018\", \"2020\", \"2002\"]\nsource = \"s\"\n\n[[card]]\nid = \"b\"\nkind = \"mcq\"\nq = \"BECA signed in?\"\na = \"2020\"\noptions = [\"2016\", \"2018\", \"2020\", \"2002\"]\nsource = \"s\"\n",
    );
    let (code, out) = signalled(
        &env,
        &["quiz", "--plain", "--deck", "m", "--mock", "2"],
        "a\n",
        "── Q 2/2",
        "TERM",
    );
    assert_eq!(code, 143, "{out}");
    assert!(
        out.contains("(1 blank of 2)") || out.contains("1 blank of 2"),
        "{out}"
    );
    assert_eq!(env.reviews().len(), 1, "the answer given is graded");
}

#[test]
fn sigterm_in_the_terminal_restores_it_prints_the_summary_and_exits_143() {
    let env = Env::new();
    env.write_deck("t.toml", &basic_deck(3));
    let mut t = Term::start(&env, &["quiz", "--deck", "t"], &[], 80, 24);
    let cooked = t.local_flags();
    t.wait_for("Question 0?");
    t.send(" ");
    t.send("3");
    t.wait_for("Question 1?");
    signal(t.pid(), "TERM");
    t.wait_for("Session done: 1 answered");
    assert_eq!(t.finish(), 143, "{}", t.text());
    assert!(t.raw_text().contains(LEAVE_ALTERNATE_SCREEN));
    assert_eq!(t.local_flags(), cooked, "raw mode was left on");
    assert_eq!(env.reviews().len(), 1);
}
