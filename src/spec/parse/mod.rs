//! From TOML text to a validated `Spec`. Every problem found is collected with its line and
//! column, so one run reports all of them.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::path::{Path, PathBuf};

use toml::Spanned;

use super::{
    Aggregation, AggregationKind, Direction, Framework, Impute, ImputeKind, IndexMeta, Indicator,
    Labels, LogForm, MissingRule, Node, NodeKind, Normalisation, NormalisationKind, OutlierRule,
    Pooling, ShareOf, Spec, Treatment, TreatmentKind, Uncertainty, Validation,
};
use crate::diagnostic::{Code, Diagnostic, list};
use crate::diagnostic::{LineIndex, line_col, nearest};
use crate::named::Named;
use crate::spec::raw::{RawAlternative, RawLabels, RawMethod, RawMissing, RawSpec, RawUnit};
use crate::units::{Unit, Units};

mod data;
mod framework;
mod index;
mod indicator;
mod methods;
mod steps;
mod units;
mod warnings;

use data::data_layout;
use framework::{FrameworkDefaults, framework};
pub use methods::MethodArg;
use methods::{aggregation, impute, missing_rule, normalisation, treatment};
use units::{boundary_changes, units};

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
    /// Made on the first located problem.
    lines: Option<LineIndex>,
}

impl Checker<'_> {
    fn at(
        &mut self,
        code: Code,
        span: Range<usize>,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) {
        let text = self.text;
        let (line, column) = self
            .lines
            .get_or_insert_with(|| LineIndex::new(text))
            .line_col(text, span.start);
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
        lines: None,
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
    let (mut document, errors) = toml::de::DeTable::parse_recoverable(text);
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
    // The unknown keys reported, the rest of the document is read and checked as well, so
    // that one run names every problem (a misspelt parent, a negative weight) and not only
    // the unknown keys.
    super::schema::strip_unknown_keys(&mut document);
    // The document parsed above is deserialised (the text is parsed once). A value of the
    // wrong type is reported and taken out, and the rest read again, so that one run names
    // every such value and the problems found after them; up to 100 of them.
    let mut removed: Vec<String> = Vec::new();
    let raw: RawSpec = loop {
        match serde::Deserialize::deserialize(toml::de::Deserializer::from(document.clone())) {
            Ok(raw) => break raw,
            Err(e) => {
                let message = e.message().trim().to_string();
                // A required key taken out just before is now missing: not a problem of its own.
                let follow_on = removed
                    .iter()
                    .any(|k| message.contains(&format!("missing field `{k}`")));
                if !follow_on {
                    check.at(
                        Code::Syntax,
                        e.span().unwrap_or(0..0),
                        message,
                        "see docs/spec.md for the keys each table needs and their types",
                    );
                }
                let taken = e
                    .span()
                    .filter(|_| !follow_on && removed.len() < 100)
                    .and_then(|span| super::schema::remove_value_at(&mut document, &span));
                match taken {
                    Some(key) => removed.push(key),
                    None => {
                        return Err(SpecError::Invalid {
                            problems: check.problems,
                        });
                    }
                }
            }
        }
    };
    let spec = build(raw, path, &mut check);
    match spec {
        Some(mut spec) if !check.has_errors() => {
            warnings::warn_geometric_zero(&spec, &mut check);
            warnings::warn_bounds_not_kept(&spec, &mut check);
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

/// The spec from its raw tables: the index's own keys, the defaults and levels, the units,
/// the data layout and settings, then the framework; every problem reported to `check`, and
/// `None` when one makes the spec unusable.
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
        index::checked_labels(check, &languages, what, raw)
    };
    let meta = index::index_meta(check, &index, &labels);
    let (scale, direction) = (meta.scale, meta.direction);

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
    let frozen = defaults
        .bounds_edition
        .as_ref()
        .and_then(|b| index::frozen_bounds(check, path, b));
    let screening = defaults
        .screening
        .as_ref()
        .map(|s| screening(check, s.get_ref()));
    let boundary_changes = boundary_changes(check, &raw.boundary_change);
    // Without a declaration, a group needs every child.
    let default_missing = defaults.missing.as_ref().map_or(
        Some(MissingRule {
            min_share: 1.0,
            share_of: ShareOf::Weight,
        }),
        |m| missing_rule(check, m),
    );
    let (levels, level_methods, level_treatments) = index::levels(check, &raw.level, &labels);

    let units = units(check, &raw.units, &raw.unit, &languages, path, &labels);
    let raw_data = raw.data.unwrap_or_default();
    if let Some(Some(units)) = &units {
        index::ignored_units(check, units, &raw_data.ignore_regions);
    }
    let data = data_layout(check, raw_data);
    let validation = validation(check, raw.validation.unwrap_or_default());
    let uncertainty = raw
        .uncertainty
        .as_ref()
        .map_or(Some(Uncertainty::default()), |u| {
            uncertainty(check, u.get_ref(), scale)
        });
    let spans = index::node_spans(&index, &raw.group, &raw.indicator);

    let default_impute = defaults.imputation.as_ref().map(|m| impute(check, m));
    let default_treatment = defaults.treatment.as_ref().map(|m| treatment(check, m));
    let default_round = steps::round(check, &defaults.round, "[defaults]");
    let framework = framework(
        check,
        &meta,
        &index,
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
            direction,
            round: default_round,
        },
    );

    if let (Some(Some(u)), Some(fw), Some(unc)) = (&units, &framework, &uncertainty) {
        let table_span = raw.units.as_ref().map_or(0..0, Spanned::span);
        units::unpooled_conflicts(check, &raw.unit, table_span, u, fw, unc);
    }
    Some(Spec {
        path: path.to_path_buf(),
        sha256: crate::digest::sha256_hex(check.text.as_bytes()),
        index: meta,
        pooling: pooling?,
        base_year,
        frozen,
        screening: screening.unwrap_or(Some(None))?,
        boundary_changes: boundary_changes?,
        units: units?,
        data,
        framework: framework?,
        levels,
        validation,
        uncertainty: uncertainty?,
        warnings: Vec::new(),
        allowed: warnings::allowances(check, &index, &raw.group, &raw.indicator),
        positions: {
            let lines = LineIndex::new(check.text);
            spans
                .iter()
                .map(|(id, span)| (id.clone(), lines.line_col(check.text, span.start)))
                .collect()
        },
        spans,
    })
}

