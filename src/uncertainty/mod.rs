//! How far the ranks can be trusted: a Monte Carlo over the uncertain choices (weights,
//! normalisation, aggregation, imputation, leaving an indicator out, sampling error of survey
//! values), and variance-based sensitivity indices of the ranks to each choice (Saisana,
//! Saltelli & Tarantola 2005).
//!
//! Every replication draws its choices from its own ChaCha8 stream (rand_chacha 0.9, seeded
//! with the declared seed, stream = replication number), and results are collected in
//! replication order, so the output is the same for any number of threads.

mod counts;
pub mod footprint;
mod indices;
pub mod model;
pub mod sobol;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::Serialize;

use crate::pipeline::Results;
use crate::rank::Rank;
use crate::spec::{Aggregation, NodeKind, Normalisation, Uncertainty};
use indices::sensitivity_indices;
use model::{Choice, Model};

pub use counts::{DENSE_REGIONS, RankCounts};

pub const RNG: &str = "ChaCha8 (rand_chacha 0.9): seed = the declared seed, stream = replication";

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum UncertaintyError {
    #[error("zero replications: give at least 1 (--replications or [uncertainty] replications)")]
    NoReplications,
    #[error("zero base samples: give at least 1 (--samples or [uncertainty] samples)")]
    NoSamples,
    #[error("a weight perturbation of {0} is not a fraction in [0, 1] (1 = up to 100%)")]
    Perturbation(f64),
    #[error("{0}")]
    GeometricZero(String),
    #[error("cannot merge the shards: {0}")]
    Shards(String),
    /// `--nodes` names a node the spec does not have.
    #[error("{0}")]
    UnknownNode(String),
    #[error(
        "nothing varies: declare weights, alternative weightings, normalisations, aggregations, imputations or treatments, exclude_one, or give standard errors with the data"
    )]
    NoFactors,
    /// A replication's choices that the index cannot be computed with (e.g. a geometric mean
    /// meeting a score of 0): the analysis stops rather than count it as anything.
    #[error("{run} cannot be computed with its choices ({choices}): {error}")]
    Replication {
        run: String,
        choices: String,
        error: crate::error::ComputeError,
    },
}

/// Refuses settings that cannot run, before any work: zero replications or samples, a weight
/// perturbation outside [0, 1].
pub fn check_settings(settings: &Uncertainty) -> Result<(), UncertaintyError> {
    if settings.replications == 0 {
        return Err(UncertaintyError::NoReplications);
    }
    if settings.samples == 0 {
        return Err(UncertaintyError::NoSamples);
    }
    if !(0.0..=1.0).contains(&settings.weights) {
        return Err(UncertaintyError::Perturbation(settings.weights));
    }
    Ok(())
}

/// One uncertain choice, a dimension of the analysis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Factor {
    Weights,
    Weighting,
    Normalisation,
    Aggregation,
    Imputation,
    Treatment,
    Exclusion,
    Sampling,
}

