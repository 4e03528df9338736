//! Derived indicators: formulas of raw data columns computed at loading.

use super::{Code, Diagnostic, HashMap, NodeKind, Panel, Spec, match_key};

/// Computes the derived indicators from their formulas' raw columns, per region and year.
pub(super) fn derive(
    spec: &Spec,
    panel: &mut Panel,
    raw: &HashMap<String, Vec<(Option<f64>, u32)>>,
    with_data: &mut [bool],
    diagnostics: &mut Vec<Diagnostic>,
) {
    let fw = &spec.framework;
    let file = spec.path.display().to_string();
    let n_units = panel.units.len();
    for (i, &node) in fw.indicators.iter().enumerate() {
        let NodeKind::Indicator(ind) = &fw.nodes[node].kind else {
            continue;
        };
        let Some(formula) = &ind.formula else {
            continue;
        };
        let id = &fw.nodes[node].id;
        if with_data[i] {
            diagnostics.push(
                Diagnostic::new(
                    Code::DuplicateRow,
                    file.clone(),
                    format!("\"{id}\" is given both in the data and as a formula"),
                )
                .hint("remove its rows from the data, or its formula from the spec"),
            );
            continue;
        }
        for y in 0..panel.years.len() {
            for u in panel.present_units(y) {
                let column = |c: &str| raw.get(&match_key(c)).and_then(|v| v[y * n_units + u].0);
                match formula.eval(&column) {
                    Ok(Some(v)) => {
                        if let Some((lo, hi)) = ind.valid
                            && !(lo..=hi).contains(&v)
                        {
                            diagnostics.push(
                                Diagnostic::new(Code::OutOfRange, file.clone(), format!(
                                    "\"{id}\" computes to {v} for region {}, year {}, outside its valid range [{lo}, {hi}]",
                                    panel.units.get(u).code, panel.years[y]
                                ))
                                .hint("check the raw columns of the formula and their units"),
                            );
                        }
                        panel.set(y, u, i, Some(v));
                        with_data[i] = true;
                    }
                    Ok(None) => {}
                    Err(message) => diagnostics.push(
                        Diagnostic::new(
                            Code::NotANumber,
                            file.clone(),
                            format!(
                                "the formula of \"{id}\" cannot be computed for region {}, year {}: {message}",
                                panel.units.get(u).code,
                                panel.years[y]
                            ),
                        )
                        .hint("check the formula's columns for that region and year, or guard the case with if(condition, then, else)"),
                    ),
                }
            }
        }
    }
}
