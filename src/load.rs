//! Loading: data files (CSV or Parquet, long or wide) read with polars, regions matched to the
//! spec's units, merged into one `Panel`. Unknown regions and indicators are reported and
//! skipped; a value that is not a number or a duplicated (region, year, indicator) is an error.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::io::Cursor;
use std::path::Path;

use polars::prelude::*;

use crate::panel::{DataFile, Layout, Panel, Unmatched};
use crate::spec::{DataLayout, Labels, Spec};
use crate::units::{Unit, Units, match_key};

/// One problem in a data file, located by data row (1 = first row after the header), the line
/// of the file where the format has lines, and the column.
#[derive(Debug, Clone, PartialEq)]
pub struct DataProblem {
    pub file: String,
    pub row: Option<usize>,
    pub line: Option<usize>,
    pub column: Option<String>,
    pub message: String,
    pub hint: String,
}

impl fmt::Display for DataProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(row) = self.row {
            write!(f, ": row {row}")?;
        }
        if let Some(col) = &self.column {
            write!(f, ", column \"{col}\"")?;
        }
        write!(f, ": {}", self.message)?;
        if !self.hint.is_empty() {
            write!(f, "\n  hint: {}", self.hint)?;
        }
        Ok(())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DataError {
    #[error("{}", list(problems))]
    Invalid { problems: Vec<DataProblem> },
}

/// At most this many cell problems are listed; the count of the rest is given.
const MAX_LISTED: usize = 50;

fn list(problems: &[DataProblem]) -> String {
    let mut out = format!("the data have {} problem(s):", problems.len());
    for p in problems.iter().take(MAX_LISTED) {
        out.push('\n');
        out.push_str(&p.to_string());
    }
    if problems.len() > MAX_LISTED {
        out.push_str(&format!("\n... and {} more", problems.len() - MAX_LISTED));
    }
    out
}

/// One value read from a file, keys still as spelled there.
struct Record {
    region: u32,
    year: i32,
    indicator: u32,
    value: Option<f64>,
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
    files: Vec<DataFile>,
    /// Line offset of each file: line = data row + offset (None for Parquet).
    line_offset: Vec<Option<usize>>,
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
}

/// Loads and merges the data files into a panel over the spec's indicators.
pub fn load(spec: &Spec, paths: &[impl AsRef<Path>]) -> Result<Panel, DataError> {
    let mut gathered = Gathered::default();
    let mut problems = Vec::new();
    for (k, path) in paths.iter().enumerate() {
        if let Err(mut p) = read_file(path.as_ref(), k as u16, &spec.data, &mut gathered) {
            problems.append(&mut p);
        }
    }
    if !problems.is_empty() {
        return Err(DataError::Invalid { problems });
    }
    build_panel(spec, gathered)
}

fn problem(file: &str, message: impl Into<String>, hint: impl Into<String>) -> DataProblem {
    DataProblem {
        file: file.to_string(),
        row: None,
        line: None,
        column: None,
        message: message.into(),
        hint: hint.into(),
    }
}

