//! `cwi uncertainty`: how far each rank moves when the uncertain choices vary.

use std::path::{Path, PathBuf};

use super::error::Error;
use super::progress::Progress;
use cwi::output::analysis::uncertainty_files;
use cwi::output::{language, write_atomically};
use cwi::report::year_position;
use cwi::spec::Weighting;
use cwi::spec::{MethodArg, Uncertainty};
use cwi::uncertainty::{Shard, monte_carlo, monte_carlo_shard};

/// Monte Carlo uncertainty analysis of the ranks.
///
/// Varies the choices declared in the spec's [uncertainty] table, overridden by the options
/// below: weights perturbed by up to a fraction, alternative weightings, normalisations,
/// aggregations, imputations and treatments, leaving one indicator out, and the sampling error
/// of survey values (from the standard errors or sample sizes given with the data). Every
/// replication runs the same stages as compute, with its choices substituted. Seeded and
/// reproducible for any number of threads (RAYON_NUM_THREADS). Writes uncertainty/ranks.csv
/// (per node, region and year, for the index, its top level and the --nodes asked for:
/// nominal rank, median rank, 5th and 95th percentile, mean absolute rank shift, replications
/// ranked and failed, a failure being a geometric or harmonic mean meeting a score of 0 or
/// below; as uncertainty/ranks.parquet alone above 100,000 rows unless --formats asks),
/// uncertainty/uncertainty.json and charts/rank-intervals-YEAR.svg and .png (the index; above
/// 100 regions, 100 evenly spaced by rank). An analysis that would need more memory than
/// --max-memory (default: what is available) is refused before it starts.
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
    /// Number of replications.
    #[arg(long, value_name = "N")]
    replications: Option<usize>,
    /// Year of the chart (default: the latest).
    #[arg(long, value_name = "YEAR")]
    year: Option<i32>,
    /// Language of the chart's labels.
    #[arg(long, value_name = "LANG")]
    lang: Option<String>,
    /// No progress bar.
    #[arg(long)]
    quiet: bool,
    /// Run only shard K of N of the replications (those r with r mod N = K - 1, with the same
    /// seed streams as a single run) and write uncertainty/shard-K-of-N.json, for `cwi merge`
    /// to combine into the outputs of a single run.
    #[arg(long, value_name = "K/N")]
    shard: Option<Shard>,
    #[command(flatten)]
    memory: super::memory::Limit,
}

/// Options that override the spec's [uncertainty] table (shared with `cwi sensitivity`).
#[derive(Debug, clap::Args)]
pub struct Choices {
    /// Seed of the random draws.
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
    /// Perturb every weight by up to this fraction (0.25 = +/-25%; at most 1).
    #[arg(long, value_name = "FRACTION")]
    pub weights: Option<f64>,
    /// Alternative normalisations for every indicator: a method's name, or its name with the
    /// parameters of the spec's method table in parentheses, separated by commas or given as
    /// several values: min-max (onto the index scale), 'min-max(range = [1, 100])',
    /// 'z-score(mean = 10, sd = 2)', rank, 'goalposts(lo = 0, hi = 100)', ...
    #[arg(long, value_name = "METHOD", num_args = 1..)]
    pub normalisations: Vec<String>,
    /// Alternative aggregations for every group, written the same way: arithmetic, geometric,
    /// 'geometric(offset = 1)', harmonic, 'power(p = 2)', minimum, sum, mpi, rank-mean, copeland.
    #[arg(long, value_name = "METHOD", num_args = 1..)]
    pub aggregations: Vec<String>,
    /// Alternative weightings of every group.
    #[arg(long, value_parser = super::named::<Weighting>(), value_delimiter = ',', num_args = 1..)]
    pub weightings: Vec<Weighting>,
    /// Alternative imputations for every indicator, written the same way: none, mean, median,
    /// group-mean, group-median, interpolate, carry (1 year), 'carry(years = 2)'.
    #[arg(long, value_name = "METHOD", num_args = 1..)]
    pub imputations: Vec<String>,
    /// Alternative outlier treatments for every indicator, written the same way: none, jrc (up
    /// to 5 points), 'jrc(points = 3, log_form = "coinr")', winsorise (1 point), log, sqrt.
    #[arg(long, value_name = "METHOD", num_args = 1..)]
    pub treatments: Vec<String>,
    /// Leave one indicator out (or none) at random.
    #[arg(long)]
    pub exclude_one: bool,
    /// Do not draw survey values from their sampling error.
    #[arg(long)]
    pub no_sampling: bool,
    /// Nodes whose ranks are summarised besides the index and its top level, by id
    /// (uncertainty; separated by commas or given as several values).
    #[arg(long, value_name = "ID", value_delimiter = ',', num_args = 1..)]
    pub nodes: Vec<String>,
}

impl Choices {
    /// These options as a shard records them, each as (option, value).
    pub fn record(&self) -> Vec<(String, String)> {
        use cwi::named::Named;
        let mut out = Vec::new();
        let mut one = |name: &str, value: String| out.push((name.to_string(), value));
        if let Some(s) = self.seed {
            one("--seed", s.to_string());
        }
        if let Some(w) = self.weights {
            one("--weights", w.to_string());
        }
        for (name, values) in [
            ("--normalisations", &self.normalisations),
            ("--aggregations", &self.aggregations),
            ("--imputations", &self.imputations),
            ("--treatments", &self.treatments),
        ] {
            for v in values {
                one(name, v.clone());
            }
        }
        for w in &self.weightings {
            one("--weightings", w.name().to_string());
        }
        if self.exclude_one {
            one("--exclude-one", String::new());
        }
        if self.no_sampling {
            one("--no-sampling", String::new());
        }
        for n in &self.nodes {
            one("--nodes", n.clone());
        }
        out
    }

