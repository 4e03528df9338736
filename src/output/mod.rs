//! Outputs: the score table in each format, the manifest, and writing them all atomically.
//!
//! Every file is written to a temporary file in the output directory (streamed, so a panel of
//! millions of rows never sits in memory as text) and renamed into place only when all of them
//! were written. An error before the renames leaves the directory as it was.

pub mod analysis;
mod behind;
mod csv;
mod json;
pub mod manifest;
mod parquet;
mod staged;
pub mod table;
pub mod verify;

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::pipeline::Results;
use crate::rank::{Move, Rank};
use crate::spec::NodeKind;

pub use staged::{
    Job, LOCK, MANIFEST, Output, Staged, inside, is_temporary, listed_outputs, write_atomically,
};

/// A format of the files a command writes, as `--formats` names them: the tables' (the score
/// table, the analyses' tables) and the report's. Every place that writes files matches all of
/// them, so a new format does not compile until each says what it writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `scores.csv`: one row per year, region and node; empty cells for missing values.
    Csv,
    /// `scores.json`: the same rows as an array of objects, with index metadata.
    Json,
    /// `scores.parquet`: the same rows with typed columns.
    Parquet,
    /// `report.html` with its charts (`cwi report`).
    Html,
    /// `report.xlsx` (`cwi report`).
    Xlsx,
}

impl crate::named::Named for Format {
    const ALL: &'static [Self] = &[
        Format::Csv,
        Format::Json,
        Format::Parquet,
        Format::Html,
        Format::Xlsx,
    ];

    fn name(&self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Json => "json",
            Format::Parquet => "parquet",
            Format::Html => "html",
            Format::Xlsx => "xlsx",
        }
    }

    fn about(&self) -> &'static str {
        match self {
            Format::Csv => "scores.csv: one row per year, region and node",
            Format::Json => "scores.json: the same rows as JSON objects, with index metadata",
            Format::Parquet => {
                "scores.parquet: the same rows with typed columns, for polars, DuckDB, Spark, pandas"
            }
            Format::Html => "report.html with its charts (cwi report)",
            Format::Xlsx => {
                "report.xlsx: scores, ranks, raw and normalised values, weights, data quality (cwi report)"
            }
        }
    }
}

/// The style of a command's answer on standard output where it is either a text for people or
/// one JSON document for tools (`check`, `verify`, `explain`, `compare`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TextOrJson {
    /// For people: a table or a block per item.
    #[default]
    Text,
    /// One JSON document, for tools.
    Json,
}

impl crate::named::Named for TextOrJson {
    const ALL: &'static [Self] = &[TextOrJson::Text, TextOrJson::Json];

    fn name(&self) -> &'static str {
        match self {
            TextOrJson::Text => "text",
            TextOrJson::Json => "json",
        }
    }

    fn about(&self) -> &'static str {
        match self {
            TextOrJson::Text => "For people: a table or a block per item",
            TextOrJson::Json => "One JSON document, for tools",
        }
    }
}

/// Score rows above which the score table is written only as Parquet unless formats are asked
/// for: a panel of millions of rows must not write gigabytes of text nobody asked for.
pub const LARGE: usize = 1_000_000;

/// Rows of an analysis's table (uncertainty's ranks: node x region x year) above which it is
/// written only as Parquet unless formats are asked for. Lower than `LARGE`: a census-tract
/// index's ranks (72,000 tracts x 4 nodes x 2 years, 576,000 rows) would otherwise be a
/// 35 MB CSV and a JSON document of 139 MB (measured with 100 replications).
pub const ANALYSIS_LARGE: usize = 100_000;

impl Format {
    /// The formats of tables (the score table's, the analyses'): the others are the report's.
    pub const TABLES: &'static [Format] = &[Format::Csv, Format::Json, Format::Parquet];

    /// Whether the format is a table's, not a report file.
    pub fn is_table(self) -> bool {
        match self {
            Format::Csv | Format::Json | Format::Parquet => true,
            Format::Html | Format::Xlsx => false,
        }
    }

