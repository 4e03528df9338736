//! The index as a function of the uncertain choices: one evaluation per Monte Carlo replication
//! or sensitivity sample, on dense arrays prepared once, reusing the pipeline's normalisation
//! and aggregation formulas (so that no choice reproduces the nominal results exactly).

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::normalise::{Context, fit, score};
use crate::pipeline::Results;
use crate::rank::rank;
use crate::spec::{Aggregation, Imputation, Indicator, NodeKind, Normalisation, Pooling};

/// One set of choices.
#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    /// Weight of every node (framework order).
    pub weights: Vec<f64>,
    /// A normalisation for every indicator, or `None` for the spec's.
    pub normalisation: Option<Normalisation>,
    /// An aggregation for every group, or `None` for the spec's.
    pub aggregation: Option<Aggregation>,
    pub imputation: Imputation,
    /// Indicator column left out.
    pub exclude: Option<usize>,
    /// Seed of the sampling-error draws, when survey values are drawn.
    pub sampling: Option<u64>,
}

/// The index prepared for repeated evaluation.
pub struct Model<'a> {
    results: &'a Results,
    n_years: usize,
    n_units: usize,
    n_ind: usize,
    /// Raw values [year][unit][indicator], NaN where missing or absent.
    raw: Vec<f64>,
    /// Standard errors, same layout, NaN where none.
    se: Vec<f64>,
    present: Vec<Vec<usize>>,
    indicators: Vec<Indicator>,
    /// Node of each indicator column.
    nodes_of: Vec<usize>,
}

impl<'a> Model<'a> {
    pub fn new(results: &'a Results) -> Self {
        let panel = results.values();
        let fw = &results.spec.framework;
        let (n_years, n_units, n_ind) =
            (panel.years.len(), panel.units.len(), panel.indicators.len());
        let mut raw = vec![f64::NAN; n_years * n_units * n_ind];
        let mut se = vec![f64::NAN; n_years * n_units * n_ind];
        for y in 0..n_years {
            for u in panel.present_units(y) {
                for i in 0..n_ind {
                    let at = (y * n_units + u) * n_ind + i;
                    raw[at] = panel.get(y, u, i).unwrap_or(f64::NAN);
                    se[at] = panel.se(y, u, i).unwrap_or(f64::NAN);
                }
            }
        }
        let indicators = fw
            .indicators
            .iter()
            .map(|&n| match &fw.nodes[n].kind {
                NodeKind::Indicator(i) => i.clone(),
                NodeKind::Group { .. } => unreachable!("indicator columns are indicator nodes"),
            })
            .collect();
        Model {
            results,
            n_years,
            n_units,
            n_ind,
            raw,
            se,
            present: (0..n_years).map(|y| panel.present_units(y)).collect(),
            indicators,
            nodes_of: fw.indicators.clone(),
        }
    }

    /// Whether any cell has a standard error.
    pub fn has_sampling_error(&self) -> bool {
        self.se.iter().any(|s| s.is_finite())
    }

    pub fn outputs(&self) -> usize {
        self.n_years * self.n_units
    }

    /// The spec's own choices.
    pub fn nominal(&self) -> Choice {
        Choice {
            weights: self
                .results
                .spec
                .framework
                .nodes
                .iter()
                .map(|n| n.weight)
                .collect(),
            normalisation: None,
            aggregation: None,
            imputation: Imputation::None,
            exclude: None,
            sampling: None,
        }
    }

