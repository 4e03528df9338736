//! The index as a function of the uncertain choices: one evaluation per Monte Carlo
//! replication or sensitivity sample. Each runs the pipeline's own stages
//! (`pipeline::stages`: imputation, treatment, normalisation, weighting, aggregation) and its
//! ranking, on the loaded values prepared once, with the replication's choices substituted in
//! a copy of the spec's recipe; survey values are drawn from their sampling error first, as
//! they would have been loaded. There is no second implementation of the index to drift.

use std::borrow::Cow;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::aggregate::Scores;
use crate::error::ComputeError;
use crate::panel::Panel;
use crate::pipeline::{Results, rank_node, stages, weigh_and_aggregate};
use crate::rank::Rank;
use crate::recipe::Recipe;
use crate::spec::Weighting;
use crate::spec::{Aggregation, Impute, NodeKind, Normalisation, Treatment};

/// One set of choices; `None` keeps the spec's.
#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    /// Multiplier of every node's weight after the weighting stage (framework order).
    pub weights: Vec<f64>,
    pub weighting: Option<Weighting>,
    /// A normalisation for every indicator.
    pub normalisation: Option<Normalisation>,
    /// An aggregation for every group.
    pub aggregation: Option<Aggregation>,
    /// An imputation for every indicator.
    pub imputation: Option<Impute>,
    /// An outlier treatment for every indicator.
    pub treatment: Option<Treatment>,
    /// Indicator column left out (its weight set to 0).
    pub exclude: Option<usize>,
    /// Seed of the sampling-error draws, when survey values are drawn.
    pub sampling: Option<u64>,
}

/// The index prepared for repeated evaluation.
pub struct Model<'a> {
    results: &'a Results,
    /// The spec's recipe, every replication's starting point.
    nominal: Recipe,
    /// Cells with a standard error, in draw order: (year, unit, indicator, se).
    drawn: Vec<(usize, usize, usize, f64)>,
    /// Valid range of every indicator column, which drawn values are kept within.
    valid: Vec<Option<(f64, f64)>>,
    /// Per unit: whether it is ranked (a region pooled by the index), computed once.
    ranked: Vec<bool>,
}

impl<'a> Model<'a> {
    pub fn new(results: &'a Results) -> Self {
        let panel = &results.panel;
        let fw = &results.spec.framework;
        let (n_years, n_units, n_ind) =
            (panel.years.len(), panel.units.len(), panel.indicators.len());
        // Draw order: year, unit, indicator, as the cells are laid out.
        let mut drawn = Vec::new();
        for y in 0..n_years {
            for u in 0..n_units {
                if !panel.is_present(y, u) {
                    continue;
                }
                for i in 0..n_ind {
                    if let (Some(_), Some(se)) = (panel.get(y, u, i), panel.se(y, u, i))
                        && se > 0.0
                    {
                        drawn.push((y, u, i, se));
                    }
                }
            }
        }
        let valid = fw
            .indicators
            .iter()
            .map(|&n| match &fw.nodes[n].kind {
                NodeKind::Indicator(i) => i.valid,
                NodeKind::Group { .. } => None,
            })
            .collect();
        Model {
            results,
            nominal: results.recipe.clone(),
            drawn,
            valid,
            ranked: (0..n_units).map(|u| panel.is_pooled(u)).collect(),
        }
    }

    /// Whether any value has a sampling error to draw from.
    pub fn has_sampling_error(&self) -> bool {
        !self.drawn.is_empty()
    }

    /// The spec's own choices.
    pub fn nominal(&self) -> Choice {
        Choice {
            weights: vec![1.0; self.results.spec.framework.nodes.len()],
            weighting: None,
            normalisation: None,
            aggregation: None,
            imputation: None,
            treatment: None,
            exclude: None,
            sampling: None,
        }
    }

    /// The recipe of a choice: the spec's, with the choice substituted.
    pub fn recipe(&self, choice: &Choice) -> Recipe {
        let fw = &self.results.spec.framework;
        let mut recipe = self.nominal.clone();
        if let Some(w) = choice.weighting {
            recipe.set_weighting(fw, w);
        }
        if let Some(n) = &choice.normalisation {
            recipe.set_normalisation(n);
        }
        if let Some(a) = choice.aggregation {
            recipe.set_aggregation(a);
        }
        if let Some(i) = choice.imputation {
            recipe.set_imputation(i);
        }
        if let Some(t) = choice.treatment {
            recipe.set_treatment(t);
        }
        recipe.multipliers.clone_from(&choice.weights);
        // A mean meeting a score it cannot take fails that region-year, as COINr counts it.
        recipe.lenient = true;
        if let Some(e) = choice.exclude {
            recipe.multipliers[fw.indicators[e]] = 0.0;
        }
        recipe
    }

