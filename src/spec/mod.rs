//! The indicator spec: what an index is made of and how it is computed, parsed once from TOML
//! into validated types that the rest of the pipeline trusts.
//!
//! A value of these types cannot hold goalposts with lo >= hi, a negative or non-finite weight,
//! an empty group or a dangling parent: `parse` refuses such a spec with the line and column.

mod choices;
pub mod frozen;
mod method;
mod parse;
mod raw;
pub mod schema;
mod steps;
pub mod tables;

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::diagnostic::Diagnostic;
pub use crate::labels::Labels;
use crate::units::Units;

pub use method::{
    Aggregation, AggregationKind, Dispersion, Impute, ImputeKind, LogForm, Normalisation,
    NormalisationKind, OutlierRule, Penalty, Ties, Treatment, TreatmentKind, Weighting,
};
pub use parse::{MethodArg, SpecError, parse_str};
pub use steps::{NodeFormula, Passes, Steps, round};

/// The warning codes a node may allow (`allow = [...]`): those cwi raises about one node of a
/// spec.
pub const ALLOWABLE: [crate::diagnostic::Code; 2] = [
    crate::diagnostic::Code::GeometricZero,
    crate::diagnostic::Code::BoundsNotKept,
];

/// Reads and validates a spec file. Relative paths inside it (a units table) are resolved
/// against the spec's own directory.
pub fn load(path: &Path) -> Result<Spec, SpecError> {
    let text = std::fs::read_to_string(path).map_err(|source| SpecError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    parse_str(&text, path)
}

/// A language the spec has no labels in.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("language \"{lang}\" has no labels in the spec (it declares {available:?})")]
pub struct UnknownLanguage {
    pub lang: String,
    pub available: Vec<String>,
}

impl Spec {
    /// Whether a unit exists in a year, given the spec's boundary changes: a unit created by
    /// a change (in `into`, not in `from`) exists from the change's year; a unit merged away
    /// (in `from`, not in `into`) exists before it.
    pub fn unit_exists(&self, code: &str, year: i32) -> bool {
        self.boundary_changes.iter().all(|c| {
            let from = c.from.iter().any(|f| f == code);
            let into = c.into.iter().any(|i| i == code);
            match (from, into) {
                (false, true) => year >= c.year,
                (true, false) => year < c.year,
                _ => true,
            }
        })
    }

    /// Whether the spec accepts the warning `code` about node `id` (`allow` on the node).
    pub fn allows(&self, id: &str, code: crate::diagnostic::Code) -> bool {
        self.allowed.iter().any(|(n, c)| n == id && *c == code)
    }

    /// The language outputs are written in: `lang` when the spec has labels in it (in any
    /// case, as language tags are: `RU` is `ru`; the spec's spelling is returned), its first
    /// language when `None`.
    pub fn language(&self, lang: Option<&str>) -> Result<String, UnknownLanguage> {
        let languages = &self.index.languages;
        match lang {
            None => Ok(languages[0].clone()),
            Some(l) => match languages.iter().find(|x| x.eq_ignore_ascii_case(l)) {
                Some(x) => Ok(x.clone()),
                None => Err(UnknownLanguage {
                    lang: l.to_string(),
                    available: languages.clone(),
                }),
            },
        }
    }
}

/// A validated indicator spec.
#[derive(Debug, Clone)]
pub struct Spec {
    /// The file the spec was read from.
    pub path: PathBuf,
    /// SHA-256 of the spec text, for the manifest.
    pub sha256: String,
    pub index: IndexMeta,
    /// Which years normalisation draws its bounds from.
    pub pooling: Pooling,
    /// A base year that score and rank changes are also reported against.
    pub base_year: Option<i32>,
    /// Bounds frozen at a published edition (`[defaults] bounds_edition`).
    pub frozen: Option<frozen::FrozenBounds>,
    /// Regions left out of a year for too few indicator values, from `[defaults] screening`.
    pub screening: Option<Screening>,
    /// Regions split or merged, for series on today's or on the old boundaries.
    pub boundary_changes: Vec<BoundaryChange>,
    /// The units the index ranks, or `None` when they are taken from the data.
    pub units: Option<Units>,
    pub data: DataLayout,
    pub framework: Framework,
    /// Level names by depth (0 = the index); may be shorter than the tree is deep.
    pub levels: Vec<Labels>,
    pub validation: Validation,
    /// The choices an uncertainty analysis varies, from `[uncertainty]`.
    pub uncertainty: Uncertainty,
    /// Warnings found while parsing (e.g. W020); errors make `parse` fail instead.
    pub warnings: Vec<Diagnostic>,
    /// The warnings about a node that the spec accepts (`allow = ["W020"]` on the node): (node
    /// id, code). They are not raised; `validate` says which are allowed.
    pub allowed: Vec<(String, crate::diagnostic::Code)>,
    /// Where each node's id is written in the spec text, for diagnostics about nodes.
    pub spans: HashMap<String, Range<usize>>,
    /// The same places as (line, column), so that later stages place a diagnostic about a
    /// node without reading the spec file again.
    pub positions: HashMap<String, (usize, usize)>,
}

/// What `cwi uncertainty` and `cwi sensitivity` vary, and how often.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Uncertainty {
    /// Monte Carlo replications (>= 1).
    pub replications: usize,
    /// Base samples N of the sensitivity design (N * (factors + 2) model runs).
    pub samples: usize,
    pub seed: u64,
    /// Each weight is multiplied by a uniform draw from [1 - w, 1 + w]; 0 keeps them.
    pub weights: f64,
    /// Alternative weightings (declared, equal, PCA); empty keeps the spec's.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub weightings: Vec<Weighting>,
    /// Alternative normalisations applied to every indicator; empty keeps the spec's.
    pub normalisations: Vec<Normalisation>,
    /// Alternative aggregations applied to every group; empty keeps the spec's.
    pub aggregations: Vec<Aggregation>,
    /// Alternative imputations of missing values for every indicator; empty keeps the spec's.
    pub imputations: Vec<Impute>,
    /// Alternative outlier treatments for every indicator; empty keeps the spec's.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub treatments: Vec<Treatment>,
    /// Leave one indicator out (or none) at random.
    pub exclude_one: bool,
    /// Draw survey values from their sampling error, where the data give one.
    pub sampling: bool,
    /// Nodes whose ranks are summarised besides the index and its top level (`--nodes`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub nodes: Vec<String>,
}

