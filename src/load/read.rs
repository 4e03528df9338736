//! Reading the files: each file's rows into records, keys still as spelled, with the place of
//! every cell for diagnostics.

use polars::prelude::{ParquetReader, SerReader, polars_err};

use super::gathered::{FileInfo, Gathered, Record, Sampling};
use super::rows::Sink as _;
use super::text::PARALLEL_BYTES;

use super::{
    Code, Column, Cursor, DataFile, DataLayout, DecimalMark, Diagnostic, HashMap, Layout, Path,
    Table, excel, number, rows, table, text,
};

/// Reads one file into `gathered`; returns the problems found in it (errors drop its rows).
pub(super) fn read_file(
    path: &Path,
    file_no: u16,
    layout: &DataLayout,
    index: &crate::spec::IndexMeta,
    gathered: &mut Gathered,
) -> Vec<Diagnostic> {
    // `[data]`, with what is declared about this file.
    let layout = &layout.for_file(path);
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
    let (table, sha256) = match open(path, layout.encoding, layout.sheet.as_deref(), Some(layout)) {
        Ok(t) => t,
        Err(r) => return refuse(r),
    };
    gathered.files[file_no as usize].line_offset = table.line_offset;
    if let Some(origin) = &table.template
        && (origin.spec_id != index.id || origin.spec_version != index.version)
    {
        return refuse((
            Code::TemplateMismatch,
            format!(
                "a collection template of spec \"{}\" version \"{}\", and the spec is \"{}\" version \"{}\"",
                origin.spec_id, origin.spec_version, index.id, index.version
            ),
            "read it with the spec it was made for, or copy its values into a template made with `cwi template` from this spec".into(),
        ));
    }
    read_table(&table, file_no, layout, gathered, sha256)
}

/// How to declare one file's decimal mark, on the command line or in the spec.
fn settle_hint(path: &str) -> String {
    let file = Path::new(path)
        .file_name()
        .map_or(path.to_string(), |f| f.to_string_lossy().into_owned());
    format!(
        "declare this file's decimal mark: --decimal {file}=. (or ,) on the command line, or in the spec [[data.file]] name = \"{file}\" with decimal = \".\" (or \",\")"
    )
}

/// Takes out of a wide file's value columns the index column a data frame library wrote: an
/// unnamed first column (or pyarrow's `__index_level_0__`) whose cells are the row numbers
/// 0, 1, 2, ... or 1, 2, 3, ... in order. Returns its name and first and last number.
fn drop_row_numbers<'t>(t: &'t Table, roles: &mut table::Roles) -> Option<(&'t str, i64, i64)> {
    let at = roles.values.iter().position(|&c| {
        let name = t.columns[c].as_str();
        (c == 0 && name.is_empty()) || name == "__index_level_0__"
    })?;
    let column = &t.data[roles.values[at]];
    let mut first = None;
    for row in 0..t.height {
        let cell = column.typed(row).or_else(|| {
            column
                .written(row)
                .and_then(|text| text.trim().parse::<i64>().ok())
                .map(|v| v as f64)
        })?;
        let start = *first.get_or_insert(cell);
        if start != 0.0 && start != 1.0 || cell != start + row as f64 {
            return None;
        }
    }
    let first = first? as i64;
    let removed = roles.values.remove(at);
    roles.errors.remove(at);
    Some((
        t.columns[removed].as_str(),
        first,
        first + t.height as i64 - 1,
    ))
}

