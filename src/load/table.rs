//! A data file as read: named columns of cells, whatever the format it came from.

use std::borrow::Cow;

use polars::prelude::*;

/// A file's cells by column, with how to turn a data row into a file line.
pub struct Table {
    pub columns: Vec<String>,
    pub data: Vec<Column>,
    pub height: usize,
    /// Data row r (0-based) is on line (or sheet row) `line_offset + r + 1`; `None` for Parquet.
    pub line_offset: Option<usize>,
    /// Decimal-mark votes (points, commas) of the value cells that polars typed from text: the
    /// file's mark is decided from every written cell, typed or not.
    pub votes: (usize, usize),
    /// The separator of a CSV file (`None` for Parquet and workbooks). A comma-separated
    /// file cannot hold an unquoted decimal comma, so its numbers are read with a point
    /// unless a cell shows a (quoted) decimal comma.
    pub separator: Option<u8>,
    /// A collection template: what it was made for, and the data sheet's name. Its value cells
    /// must hold numbers: text in them is refused, not parsed.
    pub template: Option<TemplateOrigin>,
}

/// What a collection template was made for.
#[derive(Debug, Clone, PartialEq)]
pub struct TemplateOrigin {
    pub spec_id: String,
    pub spec_version: String,
    pub sheet: String,
}

/// Where the columns the layout names are (names compared ignoring ASCII case).
pub struct Roles {
    pub region: usize,
    pub year: usize,
    pub name: Option<usize>,
    /// Long files: the indicator and value columns.
    pub long: Option<(usize, usize)>,
    /// The columns holding values: the value column of a long file; in a wide file every
    /// column but the keys, the ignored ones and the sampling errors.
    pub values: Vec<usize>,
    /// Per value column (in the order of `values`), its standard-error and sample-size
    /// columns: `se` and `n` in long files, `<column>_se` and `<column>_n` in wide ones.
    pub errors: Vec<(Option<usize>, Option<usize>)>,
}

/// The columns' roles; `Err` names the missing key column and its role.
pub fn roles(
    columns: &[String],
    layout: &crate::spec::DataLayout,
) -> Result<Roles, (String, &'static str)> {
    // Column names by their lower-case spelling: each lookup is one hash, not a scan.
    let mut by_name: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (k, c) in columns.iter().enumerate() {
        by_name.entry(c.trim().to_ascii_lowercase()).or_insert(k);
    }
    let find = |wanted: &str| by_name.get(&wanted.trim().to_ascii_lowercase()).copied();
    let region =
        find(&layout.region_column).ok_or_else(|| (layout.region_column.clone(), "region"))?;
    let year = find(&layout.year_column).ok_or_else(|| (layout.year_column.clone(), "year"))?;
    let name = layout.name_column.as_deref().and_then(|n| find(n));
    let long = find(&layout.indicator_column).zip(find(&layout.value_column));
    let values = match long {
        Some((_, v)) => vec![v],
        None => {
            let mut skip = vec![false; columns.len()];
            let mut skipped = |c: Option<usize>| {
                if let Some(c) = c {
                    skip[c] = true;
                }
            };
            skipped(Some(region));
            skipped(Some(year));
            skipped(name);
            for c in &layout.ignore_columns {
                skipped(find(c));
            }
            for c in columns {
                let c = c.trim();
                skipped(find(&format!("{c}_se")));
                skipped(find(&format!("{c}_n")));
            }
            (0..columns.len()).filter(|&c| !skip[c]).collect()
        }
    };
    let errors = values
        .iter()
        .map(|&c| match long {
            Some(_) => (find("se"), find("n")),
            None => {
                let name = columns[c].trim();
                (find(&format!("{name}_se")), find(&format!("{name}_n")))
            }
        })
        .collect();
    Ok(Roles {
        errors,
        region,
        year,
        name,
        long,
        values,
    })
}

