//! The command line: one file per subcommand, each an `Args` struct (its doc comments are the
//! `--help`) and a `run` that only wires library calls together.

mod audit;
mod check;
mod compare;
mod compute;
mod diff;
mod error;
mod explain;
mod import;
mod inputs;
mod memory;
mod merge;
mod progress;
mod report;
mod schema;
mod sensitivity;
mod shard_file;
mod template;
mod uncertainty;
mod validate;
mod verify;

use std::process::ExitCode;

use std::io::Write;

use clap::builder::{PossibleValue, TypedValueParser};
use clap::{Parser, Subcommand};
use cwi::named::Named;
use cwi::output::TextOrJson;

use error::Error;

/// cwi computes composite child well-being indices (normalised, weighted and aggregated
/// 0-100 scores and ranks per region and year) from a declarative indicator spec in TOML.
#[derive(Debug, Parser)]
#[command(name = "cwi", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    Compute(compute::Args),
    Validate(validate::Args),
    Schema(schema::Args),
    Compare(compare::Args),
    Report(report::Args),
    Explain(explain::Args),
    Audit(audit::Args),
    Uncertainty(uncertainty::Args),
    Sensitivity(sensitivity::Args),
    Import(import::Args),
    Merge(merge::Args),
    Template(template::Args),
    Check(check::Args),
    Diff(diff::Args),
    Verify(verify::Args),
}

/// Runs the command line; errors go to stderr, with exit status 1 for input refused and 2
/// for a command that could not run (`Error::exit_code`).
pub fn main() -> ExitCode {
    cwi::timing::mark("start");
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Compute(args) => compute::run(args).map(|()| ExitCode::SUCCESS),
        Command::Report(args) => report::run(args).map(|()| ExitCode::SUCCESS),
        Command::Explain(args) => explain::run(args).map(|()| ExitCode::SUCCESS),
        Command::Audit(args) => audit::run(args).map(|()| ExitCode::SUCCESS),
        Command::Uncertainty(args) => uncertainty::run(args).map(|()| ExitCode::SUCCESS),
        Command::Sensitivity(args) => sensitivity::run(args).map(|()| ExitCode::SUCCESS),
        Command::Import(args) => import::run(args).map(|()| ExitCode::SUCCESS),
        Command::Merge(args) => merge::run(args).map(|()| ExitCode::SUCCESS),
        Command::Template(args) => template::run(args).map(|()| ExitCode::SUCCESS),
        Command::Validate(args) => validate::run(args),
        Command::Compare(args) => compare::run(args),
        Command::Check(args) => check::run(args),
        Command::Diff(args) => diff::run(args),
        Command::Verify(args) => verify::run(args),
        Command::Schema(args) => schema::run(args).map(|()| ExitCode::SUCCESS),
    };
    match result {
        Ok(code) => code,
        // A reader that stopped reading (`cwi explain ... | head`) is not a failure.
        Err(Error::Stdout(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}

/// Stops a command whose given files or directories do not exist (exit status 2), before it
/// reads anything.
fn require<'a>(paths: impl IntoIterator<Item = &'a std::path::PathBuf>) -> Result<(), Error> {
    match paths.into_iter().find(|p| !p.exists()) {
        Some(p) => Err(Error::Missing(p.clone())),
        None => Ok(()),
    }
}

/// Writes a command's answer to standard output, reporting a failed write (a closed pipe
/// among them) as an error instead of a panic.
fn stdout(text: &str) -> Result<(), Error> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(Error::Stdout)
}

/// The parser of a `Named` choice: its spellings and descriptions are the `--help`.
fn named<T: Named + Send + Sync>() -> NamedParser<T> {
    NamedParser(T::ALL)
}

/// The parser of some of a `Named` type's choices (the formats of a table, not the report's).
fn named_in<T: Named + Send + Sync>(choices: &'static [T]) -> NamedParser<T> {
    NamedParser(choices)
}

#[derive(Clone)]
struct NamedParser<T: 'static>(&'static [T]);

