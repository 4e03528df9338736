//! Text exports: encoding (UTF-8 with or without BOM, Windows-1251), comment lines, the
//! separator (comma, semicolon or tab), then polars reads the CSV, every cell as text.

use std::borrow::Cow;
use std::io::Cursor;
use std::sync::Arc;

use polars::prelude::*;
use rayon::prelude::*;

use super::number;
use super::table::{Table, from_frame, roles};
use crate::diagnostic::Code;
use crate::spec::{DataLayout, DecimalMark, TextEncoding};

/// Files smaller than this are read on one thread (and a text body is parsed in chunks of
/// about this size).
pub(super) const PARALLEL_BYTES: usize = 1 << 22;

/// Why a file cannot be read: code, message, hint.
pub type Refusal = (Code, String, String);

/// A header line longer than this is not a CSV header.
const MAX_HEADER: usize = 1 << 20;

/// Decodes a text file. UTF-8 is taken when valid; otherwise, under `Auto`, Windows-1251 when
/// nearly all non-ASCII characters it gives are Cyrillic (as in Kazakh and Russian exports).
pub fn decode(bytes: &[u8], declared: TextEncoding) -> Result<Cow<'_, str>, Refusal> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.iter().take(1 << 16).any(|&b| b == 0) {
        return Err((
            Code::Encoding,
            "the file contains NUL bytes: it is binary, not text".into(),
            "export the sheet as CSV, or give the .xlsx or .parquet file itself".into(),
        ));
    }
    let windows_1251 = || {
        encoding_rs::WINDOWS_1251
            .decode_without_bom_handling(bytes)
            .0
            .into_owned()
    };
    match declared {
        TextEncoding::Windows1251 => Ok(Cow::Owned(windows_1251())),
        TextEncoding::Utf8 | TextEncoding::Auto => match std::str::from_utf8(bytes) {
            Ok(text) => Ok(Cow::Borrowed(text)),
            Err(e) => {
                let line = bytes[..e.valid_up_to()]
                    .iter()
                    .filter(|&&b| b == b'\n')
                    .count()
                    + 1;
                if declared == TextEncoding::Auto {
                    let text = windows_1251();
                    if reads_as_cyrillic(&text) {
                        return Ok(Cow::Owned(text));
                    }
                }
                Err((
                    Code::Encoding,
                    format!("line {line}: the text is not valid UTF-8 and does not read as Windows-1251 Cyrillic"),
                    "save the file as UTF-8, or declare [data] encoding = \"windows-1251\" in the spec".into(),
                ))
            }
        },
    }
}

/// Whether text decoded as Windows-1251 looks like Kazakh or Russian: its words with non-ASCII
/// letters are Cyrillic throughout. Another 8-bit encoding (Latin-1 "région") decodes to words
/// mixing Latin and Cyrillic letters ("rйgion"), which real text does not have.
fn reads_as_cyrillic(text: &str) -> bool {
    let cyrillic = |c: char| ('\u{400}'..='\u{4ff}').contains(&c);
    let (mut words, mut mixed) = (0usize, 0usize);
    for word in text.split(|c: char| !c.is_alphabetic()) {
        if word.chars().any(|c| !c.is_ascii()) {
            words += 1;
            if !word.chars().all(cyrillic) {
                mixed += 1;
            }
        }
    }
    words > 0 && mixed * 20 <= words
}

/// Picks the separator from the header: the candidate that splits it most; a tie is settled by
/// which candidate gives every one of the first lines the header's number of fields.
fn separator(header: &str, lines: &[&str], tab: bool) -> Result<u8, Refusal> {
    if tab {
        return Ok(b'\t');
    }
    let fields = |line: &str, sep: char| split_count(line, sep);
    let mut best: Vec<(usize, char)> = [',', ';', '\t']
        .into_iter()
        .map(|s| (fields(header, s), s))
        .filter(|(n, _)| *n > 1)
        .collect();
    best.sort_by(|a, b| b.0.cmp(&a.0));
    match best.as_slice() {
        [] => Ok(b','),
        [(_, s)] => Ok(*s as u8),
        [(n1, s1), (n2, _), ..] if n1 > n2 => Ok(*s1 as u8),
        candidates => {
            let fits: Vec<char> = candidates
                .iter()
                .filter(|(n, s)| lines.iter().all(|l| fields(l, *s) == *n))
                .map(|(_, s)| *s)
                .collect();
            match fits.as_slice() {
                [s] => Ok(*s as u8),
                _ => Err((
                    Code::UnreadableFile,
                    "the separator cannot be told from the header: it splits as well on several characters".into(),
                    "use one separator (comma, semicolon or tab) and quote cells that contain it".into(),
                )),
            }
        }
    }
}

