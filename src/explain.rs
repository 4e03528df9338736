//! Why a region scored what it scored: the contribution of every node to its index score, and
//! to the change since an earlier year.
//!
//! Contributions are shared out top-down. An arithmetic group gives each available child the
//! share w_c s_c / sum(w s) of its own contribution; a geometric group the share
//! w_c ln s_c / sum(w ln s) (the log decomposition: ln S = sum w ln s). The indicators'
//! contributions therefore sum to the index score exactly, and their differences between two
//! years to the change of the score (a node scored in one of the years only contributed nothing
//! in the other, and its change says so). For an all-arithmetic index a contribution is the effective
//! weight (rescaled for missing children) times the indicator's score. Other means (harmonic,
//! power, minimum, sum, MPI) share by weight times score: the sums stay exact, the split is an
//! approximation.

use serde::Serialize;

use crate::pipeline::Results;
use crate::spec::{Aggregation, NodeKind};

/// A region or year that cannot be explained.
#[derive(Debug, thiserror::Error)]
pub enum ExplainError {
    #[error(
        "no region \"{region}\" in the spec's units (codes, names and aliases are accepted){}",
        nearest.as_ref().map_or(String::new(), |n| format!("; did you mean \"{n}\"?"))
    )]
    Region {
        region: String,
        /// The nearest code, name or alias, when one is close.
        nearest: Option<String>,
    },
    #[error("the data have no year {year}; they cover {available:?}")]
    Year { year: i32, available: Vec<i32> },
    #[error("region {region} has no data in {year}")]
    Absent { region: String, year: i32 },
}

/// The positions of a region (code, name or alias), a year and an optional earlier year, each
/// checked to have the region's data.
pub fn locate(
    results: &Results,
    region: &str,
    year: i32,
    since: Option<i32>,
) -> Result<(usize, usize, Option<usize>), ExplainError> {
    let panel = &results.panel;
    let unit = panel.units.find(region).ok_or_else(|| {
        let units: Vec<&crate::units::Unit> =
            (0..panel.units.len()).map(|u| panel.units.get(u)).collect();
        let spellings = units.iter().flat_map(|u| {
            std::iter::once(u.code.as_str())
                .chain(u.name.values())
                .chain(u.aliases.iter().map(String::as_str))
        });
        ExplainError::Region {
            region: region.to_string(),
            nearest: crate::diagnostic::nearest(region, spellings).map(str::to_string),
        }
    })?;
    let year_of = |y: i32| {
        panel.year_position(y).ok_or(ExplainError::Year {
            year: y,
            available: panel.years.clone(),
        })
    };
    let year = year_of(year)?;
    let since = since.map(year_of).transpose()?;
    for y in std::iter::once(year).chain(since) {
        if !panel.is_present(y, unit) {
            return Err(ExplainError::Absent {
                region: panel.units.get(unit).code.clone(),
                year: panel.years[y],
            });
        }
    }
    Ok((unit, year, since))
}

/// Contribution of every node (framework order) to the index score of `unit` in `year`;
/// `None` where the node has no score.
pub fn contributions(results: &Results, year: usize, unit: usize) -> Vec<Option<f64>> {
    let fw = &results.spec.framework;
    let score = |n: usize| results.scores.get(n, year, unit);
    let mut out = vec![None; fw.nodes.len()];
    out[0] = score(0);
    // Pre-order: a parent's contribution is known before its children's.
    for g in 0..fw.nodes.len() {
        let (NodeKind::Group { aggregation, .. }, Some(total)) = (&fw.nodes[g].kind, out[g]) else {
            continue;
        };
        let children = &fw.nodes[g].children;
        let parts: Vec<Option<f64>> = if let Some(f) = &fw.nodes[g].steps.formula {
            formula_parts(&f.expr, fw, g, &|c| passed(results, c, year, unit))
        } else {
            children
                .iter()
                .map(|&c| {
                    let s = passed(results, c, year, unit)?;
                    let w = results.weights.get(c);
                    if w == 0.0 {
                        return Some(0.0);
                    }
                    Some(match aggregation {
                        Aggregation::Geometric => w * s.ln(),
                        Aggregation::ShiftedGeometric { offset } => w * (s + offset).ln(),
                        // A product is a sum of logs: ln P = sum w ln x.
                        Aggregation::Product => w * s.ln(),
                        // Other means: shares by weight times score.
                        Aggregation::Arithmetic
                        | Aggregation::Harmonic
                        | Aggregation::Power { .. }
                        | Aggregation::Minimum
                        | Aggregation::Sum
                        | Aggregation::Mpi { .. }
                        | Aggregation::WeightedSum
                        | Aggregation::RankMean
                        | Aggregation::Copeland => w * s,
                    })
                })
                .collect()
        };
        let sum: f64 = parts.iter().flatten().sum();
        let weight: f64 = children
            .iter()
            .zip(&parts)
            .filter(|(_, p)| p.is_some())
            .map(|(&c, _)| results.weights.get(c))
            .sum();
        for (&c, part) in children.iter().zip(&parts) {
            out[c] = part.map(|p| {
                if sum != 0.0 {
                    total * p / sum
                } else {
                    // Every part is zero: share by weight.
                    total * results.weights.get(c) / weight
                }
            });
        }
    }
    out
}

