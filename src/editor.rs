//! The user's text editor: which one (`$VISUAL`, else `$EDITOR`, else `vi`), how to open a
//! file at a line in it, and the loop `smriti edit` and the quiz's `E` share: open the deck,
//! check it when the editor exits, open it again at the first error until it is valid, or,
//! when the user gives up, put the file back byte for byte.
//!
//! The variable may carry arguments (`code --wait`, `emacs -nw`) and quotes; as git does, it
//! is handed to `sh -c '<editor> "$@"'`, so the shell splits it as the user wrote it and the
//! file name is passed untouched.

use std::ffi::OsString;
use std::fs;
use std::io::{BufRead, Write};
use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result};

use crate::deck::DeckError;
use crate::sanitize::clean_line;

/// The editor command as the user set it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Editor {
    command: String,
}

/// How an editor takes the line to open a file at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LineArg {
    /// `+LINE FILE`: vi, vim, neovim, nano, emacs, micro, helix, kakoune and most others.
    Plus,
    /// `-g FILE:LINE`: Visual Studio Code and its forks.
    Goto,
    /// `FILE:LINE`: Sublime Text, Zed.
    Suffix,
    /// Only the file: an editor we do not know (a line argument might be read as a file).
    None,
}

impl Editor {
    /// `$VISUAL`, else `$EDITOR` (each when set and not blank), else `vi`.
    pub fn from_env() -> Editor {
        let set = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        Editor {
            command: set("VISUAL")
                .or_else(|| set("EDITOR"))
                .unwrap_or_else(|| "vi".to_owned()),
        }
    }

    #[cfg(test)]
    fn new(command: &str) -> Editor {
        Editor {
            command: command.to_owned(),
        }
    }

    /// The program's name: the first word's file name, without `.exe`, lowercase.
    fn name(&self) -> String {
        let command = self.command.trim_start();
        // A quoted program name may hold spaces: `"/opt/My Apps/vim" -u NONE`.
        let first = match command.chars().next() {
            Some(q @ ('"' | '\'')) => command[1..].split(q).next(),
            _ => command.split_whitespace().next(),
        }
        .unwrap_or_default();
        let base = first.rsplit(['/', '\\']).next().unwrap_or(first);
        base.trim_end_matches(".exe").to_lowercase()
    }

    fn line_arg(&self) -> LineArg {
        match self.name().as_str() {
            "vi" | "vim" | "nvim" | "gvim" | "mvim" | "view" | "nano" | "pico" | "emacs"
            | "emacsclient" | "micro" | "hx" | "helix" | "kak" | "kakoune" | "joe" | "jed"
            | "ne" | "mg" | "mcedit" | "vis" | "gedit" => LineArg::Plus,
            "code" | "code-insiders" | "codium" | "vscodium" | "cursor" | "windsurf" => {
                LineArg::Goto
            }
            "subl" | "sublime_text" | "zed" => LineArg::Suffix,
            _ => LineArg::None,
        }
    }

    /// The arguments after the user's command: the line in the editor's own syntax, and the
    /// file. Graphical editors that return at once are told to wait for the file to close.
    fn args(&self, file: &Path, line: usize) -> Vec<OsString> {
        let mut args: Vec<OsString> = Vec::new();
        let with_line = |suffix: &str| {
            let mut s = file.as_os_str().to_owned();
            s.push(suffix);
            s
        };
        let waits = self
            .command
            .split_whitespace()
            .any(|w| w == "--wait" || w == "-w");
        match self.line_arg() {
            LineArg::Plus => {
                args.push(format!("+{line}").into());
                args.push(file.into());
            }
            LineArg::Goto => {
                if !waits {
                    args.push("--wait".into());
                }
                args.push("-g".into());
                args.push(with_line(&format!(":{line}")));
            }
            LineArg::Suffix => {
                if !waits {
                    args.push("--wait".into());
                }
                args.push(with_line(&format!(":{line}")));
            }
            LineArg::None => args.push(file.into()),
        }
        args
    }

    fn command(&self, file: &Path, line: usize) -> Command {
        #[cfg(unix)]
        {
            let mut cmd = Command::new("sh");
            cmd.arg("-c")
                .arg(format!("{} \"$@\"", self.command))
                .arg(&self.command)
                .args(self.args(file, line));
            cmd
        }
        #[cfg(not(unix))]
        {
            let mut words = self.command.split_whitespace();
            let mut cmd = Command::new(words.next().unwrap_or("notepad"));
            cmd.args(words).args(self.args(file, line));
            cmd
        }
    }

    /// Runs the editor on `file` at `line` and waits for it; true when it exited cleanly
    /// (`:cq` in vim, an error exit, means the user abandoned the edit, as for git).
    pub fn open(&self, file: &Path, line: usize) -> Result<bool> {
        let status = self
            .command(file, line)
            .status()
            .with_context(|| format!("cannot start the editor `{}`", self.command))?;
        // The shell's "command not found": say so rather than that the user gave up.
        if cfg!(unix) && status.code() == Some(127) {
            anyhow::bail!(
                "cannot start the editor `{}`: not found; set $VISUAL or $EDITOR",
                self.command
            );
        }
        Ok(status.success())
    }