/// Fields of a line split on `sep` outside double quotes.
fn split_count(line: &str, sep: char) -> usize {
    let mut quoted = false;
    let mut n = 1;
    for c in line.chars() {
        if c == '"' {
            quoted = !quoted;
        } else if c == sep && !quoted {
            n += 1;
        }
    }
    n
}

/// Reads decoded CSV text. Comment lines (`#`) and blank lines before the header are skipped.
///
/// Clean value columns are read at polars speed: one parallel pass over the rows checks their
/// lengths and finds which value columns hold only plain numbers (`-12.5`, `3e-4`, empty), and
/// polars parses and types those while reading. The others (decimal commas, markers, spaces,
/// anything else) stay text for the cell-by-cell path, which refuses a bad cell at its row and
/// column. A column is typed only where that reads every cell as the cell-by-cell path would.
pub fn read_csv(text: &str, tab: bool, layout: Option<&DataLayout>) -> Result<Table, Refusal> {
    read_csv_with(text, tab, layout, true)
}

/// `read_csv`, with or without the small-file path (the tests compare the two).
///
/// The steps: comment lines and the header, the separator, which value columns polars may
/// type, a scan of every row (lengths, and whether each candidate column is plain numbers),
/// then the small-file path, polars with typed columns, or polars with every column text.
fn read_csv_with(
    text: &str,
    tab: bool,
    layout: Option<&DataLayout>,
    small: bool,
) -> Result<Table, Refusal> {
    let (start, skipped) = preamble(text);
    let body = &text[start..];
    let header = header_line(body, skipped)?;
    let first: Vec<&str> = body
        .lines()
        .skip(1)
        .take(20)
        .filter(|l| !l.trim().is_empty())
        .collect();
    let sep = match layout.and_then(|l| l.separator) {
        Some(declared) => declared,
        None => separator(header, &first, tab)?,
    };
    let names = header_fields(header, sep);
    let declared = layout.map_or(DecimalMark::Auto, |l| l.decimal);
    let candidates = typed_candidates(&names, layout, declared);
    // polars reads a row with fewer fields than the header as missing values: a truncated
    // line would lose data without a word. Every row's length is checked first.
    // Declared markers (`..`, `n/a`): polars reads a cell that is exactly one as missing, as
    // the cell path does, when a column uses only one of them.
    let markers: Vec<Vec<u8>> = layout
        .map(|l| {
            l.missing_values
                .iter()
                .map(|m| m.trim().as_bytes().to_vec())
                .filter(|m| !m.is_empty())
                .collect()
        })
        .unwrap_or_default();
    let scan = scan(body.as_bytes(), sep, names.len(), &candidates, &markers);
    if let Some((line, what)) = scan.problem {
        return Err((
            Code::UnreadableFile,
            format!("line {}: {what}", line + skipped),
            "every row needs as many fields as the header; quote cells that contain the separator"
                .to_string(),
        ));
    }
    // A comma-separated file cannot hold an unquoted decimal comma: unless a quoted cell
    // shows one, its points are decimal marks (48.939 is not thousands there).
    let effective = if declared == DecimalMark::Auto && sep == b',' && !scan.comma {
        DecimalMark::Point
    } else {
        declared
    };
    let typed = scan.typed(effective);
    // Data row r (0-based) sits on line skipped + 1 (header) + r + 1.
    let line_offset = Some(skipped + 1);
    // A small file in the plainest form is split here, on this thread: starting polars'
    // thread pool costs more than reading it.
    let column_markers: Vec<Option<&[u8]>> = scan
        .columns
        .iter()
        .map(|c| c.marker.map(|m| markers[m].as_slice()))
        .collect();
    // Whether a typed cell shows the point as its decimal mark.
    let points = typed.iter().zip(&scan.columns).any(|(&t, c)| t && c.point);
    if small
        && let Some(table) =
            super::small::small_table(body, sep, &names, &typed, &column_markers, points)
    {
        let mut table = table;
        table.line_offset = line_offset;
        table.separator = Some(sep);
        return Ok(table);
    }
    let polars = Polars {
        body,
        sep,
        names: &names,
        line_offset,
    };
    if typed.contains(&true)
        && let Some(table) = polars.typed(&typed, &scan, &markers)?
    {
        // The typed cells' say in the file's decimal mark (they show no comma).
        let mut table = table;
        table.votes = (usize::from(points), 0);
        return Ok(table);
    }
    polars.text()
}