/// The settings checked against the results, and the factors they make vary.
pub fn factors(
    settings: &Uncertainty,
    model: &Model,
    results: &Results,
) -> Result<Vec<Factor>, UncertaintyError> {
    check_settings(settings)?;
    // Means that need positive scores (geometric, harmonic, power means with p < 0) are
    // checked against the scores the normalisations actually give on the data (COINr's
    // standard design, min-max onto [1, 100] or z-scores with mean 10 and sd 2, passes); a
    // replication whose draws still bring such a mean to 0 or below counts as failed for
    // that region and year.
    let fw = &results.spec.framework;
    let spec_positive = fw.nodes.iter().any(
        |n| matches!(&n.kind, NodeKind::Group { aggregation, .. } if aggregation.needs_positive()),
    );
    let alternative_positive = settings
        .aggregations
        .iter()
        .any(Aggregation::needs_positive);
    let check = |n: Option<&Normalisation>| -> Result<(), UncertaintyError> {
        let what = n.map_or("the spec's normalisations".to_string(), |n| {
            format!("the normalisation alternative {}", n.describe())
        });
        match model.lowest_score(n) {
            Ok(Some(low)) if low <= 0.0 => Err(UncertaintyError::GeometricZero(format!(
                "the scores of {what} reach {low} on the data, and a mean that needs positive scores (geometric, harmonic) is used: normalise onto a range above zero (e.g. {{ method = \"min-max\", range = [1, 100] }}) or drop that mean"
            ))),
            Ok(_) => Ok(()),
            Err(e) => Err(UncertaintyError::GeometricZero(format!(
                "{what} cannot be computed on the data: {e}"
            ))),
        }
    };
    if alternative_positive && settings.normalisations.is_empty() {
        check(None)?;
    }
    if spec_positive || alternative_positive {
        for n in &settings.normalisations {
            check(Some(n))?;
        }
    }
    let mut out = Vec::new();
    if settings.weights > 0.0 {
        out.push(Factor::Weights);
    }
    if settings.weightings.len() > 1 {
        out.push(Factor::Weighting);
    }
    if settings.normalisations.len() > 1 {
        out.push(Factor::Normalisation);
    }
    if settings.aggregations.len() > 1 {
        out.push(Factor::Aggregation);
    }
    if settings.imputations.len() > 1 {
        out.push(Factor::Imputation);
    }
    if settings.treatments.len() > 1 {
        out.push(Factor::Treatment);
    }
    if settings.exclude_one {
        out.push(Factor::Exclusion);
    }
    if settings.sampling && model.has_sampling_error() {
        out.push(Factor::Sampling);
    }
    Ok(out)
}

/// Deterministic seed from a sampled value (weights and sampling draws are functions of it).
fn seed_of(u: f64, salt: u64) -> u64 {
    let mut z = u.to_bits() ^ salt.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The choices a point u in [0, 1)^factors stands for.
fn choice(
    u: &[f64],
    factors: &[Factor],
    settings: &Uncertainty,
    nominal: &Choice,
    n_ind: usize,
) -> Choice {
    let mut c = nominal.clone();
    // Without a factor, a single declared alternative still applies.
    if let [only] = settings.normalisations.as_slice() {
        c.normalisation = Some(only.clone());
    }
    if let [only] = settings.aggregations.as_slice() {
        c.aggregation = Some(*only);
    }
    if let [only] = settings.imputations.as_slice() {
        c.imputation = Some(*only);
    }
    if let [only] = settings.treatments.as_slice() {
        c.treatment = Some(*only);
    }
    if let [only] = settings.weightings.as_slice() {
        c.weighting = Some(*only);
    }
    let pick = |v: f64, k: usize| ((v * k as f64) as usize).min(k - 1);
    for (f, &v) in factors.iter().zip(u) {
        match f {
            Factor::Weights => {
                let mut rng = ChaCha8Rng::seed_from_u64(seed_of(v, 1));
                for w in c.weights.iter_mut() {
                    *w *= 1.0 + settings.weights * (2.0 * rng.random::<f64>() - 1.0);
                }
            }
            Factor::Normalisation => {
                c.normalisation =
                    Some(settings.normalisations[pick(v, settings.normalisations.len())].clone())
            }
            Factor::Aggregation => {
                c.aggregation = Some(settings.aggregations[pick(v, settings.aggregations.len())])
            }
            Factor::Weighting => {
                c.weighting = Some(settings.weightings[pick(v, settings.weightings.len())])
            }
            Factor::Imputation => {
                c.imputation = Some(settings.imputations[pick(v, settings.imputations.len())])
            }
            Factor::Treatment => {
                c.treatment = Some(settings.treatments[pick(v, settings.treatments.len())])
            }
            Factor::Exclusion => {
                // 0 = none left out; k = indicator k - 1.
                let k = pick(v, n_ind + 1);
                c.exclude = k.checked_sub(1);
            }
            Factor::Sampling => c.sampling = Some(seed_of(v, 2)),
        }
    }
    c
}

/// Rank statistics of one region in one year, at one node.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RankSummary {
    pub year: i32,
    pub node: String,
    pub region: String,
    pub nominal: Rank,
    pub median: f64,
    pub p05: f64,
    pub p95: f64,
    pub mean_abs_shift: f64,
    /// Replications in which the region had a rank.
    pub ranked: usize,
    /// Replications in which a mean met a score it cannot take for the region (e.g. a
    /// geometric mean meeting 0), which therefore had no rank.
    pub failed: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MonteCarlo {
    pub replications: usize,
    pub seed: u64,
    pub rng: &'static str,
    pub factors: Vec<Factor>,
    pub settings: Uncertainty,
    /// The nodes whose ranks are summarised: the index, its top level, and any asked for.
    pub nodes: Vec<String>,
    pub ranks: Vec<RankSummary>,
}

/// The nodes an analysis summarises: the index, its children, and the nodes `settings.nodes`
/// names, in the framework's order; an unknown id is refused with the nearest one.
pub fn summarised_nodes(
    results: &Results,
    settings: &Uncertainty,
) -> Result<Vec<usize>, UncertaintyError> {
    let fw = &results.spec.framework;
    let mut nodes: Vec<usize> = std::iter::once(0)
        .chain(fw.nodes[0].children.iter().copied())
        .collect();
    for id in &settings.nodes {
        let Some(n) = fw.position(id) else {
            let near = crate::diagnostic::nearest(id, fw.nodes.iter().map(|n| n.id.as_str()));
            return Err(UncertaintyError::UnknownNode(match near {
                Some(near) => {
                    format!("--nodes: no node \"{id}\" in the spec; did you mean \"{near}\"?")
                }
                None => format!("--nodes: no node \"{id}\" in the spec"),
            }));
        };
        nodes.push(n);
    }
    nodes.sort_unstable();
    nodes.dedup();
    Ok(nodes)
}

/// A share of the Monte Carlo replications, for running an analysis on several machines:
/// shard `k` of `n` runs the replications r with r mod n = k - 1, with the same seed streams as
/// a single run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub k: usize,
    pub n: usize,
}

