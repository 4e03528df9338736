//! `cwi compute`: scores and ranks for every region, year and node of the framework.

use std::path::PathBuf;

use super::error::Error;
use cwi::output::{Staged, language, stage_outputs};

/// Compute scores and ranks for every region, year and node of the framework.
///
/// Checks the spec and data as `cwi validate` does and refuses on any error; then loads the
/// data files (CSV, Parquet or Excel, long or wide), imputes, treats outliers, normalises, weights
/// and aggregates them as
/// the spec says, and writes into DIR the score table (scores.csv and scores.json by default,
/// or scores.parquet alone for a panel of more than 1,000,000 score rows; see --formats) and
/// manifest.json.
/// Files are replaced only when every output was rendered and written; on an error the
/// directory is left as it was.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    inputs: super::inputs::Inputs,
    /// Output directory; created if needed.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Language of region and node names in the outputs (one of the spec's index.languages;
    /// default: the first).
    #[arg(long, value_name = "LANG")]
    lang: Option<String>,
    /// scores.csv style: standard (comma, decimal point) or excel (semicolon, decimal comma,
    /// UTF-8 with BOM, as a Russian-locale Excel expects).
    #[arg(long, value_parser = super::named::<cwi::output::CsvStyle>(), default_value = "standard")]
    csv: cwi::output::CsvStyle,
    /// Formats of the score table, separated by commas (the manifest is always written).
    /// Default: csv and json, or parquet alone for a panel of more than 1,000,000 score rows.
    #[arg(long, value_parser = super::named::<cwi::output::Format>(), value_delimiter = ',', num_args = 1..)]
    formats: Vec<cwi::output::Format>,
    /// Write the Parquet table as one file per year, scores/year=YYYY/part-0.parquet (Hive
    /// partitioning, read as one table by Spark, DuckDB and polars), instead of
    /// scores.parquet. Implies parquet when --formats is not given.
    #[arg(long)]
    parquet_by_year: bool,
}

pub fn run(args: Args) -> Result<(), Error> {
    super::check_parquet_by_year(args.parquet_by_year, &args.formats)?;
    let results = args.inputs.results()?;
    let lang = language(&results, args.lang.as_deref())?;
    let mut staged = Staged::new(&args.out)?;
    super::report_cleaned(staged.cleaned());
    let formats = super::score_formats(&results, &args.formats, args.parquet_by_year);
    stage_outputs(
        &mut staged,
        &results,
        &lang,
        cwi::output::Options {
            csv: args.csv,
            parquet_by_year: args.parquet_by_year,
        },
        &formats,
    )?;
    let written = staged.commit()?;
    cwi::timing::mark("commit");
    eprintln!(
        "wrote {} file(s) to {}: {} regions, years {:?}, {} nodes",
        written,
        args.out.display(),
        results.panel.units.len(),
        results.panel.years,
        results.spec.framework.nodes.len()
    );
    Ok(())
}
