//! Normalisation: every indicator's raw values onto the common, direction-aligned score scale,
//! with bounds drawn from the years the spec's pooling names.

use serde::Serialize;

use crate::diagnostic::Code;
use crate::error::ComputeError;
use crate::panel::Panel;
use crate::recipe::{IndicatorRecipe, Recipe};
use crate::spec::{Normalisation, Pooling, Ties};
pub(crate) use score::score;

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
    /// The number of pooled values a rank is taken among.
    Pool { n: usize },
    /// The reference region's value that year.
    Reference { region: f64 },
    /// Nothing drawn from the data (target, piecewise, AMPI, base year).
    Fixed { fixed: bool },
    /// Mean and sample standard deviation of the pooled values; `mean_lo` carries the bits of
    /// the mean below `mean`'s last (see `stats::mean_parts`), so that values like 1e9 + small
    /// spreads are scored without cancellation.
    ZScore {
        mean: f64,
        sd: f64,
        #[serde(skip)]
        mean_lo: f64,
    },
    /// Fixed goalposts (raw scale, before any log).
    Goalposts { lo: f64, hi: f64 },
    /// No value to draw bounds from in this year: every score is missing.
    NoData {},
}

/// Normalises every indicator as the recipe says.
pub fn normalise(recipe: &Recipe, panel: &Panel) -> Result<Normalised, ComputeError> {
    use rayon::prelude::*;
    let n_units = panel.units.len();
    let n_indicators = panel.indicators.len();
    let cells = panel.years.len() * n_units;
    let mut out = Normalised {
        n_units,
        n_indicators,
        values: vec![None; cells * n_indicators],
        bounds: Vec::with_capacity(n_indicators),
    };
    // Indicators are independent: on a large panel a batch of them is normalised in parallel
    // and each one's column put in its place, so the result (and the first error, in
    // indicator order) is the same whatever the number of threads. A small panel, and every
    // replication of the analyses, stays on this thread.
    let parallel = cells * n_indicators >= 1 << 16;
    let batch = if parallel { 16 } else { 1 };
    let indicators: Vec<usize> = (0..n_indicators).collect();
    for group in indicators.chunks(batch) {
        let one = |&i: &usize| normalise_indicator(recipe, panel, i);
        let columns: Vec<_> = if parallel {
            group.par_iter().map(one).collect()
        } else {
            group.iter().map(one).collect()
        };
        let mut batch_columns = Vec::with_capacity(group.len());
        for (&i, column) in group.iter().zip(columns) {
            let (bounds, values) = column?;
            out.bounds.push(bounds);
            batch_columns.push((i, values));
        }
        // The batch's columns go in their places cell by cell (a cell's indicators are
        // next to each other), on a large panel a range of cells per thread.
        const CELLS: usize = 4096;
        let place = |(k, dest): (usize, &mut [Option<f64>])| {
            for (c, row) in dest.chunks_mut(n_indicators).enumerate() {
                for (i, values) in &batch_columns {
                    row[*i] = values[k * CELLS + c];
                }
            }
        };
        let chunk = (n_indicators * CELLS).max(1);
        if parallel {
            out.values.par_chunks_mut(chunk).enumerate().for_each(place);
        } else {
            out.values.chunks_mut(chunk).enumerate().for_each(place);
        }
    }
    Ok(out)
}

/// One indicator's normalised values, by year and unit, and the bounds of each year.
fn normalise_indicator(
    recipe: &Recipe,
    panel: &Panel,
    i: usize,
) -> Result<(Vec<YearBounds>, Vec<Option<f64>>), ComputeError> {
    let id = &panel.indicators[i];
    let series = Series {
        panel,
        id: id.clone(),
        what: format!("indicator \"{id}\""),
        value: |y: usize, u: usize| panel.get(y, u, i),
    };
    let frozen = recipe.frozen.as_deref().map(|f| (f, id.as_str()));
    normalise_series(recipe.pooling, frozen, &recipe.indicators[i], &series)
}

