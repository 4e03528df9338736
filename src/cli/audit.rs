//! `cwi audit`: the statistical audit of an index.

use std::path::PathBuf;

use super::error::Error;
use cwi::audit::audit;
use cwi::output::analysis::audit_files;
use cwi::output::{language, write_atomically};
use cwi::report::year_position;

/// Audit an index: statistics, correlations, Cronbach's alpha and PCA per group.
///
/// Writes into DIR: audit/statistics.csv (per indicator and year: availability, mean, sd, min,
/// max, skewness, kurtosis, outlier flag when |skewness| > 2 and kurtosis > 3.5),
/// audit/correlations.csv (Pearson and Spearman correlations between siblings and of each
/// node with its parent and the index, flagged negative, weak (p > 0.05) or redundant
/// (r > 0.9)), audit/groups.csv (Cronbach's alpha, eigenvalues, share of the first component
/// and loadings per group), audit/audit.json (all of it), and a heatmap of the correlations
/// between indicators (charts/correlations-YEAR.svg and .png).
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    inputs: super::inputs::Inputs,
    /// Output directory; created if needed.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    #[command(flatten)]
    formats: super::TableFormats,
    /// Year of the correlation chart (default: the latest).
    #[arg(long, value_name = "YEAR")]
    year: Option<i32>,
    /// Language of the chart's labels.
    #[arg(long, value_name = "LANG")]
    lang: Option<String>,
    /// No summary on stderr (warnings and errors still go there).
    #[arg(long)]
    quiet: bool,
}

pub fn run(args: Args) -> Result<(), Error> {
    let spec = args.inputs.spec()?;
    spec.language(args.lang.as_deref())?;
    let results = args.inputs.compute_year(spec, args.year)?;
    let lang = language(&results, args.lang.as_deref())?;
    let year = year_position(&results.panel, args.year)?;
    let result = audit(&results);
    let files = audit_files(
        &results,
        &result,
        year,
        &lang,
        &args
            .formats
            .for_rows(result.statistics.len().max(result.correlations.len())),
    )?;
    super::report_cleaned(&write_atomically(&args.out, &files)?);
    let flagged = result
        .correlations
        .iter()
        .filter(|c| c.negative || c.redundant)
        .count();
    let outliers = result.statistics.iter().filter(|s| s.outlier).count();
    if !args.quiet {
        eprintln!(
            "wrote {} file(s) to {}: {} correlation(s) flagged negative or redundant, {} indicator-year(s) with outliers",
            files.len(),
            args.out.display(),
            flagged,
            outliers
        );
    }
    Ok(())
}
