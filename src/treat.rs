//! Treatment of the panel before normalisation: imputation of missing values, then outlier
//! treatment (OECD/JRC Handbook, steps 3 and 5; the JRC/COINr rule). Every changed cell is
//! logged, and flagged in the outputs.

use serde::Serialize;

use crate::diagnostic::Code;
use crate::error::ComputeError;
use crate::named::Named;
use crate::panel::Panel;
use crate::recipe::Recipe;
use crate::spec::{Impute, LogForm, OutlierRule, ScreenWhen, Screening, Treatment};
use crate::stats::{kurtosis, mean, median, skewness};

/// One changed cell.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    pub indicator: String,
    pub year: i32,
    pub region: String,
    /// The value before (`None`: it was missing).
    pub before: Option<f64>,
    pub after: f64,
    pub how: String,
}

/// A region left out of a year by screening.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Screened {
    pub year: i32,
    pub region: String,
    /// Its share of indicator values that year.
    pub share: f64,
}

impl Change {
    /// The change of indicator column `i` for unit `u` in year position `y`.
    fn of(
        panel: &Panel,
        i: usize,
        y: usize,
        u: usize,
        before: Option<f64>,
        after: f64,
        how: String,
    ) -> Change {
        Change {
            indicator: panel.indicators[i].clone(),
            year: panel.years[y],
            region: panel.units.get(u).code.clone(),
            before,
            after,
            how,
        }
    }
}

/// The treated panel and the log of what changed.
#[derive(Debug, Clone, Default)]
pub struct Log {
    pub screened: Vec<Screened>,
    pub imputed: Vec<Change>,
    pub treated: Vec<Change>,
}

impl Log {
    pub fn is_empty(&self) -> bool {
        self.screened.is_empty() && self.imputed.is_empty() && self.treated.is_empty()
    }
}

/// Applies the recipe's screening, imputation and treatment to a copy of the panel. Returns
/// `None` when it has none of them.
pub fn treat(recipe: &Recipe, panel: &Panel) -> Result<Option<(Panel, Log)>, ComputeError> {
    let methods: Vec<(Impute, Treatment)> = recipe
        .indicators
        .iter()
        .map(|i| (i.imputation, i.treatment))
        .collect();
    if recipe.screening.is_none()
        && methods
            .iter()
            .all(|m| *m == (Impute::None, Treatment::None))
    {
        return Ok(None);
    }
    let mut out = panel.clone();
    let mut log = Log::default();
    if let Some(s) = recipe.screening
        && s.when == ScreenWhen::BeforeImputation
    {
        screen(&mut out, s, &mut log);
    }
    for (i, &(impute, _)) in methods.iter().enumerate() {
        impute_indicator(panel, &mut out, &mut log, i, impute);
    }
    if let Some(s) = recipe.screening
        && s.when == ScreenWhen::AfterImputation
    {
        screen(&mut out, s, &mut log);
    }
    for (i, &(_, treatment)) in methods.iter().enumerate() {
        treat_indicator(panel, &mut out, &mut log, i, treatment)?;
    }
    Ok(Some((out, log)))
}

