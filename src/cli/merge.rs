//! `cwi merge`: the shards of `cwi uncertainty --shard K/N` or `cwi sensitivity --shard K/N`
//! combined into the outputs of a single run.

use std::path::PathBuf;

use super::error::Error;
use super::shard_file::{self, RunRecord, ShardFile};
use super::uncertainty::Choices;
use cwi::output::language;
use cwi::uncertainty::{Partial, SensitivityPartial, check_settings, merge, merge_sensitivity};

/// Combine every shard of an uncertainty or sensitivity analysis into the outputs of a single
/// run, byte for byte. Each shard file records the run it belongs to (every option, the spec
/// and data files with their SHA-256), so the shards alone are enough: `cwi merge --out DIR
/// --shards SHARD...`. Given again, the spec, data and options are checked against the
/// shards. Shards of different runs (the option or file that differs is named), a missing
/// shard or one given twice, a file truncated, edited or written by another cwi, or data
/// changed since the shards ran are refused, and nothing is written.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The indicator spec the shards ran with (default: the one they record).
    #[arg(long, value_name = "FILE")]
    spec: Option<PathBuf>,
    /// The data files the shards ran with (default: those they record).
    #[arg(long, value_name = "FILE", num_args = 1..)]
    data: Vec<PathBuf>,
    /// The boundaries the shards ran with (default: those they record).
    #[arg(long, value_parser = super::named::<cwi::boundaries::Boundaries>())]
    boundaries: Option<cwi::boundaries::Boundaries>,
    #[command(flatten)]
    readings: super::inputs::Readings,
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
    #[command(flatten)]
    memory: super::memory::Limit,
}

/// The options a run recorded, read back as this command's.
#[derive(clap::Parser)]
#[command(no_binary_name = true)]
struct Recorded {
    #[command(flatten)]
    args: Args,
}

impl Args {
    /// The spec, data and readings given to this command, if a spec is.
    fn inputs(&self) -> Option<super::inputs::Inputs> {
        Some(super::inputs::Inputs {
            spec: self.spec.clone()?,
            data: self.data.clone(),
            boundaries: self
                .boundaries
                .unwrap_or(cwi::boundaries::Boundaries::Current),
            readings: self.readings.clone(),
            // The shards ran with the warnings; the merge does not judge them again.
            deny_warnings: false,
        })
    }
}

/// The options of a run, as given to this command (spec and data made absolute), for the
/// comparison with what the shards recorded.
fn given(args: &Args) -> Option<Vec<(String, String)>> {
    let mut options = args.inputs()?.options();
    options.extend(args.choices.record());
    if let Some(r) = args.replications {
        options.push(("--replications".into(), r.to_string()));
    }
    if let Some(n) = args.samples {
        options.push(("--samples".into(), n.to_string()));
    }
    Some(options)
}

/// Every shard read and checked against the first: one run.
fn shards<P: serde::Serialize + serde::de::DeserializeOwned>(
    texts: &[(PathBuf, Vec<u8>)],
) -> Result<Vec<ShardFile<P>>, Error> {
    let files = texts
        .iter()
        .map(|(f, t)| shard_file::read::<P>(f, t))
        .collect::<Result<Vec<_>, _>>()?;
    let first = &files[0].run;
    for (k, f) in files.iter().enumerate().skip(1) {
        if let Some(d) = shard_file::difference(first, &f.run) {
            return Err(Error::Arguments(format!(
                "{} and {} are shards of different runs: {d}; nothing was written",
                texts[0].0.display(),
                texts[k].0.display()
            )));
        }
    }
    Ok(files)
}

/// The run to merge: the options the user gave (checked against the shards'), or else the
/// shards' own, read back as this command's.
fn resolve(args: Args, run: &RunRecord, first: &std::path::Path) -> Result<Args, Error> {
    if let Some(options) = given(&args) {
        let record = RunRecord {
            options: run.options.clone(),
            files: Vec::new(),
        };
        let mine = RunRecord {
            options,
            files: Vec::new(),
        };
        if let Some(d) = shard_file::difference(&mine, &record) {
            return Err(Error::Arguments(format!(
                "the options given differ from those {} ran with ({d}): give the shards' options, or none and the shards' are used; nothing was written",
                first.display()
            )));
        }
        return Ok(args);
    }
    let mut argv: Vec<String> = Vec::new();
    for (o, v) in &run.options {
        argv.push(o.clone());
        if !v.is_empty() {
            argv.push(v.clone());
        }
    }
    argv.extend([
        "--out".into(),
        args.out.display().to_string(),
        "--shards".into(),
    ]);
    argv.extend(args.shards.iter().map(|s| s.display().to_string()));
    let recorded = <Recorded as clap::Parser>::try_parse_from(&argv).map_err(|e| {
        Error::Arguments(format!(
            "{} records options this cwi cannot read ({e}); nothing was written",
            first.display()
        ))
    })?;
    Ok(Args {
        spec: recorded.args.spec,
        data: recorded.args.data,
        boundaries: recorded.args.boundaries,
        readings: recorded.args.readings,
        choices: recorded.args.choices,
        replications: recorded.args.replications,
        samples: recorded.args.samples,
        ..args
    })
}

