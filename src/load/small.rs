//! Small CSV files read without polars: for a file of a few hundred rows, starting polars'
//! thread pool costs more than splitting the lines here. Only the plainest files take this
//! way; `text::read_csv` reads every other one with polars, and its tests check that both
//! ways give the same table.

use polars::prelude::*;

use super::table::{Column, Table};

/// Files under this size may be read without polars (see `small_table`).
pub const SMALL_BYTES: usize = 1 << 20;

/// The table polars would read from a small file (under `SMALL_BYTES`) that has no quotes,
/// no `\r` but at the end of a line, no blank lines and a header of distinct, non-empty names:
/// every line split on the separator (its final `\r` dropped), empty cells missing, other
/// cells text as written, and the `typed` columns (plain numbers, empty cells and the column's
/// one marker in `markers`, as the scan of `text::read_csv` found) parsed as numbers, the
/// marker missing. `None` for any other file, which polars reads.
pub fn small_table(
    body: &str,
    sep: u8,
    names: &[String],
    typed: &[bool],
    markers: &[Option<&[u8]>],
    points: bool,
) -> Option<Table> {
    let distinct: std::collections::HashSet<&str> = names.iter().map(String::as_str).collect();
    if body.len() >= SMALL_BYTES
        || body.contains('"')
        || body
            .match_indices('\r')
            .any(|(at, _)| body.as_bytes().get(at + 1) != Some(&b'\n'))
        || distinct.len() != names.len()
        || names.iter().any(String::is_empty)
    {
        return None;
    }
    let body = body.strip_suffix('\n').unwrap_or(body);
    let mut lines = body.split('\n');
    lines.next()?; // the header
    let lines: Vec<&str> = lines.map(|l| l.strip_suffix('\r').unwrap_or(l)).collect();
    if lines.iter().any(|l| l.is_empty()) {
        return None;
    }
    let sep = char::from(sep);
    let mut text: Vec<Vec<Option<&str>>> = vec![Vec::with_capacity(lines.len()); names.len()];
    let mut numbers: Vec<Vec<Option<f64>>> = vec![Vec::new(); names.len()];
    for line in &lines {
        let mut cells = line.split(sep);
        for c in 0..names.len() {
            // `scan` checked every row's length.
            let cell = cells.next()?;
            if typed[c] {
                numbers[c].push(if cell.is_empty() || markers[c] == Some(cell.as_bytes()) {
                    None
                } else {
                    // Beyond f64 (1e999): polars' path, which sends it cell by cell.
                    Some(cell.parse::<f64>().ok().filter(|v| v.is_finite())?)
                });
            } else {
                text[c].push(Some(cell).filter(|c| !c.is_empty()));
            }
        }
    }
    let data = (0..names.len())
        .map(|c| {
            if typed[c] {
                let column: Float64Chunked = numbers[c].iter().copied().collect();
                Column::Number(column)
            } else {
                let column: StringChunked = text[c].iter().copied().collect();
                Column::Text(column)
            }
        })
        .collect();
    Some(Table {
        columns: names.to_vec(),
        data,
        height: lines.len(),
        line_offset: None,
        votes: (usize::from(points), 0),
        separator: Some(sep as u8),
        template: None,
    })
}