impl std::str::FromStr for Shard {
    type Err = String;

    fn from_str(text: &str) -> Result<Shard, String> {
        let bad = || format!("\"{text}\" is not a shard: write K/N with 1 <= K <= N, e.g. 3/8");
        let (k, n) = text.split_once('/').ok_or_else(bad)?;
        let (k, n): (usize, usize) = (
            k.trim().parse().map_err(|_| bad())?,
            n.trim().parse().map_err(|_| bad())?,
        );
        (1 <= k && k <= n).then_some(Shard { k, n }).ok_or_else(bad)
    }
}

/// What a shard computed: per region and year, how often each rank came out and how often
/// the region-year failed. Partials of every shard merge into exactly the single run's result.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct Partial {
    /// `uncertainty`.
    pub analysis: String,
    /// The spec, the data and the settings the shard ran on: shards of another run are refused.
    pub fingerprint: String,
    pub shard: usize,
    pub shards: usize,
    /// Per output ([year][unit]): the ranks that came out (see `RankCounts`).
    pub counts: Vec<RankCounts>,
    pub failed: Vec<u32>,
}

/// The fingerprint of an analysis: the spec's and the data files' SHA-256 and the settings.
fn fingerprint(results: &Results, settings: &Uncertainty) -> String {
    let files: Vec<&str> = results
        .panel
        .report
        .files
        .iter()
        .map(|f| f.sha256.as_str())
        .collect();
    let text = format!(
        "{}|{}|{:?}|{}",
        results.spec.sha256,
        files.join(","),
        results.boundaries,
        serde_json::to_string(settings).expect("settings serialise")
    );
    crate::digest::sha256_hex(text.as_bytes())
}

