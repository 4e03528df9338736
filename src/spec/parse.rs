//! From TOML text to a validated `Spec`. Every problem found is collected with its line and
//! column, so one run reports all of them.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::path::{Path, PathBuf};

use toml::Spanned;

use super::raw::{RawAlternative, RawLabels, RawMethod, RawMissing, RawSpec, RawUnit};
use super::{
    Aggregation, AggregationKind, DataLayout, DecimalMark, Direction, Framework, Impute,
    ImputeKind, IndexMeta, Indicator, Labels, MissingRule, Node, NodeKind, Normalisation,
    NormalisationKind, Pooling, ShareOf, Spec, TextEncoding, Treatment, TreatmentKind, Uncertainty,
    Validation,
};
use crate::diagnostic::{Code, Diagnostic, list};
use crate::diagnostic::{line_col, nearest};
use crate::named::Named;
use crate::units::{Unit, Units};

#[derive(Debug, thiserror::Error)]
pub enum SpecError {
    #[error("cannot read spec {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}", list("the spec", problems, usize::MAX))]
    Invalid { problems: Vec<Diagnostic> },
}

impl SpecError {
    /// The problems found, or one E001-style diagnostic for a file that could not be read.
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        match self {
            SpecError::Read { path, source } => vec![
                Diagnostic::new(
                    Code::UnreadableFile,
                    path.display().to_string(),
                    format!("cannot read the spec: {source}"),
                )
                .hint("check the path"),
            ],
            SpecError::Invalid { problems } => problems.clone(),
        }
    }
}

/// Collects problems while converting, turning byte spans into line and column.
struct Checker<'a> {
    file: &'a Path,
    text: &'a str,
    problems: Vec<Diagnostic>,
}

impl Checker<'_> {
    fn at(
        &mut self,
        code: Code,
        span: Range<usize>,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) {
        let (line, column) = line_col(self.text, span.start);
        self.problems.push(
            Diagnostic::new(code, self.file.display().to_string(), message)
                .at(line, column)
                .hint(hint),
        );
    }

    fn has_errors(&self) -> bool {
        self.problems.iter().any(Diagnostic::is_error)
    }
}

/// Parses and validates spec text; `path` names the file in messages and anchors relative paths.
pub fn parse_str(text: &str, path: &Path) -> Result<Spec, SpecError> {
    let mut check = Checker {
        file: path,
        text,
        problems: Vec::new(),
    };
    if text.len() > MAX_SPEC_BYTES {
        check.at(
            Code::Syntax,
            0..0,
            format!(
                "the spec is {} bytes; specs over {MAX_SPEC_BYTES} bytes are refused",
                text.len()
            ),
            "is this the right file? a spec describes the index; the data go in --data files",
        );
        return Err(SpecError::Invalid {
            problems: check.problems,
        });
    }
    // Syntax first, every error the parser can recover from.
    let (document, errors) = toml::de::DeTable::parse_recoverable(text);
    for e in &errors {
        check.at(
            Code::Syntax,
            e.span().unwrap_or(0..0),
            e.message().trim().to_string(),
            "fix the TOML syntax (https://toml.io); see docs/spec.md for the spec format",
        );
    }
    if !errors.is_empty() {
        return Err(SpecError::Invalid {
            problems: check.problems,
        });
    }
    // Then every unknown key, each with the nearest known one.
    super::schema::check_keys(&document, &mut |span, key, known| {
        let hint = match nearest(key, known.iter().copied()) {
            Some(near) => format!(
                "did you mean \"{near}\"? known keys here: {}",
                known.join(", ")
            ),
            None => format!("known keys here: {}", known.join(", ")),
        };
        check.at(
            Code::UnknownKey,
            span,
            format!("unknown key \"{key}\""),
            hint,
        );
    });
    if check.has_errors() {
        return Err(SpecError::Invalid {
            problems: check.problems,
        });
    }
    let raw: RawSpec = match toml::from_str(text) {
        Ok(raw) => raw,
        Err(e) => {
            check.at(
                Code::Syntax,
                e.span().unwrap_or(0..0),
                e.message().trim().to_string(),
                "see docs/spec.md for the keys each table needs and their types",
            );
            return Err(SpecError::Invalid {
                problems: check.problems,
            });
        }
    };
    let spec = build(raw, path, &mut check);
    match spec {
        Some(mut spec) if !check.has_errors() => {
            warn_geometric_zero(&spec, &mut check);
            spec.warnings = check.problems;
            Ok(spec)
        }
        _ => Err(SpecError::Invalid {
            problems: check.problems,
        }),
    }
}

/// Specs larger than this are refused before parsing: no index needs megabytes of TOML.
const MAX_SPEC_BYTES: usize = 4 << 20;

/// Warns (W020) for each geometric mean with a child whose score can reach 0 or below, which
/// would stop the computation on real data (methods notes: min-max onto [0, 100] gives zeros).
fn warn_geometric_zero(spec: &Spec, check: &mut Checker) {
    let fw = &spec.framework;
    // Lowest score each node can take; None = unbounded below.
    let mut lowest: Vec<Option<f64>> = vec![None; fw.nodes.len()];
    for n in (0..fw.nodes.len()).rev() {
        lowest[n] = match &fw.nodes[n].kind {
            NodeKind::Indicator(i) => i.normalisation.lowest_score(),
            NodeKind::Group { .. } => fw.nodes[n]
                .children
                .iter()
                .map(|&c| lowest[c])
                .try_fold(f64::INFINITY, |acc, l| l.map(|l| acc.min(l))),
        };
        let NodeKind::Group { aggregation, .. } = fw.nodes[n].kind else {
            continue;
        };
        if !aggregation.needs_positive() {
            continue;
        }
        for &c in &fw.nodes[n].children {
            if lowest[c].is_none_or(|l| l <= 0.0) && fw.nodes[c].weight > 0.0 {
                let low = lowest[c].map_or("unbounded".to_string(), |l| l.to_string());
                let span = spec.spans.get(&fw.nodes[n].id).cloned().unwrap_or(0..0);
                check.at(
                    Code::GeometricZero,
                    span,
                    format!(
                        "\"{}\" is a {} mean, but its child \"{}\" can score {low}, and such a mean of 0 or less is refused",
                        fw.nodes[n].id,
                        aggregation.describe(),
                        fw.nodes[c].id
                    ),
                    "normalise the indicators below it onto a range above zero, e.g. range = [1, 100], with capped goalposts or min-max",
                );
            }
        }
    }
}

