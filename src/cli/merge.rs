//! `cwi merge`: the shards of `cwi uncertainty --shard K/N` or `cwi sensitivity --shard K/N`
//! combined into the outputs of a single run.

use std::path::PathBuf;

use super::error::Error;
use super::uncertainty::Choices;
use cwi::output::language;
use cwi::uncertainty::{Partial, SensitivityPartial, check_settings, merge, merge_sensitivity};

/// Combine every shard of an uncertainty or sensitivity analysis into the outputs of a single
/// run, byte for byte. Give the spec, data and options the shards were run with; shards of
/// another run, a missing shard or one given twice are refused, and nothing is written.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    inputs: super::inputs::Inputs,
    /// Output directory; created if needed.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    #[command(flatten)]
    formats: super::TableFormats,
    #[command(flatten)]
    choices: Choices,
    /// Number of replications (uncertainty).
    #[arg(long, value_name = "N")]
    replications: Option<usize>,
    /// Base samples N (sensitivity).
    #[arg(long, value_name = "N")]
    samples: Option<usize>,
    /// Year of the chart (uncertainty; default: the latest).
    #[arg(long, value_name = "YEAR")]
    year: Option<i32>,
    /// Language of the chart's labels (uncertainty).
    #[arg(long, value_name = "LANG")]
    lang: Option<String>,
    /// No summary on stderr.
    #[arg(long)]
    quiet: bool,
    /// The shards' files (uncertainty/shard-K-of-N.json or sensitivity/shard-K-of-N.json).
    #[arg(long, value_name = "FILE", num_args = 1.., required = true)]
    shards: Vec<PathBuf>,
}

pub fn run(args: Args) -> Result<(), Error> {
    let spec = args.inputs.spec()?;
    let mut settings = args
        .choices
        .apply(spec.uncertainty.clone(), spec.index.scale)?;
    if let Some(r) = args.replications {
        settings.replications = r;
    }
    if let Some(n) = args.samples {
        settings.samples = n;
    }
    check_settings(&settings)?;
    let mut texts = Vec::new();
    for file in &args.shards {
        let text = std::fs::read(file)
            .map_err(|e| Error::Arguments(format!("cannot read shard {}: {e}", file.display())))?;
        texts.push((file, text));
    }
    let analysis = |text: &[u8]| {
        serde_json::from_slice::<serde_json::Value>(text)
            .ok()
            .and_then(|v| v["analysis"].as_str().map(str::to_string))
    };
    let not_a_shard = |file: &PathBuf, e: String| {
        Error::Arguments(format!("{} is not a shard of cwi: {e}", file.display()))
    };
    let results = args.inputs.compute(spec)?;
    match analysis(&texts[0].1).as_deref() {
        Some("uncertainty") => {
            let lang = language(&results, args.lang.as_deref())?;
            let partials = texts
                .iter()
                .map(|(f, t)| {
                    serde_json::from_slice::<Partial>(t).map_err(|e| not_a_shard(f, e.to_string()))
                })
                .collect::<Result<Vec<_>, _>>()?;
            let mc = merge(&results, &settings, &partials)?;
            super::uncertainty::write(
                &args.out,
                &args.formats.list,
                args.year,
                args.quiet,
                &results,
                &mc,
                &lang,
            )
        }
        Some("sensitivity") => {
            let partials = texts
                .iter()
                .map(|(f, t)| {
                    serde_json::from_slice::<SensitivityPartial>(t)
                        .map_err(|e| not_a_shard(f, e.to_string()))
                })
                .collect::<Result<Vec<_>, _>>()?;
            let s = merge_sensitivity(&results, &settings, &partials)?;
            super::sensitivity::write(&args.out, &args.formats.list, args.quiet, &s)
        }
        _ => Err(not_a_shard(texts[0].0, "no \"analysis\" field".into())),
    }
}