/// One column: text to parse (CSV), typed numbers (Parquet), or mixed cells (Excel).
pub enum Column {
    Text(StringChunked),
    Number(Float64Chunked),
    Cells(Vec<Cell>),
    /// A column typed as dates or timestamps (Parquet `date32`, `timestamp`): the year of each
    /// (a year column written as dates reads as their years) and the date as text. A value
    /// column of dates is refused at its cells.
    Date {
        years: Vec<Option<i32>>,
        texts: StringChunked,
    },
    /// A column of a type that is neither numbers nor text (a Parquet list or struct), named
    /// by its type: an error if the layout reads it, left alone otherwise.
    Other(String),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    /// A workbook cell formatted as a date or time: the calendar date it holds (`2022-01-01`,
    /// with the time when it has one), and its year when the format shows the year alone
    /// (`yyyy`, as Excel formats a typed year in many locales). Never read as its serial
    /// number: in a year column it is that year or refused, in a value column refused.
    Date {
        shown: String,
        year: Option<i32>,
    },
    /// A workbook number cell with a percent format: the value stored (0.855 for 85.5%).
    /// Whether the indicator takes it as shown (85.5) or as stored is decided with the
    /// indicator's scale, when the panel is built.
    Percent(f64),
}

impl Column {
    /// A key cell as text; whole numbers print without a decimal part (a year 2024.0 is "2024").
    pub fn text(&self, row: usize) -> Option<Cow<'_, str>> {
        match self {
            Column::Text(c) => c.get(row).map(Cow::Borrowed),
            Column::Number(c) => c.get(row).map(|v| Cow::Owned(number_text(v))),
            Column::Date { texts, .. } => texts.get(row).map(Cow::Borrowed),
            Column::Other(_) => None,
            Column::Cells(cells) => match cells.get(row)? {
                Cell::Empty => None,
                Cell::Text(t) | Cell::Date { shown: t, .. } => Some(Cow::Borrowed(t)),
                Cell::Number(v) | Cell::Percent(v) => Some(Cow::Owned(number_text(*v))),
            },
        }
    }

    /// Every key cell as `text` gives it, in row order (sequential reading is much cheaper
    /// than cell by cell for polars' columns).
    pub fn texts(&self) -> Box<dyn Iterator<Item = Option<Cow<'_, str>>> + '_> {
        match self {
            Column::Text(c) => Box::new(c.iter().map(|t| t.map(Cow::Borrowed))),
            Column::Number(c) => Box::new(c.iter().map(|v| v.map(|v| Cow::Owned(number_text(v))))),
            Column::Date { texts, .. } => Box::new(texts.iter().map(|t| t.map(Cow::Borrowed))),
            Column::Other(_) => Box::new(std::iter::empty()),
            Column::Cells(cells) => Box::new(cells.iter().map(|cell| match cell {
                Cell::Empty => None,
                Cell::Text(t) | Cell::Date { shown: t, .. } => Some(Cow::Borrowed(t.as_str())),
                Cell::Number(v) | Cell::Percent(v) => Some(Cow::Owned(number_text(*v))),
            })),
        }
    }

    /// Every year cell in row order: a whole number the format typed is given as it is (a
    /// Parquet year column is not printed to be parsed back); any other cell as `texts` gives it.
    pub fn years(&self) -> Box<dyn Iterator<Item = Option<YearCell<'_>>> + '_> {
        match self {
            Column::Number(c) => Box::new(c.iter().map(|v| {
                v.map(|v| match whole_i32(v) {
                    Some(y) => YearCell::Whole(y),
                    None => YearCell::Text(Cow::Owned(number_text(v))),
                })
            })),
            Column::Date { years, .. } => Box::new(years.iter().map(|y| y.map(YearCell::Whole))),
            Column::Cells(cells) => Box::new(cells.iter().map(|cell| match cell {
                Cell::Empty => None,
                Cell::Date {
                    year: Some(year), ..
                } => Some(YearCell::Whole(*year)),
                Cell::Date { shown, year: None } => {
                    Some(YearCell::Date(Cow::Borrowed(shown.as_str())))
                }
                Cell::Text(t) => Some(YearCell::Text(Cow::Borrowed(t.as_str()))),
                Cell::Number(v) | Cell::Percent(v) => Some(match whole_i32(*v) {
                    Some(y) => YearCell::Whole(y),
                    None => YearCell::Text(Cow::Owned(number_text(*v))),
                }),
            })),
            _ => Box::new(self.texts().map(|t| t.map(YearCell::Text))),
        }
    }

    /// Whether a workbook cell has a percent format (its value is the stored one).
    pub fn is_percent(&self, row: usize) -> bool {
        matches!(self, Column::Cells(cells) if matches!(cells.get(row), Some(Cell::Percent(_))))
    }

    /// A workbook cell formatted as a date, as its calendar date.
    pub fn date(&self, row: usize) -> Option<&str> {
        match self {
            Column::Date { texts, .. } => texts.get(row),
            Column::Cells(cells) => match cells.get(row)? {
                Cell::Date { shown, .. } => Some(shown),
                _ => None,
            },
            _ => None,
        }
    }

    /// The rows `start..start + len` (a view for polars' columns; cells are copied).
    pub fn slice(&self, start: usize, len: usize) -> Column {
        match self {
            Column::Text(c) => Column::Text(c.slice(start as i64, len)),
            Column::Number(c) => Column::Number(c.slice(start as i64, len)),
            Column::Cells(cells) => Column::Cells(cells[start..start + len].to_vec()),
            Column::Date { years, texts } => Column::Date {
                years: years[start..start + len].to_vec(),
                texts: texts.slice(start as i64, len),
            },
            Column::Other(dtype) => Column::Other(dtype.clone()),
        }
    }

    /// A column of typed numbers in row order; `None` for columns with text to parse.
    pub fn numbers(&self) -> Option<impl Iterator<Item = Option<f64>> + '_> {
        match self {
            Column::Number(c) => Some(c.iter()),
            _ => None,
        }
    }

    /// A cell written as text, which must be parsed (numbers typed by the format are not).
    pub fn written(&self, row: usize) -> Option<&str> {
        match self {
            Column::Text(c) => c.get(row),
            Column::Number(_) | Column::Other(_) | Column::Date { .. } => None,
            Column::Cells(cells) => match cells.get(row)? {
                Cell::Text(t) => Some(t),
                _ => None,
            },
        }
    }

    /// A number typed by the format (Parquet, an Excel number cell).
    pub fn typed(&self, row: usize) -> Option<f64> {
        match self {
            Column::Text(_) | Column::Other(_) | Column::Date { .. } => None,
            Column::Number(c) => c.get(row),
            Column::Cells(cells) => match cells.get(row)? {
                Cell::Number(v) | Cell::Percent(v) => Some(*v),
                _ => None,
            },
        }
    }
}

