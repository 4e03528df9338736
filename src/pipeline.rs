//! The whole computation as one pure function: spec + data -> panel -> normalised -> aggregated
//! -> ranked. The CLI and the tests both call `run`.

use std::path::Path;

use crate::aggregate::{Scores, aggregate};
use crate::error::RunError as Error;
use crate::load::load;
use crate::normalise::{Normalised, normalise};
use crate::panel::Panel;
use crate::rank::rank;
use crate::spec::Spec;

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
    pub normalised: Normalised,
    pub scores: Scores,
    ranks: Vec<Option<u32>>,
}

impl Results {
    /// The values that were normalised: treated if the spec treats, else as loaded.
    pub fn values(&self) -> &Panel {
        self.treated.as_ref().unwrap_or(&self.panel)
    }

    pub fn rank(&self, node: usize, year: usize, unit: usize) -> Option<u32> {
        let (n_years, n_units) = (self.panel.years.len(), self.panel.units.len());
        self.ranks[(node * n_years + year) * n_units + unit]
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
    let (treated, log) = match crate::treat::treat(&spec, &panel)? {
        Some((t, log)) => (Some(t), log),
        None => (None, crate::treat::Log::default()),
    };
    let mut spec = spec;
    let values = treated.as_ref().unwrap_or(&panel);
    let normalised = normalise(&spec, values)?;
    let notes = crate::weight::apply_pca(&mut spec, values, &normalised)?;
    let scores = aggregate(&spec, values, &normalised)?;
    let (n_years, n_units) = (panel.years.len(), panel.units.len());
    let mut ranks = Vec::with_capacity(spec.framework.nodes.len() * n_years * n_units);
    for node in 0..spec.framework.nodes.len() {
        for y in 0..n_years {
            let column: Vec<Option<f64>> = (0..n_units).map(|u| scores.get(node, y, u)).collect();
            ranks.extend(rank(&column));
        }
    }
    Ok(Results {
        spec,
        panel,
        treated,
        log,
        boundaries,
        carried,
        notes,
        normalised,
        scores,
        ranks,
    })
}