/// Imputes indicator `i` of `out` as `impute` says, from the raw values of `panel` only (an
/// imputed value never feeds another), for the regions screening kept; logs every value.
fn impute_indicator(panel: &Panel, out: &mut Panel, log: &mut Log, i: usize, impute: Impute) {
    let ny = panel.years.len();
    let change = |y, u, before, after, how| Change::of(panel, i, y, u, before, after, how);
    // Imputation, from the raw values only (an imputed value never feeds another), of the
    // regions screening kept.
    for y in 0..ny {
        let units = out.present_units(y);
        // Means and medians are the pooled regions' (not a unit scored outside them).
        let mut known: Vec<f64> = units
            .iter()
            .filter(|&&u| panel.is_pooled(u))
            .filter_map(|&u| panel.get(y, u, i))
            .collect();
        for &u in &units {
            if panel.get(y, u, i).is_some() {
                continue;
            }
            // Values of the same group of regions (the unit's group), for group imputation.
            let group = panel.units.get(u).group.as_ref();
            let mut in_group: Vec<f64> = units
                .iter()
                .filter(|&&v| group.is_some() && panel.units.get(v).group.as_ref() == group)
                .filter(|&&v| panel.is_pooled(v))
                .filter_map(|&v| panel.get(y, v, i))
                .collect();
            in_group.sort_by(f64::total_cmp);
            let filled = match impute {
                Impute::None => None,
                Impute::GroupMean => (!in_group.is_empty()).then(|| mean(&in_group)),
                Impute::GroupMedian => (!in_group.is_empty()).then(|| median(&in_group)),
                Impute::Mean => (!known.is_empty()).then(|| mean(&known)),
                Impute::Median => {
                    known.sort_by(f64::total_cmp);
                    (!known.is_empty()).then(|| median(&known))
                }
                Impute::Interpolate => {
                    let before = (0..y)
                        .rev()
                        .find_map(|k| panel.get(k, u, i).map(|v| (k, v)));
                    let after = (y + 1..ny).find_map(|k| panel.get(k, u, i).map(|v| (k, v)));
                    match (before, after) {
                        (Some((k0, v0)), Some((k1, v1))) => {
                            let (t0, t1, t) = (
                                panel.years[k0] as f64,
                                panel.years[k1] as f64,
                                panel.years[y] as f64,
                            );
                            Some(v0 + (t - t0) / (t1 - t0) * (v1 - v0))
                        }
                        _ => None,
                    }
                }
                Impute::Carry { years } => (1..=years as i32).find_map(|d| {
                    [panel.years[y] - d, panel.years[y] + d]
                        .into_iter()
                        .find_map(|yr| panel.year_position(yr).and_then(|k| panel.get(k, u, i)))
                }),
            };
            if let Some(v) = filled {
                out.set(y, u, i, Some(v));
                log.imputed
                    .push(change(y, u, None, v, impute.kind().name().to_string()));
            }
        }
    }
}

/// Treats indicator `i` of `out` (imputed and screened) as `treatment` says, year by year;
/// logs every value changed. Refused when the treatment is undefined for a value (the log of
/// 0).
fn treat_indicator(
    panel: &Panel,
    out: &mut Panel,
    log: &mut Log,
    i: usize,
    treatment: Treatment,
) -> Result<(), ComputeError> {
    let ny = panel.years.len();
    let id = &panel.indicators[i];
    let change = |y, u, before, after, how| Change::of(panel, i, y, u, before, after, how);
    if treatment == Treatment::None {
        return Ok(());
    }
    for y in 0..ny {
        let units: Vec<usize> = out
            .present_units(y)
            .into_iter()
            .filter(|&u| out.get(y, u, i).is_some())
            .collect();
        let x: Vec<f64> = units
            .iter()
            .map(|&u| out.get(y, u, i).expect("filtered to values"))
            .collect();
        let fail = |what: &str, u: usize, v: f64| {
            let (region, year) = (&panel.units.get(u).code, panel.years[y]);
            ComputeError::new(
                Code::UndefinedTreatment,
                format!("indicator \"{id}\", region {region}, year {year}: {what} of {v} is undefined"),
            )
            .node(id)
            .region(region)
            .year(year)
            .hint("choose another treatment for this indicator (treatment = { method = \"jrc\" } or \"none\")")
        };
        let treated: Option<(Vec<f64>, String)> = match treatment {
            Treatment::None => None,
            Treatment::Log => {
                if let Some(k) = x.iter().position(|v| *v <= 0.0) {
                    return Err(fail("the natural log", units[k], x[k]));
                }
                Some((x.iter().map(|v| v.ln()).collect(), "ln".into()))
            }
            Treatment::Sqrt => {
                if let Some(k) = x.iter().position(|v| *v < 0.0) {
                    return Err(fail("the square root", units[k], x[k]));
                }
                Some((x.iter().map(|v| v.sqrt()).collect(), "sqrt".into()))
            }
            Treatment::Winsorise { points } => {
                Some((winsorise(&x, points as usize, None).0, "winsorised".into()))
            }
            Treatment::Jrc { points, log, rule } => jrc(&x, points as usize, log, rule),
        };
        if let Some((values, how)) = treated {
            for (k, &u) in units.iter().enumerate() {
                if values[k] != x[k] {
                    out.set(y, u, i, Some(values[k]));
                    log.treated
                        .push(change(y, u, Some(x[k]), values[k], how.clone()));
                }
            }
        }
    }
    Ok(())
}