/// Reads one table's rows into `gathered`: the columns' roles, the file's decimal mark, then
/// the rows as a long or a wide file, each cell through `Cells`. Returns the problems found.
pub(super) fn read_table(
    t: &Table,
    file_no: u16,
    layout: &DataLayout,
    gathered: &mut Gathered,
    sha256: String,
) -> Vec<Diagnostic> {
    let name = gathered.files[file_no as usize].name.clone();
    let (roles, index_note) = match column_roles(t, layout, &name) {
        Ok(found) => found,
        Err(refused) => return refused,
    };
    // Columns of sampling errors: `se` and `n` in long files; `<column>_se` and `<column>_n`
    // beside a value column in wide ones.
    let error_cols: HashMap<usize, (Option<usize>, Option<usize>)> = roles
        .values
        .iter()
        .copied()
        .zip(roles.errors.iter().copied())
        .collect();
    let cells = Cells {
        t,
        layout,
        name: &name,
        mark: decimal_mark(t, layout, &roles.values),
        declared: layout.decimal != DecimalMark::Auto,
        error_cols: &error_cols,
    };
    let read_cell = |row: usize, col: usize| cells.read(row, col);
    let (problems, layout_kind) = if let Some((ind_col, val_col)) = roles.long {
        let problems = rows::read_long(
            &rows::Long {
                table: t,
                region: roles.region,
                year: roles.year,
                name: roles.name,
                indicator: ind_col,
                value: val_col,
                plain: error_cols[&val_col] == (None, None),
                file: file_no,
                read_cell: &read_cell,
            },
            gathered,
        );
        gathered.files[file_no as usize].value_column = Some(t.columns[val_col].clone());
        (problems, Layout::Long)
    } else {
        (
            read_wide(t, &roles, &cells, file_no, gathered),
            Layout::Wide,
        )
    };
    // The rows read well stay, though the file has refused rows or cells: the checks of the
    // panel (unknown regions, duplicates, valid ranges) then report their problems in the same
    // run, and `load` refuses the run on the errors.
    let mut problems = problems.into_vec();
    gathered.files[file_no as usize].data = Some(DataFile {
        path: name,
        sha256,
        layout: layout_kind,
        rows: t.height,
    });
    problems.extend(index_note);
    problems
}

/// The columns' roles, with a note when a data frame's row numbers were set aside; `Err`
/// with the problems when a key column is missing or a column read holds neither numbers nor
/// text (a Parquet list or struct).
fn column_roles(
    t: &Table,
    layout: &DataLayout,
    name: &str,
) -> Result<(table::Roles, Option<Diagnostic>), Vec<Diagnostic>> {
    let mut roles = match table::roles(&t.columns, layout) {
        Ok(roles) => roles,
        Err((wanted, role)) => {
            return Err(vec![Diagnostic::new(Code::MissingColumn, name.to_string(), format!("no \"{wanted}\" column (the {role})"))
                .hint(format!(
                    "the header has: {}; name the column in the spec's [data] section ({role}_column = \"...\")",
                    t.columns.join(", ")
                ))]);
        }
    };
    let index_note = drop_row_numbers(t, &mut roles).map(|(column, first, last)| {
        let mut d = Diagnostic::new(
            Code::RowNumbers,
            name.to_string(),
            format!(
                "{} holds the row numbers {first} to {last} (a data frame's index, as pandas writes it): ignored",
                if column.is_empty() {
                    "the unnamed first column".to_string()
                } else {
                    format!("column \"{column}\"")
                }
            ),
        )
        .hint("write the file without its index (pandas: to_csv(..., index=False)), or list the column in [data] ignore_columns");
        d.field = Some(column.to_string());
        d
    });
    let mut used: Vec<usize> = vec![roles.region, roles.year];
    used.extend(roles.name);
    used.extend(roles.long.map(|(i, _)| i));
    used.extend(&roles.values);
    for &(se, n) in &roles.errors {
        used.extend(se);
        used.extend(n);
    }
    let unreadable: Vec<Diagnostic> = used
        .iter()
        .filter_map(|&c| match &t.data[c] {
            Column::Other(dtype) => {
                let mut d = Diagnostic::new(
                    Code::UnreadableFile,
                    name.to_string(),
                    format!("column \"{}\" holds {dtype}, which is neither numbers nor text", t.columns[c]),
                )
                .hint("write the column as numbers (values) or text (keys), or list it in [data] ignore_columns");
                d.field = Some(t.columns[c].clone());
                Some(d)
            }
            _ => None,
        })
        .collect();
    if unreadable.is_empty() {
        Ok((roles, index_note))
    } else {
        Err(unreadable)
    }
}

