//! Regional boundary changes: series reported on today's regions or on the old ones, so that a
//! trend across a split or merge compares like with like.
//!
//! On today's boundaries (`Current`), a year before a split gives every new region the old
//! region's values (the old region's rate is the best estimate for each of its parts), and a
//! year before a merge gives the new region the weighted mean of the old ones. On the old
//! boundaries (`Historical`), a year from a split on gives the old region the weighted mean of
//! its parts, and a year from a merge on gives every old region the new one's values. Regions
//! that do not exist on the chosen boundaries are left out of those years.

use serde::Serialize;

use crate::diagnostic::Code;
use crate::error::ComputeError;
use crate::panel::Panel;
use crate::spec::{BoundaryChange, Spec};

/// Which boundaries the series are reported on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Boundaries {
    /// Today's regions in every year.
    #[default]
    Current,
    /// The regions before the changes in every year.
    Historical,
}

impl crate::named::Named for Boundaries {
    const ALL: &'static [Self] = &[Boundaries::Current, Boundaries::Historical];

    fn name(&self) -> &'static str {
        match self {
            Boundaries::Current => "current",
            Boundaries::Historical => "historical",
        }
    }

    fn about(&self) -> &'static str {
        match self {
            Boundaries::Current => "Today's regions in every year",
            Boundaries::Historical => "The regions before the changes in every year",
        }
    }
}

/// A region-year whose values were carried across a boundary change.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Carried {
    pub year: i32,
    pub region: String,
    /// The regions its values come from.
    pub from: Vec<String>,
}

/// Applies the spec's boundary changes to a copy of the panel; `None` when it declares none.
pub fn apply(
    spec: &Spec,
    panel: &Panel,
    mode: Boundaries,
) -> Result<Option<(Panel, Vec<Carried>)>, ComputeError> {
    if spec.boundary_changes.is_empty() {
        return Ok(None);
    }
    let mut out = panel.clone();
    let mut log = Vec::new();
    for change in &spec.boundary_changes {
        let unit = |code: &String| {
            panel.units.find(code).ok_or_else(|| {
                ComputeError::new(
                    Code::BoundaryRegion,
                    format!("the boundary change of {} names \"{code}\", which is not a region of the index", change.year),
                )
                .year(change.year)
                .hint("use the codes (or names) of the spec's units")
            })
        };
        let from: Vec<usize> = change.from.iter().map(unit).collect::<Result<_, _>>()?;
        let into: Vec<usize> = change.into.iter().map(unit).collect::<Result<_, _>>()?;
        for (y, &year) in panel.years.iter().enumerate() {
            let before = year < change.year;
            match (mode, before) {
                // Today's boundaries before the change, or the old ones after it: rebuild.
                (Boundaries::Current, true) => {
                    carry(&mut out, panel, y, change, &from, &into, &mut log)
                }
                (Boundaries::Historical, false) => {
                    carry(&mut out, panel, y, change, &into, &from, &mut log)
                }
                _ => {}
            }
        }
    }
    Ok(Some((out, log)))
}

/// Rebuilds the `targets` of year `y` from the `sources` (the other side of the change).
fn carry(
    out: &mut Panel,
    panel: &Panel,
    y: usize,
    change: &BoundaryChange,
    sources: &[usize],
    targets: &[usize],
    log: &mut Vec<Carried>,
) {
    if !sources.iter().any(|&s| panel.is_present(y, s)) {
        return;
    }
    let n_ind = panel.indicators.len();
    // One source: copied to every target. Several: their weighted mean (weights rescaled
    // over the sources with a value) into the single target.
    let weights: Vec<f64> = if sources.len() > 1 {
        change.weights.clone()
    } else {
        vec![1.0]
    };
    let values: Vec<Option<f64>> = (0..n_ind)
        .map(|i| {
            let available: Vec<(f64, f64)> = sources
                .iter()
                .zip(&weights)
                .filter_map(|(&s, &w)| Some((w, panel.get(y, s, i)?)))
                .collect();
            let total: f64 = available.iter().map(|a| a.0).sum();
            (total > 0.0).then(|| available.iter().map(|(w, v)| w * v).sum::<f64>() / total)
        })
        .collect();
    for &s in sources {
        if !targets.contains(&s) {
            out.mark_absent(y, s);
        }
    }
    for &t in targets {
        for (i, v) in values.iter().enumerate() {
            out.set(y, t, i, *v);
        }
        log.push(Carried {
            year: panel.years[y],
            region: panel.units.get(t).code.clone(),
            from: sources
                .iter()
                .map(|&s| panel.units.get(s).code.clone())
                .collect(),
        });
    }
}
