//! The method tables of a spec (`{ method = "...", parameters }`) checked against the
//! method families' kind tables, and the missing-data rule.

use super::{
    Aggregation, AggregationKind, Checker, Code, Impute, ImputeKind, LogForm, MissingRule,
    Normalisation, NormalisationKind, OutlierRule, Path, RawMethod, RawMissing, ShareOf, Spanned,
    Treatment, TreatmentKind,
};
use crate::named::Named;

/// Reports every parameter of `raw` that `method` does not take.
pub(super) fn only_params(check: &mut Checker, raw: &RawMethod, method: &str, allowed: &[&str]) {
    let given = raw.given();
    for (key, span) in given {
        if let Some(span) = span
            && !allowed.contains(&key)
        {
            let takes = if allowed.is_empty() {
                "no parameters".to_string()
            } else {
                allowed.join(", ")
            };
            check.at(
                Code::BadParameter,
                span,
                format!("method \"{method}\" does not take \"{key}\""),
                format!("\"{method}\" takes {takes}"),
            );
        }
    }
}

pub(super) fn range_param(
    check: &mut Checker,
    raw: &Option<Spanned<Vec<f64>>>,
    scale: (f64, f64),
) -> Option<(f64, f64)> {
    match raw {
        None => Some(scale),
        Some(r) => match r.get_ref().as_slice() {
            [l, u] if l.is_finite() && u.is_finite() && l < u => Some((*l, *u)),
            _ => {
                check.at(
                    Code::BadParameter,
                    r.span(),
                    "range must be two finite numbers [low, high] with low < high",
                    "e.g. range = [0, 100]; leave it out to use index.scale",
                );
                None
            }
        },
    }
}

