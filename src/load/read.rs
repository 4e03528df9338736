//! Reading the files: each file's rows into records, keys still as spelled, with the place of
//! every cell for diagnostics.

use super::*;

/// One value read from a file, keys still as spelled there.
pub(super) struct Record {
    pub(super) region: u32,
    pub(super) year: i32,
    pub(super) indicator: u32,
    pub(super) value: Option<f64>,
    /// Sampling error, given directly or as a sample size (column `se` / `n` in long files,
    /// `<indicator>_se` / `<indicator>_n` in wide ones).
    pub(super) se: Option<f64>,
    pub(super) n: Option<f64>,
    pub(super) file: u16,
    pub(super) row: u32,
}

/// What all files gave, before regions are matched.
#[derive(Default)]
pub(super) struct Gathered {
    pub(super) records: Vec<Record>,
    /// Distinct region spellings, with the unit name from `name_column` if any.
    pub(super) regions: Vec<(String, Option<String>)>,
    pub(super) region_ids: HashMap<String, u32>,
    /// Distinct indicator names as spelled in the files.
    pub(super) indicators: Vec<String>,
    pub(super) indicator_ids: HashMap<String, u32>,
    /// Per file read: name, line offset, value column of long files.
    pub(super) files: Vec<FileInfo>,
}

pub(super) struct FileInfo {
    pub(super) name: String,
    pub(super) line_offset: Option<usize>,
    /// Long files: the value column's name; wide files: `None` (the indicator is the column).
    pub(super) value_column: Option<String>,
    pub(super) data: Option<DataFile>,
}

impl Gathered {
    pub(super) fn region(&mut self, spelling: &str, name: Option<&str>) -> u32 {
        if let Some(&id) = self.region_ids.get(spelling) {
            return id;
        }
        let id = self.regions.len() as u32;
        self.regions
            .push((spelling.to_string(), name.map(str::to_string)));
        self.region_ids.insert(spelling.to_string(), id);
        id
    }

    pub(super) fn indicator(&mut self, name: &str) -> u32 {
        if let Some(&id) = self.indicator_ids.get(name) {
            return id;
        }
        let id = self.indicators.len() as u32;
        self.indicators.push(name.to_string());
        self.indicator_ids.insert(name.to_string(), id);
        id
    }

    /// A diagnostic at a data row of a file (0-based row).
    pub(super) fn at_row(
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
pub(super) fn read_file(
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
    let (table, sha256) = match open(path, layout.encoding, layout.sheet.as_deref()) {
        Ok(t) => t,
        Err(r) => return refuse(r),
    };
    gathered.files[file_no as usize].line_offset = table.line_offset;
    read_table(&table, file_no, layout, gathered, sha256)
}

pub(super) fn read_table(
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

/// Reads a data file of any supported format into a table of cells, and the SHA-256 of its
/// bytes.
pub(super) fn open(
    path: &Path,
    encoding: crate::spec::TextEncoding,
    sheet: Option<&str>,
) -> Result<(Table, String), text::Refusal> {
    let bytes = std::fs::read(path).map_err(|e| {
        (
            Code::UnreadableFile,
            format!("cannot read the file: {e}"),
            "check the path".to_string(),
        )
    })?;
    let sha256 = crate::digest::sha256_hex(&bytes);
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_lowercase)
        .unwrap_or_default();
    let table = match extension.as_str() {
        "csv" | "txt" | "tsv" => {
            text::decode(&bytes, encoding).and_then(|t| text::read_csv(&t, extension == "tsv"))
        }
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
        "xlsx" | "xlsm" | "xls" | "xlsb" | "ods" => excel::read_sheet(bytes, sheet),
        other => Err((
            Code::UnreadableFile,
            format!("unsupported file type \".{other}\""),
            "give data as .csv, .tsv, .parquet or .xlsx".into(),
        )),
    }?;
    Ok((table, sha256))
}
