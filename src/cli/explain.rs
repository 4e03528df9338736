//! `cwi explain`: the contribution of every indicator to a region's score and its change.

use crate::error::Error;
use crate::explain::{explain, render};
use crate::output::language;

/// Explain a region's score: every indicator's contribution, summing to the score.
///
/// Contributions are exact for arithmetic aggregation (weight times score, weights rescaled
/// where children are missing) and a log decomposition for geometric means; with --since they
/// are given for both years and their changes sum to the change of the score. Also lists the
/// region's strongest and weakest indicators relative to the national value (the mean of the
/// regions' scores).
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    inputs: super::inputs::Inputs,
    /// The region: code, name or alias.
    #[arg(long, value_name = "REGION")]
    region: String,
    /// The year to explain.
    #[arg(long, value_name = "YEAR")]
    year: i32,
    /// An earlier year: explain the change since then.
    #[arg(long, value_name = "YEAR")]
    since: Option<i32>,
    /// Language of names (one of the spec's index.languages).
    #[arg(long, value_name = "LANG")]
    lang: Option<String>,
    /// Write JSON instead of a table.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum ExplainError {
    #[error("no region \"{0}\" in the spec's units (codes, names and aliases are accepted)")]
    Region(String),
    #[error("the data have no year {year}; they cover {available:?}")]
    Year { year: i32, available: Vec<i32> },
    #[error("region {region} has no data in {year}")]
    Absent { region: String, year: i32 },
}

pub fn run(args: Args) -> Result<(), Error> {
    let results = args.inputs.results()?;
    let lang = language(&results, args.lang.as_deref())?;
    let panel = &results.panel;
    let unit = panel
        .units
        .find(&args.region)
        .ok_or_else(|| ExplainError::Region(args.region.clone()))?;
    let year_of = |y: i32| {
        panel.year_position(y).ok_or(ExplainError::Year {
            year: y,
            available: panel.years.clone(),
        })
    };
    let year = year_of(args.year)?;
    let since = args.since.map(year_of).transpose()?;
    for y in std::iter::once(year).chain(since) {
        if !panel.is_present(y, unit) {
            return Err(ExplainError::Absent {
                region: panel.units.get(unit).code.clone(),
                year: panel.years[y],
            }
            .into());
        }
    }
    let e = explain(&results, unit, year, since, &lang);
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&e).expect("an explanation serialises")
        );
    } else {
        print!("{}", render(&e));
    }
    Ok(())
}