/// One series to normalise: an indicator's values in the panel, or a group's aggregated
/// scores (by year and unit), with the panel's years, units and presence.
pub(crate) struct Series<'a, F: Fn(usize, usize) -> Option<f64>> {
    pub panel: &'a Panel,
    /// The indicator or group id.
    pub id: String,
    /// What messages call it: `indicator "x"` or `group "g"`.
    pub what: String,
    pub value: F,
}

impl<F: Fn(usize, usize) -> Option<f64>> Series<'_, F> {
    fn get(&self, y: usize, u: usize) -> Option<f64> {
        (self.value)(y, u)
    }
}

/// A series' normalised values, by year and unit, and the bounds of each year: bounds drawn
/// from the years `pooling` names (or frozen at an edition, given the series' id there).
pub(crate) fn normalise_series<F: Fn(usize, usize) -> Option<f64>>(
    pooling: Pooling,
    frozen: Option<(&crate::spec::frozen::FrozenBounds, &str)>,
    indicator: &IndicatorRecipe,
    series: &Series<F>,
) -> Result<(Vec<YearBounds>, Vec<Option<f64>>), ComputeError> {
    let panel = series.panel;
    let n_units = panel.units.len();
    let what = &series.what;
    let mut values = vec![None; panel.years.len() * n_units];
    let mut bounds = Vec::with_capacity(panel.years.len());
    // Pooled bounds are the same for every year: computed once. `None`: no value to draw
    // them from this year.
    let mut current: Option<(Option<Scale>, Vec<f64>)> = None;
    // The base year's position, for the one method that reads it.
    let base = if let Normalisation::BaseYear { year } = &indicator.normalisation {
        Some(panel.year_position(*year).ok_or_else(|| {
            ComputeError::new(
                Code::NoReference,
                format!(
                    "{what}: base year {year} is not in the data (they cover {:?})",
                    panel.years
                ),
            )
            .node(&series.id)
            .year(*year)
            .hint("choose a base year the data cover")
        })?)
    } else {
        None
    };
    let no_pool = Vec::new();
    for (y, &year) in panel.years.iter().enumerate() {
        let frozen =
            frozen.and_then(|(f, id)| frozen_scale(&indicator.normalisation, f.bound(id, year)?));
        if frozen.is_none() && (pooling == Pooling::EachYear || current.is_none()) {
            current = Some(year_scale(pooling, indicator, series, y)?);
        }
        let (scale, pool) = match &frozen {
            Some(s) => (Some(*s), &no_pool),
            None => {
                let (s, pool) = current.as_ref().expect("bounds of this year");
                (*s, pool)
            }
        };
        bounds.push(YearBounds {
            year,
            bounds: scale.map_or(Bounds::NoData {}, |s| s.bounds()),
        });
        let Some(scale) = scale else {
            continue;
        };
        for unit in (0..n_units).filter(|&u| panel.is_present(y, u)) {
            if let Some(x) = series.get(y, unit) {
                let context = Context {
                    pool,
                    base: base.and_then(|by| series.get(by, unit)),
                };
                let score = score(&scale, indicator.flip, x, &context).map_err(|why| {
                    let region = &panel.units.get(unit).code;
                    ComputeError::new(
                        Code::Unscorable,
                        format!("{what}, region {region}, year {year}: {why}"),
                    )
                    .node(&series.id)
                    .region(region)
                    .year(year)
                    .hint("check the value, or choose a method that accepts it")
                })?;
                values[y * n_units + unit] = match (score, indicator.round) {
                    (Some(v), Some(d)) => Some(crate::spec::round(v, d)),
                    (v, _) => v,
                };
            }
        }
    }
    Ok((bounds, values))
}