/// The Monte Carlo uncertainty analysis. `tick` is called once per finished replication.
pub fn monte_carlo(
    results: &Results,
    settings: &Uncertainty,
    tick: &(dyn Fn() + Sync),
) -> Result<MonteCarlo, UncertaintyError> {
    let prepared = prepare(results, settings)?;
    let all = Shard { k: 1, n: 1 };
    let partial = replications(results, settings, &prepared, all, tick)?;
    summarise(results, settings, &prepared.factors, &partial)
}

/// The index prepared for repeated evaluation, and the factors the settings make vary (the
/// settings checked once).
struct Prepared<'a> {
    model: Model<'a>,
    factors: Vec<Factor>,
}

fn prepare<'a>(
    results: &'a Results,
    settings: &Uncertainty,
) -> Result<Prepared<'a>, UncertaintyError> {
    let model = Model::new(results);
    let factors = factors(settings, &model, results)?;
    Ok(Prepared { model, factors })
}

/// The replications of one shard, as a partial result.
pub fn monte_carlo_shard(
    results: &Results,
    settings: &Uncertainty,
    shard: Shard,
    tick: &(dyn Fn() + Sync),
) -> Result<Partial, UncertaintyError> {
    let prepared = prepare(results, settings)?;
    replications(results, settings, &prepared, shard, tick)
}

fn replications(
    results: &Results,
    settings: &Uncertainty,
    prepared: &Prepared,
    shard: Shard,
    tick: &(dyn Fn() + Sync),
) -> Result<Partial, UncertaintyError> {
    let (model, factors) = (&prepared.model, &prepared.factors);
    let nominal_choice = model.nominal();
    let n_ind = results.panel.indicators.len();
    let mine: Vec<usize> = (shard.k - 1..settings.replications)
        .step_by(shard.n)
        .collect();
    let nodes = summarised_nodes(results, settings)?;
    let n_out = nodes.len() * results.panel.years.len() * results.panel.units.len();
    // Replications run a batch at a time on every thread, and each batch's ranks are counted
    // (in replication order) before the next starts: one set of counts and one batch of
    // ranks are in memory, whatever the number of replications, and the counts and the first
    // failure (in replication order) do not depend on the threads.
    let n_units = results.panel.units.len();
    let halves = results.recipe.ranking.ties.is_average();
    // Each record made with room for every replication of the shard (a clone would drop the
    // capacity, and a list growing by doubling would take up to twice the memory).
    let mut counts: Vec<RankCounts> = (0..n_out)
        .map(|_| RankCounts::new(n_units, mine.len(), halves))
        .collect();
    let mut failed_count = vec![0u32; n_out];
    // A batch holds about 4 million ranks (20 MB): thousands of replications of a regional
    // index, a few dozen of a census-tract one, and never fewer than the threads.
    let batch = (4_000_000 / n_out.max(1)).clamp(rayon::current_num_threads().max(1), 4096);
    for replications in mine.chunks(batch) {
        let runs: Vec<Result<model::Run, UncertaintyError>> = replications
            .par_iter()
            .map(|&r| {
                let mut rng = ChaCha8Rng::seed_from_u64(settings.seed);
                rng.set_stream(r as u64);
                let u: Vec<f64> = factors.iter().map(|_| rng.random::<f64>()).collect();
                let c = choice(&u, factors, settings, &nominal_choice, n_ind);
                let ranks = model
                    .ranks_of(&c, &nodes)
                    .map_err(|e| failed(format!("replication {}", r + 1), &c, results, e));
                tick();
                ranks
            })
            .collect();
        let per_node = results.panel.years.len() * n_units;
        for run in runs {
            let run = run?;
            for o in 0..n_out {
                if run.ranks[o] > 0 {
                    counts[o].add(Rank::from_halves(run.ranks[o]));
                }
                failed_count[o] += u32::from(run.failed[o % per_node.max(1)]);
            }
        }
    }
    Ok(Partial {
        analysis: "uncertainty".into(),
        fingerprint: fingerprint(results, settings),
        shard: shard.k,
        shards: shard.n,
        counts,
        failed: failed_count,
    })
}