impl Default for Uncertainty {
    fn default() -> Self {
        Uncertainty {
            replications: 1000,
            samples: 1000,
            seed: 1,
            weights: 0.0,
            weightings: Vec::new(),
            normalisations: Vec::new(),
            aggregations: Vec::new(),
            imputations: Vec::new(),
            treatments: Vec::new(),
            exclude_one: false,
            nodes: Vec::new(),
            sampling: true,
        }
    }
}

/// A change of regional boundaries taking effect in `year`: one unit split into several
/// (`weights` per new unit: its share, e.g. of the child population, of the old one) or several
/// merged into one (`weights` per old unit).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BoundaryChange {
    pub year: i32,
    pub from: Vec<String>,
    pub into: Vec<String>,
    pub weights: Vec<f64>,
}

/// Screening of units by data availability (COINr's `Screen`): a region whose share of
/// indicator values in a year is below `min_share` is left out of that year.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Screening {
    pub min_share: f64,
    pub when: ScreenWhen,
}

/// Whether screening counts the values as loaded or after imputation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ScreenWhen {
    BeforeImputation,
    AfterImputation,
}

impl crate::named::Named for ScreenWhen {
    const ALL: &'static [Self] = &[ScreenWhen::BeforeImputation, ScreenWhen::AfterImputation];

    fn name(&self) -> &'static str {
        match self {
            ScreenWhen::BeforeImputation => "before-imputation",
            ScreenWhen::AfterImputation => "after-imputation",
        }
    }

    fn about(&self) -> &'static str {
        match self {
            ScreenWhen::BeforeImputation => "Count the values as loaded",
            ScreenWhen::AfterImputation => "Count the values after imputation",
        }
    }
}

/// Thresholds of the data checks, from `[validation]`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Validation {
    /// Warn when an indicator or a region has values in less than this share of its cells.
    pub min_coverage: Option<f64>,
    /// Fewest regions a year needs; fewer is an error (default 2: min-max needs a spread).
    pub min_units: usize,
    /// Submission checks: a value that changes by more than this share of the previous year's
    /// value is flagged for confirmation (per indicator: `max_change`).
    pub max_change: Option<f64>,
}

/// Index metadata from `[index]`.
#[derive(Debug, Clone, Serialize)]
pub struct IndexMeta {
    pub id: String,
    pub version: String,
    pub name: Labels,
    pub description: Option<Labels>,
    /// Languages every label is given in; the first is the default output language.
    pub languages: Vec<String>,
    /// The score scale, e.g. (0, 100); the default target range of normalisation.
    pub scale: (f64, f64),
    /// Whether the index's scores are better higher (a well-being index) or lower (a
    /// deprivation or inequality index): indicators going the other way are flipped, and
    /// ranks run from the highest or from the lowest score.
    pub direction: Direction,
    /// The rank tied scores share in the outputs (`min` by default; whole ranks only).
    pub ties: Ties,
}