/// The file's decimal mark: declared, or decided by the cells of the value columns that show
/// one (those polars typed from text included). With both marks the majority decides, and
/// `Cells::value` refuses the others cell by cell.
fn decimal_mark(t: &Table, layout: &DataLayout, value_cols: &[usize]) -> DecimalMark {
    let (mut points, mut commas) = t.votes;
    for &c in value_cols {
        if matches!(t.data[c], Column::Number(_)) {
            continue;
        }
        for row in 0..t.height {
            match t.data[c].written(row).map(number::vote) {
                Some(number::Vote::Point) => points += 1,
                Some(number::Vote::Comma) => commas += 1,
                _ => {}
            }
        }
    }
    match number::decide(layout.decimal, points, commas) {
        // A comma-separated file cannot hold an unquoted decimal comma: when no (quoted)
        // cell shows one, its numbers are read with a point (48.939 is a decimal there).
        Ok(DecimalMark::Auto) if t.separator == Some(b',') => DecimalMark::Point,
        Ok(mark) => mark,
        Err(()) if points >= commas => DecimalMark::Point,
        Err(()) => DecimalMark::Comma,
    }
}

/// How one table's cells are read: a value with its standard error and sample size, each a
/// number, empty, or refused with the reason.
struct Cells<'a> {
    t: &'a Table,
    layout: &'a DataLayout,
    /// The file's name, for the hint that settles its decimal mark.
    name: &'a str,
    mark: DecimalMark,
    declared: bool,
    /// Per value column, its standard-error and sample-size columns.
    error_cols: &'a HashMap<usize, (Option<usize>, Option<usize>)>,
}