    pub fn describe(&self) -> &str {
        &self.command
    }
}

/// What editing a card came to: how it ended, the file edited, and the card as it now reads
/// (`None` when it is no longer there, e.g. its id was changed without `was`).
#[derive(Debug)]
pub struct Edited {
    pub outcome: Outcome,
    pub file: std::path::PathBuf,
    pub card: Option<crate::deck::Card>,
}

/// Edits one card and says what came of it: what the quiz's `E` calls, the terminal lent.
pub type EditCard<'a> = dyn FnMut(&crate::deck::Card) -> Result<Edited> + 'a;

/// How an edit ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The file changed and is valid.
    Saved,
    /// The file is as it was.
    Unchanged,
    /// The user gave up (or the editor failed): the file is back as it was before.
    Restored,
}

/// Opens `file` at `line` until `check` finds no error in it, or `again` (shown the
/// errors) says to stop; then, or when the editor exits with an error, puts `before` back
/// (`None`: removes the file, which did not exist).
pub fn edit_until_valid(
    editor: &Editor,
    file: &Path,
    line: usize,
    before: Option<&[u8]>,
    check: &mut dyn FnMut() -> Vec<DeckError>,
    again: &mut dyn FnMut(&[DeckError]) -> bool,
) -> Result<Outcome> {
    let start = fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let mut at = line;
    loop {
        let opened = editor.open(file, at);
        if !matches!(opened, Ok(true)) {
            restore(file, before)?;
            return opened.map(|_| Outcome::Restored);
        }
        let errors = check();
        if errors.is_empty() {
            let now = fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
            return Ok(if now == start {
                Outcome::Unchanged
            } else {
                Outcome::Saved
            });
        }
        if !again(&errors) {
            restore(file, before)?;
            return Ok(Outcome::Restored);
        }
        at = errors.iter().map(|e| e.line).min().unwrap_or(line).max(1);
    }
}

/// Puts the file back as `before` (`None`: removes it, as it did not exist).
pub fn restore(file: &Path, before: Option<&[u8]>) -> Result<()> {
    match before {
        Some(text) => fs::write(file, text),
        None => match fs::remove_file(file) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        },
    }
    .with_context(|| format!("cannot put {} back as it was", file.display()))
}

/// Shows a deck's errors and asks whether to edit it again; anything but no (or the end of
/// input) is yes.
pub fn ask_again(errors: &[DeckError], input: &mut dyn BufRead, err: &mut dyn Write) -> bool {
    for e in errors {
        let _ = writeln!(err, "smriti: {}", clean_line(&e.to_string()));
    }
    let _ = write!(
        err,
        "The deck is not valid. Edit it again? [Y/n] (n puts it back as it was) "
    );
    let _ = err.flush();
    let mut answer = String::new();
    match input.read_line(&mut answer) {
        Ok(0) | Err(_) => {
            let _ = writeln!(err);
            false
        }
        Ok(_) => !matches!(answer.trim().to_lowercase().as_str(), "n" | "no" | "q"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(command: &str) -> Vec<String> {
        Editor::new(command)
            .args(Path::new("/d/my deck.toml"), 12)
            .into_iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect()
    }

    #[test]
    fn each_known_editor_gets_the_line_in_its_own_syntax() {
        for vi_like in [
            "vi",
            "/usr/bin/vim",
            "nvim",
            "nano -w",
            "emacs -nw",
            "micro",
            "hx",
            "kak",
        ] {
            assert_eq!(args(vi_like), ["+12", "/d/my deck.toml"], "{vi_like}");
        }
        assert_eq!(args("code"), ["--wait", "-g", "/d/my deck.toml:12"]);
        assert_eq!(args("code --wait"), ["-g", "/d/my deck.toml:12"]);
        assert_eq!(args("subl -w"), ["/d/my deck.toml:12"]);
        assert_eq!(
            args("my-editor"),
            ["/d/my deck.toml"],
            "unknown: the file only"
        );
    }

    #[test]
    fn the_name_is_the_first_word_without_folder_quotes_or_exe() {
        assert_eq!(Editor::new("\"/opt/My Apps/vim\" -u NONE").name(), "vim");
        assert_eq!(Editor::new("C:\\Tools\\Code.exe --wait").name(), "code");
    }

    #[test]
    fn no_or_end_of_input_gives_up_and_anything_else_tries_again() {
        let e = DeckError {
            path: "d.toml".into(),
            line: 3,
            col: 1,
            card: None,
            message: "bad".into(),
        };
        let mut shown = Vec::new();
        assert!(!ask_again(
            std::slice::from_ref(&e),
            &mut &b"n\n"[..],
            &mut shown
        ));
        assert!(!ask_again(
            std::slice::from_ref(&e),
            &mut &b""[..],
            &mut shown
        ));
        assert!(ask_again(
            std::slice::from_ref(&e),
            &mut &b"\n"[..],
            &mut shown
        ));
        assert!(
            String::from_utf8(shown)
                .unwrap()
                .contains("smriti: d.toml:3:1: bad")
        );
    }
}