fn build(raw: RawSpec, path: &Path, check: &mut Checker) -> Option<Spec> {
    let index = raw.index.into_inner();

    // Languages first: every label is checked against them.
    let languages = index.languages.get_ref().clone();
    if languages.is_empty() {
        check.at(
            Code::BadId,
            index.languages.span(),
            "index.languages is empty",
            "list the label languages, e.g. languages = [\"kk\", \"ru\", \"en\"]",
        );
    }
    let labels = |check: &mut Checker, what: &str, raw: &RawLabels| -> Labels {
        for lang in &languages {
            match raw.get_ref().get(lang) {
                Some(text) if !text.trim().is_empty() => {}
                _ => check.at(
                    Code::MissingLabel,
                    raw.span(),
                    format!("{what}: no label in language \"{lang}\""),
                    format!("add {lang} = \"...\" to the name table"),
                ),
            }
        }
        for lang in raw.get_ref().keys() {
            if !languages.contains(lang) {
                check.at(
 Code::MissingLabel,
                    raw.span(),
                    format!("{what}: label in language \"{lang}\", which index.languages does not declare"),
                    format!("add \"{lang}\" to index.languages or remove the label"),
                );
            }
        }
        Labels::new(raw.get_ref().clone())
    };

    let scale = match index.scale.get_ref().as_slice() {
        [lo, hi] if lo.is_finite() && hi.is_finite() && lo < hi => (*lo, *hi),
        _ => {
            check.at(
                Code::BadParameter,
                index.scale.span(),
                "index.scale must be two finite numbers [low, high] with low < high",
                "e.g. scale = [0, 100]",
            );
            (0.0, 100.0)
        }
    };
    let root_id = index.id.get_ref().clone();
    if !valid_id(&root_id) {
        check.at(
            Code::BadId,
            index.id.span(),
            format!("index id \"{root_id}\" is not a valid id"),
            ID_HINT,
        );
    }
    let meta = IndexMeta {
        id: root_id.clone(),
        version: index.version,
        name: labels(check, "index name", &index.name),
        description: index
            .description
            .as_ref()
            .map(|d| labels(check, "index description", d)),
        languages: languages.clone(),
        scale,
    };

    // Methods: defaults, then per level, then per node.
    let defaults = raw.defaults.into_inner();
    let pooling = pooling(check, &defaults.pooling, defaults.reference_year.as_ref());
    // Outer None: no default declared; inner None: declared but invalid (already reported).
    let default_norm = defaults
        .normalisation
        .as_ref()
        .map(|n| normalisation(check, n, scale));
    let default_agg = aggregation(check, &defaults.aggregation);
    let base_year = defaults.base_year;
    let boundary_changes = boundary_changes(check, &raw.boundary_change);
    let default_missing = match &defaults.missing {
        Some(m) => missing_rule(check, m),
        None => Some(MissingRule {
            min_share: 1.0,
            share_of: ShareOf::Weight,
        }),
    };
    let mut levels = Vec::new();
    let mut level_methods = Vec::new();
    let mut level_treatments = Vec::new();
    for (depth, level) in raw.level.iter().enumerate() {
        let level = level.get_ref();
        levels.push(labels(check, &format!("level {depth} name"), &level.name));
        let agg = level.aggregation.as_ref().map(|a| aggregation(check, a));
        let miss = level.missing.as_ref().map(|m| missing_rule(check, m));
        level_methods.push((agg, miss));
        let imp = level.imputation.as_ref().map(|m| impute(check, m));
        let treat = level.treatment.as_ref().map(|m| treatment(check, m));
        level_treatments.push((imp, treat));
    }

    let units = units(check, &raw.units, &raw.unit, &languages, path, &labels);
    let data = data_layout(check, raw.data.unwrap_or_default());
    let validation = validation(check, raw.validation.unwrap_or_default());
    let uncertainty = raw
        .uncertainty
        .as_ref()
        .map_or(Some(Uncertainty::default()), |u| {
            uncertainty(check, u.get_ref(), scale)
        });
    let spans = std::iter::once((root_id.clone(), index.id.span()))
        .chain(
            raw.group
                .iter()
                .map(|g| (g.get_ref().id.get_ref().clone(), g.get_ref().id.span())),
        )
        .chain(
            raw.indicator
                .iter()
                .map(|i| (i.get_ref().id.get_ref().clone(), i.get_ref().id.span())),
        )
        .collect();

    let default_impute = defaults.imputation.as_ref().map(|m| impute(check, m));
    let default_treatment = defaults.treatment.as_ref().map(|m| treatment(check, m));
    let framework = framework(
        check,
        &meta,
        &raw.group,
        &raw.indicator,
        &labels,
        FrameworkDefaults {
            level_treatments: &level_treatments,
            normalisation: default_norm,
            imputation: default_impute,
            treatment: default_treatment,
            aggregation: default_agg,
            missing: default_missing,
            levels: &level_methods,
            scale,
        },
    );

    Some(Spec {
        path: path.to_path_buf(),
        sha256: crate::digest::sha256_hex(check.text.as_bytes()),
        index: meta,
        pooling: pooling?,
        base_year,
        boundary_changes: boundary_changes?,
        units: units?,
        data,
        framework: framework?,
        levels,
        validation,
        uncertainty: uncertainty?,
        warnings: Vec::new(),
        spans,
    })
}

const ID_HINT: &str = "ids use letters, digits, '_', '-' and '.', and start with a letter or digit";

