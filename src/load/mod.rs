//! Loading: data files (CSV in any common encoding and locale, Parquet, Excel; long or wide)
//! read into one `Panel`, regions matched to the spec's units, and every cell checked.
//!
//! `check` reads everything it can and returns all diagnostics; `load` is `check` that refuses
//! on errors. Unknown regions and indicators are warnings (their rows are skipped); a value that
//! is not a number, out of its valid range, or given twice is an error.

mod excel;
mod number;
mod table;
mod text;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Cursor;
use std::path::Path;
use std::sync::Arc;

use polars::prelude::*;

use crate::diagnostic::{Code, Diagnostic, list};
use crate::panel::{DataFile, Layout, Panel};
use crate::spec::{DataLayout, DecimalMark, Labels, NodeKind, Spec};
use crate::units::{Unit, Units, match_key};
use table::{Column, Table};

pub use number::parse as parse_number;

/// Decodes a text file as loading does (UTF-8 with or without BOM, or Windows-1251 Cyrillic).
pub fn decode_text(bytes: &[u8]) -> Result<String, (Code, String, String)> {
    text::decode(bytes, crate::spec::TextEncoding::Auto)
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
            &mut gathered,
        ));
    }
    let panel = build_panel(spec, gathered, &mut diagnostics);
    (panel, diagnostics)
}

/// One value read from a file, keys still as spelled there.
struct Record {
    region: u32,
    year: i32,
    indicator: u32,
    value: Option<f64>,
    /// Sampling error, given directly or as a sample size (column `se` / `n` in long files,
    /// `<indicator>_se` / `<indicator>_n` in wide ones).
    se: Option<f64>,
    n: Option<f64>,
    file: u16,
    row: u32,
}

/// What all files gave, before regions are matched.
#[derive(Default)]
struct Gathered {
    records: Vec<Record>,
    /// Distinct region spellings, with the unit name from `name_column` if any.
    regions: Vec<(String, Option<String>)>,
    region_ids: HashMap<String, u32>,
    /// Distinct indicator names as spelled in the files.
    indicators: Vec<String>,
    indicator_ids: HashMap<String, u32>,
    /// Per file read: name, line offset, value column of long files.
    files: Vec<FileInfo>,
}

struct FileInfo {
    name: String,
    line_offset: Option<usize>,
    /// Long files: the value column's name; wide files: `None` (the indicator is the column).
    value_column: Option<String>,
    data: Option<DataFile>,
}

impl Gathered {
    fn region(&mut self, spelling: &str, name: Option<&str>) -> u32 {
        if let Some(&id) = self.region_ids.get(spelling) {
            return id;
        }
        let id = self.regions.len() as u32;
        self.regions
            .push((spelling.to_string(), name.map(str::to_string)));
        self.region_ids.insert(spelling.to_string(), id);
        id
    }

    fn indicator(&mut self, name: &str) -> u32 {
        if let Some(&id) = self.indicator_ids.get(name) {
            return id;
        }
        let id = self.indicators.len() as u32;
        self.indicators.push(name.to_string());
        self.indicator_ids.insert(name.to_string(), id);
        id
    }

    /// A diagnostic at a data row of a file (0-based row).
    fn at_row(
        &self,
        code: Code,
        file: u16,
        row: usize,
        field: Option<&str>,
        message: String,
    ) -> Diagnostic {
        let info = &self.files[file as usize];
        let mut d = Diagnostic::new(code, info.name.clone(), message);
        d.row = Some(row + 1);
        d.line = info.line_offset.map(|o| o + row + 1);
        d.field = field.map(str::to_string);
        d
    }
}

