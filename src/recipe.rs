//! The recipe: the methods and weights every stage applies, node by node, as plain values.
//!
//! `Recipe::of` reads them from a validated spec, which is never changed afterwards; the
//! uncertainty and sensitivity analyses substitute a replication's choices in a copy and run
//! the same stages on it (COINr's `Regen`: the index itself, perturbed).

use crate::spec::{
    Aggregation, Direction, Framework, Impute, MissingRule, NodeKind, Normalisation, Pooling,
    Screening, Spec, Treatment, Weighting,
};

/// How one indicator is computed.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorRecipe {
    pub direction: Direction,
    /// Whether its scale is flipped: its direction is not the index's (a lower-is-better
    /// indicator in a higher-is-better index, or the other way round).
    pub flip: bool,
    /// Decimals its score is rounded to (`round`).
    pub round: Option<u32>,
    pub imputation: Impute,
    pub treatment: Treatment,
    pub normalisation: Normalisation,
}

/// How one group combines its children.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GroupRecipe {
    pub aggregation: Aggregation,
    pub missing: MissingRule,
}

/// Every choice the stages read, per indicator column and per node.
#[derive(Debug, Clone, PartialEq)]
pub struct Recipe {
    /// Whether the index's scores are higher- or lower-is-better, and the rank ties share:
    /// how every node is ranked.
    pub ranking: crate::rank::Ranking,
    /// Which years normalisation draws its bounds from.
    pub pooling: Pooling,
    /// Region-years left out for too few indicator values.
    pub screening: Option<Screening>,
    /// Per indicator column (the panel's order).
    pub indicators: Vec<IndicatorRecipe>,
    /// Per node (framework order): `None` for an indicator.
    pub groups: Vec<Option<GroupRecipe>>,
    /// Per node: its weight within its parent before the weighting stage.
    pub weights: Vec<f64>,
    /// Groups whose children's weights the weighting stage takes from a PCA.
    pub pca: Vec<usize>,
    /// Per node: a factor the weighting stage multiplies its weight by (1 in the spec's
    /// recipe; a replication's perturbation, or 0 to leave an indicator out).
    pub multipliers: Vec<f64>,
    /// Whether a mean meeting a score it cannot take leaves the region-year failed (a
    /// replication, as COINr counts it) instead of stopping the run (`compute`).
    pub lenient: bool,
    /// Bounds frozen at a published edition, which normalisation takes instead of drawing
    /// them (shared: replications copy the recipe).
    pub frozen: Option<std::sync::Arc<crate::spec::frozen::FrozenBounds>>,
    /// Per node: its formula, normalisation, rounding and what it passes to its parent
    /// (shared: replications copy the recipe and do not vary them).
    pub steps: std::sync::Arc<Vec<crate::spec::Steps>>,
}

impl Recipe {
    /// The spec's own choices.
    pub fn of(spec: &Spec) -> Recipe {
        let fw = &spec.framework;
        let indicators = fw
            .indicators
            .iter()
            .map(|&n| match &fw.nodes[n].kind {
                NodeKind::Indicator(i) => IndicatorRecipe {
                    direction: i.direction,
                    flip: i.direction != spec.index.direction,
                    round: fw.nodes[n].steps.round,
                    imputation: i.imputation,
                    treatment: i.treatment,
                    normalisation: i.normalisation.clone(),
                },
                NodeKind::Group { .. } => unreachable!("framework.indicators lists indicators"),
            })
            .collect();
        let groups = fw
            .nodes
            .iter()
            .map(|n| match n.kind {
                NodeKind::Group {
                    aggregation,
                    missing,
                } => Some(GroupRecipe {
                    aggregation,
                    missing,
                }),
                NodeKind::Indicator(_) => None,
            })
            .collect();
        Recipe {
            ranking: crate::rank::Ranking {
                direction: spec.index.direction,
                ties: spec.index.ties,
            },
            pooling: spec.pooling,
            screening: spec.screening,
            indicators,
            groups,
            weights: fw.nodes.iter().map(|n| n.weight).collect(),
            multipliers: vec![1.0; fw.nodes.len()],
            lenient: false,
            frozen: spec.frozen.clone().map(std::sync::Arc::new),
            steps: std::sync::Arc::new(fw.nodes.iter().map(|n| n.steps.clone()).collect()),
            pca: fw
                .pca
                .iter()
                .map(|id| fw.position(id).expect("validated group"))
                .collect(),
        }
    }

    /// Every imputation, treatment or normalisation replaced by one alternative.
    pub fn set_imputation(&mut self, imputation: Impute) {
        for i in &mut self.indicators {
            i.imputation = imputation;
        }
    }

    pub fn set_treatment(&mut self, treatment: Treatment) {
        for i in &mut self.indicators {
            i.treatment = treatment;
        }
    }

    pub fn set_normalisation(&mut self, normalisation: &Normalisation) {
        for i in &mut self.indicators {
            i.normalisation = normalisation.clone();
        }
    }

    /// Every group's aggregation replaced by one alternative (missing-data rules kept).
    pub fn set_aggregation(&mut self, aggregation: Aggregation) {
        for g in self.groups.iter_mut().flatten() {
            g.aggregation = aggregation;
        }
    }

    /// The weights of every group from `weighting` (on a recipe of the spec's weights).
    pub fn set_weighting(&mut self, fw: &Framework, weighting: Weighting) {
        match weighting {
            Weighting::Declared => {}
            Weighting::Equal => {
                self.weights = vec![1.0; fw.nodes.len()];
                self.pca.clear();
            }
            Weighting::Pca => {
                self.pca = (0..fw.nodes.len())
                    .filter(|&n| {
                        let children = &fw.nodes[n].children;
                        children.len() >= 2
                            && children
                                .iter()
                                .all(|&c| matches!(fw.nodes[c].kind, NodeKind::Indicator(_)))
                    })
                    .collect();
            }
        }
    }
}

/// The weight of every node within its parent (framework order), as the aggregation used them:
/// the declared weights, with those of PCA-weighted groups computed from the data.
#[derive(Debug, Clone, PartialEq)]
pub struct Weights(pub Vec<f64>);

impl Weights {
    pub fn get(&self, node: usize) -> f64 {
        self.0[node]
    }

    /// The weight of a node within its parent, the siblings' weights summing to 1.
    pub fn relative(&self, fw: &Framework, node: usize) -> f64 {
        match fw.nodes[node].parent {
            None => 1.0,
            Some(p) => {
                let total: f64 = fw.nodes[p].children.iter().map(|&c| self.0[c]).sum();
                self.0[node] / total
            }
        }
    }

    /// The share of a node in the index: the product of relative weights on its path
    /// (OECD/JRC Handbook, "effective weights"). Exact for arithmetic aggregation.
    pub fn effective(&self, fw: &Framework, node: usize) -> f64 {
        let mut w = 1.0;
        let mut at = Some(node);
        while let Some(n) = at {
            w *= self.relative(fw, n);
            at = fw.nodes[n].parent;
        }
        w
    }
}
