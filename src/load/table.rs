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
}

/// One column: text to parse (CSV), typed numbers (Parquet), or mixed cells (Excel).
pub enum Column {
    Text(StringChunked),
    Number(Float64Chunked),
    Cells(Vec<Cell>),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
}

impl Column {
    /// A key cell as text; whole numbers print without a decimal part (a year 2024.0 is "2024").
    pub fn text(&self, row: usize) -> Option<Cow<'_, str>> {
        match self {
            Column::Text(c) => c.get(row).map(Cow::Borrowed),
            Column::Number(c) => c.get(row).map(|v| Cow::Owned(number_text(v))),
            Column::Cells(cells) => match cells.get(row)? {
                Cell::Empty => None,
                Cell::Text(t) => Some(Cow::Borrowed(t)),
                Cell::Number(v) => Some(Cow::Owned(number_text(*v))),
            },
        }
    }

    /// A cell written as text, which must be parsed (numbers typed by the format are not).
    pub fn written(&self, row: usize) -> Option<&str> {
        match self {
            Column::Text(c) => c.get(row),
            Column::Number(_) => None,
            Column::Cells(cells) => match cells.get(row)? {
                Cell::Text(t) => Some(t),
                _ => None,
            },
        }
    }

    /// A number typed by the format (Parquet, an Excel number cell).
    pub fn typed(&self, row: usize) -> Option<f64> {
        match self {
            Column::Text(_) => None,
            Column::Number(c) => c.get(row),
            Column::Cells(cells) => match cells.get(row)? {
                Cell::Number(v) => Some(*v),
                _ => None,
            },
        }
    }
}

fn number_text(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

/// A polars frame as a table: numeric columns typed, everything else as text.
pub fn from_frame(frame: &DataFrame, line_offset: Option<usize>) -> PolarsResult<Table> {
    let mut data = Vec::with_capacity(frame.width());
    for column in frame.columns() {
        data.push(if column.dtype().is_primitive_numeric() {
            Column::Number(column.cast(&DataType::Float64)?.f64()?.clone())
        } else {
            Column::Text(column.cast(&DataType::String)?.str()?.clone())
        });
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
    })
}
