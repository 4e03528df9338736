//! Weights derived from the data: a principal component analysis of a group's normalised
//! indicators (Nicoletti, Scarpetta & Boylaud 2000; OECD/JRC Handbook, step 6): the weight of an
//! indicator is its squared loading on the first component, scaled to sum to 1. A negative
//! loading (an indicator pulling against the others) is reported.

use crate::diagnostic::Code;
use crate::error::ComputeError;
use crate::normalise::Normalised;
use crate::panel::Panel;
use crate::recipe::{Recipe, Weights};
use crate::spec::Framework;
use crate::stats::{first_component, pearson};

/// The weighting stage: the recipe's weights, with those of its PCA-weighted groups computed
/// from the normalised scores, times the recipe's multipliers; also notes for the manifest.
pub fn weigh(
    fw: &Framework,
    recipe: &Recipe,
    panel: &Panel,
    normalised: &Normalised,
) -> Result<(Weights, Vec<String>), ComputeError> {
    let mut weights = recipe.weights.clone();
    let mut notes = Vec::new();
    for &g in &recipe.pca {
        let id = &fw.nodes[g].id;
        let children = &fw.nodes[g].children;
        let columns: Vec<usize> = children
            .iter()
            .map(|&c| {
                fw.indicators
                    .iter()
                    .position(|&i| i == c)
                    .expect("children are indicators")
            })
            .collect();
        // Region-years of every year with all the children's scores.
        let mut rows: Vec<Vec<f64>> = vec![Vec::new(); columns.len()];
        for y in 0..panel.years.len() {
            for u in panel.present_units(y) {
                let v: Option<Vec<f64>> =
                    columns.iter().map(|&c| normalised.get(y, u, c)).collect();
                if let Some(v) = v {
                    for (k, x) in v.into_iter().enumerate() {
                        rows[k].push(x);
                    }
                }
            }
        }
        let corr: Option<Vec<Vec<f64>>> = rows
            .iter()
            .map(|a| rows.iter().map(|b| pearson(a, b)).collect())
            .collect();
        let (Some(corr), true) = (corr, rows[0].len() >= 3) else {
            return Err(ComputeError::new(
                Code::PcaWeights,
                format!(
                    "PCA weights of \"{id}\": fewer than 3 regions with every child, or a child that does not vary"
                ),
            )
            .node(id)
            .hint("give the group explicit weights"));
        };
        let (values, loadings) = first_component(&corr);
        let total: f64 = loadings.iter().map(|l| l * l).sum();
        for (&c, l) in children.iter().zip(&loadings) {
            weights[c] = l * l / total;
            if *l < 0.0 {
                notes.push(format!(
                    "PCA weights of \"{id}\": \"{}\" loads negatively ({l:.3}) on the first component: it pulls against the other indicators",
                    fw.nodes[c].id
                ));
            }
        }
        notes.push(format!(
            "PCA weights of \"{id}\": the first component explains {:.0}% of the variance",
            100.0 * values[0] / children.len() as f64
        ));
    }
    for (w, m) in weights.iter_mut().zip(&recipe.multipliers) {
        *w *= m;
    }
    Ok((Weights(weights), notes))
}