    /// The score table's file in this format; `None` for the report's files.
    pub fn file_name(self) -> Option<&'static str> {
        match self {
            Format::Csv => Some("scores.csv"),
            Format::Json => Some("scores.json"),
            Format::Parquet => Some("scores.parquet"),
            Format::Html | Format::Xlsx => None,
        }
    }

    /// The formats written when none are asked for: CSV and JSON, or Parquet alone for a
    /// panel of more than `LARGE` score rows.
    pub fn defaults(results: &Results) -> Vec<Format> {
        let rows = results.panel.years.len()
            * results.panel.units.len()
            * results.spec.framework.nodes.len();
        if rows > LARGE {
            vec![Format::Parquet]
        } else {
            vec![Format::Csv, Format::Json]
        }
    }

    /// Streams the score table into `out`.
    pub fn write(
        self,
        results: &Results,
        lang: &str,
        style: CsvStyle,
        out: &mut dyn Write,
    ) -> std::io::Result<()> {
        match self {
            Format::Csv => csv::write(results, lang, style, out),
            Format::Json => json::write(results, lang, out),
            Format::Parquet => parquet::write(results, lang, out),
            Format::Html | Format::Xlsx => Err(std::io::Error::other(format!(
                "{} is a file of cwi report, not a format of the score table",
                crate::named::Named::name(&self)
            ))),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("cannot write {}: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{} is being written by another cwi run (it holds {}); wait for it to finish, or write to another directory", dir.display(), dir.join(LOCK).display())]
    Busy { dir: PathBuf },
    #[error("cannot render {what}: {message}")]
    Render { what: String, message: String },
    #[error("{0}")]
    Chart(#[from] crate::chart::ChartError),
    #[error("language \"{lang}\" has no labels in the spec (it declares {available:?})")]
    Language {
        lang: String,
        available: Vec<String>,
    },
}

/// One row of the score table, borrowing from the results.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScoreRow<'a> {
    /// The region's and the node's positions (in the panel's units and the framework), for
    /// writers that encode names as codes; not written.
    #[serde(skip)]
    pub unit: usize,
    #[serde(skip)]
    pub node: usize,
    pub year: i32,
    pub region_code: &'a str,
    pub region_name: &'a str,
    pub node_id: &'a str,
    pub node_name: &'a str,
    /// Depth in the framework: 0 = the index.
    pub level: usize,
    /// `index`, `group` or `indicator`.
    pub kind: RowKind,
    pub score: Option<f64>,
    pub rank: Option<Rank>,
    /// For an indicator: `imputed`, `treated` or `imputed+treated` when its value was changed
    /// before normalisation, with `carried+` before it for a region-year carried across a
    /// boundary change; none otherwise.
    pub flag: RowFlag,
    /// Score minus the score in the previous year of the data.
    pub score_change: Option<f64>,
    /// Places moved up since the previous year (positive = better).
    pub rank_change: Option<Move>,
    /// Score minus the score in the spec's base year (`[defaults] base_year`).
    pub score_change_base: Option<f64>,
    pub rank_change_base: Option<Move>,
}

/// Calls `each` for every row of the score table: year, then node in framework order, then
/// region in registry order; only regions present in the data that year.
pub fn for_each_row<'a>(
    results: &'a Results,
    lang: &str,
    each: &mut dyn FnMut(&ScoreRow<'a>) -> std::io::Result<()>,
) -> std::io::Result<()> {
    for_each_row_in(results, lang, 0..results.panel.years.len(), each)
}