/// Merges the partial results of every shard of one analysis into its result, exactly as a
/// single run gives it. A missing or duplicated shard, or a shard of another analysis, is
/// refused.
pub fn merge(
    results: &Results,
    settings: &Uncertainty,
    partials: &[Partial],
) -> Result<MonteCarlo, UncertaintyError> {
    check_settings(settings)?;
    let shards: Vec<(&str, usize, usize)> = partials
        .iter()
        .map(|p| (p.fingerprint.as_str(), p.shard, p.shards))
        .collect();
    check_shards(&fingerprint(results, settings), &shards)?;
    let first = &partials[0];
    let mut total = first.clone();
    for (o, c) in total.counts.iter_mut().enumerate() {
        c.reserve_for(partials[1..].iter().filter_map(|p| p.counts.get(o)));
    }
    for p in &partials[1..] {
        for (c, pc) in total.counts.iter_mut().zip(&p.counts) {
            c.absorb(pc);
        }
        for (a, b) in total.failed.iter_mut().zip(&p.failed) {
            *a += b;
        }
    }
    let prepared = prepare(results, settings)?;
    summarise(results, settings, &prepared.factors, &total)
}

/// Every shard of one run, each once: (fingerprint, shard, shards) of each, against the
/// fingerprint of this run.
fn check_shards(expected: &str, partials: &[(&str, usize, usize)]) -> Result<(), UncertaintyError> {
    let Some(&(_, _, n)) = partials.first() else {
        return Err(UncertaintyError::Shards("no shard given".into()));
    };
    let mut seen = vec![false; n];
    for &(fingerprint, k, shards) in partials {
        if fingerprint != expected {
            return Err(UncertaintyError::Shards(format!(
                "shard {k}/{shards} was run on another spec, other data or other settings than these"
            )));
        }
        if shards != n || k == 0 || k > n {
            return Err(UncertaintyError::Shards(format!(
                "shard {k}/{shards} does not belong to a run in {n} shards"
            )));
        }
        if std::mem::replace(&mut seen[k - 1], true) {
            return Err(UncertaintyError::Shards(format!(
                "shard {k}/{n} is given twice"
            )));
        }
    }
    let missing: Vec<String> = (1..=n)
        .filter(|k| !seen[k - 1])
        .map(|k| format!("{k}/{n}"))
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(UncertaintyError::Shards(format!(
            "shard(s) {} missing",
            missing.join(", ")
        )))
    }
}

