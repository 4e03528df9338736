//! `cwi audit`: the statistical audit of an index.

use std::path::PathBuf;

use crate::audit::{audit, correlation_chart, render};
use crate::error::Error;
use crate::output::{OutputError, language, write_atomically};

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
    /// Year of the correlation chart (default: the latest).
    #[arg(long, value_name = "YEAR")]
    year: Option<i32>,
    /// Language of the chart's labels.
    #[arg(long, value_name = "LANG")]
    lang: Option<String>,
}

pub fn run(args: Args) -> Result<(), Error> {
    let results = args.inputs.results()?;
    let lang = language(&results, args.lang.as_deref())?;
    let panel = &results.panel;
    let year = match args.year {
        None => panel.years.len() - 1,
        Some(y) => panel
            .year_position(y)
            .ok_or(crate::report::ReportError::NoYear {
                year: y,
                available: panel.years.clone(),
            })?,
    };
    let result = audit(&results);
    let mut files = render(&result).map_err(|e| OutputError::Render {
        what: "the audit tables".into(),
        message: e.to_string(),
    })?;
    let title = crate::report::i18n::words(&lang).correlations;
    let chart = correlation_chart(&results, year, &lang, title)
        .render()
        .map_err(crate::report::ReportError::from)?;
    let name = format!("charts/correlations-{}", panel.years[year]);
    files.push((format!("{name}.svg"), chart.svg.into_bytes()));
    files.push((format!("{name}.png"), chart.png));
    write_atomically(&args.out, &files)?;
    let flagged = result
        .correlations
        .iter()
        .filter(|c| c.negative || c.redundant)
        .count();
    let outliers = result.statistics.iter().filter(|s| s.outlier).count();
    eprintln!(
        "wrote {} file(s) to {}: {} correlation(s) flagged negative or redundant, {} indicator-year(s) with outliers",
        files.len(),
        args.out.display(),
        flagged,
        outliers
    );
    Ok(())
}