/// Screening (COINr's `Screen`): every region whose share of indicator values in a year is
/// below the threshold is left out of that year, and logged.
fn screen(out: &mut Panel, screening: Screening, log: &mut Log) {
    let n = out.indicators.len();
    for y in 0..out.years.len() {
        for u in out.present_units(y) {
            let with = (0..n).filter(|&i| out.get(y, u, i).is_some()).count();
            let share = with as f64 / n as f64;
            // The same tolerance as the missing-data rule: 9 of 10 meets a declared 0.9.
            if share + 1e-9 < screening.min_share {
                out.mark_absent(y, u);
                log.screened.push(Screened {
                    year: out.years[y],
                    region: out.units.get(u).code.clone(),
                    share,
                });
            }
        }
    }
}

/// Whether an indicator with this skewness and kurtosis needs treatment by the JRC rule with
/// COINr's thresholds (|skewness| 2, kurtosis 3.5), as the audit flags outliers.
pub fn needs_treatment(skewness: Option<f64>, kurtosis: Option<f64>) -> bool {
    OutlierRule::default().fails(skewness, kurtosis)
}

/// Whether values fail the rule.
fn fails_rule(x: &[f64], rule: OutlierRule) -> bool {
    rule.fails(skewness(x), kurtosis(x))
}

/// Replaces the most extreme value on the side of the skew by the next one until `points`
/// values have been replaced (stopping early when `until` is a rule that passes). Values
/// tied at the extreme are replaced together and each counts, as in COINr's `winsorise`
/// (its `nwin`). Returns the values and whether the rule (the default one without `until`)
/// passes at the end.
fn winsorise(x: &[f64], points: usize, until: Option<OutlierRule>) -> (Vec<f64>, bool) {
    let mut v = x.to_vec();
    while v.iter().zip(x).filter(|(a, b)| a != b).count() < points {
        if let Some(rule) = until
            && !fails_rule(&v, rule)
        {
            return (v, true);
        }
        let high = skewness(&v).is_none_or(|s| s >= 0.0);
        let mut sorted = v.clone();
        sorted.sort_by(f64::total_cmp);
        let (extreme, next) = if high {
            (
                sorted[sorted.len() - 1],
                sorted
                    .iter()
                    .rev()
                    .find(|&&s| s < sorted[sorted.len() - 1])
                    .copied(),
            )
        } else {
            (sorted[0], sorted.iter().find(|&&s| s > sorted[0]).copied())
        };
        let Some(next) = next else { break };
        for e in v.iter_mut().filter(|e| **e == extreme) {
            *e = next;
        }
    }
    let ok = !fails_rule(&v, until.unwrap_or_default());
    (v, ok)
}