/// The scale of a bound frozen at a published edition, for a method that draws that kind of
/// bound (a method changed since the edition draws its own).
fn frozen_scale(
    method: &Normalisation,
    bound: crate::spec::frozen::FrozenBound,
) -> Option<Scale<'_>> {
    use crate::spec::frozen::FrozenBound;
    match (method, bound) {
        (Normalisation::MinMax { range }, FrozenBound::MinMax { min, max }) => {
            Some(Scale::MinMax {
                range: *range,
                min,
                max,
            })
        }
        (Normalisation::Best { range }, FrozenBound::MinMax { min, max }) => Some(Scale::Best {
            range: *range,
            min,
            max,
        }),
        (Normalisation::FractionMax { range }, FrozenBound::MinMax { min, max }) => {
            Some(Scale::FractionMax {
                range: *range,
                min,
                max,
            })
        }
        (Normalisation::ZScore { mean: to, sd: by }, FrozenBound::ZScore { mean, sd }) => {
            Some(Scale::ZScore {
                to: *to,
                by: *by,
                mean,
                sd,
                mean_lo: 0.0,
            })
        }
        _ => None,
    }
}

/// Values of a series in the years whose bounds apply to year `y`.
fn pool<F: Fn(usize, usize) -> Option<f64>>(
    pooling: Pooling,
    series: &Series<F>,
    y: usize,
) -> Result<Vec<f64>, i32> {
    let panel = series.panel;
    let years = match pooling {
        Pooling::EachYear => y..y + 1,
        Pooling::AllYears => 0..panel.years.len(),
        Pooling::ReferenceYear(r) => {
            let k = panel.year_position(r).ok_or(r)?;
            k..k + 1
        }
    };
    let n_units = panel.units.len();
    let mut out = Vec::with_capacity(years.len() * n_units);
    for y in years {
        for u in 0..n_units {
            // A unit scored outside the regions (not pooled) draws no bound.
            if panel.is_present(y, u)
                && panel.is_pooled(u)
                && let Some(v) = series.get(y, u)
            {
                out.push(v);
            }
        }
    }
    Ok(out)
}

/// The method fitted for year `y` (`None` when no value can draw its bounds that year), and
/// the sorted pool it was fitted on.
fn year_scale<'m, F: Fn(usize, usize) -> Option<f64>>(
    pooling: Pooling,
    indicator: &'m IndicatorRecipe,
    series: &Series<F>,
    y: usize,
) -> Result<(Option<Scale<'m>>, Vec<f64>), ComputeError> {
    let (panel, what) = (series.panel, &series.what);
    let year = panel.years[y];
    let over = match pooling {
        Pooling::EachYear => format!("year {year}"),
        Pooling::AllYears => "all years".to_string(),
        Pooling::ReferenceYear(r) => format!("reference year {r}"),
    };
    if let Normalisation::Reference { region } = &indicator.normalisation {
        let unit = panel.units.find(region).ok_or_else(|| {
            ComputeError::new(
                Code::NoReference,
                format!("{what}: the reference region \"{region}\" is not a unit of the index"),
            )
            .node(&series.id)
            .hint("give the code, name or alias of a region in the data")
        })?;
        return match series.get(y, unit) {
            Some(v) if v != 0.0 => Ok((Some(Scale::Reference { region: v }), Vec::new())),
            other => Err(ComputeError::new(
                Code::NoReference,
                format!(
                    "{what}, year {year}: the reference region {} has {}",
                    panel.units.get(unit).code,
                    other.map_or("no value".to_string(), |v| format!(
                        "the value {v}, which cannot divide"
                    ))
                ),
            )
            .node(&series.id)
            .region(&panel.units.get(unit).code)
            .year(year)
            .hint(
                "supply the reference region's value for every year, or choose another reference",
            )),
        };
    }
    if !indicator.normalisation.draws_from_data() {
        let s = fit(&indicator.normalisation, &[]).expect("fixed bounds need no data");
        return Ok((Some(s), Vec::new()));
    }
    let mut values = pool(pooling, series, y).map_err(|r| {
        ComputeError::new(
            Code::NoReference,
            format!("pooling = reference-year {r}, but the data have no year {r}"),
        )
        .year(r)
        .hint(format!(
            "the data cover {:?}; set defaults.reference_year to one of them",
            panel.years
        ))
    })?;
    if values.is_empty() {
        return no_data(pooling, series, &over).map(|()| (None, Vec::new()));
    }
    crate::stats::sort_total(&mut values);
    // Dense ranks count distinct values: the pool keeps one of each.
    if let Normalisation::Rank { ties: Ties::Dense }
    | Normalisation::PercentileRank {
        ties: Ties::Dense, ..
    } = indicator.normalisation
    {
        values.dedup();
    }
    let scale = fit(&indicator.normalisation, &values).ok_or_else(|| {
        let why = match indicator.normalisation {
            Normalisation::MinMax { .. } => "min-max has no spread to scale",
            Normalisation::ZScore { .. } => "a z-score is undefined",
            Normalisation::Best { .. } | Normalisation::FractionMax { .. } => {
                "the best or largest value is 0 and cannot divide"
            }
            Normalisation::Rank { .. }
            | Normalisation::PercentileRank { .. }
            | Normalisation::Borda => "ranks need at least two regions",
            // Fixed bounds always fit, and a reference's bounds are not fitted on the pool.
            Normalisation::Goalposts { .. }
            | Normalisation::Target { .. }
            | Normalisation::BaseYear { .. }
            | Normalisation::Piecewise { .. }
            | Normalisation::Ampi { .. }
            | Normalisation::None
            | Normalisation::Reference { .. } => "its bounds cannot be drawn",
        };
        let e = ComputeError::new(
            Code::NoSpread,
            format!(
                "{what}: the {} value(s) in {over} cannot be normalised: {why}",
                values.len()
            ),
        )
        .node(&series.id)
        .hint("check the data; for an indicator that can be constant use goalposts");
        match pooling {
            Pooling::EachYear => e.year(year),
            _ => e,
        }
    })?;
    Ok((Some(scale), values))
}