/// Reads one file into `gathered`; returns every problem found in it.
fn read_file(
    path: &Path,
    file_no: u16,
    layout: &DataLayout,
    gathered: &mut Gathered,
) -> Result<(), Vec<DataProblem>> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| {
        vec![problem(
            &name,
            format!("cannot read the file: {e}"),
            "check the path given with --data",
        )]
    })?;
    let sha256 = crate::digest::sha256_hex(&bytes);
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_lowercase)
        .unwrap_or_default();
    let (frame, line_offset) = match extension.as_str() {
        "csv" | "txt" | "tsv" => read_csv(&bytes, extension == "tsv"),
        "parquet" | "pq" => ParquetReader::new(Cursor::new(bytes))
            .finish()
            .map(|df| (df, None))
            .map_err(|e| format!("not a readable Parquet file: {e}")),
        other => {
            return Err(vec![problem(
                &name,
                format!("unsupported file type \".{other}\""),
                "give data as .csv, .tsv or .parquet",
            )]);
        }
    }
    .map_err(|message| {
        vec![problem(
            &name,
            message,
            "check that the file is a complete CSV or Parquet export",
        )]
    })?;

    let columns: Vec<String> = frame
        .get_column_names()
        .iter()
        .map(|c| c.trim().to_string())
        .collect();
    let find = |wanted: &str| columns.iter().position(|c| c.eq_ignore_ascii_case(wanted));
    let missing_column = |wanted: &str, role: &str| {
        vec![problem(
            &name,
            format!("no \"{wanted}\" column (the {role})"),
            format!(
                "the header has: {}; name the column in the spec's [data] section ({role}_column = \"...\")",
                columns.join(", ")
            ),
        )]
    };
    let region_col = find(&layout.region_column)
        .ok_or_else(|| missing_column(&layout.region_column, "region"))?;
    let year_col =
        find(&layout.year_column).ok_or_else(|| missing_column(&layout.year_column, "year"))?;
    let name_col = layout.name_column.as_deref().and_then(find);
    let long = match (find(&layout.indicator_column), find(&layout.value_column)) {
        (Some(i), Some(v)) => Some((i, v)),
        _ => None,
    };

    let ctx = FileContext {
        name: &name,
        frame: &frame,
        columns: &columns,
        missing_values: &layout.missing_values,
        line_offset,
    };
    let regions = ctx.text_column(region_col)?;
    let years = ctx.text_column(year_col)?;
    let names = name_col.map(|c| ctx.text_column(c)).transpose()?;
    let mut problems = Vec::new();
    let height = frame.height();
    let first_record = gathered.records.len();

    // Keys of every row: unit spelling and year.
    let mut row_keys: Vec<Option<(u32, i32)>> = Vec::with_capacity(height);
    for row in 0..height {
        let region = regions.get(row).map(str::trim).unwrap_or("");
        if region.is_empty() {
            problems.push(ctx.cell(
                row,
                region_col,
                "empty region",
                "every row needs a region code or name",
            ));
            row_keys.push(None);
            continue;
        }
        let year_text = years.get(row).map(str::trim).unwrap_or("");
        let Ok(year) = year_text.parse::<i32>() else {
            problems.push(ctx.cell(
                row,
                year_col,
                format!("year \"{year_text}\" is not a whole number"),
                "write years as 2024",
            ));
            row_keys.push(None);
            continue;
        };
        let name = names.as_ref().and_then(|n| n.get(row)).map(str::trim);
        row_keys.push(Some((gathered.region(region, name), year)));
    }

    let layout_kind = if let Some((ind_col, val_col)) = long {
        let indicators = ctx.text_column(ind_col)?;
        let values = ctx.value_column(val_col)?;
        for (row, key) in row_keys.iter().enumerate() {
            let Some((region, year)) = *key else { continue };
            let indicator = indicators.get(row).map(str::trim).unwrap_or("");
            if indicator.is_empty() {
                problems.push(ctx.cell(
                    row,
                    ind_col,
                    "empty indicator",
                    "every row of a long file names its indicator",
                ));
                continue;
            }
            match values.get(row) {
                Ok(value) => {
                    let indicator = gathered.indicator(indicator);
                    gathered.records.push(Record {
                        region,
                        year,
                        indicator,
                        value,
                        file: file_no,
                        row: row as u32,
                    });
                }
                Err((message, hint)) => problems.push(ctx.cell(row, val_col, message, hint)),
            }
        }
        Layout::Long
    } else {
        let mut skip: Vec<usize> = vec![region_col, year_col];
        skip.extend(name_col);
        skip.extend(layout.ignore_columns.iter().filter_map(|c| find(c)));
        for col in (0..columns.len()).filter(|c| !skip.contains(c)) {
            let values = ctx.value_column(col)?;
            let indicator = gathered.indicator(&columns[col]);
            for (row, key) in row_keys.iter().enumerate() {
                let Some((region, year)) = *key else { continue };
                match values.get(row) {
                    Ok(value) => gathered.records.push(Record {
                        region,
                        year,
                        indicator,
                        value,
                        file: file_no,
                        row: row as u32,
                    }),
                    Err((message, hint)) => problems.push(ctx.cell(row, col, message, hint)),
                }
            }
        }
        Layout::Wide
    };
    if !problems.is_empty() {
        gathered.records.truncate(first_record);
        return Err(problems);
    }
    gathered.files.push(DataFile {
        path: name,
        sha256,
        layout: layout_kind,
        rows: height,
    });
    gathered.line_offset.push(line_offset);
    Ok(())
}

