//! Aggregation: scores of every node of the framework, from the normalised indicators up to
//! the index, under each group's method and missing-data rule.

use crate::diagnostic::Code;
use crate::error::ComputeError;
use crate::normalise::Normalised;
use crate::panel::Panel;
use crate::recipe::{GroupRecipe, Recipe, Weights};
use crate::spec::{Aggregation, Dispersion, Framework, MissingRule, Passes, Penalty, ShareOf};

/// Scores of every node (framework pre-order) x year x unit; `None` where the data are missing,
/// the unit is absent that year, or a group lacks the share of children its rule needs.
#[derive(Debug, Clone)]
pub struct Scores {
    n_years: usize,
    n_units: usize,
    values: Vec<Option<f64>>,
    /// Per node: a normalised group's aggregates before its normalisation (by year and unit).
    aggregates: Vec<Option<Vec<Option<f64>>>>,
    /// Per node: the bounds a normalised group's normalisation used, per year.
    pub bounds: Vec<Option<Vec<crate::normalise::YearBounds>>>,
    /// Region-years (year, unit) where a mean met a score it cannot take, under a lenient
    /// recipe (a replication); `compute` stops instead.
    pub failed: Vec<(usize, usize)>,
}

impl Scores {
    /// A node's score: a group's (normalised, rounded) score, an indicator's normalised one.
    pub fn get(&self, node: usize, year: usize, unit: usize) -> Option<f64> {
        self.values[(node * self.n_years + year) * self.n_units + unit]
    }

    /// A node's aggregate: for a group that normalises its aggregates, the value before that
    /// normalisation; otherwise its score.
    pub fn aggregate(&self, node: usize, year: usize, unit: usize) -> Option<f64> {
        match &self.aggregates[node] {
            Some(a) => a[year * self.n_units + unit],
            None => self.get(node, year, unit),
        }
    }

    /// Whether a node has an aggregate distinct from its score (it normalises it).
    pub fn has_aggregate(&self, node: usize) -> bool {
        self.aggregates[node].is_some()
    }
}

/// Aggregates the normalised indicators up the tree with the recipe's methods and the
/// weighting stage's weights, node by node from the indicators up: each group combines what
/// its children pass up (by its aggregation or its formula), then normalises its aggregates
/// across regions and years where it declares a normalisation, then rounds where it rounds.
///
/// A group's years are independent until its normalisation: on a large panel they are
/// combined on several threads, and the results are those of one pass (the same scores; the
/// failed region-years and the first error in node, year and unit order).
pub fn aggregate(
    fw: &Framework,
    recipe: &Recipe,
    weights: &Weights,
    panel: &Panel,
    normalised: &Normalised,
) -> Result<Scores, ComputeError> {
    let nodes = &fw.nodes;
    let (n_years, n_units) = (panel.years.len(), panel.units.len());
    let per = n_years * n_units;
    let mut values = vec![None; nodes.len() * per];
    let mut aggregates: Vec<Option<Vec<Option<f64>>>> = vec![None; nodes.len()];
    let mut bounds: Vec<Option<Vec<crate::normalise::YearBounds>>> = vec![None; nodes.len()];
    let present: Vec<Vec<usize>> = (0..n_years).map(|y| panel.present_units(y)).collect();
    for (column, &node) in fw.indicators.iter().enumerate() {
        let scores = &mut values[node * per..(node + 1) * per];
        for (y, units) in present.iter().enumerate() {
            for &u in units {
                scores[y * n_units + u] = normalised.get(y, u, column);
            }
        }
    }
    let mut failed = Vec::new();
    // Pre-order puts parents before children, so reverse order finishes children first.
    for node in (0..nodes.len()).rev() {
        let Some(group_recipe) = recipe.groups[node] else {
            continue;
        };
        let children = &nodes[node].children;
        let child_weights: Vec<f64> = children.iter().map(|&c| weights.get(c)).collect();
        let (head, tail) = values.split_at_mut((node + 1) * per);
        let column = &mut head[node * per..];
        {
            // What each child passes up: its score, or its aggregate where it says so.
            let child_columns: Vec<&[Option<f64>]> = children
                .iter()
                .map(|&c| match (&aggregates[c], recipe.steps[c].parent_takes) {
                    (Some(a), Passes::Aggregate) => a.as_slice(),
                    _ => &tail[(c - node - 1) * per..(c - node) * per],
                })
                .collect();
            let combine_year = |(y, out): (usize, &mut [Option<f64>])| {
                let one = OneYear {
                    fw,
                    recipe,
                    panel,
                    node,
                    group: group_recipe,
                    weights: &child_weights,
                    children: &child_columns,
                    y,
                };
                one.combine(&present[y], out)
            };
            let per_year: Vec<Result<Vec<usize>, ComputeError>> =
                if per * children.len() < 1 << 16 || n_years < 2 {
                    column
                        .chunks_mut(n_units.max(1))
                        .enumerate()
                        .map(combine_year)
                        .collect()
                } else {
                    use rayon::prelude::*;
                    column
                        .par_chunks_mut(n_units.max(1))
                        .enumerate()
                        .map(combine_year)
                        .collect()
                };
            for (y, result) in per_year.into_iter().enumerate() {
                failed.extend(result?.into_iter().map(|u| (y, u)));
            }
        }
        let steps = &recipe.steps[node];
        if let Some(method) = &steps.normalisation {
            // Both of its values are rounded where it rounds: a published sum of rounded
            // ranks is ranked as printed.
            let mut aggregate = column.to_vec();
            if let Some(d) = steps.round {
                for v in aggregate.iter_mut().flatten() {
                    *v = crate::spec::round(*v, d);
                }
            }
            let series = crate::normalise::Series {
                panel,
                id: nodes[node].id.clone(),
                what: format!("group \"{}\"", nodes[node].id),
                value: |y: usize, u: usize| aggregate[y * n_units + u],
            };
            // A group's scores already go the index's way: nothing to flip.
            let as_indicator = crate::recipe::IndicatorRecipe {
                direction: recipe.ranking.direction,
                flip: false,
                round: steps.round,
                normalisation: method.clone(),
                imputation: Default::default(),
                treatment: Default::default(),
            };
            let (b, scored) =
                crate::normalise::normalise_series(recipe.pooling, None, &as_indicator, &series)?;
            column.copy_from_slice(&scored);
            bounds[node] = Some(b);
            aggregates[node] = Some(aggregate);
        } else if let Some(d) = steps.round {
            for v in column.iter_mut().flatten() {
                *v = crate::spec::round(*v, d);
            }
        }
    }
    Ok(Scores {
        n_years,
        n_units,
        values,
        aggregates,
        bounds,
        failed,
    })
}