/// A normalisation as the spec writes it, its parameters read and checked; `None` when
/// refused (reported).
///
/// One piece: one arm per method of `NormalisationKind`, each reading that method's own
/// parameters, in one match the compiler checks is whole: a new method is one arm here.
pub(super) fn normalisation(
    check: &mut Checker,
    spanned: &Spanned<RawMethod>,
    scale: (f64, f64),
) -> Option<Normalisation> {
    let raw = spanned.get_ref();
    let method = raw.method.get_ref().as_str();
    let Some(kind) = NormalisationKind::from_name(method) else {
        unknown_method(check, raw, "normalisation", NormalisationKind::names());
        return None;
    };
    only_params(check, raw, method, kind.params());
    match kind {
        NormalisationKind::MinMax => Some(Normalisation::MinMax {
            range: range_param(check, &raw.range, scale)?,
        }),
        NormalisationKind::ZScore => {
            let mean = raw.mean.as_ref().map_or(0.0, |m| *m.get_ref());
            let sd = raw.sd.as_ref().map_or(1.0, |s| *s.get_ref());
            if !mean.is_finite() {
                check.at(
                    Code::BadParameter,
                    raw.mean.as_ref()?.span(),
                    "z-score mean must be finite",
                    "e.g. mean = 100",
                );
                return None;
            }
            if !(sd.is_finite() && sd > 0.0) {
                check.at(
                    Code::BadParameter,
                    raw.sd.as_ref()?.span(),
                    format!("z-score sd must be a positive number, not {sd}"),
                    "e.g. sd = 10",
                );
                return None;
            }
            Some(Normalisation::ZScore { mean, sd })
        }
        NormalisationKind::Goalposts => {
            let (Some(lo), Some(hi)) = (&raw.lo, &raw.hi) else {
                check.at(
                    Code::BadParameter,
                    spanned.span(),
                    "goalposts need both lo and hi",
                    "e.g. { method = \"goalposts\", lo = 20, hi = 85 }",
                );
                return None;
            };
            let (lo_v, hi_v) = (*lo.get_ref(), *hi.get_ref());
            let log = raw.log.as_ref().is_some_and(|l| *l.get_ref());
            if !(lo_v.is_finite() && hi_v.is_finite()) {
                check.at(
                    Code::BadGoalposts,
                    lo.span(),
                    "goalposts must be finite numbers",
                    "",
                );
                return None;
            }
            if lo_v >= hi_v {
                check.at(
 Code::BadGoalposts,
                    lo.span(),
                    format!("goalposts lo ({lo_v}) must be below hi ({hi_v})"),
                    "lo is the worst-case value and hi the best on the raw scale; direction = \"lower\" flips the score, not the goalposts",
                );
                return None;
            }
            if log && lo_v <= 0.0 {
                check.at(
 Code::BadGoalposts,
                    lo.span(),
                    format!("goalposts on ln need lo > 0, not {lo_v}"),
                    "the natural log is only defined for positive values; raise lo (the HDI uses 100 for GNI per capita)",
                );
                return None;
            }
            Some(Normalisation::Goalposts {
                lo: lo_v,
                hi: hi_v,
                log,
                cap: raw.cap.as_ref().is_none_or(|c| *c.get_ref()),
                range: range_param(check, &raw.range, scale)?,
            })
        }
        NormalisationKind::Rank => Some(Normalisation::Rank {
            ties: choice(check, &raw.ties, "ties")?,
        }),
        NormalisationKind::None => Some(Normalisation::None),
        NormalisationKind::Borda => Some(Normalisation::Borda),
        NormalisationKind::PercentileRank => Some(Normalisation::PercentileRank {
            range: range_param(check, &raw.range, scale)?,
            ties: choice(check, &raw.ties, "ties")?,
        }),
        NormalisationKind::Best => Some(Normalisation::Best {
            range: range_param(check, &raw.range, scale)?,
        }),
        NormalisationKind::FractionMax => Some(Normalisation::FractionMax {
            range: range_param(check, &raw.range, scale)?,
        }),
        NormalisationKind::Target => {
            let Some(target) = &raw.target else {
                check.at(
                    Code::BadParameter,
                    spanned.span(),
                    "method \"target\" needs target",
                    "e.g. { method = \"target\", target = 95 }",
                );
                return None;
            };
            let t = *target.get_ref();
            let lo = raw.lo.as_ref().map(|l| *l.get_ref());
            if !t.is_finite()
                || lo.is_some_and(|l| !l.is_finite() || l == t)
                || (lo.is_none() && t == 0.0)
            {
                check.at(Code::BadParameter, target.span(), format!("target {t} cannot scale: it must be finite, not 0 without lo, and differ from lo"), "the target is the value scored as fully reached; lo the worst value");
                return None;
            }
            Some(Normalisation::Target {
                target: t,
                lo,
                range: range_param(check, &raw.range, scale)?,
            })
        }
        NormalisationKind::Reference => {
            let Some(region) = &raw.region else {
                check.at(
                    Code::BadParameter,
                    spanned.span(),
                    "method \"reference\" needs region",
                    "e.g. { method = \"reference\", region = \"KZ-71\" }",
                );
                return None;
            };
            Some(Normalisation::Reference {
                region: region.get_ref().clone(),
            })
        }
        NormalisationKind::BaseYear => {
            let Some(year) = &raw.year else {
                check.at(
                    Code::BadParameter,
                    spanned.span(),
                    "method \"base-year\" needs year",
                    "e.g. { method = \"base-year\", year = 2022 }",
                );
                return None;
            };
            Some(Normalisation::BaseYear {
                year: *year.get_ref() as i32,
            })
        }
        NormalisationKind::Piecewise => {
            let Some(points) = &raw.breakpoints else {
                check.at(
                    Code::BadParameter,
                    spanned.span(),
                    "method \"piecewise\" needs breakpoints",
                    "e.g. breakpoints = [[5, 100], [15, 50], [35, 0]]",
                );
                return None;
            };
            let pairs: Option<Vec<(f64, f64)>> = points
                .get_ref()
                .iter()
                .map(|p| match p.as_slice() {
                    [x, s] if x.is_finite() && s.is_finite() => Some((*x, *s)),
                    _ => None,
                })
                .collect();
            match pairs {
                Some(p) if p.len() >= 2 && p.windows(2).all(|w| w[0].0 < w[1].0) => {
                    Some(Normalisation::Piecewise { breakpoints: p })
                }
                _ => {
                    check.at(Code::BadParameter, points.span(), "breakpoints must be at least two [value, score] pairs of finite numbers with values increasing", "e.g. breakpoints = [[5, 100], [15, 50], [35, 0]]");
                    None
                }
            }
        }
        NormalisationKind::Ampi => match (&raw.reference, &raw.delta) {
            (Some(r), Some(d))
                if r.get_ref().is_finite() && d.get_ref().is_finite() && *d.get_ref() > 0.0 =>
            {
                Some(Normalisation::Ampi {
                    reference: *r.get_ref(),
                    delta: *d.get_ref(),
                })
            }
            _ => {
                check.at(Code::BadParameter, spanned.span(), "method \"ampi\" needs reference and a positive delta", "e.g. { method = \"ampi\", reference = 57.3, delta = 20 } (goalposts 37.3 and 77.3)");
                None
            }
        },
    }
}

