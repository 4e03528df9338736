//! The statistical audit of an index (OECD/JRC Handbook, 2008, step 4; COINr's checks):
//! indicator statistics and outlier flags, correlations within groups and with the parent and
//! the index, Cronbach's alpha and a principal component analysis per group.
//!
//! Statistics are of the raw values; correlations, alpha and PCA of the normalised,
//! direction-aligned scores, so that a negative correlation means two indicators pull the
//! index in opposite directions.

use serde::Serialize;
use statrs::distribution::{ContinuousCDF, StudentsT};

use crate::pipeline::Results;
use crate::spec::NodeKind;

/// Skewness and kurtosis beyond which an indicator needs treatment (JRC rule).
pub const SKEW_LIMIT: f64 = 2.0;
pub const KURTOSIS_LIMIT: f64 = 3.5;
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

/// Sample mean and standard deviation (n - 1).
pub fn mean_sd(x: &[f64]) -> (f64, f64) {
    let n = x.len() as f64;
    let mean = x.iter().sum::<f64>() / n;
    let var = x.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, var.sqrt())
}

/// Adjusted Fisher-Pearson skewness (Excel's SKEW): n/((n-1)(n-2)) * sum(z^3), z with the
/// sample sd. Needs n >= 3 and some spread.
pub fn skewness(x: &[f64]) -> Option<f64> {
    let n = x.len() as f64;
    let (mean, sd) = mean_sd(x);
    (x.len() >= 3 && sd > 0.0).then(|| {
        n / ((n - 1.0) * (n - 2.0)) * x.iter().map(|v| ((v - mean) / sd).powi(3)).sum::<f64>()
    })
}

/// Bias-corrected excess kurtosis (Excel's KURT). Needs n >= 4 and some spread.
pub fn kurtosis(x: &[f64]) -> Option<f64> {
    let n = x.len() as f64;
    let (mean, sd) = mean_sd(x);
    (x.len() >= 4 && sd > 0.0).then(|| {
        let s4 = x.iter().map(|v| ((v - mean) / sd).powi(4)).sum::<f64>();
        n * (n + 1.0) / ((n - 1.0) * (n - 2.0) * (n - 3.0)) * s4
            - 3.0 * (n - 1.0).powi(2) / ((n - 2.0) * (n - 3.0))
    })
}

/// Pearson's correlation of paired values; `None` without spread.
pub fn pearson(a: &[f64], b: &[f64]) -> Option<f64> {
    if a.len() < 2 {
        return None;
    }
    let (ma, mb) = (
        a.iter().sum::<f64>() / a.len() as f64,
        b.iter().sum::<f64>() / b.len() as f64,
    );
    let (mut sab, mut saa, mut sbb) = (0.0, 0.0, 0.0);
    for (x, y) in a.iter().zip(b) {
        sab += (x - ma) * (y - mb);
        saa += (x - ma).powi(2);
        sbb += (y - mb).powi(2);
    }
    (saa > 0.0 && sbb > 0.0).then(|| (sab / (saa * sbb).sqrt()).clamp(-1.0, 1.0))
}

/// Ranks with ties sharing their average rank (for Spearman's correlation).
pub fn average_ranks(x: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..x.len()).collect();
    order.sort_by(|&i, &j| x[i].total_cmp(&x[j]));
    let mut ranks = vec![0.0; x.len()];
    let mut k = 0;
    while k < order.len() {
        let mut end = k;
        while end + 1 < order.len() && x[order[end + 1]] == x[order[k]] {
            end += 1;
        }
        let rank = (k + end) as f64 / 2.0 + 1.0;
        for &i in &order[k..=end] {
            ranks[i] = rank;
        }
        k = end + 1;
    }
    ranks
}

/// Spearman's rank correlation: Pearson's correlation of the average ranks.
pub fn spearman(a: &[f64], b: &[f64]) -> Option<f64> {
    pearson(&average_ranks(a), &average_ranks(b))
}