fn valid_id(id: &str) -> bool {
    let mut chars = id.chars();
    chars.next().is_some_and(|c| c.is_alphanumeric())
        && id
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

fn pooling(
    check: &mut Checker,
    raw: &Spanned<String>,
    reference: Option<&Spanned<i32>>,
) -> Option<Pooling> {
    let pooling = match raw.get_ref().as_str() {
        "each-year" => Pooling::EachYear,
        "all-years" => Pooling::AllYears,
        "reference-year" => match reference {
            Some(y) => Pooling::ReferenceYear(*y.get_ref()),
            None => {
                check.at(
                    Code::BadParameter,
                    raw.span(),
                    "pooling = \"reference-year\" needs defaults.reference_year",
                    "add reference_year = 2022 (the year whose bounds normalise every year)",
                );
                return None;
            }
        },
        other => {
            check.at(
 Code::UnknownMethod,
                raw.span(),
                format!("unknown pooling \"{other}\""),
                "use \"each-year\" (scores comparable within a year only), \"all-years\" or \"reference-year\" (comparable across years)",
            );
            return None;
        }
    };
    if let (Some(y), false) = (reference, matches!(pooling, Pooling::ReferenceYear(_))) {
        check.at(
            Code::BadParameter,
            y.span(),
            "reference_year is set but pooling is not \"reference-year\"",
            "remove reference_year or set pooling = \"reference-year\"",
        );
    }
    Some(pooling)
}

/// Reports every parameter of `raw` that `method` does not take.
fn only_params(check: &mut Checker, raw: &RawMethod, method: &str, allowed: &[&str]) {
    let given: [(&str, Option<Range<usize>>); 17] = [
        ("years", raw.years.as_ref().map(Spanned::span)),
        ("points", raw.points.as_ref().map(Spanned::span)),
        ("offset", raw.offset.as_ref().map(Spanned::span)),
        ("target", raw.target.as_ref().map(Spanned::span)),
        ("region", raw.region.as_ref().map(Spanned::span)),
        ("year", raw.year.as_ref().map(Spanned::span)),
        ("breakpoints", raw.breakpoints.as_ref().map(Spanned::span)),
        ("reference", raw.reference.as_ref().map(Spanned::span)),
        ("delta", raw.delta.as_ref().map(Spanned::span)),
        ("p", raw.p.as_ref().map(Spanned::span)),
        ("range", raw.range.as_ref().map(Spanned::span)),
        ("mean", raw.mean.as_ref().map(Spanned::span)),
        ("sd", raw.sd.as_ref().map(Spanned::span)),
        ("lo", raw.lo.as_ref().map(Spanned::span)),
        ("hi", raw.hi.as_ref().map(Spanned::span)),
        ("log", raw.log.as_ref().map(Spanned::span)),
        ("cap", raw.cap.as_ref().map(Spanned::span)),
    ];
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

fn range_param(
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

fn normalisation(
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
        NormalisationKind::Rank => Some(Normalisation::Rank),
        NormalisationKind::Borda => Some(Normalisation::Borda),
        NormalisationKind::PercentileRank => Some(Normalisation::PercentileRank {
            range: range_param(check, &raw.range, scale)?,
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
fn unknown_method(check: &mut Checker, raw: &RawMethod, family: &str, names: Vec<&str>) {
    check.at(
        Code::UnknownMethod,
        raw.method.span(),
        format!("unknown {family} method \"{}\"", raw.method.get_ref()),
        format!("use one of: {}", names.join(", ")),
    );
}

fn boundary_changes(
    check: &mut Checker,
    raw: &[Spanned<super::raw::RawBoundaryChange>],
) -> Option<Vec<super::BoundaryChange>> {
    let mut out = Vec::new();
    let mut ok = true;
    for c in raw {
        let span = c.span();
        let c = c.get_ref();
        let parts = match (c.from.len(), c.into.len()) {
            (1, n) if n > 1 => n,
            (n, 1) if n > 1 => n,
            _ => {
                check.at(
                    Code::BadParameter,
                    span,
                    "a boundary change splits one region into several or merges several into one",
                    "e.g. from = [\"KZ-63\"], into = [\"KZ-63\", \"KZ-10\"]",
                );
                ok = false;
                continue;
            }
        };
        let w = c.weights.get_ref();
        let sum: f64 = w.iter().sum();
        if w.len() != parts
            || w.iter().any(|v| !(v.is_finite() && *v >= 0.0))
            || (sum - 1.0).abs() > 1e-6
        {
            check.at(
                Code::BadParameter,
                c.weights.span(),
                format!("the weights of the {} change of {} must be {parts} shares >= 0 summing to 1, not {w:?} (sum {sum})", c.year, c.from.join(", ")),
                "give each part's share of the old region (or of the new one), e.g. of the child population",
            );
            ok = false;
            continue;
        }
        out.push(super::BoundaryChange {
            year: c.year,
            from: c.from.clone(),
            into: c.into.clone(),
            weights: w.clone(),
        });
    }
    ok.then_some(out)
}

fn count_param(
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

fn impute(check: &mut Checker, spanned: &Spanned<RawMethod>) -> Option<Impute> {
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
            years: count_param(check, &raw.years, "years", super::method::CARRY_YEARS)?,
        },
    })
}

fn treatment(check: &mut Checker, spanned: &Spanned<RawMethod>) -> Option<Treatment> {
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
            points: count_param(check, &raw.points, "points", super::method::JRC_POINTS)?,
        },
        TreatmentKind::Winsorise => Treatment::Winsorise {
            points: count_param(
                check,
                &raw.points,
                "points",
                super::method::WINSORISE_POINTS,
            )?,
        },
        TreatmentKind::Log => Treatment::Log,
        TreatmentKind::Sqrt => Treatment::Sqrt,
    })
}

fn aggregation(check: &mut Checker, spanned: &Spanned<RawMethod>) -> Option<Aggregation> {
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
        AggregationKind::Mpi => Aggregation::Mpi,
        AggregationKind::RankMean => Aggregation::RankMean,
        AggregationKind::Copeland => Aggregation::Copeland,
    })
}

