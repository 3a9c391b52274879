//! Writes fitted parameters into `config.toml` as `[fsrs] parameters = [...]`, editing the
//! document in place with `toml_edit` so the user's comments, order and other settings stay
//! as they were, and replacing the file atomically (a temporary file beside it, then a rename),
//! so a crash leaves the old file or the new one, never half of one.

use std::fs;
use std::io::{self, Write};
use std::path::Path;

use anyhow::{Context, Result, bail};
use toml_edit::{Array, DocumentMut, Item, Value};

/// Replaces (or adds) `[fsrs] parameters` in the config file at `path` (created if missing).
pub fn write_parameters(path: &Path, parameters: &[f32]) -> Result<()> {
    let shown = path.display();
    // A config kept elsewhere and linked in (dotfiles) is edited where it lives: renaming
    // over the link would replace it with a copy.
    let target = fs::canonicalize(path).ok();
    let path = target.as_deref().unwrap_or(path);
    let src = match fs::read_to_string(path) {
        Ok(s) => s,
        Err(e) if e.kind() == io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(e).with_context(|| format!("cannot read {shown}")),
    };
    let text = with_parameters(&src, parameters).with_context(|| format!("{shown}"))?;
    // Never write a file the loader would refuse.
    crate::config::parse(&text, &shown.to_string())
        .context("the edited config would not load; it was not written")?;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("cannot write in {}", dir.display()))?;
    tmp.write_all(text.as_bytes())
        .and_then(|()| tmp.as_file().sync_all())
        .with_context(|| format!("cannot write {}", tmp.path().display()))?;
    if let Ok(meta) = fs::metadata(path) {
        // Keep the file's permissions (a temporary file starts private).
        let _ = fs::set_permissions(tmp.path(), meta.permissions());
    }
    tmp.persist(path)
        .map_err(|e| e.error)
        .with_context(|| format!("cannot replace {shown}"))?;
    Ok(())
}

/// `src` with `[fsrs] parameters` set to `parameters`, rounded to 4 decimals as Anki shows
/// them. A comment after an existing value stays after the new one.
pub fn with_parameters(src: &str, parameters: &[f32]) -> Result<String> {
    let mut doc: DocumentMut = src.parse().context("not valid TOML")?;
    let mut array: Array = parameters
        .iter()
        .map(|w| (f64::from(*w) * 10_000.0).round() / 10_000.0)
        .collect();
    array.fmt();
    let fsrs = doc
        .entry("fsrs")
        .or_insert_with(|| Item::Table(toml_edit::Table::new()));
    let Some(table) = fsrs.as_table_like_mut() else {
        bail!("`fsrs` is not a table");
    };
    let mut value = Value::Array(array);
    match table.get_mut("parameters") {
        Some(Item::Value(old)) => {
            *value.decor_mut() = old.decor().clone();
            *old = value;
        }
        _ => {
            table.insert("parameters", Item::Value(value));
        }
    }
    Ok(doc.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const USER: &str = "# my settings\ndesired_retention = 0.85 # a bit lower\n\n[exams]\nprelims = 2027-05-23\n\n[fsrs]\n# fitted by hand\nparameters = []            # 21 FSRS-6 weights\n";

    #[test]
    fn replaces_the_parameters_and_keeps_everything_else() {
        let got = with_parameters(USER, &[0.5, 1.23456, 3.0]).unwrap();
        assert_eq!(
            got,
            USER.replace("parameters = []", "parameters = [0.5, 1.2346, 3.0]")
        );
    }

    #[test]
    fn adds_the_table_or_the_key_when_missing() {
        let got = with_parameters("new_per_day = 5 # ok\n", &[1.0]).unwrap();
        assert_eq!(got, "new_per_day = 5 # ok\n\n[fsrs]\nparameters = [1.0]\n");
        let got = with_parameters("[fsrs] # mine\n", &[1.0]).unwrap();
        assert_eq!(got, "[fsrs] # mine\nparameters = [1.0]\n");
        let got = with_parameters("fsrs = { parameters = [] }\n", &[2.0]).unwrap();
        assert_eq!(got, "fsrs = { parameters = [2.0] }\n");
    }

    #[test]
    fn a_non_table_fsrs_is_an_error() {
        assert!(with_parameters("fsrs = 3\n", &[1.0]).is_err());
    }

    #[test]
    fn writes_atomically_and_the_result_loads() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        fs::write(&path, USER).unwrap();
        let params = fsrs::DEFAULT_PARAMETERS.map(|w| w * 1.1);
        write_parameters(&path, &params).unwrap();
        let config = crate::config::load(&path).unwrap();
        assert_eq!(config.fsrs_parameters.len(), 21);
        assert!((config.fsrs_parameters[0] - params[0]).abs() < 1e-4);
        assert_eq!(config.desired_retention, 0.85);
        let text = fs::read_to_string(&path).unwrap();
        assert!(text.starts_with("# my settings\n") && text.contains("# 21 FSRS-6 weights"));
        // Nothing else is left in the folder.
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
        // A missing file (and folder) is created.
        let fresh = dir.path().join("sub").join("config.toml");
        write_parameters(&fresh, &params).unwrap();
        assert_eq!(
            crate::config::load(&fresh).unwrap().fsrs_parameters.len(),
            21
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_linked_config_is_edited_where_it_lives() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("dotfiles-config.toml");
        fs::write(&real, USER).unwrap();
        let link = dir.path().join("config.toml");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        write_parameters(&link, &fsrs::DEFAULT_PARAMETERS).unwrap();
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(
            crate::config::load(&real).unwrap().fsrs_parameters.len(),
            21
        );
    }
}