/// `[defaults] screening = { min_share = 0.9, when = "before-imputation" }`: `Some(None)` is
/// impossible here; `None` means refused (already reported).
fn screening(
    check: &mut Checker,
    raw: &crate::spec::raw::RawScreening,
) -> Option<Option<crate::spec::Screening>> {
    use crate::spec::{ScreenWhen, Screening};
    let share = *raw.min_share.get_ref();
    if !(share.is_finite() && share > 0.0 && share <= 1.0) {
        check.at(
            Code::BadParameter,
            raw.min_share.span(),
            format!("screening.min_share must be in (0, 1], not {share}"),
            "e.g. min_share = 0.9 leaves out a region-year with less than 90% of the indicators",
        );
        return None;
    }
    let when = match &raw.when {
        None => ScreenWhen::BeforeImputation,
        Some(w) => match ScreenWhen::from_name(w.get_ref()) {
            Some(when) => when,
            None => {
                check.at(
                    Code::UnknownMethod,
                    w.span(),
                    format!("unknown screening.when \"{}\"", w.get_ref()),
                    format!("use one of: {}", ScreenWhen::names().join(", ")),
                );
                return None;
            }
        },
    };
    Some(Some(Screening {
        min_share: share,
        when,
    }))
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
    use crate::spec::PoolingKind;
    let pooling = match PoolingKind::from_name(raw.get_ref()) {
        Some(PoolingKind::EachYear) => Pooling::EachYear,
        Some(PoolingKind::AllYears) => Pooling::AllYears,
        Some(PoolingKind::ReferenceYear) => match reference {
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
        None => {
            check.at(
                Code::UnknownMethod,
                raw.span(),
                format!("unknown pooling \"{}\"", raw.get_ref()),
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

fn uncertainty(
    check: &mut Checker,
    raw: &crate::spec::raw::RawUncertainty,
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

fn validation(check: &mut Checker, raw: crate::spec::raw::RawValidation) -> Validation {
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
    let max_change = raw
        .max_change
        .and_then(|m| share_above_zero(check, &m, "validation.max_change"));
    Validation {
        min_coverage,
        min_units,
        max_change,
    }
}

/// A share of a previous value (`max_change`): a finite number above 0 (1 = 100%).
fn share_above_zero(check: &mut Checker, value: &toml::Spanned<f64>, what: &str) -> Option<f64> {
    let v = *value.get_ref();
    if v.is_finite() && v > 0.0 {
        Some(v)
    } else {
        check.at(
            Code::BadParameter,
            value.span(),
            format!("{what} must be a share above 0 (0.3 = 30%), not {v}"),
            "e.g. max_change = 0.3 to flag values that change by more than 30% from the previous year",
        );
        None
    }
}

#[cfg(test)]
mod tests {
    use super::framework::ahp_weights;
    use super::*;

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
}