impl Cells<'_> {
    /// A collection template's value cells hold numbers: text typed into one (`12,5`, `n/a`)
    /// is refused at its cell rather than read on a guess; declared missing markers pass.
    fn template_text(&self, c: usize, row: usize, text: &str) -> Option<number::Refusal> {
        let origin = self.t.template.as_ref()?;
        let text = text.trim();
        if text.is_empty()
            || number::is_marker(text, &self.layout.missing_values, DecimalMark::Auto)
        {
            return None;
        }
        let sheet_row = self.t.line_offset.unwrap_or(0) + row;
        Some((
            Code::NotANumber,
            format!(
                "sheet \"{}\", cell {}: \"{text}\" is text, not a number",
                origin.sheet,
                crate::sheet_layout::cell_name(sheet_row as u32, c.min(usize::from(u16::MAX)) as u16)
            ),
            "type the number into the cell as a number (no spaces, units or words); leave it empty when there is no value".into(),
        ))
    }

    /// A workbook cell formatted as a date holds a serial number of days, not the value.
    fn date_cell(&self, c: usize, row: usize) -> Option<number::Refusal> {
        let date = self.t.data[c].date(row)?;
        Some(if matches!(self.t.data[c], Column::Date { .. }) {
            (
                Code::NotANumber,
                format!("the column holds dates ({date}), not numbers"),
                "write the column as numbers (a value column cannot be a date or timestamp type)"
                    .into(),
            )
        } else {
            (
                Code::NotANumber,
                format!("the cell is formatted as a date ({date}), not a number"),
                "format the column as Number (Format Cells > Number) and type the value".into(),
            )
        })
    }

    /// A standard error or sample size cell: a number or empty.
    fn error_cell(
        &self,
        col: Option<usize>,
        row: usize,
    ) -> Result<Option<f64>, (usize, number::Refusal)> {
        let Some(c) = col else { return Ok(None) };
        if let Some(refusal) = self.date_cell(c, row) {
            return Err((c, refusal));
        }
        if let Some(text) = self.t.data[c].written(row)
            && let Some(refusal) = self.template_text(c, row, text)
        {
            return Err((c, refusal));
        }
        let v = match self.t.data[c].typed(row) {
            Some(v) => Ok(Some(v)),
            None => match self.t.data[c].written(row) {
                Some(text) => {
                    number::parse(text, DecimalMark::Auto, false, &self.layout.missing_values)
                }
                None => Ok(None),
            },
        };
        v.map_err(|e| (c, e))
    }

    /// A value cell, read with the file's decimal mark.
    fn value(&self, c: usize, row: usize) -> Result<Option<f64>, number::Refusal> {
        let col = &self.t.data[c];
        if let Some(refusal) = self.date_cell(c, row) {
            return Err(refusal);
        }
        if let Some(text) = col.written(row)
            && let Some(refusal) = self.template_text(c, row, text)
        {
            return Err(refusal);
        }
        match col.typed(row) {
            Some(v) if v.is_finite() => Ok(Some(v)),
            Some(v) => Err((
                Code::NotANumber,
                format!("value {v} is not a finite number"),
                "replace it with a number or leave the cell empty".into(),
            )),
            None => match col.written(row) {
                Some(text) => {
                    number::parse(text, self.mark, self.declared, &self.layout.missing_values)
                        .map_err(|(code, message, hint)| match code {
                            // The declaration that settles it is about this file alone.
                            Code::AmbiguousNumber => (code, message, settle_hint(self.name)),
                            _ => (code, message, hint),
                        })
                }
                None => Ok(None),
            },
        }
    }

    /// A value with its standard error and sample size; `Err` names the column refused.
    fn read(
        &self,
        row: usize,
        col: usize,
    ) -> Result<(Option<f64>, Sampling), (usize, number::Refusal)> {
        let (se_col, n_col) = self.error_cols[&col];
        let se = self.error_cell(se_col, row)?;
        let n = self.error_cell(n_col, row)?;
        let v = self.value(col, row).map_err(|e| (col, e))?;
        let percent = self.t.data[col].is_percent(row);
        Ok((v, Sampling { se, n, percent }))
    }
}

/// Reads a wide file's rows: each row's region and year once, then each value column's cells.
fn read_wide(
    t: &Table,
    roles: &table::Roles,
    cells: &Cells,
    file_no: u16,
    gathered: &mut Gathered,
) -> super::problems::Problems {
    let mut problems = super::problems::Problems::default();
    let key_columns = rows::KeyColumns {
        region: &t.data[roles.region],
        year: &t.data[roles.year],
        name: roles.name.map(|c| &t.data[c]),
        region_field: &t.columns[roles.region],
        year_field: &t.columns[roles.year],
        file: file_no,
    };
    let mut keys = rows::Keys::new(&key_columns);
    let row_keys: Vec<Option<(u32, i32)>> = (0..t.height)
        .map(|row| keys.next(row, gathered, &mut problems))
        .collect();
    gathered.records.reserve(t.height * roles.values.len());
    for &col in &roles.values {
        let indicator = gathered.indicator(&t.columns[col]);
        for (row, key) in row_keys.iter().enumerate() {
            let Some((region, year)) = *key else { continue };
            match cells.read(row, col) {
                Ok((value, sampling)) => gathered.push(
                    Record::new(region, year, indicator, file_no, row as u32),
                    value,
                    sampling,
                ),
                Err((c, (code, message, hint))) => problems.push(
                    gathered
                        .at_row(code, file_no, row, Some(&t.columns[c]), message)
                        .hint(hint),
                ),
            }
        }
    }
    problems
}