impl<T: Named + Send + Sync> TypedValueParser for NamedParser<T> {
    type Value = T;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<T, clap::Error> {
        if let Some((old, now)) = value.to_str().and_then(T::deprecated) {
            eprintln!(
                "warning: {} {} is deprecated and goes in the next version: write {now}",
                arg.map_or("the value".into(), |a| a.to_string()),
                value.to_string_lossy()
            );
            return Ok(old);
        }
        let inner = clap::builder::PossibleValuesParser::new(
            self.0.iter().map(|v| PossibleValue::new(v.name())),
        );
        let word = inner.parse_ref(cmd, arg, value)?;
        Ok(T::from_name(&word).expect("the possible values are the variants' names"))
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(
            self.0
                .iter()
                .map(|v| PossibleValue::new(v.name()).help(v.about())),
        ))
    }
}

/// `--formats` of the analyses' tables.
#[derive(Debug, Clone, clap::Args)]
pub struct TableFormats {
    /// Formats of the analysis's tables, separated by commas: csv, json (the analysis's JSON
    /// document), parquet (typed columns). The charts are always written. Default: csv and
    /// json, or parquet alone for a table of more than 100,000 rows.
    #[arg(long = "formats", value_parser = named_in(cwi::output::Format::TABLES), value_delimiter = ',', num_args = 1.., hide_possible_values = true)]
    pub list: Vec<cwi::output::Format>,
}

impl TableFormats {
    /// The formats asked for, or the default for a table of `rows` rows (see
    /// `cwi::output::ANALYSIS_LARGE`).
    pub fn for_rows(&self, rows: usize) -> Vec<cwi::output::Format> {
        use cwi::output::Format;
        if !self.list.is_empty() {
            self.list.clone()
        } else if rows > cwi::output::ANALYSIS_LARGE {
            vec![Format::Parquet]
        } else {
            vec![Format::Csv, Format::Json]
        }
    }
}

/// Says which temporary files of an interrupted run were removed from the output directory.
pub(crate) fn report_cleaned(cleaned: &[std::path::PathBuf]) {
    for path in cleaned {
        eprintln!(
            "note: removed {}, a temporary file left by an interrupted run",
            path.display()
        );
    }
}

/// How `compute` and `report` write the score table: `--csv`, `--formats`, `--parquet-by-year`.
#[derive(Debug, Clone, clap::Args)]
pub struct ScoreTable {
    /// scores.csv style: standard (comma, decimal point) or excel (semicolon, decimal comma,
    /// UTF-8 with BOM, as a Russian-locale Excel expects).
    #[arg(long, value_parser = named::<cwi::output::CsvStyle>(), default_value = "standard")]
    pub csv: cwi::output::CsvStyle,
    /// Files to write, separated by commas: csv, json and parquet for the score table (default:
    /// csv and json, or parquet alone for a panel of more than 1,000,000 score rows), and in
    /// cwi report html (report.html and its charts; the default) and xlsx (report.xlsx). A
    /// kind not named takes its default. The manifest is always written.
    #[arg(long, value_parser = named::<cwi::output::Format>(), value_delimiter = ',', num_args = 1.., hide_possible_values = true)]
    pub formats: Vec<cwi::output::Format>,
    /// Write the Parquet table as one file per year, scores/year=YYYY/part-0.parquet (Hive
    /// partitioning, read as one table by Spark, DuckDB and polars), instead of
    /// scores.parquet. Implies parquet when --formats is not given.
    #[arg(long)]
    pub parquet_by_year: bool,
    /// The output directory of the previous (published) edition: every published score or
    /// rank this run changes is listed in revisions.csv with the reasons the runs differ (the
    /// spec, the data files, new years pooled into the bounds, the boundaries), a one-line
    /// summary is printed, and the manifest records the edition.
    #[arg(long, value_name = "DIR")]
    pub previous_edition: Option<std::path::PathBuf>,
}

