//! The statistical audit of an index (OECD/JRC Handbook, 2008, step 4; COINr's checks):
//! indicator statistics and outlier flags, correlations within groups and with the parent and
//! the index, Cronbach's alpha and a principal component analysis per group.
//!
//! Statistics are of the raw values; correlations, alpha and PCA of the normalised,
//! direction-aligned scores, so that a negative correlation means two indicators pull the
//! index in opposite directions.

use serde::Serialize;

use crate::pipeline::Results;
use crate::spec::NodeKind;
use crate::stats::{
    cronbach_alpha, first_component, kurtosis, mean_sd, p_value, pearson, skewness, spearman,
};
use crate::treat::needs_treatment;

/// Correlations above this are redundant pairs.
pub const REDUNDANT: f64 = 0.9;
/// Correlations not significant at this level are weak.
pub const SIGNIFICANCE: f64 = 0.05;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndicatorStats {
    pub indicator: String,
    pub year: i32,
    /// Regions with a value / regions present.
    pub availability: f64,
    pub n: usize,
    pub mean: Option<f64>,
    pub sd: Option<f64>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub skewness: Option<f64>,
    pub kurtosis: Option<f64>,
    /// |skewness| > 2 and kurtosis > 3.5.
    pub outlier: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Correlation {
    pub year: i32,
    /// The group the pair belongs to (for a child-parent or child-index pair: the child's parent).
    pub group: String,
    pub a: String,
    pub b: String,
    /// `siblings`, `parent` or `index`.
    pub relation: &'static str,
    pub n: usize,
    pub pearson: Option<f64>,
    pub spearman: Option<f64>,
    /// Two-sided p-value of the Pearson correlation (t-test with n - 2 degrees of freedom).
    pub p_value: Option<f64>,
    pub negative: bool,
    pub weak: bool,
    pub redundant: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupCoherence {
    pub year: i32,
    pub group: String,
    /// Children in the analysis and regions with every child's score.
    pub children: Vec<String>,
    pub n: usize,
    pub cronbach_alpha: Option<f64>,
    /// Eigenvalues of the children's correlation matrix, largest first.
    pub eigenvalues: Vec<f64>,
    /// Share of the variance the first component explains.
    pub first_share: Option<f64>,
    /// Loadings of the children on the first component (eigenvector x sqrt(eigenvalue)).
    pub loadings: Vec<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Audit {
    pub statistics: Vec<IndicatorStats>,
    pub correlations: Vec<Correlation>,
    pub groups: Vec<GroupCoherence>,
}

/// Runs the whole audit on computed results.
pub fn audit(results: &Results) -> Audit {
    let (spec, panel, scores) = (&results.spec, &results.panel, &results.scores);
    let fw = &spec.framework;
    let mut out = Audit {
        statistics: Vec::new(),
        correlations: Vec::new(),
        groups: Vec::new(),
    };
    for (y, &year) in panel.years.iter().enumerate() {
        let units = panel.present_units(y);
        for (i, id) in panel.indicators.iter().enumerate() {
            let x: Vec<f64> = units.iter().filter_map(|&u| panel.get(y, u, i)).collect();
            let (mean, sd) = if x.len() >= 2 {
                let (m, s) = mean_sd(&x);
                (Some(m), Some(s))
            } else {
                (x.first().copied(), None)
            };
            let (skew, kurt) = (skewness(&x), kurtosis(&x));
            out.statistics.push(IndicatorStats {
                indicator: id.clone(),
                year,
                availability: if units.is_empty() {
                    0.0
                } else {
                    x.len() as f64 / units.len() as f64
                },
                n: x.len(),
                mean,
                sd,
                min: x.iter().copied().reduce(f64::min),
                max: x.iter().copied().reduce(f64::max),
                skewness: skew,
                kurtosis: kurt,
                outlier: needs_treatment(skew, kurt),
            });
        }
        // Pairs of node scores over the regions that have both.
        let pair = |a: usize, b: usize| -> (Vec<f64>, Vec<f64>) {
            units
                .iter()
                .filter_map(|&u| Some((scores.get(a, y, u)?, scores.get(b, y, u)?)))
                .unzip()
        };
        let correlation = |group: usize, a: usize, b: usize, relation: &'static str| {
            let (xa, xb) = pair(a, b);
            let r = pearson(&xa, &xb);
            let p = r.and_then(|r| p_value(r, xa.len()));
            Correlation {
                year,
                group: fw.nodes[group].id.clone(),
                a: fw.nodes[a].id.clone(),
                b: fw.nodes[b].id.clone(),
                relation,
                n: xa.len(),
                pearson: r,
                spearman: spearman(&xa, &xb),
                p_value: p,
                negative: r.is_some_and(|r| r < 0.0),
                weak: p.is_some_and(|p| p > SIGNIFICANCE),
                redundant: r.is_some_and(|r| r > REDUNDANT),
            }
        };
        for (g, node) in fw.nodes.iter().enumerate() {
            let NodeKind::Group { .. } = node.kind else {
                continue;
            };
            let children = &node.children;
            for (k, &a) in children.iter().enumerate() {
                for &b in &children[k + 1..] {
                    out.correlations.push(correlation(g, a, b, "siblings"));
                }
                out.correlations.push(correlation(g, a, g, "parent"));
                if g != 0 {
                    out.correlations.push(correlation(g, a, 0, "index"));
                }
            }
            // Alpha and PCA over the regions with every child's score.
            let complete: Vec<usize> = units
                .iter()
                .copied()
                .filter(|&u| children.iter().all(|&c| scores.get(c, y, u).is_some()))
                .collect();
            let items: Vec<Vec<f64>> = children
                .iter()
                .map(|&c| {
                    complete
                        .iter()
                        .map(|&u| scores.get(c, y, u).unwrap_or(f64::NAN))
                        .collect()
                })
                .collect();
            let (eigenvalues, loadings) = if children.len() >= 2 && complete.len() >= 3 {
                let corr: Option<Vec<Vec<f64>>> = items
                    .iter()
                    .map(|a| items.iter().map(|b| pearson(a, b)).collect())
                    .collect();
                match corr {
                    Some(c) => first_component(&c),
                    None => (Vec::new(), Vec::new()),
                }
            } else {
                (Vec::new(), Vec::new())
            };
            out.groups.push(GroupCoherence {
                year,
                group: node.id.clone(),
                children: children.iter().map(|&c| fw.nodes[c].id.clone()).collect(),
                n: complete.len(),
                cronbach_alpha: cronbach_alpha(&items),
                first_share: eigenvalues.first().map(|l| l / children.len() as f64),
                eigenvalues,
                loadings,
            });
        }
    }
    out
}

/// Pearson correlations between all indicators in one year, as a heatmap chart.
pub fn correlation_chart(
    results: &Results,
    year: usize,
    lang: &str,
    title: &str,
) -> crate::chart::Chart {
    let fw = &results.spec.framework;
    let units = results.panel.present_units(year);
    let ids: Vec<usize> = fw.indicators.clone();
    let series = |n: usize| -> Vec<Option<f64>> {
        units
            .iter()
            .map(|&u| results.scores.get(n, year, u))
            .collect()
    };
    let rows = ids
        .iter()
        .map(|&a| {
            let sa = series(a);
            let values = ids
                .iter()
                .map(|&b| {
                    let sb = series(b);
                    let (x, y): (Vec<f64>, Vec<f64>) = sa
                        .iter()
                        .zip(&sb)
                        .filter_map(|(p, q)| Some(((*p)?, (*q)?)))
                        .unzip();
                    crate::stats::pearson(&x, &y)
                })
                .collect();
            (
                // Numbered, as the columns are: an indicator's name does not fit a column.
                format!(
                    "{}. {}",
                    ids.iter().position(|&i| i == a).expect("listed") + 1,
                    fw.nodes[a].name.get(lang).unwrap_or(&fw.nodes[a].id)
                ),
                values,
            )
        })
        .collect();
    crate::chart::Chart::Heatmap(crate::chart::Heatmap {
        title: format!("{title}, {}", results.panel.years[year]),
        columns: (1..=ids.len()).map(|k| k.to_string()).collect(),
        rows,
        scale: (-1.0, 1.0),
        cell_width: 46,
        decimals: 2,
    })
}
