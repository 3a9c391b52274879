//! `smriti edit KEY` with a scripted `$EDITOR`: a valid edit is saved with the card's
//! progress, an invalid one is reopened at its error until fixed, and giving up puts the
//! file back byte for byte. A built-in card is copied into a patch deck first.

use std::fs;
use std::path::{Path, PathBuf};

use crate::env::{Env, basic_deck, succeeded};

/// A fake editor named `vim` (so it is given `+LINE FILE`) in its own folder: each run logs
/// its arguments to `args` and runs the shell snippet `stepN` (N counting runs) on `$file`,
/// its last argument.
pub struct ScriptedEditor {
    pub dir: tempfile::TempDir,
}

impl ScriptedEditor {
    pub fn new(steps: &[&str]) -> ScriptedEditor {
        let dir = tempfile::tempdir().unwrap();
        let script = dir.path().join("vim");
        fs::write(
            &script,
            "#!/bin/sh\ndir=\"$(dirname \"$0\")\"\necho \"$*\" >> \"$dir/args\"\n\
             n=$(( $(cat \"$dir/count\" 2>/dev/null || echo 0) + 1 ))\necho \"$n\" > \"$dir/count\"\n\
             for a; do file=\"$a\"; done\n[ -f \"$dir/step$n\" ] && . \"$dir/step$n\"\nexit 0\n",
        )
        .unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(&script, fs::Permissions::from_mode(0o755)).unwrap();
        }
        for (i, step) in steps.iter().enumerate() {
            fs::write(dir.path().join(format!("step{}", i + 1)), step).unwrap();
        }
        ScriptedEditor { dir }
    }

    pub fn path(&self) -> PathBuf {
        self.dir.path().join("vim")
    }

    /// The arguments of each run.
    pub fn runs(&self) -> Vec<String> {
        fs::read_to_string(self.dir.path().join("args"))
            .unwrap_or_default()
            .lines()
            .map(str::to_owned)
            .collect()
    }

    /// A step that copies `text` (written next to the script) over the file edited.
    pub fn replace_with(&self, name: &str, text: &str) -> String {
        let path = self.dir.path().join(name);
        fs::write(&path, text).unwrap();
        format!("cp '{}' \"$file\"\n", path.display())
    }
}

/// Runs `smriti edit KEY` with the editor and `input` on stdin: (exit code, stdout, stderr).
fn edit(env: &Env, editor: &ScriptedEditor, key: &str, input: &str) -> (i32, String, String) {
    let out = env
        .cmd(&["edit", key])
        .env_remove("VISUAL")
        .env("EDITOR", editor.path())
        .write_stdin(input.to_owned())
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn card(env: &Env, key: &str) -> String {
    let out = env.cmd(&["card", key]).output().unwrap();
    succeeded(&out);
    String::from_utf8(out.stdout).unwrap()
}

fn answered_deck() -> (Env, PathBuf, String) {
    let env = Env::new();
    let deck = basic_deck(2);
    let path = env.write_deck("t.toml", &deck);
    env.quiz(&["--deck", "t", "--limit", "1"], "\n3\n");
    (env, path, deck)
}

fn quoted(path: &Path) -> String {
    path.display().to_string()
}

#[test]
fn a_valid_edit_is_saved_at_the_cards_line_and_keeps_its_progress() {
    let (env, path, deck) = answered_deck();
    let editor = ScriptedEditor::new(&[]);
    let step = editor.replace_with("good.toml", &deck.replace("Answer 0", "Answer zero"));
    fs::write(editor.dir.path().join("step1"), step).unwrap();

    let (code, out, err) = edit(&env, &editor, "t/c0", "");
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Saved t/c0"), "{out}");
    assert_eq!(editor.runs(), [format!("+6 {}", quoted(&path))]);
    let shown = card(&env, "t/c0");
    assert!(shown.contains("Answer zero"), "{shown}");
    assert!(
        shown.contains("good"),
        "the answer before the edit is kept: {shown}"
    );
}

#[test]
fn an_invalid_edit_is_reopened_at_its_error_until_fixed() {
    let (env, path, deck) = answered_deck();
    let editor = ScriptedEditor::new(&[]);
    let bad = editor.replace_with("bad.toml", &deck.replace("q = \"Question 0?\"", "q = 7"));
    let good = editor.replace_with("good.toml", &deck.replace("Question 0?", "Question zero?"));
    fs::write(editor.dir.path().join("step1"), bad).unwrap();
    fs::write(editor.dir.path().join("step2"), good).unwrap();

    let (code, out, err) = edit(&env, &editor, "t/c0", "y\n");
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("t.toml:8:5: card \"c0\": `q`"), "{err}");
    assert!(err.contains("Edit it again? [Y/n]"), "{err}");
    let at = quoted(&path);
    assert_eq!(editor.runs(), [format!("+6 {at}"), format!("+8 {at}")]);
    assert!(out.contains("Saved t/c0"), "{out}");
    assert!(card(&env, "t/c0").contains("Question zero?"));
}

