//! Loading: data files (CSV in any common encoding and locale, Parquet, Excel; long or wide)
//! read into one `Panel`, regions matched to the spec's units, and every cell checked.
//!
//! `check` reads everything it can and returns all diagnostics; `load` is `check` that refuses
//! on errors. Unknown regions and indicators are warnings (their rows are skipped); a value that
//! is not a number, out of its valid range, or given twice is an error.

mod build;
mod cell_formats;
mod checks;
mod derived;
mod excel;
mod gathered;
mod number;
mod problems;
mod read;
mod rows;
mod small;
mod table;
mod text;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Cursor;
use std::path::Path;
use std::sync::Arc;

use crate::diagnostic::{Code, Diagnostic, list};
use crate::panel::{DataFile, Layout, Panel};
use crate::spec::{DataLayout, DecimalMark, Labels, NodeKind, Spec};
use crate::units::{Unit, Units, match_key};
use table::{Column, Table};

use build::build_panel;
use gathered::Gathered;
use read::read_file;

pub use number::{parse as parse_number, year as parse_year};

/// The decimal mark of a column of written numbers, decided as the loader decides a file's:
/// by the cells that show one, the majority when both occur; a comma-separated table whose
/// cells show none reads a point (`0.949`, `38.520`: a comma there would have been quoted).
pub fn column_mark<'a>(cells: impl Iterator<Item = &'a str>, separator: u8) -> DecimalMark {
    let (mut points, mut commas) = (0, 0);
    for cell in cells {
        match number::vote(cell) {
            number::Vote::Point => points += 1,
            number::Vote::Comma => commas += 1,
            number::Vote::None => {}
        }
    }
    match number::decide(DecimalMark::Auto, points, commas) {
        Ok(DecimalMark::Auto) if separator == b',' => DecimalMark::Point,
        Ok(mark) => mark,
        Err(()) if points >= commas => DecimalMark::Point,
        Err(()) => DecimalMark::Comma,
    }
}
pub use problems::PER_KIND as DIAGNOSTICS_PER_KIND;

/// A value held by a percent-formatted cell as the percentage it shows: the shortest decimal
/// that reads back as the value, its point moved two places (0.07 -> 7, where 0.07 * 100 is
/// 7.000000000000001), so the number is the one typed as "7%".
fn percent_shown(v: f64) -> f64 {
    let scientific = format!("{v:e}");
    let Some((mantissa, exponent)) = scientific.split_once('e') else {
        return v * 100.0;
    };
    let exponent: i32 = exponent.parse().unwrap_or(0);
    format!("{mantissa}e{}", exponent + 2)
        .parse()
        .unwrap_or(v * 100.0)
}

fn number_text_percent(value: Option<f64>) -> String {
    value.map_or(String::new(), |v| percent_shown(v).to_string())
}

/// Decodes a text file as loading does (UTF-8 with or without BOM, or Windows-1251 Cyrillic).
pub fn decode_text(bytes: &[u8]) -> Result<String, (Code, String, String)> {
    text::decode(bytes, crate::spec::TextEncoding::Auto).map(std::borrow::Cow::into_owned)
}

#[derive(Debug, thiserror::Error)]
pub enum DataError {
    #[error("{}", list("the data", problems, 50))]
    Invalid { problems: Vec<Diagnostic> },
}

impl DataError {
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            DataError::Invalid { problems } => problems,
        }
    }
}

/// A file's cells as text, by column: the header, and per data row each cell (`None` when
/// empty), with the file line of each data row, for tools that read tables other than data
/// (`cwi import`).
#[derive(Debug)]
pub struct Sheet {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Option<String>>>,
    /// The file line (or sheet row) of each data row.
    pub lines: Vec<Option<usize>>,
}

/// Reads a CSV, Parquet or Excel file (first sheet) as text cells.
pub fn read_sheet(path: &Path) -> Result<Sheet, Diagnostic> {
    let (table, _) = read::open(path, crate::spec::TextEncoding::Auto, None, None).map_err(
        |(code, message, hint)| {
            Diagnostic::new(code, path.display().to_string(), message).hint(hint)
        },
    )?;
    Ok(sheet_of(&table))
}

/// Reads every sheet of a workbook as text cells, by name in the workbook's order. A number
/// cell's text is the shortest that reads back as the same number.
pub fn read_workbook(path: &Path) -> Result<Vec<(String, Sheet)>, Diagnostic> {
    let refuse = |(code, message, hint): text::Refusal| {
        Diagnostic::new(code, path.display().to_string(), message).hint(hint)
    };
    let bytes = std::fs::read(path).map_err(|e| {
        Diagnostic::new(
            Code::UnreadableFile,
            path.display().to_string(),
            format!("cannot read the file: {e}"),
        )
        .hint("check the path")
    })?;
    let names = excel::sheet_names(&bytes).map_err(refuse)?;
    let mut out = Vec::with_capacity(names.len());
    for name in names {
        let sheet = match excel::read_sheet(bytes.clone(), Some(&name)) {
            Ok(table) => sheet_of(&table),
            // An empty sheet (a data set with no rows) is a sheet without columns.
            Err((Code::UnreadableFile, m, _)) if m.contains("has no header") => Sheet {
                columns: Vec::new(),
                rows: Vec::new(),
                lines: Vec::new(),
            },
            Err(e) => return Err(refuse(e)),
        };
        out.push((name, sheet));
    }
    Ok(out)
}