/// A year cell: a whole number typed by the format, or text still to be parsed.
#[derive(Debug, Clone, PartialEq)]
pub enum YearCell<'a> {
    Whole(i32),
    Text(Cow<'a, str>),
    /// A workbook cell formatted as a date (its calendar date): refused, never its serial.
    Date(Cow<'a, str>),
}

/// A typed number that `number_text` would print as a whole number `i32` parses: the same
/// years are accepted and refused either way.
fn whole_i32(v: f64) -> Option<i32> {
    (v.fract() == 0.0 && v >= f64::from(i32::MIN) && v <= f64::from(i32::MAX)).then_some(v as i32)
}

fn number_text(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

/// The days since 1970-01-01 of a date or timestamp column (a timestamp's UTC day); `None`
/// for a column of another type.
fn days_since_epoch(column: &polars::prelude::Column) -> PolarsResult<Option<Vec<Option<i64>>>> {
    let per_day: i64 = match column.dtype() {
        DataType::Date => 1,
        DataType::Datetime(TimeUnit::Milliseconds, _) => 86_400_000,
        DataType::Datetime(TimeUnit::Microseconds, _) => 86_400_000_000,
        DataType::Datetime(TimeUnit::Nanoseconds, _) => 86_400_000_000_000,
        _ => return Ok(None),
    };
    let physical = column.to_physical_repr().cast(&DataType::Int64)?;
    Ok(Some(
        physical
            .i64()?
            .iter()
            .map(|v| v.map(|v| v.div_euclid(per_day)))
            .collect(),
    ))
}

/// The proleptic Gregorian year of a day counted from 1970-01-01 (H. Hinnant's
/// `civil_from_days`, http://howardhinnant.github.io/date_algorithms.html).
fn civil_year(days: i64) -> i32 {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    i32::try_from(year).unwrap_or(if year < 0 { i32::MIN } else { i32::MAX })
}

#[cfg(test)]
mod tests {
    /// Days from 1970-01-01, counted by hand: 2022-01-01 is 52 years later with 13 leap days
    /// (1972..2020), 52 * 365 + 13 = 18,993; 2021-12-31 is the day before; 2025-01-01 is
    /// 18,993 + 365 + 365 + 366 = 20,089 (2024 is a leap year), and 2024-12-31 the day
    /// before; 1969-12-31 is -1.
    #[test]
    fn civil_years() {
        assert_eq!(super::civil_year(0), 1970);
        assert_eq!(super::civil_year(-1), 1969);
        assert_eq!(super::civil_year(18_993), 2022);
        assert_eq!(super::civil_year(18_992), 2021);
        assert_eq!(super::civil_year(20_088), 2024);
        assert_eq!(super::civil_year(20_089), 2025);
    }
}

/// A polars frame as a table: numeric columns typed, everything else as text.
pub fn from_frame(frame: &DataFrame, line_offset: Option<usize>) -> PolarsResult<Table> {
    let mut data = Vec::with_capacity(frame.width());
    for column in frame.columns() {
        let dtype = column.dtype();
        // Integers and floats of every width, and decimals, are numbers (as pandas, pyarrow,
        // polars and DuckDB write them: int8 to uint64, float16 to float64, decimal128).
        data.push(if dtype.is_primitive_numeric() || dtype.is_decimal() {
            Column::Number(column.cast(&DataType::Float64)?.f64()?.clone())
        } else if dtype == &DataType::Boolean {
            // true/false is not a value: refused at the column where the layout reads it.
            Column::Other("booleans (true/false)".into())
        } else if let Some(days) = days_since_epoch(column)? {
            Column::Date {
                years: days.into_iter().map(|d| d.map(civil_year)).collect(),
                texts: column.cast(&DataType::String)?.str()?.clone(),
            }
        } else {
            match column.cast(&DataType::String) {
                Ok(text) => Column::Text(text.str()?.clone()),
                // Lists, structs: refused where the layout uses the column.
                Err(_) => Column::Other(column.dtype().to_string()),
            }
        });
    }
    // A corrupt Parquet file can give a frame whose columns disagree on their length (polars
    // checks it only in debug builds; found by fuzzing): every cell read below must exist.
    let height = frame.height();
    for (column, cells) in frame.columns().iter().zip(&data) {
        let len = match cells {
            Column::Text(c) => c.len(),
            Column::Number(c) => c.len(),
            Column::Cells(c) => c.len(),
            Column::Date { years, texts } => years.len().min(texts.len()),
            Column::Other(_) => height,
        };
        if len != height {
            polars_bail!(ComputeError: "column \"{}\" has {len} values for {height} rows", column.name());
        }
    }
    Ok(Table {
        columns: frame
            .get_column_names()
            .iter()
            .map(|c| c.trim().to_string())
            .collect(),
        data,
        height: frame.height(),
        line_offset,
        votes: (0, 0),
        separator: None,
        template: None,
    })
}
