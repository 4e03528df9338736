//! Excel workbooks (.xlsx, .xls, .ods) read with calamine: one sheet, the first row that is not
//! a comment is the header. Number cells stay numbers; text cells are parsed like CSV text.

use std::io::Cursor;

use calamine::{Data, Reader, open_workbook_auto_from_rs};

use super::table::{Cell, Column, Table};
use super::text::Refusal;
use crate::diagnostic::Code;

pub fn read_sheet(bytes: Vec<u8>, sheet: Option<&str>) -> Result<Table, Refusal> {
    let unreadable = |e: String| {
        (
            Code::UnreadableFile,
            format!("not a readable workbook: {e}"),
            "save it again from Excel as .xlsx, or export the sheet as CSV".to_string(),
        )
    };
    let mut book =
        open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| unreadable(e.to_string()))?;
    let names = book.sheet_names();
    let name = match sheet {
        Some(s) => names
            .iter()
            .find(|n| n.as_str() == s)
            .cloned()
            .ok_or_else(|| {
                (
                    Code::UnreadableFile,
                    format!("the workbook has no sheet \"{s}\""),
                    format!(
                        "its sheets are: {}; fix [data] sheet in the spec",
                        names.join(", ")
                    ),
                )
            })?,
        None => names
            .first()
            .cloned()
            .ok_or_else(|| unreadable("it has no sheets".into()))?,
    };
    let range = book
        .worksheet_range(&name)
        .map_err(|e| unreadable(e.to_string()))?;
    let first_row = range.start().map_or(0, |(r, _)| r as usize);
    let rows: Vec<&[Data]> = range.rows().collect();
    let is_comment = |row: &[Data]| match row.first() {
        Some(Data::String(s)) => s.trim_start().starts_with('#'),
        _ => row.iter().all(|c| matches!(c, Data::Empty)),
    };
    let header_at = rows.iter().position(|r| !is_comment(r)).ok_or((
        Code::UnreadableFile,
        format!("sheet \"{name}\" has no header and no data"),
        "put the column names in the first row".to_string(),
    ))?;
    let header = rows[header_at];
    let columns: Vec<String> = header
        .iter()
        .map(|c| cell_text(c).trim().to_string())
        .collect();
    let body = &rows[header_at + 1..];
    let mut data: Vec<Vec<Cell>> = vec![Vec::with_capacity(body.len()); columns.len()];
    for row in body {
        for (c, column) in data.iter_mut().enumerate() {
            column.push(match row.get(c) {
                None | Some(Data::Empty) => Cell::Empty,
                Some(Data::Int(i)) => Cell::Number(*i as f64),
                Some(Data::Float(f)) => Cell::Number(*f),
                Some(other) => Cell::Text(cell_text(other)),
            });
        }
    }
    Ok(Table {
        votes: (0, 0),
        columns,
        data: data.into_iter().map(Column::Cells).collect(),
        height: body.len(),
        // Sheet rows are 1-based; the header sits on row first_row + header_at + 1.
        line_offset: Some(first_row + header_at + 1),
    })
}

fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        other => other.to_string(),
    }
}