/// Two-sided p-value of a Pearson correlation r over n pairs.
pub fn p_value(r: f64, n: usize) -> Option<f64> {
    if n < 3 {
        return None;
    }
    if r.abs() >= 1.0 {
        return Some(0.0);
    }
    let df = (n - 2) as f64;
    let t = r * (df / (1.0 - r * r)).sqrt();
    let dist = StudentsT::new(0.0, 1.0, df).ok()?;
    Some(2.0 * (1.0 - dist.cdf(t.abs())))
}

/// Cronbach's alpha of k items over the same cases: k/(k-1) * (1 - sum(var_i)/var(total)).
pub fn cronbach_alpha(items: &[Vec<f64>]) -> Option<f64> {
    let k = items.len();
    if k < 2 || items[0].len() < 2 {
        return None;
    }
    let var = |x: &[f64]| mean_sd(x).1.powi(2);
    let total: Vec<f64> = (0..items[0].len())
        .map(|i| items.iter().map(|it| it[i]).sum())
        .collect();
    let vt = var(&total);
    (vt > 0.0).then(|| {
        k as f64 / (k as f64 - 1.0) * (1.0 - items.iter().map(|it| var(it)).sum::<f64>() / vt)
    })
}

/// Eigenvalues (descending) and eigenvectors (columns) of a symmetric matrix, by Jacobi
/// rotations (Golub & Van Loan, Matrix Computations, 8.5).
pub fn symmetric_eigen(m: &[Vec<f64>]) -> (Vec<f64>, Vec<Vec<f64>>) {
    let n = m.len();
    let mut a = m.to_vec();
    let mut v: Vec<Vec<f64>> = (0..n)
        .map(|i| (0..n).map(|j| f64::from(u8::from(i == j))).collect())
        .collect();
    for _sweep in 0..100 {
        let off: f64 = (0..n)
            .flat_map(|i| (0..n).filter(move |&j| j != i).map(move |j| (i, j)))
            .map(|(i, j)| a[i][j].powi(2))
            .sum();
        if off < 1e-22 {
            break;
        }
        for p in 0..n {
            for q in p + 1..n {
                if a[p][q].abs() < 1e-300 {
                    continue;
                }
                let theta = (a[q][q] - a[p][p]) / (2.0 * a[p][q]);
                let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                let t = if theta == 0.0 { 1.0 } else { t };
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s = t * c;
                for k in 0..n {
                    let (akp, akq) = (a[k][p], a[k][q]);
                    a[k][p] = c * akp - s * akq;
                    a[k][q] = s * akp + c * akq;
                }
                for k in 0..n {
                    let (apk, aqk) = (a[p][k], a[q][k]);
                    a[p][k] = c * apk - s * aqk;
                    a[q][k] = s * apk + c * aqk;
                }
                for row in v.iter_mut() {
                    let (vkp, vkq) = (row[p], row[q]);
                    row[p] = c * vkp - s * vkq;
                    row[q] = s * vkp + c * vkq;
                }
            }
        }
    }
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&i, &j| a[j][j].total_cmp(&a[i][i]));
    let values = order.iter().map(|&i| a[i][i]).collect();
    let vectors = order
        .iter()
        .map(|&i| (0..n).map(|k| v[k][i]).collect())
        .collect();
    (values, vectors)
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
                availability: if units.is_empty() { 0.0 } else { x.len() as f64 / units.len() as f64 },
                n: x.len(),
                mean,
                sd,
                min: x.iter().copied().reduce(f64::min),
                max: x.iter().copied().reduce(f64::max),
                skewness: skew,
                kurtosis: kurt,
                outlier: matches!((skew, kurt), (Some(s), Some(k)) if s.abs() > SKEW_LIMIT && k > KURTOSIS_LIMIT),
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
                    Some(c) => {
                        let (values, vectors) = symmetric_eigen(&c);
                        let first = &vectors[0];
                        // The sign of an eigenvector is arbitrary: make the loadings sum positive.
                        let sign = if first.iter().sum::<f64>() < 0.0 {
                            -1.0
                        } else {
                            1.0
                        };
                        let loadings = first
                            .iter()
                            .map(|v| sign * v * values[0].max(0.0).sqrt())
                            .collect();
                        (values, loadings)
                    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: Option<f64>, b: f64, tol: f64) {
        let a = a.expect("a value");
        assert!((a - b).abs() < tol, "{a} against {b}");
    }

    /// x = 1, 2, 3, 4, 10: mean 4, deviations -3 -2 -1 0 6, sum of squares 50, sd sqrt(12.5).
    /// sum z^3 = (-27 - 8 - 1 + 0 + 216) / 12.5^1.5 = 180 / 44.19417 = 4.07294;
    /// SKEW = 5/(4*3) * 4.07294 = 1.69706.
    /// sum z^4 = (81 + 16 + 1 + 0 + 1296) / 156.25 = 8.9216;
    /// KURT = 5*6/(4*3*2) * 8.9216 - 3*16/(3*2) = 11.152 - 8 = 3.152.
    #[test]
    fn skewness_and_kurtosis_by_hand() {
        let x = [1.0, 2.0, 3.0, 4.0, 10.0];
        close(skewness(&x), 1.697056, 1e-6);
        close(kurtosis(&x), 3.152, 1e-9);
    }

    /// a = 1, 2, 3, 4; b = 2, 4, 5, 9: deviations a -1.5 -0.5 0.5 1.5, b -3 -1 0 4;
    /// sab = 4.5 + 0.5 + 0 + 6 = 11, saa = 5, sbb = 26; r = 11 / sqrt(130) = 0.964764.
    /// The ranks of b are those of a, so Spearman's rho is 1.
    #[test]
    fn correlations_by_hand() {
        let (a, b) = ([1.0, 2.0, 3.0, 4.0], [2.0, 4.0, 5.0, 9.0]);
        close(pearson(&a, &b), 11.0 / 130f64.sqrt(), 1e-12);
        close(spearman(&a, &b), 1.0, 1e-12);
        assert_eq!(
            average_ranks(&[10.0, 20.0, 20.0, 5.0]),
            vec![2.0, 3.5, 3.5, 1.0]
        );
        // r = 0.5 over 10 pairs: t = 0.5 * sqrt(8 / 0.75) = 1.63299, two-sided p = 0.14121
        // (t table, 8 degrees of freedom).
        close(p_value(0.5, 10), 0.14121, 1e-4);
    }

    /// Items (1,2,3) and (2,4,6): variances 1 and 4, totals (3,6,9) variance 9;
    /// alpha = 2 * (1 - 5/9) = 0.8889.
    #[test]
    fn cronbach_alpha_by_hand() {
        close(
            cronbach_alpha(&[vec![1.0, 2.0, 3.0], vec![2.0, 4.0, 6.0]]),
            8.0 / 9.0,
            1e-12,
        );
    }

    /// The correlation matrix [[1, r], [r, 1]] has eigenvalues 1 + r and 1 - r, with the first
    /// eigenvector (1, 1)/sqrt(2).
    #[test]
    fn eigenvalues_of_a_two_by_two_correlation_matrix() {
        let (values, vectors) = symmetric_eigen(&[vec![1.0, 0.6], vec![0.6, 1.0]]);
        close(Some(values[0]), 1.6, 1e-12);
        close(Some(values[1]), 0.4, 1e-12);
        close(Some(vectors[0][0].abs()), 0.5f64.sqrt(), 1e-12);
        close(Some(vectors[0][1].abs()), 0.5f64.sqrt(), 1e-12);
        // A 3x3 case: trace and determinant are kept.
        let m = vec![
            vec![4.0, 1.0, 2.0],
            vec![1.0, 3.0, 0.5],
            vec![2.0, 0.5, 5.0],
        ];
        let (values, _) = symmetric_eigen(&m);
        close(Some(values.iter().sum()), 12.0, 1e-9);
        // det = 4(15 - 0.25) - 1(5 - 1) + 2(0.5 - 6) = 59 - 4 - 11 = 44
        close(Some(values.iter().product()), 44.0, 1e-9);
    }
}