/// The JRC rule: winsorise up to `points` values; if the rule still fails, a log of the
/// original values instead, in the chosen form.
fn jrc(x: &[f64], points: usize, log: LogForm, rule: OutlierRule) -> Option<(Vec<f64>, String)> {
    if !fails_rule(x, rule) {
        return None;
    }
    let (w, ok) = winsorise(x, points, Some(rule));
    if ok {
        return Some((w, "winsorised (JRC rule)".into()));
    }
    let (min, max) = x
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| {
            (a.min(v), b.max(v))
        });
    let positive = skewness(x).is_none_or(|s| s >= 0.0);
    let logged = x
        .iter()
        .map(|&v| match log {
            LogForm::CoinTool if positive => (v - min + 1.0).ln(),
            LogForm::CoinTool => -(max - v + 1.0).ln(),
            // COINr's log_CT; its shift keeps the minimum's log finite.
            LogForm::Coinr => (v - min + 0.01 * (max - min)).ln(),
        })
        .collect();
    let how = match log {
        LogForm::CoinTool => "log-transformed (JRC rule)",
        LogForm::Coinr => "log-transformed (JRC rule, COINr's ln(x - min + 0.01 (max - min)))",
    };
    Some((logged, how.into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 1, 2, 3, 4, 5, 6, 7, 8, 9, 100: skewness 3.12 and kurtosis 9.80 fail the rule. One
    /// winsorisation (100 -> 9) leaves 1..9, 9: skewness -0.15, which passes.
    #[test]
    fn one_outlier_is_winsorised() {
        let x: Vec<f64> = (1..=9).map(f64::from).chain([100.0]).collect();
        assert!(fails_rule(&x, OutlierRule::default()));
        let (v, how) = jrc(&x, 5, LogForm::CoinTool, OutlierRule::default()).unwrap();
        assert_eq!(how, "winsorised (JRC rule)");
        assert_eq!(v[9], 9.0);
        assert_eq!(&v[..9], &x[..9]);
    }

    /// A heavy tail that five winsorisations cannot fix is log-transformed: ln(x - min + 1).
    #[test]
    fn a_heavy_tail_is_logged() {
        let x: Vec<f64> = (0..20)
            .map(|k| if k < 13 { 1.0 } else { 10f64.powi(k - 12) })
            .collect();
        assert!(fails_rule(&x, OutlierRule::default()));
        // One winsorisation (1e7 -> 1e6) leaves skewness 2.86 and kurtosis 6.93: still failing.
        let (v, how) = jrc(&x, 1, LogForm::CoinTool, OutlierRule::default()).unwrap();
        assert_eq!(how, "log-transformed (JRC rule)");
        assert_eq!(v[0], 0.0); // ln(1 - 1 + 1)
        assert!((v[19] - (1e7f64).ln()).abs() < 1e-9); // ln(1e7 - 1 + 1)
    }

    /// Tied extremes are winsorised together and each counts as a point, as COINr counts
    /// them: in 1..7, 50, 100, 100, two points take both 100s to 50 in one step; a third
    /// point takes a further step, the three 50s to 7 (three values changed).
    #[test]
    fn tied_extremes_count_as_points() {
        let x: Vec<f64> = (1..=7).map(f64::from).chain([50.0, 100.0, 100.0]).collect();
        let (v, _) = winsorise(&x, 2, None);
        assert_eq!(&v[7..], &[50.0, 50.0, 50.0]);
        let (v, _) = winsorise(&x, 3, None);
        assert_eq!(&v[7..], &[7.0, 7.0, 7.0]);
    }

    #[test]
    fn well_behaved_values_are_left_alone() {
        assert_eq!(
            jrc(
                &[1.0, 2.0, 3.0, 4.0, 5.0],
                5,
                LogForm::CoinTool,
                OutlierRule::default()
            ),
            None
        );
    }

    /// COINr's log of the same heavy tail (min 1, max 1e7): ln(x - 1 + 0.01 (1e7 - 1)), so the
    /// minimum maps to ln(99999.99) = 11.512925365 and the maximum to ln(1e7 - 1 + 99999.99).
    #[test]
    fn coinr_log_shifts_by_a_hundredth_of_the_range() {
        let x: Vec<f64> = (0..20)
            .map(|k| if k < 13 { 1.0 } else { 10f64.powi(k - 12) })
            .collect();
        let (v, how) = jrc(&x, 1, LogForm::Coinr, OutlierRule::default()).unwrap();
        assert!(how.contains("COINr"));
        assert!((v[0] - 99_999.99f64.ln()).abs() < 1e-9);
        assert!((v[19] - (1e7 - 1.0 + 99_999.99f64).ln()).abs() < 1e-9);
    }

    /// Thresholds are parameters: 1..9, 100 (skewness 3.12, kurtosis 9.80) passes a rule with
    /// kurtosis 10; at exactly the thresholds the rule fails, as COINr's (it passes only
    /// below either).
    #[test]
    fn thresholds_are_parameters() {
        let x: Vec<f64> = (1..=9).map(f64::from).chain([100.0]).collect();
        let lenient = OutlierRule {
            skewness: 2.0,
            kurtosis: 10.0,
        };
        assert_eq!(jrc(&x, 5, LogForm::CoinTool, lenient), None);
        assert!(OutlierRule::default().fails(Some(2.0), Some(3.5)));
        assert!(!OutlierRule::default().fails(Some(1.99), Some(3.5)));
    }
}
