//! Diagnostics: every problem cwi finds in a spec or a data file, with a stable code, severity,
//! place and hint. One type for both, so `validate` can list them all and `compute` can refuse.

use std::fmt;

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The input cannot be computed as it is.
    Error,
    /// Computable, but probably not what was meant.
    Warning,
}

/// The stable code of a problem. Codes never change meaning; new problems get new codes.
/// `E` codes are errors, `W` codes warnings; 0xx concern specs, 1xx data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Code {
    /// E001: TOML syntax, a value of the wrong type, or a required key missing.
    Syntax,
    /// E002: a key the spec format does not have (with the nearest known key suggested).
    UnknownKey,
    /// E003: two nodes with the same id.
    DuplicateId,
    /// E004: a parent that is not defined.
    MissingNode,
    /// E005: a node whose parent is an indicator.
    IndicatorParent,
    /// E006: nodes whose parents form a cycle and never reach the index.
    Cycle,
    /// E007: a group without children.
    EmptyGroup,
    /// E008: a weight that is negative or not finite.
    BadWeight,
    /// E009: a group whose children all weigh 0.
    ZeroWeights,
    /// E010: goalposts with lo >= hi, or lo <= 0 on a log scale.
    BadGoalposts,
    /// E011: an unknown method, pooling, direction or share name.
    UnknownMethod,
    /// E012: a method parameter missing, invalid or not taken by the method.
    BadParameter,
    /// E013: a label missing in a declared language, or in an undeclared one.
    MissingLabel,
    /// E014: a code, name or alias that names two units.
    UnitClash,
    /// E015: units declared in no way, in several ways, or in an unreadable table.
    BadUnits,
    /// E016: an invalid id or index field (id characters, empty language list).
    BadId,
    /// W020: a geometric mean over children whose scores can be 0 or negative.
    GeometricZero,
    /// E101: a data file that cannot be read (missing, unsupported type, malformed CSV).
    UnreadableFile,
    /// E102: a required column missing from a data file.
    MissingColumn,
    /// E103: a value that is not a number.
    NotANumber,
    /// E104: the same region, year and indicator given twice.
    DuplicateRow,
    /// E105: a year that is not a whole number.
    BadYear,
    /// E106: an empty region or indicator cell.
    EmptyKey,
    /// E107: a value outside the indicator's declared valid range.
    OutOfRange,
    /// E108: a number whose decimal or thousands separators can be read two ways.
    AmbiguousNumber,
    /// E109: a region the spec does not know (rows meant to be skipped, such as national
    /// totals, are declared in [data] ignore_regions).
    UnknownRegion,
    /// W110: an indicator the spec does not have (its rows are skipped).
    UnknownIndicator,
    /// W111: a spec indicator with no data in any file.
    NoData,
    /// W112: coverage of an indicator or region below the declared threshold.
    LowCoverage,
    /// E113: a year with too few regions to normalise.
    TooFewUnits,
    /// E114: a text encoding that cannot be determined.
    Encoding,
    /// E115: no row of the data matches a unit of the spec.
    NoMatchingRows,
    /// E116: a standard error or sample size that cannot be (negative, zero, or a sample size
    /// for an indicator that is not a share).
    BadSampleSize,
    /// W117: rows of a region declared in [data] ignore_regions, skipped.
    IgnoredRegion,
    /// E118: a collection template whose structure was edited (rows, ids, sheets), or made for
    /// another spec or spec version.
    TemplateMismatch,
    /// W119: a data frame's index column (unnamed, row numbers 0, 1, 2, ...) in a wide file,
    /// ignored.
    RowNumbers,
    /// W120: a `[[data.file]]` (or `--decimal FILE=...`) declaration about a file that is none
    /// of the data files.
    UnusedFileReading,
    /// W121: an indicator with no value for any region in a year that other years have (the
    /// year's scores of its ancestors are built without it).
    YearWithoutIndicator,
    /// W122: `bounds_edition` keeps no bounds for an indicator whose normalisation draws them
    /// from the data (a rank method, an indicator the edition did not have, or another
    /// method): its bounds are drawn as the pooling says.
    BoundsNotKept,
    /// E123: a data file given to `validate` with several specs that holds the indicators of
    /// none of them, so that it was checked against none.
    NoSpecForData,
}