/// Which years the data-driven bounds of normalisation (min and max, mean and sd) come from.
/// This decides whether scores can be compared across years.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "pooling", content = "year")]
pub enum Pooling {
    /// Each year normalised on its own: scores rank regions within a year only.
    EachYear,
    /// Bounds from all years together: scores comparable across years.
    AllYears,
    /// Bounds from one reference year applied to every year.
    ReferenceYear(i32),
}

/// The poolings as the spec spells them (`[defaults] pooling`), without the reference year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PoolingKind {
    EachYear,
    AllYears,
    ReferenceYear,
}

impl crate::named::Named for PoolingKind {
    const ALL: &'static [Self] = &[
        PoolingKind::EachYear,
        PoolingKind::AllYears,
        PoolingKind::ReferenceYear,
    ];

    fn name(&self) -> &'static str {
        match self {
            PoolingKind::EachYear => "each-year",
            PoolingKind::AllYears => "all-years",
            PoolingKind::ReferenceYear => "reference-year",
        }
    }

    fn about(&self) -> &'static str {
        match self {
            PoolingKind::EachYear => "bounds of each year alone: scores comparable within a year",
            PoolingKind::AllYears => "bounds of all years together: scores comparable across years",
            PoolingKind::ReferenceYear => "bounds of defaults.reference_year for every year",
        }
    }
}

impl Pooling {
    pub fn kind(&self) -> PoolingKind {
        match self {
            Pooling::EachYear => PoolingKind::EachYear,
            Pooling::AllYears => PoolingKind::AllYears,
            Pooling::ReferenceYear(_) => PoolingKind::ReferenceYear,
        }
    }
}

impl fmt::Display for Pooling {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use crate::named::Named;
        f.write_str(self.kind().name())?;
        match self {
            Pooling::ReferenceYear(y) => write!(f, " {y}"),
            _ => Ok(()),
        }
    }
}

/// Where the columns of a data file are, from `[data]`.
#[derive(Debug, Clone, Serialize)]
pub struct DataLayout {
    pub region_column: String,
    pub year_column: String,
    /// Long format: the column naming the indicator.
    pub indicator_column: String,
    /// Long format: the column holding the value.
    pub value_column: String,
    /// Optional column with the unit's name, used when units come from the data.
    pub name_column: Option<String>,
    /// Columns of wide files that are neither indicators nor keys.
    pub ignore_columns: Vec<String>,
    /// Region spellings whose rows are skipped and reported (national totals, cities outside
    /// the index); any other unknown region is an error.
    pub ignore_regions: Vec<String>,
    /// Cell contents that mean "no value" (the empty cell always does).
    pub missing_values: Vec<String>,
    pub decimal: DecimalMark,
    pub encoding: TextEncoding,
    /// Text files: the separator; detected from the header when `None` (set per file).
    pub separator: Option<u8>,
    /// Excel files: the sheet to read; the first when `None`.
    pub sheet: Option<String>,
    /// How particular files are read (`[[data.file]]`, or `--decimal`, `--separator`,
    /// `--encoding` on the command line), over the settings above.
    pub files: Vec<FileReading>,
}

/// How one data file is read, where it differs from `[data]`: a regional export with
/// semicolons and decimal commas beside a ministry CSV with points, say.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FileReading {
    /// The file, as its name or the end of its path (`regions-ru.csv`, `2025/regions.csv`).
    pub name: String,
    pub decimal: Option<DecimalMark>,
    /// The separator of a text file: `,`, `;` or a tab; detected from the header if `None`.
    #[serde(serialize_with = "separator_text")]
    pub separator: Option<u8>,
    pub encoding: Option<TextEncoding>,
    pub sheet: Option<String>,
}

fn separator_text<S: serde::Serializer>(sep: &Option<u8>, s: S) -> Result<S::Ok, S::Error> {
    match sep {
        Some(b) => s.serialize_some(&char::from(*b).to_string()),
        None => s.serialize_none(),
    }
}

impl FileReading {
    /// Whether it is about the data file at `path`.
    pub fn matches(&self, path: &Path) -> bool {
        !self.name.is_empty() && path.ends_with(&self.name)
    }
}

