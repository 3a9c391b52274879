//! The package file: a zip archive holding a SQLite collection and a media list. Which
//! collection to read is decided here, as Anki decides it: a `meta` entry (protobuf, present
//! since Anki 2.1.50) names the version; a current package's `collection.anki21b` is
//! zstd-compressed, and the `collection.anki2` beside it is a placeholder for old Anki
//! versions that must not be read. Without `meta`, `collection.anki21` is preferred to
//! `collection.anki2`. The collection is copied to a temporary file for SQLite to open.

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;
use zip::ZipArchive;
use zip::result::ZipError;

use super::{ApkgError, proto};

/// The on-disk formats of the collection inside a package.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `collection.anki2`: schema 11, Anki before 2.1.
    Legacy1,
    /// `collection.anki21`: schema 11, Anki 2.1 up to 2.1.49 (and its "legacy" export).
    Legacy2,
    /// `collection.anki21b`: zstd-compressed, schema 18, Anki 2.1.50 and later.
    Latest,
}

impl Format {
    pub fn member(self) -> &'static str {
        match self {
            Format::Legacy1 => "collection.anki2",
            Format::Legacy2 => "collection.anki21",
            Format::Latest => "collection.anki21b",
        }
    }
}

/// A package opened: its collection unpacked to a temporary file (removed when dropped).
pub struct Package {
    pub format: Format,
    pub collection: NamedTempFile,
    /// The media files the package carries, by name.
    pub media: Vec<String>,
}

pub fn open(path: &Path) -> Result<Package, ApkgError> {
    let file = File::open(path).map_err(|source| ApkgError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let mut zip = ZipArchive::new(file).map_err(|e| zip_error(path, e))?;
    let format = format_of(path, &mut zip)?;
    let collection = NamedTempFile::new().map_err(|source| ApkgError::Read {
        path: std::env::temp_dir(),
        source,
    })?;
    {
        let mut member = zip
            .by_name(format.member())
            .map_err(|e| missing(path, format.member(), e))?;
        let mut out = collection.as_file();
        let copied = match format {
            Format::Latest => zstd::stream::copy_decode(&mut member, &mut out),
            _ => io::copy(&mut member, &mut out).map(drop),
        };
        copied.map_err(|e| corrupt(path, format.member(), &e.to_string()))?;
    }
    let media = media_names(path, &mut zip, format)?;
    Ok(Package {
        format,
        collection,
        media,
    })
}

fn format_of(path: &Path, zip: &mut ZipArchive<File>) -> Result<Format, ApkgError> {
    match read_member(path, zip, "meta")? {
        Some(meta) => {
            let fields = proto::fields(&meta)
                .ok_or_else(|| corrupt(path, "meta", "not a package description"))?;
            match proto::varint_field(&fields, 1) {
                1 => Ok(Format::Legacy1),
                2 => Ok(Format::Legacy2),
                3 => Ok(Format::Latest),
                other => Err(ApkgError::UnknownVersion {
                    path: path.to_path_buf(),
                    version: other,
                }),
            }
        }
        None if zip.index_for_name(Format::Legacy2.member()).is_some() => Ok(Format::Legacy2),
        None if zip.index_for_name(Format::Legacy1.member()).is_some() => Ok(Format::Legacy1),
        None => Err(ApkgError::NotAPackage {
            path: path.to_path_buf(),
            why: "a zip archive without an Anki collection in it".into(),
        }),
    }
}

/// Names of the package's media: a JSON map (`{"0": "name.jpg"}`) in legacy packages, a
/// zstd-compressed protobuf list in current ones.
fn media_names(
    path: &Path,
    zip: &mut ZipArchive<File>,
    format: Format,
) -> Result<Vec<String>, ApkgError> {
    let Some(bytes) = read_member(path, zip, "media")? else {
        return Ok(Vec::new());
    };
    let bad = |why: &str| corrupt(path, "media", why);
    let mut names: Vec<String> = if format == Format::Latest {
        let raw = zstd::stream::decode_all(&bytes[..]).map_err(|e| bad(&e.to_string()))?;
        let list = proto::fields(&raw).ok_or_else(|| bad("not a media list"))?;
        proto::bytes_fields(&list, 1)
            .map(|entry| {
                let f = proto::fields(entry).ok_or_else(|| bad("not a media entry"))?;
                Ok(proto::text_field(&f, 1).to_owned())
            })
            .collect::<Result<_, ApkgError>>()?
    } else {
        let map: std::collections::BTreeMap<String, String> =
            serde_json::from_slice(&bytes).map_err(|e| bad(&e.to_string()))?;
        map.into_values().collect()
    };
    names.sort();
    Ok(names)
}

fn read_member(
    path: &Path,
    zip: &mut ZipArchive<File>,
    name: &str,
) -> Result<Option<Vec<u8>>, ApkgError> {
    let mut member = match zip.by_name(name) {
        Ok(m) => m,
        Err(ZipError::FileNotFound) => return Ok(None),
        Err(e) => return Err(zip_error(path, e)),
    };
    let mut bytes = Vec::new();
    member
        .read_to_end(&mut bytes)
        .map_err(|e| corrupt(path, name, &e.to_string()))?;
    Ok(Some(bytes))
}

fn zip_error(path: &Path, e: ZipError) -> ApkgError {
    match e {
        ZipError::Io(source) => ApkgError::Read {
            path: path.to_path_buf(),
            source,
        },
        ZipError::InvalidArchive(_) => ApkgError::NotAPackage {
            path: path.to_path_buf(),
            why: "not a complete zip archive (cut short, or another kind of file)".into(),
        },
        other => ApkgError::NotAPackage {
            path: path.to_path_buf(),
            why: format!("not a readable zip archive ({other})"),
        },
    }
}

fn missing(path: &Path, member: &str, e: ZipError) -> ApkgError {
    match e {
        ZipError::FileNotFound => ApkgError::NotAPackage {
            path: path.to_path_buf(),
            why: format!("its `meta` names `{member}`, which is not in the archive"),
        },
        other => zip_error(path, other),
    }
}

pub(super) fn corrupt(path: &Path, member: &str, why: &str) -> ApkgError {
    ApkgError::Corrupt {
        path: PathBuf::from(path),
        member: member.to_owned(),
        why: why.to_owned(),
    }
}