/// Reads one file into `gathered`; returns the problems found in it (errors drop its rows).
fn read_file(
    path: &Path,
    file_no: u16,
    layout: &DataLayout,
    gathered: &mut Gathered,
) -> Vec<Diagnostic> {
    let name = path.display().to_string();
    gathered.files.push(FileInfo {
        name: name.clone(),
        line_offset: None,
        value_column: None,
        data: None,
    });
    let refuse = |(code, message, hint): text::Refusal| {
        vec![Diagnostic::new(code, name.clone(), message).hint(hint)]
    };
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            return refuse((
                Code::UnreadableFile,
                format!("cannot read the file: {e}"),
                "check the path given with --data".into(),
            ));
        }
    };
    let sha256 = crate::digest::sha256_hex(&bytes);
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_lowercase)
        .unwrap_or_default();
    let table = match extension.as_str() {
        "csv" | "txt" | "tsv" => text::decode(&bytes, layout.encoding)
            .and_then(|t| text::read_csv(&t, extension == "tsv")),
        "parquet" | "pq" => ParquetReader::new(Cursor::new(bytes))
            .finish()
            .and_then(|df| table::from_frame(&df, None))
            .map_err(|e| {
                (
                    Code::UnreadableFile,
                    format!("not a readable Parquet file: {e}"),
                    "check that the file is a complete Parquet export".into(),
                )
            }),
        "xlsx" | "xlsm" | "xls" | "xlsb" | "ods" => {
            excel::read_sheet(bytes, layout.sheet.as_deref())
        }
        other => Err((
            Code::UnreadableFile,
            format!("unsupported file type \".{other}\""),
            "give data as .csv, .tsv, .parquet or .xlsx".into(),
        )),
    };
    let table = match table {
        Ok(t) => t,
        Err(r) => return refuse(r),
    };
    gathered.files[file_no as usize].line_offset = table.line_offset;
    read_table(&table, file_no, layout, gathered, sha256)
}