/// The bytes and lines of the comment and blank lines before the header.
fn preamble(text: &str) -> (usize, usize) {
    let mut start = 0;
    let mut skipped = 0;
    for line in text.split_inclusive('\n') {
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') {
            start += line.len();
            skipped += 1;
        } else {
            break;
        }
    }
    (start, skipped)
}

/// The header line: refused when there is none, or when it is too long to be one.
fn header_line(body: &str, skipped: usize) -> Result<&str, Refusal> {
    let header = body.lines().next().unwrap_or("");
    if header.trim().is_empty() {
        return Err((
            Code::UnreadableFile,
            "the file has no header and no data".into(),
            "check that the export is complete".into(),
        ));
    }
    if header.len() > MAX_HEADER {
        return Err((
            Code::UnreadableFile,
            format!(
                "line {}: the header is {} bytes long; this is not a CSV header",
                skipped + 1,
                header.len()
            ),
            "check that the file is a CSV export with one header line".into(),
        ));
    }
    Ok(header)
}

/// The value columns polars may type: none when a declared decimal comma or a numeric
/// missing-value marker (`-999`) means every cell must be read one by one.
fn typed_candidates(
    names: &[String],
    layout: Option<&DataLayout>,
    declared: DecimalMark,
) -> Vec<bool> {
    let mut candidates = vec![false; names.len()];
    if let Some(layout) = layout
        && declared != DecimalMark::Comma
        && !number::has_numeric_marker(&layout.missing_values)
        && let Ok(roles) = roles(names, layout)
    {
        for c in roles.values {
            candidates[c] = true;
        }
    }
    candidates
}

/// A CSV body read by polars.
struct Polars<'a> {
    body: &'a str,
    sep: u8,
    names: &'a [String],
    line_offset: Option<usize>,
}

impl Polars<'_> {
    /// With the `typed` columns as numbers (and their missing-value markers): `None` when a
    /// typed column does not read as finite numbers (a plain number beyond the range of f64,
    /// 1e999, reads as infinite), and the file goes the cell-by-cell way, which refuses it
    /// where it is.
    fn typed(
        &self,
        typed: &[bool],
        scan: &Scan,
        markers: &[Vec<u8>],
    ) -> Result<Option<Table>, Refusal> {
        let dtypes: Vec<DataType> = typed
            .iter()
            .map(|&t| {
                if t {
                    DataType::Float64
                } else {
                    DataType::String
                }
            })
            .collect();
        let nulls: Vec<(PlSmallStr, PlSmallStr)> = typed
            .iter()
            .zip(&scan.columns)
            .zip(self.names)
            .filter_map(|((&t, c), name)| {
                let m = &markers[c.marker.filter(|_| t)?];
                Some((
                    name.as_str().into(),
                    String::from_utf8_lossy(m).as_ref().into(),
                ))
            })
            .collect();
        let Ok(frame) = read_frame(self.body, self.sep, Some((dtypes, nulls))) else {
            return Ok(None);
        };
        if frame.width() != self.names.len()
            || !typed
                .iter()
                .zip(frame.columns())
                .all(|(&t, col)| !t || col.f64().is_ok_and(all_finite))
        {
            return Ok(None);
        }
        let mut table = from_frame(&frame, self.line_offset).map_err(columns_failed)?;
        table.separator = Some(self.sep);
        Ok(Some(table))
    }

    /// With every column as text, for the cell-by-cell path.
    fn text(&self) -> Result<Table, Refusal> {
        let frame = read_frame(self.body, self.sep, None).map_err(|e| {
            (
                Code::UnreadableFile,
                format!("not a readable CSV file: {e}"),
                "check that the export is complete".to_string(),
            )
        })?;
        let mut table = from_frame(&frame, self.line_offset).map_err(columns_failed)?;
        table.separator = Some(self.sep);
        Ok(table)
    }
}

fn columns_failed(e: PolarsError) -> Refusal {
    (
        Code::UnreadableFile,
        format!("cannot read the columns: {e}"),
        String::new(),
    )
}

/// The header's fields as the CSV format splits them.
fn header_fields(header: &str, sep: u8) -> Vec<String> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(sep)
        .has_headers(false)
        .from_reader(header.as_bytes());
    match reader.records().next() {
        Some(Ok(record)) => record.iter().map(|f| f.trim().to_string()).collect(),
        _ => Vec::new(),
    }
}

