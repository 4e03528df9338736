//! The whole computation as one pure function: spec + data -> panel -> normalised -> aggregated
//! -> ranked. The CLI and the tests both call `run`.

use std::path::Path;

use crate::aggregate::{Scores, aggregate};
use crate::error::{ComputeError, RunError as Error};
use crate::load::load;
use crate::normalise::{Normalised, normalise};
use crate::panel::Panel;
use crate::rank::{Move, Rank, Ranking, rank_by};
use crate::recipe::{Recipe, Weights};
use crate::spec::{Framework, Spec};

/// Everything a run computed, kept together so outputs can be written from one value.
#[derive(Debug, Clone)]
pub struct Results {
    pub spec: Spec,
    /// The values as loaded.
    pub panel: Panel,
    /// The values after imputation and outlier treatment, when the spec declares any; these
    /// are what was normalised.
    pub treated: Option<Panel>,
    /// Every imputed and treated cell.
    pub log: crate::treat::Log,
    /// The boundaries the series are on, and the region-years carried across a change.
    pub boundaries: crate::boundaries::Boundaries,
    pub carried: Vec<crate::boundaries::Carried>,
    /// What the computation noticed (PCA weights and their loadings).
    pub notes: Vec<String>,
    /// The methods and weights the stages applied, as the spec declares them.
    pub recipe: Recipe,
    /// The weights the aggregation used: the declared ones, with PCA weights computed.
    pub weights: Weights,
    pub normalised: Normalised,
    pub scores: Scores,
    ranks: Vec<Option<Rank>>,
    /// Indicators missing for every region in a year that other years have.
    pub breaks: Vec<crate::comparability::Break>,
    /// Per node and year position: built over a break (changes from or to it are left out).
    broken: Vec<bool>,
}

impl Results {
    /// Whether a node's score in a year is built over a break (see `comparability`).
    pub fn broken(&self, node: usize, year: usize) -> bool {
        self.broken[node * self.panel.years.len() + year]
    }

    pub fn rank(&self, node: usize, year: usize, unit: usize) -> Option<Rank> {
        let (n_years, n_units) = (self.panel.years.len(), self.panel.units.len());
        self.ranks[(node * n_years + year) * n_units + unit]
    }

    /// A node's ranks in two years among the units ranked in both, when the two years rank
    /// different sets of units (a region without data in one of them); `None` when they rank
    /// the same units, whose ranks then compare as they are. A move from rank 5 to rank 4 is
    /// then not a region dropping out above.
    pub fn common_ranks(
        &self,
        node: usize,
        from: usize,
        to: usize,
    ) -> Option<(Vec<Option<Rank>>, Vec<Option<Rank>>)> {
        let n_units = self.panel.units.len();
        let same = (0..n_units)
            .all(|u| self.rank(node, from, u).is_some() == self.rank(node, to, u).is_some());
        if same {
            return None;
        }
        let both: Vec<bool> = (0..n_units)
            .map(|u| self.rank(node, from, u).is_some() && self.rank(node, to, u).is_some())
            .collect();
        let ranks = |y: usize| {
            let column: Vec<Option<f64>> = (0..n_units)
                .map(|u| self.scores.get(node, y, u).filter(|_| both[u]))
                .collect();
            crate::rank::rank_by(&column, self.recipe.ranking)
        };
        Some((ranks(from), ranks(to)))
    }

    /// How many units a node's ranks in two years compare: those ranked in both years.
    pub fn ranked_in_both(&self, node: usize, from: usize, to: usize) -> usize {
        (0..self.panel.units.len())
            .filter(|&u| self.rank(node, from, u).is_some() && self.rank(node, to, u).is_some())
            .count()
    }

    /// The places each unit moved on a node from one year to another (positive = up), like
    /// for like: among the units ranked in both years (`common_ranks`, computed once for all
    /// units).
    pub fn rank_moves(&self, node: usize, from: usize, to: usize) -> Vec<Option<Move>> {
        let common = self.common_ranks(node, from, to);
        (0..self.panel.units.len())
            .map(|u| {
                let (before, after) = match &common {
                    None => (self.rank(node, from, u), self.rank(node, to, u)),
                    Some((b, a)) => (b[u], a[u]),
                };
                Some(Rank::moved(before?, after?))
            })
            .collect()
    }
}

/// Loads the data files and computes every node's scores and ranks.
pub fn run(spec: Spec, data: &[impl AsRef<Path>]) -> Result<Results, Error> {
    let panel = load(&spec, data)?;
    compute(spec, panel)
}

/// Computes scores and ranks from an already loaded panel, on today's boundaries.
pub fn compute(spec: Spec, panel: Panel) -> Result<Results, Error> {
    compute_on(spec, panel, crate::boundaries::Boundaries::Current)
}

/// Loads and computes with the series on the chosen boundaries.
pub fn run_on(
    spec: Spec,
    data: &[impl AsRef<Path>],
    boundaries: crate::boundaries::Boundaries,
) -> Result<Results, Error> {
    let panel = load(&spec, data)?;
    compute_on(spec, panel, boundaries)
}