    /// The spec's settings with these overrides; `Err` names an alternative that cannot be
    /// read.
    pub fn apply(&self, mut s: Uncertainty, scale: (f64, f64)) -> Result<Uncertainty, Error> {
        if let Some(seed) = self.seed {
            s.seed = seed;
        }
        if let Some(w) = self.weights {
            s.weights = w;
        }
        if !self.normalisations.is_empty() {
            s.normalisations = methods(&self.normalisations, |m| m.normalisation(scale))?;
        }
        if !self.aggregations.is_empty() {
            s.aggregations = methods(&self.aggregations, |m| m.aggregation())?;
        }
        if !self.weightings.is_empty() {
            s.weightings = self.weightings.clone();
        }
        if !self.imputations.is_empty() {
            s.imputations = methods(&self.imputations, |m| m.imputation())?;
        }
        if !self.treatments.is_empty() {
            s.treatments = methods(&self.treatments, |m| m.treatment())?;
        }
        s.exclude_one |= self.exclude_one;
        if self.no_sampling {
            s.sampling = false;
        }
        if !self.nodes.is_empty() {
            s.nodes = self.nodes.clone();
        }
        Ok(s)
    }
}

/// Every method of the values, each split at the commas outside parentheses and brackets.
fn methods<T>(
    values: &[String],
    read: impl Fn(&MethodArg) -> Result<T, String>,
) -> Result<Vec<T>, Error> {
    let mut out = Vec::new();
    for value in values {
        let balanced = value.matches(['(', '[']).count() == value.matches([')', ']']).count();
        if !balanced {
            return Err(Error::Arguments(format!(
                "\"{value}\": a ( or [ without its ) or ], or the other way round"
            )));
        }
        let mut depth = 0i32;
        let mut start = 0;
        for (k, c) in value.char_indices().chain([(value.len(), ',')]) {
            match c {
                '(' | '[' => depth += 1,
                ')' | ']' => depth -= 1,
                ',' if depth == 0 => {
                    let one = value[start..k].trim();
                    if !one.is_empty() {
                        out.push(read(&MethodArg(one)).map_err(Error::Arguments)?);
                    }
                    start = k + 1;
                }
                _ => {}
            }
        }
    }
    Ok(out)
}

/// The spec, the settings with the options applied, and the results, or the refusal of bad
/// settings before anything is loaded.
fn prepare(args: &Args) -> Result<(Uncertainty, cwi::pipeline::Results), Error> {
    let spec = args.inputs.spec()?;
    let mut settings = args
        .choices
        .apply(spec.uncertainty.clone(), spec.index.scale)?;
    if let Some(r) = args.replications {
        settings.replications = r;
    }
    // Refuse bad settings before loading anything.
    cwi::uncertainty::check_settings(&settings)?;
    spec.language(args.lang.as_deref())?;
    Ok((settings, args.inputs.compute_year(spec, args.year)?))
}

pub fn run(args: Args) -> Result<(), Error> {
    let (settings, results) = prepare(&args)?;
    let lang = language(&results, args.lang.as_deref())?;
    args.memory.check(
        &cwi::uncertainty::footprint::monte_carlo(
            &results,
            &settings,
            args.shard.unwrap_or(Shard { k: 1, n: 1 }),
        )?,
        "Give fewer --replications or --nodes, or run it in shards (--shard K/N holds 1/N of the ranks; cwi merge then holds them all)",
    )?;
    if let Some(shard) = args.shard {
        let progress = Progress::new(args.quiet, settings.replications.div_ceil(shard.n) as u64);
        let partial = monte_carlo_shard(&results, &settings, shard, &|| {
            progress.step("replications")
        })?;
        progress.finish();
        let (mut options, files) = args.inputs.record(&results);
        options.extend(args.choices.record());
        if let Some(r) = args.replications {
            options.push(("--replications".into(), r.to_string()));
        }
        let json =
            super::shard_file::render(&partial, super::shard_file::RunRecord { options, files });
        let name = format!("uncertainty/shard-{}-of-{}.json", shard.k, shard.n);
        super::report_cleaned(&write_atomically(&args.out, &[(name.clone(), json)])?);
        if !args.quiet {
            eprintln!("wrote {} to {}", name, args.out.display());
        }
        return Ok(());
    }
    let progress = Progress::new(args.quiet, settings.replications as u64);
    let mc = monte_carlo(&results, &settings, &|| progress.step("replications"))?;
    progress.finish();
    write(
        &args.out,
        &args.formats,
        args.year,
        args.quiet,
        &results,
        &mc,
        &lang,
    )
}

/// The outputs of an analysis: the rank table, the JSON and the chart of `year`.
pub(super) fn write(
    out: &Path,
    formats: &super::TableFormats,
    year: Option<i32>,
    quiet: bool,
    results: &cwi::pipeline::Results,
    mc: &cwi::uncertainty::MonteCarlo,
    lang: &str,
) -> Result<(), Error> {
    let year = year_position(&results.panel, year)?;
    let formats = formats.for_rows(mc.ranks.len());
    let files = uncertainty_files(results, mc, year, lang, &formats)?;
    super::report_cleaned(&write_atomically(out, &files)?);
    if !quiet {
        eprintln!(
            "{} replications over {:?}; wrote {} file(s) to {}",
            mc.replications,
            mc.factors,
            files.len(),
            out.display()
        );
    }
    Ok(())
}
