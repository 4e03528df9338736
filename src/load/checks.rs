//! Checks of the panel as a whole against the spec: indicators without data, coverage, years
//! with too few regions.

use super::{Code, Diagnostic, Panel, Spec};

/// Checks of the panel as a whole: indicators without data, coverage, years with too few units.
pub(super) fn spec_level_checks(
    spec: &Spec,
    panel: &Panel,
    with_data: &[bool],
    diagnostics: &mut Vec<Diagnostic>,
    files: &str,
) {
    let spec_file = spec.path.display().to_string();
    let at_node = |code: Code, id: &str, message: String| {
        let d = Diagnostic::new(code, spec_file.clone(), message);
        match spec.positions.get(id) {
            Some(&(line, column)) => d.at(line, column),
            None => d,
        }
    };
    for (i, id) in panel.indicators.iter().enumerate() {
        if !with_data[i] {
            diagnostics.push(
                at_node(Code::NoData, id, format!("indicator \"{id}\" has no data in any file: its scores are missing"))
                    .hint("add its values to a data file, or check that the column or indicator name matches the id"),
            );
        }
    }
    for b in crate::comparability::breaks(spec, panel) {
        diagnostics.push(
            at_node(
                Code::YearWithoutIndicator,
                &b.indicator,
                format!(
                    "indicator \"{}\" has no value for any region in {}: that year's scores of {} are built without it, and their changes from or to {} are left out",
                    b.indicator,
                    b.year,
                    b.nodes.join(", "),
                    b.year
                ),
            )
            .hint("add the indicator's values for that year, or impute them (e.g. imputation = { method = \"carry\" })"),
        );
    }
    let present: Vec<Vec<usize>> = (0..panel.years.len())
        .map(|y| panel.present_units(y))
        .collect();
    for (y, units) in present.iter().enumerate() {
        if units.len() < spec.validation.min_units {
            diagnostics.push(
                Diagnostic::new(
                    Code::TooFewUnits,
                    files.to_string(),
                    format!(
                        "year {} has data for {} region(s); normalising needs at least {}",
                        panel.years[y],
                        units.len(),
                        spec.validation.min_units
                    ),
                )
                .hint("add the missing regions' data for that year, or drop the year's rows"),
            );
        }
    }
    let Some(min) = spec.validation.min_coverage else {
        return;
    };
    for (i, id) in panel.indicators.iter().enumerate() {
        let cells: usize = present.iter().map(Vec::len).sum();
        let filled: usize = present
            .iter()
            .enumerate()
            .map(|(y, us)| us.iter().filter(|&&u| panel.get(y, u, i).is_some()).count())
            .sum();
        if with_data[i] && cells > 0 && (filled as f64) < min * cells as f64 {
            diagnostics.push(
                at_node(Code::LowCoverage, id, format!("indicator \"{id}\" has values in {filled} of {cells} region-years, below min_coverage {min}"))
                    .hint("complete the data, or lower [validation] min_coverage if the gaps are expected"),
            );
        }
    }
    for u in 0..panel.units.len() {
        let years: Vec<usize> = (0..panel.years.len())
            .filter(|&y| panel.is_present(y, u))
            .collect();
        let cells = years.len() * panel.indicators.len();
        let filled = years
            .iter()
            .map(|&y| {
                (0..panel.indicators.len())
                    .filter(|&i| panel.get(y, u, i).is_some())
                    .count()
            })
            .sum::<usize>();
        if cells > 0 && (filled as f64) < min * cells as f64 {
            diagnostics.push(
                Diagnostic::new(
                    Code::LowCoverage,
                    files.to_string(),
                    format!("region {} has values in {filled} of {cells} indicator-years, below min_coverage {min}", panel.units.get(u).code),
                )
                .hint("complete the region's data, or lower [validation] min_coverage if the gaps are expected"),
            );
        }
    }
}