/// `for_each_row` for the years at positions `years` only (changes are still against the
/// years before them).
///
/// One piece: the loop over every score row that every writer (CSV, JSON, Parquet) runs; what
/// each row needs (names, changes, common ranks, flags) is looked up once before it, beside
/// the loop that uses it.
pub fn for_each_row_in<'a>(
    results: &'a Results,
    lang: &str,
    years: std::ops::Range<usize>,
    each: &mut dyn FnMut(&ScoreRow<'a>) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let (spec, panel) = (&results.spec, &results.panel);
    // Changed cells [year][unit][indicator] of the years written: bit 1 imputed, bit 2
    // treated.
    let years = years.start.min(panel.years.len())..years.end.min(panel.years.len());
    let (nu, ni) = (panel.units.len(), panel.indicators.len());
    let mut changed = vec![
        0u8;
        if results.log.is_empty() {
            0
        } else {
            years.len() * nu * ni
        }
    ];
    for (list, bit) in [(&results.log.imputed, 1u8), (&results.log.treated, 2u8)] {
        for c in list {
            // The year first: a table written a year at a time looks up only its own.
            if let Some(y) = panel.year_position(c.year)
                && years.contains(&y)
                && let Some(u) = panel.units.find(&c.region)
                && let Some(i) = panel.indicators.iter().position(|id| *id == c.indicator)
            {
                changed[((y - years.start) * nu + u) * ni + i] |= bit;
            }
        }
    }
    // Region-years whose values were carried from the regions they were part of (boundary
    // changes): every row of them is flagged.
    let carried: std::collections::HashSet<(i32, &str)> = results
        .carried
        .iter()
        .map(|c| (c.year, c.region.as_str()))
        .collect();
    let column: Vec<Option<usize>> = (0..spec.framework.nodes.len())
        .map(|n| spec.framework.indicators.iter().position(|&i| i == n))
        .collect();
    let base = spec.base_year.and_then(|b| panel.year_position(b));
    // No change across a break: the two scores are not built from the same indicators.
    let comparable = |n: usize, from: Option<usize>, y: usize| {
        from.filter(|&f| f != y && !results.broken(n, f) && !results.broken(n, y))
    };
    // Rank changes are like for like: among the units ranked in both years, when the two
    // years rank different units (computed once per node and pair of years).
    type Common = Option<(Vec<Option<Rank>>, Vec<Option<Rank>>)>;
    let common = |n: usize, from: Option<usize>, y: usize| -> Common {
        comparable(n, from, y).and_then(|f| results.common_ranks(n, f, y))
    };
    let change = |n: usize, from: Option<usize>, y: usize, u: usize, common: &Common| {
        let from = comparable(n, from, y);
        let score =
            from.and_then(|f| Some(results.scores.get(n, y, u)? - results.scores.get(n, f, u)?));
        let rank = from.and_then(|f| {
            let (before, after) = match common {
                Some((b, a)) => (b[u], a[u]),
                None => (results.rank(n, f, u), results.rank(n, y, u)),
            };
            Some(Rank::moved(before?, after?))
        });
        (score, rank)
    };
    for (y, &year) in panel.years.iter().enumerate() {
        if !years.contains(&y) {
            continue;
        }
        let units = panel.present_units(y);
        // Each present unit's code and name, looked up once per year, not once per row.
        let names: Vec<(&str, &str)> = units
            .iter()
            .map(|&u| {
                let unit = panel.units.get(u);
                (
                    unit.code.as_str(),
                    unit.name.get(lang).unwrap_or(&unit.code),
                )
            })
            .collect();
        for (n, node) in spec.framework.nodes.iter().enumerate() {
            let kind = match node.kind {
                _ if n == 0 => RowKind::Index,
                NodeKind::Group { .. } => RowKind::Group,
                NodeKind::Indicator(_) => RowKind::Indicator,
            };
            let node_name = node.name.get(lang).unwrap_or(&node.id);
            let (since_previous, since_base) = (common(n, y.checked_sub(1), y), common(n, base, y));
            for (&u, &(region_code, region_name)) in units.iter().zip(&names) {
                let (score_change, rank_change) =
                    change(n, y.checked_sub(1), y, u, &since_previous);
                let (score_change_base, rank_change_base) = change(n, base, y, u, &since_base);
                each(&ScoreRow {
                    unit: u,
                    node: n,
                    score_change,
                    rank_change,
                    score_change_base,
                    rank_change_base,
                    year,
                    region_code,
                    region_name,
                    node_id: &node.id,
                    node_name,
                    level: node.level,
                    kind,
                    score: results.scores.get(n, y, u),
                    rank: results.rank(n, y, u),
                    flag: flag(
                        carried.contains(&(year, region_code)),
                        column[n]
                            .filter(|_| !changed.is_empty())
                            .map_or(0, |i| changed[((y - years.start) * nu + u) * ni + i]),
                    ),
                })?;
            }
        }
    }
    Ok(())
}