fn missing_rule(check: &mut Checker, spanned: &Spanned<RawMissing>) -> Option<MissingRule> {
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

type LabelFn<'l> = dyn Fn(&mut Checker, &str, &RawLabels) -> Labels + 'l;

fn units(
    check: &mut Checker,
    raw: &Option<Spanned<super::raw::RawUnits>>,
    listed: &[Spanned<RawUnit>],
    languages: &[String],
    spec_path: &Path,
    labels: &LabelFn,
) -> Option<Option<Units>> {
    let table = raw.as_ref().and_then(|u| u.get_ref().table.as_ref());
    let from_data = raw
        .as_ref()
        .and_then(|u| u.get_ref().from_data.as_ref())
        .is_some_and(|f| *f.get_ref());
    let sources = [!listed.is_empty(), table.is_some(), from_data];
    let at = raw.as_ref().map_or(0..0, |u| u.span());
    match sources.iter().filter(|s| **s).count() {
        0 => {
            check.at(
 Code::BadUnits,
                at,
                "the spec declares no units",
                "list them as [[unit]] entries, reference a CSV with [units] table = \"regions.csv\", or set [units] from_data = true",
            );
            return None;
        }
        1 => {}
        _ => {
            check.at(
                Code::BadUnits,
                at,
                "units are declared in more than one way",
                "use exactly one of: [[unit]] entries, [units] table, [units] from_data = true",
            );
            return None;
        }
    }
    if from_data {
        return Some(None);
    }
    let mut units = Units::default();
    if let Some(table) = table {
        let file = spec_path
            .parent()
            .unwrap_or(Path::new(""))
            .join(table.get_ref());
        match read_units_table(&file, languages) {
            Ok(list) => {
                for (unit, line) in list {
                    if let Err(clash) = units.push(unit) {
                        let mut d = Diagnostic::new(
                            Code::UnitClash,
                            file.display().to_string(),
                            format!("\"{}\" names both {} and {}", clash.spelling, clash.first, clash.second),
                        )
                        .hint("every code, name and alias must point to one unit; remove or change one");
                        d.line = Some(line);
                        check.problems.push(d);
                    }
                }
            }
            Err(problem) => {
                check.problems.push(problem);
                return None;
            }
        }
    } else {
        for unit in listed {
            let span = unit.span();
            let raw = unit.get_ref();
            let code = raw.code.get_ref().trim().to_string();
            if code.is_empty() {
                check.at(
                    Code::BadId,
                    raw.code.span(),
                    "unit code is empty",
                    "give every unit a code, e.g. code = \"KZ-75\"",
                );
                continue;
            }
            let name = labels(check, &format!("unit {code} name"), &raw.name);
            let aliases = raw.aliases.iter().map(|a| a.get_ref().clone()).collect();
            let tile = match &raw.tile {
                None => None,
                Some(t) => match t.get_ref().as_slice() {
                    [r, c] if *r >= 0 && *c >= 0 => Some((*r as u32, *c as u32)),
                    _ => {
                        check.at(
                            Code::BadParameter,
                            t.span(),
                            "tile must be [row, column], two whole numbers >= 0",
                            "e.g. tile = [0, 3]",
                        );
                        None
                    }
                },
            };
            if let Err(clash) = units.push(Unit {
                code,
                name,
                aliases,
                tile,
                group: raw.group.clone(),
            }) {
                check.at(
                    Code::UnitClash,
                    span,
                    format!(
                        "\"{}\" names both {} and {}",
                        clash.spelling, clash.first, clash.second
                    ),
                    "every code, name and alias must point to one unit; remove or change one",
                );
            }
        }
    }
    Some(Some(units))
}

/// Reads a units table: columns `code`, `name_<lang>` for every declared language, and an
/// optional `aliases` column with spellings separated by `|`.
fn read_units_table(file: &Path, languages: &[String]) -> Result<Vec<(Unit, usize)>, Diagnostic> {
    let problem = |line: usize, column: usize, message: String, hint: &str| {
        Diagnostic::new(Code::BadUnits, file.display().to_string(), message)
            .at(line, column)
            .hint(hint)
    };
    let mut reader = csv::ReaderBuilder::new()
        .comment(Some(b'#'))
        .from_path(file)
        .map_err(|e| {
            problem(
                1,
                1,
                format!("cannot read the units table: {e}"),
                "check [units] table: the path is relative to the spec file",
            )
        })?;
    let headers = reader
        .headers()
        .map_err(|e| {
            problem(
                1,
                1,
                format!("cannot read the header: {e}"),
                "save the table as UTF-8 CSV",
            )
        })?
        .clone();
    let col = |name: &str| headers.iter().position(|h| h.trim() == name);
    let code_col = col("code").ok_or_else(|| {
        problem(
            1,
            1,
            "the units table has no \"code\" column".into(),
            "the header needs code, name_<lang> for each language, and optionally aliases",
        )
    })?;
    let mut name_cols = Vec::new();
    for lang in languages {
        let c = col(&format!("name_{lang}")).ok_or_else(|| {
            problem(
                1,
                1,
                format!("the units table has no \"name_{lang}\" column"),
                "add one name column per language of index.languages",
            )
        })?;
        name_cols.push((lang.clone(), c));
    }
    let alias_col = col("aliases");
    let tile_cols = col("tile_row").zip(col("tile_col"));
    let group_col = col("group");
    let mut out = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line() as usize);
            problem(
                line,
                1,
                format!("malformed row: {e}"),
                "every row needs as many fields as the header",
            )
        })?;
        let line = record.position().map_or(0, |p| p.line() as usize);
        let field = |c: usize| record.get(c).unwrap_or("").trim().to_string();
        let code = field(code_col);
        if code.is_empty() {
            return Err(problem(
                line,
                code_col + 1,
                "empty unit code".into(),
                "every row needs a code",
            ));
        }
        let mut names = BTreeMap::new();
        for (lang, c) in &name_cols {
            let name = field(*c);
            if name.is_empty() {
                return Err(problem(
                    line,
                    c + 1,
                    format!("unit {code} has no name_{lang}"),
                    "fill in the name in every language",
                ));
            }
            names.insert(lang.clone(), name);
        }
        let aliases = alias_col
            .map(|c| {
                field(c)
                    .split('|')
                    .map(str::trim)
                    .filter(|a| !a.is_empty())
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        let tile = match tile_cols {
            None => None,
            Some((r, c)) => match (field(r).as_str(), field(c).as_str()) {
                ("", "") => None,
                (rt, ct) => match (rt.parse::<u32>(), ct.parse::<u32>()) {
                    (Ok(r), Ok(c)) => Some((r, c)),
                    _ => {
                        return Err(problem(
                            line,
                            r + 1,
                            format!(
                                "unit {code}: tile_row and tile_col must be whole numbers >= 0"
                            ),
                            "leave both empty for a unit without a tile",
                        ));
                    }
                },
            },
        };
        out.push((
            Unit {
                code,
                name: Labels::new(names),
                aliases,
                tile,
                group: group_col.map(field).filter(|g| !g.is_empty()),
            },
            line,
        ));
    }
    Ok(out)
}

