//! Each method's formula: the score of one value on a fitted scale.

use super::{Context, Scale};
use crate::spec::Ties;

/// Why a method cannot score a value (E204, with the indicator, region and year added by the
/// caller).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Unscorable {
    /// A ratio (to a target, the best, the reference) of a value at or below 0.
    NotPositive { x: f64, ratio: &'static str },
    /// Goalposts on a log scale meeting a value at or below 0.
    NoLog { x: f64 },
    /// A base-year index whose base-year value is 0.
    ZeroBase { year: i32 },
}

impl std::fmt::Display for Unscorable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unscorable::NotPositive { x, ratio } => write!(
                f,
                "value {x} cannot be divided into ({ratio} needs values above 0)"
            ),
            Unscorable::NoLog { x } => {
                write!(
                    f,
                    "value {x} has no natural log (goalposts with log = true)"
                )
            }
            Unscorable::ZeroBase { year } => {
                write!(f, "the base-year ({year}) index cannot divide by 0")
            }
        }
    }
}

/// The score of raw value `x` on a fitted scale (`flip`: the indicator goes against the
/// index's direction); `Err` says why the method cannot apply to it.
///
/// One piece: one arm per method's scale, each its formula with its source, in one match the
/// compiler checks is whole; it runs once per value and replication.
pub(crate) fn score(
    scale: &Scale,
    flip: bool,
    x: f64,
    context: &Context,
) -> Result<Option<f64>, Unscorable> {
    let onto = |(l, u): (f64, f64), frac: f64| l + frac * (u - l);
    let positive = |ratio: &'static str| -> Result<(), Unscorable> {
        if x > 0.0 {
            Ok(())
        } else {
            Err(Unscorable::NotPositive { x, ratio })
        }
    };
    // Pooled values worse than x, and equal to it (x itself among them).
    let standing = || {
        let below = context.pool.partition_point(|v| *v < x);
        let not_above = context.pool.partition_point(|v| *v <= x);
        let above = context.pool.len() - not_above;
        let equal = not_above - below;
        (if flip { above } else { below }, equal.max(1))
    };
    Ok(Some(match *scale {
        Scale::MinMax { range, min, max } => {
            let frac = (x - min) / (max - min);
            onto(range, if flip { 1.0 - frac } else { frac })
        }
        Scale::ZScore {
            to,
            by,
            mean,
            sd,
            mean_lo,
        } => {
            let z = ((x - mean) - mean_lo) / sd;
            to + by * if flip { -z } else { z }
        }
        Scale::Goalposts {
            lo,
            hi,
            log,
            cap,
            range,
        } => {
            let (x, lo, hi) = if log {
                if x <= 0.0 {
                    return Err(Unscorable::NoLog { x });
                }
                (x.ln(), lo.ln(), hi.ln())
            } else {
                (x, lo, hi)
            };
            let mut frac = (x - lo) / (hi - lo);
            if cap {
                frac = frac.clamp(0.0, 1.0);
            }
            onto(range, if flip { 1.0 - frac } else { frac })
        }
        // Ranks: 1 for the worst; ties share a rank by the rule (a dense pool holds each
        // value once, so its min rank is the dense rank).
        Scale::Rank { ties, .. } => tied_rank(ties, standing()),
        Scale::PercentileRank { range, ties, n } => {
            let rank = tied_rank(ties, standing());
            onto(range, (rank - 1.0) / (n as f64 - 1.0))
        }
        Scale::Borda { .. } => standing().0 as f64,
        Scale::Target { target, lo, range } => {
            let frac = match lo {
                Some(lo) => (x - lo) / (target - lo),
                None if flip => {
                    positive("a target ratio")?;
                    target / x
                }
                None => x / target,
            };
            onto(range, frac.clamp(0.0, 1.0))
        }
        Scale::Best { range, min, max } => {
            if flip {
                positive("a ratio to the best")?;
                onto(range, min / x)
            } else {
                onto(range, x / max)
            }
        }
        Scale::FractionMax { range, max, .. } => {
            let frac = x / max;
            onto(range, if flip { 1.0 - frac } else { frac })
        }
        Scale::Reference { region } => {
            if flip {
                positive("a ratio to the reference")?;
                100.0 * region / x
            } else {
                100.0 * x / region
            }
        }
        Scale::BaseYear { year } => {
            let Some(base) = context.base else {
                return Ok(None);
            };
            if base == 0.0 || (flip && x == 0.0) {
                return Err(Unscorable::ZeroBase { year });
            }
            if flip {
                100.0 * base / x
            } else {
                100.0 * x / base
            }
        }
        Scale::Piecewise { breakpoints } => piecewise(breakpoints, x),
        Scale::Ampi { reference, delta } => {
            let r = 60.0 * (x - (reference - delta)) / (2.0 * delta);
            if flip { 130.0 - r } else { 70.0 + r }
        }
        // Refused against the index's direction, unless a formula of its parent reads it.
        Scale::None => x,
    }))
}

/// The rank of a value with `worse` pooled values worse than it and `equal` equal to it.
fn tied_rank(ties: Ties, (worse, equal): (usize, usize)) -> f64 {
    let (worse, equal) = (worse as f64, equal as f64);
    match ties {
        Ties::Average => worse + (equal + 1.0) / 2.0,
        Ties::Min | Ties::Dense => worse + 1.0,
        Ties::Max => worse + equal,
    }
}

/// Linear interpolation between breakpoints sorted by value; constant beyond the ends.
fn piecewise(points: &[(f64, f64)], x: f64) -> f64 {
    let (first, last) = (points[0], points[points.len() - 1]);
    if x <= first.0 {
        return first.1;
    }
    if x >= last.0 {
        return last.1;
    }
    let k = points.partition_point(|p| p.0 <= x);
    let ((x0, s0), (x1, s1)) = (points[k - 1], points[k]);
    s0 + (x - x0) / (x1 - x0) * (s1 - s0)
}