/// What a score row's node is: the `kind` column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowKind {
    Index,
    Group,
    Indicator,
}

impl crate::named::Named for RowKind {
    const ALL: &'static [Self] = &[RowKind::Index, RowKind::Group, RowKind::Indicator];

    fn name(&self) -> &'static str {
        match self {
            RowKind::Index => "index",
            RowKind::Group => "group",
            RowKind::Indicator => "indicator",
        }
    }

    fn about(&self) -> &'static str {
        match self {
            RowKind::Index => "the index",
            RowKind::Group => "a group of the framework",
            RowKind::Indicator => "an indicator",
        }
    }
}

impl std::fmt::Display for RowKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(crate::named::Named::name(self))
    }
}

impl Serialize for RowKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(crate::named::Named::name(self))
    }
}

/// A score row's flag, the `flag` column: which of carried (4), treated (2) and imputed (1)
/// apply, as the position of its spelling in `FLAGS` (0: none).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RowFlag(u8);

impl RowFlag {
    /// Its spelling; empty for none.
    pub fn name(self) -> &'static str {
        FLAGS[usize::from(self.0)]
    }

    pub fn is_none(self) -> bool {
        self.0 == 0
    }

    /// Its position among the flags other than none (the Parquet column's dictionary code).
    pub fn code(self) -> Option<u32> {
        (self.0 > 0).then(|| u32::from(self.0) - 1)
    }
}

impl std::fmt::Display for RowFlag {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl Serialize for RowFlag {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

/// Every flag a score row can have, in the order `RowFlag` numbers them.
pub const FLAGS: [&str; 8] = [
    "",
    "imputed",
    "treated",
    "imputed+treated",
    "carried",
    "carried+imputed",
    "carried+treated",
    "carried+imputed+treated",
];

/// A row's flag: whether its region-year was carried across a boundary change, and its
/// indicator cell's changes (bit 1 imputed, bit 2 treated).
fn flag(carried: bool, changed: u8) -> RowFlag {
    RowFlag(u8::from(carried) * 4 + (changed & 3))
}

/// Score rows at most for which a table is written on this thread, one year after another.
const ALONE_ROWS: usize = 50_000;
/// Rows of one year beyond which a table is written a year at a time on this thread: a
/// year is held whole while it is built, and several at once would multiply that.
const HELD_ROWS: usize = 1_000_000;

/// How many of the years `years` a table's writer builds at a time: one (on this thread) for
/// a small table, or for one whose years are too large to hold several of; otherwise one per
/// thread.
fn years_at_once(results: &Results, years: &std::ops::Range<usize>) -> usize {
    let per_year = results.panel.units.len() * results.spec.framework.nodes.len();
    if per_year * years.len() <= ALONE_ROWS || per_year > HELD_ROWS {
        1
    } else {
        rayon::current_num_threads().max(1)
    }
}

/// Builds each year's part of a table with `build`, `at_once` years at a time on the thread
/// pool (one: on this thread), and hands the parts to `write` in year order, so the file is
/// the same whatever the number of threads.
fn by_year<T: Send>(
    years: std::ops::Range<usize>,
    at_once: usize,
    build: impl Fn(usize) -> std::io::Result<T> + Sync,
    mut write: impl FnMut(T) -> std::io::Result<()>,
) -> std::io::Result<()> {
    use rayon::prelude::*;
    let years: Vec<usize> = years.collect();
    for round in years.chunks(at_once.max(1)) {
        let parts: Vec<std::io::Result<T>> = if at_once <= 1 {
            round.iter().map(|&y| build(y)).collect()
        } else {
            round.par_iter().map(|&y| build(y)).collect()
        };
        for part in parts {
            write(part?)?;
        }
    }
    Ok(())
}

/// Checks that the spec has labels in `lang`; `None` picks its first language.
pub fn language(results: &Results, lang: Option<&str>) -> Result<String, OutputError> {
    results
        .spec
        .language(lang)
        .map_err(|e| OutputError::Language {
            lang: e.lang,
            available: e.available,
        })
}

/// How `scores.csv` is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CsvStyle {
    /// Comma-separated, decimal points, UTF-8: for tools and other programs.
    #[default]
    Standard,
    /// Semicolon-separated, decimal commas, UTF-8 with BOM: opens straight in Excel with a
    /// Russian (or other decimal-comma) locale.
    Excel,
}

impl crate::named::Named for CsvStyle {
    const ALL: &'static [Self] = &[CsvStyle::Standard, CsvStyle::Excel];