fn read_table(
    t: &Table,
    file_no: u16,
    layout: &DataLayout,
    gathered: &mut Gathered,
    sha256: String,
) -> Vec<Diagnostic> {
    let name = gathered.files[file_no as usize].name.clone();
    let find = |wanted: &str| {
        t.columns
            .iter()
            .position(|c| c.eq_ignore_ascii_case(wanted))
    };
    let missing_column = |wanted: &str, role: &str| {
        vec![Diagnostic::new(Code::MissingColumn, name.clone(), format!("no \"{wanted}\" column (the {role})"))
            .hint(format!(
                "the header has: {}; name the column in the spec's [data] section ({role}_column = \"...\")",
                t.columns.join(", ")
            ))]
    };
    let Some(region_col) = find(&layout.region_column) else {
        return missing_column(&layout.region_column, "region");
    };
    let Some(year_col) = find(&layout.year_column) else {
        return missing_column(&layout.year_column, "year");
    };
    let name_col = layout.name_column.as_deref().and_then(find);
    let long = find(&layout.indicator_column).zip(find(&layout.value_column));
    let mut problems = Vec::new();
    let first_record = gathered.records.len();

    // Keys of every row: unit spelling and year.
    let mut row_keys: Vec<Option<(u32, i32)>> = Vec::with_capacity(t.height);
    for row in 0..t.height {
        let region = t.data[region_col].text(row);
        let region = region.as_deref().map(str::trim).unwrap_or("");
        if region.is_empty() {
            problems.push(
                gathered
                    .at_row(
                        Code::EmptyKey,
                        file_no,
                        row,
                        Some(&t.columns[region_col]),
                        "empty region".into(),
                    )
                    .hint("every row needs a region code or name"),
            );
            row_keys.push(None);
            continue;
        }
        let year_text = t.data[year_col].text(row);
        let year_text = year_text.as_deref().map(str::trim).unwrap_or("");
        let Ok(year) = year_text.parse::<i32>() else {
            problems.push(
                gathered
                    .at_row(
                        Code::BadYear,
                        file_no,
                        row,
                        Some(&t.columns[year_col]),
                        format!("year \"{year_text}\" is not a whole number"),
                    )
                    .hint("write years as 2024"),
            );
            row_keys.push(None);
            continue;
        };
        let unit_name = name_col
            .and_then(|c| t.data[c].text(row))
            .map(|n| n.trim().to_string());
        row_keys.push(Some((gathered.region(region, unit_name.as_deref()), year)));
    }

    // Columns of sampling errors: `se` and `n` in long files; `<column>_se` and `<column>_n`
    // beside a value column in wide ones.
    let error_cols = |col: usize| -> (Option<usize>, Option<usize>) {
        match long {
            Some(_) => (find("se"), find("n")),
            None => (
                find(&format!("{}_se", t.columns[col])),
                find(&format!("{}_n", t.columns[col])),
            ),
        }
    };
    let value_cols: Vec<usize> = match long {
        Some((_, v)) => vec![v],
        None => {
            let mut skip: Vec<usize> = vec![region_col, year_col];
            skip.extend(name_col);
            skip.extend(layout.ignore_columns.iter().filter_map(|c| find(c)));
            for c in 0..t.columns.len() {
                let (se, n) = error_cols(c);
                skip.extend(se);
                skip.extend(n);
            }
            (0..t.columns.len()).filter(|c| !skip.contains(c)).collect()
        }
    };
    // A standard error or sample size cell: a number or empty.
    let error_cell = |col: Option<usize>,
                      row: usize|
     -> Result<Option<f64>, (usize, number::Refusal)> {
        let Some(c) = col else { return Ok(None) };
        let v = match t.data[c].typed(row) {
            Some(v) => Ok(Some(v)),
            None => match t.data[c].written(row) {
                Some(text) => number::parse(text, DecimalMark::Auto, false, &layout.missing_values),
                None => Ok(None),
            },
        };
        v.map_err(|e| (c, e))
    };
    // The file's decimal mark: declared, or decided by the cells that show one.
    let (mut points, mut commas) = (0, 0);
    for &c in &value_cols {
        for row in 0..t.height {
            match t.data[c].written(row).map(number::vote) {
                Some(number::Vote::Point) => points += 1,
                Some(number::Vote::Comma) => commas += 1,
                _ => {}
            }
        }
    }
    let declared = layout.decimal != DecimalMark::Auto;
    // A file with both marks: the majority decides and the others are refused cell by cell.
    let mark = number::decide(layout.decimal, points, commas).unwrap_or(if points >= commas {
        DecimalMark::Point
    } else {
        DecimalMark::Comma
    });
    let value = |col: &Column, row: usize| -> Result<Option<f64>, number::Refusal> {
        match col.typed(row) {
            Some(v) if v.is_finite() => Ok(Some(v)),
            Some(v) => Err((
                Code::NotANumber,
                format!("value {v} is not a finite number"),
                "replace it with a number or leave the cell empty".into(),
            )),
            None => match col.written(row) {
                Some(text) => number::parse(text, mark, declared, &layout.missing_values),
                None => Ok(None),
            },
        }
    };

    // A value with its standard error and sample size; `Err` names the column refused.
    let read_cell =
        |row: usize,
         col: usize|
         -> Result<(Option<f64>, Option<f64>, Option<f64>), (usize, number::Refusal)> {
            let (se_col, n_col) = error_cols(col);
            let se = error_cell(se_col, row)?;
            let n = error_cell(n_col, row)?;
            let v = value(&t.data[col], row).map_err(|e| (col, e))?;
            Ok((v, se, n))
        };
    let layout_kind = if let Some((ind_col, val_col)) = long {
        for (row, key) in row_keys.iter().enumerate() {
            let Some((region, year)) = *key else { continue };
            let indicator = t.data[ind_col].text(row);
            let indicator = indicator.as_deref().map(str::trim).unwrap_or("");
            if indicator.is_empty() {
                problems.push(
                    gathered
                        .at_row(
                            Code::EmptyKey,
                            file_no,
                            row,
                            Some(&t.columns[ind_col]),
                            "empty indicator".into(),
                        )
                        .hint("every row of a long file names its indicator"),
                );
                continue;
            }
            match read_cell(row, val_col) {
                Ok((value, se, n)) => {
                    let indicator = gathered.indicator(indicator);
                    gathered.records.push(Record {
                        region,
                        year,
                        indicator,
                        value,
                        se,
                        n,
                        file: file_no,
                        row: row as u32,
                    });
                }
                Err((c, (code, message, hint))) => problems.push(
                    gathered
                        .at_row(code, file_no, row, Some(&t.columns[c]), message)
                        .hint(hint),
                ),
            }
        }
        gathered.files[file_no as usize].value_column = Some(t.columns[val_col].clone());
        Layout::Long
    } else {
        for &col in &value_cols {
            let indicator = gathered.indicator(&t.columns[col]);
            for (row, key) in row_keys.iter().enumerate() {
                let Some((region, year)) = *key else { continue };
                match read_cell(row, col) {
                    Ok((value, se, n)) => gathered.records.push(Record {
                        region,
                        year,
                        indicator,
                        value,
                        se,
                        n,
                        file: file_no,
                        row: row as u32,
                    }),
                    Err((c, (code, message, hint))) => problems.push(
                        gathered
                            .at_row(code, file_no, row, Some(&t.columns[c]), message)
                            .hint(hint),
                    ),
                }
            }
        }
        Layout::Wide
    };
    if !problems.is_empty() {
        gathered.records.truncate(first_record);
        return problems;
    }
    gathered.files[file_no as usize].data = Some(DataFile {
        path: name,
        sha256,
        layout: layout_kind,
        rows: t.height,
    });
    problems
}

