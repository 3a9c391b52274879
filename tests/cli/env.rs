//! A small builder over a temporary home: every command runs the real binary with the
//! environment scrubbed, a fixed clock, a fixed seed and UTC, so results are reproducible.

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use tempfile::TempDir;

/// The default fixed clock of a test: 10:00 UTC, well after the 04:00 day start.
pub const NOW: &str = "2026-11-24T10:00:00Z";
/// The device id every test command runs as (`SMRITI_DEVICE`), so its journal has a known
/// name; the device tests run commands as other devices too.
pub const DEVICE: &str = "test";

pub struct Env {
    pub home: TempDir,
    pub now: String,
}

impl Env {
    pub fn new() -> Env {
        Env {
            home: tempfile::tempdir().expect("temp dir"),
            now: NOW.to_owned(),
        }
    }

    pub fn path(&self) -> &Path {
        self.home.path()
    }

    /// `smriti ARGS` with SMRITI_HOME, SMRITI_NOW, SMRITI_SEED and TZ set and nothing else leaking in.
    pub fn cmd(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(bin());
        for (key, _) in std::env::vars_os() {
            let key = key.to_string_lossy().into_owned();
            if key.starts_with("SMRITI_")
                || key == "NO_COLOR"
                || key == "TZ"
                || key.starts_with("CLICOLOR")
            {
                cmd.env_remove(&key);
            }
        }
        cmd.env("SMRITI_HOME", self.path())
            .env("SMRITI_NOW", &self.now)
            .env("SMRITI_SEED", "42")
            .env("SMRITI_DEVICE", DEVICE)
            .env("TZ", "UTC")
            .args(args);
        cmd
    }

    /// Starts `smriti ARGS` with the test environment and piped stdin and stdout, to drive
    /// line by line (or to kill midway).
    pub fn spawn(&self, args: &[&str]) -> std::process::Child {
        let mut cmd = std::process::Command::new(bin());
        cmd.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("SMRITI_HOME", self.path())
            .env("SMRITI_NOW", &self.now)
            .env("SMRITI_SEED", "1")
            .env("SMRITI_DEVICE", DEVICE)
            .env("TZ", "UTC")
            .args(args)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        cmd.spawn().expect("start smriti")
    }

    /// Runs `smriti ARGS` with `input`, asserts it failed with exit code 1, returns stderr.
    pub fn fails(&self, args: &[&str], input: &str) -> String {
        let out = self
            .cmd(args)
            .write_stdin(input.to_owned())
            .output()
            .expect("run smriti");
        assert_eq!(
            out.status.code(),
            Some(1),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stdout)
        );
        String::from_utf8(out.stderr).expect("utf-8 errors")
    }

    /// Runs `quiz --plain` with the given input lines; returns stdout.
    pub fn quiz(&self, args: &[&str], input: &str) -> String {
        let mut all = vec!["quiz", "--plain"];
        all.extend_from_slice(args);
        let out = self
            .cmd(&all)
            .write_stdin(input.to_owned())
            .output()
            .expect("run quiz");
        assert!(
            out.status.success(),
            "quiz failed: {}\n{}",
            String::from_utf8_lossy(&out.stderr),
            String::from_utf8_lossy(&out.stdout)
        );
        String::from_utf8(out.stdout).expect("utf-8 output")
    }

    /// `smriti ARGS`, a `--json` command that must succeed, its output parsed.
    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        let out = self.cmd(args).output().unwrap();
        succeeded(&out);
        serde_json::from_slice(&out.stdout).expect("the output is JSON")
    }

    pub fn write_deck(&self, name: &str, toml: &str) -> PathBuf {
        let dir = self.path().join("decks");
        fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        fs::write(&path, toml).unwrap();
        path
    }

    pub fn write_config(&self, toml: &str) {
        fs::write(self.path().join("config.toml"), toml).unwrap();
    }

    /// This device's journal, `state/devices/test.tsv` (its folder made, so a test can write a
    /// journal there before the first command runs).
    pub fn journal_path(&self) -> PathBuf {
        let folder = self.path().join("state").join("devices");
        fs::create_dir_all(&folder).unwrap();
        folder.join(format!("{DEVICE}.tsv"))
    }

    /// The review lines of the journal (`r …`), in the field order tests read by position:
    /// kind, time, key, grade, answer ms, the eight state fields (a v2 line's id, undone id,
    /// hold and checksum left out).
    pub fn reviews(&self) -> Vec<String> {
        fs::read_to_string(self.journal_path())
            .unwrap_or_default()
            .lines()
            .filter(|l| l.starts_with("r\t"))
            .map(positional)
            .collect()
    }
}

/// A v2 journal line's fields in the v1 order (other lines as they are).
/// Asserts that a command succeeded, showing its stderr when it did not.
pub fn succeeded(out: &std::process::Output) {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

pub fn positional(line: &str) -> String {
    let f: Vec<&str> = line.split('\t').collect();
    if f.len() != 17 {
        return line.to_owned();
    }
    [&f[..1], &f[2..4], &f[5..15]].concat().join("\t")
}

pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_smriti")
}

/// A user deck of `n` basic cards `c0…`, tagged `even`/`odd`, in deck `t`.
pub fn basic_deck(n: usize) -> String {
    let mut s = String::from("[deck]\nid = \"t\"\nname = \"Test\"\nexam = \"prelims\"\n");
    for i in 0..n {
        let tag = if i % 2 == 0 { "even" } else { "odd" };
        s.push_str(&format!(
            "\n[[card]]\nid = \"c{i}\"\nq = \"Question {i}?\"\na = \"Answer {i}\"\ntags = [\"{tag}\"]\nsource = \"test\"\n"
        ));
    }
    s
}

/// The JSON type of a value, as the README's schema tables name it.
pub fn json_kind(v: &serde_json::Value) -> &'static str {
    use serde_json::Value;
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}