/// Reads CSV text with polars, every column as text so that each cell is parsed (and refused)
/// here with its row and column. Comment lines (`#`) before the header are skipped; the
/// returned offset turns a data row into a file line.
fn read_csv(bytes: &[u8], tab: bool) -> Result<(DataFrame, Option<usize>), String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut start = 0;
    let mut comment_lines = 0;
    while start < bytes.len()
        && (bytes[start] == b'#' || bytes[start] == b'\n' || bytes[start] == b'\r')
    {
        let end = bytes[start..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(bytes.len(), |p| start + p + 1);
        start = end;
        comment_lines += 1;
    }
    let body = &bytes[start..];
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err("the file has no header and no data".into());
    }
    if std::str::from_utf8(body).is_err() {
        return Err("the file is not valid UTF-8".into());
    }
    let separator = if tab { b'\t' } else { b',' };
    let frame = CsvReadOptions::default()
        .with_has_header(true)
        .with_infer_schema_length(Some(0))
        .map_parse_options(|o| o.with_separator(separator))
        .into_reader_with_file_handle(Cursor::new(body))
        .finish()
        .map_err(|e| match locate_csv_problem(body, separator) {
            Some((line, what)) => format!("line {}: {what}", line + comment_lines),
            None => format!("not a readable CSV file: {e}"),
        })?;
    // Data row r (1-based) sits on line comment_lines + 1 (header) + r.
    Ok((frame, Some(comment_lines + 1)))
}

/// Finds where CSV text breaks the format (polars says what, not where): the line, counted
/// from the header as line 1, and what is wrong there.
fn locate_csv_problem(body: &[u8], separator: u8) -> Option<(usize, String)> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(separator)
        .has_headers(true)
        .from_reader(body);
    for record in reader.records() {
        if let Err(e) = record {
            let line = e.position().map_or(1, |p| p.line() as usize);
            let what = match e.kind() {
                csv::ErrorKind::UnequalLengths {
                    expected_len, len, ..
                } => format!(
                    "{len} field(s) where the header has {expected_len} (an unclosed quote or a stray separator?)"
                ),
                _ => e.to_string(),
            };
            return Some((line, what));
        }
    }
    None
}

struct FileContext<'a> {
    name: &'a str,
    frame: &'a DataFrame,
    columns: &'a [String],
    missing_values: &'a [String],
    line_offset: Option<usize>,
}

/// A column of cell values: text to parse, or numbers already typed (Parquet).
enum Values {
    Text(StringChunked),
    Number(Float64Chunked),
}

/// A value column with the file's missing-value markers.
struct ValueColumn<'a> {
    values: Values,
    missing: &'a [String],
}

impl ValueColumn<'_> {
    fn get(&self, row: usize) -> Result<Option<f64>, (String, String)> {
        match &self.values {
            Values::Text(c) => parse_value(c.get(row).unwrap_or(""), self.missing),
            Values::Number(c) => match c.get(row) {
                Some(v) if !v.is_finite() => Err((
                    format!("value {v} is not a finite number"),
                    "replace it with a number or leave the cell empty".into(),
                )),
                v => Ok(v),
            },
        }
    }
}

