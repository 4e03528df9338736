//! Text exports: encoding (UTF-8 with or without BOM, Windows-1251), comment lines, the
//! separator (comma, semicolon or tab), then polars reads the CSV, every cell as text.

use std::io::Cursor;

use polars::prelude::*;

use super::table::{Table, from_frame};
use crate::diagnostic::Code;
use crate::spec::TextEncoding;

/// Why a file cannot be read: code, message, hint.
pub type Refusal = (Code, String, String);

/// A header line longer than this is not a CSV header.
const MAX_HEADER: usize = 1 << 20;

/// Decodes a text file. UTF-8 is taken when valid; otherwise, under `Auto`, Windows-1251 when
/// nearly all non-ASCII characters it gives are Cyrillic (as in Kazakh and Russian exports).
pub fn decode(bytes: &[u8], declared: TextEncoding) -> Result<String, Refusal> {
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
        TextEncoding::Windows1251 => Ok(windows_1251()),
        TextEncoding::Utf8 | TextEncoding::Auto => match std::str::from_utf8(bytes) {
            Ok(text) => Ok(text.to_string()),
            Err(e) => {
                let line = bytes[..e.valid_up_to()]
                    .iter()
                    .filter(|&&b| b == b'\n')
                    .count()
                    + 1;
                if declared == TextEncoding::Auto {
                    let text = windows_1251();
                    if reads_as_cyrillic(&text) {
                        return Ok(text);
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
pub fn read_csv(text: &str, tab: bool) -> Result<Table, Refusal> {
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
    let body = &text[start..];
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
    let first: Vec<&str> = body
        .lines()
        .skip(1)
        .take(20)
        .filter(|l| !l.trim().is_empty())
        .collect();
    let sep = separator(header, &first, tab)?;
    let ragged = |(line, what): (usize, String)| {
        (
            Code::UnreadableFile,
            format!("line {}: {what}", line + skipped),
            "every row needs as many fields as the header; quote cells that contain the separator"
                .to_string(),
        )
    };
    // polars reads a row with fewer fields than the header as missing values: a truncated
    // line would lose data without a word. Every row's length is checked first.
    if let Some(problem) = locate_csv_problem(body.as_bytes(), sep) {
        return Err(ragged(problem));
    }
    let frame = CsvReadOptions::default()
        .with_has_header(true)
        .with_infer_schema_length(Some(0))
        .map_parse_options(|o| o.with_separator(sep))
        .into_reader_with_file_handle(Cursor::new(body.as_bytes()))
        .finish()
        .map_err(|e| {
            (
                Code::UnreadableFile,
                format!("not a readable CSV file: {e}"),
                "check that the export is complete".into(),
            )
        })?;
    // Data row r (0-based) sits on line skipped + 1 (header) + r + 1.
    from_frame(&frame, Some(skipped + 1)).map_err(|e| {
        (
            Code::UnreadableFile,
            format!("cannot read the columns: {e}"),
            String::new(),
        )
    })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_1251_cyrillic_is_recognised() {
        let (bytes, _, _) =
            encoding_rs::WINDOWS_1251.encode("регион;год\nАкмолинская область;2024\n");
        assert_eq!(
            decode(&bytes, TextEncoding::Auto).unwrap(),
            "регион;год\nАкмолинская область;2024\n"
        );
        // Latin-1 accented text is not Cyrillic: refused rather than misread.
        let latin1 = b"r\xe9gion,ann\xe9e\n";
        assert_eq!(
            decode(latin1, TextEncoding::Auto).unwrap_err().0,
            Code::Encoding
        );
    }

    #[test]
    fn separators_are_told_from_the_header() {
        assert_eq!(separator("region;year;value", &[], false).unwrap(), b';');
        assert_eq!(separator("region,year,value", &[], false).unwrap(), b',');
        assert_eq!(separator("region\tyear", &[], false).unwrap(), b'\t');
        // "a,b;c,d" splits in 3 on commas and 2 on semicolons: commas win.
        assert_eq!(separator("a,b;c,d", &[], false).unwrap(), b',');
    }
}
