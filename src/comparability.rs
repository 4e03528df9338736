//! Where the scores of two years stop being comparable because the data changed shape: an
//! indicator with no value for any region in a year, while other years have it. That year's
//! scores of its ancestors are built without it, so a change from or to that year is not a
//! change of level. Such breaks are warned about (W121), listed in the manifest, and the
//! changes across them are left out of the score tables.

use serde::Serialize;

use crate::panel::Panel;
use crate::spec::Spec;

/// An indicator missing for every region in one year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Break {
    pub year: i32,
    pub indicator: String,
    /// The nodes whose scores that year are built without it: its ancestors, up to the index.
    pub nodes: Vec<String>,
}

/// The breaks of a panel: per year with regions present, every indicator of the framework
/// that has no value there but has one in another year.
pub fn breaks(spec: &Spec, panel: &Panel) -> Vec<Break> {
    let fw = &spec.framework;
    if panel.years.len() < 2 {
        return Vec::new();
    }
    let present: Vec<Vec<usize>> = (0..panel.years.len())
        .map(|y| panel.present_units(y))
        .collect();
    let has = |y: usize, i: usize| present[y].iter().any(|&u| panel.get(y, u, i).is_some());
    let mut out = Vec::new();
    for (i, id) in panel.indicators.iter().enumerate() {
        let years: Vec<bool> = (0..panel.years.len()).map(|y| has(y, i)).collect();
        if !years.contains(&true) {
            // No data in any year: W111, not a break.
            continue;
        }
        let Some(mut node) = fw.position(id) else {
            continue;
        };
        let mut nodes = Vec::new();
        while let Some(parent) = fw.nodes[node].parent {
            nodes.push(fw.nodes[parent].id.clone());
            node = parent;
        }
        for (y, &with) in years.iter().enumerate() {
            if !with && !present[y].is_empty() {
                out.push(Break {
                    year: panel.years[y],
                    indicator: id.clone(),
                    nodes: nodes.clone(),
                });
            }
        }
    }
    out.sort_by(|a, b| a.year.cmp(&b.year).then(a.indicator.cmp(&b.indicator)));
    out
}

/// Per node and year position, whether the node's score that year is built over a break.
pub fn broken(spec: &Spec, panel: &Panel, breaks: &[Break]) -> Vec<bool> {
    let fw = &spec.framework;
    let n_years = panel.years.len();
    let mut out = vec![false; fw.nodes.len() * n_years];
    for b in breaks {
        let Some(y) = panel.year_position(b.year) else {
            continue;
        };
        for id in b.nodes.iter().chain([&b.indicator]) {
            if let Some(n) = fw.position(id) {
                out[n * n_years + y] = true;
            }
        }
    }
    out
}