/// What a node passes to its parent: its score, or its aggregate where the spec says its
/// parent takes that.
fn passed(results: &Results, node: usize, year: usize, unit: usize) -> Option<f64> {
    match results.spec.framework.nodes[node].steps.parent_takes {
        crate::spec::Passes::Score => results.scores.get(node, year, unit),
        crate::spec::Passes::Aggregate => results.scores.aggregate(node, year, unit),
    }
}

/// The parts of a formula group's children: each child's value times the formula's slope
/// in it (x df/dx, by a central difference), so that a product's children share it by their
/// exponents and a sum's by their values, exactly; a child the formula cannot vary around
/// (a domain error nearby) has no part.
fn formula_parts(
    expr: &crate::formula::Expr,
    fw: &crate::spec::Framework,
    g: usize,
    value: &dyn Fn(usize) -> Option<f64>,
) -> Vec<Option<f64>> {
    let children = &fw.nodes[g].children;
    let at = |k: usize, x: f64| {
        let lookup = |name: &str| {
            let j = children.iter().position(|&c| fw.nodes[c].id == name)?;
            if j == k { Some(x) } else { value(children[j]) }
        };
        expr.eval(&lookup).ok().flatten()
    };
    children
        .iter()
        .enumerate()
        .map(|(k, &c)| {
            let x = value(c)?;
            let h = 1e-6 * x.abs().max(1.0);
            Some(x * (at(k, x + h)? - at(k, x - h)?) / (2.0 * h))
        })
        .collect()
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Line {
    pub node: String,
    pub name: String,
    pub level: usize,
    pub kind: &'static str,
    pub raw: Option<f64>,
    pub score: Option<f64>,
    /// Mean of the regions' scores that year.
    pub national: Option<f64>,
    pub contribution: Option<f64>,
    pub since_contribution: Option<f64>,
    /// The change of the contribution. A node with a score in one of the two years only
    /// contributed nothing in the other: its change is its whole contribution (gained or
    /// lost), so that the indicators' changes sum to the change of the score.
    pub change: Option<f64>,
    /// `"absent before"` or `"absent now"` when the node has a score in one year only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub change_note: Option<&'static str>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Explanation {
    pub region: String,
    pub region_name: String,
    pub year: i32,
    pub since: Option<i32>,
    pub score: Option<f64>,
    pub since_score: Option<f64>,
    pub lines: Vec<Line>,
    /// Indicators with the highest and lowest score relative to the national value.
    pub strongest: Vec<(String, f64)>,
    pub weakest: Vec<(String, f64)>,
}

fn national(results: &Results, node: usize, year: usize) -> Option<f64> {
    let v: Vec<f64> = results
        .panel
        .pooled_units(year)
        .into_iter()
        .filter_map(|u| results.scores.get(node, year, u))
        .collect();
    (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
}

/// The explanation of one region's score in `year`, and its change since `since`.
pub fn explain(
    results: &Results,
    unit: usize,
    year: usize,
    since: Option<usize>,
    lang: &str,
) -> Explanation {
    let fw = &results.spec.framework;
    let now = contributions(results, year, unit);
    let before = since.map(|s| contributions(results, s, unit));
    let lines: Vec<Line> = fw
        .nodes
        .iter()
        .enumerate()
        .map(|(n, node)| {
            let raw = fw
                .indicators
                .iter()
                .position(|&i| i == n)
                .and_then(|c| results.panel.get(year, unit, c));
            let since_contribution = before.as_ref().and_then(|b| b[n]);
            let (change, change_note) = match (now[n], since_contribution) {
                (Some(a), Some(b)) => (Some(a - b), None),
                (Some(a), None) if since.is_some() => (Some(a), Some("absent before")),
                (None, Some(b)) => (Some(-b), Some("absent now")),
                _ => (None, None),
            };
            Line {
                node: node.id.clone(),
                name: node.name.get(lang).unwrap_or(&node.id).to_string(),
                level: node.level,
                kind: match node.kind {
                    _ if n == 0 => "index",
                    NodeKind::Group { .. } => "group",
                    NodeKind::Indicator(_) => "indicator",
                },
                raw,
                score: results.scores.get(n, year, unit),
                national: national(results, n, year),
                contribution: now[n],
                since_contribution,
                change,
                change_note,
            }
        })
        .collect();
    let mut relative: Vec<(String, f64)> = fw
        .indicators
        .iter()
        .filter_map(|&n| {
            let s = results.scores.get(n, year, unit)?;
            Some((fw.nodes[n].id.clone(), s - national(results, n, year)?))
        })
        .collect();
    relative.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let unit_ref = results.panel.units.get(unit);
    Explanation {
        region: unit_ref.code.clone(),
        region_name: unit_ref
            .name
            .get(lang)
            .unwrap_or(&unit_ref.code)
            .to_string(),
        year: results.panel.years[year],
        since: since.map(|s| results.panel.years[s]),
        score: results.scores.get(0, year, unit),
        since_score: since.and_then(|s| results.scores.get(0, s, unit)),
        strongest: relative.iter().take(3).cloned().collect(),
        weakest: relative.iter().rev().take(3).cloned().collect(),
        lines,
    }
}

/// A plain-text table of the explanation.
pub fn render(e: &Explanation) -> String {
    let f = |v: Option<f64>| v.map_or("–".to_string(), |v| format!("{v:.3}"));
    let mut out = format!(
        "{} ({}), {}: score {}",
        e.region_name,
        e.region,
        e.year,
        f(e.score)
    );
    if let Some(s) = e.since {
        out.push_str(&format!(
            ", {s}: {} (change {})",
            f(e.since_score),
            f(e.score.zip(e.since_score).map(|(a, b)| a - b))
        ));
    }
    out.push_str("\n\n");
    out.push_str(&format!(
        "{:<44} {:>10} {:>9} {:>9} {:>13}",
        "node", "raw", "score", "national", "contribution"
    ));
    if e.since.is_some() {
        out.push_str(&format!(" {:>13} {:>9}", "before", "change"));
    }
    out.push('\n');
    for l in &e.lines {
        let label = format!("{}{}", "  ".repeat(l.level), l.node);
        out.push_str(&format!(
            "{:<44} {:>10} {:>9} {:>9} {:>13}",
            label,
            l.raw.map_or(String::new(), |v| format!("{v}")),
            f(l.score),
            f(l.national),
            f(l.contribution)
        ));
        if e.since.is_some() {
            out.push_str(&format!(
                " {:>13} {:>9}",
                f(l.since_contribution),
                f(l.change)
            ));
            if let Some(note) = l.change_note {
                out.push_str(&format!(" ({note})"));
            }
        }
        out.push('\n');
    }
    let list = |v: &[(String, f64)]| {
        v.iter()
            .map(|(id, d)| format!("{id} ({d:+.1})"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    out.push_str(&format!(
        "\nstrongest relative to the national value: {}\n",
        list(&e.strongest)
    ));
    out.push_str(&format!(
        "weakest relative to the national value: {}\n",
        list(&e.weakest)
    ));
    out
}