#[test]
fn giving_up_on_an_invalid_edit_puts_the_file_back_byte_for_byte() {
    let (env, path, deck) = answered_deck();
    // Odd bytes the editor must not lose: CRLF line ends, a trailing space, no final newline.
    let original = format!("{}\r\n# end ", deck.trim_end());
    fs::write(&path, &original).unwrap();
    let editor = ScriptedEditor::new(&[]);
    let bad = editor.replace_with("bad.toml", "[deck\n");
    fs::write(editor.dir.path().join("step1"), &bad).unwrap();
    fs::write(editor.dir.path().join("step2"), &bad).unwrap();

    let (code, _, err) = edit(&env, &editor, "t/c1", "y\nn\n");
    assert_eq!(code, 1, "{err}");
    assert_eq!(editor.runs().len(), 2);
    assert!(err.contains("invalid TOML"), "{err}");
    assert!(err.contains("was put back as it was"), "{err}");
    assert_eq!(fs::read(&path).unwrap(), original.as_bytes());
}

#[test]
fn editing_a_built_in_card_writes_a_patch_entry_that_replaces_it_with_its_progress() {
    let env = Env::new();
    let key = "india-us-2plus2-prelims/two-plus-two-meaning";
    env.quiz(
        &["--deck", "india-us-2plus2-prelims", "--new", "1"],
        "\n3\n",
    );
    let editor = ScriptedEditor::new(&[
        "sed 's/^a = .*/a = \"My shorter answer\"/' \"$file\" > \"$file.new\" && mv \"$file.new\" \"$file\"\n",
    ]);

    let (code, out, err) = edit(&env, &editor, key, "");
    assert_eq!(code, 0, "{err}");
    assert!(out.contains(&format!("Saved {key}")), "{out}");
    let patch = env.path().join("decks/india-us-2plus2-prelims-patch.toml");
    let text = fs::read_to_string(&patch).unwrap();
    assert!(
        text.contains("patches = \"india-us-2plus2-prelims\""),
        "{text}"
    );
    assert!(text.contains("id = \"two-plus-two-meaning\""), "{text}");
    let run = &editor.runs()[0];
    let line: usize = run.split_whitespace().next().unwrap()[1..].parse().unwrap();
    assert_eq!(
        text.lines().nth(line - 1),
        Some("[[card]]"),
        "{run}\n{text}"
    );

    let shown = card(&env, key);
    assert!(shown.contains("My shorter answer"), "{shown}");
    assert!(shown.contains("good"), "progress kept: {shown}");
    assert!(shown.contains("-patch.toml:"), "{shown}");
}

#[test]
fn a_built_in_card_left_unchanged_or_given_up_leaves_no_patch_deck() {
    let env = Env::new();
    let key = "india-us-2plus2-prelims/two-plus-two-meaning";
    let patch = env.path().join("decks/india-us-2plus2-prelims-patch.toml");
    let (code, out, _) = edit(&env, &ScriptedEditor::new(&[]), key, "");
    assert_eq!(code, 0);
    assert!(out.contains("No change"), "{out}");
    assert!(!patch.exists());

    let broken = "echo 'oops = ' >> \"$file\"\n";
    let (code, _, err) = edit(&env, &ScriptedEditor::new(&[broken]), key, "n\n");
    assert_eq!(code, 1, "{err}");
    assert!(!patch.exists(), "the new patch deck is removed again");
}