fn data_layout(check: &mut Checker, raw: super::raw::RawData) -> DataLayout {
    let decimal = match raw
        .decimal
        .as_ref()
        .map(|d| (d.get_ref().as_str(), d.span()))
    {
        None | Some(("auto", _)) => DecimalMark::Auto,
        Some((".", _)) => DecimalMark::Point,
        Some((",", _)) => DecimalMark::Comma,
        Some((other, span)) => {
            check.at(
                Code::UnknownMethod,
                span,
                format!("unknown decimal mark \"{other}\""),
                "use \"auto\", \".\" or \",\"",
            );
            DecimalMark::Auto
        }
    };
    let encoding = match raw
        .encoding
        .as_ref()
        .map(|e| (e.get_ref().to_lowercase(), e.span()))
    {
        None => TextEncoding::Auto,
        Some((e, span)) => match e.as_str() {
            "auto" => TextEncoding::Auto,
            "utf-8" | "utf8" => TextEncoding::Utf8,
            "windows-1251" | "cp1251" => TextEncoding::Windows1251,
            other => {
                check.at(
                    Code::UnknownMethod,
                    span,
                    format!("unknown encoding \"{other}\""),
                    "use \"auto\", \"utf-8\" or \"windows-1251\"",
                );
                TextEncoding::Auto
            }
        },
    };
    DataLayout {
        region_column: raw.region_column.unwrap_or_else(|| "region".into()),
        year_column: raw.year_column.unwrap_or_else(|| "year".into()),
        indicator_column: raw.indicator_column.unwrap_or_else(|| "indicator".into()),
        value_column: raw.value_column.unwrap_or_else(|| "value".into()),
        name_column: raw.name_column,
        ignore_columns: raw.ignore_columns,
        missing_values: raw.missing_values,
        decimal,
        encoding,
        sheet: raw.sheet,
    }
}

fn uncertainty(
    check: &mut Checker,
    raw: &super::raw::RawUncertainty,
    scale: (f64, f64),
) -> Option<Uncertainty> {
    let mut out = Uncertainty::default();
    let mut ok = true;
    let mut count = |v: &Option<Spanned<i64>>, what: &str, default: usize| match v {
        None => default,
        Some(n) if *n.get_ref() >= 1 => *n.get_ref() as usize,
        Some(n) => {
            check.at(
                Code::BadParameter,
                n.span(),
                format!("uncertainty.{what} must be at least 1, not {}", n.get_ref()),
                "e.g. 1000",
            );
            ok = false;
            default
        }
    };
    out.replications = count(&raw.replications, "replications", out.replications);
    out.samples = count(&raw.samples, "samples", out.samples);
    if let Some(seed) = &raw.seed {
        out.seed = *seed.get_ref() as u64;
    }
    if let Some(w) = &raw.weights {
        let v = *w.get_ref();
        if !(0.0..=1.0).contains(&v) {
            check.at(
                Code::BadParameter,
                w.span(),
                format!("uncertainty.weights must be a fraction in [0, 1], not {v}"),
                "e.g. weights = 0.25 perturbs every weight by up to 25%",
            );
            ok = false;
        } else {
            out.weights = v;
        }
    }
    for w in &raw.weightings {
        match super::Weighting::from_name(w.get_ref()) {
            Some(weighting) => out.weightings.push(weighting),
            None => {
                check.at(
                    Code::UnknownMethod,
                    w.span(),
                    format!("unknown weighting alternative \"{}\"", w.get_ref()),
                    format!("use one of: {}", super::Weighting::names().join(", ")),
                );
                ok = false;
            }
        }
    }
    // Each alternative is a method as the spec's tables write it, or its spelling alone.
    let method_of = |a: &Spanned<RawAlternative>| match a.get_ref() {
        RawAlternative::Name(name) => Spanned::new(a.span(), RawMethod::named(a.span(), name)),
        RawAlternative::Method(m) => Spanned::new(a.span(), m.clone()),
    };
    for n in &raw.normalisations {
        match normalisation(check, &method_of(n), scale) {
            Some(m) => out.normalisations.push(m),
            None => ok = false,
        }
    }
    for a in &raw.aggregations {
        match aggregation(check, &method_of(a)) {
            Some(m) => out.aggregations.push(m),
            None => ok = false,
        }
    }
    for i in &raw.imputations {
        match impute(check, &method_of(i)) {
            Some(m) => out.imputations.push(m),
            None => ok = false,
        }
    }
    for t in &raw.treatments {
        match treatment(check, &method_of(t)) {
            Some(m) => out.treatments.push(m),
            None => ok = false,
        }
    }
    out.exclude_one = raw.exclude_one.unwrap_or(false);
    out.sampling = raw.sampling.unwrap_or(true);
    ok.then_some(out)
}

fn validation(check: &mut Checker, raw: super::raw::RawValidation) -> Validation {
    let min_coverage = raw.min_coverage.and_then(|c| {
        let v = *c.get_ref();
        if (0.0..=1.0).contains(&v) {
            Some(v)
        } else {
            check.at(
                Code::BadParameter,
                c.span(),
                format!("validation.min_coverage must be in [0, 1], not {v}"),
                "e.g. min_coverage = 0.8",
            );
            None
        }
    });
    let min_units = match raw.min_units {
        None => 2,
        Some(m) if *m.get_ref() >= 1 => *m.get_ref() as usize,
        Some(m) => {
            check.at(
                Code::BadParameter,
                m.span(),
                format!(
                    "validation.min_units must be at least 1, not {}",
                    m.get_ref()
                ),
                "e.g. min_units = 2",
            );
            2
        }
    };
    Validation {
        min_coverage,
        min_units,
    }
}

struct FrameworkDefaults<'a> {
    level_treatments: &'a [(Option<Option<Impute>>, Option<Option<Treatment>>)],
    normalisation: Option<Option<Normalisation>>,
    imputation: Option<Option<Impute>>,
    treatment: Option<Option<Treatment>>,
    aggregation: Option<Aggregation>,
    missing: Option<MissingRule>,
    levels: &'a [(Option<Option<Aggregation>>, Option<Option<MissingRule>>)],
    scale: (f64, f64),
}

/// A node before the tree is assembled.
struct Pending {
    id: String,
    id_span: Range<usize>,
    parent: Option<(String, Range<usize>)>,
    name: Labels,
    weight: f64,
    kind: PendingKind,
}

enum PendingKind {
    Group {
        aggregation: Option<Option<Aggregation>>,
        missing: Option<Option<MissingRule>>,
    },
    Indicator(Option<Indicator>),
}

fn weight(check: &mut Checker, raw: &Option<Spanned<f64>>, id: &str) -> f64 {
    match raw {
        None => 1.0,
        Some(w) => {
            let v = *w.get_ref();
            if !v.is_finite() || v < 0.0 {
                check.at(
 Code::BadWeight,
                    w.span(),
                    format!("weight of \"{id}\" must be a finite number >= 0, not {v}"),
                    "weights are relative within a parent, e.g. 1, 2 or 0.25; leave weight out for 1",
                );
                0.0
            } else {
                v
            }
        }
    }
}

