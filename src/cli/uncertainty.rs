//! `cwi uncertainty`: how far each rank moves when the uncertain choices vary.

use std::path::PathBuf;

use super::error::Error;
use super::progress::Progress;
use cwi::output::analysis::uncertainty_files;
use cwi::output::{language, write_atomically};
use cwi::report::year_position;
use cwi::spec::Weighting;
use cwi::spec::{Aggregation, ImputeKind, Normalisation, TreatmentKind, Uncertainty};
use cwi::uncertainty::monte_carlo;

/// Monte Carlo uncertainty analysis of the ranks.
///
/// Varies the choices declared in the spec's [uncertainty] table, overridden by the options
/// below: weights perturbed by up to a fraction, alternative weightings, normalisations,
/// aggregations, imputations and treatments, leaving one indicator out, and the sampling error
/// of survey values (from the standard errors or sample sizes given with the data). Every
/// replication runs the same stages as compute, with its choices substituted. Seeded and
/// reproducible for any number of threads (RAYON_NUM_THREADS). Writes uncertainty/ranks.csv (per region and year: nominal
/// rank, median rank, 5th and 95th percentile, mean absolute rank shift, replications ranked
/// and failed, a failure being a geometric or harmonic mean meeting a score of 0 or below),
/// uncertainty/uncertainty.json
/// and charts/rank-intervals-YEAR.svg and .png.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    inputs: super::inputs::Inputs,
    /// Output directory; created if needed.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
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
    /// Alternative normalisations (min-max onto the index scale, z-score with mean 0 and sd 1).
    #[arg(long, value_enum, value_delimiter = ',', num_args = 1..)]
    pub normalisations: Vec<NormalisationName>,
    /// Alternative aggregations.
    #[arg(long, value_enum, value_delimiter = ',', num_args = 1..)]
    pub aggregations: Vec<AggregationName>,
    /// Alternative weightings of every group.
    #[arg(long, value_parser = super::named::<Weighting>(), value_delimiter = ',', num_args = 1..)]
    pub weightings: Vec<Weighting>,
    /// Alternative imputations of missing values for every indicator (carry: 1 year; other
    /// parameters in the spec's [uncertainty] table).
    #[arg(long, value_parser = super::named::<ImputeKind>(), value_delimiter = ',', num_args = 1..)]
    pub imputations: Vec<ImputeKind>,
    /// Alternative outlier treatments for every indicator (jrc: up to 5 points, winsorise: 1).
    #[arg(long, value_parser = super::named::<TreatmentKind>(), value_delimiter = ',', num_args = 1..)]
    pub treatments: Vec<TreatmentKind>,
    /// Leave one indicator out (or none) at random.
    #[arg(long)]
    pub exclude_one: bool,
    /// Do not draw survey values from their sampling error.
    #[arg(long)]
    pub no_sampling: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum NormalisationName {
    MinMax,
    ZScore,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum AggregationName {
    Arithmetic,
    Geometric,
}

impl Choices {
    /// The spec's settings with these overrides.
    pub fn apply(&self, mut s: Uncertainty, scale: (f64, f64)) -> Uncertainty {
        if let Some(seed) = self.seed {
            s.seed = seed;
        }
        if let Some(w) = self.weights {
            s.weights = w;
        }
        if !self.normalisations.is_empty() {
            s.normalisations = self
                .normalisations
                .iter()
                .map(|n| match n {
                    NormalisationName::MinMax => Normalisation::MinMax { range: scale },
                    NormalisationName::ZScore => Normalisation::ZScore { mean: 0.0, sd: 1.0 },
                })
                .collect();
        }
        if !self.aggregations.is_empty() {
            s.aggregations = self
                .aggregations
                .iter()
                .map(|a| match a {
                    AggregationName::Arithmetic => Aggregation::Arithmetic,
                    AggregationName::Geometric => Aggregation::Geometric,
                })
                .collect();
        }
        if !self.weightings.is_empty() {
            s.weightings = self.weightings.clone();
        }
        if !self.imputations.is_empty() {
            s.imputations = self.imputations.iter().map(|k| k.with_defaults()).collect();
        }
        if !self.treatments.is_empty() {
            s.treatments = self.treatments.iter().map(|k| k.with_defaults()).collect();
        }
        s.exclude_one |= self.exclude_one;
        if self.no_sampling {
            s.sampling = false;
        }
        s
    }
}

pub fn run(args: Args) -> Result<(), Error> {
    let spec = args.inputs.spec()?;
    let mut settings = args
        .choices
        .apply(spec.uncertainty.clone(), spec.index.scale);
    if let Some(r) = args.replications {
        settings.replications = r;
    }
    // Refuse bad settings before loading anything.
    cwi::uncertainty::check_settings(&settings)?;
    let results = args.inputs.compute(spec)?;
    let lang = language(&results, args.lang.as_deref())?;
    let progress = Progress::new(args.quiet, settings.replications as u64);
    let mc = monte_carlo(&results, &settings, &|| progress.step("replications"))?;
    progress.finish();
    let year = year_position(&results.panel, args.year)?;
    let files = uncertainty_files(&results, &mc, year, &lang)?;
    write_atomically(&args.out, &files)?;
    if !args.quiet {
        eprintln!(
            "{} replications over {:?}; wrote {} file(s) to {}",
            mc.replications,
            mc.factors,
            files.len(),
            args.out.display()
        );
    }
    Ok(())
}
