//! Normalisation: every indicator's raw values onto the common, direction-aligned score scale,
//! with bounds drawn from the years the spec's pooling names.

use serde::Serialize;

use crate::error::ComputeError;
use crate::panel::Panel;
use crate::spec::{Direction, Indicator, NodeKind, Normalisation, Pooling, Spec};

/// Normalised scores, laid out like the panel (year, unit, indicator), and the bounds used.
#[derive(Debug, Clone)]
pub struct Normalised {
    n_units: usize,
    n_indicators: usize,
    values: Vec<Option<f64>>,
    /// Per indicator (panel order), the bounds used for each year.
    pub bounds: Vec<Vec<YearBounds>>,
}

impl Normalised {
    pub fn get(&self, year: usize, unit: usize, indicator: usize) -> Option<f64> {
        self.values[(year * self.n_units + unit) * self.n_indicators + indicator]
    }
}

/// The bounds an indicator was normalised with in one year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct YearBounds {
    pub year: i32,
    #[serde(flatten)]
    pub bounds: Bounds,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Bounds {
    /// Observed minimum and maximum of the pooled values.
    MinMax { min: f64, max: f64 },
    /// Mean and sample standard deviation of the pooled values.
    ZScore { mean: f64, sd: f64 },
    /// Fixed goalposts (raw scale, before any log).
    Goalposts { lo: f64, hi: f64 },
    /// No value to draw bounds from in this year: every score is missing.
    NoData {},
}

/// Normalises every indicator of the spec.
pub fn normalise(spec: &Spec, panel: &Panel) -> Result<Normalised, ComputeError> {
    let n_units = panel.units.len();
    let n_indicators = panel.indicators.len();
    let mut out = Normalised {
        n_units,
        n_indicators,
        values: vec![None; panel.years.len() * n_units * n_indicators],
        bounds: Vec::with_capacity(n_indicators),
    };
    for (i, &node) in spec.framework.indicators.iter().enumerate() {
        let NodeKind::Indicator(indicator) = &spec.framework.nodes[node].kind else {
            unreachable!("framework.indicators lists indicator nodes only");
        };
        let id = &spec.framework.nodes[node].id;
        let mut bounds = Vec::with_capacity(panel.years.len());
        // Pooled bounds are the same for every year: computed once.
        let mut shared: Option<Bounds> = None;
        for (y, &year) in panel.years.iter().enumerate() {
            let b = match (spec.pooling, shared) {
                (Pooling::EachYear, _) | (_, None) => {
                    year_bounds(spec.pooling, indicator, panel, i, y, id)?
                }
                (_, Some(b)) => b,
            };
            if spec.pooling != Pooling::EachYear {
                shared = Some(b);
            }
            bounds.push(YearBounds { year, bounds: b });
            for unit in panel.present_units(y) {
                if let Some(x) = panel.get(y, unit, i) {
                    let score = score(indicator, b, x).map_err(|message| ComputeError {
                        message: format!(
                            "indicator \"{id}\", region {}, year {year}: {message}",
                            panel.units.get(unit).code
                        ),
                        hint: "check the value, or choose a method that accepts it".into(),
                    })?;
                    out.values[(y * n_units + unit) * n_indicators + i] = score;
                }
            }
        }
        out.bounds.push(bounds);
    }
    Ok(out)
}

/// Values of indicator `i` in the years whose bounds apply to year `y`.
fn pool(pooling: Pooling, panel: &Panel, i: usize, y: usize) -> Result<Vec<f64>, i32> {
    let years: Vec<usize> = match pooling {
        Pooling::EachYear => vec![y],
        Pooling::AllYears => (0..panel.years.len()).collect(),
        Pooling::ReferenceYear(r) => vec![panel.year_position(r).ok_or(r)?],
    };
    Ok(years
        .into_iter()
        .flat_map(|y| {
            panel
                .present_units(y)
                .into_iter()
                .filter_map(move |u| panel.get(y, u, i))
        })
        .collect())
}

fn year_bounds(
    pooling: Pooling,
    indicator: &Indicator,
    panel: &Panel,
    i: usize,
    y: usize,
    id: &str,
) -> Result<Bounds, ComputeError> {
    let year = panel.years[y];
    let pooled = || {
        pool(pooling, panel, i, y).map_err(|r| ComputeError {
            message: format!("pooling = reference-year {r}, but the data have no year {r}"),
            hint: format!(
                "the data cover {:?}; set defaults.reference_year to one of them",
                panel.years
            ),
        })
    };
    let over = match pooling {
        Pooling::EachYear => format!("year {year}"),
        Pooling::AllYears => "all years".to_string(),
        Pooling::ReferenceYear(r) => format!("reference year {r}"),
    };
    if matches!(indicator.normalisation, Normalisation::Goalposts { .. }) {
        return Ok(fit(&indicator.normalisation, &[]).unwrap_or(Bounds::NoData {}));
    }
    let values = pooled()?;
    if values.is_empty() {
        return no_data(pooling, panel, i, id, &over);
    }
    fit(&indicator.normalisation, &values).ok_or_else(|| {
        let what = match indicator.normalisation {
            Normalisation::MinMax { .. } => "min-max has no spread to scale",
            _ => "a z-score is undefined",
        };
        ComputeError {
            message: format!(
                "indicator \"{id}\": the {} value(s) in {over} do not vary, so {what}",
                values.len()
            ),
            hint: "check the data; for an indicator that can be constant use goalposts".into(),
        }
    })
}