/// Reports a method name its family does not have, listing the family's spellings.
pub(super) fn unknown_method(check: &mut Checker, raw: &RawMethod, family: &str, names: Vec<&str>) {
    check.at(
        Code::UnknownMethod,
        raw.method.span(),
        format!("unknown {family} method \"{}\"", raw.method.get_ref()),
        format!("use one of: {}", names.join(", ")),
    );
}

pub(super) fn count_param(
    check: &mut Checker,
    raw: &Option<Spanned<i64>>,
    name: &str,
    default: u32,
) -> Option<u32> {
    match raw {
        None => Some(default),
        Some(v) if (1..=1000).contains(v.get_ref()) => Some(*v.get_ref() as u32),
        Some(v) => {
            check.at(
                Code::BadParameter,
                v.span(),
                format!("{name} must be a whole number from 1, not {}", v.get_ref()),
                format!("e.g. {name} = {default}"),
            );
            None
        }
    }
}

pub(super) fn impute(check: &mut Checker, spanned: &Spanned<RawMethod>) -> Option<Impute> {
    let raw = spanned.get_ref();
    let method = raw.method.get_ref().as_str();
    let Some(kind) = ImputeKind::from_name(method) else {
        unknown_method(check, raw, "imputation", ImputeKind::names());
        return None;
    };
    only_params(check, raw, method, kind.params());
    Some(match kind {
        ImputeKind::None => Impute::None,
        ImputeKind::Mean => Impute::Mean,
        ImputeKind::Median => Impute::Median,
        ImputeKind::Interpolate => Impute::Interpolate,
        ImputeKind::GroupMean => Impute::GroupMean,
        ImputeKind::GroupMedian => Impute::GroupMedian,
        ImputeKind::Carry => Impute::Carry {
            years: count_param(check, &raw.years, "years", crate::spec::method::CARRY_YEARS)?,
        },
    })
}

pub(super) fn treatment(check: &mut Checker, spanned: &Spanned<RawMethod>) -> Option<Treatment> {
    let raw = spanned.get_ref();
    let method = raw.method.get_ref().as_str();
    let Some(kind) = TreatmentKind::from_name(method) else {
        unknown_method(check, raw, "treatment", TreatmentKind::names());
        return None;
    };
    only_params(check, raw, method, kind.params());
    Some(match kind {
        TreatmentKind::None => Treatment::None,
        TreatmentKind::Jrc => Treatment::Jrc {
            points: count_param(
                check,
                &raw.points,
                "points",
                crate::spec::method::JRC_POINTS,
            )?,
            log: log_form(check, &raw.log_form)?,
            rule: OutlierRule {
                skewness: threshold(
                    check,
                    &raw.skewness,
                    "skewness",
                    OutlierRule::default().skewness,
                )?,
                kurtosis: threshold(
                    check,
                    &raw.kurtosis,
                    "kurtosis",
                    OutlierRule::default().kurtosis,
                )?,
            },
        },
        TreatmentKind::Winsorise => Treatment::Winsorise {
            points: count_param(
                check,
                &raw.points,
                "points",
                crate::spec::method::WINSORISE_POINTS,
            )?,
        },
        TreatmentKind::Log => Treatment::Log,
        TreatmentKind::Sqrt => Treatment::Sqrt,
    })
}