fn framework(
    check: &mut Checker,
    meta: &IndexMeta,
    groups: &[Spanned<super::raw::RawGroup>],
    indicators: &[Spanned<super::raw::RawIndicator>],
    labels: &LabelFn,
    defaults: FrameworkDefaults,
) -> Option<Framework> {
    let mut own_methods: std::collections::HashMap<String, (bool, bool)> =
        std::collections::HashMap::new();
    let mut explicit_weight: Vec<String> = Vec::new();
    let mut consistency: std::collections::BTreeMap<String, f64> =
        std::collections::BTreeMap::new();
    let mut pending: Vec<Pending> = vec![Pending {
        id: meta.id.clone(),
        id_span: 0..0,
        parent: None,
        name: meta.name.clone(),
        weight: 1.0,
        kind: PendingKind::Group {
            aggregation: None,
            missing: None,
        },
    }];
    for g in groups {
        let g = g.get_ref();
        let id = g.id.get_ref().clone();
        pending.push(Pending {
            name: labels(check, &format!("group \"{id}\" name"), &g.name),
            weight: {
                if g.weight.is_some() {
                    explicit_weight.push(id.clone());
                }
                weight(check, &g.weight, &id)
            },
            kind: PendingKind::Group {
                aggregation: g.aggregation.as_ref().map(|a| aggregation(check, a)),
                missing: g.missing.as_ref().map(|m| missing_rule(check, m)),
            },
            id_span: g.id.span(),
            parent: Some((g.parent.get_ref().clone(), g.parent.span())),
            id,
        });
    }
    for i in indicators {
        let i = i.get_ref();
        let id = i.id.get_ref().clone();
        let direction = match i.direction.get_ref().as_str() {
            "higher" => Some(Direction::Higher),
            "lower" => Some(Direction::Lower),
            other => {
                check.at(
 Code::UnknownMethod,
                    i.direction.span(),
                    format!("unknown direction \"{other}\" for indicator \"{id}\""),
                    "use \"higher\" (higher values are better) or \"lower\" (lower values are better)",
                );
                None
            }
        };
        let norm = match (&i.normalisation, &defaults.normalisation) {
            (Some(n), _) => normalisation(check, n, defaults.scale),
            (None, Some(default)) => default.clone(),
            (None, None) => {
                check.at(
 Code::BadParameter,
                    i.id.span(),
                    format!("indicator \"{id}\" has no normalisation and the spec declares no default"),
                    "add normalisation = { method = \"min-max\" } to the indicator or to [defaults]",
                );
                None
            }
        };
        let valid = match &i.valid {
            None => Some(None),
            Some(v) => match v.get_ref().as_slice() {
                [lo, hi] if lo.is_finite() && hi.is_finite() && lo < hi => Some(Some((*lo, *hi))),
                _ => {
                    check.at(
                        Code::BadParameter,
                        v.span(),
                        "valid must be two finite numbers [low, high] with low < high",
                        "e.g. valid = [0, 100] for a percentage",
                    );
                    None
                }
            },
        };
        own_methods.insert(id.clone(), (i.imputation.is_some(), i.treatment.is_some()));
        let imputation = match (&i.imputation, &defaults.imputation) {
            (Some(m), _) => impute(check, m),
            (None, Some(d)) => *d,
            (None, None) => Some(Impute::None),
        };
        let treat = match (&i.treatment, &defaults.treatment) {
            (Some(m), _) => treatment(check, m),
            (None, Some(d)) => *d,
            (None, None) => Some(Treatment::None),
        };
        let formula = match &i.formula {
            None => Some(None),
            Some(f) => match crate::formula::parse(f.get_ref()) {
                Ok(e) => Some(Some(e)),
                Err(e) => {
                    // +1: the opening quote of the TOML string.
                    let at = f.span().start + 1 + e.at;
                    check.at(
                        Code::BadParameter,
                        at..at,
                        format!("formula of \"{id}\": {}", e.message),
                        "write arithmetic of column names and numbers, e.g. offences / child_population * 10000",
                    );
                    None
                }
            },
        };
        let indicator = match (direction, norm, valid, imputation, treat, formula) {
            (
                Some(direction),
                Some(normalisation),
                Some(valid),
                Some(imputation),
                Some(treatment),
                Some(formula),
            ) => Some(Indicator {
                formula,
                unit: i.unit.clone(),
                direction,
                source: i.source.clone(),
                valid,
                normalisation,
                imputation,
                treatment,
            }),
            _ => None,
        };
        pending.push(Pending {
            name: labels(check, &format!("indicator \"{id}\" name"), &i.name),
            weight: {
                if i.weight.is_some() {
                    explicit_weight.push(id.clone());
                }
                weight(check, &i.weight, &id)
            },
            kind: PendingKind::Indicator(indicator),
            id_span: i.id.span(),
            parent: Some((i.parent.get_ref().clone(), i.parent.span())),
            id,
        });
    }

    // Ids: valid and unique.
    let mut by_id: HashMap<&str, usize> = HashMap::new();
    let mut ok = true;
    for (k, p) in pending.iter().enumerate() {
        if k > 0 && !valid_id(&p.id) {
            check.at(
                Code::BadId,
                p.id_span.clone(),
                format!("\"{}\" is not a valid id", p.id),
                ID_HINT,
            );
            ok = false;
        }
        if let Some(&first) = by_id.get(p.id.as_str()) {
            let (line, _) = line_col(check.text, pending[first].id_span.start);
            let what = if first == 0 {
                "the index id".to_string()
            } else {
                format!("line {line}")
            };
            check.at(
                Code::DuplicateId,
                p.id_span.clone(),
                format!("duplicated id \"{}\" (first used by {what})", p.id),
                "every node of the framework needs its own id",
            );
            ok = false;
        } else {
            by_id.insert(&p.id, k);
        }
    }
    if !ok {
        return None;
    }

    // Parents: exist and are groups.
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); pending.len()];
    let mut parent_of: Vec<Option<usize>> = vec![None; pending.len()];
    for (k, p) in pending.iter().enumerate() {
        let Some((parent, span)) = &p.parent else {
            continue;
        };
        match by_id.get(parent.as_str()) {
            None => {
                let hint = match nearest(parent, by_id.keys().copied()) {
                    Some(near) => format!(
                        "did you mean \"{near}\"? the parent must be the index id or a [[group]] id"
                    ),
                    None => "the parent must be the index id or a [[group]] id".into(),
                };
                check.at(
                    Code::MissingNode,
                    span.clone(),
                    format!("\"{}\" has parent \"{parent}\", which is not defined", p.id),
                    hint,
                );
                ok = false;
            }
            Some(&q) if matches!(pending[q].kind, PendingKind::Indicator(_)) => {
                check.at(
                    Code::IndicatorParent,
                    span.clone(),
                    format!(
                        "\"{}\" has parent \"{parent}\", which is an indicator",
                        p.id
                    ),
                    "only the index and [[group]] nodes can have children",
                );
                ok = false;
            }
            Some(&q) => {
                children[q].push(k);
                parent_of[k] = Some(q);
            }
        }
    }
    if !ok {
        return None;
    }

    // Reachability from the root: anything not reached sits on a cycle.
    let mut depth: Vec<Option<usize>> = vec![None; pending.len()];
    let mut order = Vec::new();
    let mut stack = vec![(0usize, 0usize)];
    while let Some((k, d)) = stack.pop() {
        depth[k] = Some(d);
        order.push(k);
        for &c in children[k].iter().rev() {
            stack.push((c, d + 1));
        }
    }
    for (k, p) in pending.iter().enumerate() {
        if depth[k].is_none() {
            check.at(
                Code::Cycle,
                p.id_span.clone(),
                format!(
                    "\"{}\" is part of a cycle of parents and never reaches the index",
                    p.id
                ),
                "follow the parent links from this node: one of them must lead to the index id",
            );
            ok = false;
        }
    }
    for (k, p) in pending.iter().enumerate() {
        if matches!(p.kind, PendingKind::Group { .. }) && children[k].is_empty() {
            check.at(
                Code::EmptyGroup,
                p.id_span.clone(),
                format!(
                    "group \"{}\" is empty: no group or indicator has it as parent",
                    p.id
                ),
                "add children with parent = \"...\" or remove the group",
            );
            ok = false;
        } else if !children[k].is_empty() && children[k].iter().all(|&c| pending[c].weight == 0.0) {
            check.at(
                Code::ZeroWeights,
                p.id_span.clone(),
                format!("all children of \"{}\" have weight 0", p.id),
                "give at least one child a positive weight",
            );
            ok = false;
        }
    }
    if !ok {
        return None;
    }

    // Assemble in pre-order and resolve methods: node, then level, then defaults.
    let mut new_pos = vec![0usize; pending.len()];
    for (pos, &k) in order.iter().enumerate() {
        new_pos[k] = pos;
    }
    let mut nodes = Vec::with_capacity(order.len());
    let mut indicator_positions = Vec::new();
    let mut pending: Vec<Option<Pending>> = pending.into_iter().map(Some).collect();
    for (pos, &k) in order.iter().enumerate() {
        let p = pending[k].take()?;
        let level = depth[k]?;
        let kind = match p.kind {
            PendingKind::Group {
                aggregation,
                missing,
            } => {
                let (level_agg, level_miss) =
                    defaults.levels.get(level).cloned().unwrap_or((None, None));
                let aggregation = aggregation.or(level_agg).unwrap_or(defaults.aggregation)?;
                let missing = missing.or(level_miss).unwrap_or(defaults.missing)?;
                NodeKind::Group {
                    aggregation,
                    missing,
                }
            }
            PendingKind::Indicator(indicator) => {
                indicator_positions.push(pos);
                let mut indicator = indicator?;
                // A level's imputation and treatment apply to the indicators at its depth
                // that declare none of their own.
                let (own_impute, own_treat) =
                    own_methods.get(&p.id).copied().unwrap_or((false, false));
                if let Some((imp, treat)) = defaults.level_treatments.get(level) {
                    if !own_impute && let Some(imp) = imp {
                        indicator.imputation = (*imp)?;
                    }
                    if !own_treat && let Some(treat) = treat {
                        indicator.treatment = (*treat)?;
                    }
                }
                NodeKind::Indicator(indicator)
            }
        };
        nodes.push(Node {
            id: p.id,
            name: p.name,
            weight: p.weight,
            parent: parent_of[k].map(|q| new_pos[q]),
            children: children[k].iter().map(|&c| new_pos[c]).collect(),
            level,
            kind,
        });
    }
    // Weights from AHP pairwise comparisons, in the children's order of declaration.
    for g in groups {
        let g = g.get_ref();
        let Some(matrix) = &g.ahp else { continue };
        let pos = nodes.iter().position(|n| n.id == *g.id.get_ref())?;
        let children = nodes[pos].children.clone();
        if let Some(&c) = children
            .iter()
            .find(|&&c| explicit_weight.contains(&nodes[c].id))
        {
            check.at(
                Code::BadParameter,
                matrix.span(),
                format!(
                    "\"{}\" has both ahp weights and its own weight on \"{}\"",
                    g.id.get_ref(),
                    nodes[c].id
                ),
                "remove the children's weight keys, or the ahp matrix",
            );
            return None;
        }
        match ahp_weights(matrix.get_ref(), children.len()) {
            Err(message) => {
                check.at(Code::BadParameter, matrix.span(), format!("ahp of \"{}\": {message}", g.id.get_ref()), "a pairwise matrix is square (one row per child), positive, with a_ji = 1 / a_ij and 1 on the diagonal");
                return None;
            }
            Ok((weights, cr)) => {
                if cr > 0.1 && !g.ahp_allow_inconsistent.unwrap_or(false) {
                    check.at(Code::BadParameter, matrix.span(), format!("ahp of \"{}\": consistency ratio {cr:.3} is above 0.1", g.id.get_ref()), "revise the comparisons, or set ahp_allow_inconsistent = true to accept them");
                    return None;
                }
                for (&c, w) in children.iter().zip(weights) {
                    nodes[c].weight = w;
                }
                consistency.insert(g.id.get_ref().clone(), cr);
            }
        }
    }
    let mut pca = Vec::new();
    for g in groups {
        let g = g.get_ref();
        let Some(w) = &g.weighting else { continue };
        let pos = nodes.iter().position(|n| n.id == *g.id.get_ref())?;
        let all_indicators = nodes[pos]
            .children
            .iter()
            .all(|&c| matches!(nodes[c].kind, NodeKind::Indicator(_)));
        if w.get_ref() != "pca"
            || !all_indicators
            || g.ahp.is_some()
            || nodes[pos].children.len() < 2
        {
            check.at(
                Code::BadParameter,
                w.span(),
                format!("weighting \"{}\" of \"{}\" cannot apply", w.get_ref(), g.id.get_ref()),
                "weighting = \"pca\" takes a group of at least two indicators, without an ahp matrix",
            );
            return None;
        }
        pca.push(g.id.get_ref().clone());
    }
    Some(Framework {
        nodes,
        indicators: indicator_positions,
        consistency,
        pca,
    })
}