    /// The loaded values a choice starts from: survey values drawn from their sampling error
    /// (normal, kept within the indicator's valid range) when it says so.
    pub fn values(&self, choice: &Choice) -> Cow<'a, Panel> {
        let panel = &self.results.panel;
        let Some(seed) = choice.sampling else {
            return Cow::Borrowed(panel);
        };
        let mut drawn = panel.clone();
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        for &(y, u, i, se) in &self.drawn {
            let v = panel.get(y, u, i).expect("drawn cells have values") + se * normal(&mut rng);
            let v = match self.valid[i] {
                Some((lo, hi)) => v.clamp(lo, hi),
                None => v,
            };
            drawn.set(y, u, i, Some(v));
        }
        Cow::Owned(drawn)
    }

    /// Every node's scores under a choice: the pipeline's stages on the choice's values and
    /// recipe.
    pub fn scores(&self, choice: &Choice) -> Result<Scores, ComputeError> {
        let recipe = self.recipe(choice);
        let fw = &self.results.spec.framework;
        // Treatment and normalisation read only the values and the indicators' recipes: a
        // choice that keeps both takes compute's treated and normalised values instead of
        // making them again (at census-tract scale normalising was 40% of a replication).
        let keeps_values = choice.sampling.is_none()
            && choice.imputation.is_none()
            && choice.treatment.is_none()
            && choice.normalisation.is_none();
        if keeps_values {
            let r = self.results;
            let values = r.treated.as_ref().unwrap_or(&r.panel);
            return Ok(weigh_and_aggregate(fw, &recipe, values, &r.normalised)?.2);
        }
        let values = self.values(choice);
        Ok(stages(fw, &recipe, &values)?.scores)
    }

    /// Ranks of the index for every year and unit ([year][unit], in halves, 0 = no rank), and which
    /// region-years failed (a mean met a score it cannot take): those take no rank, and the
    /// other regions are ranked without them.
    pub fn ranks(&self, choice: &Choice) -> Result<Run, ComputeError> {
        self.ranks_of(choice, &[0])
    }

    /// The ranks of `nodes` ([node][year][unit], in halves, 0 = no rank), and which region-years failed
    /// ([year][unit]); a failed region-year takes no rank at any node.
    pub fn ranks_of(&self, choice: &Choice, nodes: &[usize]) -> Result<Run, ComputeError> {
        let scores = self.scores(choice)?;
        let panel = &self.results.panel;
        let (ny, nu) = (panel.years.len(), panel.units.len());
        let mut failed = vec![false; ny * nu];
        for &(y, u) in &scores.failed {
            failed[y * nu + u] = true;
        }
        let mut ranks = Vec::with_capacity(nodes.len() * ny * nu);
        for &node in nodes {
            if scores.failed.is_empty() {
                ranks.extend(rank_node(
                    &scores,
                    self.results.recipe.ranking,
                    &self.ranked,
                    node,
                    ny,
                ));
            } else {
                for y in 0..ny {
                    let column: Vec<Option<f64>> = (0..nu)
                        .map(|u| {
                            scores
                                .get(node, y, u)
                                .filter(|_| !failed[y * nu + u] && self.ranked[u])
                        })
                        .collect();
                    ranks.extend(crate::rank::rank_by(&column, self.results.recipe.ranking));
                }
            }
        }
        Ok(Run {
            ranks: ranks
                .into_iter()
                .map(|r| r.map_or(0, Rank::halves))
                .collect(),
            failed,
        })
    }

    /// The lowest score a normalisation (the spec's own with `None`) gives on the loaded
    /// values, imputed and treated as the spec says, if any.
    pub fn lowest_score(
        &self,
        normalisation: Option<&Normalisation>,
    ) -> Result<Option<f64>, ComputeError> {
        let mut recipe = self.nominal.clone();
        if let Some(n) = normalisation {
            recipe.set_normalisation(n);
        }
        let panel = &self.results.panel;
        let treated = crate::treat::treat(&recipe, panel)?;
        let values = treated.as_ref().map_or(panel, |(t, _)| t);
        let normalised = crate::normalise::normalise(&recipe, values)?;
        let mut lowest: Option<f64> = None;
        for y in 0..values.years.len() {
            for u in values.present_units(y) {
                for i in 0..values.indicators.len() {
                    if let Some(v) = normalised.get(y, u, i) {
                        lowest = Some(lowest.map_or(v, |l| l.min(v)));
                    }
                }
            }
        }
        Ok(lowest)
    }
}

/// One replication's ranks ([year][unit]) in halves (`Rank::halves`: 4 is rank 2, 5 is 2.5;
/// 0 = no rank), and failed region-years.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    pub ranks: Vec<u32>,
    pub failed: Vec<bool>,
}

/// A standard normal draw (Box-Muller).
pub fn normal(rng: &mut impl Rng) -> f64 {
    let u: f64 = rng.random::<f64>().max(f64::MIN_POSITIVE);
    let v: f64 = rng.random();
    (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
}