pub(super) fn aggregation(
    check: &mut Checker,
    spanned: &Spanned<RawMethod>,
) -> Option<Aggregation> {
    let raw = spanned.get_ref();
    let method = raw.method.get_ref().as_str();
    let Some(kind) = AggregationKind::from_name(method) else {
        unknown_method(check, raw, "aggregation", AggregationKind::names());
        return None;
    };
    only_params(check, raw, method, kind.params());
    Some(match kind {
        AggregationKind::Arithmetic => Aggregation::Arithmetic,
        AggregationKind::Geometric => match &raw.offset {
            None => Aggregation::Geometric,
            Some(o) if o.get_ref().is_finite() && *o.get_ref() > 0.0 => {
                Aggregation::ShiftedGeometric {
                    offset: *o.get_ref(),
                }
            }
            Some(o) => {
                check.at(
                    Code::BadParameter,
                    o.span(),
                    format!("offset must be a positive number, not {}", o.get_ref()),
                    "e.g. offset = 1",
                );
                return None;
            }
        },
        AggregationKind::Harmonic => Aggregation::Harmonic,
        AggregationKind::Power => match &raw.p {
            Some(p) if p.get_ref().is_finite() && *p.get_ref() != 0.0 => {
                Aggregation::Power { p: *p.get_ref() }
            }
            Some(p) => {
                check.at(
                    Code::BadParameter,
                    p.span(),
                    format!(
                        "p must be a finite number other than 0, not {}",
                        p.get_ref()
                    ),
                    "p = 0 is the geometric mean: use method = \"geometric\"",
                );
                return None;
            }
            None => {
                check.at(
                    Code::BadParameter,
                    spanned.span(),
                    "the power mean needs its exponent p",
                    "e.g. { method = \"power\", p = 2 }",
                );
                return None;
            }
        },
        AggregationKind::Minimum => Aggregation::Minimum,
        AggregationKind::Sum => Aggregation::Sum,
        AggregationKind::Mpi => Aggregation::Mpi {
            penalty: choice(check, &raw.penalty, "penalty")?,
            dispersion: choice(check, &raw.dispersion, "dispersion")?,
        },
        AggregationKind::WeightedSum => Aggregation::WeightedSum,
        AggregationKind::Product => Aggregation::Product,
        AggregationKind::RankMean => Aggregation::RankMean,
        AggregationKind::Copeland => Aggregation::Copeland,
    })
}

pub(super) fn missing_rule(
    check: &mut Checker,
    spanned: &Spanned<RawMissing>,
) -> Option<MissingRule> {
    let raw = spanned.get_ref();
    let share = *raw.min_share.get_ref();
    if !(share.is_finite() && share > 0.0 && share <= 1.0) {
        check.at(
 Code::BadParameter,
            raw.min_share.span(),
            format!("missing.min_share must be in (0, 1], not {share}"),
            "e.g. min_share = 0.5 aggregates when at least half the children are there; 1 needs all",
        );
        return None;
    }
    let share_of = match raw.share_of.as_ref().map(|s| s.get_ref().as_str()) {
        None | Some("weight") => ShareOf::Weight,
        Some("count") => ShareOf::Count,
        Some(other) => {
            check.at(
                Code::UnknownMethod,
                raw.share_of.as_ref()?.span(),
                format!("unknown missing.share_of \"{other}\""),
                "use \"weight\" or \"count\"",
            );
            return None;
        }
    };
    Some(MissingRule {
        min_share: share,
        share_of,
    })
}

/// A parameter naming one of a set of choices: its default when not given; refused with the
/// choices when it names none of them.
pub(super) fn choice<T: Named + Default>(
    check: &mut Checker,
    raw: &Option<Spanned<String>>,
    key: &str,
) -> Option<T> {
    let Some(f) = raw else {
        return Some(T::default());
    };
    let found = T::from_name(f.get_ref());
    if found.is_none() {
        check.at(
            Code::BadParameter,
            f.span(),
            format!("unknown {key} \"{}\"", f.get_ref()),
            format!("use one of: {}", T::names().join(", ")),
        );
    }
    found
}