/// The spec and data read now are those the shards read.
fn same_files(
    run: &RunRecord,
    results: &cwi::pipeline::Results,
    inputs: &super::inputs::Inputs,
) -> Result<(), Error> {
    let now = inputs.files(results);
    for (path, sha) in &run.files {
        match now.iter().find(|(p, _)| p == path) {
            Some((_, current)) if current != sha => {
                return Err(Error::Arguments(format!(
                    "{path} has changed since the shards read it (SHA-256 {sha} then, {current} now); nothing was written"
                )));
            }
            None => {
                return Err(Error::Arguments(format!(
                    "the shards read {path}, which this merge does not; nothing was written"
                )));
            }
            _ => {}
        }
    }
    Ok(())
}

pub fn run(args: Args) -> Result<(), Error> {
    super::require(&args.shards)?;
    // The shards' text, the counts read from it and their sum are in memory together: about
    // three times the files (a rank takes 4 bytes read, and at least 2 characters written).
    let size: u64 = args
        .shards
        .iter()
        .filter_map(|f| std::fs::metadata(f).ok())
        .map(|m| m.len())
        .sum();
    args.memory.check(
        &cwi::uncertainty::footprint::Footprint {
            bytes: 3 * size,
            holds: format!(
                "{} shard file(s) of {} in all, the ranks read from them and their sum",
                args.shards.len(),
                super::memory::human(size)
            ),
        },
        "Merge on a machine with more memory, or run the analysis with fewer --replications or --nodes",
    )?;
    let mut texts = Vec::new();
    for file in &args.shards {
        let text = std::fs::read(file)
            .map_err(|e| Error::Arguments(format!("cannot read shard {}: {e}", file.display())))?;
        texts.push((file.clone(), text));
    }
    match shard_file::analysis(&texts[0].1).as_deref() {
        Some("uncertainty") => {
            let files = shards::<Partial>(&texts)?;
            let args = resolve(args, &files[0].run, &texts[0].0)?;
            let (results, settings) = prepare(&args, &files[0].run)?;
            let lang = language(&results, args.lang.as_deref())?;
            let partials: Vec<Partial> = files.into_iter().map(|f| f.partial).collect();
            let mc = merge(&results, &settings, &partials)?;
            super::uncertainty::write(
                &args.out,
                &args.formats,
                args.year,
                args.quiet,
                &results,
                &mc,
                &lang,
            )
        }
        Some("sensitivity") => {
            let files = shards::<SensitivityPartial>(&texts)?;
            let args = resolve(args, &files[0].run, &texts[0].0)?;
            let (results, settings) = prepare(&args, &files[0].run)?;
            let partials: Vec<SensitivityPartial> = files.into_iter().map(|f| f.partial).collect();
            let s = merge_sensitivity(&results, &settings, &partials)?;
            super::sensitivity::write(&args.out, &args.formats, args.quiet, &s)
        }
        _ => {
            // Read as a shard, for the reason it is not one (truncated, another version).
            shard_file::read::<serde_json::Value>(&texts[0].0, &texts[0].1)?;
            Err(Error::Arguments(format!(
                "{} is not a shard of cwi uncertainty or cwi sensitivity; nothing was written",
                texts[0].0.display()
            )))
        }
    }
}

/// The results and settings of the run to merge, its files checked against the shards'.
fn prepare(
    args: &Args,
    run: &RunRecord,
) -> Result<(cwi::pipeline::Results, cwi::spec::Uncertainty), Error> {
    let inputs = args.inputs().ok_or_else(|| {
        Error::Arguments("the shards record no --spec and --data: give them".into())
    })?;
    let inputs = &inputs;
    let spec = inputs.spec()?;
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
    let results = inputs.compute(spec)?;
    same_files(run, &results, inputs)?;
    Ok((results, settings))
}