impl Code {
    pub const ALL: [Code; 40] = [
        Code::Syntax,
        Code::UnknownKey,
        Code::DuplicateId,
        Code::MissingNode,
        Code::IndicatorParent,
        Code::Cycle,
        Code::EmptyGroup,
        Code::BadWeight,
        Code::ZeroWeights,
        Code::BadGoalposts,
        Code::UnknownMethod,
        Code::BadParameter,
        Code::MissingLabel,
        Code::UnitClash,
        Code::BadUnits,
        Code::BadId,
        Code::GeometricZero,
        Code::UnreadableFile,
        Code::MissingColumn,
        Code::NotANumber,
        Code::DuplicateRow,
        Code::BadYear,
        Code::EmptyKey,
        Code::OutOfRange,
        Code::AmbiguousNumber,
        Code::UnknownRegion,
        Code::UnknownIndicator,
        Code::NoData,
        Code::LowCoverage,
        Code::TooFewUnits,
        Code::Encoding,
        Code::NoMatchingRows,
        Code::BadSampleSize,
        Code::IgnoredRegion,
        Code::TemplateMismatch,
        Code::RowNumbers,
        Code::UnusedFileReading,
        Code::YearWithoutIndicator,
        Code::BoundsNotKept,
        Code::NoSpecForData,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Code::Syntax => "E001",
            Code::UnknownKey => "E002",
            Code::DuplicateId => "E003",
            Code::MissingNode => "E004",
            Code::IndicatorParent => "E005",
            Code::Cycle => "E006",
            Code::EmptyGroup => "E007",
            Code::BadWeight => "E008",
            Code::ZeroWeights => "E009",
            Code::BadGoalposts => "E010",
            Code::UnknownMethod => "E011",
            Code::BadParameter => "E012",
            Code::MissingLabel => "E013",
            Code::UnitClash => "E014",
            Code::BadUnits => "E015",
            Code::BadId => "E016",
            Code::GeometricZero => "W020",
            Code::UnreadableFile => "E101",
            Code::MissingColumn => "E102",
            Code::NotANumber => "E103",
            Code::DuplicateRow => "E104",
            Code::BadYear => "E105",
            Code::EmptyKey => "E106",
            Code::OutOfRange => "E107",
            Code::AmbiguousNumber => "E108",
            Code::UnknownRegion => "E109",
            Code::UnknownIndicator => "W110",
            Code::NoData => "W111",
            Code::LowCoverage => "W112",
            Code::TooFewUnits => "E113",
            Code::Encoding => "E114",
            Code::NoMatchingRows => "E115",
            Code::BadSampleSize => "E116",
            Code::IgnoredRegion => "W117",
            Code::TemplateMismatch => "E118",
            Code::RowNumbers => "W119",
            Code::UnusedFileReading => "W120",
            Code::YearWithoutIndicator => "W121",
            Code::BoundsNotKept => "W122",
            Code::NoSpecForData => "E123",
        }
    }

    pub fn severity(self) -> Severity {
        if self.as_str().starts_with('W') {
            Severity::Warning
        } else {
            Severity::Error
        }
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// One problem and where it is: a spec position (line and column), a data cell (row, column
/// name, and the file line where the format has lines), or just a file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    pub code: Code,
    pub file: String,
    /// 1-based line in the file (spec, CSV) or the sheet row (Excel).
    pub line: Option<usize>,
    /// 1-based column in characters (spec only).
    pub column: Option<usize>,
    /// 1-based data row: 1 is the first row after the header.
    pub row: Option<usize>,
    /// Name of the data column.
    pub field: Option<String>,
    pub message: String,
    pub hint: String,
    /// The spec a data problem was found against, where several were checked (`validate`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub spec: Option<String>,
}