/// The log a JRC treatment falls back on: `coin-tool` (default) or `coinr`.
fn log_form(check: &mut Checker, raw: &Option<Spanned<String>>) -> Option<LogForm> {
    let Some(f) = raw else {
        return Some(LogForm::default());
    };
    let form = LogForm::from_name(f.get_ref());
    if form.is_none() {
        check.at(
            Code::BadParameter,
            f.span(),
            format!("unknown log_form \"{}\"", f.get_ref()),
            format!("use one of: {}", LogForm::names().join(", ")),
        );
    }
    form
}

/// A threshold of the JRC rule: a positive number, `default` when not given.
fn threshold(
    check: &mut Checker,
    raw: &Option<Spanned<f64>>,
    name: &str,
    default: f64,
) -> Option<f64> {
    match raw {
        None => Some(default),
        Some(v) if v.get_ref().is_finite() && *v.get_ref() > 0.0 => Some(*v.get_ref()),
        Some(v) => {
            check.at(
                Code::BadParameter,
                v.span(),
                format!("{name} must be a positive number, not {}", v.get_ref()),
                format!("e.g. {name} = {default}"),
            );
            None
        }
    }
}

/// A method written on a command line: its name alone, or the name with the parameters of the
/// spec's method table in parentheses, e.g. `z-score(mean = 10, sd = 2)` or
/// `min-max(range = [1, 100])`; checked by the spec's own checks.
pub struct MethodArg<'a>(pub &'a str);

impl MethodArg<'_> {
    /// The method as a spec table, checked by `parse`; `Err` is the first problem, with its
    /// hint.
    fn with<T>(
        &self,
        parse: impl FnOnce(&mut Checker, &Spanned<RawMethod>) -> Option<T>,
    ) -> Result<T, String> {
        let text = self.0.trim();
        let (name, params) = match text.split_once('(') {
            Some((name, rest)) => match rest.trim_end().strip_suffix(')') {
                Some(params) => (name.trim(), params.trim()),
                None => return Err(format!("\"{text}\": a ( without its )")),
            },
            None => (text, ""),
        };
        let valid_name = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !valid_name {
            return Err(format!("\"{text}\" is not a method name"));
        }
        let doc = if params.is_empty() {
            format!("m = {{ method = \"{name}\" }}")
        } else {
            format!("m = {{ method = \"{name}\", {params} }}")
        };
        #[derive(serde::Deserialize)]
        struct One {
            m: Spanned<RawMethod>,
        }
        let one: One = toml::from_str(&doc).map_err(|e| {
            format!(
                "\"{text}\": {}; write parameters as in the spec, e.g. z-score(mean = 10, sd = 2)",
                e.message()
            )
        })?;
        let mut check = Checker {
            file: Path::new("the command line"),
            text: &doc,
            problems: Vec::new(),
            lines: None,
        };
        let parsed = parse(&mut check, &one.m);
        match (parsed, check.problems.first()) {
            (Some(m), None) => Ok(m),
            (_, Some(d)) if d.hint.is_empty() => Err(format!("\"{text}\": {}", d.message)),
            (_, Some(d)) => Err(format!("\"{text}\": {} ({})", d.message, d.hint)),
            (None, None) => Err(format!("\"{text}\" cannot be read")),
        }
    }

    pub fn normalisation(&self, scale: (f64, f64)) -> Result<Normalisation, String> {
        self.with(|check, m| normalisation(check, m, scale))
    }

    pub fn aggregation(&self) -> Result<Aggregation, String> {
        self.with(aggregation)
    }

    pub fn imputation(&self) -> Result<Impute, String> {
        self.with(impute)
    }

    pub fn treatment(&self) -> Result<Treatment, String> {
        self.with(treatment)
    }
}