impl DataLayout {
    /// The layout `path` is read with: `[data]`, with what the declarations about that file
    /// change (later declarations over earlier ones, the command line's last).
    pub fn for_file(&self, path: &Path) -> DataLayout {
        let mut layout = self.clone();
        for f in self.files.iter().filter(|f| f.matches(path)) {
            if let Some(d) = f.decimal {
                layout.decimal = d;
            }
            if let Some(e) = f.encoding {
                layout.encoding = e;
            }
            if let Some(s) = &f.sheet {
                layout.sheet = Some(s.clone());
            }
            if f.separator.is_some() {
                layout.separator = f.separator;
            }
        }
        layout
    }

    /// Adds a declaration about one file (the command line's go after the spec's).
    pub fn declare(&mut self, reading: FileReading) {
        self.files.push(reading);
    }
}

impl crate::named::Named for DecimalMark {
    const ALL: &'static [Self] = &[DecimalMark::Auto, DecimalMark::Point, DecimalMark::Comma];

    fn name(&self) -> &'static str {
        match self {
            DecimalMark::Auto => "auto",
            DecimalMark::Point => ".",
            DecimalMark::Comma => ",",
        }
    }

    fn about(&self) -> &'static str {
        match self {
            DecimalMark::Auto => "decided per file from its cells",
            DecimalMark::Point => "12.5",
            DecimalMark::Comma => "12,5 (Russian-locale exports)",
        }
    }
}

impl DecimalMark {
    /// `auto`, `.` or `,`, as the spec and the command line spell them.
    pub fn from_spelling(s: &str) -> Option<Self> {
        crate::named::Named::from_name(s.trim())
    }
}

impl crate::named::Named for TextEncoding {
    const ALL: &'static [Self] = &[
        TextEncoding::Auto,
        TextEncoding::Utf8,
        TextEncoding::Windows1251,
    ];

    fn name(&self) -> &'static str {
        match self {
            TextEncoding::Auto => "auto",
            TextEncoding::Utf8 => "utf-8",
            TextEncoding::Windows1251 => "windows-1251",
        }
    }

    fn about(&self) -> &'static str {
        match self {
            TextEncoding::Auto => "UTF-8 when valid, else Windows-1251 if it reads as Cyrillic",
            TextEncoding::Utf8 => "UTF-8, with or without BOM",
            TextEncoding::Windows1251 => "Windows-1251 (Cyrillic)",
        }
    }
}

impl TextEncoding {
    /// `auto`, `utf-8` or `windows-1251` (also `utf8`, `cp1251`), in any case.
    pub fn from_spelling(s: &str) -> Option<Self> {
        let s = s.trim().to_lowercase();
        let s = match s.as_str() {
            "utf8" => "utf-8",
            "cp1251" => "windows-1251",
            other => other,
        };
        crate::named::Named::from_name(s)
    }
}

/// The spellings of a `Named` family for messages: `"a", "b" or "c"`.
pub fn quoted_choices<T: crate::named::Named>() -> String {
    let names: Vec<String> = T::names().iter().map(|n| format!("\"{n}\"")).collect();
    match names.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}

/// A text file's separator as spelled: `,`, `;`, or a tab (a tab character, `\\t` written
/// out, or `tab`); `None` otherwise.
pub fn separator_from_spelling(s: &str) -> Option<u8> {
    match s {
        "," => Some(b','),
        ";" => Some(b';'),
        "\t" | "\\t" | "tab" => Some(b'\t'),
        _ => None,
    }
}

/// The decimal mark of numbers in text files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DecimalMark {
    /// Decided per file from its cells; a file mixing both is refused cell by cell.
    Auto,
    /// `12.5`, thousands optionally grouped with `,` or spaces.
    Point,
    /// `12,5`, thousands optionally grouped with `.` or spaces (Russian-locale exports).
    Comma,
}

/// The character encoding of text files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TextEncoding {
    /// UTF-8 (with or without BOM) when valid; otherwise Windows-1251 if the text reads as
    /// Cyrillic; otherwise refused.
    Auto,
    Utf8,
    Windows1251,
}

/// The framework tree. `nodes[0]` is the index; nodes are stored in pre-order, so every parent
/// comes before its children.
#[derive(Debug, Clone)]
pub struct Framework {
    pub nodes: Vec<Node>,
    /// Node positions of the indicators, in pre-order: the column order of the panel.
    pub indicators: Vec<usize>,
    /// Consistency ratio of each group weighted by an AHP matrix.
    pub consistency: BTreeMap<String, f64>,
    /// Groups whose children's weights come from a principal component analysis at compute time.
    pub pca: Vec<String>,
}