/// The `--format` asked for, the deprecated `--json` of explain and compare counting as json
/// (with a warning).
pub fn with_old_json(format: TextOrJson, json: bool) -> TextOrJson {
    if json {
        eprintln!(
            "warning: --json is deprecated and goes in the next version: write --format json"
        );
        TextOrJson::Json
    } else {
        format
    }
}

impl ScoreTable {
    /// The score table's formats named by --formats (empty: the defaults).
    fn score_formats(&self) -> Vec<cwi::output::Format> {
        self.formats
            .iter()
            .copied()
            .filter(|f| f.is_table())
            .collect()
    }

    /// The report's files named by --formats (html, xlsx).
    pub fn report_files(&self) -> Vec<cwi::output::Format> {
        self.formats
            .iter()
            .copied()
            .filter(|f| !f.is_table())
            .collect()
    }

    /// `--parquet-by-year` writes the Parquet table: refused before any work when
    /// `--formats` names score formats without Parquet; html and xlsx are refused where no
    /// report is written (`report` false).
    pub fn check(&self, report: bool) -> Result<(), Error> {
        if !report && !self.report_files().is_empty() {
            return Err(Error::Arguments(
                "--formats: html and xlsx are the report's files, written by cwi report; cwi compute writes the score table as csv, json or parquet".into(),
            ));
        }
        let scores = self.score_formats();
        if self.parquet_by_year
            && !scores.is_empty()
            && !scores.contains(&cwi::output::Format::Parquet)
        {
            return Err(Error::Arguments(
                "--parquet-by-year writes the Parquet table, and --formats leaves it out: add parquet to --formats".into(),
            ));
        }
        Ok(())
    }

    /// The previous edition, read before any work: refused when it is not a cwi output.
    pub fn previous(&self) -> Result<Option<cwi::edition::Previous>, Error> {
        self.previous_edition
            .as_deref()
            .map(cwi::edition::read)
            .transpose()
            .map_err(|e| Error::Arguments(e.to_string()))
    }

    /// Stages revisions.csv against the previous edition, prints its summary, and returns the
    /// revisions and what the manifest records of the edition.
    pub fn revisions(
        &self,
        previous: Option<&cwi::edition::Previous>,
        staged: &mut cwi::output::Staged,
        results: &cwi::pipeline::Results,
    ) -> Result<
        Option<(
            cwi::edition::Revisions,
            cwi::output::manifest::PreviousEdition,
        )>,
        Error,
    > {
        let Some(previous) = previous else {
            return Ok(None);
        };
        let revisions = cwi::edition::compare(previous, results);
        let csv = revisions.csv();
        staged.write("revisions.csv", |out| out.write_all(&csv))?;
        eprintln!("{}", revisions.summary());
        for note in &revisions.not_compared {
            eprintln!("note: {note}");
        }
        let edition = cwi::output::manifest::PreviousEdition {
            path: previous.path.display().to_string(),
            manifest_sha256: previous.manifest_sha256.clone(),
            revised: revisions.rows.len(),
            reasons: revisions.reasons.iter().map(ToString::to_string).collect(),
        };
        Ok(Some((revisions, edition)))
    }

    /// Stages the score table (the formats asked for, or the defaults, with Parquet when it
    /// is written by year) and the manifest; returns the manifest's text.
    pub fn stage(
        &self,
        staged: &mut cwi::output::Staged,
        results: &cwi::pipeline::Results,
        lang: &str,
    ) -> Result<String, Error> {
        let mut formats = self.score_formats();
        if formats.is_empty() {
            formats = cwi::output::Format::defaults(results);
        }
        if self.parquet_by_year && !formats.contains(&cwi::output::Format::Parquet) {
            formats.push(cwi::output::Format::Parquet);
        }
        let options = cwi::output::Options {
            csv: self.csv,
            parquet_by_year: self.parquet_by_year,
        };
        Ok(cwi::output::stage_outputs(
            staged, results, lang, options, &formats,
        )?)
    }
}
