//! An indicator's own keys, each read and checked on its own: direction, normalisation,
//! valid range, and a unit or source given as one text or a label per language.

use toml::Spanned;

use super::Checker;
use super::units::LabelFn;
use crate::diagnostic::Code;
use crate::spec::raw::RawIndicator;
use crate::spec::{Direction, Labels, Normalisation};

/// An indicator's `direction`: `None` when refused (reported).
pub(super) fn direction(check: &mut Checker, i: &RawIndicator, id: &str) -> Option<Direction> {
    match i.direction.get_ref().as_str() {
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
    }
}

/// An indicator's normalisation: its own, else the default; `None` when refused or when
/// there is neither (reported).
pub(super) fn normalisation(
    check: &mut Checker,
    i: &RawIndicator,
    default: &Option<Option<Normalisation>>,
    scale: (f64, f64),
    id: &str,
) -> Option<Normalisation> {
    match (&i.normalisation, default) {
        (Some(n), _) => super::methods::normalisation(check, n, scale),
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
    }
}

/// An indicator's `valid` range: `Some(None)` when not declared, `None` when refused.
pub(super) fn valid_range(
    check: &mut Checker,
    valid: &Option<Spanned<Vec<f64>>>,
) -> Option<Option<(f64, f64)>> {
    let Some(v) = valid else {
        return Some(None);
    };
    match v.get_ref().as_slice() {
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
    }
}

/// A unit or source: one text, or a label per language (each of the index's languages, as
/// `labels` checks), with the one text the tables and the manifest carry (English where
/// given).
pub(super) fn text_or_labels(
    check: &mut Checker,
    labels: &LabelFn,
    i: &RawIndicator,
    what: &str,
    v: &toml::Value,
) -> (String, Option<Labels>) {
    match v {
        toml::Value::String(s) => (s.clone(), None),
        toml::Value::Table(t) => {
            let map: std::collections::BTreeMap<String, String> = t
                .iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                .collect();
            let plain = map
                .get("en")
                .or_else(|| map.values().next())
                .cloned()
                .unwrap_or_default();
            let raw = toml::Spanned::new(i.id.span(), map);
            (plain, Some(labels(check, what, &raw)))
        }
        _ => (String::new(), None),
    }
}
