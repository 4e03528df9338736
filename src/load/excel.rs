//! Excel workbooks (.xlsx, .xls, .ods) read with calamine: one sheet, the first row that is not
//! a comment is the header. Number cells stay numbers; text cells are parsed like CSV text.
//! A workbook made by `cwi template` is recognised by its metadata sheet and its structure
//! checked before its data sheet is read.

use std::io::Cursor;

use std::collections::HashMap;

use calamine::{Data, Range, Reader, open_workbook_auto_from_rs};

use super::cell_formats::{self, Shown};
use super::table::{Cell, Column, Table, TemplateOrigin};
use super::text::Refusal;
use crate::diagnostic::Code;
use crate::sheet_layout as layout;

/// The names of a workbook's sheets, in the workbook's order.
pub fn sheet_names(bytes: &[u8]) -> Result<Vec<String>, Refusal> {
    let book = open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| {
        (
            Code::UnreadableFile,
            format!("not a readable workbook: {e}"),
            "save it again from Excel as .xlsx".to_string(),
        )
    })?;
    Ok(book.sheet_names())
}

pub fn read_sheet(bytes: Vec<u8>, sheet: Option<&str>) -> Result<Table, Refusal> {
    let unreadable = |e: String| {
        (
            Code::UnreadableFile,
            format!("not a readable workbook: {e}"),
            "save it again from Excel as .xlsx, or export the sheet as CSV".to_string(),
        )
    };
    let mut book = open_workbook_auto_from_rs(Cursor::new(bytes.as_slice()))
        .map_err(|e| unreadable(e.to_string()))?;
    let names = book.sheet_names();
    if names.iter().any(|n| n == layout::META_SHEET) {
        return read_template(&mut book, &names, &bytes);
    }
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
    table_of(&range, &name, &cell_formats::shown(&bytes, &name))
}

/// A sheet's cells as a table: the first row that is not a comment is the header.
/// `shown`: the cells whose number format is a percentage or a year alone, by sheet position.
fn table_of(
    range: &Range<Data>,
    name: &str,
    shown: &HashMap<(u32, u32), Shown>,
) -> Result<Table, Refusal> {
    let first_row = range.start().map_or(0, |(r, _)| r as usize);
    let first_col = range.start().map_or(0, |(_, c)| c);
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
    for (r, row) in body.iter().enumerate() {
        let sheet_row = (first_row + header_at + 1 + r) as u32;
        for (c, column) in data.iter_mut().enumerate() {
            let format = shown.get(&(sheet_row, first_col + c as u32)).copied();
            column.push(match row.get(c) {
                None | Some(Data::Empty) => Cell::Empty,
                Some(Data::Int(i)) if format == Some(Shown::Percent) => Cell::Percent(*i as f64),
                Some(Data::Float(f)) if format == Some(Shown::Percent) => Cell::Percent(*f),
                Some(Data::Int(i)) => Cell::Number(*i as f64),
                Some(Data::Float(f)) => Cell::Number(*f),
                Some(Data::DateTime(d)) => Cell::Date {
                    shown: calendar_date(d),
                    year: (format == Some(Shown::YearOnly) && d.is_datetime())
                        .then(|| i32::from(d.to_ymd_hms_milli().0)),
                },
                Some(other) => Cell::Text(cell_text(other)),
            });
        }
    }
    Ok(Table {
        votes: (0, 0),
        separator: None,
        columns,
        data: data.into_iter().map(Column::Cells).collect(),
        height: body.len(),
        // Sheet rows are 1-based; the header sits on row first_row + header_at + 1.
        line_offset: Some(first_row + header_at + 1),
        template: None,
    })
}

/// A cwi collection template: its structure checked against what its metadata sheet says it
/// was made with, cell by cell, then its data sheet read as a long table.
fn read_template<RS: std::io::Read + std::io::Seek>(
    book: &mut calamine::Sheets<RS>,
    names: &[String],
    bytes: &[u8],
) -> Result<Table, Refusal> {
    let meta_range = book.worksheet_range(layout::META_SHEET).map_err(|e| {
        edited(format!(
            "its sheet {} cannot be read: {e}",
            layout::META_SHEET
        ))
    })?;
    let meta_cells: Vec<Vec<String>> = meta_range
        .rows()
        .map(|r| r.iter().map(|c| cell_text(c).trim().to_string()).collect())
        .collect();
    let meta = layout::Meta::from_rows(&meta_cells)
        .map_err(|m| edited(format!("a cwi template whose metadata is damaged: {m}")))?;
    let sheet = &meta.data_sheet;
    if !names.iter().any(|n| n == sheet) {
        return Err(edited(format!(
            "the data sheet \"{sheet}\" of this cwi template is missing (renamed or deleted); its sheets are: {}",
            names.join(", ")
        )));
    }
    let range = book
        .worksheet_range(sheet)
        .map_err(|e| edited(format!("sheet \"{sheet}\" cannot be read: {e}")))?;
    let problems = edits(&range, &meta);
    if !problems.is_empty() {
        let more = problems.len();
        let mut message = problems.into_iter().take(10).collect::<Vec<_>>().join("; ");
        if more > 10 {
            message.push_str(&format!("; and {} more", more - 10));
        }
        return Err(edited(message));
    }
    let problems = uncomputed_formulas(book, &range, sheet);
    if !problems.is_empty() {
        return Err((
            Code::NotANumber,
            problems.join("; "),
            "open the workbook in a spreadsheet program and save it (so the formula is computed), or type the number".into(),
        ));
    }
    let mut table = table_of(&range, sheet, &cell_formats::shown(bytes, sheet))?;
    table.template = Some(TemplateOrigin {
        spec_id: meta.spec_id,
        spec_version: meta.spec_version,
        sheet: sheet.clone(),
    });
    Ok(table)
}