/// The frame of the file: every column text, or with `typed` the column types and the
/// missing-value marker of the columns that have one.
fn read_frame(
    body: &str,
    sep: u8,
    typed: Option<(Vec<DataType>, Vec<(PlSmallStr, PlSmallStr)>)>,
) -> PolarsResult<DataFrame> {
    let (dtypes, nulls) = typed.unzip();
    let nulls = nulls.filter(|n| !n.is_empty()).map(NullValues::Named);
    CsvReadOptions::default()
        .with_has_header(true)
        .with_infer_schema_length(Some(0))
        .with_dtype_overwrite(dtypes.map(Arc::new))
        .map_parse_options(|o| o.with_separator(sep).with_null_values(nulls.clone()))
        .into_reader_with_file_handle(Cursor::new(body.as_bytes()))
        .finish()
}

fn all_finite(column: &Float64Chunked) -> bool {
    column.downcast_iter().all(|a| {
        a.values().iter().all(|v| v.is_finite()) || a.iter().flatten().all(|v| v.is_finite())
    })
}

/// A plain number: optional sign, digits, optionally a point and digits, optionally an
/// exponent of at most four digits; or an empty cell. Exactly the cells that polars and the
/// cell-by-cell path read to the same value when the decimal mark is a point.
fn plain(cell: &[u8]) -> bool {
    let digits = |i: &mut usize| {
        let from = *i;
        while *i < cell.len() && cell[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - from
    };
    if cell.is_empty() {
        return true;
    }
    let mut i = usize::from(matches!(cell[0], b'+' | b'-'));
    if digits(&mut i) == 0 {
        return false;
    }
    if cell.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    }
    if matches!(cell.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(cell.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if !(1..=4).contains(&digits(&mut i)) {
            return false;
        }
    }
    i == cell.len()
}

/// The vote of a plain number with a point, as `number::vote` gives it: a point, unless it
/// could be one group of thousands (`12.345`, not `0.345`, `1234.5` or `1.5e3`).
fn plain_votes_point(cell: &[u8]) -> bool {
    let body = cell
        .strip_prefix(b"-")
        .or_else(|| cell.strip_prefix(b"+"))
        .unwrap_or(cell);
    if body.iter().any(|&b| b == b'e' || b == b'E') {
        return true;
    }
    let at = body.iter().position(|&b| b == b'.').unwrap_or(body.len());
    let (int, frac) = (&body[..at], &body[(at + 1).min(body.len())..]);
    !(frac.len() == 3 && int.len() <= 3 && int.first() != Some(&b'0'))
}

/// What the pass over the raw rows found: the first row whose field count differs from the
/// header's (line from the header as line 1, and what), whether any value cell votes for a
/// decimal comma, and per column what its cells are.
#[derive(Default)]
struct Scan {
    problem: Option<(usize, String)>,
    comma: bool,
    columns: Vec<ColumnScan>,
    /// The declared missing-value markers polars can be told about (none is a number).
    markers: Vec<Vec<u8>>,
}

#[derive(Default, Clone, Copy)]
struct ColumnScan {
    /// A value column, whose cells are looked at.
    looked: bool,
    /// A cell that is not a plain number.
    unclean: bool,
    /// A cell with a point.
    dot: bool,
    /// A cell that shows the point as its decimal mark.
    point: bool,
    /// The missing-value marker its cells use (a position in `Scan::markers`); a column with
    /// two different markers is `unclean`, since polars takes one marker per column.
    marker: Option<usize>,
}

impl ColumnScan {
    fn use_marker(&mut self, m: Option<usize>) {
        match (self.marker, m) {
            (Some(a), Some(b)) if a != b => self.unclean = true,
            (None, Some(_)) => self.marker = m,
            _ => {}
        }
    }
}

impl Scan {
    fn look(&mut self, column: usize, cell: &[u8]) {
        let marker = self.markers.iter().position(|m| m.as_slice() == cell);
        let c = &mut self.columns[column];
        if marker.is_some() {
            c.use_marker(marker);
            return;
        }
        if plain(cell) {
            if !c.point && cell.contains(&b'.') {
                c.dot = true;
                c.point = plain_votes_point(cell);
            }
            return;
        }
        c.unclean = true;
        if !self.comma && cell.iter().any(|&b| b == b'.' || b == b',') {
            match number::vote(std::str::from_utf8(cell).unwrap_or("")) {
                number::Vote::Comma => self.comma = true,
                number::Vote::Point => c.point = true,
                number::Vote::None => c.dot |= cell.contains(&b'.'),
            }
        }
    }

    fn merge(&mut self, other: &Scan) {
        self.comma |= other.comma;
        for (a, b) in self.columns.iter_mut().zip(&other.columns) {
            a.use_marker(b.marker);
            a.unclean |= b.unclean;
            a.dot |= b.dot;
            a.point |= b.point;
        }
    }

    /// The columns polars types: plain numbers throughout, in a file whose decimal mark is
    /// the point (declared, or shown by a cell and no cell showing a comma), or without any
    /// point (whole numbers read the same under any mark).
    fn typed(&self, declared: DecimalMark) -> Vec<bool> {
        let point = self.columns.iter().any(|c| c.point);
        self.columns
            .iter()
            .map(|c| {
                c.looked
                    && !c.unclean
                    && (declared == DecimalMark::Point || !c.dot || (!self.comma && point))
            })
            .collect()
    }
}

fn unequal(len: usize, expected: usize) -> String {
    format!(
        "{len} field(s) where the header has {expected} (an unclosed quote or a stray separator?)"
    )
}

/// Checks every row's length and looks at the candidate columns' cells. A file without
/// quotes is split on newlines and scanned in parallel; one with quotes is read by the CSV
/// format's rules, in order.
fn scan(body: &[u8], sep: u8, fields: usize, candidates: &[bool], markers: &[Vec<u8>]) -> Scan {
    let fresh = || Scan {
        problem: None,
        comma: false,
        markers: markers.to_vec(),
        columns: candidates
            .iter()
            .map(|&c| ColumnScan {
                looked: c,
                ..ColumnScan::default()
            })
            .collect(),
    };
    if body.contains(&b'"') {
        let mut found = fresh();
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(sep)
            .has_headers(true)
            .from_reader(body);
        let mut record = csv::ByteRecord::new();
        loop {
            match reader.read_byte_record(&mut record) {
                Ok(false) => break,
                Ok(true) => {
                    for (k, cell) in record.iter().enumerate() {
                        if candidates.get(k).copied().unwrap_or(false) {
                            found.look(k, cell);
                        }
                    }
                }
                Err(e) => {
                    let line = e.position().map_or(1, |p| p.line() as usize);
                    let what = match e.kind() {
                        csv::ErrorKind::UnequalLengths {
                            expected_len, len, ..
                        } => unequal(*len as usize, *expected_len as usize),
                        _ => e.to_string(),
                    };
                    found.problem = Some((line, what));
                    break;
                }
            }
        }
        return found;
    }
    // Chunks of whole lines, each scanned on its own; the first problem in file order wins.
    let n_chunks = (body.len() / PARALLEL_BYTES).clamp(1, 256);
    let mut bounds = vec![0];
    for k in 1..n_chunks {
        let from = (body.len() * k / n_chunks).max(*bounds.last().unwrap_or(&0));
        match body[from..].iter().position(|&b| b == b'\n') {
            Some(at) => bounds.push(from + at + 1),
            None => break,
        }
    }
    bounds.push(body.len());
    bounds.dedup();
    let one = |(k, w): (usize, &[usize])| {
        let mut found = fresh();
        let mut lines = 0;
        for line in body[w[0]..w[1]].split(|&b| b == b'\n') {
            lines += 1;
            if k == 0 && lines == 1 {
                continue; // the header
            }
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            if line.is_empty() {
                continue;
            }
            if found.problem.is_none() {
                let len = line.iter().filter(|&&b| b == sep).count() + 1;
                if len != fields {
                    found.problem = Some((lines, unequal(len, fields)));
                }
            }
            for (c, cell) in line.split(|&b| b == sep).enumerate() {
                if candidates.get(c).copied().unwrap_or(false) {
                    found.look(c, cell);
                }
            }
        }
        // `split` gives one piece more than there are newlines.
        (found, lines - 1)
    };
    // A small file is scanned on this thread.
    let chunks: Vec<(Scan, usize)> = if bounds.len() <= 2 {
        bounds.windows(2).enumerate().map(one).collect()
    } else {
        bounds.par_windows(2).enumerate().map(one).collect()
    };
    let mut total = fresh();
    let mut before = 0;
    for (found, lines) in chunks {
        if total.problem.is_none()
            && let Some((line, what)) = &found.problem
        {
            total.problem = Some((before + line, what.clone()));
        }
        total.merge(&found);
        before += lines;
    }
    total
}

#[cfg(test)]
pub(super) mod tests;
