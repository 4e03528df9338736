//! `cwi explain`: the contribution of every indicator to a region's score and its change.

use super::error::Error;
use cwi::explain::{explain, locate, render};
use cwi::output::{TextOrJson, language};

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
    /// What goes to standard output: text (a table; default) or json.
    #[arg(long, value_parser = super::named::<TextOrJson>(), default_value = "text")]
    format: TextOrJson,
    /// Deprecated spelling of --format json, kept for one version.
    #[arg(long, hide = true)]
    json: bool,
}

pub fn run(args: Args) -> Result<(), Error> {
    let results = args.inputs.results()?;
    let lang = language(&results, args.lang.as_deref())?;
    let (unit, year, since) = locate(&results, &args.region, args.year, args.since)?;
    let e = explain(&results, unit, year, since, &lang);
    let text = if super::with_old_json(args.format, args.json) == TextOrJson::Json {
        serde_json::to_string_pretty(&e).expect("an explanation serialises") + "\n"
    } else {
        render(&e)
    };
    super::stdout(&text)
}