/// What a score needs besides the bounds: the pooled values, sorted (for ranks), and the
/// region's own value in the base year.
pub(crate) struct Context<'a> {
    pub pool: &'a [f64],
    pub base: Option<f64>,
}

/// A method with the bounds it drew from the pooled values, in one value: each variant holds
/// its method's parameters and its own bounds, so that a score reads only bounds of its own
/// method (the compiler sees every pair). `bounds` is what the manifest records of it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Scale<'m> {
    MinMax {
        range: (f64, f64),
        min: f64,
        max: f64,
    },
    /// Onto mean `to` and sd `by`, from the pool's `mean` (with its low bits `mean_lo`) and
    /// sample `sd`.
    ZScore {
        to: f64,
        by: f64,
        mean: f64,
        sd: f64,
        mean_lo: f64,
    },
    Goalposts {
        lo: f64,
        hi: f64,
        log: bool,
        cap: bool,
        range: (f64, f64),
    },
    Rank {
        ties: Ties,
        n: usize,
    },
    PercentileRank {
        range: (f64, f64),
        ties: Ties,
        n: usize,
    },
    Borda {
        n: usize,
    },
    Target {
        target: f64,
        lo: Option<f64>,
        range: (f64, f64),
    },
    Best {
        range: (f64, f64),
        min: f64,
        max: f64,
    },
    /// The reference region's value that year.
    Reference {
        region: f64,
    },
    FractionMax {
        range: (f64, f64),
        min: f64,
        max: f64,
    },
    BaseYear {
        year: i32,
    },
    Piecewise {
        breakpoints: &'m [(f64, f64)],
    },
    Ampi {
        reference: f64,
        delta: f64,
    },
    None,
}

impl Scale<'_> {
    /// What the manifest records of the bounds.
    pub(crate) fn bounds(&self) -> Bounds {
        match *self {
            Scale::MinMax { min, max, .. }
            | Scale::Best { min, max, .. }
            | Scale::FractionMax { min, max, .. } => Bounds::MinMax { min, max },
            Scale::ZScore {
                mean, sd, mean_lo, ..
            } => Bounds::ZScore { mean, sd, mean_lo },
            Scale::Goalposts { lo, hi, .. } => Bounds::Goalposts { lo, hi },
            Scale::Rank { n, .. } | Scale::PercentileRank { n, .. } | Scale::Borda { n } => {
                Bounds::Pool { n }
            }
            Scale::Reference { region } => Bounds::Reference { region },
            Scale::Target { .. }
            | Scale::BaseYear { .. }
            | Scale::Piecewise { .. }
            | Scale::Ampi { .. }
            | Scale::None => Bounds::Fixed { fixed: true },
        }
    }
}