    fn name(&self) -> &'static str {
        match self {
            CsvStyle::Standard => "standard",
            CsvStyle::Excel => "excel",
        }
    }

    fn about(&self) -> &'static str {
        match self {
            CsvStyle::Standard => {
                "Comma-separated, decimal points, UTF-8: for tools and other programs"
            }
            CsvStyle::Excel => {
                "Semicolon-separated, decimal commas, UTF-8 with BOM: opens straight in Excel with a Russian (or other decimal-comma) locale"
            }
        }
    }
}

/// How the score tables are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Options {
    pub csv: CsvStyle,
    /// The Parquet table as one file per year, `scores/year=YYYY/part-0.parquet` (Hive
    /// partitioning: the year is in the path, not in the file), instead of `scores.parquet`.
    pub parquet_by_year: bool,
}

/// A year's file of the Parquet table written by year.
pub fn partition_name(year: i32) -> String {
    format!("scores/year={year}/part-0.parquet")
}

/// Stages the score table in each of `formats`; returns the text of the manifest as it
/// stands (listing the files staged so far, with their SHA-256), for a report to show. The
/// manifest itself is written by `commit_run`, with every output of the run.
/// The file of the groups that normalise their aggregates: each region-year's aggregate
/// beside its score.
pub const AGGREGATES: &str = "aggregates.csv";

pub fn stage_outputs(
    staged: &mut Staged,
    results: &Results,
    lang: &str,
    options: Options,
    formats: &[Format],
) -> Result<String, OutputError> {
    let by_year = options.parquet_by_year && formats.contains(&Format::Parquet);
    let partitions: Vec<String> = if by_year {
        results
            .panel
            .years
            .iter()
            .map(|&y| partition_name(y))
            .collect()
    } else {
        Vec::new()
    };
    // Written as one file, or (Parquet by year) after the others, a year at a time; the
    // report's formats are the report's to write.
    let whole: Vec<(Format, &str)> = formats
        .iter()
        .filter(|&&f| !(by_year && f == Format::Parquet))
        .filter_map(|&f| Some((f, f.file_name()?)))
        .collect();
    // The score tables are written at the same time, each into its own file.
    let style = options.csv;
    let jobs: Vec<(&str, Job)> = whole
        .iter()
        .map(|&(format, name)| {
            let job: Job =
                Box::new(move |out: &mut dyn Write| format.write(results, lang, style, out));
            (name, job)
        })
        .collect();
    staged.write_each(jobs)?;
    // One year in memory at a time.
    for (y, name) in partitions.iter().enumerate() {
        staged.write(name, |out| {
            parquet::write_years(results, lang, y..y + 1, false, out)
        })?;
    }
    if by_year {
        // A year of an earlier run that this one does not have would still be read by
        // `scores/**/*.parquet`: removed with the commit, and only then.
        for stale in partition_files(&staged.dir) {
            if !partitions.iter().any(|p| staged.dir.join(p) == stale) {
                staged.obsolete.push(stale);
            }
        }
    }
    // A group that normalises its aggregates has two values: both are kept.
    if (0..results.spec.framework.nodes.len()).any(|n| results.scores.has_aggregate(n)) {
        staged.write(AGGREGATES, |out| csv::write_aggregates(results, out))?;
    }
    crate::timing::mark("outputs");
    let manifest = manifest::render(results, lang, &staged.outputs())?;
    Ok(String::from_utf8_lossy(&manifest).into_owned())
}