/// The bounds a method draws from pooled values (fixed for goalposts); `None` when the values
/// do not vary (or are too few), so that nothing can be scaled.
pub(crate) fn fit(method: &Normalisation, values: &[f64]) -> Option<Bounds> {
    match *method {
        Normalisation::Goalposts { lo, hi, .. } => Some(Bounds::Goalposts { lo, hi }),
        Normalisation::MinMax { .. } => {
            let min = values.iter().copied().fold(f64::INFINITY, f64::min);
            let max = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            (min < max).then_some(Bounds::MinMax { min, max })
        }
        Normalisation::ZScore { .. } => {
            let n = values.len() as f64;
            let mean = values.iter().sum::<f64>() / n;
            // Sample standard deviation (n - 1), as R's sd() and COINr use.
            let sd = (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
            (values.len() >= 2 && sd > 0.0).then_some(Bounds::ZScore { mean, sd })
        }
    }
}

/// A pool with no value: fine when only this year lacks data; an error when a reference year
/// every other year depends on is empty.
fn no_data(
    pooling: Pooling,
    panel: &Panel,
    i: usize,
    id: &str,
    over: &str,
) -> Result<Bounds, ComputeError> {
    let has_any = (0..panel.years.len()).any(|y| {
        panel
            .present_units(y)
            .iter()
            .any(|&u| panel.get(y, u, i).is_some())
    });
    if matches!(pooling, Pooling::ReferenceYear(_)) && has_any {
        return Err(ComputeError {
            message: format!(
                "indicator \"{id}\" has no value in the {over}, whose bounds every year uses"
            ),
            hint: "supply the reference year's data or choose another reference_year".into(),
        });
    }
    Ok(Bounds::NoData {})
}

/// The score of raw value `x`; `Err` says why the method cannot apply to it.
pub(crate) fn score(indicator: &Indicator, bounds: Bounds, x: f64) -> Result<Option<f64>, String> {
    let flip = indicator.direction == Direction::Lower;
    Ok(Some(match (indicator.normalisation, bounds) {
        (Normalisation::MinMax { range: (l, u) }, Bounds::MinMax { min, max }) => {
            let frac = (x - min) / (max - min);
            l + if flip { 1.0 - frac } else { frac } * (u - l)
        }
        (Normalisation::ZScore { mean, sd }, Bounds::ZScore { mean: m, sd: s }) => {
            let z = (x - m) / s;
            mean + sd * if flip { -z } else { z }
        }
        (
            Normalisation::Goalposts {
                lo,
                hi,
                log,
                cap,
                range: (l, u),
            },
            _,
        ) => {
            let (x, lo, hi) = if log {
                if x <= 0.0 {
                    return Err(format!(
                        "value {x} has no natural log (goalposts with log = true)"
                    ));
                }
                (x.ln(), lo.ln(), hi.ln())
            } else {
                (x, lo, hi)
            };
            let mut frac = (x - lo) / (hi - lo);
            if cap {
                frac = frac.clamp(0.0, 1.0);
            }
            l + if flip { 1.0 - frac } else { frac } * (u - l)
        }
        (_, Bounds::NoData {}) => return Ok(None),
        _ => unreachable!("bounds are computed for the indicator's own method"),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn indicator(normalisation: Normalisation, direction: Direction) -> Indicator {
        Indicator {
            unit: String::new(),
            direction,
            source: String::new(),
            valid: None,
            normalisation,
        }
    }

    #[test]
    fn min_max_flips_for_lower_is_better() {
        let mm = Normalisation::MinMax {
            range: (0.0, 100.0),
        };
        let b = Bounds::MinMax {
            min: 2.0,
            max: 12.0,
        };
        // (4.5 - 2) / 10 = 0.25
        assert_eq!(
            score(&indicator(mm.clone(), Direction::Higher), b, 4.5),
            Ok(Some(25.0))
        );
        assert_eq!(
            score(&indicator(mm, Direction::Lower), b, 4.5),
            Ok(Some(75.0))
        );
    }

    #[test]
    fn goalposts_cap_and_log_as_the_hdi() {
        let gni = Normalisation::Goalposts {
            lo: 100.0,
            hi: 75_000.0,
            log: true,
            cap: true,
            range: (0.0, 1.0),
        };
        let gi = indicator(gni, Direction::Higher);
        let b = Bounds::Goalposts {
            lo: 100.0,
            hi: 75_000.0,
        };
        // ln(1000/100) / ln(75000/100) = 2.302585 / 6.620073 = 0.347819
        let s = score(&gi, b, 1000.0).unwrap().unwrap();
        assert!((s - 0.347_819).abs() < 1e-6, "{s}");
        assert_eq!(score(&gi, b, 90_000.0), Ok(Some(1.0)));
        assert!(score(&gi, b, 0.0).is_err());
    }

    #[test]
    fn z_score_rescales_and_flips() {
        let z = Normalisation::ZScore {
            mean: 100.0,
            sd: 10.0,
        };
        let b = Bounds::ZScore { mean: 5.0, sd: 2.0 };
        assert_eq!(
            score(&indicator(z.clone(), Direction::Higher), b, 8.0),
            Ok(Some(115.0))
        );
        assert_eq!(
            score(&indicator(z, Direction::Lower), b, 8.0),
            Ok(Some(85.0))
        );
    }
}