/// The method fitted to pooled values (fixed for goalposts); `None` when the values do not
/// vary (or are too few), so that nothing can be scaled, and for a reference, whose bound is
/// a region's value, not the pool's (`year_scale`).
pub(crate) fn fit<'m>(method: &'m Normalisation, values: &[f64]) -> Option<Scale<'m>> {
    let min = || values.iter().copied().fold(f64::INFINITY, f64::min);
    let max = || values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let n = values.len();
    match method {
        Normalisation::Goalposts {
            lo,
            hi,
            log,
            cap,
            range,
        } => Some(Scale::Goalposts {
            lo: *lo,
            hi: *hi,
            log: *log,
            cap: *cap,
            range: *range,
        }),
        Normalisation::Target { target, lo, range } => Some(Scale::Target {
            target: *target,
            lo: *lo,
            range: *range,
        }),
        Normalisation::BaseYear { year } => Some(Scale::BaseYear { year: *year }),
        Normalisation::Piecewise { breakpoints } => Some(Scale::Piecewise { breakpoints }),
        Normalisation::Ampi { reference, delta } => Some(Scale::Ampi {
            reference: *reference,
            delta: *delta,
        }),
        Normalisation::None => Some(Scale::None),
        Normalisation::MinMax { range } => {
            let (min, max) = (min(), max());
            (min < max).then_some(Scale::MinMax {
                range: *range,
                min,
                max,
            })
        }
        Normalisation::ZScore { mean: to, sd: by } => {
            // Sample standard deviation (n - 1), as R's sd() and COINr use; accurate for
            // values like 1e9 + small spreads.
            let (_, sd) = crate::stats::mean_sd(values);
            let (mean, mean_lo) = crate::stats::mean_parts(values);
            (n >= 2 && sd > 0.0).then_some(Scale::ZScore {
                to: *to,
                by: *by,
                mean,
                sd,
                mean_lo,
            })
        }
        Normalisation::Rank { ties } => (n >= 2).then_some(Scale::Rank { ties: *ties, n }),
        Normalisation::PercentileRank { range, ties } => {
            (n >= 2).then_some(Scale::PercentileRank {
                range: *range,
                ties: *ties,
                n,
            })
        }
        Normalisation::Borda => (n >= 2).then_some(Scale::Borda { n }),
        Normalisation::Best { range } | Normalisation::FractionMax { range } => {
            let (min, max) = (min(), max());
            if !(n >= 1 && min.is_finite() && max != 0.0) {
                return None;
            }
            Some(match method {
                Normalisation::Best { .. } => Scale::Best {
                    range: *range,
                    min,
                    max,
                },
                _ => Scale::FractionMax {
                    range: *range,
                    min,
                    max,
                },
            })
        }
        // The reference region's value that year, not the pool: see `year_scale`.
        Normalisation::Reference { .. } => None,
    }
}

/// A pool with no value: fine when only this year lacks data; an error when a reference year
/// every other year depends on is empty.
fn no_data<F: Fn(usize, usize) -> Option<f64>>(
    pooling: Pooling,
    series: &Series<F>,
    over: &str,
) -> Result<(), ComputeError> {
    let panel = series.panel;
    let what = &series.what;
    let has_any = (0..panel.years.len()).any(|y| {
        panel
            .present_units(y)
            .iter()
            .any(|&u| series.get(y, u).is_some())
    });
    if matches!(pooling, Pooling::ReferenceYear(_)) && has_any {
        let e = ComputeError::new(
            Code::NoReference,
            format!("{what} has no value in the {over}, whose bounds every year uses"),
        )
        .node(&series.id)
        .hint("supply the reference year's data or choose another reference_year");
        return Err(match pooling {
            Pooling::ReferenceYear(r) => e.year(r),
            _ => e,
        });
    }
    Ok(())
}

mod score;
#[cfg(test)]
mod tests;
