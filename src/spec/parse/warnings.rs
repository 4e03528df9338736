//! Warnings about a spec that parsed: what it asks that the run cannot honour as written.

use super::Checker;
use crate::diagnostic::Code;
use crate::spec::ALLOWABLE;
use crate::spec::{NodeKind, Normalisation, Spec};

/// W122: under `bounds_edition`, an indicator whose method draws bounds from the data but
/// for which the edition keeps none it can use draws its own, which may revise it.
pub(super) fn warn_bounds_not_kept(spec: &Spec, check: &mut Checker) {
    use crate::spec::frozen::FrozenBound;
    let Some(frozen) = &spec.frozen else { return };
    for &n in &spec.framework.indicators {
        let node = &spec.framework.nodes[n];
        let NodeKind::Indicator(i) = &node.kind else {
            continue;
        };
        if !i.normalisation.draws_from_data() || spec.allows(&node.id, Code::BoundsNotKept) {
            continue;
        }
        let kept = frozen
            .indicators
            .get(&node.id)
            .and_then(|b| b.first())
            .map(|b| b.1);
        let usable = matches!(
            (&i.normalisation, kept),
            (
                Normalisation::MinMax { .. }
                    | Normalisation::Best { .. }
                    | Normalisation::FractionMax { .. },
                Some(FrozenBound::MinMax { .. })
            ) | (
                Normalisation::ZScore { .. },
                Some(FrozenBound::ZScore { .. })
            )
        );
        if !usable {
            let why = match kept {
                None => "the edition records no min-max or z-score bounds for it",
                Some(_) => "the edition's bounds are of another method",
            };
            let span = spec.spans.get(&node.id).cloned().unwrap_or(0..0);
            check.at(
                Code::BoundsNotKept,
                span,
                format!(
                    "bounds_edition keeps no bounds for \"{}\" ({why}): its bounds are drawn from the data as the pooling says, and adding a year may revise it",
                    node.id
                ),
                "min-max, best-value, fraction-of-maximum and z-score bounds are kept; rank methods and methods changed since the edition draw their own",
            );
        }
    }
}

/// Warns (W020) for each geometric mean with a child whose score can reach 0 or below, which
/// would stop the computation on real data (methods notes: min-max onto [0, 100] gives zeros).
pub(super) fn warn_geometric_zero(spec: &Spec, check: &mut Checker) {
    let fw = &spec.framework;
    // Lowest score each node can take; None = unbounded below.
    let mut lowest: Vec<Option<f64>> = vec![None; fw.nodes.len()];
    for n in (0..fw.nodes.len()).rev() {
        let steps = &fw.nodes[n].steps;
        lowest[n] = match &fw.nodes[n].kind {
            NodeKind::Indicator(i) => i.normalisation.lowest_score(),
            // A formula can give anything; a normalised group, what its method gives.
            NodeKind::Group { .. } if steps.formula.is_some() => None,
            NodeKind::Group { .. } if steps.normalisation.is_some() => {
                steps.normalisation.as_ref().and_then(|m| m.lowest_score())
            }
            NodeKind::Group { .. } => fw.nodes[n]
                .children
                .iter()
                .map(|&c| lowest[c])
                .try_fold(f64::INFINITY, |acc, l| l.map(|l| acc.min(l))),
        };
        let NodeKind::Group { aggregation, .. } = fw.nodes[n].kind else {
            continue;
        };
        // A product takes zeros (it is then 0) but not negative scores; the other means
        // refusing a score refuse zeros too. A formula group combines nothing.
        let product = aggregation == crate::spec::Aggregation::Product;
        if !(aggregation.needs_positive() || product) || steps.formula.is_some() {
            continue;
        }
        let refused = |l: f64| if product { l < 0.0 } else { l <= 0.0 };
        if spec.allows(&fw.nodes[n].id, Code::GeometricZero) {
            continue;
        }
        for &c in &fw.nodes[n].children {
            if lowest[c].is_none_or(refused) && fw.nodes[c].weight > 0.0 {
                let low = lowest[c].map_or("unbounded".to_string(), |l| l.to_string());
                let span = spec.spans.get(&fw.nodes[n].id).cloned().unwrap_or(0..0);
                check.at(
                    Code::GeometricZero,
                    span,
                    format!(
                        "\"{}\" is a {} mean, but its child \"{}\" can score {low}, and such a mean of {} is refused",
                        fw.nodes[n].id,
                        aggregation.describe(),
                        fw.nodes[c].id,
                        if product { "a negative score" } else { "0 or less" }
                    ),
                    "normalise the indicators below it onto a range above zero, e.g. range = [1, 100], with capped goalposts or min-max",
                );
            }
        }
    }
}

/// Every node's `allow` list, as (node id, code); a code that is not a warning about a node
/// is refused at the list.
pub(super) fn allowances(
    check: &mut Checker,
    index: &crate::spec::raw::RawIndex,
    groups: &[toml::Spanned<crate::spec::raw::RawGroup>],
    indicators: &[toml::Spanned<crate::spec::raw::RawIndicator>],
) -> Vec<(String, Code)> {
    let lists = std::iter::once((index.id.get_ref(), &index.allow))
        .chain(
            groups
                .iter()
                .map(|g| (g.get_ref().id.get_ref(), &g.get_ref().allow)),
        )
        .chain(
            indicators
                .iter()
                .map(|i| (i.get_ref().id.get_ref(), &i.get_ref().allow)),
        );
    let mut out = Vec::new();
    for (id, list) in lists {
        let Some(list) = list else { continue };
        for code in list.get_ref() {
            match ALLOWABLE.iter().find(|c| c.as_str() == code.trim()) {
                Some(&c) => out.push((id.clone(), c)),
                None => check.at(
                    Code::BadParameter,
                    list.span(),
                    format!("allow: \"{code}\" is not a warning about a node"),
                    format!(
                        "a node may allow {}; errors cannot be allowed, and data warnings are fixed in the data",
                        ALLOWABLE.map(Code::as_str).join(", ")
                    ),
                ),
            }
        }
    }
    out
}