/// Computes scores and ranks, with the series on the chosen boundaries.
pub fn compute_on(
    spec: Spec,
    panel: Panel,
    boundaries: crate::boundaries::Boundaries,
) -> Result<Results, Error> {
    let (panel, carried) = match crate::boundaries::apply(&spec, &panel, boundaries)? {
        Some((p, carried)) => (p, carried),
        None => (panel, Vec::new()),
    };
    let recipe = Recipe::of(&spec);
    let computed = stages(&spec.framework, &recipe, &panel)?;
    crate::timing::mark("stages");
    let (n_years, n_units) = (panel.years.len(), panel.units.len());
    // Nodes are ranked in parallel, each into its own part of the table, whatever the order
    // the threads finish in.
    // (A small panel is ranked on this thread: starting threads would cost more.)
    let ranks: Vec<Option<Rank>> = {
        use rayon::prelude::*;
        let per_node = (n_years * n_units).max(1);
        let mut ranks = vec![None; spec.framework.nodes.len() * n_years * n_units];
        let ranked: Vec<bool> = (0..n_units).map(|u| panel.is_pooled(u)).collect();
        let one = |(node, out): (usize, &mut [Option<Rank>])| {
            rank_node_into(
                &computed.scores,
                recipe.ranking,
                &ranked,
                node,
                n_years,
                out,
            )
        };
        if ranks.len() < 1 << 16 {
            ranks.chunks_mut(per_node).enumerate().for_each(one);
        } else {
            ranks.par_chunks_mut(per_node).enumerate().for_each(one);
        }
        ranks
    };
    crate::timing::mark("ranks");
    let breaks = crate::comparability::breaks(&spec, &panel);
    let broken = crate::comparability::broken(&spec, &panel, &breaks);
    Ok(Results {
        spec,
        panel,
        treated: computed.treated,
        log: computed.log,
        boundaries,
        carried,
        notes: computed.notes,
        recipe,
        weights: computed.weights,
        normalised: computed.normalised,
        scores: computed.scores,
        ranks,
        breaks,
        broken,
    })
}

/// What the stages after loading computed.
#[derive(Debug, Clone)]
pub struct Computed {
    pub treated: Option<Panel>,
    pub log: crate::treat::Log,
    pub normalised: Normalised,
    pub weights: Weights,
    pub notes: Vec<String>,
    pub scores: Scores,
}

/// The stages from the loaded values to the scores of every node: imputation and outlier
/// treatment, normalisation, weighting, aggregation. `compute` and every replication of the
/// uncertainty and sensitivity analyses run exactly this, each with its own recipe.
pub fn stages(fw: &Framework, recipe: &Recipe, panel: &Panel) -> Result<Computed, ComputeError> {
    let (treated, log) = match crate::treat::treat(recipe, panel)? {
        Some((t, log)) => (Some(t), log),
        None => (None, crate::treat::Log::default()),
    };
    let values = treated.as_ref().unwrap_or(panel);
    let normalised = normalise(recipe, values)?;
    let (weights, notes, scores) = weigh_and_aggregate(fw, recipe, values, &normalised)?;
    Ok(Computed {
        treated,
        log,
        normalised,
        weights,
        notes,
        scores,
    })
}

/// The stages after normalisation, weighting and aggregation, on `values` (the treated panel)
/// and their normalised scores: the weights used, what weighting noticed, every node's scores.
/// A replication whose choices leave the indicators' treatment and normalisation as the spec
/// has them (it varies weights, weightings or aggregations) starts here from compute's own
/// treated and normalised values: the earlier stages would give them again, value for value.
pub fn weigh_and_aggregate(
    fw: &Framework,
    recipe: &Recipe,
    values: &Panel,
    normalised: &Normalised,
) -> Result<(Weights, Vec<String>, Scores), ComputeError> {
    let (weights, notes) = crate::weight::weigh(fw, recipe, values, normalised)?;
    let scores = aggregate(fw, recipe, &weights, values, normalised)?;
    Ok((weights, notes, scores))
}

/// The ranks of one node's scores in every year ([year][unit]).
/// `ranked` says per unit whether it is ranked: a unit scored outside the regions (not
/// pooled) has no rank and takes no place among theirs.
pub fn rank_node(
    scores: &Scores,
    ranking: Ranking,
    ranked: &[bool],
    node: usize,
    n_years: usize,
) -> Vec<Option<Rank>> {
    let mut out = vec![None; n_years * ranked.len()];
    rank_node_into(scores, ranking, ranked, node, n_years, &mut out);
    out
}

/// `rank_node` into `out` ([year][unit]).
fn rank_node_into(
    scores: &Scores,
    ranking: Ranking,
    ranked: &[bool],
    node: usize,
    n_years: usize,
    out: &mut [Option<Rank>],
) {
    let n_units = ranked.len();
    let mut column = Vec::with_capacity(n_units);
    for (y, ranks) in out.chunks_mut(n_units.max(1)).enumerate().take(n_years) {
        column.clear();
        column.extend((0..n_units).map(|u| scores.get(node, y, u).filter(|_| ranked[u])));
        ranks.copy_from_slice(&rank_by(&column, ranking));
    }
}
