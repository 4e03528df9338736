//! `cwi compute`: scores and ranks for every region, year and node of the framework.

use std::path::PathBuf;

use super::error::Error;
use cwi::output::{Staged, language, stage_outputs};

/// Compute scores and ranks for every region, year and node of the framework.
///
/// Checks the spec and data as `cwi validate` does and refuses on any error; then loads the
/// data files (CSV, Parquet or Excel, long or wide), imputes, treats outliers, normalises, weights
/// and aggregates them as
/// the spec says, and writes into DIR: scores.csv, scores.json and manifest.json.
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
}

pub fn run(args: Args) -> Result<(), Error> {
    let results = args.inputs.results()?;
    let lang = language(&results, args.lang.as_deref())?;
    let mut staged = Staged::new(&args.out)?;
    super::report_cleaned(staged.cleaned());
    let formats = if args.formats.is_empty() {
        cwi::output::Format::defaults(&results)
    } else {
        args.formats.clone()
    };
    stage_outputs(&mut staged, &results, &lang, args.csv, &formats)?;
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