/// Matches regions and indicators, checks duplicates, valid ranges, coverage and years, and
/// fills the panel. `None` when no row matched a unit.
fn build_panel(
    spec: &Spec,
    gathered: Gathered,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Panel> {
    let framework = &spec.framework;
    let all_files = || {
        gathered
            .files
            .iter()
            .map(|f| f.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };

    // Units: the spec's, or one per distinct code in the data (sorted, so file order does not
    // change the output).
    let units = match &spec.units {
        Some(units) => units.clone(),
        None => {
            let mut codes: BTreeMap<String, Option<String>> = BTreeMap::new();
            for (spelling, name) in &gathered.regions {
                let entry = codes.entry(spelling.clone()).or_default();
                if entry.is_none() {
                    *entry = name.clone().filter(|n| !n.is_empty());
                }
            }
            let mut units = Units::default();
            for (code, name) in &codes {
                let name = Labels::same_in(&spec.index.languages, name.as_deref().unwrap_or(code));
                if let Err(clash) = units.push(Unit {
                    code: code.clone(),
                    name,
                    aliases: vec![],
                    tile: None,
                    group: None,
                }) {
                    diagnostics.push(
                        Diagnostic::new(
                            Code::UnitClash,
                            all_files(),
                            format!("\"{}\" names both {} and {}", clash.spelling, clash.first, clash.second),
                        )
                        .hint("with [units] from_data, names must not repeat another unit's code or name"),
                    );
                }
            }
            units
        }
    };
    let unit_of: Vec<Option<usize>> = gathered
        .regions
        .iter()
        .map(|(s, _)| units.find(s))
        .collect();
    let indicator_of: Vec<Option<usize>> = gathered
        .indicators
        .iter()
        .map(|name| {
            framework.indicator_column(name).or_else(|| {
                framework
                    .indicators
                    .iter()
                    .position(|&n| match_key(&framework.nodes[n].id) == match_key(name))
            })
        })
        .collect();
    let years: BTreeSet<i32> = gathered
        .records
        .iter()
        .filter(|r| unit_of[r.region as usize].is_some())
        .map(|r| r.year)
        .collect();
    let ids: Vec<String> = framework
        .indicators
        .iter()
        .map(|&n| framework.nodes[n].id.clone())
        .collect();
    let mut panel = Panel::new(units, years.into_iter().collect(), ids);

    let mut unknown_regions: BTreeMap<u32, (usize, Diagnostic)> = BTreeMap::new();
    let mut unknown_indicators: BTreeMap<u32, (usize, Diagnostic)> = BTreeMap::new();
    // Raw columns that derived indicators' formulas read: (value, first record + 1) per cell.
    let mut raw_columns: HashMap<String, Vec<(Option<f64>, u32)>> = framework
        .indicators
        .iter()
        .filter_map(|&n| match &framework.nodes[n].kind {
            NodeKind::Indicator(i) => i.formula.as_ref(),
            _ => None,
        })
        .flat_map(|f| f.columns())
        .map(|c| {
            (
                match_key(&c),
                vec![(None, 0); panel.years.len() * panel.units.len()],
            )
        })
        .collect();
    // The first record (index + 1) given for each cell, to find duplicates.
    let (n_units, n_ind) = (panel.units.len(), panel.indicators.len());
    let mut seen: Vec<u32> = vec![0; panel.years.len() * n_units * n_ind];
    let mut with_data = vec![false; panel.indicators.len()];
    for (k, r) in gathered.records.iter().enumerate() {
        let field = |name: &str| {
            gathered.files[r.file as usize]
                .value_column
                .clone()
                .unwrap_or_else(|| name.to_string())
        };
        let Some(unit) = unit_of[r.region as usize] else {
            let spelling = &gathered.regions[r.region as usize].0;
            let entry = unknown_regions.entry(r.region).or_insert_with(|| {
                let hint = match nearest_unit(&panel.units, spelling) {
                    Some(s) => format!("did you mean {s}? add the spelling to that unit's aliases"),
                    None => "add the unit to the spec, or the spelling as an alias of one".into(),
                };
                let d = gathered
                    .at_row(
                        Code::UnknownRegion,
                        r.file,
                        r.row as usize,
                        Some(spec.data.region_column.as_str()),
                        format!("unknown region \"{spelling}\""),
                    )
                    .hint(hint);
                (0, d)
            });
            entry.0 += 1;
            continue;
        };
        let year = panel
            .year_position(r.year)
            .expect("years were collected from these records");
        panel.mark_present(year, unit);
        let Some(indicator) = indicator_of[r.indicator as usize] else {
            let name = &gathered.indicators[r.indicator as usize];
            if let Some(values) = raw_columns.get_mut(&match_key(name)) {
                let cell = year * n_units + unit;
                if values[cell].1 != 0 {
                    let first = &gathered.records[values[cell].1 as usize - 1];
                    diagnostics.push(
                        gathered
                            .at_row(Code::DuplicateRow, r.file, r.row as usize, None, format!(
                                "duplicated value for region {}, year {}, column \"{name}\" (first given in {} row {})",
                                panel.units.get(unit).code, r.year, gathered.files[first.file as usize].name, first.row + 1
                            ))
                            .hint("keep one row per region, year and column"),
                    );
                } else {
                    values[cell] = (r.value, k as u32 + 1);
                }
                continue;
            }
            let entry = unknown_indicators.entry(r.indicator).or_insert_with(|| {
                let ids = framework.indicators.iter().map(|&n| framework.nodes[n].id.as_str());
                let hint = match crate::diagnostic::nearest(name, ids) {
                    Some(near) => format!("did you mean \"{near}\"? rename the column or add the indicator to the spec"),
                    None => "add the indicator to the spec, or list the column in [data] ignore_columns".into(),
                };
                let d = gathered.at_row(Code::UnknownIndicator, r.file, r.row as usize, Some(&field(name)), format!("indicator \"{name}\" is not in the spec")).hint(hint);
                (0, d)
            });
            entry.0 += 1;
            continue;
        };
        let id = &framework.nodes[framework.indicators[indicator]].id;
        let cell = (year * n_units + unit) * n_ind + indicator;
        if seen[cell] != 0 {
            let first = &gathered.records[seen[cell] as usize - 1];
            let (first_file, first_row) = (first.file, first.row);
            diagnostics.push(
                gathered
                    .at_row(
                        Code::DuplicateRow,
                        r.file,
                        r.row as usize,
                        None,
                        format!(
                            "duplicated value for region {}, year {}, indicator \"{id}\" (first given in {} row {})",
                            panel.units.get(unit).code,
                            r.year,
                            gathered.files[first_file as usize].name,
                            first_row + 1
                        ),
                    )
                    .hint("keep one row per region, year and indicator; remove the other or correct its year or region"),
            );
            continue;
        }
        seen[cell] = k as u32 + 1;
        if let (Some(v), NodeKind::Indicator(ind)) = (
            r.value,
            &framework.nodes[framework.indicators[indicator]].kind,
        ) && let Some((lo, hi)) = ind.valid
            && !(lo..=hi).contains(&v)
        {
            diagnostics.push(
                gathered
                    .at_row(
                        Code::OutOfRange,
                        r.file,
                        r.row as usize,
                        Some(&field(id)),
                        format!("value {v} of \"{id}\" is outside its valid range [{lo}, {hi}]"),
                    )
                    .hint(format!("check the value and its unit ({})", ind.unit)),
            );
        }
        with_data[indicator] = true;
        panel.set(year, unit, indicator, r.value);
        match sampling_error(
            r,
            &framework.nodes[framework.indicators[indicator]].kind,
            id,
        ) {
            Ok(se) => panel.set_se(year, unit, indicator, se),
            Err((code, message, hint)) => {
                let field = if r.se.is_some() { "se" } else { "n" };
                diagnostics.push(
                    gathered
                        .at_row(code, r.file, r.row as usize, Some(field), message)
                        .hint(hint),
                );
            }
        }
    }
    derive(spec, &mut panel, &raw_columns, &mut with_data, diagnostics);
    for (rows, mut d) in unknown_regions
        .into_values()
        .chain(unknown_indicators.into_values())
    {
        d.message = format!("{} ({rows} row(s) skipped)", d.message);
        diagnostics.push(d);
    }
    Arc::make_mut(&mut panel.report).files = gathered
        .files
        .iter()
        .filter_map(|f| f.data.clone())
        .collect();
    if panel.years.is_empty() {
        if !gathered.files.is_empty() && diagnostics.iter().all(|d| !d.is_error()) {
            diagnostics.push(
                Diagnostic::new(Code::NoMatchingRows, all_files(), "no row of the data matches a unit of the spec")
                    .hint("check the region column: values must be unit codes, names or aliases from the spec"),
            );
        }
        return None;
    }
    spec_level_checks(spec, &panel, &with_data, diagnostics, &all_files());
    Some(panel)
}

/// Computes the derived indicators from their formulas' raw columns, per region and year.
fn derive(
    spec: &Spec,
    panel: &mut Panel,
    raw: &HashMap<String, Vec<(Option<f64>, u32)>>,
    with_data: &mut [bool],
    diagnostics: &mut Vec<Diagnostic>,
) {
    let fw = &spec.framework;
    let file = spec.path.display().to_string();
    let n_units = panel.units.len();
    for (i, &node) in fw.indicators.iter().enumerate() {
        let NodeKind::Indicator(ind) = &fw.nodes[node].kind else {
            continue;
        };
        let Some(formula) = &ind.formula else {
            continue;
        };
        let id = &fw.nodes[node].id;
        if with_data[i] {
            diagnostics.push(
                Diagnostic::new(
                    Code::DuplicateRow,
                    file.clone(),
                    format!("\"{id}\" is given both in the data and as a formula"),
                )
                .hint("remove its rows from the data, or its formula from the spec"),
            );
            continue;
        }
        for y in 0..panel.years.len() {
            for u in panel.present_units(y) {
                let column = |c: &str| raw.get(&match_key(c)).and_then(|v| v[y * n_units + u].0);
                match formula.eval(&column) {
                    Ok(Some(v)) => {
                        if let Some((lo, hi)) = ind.valid
                            && !(lo..=hi).contains(&v)
                        {
                            diagnostics.push(
                                Diagnostic::new(Code::OutOfRange, file.clone(), format!(
                                    "\"{id}\" computes to {v} for region {}, year {}, outside its valid range [{lo}, {hi}]",
                                    panel.units.get(u).code, panel.years[y]
                                ))
                                .hint("check the raw columns of the formula and their units"),
                            );
                        }
                        panel.set(y, u, i, Some(v));
                        with_data[i] = true;
                    }
                    Ok(None) => {}
                    Err(message) => diagnostics.push(
                        Diagnostic::new(
                            Code::NotANumber,
                            file.clone(),
                            format!(
                                "the formula of \"{id}\" meets a {message} for region {}, year {}",
                                panel.units.get(u).code,
                                panel.years[y]
                            ),
                        )
                        .hint("check the denominator column for that region and year"),
                    ),
                }
            }
        }
    }
}

/// The standard error of a record's value: given, or from a sample size for a share
/// (se = sqrt(p (S - p) / n), S = 100 for a percentage, 1 for a proportion).
fn sampling_error(r: &Record, kind: &NodeKind, id: &str) -> Result<Option<f64>, number::Refusal> {
    if let Some(se) = r.se {
        if !(se.is_finite() && se >= 0.0) {
            return Err((
                Code::BadSampleSize,
                format!("standard error {se} of \"{id}\" is negative"),
                "a standard error is >= 0; leave the cell empty when there is none".into(),
            ));
        }
        return Ok(Some(se));
    }
    let (Some(n), Some(p)) = (r.n, r.value) else {
        return Ok(None);
    };
    if !(n.is_finite() && n >= 1.0) {
        return Err((
            Code::BadSampleSize,
            format!("sample size {n} of \"{id}\" is not at least 1"),
            "give the number of respondents behind the value".into(),
        ));
    }
    let scale = match kind {
        NodeKind::Indicator(i) => match i.valid {
            Some((lo, hi)) if lo == 0.0 && (hi == 100.0 || hi == 1.0) => hi,
            _ => {
                return Err((
                    Code::BadSampleSize,
                    format!("a sample size is given for \"{id}\", which is not declared as a share"),
                    "declare valid = [0, 100] (a percentage) or [0, 1] (a proportion), or give the standard error in an se column".into(),
                ));
            }
        },
        NodeKind::Group { .. } => return Ok(None),
    };
    Ok(Some((p * (scale - p) / n).max(0.0).sqrt()))
}

/// Checks of the panel as a whole: indicators without data, coverage, years with too few units.
fn spec_level_checks(
    spec: &Spec,
    panel: &Panel,
    with_data: &[bool],
    diagnostics: &mut Vec<Diagnostic>,
    files: &str,
) {
    let spec_file = spec.path.display().to_string();
    // The spec's text, read once, to place diagnostics about its indicators.
    let text = std::fs::read_to_string(&spec.path).ok();
    let at_node = |code: Code, id: &str, message: String| {
        let mut d = Diagnostic::new(code, spec_file.clone(), message);
        if let (Some(span), Some(text)) = (spec.spans.get(id), &text) {
            let (line, column) = crate::diagnostic::line_col(&text, span.start);
            d = d.at(line, column);
        }
        d
    };
    for (i, id) in panel.indicators.iter().enumerate() {
        if !with_data[i] {
            diagnostics.push(
                at_node(Code::NoData, id, format!("indicator \"{id}\" has no data in any file: its scores are missing"))
                    .hint("add its values to a data file, or check that the column or indicator name matches the id"),
            );
        }
    }
    let present: Vec<Vec<usize>> = (0..panel.years.len())
        .map(|y| panel.present_units(y))
        .collect();
    for (y, units) in present.iter().enumerate() {
        if units.len() < spec.validation.min_units {
            diagnostics.push(
                Diagnostic::new(
                    Code::TooFewUnits,
                    files.to_string(),
                    format!(
                        "year {} has data for {} region(s); normalising needs at least {}",
                        panel.years[y],
                        units.len(),
                        spec.validation.min_units
                    ),
                )
                .hint("add the missing regions' data for that year, or drop the year's rows"),
            );
        }
    }
    let Some(min) = spec.validation.min_coverage else {
        return;
    };
    for (i, id) in panel.indicators.iter().enumerate() {
        let cells: usize = present.iter().map(Vec::len).sum();
        let filled: usize = present
            .iter()
            .enumerate()
            .map(|(y, us)| us.iter().filter(|&&u| panel.get(y, u, i).is_some()).count())
            .sum();
        if with_data[i] && cells > 0 && (filled as f64) < min * cells as f64 {
            diagnostics.push(
                at_node(Code::LowCoverage, id, format!("indicator \"{id}\" has values in {filled} of {cells} region-years, below min_coverage {min}"))
                    .hint("complete the data, or lower [validation] min_coverage if the gaps are expected"),
            );
        }
    }
    for u in 0..panel.units.len() {
        let years: Vec<usize> = (0..panel.years.len())
            .filter(|&y| panel.is_present(y, u))
            .collect();
        let cells = years.len() * panel.indicators.len();
        let filled = years
            .iter()
            .map(|&y| {
                (0..panel.indicators.len())
                    .filter(|&i| panel.get(y, u, i).is_some())
                    .count()
            })
            .sum::<usize>();
        if cells > 0 && (filled as f64) < min * cells as f64 {
            diagnostics.push(
                Diagnostic::new(
                    Code::LowCoverage,
                    files.to_string(),
                    format!("region {} has values in {filled} of {cells} indicator-years, below min_coverage {min}", panel.units.get(u).code),
                )
                .hint("complete the region's data, or lower [validation] min_coverage if the gaps are expected"),
            );
        }
    }
}

/// The unit whose code, name or alias is closest to an unknown spelling.
fn nearest_unit(units: &Units, spelling: &str) -> Option<String> {
    let mut candidates: Vec<(String, String)> = Vec::new();
    for u in units.iter() {
        candidates.push((u.code.clone(), u.code.clone()));
        for n in u.name.values().chain(u.aliases.iter().map(String::as_str)) {
            candidates.push((n.to_string(), u.code.clone()));
        }
    }
    let near = crate::diagnostic::nearest(spelling, candidates.iter().map(|(s, _)| s.as_str()))?;
    let code = &candidates.iter().find(|(s, _)| s == near)?.1;
    Some(format!("{near} ({code})"))
}