impl Framework {
    pub fn root(&self) -> &Node {
        &self.nodes[0]
    }

    pub fn position(&self, id: &str) -> Option<usize> {
        self.nodes.iter().position(|n| n.id == id)
    }

    /// The indicator column (position in `indicators`) with this id.
    pub fn indicator_column(&self, id: &str) -> Option<usize> {
        self.indicators.iter().position(|&n| self.nodes[n].id == id)
    }
}

/// One node of the framework.
#[derive(Debug, Clone)]
pub struct Node {
    pub id: String,
    pub name: Labels,
    /// Declared weight within the parent (finite, >= 0; siblings not all zero).
    pub weight: f64,
    pub parent: Option<usize>,
    pub children: Vec<usize>,
    /// Depth in the tree: 0 for the index.
    pub level: usize,
    pub kind: NodeKind,
    /// Its formula, normalisation and rounding, where it has them.
    pub steps: Steps,
}

#[derive(Debug, Clone)]
pub enum NodeKind {
    /// The index or an intermediate node: aggregates its children.
    Group {
        aggregation: Aggregation,
        missing: MissingRule,
    },
    Indicator(Indicator),
}

impl Indicator {
    /// The unit in a language: its label there, or the one text the spec gives.
    pub fn unit_in(&self, lang: &str) -> &str {
        self.unit_labels
            .as_ref()
            .and_then(|l| l.get(lang))
            .unwrap_or(&self.unit)
    }

    /// The source in a language, as `unit_in`.
    pub fn source_in(&self, lang: &str) -> &str {
        self.source_labels
            .as_ref()
            .and_then(|l| l.get(lang))
            .unwrap_or(&self.source)
    }
}

/// What an indicator measures and how it is normalised.
#[derive(Debug, Clone)]
pub struct Indicator {
    /// The unit as the spec gives it (in its first language when it gives one per language).
    pub unit: String,
    pub direction: Direction,
    pub source: String,
    /// The unit and the source per language, when the spec gives them so.
    pub unit_labels: Option<Labels>,
    pub source_labels: Option<Labels>,
    /// What exactly is measured, for the people who report it (collection templates).
    pub definition: Option<Labels>,
    /// A survey estimate: its standard error or sample size may be given with the value.
    pub survey: bool,
    /// A change against the previous year larger than this share of the previous value is
    /// flagged by the submission checks (overrides `[validation] max_change`).
    pub max_change: Option<f64>,
    /// Raw values outside this range are errors (e.g. a share above 100).
    pub valid: Option<(f64, f64)>,
    pub normalisation: Normalisation,
    /// How missing values are filled before normalisation.
    pub imputation: Impute,
    /// How outliers are treated before normalisation.
    pub treatment: Treatment,
    /// For a derived indicator: its formula of raw data columns, computed at loading.
    pub formula: Option<crate::formula::Expr>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Direction {
    /// Higher values are better (e.g. preschool coverage).
    Higher,
    /// Lower values are better (e.g. infant mortality); the scale is flipped.
    Lower,
}

/// When a group with missing children still gets a score.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct MissingRule {
    /// The available share (of weight or count) needed to aggregate; 1 means all children.
    pub min_share: f64,
    pub share_of: ShareOf,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ShareOf {
    Weight,
    Count,
}

#[cfg(test)]
mod named_tests {
    use super::{DecimalMark, Pooling, PoolingKind, TextEncoding, quoted_choices};
    use crate::named::Named;

    /// The spellings come from one table per family: messages, parsing and display agree.
    #[test]
    fn spellings_of_pooling_marks_and_encodings() {
        assert_eq!(quoted_choices::<DecimalMark>(), "\"auto\", \".\" or \",\"");
        assert_eq!(
            quoted_choices::<TextEncoding>(),
            "\"auto\", \"utf-8\" or \"windows-1251\""
        );
        assert_eq!(DecimalMark::from_spelling(" , "), Some(DecimalMark::Comma));
        assert_eq!(
            TextEncoding::from_spelling("CP1251"),
            Some(TextEncoding::Windows1251)
        );
        assert_eq!(
            TextEncoding::from_spelling("UTF8"),
            Some(TextEncoding::Utf8)
        );
        assert_eq!(TextEncoding::from_spelling("latin1"), None);
        assert_eq!(
            PoolingKind::from_name("all-years"),
            Some(PoolingKind::AllYears)
        );
        assert_eq!(
            Pooling::ReferenceYear(2022).to_string(),
            "reference-year 2022"
        );
        assert_eq!(Pooling::EachYear.to_string(), "each-year");
    }
}