/// Parses a cell: empty or a declared marker is missing; otherwise a finite number or an error.
pub fn parse_value(cell: &str, missing: &[String]) -> Result<Option<f64>, (String, String)> {
    let text = cell.trim();
    if text.is_empty() || missing.iter().any(|m| m.trim() == text) {
        return Ok(None);
    }
    match text.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(Some(v)),
        _ => Err((
            format!("\"{text}\" is not a number"),
            "write numbers with a decimal point (12.5), leave the cell empty for a missing value, or declare the marker in [data] missing_values".into(),
        )),
    }
}

impl<'a> FileContext<'a> {
    fn cell(
        &self,
        row: usize,
        col: usize,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) -> DataProblem {
        DataProblem {
            file: self.name.to_string(),
            row: Some(row + 1),
            line: self.line_offset.map(|o| o + row + 1),
            column: Some(self.columns[col].clone()),
            message: message.into(),
            hint: hint.into(),
        }
    }

    fn column_problem(&self, col: usize, e: PolarsError) -> Vec<DataProblem> {
        vec![DataProblem {
            file: self.name.to_string(),
            row: None,
            line: None,
            column: Some(self.columns[col].clone()),
            message: format!("cannot read the column: {e}"),
            hint: "keys must be text or whole numbers, values numbers".into(),
        }]
    }

    /// A key column as text (numbers in Parquet become their decimal form).
    fn text_column(&self, col: usize) -> Result<StringChunked, Vec<DataProblem>> {
        let column = &self.frame.columns()[col];
        column
            .cast(&DataType::String)
            .and_then(|c| c.str().cloned())
            .map_err(|e| self.column_problem(col, e))
    }

    fn value_column(&self, col: usize) -> Result<ValueColumn<'a>, Vec<DataProblem>> {
        let column = &self.frame.columns()[col];
        let values = if column.dtype().is_primitive_numeric() {
            Values::Number(
                column
                    .cast(&DataType::Float64)
                    .and_then(|c| c.f64().cloned())
                    .map_err(|e| self.column_problem(col, e))?,
            )
        } else {
            Values::Text(self.text_column(col)?)
        };
        Ok(ValueColumn {
            values,
            missing: self.missing_values,
        })
    }
}