/// Commits a run's outputs with its manifest, which lists every file staged with its SHA-256
/// and is renamed last (see `Staged::commit_with_manifest`).
pub fn commit_run(
    staged: Staged,
    results: &Results,
    lang: &str,
    previous_edition: Option<&manifest::PreviousEdition>,
) -> Result<usize, OutputError> {
    staged.commit_with_manifest(|outputs| {
        manifest::render_with(results, lang, outputs, previous_edition)
    })
}

/// The Parquet table's year files already in `dir` (`scores/year=*/part-0.parquet`).
fn partition_files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(dir.join("scores")) else {
        return Vec::new();
    };
    let mut out: Vec<PathBuf> = entries
        .flatten()
        .filter(|e| {
            e.file_name()
                .to_str()
                .and_then(|n| n.strip_prefix("year="))
                .is_some_and(|y| y.parse::<i32>().is_ok())
        })
        .map(|e| e.path().join("part-0.parquet"))
        .filter(|p| p.is_file())
        .collect();
    out.sort();
    out
}

/// Formats a score for text outputs: the shortest decimal that reads back as the same f64,
/// so outputs are exact and identical on every machine.
pub fn number(v: f64) -> String {
    format!("{v}")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The Parquet writer codes a row's kind by its discriminant, in `ALL`'s order; a flag by
    /// its bits: carried 4, treated 2, imputed 1.
    #[test]
    fn kinds_and_flags_are_numbered_as_their_tables_list_them() {
        use crate::named::Named;
        for (k, kind) in RowKind::ALL.iter().enumerate() {
            assert_eq!(*kind as usize, k);
        }
        assert_eq!(RowKind::Indicator.name(), "indicator");
        assert_eq!(flag(false, 0).name(), "");
        assert!(flag(false, 0).is_none() && flag(false, 0).code().is_none());
        assert_eq!(flag(false, 1).name(), "imputed");
        assert_eq!(flag(false, 3).name(), "imputed+treated");
        assert_eq!(flag(true, 2).name(), "carried+treated");
        assert_eq!(flag(true, 3).code(), Some(6));
    }

    #[test]
    fn atomic_write_replaces_whole_files_and_leaves_no_temporaries() {
        let dir = std::env::temp_dir().join(format!("cwi-atomic-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        write_atomically(&dir, &[("a.txt", b"old".to_vec())]).unwrap();
        write_atomically(
            &dir,
            &[("a.txt", b"new".to_vec()), ("b.txt", b"b".to_vec())],
        )
        .unwrap();
        assert_eq!(fs::read(dir.join("a.txt")).unwrap(), b"new");
        // A set abandoned halfway leaves the directory as it was.
        {
            let mut staged = Staged::new(&dir).unwrap();
            staged.write("a.txt", |out| out.write_all(b"half")).unwrap();
            let failed = staged.write("c.txt", |_| Err(std::io::Error::other("disk full")));
            assert!(failed.is_err());
        }
        assert_eq!(fs::read(dir.join("a.txt")).unwrap(), b"new");
        let names: Vec<_> = fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|n| n != LOCK)
            .collect();
        assert_eq!(names.len(), 2, "{names:?}");
        fs::remove_dir_all(&dir).unwrap();
    }
}