/// One group in one year: the children's columns (by year and unit) and where it sits.
struct OneYear<'a> {
    fw: &'a Framework,
    recipe: &'a Recipe,
    panel: &'a Panel,
    node: usize,
    group: GroupRecipe,
    weights: &'a [f64],
    children: &'a [&'a [Option<f64>]],
    y: usize,
}

impl OneYear<'_> {
    /// The group's scores of the present `units` into `out` (by unit): the units that failed
    /// (a lenient recipe), or the first error.
    fn combine(
        &self,
        units: &[usize],
        out: &mut [Option<f64>],
    ) -> Result<Vec<usize>, ComputeError> {
        let (nodes, panel, y) = (&self.fw.nodes, self.panel, self.y);
        let n_units = panel.units.len();
        let child = |k: usize, u: usize| self.children[k][y * n_units + u];
        let children = &nodes[self.node].children;
        let mut failed = Vec::new();
        // The group, region and year of an error, as fields.
        let at = |u: usize, e: ComputeError| {
            e.node(&nodes[self.node].id)
                .region(&panel.units.get(u).code)
                .year(panel.years[y])
        };
        let where_ = |u: usize| {
            format!(
                "region {}, year {}",
                panel.units.get(u).code,
                panel.years[y]
            )
        };
        if let Some(formula) = &self.recipe.steps[self.node].formula {
            let ids: Vec<&str> = children.iter().map(|&c| nodes[c].id.as_str()).collect();
            for &u in units {
                let lookup = |name: &str| {
                    ids.iter()
                        .position(|&id| id == name)
                        .and_then(|k| child(k, u))
                };
                match formula.expr.eval(&lookup) {
                    Ok(v) => out[u] = v,
                    Err(_) if self.recipe.lenient => {
                        out[u] = None;
                        failed.push(u);
                    }
                    Err(message) => {
                        return Err(at(u, ComputeError::new(
                            Code::FormulaUndefined,
                            format!(
                                "the formula of \"{}\" ({}) meets {message} ({})",
                                nodes[self.node].id,
                                formula.text,
                                where_(u)
                            ),
                        ))
                        .hint("guard the formula (e.g. if(x > 0, ln(x), 0)), or check the children's scores with cwi explain"));
                    }
                }
            }
            return Ok(failed);
        }
        let (aggregation, missing) = (self.group.aggregation, self.group.missing);
        let mut rows = Vec::with_capacity(units.len() * children.len());
        for &u in units {
            rows.extend((0..children.len()).map(|k| child(k, u)));
        }
        let lower = self.recipe.ranking.direction == crate::spec::Direction::Lower;
        let values = group(aggregation, missing, self.weights, &rows, lower);
        for (&u, v) in units.iter().zip(values) {
            match v {
                Ok(v) => out[u] = v,
                // A replication counts the region-year as failed and goes on.
                Err(_) if self.recipe.lenient => {
                    out[u] = None;
                    failed.push(u);
                }
                Err((k, value)) => return Err(at(u, ComputeError::new(
                    Code::AggregationUndefined,
                    format!(
                        "\"{}\" ({}) meets {value} from \"{}\" ({})",
                        nodes[self.node].id,
                        aggregation.describe(),
                        nodes[children[k]].id,
                        where_(u)
                    ),
                ))
                .hint("this mean needs positive scores: normalise onto a range above zero (e.g. range = [1, 100]) or aggregate this group with \"arithmetic\"")),
            }
        }
        Ok(failed)
    }
}