/// Matches regions and indicators, detects duplicates and fills the panel.
fn build_panel(spec: &Spec, gathered: Gathered) -> Result<Panel, DataError> {
    let framework = &spec.framework;
    let file_name = |k: u16| gathered.files[k as usize].path.clone();

    // Units: the spec's, or one per distinct code in the data (sorted, so file order
    // does not change the output).
    let (units, unit_of): (Units, Vec<Option<usize>>) = match &spec.units {
        Some(units) => {
            let of = gathered
                .regions
                .iter()
                .map(|(s, _)| units.find(s))
                .collect();
            (units.clone(), of)
        }
        None => {
            let mut codes: BTreeMap<String, Option<String>> = BTreeMap::new();
            for (spelling, name) in &gathered.regions {
                let entry = codes.entry(spelling.clone()).or_default();
                if entry.is_none() {
                    *entry = name.clone().filter(|n| !n.is_empty());
                }
            }
            let mut units = Units::default();
            let mut problems = Vec::new();
            for (code, name) in &codes {
                let name = Labels::same_in(&spec.index.languages, name.as_deref().unwrap_or(code));
                if let Err(clash) = units.push(Unit {
                    code: code.clone(),
                    name,
                    aliases: vec![],
                }) {
                    problems.push(problem(
                        "data",
                        format!(
                            "\"{}\" names both {} and {}",
                            clash.spelling, clash.first, clash.second
                        ),
                        "with [units] from_data, names must not repeat another unit's code or name",
                    ));
                }
            }
            if !problems.is_empty() {
                return Err(DataError::Invalid { problems });
            }
            let of = gathered
                .regions
                .iter()
                .map(|(s, _)| units.find(s))
                .collect();
            (units, of)
        }
    };
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
    let indicator_ids: Vec<String> = framework
        .indicators
        .iter()
        .map(|&n| framework.nodes[n].id.clone())
        .collect();
    let mut panel = Panel::new(units, years.into_iter().collect(), indicator_ids);

    let mut unknown_regions: BTreeMap<u32, Unmatched> = BTreeMap::new();
    let mut unknown_indicators: BTreeMap<u32, Unmatched> = BTreeMap::new();
    let mut seen: HashMap<(usize, i32, usize), (u16, u32)> = HashMap::new();
    let mut with_data = vec![false; panel.indicators.len()];
    let mut problems = Vec::new();
    for r in &gathered.records {
        let Some(unit) = unit_of[r.region as usize] else {
            let spelling = &gathered.regions[r.region as usize].0;
            unknown_regions
                .entry(r.region)
                .or_insert_with(|| Unmatched {
                    file: file_name(r.file),
                    name: spelling.clone(),
                    first_row: r.row as usize + 1,
                    rows: 0,
                    suggestion: nearest_unit(&panel.units, spelling),
                })
                .rows += 1;
            continue;
        };
        let year = panel
            .year_position(r.year)
            .expect("years were collected from these records");
        panel.mark_present(year, unit);
        let Some(indicator) = indicator_of[r.indicator as usize] else {
            unknown_indicators
                .entry(r.indicator)
                .or_insert_with(|| Unmatched {
                    file: file_name(r.file),
                    name: gathered.indicators[r.indicator as usize].clone(),
                    first_row: r.row as usize + 1,
                    rows: 0,
                    suggestion: None,
                })
                .rows += 1;
            continue;
        };
        if let Some((first_file, first_row)) =
            seen.insert((unit, r.year, indicator), (r.file, r.row))
        {
            let offset = gathered.line_offset[r.file as usize];
            problems.push(DataProblem {
                file: file_name(r.file),
                row: Some(r.row as usize + 1),
                line: offset.map(|o| o + r.row as usize + 1),
                column: None,
                message: format!(
                    "duplicated value for region {}, year {}, indicator \"{}\" (first given in {} row {})",
                    panel.units.get(unit).code,
                    r.year,
                    panel.indicators[indicator],
                    file_name(first_file),
                    first_row + 1
                ),
                hint: "keep one row per region, year and indicator; remove the other or correct its year or region".into(),
            });
            continue;
        }
        with_data[indicator] = true;
        panel.set(year, unit, indicator, r.value);
    }
    if !problems.is_empty() {
        return Err(DataError::Invalid { problems });
    }
    panel.report.files = gathered.files;
    panel.report.unknown_regions = unknown_regions.into_values().collect();
    panel.report.unknown_indicators = unknown_indicators.into_values().collect();
    panel.report.indicators_without_data = panel
        .indicators
        .iter()
        .zip(&with_data)
        .filter(|(_, has)| !**has)
        .map(|(id, _)| id.clone())
        .collect();
    if panel.years.is_empty() {
        let files: Vec<&str> = panel.report.files.iter().map(|f| f.path.as_str()).collect();
        return Err(DataError::Invalid {
            problems: vec![problem(
                &files.join(", "),
                "no row of the data matches a unit of the spec",
                "check the region column: values must be unit codes, names or aliases from the spec",
            )],
        });
    }
    Ok(panel)
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
    let near = crate::spec::nearest(spelling, candidates.iter().map(|(s, _)| s.as_str()))?;
    let code = &candidates.iter().find(|(s, _)| s == near)?.1;
    Some(format!("{near} ({code})"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_parse_to_numbers_or_explicit_gaps() {
        let markers = vec!["..".to_string()];
        assert_eq!(parse_value(" 12.5 ", &markers), Ok(Some(12.5)));
        assert_eq!(parse_value("", &markers), Ok(None));
        assert_eq!(parse_value("..", &markers), Ok(None));
        assert!(parse_value("12,5", &markers).is_err());
        assert!(parse_value("NaN", &markers).is_err());
        assert!(parse_value("inf", &markers).is_err());
    }
}
