//! `cwi compare`: do computed scores reproduce an expected table?

use std::path::PathBuf;
use std::process::ExitCode;

use cwi::compare::{Columns, compare, render};
use cwi::output::TextOrJson;

/// Compare computed scores with expected ones and report every row that differs.
///
/// EXPECTED is a CSV of published scores or of a previous run (e.g. a scores.csv kept in the
/// repository): columns year, a region column (region_code, region or code), node_id (or
/// --node) and a score column (score or value), separated by commas, semicolons or tabs, with
/// the decimal mark the table shows. Every expected row is looked up in SCORES (a scores.csv
/// written by `cwi compute`), its region by code or name (with --spec, by any spelling the
/// spec's units give); computed regions the table lacks are listed in a note. Exit status:
/// 0 all rows within the tolerance, 1 a mismatch, a row not computed or a table refused, 2 a
/// file given that does not exist.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// scores.csv written by `cwi compute`.
    #[arg(long, value_name = "FILE")]
    scores: PathBuf,
    /// The table of expected scores.
    #[arg(long, value_name = "FILE")]
    expected: PathBuf,
    /// Largest accepted absolute difference.
    #[arg(long, default_value_t = 1e-9)]
    tolerance: f64,
    /// Round computed scores to this many decimals first (as published figures are; as R and
    /// Python round, and as a spec's round step: the stored value to the nearest, halfway to
    /// even).
    #[arg(long, value_name = "N")]
    decimals: Option<u32>,
    /// Node id of every expected row, for tables without a node column (e.g. only the index).
    #[arg(long, value_name = "ID")]
    node: Option<String>,
    /// Year column of the expected table (default: year).
    #[arg(long, value_name = "NAME")]
    year_column: Option<String>,
    /// Region column of the expected table (default: region_code, region or code).
    #[arg(long, value_name = "NAME")]
    region_column: Option<String>,
    /// Score column of the expected table (default: score or value).
    #[arg(long, value_name = "NAME")]
    score_column: Option<String>,
    /// The spec the scores were computed with: expected regions may then be spelt by any code,
    /// name (in any of its languages) or alias its units give, as data are read. Without it,
    /// by the code or the name scores.csv gives.
    #[arg(long, value_name = "FILE")]
    spec: Option<PathBuf>,
    /// What goes to standard output: text (a table; default) or json.
    #[arg(long, value_parser = super::named::<TextOrJson>(), default_value = "text")]
    format: TextOrJson,
    /// Deprecated spelling of --format json, kept for one version.
    #[arg(long, hide = true)]
    json: bool,
}

pub fn run(args: Args) -> Result<ExitCode, super::error::Error> {
    if !(args.tolerance.is_finite() && args.tolerance >= 0.0) {
        eprintln!("error: --tolerance must be a finite number >= 0");
        return Ok(ExitCode::from(1));
    }
    if let Err(e) = super::require([&args.scores, &args.expected].into_iter().chain(&args.spec)) {
        eprintln!("error: {e}");
        return Ok(ExitCode::from(e.exit_code()));
    }
    let units = match &args.spec {
        Some(path) => match cwi::spec::load(path) {
            Ok(spec) => spec.units,
            Err(e) => {
                let e = super::error::Error::from(e);
                eprintln!("error: {e}");
                return Ok(ExitCode::from(e.exit_code()));
            }
        },
        None => None,
    };
    let columns = Columns {
        units,
        year: args.year_column,
        region: args.region_column,
        score: args.score_column,
        node: args.node,
    };
    match compare(
        &args.scores,
        &args.expected,
        &columns,
        args.tolerance,
        args.decimals,
    ) {
        Ok(c) => {
            let text = if super::with_old_json(args.format, args.json) == TextOrJson::Json {
                serde_json::to_string_pretty(&c).expect("a comparison serialises") + "\n"
            } else {
                render(&c)
            };
            super::stdout(&text)?;
            Ok(if c.mismatches.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
        // The tables exist (checked above): one that cannot be read as a table of scores
        // is refused.
        Err(e) => {
            eprintln!("error: {e}");
            Ok(ExitCode::from(1))
        }
    }
}
