//! `cwi sensitivity`: which uncertain choice moves the ranks most.

use std::path::PathBuf;

use super::error::Error;
use super::progress::Progress;
use super::uncertainty::Choices;
use cwi::output::analysis::sensitivity_files;
use cwi::output::write_atomically;
use cwi::uncertainty::{RESAMPLES, sensitivity};

/// Variance-based sensitivity indices of the ranks to each uncertain choice.
///
/// First-order (Saltelli 2010) and total-effect (Jansen) indices of every region's rank in
/// every year, and of the mean absolute rank shift ("all"), with 95% bootstrap intervals, from
/// N base samples of a scrambled Sobol sequence (N x (factors + 2) runs of the index). The
/// factors are the choices the spec's [uncertainty] table (or the options) make vary. Writes
/// sensitivity/indices.csv and sensitivity/sensitivity.json.
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
    /// Base samples N.
    #[arg(long, value_name = "N")]
    samples: Option<usize>,
    /// No progress bar.
    #[arg(long)]
    quiet: bool,
    /// Run only shard K of N of the model runs (the design's rows r with r mod N = K - 1) and
    /// write sensitivity/shard-K-of-N.json, for `cwi merge`.
    #[arg(long, value_name = "K/N")]
    shard: Option<cwi::uncertainty::Shard>,
    #[command(flatten)]
    memory: super::memory::Limit,
}

pub fn run(args: Args) -> Result<(), Error> {
    let spec = args.inputs.spec()?;
    let mut settings = args
        .choices
        .apply(spec.uncertainty.clone(), spec.index.scale)?;
    if let Some(n) = args.samples {
        settings.samples = n;
    }
    cwi::uncertainty::check_settings(&settings)?;
    let results = args.inputs.compute(spec)?;
    let shard = args.shard.unwrap_or(cwi::uncertainty::Shard { k: 1, n: 1 });
    args.memory.check(
        &cwi::uncertainty::footprint::sensitivity(&results, &settings, shard),
        "Give fewer --samples, or run it in shards (--shard K/N holds 1/N of the model runs; cwi merge then holds them all)",
    )?;
    let progress = Progress::new(args.quiet, 0);
    if let Some(shard) = args.shard {
        let partial = cwi::uncertainty::sensitivity_shard(&results, &settings, shard, &|| {
            progress.step("model runs")
        })?;
        progress.finish();
        let (mut options, files) = args.inputs.record(&results);
        options.extend(args.choices.record());
        if let Some(n) = args.samples {
            options.push(("--samples".into(), n.to_string()));
        }
        let json =
            super::shard_file::render(&partial, super::shard_file::RunRecord { options, files });
        let name = format!("sensitivity/shard-{}-of-{}.json", shard.k, shard.n);
        super::report_cleaned(&write_atomically(&args.out, &[(name.clone(), json)])?);
        if !args.quiet {
            eprintln!("wrote {name} to {}", args.out.display());
        }
        return Ok(());
    }
    let s = sensitivity(&results, &settings, &|| progress.step("model runs"))?;
    progress.finish();
    write(&args.out, &args.formats, args.quiet, &s)
}

/// The sensitivity tables.
pub(super) fn write(
    out: &std::path::Path,
    formats: &super::TableFormats,
    quiet: bool,
    s: &cwi::uncertainty::Sensitivity,
) -> Result<(), Error> {
    let files = sensitivity_files(s, &formats.for_rows(s.rows.len()))?;
    super::report_cleaned(&write_atomically(out, &files)?);
    if !quiet {
        eprintln!(
            "{} base samples, {} runs, {} bootstrap resamples per interval; wrote {}",
            s.samples,
            s.model_runs,
            RESAMPLES,
            out.display()
        );
    }
    Ok(())
}
