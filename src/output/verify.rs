//! `cwi verify`: a result directory checked against its manifest. Every output the manifest
//! lists is hashed again and compared; the inputs it records (the spec and the data files,
//! at the paths they were given with) are compared too when they are found; files in the
//! directory that the manifest does not list are named.

use std::fs;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::{LOCK, MANIFEST, inside, is_temporary, listed_outputs};

/// What was found for one file the manifest records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "status")]
pub enum Found {
    /// Its bytes have the recorded SHA-256.
    Same,
    /// Its bytes have another SHA-256.
    Differs { sha256: String },
    /// An output the manifest lists that is not in the directory.
    Missing,
    /// An input not found at its recorded path (looked for from the current directory):
    /// not checked.
    NotFound,
    /// A manifest of an earlier cwi version, which listed outputs without digests.
    NoDigest,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileCheck {
    pub path: String,
    #[serde(flatten)]
    pub found: Found,
}

/// A directory checked against its manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verification {
    pub outputs: Vec<FileCheck>,
    pub inputs: Vec<FileCheck>,
    /// Files in the directory that the manifest does not list (an analysis written into the
    /// same directory, a file copied in by hand).
    pub unlisted: Vec<String>,
}

impl Verification {
    /// Whether every output is as recorded and every input found is too.
    pub fn holds(&self) -> bool {
        let bad = |c: &FileCheck| matches!(c.found, Found::Differs { .. } | Found::Missing);
        !self.outputs.iter().any(bad) && !self.inputs.iter().any(bad)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    #[error("cannot read {}: {source}; is it a directory written by cwi compute or cwi report?", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{} is not a cwi manifest (it has no list of outputs)", path.display())]
    NotAManifest { path: PathBuf },
}

fn digest_of(path: &Path) -> Option<String> {
    fs::read(path)
        .ok()
        .map(|bytes| crate::digest::sha256_hex(&bytes))
}

fn check(path: &Path, shown: &str, recorded: &str, absent: Found) -> FileCheck {
    let found = match digest_of(path) {
        None => absent,
        Some(_) if recorded.is_empty() => Found::NoDigest,
        Some(d) if d == recorded => Found::Same,
        Some(d) => Found::Differs { sha256: d },
    };
    FileCheck {
        path: shown.to_string(),
        found,
    }
}

/// Files under `dir` (relative paths with `/`), sorted; the lock, the manifest and staging
/// temporaries left out.
fn files_under(dir: &Path, prefix: &str, depth: usize, out: &mut Vec<String>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let rel = if prefix.is_empty() {
            name.clone()
        } else {
            format!("{prefix}/{name}")
        };
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() && depth > 0 {
            files_under(&entry.path(), &rel, depth - 1, out);
        } else if kind.is_file() && rel != LOCK && rel != MANIFEST && !is_temporary(&name) {
            out.push(rel);
        }
    }
}

/// Checks `dir` against its `manifest.json`.
pub fn verify(dir: &Path) -> Result<Verification, VerifyError> {
    let path = dir.join(MANIFEST);
    let bytes = fs::read(&path).map_err(|source| VerifyError::Read {
        path: path.clone(),
        source,
    })?;
    let listed = listed_outputs(&bytes).ok_or(VerifyError::NotAManifest { path: path.clone() })?;
    let outputs: Vec<FileCheck> = listed
        .iter()
        .map(|o| {
            if inside(&o.path) {
                check(&dir.join(&o.path), &o.path, &o.sha256, Found::Missing)
            } else {
                // A path outside the directory is not an output cwi writes.
                FileCheck {
                    path: o.path.clone(),
                    found: Found::Missing,
                }
            }
        })
        .collect();
    let value: serde_json::Value =
        serde_json::from_slice(&bytes).map_err(|_| VerifyError::NotAManifest { path })?;
    let mut recorded: Vec<(String, String)> = Vec::new();
    let entry = |v: &serde_json::Value| {
        Some((
            v.get("path")?.as_str()?.to_string(),
            v.get("sha256")?.as_str()?.to_string(),
        ))
    };
    recorded.extend(value.get("spec").and_then(entry));
    if let Some(data) = value.get("data").and_then(|d| d.as_array()) {
        recorded.extend(data.iter().filter_map(entry));
    }
    let inputs = recorded
        .iter()
        .map(|(p, sha)| check(Path::new(p), p, sha, Found::NotFound))
        .collect();
    let mut present = Vec::new();
    files_under(dir, "", 4, &mut present);
    present.sort();
    let unlisted = present
        .into_iter()
        .filter(|p| !listed.iter().any(|o| &o.path == p))
        .collect();
    Ok(Verification {
        outputs,
        inputs,
        unlisted,
    })
}
