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

/// The code table, written once: each code's variant, its stable spelling, its severity and
/// what it means (its doc comment, which docs/validation.md's table prints).
macro_rules! codes {
    ($($(#[doc = $about:literal])* $variant:ident = $code:literal $severity:ident,)+) => {
        /// The stable code of a problem. Codes never change meaning; new problems get new
        /// codes. `E` codes are errors, `W` codes warnings; 0xx concern specs, 1xx data, 2xx
        /// a method meeting the data while computing.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $($(#[doc = $about])* $variant,)+
        }

        impl Code {
            pub const ALL: &'static [Code] = &[$(Code::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $code,)+
                }
            }

            pub fn severity(self) -> Severity {
                match self {
                    $(Code::$variant => Severity::$severity,)+
                }
            }

            /// What the code means, as docs/validation.md gives it.
            pub fn about(self) -> &'static str {
                match self {
                    $(Code::$variant => concat!($($about),*).trim_ascii_start(),)+
                }
            }
        }
    };
}

codes! {
    /// TOML syntax, a value of the wrong type, or a required key missing.
    Syntax = "E001" Error,
    /// a key the spec format does not have (with the nearest known key suggested).
    UnknownKey = "E002" Error,
    /// two nodes with the same id.
    DuplicateId = "E003" Error,
    /// a parent that is not defined.
    MissingNode = "E004" Error,
    /// a node whose parent is an indicator.
    IndicatorParent = "E005" Error,
    /// nodes whose parents form a cycle and never reach the index.
    Cycle = "E006" Error,
    /// a group without children.
    EmptyGroup = "E007" Error,
    /// a weight that is negative or not finite.
    BadWeight = "E008" Error,
    /// a group whose children all weigh 0.
    ZeroWeights = "E009" Error,
    /// goalposts with lo >= hi, or lo <= 0 on a log scale.
    BadGoalposts = "E010" Error,
    /// an unknown method, pooling, direction or share name.
    UnknownMethod = "E011" Error,
    /// a method parameter missing, invalid or not taken by the method.
    BadParameter = "E012" Error,
    /// a label missing in a declared language, or in an undeclared one.
    MissingLabel = "E013" Error,
    /// a code, name or alias that names two units.
    UnitClash = "E014" Error,
    /// units declared in no way, in several ways, or in an unreadable table.
    BadUnits = "E015" Error,
    /// an invalid id or index field (id characters, empty language list).
    BadId = "E016" Error,
    /// a geometric mean over children whose scores can be 0 or negative (a node may accept it with
    /// `allow = ["W020"]`, as the HDI's does: see docs/spec.md).
    GeometricZero = "W020" Warning,
    /// a data file that cannot be read (missing, unsupported type, malformed CSV, a row with more
    /// or fewer fields than the header).
    UnreadableFile = "E101" Error,
    /// a required column missing from a data file.
    MissingColumn = "E102" Error,
    /// a value that is not a number.
    NotANumber = "E103" Error,
    /// the same region, year and indicator given twice.
    DuplicateRow = "E104" Error,
    /// a year that is not a whole number.
    BadYear = "E105" Error,
    /// an empty region or indicator cell.
    EmptyKey = "E106" Error,
    /// a value outside the indicator's declared valid range.
    OutOfRange = "E107" Error,
    /// a number whose decimal or thousands separators can be read two ways.
    AmbiguousNumber = "E108" Error,
    /// a region the spec does not know, with the nearest known spelling (rows meant to be skipped,
    /// such as national totals, are declared in `[data] ignore_regions`).
    UnknownRegion = "E109" Error,
    /// an indicator the spec does not have (its rows are skipped).
    UnknownIndicator = "W110" Warning,
    /// a spec indicator with no data in any file.
    NoData = "W111" Warning,
    /// coverage of an indicator or region below the declared threshold.
    LowCoverage = "W112" Warning,
    /// a year with too few regions to normalise.
    TooFewUnits = "E113" Error,
    /// a text encoding that cannot be determined.
    Encoding = "E114" Error,
    /// no row of the data matches a unit of the spec.
    NoMatchingRows = "E115" Error,
    /// a standard error or sample size that cannot be (negative, zero, or a sample size for an
    /// indicator that is not a share).
    BadSampleSize = "E116" Error,
    /// rows of a region declared in `[data] ignore_regions`, skipped (with their count).
    IgnoredRegion = "W117" Warning,
    /// a collection template (`cwi template`) whose structure was edited (a row or column inserted,
    /// deleted or moved, an id changed, its data sheet renamed, something written outside its
    /// rows), or made from another spec or spec version; the message names the workbook, sheet and
    /// cell. Text typed into a template's value cell is `E103` at its cell.
    TemplateMismatch = "E118" Error,
    /// a wide file's index column as pandas writes it (an unnamed first column, or
    /// `__index_level_0__`, holding the row numbers 0, 1, 2, ... or 1, 2, 3, ...), ignored; any
    /// other unnamed column is read as an indicator.
    RowNumbers = "W119" Warning,
    /// a reading declared for a file (`[[data.file]]` in the spec, or `--decimal`, `--separator`,
    /// `--encoding FILE=...`) that is none of the data files.
    UnusedFileReading = "W120" Warning,
    /// an indicator with no value for any region in a year that other years have: that year's
    /// scores of its ancestors are built without it; the manifest lists the break (`breaks`,
    /// `comparable_across_years: false`) and the score tables leave out the changes from or to that
    /// year for those nodes.
    YearWithoutIndicator = "W121" Warning,
    /// under `[defaults] bounds_edition`, an indicator whose normalisation draws bounds from the
    /// data has none kept (a rank method, an indicator the edition did not have, or a method
    /// changed since): its bounds are drawn as the pooling says, and adding a year may revise it.
    BoundsNotKept = "W122" Warning,
    /// a data file given to `validate` with several specs that holds the indicators of none of them
    /// (more than half of its indicators, where the spec's units come from the data), so that it
    /// was checked against none.
    NoSpecForData = "E123" Error,
    /// the log or square root of a value at or below 0 in an indicator's treatment: choose
    /// another treatment for it (`jrc`, or `none`).
    UndefinedTreatment = "E201" Error,
    /// PCA weights of a group that cannot be drawn: fewer than 3 regions with every child, or
    /// a child that does not vary.
    PcaWeights = "E202" Error,
    /// what a normalisation scores against is not in the data: its base year, its reference
    /// year, its reference region, or that region's value (or a value of 0 to divide by).
    NoReference = "E203" Error,
    /// a value an indicator's normalisation cannot score: the log of a value at or below 0 on
    /// log goalposts, a ratio that needs values above 0, a base-year value of 0.
    Unscorable = "E204" Error,
    /// pooled values a normalisation cannot scale: no spread for min-max, a z-score without
    /// spread, a best or largest value of 0, ranks among fewer than two regions.
    NoSpread = "E205" Error,
    /// a group's formula undefined for its children's scores in a region and year (a log of 0,
    /// a division by 0): guard the formula.
    FormulaUndefined = "E206" Error,
    /// an aggregation meeting a child's score it cannot take in a region and year (a geometric
    /// or harmonic mean meeting 0 or a negative score).
    AggregationUndefined = "E207" Error,
    /// a boundary change naming a region that is not a unit of the index.
    BoundaryRegion = "E208" Error,
}

/// docs/validation.md's table of codes, as `cwi schema --codes` prints it.
pub fn codes_markdown() -> String {
    let mut out = String::from("| code | severity | problem |\n|---|---|---|\n");
    for code in Code::ALL {
        let severity = match code.severity() {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        out.push_str(&format!("| `{code}` | {severity} | {} |\n", code.about()));
    }
    out
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