/// Saaty's random consistency index by matrix size.
const RANDOM_INDEX: [f64; 11] = [
    0.0, 0.0, 0.0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49,
];

/// AHP weights: the principal eigenvector of a positive reciprocal matrix (by power
/// iteration), summing to 1, and the consistency ratio CR = CI / RI, CI = (lambda - n)/(n - 1)
/// (Saaty 1980).
pub fn ahp_weights(m: &[Vec<f64>], n: usize) -> Result<(Vec<f64>, f64), String> {
    if m.len() != n || m.iter().any(|r| r.len() != n) {
        return Err(format!(
            "the matrix must be {n} x {n}, one row and column per child"
        ));
    }
    for i in 0..n {
        for j in 0..n {
            let (a, b) = (m[i][j], m[j][i]);
            if !(a.is_finite() && a > 0.0) {
                return Err(format!(
                    "entry [{}][{}] = {a} is not a positive number",
                    i + 1,
                    j + 1
                ));
            }
            if ((a * b) - 1.0).abs() > 0.01 {
                return Err(format!(
                    "entries [{}][{}] = {a} and [{}][{}] = {b} are not reciprocal",
                    i + 1,
                    j + 1,
                    j + 1,
                    i + 1
                ));
            }
        }
    }
    let mut w = vec![1.0 / n as f64; n];
    for _ in 0..1000 {
        let next: Vec<f64> = (0..n)
            .map(|i| (0..n).map(|j| m[i][j] * w[j]).sum())
            .collect();
        let total: f64 = next.iter().sum();
        let next: Vec<f64> = next.iter().map(|v| v / total).collect();
        let done = next.iter().zip(&w).all(|(a, b)| (a - b).abs() < 1e-15);
        w = next;
        if done {
            break;
        }
    }
    let lambda = (0..n)
        .map(|i| (0..n).map(|j| m[i][j] * w[j]).sum::<f64>() / w[i])
        .sum::<f64>()
        / n as f64;
    let cr = if n <= 2 {
        0.0
    } else {
        (lambda - n as f64) / (n as f64 - 1.0) / RANDOM_INDEX[n.min(10)]
    };
    Ok((w, cr.max(0.0)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_count_characters() {
        let text = "a = 1\nназвание = 2\n";
        let offset = text.find('2').unwrap();
        assert_eq!(line_col(text, offset), (2, 12));
    }

    /// Saaty's textbook matrix [[1, 3, 5], [1/3, 1, 3], [1/5, 1/3, 1]]: weights 0.637, 0.258,
    /// 0.105, lambda_max 3.039, CR = 0.0193 / 0.58 = 0.033. A cyclic matrix (A 9x B, B 9x C,
    /// C 9x A) is as inconsistent as can be.
    #[test]
    fn ahp_weights_and_consistency() {
        let m = vec![
            vec![1.0, 3.0, 5.0],
            vec![1.0 / 3.0, 1.0, 3.0],
            vec![0.2, 1.0 / 3.0, 1.0],
        ];
        let (w, cr) = ahp_weights(&m, 3).unwrap();
        for (got, want) in w.iter().zip([0.637, 0.258, 0.105]) {
            assert!((got - want).abs() < 5e-4, "{got} against {want}");
        }
        assert!((cr - 0.033).abs() < 5e-4, "{cr}");
        let cyclic = vec![
            vec![1.0, 9.0, 1.0 / 9.0],
            vec![1.0 / 9.0, 1.0, 9.0],
            vec![9.0, 1.0 / 9.0, 1.0],
        ];
        assert!(ahp_weights(&cyclic, 3).unwrap().1 > 0.1);
        let not_reciprocal = vec![vec![1.0, 3.0], vec![3.0, 1.0]];
        assert!(
            ahp_weights(&not_reciprocal, 2)
                .unwrap_err()
                .contains("not reciprocal")
        );
        assert!(ahp_weights(&m, 2).unwrap_err().contains("2 x 2"));
    }

    /// In a spec: the children take the eigenvector as weights; an inconsistent matrix is
    /// refused at its line unless allowed.
    #[test]
    fn ahp_in_a_spec() {
        let spec = |matrix: &str| {
            format!(
                "[index]\nid = \"x\"\nversion = \"1\"\nlanguages = [\"en\"]\nscale = [0, 100]\nname = {{ en = \"X\" }}\n[[unit]]\ncode = \"A\"\nname = {{ en = \"A\" }}\n[defaults]\npooling = \"each-year\"\nnormalisation = {{ method = \"min-max\" }}\naggregation = {{ method = \"arithmetic\" }}\n[[group]]\nid = \"g\"\nparent = \"x\"\nname = {{ en = \"G\" }}\nahp = {matrix}\n{}",
                ["a", "b", "c"].map(|i| format!("[[indicator]]\nid = \"{i}\"\nparent = \"g\"\nname = {{ en = \"{i}\" }}\nunit = \"u\"\ndirection = \"higher\"\nsource = \"s\"\n")).concat()
            )
        };
        let ok = parse_str(
            &spec("[[1, 3, 5], [0.3333333, 1, 3], [0.2, 0.3333333, 1]]"),
            Path::new("x.toml"),
        )
        .unwrap();
        let fw = &ok.framework;
        let w = |id: &str| {
            let n = fw.position(id).unwrap();
            let siblings = &fw.nodes[fw.nodes[n].parent.unwrap()].children;
            fw.nodes[n].weight / siblings.iter().map(|&c| fw.nodes[c].weight).sum::<f64>()
        };
        assert!((w("a") - 0.637).abs() < 5e-4);
        assert!((fw.consistency["g"] - 0.033).abs() < 5e-4);
        let bad = parse_str(
            &spec("[[1, 9, 0.1111111], [0.1111111, 1, 9], [9, 0.1111111, 1]]"),
            Path::new("x.toml"),
        )
        .unwrap_err();
        let SpecError::Invalid { problems } = bad else {
            panic!("not a spec problem")
        };
        assert!(
            problems[0].message.contains("consistency ratio"),
            "{}",
            problems[0].message
        );
        assert_eq!(problems[0].line, Some(18), "the line of ahp = ...");
    }

    #[test]
    fn nearest_suggests_a_typo_fix_only() {
        let ids = ["child", "family", "state"];
        assert_eq!(nearest("chlid", ids.iter().copied()), Some("child"));
        assert_eq!(nearest("economy", ids.iter().copied()), None);
    }
}