impl Diagnostic {
    pub fn new(code: Code, file: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: code.severity(),
            code,
            file: file.into(),
            line: None,
            column: None,
            row: None,
            field: None,
            message: message.into(),
            hint: String::new(),
            spec: None,
        }
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = hint.into();
        self
    }

    pub fn at(mut self, line: usize, column: usize) -> Self {
        self.line = Some(line);
        self.column = Some(column);
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `file:line:col` or `file:line: row R, column "c"`, as far as known.
    pub fn place(&self) -> String {
        let mut out = self.file.clone();
        if let Some(line) = self.line {
            out.push_str(&format!(":{line}"));
            if let Some(col) = self.column {
                out.push_str(&format!(":{col}"));
            }
        }
        if let Some(row) = self.row {
            out.push_str(&format!(": row {row}"));
        }
        if let Some(field) = &self.field {
            let sep = if self.row.is_some() { ", " } else { ": " };
            out.push_str(&format!("{sep}column \"{field}\""));
        }
        out
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let severity = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(
            f,
            "{}: {severity}[{}]: {}",
            self.place(),
            self.code,
            self.message
        )?;
        if !self.hint.is_empty() {
            write!(f, "\n  hint: {}", self.hint)?;
        }
        Ok(())
    }
}

/// Lists diagnostics under a heading, at most `limit` of them.
pub fn list(what: &str, diagnostics: &[Diagnostic], limit: usize) -> String {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let mut out = format!("{what} has {errors} error(s):");
    for d in diagnostics.iter().filter(|d| d.is_error()).take(limit) {
        out.push('\n');
        out.push_str(&d.to_string());
    }
    if errors > limit {
        out.push_str(&format!("\n... and {} more", errors - limit));
    }
    out
}

/// 1-based line and column (in characters) of a byte offset.
/// Where each line of a text starts, for finding many offsets' lines in O(log n) each.
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i + 1),
        );
        LineIndex { starts }
    }

    /// 1-based line and column (in characters) of a byte offset, as `line_col` gives them.
    pub fn line_col(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = offset.min(text.len());
        let line = self.starts.partition_point(|&s| s <= offset);
        let start = self.starts[line - 1];
        (line, text[start..offset].chars().count() + 1)
    }
}

pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, text[line_start..offset].chars().count() + 1)
}

/// The candidate closest to `word` by edit distance, if it is close enough to be a likely typo.
pub fn nearest<'a>(word: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (word.chars().count() / 3).max(2);
    candidates
        .map(|c| (edit_distance(&word.to_lowercase(), &c.to_lowercase()), c))
        .filter(|(d, _)| *d <= limit)
        .min()
        .map(|(_, c)| c)
}

/// Levenshtein distance over characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_severity_follows_the_letter() {
        let mut seen = std::collections::BTreeSet::new();
        for code in Code::ALL {
            assert!(seen.insert(code.as_str()), "{code} twice");
            assert_eq!(
                code.severity() == Severity::Warning,
                code.as_str().starts_with('W')
            );
        }
    }

    #[test]
    fn places_read_like_compiler_messages() {
        let d = Diagnostic::new(Code::NotANumber, "a.csv", "x").at(6, 1);
        assert_eq!(d.place(), "a.csv:6:1");
        let mut cell = Diagnostic::new(Code::NotANumber, "a.csv", "x");
        cell.line = Some(6);
        cell.row = Some(5);
        cell.field = Some("value".into());
        assert_eq!(cell.place(), "a.csv:6: row 5, column \"value\"");
    }

    #[test]
    fn line_and_column_count_characters() {
        let text = "a = 1\nназвание = 2\n";
        let offset = text.find('2').unwrap();
        assert_eq!(line_col(text, offset), (2, 12));
        let index = LineIndex::new(text);
        for k in (0..=text.len()).filter(|&k| text.is_char_boundary(k)) {
            assert_eq!(index.line_col(text, k), line_col(text, k), "offset {k}");
        }
    }

    #[test]
    fn nearest_suggests_a_typo_fix_only() {
        let ids = ["child", "family", "state"];
        assert_eq!(nearest("chlid", ids.iter().copied()), Some("child"));
        assert_eq!(nearest("economy", ids.iter().copied()), None);
    }
}