/// One group's scores in one year: `rows` holds each present region's children scores, one
/// row after the other, each in the order of `weights`. Methods that compare regions use every
/// row at once; the others combine each row on its own under the missing-data rule. A row's
/// `Err((child, value))` names a score a mean needing positive values cannot take. `lower`:
/// the index is lower-is-better, so methods comparing regions count the lower score as the
/// better one and give the better region the lower score.
pub fn group(
    aggregation: Aggregation,
    rule: MissingRule,
    weights: &[f64],
    rows: &[Option<f64>],
    lower: bool,
) -> Vec<Result<Option<f64>, (usize, f64)>> {
    let width = weights.len().max(1);
    if aggregation.across_regions() {
        let copeland = aggregation == Aggregation::Copeland;
        let scores = if lower {
            // The better region has the lower score: rank the negated scores, and turn the
            // result round (n + 1 - s for the mean rank, -points for Copeland).
            let negated: Vec<Option<f64>> = rows.iter().map(|v| v.map(|v| -v)).collect();
            let rows: Vec<&[Option<f64>]> = negated.chunks(width).collect();
            let out = across_regions(copeland, weights, &rows);
            let complete = out.iter().flatten().count() as f64;
            out.into_iter()
                .map(|s| s.map(|s| if copeland { -s } else { complete + 1.0 - s }))
                .collect()
        } else {
            let rows: Vec<&[Option<f64>]> = rows.chunks(width).collect();
            across_regions(copeland, weights, &rows)
        };
        scores.into_iter().map(Ok).collect()
    } else {
        rows.chunks(width)
            .map(|row| combine(aggregation, rule, weights, row))
            .collect()
    }
}

/// Scores of a method that compares regions: the mean of ranks, or Copeland's pairwise
/// majority when `copeland`. A region without every (weighted) child gets none.
fn across_regions(copeland: bool, weights: &[f64], rows: &[&[Option<f64>]]) -> Vec<Option<f64>> {
    let complete: Vec<usize> = (0..rows.len())
        .filter(|&r| {
            rows[r]
                .iter()
                .zip(weights)
                .all(|(v, &w)| w == 0.0 || v.is_some())
        })
        .collect();
    let mut out = vec![None; rows.len()];
    let value = |r: usize, c: usize| rows[r][c].unwrap_or(0.0);
    let total: f64 = weights.iter().sum();
    if !copeland {
        let n = complete.len() as f64;
        let mut mean = vec![0.0; complete.len()];
        for (c, &w) in weights.iter().enumerate().filter(|(_, w)| **w > 0.0) {
            // Rank 1 = best: average ranks of the negated scores.
            let negated: Vec<f64> = complete.iter().map(|&r| -value(r, c)).collect();
            for (k, rank) in crate::stats::average_ranks(&negated)
                .into_iter()
                .enumerate()
            {
                mean[k] += w * rank / total;
            }
        }
        for (k, &r) in complete.iter().enumerate() {
            out[r] = Some(n + 1.0 - mean[k]);
        }
    } else {
        let mut points = vec![0.0; complete.len()];
        for a in 0..complete.len() {
            for b in a + 1..complete.len() {
                let (mut wa, mut wb) = (0.0, 0.0);
                for (c, &w) in weights.iter().enumerate() {
                    let (x, y) = (value(complete[a], c), value(complete[b], c));
                    if x > y {
                        wa += w;
                    } else if y > x {
                        wb += w;
                    }
                }
                if wa > wb {
                    points[a] += 1.0;
                    points[b] -= 1.0;
                } else if wb > wa {
                    points[a] -= 1.0;
                    points[b] += 1.0;
                }
            }
        }
        for (k, &r) in complete.iter().enumerate() {
            out[r] = Some(points[k]);
        }
    }
    out
}