#[test]
fn e_in_the_quiz_lends_the_terminal_to_the_editor_and_goes_on_with_the_edited_card() {
    let env = Env::new();
    let deck = basic_deck(2);
    env.write_deck("t.toml", &deck);
    let editor = ScriptedEditor::new(&[]);
    // Each run says whether the terminal it got is in cooked mode (`icanon`) or raw.
    let mode = "echo \"MODE:$(stty -a | tr ' ;' '\\n\\n' | grep -x -- '-\\{0,1\\}icanon')\"\n";
    let bad = editor.replace_with("bad.toml", &deck.replace("q = \"Question 0?\"", "q = 7"));
    let good = editor.replace_with("good.toml", &deck.replace("Question 0?", "Question zero?"));
    fs::write(editor.dir.path().join("step1"), format!("{mode}{bad}")).unwrap();
    fs::write(editor.dir.path().join("step2"), format!("{mode}{good}")).unwrap();
    let editor_path = editor.path().display().to_string();
    let mut t = crate::pty::Term::start(
        &env,
        &["quiz", "--deck", "t"],
        &[
            ("EDITOR", &editor_path),
            ("PATH", &std::env::var("PATH").unwrap()),
        ],
        80,
        24,
    );
    t.wait_for("Question 0?");
    t.wait_for("space reveal");
    t.send("E");
    t.wait_for("MODE:icanon");
    t.wait_for("`q`");
    t.wait_for("Edit it again? [Y/n]");
    t.send("\r");
    t.wait_for("MODE:icanon");
    t.wait_for("Question zero?");
    t.wait_for("Saved in");
    t.send(" ");
    t.wait_for("Answer 0");
    t.send("3");
    t.wait_for("Question 1?");
    t.send("q");
    assert_eq!(t.finish(), 0, "{}", t.text());

    let raw = t.raw_text();
    let first_run = raw.find("MODE:").unwrap();
    let left = raw[..first_run].rfind(crate::pty::LEAVE_ALTERNATE_SCREEN);
    let back = raw[first_run..].find("\u{1b}[?1049h");
    assert!(
        left.is_some() && back.is_some(),
        "the alternate screen was not lent: {raw:?}"
    );
    assert_eq!(editor.runs().len(), 2);
    let reviews = env.reviews();
    assert_eq!(reviews.len(), 1, "{reviews:?}");
    assert!(reviews[0].contains("\tt/c0\t3\t"), "{reviews:?}");
    assert!(card(&env, "t/c0").contains("Question zero?"));
}

#[test]
fn a_missing_editor_is_named_and_the_deck_left_as_it_was() {
    let (env, path, deck) = answered_deck();
    let out = env
        .cmd(&["edit", "t/c0"])
        .env_remove("VISUAL")
        .env("EDITOR", "/no/such/editor --flag")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("cannot start the editor `/no/such/editor --flag`: not found"),
        "{err}"
    );
    assert_eq!(fs::read_to_string(&path).unwrap(), deck);
}

#[test]
fn visual_comes_before_editor_and_may_carry_arguments() {
    let (env, path, deck) = answered_deck();
    let editor = ScriptedEditor::new(&[]);
    let step = editor.replace_with("good.toml", &deck.replace("Answer 1", "Answer one"));
    fs::write(editor.dir.path().join("step1"), step).unwrap();
    let visual = format!("'{}' -u NONE", editor.path().display());
    let out = env
        .cmd(&["edit", "t/c1"])
        .env("VISUAL", &visual)
        .env("EDITOR", "/no/such/editor")
        .output()
        .unwrap();
    succeeded(&out);
    // The script sees its own arguments first: `-u NONE`, then the line and the file.
    assert_eq!(editor.runs(), [format!("-u NONE +13 {}", quoted(&path))]);
    assert!(card(&env, "t/c1").contains("Answer one"));
}

#[test]
fn a_cloze_note_opens_by_its_key_without_a_gap_number() {
    let env = Env::new();
    let path = env.write_deck(
        "z.toml",
        "[deck]\nid = \"z\"\nexam = \"prelims\"\n\n[[card]]\nid = \"pacts\"\nkind = \"cloze\"\ntext = \"{{LEMOA}} then {{COMCASA}}\"\nsource = \"s\"\n",
    );
    let editor = ScriptedEditor::new(&[]);
    let (code, out, err) = edit(&env, &editor, "z/pacts", "");
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("No change to z/pacts#1"), "{out}");
    assert_eq!(editor.runs(), [format!("+5 {}", quoted(&path))]);
}
