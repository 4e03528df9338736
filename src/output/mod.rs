//! Outputs: the score table in each format, the manifest, and writing them all atomically.
//!
//! Every file is rendered to bytes in memory first; only then are they written, each to a
//! temporary file in the output directory and renamed into place. An error before the renames
//! leaves the directory as it was.

mod csv;
mod json;
pub mod manifest;

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::pipeline::Results;
use crate::spec::NodeKind;

/// A format the score table can be written in. Each variant is one small module.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `scores.csv`: one row per year, region and node; empty cells for missing values.
    Csv,
    /// `scores.json`: the same rows as an array of objects, with index metadata.
    Json,
}

impl Format {
    pub const ALL: [Format; 2] = [Format::Csv, Format::Json];

    pub fn file_name(self) -> &'static str {
        match self {
            Format::Csv => "scores.csv",
            Format::Json => "scores.json",
        }
    }

    pub fn render(
        self,
        results: &Results,
        rows: &[ScoreRow],
        style: CsvStyle,
    ) -> Result<Vec<u8>, OutputError> {
        match self {
            Format::Csv => csv::render(rows, style),
            Format::Json => json::render(results, rows),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("cannot write {}: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot render {what}: {message}")]
    Render { what: String, message: String },
    #[error("language \"{lang}\" has no labels in the spec (it declares {available:?})")]
    Language {
        lang: String,
        available: Vec<String>,
    },
}

/// One row of the score table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScoreRow {
    pub year: i32,
    pub region_code: String,
    pub region_name: String,
    pub node_id: String,
    pub node_name: String,
    /// Depth in the framework: 0 = the index.
    pub level: usize,
    /// `index`, `group` or `indicator`.
    pub kind: &'static str,
    pub score: Option<f64>,
    pub rank: Option<u32>,
}

/// The score table: year, then node in framework order, then region in registry order; only
/// regions present in the data that year.
pub fn score_rows(results: &Results, lang: &str) -> Vec<ScoreRow> {
    let (spec, panel) = (&results.spec, &results.panel);
    let mut rows = Vec::new();
    for (y, &year) in panel.years.iter().enumerate() {
        let units = panel.present_units(y);
        for (n, node) in spec.framework.nodes.iter().enumerate() {
            let kind = match node.kind {
                _ if n == 0 => "index",
                NodeKind::Group { .. } => "group",
                NodeKind::Indicator(_) => "indicator",
            };
            for &u in &units {
                let unit = panel.units.get(u);
                rows.push(ScoreRow {
                    year,
                    region_code: unit.code.clone(),
                    region_name: unit.name.get(lang).unwrap_or(&unit.code).to_string(),
                    node_id: node.id.clone(),
                    node_name: node.name.get(lang).unwrap_or(&node.id).to_string(),
                    level: node.level,
                    kind,
                    score: results.scores.get(n, y, u),
                    rank: results.rank(n, y, u),
                });
            }
        }
    }
    rows
}

/// Checks that the spec has labels in `lang`; `None` picks its first language.
pub fn language(results: &Results, lang: Option<&str>) -> Result<String, OutputError> {
    let languages = &results.spec.index.languages;
    match lang {
        None => Ok(languages[0].clone()),
        Some(l) if languages.iter().any(|x| x == l) => Ok(l.to_string()),
        Some(l) => Err(OutputError::Language {
            lang: l.to_string(),
            available: languages.clone(),
        }),
    }
}

/// How `scores.csv` is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum CsvStyle {
    /// Comma-separated, decimal points, UTF-8: for tools and other programs.
    #[default]
    Standard,
    /// Semicolon-separated, decimal commas, UTF-8 with BOM: opens straight in Excel with a
    /// Russian (or other decimal-comma) locale.
    Excel,
}

/// Renders the score table in every format and the manifest, ready to write.
pub fn render_all(
    results: &Results,
    lang: &str,
    style: CsvStyle,
) -> Result<Vec<(&'static str, Vec<u8>)>, OutputError> {
    let rows = score_rows(results, lang);
    let mut files = Vec::new();
    for format in Format::ALL {
        files.push((format.file_name(), format.render(results, &rows, style)?));
    }
    let names: Vec<&str> = Format::ALL.iter().map(|f| f.file_name()).collect();
    files.push(("manifest.json", manifest::render(results, lang, &names)?));
    Ok(files)
}

/// Writes `files` into `dir` so that each one appears whole or not at all, and none is replaced
/// unless all were written: temporary files first, renames last.
pub fn write_atomically<S: AsRef<str>>(
    dir: &Path,
    files: &[(S, Vec<u8>)],
) -> Result<(), OutputError> {
    let fail = |path: &Path, source| OutputError::Write {
        path: path.to_path_buf(),
        source,
    };
    fs::create_dir_all(dir).map_err(|e| fail(dir, e))?;
    let mut written: Vec<(PathBuf, PathBuf)> = Vec::new();
    let cleanup = |written: &[(PathBuf, PathBuf)]| {
        for (tmp, _) in written {
            let _ = fs::remove_file(tmp);
        }
    };
    for (name, bytes) in files {
        let name = name.as_ref();
        let target = dir.join(name);
        let parent = target.parent().unwrap_or(dir);
        fs::create_dir_all(parent).map_err(|e| fail(parent, e))?;
        let file_name = target
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default();
        let tmp = parent.join(format!(".{file_name}.{}.tmp", std::process::id()));
        let result = fs::File::create(&tmp).and_then(|mut f| {
            f.write_all(bytes)?;
            f.sync_all()
        });
        written.push((tmp.clone(), target));
        if let Err(e) = result {
            cleanup(&written);
            return Err(fail(&tmp, e));
        }
    }
    for (k, (tmp, target)) in written.iter().enumerate() {
        if let Err(e) = fs::rename(tmp, target) {
            cleanup(&written[k..]);
            return Err(fail(target, e));
        }
    }
    Ok(())
}

/// Formats a score for text outputs: the shortest decimal that reads back as the same f64,
/// so outputs are exact and identical on every machine.
pub fn number(v: f64) -> String {
    format!("{v}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_whole_files_and_leaves_no_temporaries() {
        let dir = std::env::temp_dir().join(format!("cwi-atomic-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        write_atomically(&dir, &[("a.txt", b"old".to_vec())]).unwrap();
        write_atomically(
            &dir,
            &[("a.txt", b"new".to_vec()), ("b.txt", b"b".to_vec())],
        )
        .unwrap();
        assert_eq!(fs::read(dir.join("a.txt")).unwrap(), b"new");
        let names: Vec<_> = fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(names.len(), 2, "{names:?}");
        fs::remove_dir_all(&dir).unwrap();
    }
}