/// Combines one group's children for one unit and year. Missing children are left out and the
/// weights of the rest rescaled, if the available share reaches the rule's threshold (OECD/JRC
/// Handbook, 2008, step 3). `Err((child, value))` names a non-positive child of a geometric mean.
fn combine(
    aggregation: Aggregation,
    rule: MissingRule,
    weights: &[f64],
    values: &[Option<f64>],
) -> Result<Option<f64>, (usize, f64)> {
    let total_weight: f64 = weights.iter().sum();
    // (child, weight, score) of the children with a score, in order; iterated, not collected,
    // since this runs for every group, region and year of every replication.
    let available = || {
        values
            .iter()
            .zip(weights)
            .enumerate()
            .filter_map(|(k, (v, &w))| v.map(|v| (k, w, v)))
    };
    let share = match rule.share_of {
        ShareOf::Weight => available().map(|a| a.1).sum::<f64>() / total_weight,
        ShareOf::Count => available().count() as f64 / values.len() as f64,
    };
    // A small tolerance so that 2 of 3 children meet a declared 0.6667.
    if share + 1e-9 < rule.min_share {
        return Ok(None);
    }
    let weight: f64 = available().map(|a| a.1).sum();
    if weight <= 0.0 {
        return Ok(None);
    }
    // Children with weight 0 take no part in any mean.
    let used = || available().filter(|a| a.1 > 0.0);
    if aggregation.needs_positive()
        && let Some((k, _, v)) = used().find(|a| a.2 <= 0.0)
    {
        return Err((k, v));
    }
    let mean = |f: &dyn Fn(f64) -> f64| used().map(|(_, w, v)| w * f(v)).sum::<f64>() / weight;
    Ok(Some(match aggregation {
        Aggregation::Arithmetic => mean(&|v| v),
        Aggregation::Geometric => mean(&|v| v.ln()).exp(),
        Aggregation::ShiftedGeometric { offset } => {
            if let Some((k, _, v)) = used().find(|a| a.2 + offset <= 0.0) {
                return Err((k, v));
            }
            mean(&|v| (v + offset).ln()).exp() - offset
        }
        // Power means (Bullen, Handbook of Means, III.1): harmonic is p = -1.
        Aggregation::Harmonic => 1.0 / mean(&|v| 1.0 / v),
        Aggregation::Power { p } => mean(&|v| v.powf(p)).powf(1.0 / p),
        Aggregation::Minimum => used().map(|a| a.2).fold(f64::INFINITY, f64::min),
        Aggregation::Sum => used().count() as f64 * mean(&|v| v),
        // Mazziotta & Pareto (2016), "On a generalized non-compensatory composite index for
        // measuring socio-economic phenomena", Social Indicators Research 127: M - S * S / M.
        // Methods across regions are computed by `across_regions`, never row by row.
        Aggregation::RankMean | Aggregation::Copeland => return Ok(None),
        // The penalty S cv is subtracted for a positive index and added for a negative one;
        // S with n - 1 for `Dispersion::Sample` (Compind 3.4's `ci_mpi`, R's sd).
        Aggregation::Mpi {
            penalty,
            dispersion,
        } => {
            let m = mean(&|v| v);
            let n = used().count() as f64;
            let mut variance = mean(&|v| (v - m).powi(2));
            if dispersion == Dispersion::Sample {
                variance = if n > 1.0 {
                    variance * n / (n - 1.0)
                } else {
                    0.0
                };
            }
            let s = variance.sqrt();
            let penalty_term = if m == 0.0 { 0.0 } else { s * s / m };
            match penalty {
                Penalty::Positive => m - penalty_term,
                Penalty::Negative => m + penalty_term,
            }
        }
        // The weights as given: a missing child (where the rule allows one) adds nothing.
        Aggregation::WeightedSum => used().map(|(_, w, v)| w * v).sum(),
        Aggregation::Product => {
            if let Some((k, _, v)) = used().find(|a| a.2 < 0.0) {
                return Err((k, v));
            }
            used().map(|(_, w, v)| v.powf(w)).product()
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: MissingRule = MissingRule {
        min_share: 1.0,
        share_of: ShareOf::Weight,
    };

    #[test]
    fn arithmetic_and_geometric_weighted_means() {
        // (1*40 + 3*80) / 4 = 70
        let a = combine(
            Aggregation::Arithmetic,
            ALL,
            &[1.0, 3.0],
            &[Some(40.0), Some(80.0)],
        );
        assert_eq!(a, Ok(Some(70.0)));
        // (4^1 * 16^1)^(1/2) = 8
        let g = combine(
            Aggregation::Geometric,
            ALL,
            &[1.0, 1.0],
            &[Some(4.0), Some(16.0)],
        )
        .unwrap()
        .unwrap();
        assert!((g - 8.0).abs() < 1e-12);
    }

    #[test]
    fn missing_children_rescale_weights_above_the_threshold_only() {
        let half = MissingRule {
            min_share: 0.5,
            share_of: ShareOf::Weight,
        };
        let values = [Some(30.0), None, Some(60.0)];
        // available weight (1 + 2) / 4 = 0.75 >= 0.5; (1*30 + 2*60) / 3 = 50
        assert_eq!(
            combine(Aggregation::Arithmetic, half, &[1.0, 1.0, 2.0], &values),
            Ok(Some(50.0))
        );
        // by count 2/3 < 0.7: missing
        let count = MissingRule {
            min_share: 0.7,
            share_of: ShareOf::Count,
        };
        assert_eq!(
            combine(Aggregation::Arithmetic, count, &[1.0, 1.0, 2.0], &values),
            Ok(None)
        );
        assert_eq!(
            combine(Aggregation::Arithmetic, ALL, &[1.0, 1.0, 2.0], &values),
            Ok(None)
        );
    }

    #[test]
    fn the_other_means_by_hand() {
        let (w, v) = ([1.0, 1.0], [Some(4.0), Some(16.0)]);
        let c = |a| combine(a, ALL, &w, &v).unwrap().unwrap();
        // harmonic: 2 / (1/4 + 1/16) = 2 / 0.3125 = 6.4
        assert!((c(Aggregation::Harmonic) - 6.4).abs() < 1e-12);
        // power p = 2: sqrt((16 + 256) / 2) = sqrt(136) = 11.661904
        assert!((c(Aggregation::Power { p: 2.0 }) - 136f64.sqrt()).abs() < 1e-12);
        // p = 1 is the arithmetic mean
        assert!((c(Aggregation::Power { p: 1.0 }) - 10.0).abs() < 1e-12);
        assert_eq!(c(Aggregation::Minimum), 4.0);
        assert_eq!(c(Aggregation::Sum), 20.0);
        // shifted geometric, offset 1: sqrt(5 * 17) - 1 = 8.219544
        assert!(
            (c(Aggregation::ShiftedGeometric { offset: 1.0 }) - (85f64.sqrt() - 1.0)).abs() < 1e-12
        );
        // MPI: M = 10, S = 6 (population sd of 4 and 16), cv = 0.6: 10 - 6 * 0.6 = 6.4
        let mpi = |penalty, dispersion| {
            c(Aggregation::Mpi {
                penalty,
                dispersion,
            })
        };
        assert!((mpi(Penalty::Positive, Dispersion::Population) - 6.4).abs() < 1e-12);
        // Negative: 10 + 3.6 = 13.6. Sample sd: S^2 = 36 * 2 / 1 = 72, S cv = 72 / 10 = 7.2:
        // 2.8 and 17.2.
        assert!((mpi(Penalty::Negative, Dispersion::Population) - 13.6).abs() < 1e-12);
        assert!((mpi(Penalty::Positive, Dispersion::Sample) - 2.8).abs() < 1e-12);
        assert!((mpi(Penalty::Negative, Dispersion::Sample) - 17.2).abs() < 1e-12);
        // A balanced profile has no penalty.
        let flat = combine(
            Aggregation::Mpi {
                penalty: Penalty::Positive,
                dispersion: Dispersion::Population,
            },
            ALL,
            &w,
            &[Some(100.0), Some(100.0)],
        )
        .unwrap()
        .unwrap();
        assert_eq!(flat, 100.0);
        // Harmonic and negative powers refuse zero, like the geometric mean.
        assert_eq!(
            combine(Aggregation::Harmonic, ALL, &w, &[Some(4.0), Some(0.0)]),
            Err((1, 0.0))
        );
        assert!(
            combine(
                Aggregation::ShiftedGeometric { offset: 1.0 },
                ALL,
                &w,
                &[Some(4.0), Some(0.0)]
            )
            .is_ok()
        );
    }

    /// Three regions, two children of equal weight: A (90, 10), B (50, 60), C (40, 70).
    /// Ranks (1 = best): child 1: A 1, B 2, C 3; child 2: A 3, B 2, C 1; means 2, 2, 2, so every
    /// score is 3 + 1 - 2 = 2. Copeland: A-B 1:1 tie, A-C 1:1 tie, B-C 1:1 tie: all 0.
    /// With weights 2 and 1: mean ranks A (2*1 + 3)/3 = 5/3, B 2, C 7/3 -> A 7/3, B 2, C 5/3;
    /// Copeland: A beats B and C (weight 2 against 1), B beats C: A 2, B 0, C -2. A region
    /// missing a child gets no score and takes no part.
    #[test]
    fn rank_mean_and_copeland_compare_regions() {
        let rows = vec![
            vec![Some(90.0), Some(10.0)],
            vec![Some(50.0), Some(60.0)],
            vec![Some(40.0), Some(70.0)],
            vec![Some(1.0), None],
        ];
        let rows: Vec<&[Option<f64>]> = rows.iter().map(Vec::as_slice).collect();
        let equal = across_regions(false, &[1.0, 1.0], &rows);
        assert_eq!(equal, vec![Some(2.0), Some(2.0), Some(2.0), None]);
        assert_eq!(
            across_regions(true, &[1.0, 1.0], &rows),
            vec![Some(0.0), Some(0.0), Some(0.0), None]
        );
        let weighted = across_regions(false, &[2.0, 1.0], &rows);
        for (got, want) in weighted.iter().zip([7.0 / 3.0, 2.0, 5.0 / 3.0]) {
            assert!((got.unwrap() - want).abs() < 1e-12);
        }
        assert_eq!(
            across_regions(true, &[2.0, 1.0], &rows),
            vec![Some(2.0), Some(0.0), Some(-2.0), None]
        );
    }

    /// Weights 0.4 and 0.602 (summing to 1.002, as a published index's rounded weights):
    /// 0.4 * 50 + 0.602 * 80 = 20 + 48.16 = 68.16, not divided by 1.002. Product with
    /// exponents 1 and 2: 3 * 4^2 = 48; with 0.5 and 0.5: sqrt(3) * sqrt(4) = 2 sqrt(3).
    #[test]
    fn weighted_sums_and_products_take_the_weights_as_given() {
        let ws = combine(
            Aggregation::WeightedSum,
            ALL,
            &[0.4, 0.602],
            &[Some(50.0), Some(80.0)],
        )
        .unwrap()
        .unwrap();
        assert!((ws - 68.16).abs() < 1e-12);
        let p = |w: &[f64]| {
            combine(Aggregation::Product, ALL, w, &[Some(3.0), Some(4.0)])
                .unwrap()
                .unwrap()
        };
        assert!((p(&[1.0, 2.0]) - 48.0).abs() < 1e-12);
        assert!((p(&[0.5, 0.5]) - 2.0 * 3f64.sqrt()).abs() < 1e-12);
        // A zero makes the product zero; a negative child is refused.
        assert_eq!(
            combine(
                Aggregation::Product,
                ALL,
                &[1.0, 1.0],
                &[Some(3.0), Some(0.0)]
            ),
            Ok(Some(0.0))
        );
        assert_eq!(
            combine(
                Aggregation::Product,
                ALL,
                &[1.0, 1.0],
                &[Some(3.0), Some(-1.0)]
            ),
            Err((1, -1.0))
        );
    }

    #[test]
    fn geometric_mean_refuses_zero() {
        let r = combine(
            Aggregation::Geometric,
            ALL,
            &[1.0, 1.0],
            &[Some(50.0), Some(0.0)],
        );
        assert_eq!(r, Err((1, 0.0)));
    }
}