/// Runs a third-party reader that may panic on a corrupt file (polars' Parquet reader does on
/// some broken metadata, found by fuzzing): a panic becomes an `Err` with its message, and the
/// default panic message is not printed meanwhile.
fn quietly<T>(read: impl FnOnce() -> T) -> Result<T, String> {
    static QUIET: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _one_at_a_time = QUIET.lock().unwrap_or_else(|e| e.into_inner());
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(read));
    std::panic::set_hook(previous);
    result.map_err(|panic| {
        panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "a panic in the reader".into())
    })
}

/// Reads a data file of any supported format into a table of cells, and the SHA-256 of its
/// bytes.
pub(super) fn open(
    path: &Path,
    encoding: crate::spec::TextEncoding,
    sheet: Option<&str>,
    layout: Option<&DataLayout>,
) -> Result<(Table, String), text::Refusal> {
    let unreadable = |e: std::io::Error| {
        (
            Code::UnreadableFile,
            format!("cannot read the file: {e}"),
            "check the path".to_string(),
        )
    };
    // A file still being written (an export in progress, a sync client) could be read with
    // half a line at its end: its size and modification time must be the same before and
    // after the read, and its size that of the bytes read. The manifest hashes these bytes.
    let stamp = |m: std::fs::Metadata| (m.len(), m.modified().ok());
    let before = std::fs::metadata(path).map(stamp).map_err(unreadable)?;
    let bytes = std::fs::read(path).map_err(unreadable)?;
    let after = std::fs::metadata(path).map(stamp).map_err(unreadable)?;
    if before != after || after.0 != bytes.len() as u64 {
        return Err((
            Code::UnreadableFile,
            format!(
                "the file changed while it was read ({} bytes before, {} read, {} after)",
                before.0,
                bytes.len(),
                after.0
            ),
            "wait until the program writing it has finished (or copy it somewhere first), then run again".to_string(),
        ));
    }
    // The file's digest for the manifest is taken while a large file is parsed; a small one
    // is not worth starting threads for.
    let digest = || crate::digest::sha256_hex(&bytes);
    let parsed = || parse(path, bytes.as_slice(), encoding, sheet, layout);
    let (sha256, table) = if bytes.len() < PARALLEL_BYTES {
        (digest(), parsed())
    } else {
        rayon::join(digest, parsed)
    };
    Ok((table?, sha256))
}

fn parse(
    path: &Path,
    bytes: &[u8],
    encoding: crate::spec::TextEncoding,
    sheet: Option<&str>,
    layout: Option<&DataLayout>,
) -> Result<Table, text::Refusal> {
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_lowercase)
        .unwrap_or_default();
    let table = match extension.as_str() {
        "csv" | "txt" | "tsv" => text::decode(bytes, encoding)
            .and_then(|t| text::read_csv(&t, extension == "tsv", layout)),
        "parquet" | "pq" => quietly(|| {
            crate::polars_internals::negative_counts(bytes)
                .map_or(Ok(()), |what| Err(polars_err!(ComputeError: "{what}")))?;
            ParquetReader::new(Cursor::new(bytes))
                .finish()
                .and_then(|df| table::from_frame(&df, None))
        })
        .unwrap_or_else(|panic| Err(polars_err!(ComputeError: "its metadata is corrupt ({panic})")))
        .map_err(|e| {
            (
                Code::UnreadableFile,
                format!("not a readable Parquet file: {e}"),
                "check that the file is a complete Parquet export".into(),
            )
        }),
        "xlsx" | "xlsm" | "xls" | "xlsb" | "ods" => {
            quietly(|| excel::read_sheet(bytes.to_vec(), sheet)).unwrap_or_else(|panic| {
                Err((
                    Code::UnreadableFile,
                    format!("not a readable workbook: its structure is corrupt ({panic})"),
                    "open it in a spreadsheet program and save it again".into(),
                ))
            })
        }
        other => Err((
            Code::UnreadableFile,
            format!("unsupported file type \".{other}\""),
            "give data as .csv, .tsv, .parquet or .xlsx".into(),
        )),
    }?;
    Ok(table)
}