fn sheet_of(table: &table::Table) -> Sheet {
    let rows = (0..table.height)
        .map(|r| {
            table
                .data
                .iter()
                .map(|c| {
                    c.text(r)
                        .map(|t| t.trim().to_string())
                        .filter(|t| !t.is_empty())
                })
                .collect()
        })
        .collect();
    Sheet {
        columns: table.columns.clone(),
        rows,
        lines: (0..table.height)
            .map(|r| table.line_offset.map(|o| o + r + 1))
            .collect(),
    }
}

/// Loads and merges the data files; refuses on any error. Warnings stay in the panel's report.
pub fn load(spec: &Spec, paths: &[impl AsRef<Path>]) -> Result<Panel, DataError> {
    let (panel, diagnostics) = check(spec, paths);
    match panel {
        Some(mut panel) if !diagnostics.iter().any(Diagnostic::is_error) => {
            Arc::make_mut(&mut panel.report).diagnostics = diagnostics;
            Ok(panel)
        }
        _ => Err(DataError::Invalid {
            problems: diagnostics,
        }),
    }
}

/// Whether `path` holds data of `spec`: read as the spec reads its data, it gives values of one
/// of the spec's indicators, or of a column one of its formulas reads (names matched as the
/// loader matches them), for one of the spec's units where it lists them; where the units come
/// from the data, more than half of the file's indicators must be the spec's (a regional file
/// sharing an indicator name with a national index is not that index's data). `validate`
/// pairs data files with the specs they belong to by this.
pub fn holds_data_of(spec: &Spec, path: &Path) -> bool {
    let mut gathered = Gathered::default();
    let _ = read_file(path, 0, &spec.data, &spec.index, &mut gathered);
    if let Some(units) = &spec.units
        && !gathered
            .regions
            .iter()
            .any(|(s, _)| units.find(s).is_some())
    {
        return false;
    }
    let fw = &spec.framework;
    let mut names: std::collections::HashSet<String> = fw
        .indicators
        .iter()
        .map(|&n| match_key(&fw.nodes[n].id))
        .collect();
    for &n in &fw.indicators {
        if let NodeKind::Indicator(i) = &fw.nodes[n].kind
            && let Some(f) = &i.formula
        {
            names.extend(f.columns().iter().map(|c| match_key(c)));
        }
    }
    let matched = gathered
        .indicators
        .iter()
        .filter(|name| names.contains(&match_key(name)))
        .count();
    match spec.units {
        Some(_) => matched > 0,
        None => 2 * matched > gathered.indicators.len(),
    }
}

/// Reads every file and checks it against the spec, going as far as the data allow: every
/// diagnostic, and the panel when one could be built.
pub fn check(spec: &Spec, paths: &[impl AsRef<Path>]) -> (Option<Panel>, Vec<Diagnostic>) {
    let mut gathered = Gathered::default();
    let mut diagnostics = Vec::new();
    for (k, path) in paths.iter().enumerate() {
        diagnostics.extend(read_file(
            path.as_ref(),
            k as u16,
            &spec.data,
            &spec.index,
            &mut gathered,
        ));
        crate::timing::mark("read file");
    }
    // A declaration about a file that is not among the data would change nothing, silently.
    for reading in &spec.data.files {
        if !paths.iter().any(|p| reading.matches(p.as_ref())) {
            diagnostics.push(
                Diagnostic::new(
                    Code::UnusedFileReading,
                    spec.path.display().to_string(),
                    format!(
                        "a reading is declared for \"{}\", which is none of the data files",
                        reading.name
                    ),
                )
                .hint("name the file as given to --data (its name, or the end of its path)"),
            );
        }
    }
    let panel = build_panel(spec, gathered, &mut diagnostics);
    crate::timing::mark("build panel");
    (panel, diagnostics)
}

#[cfg(test)]
mod tests {
    /// The percentages typed into cells: "7%" is held as 0.07, and 0.07 * 100 is
    /// 7.000000000000001 in binary; the shown number is the typed one.
    #[test]
    fn a_percent_cell_reads_as_the_percentage_typed() {
        for (held, shown) in [
            (0.07, 7.0),
            (0.291, 29.1),
            (0.855, 85.5),
            (1.0, 100.0),
            (0.0, 0.0),
            (-0.05, -5.0),
            (1e-5, 0.001),
            (0.123456789, 12.3456789),
        ] {
            assert_eq!(super::percent_shown(held), shown, "{held}");
        }
    }
}