/// A returned template refused as edited.
fn edited(message: String) -> Refusal {
    (
        Code::TemplateMismatch,
        message,
        "a returned template is read as it was generated: restore it, or copy its values into a new template made with `cwi template`".to_string(),
    )
}

/// How the data sheet differs from the template it was made as: a column inserted, deleted or
/// renamed; a row inserted, deleted, moved or edited; something other than a number in a
/// value cell; anything written outside the template's rows and columns.
fn edits(range: &calamine::Range<Data>, meta: &layout::Meta) -> Vec<String> {
    let sheet = &meta.data_sheet;
    let at = |row: u32, col: u16| range.get_value((row, u32::from(col)));
    let text = |row: u32, col: u16| {
        at(row, col)
            .map(|c| cell_text(c).trim().to_string())
            .unwrap_or_default()
    };
    let mut problems: Vec<String> = Vec::new();
    let header_row = layout::HEADER_ROW - 1;
    for (k, id) in meta.header.iter().enumerate() {
        let got = text(header_row, k as u16);
        if &got != id {
            problems.push(format!(
                "sheet \"{sheet}\", cell {}: column \"{}\" where the template has \"{id}\" (a column was inserted, deleted or renamed)",
                layout::cell_name(header_row, k as u16),
                layout::short(&got)
            ));
        }
    }
    if !problems.is_empty() {
        return problems;
    }
    let year = meta.year.to_string();
    for (k, (region, indicator)) in meta.rows.iter().enumerate() {
        let r = layout::HEADER_ROW + k as u32;
        for (col, want) in [
            (layout::Col::Region, region.as_str()),
            (layout::Col::Year, year.as_str()),
            (layout::Col::Indicator, indicator.as_str()),
        ] {
            let got = text(r, col.index());
            if got != want {
                problems.push(format!(
                    "sheet \"{sheet}\", cell {}: \"{}\" where the template has \"{want}\" (a row was inserted, deleted, moved or edited)",
                    layout::cell_name(r, col.index()),
                    layout::short(&got)
                ));
                break;
            }
        }
        if problems.len() >= 10 {
            break;
        }
        for col in layout::Col::ALL.into_iter().filter(|c| c.is_input()) {
            match at(r, col.index()) {
                None | Some(Data::Empty | Data::Int(_) | Data::Float(_)) => {}
                Some(Data::String(s)) if s.trim().is_empty() => {}
                // Text in a value cell is checked by the loader, which knows the declared
                // missing-value markers.
                Some(Data::String(_)) => {}
                Some(other) => problems.push(format!(
                    "sheet \"{sheet}\", cell {}: {} is not a number",
                    layout::cell_name(r, col.index()),
                    layout::short(&cell_text(other))
                )),
            }
        }
    }
    // Anything written below the template's rows or right of its columns.
    let width = meta.header.len() as u16;
    let end = layout::HEADER_ROW + meta.rows.len() as u32;
    for (row, col, cell) in range.used_cells() {
        let (row, col) = (
            row as u32 + range.start().map_or(0, |s| s.0),
            col as u32 + range.start().map_or(0, |s| s.1),
        );
        if (row >= end || col >= u32::from(width)) && !matches!(cell, Data::Empty) {
            problems.push(format!(
                "sheet \"{sheet}\", cell {}: \"{}\" outside the template's rows and columns",
                layout::cell_name(row, col.min(u32::from(u16::MAX)) as u16),
                layout::short(&cell_text(cell))
            ));
            break;
        }
    }
    problems
}

/// A formula in a value cell counts only with the value the spreadsheet computed for it:
/// one saved without a computed value (written by a script, never opened) would read as an
/// empty cell. The value cells whose formula has none.
fn uncomputed_formulas<RS: std::io::Read + std::io::Seek>(
    book: &mut calamine::Sheets<RS>,
    range: &calamine::Range<Data>,
    sheet: &str,
) -> Vec<String> {
    let mut problems = Vec::new();
    let Ok(formulas) = book.worksheet_formula(sheet) else {
        return problems;
    };
    let start = formulas.start().unwrap_or((0, 0));
    for (row, col, formula) in formulas.used_cells() {
        let (row, col) = (row as u32 + start.0, col as u32 + start.1);
        let input = layout::Col::ALL
            .iter()
            .any(|c| c.is_input() && u32::from(c.index()) == col);
        let empty = match range.get_value((row, col)) {
            None | Some(Data::Empty) => true,
            Some(Data::String(s)) => s.trim().is_empty(),
            _ => false,
        };
        if input && row >= layout::HEADER_ROW && !formula.is_empty() && empty {
            problems.push(format!(
                "sheet \"{sheet}\", cell {}: the formula ={} has no computed value",
                layout::cell_name(row, col as u16),
                layout::short(formula)
            ));
        }
    }
    problems
}

/// An Excel date or time as the calendar date it shows (`2022-01-01`, `2022-01-01 12:30:00`),
/// or as a duration in days.
fn calendar_date(d: &calamine::ExcelDateTime) -> String {
    if d.is_duration() {
        return format!("a duration of {} day(s)", d.as_f64());
    }
    let (y, mo, day, h, mi, sec, _) = d.to_ymd_hms_milli();
    if (h, mi, sec) == (0, 0, 0) {
        format!("{y:04}-{mo:02}-{day:02}")
    } else {
        format!("{y:04}-{mo:02}-{day:02} {h:02}:{mi:02}:{sec:02}")
    }
}

fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        other => other.to_string(),
    }
}