/// The rank statistics of every region and year from the counts of every replication.
fn summarise(
    results: &Results,
    settings: &Uncertainty,
    factors: &[Factor],
    all: &Partial,
) -> Result<MonteCarlo, UncertaintyError> {
    let nodes = summarised_nodes(results, settings)?;
    let nominal = nominal_ranks(results, &nodes);
    let panel = &results.panel;
    let n_units = panel.units.len();
    let per_node = panel.years.len() * n_units;
    let mut ranks = Vec::new();
    for (o, &nom) in nominal.iter().enumerate() {
        if nom == 0 {
            continue;
        }
        let node = nodes[o / per_node];
        let (y, u) = ((o % per_node) / n_units, o % n_units);
        // The ranks in ascending order, as the counts give them.
        let got: Vec<f64> = all.counts[o].ranks();
        let shift = if got.is_empty() {
            0.0
        } else {
            let nom = Rank::from_halves(nom).value();
            got.iter().map(|r| (r - nom).abs()).sum::<f64>() / got.len() as f64
        };
        let q = |p: f64| {
            if got.is_empty() {
                f64::NAN
            } else {
                crate::stats::percentile(&got, p)
            }
        };
        ranks.push(RankSummary {
            year: panel.years[y],
            node: results.spec.framework.nodes[node].id.clone(),
            region: panel.units.get(u).code.clone(),
            nominal: Rank::from_halves(nom),
            median: q(0.5),
            p05: q(0.05),
            p95: q(0.95),
            mean_abs_shift: shift,
            ranked: got.len(),
            failed: all.failed[o] as usize,
        });
    }
    Ok(MonteCarlo {
        replications: settings.replications,
        seed: settings.seed,
        rng: RNG,
        factors: factors.to_vec(),
        settings: settings.clone(),
        nodes: nodes
            .iter()
            .map(|&n| results.spec.framework.nodes[n].id.clone())
            .collect(),
        ranks,
    })
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SensitivityRow {
    pub year: i32,
    /// A region code, or `all` for the mean absolute rank shift over every region and year.
    pub region: String,
    pub factor: Factor,
    /// The indices, or `None` when the output hardly varies (see `note`).
    pub first_order: Option<sobol::Estimate>,
    pub total_effect: Option<sobol::Estimate>,
    /// The share of the model runs in which the output differs from its nominal value.
    pub moved: f64,
    /// The sum of the output's first-order indices over the factors (1 for an additive
    /// model; well above 1 or below 0 says the estimates are noisy).
    pub first_order_sum: Option<f64>,
    /// Why the indices are left blank.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The share of runs below which an output's indices are not estimated: with a rank that
/// moves in fewer than 1% of the runs, its variance is a handful of runs and the estimators
/// divide by almost nothing (first-order indices of +10 and -10 were seen).
pub const MIN_MOVED: f64 = 0.01;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sensitivity {
    pub samples: usize,
    pub model_runs: usize,
    pub seed: u64,
    pub factors: Vec<Factor>,
    pub settings: Uncertainty,
    pub rows: Vec<SensitivityRow>,
}

/// Bootstrap resamples behind each confidence interval.
pub const RESAMPLES: usize = 100;

/// Sobol sensitivity indices of every region's rank (and of the mean absolute rank shift) to
/// each factor, from N base samples of a scrambled Sobol sequence: N * (factors + 2) runs.
pub fn sensitivity(
    results: &Results,
    settings: &Uncertainty,
    tick: &(dyn Fn() + Sync),
) -> Result<Sensitivity, UncertaintyError> {
    let prepared = prepare(results, settings)?;
    let partial = design_runs(results, settings, &prepared, Shard { k: 1, n: 1 }, tick)?;
    let runs = partial.runs.into_iter().map(|(_, r)| r).collect();
    sensitivity_indices(results, settings, &prepared.factors, runs)
}

/// The model runs of one shard of a sensitivity analysis (rows r of the A, B and AB design
/// with r mod n = k - 1), with the rank of every region and year in each.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct SensitivityPartial {
    /// `sensitivity`.
    pub analysis: String,
    pub fingerprint: String,
    pub shard: usize,
    pub shards: usize,
    /// (row of the design, ranks [year][unit]).
    pub runs: Vec<(usize, Vec<u32>)>,
}

pub fn sensitivity_shard(
    results: &Results,
    settings: &Uncertainty,
    shard: Shard,
    tick: &(dyn Fn() + Sync),
) -> Result<SensitivityPartial, UncertaintyError> {
    let prepared = prepare(results, settings)?;
    design_runs(results, settings, &prepared, shard, tick)
}

fn design_runs(
    results: &Results,
    settings: &Uncertainty,
    prepared: &Prepared,
    shard: Shard,
    tick: &(dyn Fn() + Sync),
) -> Result<SensitivityPartial, UncertaintyError> {
    let (model, factors) = (&prepared.model, &prepared.factors);
    if factors.is_empty() {
        return Err(UncertaintyError::NoFactors);
    }
    let d = factors.len();
    let n = settings.samples;
    let nominal_choice = model.nominal();
    let n_ind = results.panel.indicators.len();
    let (a, b) = sobol::design(n, d, settings.seed as u32);
    let mine: Vec<usize> = (shard.k - 1..n * (d + 2)).step_by(shard.n).collect();
    // Rows: A, B, then AB_k for each factor k.
    let runs: Vec<Result<(usize, Vec<u32>), UncertaintyError>> = mine
        .into_par_iter()
        .map(|row| {
            let (block, j) = (row / n, row % n);
            let u: Vec<f64> = match block {
                0 => a[j].clone(),
                1 => b[j].clone(),
                k => {
                    let mut u = a[j].clone();
                    u[k - 2] = b[j][k - 2];
                    u
                }
            };
            let c = choice(&u, &factors, settings, &nominal_choice, n_ind);
            let ranks = model
                .ranks(&c)
                .map(|r| (row, r.ranks))
                .map_err(|e| failed(format!("model run {}", row + 1), &c, results, e));
            tick();
            ranks
        })
        .collect();
    Ok(SensitivityPartial {
        analysis: "sensitivity".into(),
        fingerprint: fingerprint(results, settings),
        shard: shard.k,
        shards: shard.n,
        runs: runs.into_iter().collect::<Result<_, _>>()?,
    })
}

/// Merges every shard of one sensitivity analysis into its result, exactly as a single run.
pub fn merge_sensitivity(
    results: &Results,
    settings: &Uncertainty,
    partials: &[SensitivityPartial],
) -> Result<Sensitivity, UncertaintyError> {
    check_settings(settings)?;
    let shards: Vec<(&str, usize, usize)> = partials
        .iter()
        .map(|p| (p.fingerprint.as_str(), p.shard, p.shards))
        .collect();
    check_shards(&fingerprint(results, settings), &shards)?;
    let mut runs: Vec<(usize, Vec<u32>)> = partials.iter().flat_map(|p| p.runs.clone()).collect();
    runs.sort_by_key(|r| r.0);
    if runs.iter().enumerate().any(|(k, r)| r.0 != k) {
        return Err(UncertaintyError::Shards(
            "the shards' model runs do not add up to the design".into(),
        ));
    }
    let prepared = prepare(results, settings)?;
    sensitivity_indices(
        results,
        settings,
        &prepared.factors,
        runs.into_iter().map(|(_, r)| r).collect(),
    )
}

/// The ranks of `nodes` as `compute` gave them ([node][year][unit], in halves as a
/// replication's `model::Run`, 0 = no rank).
fn nominal_ranks(results: &Results, nodes: &[usize]) -> Vec<u32> {
    let panel = &results.panel;
    let mut out = Vec::with_capacity(nodes.len() * panel.years.len() * panel.units.len());
    for &node in nodes {
        for y in 0..panel.years.len() {
            for u in 0..panel.units.len() {
                out.push(results.rank(node, y, u).map_or(0, Rank::halves));
            }
        }
    }
    out
}

/// The error of a run whose choices the index cannot be computed with, naming them.
fn failed(
    run: String,
    c: &Choice,
    results: &Results,
    error: crate::error::ComputeError,
) -> UncertaintyError {
    use crate::named::Named;
    let fw = &results.spec.framework;
    let mut choices = Vec::new();
    if let Some(w) = c.weighting {
        choices.push(format!("weighting {}", w.name()));
    }
    if let Some(n) = &c.normalisation {
        choices.push(format!("normalisation {}", n.describe()));
    }
    if let Some(a) = c.aggregation {
        choices.push(format!("aggregation {}", a.describe()));
    }
    if let Some(i) = c.imputation {
        choices.push(format!("imputation {}", i.kind().name()));
    }
    if let Some(t) = c.treatment {
        choices.push(format!("treatment {}", t.kind().name()));
    }
    if let Some(e) = c.exclude {
        choices.push(format!("without {}", fw.nodes[fw.indicators[e]].id));
    }
    if c.sampling.is_some() {
        choices.push("survey values drawn from their sampling error".into());
    }
    if c.weights.iter().any(|&m| m != 1.0) {
        choices.push("weights perturbed".into());
    }
    if choices.is_empty() {
        choices.push("the spec's own".into());
    }
    UncertaintyError::Replication {
        run,
        choices: choices.join(", "),
        error,
    }
}