    /// Ranks of the index for every year and unit ([year][unit], 0 = no rank).
    pub fn ranks(&self, choice: &Choice) -> Vec<u32> {
        let (ny, nu, ni) = (self.n_years, self.n_units, self.n_ind);
        let fw = &self.results.spec.framework;
        let mut x = self.raw.clone();
        if let Some(seed) = choice.sampling {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            for (v, s) in x.iter_mut().zip(&self.se) {
                if v.is_finite() && s.is_finite() && *s > 0.0 {
                    *v += s * normal(&mut rng);
                }
            }
            for (i, ind) in self.indicators.iter().enumerate() {
                if let Some((lo, hi)) = ind.valid {
                    for y in 0..ny {
                        for u in 0..nu {
                            let v = &mut x[(y * nu + u) * ni + i];
                            *v = v.clamp(lo, hi);
                        }
                    }
                }
            }
        }
        if choice.imputation != Imputation::None {
            for i in 0..ni {
                for y in 0..ny {
                    let mut vals: Vec<f64> = self.present[y]
                        .iter()
                        .map(|&u| x[(y * nu + u) * ni + i])
                        .filter(|v| v.is_finite())
                        .collect();
                    if vals.is_empty() {
                        continue;
                    }
                    let fill = match choice.imputation {
                        Imputation::Mean => vals.iter().sum::<f64>() / vals.len() as f64,
                        _ => {
                            vals.sort_by(f64::total_cmp);
                            let m = vals.len() / 2;
                            if vals.len() % 2 == 1 {
                                vals[m]
                            } else {
                                (vals[m - 1] + vals[m]) / 2.0
                            }
                        }
                    };
                    for &u in &self.present[y] {
                        let v = &mut x[(y * nu + u) * ni + i];
                        if !v.is_finite() {
                            *v = fill;
                        }
                    }
                }
            }
        }
        // Node scores [node][year][unit].
        let n_nodes = fw.nodes.len();
        let mut s = vec![f64::NAN; n_nodes * ny * nu];
        let pooling = self.results.spec.pooling;
        let x = &x;
        for i in 0..ni {
            if choice.exclude == Some(i) {
                continue;
            }
            let mut ind = self.indicators[i].clone();
            if let Some(n) = &choice.normalisation {
                ind.normalisation = n.clone();
            }
            let panel = &self.results.panel;
            let reference = match &ind.normalisation {
                Normalisation::Reference { region } => panel.units.find(region),
                _ => None,
            };
            let base = match &ind.normalisation {
                Normalisation::BaseYear { year } => panel.year_position(*year),
                _ => None,
            };
            let pool = |y: usize| -> Vec<f64> {
                let years: Vec<usize> = match pooling {
                    Pooling::EachYear => vec![y],
                    Pooling::AllYears => (0..ny).collect(),
                    Pooling::ReferenceYear(r) => {
                        self.results.panel.year_position(r).into_iter().collect()
                    }
                };
                years
                    .into_iter()
                    .flat_map(|y| {
                        self.present[y]
                            .iter()
                            .map(move |&u| x[(y * nu + u) * ni + i])
                    })
                    .filter(|v| v.is_finite())
                    .collect()
            };
            let sorted = |y: usize| {
                let mut p = pool(y);
                p.sort_by(f64::total_cmp);
                p
            };
            let shared = if pooling == Pooling::EachYear {
                None
            } else {
                let p = sorted(0);
                Some((fit(&ind.normalisation, &p), p))
            };
            for y in 0..ny {
                let (bounds, p) = match &shared {
                    Some((b, p)) => (*b, p.clone()),
                    None => {
                        let p = sorted(y);
                        (fit(&ind.normalisation, &p), p)
                    }
                };
                let bounds = match reference {
                    Some(r) => {
                        let v = x[(y * nu + r) * ni + i];
                        (v.is_finite() && v != 0.0)
                            .then_some(crate::normalise::Bounds::Reference { region: v })
                    }
                    None => bounds,
                };
                let Some(bounds) = bounds else { continue };
                for &u in &self.present[y] {
                    let v = x[(y * nu + u) * ni + i];
                    let context = Context {
                        pool: &p,
                        base: base
                            .map(|by| x[(by * nu + u) * ni + i])
                            .filter(|b| b.is_finite()),
                    };
                    if v.is_finite()
                        && let Ok(Some(sc)) = score(&ind, bounds, v, &context)
                    {
                        s[(self.nodes_of[i] * ny + y) * nu + u] = sc;
                    }
                }
            }
        }
        for node in (0..n_nodes).rev() {
            let NodeKind::Group {
                aggregation,
                missing,
            } = fw.nodes[node].kind
            else {
                continue;
            };
            let aggregation = choice.aggregation.unwrap_or(aggregation);
            let children = &fw.nodes[node].children;
            let weights: Vec<f64> = children
                .iter()
                .map(|&c| {
                    if choice.exclude.is_some_and(|e| self.nodes_of[e] == c) {
                        0.0
                    } else {
                        choice.weights[c]
                    }
                })
                .collect();
            if weights.iter().all(|w| *w == 0.0) {
                continue;
            }
            for y in 0..ny {
                let rows: Vec<Vec<Option<f64>>> = self.present[y]
                    .iter()
                    .map(|&u| {
                        children
                            .iter()
                            .map(|&c| {
                                let v = s[(c * ny + y) * nu + u];
                                v.is_finite().then_some(v)
                            })
                            .collect()
                    })
                    .collect();
                // A geometric mean meeting zero has no value in this replication.
                if let Ok(values) = crate::aggregate::group(aggregation, missing, &weights, &rows) {
                    for (&u, v) in self.present[y].iter().zip(values) {
                        if let Some(v) = v {
                            s[(node * ny + y) * nu + u] = v;
                        }
                    }
                }
            }
        }
        let mut out = vec![0u32; ny * nu];
        for y in 0..ny {
            let column: Vec<Option<f64>> = (0..nu)
                .map(|u| {
                    let v = s[y * nu + u];
                    v.is_finite().then_some(v)
                })
                .collect();
            for (u, r) in rank(&column).into_iter().enumerate() {
                out[y * nu + u] = r.unwrap_or(0);
            }
        }
        out
    }
}

/// A standard normal draw (Box-Muller).
pub fn normal(rng: &mut impl Rng) -> f64 {
    let u: f64 = rng.random::<f64>().max(f64::MIN_POSITIVE);
    let v: f64 = rng.random();
    (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
}
